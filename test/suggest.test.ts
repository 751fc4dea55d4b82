import { closest, closestId, editDistance, MAX_SUGGESTED_NAME_LENGTH } from '../src/source/suggest';
import { closestUwsgiOption } from '../src/reference/uwsgi/options';
import { nearestGunicornName } from '../src/reference/gunicorn-settings';
import { HANG_GUARD_MS } from './hang-guard';

/** The textbook full-matrix recurrence, as a reference for the banded one. */
function fullDistance(a: string, b: string, transpositions: boolean): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('editDistance', () => {
  test('known distances, with and without transpositions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(2);
    expect(editDistance('ab', 'ba', Infinity, true)).toBe(1);
  });

  test('within its limit it agrees with the full computation; past it, Infinity', () => {
    // A small alphabet makes near strings, where the band and the early exit matter.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const word = () => Array.from({ length: Math.floor(random() * 12) }, () => 'abc'[Math.floor(random() * 3)]).join('');
    for (let k = 0; k < 2000; k++) {
      const a = word();
      const b = word();
      const transpositions = k % 2 === 0;
      const full = fullDistance(a, b, transpositions);
      for (const limit of [0, 1, 2, 3, 5, Infinity]) {
        expect({ a, b, limit, transpositions, distance: editDistance(a, b, limit, transpositions) }).toEqual({
          a,
          b,
          limit,
          transpositions,
          distance: full <= limit ? full : Infinity,
        });
      }
    }
  });

  test(
    'a long name against a short one costs no more than the band',
    () => {
      const long = 'a'.repeat(200_000);
      // 200,000 rows of 7 cells; the full matrix would be 4·10^10 cells, which the hang guard catches.
      expect(editDistance(long, long.slice(1), 3)).toBe(1);
      expect(editDistance(long, 'proxy_pass', 3)).toBe(Infinity);
    },
    HANG_GUARD_MS,
  );
});

describe('did-you-mean only for names of plausible length', () => {
  test('near names still get their suggestion', () => {
    expect(closest('proxy_pas', ['proxy_pass', 'proxy_bind'])).toBe('proxy_pass');
    expect(closest('PROXY_PASS', ['proxy_pass'])).toBe('proxy_pass');
    // The first of equally near candidates wins.
    expect(closest('ab', ['ax', 'ay'])).toBe('ax');
    expect(closest('something_else_entirely', ['proxy_pass'])).toBeUndefined();
  });

  test('a name longer than any candidate could be near gets none, whatever it contains', () => {
    const long = 'proxy_pass'.repeat(2_000); // 20,000 characters
    expect(long.length).toBeGreaterThan(MAX_SUGGESTED_NAME_LENGTH);
    expect(closest(long, ['proxy_pass', long])).toBeUndefined();
    expect(closestUwsgiOption(long)).toBeUndefined();
    expect(nearestGunicornName(`${long}_workers`, ['workers'])).toBeUndefined();
  });
});

describe('closestId', () => {
  const ids = ['upstream-keepalive-timeout', 'upstream-keepalive-http10', 'lb-idle-timeout', 'nginx-ssrf'];
  test('a near spelling first, else the one id that holds the word as whole parts', () => {
    expect(closestId('nginx-srf', ids)).toBe('nginx-ssrf');
    expect(closestId('keepalive-timeout', ids)).toBe('upstream-keepalive-timeout');
    expect(closestId('ssrf', ids)).toBe('nginx-ssrf');
  });

  test('no guess when several ids hold the word, or it is only part of a part', () => {
    expect(closestId('timeout', ids)).toBeUndefined();
    expect(closestId('keepalive', ids)).toBeUndefined();
    expect(closestId('alive-timeout', ids)).toBeUndefined();
    expect(closestId('', ids)).toBeUndefined();
  });
});
