import { onceEach } from '../src/rule';
import type { Span } from '../src/source/span';

function span(file: string, offset: number, line = 1): Span {
  return { file, start: { line, column: offset + 1, offset }, end: { line, column: offset + 2, offset: offset + 1 } };
}

describe('onceEach', () => {
  test('is true the first time for a set of keys and false after', () => {
    const first = onceEach();
    expect(first(span('a.conf', 10), 'gunicorn', 'web')).toBe(true);
    expect(first(span('a.conf', 10), 'gunicorn', 'web')).toBe(false);
  });

  test('a span counts by its file and start, whatever its end or line number says', () => {
    const first = onceEach();
    expect(first(span('a.conf', 10, 1))).toBe(true);
    expect(first({ ...span('a.conf', 10, 7), end: { line: 9, column: 1, offset: 99 } })).toBe(false);
  });

  test('keys differing in any part are different problems', () => {
    const first = onceEach();
    expect(first(span('a.conf', 10), span('b.ini', 3))).toBe(true);
    expect(first(span('a.conf', 10), span('b.ini', 4))).toBe(true);
    expect(first(span('a.conf', 11), span('b.ini', 3))).toBe(true);
    expect(first(span('c.conf', 10), span('b.ini', 3))).toBe(true);
    // Parts are kept apart: "ab" + "c" is not "a" + "bc".
    expect(first('ab', 'c')).toBe(true);
    expect(first('a', 'bc')).toBe(true);
  });

  test('each helper remembers only its own keys', () => {
    const one = onceEach();
    const other = onceEach();
    expect(one('x')).toBe(true);
    expect(other('x')).toBe(true);
  });
});
