/**
 * How uWSGI 2.0 turns option text into numbers and switches (core/uwsgi.c, docs/servers/uwsgi.md#integers-have-no-units):
 * integers are read with C's atoi/strtoul, so there are no units (`32k` is 32, `1m` is 1), and
 * a switch is off only for `false`, `off`, `no` (any case) or `0`. These functions give the value
 * the server really uses; the reader fills settings with them and rules quote them.
 */

export type UwsgiNumberReader = 'int' | 'uint64' | 'uint16' | 'megabytes';

const INT32 = 2n ** 32n;
const UINT64 = 2n ** 64n;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** What strtol/strtoul see: leading C whitespace, an optional sign, then decimal digits. */
function scanDecimal(text: string): { negative: boolean; digits: string } {
  let i = 0;
  while (i < text.length && ' \t\n\v\f\r'.includes(text[i])) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  const start = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return { negative, digits: text.slice(start, i) };
}

/**
 * glibc's atoi: `(int) strtol(text, NULL, 10)`. strtol saturates at the 64-bit limits and the
 * cast keeps the low 32 bits. `undefined` text (a command-line switch without a value) is 1, as
 * uwsgi_opt_set_int sets it.
 */
export function uwsgiAtoi(text: string | undefined): number {
  if (text === undefined) return 1;
  const { negative, digits } = scanDecimal(text);
  if (digits === '') return 0;
  let long = BigInt(digits) * (negative ? -1n : 1n);
  if (long > LONG_MAX) long = LONG_MAX;
  if (long < LONG_MIN) long = LONG_MIN;
  let low = ((long % INT32) + INT32) % INT32;
  if (low >= INT32 / 2n) low -= INT32;
  return Number(low);
}

/** glibc's strtoul on a 64-bit system: saturates at 2^64-1, and `-N` wraps to 2^64-N. */
export function uwsgiStrtoul(text: string | undefined): bigint {
  if (text === undefined) return 1n;
  const { negative, digits } = scanDecimal(text);
  if (digits === '') return 0n;
  let value = BigInt(digits);
  if (value >= UINT64) return UINT64 - 1n;
  if (negative && value !== 0n) value = UINT64 - value;
  return value;
}

/** The number an integer option ends up with, as uWSGI's option handler computes it. */
export function readUwsgiNumber(reader: UwsgiNumberReader, text: string | undefined): number {
  switch (reader) {
    case 'int':
      return uwsgiAtoi(text);
    case 'uint64':
      return Number(uwsgiStrtoul(text));
    case 'uint16': {
      // uwsgi_opt_set_16bit: strtoul, then anything above 65535 becomes 65535.
      const value = uwsgiStrtoul(text);
      return value > 65535n ? 65535 : Number(value);
    }
    case 'megabytes':
      // uwsgi_opt_set_megabytes has no branch for a missing value; a switch form never reaches it.
      return Number(uwsgiStrtoul(text ?? '')) * 1024 * 1024;
  }
}

/**
 * uwsgi_opt_true: on, unless the value is `false`, `off`, `no` (any case) or exactly `0`. A bare
 * key in an ini file (empty value) and a switch on the command line are both on.
 */
export function readUwsgiFlag(text: string | undefined): boolean {
  if (text === undefined) return true;
  const lower = text.toLowerCase();
  return !(lower === 'false' || lower === 'off' || lower === 'no' || text === '0');
}

/** Whether the text is a plain decimal integer, so that atoi reads all of it. */
export function isPlainUwsgiInteger(text: string): boolean {
  return /^[+-]?[0-9]+$/.test(text);
}

/**
 * What a value with a unit suffix was probably meant to be (`32k` → 32768, `1m` → 60 for a
 * time, 1048576 for a size), for messages only: uWSGI itself never reads units.
 */
export function intendedUwsgiQuantity(text: string, kind: 'seconds' | 'bytes' | 'count'): { value: number; unit: string } | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]+)$/.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const suffix = match[2].toLowerCase();
  if (kind === 'bytes') {
    const factors: Record<string, number> = {
      k: 1024,
      kb: 1024,
      kib: 1024,
      m: 1024 ** 2,
      mb: 1024 ** 2,
      mib: 1024 ** 2,
      g: 1024 ** 3,
      gb: 1024 ** 3,
      gib: 1024 ** 3,
      b: 1,
    };
    return suffix in factors ? { value: Math.round(amount * factors[suffix]), unit: 'bytes' } : undefined;
  }
  if (kind === 'seconds') {
    const factors: Record<string, number> = { ms: 0.001, s: 1, sec: 1, secs: 1, m: 60, min: 60, mins: 60, h: 3600, hr: 3600, hrs: 3600, d: 86400 };
    return suffix in factors ? { value: amount * factors[suffix], unit: 'seconds' } : undefined;
  }
  const factors: Record<string, number> = { k: 1000, m: 1000000 };
  return suffix in factors ? { value: Math.round(amount * factors[suffix]), unit: '' } : undefined;
}
