/**
 * One path segment of an nginx include mask matched the way nginx's glob(3) call does it
 * (glibc, flags 0, C locale; docs/servers/nginx.md#include-masks): on bytes, `*` and `?` and `[...]` never match a
 * leading dot, `[!...]` and `[^...]` negate, `a-z` is a byte range, `[:alpha:]` a class,
 * a backslash quotes the next character, and a `[` without its `]` is literal.
 *
 * The mask comes from the tree, so it is never turned into a RegExp: it is compiled into tokens
 * and matched by the two-pointer walk that returns to the last `*` only, which takes at most
 * (name length × token count) steps. A reversed range (`[z-a]`) matches no byte, as in glibc.
 */
import { encodePathBytes } from '../../discovery/path-bytes';

type Token = { kind: 'byte'; byte: number } | { kind: 'any' } | { kind: 'star' } | { kind: 'set'; members: Uint8Array; negated: boolean };

export interface GlobSegment {
  tokens: Token[];
  /** Tokens that consume exactly one byte: a longer mask cannot match a shorter name. */
  width: number;
  /** An unknown `[:class:]` or a trailing backslash: glibc's fnmatch fails the whole mask. */
  matchesNothing: boolean;
}

export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const DOT = 0x2e;

const CLASSES: Record<string, (byte: number) => boolean> = {
  alpha: (b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a),
  digit: (b) => b >= 0x30 && b <= 0x39,
  alnum: (b) => CLASSES.alpha(b) || CLASSES.digit(b),
  upper: (b) => b >= 0x41 && b <= 0x5a,
  lower: (b) => b >= 0x61 && b <= 0x7a,
  space: (b) => b === 0x20 || (b >= 0x09 && b <= 0x0d),
  blank: (b) => b === 0x20 || b === 0x09,
  punct: (b) => b > 0x20 && b < 0x7f && !CLASSES.alnum(b),
  print: (b) => b >= 0x20 && b < 0x7f,
  graph: (b) => b > 0x20 && b < 0x7f,
  cntrl: (b) => b < 0x20 || b === 0x7f,
  xdigit: (b) => CLASSES.digit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66),
};

export function compileGlobSegment(segment: string): GlobSegment {
  const p = encodePathBytes(segment);
  const tokens: Token[] = [];
  let matchesNothing = false;
  let i = 0;
  while (i < p.length) {
    const byte = p[i];
    if (byte === 0x2a) {
      // Consecutive stars are one star: it keeps the token count within twice the name's length.
      if (tokens.length === 0 || tokens[tokens.length - 1].kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (byte === 0x3f) {
      tokens.push({ kind: 'any' });
      i++;
    } else if (byte === OPEN) {
      const set = parseSet(p, i + 1);
      if (set) {
        tokens.push(set.token);
        matchesNothing ||= set.unknownClass;
        i = set.next;
      } else {
        tokens.push({ kind: 'byte', byte: OPEN });
        i++;
      }
    } else if (byte === BACKSLASH) {
      // A backslash at the end quotes nothing: glibc's fnmatch then matches no name.
      if (i + 1 === p.length) matchesNothing = true;
      else tokens.push({ kind: 'byte', byte: p[i + 1] });
      i += 2;
    } else {
      tokens.push({ kind: 'byte', byte });
      i++;
    }
  }
  return { tokens, width: tokens.filter((t) => t.kind !== 'star').length, matchesNothing };
}

/** A bracket expression starting after its `[`, or undefined when it has no closing `]`. */
function parseSet(p: Buffer, start: number): { token: Token; next: number; unknownClass: boolean } | undefined {
  const members = new Uint8Array(256);
  let i = start;
  let negated = false;
  let unknownClass = false;
  if (p[i] === 0x21 || p[i] === 0x5e) {
    negated = true;
    i++;
  }
  let first = true;
  while (i < p.length) {
    if (p[i] === CLOSE && !first) return { token: { kind: 'set', members, negated }, next: i + 1, unknownClass };
    first = false;
    if (p[i] === OPEN && p[i + 1] === 0x3a) {
      const end = p.indexOf(':]', i + 2);
      if (end !== -1) {
        const name = p.subarray(i + 2, end).toString('latin1');
        const test = CLASSES[name];
        if (test) {
          for (let b = 0; b < 256; b++) if (test(b)) members[b] = 1;
        } else unknownClass = true;
        i = end + 2;
        continue;
      }
    }
    let low = p[i];
    if (low === BACKSLASH && i + 1 < p.length) low = p[++i];
    i++;
    if (p[i] === 0x2d && i + 1 < p.length && p[i + 1] !== CLOSE) {
      let high = p[i + 1];
      i += 2;
      if (high === BACKSLASH && i < p.length) high = p[i++];
      for (let b = low; b <= high; b++) members[b] = 1; // empty when reversed: matches no byte
    } else members[low] = 1;
  }
  return undefined;
}

/** Whether `name` (one directory entry, no slash) matches the compiled segment. */
export function matchGlobSegment(glob: GlobSegment, name: string): boolean {
  if (glob.matchesNothing) return false;
  const n = encodePathBytes(name);
  const { tokens } = glob;
  if (glob.width > n.length) return false;
  // A leading dot is matched only by a literal dot (FNM_PERIOD; glob without GLOB_PERIOD).
  if (n[0] === DOT && !(tokens[0]?.kind === 'byte' && tokens[0].byte === DOT)) return false;
  let t = 0;
  let c = 0;
  let starToken = -1;
  let starFrom = 0;
  while (c < n.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      starToken = t++;
      starFrom = c;
      continue;
    }
    if (token && matchesByte(token, n[c])) {
      t++;
      c++;
      continue;
    }
    // Let the last star take one more byte and try again from there.
    if (starToken < 0) return false;
    t = starToken + 1;
    c = ++starFrom;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

function matchesByte(token: Token, byte: number): boolean {
  switch (token.kind) {
    case 'byte':
      return token.byte === byte;
    case 'any':
      return true;
    case 'set':
      return (token.members[byte] === 1) !== token.negated;
    default:
      return false;
  }
}
