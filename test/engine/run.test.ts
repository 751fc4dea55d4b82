/**
 * The engine around the rules: guarded rule runs, ordering, fingerprints, de-duplication of
 * files reached twice, severity caps, and syntax errors that do not stop the run.
 */
import { createHash } from 'crypto';
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import type { CfglintConfig } from '../../src/engine/config';
import { RULES } from '../../checks';
import type { Rule } from '../../src/rule';
import { exitCodeFor, lint, lintSync } from '../../src/engine/run';
import { LintOptions } from '../../src/engine/options';
import type { Finding } from '../../src/engine/findings';

const RULE = 'upstream-keepalive-http10';
const UPSTREAM = ['upstream app {', '    server 127.0.0.1:8000;', '    keepalive 16;', '}']; // lines 1-4
const lines = (...parts: string[]) => parts.join('\n') + '\n';
// With nginx 1.24: an error at the proxy_pass argument, line 8 column 20.
const KEEPALIVE_CONF = lines(...UPSTREAM, 'server {', '    listen 80;', '    location / {', '        proxy_pass http://app;', '    }', '}');

function run(tree: MemoryTree, options: Partial<LintOptions> & { config?: CfglintConfig } = {}) {
  return lintSync({ cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), paths: ['.'], config: {}, nginxVersion: '1.24.0', ...options });
}

const brief = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);

/** Registers extra rules for one test; the registry is shared, so they are always removed. */
function withRules<T>(extra: Rule[], body: () => T): T {
  RULES.push(...extra);
  try {
    return body();
  } finally {
    for (const rule of extra) RULES.splice(RULES.indexOf(rule), 1);
  }
}

const testRuleMeta = {
  description: 'test rule',
  docsUrl: '',
  fixable: false as const,
  messages: { found: { message: 'Found {{what}}', help: 'look for {{what}} elsewhere' } },
};

describe('a rule that throws', () => {
  test('becomes an internal-error naming the rule, and the run goes on', () => {
    const throwing: Rule = {
      id: 'aa-throws',
      severity: 'warning',
      category: 'correctness',
      meta: testRuleMeta,
      // eslint-disable-next-line require-yield -- it throws while the engine iterates it, as a rule that crashes mid-walk does
      *check() {
        throw new Error('cannot read properties of undefined');
      },
    };
    const after: Rule = {
      id: 'zz-after',
      severity: 'info',
      category: 'correctness',
      meta: testRuleMeta,
      *check() {
        const start = { line: 1, column: 1, offset: 0 };
        yield {
          messageId: 'found',
          data: { what: 'it' },
          primary: { file: 'app.conf', start, end: { line: 1, column: 9, offset: 8 } },
          modelPath: 'upstream[app]',
        };
      },
    };
    const result = withRules([throwing, after], () => run({ 'app.conf': KEEPALIVE_CONF }));
    const findings = result.report.findings;
    expect(brief(findings)).toEqual(['error internal-error .:1:1', 'info zz-after app.conf:1:1', `error ${RULE} app.conf:8:20`]);
    expect(findings[0].message).toContain('"aa-throws"');
    expect(findings[0].message).toContain('cannot read properties of undefined');
    expect(findings[1].message).toBe('Found it');
    expect(findings[1].help).toBe('look for it elsewhere');
    expect(exitCodeFor(result.report, 'error')).toBe(1);
    // The registry is back as it was.
    expect(RULES.map((r) => r.id)).toContain(RULE);
    expect(RULES.map((r) => r.id).filter((id) => id === 'aa-throws' || id === 'zz-after')).toEqual([]);
  });

  test('a check that throws before returning an iterator is caught too', () => {
    const throwing: Rule = {
      id: 'aa-throws-early',
      severity: 'error',
      category: 'correctness',
      meta: testRuleMeta,
      check() {
        throw new TypeError('no iterator');
      },
    };
    const result = withRules([throwing], () => run({ 'app.conf': KEEPALIVE_CONF }));
    expect(brief(result.report.findings)).toEqual(['error internal-error .:1:1', `error ${RULE} app.conf:8:20`]);
    expect(result.report.findings[0].message).toContain('"aa-throws-early"');
  });
});

test('findings are sorted by file, line and column, whatever order the rules produce them in', () => {
  const result = run({
    'b.conf': 'server { listen 80 }\n',
    'a/z.conf': lines('server {', '    location /z { proxy_pass http://app; }', '}'),
    'a.conf': lines(
      ...UPSTREAM,
      'server {',
      '    location /b { proxy_pass http://app; }', // 6
      '    location /a {',
      '        proxy_pass http://app;', // 8
      '    location /c { proxy_pass http://app; } location /d { proxy_pass http://app; }', // 9
      '    }',
      '}',
    ),
  });
  // '.' sorts before '/', so a.conf comes before a/z.conf.
  expect(brief(result.report.findings)).toEqual([
    `error ${RULE} a.conf:6:30`,
    `error ${RULE} a.conf:8:20`,
    `error ${RULE} a.conf:9:30`,
    `error ${RULE} a.conf:9:69`,
    `error ${RULE} a/z.conf:2:30`,
    'error nginx-syntax b.conf:1:20',
  ]);
  expect(result.report.files).toEqual(['a.conf', 'a/z.conf', 'b.conf']);
});

describe('fingerprints', () => {
  test('do not change when lines move', () => {
    const before = run({ 'app.conf': KEEPALIVE_CONF }).report.findings;
    const after = run({ 'app.conf': '\n\n# a comment\n' + KEEPALIVE_CONF.replace('    listen 80;\n', '    listen 80;\n\n    # the app\n') }).report.findings;
    expect(brief(before)).toEqual([`error ${RULE} app.conf:8:20`]);
    expect(brief(after)).toEqual([`error ${RULE} app.conf:13:20`]);
    expect(after[0].fingerprint).toBe(before[0].fingerprint);
    expect(before[0].fingerprint).toMatch(/^[0-9a-f]{16,}$/);
  });

  test('hash the rule id, the file and the model path, never the message or its help', () => {
    const start = { line: 1, column: 1, offset: 0 };
    const worded = (message: string, help: string): Rule => ({
      id: 'zz-worded',
      severity: 'info',
      category: 'correctness',
      meta: { ...testRuleMeta, messages: { found: { message, help } } },
      *check() {
        yield {
          messageId: 'found',
          data: { what: 'it' },
          primary: { file: 'app.conf', start, end: { line: 1, column: 9, offset: 8 } },
          modelPath: 'upstream[app]',
        };
      },
    });
    const fingerprintWith = (rule: Rule) => withRules([rule], () => run({ 'app.conf': KEEPALIVE_CONF })).report.findings.find((f) => f.ruleId === 'zz-worded')!;
    const oneSentence = fingerprintWith(worded('Found {{what}}: it breaks; fix {{what}}', ''));
    const split = fingerprintWith(worded('Found {{what}}', 'it breaks; fix {{what}}'));
    expect([oneSentence.message, split.message]).toEqual(['Found it: it breaks; fix it', 'Found it']);
    const expected = createHash('sha256').update('zz-worded\0app.conf\0upstream[app]').digest('hex').slice(0, 32);
    expect([oneSentence.fingerprint, split.fingerprint]).toEqual([expected, expected]);
  });

  test('of a reader diagnostic with a help hash the one sentence it was written as, so baselines still match', () => {
    const findings = run({
      'nginx.conf': 'events {}\nhttp {\n    include a.conf;\n}\n',
      'a.conf': 'include b.conf;\n',
      'b.conf': '# back to a\nserver {\n  include a.conf;\n}\n',
    }).report.findings.filter((f) => f.ruleId === 'include-cycle');
    expect(findings.map((f) => [f.message, f.help])).toEqual([
      [
        'Include cycle: "a.conf" includes itself through this include',
        'nginx recurses until it crashes (nginx -t 1.22.1 ends in a segmentation fault); remove one of the includes',
      ],
    ]);
    // The sentence of cfglint 0.1.0, before messages had two parts.
    const sentence =
      'Include cycle: "a.conf" includes itself through this include: nginx recurses until it crashes (nginx -t 1.22.1 ends in a segmentation fault); remove one of the includes';
    expect(findings[0].fingerprint).toBe(createHash('sha256').update(`include-cycle\0b.conf\0${sentence}`).digest('hex').slice(0, 32));
  });

  test('differ between two locations, and between two files', () => {
    const findings = run({
      'app.conf': lines(...UPSTREAM, 'server {', '    location /a { proxy_pass http://app; }', '    location /b { proxy_pass http://app; }', '}'),
      'other.conf': lines('server {', '    location /a { proxy_pass http://app; }', '}'),
    }).report.findings;
    expect(findings).toHaveLength(3);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(3);
  });

  test('two identical syntax errors in one file differ, and each survives lines moving', () => {
    const conf = 'server { listen 80 }\nserver { listen 81 }\n';
    const before = run({ 'a.conf': conf }).report.findings;
    const after = run({ 'a.conf': '\n\n' + conf }).report.findings;
    expect(brief(before)).toEqual(['error nginx-syntax a.conf:1:20', 'error nginx-syntax a.conf:2:20']);
    expect(before[0].message).toBe(before[1].message);
    expect(before[0].fingerprint).not.toBe(before[1].fingerprint);
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint));
  });
});

describe('a file reached twice reports once', () => {
  test('a snippet included in two locations', () => {
    const result = run({
      'app.conf': lines(...UPSTREAM, 'server {', '    location /a { include snippets/pass.conf; }', '    location /b { include snippets/pass.conf; }', '}'),
      'snippets/pass.conf': 'proxy_pass http://app;\n',
    });
    expect(brief(result.report.findings)).toEqual([`error ${RULE} snippets/pass.conf:1:12`]);
  });

  test('a file and a symlink to it', () => {
    const result = run({
      'sites-available/app.conf': KEEPALIVE_CONF,
      'sites-enabled/app.conf': { symlink: '../sites-available/app.conf' },
    });
    expect(brief(result.report.findings)).toEqual([`error ${RULE} sites-available/app.conf:8:20`]);
  });

  test('a file named twice on the command line, or inside a named directory', () => {
    const result = run({ 'conf.d/app.conf': KEEPALIVE_CONF }, { paths: ['conf.d/app.conf', '.', 'conf.d/app.conf'] });
    expect(brief(result.report.findings)).toEqual([`error ${RULE} conf.d/app.conf:8:20`]);
    expect(result.report.files).toEqual(['conf.d/app.conf']);
  });
});

describe('severity caps', () => {
  const tree = { 'app.conf': KEEPALIVE_CONF };

  test('an unknown nginx version caps the finding at warning', () => {
    const unknown = run(tree, { nginxVersion: undefined });
    expect(brief(unknown.report.findings)).toEqual([`warning ${RULE} app.conf:8:20`]);
    expect(unknown.report.summary).toEqual({ errors: 0, warnings: 1, infos: 0, suppressed: 0, baselined: 0 });
    expect(exitCodeFor(unknown.report, 'error')).toBe(0);
    expect(exitCodeFor(unknown.report, 'warning')).toBe(1);
  });

  test('configuring the rule as error does not lift the cap; a lower severity stays lower', () => {
    expect(brief(run(tree, { nginxVersion: undefined, config: { rules: { [RULE]: 'error' } } }).report.findings)).toEqual([`warning ${RULE} app.conf:8:20`]);
    expect(brief(run(tree, { nginxVersion: undefined, config: { rules: { [RULE]: 'info' } } }).report.findings)).toEqual([`info ${RULE} app.conf:8:20`]);
  });

  test('a version from the tree lifts it', () => {
    const result = run({ ...tree, Dockerfile: 'FROM nginx:1.26-alpine\n' }, { nginxVersion: undefined });
    expect(brief(result.report.findings)).toEqual([`error ${RULE} app.conf:8:20`]);
  });
});

describe('syntax errors', () => {
  test('are nginx-syntax errors, and the rest of the tree is still linted', () => {
    const result = run({
      'conf.d/app.conf': KEEPALIVE_CONF,
      'conf.d/broken.conf': lines('server {', '    listen 80;', '    location / {', '        return 200;', '    }', '}', '}'),
    });
    expect(brief(result.report.findings)).toEqual([`error ${RULE} conf.d/app.conf:8:20`, 'error nginx-syntax conf.d/broken.conf:7:1']);
    expect(exitCodeFor(result.report, 'warning')).toBe(1);
  });

  test('a broken block does not hide the rest of its own file', () => {
    const result = run({
      'app.conf': KEEPALIVE_CONF + 'server { listen 80 }\n', // the stray block is line 11
    });
    expect(brief(result.report.findings)).toEqual([`error ${RULE} app.conf:8:20`, 'error nginx-syntax app.conf:11:20']);
  });
});

test('the report lists the rules that ran and the files that were read', () => {
  const result = run({ 'app.conf': KEEPALIVE_CONF, Dockerfile: 'FROM nginx:1.24\n', 'README.md': '# notes\n' });
  expect(result.report.tool).toEqual({ name: 'cfglint', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  expect(result.report.files).toEqual(['Dockerfile', 'app.conf']);
  expect(result.report.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
  expect(result.readSource('app.conf')).toBe(KEEPALIVE_CONF);
});

test('lint() resolves to the same report', async () => {
  const options = { cwd: '/tree', fs: memoryFileSystem({ 'app.conf': KEEPALIVE_CONF }, '/tree'), config: {}, nginxVersion: '1.24.0' };
  expect(await lint(options)).toEqual(lintSync(options).report);
});
