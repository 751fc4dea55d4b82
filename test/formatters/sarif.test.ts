import { artifactLocation, format, type SarifLog } from '../../src/report/formatters/sarif';
import type { Report } from '../../src/engine/findings';
import { GUNICORN, NGINX, UWSGI, makeContext, makeReport } from './fixture';

function sarifOf(report: Report): SarifLog {
  const out = format(report, makeContext());
  expect(out.endsWith('}\n')).toBe(true);
  return JSON.parse(out) as SarifLog;
}

describe('sarif formatter', () => {
  const report = makeReport();
  const log = sarifOf(report);
  const run = log.runs[0];
  const { results } = run;

  it('is a SARIF 2.1.0 log with one run and no machine-dependent data', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(Object.keys(run).sort()).toEqual(['columnKind', 'results', 'tool']);
    expect(run.columnKind).toBe('utf16CodeUnits');
    expect(run.tool.driver).toMatchObject({
      name: 'cfglint',
      version: '0.1.0',
      informationUri: 'https://github.com/cfglint/cfglint',
    });
    expect(format(makeReport(), makeContext(true))).toBe(format(makeReport(), makeContext(false)));
  });

  it('lists report.rules in order, then synthesises entries for other ids', () => {
    const { rules } = run.tool.driver;
    expect(rules.map((r) => r.id)).toEqual([
      'upstream-port-mismatch',
      'keepalive-timeout-mismatch',
      'location-missing-proxy-headers',
      'gunicorn-single-worker',
      'listen-backlog-somaxconn',
      'invalid-value',
    ]);
    expect(rules[3]).toEqual({
      id: 'gunicorn-single-worker',
      name: 'gunicorn-single-worker',
      shortDescription: { text: 'Gunicorn runs a single worker' },
      fullDescription: { text: 'Gunicorn runs a single worker' },
      helpUri: 'https://github.com/cfglint/cfglint/blob/v0.1.0/checks/gunicorn-single-worker.md',
      help: {
        text: 'Gunicorn runs a single worker\n\nDocumentation: https://github.com/cfglint/cfglint/blob/v0.1.0/checks/gunicorn-single-worker.md',
      },
      defaultConfiguration: { level: 'note' },
      properties: { category: 'performance' },
    });
    const synthesised = rules[5];
    expect(synthesised).toMatchObject({
      id: 'invalid-value',
      name: 'invalid-value',
      helpUri: 'https://github.com/cfglint/cfglint/blob/v0.1.0/docs/diagnostics.md#invalid-value',
      defaultConfiguration: { level: 'error' },
      properties: { category: 'diagnostic' },
    });
    // GitHub rejects empty strings in these.
    for (const rule of rules) {
      expect(rule.shortDescription.text).not.toBe('');
      expect(rule.fullDescription.text).not.toBe('');
      expect(rule.help.text).not.toBe('');
    }
  });

  it('keeps report order and maps levels', () => {
    expect(results.map((r) => r.ruleId)).toEqual(report.findings.map((f) => f.ruleId));
    expect(results.map((r) => r.level)).toEqual(['warning', 'error', 'error', 'note', 'warning']);
    expect(results.map((r) => r.message.text)).toEqual(report.findings.map((f) => f.message));
  });

  it('points ruleIndex at the matching rule', () => {
    for (const result of results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    }
  });

  it('gives regions as 1-based UTF-16 columns with an exclusive end', () => {
    const multiLine = results[4];
    expect(multiLine.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'nginx/conf.d/app.conf', uriBaseId: '%SRCROOT%' },
          region: { startLine: 9, startColumn: 5, endLine: 12, endColumn: 6 },
        },
      },
    ]);
    expect(results[0].locations[0].physicalLocation.region).toEqual({ startLine: 7, startColumn: 20, endLine: 7, endColumn: 24 });
  });

  it('percent-encodes paths as relative URIs', () => {
    const uris = results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toEqual([
      'nginx/conf.d/app.conf',
      'uwsgi/app%3Av2,old.ini',
      'nginx/conf.d/app.conf',
      'app%20server/gunicorn.conf.py',
      'nginx/conf.d/app.conf',
    ]);
    expect([NGINX, UWSGI, GUNICORN].map(artifactLocation).every((loc) => loc.uriBaseId === '%SRCROOT%')).toBe(true);
  });

  it('carries related spans with ids and labels', () => {
    expect(results[2].relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'app%20server/gunicorn.conf.py', uriBaseId: '%SRCROOT%' },
          region: { startLine: 1, startColumn: 8, endLine: 1, endColumn: 24 },
        },
        message: { text: 'gunicorn binds here' },
      },
      {
        id: 2,
        physicalLocation: {
          artifactLocation: { uri: 'nginx/conf.d/app.conf', uriBaseId: '%SRCROOT%' },
          region: { startLine: 10, startColumn: 20, endLine: 10, endColumn: 30 },
        },
        message: { text: 'proxied from here' },
      },
    ]);
    expect(results[0]).not.toHaveProperty('relatedLocations');
  });

  it('fingerprints with the engine fingerprint only, so moved lines keep their identity', () => {
    expect(results.map((r) => r.partialFingerprints)).toEqual(report.findings.map((f) => ({ 'cfglint/v1': f.fingerprint })));
    const moved = makeReport();
    for (const finding of moved.findings) {
      for (const span of [finding.primary, ...finding.related.map((r) => r.span)]) {
        span.start.line += 5;
        span.end.line += 5;
      }
    }
    expect(sarifOf(moved).runs[0].results.map((r) => r.partialFingerprints)).toEqual(results.map((r) => r.partialFingerprints));
  });

  it('still lists every rule and an empty result list when nothing was found', () => {
    const empty = makeReport();
    empty.findings = [];
    const emptyRun = sarifOf(empty).runs[0];
    expect(emptyRun.results).toEqual([]);
    expect(emptyRun.tool.driver.rules).toHaveLength(5);
  });

  it('synthesises one rule per unknown id and keeps the first of duplicate rules', () => {
    const r = makeReport();
    r.rules.push({ ...r.rules[0], description: 'duplicate' });
    r.findings.push({ ...r.findings[1], severity: 'warning' });
    const { rules } = sarifOf(r).runs[0].tool.driver;
    expect(rules.map((rule) => rule.id).filter((id) => id === 'invalid-value')).toHaveLength(1);
    expect(rules.filter((rule) => rule.id === 'upstream-port-mismatch')).toHaveLength(1);
    expect(rules[0].shortDescription.text).toBe('nginx proxies to a port the app server does not listen on');
  });

  it.each([
    ['./a b/c.conf', { uri: 'a%20b/c.conf', uriBaseId: '%SRCROOT%' }],
    ['conf\\sites\\x.conf', { uri: 'conf/sites/x.conf', uriBaseId: '%SRCROOT%' }],
    ['../shared/é#1?%.conf', { uri: '../shared/%C3%A9%231%3F%25.conf', uriBaseId: '%SRCROOT%' }],
    ['c:nginx.conf', { uri: 'c%3Anginx.conf', uriBaseId: '%SRCROOT%' }],
    ['/etc/nginx/my site.conf', { uri: 'file:///etc/nginx/my%20site.conf' }],
    ['C:\\nginx\\conf\\nginx.conf', { uri: 'file:///C:/nginx/conf/nginx.conf' }],
  ])('encodes %s', (file, expected) => {
    expect(artifactLocation(file)).toEqual(expected);
  });

  it('writes C1 controls, line separators and a legacy ##[ command in messages and labels as \\u escapes', () => {
    const report = makeReport();
    report.findings[1].message = 'm\u0085 ##[stop-commands]t';
    report.findings[1].related = [{ span: report.findings[1].primary, label: 'l\u2029\u009d' }];
    const out = format(report, makeContext());
    expect(out).toContain('"text": "m\\u0085 ##\\u005bstop-commands]t"');
    expect(out).toContain('"text": "l\\u2029\\u009d"');
    expect(out).not.toMatch(/[\u007f-\u009f\u2028\u2029]|##\[/);
    const log = JSON.parse(out) as SarifLog;
    expect(log.runs[0].results[1].message.text).toBe('m\u0085 ##[stop-commands]t');
  });

  it('writes the help after the message, which ends as the first sentence, in the result text', () => {
    const report = makeReport();
    report.findings[1].help = 'write a number of seconds, e.g. 30\u2028##[x]';
    const out = format(report, makeContext());
    expect(out).not.toMatch(/[\u007f-\u009f\u2028\u2029]|##\[/);
    const log = JSON.parse(out) as SarifLog;
    // GitHub titles an alert with the first sentence of message.text: the one-line message.
    expect(log.runs[0].results[1].message.text).toBe('Invalid "harakiri" value "thirty".\n\nwrite a number of seconds, e.g. 30\u2028##[x]');
    // Findings without a help keep their message as it is.
    expect(log.runs[0].results[0].message.text).toBe(report.findings[0].message);
  });
});
