/**
 * nginx's value syntax, exactly as its parser reads it (ngx_parse_time / ngx_parse_size /
 * ngx_parse_offset in src/core/ngx_parse.c; ../shared/knowledge/SERVERS.md §1.1):
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

/** Milliseconds, or undefined when nginx would say `invalid value`. */
export function parseNginxTime(text: string, kind: TimeKind = 'msec'): number | undefined {
  if (text.length === 0) return undefined;
  let total = 0;
  let lastRank = -1;
  let i = 0;
  let sawComponent = false;
  while (i < text.length) {
    let digitsEnd = i;
    while (digitsEnd < text.length && text.charCodeAt(digitsEnd) >= 48 && text.charCodeAt(digitsEnd) <= 57) digitsEnd++;
    if (digitsEnd === i) return undefined;
    const number = Number(text.slice(i, digitsEnd));
    let unitEnd = digitsEnd;
    while (unitEnd < text.length && /[a-zA-Z]/.test(text[unitEnd])) unitEnd++;
    const unit = text.slice(digitsEnd, unitEnd);
    if (unit === '') {
      // A bare number is seconds, and only as the last component (trailing spaces allowed).
      if (text.slice(unitEnd).trim() !== '' || text[unitEnd] === '\t') return undefined;
      total += number * 1000;
      sawComponent = true;
      break;
    }
    const rank = TIME_UNITS.findIndex((entry) => entry.unit === unit);
    if (rank === -1 || rank <= lastRank) return undefined;
    if (kind === 'msec' && (unit === 'y' || unit === 'M')) return undefined;
    if (kind === 'sec' && unit === 'ms') return undefined;
    lastRank = rank;
    total += number * TIME_UNITS[rank].ms;
    sawComponent = true;
    i = unitEnd;
    while (i < text.length && text[i] === ' ') i++;
  }
  if (!sawComponent || !Number.isSafeInteger(total)) return undefined;
  return total;
}

/** Bytes, or undefined when nginx would say `invalid value`. `offset` allows g/G. */
export function parseNginxSize(text: string, offset = false): number | undefined {
  const match = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]);
  const unit = match[2].toLowerCase();
  if (unit === 'g' && !offset) return undefined;
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : unit === 'g' ? 1024 * 1024 * 1024 : 1;
  const bytes = number * factor;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
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
