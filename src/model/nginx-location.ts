/**
 * How a `location` matches, as ngx_http_core_location reads its arguments: `= /a`, `^~ /a`,
 * `~ re`, `~* re`, `@name`, a plain prefix, and the forms with the modifier glued on (`=/a`, `~*\.php$`).
 */
import type { NginxDirective } from '../readers/nginx';
import { argCountOf, argValueOf } from '../readers/nginx/parse';

export type LocationKind = 'exact' | 'prefix' | 'prefixNoRegex' | 'regex' | 'regexCaseless' | 'named';

export interface LocationMatch {
  kind: LocationKind;
  /** The URI, regex or name, without the modifier. */
  pattern: string;
}

const MODIFIERS: Record<string, LocationKind> = { '=': 'exact', '^~': 'prefixNoRegex', '~': 'regex', '~*': 'regexCaseless' };

export function locationMatch(directive: NginxDirective): LocationMatch | undefined {
  // Values only: argument objects (with spans) are built on demand, and a level's locations need none.
  const count = argCountOf(directive);
  if (count === 2) {
    const modifier = argValueOf(directive, 0)!;
    const kind = Object.hasOwn(MODIFIERS, modifier) ? MODIFIERS[modifier] : undefined;
    return kind ? { kind, pattern: argValueOf(directive, 1)! } : undefined;
  }
  if (count !== 1) return undefined;
  const value = argValueOf(directive, 0)!;
  if (value.startsWith('@')) return { kind: 'named', pattern: value };
  if (value.startsWith('=')) return { kind: 'exact', pattern: value.slice(1) };
  if (value.startsWith('^~')) return { kind: 'prefixNoRegex', pattern: value.slice(2) };
  if (value.startsWith('~*')) return { kind: 'regexCaseless', pattern: value.slice(2) };
  if (value.startsWith('~')) return { kind: 'regex', pattern: value.slice(1) };
  return { kind: 'prefix', pattern: value };
}

export function isRegexLocation(match: LocationMatch): boolean {
  return match.kind === 'regex' || match.kind === 'regexCaseless';
}

/**
 * Regexes that match every request URI (which always starts with "/"); only these spellings, as
 * proving that an arbitrary regex matches everything is not attempted.
 */
const EVERY_URI = new Set(['', '.', '.*', '^', '^.*', '^/', '/', '^/.*', '/.*', '.*$', '^.*$', '^/.*$', '(.*)', '^(.*)$', '^/(.*)$', '/(.*)$']);

export function matchesEveryUri(match: LocationMatch): boolean {
  return isRegexLocation(match) && EVERY_URI.has(match.pattern);
}
