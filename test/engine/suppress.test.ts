/**
 * Inline suppressions in nginx comments:
 *   # cfglint-disable-next-line <rule-id>[, <rule-id>] -- <reason>
 *   # cfglint-disable <rule-id> -- <reason>   …   # cfglint-enable <rule-id>
 * A missing reason, an unknown id and (on request) an unused comment are findings themselves.
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import type { CfglintConfig } from '../../src/engine/config';
import { lintSync } from '../../src/engine/run';
import type { Finding } from '../../src/engine/findings';
import { SourceComment, Suppressions } from '../../src/engine/suppress';
import { writeTree } from '../disk-tree';

const RULE = 'upstream-keepalive-http10';
const UPSTREAM = ['upstream app {', '    server 127.0.0.1:8000;', '    keepalive 16;', '}']; // lines 1-4

const lines = (...parts: string[]) => parts.join('\n') + '\n';

function lint(tree: MemoryTree, options: { reportUnusedDisables?: boolean; config?: CfglintConfig } = {}) {
  // nginx 1.24: each bare `proxy_pass http://app;` to the keepalive upstream is an error.
  return lintSync({
    cwd: '/tree',
    fs: memoryFileSystem(tree, '/tree'),
    paths: ['.'],
    config: options.config ?? {},
    nginxVersion: '1.24.0',
    reportUnusedDisables: options.reportUnusedDisables,
  }).report;
}

const brief = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);

describe('cfglint-disable-next-line', () => {
  test('suppresses the rule on the next line only', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        `        # cfglint-disable-next-line ${RULE} -- the backend closes connections anyway`, // 7
        '        proxy_pass http://app;', // 8
        '    }',
        '    location /b {',
        '        proxy_pass http://app;', // 11
        '    }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual([`error ${RULE} app.conf:11:20`]);
    expect(report.summary).toEqual({ errors: 1, warnings: 0, infos: 0, suppressed: 1, baselined: 0 });
  });

  test('does not reach two lines down', () => {
    const report = lint(
      {
        'app.conf': lines(
          ...UPSTREAM,
          'server {',
          `    # cfglint-disable-next-line ${RULE} -- meant for the location`, // 6
          '    location /a {',
          '        proxy_pass http://app;', // 8
          '    }',
          '}',
        ),
      },
      { reportUnusedDisables: true },
    );
    expect(brief(report.findings)).toEqual([`warning suppression-unused app.conf:6:5`, `error ${RULE} app.conf:8:20`]);
    expect(report.summary.suppressed).toBe(0);
  });

  test('takes a comma-separated list of ids', () => {
    for (const list of [`nginx-syntax, ${RULE}`, `${RULE},nginx-syntax`, `invalid-value ${RULE}`]) {
      const report = lint({
        'app.conf': lines(
          ...UPSTREAM,
          'server {',
          '    location /a {',
          `        # cfglint-disable-next-line ${list} -- reviewed`,
          '        proxy_pass http://app;',
          '    }',
          '}',
        ),
      });
      expect(brief(report.findings)).toEqual([]);
      expect(report.summary.suppressed).toBe(1);
    }
  });

  test('another rule id does not suppress', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        '        # cfglint-disable-next-line nginx-syntax -- reviewed',
        '        proxy_pass http://app;',
        '    }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual([`error ${RULE} app.conf:8:20`]);
    expect(report.summary.suppressed).toBe(0);
  });

  test('without ids it covers every rule', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        '        # cfglint-disable-next-line -- generated, reviewed upstream',
        '        proxy_pass http://app;',
        '    }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual([]);
    expect(report.summary.suppressed).toBe(1);
  });

  test('suppresses reader findings such as syntax errors', () => {
    const report = lint({
      'broken.conf': lines('# cfglint-disable-next-line nginx-syntax -- templated; the build adds the ";"', 'server { listen 80 }'),
    });
    expect(brief(report.findings)).toEqual([]);
    expect(report.summary.suppressed).toBe(1);
  });

  test('text that merely mentions a directive is not one', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        `        # see cfglint-disable-next-line ${RULE} -- in the docs`,
        '        proxy_pass http://app;', // 8
        '    }',
        '    location /b {',
        `        # cfglint-disabled ${RULE} -- not a directive`,
        '        proxy_pass http://app;', // 12
        '    }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual([`error ${RULE} app.conf:8:20`, `error ${RULE} app.conf:12:20`]);
  });
});

describe('cfglint-disable … cfglint-enable', () => {
  test('covers the lines between', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        `    # cfglint-disable ${RULE} -- legacy locations, moving to HTTP/1.1 in OPS-123`, // 6
        '    location /a {',
        '        proxy_pass http://app;', // 8
        '    }',
        '    location /b { proxy_pass http://app; }', // 10
        `    # cfglint-enable ${RULE}`, // 11
        '    location /c {',
        '        proxy_pass http://app;', // 13
        '    }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual([`error ${RULE} app.conf:13:20`]);
    expect(report.summary).toEqual({ errors: 1, warnings: 0, infos: 0, suppressed: 2, baselined: 0 });
  });

  test('without an enable it runs to the end of its file, and no further', () => {
    const report = lint({
      'a.conf': lines(
        ...UPSTREAM,
        `# cfglint-disable ${RULE} -- whole file`,
        'server {',
        '    location /a { proxy_pass http://app; }',
        '    location /b { proxy_pass http://app; }',
        '}',
      ),
      'b.conf': lines('server {', '    location /c { proxy_pass http://app; }', '}'),
    });
    expect(brief(report.findings)).toEqual([`error ${RULE} b.conf:2:30`]);
    expect(report.summary.suppressed).toBe(2);
  });

  test('an enable naming some of the ids keeps the others disabled', () => {
    const report = lint(
      {
        'app.conf': lines(
          ...UPSTREAM,
          `# cfglint-disable ${RULE}, invalid-value -- legacy block, rewritten next quarter`, // 5
          'server {',
          '    location /a { proxy_pass http://app; proxy_read_timeout 1.5s; }', // 7
          '    # cfglint-enable invalid-value', // 8
          '    location /b { proxy_pass http://app; proxy_read_timeout 1.5s; }', // 9
          '}',
        ),
      },
      { reportUnusedDisables: true },
    );
    expect(brief(report.findings)).toEqual(['error invalid-value app.conf:9:61']);
    expect(report.summary.suppressed).toBe(3);
  });

  test('an enable for another rule does not end the range', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        `    # cfglint-disable ${RULE} -- legacy`,
        '    location /a { proxy_pass http://app; }',
        '    # cfglint-enable nginx-syntax',
        '    location /b { proxy_pass http://app; }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual([]);
    expect(report.summary.suppressed).toBe(2);
  });
});

describe('problems with the comments themselves', () => {
  test('a missing reason is reported at the comment, and the suppression still applies', () => {
    for (const ending of ['', ' --', ' --   ']) {
      const report = lint({
        'app.conf': lines(
          ...UPSTREAM,
          'server {',
          '    location /a {',
          `        # cfglint-disable-next-line ${RULE}${ending}`,
          '        proxy_pass http://app;',
          '    }',
          '}',
        ),
      });
      expect(brief(report.findings)).toEqual(['info suppression-missing-reason app.conf:7:9']);
      expect(report.findings[0].message).toBe('Missing reason');
      expect(report.findings[0].help).toContain('"--"');
      expect(report.summary).toEqual({ errors: 0, warnings: 0, infos: 1, suppressed: 1, baselined: 0 });
    }
  });

  test('a range without ids and without a reason does not hide its own missing reason', () => {
    const report = lint({
      'app.conf': lines(...UPSTREAM, 'server {', '    # cfglint-disable', '    location /a { proxy_pass http://app; }', '}'),
    });
    expect(brief(report.findings)).toEqual(['info suppression-missing-reason app.conf:6:5']);
    expect(report.summary.suppressed).toBe(1);
  });

  test('the severity of suppression problems is configurable', () => {
    const tree = {
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        `        # cfglint-disable-next-line ${RULE}`,
        '        proxy_pass http://app;',
        '    }',
        '}',
      ),
    };
    expect(brief(lint(tree, { config: { rules: { 'suppression-missing-reason': 'error' } } }).findings)).toEqual([
      'error suppression-missing-reason app.conf:7:9',
    ]);
    expect(lint(tree, { config: { rules: { 'suppression-missing-reason': 'off' } } }).findings).toEqual([]);
  });

  test('an unknown rule id is reported with a suggestion, and suppresses nothing', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        '        # cfglint-disable-next-line upstream-keepalive-http01 -- reviewed',
        '        proxy_pass http://app;',
        '    }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual(['warning suppression-unknown-rule app.conf:7:9', `error ${RULE} app.conf:8:20`]);
    expect(report.findings[0].message).toContain('"upstream-keepalive-http01"');
    expect(report.findings[0].message).toContain('did you mean "upstream-keepalive-http10"');
    expect(report.summary).toEqual({ errors: 1, warnings: 1, infos: 0, suppressed: 0, baselined: 0 });
  });

  test('an unknown id next to a known one: the known one still applies', () => {
    const report = lint({
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        `        # cfglint-disable-next-line no-such-rule, ${RULE} -- reviewed`,
        '        proxy_pass http://app;',
        '    }',
        '}',
      ),
    });
    expect(brief(report.findings)).toEqual(['warning suppression-unknown-rule app.conf:7:9']);
    expect(report.findings[0].message).toContain('"no-such-rule"');
    expect(report.findings[0].message).not.toContain('did you mean');
    expect(report.summary.suppressed).toBe(1);
  });

  test('reportUnusedDisables reports comments that matched nothing, and only then', () => {
    const tree = {
      'app.conf': lines(
        ...UPSTREAM,
        'server {',
        '    location /a {',
        `        # cfglint-disable-next-line ${RULE} -- used`, // 7
        '        proxy_pass http://app;',
        '    }',
        '    location /b {',
        '        # cfglint-disable-next-line nginx-syntax -- nothing to hide here', // 11
        '        proxy_pass http://app;', // 12
        '    }',
        '    # cfglint-disable invalid-value -- nothing either', // 14
        '    # cfglint-enable invalid-value',
        '}',
      ),
    };
    const report = lint(tree, { reportUnusedDisables: true });
    expect(brief(report.findings)).toEqual([
      'warning suppression-unused app.conf:11:9',
      `error ${RULE} app.conf:12:20`,
      'warning suppression-unused app.conf:14:5',
    ]);
    expect(report.findings[0].message).toContain('nginx-syntax');
    expect(report.findings[0].message).toContain('cfglint-disable-next-line');
    expect(report.findings[2].message).toMatch(/cfglint-disable\b(?!-)/);
    expect(report.summary).toEqual({ errors: 1, warnings: 2, infos: 0, suppressed: 1, baselined: 0 });

    const quiet = lint(tree);
    expect(brief(quiet.findings)).toEqual([`error ${RULE} app.conf:12:20`]);
    expect(quiet.summary).toEqual({ errors: 1, warnings: 0, infos: 0, suppressed: 1, baselined: 0 });
  });
});

test('the suppressed count adds up across files and kinds', () => {
  const report = lint({
    'a.conf': lines(
      ...UPSTREAM,
      'server {',
      `    # cfglint-disable ${RULE} -- legacy`,
      '    location /a { proxy_pass http://app; }',
      '    location /b { proxy_pass http://app; }',
      `    # cfglint-enable ${RULE}`,
      '    location /c { proxy_pass http://app; }', // 10
      '}',
    ),
    'b.conf': lines('server {', `    # cfglint-disable-next-line ${RULE} -- reviewed`, '    location /d { proxy_pass http://app; }', '}'),
    'c.conf': lines('# cfglint-disable-next-line nginx-syntax -- templated', 'server { listen 80 }'),
  });
  expect(brief(report.findings)).toEqual([`error ${RULE} a.conf:10:30`]);
  expect(report.summary).toEqual({ errors: 1, warnings: 0, infos: 0, suppressed: 4, baselined: 0 });
});

describe('the suppression index', () => {
  // The Suppressions class on its own: comments and findings made up line by line.
  const spanAt = (file: string, line: number) => ({ file, start: { line, column: 1, offset: line * 100 }, end: { line, column: 2, offset: line * 100 + 1 } });
  const comment = (file: string, line: number, text: string): SourceComment => ({ span: spanAt(file, line), text });
  const finding = (ruleId: string, file: string, line: number) => ({ ruleId, primary: spanAt(file, line) });
  const KNOWN = new Set(['rule-a', 'rule-b', 'rule-c']);
  const build = (comments: Record<string, SourceComment[]>, suggest: (id: string) => string | undefined = () => undefined) =>
    new Suppressions(new Map(Object.entries(comments)), KNOWN, suggest);

  test('overlapping ranges, an id-less range and next-line comments: each finding meets exactly the comments over its line', () => {
    const s = build({
      'f.conf': [
        comment('f.conf', 1, 'cfglint-disable rule-a -- outer'),
        comment('f.conf', 3, 'cfglint-disable rule-a, rule-b -- inner'),
        comment('f.conf', 5, 'cfglint-enable rule-a'), // closes both for rule-a; rule-b stays disabled from line 6
        comment('f.conf', 8, 'cfglint-disable -- every rule'),
        comment('f.conf', 9, 'cfglint-enable'),
        comment('f.conf', 11, 'cfglint-disable-next-line rule-c -- one line'),
      ],
    });
    expect(s.covers(finding('rule-a', 'f.conf', 2))).toBe(true);
    expect(s.covers(finding('rule-a', 'f.conf', 6))).toBe(false); // both rule-a ranges end at line 5
    expect(s.covers(finding('rule-b', 'f.conf', 7))).toBe(true); // the rest of the inner range, lines 6-9
    expect(s.covers(finding('rule-b', 'f.conf', 10))).toBe(false); // the id-less enable at line 9 closed it
    expect(s.covers(finding('rule-c', 'f.conf', 9))).toBe(true); // the id-less range, lines 8-9
    expect(s.covers(finding('rule-c', 'f.conf', 10))).toBe(false);
    expect(s.covers(finding('rule-c', 'f.conf', 12))).toBe(true);
    expect(s.covers(finding('rule-c', 'f.conf', 13))).toBe(false);
    expect(s.covers(finding('rule-a', 'other.conf', 2))).toBe(false);
    // Every comment covered something: the inner range through the rest it left for rule-b.
    expect(s.unused().map((d) => d.primary.start.line)).toEqual([]);
  });

  test('a finding covered by two comments marks both used; a comment never covers a finding on itself', () => {
    const s = build({
      'f.conf': [
        comment('f.conf', 1, 'cfglint-disable rule-a -- one'),
        comment('f.conf', 2, 'cfglint-disable rule-a -- two'),
        comment('f.conf', 10, 'cfglint-disable -- no reason is missing here, but a finding on this comment'),
      ],
    });
    expect(s.covers(finding('rule-a', 'f.conf', 3))).toBe(true);
    // The id-less range opened at line 10 starts on its own line: a finding there is about the comment.
    expect(s.covers(finding('rule-b', 'f.conf', 10))).toBe(false);
    expect(s.unused().map((d) => d.primary.start.line)).toEqual([10]);
  });

  test('60,000 comments and as many findings: each finding still meets the comment over its line', () => {
    const count = 60_000;
    const comments: SourceComment[] = [];
    // Odd lines hold the comments, even lines the findings; every third comment names another rule.
    for (let i = 0; i < count; i++)
      comments.push(comment('big.conf', 2 * i + 1, `cfglint-disable-next-line ${i % 3 === 0 ? 'rule-b' : 'rule-a'} -- generated`));
    const s = build({ 'big.conf': comments });
    let covered = 0;
    for (let i = 0; i < count; i++) if (s.covers(finding('rule-a', 'big.conf', 2 * i + 2))) covered++;
    const ruleB = Math.ceil(count / 3); // i = 0, 3, 6, …
    expect(covered).toBe(count - ruleB);
    expect(s.unused()).toHaveLength(ruleB);
  });

  test('thousands of ranges opened and closed: an enable closes only the ranges it names', () => {
    const count = 20_000;
    const comments: SourceComment[] = [];
    for (let i = 0; i < count; i++) comments.push(comment('r.conf', i + 1, `cfglint-disable rule-${i % 2 === 0 ? 'a' : 'b'} -- generated`));
    comments.push(comment('r.conf', count + 1, 'cfglint-enable rule-a'));
    const s = build({ 'r.conf': comments });
    expect(s.covers(finding('rule-a', 'r.conf', count + 2))).toBe(false);
    expect(s.covers(finding('rule-b', 'r.conf', count + 2))).toBe(true);
    // The one rule-b finding after every range opened is covered by all rule-b ranges: none is unused.
    expect(s.unused().every((d) => d.message.includes('rule-a'))).toBe(true);
    expect(s.unused()).toHaveLength(count / 2);
  });

  test('an unknown id repeated in many comments is looked up once', () => {
    let lookups = 0;
    const comments = Array.from({ length: 1000 }, (_, i) => comment('u.conf', i + 1, 'cfglint-disable-next-line rule-x -- generated'));
    const s = build({ 'u.conf': comments }, () => {
      lookups++;
      return 'rule-a';
    });
    expect(lookups).toBe(1);
    expect(s.problems).toHaveLength(1000);
    expect(s.problems[0].message).toContain('did you mean "rule-a"');
  });
});

describe('suppressing a cross-file finding on its other side', () => {
  // nginx keeps idle upstream connections 60 s (the default); gunicorn's gthread workers close them after 2 s.
  const NGINX =
    'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n';
  const gunicorn = (comment: string) => `bind = "127.0.0.1:8000"\nworker_class = "gthread"\n${comment}keepalive = 2\n`;
  const TIMEOUT_RULE = 'upstream-keepalive-timeout';
  const lintOnDisk = (files: Record<string, string>) =>
    lintSync({ paths: ['.'], cwd: writeTree(files), config: {}, nginxVersion: '1.24.0', reportUnusedDisables: true }).report;

  test('the finding names the gunicorn line among its related locations', () => {
    const report = lintOnDisk({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': gunicorn('') });
    const finding = report.findings.find((f) => f.ruleId === TIMEOUT_RULE)!;
    expect(finding.primary.file).toBe('nginx/app.conf');
    expect(finding.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toContain('gunicorn.conf.py:3');
  });

  test('a comment above the related line in the backend file suppresses it there, and is used', () => {
    const report = lintOnDisk({
      'nginx/app.conf': NGINX,
      'gunicorn.conf.py': gunicorn(`# cfglint-disable-next-line ${TIMEOUT_RULE} -- nginx is being moved to 1s\n`),
    });
    expect(report.findings.filter((f) => f.ruleId === TIMEOUT_RULE || f.ruleId === 'suppression-unused')).toEqual([]);
    expect(report.summary.suppressed).toBe(1);
  });

  test('a comment naming another rule there does not', () => {
    const report = lintOnDisk({
      'nginx/app.conf': NGINX,
      'gunicorn.conf.py': gunicorn('# cfglint-disable-next-line upstream-keepalive-http10 -- not this one\n'),
    });
    const concerned = report.findings.filter((f) => f.ruleId === TIMEOUT_RULE || f.ruleId === 'suppression-unused');
    expect(concerned.map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`).sort()).toEqual([
      'suppression-unused gunicorn.conf.py:3',
      `${TIMEOUT_RULE} nginx/app.conf:3`,
    ]);
  });
});

describe('a misspelt id', () => {
  test('is one finding, suppression-unknown-rule, and not also an unused suppression', () => {
    const report = lint(
      {
        'app.conf': lines(
          ...UPSTREAM,
          'server {',
          '    location /a {',
          '        # cfglint-disable-next-line upstream-keepalive-http01 -- the backend closes connections anyway', // 7
          '        proxy_pass http://app;', // 8
          '    }',
          '}',
        ),
      },
      { reportUnusedDisables: true },
    );
    expect(brief(report.findings)).toEqual([`warning suppression-unknown-rule app.conf:7:9`, `error ${RULE} app.conf:8:20`]);
  });

  test('beside a known id: the known one still suppresses, and only the unknown one is reported', () => {
    const report = lint(
      {
        'app.conf': lines(
          ...UPSTREAM,
          'server {',
          '    location /a {',
          `        # cfglint-disable-next-line upstream-keepalive-http01, ${RULE} -- the backend closes connections anyway`, // 7
          '        proxy_pass http://app;', // 8
          '    }',
          '}',
        ),
      },
      { reportUnusedDisables: true },
    );
    expect(brief(report.findings)).toEqual([`warning suppression-unknown-rule app.conf:7:9`]);
    expect(report.summary.suppressed).toBe(1);
  });
});
