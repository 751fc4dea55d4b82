import type { Finding } from '../../src/engine/findings';
import { format, type CodeQualityIssue } from '../../src/report/formatters/gitlab';
import { makeContext, makeReport } from './fixture';

const DOCS = 'https://github.com/cfglint/cfglint/blob/v0.1.0';

// Written by hand: sorted by file, line, column, rule id; error → critical, warning → major,
// info → info; related locations folded into the description; line breaks shown as `\n`.
const EXPECTED: CodeQualityIssue[] = [
  {
    description: 'Only one worker: 100% of requests wait on a single process,\\nso one slow request blocks all others',
    check_name: 'gunicorn-single-worker',
    fingerprint: '9a8b7c6d5e4f3a2b',
    severity: 'info',
    location: { path: 'app server/gunicorn.conf.py', lines: { begin: 2, end: 2 } },
    content: { body: `Documentation: ${DOCS}/checks/gunicorn-single-worker.md` },
  },
  {
    description:
      'Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"' +
      ' (related: app server/gunicorn.conf.py:1:8: gunicorn binds here; nginx/conf.d/app.conf:10:20: proxied from here)',
    check_name: 'upstream-port-mismatch',
    fingerprint: '0e9f3a71bd24c658',
    severity: 'critical',
    location: { path: 'nginx/conf.d/app.conf', lines: { begin: 2, end: 2 } },
    content: { body: `Documentation: ${DOCS}/checks/upstream-port-mismatch.md` },
  },
  {
    description: 'Expected "keepalive_timeout" to be at most "75s", found "650s"',
    check_name: 'keepalive-timeout-mismatch',
    fingerprint: '5b0c2f1e9a7d4c3b',
    severity: 'major',
    location: { path: 'nginx/conf.d/app.conf', lines: { begin: 7, end: 7 } },
    content: { body: `Documentation: ${DOCS}/checks/keepalive-timeout-mismatch.md` },
  },
  {
    description: 'Missing "proxy_set_header Host" in "location /"',
    check_name: 'location-missing-proxy-headers',
    fingerprint: '7f6e5d4c3b2a1908',
    severity: 'major',
    location: { path: 'nginx/conf.d/app.conf', lines: { begin: 9, end: 12 } },
    content: { body: `Documentation: ${DOCS}/checks/location-missing-proxy-headers.md` },
  },
  {
    description: 'Invalid "harakiri" value "thirty"',
    check_name: 'invalid-value',
    fingerprint: 'c4d2a8e61f0b3975',
    severity: 'critical',
    location: { path: 'uwsgi/app:v2,old.ini', lines: { begin: 3, end: 3 } },
    content: { body: `Documentation: ${DOCS}/docs/diagnostics.md#invalid-value` },
  },
];

describe('gitlab formatter (Code Quality)', () => {
  it('renders the fixture exactly: a two-space indented JSON array and a newline', () => {
    const out = format(makeReport(), makeContext());
    expect(JSON.parse(out)).toEqual(EXPECTED);
    // No character of the fixture needs a JSON escape beyond JSON.stringify's own.
    expect(out).toBe(`${JSON.stringify(EXPECTED, null, 2)}\n`);
  });

  it('does not depend on the order findings arrive in, nor on colour', () => {
    const report = makeReport();
    report.findings.reverse();
    expect(format(report, makeContext(true))).toBe(format(makeReport(), makeContext()));
  });

  it('writes an empty array for a clean run, which GitLab reads as no issues', () => {
    const report = makeReport();
    report.findings = [];
    expect(format(report, makeContext())).toBe('[]\n');
  });

  it('gives a repeated fingerprint a -n suffix, since GitLab keeps only the first issue of one', () => {
    const report = makeReport();
    const base = report.findings[0];
    const moved = (line: number): Finding => ({
      ...structuredClone(base),
      primary: { ...base.primary, start: { ...base.primary.start, line }, end: { ...base.primary.end, line } },
    });
    report.findings = [moved(9), moved(3), moved(5)];
    const issues = JSON.parse(format(report, makeContext())) as CodeQualityIssue[];
    expect(issues.map((issue) => `${issue.location.lines.begin} ${issue.fingerprint}`)).toEqual([
      '3 5b0c2f1e9a7d4c3b',
      '5 5b0c2f1e9a7d4c3b-2',
      '9 5b0c2f1e9a7d4c3b-3',
    ]);
  });

  it('writes paths as repository paths: forward slashes, no leading ./', () => {
    const report = makeReport();
    report.findings = [report.findings[0]];
    report.findings[0].primary.file = './nginx\\sites\\a.conf';
    expect((JSON.parse(format(report, makeContext())) as CodeQualityIssue[])[0].location.path).toBe('nginx/sites/a.conf');
  });

  it('leaves out content when a finding has no docs link', () => {
    const report = makeReport();
    report.findings = [report.findings[0]];
    report.findings[0].docsUrl = '';
    expect(Object.keys((JSON.parse(format(report, makeContext())) as CodeQualityIssue[])[0])).toEqual([
      'description',
      'check_name',
      'fingerprint',
      'severity',
      'location',
    ]);
  });

  it('keeps hostile text valid JSON, on one line, nothing raw', () => {
    const report = makeReport();
    report.findings = [report.findings[2]];
    const finding = report.findings[0];
    finding.message = 'Bad "5x\n::add-mask::s" \x1b]0;t\x07 ]]> <b> & \'q\' 100% \u2028##[x]';
    finding.related[0].label = 'set\x1b[2J\r\nhere';
    finding.primary.file = 'evil\n::warning::x.conf';
    const out = format(report, makeContext());
    const [issue] = JSON.parse(out) as CodeQualityIssue[];
    // The description is the terminal's one-line form; JSON then carries it intact.
    expect(issue.description).toBe(
      'Bad "5x\\n::add-mask::s" \\x1b]0;t\\x07 ]]> <b> & \'q\' 100% \\u2028##\\x5bx]' +
        ' (related: app server/gunicorn.conf.py:1:8: set\\x1b[2J\\r\\nhere; nginx/conf.d/app.conf:10:20: proxied from here)',
    );
    // The path must match the repository's file, so it is data, JSON-escaped only.
    expect(issue.location.path).toBe('evil\n::warning::x.conf');
    // eslint-disable-next-line no-control-regex -- the output must hold no raw control character
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]|##\[/);
    for (const line of out.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
  });

  it('keeps the description to the message and puts the help in content.body, Markdown-escaped', () => {
    const report = makeReport();
    report.findings = [{ ...report.findings[1], help: 'write "30" [docs](http://evil) *now* <b>\nor 60' }];
    const [issue] = JSON.parse(format(report, makeContext())) as CodeQualityIssue[];
    expect(issue.description).toBe('Invalid "harakiri" value "thirty"');
    // Every Markdown character of the help is escaped, so no link or HTML forms; the docs link follows.
    expect(issue.content?.body).toBe(
      'write "30" \\[docs\\](http://evil) \\*now\\* &lt;b&gt;<br>or 60' + `\n\nDocumentation: ${DOCS}/docs/diagnostics.md#invalid-value`,
    );
  });

  it('writes content.body with the help alone when a finding has no docs link', () => {
    const report = makeReport();
    report.findings = [{ ...report.findings[1], docsUrl: '', help: 'write 30' }];
    const [issue] = JSON.parse(format(report, makeContext())) as CodeQualityIssue[];
    expect(issue.content).toEqual({ body: 'write 30' });
  });
});
