/**
 * Registry meta-test (stylelint's rules/__tests__/index.test.mjs + ESLint's checkRuleFiles):
 * every rule and every reader id has its doc, its docs URL, and messages that are all used.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { READER_RULES } from '../src/engine/reader-rules';
import { RULES } from '../src/engine/registry';
import type { Rule } from '../src/engine/rule';
import { docsUrl, HOMEPAGE, VERSION } from '../src/meta';

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
    const checks = files.filter((name) => name.endsWith('.ts')).map((name) => name.slice(0, -3));
    const docs = files.filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3));
    expect(checks.filter((id) => !ruleIds.includes(id))).toEqual([]);
    expect(docs.filter((id) => !ruleIds.includes(id))).toEqual([]);
  });

  it('documents nothing in docs/rules/ that is not a reader id', () => {
    const docs = readdirSync(join(ROOT, 'docs', 'rules')).filter((name) => name.endsWith('.md')).map((name) => name.slice(0, -3));
    expect(docs.filter((id) => !readerIds.includes(id))).toEqual([]);
  });

  it('keeps src/meta.ts VERSION equal to package.json version', () => {
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
    // eslint-disable-next-line @typescript-eslint/no-var-requires
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

  it('has checks/<id>.md starting with "# <id>" and the required headings in order', () => {
    expect(existsSync(join(ROOT, docPath))).toBe(true);
    const doc = read(docPath);
    expect(lines(doc)[0]).toBe(`# ${id}`);
    const headings = lines(doc).filter((line) => line.startsWith('## ')).map((line) => line.trimEnd());
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

  it('links its doc, pinned to the release', () => {
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

  it('links its doc, pinned to the release', () => {
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
