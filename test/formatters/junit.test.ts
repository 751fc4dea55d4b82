import type { Finding } from '../../src/engine/findings';
import { format } from '../../src/report/formatters/junit';
import { expectWellFormedXml, type JunitXml, parseXml } from './xml-check';
import { makeContext, makeReport } from './fixture';

const DOCS = 'https://github.com/cfglint/cfglint/blob/v0.1.0';

function testcase(file: string, name: string, message: string, type: string, text: string[]): string[] {
  return [
    `    <testcase classname="${file}" name="${name}" file="${file}" time="0">`,
    `      <failure message="${message}" type="${type}">${text.join('\n')}</failure>`,
    '    </testcase>',
  ];
}

// Written by hand: a suite per file in order, a failed testcase per finding named `rule at
// line:col`; the failure text as stylish's header, then location, related locations and docs.
const EXPECTED = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<testsuites name="cfglint" tests="5" failures="5" errors="0" time="0">',
  '  <testsuite name="app server/gunicorn.conf.py" tests="1" failures="1" errors="0" skipped="0" time="0">',
  ...testcase(
    'app server/gunicorn.conf.py',
    'gunicorn-single-worker at 2:11',
    'Only one worker: 100% of requests wait on a single process,\\nso one slow request blocks all others',
    'gunicorn-single-worker',
    [
      'info[gunicorn-single-worker]: Only one worker: 100% of requests wait on a single process,\\nso one slow request blocks all others',
      'at app server/gunicorn.conf.py:2:11',
      `docs: ${DOCS}/checks/gunicorn-single-worker.md`,
    ],
  ),
  '  </testsuite>',
  '  <testsuite name="nginx/conf.d/app.conf" tests="3" failures="3" errors="0" skipped="0" time="0">',
  ...testcase(
    'nginx/conf.d/app.conf',
    'upstream-port-mismatch at 2:12',
    'Nothing listens on &quot;127.0.0.1:8000&quot;; gunicorn binds &quot;127.0.0.1:8001&quot;' +
      ' (related: app server/gunicorn.conf.py:1:8: gunicorn binds here; nginx/conf.d/app.conf:10:20: proxied from here)',
    'upstream-port-mismatch',
    [
      'error[upstream-port-mismatch]: Nothing listens on &quot;127.0.0.1:8000&quot;; gunicorn binds &quot;127.0.0.1:8001&quot;',
      'at nginx/conf.d/app.conf:2:12',
      'related: app server/gunicorn.conf.py:1:8: gunicorn binds here',
      'related: nginx/conf.d/app.conf:10:20: proxied from here',
      `docs: ${DOCS}/checks/upstream-port-mismatch.md`,
    ],
  ),
  ...testcase(
    'nginx/conf.d/app.conf',
    'keepalive-timeout-mismatch at 7:20',
    'Expected &quot;keepalive_timeout&quot; to be at most &quot;75s&quot;, found &quot;650s&quot;',
    'keepalive-timeout-mismatch',
    [
      'warning[keepalive-timeout-mismatch]: Expected &quot;keepalive_timeout&quot; to be at most &quot;75s&quot;, found &quot;650s&quot;',
      'at nginx/conf.d/app.conf:7:20',
      `docs: ${DOCS}/checks/keepalive-timeout-mismatch.md`,
    ],
  ),
  ...testcase(
    'nginx/conf.d/app.conf',
    'location-missing-proxy-headers at 9:5',
    'Missing &quot;proxy_set_header Host&quot; in &quot;location /&quot;',
    'location-missing-proxy-headers',
    [
      'warning[location-missing-proxy-headers]: Missing &quot;proxy_set_header Host&quot; in &quot;location /&quot;',
      'at nginx/conf.d/app.conf:9:5',
      `docs: ${DOCS}/checks/location-missing-proxy-headers.md`,
    ],
  ),
  '  </testsuite>',
  '  <testsuite name="uwsgi/app:v2,old.ini" tests="1" failures="1" errors="0" skipped="0" time="0">',
  ...testcase('uwsgi/app:v2,old.ini', 'invalid-value at 3:12', 'Invalid &quot;harakiri&quot; value &quot;thirty&quot;', 'invalid-value', [
    'error[invalid-value]: Invalid &quot;harakiri&quot; value &quot;thirty&quot;',
    'at uwsgi/app:v2,old.ini:3:12',
    `docs: ${DOCS}/docs/diagnostics.md#invalid-value`,
  ]),
  '  </testsuite>',
  '</testsuites>',
  '',
].join('\n');

describe('junit formatter', () => {
  it('renders the fixture exactly', () => {
    expect(format(makeReport(), makeContext())).toBe(EXPECTED);
  });

  it('is well-formed XML whose counts agree with its testcases', () => {
    const out = format(makeReport(), makeContext());
    expectWellFormedXml(out);
    const { testsuites } = parseXml<JunitXml>(out);
    const cases = testsuites.testsuite.flatMap((suite) => suite.testcase);
    expect(cases).toHaveLength(Number(testsuites.tests));
    for (const suite of testsuites.testsuite) expect(suite.testcase.filter((c) => c.failure)).toHaveLength(Number(suite.failures));
    // GitLab keys a testcase by classname and name: no two may share both.
    expect(new Set(cases.map((c) => `${c.classname}\0${c.name}`)).size).toBe(cases.length);
  });

  it('does not depend on the order findings arrive in, nor on colour', () => {
    const report = makeReport();
    report.findings.reverse();
    expect(format(report, makeContext(true))).toBe(EXPECTED);
  });

  it('shows a clean run as one passing testcase', () => {
    const report = makeReport();
    report.findings = [];
    const out = format(report, makeContext());
    expect(out).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="cfglint" tests="1" failures="0" errors="0" time="0">',
        '  <testsuite name="cfglint" tests="1" failures="0" errors="0" skipped="0" time="0">',
        '    <testcase classname="cfglint" name="no findings" time="0"/>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    expectWellFormedXml(out);
  });

  it('numbers testcases of one rule at one position in one file, so GitLab keeps both', () => {
    const report = makeReport();
    const twin: Finding = { ...structuredClone(report.findings[0]), message: 'Another message' };
    report.findings = [report.findings[0], twin];
    const { testsuites } = parseXml<JunitXml>(format(report, makeContext()));
    expect(testsuites.testsuite[0].testcase.map((c) => c.name)).toEqual(['keepalive-timeout-mismatch at 7:20', 'keepalive-timeout-mismatch at 7:20 (2)']);
  });

  it('leaves out the docs line when a finding has no docs link', () => {
    const report = makeReport();
    report.findings = [report.findings[0]];
    report.findings[0].docsUrl = '';
    expect(format(report, makeContext())).toContain('at nginx/conf.d/app.conf:7:20</failure>');
  });

  it('escapes hostile text; every line of failure text starts with a word of cfglint', () => {
    const report = makeReport();
    report.findings = [report.findings[2]];
    const finding = report.findings[0];
    finding.message = 'Bad "5x\n::add-mask::s" \x1b]0;t\x07 ]]> <b> & \'q\' 100% ##[x]';
    finding.related = [{ span: { ...finding.related[0].span, file: '\n::error::x' }, label: 'set\x1b[2J ]]> "here"\r\n' }];
    finding.primary.file = 'evil"<x>&\n.conf';
    const out = format(report, makeContext());
    expectWellFormedXml(out);
    const failure = [
      "error[upstream-port-mismatch]: Bad &quot;5x\\n::add-mask::s&quot; \\x1b]0;t\\x07 ]]&gt; &lt;b&gt; &amp; 'q' 100% ##\\x5bx]",
      'at evil&quot;&lt;x&gt;&amp;\\n.conf:2:12',
      'related: \\n::error::x:1:8: set\\x1b[2J ]]&gt; &quot;here&quot;\\r\\n',
      `docs: ${DOCS}/checks/upstream-port-mismatch.md`,
    ].join('\n');
    expect(out).toContain(`type="upstream-port-mismatch">${failure}</failure>`);
    expect(out).toContain('<testsuite name="evil&quot;&lt;x&gt;&amp;\\n.conf" tests="1"');
    const { testsuites } = parseXml<JunitXml>(out);
    const testcase = testsuites.testsuite[0].testcase[0];
    expect(testcase.classname).toBe('evil"<x>&\\n.conf');
    expect(testcase.failure?.message).toBe(
      'Bad "5x\\n::add-mask::s" \\x1b]0;t\\x07 ]]> <b> & \'q\' 100% ##\\x5bx] (related: \\n::error::x:1:8: set\\x1b[2J ]]> "here"\\r\\n)',
    );
    for (const line of out.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
  });

  it('writes the help as a line of the failure text, after the related locations; the message attribute stays the message', () => {
    const report = makeReport();
    report.findings = [{ ...report.findings[2], help: 'bind gunicorn to "127.0.0.1:8000" <now>\n::error::x' }];
    const out = format(report, makeContext());
    expectWellFormedXml(out);
    const failure = [
      'error[upstream-port-mismatch]: Nothing listens on &quot;127.0.0.1:8000&quot;; gunicorn binds &quot;127.0.0.1:8001&quot;',
      'at nginx/conf.d/app.conf:2:12',
      'related: app server/gunicorn.conf.py:1:8: gunicorn binds here',
      'related: nginx/conf.d/app.conf:10:20: proxied from here',
      'help: bind gunicorn to &quot;127.0.0.1:8000&quot; &lt;now&gt;\\n::error::x',
      `docs: ${DOCS}/checks/upstream-port-mismatch.md`,
    ].join('\n');
    expect(out).toContain(`type="upstream-port-mismatch">${failure}</failure>`);
    const { testsuites } = parseXml<JunitXml>(out);
    expect(testsuites.testsuite[0].testcase[0].failure?.message).toBe(
      'Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"' +
        ' (related: app server/gunicorn.conf.py:1:8: gunicorn binds here; nginx/conf.d/app.conf:10:20: proxied from here)',
    );
  });

  it('writes a suite of 50,000 findings in one file (150,000 lines: more than a call takes as arguments)', () => {
    const report = makeReport();
    const one = report.findings[2];
    report.findings = Array.from({ length: 50_000 }, (_, i) => ({ ...one, primary: { ...one.primary, start: { ...one.primary.start, line: i + 1 } } }));
    const out = format(report, makeContext());
    expect(out.split('<testcase ').length - 1).toBe(50_000);
    expect(out).toContain('name="upstream-port-mismatch at 50000:12"');
    expect(out.endsWith('  </testsuite>\n</testsuites>\n')).toBe(true);
  });
});
