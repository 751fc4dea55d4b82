/**
 * Include masks matched as glibc's fnmatch does under nginx's glob(3) call (flags 0, C locale,
 * FNM_PERIOD). Each expectation was checked against glibc 2.36's fnmatch(3) through Python's
 * ctypes, in the C locale as nginx runs and with FNM_PERIOD; none is copied from this matcher.
 */
import { compileGlobSegment, hasGlob, matchGlobSegment } from '../../../src/readers/nginx/glob';
import { decodePathBytes } from '../../../src/discovery/path-bytes';
import { HANG_GUARD_MS } from '../../hang-guard';

const matches = (pattern: string, name: string) => matchGlobSegment(compileGlobSegment(pattern), name);

describe('matchGlobSegment', () => {
  test.each([
    ['*.conf', 'app.conf', true],
    ['*.conf', 'app.conf.bak', false],
    ['*', '', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[ab]x', 'bx', true],
    ['[a-c]x', 'cx', true],
    ['[a-c]x', 'dx', false],
    ['[!a]', 'b', true],
    ['[^a]', 'a', false],
    ['[]]', ']', true],
    ['[!]]', 'a', true],
    ['[a-]', '-', true],
    ['[[:alpha:]]', 'q', true],
    ['[[:digit:]]', 'q', false],
    ['a[b', 'a[b', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['[\\]]', ']', true],
    ['[a\\-z]', '-', true],
    ['[a\\-z]', 'b', false],
  ])('%s against %s: %s', (pattern, name, expected) => {
    expect(matches(pattern, name)).toBe(expected);
  });

  test('a leading dot is matched only by a literal dot (FNM_PERIOD)', () => {
    expect(matches('*.conf', '.conf')).toBe(false);
    expect(matches('?conf', '.conf')).toBe(false);
    expect(matches('[.]conf', '.conf')).toBe(false);
    expect(matches('.*', '.hidden')).toBe(true);
    // Only the first byte is special: a dot later in the name is matched like any byte.
    expect(matches('a*', 'a.b')).toBe(true);
  });

  test('a reversed range matches nothing and does not throw', () => {
    expect(matches('[z-a]', 'm')).toBe(false);
    expect(matches('[z-a]', 'z')).toBe(false);
    expect(matches('[z-a].conf', 'a.conf')).toBe(false);
    // The rest of the set still counts.
    expect(matches('[z-ab]', 'b')).toBe(true);
  });

  test('an unknown class or a trailing backslash matches no name, as glibc fails the mask', () => {
    expect(matches('[[:foo:]]', 'q')).toBe(false);
    expect(matches('[[:foo:]]', '[')).toBe(false);
    expect(matches('a\\', 'a\\')).toBe(false);
  });

  test('bytes, not characters: `?` is one byte, so a two-byte é needs `??` (C locale)', () => {
    expect(matches('?.conf', 'é.conf')).toBe(false);
    expect(matches('??.conf', 'é.conf')).toBe(true);
    // A byte that is not UTF-8 is one byte too.
    const latin1 = decodePathBytes(Buffer.from([0x66, 0xe9, 0x2e, 0x63]));
    expect(matches('f?.c', latin1)).toBe(true);
    expect(matches('f[\udce9].c', latin1)).toBe(true);
  });

  test(
    'backtracking masks take linear-ish time, not exponential',
    () => {
      // Exponential backtracking on these would not end in a lifetime: the hang guard catches it.
      const name = 'a'.repeat(255);
      expect(matches('*a*a*a*a*a*a*a*a*a*a*b', name)).toBe(false);
      expect(matches('*a*a*a*a*a*a*a*a*a*a*a', name)).toBe(true);
      // A mask far longer than any name is refused by its width before any matching.
      expect(matches('*a'.repeat(100_000) + 'b', 'a'.repeat(100_000))).toBe(false);
      expect(matches('*'.repeat(100_000) + 'a', name)).toBe(true);
    },
    HANG_GUARD_MS,
  );
});

test('hasGlob: *, ? and [ make a mask', () => {
  expect(['a/*.conf', 'a?', 'a[b]', 'plain.conf'].map(hasGlob)).toEqual([true, true, true, false]);
});
