/**
 * nginx's value syntax, exactly as its parser reads it (ngx_parse_time / ngx_parse_size /
 * ngx_parse_offset in src/core/ngx_parse.c; docs/servers/nginx.md#time-values):
 * - time: components `<digits><unit>` from most to least significant, optionally separated
 *   by spaces (so `1h 30m` needs quotes to be one argument); units ms s m h d w M y; a bare
 *   number is seconds; no fractions. msec directives reject M and y, sec directives reject ms.
 * - size: digits with an optional k/K or m/M (binary); offsets also take g/G.
 * Each parser returns undefined for text nginx rejects with `invalid value`.
 */

export type TimeKind = 'msec' | 'sec';

const TIME_UNITS: { unit: string; ms: number }[] = [
  { unit: 'y', ms: 365 * 24 * 3600 * 1000 },
  { unit: 'M', ms: 30 * 24 * 3600 * 1000 },
  { unit: 'w', ms: 7 * 24 * 3600 * 1000 },
  { unit: 'd', ms: 24 * 3600 * 1000 },
  { unit: 'h', ms: 3600 * 1000 },
  { unit: 'm', ms: 60 * 1000 },
  { unit: 's', ms: 1000 },
  { unit: 'ms', ms: 1 },
];

/** nginx's limit for times, sizes and offsets on 64-bit builds (NGX_MAX_INT_T_VALUE and friends). */
const NGINX_MAX = 2n ** 63n - 1n;

/**
 * Milliseconds, or undefined when nginx would say `invalid value`. Values up to nginx's own
 * limit are accepted; beyond 2^53 the returned number is the nearest double.
 */
export function parseNginxTime(text: string, kind: TimeKind = 'msec'): number | undefined {
  if (text.length === 0) return undefined;
  // Leading spaces end an empty component at once, after which only a bare number may follow
  // (nginx accepts " 30" but neither " 1h" nor " 30 "; checked with nginx -t 1.22.1).
  if (text[0] === ' ') return /^ +\d+$/.test(text) ? bounded(BigInt(text.trim()) * 1000n) : undefined;
  let total = 0n;
  let lastRank = -1;
  let i = 0;
  while (i < text.length) {
    let digitsEnd = i;
    while (digitsEnd < text.length && text.charCodeAt(digitsEnd) >= 48 && text.charCodeAt(digitsEnd) <= 57) digitsEnd++;
    if (digitsEnd === i) return undefined;
    const number = BigInt(text.slice(i, digitsEnd));
    let unitEnd = digitsEnd;
    while (unitEnd < text.length && /[a-zA-Z]/.test(text[unitEnd])) unitEnd++;
    const unit = text.slice(digitsEnd, unitEnd);
    if (unit === '') {
      // A bare number is seconds, and only as the last component (trailing spaces allowed).
      if (!/^ *$/.test(text.slice(unitEnd))) return undefined;
      total += number * 1000n;
      break;
    }
    const rank = TIME_UNITS.findIndex((entry) => entry.unit === unit);
    if (rank === -1 || rank <= lastRank) return undefined;
    if (kind === 'msec' && (unit === 'y' || unit === 'M')) return undefined;
    if (kind === 'sec' && unit === 'ms') return undefined;
    lastRank = rank;
    total += number * BigInt(TIME_UNITS[rank].ms);
    if (total > NGINX_MAX) return undefined;
    i = unitEnd;
    while (i < text.length && text[i] === ' ') i++;
  }
  return bounded(total);
}

function bounded(value: bigint): number | undefined {
  return value <= NGINX_MAX ? Number(value) : undefined;
}

/** Bytes, or undefined when nginx would say `invalid value`. `offset` allows g/G. */
export function parseNginxSize(text: string, offset = false): number | undefined {
  const match = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!match) return undefined;
  const unit = match[2].toLowerCase();
  if (unit === 'g' && !offset) return undefined;
  const factor = unit === 'k' ? 1024n : unit === 'm' ? 1024n * 1024n : unit === 'g' ? 1024n * 1024n * 1024n : 1n;
  return bounded(BigInt(match[1]) * factor);
}

/** A plain count such as `keepalive_requests 1000`. */
export function parseNginxNumber(text: string): number | undefined {
  return /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;
}

export function formatMilliseconds(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds !== 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds !== 0 && seconds % 60 === 0 && seconds >= 120) return `${seconds / 60}m`;
  return `${seconds}s`;
}
