import type { Finding, Report } from '../../src/engine/findings';
import { format } from '../../src/report/formatters/stylish';
import { GUNICORN, NGINX, makeContext, makeReport } from './fixture';

// Written by hand from the spec (ruff layout, tab stops of 4, gutter shared per finding).
const EXPECTED = [
  // The message's line break is shown escaped: every line of the output starts with cfglint's own text.
  'info[gunicorn-single-worker]: Only one worker: 100% of requests wait on a single process,\\nso one slow request blocks all others',
  ' --> app server/gunicorn.conf.py:2:11',
  '2 | workers = 1',
  '  |           ^',
  '  = docs: https://github.com/cfglint/cfglint/blob/v0.1.0/checks/gunicorn-single-worker.md',
  '',
  'error[upstream-port-mismatch]: Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"',
  '  --> nginx/conf.d/app.conf:2:12',
  ' 2 |     server 127.0.0.1:8000;',
  '   |            ^^^^^^^^^^^^^^',
  '  ::: app server/gunicorn.conf.py:1:8',
  ' 1 | bind = "127.0.0.1:8001"',
  '   |        ---------------- gunicorn binds here',
  '  ::: nginx/conf.d/app.conf:10:20',
  '10 |         proxy_pass http://app;',
  '   |                    ---------- proxied from here',
  '   = docs: https://github.com/cfglint/cfglint/blob/v0.1.0/checks/upstream-port-mismatch.md',
  '',
  'warning[keepalive-timeout-mismatch]: Expected "keepalive_timeout" to be at most "75s", found "650s"',
  ' --> nginx/conf.d/app.conf:7:20',
  '7 |     keepalive_timeout   650s;',
  '  |                         ^^^^',
  '  = docs: https://github.com/cfglint/cfglint/blob/v0.1.0/checks/keepalive-timeout-mismatch.md',
  '',
  'warning[location-missing-proxy-headers]: Missing "proxy_set_header Host" in "location /"',
  ' --> nginx/conf.d/app.conf:9:5',
  '9 |     location / {',
  '  |     ^^^^^^^^^^^^',
  '  = docs: https://github.com/cfglint/cfglint/blob/v0.1.0/checks/location-missing-proxy-headers.md',
  '',
  'error[invalid-value]: Invalid "harakiri" value "thirty"',
  ' --> uwsgi/app:v2,old.ini:3:12',
  '  = docs: https://github.com/cfglint/cfglint/blob/v0.1.0/docs/diagnostics.md#invalid-value',
  '',
  '✖ 5 problems (2 errors, 2 warnings, 1 info), 1 suppressed',
  '',
].join('\n');

// eslint-disable-next-line no-control-regex -- matches the escape byte that starts an ANSI colour
const ANSI = /\x1b\[[0-9;]*m/g;

function finding(overrides: Partial<Finding>): Finding {
  return { ...makeReport().findings[0], related: [], ...overrides };
}

function reportWith(findings: Finding[], suppressed = 0): Report {
  const report = makeReport();
  report.findings = findings;
  report.summary = {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
    suppressed,
    baselined: 0,
  };
  return report;
}

describe('stylish formatter', () => {
  it('renders the fixture exactly', () => {
    expect(format(makeReport(), makeContext())).toBe(EXPECTED);
  });

  it('does not depend on the order findings arrive in', () => {
    const report = makeReport();
    report.findings.reverse();
    expect(format(report, makeContext())).toBe(EXPECTED);
  });

  it('emits no escape codes without colour, and only adds escapes with it', () => {
    const plain = format(makeReport(), makeContext(false));
    const colored = format(makeReport(), makeContext(true));
    expect(plain).not.toContain('\x1b');
    expect(colored).toMatch(ANSI);
    expect(colored.replace(ANSI, '')).toBe(plain);
  });

  it('says so when there is nothing to report', () => {
    expect(format(reportWith([]), makeContext())).toBe('No problems found in 3 files.\n');
    const oneFile = reportWith([], 2);
    oneFile.files = [NGINX];
    expect(format(oneFile, makeContext())).toBe('No problems found in 1 file (2 suppressed).\n');
    expect(format(oneFile, makeContext(true)).replace(ANSI, '')).toBe('No problems found in 1 file (2 suppressed).\n');
  });

  it('counts the infos at documented defaults the CLI left out, one or several', () => {
    expect(format(reportWith([], 1), { ...makeContext(), hiddenDefaultInfos: 1 })).toBe(
      'No problems found in 3 files (1 suppressed, 1 info at documented defaults hidden, --show-info lists it).\n',
    );
    const warning = finding({ severity: 'warning' });
    expect(
      format(reportWith([warning]), { ...makeContext(), hiddenDefaultInfos: 2 })
        .split('\n')
        .slice(-2),
    ).toEqual(['✖ 1 problem (0 errors, 1 warning, 0 infos), 2 infos at documented defaults hidden, --show-info lists them', '']);
  });

  it('prints header and location without a frame when the line does not exist', () => {
    const pastEnd = finding({
      primary: { file: GUNICORN, start: { line: 40, column: 1, offset: 999 }, end: { line: 40, column: 2, offset: 1000 } },
    });
    expect(format(reportWith([pastEnd]), makeContext())).toBe(
      [
        'warning[keepalive-timeout-mismatch]: Expected "keepalive_timeout" to be at most "75s", found "650s"',
        '  --> app server/gunicorn.conf.py:40:1',
        '   = docs: https://github.com/cfglint/cfglint/blob/v0.1.0/checks/keepalive-timeout-mismatch.md',
        '',
        '✖ 1 problem (0 errors, 1 warning, 0 infos)',
        '',
      ].join('\n'),
    );
  });

  it('keeps the label of a related span whose source is unavailable', () => {
    const withMissingRelated = finding({
      related: [{ span: { file: 'gone.conf', start: { line: 3, column: 2, offset: 0 }, end: { line: 3, column: 5, offset: 3 } }, label: 'defined here' }],
    });
    const lines = format(reportWith([withMissingRelated]), makeContext()).split('\n');
    expect(lines).toContain(' ::: gone.conf:3:2 (defined here)');
  });

  it('marks an empty span with one caret and reads CRLF files like LF ones', () => {
    const empty = finding({
      primary: { file: 'crlf.conf', start: { line: 2, column: 7, offset: 0 }, end: { line: 2, column: 7, offset: 0 } },
      docsUrl: '',
    });
    const out = format(reportWith([empty]), makeContext(false, { 'crlf.conf': 'a;\r\nlisten;\r\n' }));
    expect(out.split('\n').slice(1, 4)).toEqual([' --> crlf.conf:2:7', '2 | listen;', '  |       ^']);
    expect(out).not.toContain('\r');
    expect(out).not.toContain('docs:');
  });

  it('lines carets up under tabs inside and before the span', () => {
    const tabbed = finding({
      primary: { file: 't.conf', start: { line: 1, column: 3, offset: 2 }, end: { line: 1, column: 6, offset: 5 } },
    });
    // `a\tb\tc;`: "a" then tab to column 4, "b", tab to 8; the span is `b\tc`.
    const out = format(reportWith([tabbed]), makeContext(false, { 't.conf': 'a\tb\tc;\n' }));
    expect(out.split('\n').slice(2, 4)).toEqual(['1 | a   b   c;', '  |     ^^^^^']);
  });

  it('does not let control characters in the source reach the terminal', () => {
    const f = finding({ primary: { file: 'e.conf', start: { line: 1, column: 3, offset: 2 }, end: { line: 1, column: 4, offset: 3 } } });
    const out = format(reportWith([f]), makeContext(false, { 'e.conf': '\x1b[2Jx;\n' }));
    expect(out).not.toContain('\x1b');
    // ESC is shown as the four characters `\x1b`, so the caret under "2" (column 3) moves right by three.
    expect(out.split('\n').slice(2, 4)).toEqual(['1 | \\x1b[2Jx;', '  |      ^']);
  });

  it("keeps a hostile message, path and label on cfglint's own lines, control characters escaped", () => {
    const file = 'evil\n::error::dir/a.conf';
    const hostile = finding({
      message: 'Invalid "5x\n::add-mask::secret\r::stop-commands::x" \x1b]0;t\x07 ##[set-output name=a;]b',
      primary: { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } },
      related: [{ span: { file: 'gone\r.conf', start: { line: 2, column: 1, offset: 0 }, end: { line: 2, column: 2, offset: 0 } }, label: 'here\x1b[2J' }],
      docsUrl: '',
    });
    const out = format(reportWith([hostile]), makeContext(false, { [file]: '\x1b[31mx;\n' }));
    // The span is the ESC alone, shown as four characters: four carets.
    expect(out).toBe(
      [
        'warning[keepalive-timeout-mismatch]: Invalid "5x\\n::add-mask::secret\\r::stop-commands::x" \\x1b]0;t\\x07 ##\\x5bset-output name=a;]b',
        ' --> evil\\n::error::dir/a.conf:1:1',
        '1 | \\x1b[31mx;',
        '  | ^^^^',
        ' ::: gone\\r.conf:2:1 (here\\x1b[2J)',
        '',
        '✖ 1 problem (0 errors, 1 warning, 0 infos)',
        '',
      ].join('\n'),
    );
    // With colour, only cfglint's own SGR sequences are added.
    expect(format(reportWith([hostile]), makeContext(true, { [file]: '\x1b[31mx;\n' })).replace(ANSI, '')).toBe(out);
  });

  it('prints the help as `= help:` after the frames and before the docs link, on one line', () => {
    const withHelp = finding({
      message: 'keepalive_timeout 650s is not shorter than 75s',
      help: 'the balancer sends on a closed connection ("502")\nset keepalive_timeout below 75s',
      related: [{ span: makeReport().findings[2].related[0].span, label: 'gunicorn binds here' }],
    });
    const lines = format(reportWith([withHelp]), makeContext()).split('\n');
    expect(lines.slice(0, 9)).toEqual([
      'warning[keepalive-timeout-mismatch]: keepalive_timeout 650s is not shorter than 75s',
      ' --> nginx/conf.d/app.conf:7:20',
      '7 |     keepalive_timeout   650s;',
      '  |                         ^^^^',
      ' ::: app server/gunicorn.conf.py:1:8',
      '1 | bind = "127.0.0.1:8001"',
      '  |        ---------------- gunicorn binds here',
      // A line break in the help (tree text may hold one) is shown escaped: the line stays cfglint's.
      '  = help: the balancer sends on a closed connection ("502")\\nset keepalive_timeout below 75s',
      '  = docs: https://github.com/cfglint/cfglint/blob/v0.1.0/checks/keepalive-timeout-mismatch.md',
    ]);
  });

  it('escapes control characters in the help as in the message', () => {
    const hostile = finding({ help: 'fix \x1b]0;t\x07 ##[set-output name=a;]b\u202e' });
    const out = format(reportWith([hostile]), makeContext(true));
    const helpLine = out.split('\n').find((line) => line.includes('help:'))!;
    expect(helpLine.replace(ANSI, '')).toBe('  = help: fix \\x1b]0;t\\x07 ##\\x5bset-output name=a;]b\\u202e');
  });
});
