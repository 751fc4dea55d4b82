import { locationMatch, matchesEveryUri } from '../../src/model/nginx-location';
import type { NginxDirective } from '../../src/readers/nginx';

function location(...values: string[]): NginxDirective {
  return { name: 'location', args: values.map((value) => ({ value })) } as unknown as NginxDirective;
}

describe('locationMatch', () => {
  test.each([
    [['/api/'], 'prefix', '/api/'],
    [['=', '/'], 'exact', '/'],
    [['=/favicon.ico'], 'exact', '/favicon.ico'],
    [['^~', '/static/'], 'prefixNoRegex', '/static/'],
    [['^~/static/'], 'prefixNoRegex', '/static/'],
    [['~', '\\.php$'], 'regex', '\\.php$'],
    [['~*', '\\.(png|jpg)$'], 'regexCaseless', '\\.(png|jpg)$'],
    [['~*\\.png$'], 'regexCaseless', '\\.png$'],
    [['~\\.php$'], 'regex', '\\.php$'],
    [['@fallback'], 'named', '@fallback'],
  ])('%j is %s %s', (args, kind, pattern) => {
    expect(locationMatch(location(...args))).toEqual({ kind, pattern });
  });

  test('an unknown modifier or a wrong count gives nothing', () => {
    expect(locationMatch(location('!', '/a'))).toBeUndefined();
    expect(locationMatch(location())).toBeUndefined();
    expect(locationMatch(location('=', '/a', '/b'))).toBeUndefined();
  });

  test('only spelled-out catch-all regexes match every URI', () => {
    expect(matchesEveryUri({ kind: 'regex', pattern: '/' })).toBe(true);
    expect(matchesEveryUri({ kind: 'regexCaseless', pattern: '^/(.*)$' })).toBe(true);
    expect(matchesEveryUri({ kind: 'regex', pattern: '^/api' })).toBe(false);
    expect(matchesEveryUri({ kind: 'prefix', pattern: '/' })).toBe(false);
  });
});
