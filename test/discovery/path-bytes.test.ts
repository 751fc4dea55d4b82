/** Names that are not UTF-8: carried as escaped bytes, opened again as the same bytes, shown as \xNN. */
import { decodePathBytes, encodePathBytes, hasEscapedBytes, showPath } from '../../src/discovery/path-bytes';

describe('path bytes', () => {
  test('valid UTF-8 decodes to itself and carries no escaped byte', () => {
    const name = 'café-日本-😀.conf';
    const decoded = decodePathBytes(Buffer.from(name, 'utf8'));
    expect(decoded).toBe(name);
    expect(hasEscapedBytes(decoded)).toBe(false);
    // The emoji's low surrogate (U+DE00) ends a pair: not an escaped byte.
    expect(showPath(decoded)).toBe(name);
  });

  test.each([
    ['a lone Latin-1 byte', [0x66, 0xff, 0x2e, 0x63]],
    ['a truncated sequence', [0x61, 0xe2, 0x28, 0xa1]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a byte after a valid emoji', [0xf0, 0x9f, 0x98, 0x80, 0x80]],
  ])('%s round-trips to the same bytes', (_what, bytes) => {
    const decoded = decodePathBytes(Uint8Array.from(bytes));
    expect(hasEscapedBytes(decoded)).toBe(true);
    expect([...encodePathBytes(decoded)]).toEqual(bytes);
  });

  test('showPath escapes each byte that is not UTF-8 and keeps the rest', () => {
    expect(showPath(decodePathBytes(Uint8Array.from([0x66, 0xff, 0x2e, 0x63])))).toBe('f\\xff.c');
    expect(showPath(decodePathBytes(Buffer.concat([Buffer.from('é/'), Buffer.from([0x80])])))).toBe('é/\\x80');
  });
});
