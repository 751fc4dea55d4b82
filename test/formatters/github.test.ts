import type { Finding } from '../../src/engine/findings';
import { format } from '../../src/report/formatters/github';
import { makeContext, makeReport } from './fixture';

// Written by hand from the spec: sorted by file, line, column, rule id; @actions/core escaping.
const EXPECTED =
  '::notice file=app server/gunicorn.conf.py,line=2,col=11,endLine=2,endColumn=12,title=gunicorn-single-worker' +
  '::Only one worker: 100%25 of requests wait on a single process,%0Aso one slow request blocks all others\n' +
  '::error file=nginx/conf.d/app.conf,line=2,col=12,endLine=2,endColumn=26,title=upstream-port-mismatch' +
  '::Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"' +
  '%0Aapp server/gunicorn.conf.py:1:8: gunicorn binds here%0Anginx/conf.d/app.conf:10:20: proxied from here\n' +
  '::warning file=nginx/conf.d/app.conf,line=7,col=20,endLine=7,endColumn=24,title=keepalive-timeout-mismatch' +
  '::Expected "keepalive_timeout" to be at most "75s", found "650s"\n' +
  '::warning file=nginx/conf.d/app.conf,line=9,col=5,endLine=12,endColumn=6,title=location-missing-proxy-headers' +
  '::Missing "proxy_set_header Host" in "location /"\n' +
  '::error file=uwsgi/app%3Av2%2Cold.ini,line=3,col=12,endLine=3,endColumn=18,title=invalid-value' +
  '::Invalid "harakiri" value "thirty"\n';

describe('github formatter', () => {
  it('renders the fixture exactly', () => {
    expect(format(makeReport(), makeContext())).toBe(EXPECTED);
  });

  it('does not depend on the order findings arrive in, nor on colour', () => {
    const report = makeReport();
    report.findings.reverse();
    expect(format(report, makeContext(true))).toBe(EXPECTED);
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
