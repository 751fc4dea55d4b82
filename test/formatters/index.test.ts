import { FORMATTER_NAMES, getFormatter, isFormatterName, sortFindings, type FormatterName } from '../../src/report/formatters';
import { makeContext, makeReport } from './fixture';

const MODULES: Record<FormatterName, string> = {
  stylish: '../../src/report/formatters/stylish',
  json: '../../src/report/formatters/json',
  sarif: '../../src/report/formatters/sarif',
  github: '../../src/report/formatters/github',
};

describe('formatter registry', () => {
  it('names the four formats, stylish first', () => {
    expect(FORMATTER_NAMES).toEqual(['stylish', 'json', 'sarif', 'github']);
    expect(isFormatterName('sarif')).toBe(true);
    expect(isFormatterName('checkstyle')).toBe(false);
  });

  it.each(FORMATTER_NAMES)('returns a working %s formatter', (name) => {
    const out = getFormatter(name)(makeReport(), makeContext());
    expect(typeof out).toBe('string');
    expect(out.endsWith('\n')).toBe(true);
  });

  it('rejects an unknown name with the valid choices', () => {
    expect(() => getFormatter('xml' as FormatterName)).toThrow('Unknown formatter "xml"; expected one of: stylish, json, sarif, github');
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
});
