/**
 * File names are bytes on Linux, and not every name is UTF-8. cfglint keeps paths as strings and
 * carries a byte that is not part of valid UTF-8 as the lone surrogate U+DC00 + byte (Python's
 * "surrogateescape"). Text decoded from valid UTF-8 never holds a lone surrogate, so the mapping
 * is exact both ways: such a path can be opened again and shown with the byte escaped.
 */

/** Bytes of a name or path → string, escaping each byte that is not part of valid UTF-8. */
export function decodePathBytes(bytes: Uint8Array): string {
  const quick = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (!quick.includes('\ufffd')) return quick; // valid UTF-8, the usual case
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + bytes[i]);
      i++;
    } else {
      out += Buffer.from(bytes.subarray(i, i + length)).toString('utf8');
      i += length;
    }
  }
  return out;
}

/** The string of `decodePathBytes` → its bytes again. */
export function encodePathBytes(path: string): Buffer {
  if (!hasEscapedBytes(path)) return Buffer.from(path, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (isEscapedByteAt(path, i)) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([code - 0xdc00]));
    } else run += path[i];
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** Whether the string holds a byte that `decodePathBytes` escaped. */
export function hasEscapedBytes(path: string): boolean {
  return ESCAPED_BYTE.test(path);
}

/** The path for people: each escaped byte as `\xNN`. */
export function showPath(path: string): string {
  return hasEscapedBytes(path) ? path.replace(ESCAPED_BYTES, (ch) => `\\x${(ch.charCodeAt(0) - 0xdc00).toString(16).padStart(2, '0')}`) : path;
}

// A low surrogate is an escaped byte only when it does not end a surrogate pair. Bytes below 0x80
// are always valid UTF-8, so only U+DC80..U+DCFF occur.
const ESCAPED_BYTE = /(?<![\ud800-\udbff])[\udc80-\udcff]/;
const ESCAPED_BYTES = /(?<![\ud800-\udbff])[\udc80-\udcff]/g;

function isEscapedByteAt(path: string, i: number): boolean {
  const code = path.charCodeAt(i);
  if (code < 0xdc80 || code > 0xdcff) return false;
  const before = i > 0 ? path.charCodeAt(i - 1) : 0;
  return !(before >= 0xd800 && before <= 0xdbff);
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates), or 0. */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return 1;
  const continuation = (k: number, low = 0x80, high = 0xbf) => i + k < bytes.length && bytes[i + k] >= low && bytes[i + k] <= high;
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}
