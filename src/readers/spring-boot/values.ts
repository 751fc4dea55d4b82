/**
 * Spring Boot's value syntax, as its converters read text into the property types:
 * - Duration (DurationStyle): `^[+-]?\d+[a-zA-Z]{0,2}$` with ns, us, ms, s, m, h, d in any case,
 *   the property's default unit when there is none (milliseconds unless @DurationUnit says),
 *   or ISO-8601 (`PT20S`, `P1DT2H`).
 * - DataSize (Spring Framework DataSize.parse): `^[+-]?\d+[a-zA-Z]{0,2}$` with B, KB, MB, GB, TB
 *   exactly in that case (DataUnit.fromSuffix uses equals), powers of 1024; bytes by default.
 * - int: decimal digits with an optional sign, blanks around it trimmed (NumberUtils.parseNumber).
 * Anything else fails binding at startup; the value is then undefined here.
 */

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DATA_UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

/** Milliseconds, or undefined when Spring would reject the text. */
export function parseSpringDuration(text: string, defaultUnit: 'ms' | 's' = 'ms'): number | undefined {
  const simple = /^([+-]?\d+)([a-zA-Z]{0,2})$/.exec(text);
  if (simple) {
    const factor = simple[2] === '' ? DURATION_UNITS_MS[defaultUnit] : DURATION_UNITS_MS[simple[2].toLowerCase()];
    if (factor === undefined) return undefined;
    // Duration.toMillis() truncates sub-millisecond parts.
    return Math.trunc(Number(simple[1]) * factor);
  }
  if (/^[+-]?[pP]/.test(text)) return parseIsoDuration(text);
  return undefined;
}

/** java.time.Duration.parse: `[+-]P[nD][T[nH][nM][n[.f]S]]`, each part signed, case-insensitive. */
function parseIsoDuration(text: string): number | undefined {
  const match = /^([+-]?)P(?:([+-]?\d+)D)?(?:T(?:([+-]?\d+)H)?(?:([+-]?\d+)M)?(?:([+-]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text);
  if (!match) return undefined;
  const [, sign, days, hours, minutes, seconds, fraction] = match;
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) return undefined;
  if (/T$/i.test(text)) return undefined;
  const secondsPart = Number(seconds ?? 0);
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 * (secondsPart < 0 || seconds?.startsWith('-') ? -1 : 1) : 0;
  const total = Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + secondsPart * 1000 + fractionMs;
  return Math.trunc(sign === '-' ? -total : total);
}

/** Bytes, or undefined when Spring would reject the text. */
export function parseSpringDataSize(text: string): number | undefined {
  const match = /^([+-]?\d+)([a-zA-Z]{0,2})$/.exec(text);
  if (!match) return undefined;
  const factor = match[2] === '' ? 1 : DATA_UNITS[match[2]];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

export function parseSpringInt(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= -2147483648 && value <= 2147483647 ? value : undefined;
}

/**
 * Relaxed binding: `server.tomcat.keepAliveTimeout`, `server.tomcat.keep_alive_timeout` and
 * `server.tomcat.keep-alive-timeout` name the same property. Compared in this form: each
 * dot-separated element lower-cased with `-` and `_` removed.
 */
export function relaxedKey(key: string): string {
  return key
    .split('.')
    .map((element) => element.toLowerCase().replace(/[-_]/g, ''))
    .join('.');
}

/** An environment variable as Spring binds it: `SERVER_TOMCAT_KEEPALIVETIMEOUT` → server.tomcat.keepalivetimeout. */
export function relaxedKeyOfEnvironment(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .filter((part) => part !== '')
    .join('.');
}
