/**
 * Registry meta-test (stylelint's rules/__tests__/index.test.mjs + ESLint's checkRuleFiles):
 * every rule and every reader id has its doc, its docs URL, and messages that are all used.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, posix } from 'path';
import { READER_RULES } from '../src/engine/reader-rules';
import { RULES } from '../checks';
import type { Rule } from '../src/rule';
import { docsUrl, HOMEPAGE, VERSION } from '../src/source/meta';
import { CANONICAL } from '../src/readers/gunicorn/values';
import { CONNECTOR_SETTING_KINDS, connectorDefault } from '../src/reference/tomcat/defaults';

const ROOT = join(__dirname, '..');
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CAMEL_CASE = /^[a-z][a-zA-Z0-9]*$/;
const HEADER = /^severity: (\S+) · category: (\S+) · fixable: (\S+) · since: (\S+)$/;
const RULE_HEADINGS = ['## What breaks', '## What you will see', '## Bad', '## Good', '## When it is fine', '## How to suppress', '## References'];

const read = (relative: string) => readFileSync(join(ROOT, relative), 'utf8');
const lines = (text: string) => text.split(/\r?\n/);

interface DocHeader {
  severity: string;
  category: string;
  fixable: string;
  since: string;
}

function parseHeader(text: string): DocHeader | undefined {
  const match = HEADER.exec(lines(text)[1] ?? '');
  return match ? { severity: match[1], category: match[2], fixable: match[3], since: match[4] } : undefined;
}

function compareVersionText(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  return 0;
}

/** Every `messageId: '…'` literal in a check's source (quotes of any kind). */
function messageIdsUsedIn(source: string): Set<string> {
  const used = new Set<string>();
  for (const match of source.matchAll(/messageId:\s*(['"`])([^'"`]+)\1/g)) used.add(match[2]);
  return used;
}

/** Relative links of a Markdown file, e.g. `../docs/rules/x.md`, without any #fragment. */
function relativeLinks(markdown: string): string[] {
  const links: string[] = [];
  for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1];
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    links.push(target.split('#')[0]);
  }
  return links;
}

const ruleIds = RULES.map((rule) => rule.id);
const readerIds = READER_RULES.map((rule) => rule.id);

describe('registry', () => {
  it('has rules and reader ids to check', () => {
    expect(RULES.length).toBeGreaterThan(0);
    expect(READER_RULES.length).toBeGreaterThan(0);
  });

  it('has no duplicate ids, and rule ids and reader ids do not collide', () => {
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
    expect(new Set(readerIds).size).toBe(readerIds.length);
    expect(ruleIds.filter((id) => readerIds.includes(id))).toEqual([]);
  });

  it('uses kebab-case ids', () => {
    expect([...ruleIds, ...readerIds].filter((id) => !KEBAB_CASE.test(id))).toEqual([]);
  });

  it('registers every checks/*.ts and documents nothing that is not a rule', () => {
    const files = readdirSync(join(ROOT, 'checks'));
    const checks = files.filter((name) => name.endsWith('.ts') && name !== 'index.ts').map((name) => name.slice(0, -3));
    const docs = files.filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3));
    expect(checks.filter((id) => !ruleIds.includes(id))).toEqual([]);
    expect(docs.filter((id) => !ruleIds.includes(id))).toEqual([]);
  });

  it('documents nothing in docs/rules/ that is not a reader id', () => {
    const docs = readdirSync(join(ROOT, 'docs', 'rules'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => name.slice(0, -3));
    expect(docs.filter((id) => !readerIds.includes(id))).toEqual([]);
  });

  it('keeps src/source/meta.ts VERSION equal to package.json version', () => {
    const pkg = JSON.parse(read('package.json')) as { version: string; homepage: string };
    expect(VERSION).toBe(pkg.version);
    expect(HOMEPAGE).toBe(pkg.homepage);
  });

  it('ships a LICENSE with the license package.json names', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string; files: string[] };
    expect(pkg.license).toBe('MIT');
    expect(pkg.files).toContain('LICENSE');
    const license = read('LICENSE');
    expect(license.split('\n')[0]).toBe('MIT License');
    expect(license).toContain('Copyright (c) 2026 the cfglint authors');
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });
});

describe.each(RULES.map((rule): [string, Rule] => [rule.id, rule]))('rule %s', (id, rule) => {
  const sourcePath = `checks/${id}.ts`;
  const docPath = `checks/${id}.md`;

  it('lives in checks/<id>.ts, which exports this rule', () => {
    expect(existsSync(join(ROOT, sourcePath))).toBe(true);
    const exported = (require(join(ROOT, 'checks', id)) as { rule?: Rule }).rule;
    expect(exported).toBe(rule);
  });

  it('has test/checks/<id>.test.ts with accept and reject cases', () => {
    const testPath = `test/checks/${id}.test.ts`;
    expect(existsSync(join(ROOT, testPath))).toBe(true);
    const text = read(testPath);
    expect(text).toContain('testRule(');
    expect(/accept:\s*\[/.test(text) && /reject:\s*\[/.test(text)).toBe(true);
  });

  it('is fixable exactly when a reject case of its test says what --fix writes', () => {
    const text = read(`test/checks/${id}.test.ts`);
    expect(/\bfixed:\s*\{/.test(text)).toBe(rule.meta.fixable);
  });

  it('says in its doc what its fix does, when it has one', () => {
    expect(lines(read(docPath)).includes('## Fix')).toBe(rule.meta.fixable);
  });

  it('has checks/<id>.md starting with "# <id>" and the required headings in order', () => {
    expect(existsSync(join(ROOT, docPath))).toBe(true);
    const doc = read(docPath);
    expect(lines(doc)[0]).toBe(`# ${id}`);
    const headings = lines(doc)
      .filter((line) => line.startsWith('## '))
      .map((line) => line.trimEnd());
    expect(RULE_HEADINGS.filter((heading) => !headings.includes(heading))).toEqual([]);
    const positions = RULE_HEADINGS.map((heading) => headings.indexOf(heading));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('states its real severity, category and fixability in the doc header line', () => {
    const header = parseHeader(read(docPath));
    expect(header).toBeDefined();
    expect(header!.severity).toBe(rule.severity);
    expect(header!.category).toBe(rule.category);
    expect(header!.fixable).toBe(rule.meta.fixable ? 'yes' : 'no');
    expect(header!.since).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compareVersionText(header!.since, VERSION)).toBeLessThanOrEqual(0);
  });

  // From src/ there is no build stamp, so the link names the release tag (test/cli-commands.test.ts
  // checks the built command's link, pinned to the commit it was built from).
  it('links its doc at the revision the code comes from', () => {
    expect(rule.meta.docsUrl).toBe(docsUrl(id));
    expect(rule.meta.docsUrl.endsWith(`/checks/${id}.md`)).toBe(true);
    expect(rule.meta.docsUrl).toContain(`/blob/v${VERSION}/`);
  });

  it('uses every message id it declares, and declares every one it uses', () => {
    const declared = Object.keys(rule.meta.messages);
    expect(declared.length).toBeGreaterThan(0);
    const used = messageIdsUsedIn(read(sourcePath));
    expect(declared.filter((messageId) => !used.has(messageId))).toEqual([]);
    expect([...used].filter((messageId) => !declared.includes(messageId))).toEqual([]);
    expect(declared.filter((messageId) => !CAMEL_CASE.test(messageId))).toEqual([]);
  });

  it('writes messages and helps without a trailing period and without its own id', () => {
    const texts = Object.values(rule.meta.messages).flatMap(({ message, help }) => [message, help]);
    const bad = texts.filter((text) => /\.\s*$/.test(text) || text.includes(id));
    expect(bad).toEqual([]);
  });

  it('gives every message id a one-line message and a help', () => {
    const bad = Object.entries(rule.meta.messages).filter(([, { message, help }]) => /[\r\n]/.test(message) || help.trim() === '');
    expect(bad).toEqual([]);
  });

  it('has a description', () => {
    expect(rule.meta.description.trim()).not.toBe('');
  });
});

describe.each(READER_RULES.map((rule) => [rule.id, rule] as const))('reader id %s', (id, rule) => {
  const docPath = `docs/rules/${id}.md`;

  it('has docs/rules/<id>.md starting with "# <id>"', () => {
    expect(existsSync(join(ROOT, docPath))).toBe(true);
    expect(lines(read(docPath))[0]).toBe(`# ${id}`);
  });

  it('states its real severity in the doc header line', () => {
    const header = parseHeader(read(docPath));
    expect(header).toBeDefined();
    expect(header!.severity).toBe(rule.severity);
    expect(header!.category).toBe('correctness');
    expect(header!.fixable).toBe('no');
  });

  it('links its doc at the revision the code comes from', () => {
    expect(rule.docsUrl).toBe(docsUrl(id, 'docs/rules'));
    expect(rule.docsUrl.endsWith(`/docs/rules/${id}.md`)).toBe(true);
    expect(rule.docsUrl).toContain(`/blob/v${VERSION}/`);
  });
});

describe('rule docs', () => {
  const docs = [...ruleIds.map((id) => `checks/${id}.md`), ...readerIds.map((id) => `docs/rules/${id}.md`)];

  it.each(docs)('%s has only relative links that resolve', (doc) => {
    const dir = join(ROOT, doc, '..');
    const broken = relativeLinks(read(doc)).filter((link) => !existsSync(join(dir, link)));
    expect(broken).toEqual([]);
  });
});

/**
 * GitHub's anchors for the headings of a Markdown page (github-slugger): the heading's text in
 * lower case, punctuation dropped, spaces turned into hyphens, a repeated slug numbered -1, -2.
 */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of lines(markdown)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Every file under the given folders of the repository, as paths relative to ROOT. */
function filesUnder(folders: string[]): string[] {
  const found: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(ROOT, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(path);
    }
  };
  for (const folder of folders) walk(folder);
  return found;
}

interface ServerFactCitation {
  /** Where the citation is written (file:line), or the code value that carries it. */
  at: string;
  /** The cited page, relative to ROOT, e.g. docs/servers/nginx.md. */
  page: string;
  anchor?: string;
}

/** `docs/servers/<page>.md#<anchor>` written out, as code comments, references and rule docs do. */
function citationsInText(text: string, at: (offset: number) => string): ServerFactCitation[] {
  const found: ServerFactCitation[] = [];
  for (const match of text.matchAll(/docs\/servers\/([A-Za-z0-9._-]+\.md)(?:#([A-Za-z0-9_-]+))?/g)) {
    found.push({ at: at(match.index!), page: `docs/servers/${match[1]}`, anchor: match[2] });
  }
  return found;
}

/** Relative Markdown links that land in docs/servers/ (`../servers/uwsgi.md#listen`, `#listen` on a page there). */
function citationsInLinks(file: string, markdown: string, at: (offset: number) => string): ServerFactCitation[] {
  const found: ServerFactCitation[] = [];
  for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1];
    if (/^[a-z]+:/i.test(target)) continue;
    const [path, anchor] = target.split('#');
    const page = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path));
    if (page.startsWith('docs/servers/') && page.endsWith('.md')) found.push({ at: at(match.index!), page, anchor });
  }
  return found;
}

describe('server facts (docs/servers)', () => {
  const CITING_FOLDERS = ['src', 'checks', 'test', 'docs', 'lab', 'examples', 'bench'];
  const citingFiles = [...filesUnder(CITING_FOLDERS), 'README.md'];
  const citations: ServerFactCitation[] = [];
  for (const file of citingFiles) {
    const text = read(file);
    const at = (offset: number) => `${file}:${text.slice(0, offset).split('\n').length}`;
    citations.push(...citationsInText(text, at));
    if (file.endsWith('.md')) citations.push(...citationsInLinks(file, text, at));
  }
  // References built at run time (`docs/servers/gunicorn.md#${setting}`) are checked by their values.
  for (const [name, spec] of Object.entries(CANONICAL)) {
    citations.push(...citationsInText(spec.reference, () => `gunicorn CANONICAL.${name}.reference`));
  }
  for (const name of Object.keys(CONNECTOR_SETTING_KINDS) as (keyof typeof CONNECTOR_SETTING_KINDS)[]) {
    for (const protocol of ['http', 'ajp'] as const) {
      const fallback = connectorDefault(name, protocol);
      if (fallback) citations.push(...citationsInText(fallback.reference, () => `tomcat connectorDefault(${name}, ${protocol})`));
    }
  }
  const slugsOf = new Map<string, Set<string>>();
  const slugs = (page: string) => {
    if (!slugsOf.has(page)) slugsOf.set(page, headingSlugs(read(page)));
    return slugsOf.get(page)!;
  };

  it('finds citations with anchors in code, rule docs and tests', () => {
    const anchored = citations.filter((citation) => citation.anchor);
    for (const folder of ['src/', 'checks/', 'test/']) {
      expect(anchored.filter((citation) => citation.at.startsWith(folder)).length).toBeGreaterThan(0);
    }
  });

  it('cites only pages that exist', () => {
    const missing = citations.filter((citation) => !existsSync(join(ROOT, citation.page))).map((c) => `${c.at} → ${c.page}`);
    expect(missing).toEqual([]);
  });

  it('cites only anchors that are headings of the cited page', () => {
    const broken = citations
      .filter((citation) => citation.anchor !== undefined && existsSync(join(ROOT, citation.page)) && !slugs(citation.page).has(citation.anchor))
      .map((c) => `${c.at} → ${c.page}#${c.anchor}`);
    expect(broken).toEqual([]);
  });

  it('has unique headings on each page, so that no anchor needs a -1', () => {
    const pages = readdirSync(join(ROOT, 'docs', 'servers')).filter((name) => name.endsWith('.md'));
    expect(pages.length).toBeGreaterThan(0);
    const repeated = pages.flatMap((name) =>
      [...slugs(`docs/servers/${name}`)]
        .filter((slug) => /-\d+$/.test(slug) && slugs(`docs/servers/${name}`).has(slug.replace(/-\d+$/, '')))
        .map((slug) => `${name}#${slug}`),
    );
    expect(repeated).toEqual([]);
  });

  it('cites no knowledge base outside the repository', () => {
    const outside = 'SERVERS' + '.md';
    expect(citingFiles.filter((file) => read(file).includes(outside))).toEqual([]);
  });

  it('ships docs/servers in the package, as the shipped code and rule docs cite it', () => {
    const pkg = JSON.parse(read('package.json')) as { files: string[] };
    const shippedCiting = citations.filter((citation) => citation.at.startsWith('src/') || /^checks\/[^/]+\.md:/.test(citation.at));
    expect(shippedCiting.length).toBeGreaterThan(0);
    expect(pkg.files).toContain('docs/servers');
  });
});

describe('README', () => {
  /** The rule ids in backticks in the README's list under "Rules (one file each in `checks/` ...)". */
  function readmeRuleIds(): string[] {
    const all = lines(read('README.md'));
    const start = all.findIndex((line) => line.startsWith('Rules ('));
    expect(start).toBeGreaterThanOrEqual(0);
    const ids: string[] = [];
    for (let i = start + 1; i < all.length; i++) {
      if (all[i].trim() === '') {
        if (ids.length > 0) break;
        continue;
      }
      if (!/^(- | {2})/.test(all[i])) break;
      for (const match of all[i].matchAll(/`([a-z0-9-]+)`/g)) ids.push(match[1]);
    }
    return ids;
  }

  it('lists exactly the rules of the registry, each once', () => {
    const listed = readmeRuleIds();
    expect(listed.length).toBeGreaterThan(0);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...ruleIds].sort());
  });
});
