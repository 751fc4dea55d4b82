import {
  FORMATTER_NAMES,
  findingsByFile,
  getFormatter,
  isFormatterName,
  messageWithRelated,
  sortFindings,
  type FormatterName,
} from '../../src/report/formatters';
import { makeContext, makeReport } from './fixture';

const MODULES: Record<FormatterName, string> = {
  stylish: '../../src/report/formatters/stylish',
  json: '../../src/report/formatters/json',
  sarif: '../../src/report/formatters/sarif',
  github: '../../src/report/formatters/github',
  gitlab: '../../src/report/formatters/gitlab',
  junit: '../../src/report/formatters/junit',
  checkstyle: '../../src/report/formatters/checkstyle',
};

describe('formatter registry', () => {
  it('names the seven formats, stylish first', () => {
    expect(FORMATTER_NAMES).toEqual(['stylish', 'json', 'sarif', 'github', 'gitlab', 'junit', 'checkstyle']);
    expect(isFormatterName('sarif')).toBe(true);
    expect(isFormatterName('checkstyle')).toBe(true);
    expect(isFormatterName('xml')).toBe(false);
  });

  it.each(FORMATTER_NAMES)('returns a working %s formatter', (name) => {
    const out = getFormatter(name)(makeReport(), makeContext());
    expect(typeof out).toBe('string');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('rejects an unknown name with the valid choices', () => {
    expect(() => getFormatter('xml' as FormatterName)).toThrow(
      'Unknown formatter "xml"; expected one of: stylish, json, sarif, github, gitlab, junit, checkstyle',
    );
  });

  it('loads no formatter module until one is asked for', () => {
    jest.isolateModules(() => {
      const loaded: string[] = [];
      for (const [name, modulePath] of Object.entries(MODULES)) {
        jest.doMock(modulePath, () => {
          loaded.push(name);
          return { format: () => `${name}\n` };
        });
      }
      const registry = require('../../src/report/formatters') as typeof import('../../src/report/formatters');
      expect(loaded).toEqual([]);
      expect(registry.getFormatter('sarif')(makeReport(), makeContext())).toBe('sarif\n');
      expect(loaded).toEqual(['sarif']);
      expect(registry.getFormatter('junit')(makeReport(), makeContext())).toBe('junit\n');
      expect(loaded).toEqual(['sarif', 'junit']);
    });
  });

  it('sorts by file, line, column and rule id without touching the input', () => {
    const report = makeReport();
    const before = report.findings.map((f) => f.ruleId);
    const sorted = sortFindings(report.findings).map((f) => `${f.primary.file}:${f.primary.start.line}:${f.ruleId}`);
    expect(sorted).toEqual([
      'app server/gunicorn.conf.py:2:gunicorn-single-worker',
      'nginx/conf.d/app.conf:2:upstream-port-mismatch',
      'nginx/conf.d/app.conf:7:keepalive-timeout-mismatch',
      'nginx/conf.d/app.conf:9:location-missing-proxy-headers',
      'uwsgi/app:v2,old.ini:3:invalid-value',
    ]);
    expect(report.findings.map((f) => f.ruleId)).toEqual(before);
  });

  it('groups sorted findings by file', () => {
    const groups = findingsByFile(makeReport().findings).map(([file, findings]) => `${file}: ${findings.map((f) => f.primary.start.line).join(',')}`);
    expect(groups).toEqual(['app server/gunicorn.conf.py: 2', 'nginx/conf.d/app.conf: 2,7,9', 'uwsgi/app:v2,old.ini: 3']);
  });

  it('folds related locations into the message, in their order', () => {
    const [keepalive, , portMismatch] = makeReport().findings;
    expect(messageWithRelated(keepalive)).toBe(keepalive.message);
    expect(messageWithRelated(portMismatch)).toBe(
      'Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"' +
        ' (related: app server/gunicorn.conf.py:1:8: gunicorn binds here; nginx/conf.d/app.conf:10:20: proxied from here)',
    );
  });
});
