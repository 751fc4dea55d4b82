/**
 * sha256Hex is SHA-256 as Node's crypto computes it, on the UTF-8 bytes of the text: checked against
 * FIPS 180-4's published examples and against node:crypto at every length around the block edges.
 */
import { createHash } from 'crypto';
import { sha256Hex } from '../../src/engine/sha256';

const byNode = (text: string) => createHash('sha256').update(text).digest('hex');

test('the FIPS 180-4 examples: "abc", the two-block message, and the empty string', () => {
  expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('every length from 0 to 200 bytes (one, two and more blocks, the padding edges at 55/56 and 64)', () => {
  for (let length = 0; length <= 200; length++) {
    const text = Array.from({ length }, (_, index) => String.fromCharCode(32 + ((index * 7 + length) % 95))).join('');
    expect(sha256Hex(text)).toBe(byNode(text));
  }
});

test('text beyond ASCII hashes as its UTF-8 bytes, as fingerprints of such paths always did', () => {
  for (const text of ['upstream-keepalive-http10\0déploiement/nginx.conf\0http>server[例え.jp]', '\u{1f600}', 'ÿ'.repeat(70), 'a\0b\0c']) {
    expect(sha256Hex(text)).toBe(byNode(text));
  }
});
