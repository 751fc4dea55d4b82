import type { Finding } from '../../src/engine/findings';
import { format } from '../../src/report/formatters/github';
import { makeContext, makeReport } from './fixture';

// Written by hand from the spec: errors, then warnings, then infos (GitHub annotates only the first
// 10 of each level in a step), each level by file, line, column, rule id; @actions/core escaping.
const EXPECTED =
  '::error file=nginx/conf.d/app.conf,line=2,col=12,endLine=2,endColumn=26,title=upstream-port-mismatch' +
  '::Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"' +
  '%0Aapp server/gunicorn.conf.py:1:8: gunicorn binds here%0Anginx/conf.d/app.conf:10:20: proxied from here\n' +
  '::error file=uwsgi/app%3Av2%2Cold.ini,line=3,col=12,endLine=3,endColumn=18,title=invalid-value' +
  '::Invalid "harakiri" value "thirty"\n' +
  '::warning file=nginx/conf.d/app.conf,line=7,col=20,endLine=7,endColumn=24,title=keepalive-timeout-mismatch' +
  '::Expected "keepalive_timeout" to be at most "75s", found "650s"\n' +
  '::warning file=nginx/conf.d/app.conf,line=9,col=5,endLine=12,endColumn=6,title=location-missing-proxy-headers' +
  '::Missing "proxy_set_header Host" in "location /"\n' +
  '::notice file=app server/gunicorn.conf.py,line=2,col=11,endLine=2,endColumn=12,title=gunicorn-single-worker' +
  '::Only one worker: 100%25 of requests wait on a single process,%0Aso one slow request blocks all others\n';

/** `count` copies of one fixture finding, each on its own line of the file, so they sort by line. */
function copies(finding: Finding, count: number): Finding[] {
  return Array.from({ length: count }, (_, i) => ({
    ...finding,
    primary: { ...finding.primary, start: { ...finding.primary.start, line: i + 1 }, end: { ...finding.primary.end, line: i + 1 } },
  }));
}

describe('github formatter', () => {
  it('renders the fixture exactly', () => {
    expect(format(makeReport(), makeContext())).toBe(EXPECTED);
  });

  it('does not depend on the order findings arrive in, nor on colour', () => {
    const report = makeReport();
    report.findings.reverse();
    expect(format(report, makeContext(true))).toBe(EXPECTED);
  });

  describe('more than 10 of a level: a notice first, saying how many are not annotated and where they are', () => {
    const [warning, error, , info] = makeReport().findings;
    const levels = (text: string) => text.split('\n').map((line) => /^::(\w+)/.exec(line)?.[1] ?? '');

    it('12 errors, 10 warnings, 3 infos: one notice, for the 2 errors past the 10th', () => {
      const report = makeReport();
      report.findings = [...copies(info, 3), ...copies(warning, 10), ...copies(error, 12)];
      const text = format(report, { ...makeContext(), moreFindingsAt: 'the job summary lists them all' });
      expect(text.split('\n')[0]).toBe(
        '::notice title=cfglint%3A 2 more errors::2 more errors not annotated: GitHub annotates the first 10 of the 12 errors in a step; the job summary lists them all',
      );
      // Then every finding, errors first: the notice takes one of the 10 notice slots, the 3 infos fit in the other 9.
      expect(levels(text)).toEqual(['notice', ...Array(12).fill('error'), ...Array(10).fill('warning'), ...Array(3).fill('notice'), '']);
      expect(text.split('\n')[1]).toMatch(/^::error file=uwsgi\/app%3Av2%2Cold\.ini,line=1,/);
      expect(text.split('\n')[12]).toMatch(/^::error file=uwsgi\/app%3Av2%2Cold\.ini,line=12,/);
    });

    it('every level past 10: three notices, and the infos lose the three slots the notices take', () => {
      const report = makeReport();
      report.findings = [...copies(info, 11), ...copies(warning, 11), ...copies(error, 11)];
      const notices = format(report, makeContext()).split('\n').slice(0, 3);
      // Errors and warnings: 11 - 10 = 1 each. Infos: 10 - 3 notices = 7 shown of 11, so 4 not.
      // Without a place from the caller (the CLI), the log and --format sarif are named.
      const where = "this step's log lists them all, and --format sarif writes them for code scanning";
      expect(notices).toEqual([
        `::notice title=cfglint%3A 1 more error::1 more error not annotated: GitHub annotates the first 10 of the 11 errors in a step; ${where}`,
        `::notice title=cfglint%3A 1 more warning::1 more warning not annotated: GitHub annotates the first 10 of the 11 warnings in a step; ${where}`,
        `::notice title=cfglint%3A 4 more info findings::4 more info findings not annotated: GitHub annotates the first 7 of the 11 info findings in a step; ${where}`,
      ]);
    });

    it('10 infos and 11 errors: the error notice pushes the 10th info out, so the infos get a notice too', () => {
      const report = makeReport();
      report.findings = [...copies(info, 10), ...copies(error, 11)];
      const notices = format(report, makeContext())
        .split('\n')
        .filter((line) => line.startsWith('::notice title='));
      // 2 notices leave 8 info slots of 10: 2 infos not annotated.
      expect(notices.map((line) => /title=([^:]*)::/.exec(line)![1])).toEqual(['cfglint%3A 1 more error', 'cfglint%3A 2 more info findings']);
    });

    it('exactly 10 of each level: no notice', () => {
      const report = makeReport();
      report.findings = [...copies(info, 10), ...copies(warning, 10), ...copies(error, 10)];
      expect(format(report, makeContext())).not.toContain('::notice title=');
    });

    it('the place the caller names is command data: it cannot start a command', () => {
      const report = makeReport();
      report.findings = copies(error, 11);
      const first = format(report, { ...makeContext(), moreFindingsAt: 'see x\n::error::y 100%' }).split('\n')[0];
      expect(first.endsWith('; see x%0A::error::y 100%25')).toBe(true);
    });
  });

  it('prints nothing for an empty report', () => {
    const report = makeReport();
    report.findings = [];
    expect(format(report, makeContext())).toBe('');
  });

  it('keeps a hostile message, path and label inside one command line', () => {
    const hostile: Finding = {
      ...makeReport().findings[0],
      message: 'Invalid "5x\n::add-mask::secret\r::stop-commands::x" \x1b]0;t\x07%0A',
      primary: { file: 'evil\n::warning::dir/a,b:c.conf', start: { line: 1, column: 2, offset: 1 }, end: { line: 1, column: 3, offset: 2 } },
      related: [{ span: { file: 'x\ry.conf', start: { line: 4, column: 5, offset: 0 }, end: { line: 4, column: 6, offset: 0 } }, label: 'set\x1b[2J here' }],
    };
    const report = makeReport();
    report.findings = [hostile];
    // Data: %, CR and LF percent-encoded (% first), ESC and BEL dropped; the file property also
    // encodes , and :. The related location joins the message with an encoded newline.
    expect(format(report, makeContext())).toBe(
      '::warning file=evil%0A%3A%3Awarning%3A%3Adir/a%2Cb%3Ac.conf,line=1,col=2,endLine=1,endColumn=3,title=keepalive-timeout-mismatch' +
        '::Invalid "5x%0A::add-mask::secret%0D::stop-commands::x" ]0;t%250A%0Ax%0Dy.conf:4:5: set[2J here\n',
    );
  });

  it('uses forward slashes in paths', () => {
    const report = makeReport();
    report.findings = [report.findings[0]];
    report.findings[0].primary.file = 'nginx\\sites\\a.conf';
    expect(format(report, makeContext())).toMatch(/^::warning file=nginx\/sites\/a\.conf,line=7,/);
  });

  it('appends the help after a blank line, escaped like the message', () => {
    const report = makeReport();
    report.findings = [{ ...report.findings[2], help: 'point proxy_pass at 127.0.0.1:8001\n::error::x 100%' }];
    // The related locations stay next to the message; the help comes last, after an encoded blank line.
    expect(format(report, makeContext())).toBe(
      '::error file=nginx/conf.d/app.conf,line=2,col=12,endLine=2,endColumn=26,title=upstream-port-mismatch' +
        '::Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"' +
        '%0Aapp server/gunicorn.conf.py:1:8: gunicorn binds here%0Anginx/conf.d/app.conf:10:20: proxied from here' +
        '%0A%0Ahelp: point proxy_pass at 127.0.0.1:8001%0A::error::x 100%25\n',
    );
  });
});
