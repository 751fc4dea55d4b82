import { escapeData, escapeProperty, format } from '../../src/report/formatters/github';
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

  it('escapes data and properties as @actions/core does', () => {
    expect(escapeData('50%\r\nx: y, z')).toBe('50%25%0D%0Ax: y, z');
    expect(escapeProperty('50%\r\nx: y, z')).toBe('50%25%0D%0Ax%3A y%2C z');
    // Already-escaped-looking text is escaped again, not passed through.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('uses forward slashes in paths', () => {
    const report = makeReport();
    report.findings = [report.findings[0]];
    report.findings[0].primary.file = 'nginx\\sites\\a.conf';
    expect(format(report, makeContext())).toMatch(/^::warning file=nginx\/sites\/a\.conf,line=7,/);
  });
});
