/**
 * What an OpenSSL cipher list (nginx's ssl_ciphers, proxy_ssl_ciphers) turns on that is broken:
 * no encryption, no authentication, export-grade keys, RC4, single and triple DES, MD5 MACs.
 * Only what the list names is judged: `HIGH`, `ALL`, `DEFAULT` depend on the OpenSSL build.
 * Syntax: ciphers(1) "CIPHER LIST FORMAT" — items split by `:` (also `,` and spaces), `!x`
 * removes x for good, `-x` removes it until named again, `+x` only moves, `a+b` is "a and b".
 */
export type WeakCipherFamily = 'NULL' | 'aNULL' | 'EXPORT' | 'RC4' | 'DES' | '3DES' | 'MD5' | 'LOW';

export interface WeakCipherItem {
  family: WeakCipherFamily;
  /** Offset of the item in the list as nginx reads it (quotes removed). */
  offset: number;
  text: string;
}

/** Which weak family a cipher alias or suite name (one part of an `a+b` item) selects. */
function familyOf(part: string): WeakCipherFamily | undefined {
  const upper = part.toUpperCase();
  if (upper === 'ANULL' || upper === 'ADH' || upper === 'AECDH' || /^(ADH|AECDH)-/.test(upper)) return 'aNULL';
  if (upper === 'NULL' || upper === 'ENULL' || /(^|-)NULL(-|$)/.test(upper)) return 'NULL';
  if (/^EXP(ORT)?(40|56)?$/.test(upper) || /^EXP(1024)?-/.test(upper)) return 'EXPORT';
  if (upper.includes('RC4')) return 'RC4';
  if (upper === '3DES' || upper.includes('DES-CBC3') || upper.includes('3DES')) return '3DES';
  if (upper === 'DES' || /(^|-)DES-CBC-/.test(upper)) return 'DES';
  if (upper === 'MD5' || upper.endsWith('-MD5')) return 'MD5';
  if (upper === 'LOW') return 'LOW';
  return undefined;
}

/** The weak families a cipher list leaves enabled, each at the first item that enables it. */
export function weakCiphers(list: string): WeakCipherItem[] {
  const enabled = new Map<WeakCipherFamily, WeakCipherItem>();
  const removedForGood = new Set<WeakCipherFamily>();
  for (const match of list.matchAll(/[^:, \t]+/g)) {
    const item = match[0];
    const sign = item[0];
    const body = sign === '!' || sign === '-' || sign === '+' ? item.slice(1) : item;
    if (body.startsWith('@')) continue; // @STRENGTH, @SECLEVEL=n
    // `a+b` selects suites in both: weak when any part is (EECDH+RC4 is RC4).
    const family = body
      .split('+')
      .map(familyOf)
      .find((f) => f !== undefined);
    if (!family) continue;
    if (sign === '!') removedForGood.add(family);
    else if (sign === '-') enabled.delete(family);
    else if (sign !== '+' && !enabled.has(family)) enabled.set(family, { family, offset: match.index ?? 0, text: item });
  }
  return [...enabled.values()].filter((item) => !removedForGood.has(item.family));
}

const WEAK_PROTOCOLS = new Map([
  ['sslv2', 'SSLv2'],
  ['sslv3', 'SSLv3'],
  ['tlsv1', 'TLSv1'],
  ['tlsv1.1', 'TLSv1.1'],
]);

/** The protocol name when an ssl_protocols argument enables a broken one (nginx compares without case). */
export function weakProtocol(argument: string): string | undefined {
  return WEAK_PROTOCOLS.get(argument.toLowerCase());
}
