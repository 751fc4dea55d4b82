/**
 * What an nginx variable can hold at a given place: whether the client chooses it, and which of
 * the characters that matter to the security rules (CR, LF, the URL delimiters) it may contain.
 * Also what a PCRE regex captures: its groups, their names, and what each group can match.
 *
 * The authority is nginx's source:
 * - src/http/ngx_http_variables.c: `$uri`/`$document_uri` are `r->uri`, which
 *   ngx_http_parse_complex_uri has percent-decoded (`%0d%0a` becomes CR LF); `$request_uri`,
 *   `$args`, `$arg_*` are the raw request line and stay encoded; `$http_*` and `$cookie_*` are
 *   header values, where ngx_http_parse_header_line rejects a bare CR or LF; `$host` is the
 *   validated Host (ngx_http_validate_host: no `/`, no control characters); `$remote_user` is
 *   base64-decoded from Authorization and can hold any byte.
 * - src/http/ngx_http_script.c: `$1`..`$9` (and `${1}`) are the captures of the last regex that
 *   matched; a capture past the regex's groups is empty.
 * - src/core/ngx_regex.c: PCRE with nginx's default options, so `.` matches CR but not LF.
 * A variable cfglint cannot trace (set by Lua, perl, njs, a module) is unknown: rules say nothing.
 */
import type { ExpandedDirective, NginxDirective } from '../readers/nginx';
import type { Span } from '../source/span';
import { flattenIncludes, type NginxBlock, type NginxHttpScope } from './nginx';
import { UNKNOWN_MARK } from '../discovery/template';
import { argCountOf, argValueOf, notPlainFirstValues } from '../readers/nginx/parse';
import type { VariableUse } from './nginx-census';

/** One argument of a directive, with its value and span. */
export type NginxArg = NginxDirective['args'][number];

/** Characters the rules ask about, as bits of a mask. */
export const CH = {
  LF: 1,
  CR: 2,
  DOT: 4,
  SLASH: 8,
  QUESTION: 16,
  AT: 32,
  COLON: 64,
  HASH: 128,
  SPACE: 256,
  /**
   * Any other character that nginx's argument escaping (ngx_escape_uri, NGX_ESCAPE_ARGS)
   * rewrites as %XX: controls, `"` `%` `&` `+` `;` `<` `>` `\` `^` `` ` `` `{` `|` `}`, DEL, bytes ≥ 0x80.
   */
  ESCAPED: 512,
} as const;
const ALL = 1023;
const CHAR_BITS: [string, number][] = [
  ['\n', CH.LF],
  ['\r', CH.CR],
  ['.', CH.DOT],
  ['/', CH.SLASH],
  ['?', CH.QUESTION],
  ['@', CH.AT],
  [':', CH.COLON],
  ['#', CH.HASH],
  [' ', CH.SPACE],
];
/** What lets a value name another host than the literal around it: `.` `/` `?` `@` `:` `#`. */
export const HOST_DELIMITERS = CH.DOT | CH.SLASH | CH.QUESTION | CH.AT | CH.COLON | CH.HASH;
/** Every character NGX_ESCAPE_ARGS escapes (each grows by two bytes when nginx escapes it). */
export const ESCAPED_IN_ARGS = CH.LF | CH.CR | CH.SPACE | CH.HASH | CH.QUESTION | CH.ESCAPED;

/** The printable characters of CH.ESCAPED (ngx_string.c's `args` table). */
const OTHER_ESCAPED_PRINTABLE = '"%&+;<>\\^`{|}';

function isOtherEscapedCode(code: number): boolean {
  if (code < 32) return code !== 10 && code !== 13;
  return code >= 127 || OTHER_ESCAPED_PRINTABLE.includes(String.fromCharCode(code));
}

function rangeHasOtherEscaped(low: number, high: number): boolean {
  if (high >= 127) return high >= low;
  for (let code = low; code <= high; code++) if (isOtherEscapedCode(code)) return true;
  return false;
}

function maskOfCodeComputed(code: number): number {
  switch (code) {
    case 10:
      return CH.LF;
    case 13:
      return CH.CR;
    case 46:
      return CH.DOT;
    case 47:
      return CH.SLASH;
    case 63:
      return CH.QUESTION;
    case 64:
      return CH.AT;
    case 58:
      return CH.COLON;
    case 35:
      return CH.HASH;
    case 32:
      return CH.SPACE;
    default:
      return isOtherEscapedCode(code) ? CH.ESCAPED : 0;
  }
}

/** maskOfCodeComputed for each code below 128, read on the hot paths (every literal's every character). */
const ASCII_MASKS = Uint16Array.from({ length: 128 }, (_, code) => maskOfCodeComputed(code));

function maskOfCode(code: number): number {
  return code < 128 ? ASCII_MASKS[code] : CH.ESCAPED;
}

function maskOfChar(ch: string): number {
  return ch.length === 1 ? maskOfCode(ch.charCodeAt(0)) : 0;
}

/** Whether a literal holds CR or LF (what a value's line-break question needs, without the whole mask). */
function literalHasLineBreak(text: string): boolean {
  return text.includes('\n') || text.includes('\r');
}

function maskOfLiteral(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) mask |= maskOfCode(text.charCodeAt(i));
  return mask;
}

/** `[A-Za-z0-9_]`, the characters of a variable name (ngx_http_script_compile). */
function isNameCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

// ---------------------------------------------------------------------------------------------
// Regexes

export interface RegexGroup {
  /** 1-based number, as `$N` names it (named groups are numbered too). */
  index: number;
  name?: string;
  /** Characters of CH that the group can match. */
  mask: number;
  /** Only literal words and `|` inside (`(api|www)`): the config chooses among fixed values. */
  fixedWords: boolean;
  /** Index of the innermost group around this one. */
  parent?: number;
  /** Inside a lookahead or lookbehind, so it may capture text that groups outside it capture too. */
  inLookaround: boolean;
}

export interface RegexInfo {
  source: string;
  /** Undefined when the regex uses a construct this analysis does not follow (`(?|`, recursion, conditionals). */
  groupCount: number | undefined;
  groups: RegexGroup[];
  /** Set when the character masks are not to be trusted ((*CR) and other newline verbs). */
  masksUnknown: boolean;
  /** Characters of CH that the whole match can hold (lookarounds left out: they match nothing). */
  matchMask: number;
  /**
   * How the regex pins the whole subject: `end` for `^…\z`, `finalLf` for `^…$` (PCRE's `$`
   * also matches before a final LF: nginx sets no DOLLAR_ENDONLY), undefined when some of the
   * subject may lie outside the match (no anchors, a `|` at the top, `(?m)`).
   */
  wholeSubject: 'end' | 'finalLf' | undefined;
}

const regexCache = new Map<string, RegexInfo>();

/** Groups of a PCRE regex as nginx compiles it (no flags but `~*`'s caseless, which changes nothing here). */
export function analyzeRegex(source: string): RegexInfo {
  let info = regexCache.get(source);
  if (!info) {
    info = scanRegex(source);
    if (regexCache.size > 50000) regexCache.clear();
    regexCache.set(source, info);
  }
  return info;
}

interface OpenGroup {
  group?: RegexGroup;
  /** Lookarounds match no characters: what is inside is not captured by the groups around. */
  zeroWidth: boolean;
  dotAll: boolean;
  extended: boolean;
}

function scanRegex(source: string): RegexInfo {
  const groups: RegexGroup[] = [];
  const stack: OpenGroup[] = [];
  let supported = true;
  let masksUnknown = false;
  let dotAll = false;
  let extended = false;
  let matchMask = 0;
  let alternatesAtTop = false;
  let multiline = false;
  let i = 0;

  const consume = (mask: number, fixedWord: boolean) => {
    for (let k = stack.length - 1; k >= 0; k--) {
      const open = stack[k];
      if (open.group) {
        open.group.mask |= mask;
        if (!fixedWord) open.group.fixedWords = false;
      }
      if (open.zeroWidth) return;
    }
    matchMask |= mask;
  };

  while (i < source.length) {
    const ch = source[i];
    if (extended && (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v')) {
      i++;
      continue;
    }
    if (extended && ch === '#') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '\\') {
      const [mask, length, literal] = escapeMask(source, i, false);
      consume(mask, literal);
      i += length;
      continue;
    }
    if (ch === '[') {
      const [mask, end] = classMask(source, i);
      consume(mask, false);
      i = end;
      continue;
    }
    if (ch === '.') {
      consume(dotAll ? ALL : ALL & ~CH.LF, false);
      i++;
      continue;
    }
    if (ch === '(') {
      if (source.startsWith('(*', i)) {
        // (*UTF8), (*CR), (*ANYCRLF)...: newline verbs change what `.` excludes.
        const end = source.indexOf(')', i);
        const verb = source.slice(i + 2, end === -1 ? source.length : end);
        if (/^(CR|LF|CRLF|ANY|ANYCRLF|NUL)$/.test(verb)) masksUnknown = true;
        i = end === -1 ? source.length : end + 1;
        continue;
      }
      const open: OpenGroup = { zeroWidth: false, dotAll, extended };
      if (source[i + 1] !== '?') {
        open.group = { index: groups.length + 1, mask: 0, fixedWords: true, ...placement(stack) };
        groups.push(open.group);
        i++;
      } else {
        const rest = source.slice(i + 2, i + 40);
        const named = /^(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
        if (named) {
          open.group = { index: groups.length + 1, name: named[1] ?? named[2], mask: 0, fixedWords: true, ...placement(stack) };
          groups.push(open.group);
          i += 2 + named[0].length;
        } else if (/^(?:=|!|<=|<!)/.test(rest)) {
          open.zeroWidth = true;
          i += 2 + (rest[0] === '<' ? 2 : 1);
        } else if (rest[0] === ':' || rest[0] === '>') {
          i += 3;
        } else if (rest[0] === '#') {
          const end = source.indexOf(')', i);
          i = end === -1 ? source.length : end + 1;
          continue;
        } else {
          const flags = /^([imnsxJUX^]*)(?:-([imnsxJUX]*))?([:)])/.exec(rest);
          if (!flags) {
            // (?| branch reset, (?R) recursion, (?( conditionals, (?P>name) calls.
            supported = false;
            i += 2;
            continue;
          }
          const on = flags[1];
          const off = flags[2] ?? '';
          if (on.includes('m')) multiline = true;
          const setDot = on.includes('s') ? true : off.includes('s') ? false : undefined;
          const setExt = on.includes('x') ? true : off.includes('x') ? false : undefined;
          if (flags[3] === ')') {
            // (?s) applies to the end of the enclosing group.
            if (setDot !== undefined) dotAll = setDot;
            if (setExt !== undefined) extended = setExt;
            i += 2 + flags[0].length;
            continue;
          }
          if (setDot !== undefined) dotAll = setDot;
          if (setExt !== undefined) extended = setExt;
          i += 2 + flags[0].length;
        }
      }
      stack.push(open);
      continue;
    }
    if (ch === ')') {
      const open = stack.pop();
      if (open) {
        dotAll = open.dotAll;
        extended = open.extended;
        // What the inner group matched is matched by the groups around it too.
        if (open.group && !open.zeroWidth) consume(open.group.mask, open.group.fixedWords);
      }
      i++;
      continue;
    }
    if (ch === '|') {
      if (stack.length === 0) alternatesAtTop = true;
      i++;
      continue;
    }
    if (ch === '*' || ch === '+' || ch === '?' || ch === '{') {
      // A quantified word is no longer one fixed value (`(a+)`); `{` without digits is a literal.
      const counted = ch === '{' ? /^\{\d+(,\d*)?\}/.exec(source.slice(i, i + 24)) : null;
      if (ch !== '{' || counted) {
        for (const open of stack) if (open.group) open.group.fixedWords = false;
        // `{2,5}` is all quantifier: its digits and braces match nothing.
        i += counted ? counted[0].length : 1;
        continue;
      }
    }
    if (ch === '^' || ch === '$') {
      i++;
      continue;
    }
    const code = source.charCodeAt(i);
    consume(maskOfCode(code), isNameCode(code) || code === 45);
    i++;
  }
  const pinned = supported && !alternatesAtTop && !multiline && /^(\^|\\A)/.test(source);
  return { source, groupCount: supported ? groups.length : undefined, groups, masksUnknown, matchMask, wholeSubject: pinned ? subjectEnd(source) : undefined };
}

/** How a regex ends the match: `\z` at the very end, `$` or `\Z` before a final LF too (an escaped `\$` is a literal). */
function subjectEnd(source: string): 'end' | 'finalLf' | undefined {
  let escapes = 0;
  const last = source.length - 1;
  const anchor = source[last] === '$' ? 1 : /\\[zZ]$/.test(source) ? 2 : 0;
  if (anchor === 0) return undefined;
  for (let k = last - anchor; k >= 0 && source[k] === '\\'; k--) escapes++;
  if (escapes % 2 === 1) return undefined;
  return anchor === 1 || source[last] === 'Z' ? 'finalLf' : 'end';
}

function placement(stack: OpenGroup[]): { parent?: number; inLookaround: boolean } {
  let parent: number | undefined;
  for (let k = stack.length - 1; k >= 0 && parent === undefined; k--) parent = stack[k].group?.index;
  return { parent, inLookaround: stack.some((open) => open.zeroWidth) };
}

/**
 * Characters that text matched by both groups `a` and `b` may hold; 0 when no subject can make
 * their matches overlap. Groups in sequence match disjoint text; a group nested in another, or
 * one in a lookaround, may match the same characters.
 */
export function overlapMask(info: RegexInfo, a: number, b: number): number {
  const first = info.groups[a - 1];
  const second = info.groups[b - 1];
  if (!first || !second || a === b) return 0;
  const nested = isNestedIn(info, first, second) || isNestedIn(info, second, first);
  if (!nested && !first.inLookaround && !second.inLookaround) return 0;
  return info.masksUnknown ? ALL : first.mask & second.mask;
}

function isNestedIn(info: RegexInfo, inner: RegexGroup, outer: RegexGroup): boolean {
  for (let parent = inner.parent; parent !== undefined; parent = info.groups[parent - 1]?.parent) if (parent === outer.index) return true;
  return false;
}

/** [mask, length, isPlainWordChar] of the escape at `i` (outside a class unless inClass). */
function escapeMask(source: string, i: number, inClass: boolean): [number, number, boolean] {
  const next = source[i + 1];
  if (next === undefined) return [0, 1, false];
  switch (next) {
    case 'n':
      return [CH.LF, 2, false];
    case 'r':
      return [CH.CR, 2, false];
    case 's':
      return [CH.LF | CH.CR | CH.SPACE | CH.ESCAPED, 2, false];
    case 'S':
      return [ALL & ~(CH.LF | CH.CR | CH.SPACE), 2, false];
    case 'd':
    case 'w':
      return [0, 2, false];
    case 't':
    case 'f':
    case 'e':
    case 'a':
      return [CH.ESCAPED, 2, false];
    case 'h':
      return [CH.SPACE | CH.ESCAPED, 2, false];
    case 'D':
    case 'W':
      return [ALL, 2, false];
    case 'H':
      return [ALL & ~CH.SPACE, 2, false];
    case 'v':
    case 'R':
      return [CH.LF | CH.CR | CH.ESCAPED, 2, false];
    case 'V':
      return [ALL & ~(CH.LF | CH.CR), 2, false];
    case 'N':
      return [ALL & ~CH.LF, 2, false];
    case 'X':
    case 'C':
      return [ALL, 2, false];
    case 'b':
    case 'B':
    case 'A':
    case 'z':
    case 'Z':
    case 'G':
    case 'K':
      return [0, 2, false];
    case 'p':
    case 'P': {
      const braced = /^\{[^}]*\}/.exec(source.slice(i + 2));
      const length = 2 + (braced ? braced[0].length : 1);
      // Unicode properties match bytes ≥ 0x80 (Latin-1 letters even without UTF).
      return [next === 'P' ? ALL : CH.ESCAPED, length, false];
    }
    case 'x': {
      const hex = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{1,2}))/.exec(source.slice(i + 2));
      if (!hex) return [0, 2, false];
      return [maskOfChar(String.fromCharCode(parseInt(hex[1] ?? hex[2], 16))), 2 + hex[0].length, false];
    }
    case 'Q': {
      const end = source.indexOf('\\E', i + 2);
      const text = source.slice(i + 2, end === -1 ? source.length : end);
      return [maskOfLiteral(text), (end === -1 ? source.length : end + 2) - i, false];
    }
    default:
      if (/[0-9]/.test(next)) {
        // \012 is octal in a class or with a leading 0; otherwise a backreference (matches what its group did).
        const octal = /^0[0-7]{0,2}/.exec(source.slice(i + 1));
        if (octal) return [maskOfChar(String.fromCharCode(parseInt(octal[0], 8))), 1 + octal[0].length, false];
        return [0, 2, inClass];
      }
      if (next === 'g' || next === 'k') {
        const ref = /^[gk](?:\{[^}]*\}|<[^>]*>|'[^']*'|-?\d+)/.exec(source.slice(i + 1));
        return [0, 1 + (ref ? ref[0].length : 1), false];
      }
      return [maskOfChar(next), 2, false];
  }
}

/** The one character an escape in a class stands for (a range may start there), if it is one. */
function classEscapeChar(source: string, j: number, length: number): string | undefined {
  const next = source[j + 1];
  if (next === 'n') return '\n';
  if (next === 'r') return '\r';
  if (next === 'x') {
    const hex = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{1,2}))/.exec(source.slice(j + 2));
    return hex ? String.fromCharCode(parseInt(hex[1] ?? hex[2], 16)) : undefined;
  }
  return length === 2 && next !== undefined && /[^a-zA-Z0-9]/.test(next) ? next : undefined;
}

/** [mask, index after the class] of a `[...]` at `i`. */
function classMask(source: string, i: number): [number, number] {
  let j = i + 1;
  const negated = source[j] === '^';
  if (negated) j++;
  let mask = 0;
  let first = true;
  let previous: string | undefined;
  while (j < source.length && (source[j] !== ']' || first)) {
    first = false;
    const ch = source[j];
    if (ch === '[' && source[j + 1] === ':') {
      const end = source.indexOf(':]', j + 2);
      if (end !== -1) {
        const name = source.slice(j + 2, end).replace(/^\^/, '');
        const posixNegated = source[j + 2] === '^';
        const posix: Record<string, number> = {
          space: CH.LF | CH.CR | CH.SPACE | CH.ESCAPED,
          blank: CH.SPACE | CH.ESCAPED,
          cntrl: CH.LF | CH.CR | CH.ESCAPED,
          punct: HOST_DELIMITERS | CH.ESCAPED,
          graph: HOST_DELIMITERS | CH.ESCAPED,
          print: HOST_DELIMITERS | CH.SPACE | CH.ESCAPED,
        };
        const m = posix[name] ?? 0;
        mask |= posixNegated ? ALL & ~m : m;
        j = end + 2;
        previous = undefined;
        continue;
      }
    }
    if (ch === '\\') {
      const [m, length] = escapeMask(source, j, true);
      mask |= m;
      previous = classEscapeChar(source, j, length);
      j += length;
      continue;
    }
    if (ch === '-' && previous !== undefined && j + 1 < source.length && source[j + 1] !== ']') {
      let to = source[j + 1];
      let length = 2;
      if (to === '\\') {
        const escaped = source[j + 2];
        to = escaped === 'n' ? '\n' : escaped === 'r' ? '\r' : (escaped ?? '');
        length = 3;
        if (escaped === 'x') {
          const hex = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{1,2}))/.exec(source.slice(j + 3));
          if (hex) {
            to = String.fromCharCode(parseInt(hex[1] ?? hex[2], 16));
            length = 3 + hex[0].length;
          }
        }
      }
      const low = previous.charCodeAt(0);
      const high = to.charCodeAt(0);
      for (const [c, bit] of CHAR_BITS) {
        const code = c.charCodeAt(0);
        if (code >= low && code <= high) mask |= bit;
      }
      if (rangeHasOtherEscaped(low, high)) mask |= CH.ESCAPED;
      j += length;
      previous = undefined;
      continue;
    }
    mask |= maskOfChar(ch);
    previous = ch;
    j++;
  }
  return [negated ? ALL & ~mask : mask, Math.min(j + 1, source.length)];
}

// ---------------------------------------------------------------------------------------------
// Values and variables

/** Variables that hold the request's path, which always starts with `/`: what follows a host in a value ends it. */
export const URI_VARIABLES: ReadonlySet<string> = new Set(['uri', 'document_uri', 'request_uri']);

export type ValuePart =
  | { kind: 'text'; text: string; start: number; end: number }
  | { kind: 'variable'; name: string; start: number; end: number }
  | { kind: 'capture'; index: number; start: number; end: number }
  /** What a template writes there (`{{ .Env.URL }}`): only rendering knows. */
  | { kind: 'template'; start: number; end: number };

/** What a `$` starts, as ngx_http_script_compile reads it: filled by readDollar (one shared record, no allocation). */
const DOLLAR = { kind: 'variable' as 'variable' | 'capture' | 'template', name: '', index: 0, end: 0 };

/**
 * Reads the `$` at `i`: `$name`/`${name}` (name lower-cased), `$1`..`$9`/`${1}`, or what a template
 * writes there. False when it starts none of them (a `$` kept as literal text, as in `^/a$`).
 */
function readDollar(text: string, i: number): boolean {
  const next = text[i + 1];
  if (next === UNKNOWN_MARK) {
    let j = i + 2;
    while (text[j] === UNKNOWN_MARK) j++;
    DOLLAR.kind = 'template';
    DOLLAR.end = j;
    return true;
  }
  if (next !== undefined && next >= '1' && next <= '9') {
    DOLLAR.kind = 'capture';
    DOLLAR.index = Number(next);
    DOLLAR.end = i + 2;
    return true;
  }
  const braced = next === '{';
  const nameStart = i + (braced ? 2 : 1);
  let j = nameStart;
  while (j < text.length && isNameCode(text.charCodeAt(j))) j++;
  if (j === nameStart || (braced && text[j] !== '}')) return false;
  const name = text.slice(nameStart, j);
  DOLLAR.end = braced ? j + 1 : j;
  // `${1}` is the same capture as `$1` (walf443/nginx-lint verified it on nginx 1.29/1.30).
  if (braced && name.length === 1 && name >= '1' && name <= '9') {
    DOLLAR.kind = 'capture';
    DOLLAR.index = Number(name);
  } else {
    DOLLAR.kind = 'variable';
    DOLLAR.name = name.toLowerCase();
  }
  return true;
}

/** A value split as ngx_http_script_compile splits it: literal text, `$name`/`${name}`, `$1`..`$9`. */
export function valueParts(text: string): ValuePart[] {
  const parts: ValuePart[] = [];
  let literalStart = 0;
  for (let i = text.indexOf('$'); i !== -1; i = text.indexOf('$', i)) {
    if (!readDollar(text, i)) {
      i++;
      continue;
    }
    if (i > literalStart) parts.push({ kind: 'text', text: text.slice(literalStart, i), start: literalStart, end: i });
    const end = DOLLAR.end;
    if (DOLLAR.kind === 'template') parts.push({ kind: 'template', start: i, end });
    else if (DOLLAR.kind === 'capture') parts.push({ kind: 'capture', index: DOLLAR.index, start: i, end });
    else parts.push({ kind: 'variable', name: DOLLAR.name, start: i, end });
    i = end;
    literalStart = end;
  }
  if (text.length > literalStart) parts.push({ kind: 'text', text: text.slice(literalStart), start: literalStart, end: text.length });
  return parts;
}

/** What a variable or value can hold. */
export interface Facts {
  /** The client chooses (some of) it. */
  request: boolean;
  /** Characters of CH it may contain. */
  mask: number;
  /** The request variables it comes from, for messages (`$http_host`, `$1 of "^/(.*)$"`). */
  origin: string[];
}

const NOT_REQUEST: Facts = { request: false, mask: 0, origin: [] };
const HEADER_MASK = ALL & ~(CH.LF | CH.CR);
const RAW_URI_MASK = ALL & ~(CH.LF | CH.CR | CH.SPACE);

const builtinCache = new Map<string, Facts>();

/** Built-in variables that carry request data, with what nginx lets them hold (one shared, frozen answer per name). */
function builtinFacts(name: string): Facts | undefined {
  // Only built-ins are kept: telling that a name is none is a few comparisons, and a large tree
  // names thousands of its own variables (one map each) that would only fill the table.
  const known = builtinCache.get(name);
  if (known !== undefined) return known;
  const facts = readBuiltinFacts(name);
  if (facts === undefined) return undefined;
  if (builtinCache.size > 10000) builtinCache.clear();
  builtinCache.set(name, facts);
  return facts;
}

/** The built-ins of request data named exactly (not by a prefix such as `http_`), with what they can hold. */
const EXACT_BUILTIN_MASKS = new Map<string, number>([
  ...['uri', 'document_uri', 'request_filename', 'fastcgi_script_name', 'fastcgi_path_info', 'remote_user', 'request_body'].map((name): [string, number] => [
    name,
    ALL,
  ]),
  ...['request_uri', 'args', 'query_string', 'request'].map((name): [string, number] => [name, RAW_URI_MASK]),
  ['host', HEADER_MASK & ~(CH.SLASH | CH.SPACE)],
  ...['content_type', 'content_length', 'proxy_add_x_forwarded_for', 'request_method'].map((name): [string, number] => [name, HEADER_MASK]),
]);

function readBuiltinFacts(name: string): Facts | undefined {
  if (name === 'is_args') return NOT_REQUEST;
  // One table lookup for the exact names: a large tree asks this for thousands of its own variables.
  const mask = name.startsWith('http_') || name.startsWith('cookie_') ? HEADER_MASK : name.startsWith('arg_') ? RAW_URI_MASK : EXACT_BUILTIN_MASKS.get(name);
  return mask === undefined ? undefined : { request: true, mask, origin: [`$${name}`] };
}

/** Variables nginx (or its stock modules) sets from the connection or configuration: never chosen by the client. */
const CONFIG_VARIABLES = new Set([
  'scheme',
  'https',
  'server_name',
  'server_port',
  'server_addr',
  'server_protocol',
  'remote_addr',
  'remote_port',
  'binary_remote_addr',
  'realpath_root',
  'document_root',
  'nginx_version',
  'hostname',
  'pid',
  'msec',
  'time_local',
  'time_iso8601',
  'request_id',
  'connection',
  'connection_requests',
  'status',
  'proxy_host',
  'proxy_port',
  'upstream_addr',
  'ssl_protocol',
  'ssl_cipher',
  'ssl_server_name',
  'request_time',
  'bytes_sent',
  'body_bytes_sent',
  'limit_rate',
  'pipe',
  'proxy_protocol_addr',
  'proxy_protocol_port',
  'realip_remote_addr',
  'request_length',
]);

function combine(all: Facts[]): Facts {
  let request = false;
  let mask = 0;
  const origin: string[] = [];
  for (const facts of all) {
    request ||= facts.request;
    mask |= facts.mask;
    for (const o of facts.origin) if (!origin.includes(o)) origin.push(o);
  }
  return { request, mask, origin };
}

/** A regex and the value it is matched against: where `$1` and named captures come from. */
export interface RegexSource {
  regex: RegexInfo;
  subject: Facts | undefined;
  /** The directive holding the regex, for related spans. */
  entry?: ExpandedDirective;
}

export interface ExpandedPart {
  part: ValuePart;
  /** Undefined when not traceable. */
  facts: Facts | undefined;
  /** The part of the written value it comes from. */
  top: ValuePart;
}

const NO_CHILDREN: readonly ExpandedDirective[] = [];

/**
 * A line of a map block that maps a value. ngx_http_map reads `hostnames` and `volatile` as
 * parameters only when they stand alone (`hostnames;`): `hostnames $uri;` maps the key
 * "hostnames". `include file;` reads another file.
 */
function isMapEntry(child: ExpandedDirective): boolean {
  return argCountOf(child.directive) > 0 && child.directive.name !== 'include';
}

/** A map, read when a rule first asks about its variable (a large tree holds thousands). */
class MapDefinition {
  constructor(private readonly map: ExpandedDirective) {}

  get directive(): NginxDirective {
    return this.map.directive;
  }

  /** The map's lines (entries and parameters such as `hostnames`), an included file's after its `include` line. */
  get children(): readonly ExpandedDirective[] {
    return this.map.children ? flattenIncludes(this.map.children) : NO_CHILDREN;
  }

  get source(): string {
    return argValueOf(this.map.directive, 0) ?? '';
  }

  get entries(): { key: string; value: string; entry: ExpandedDirective }[] {
    if (!this.read) {
      this.read = [];
      for (const child of this.children) {
        if (isMapEntry(child)) this.read.push({ key: child.directive.name, value: argValueOf(child.directive, 0) ?? '', entry: child });
      }
    }
    return this.read;
  }

  private read: { key: string; value: string; entry: ExpandedDirective }[] | undefined;
  /** What the map's variable can hold; the same wherever it is used. */
  facts: Facts | undefined | null = null;
  /** NginxVariables.mayHoldLineBreak's answer for the map's variable, once asked. */
  mayHoldLineBreak: boolean | undefined;
}

/** Answers "what can this value hold here" for one http scope; built once, lazily, per scope. */
export class NginxVariables {
  private sets = new Map<string, { entry: ExpandedDirective; block: NginxBlock }[]>();
  private maps = new Map<string, MapDefinition>();
  private resolving = new Set<string>();
  private expanding = new Set<string>();

  /**
   * The directives with these names whose arguments hold a `$`, with their blocks (found while the
   * model was built, without building arguments): a rule reads only the names it judges.
   */
  withVariablesNamed(...names: string[]): readonly VariableUse[] {
    if (names.length === 1) return this.scope.census.withVariablesNamed(names[0]);
    const out: VariableUse[] = [];
    for (const name of names) for (const use of this.scope.census.withVariablesNamed(name)) out.push(use);
    return out;
  }

  /** The directives whose arguments hold a capture reference (`$1`..`$9`). */
  get withCaptures(): readonly VariableUse[] {
    return this.scope.census.withCaptures;
  }
  /** Blocks (not `if`) whose script holds a `rewrite`, directly or in an `if` inside. */
  readonly rewriteBlocks = new Set<NginxBlock>();

  constructor(readonly scope: NginxHttpScope) {
    const { census } = scope;
    for (let owner of census.named('rewrite').blocks as (NginxBlock | undefined)[]) {
      while (owner?.kind === 'if') owner = owner.parent;
      if (owner) this.rewriteBlocks.add(owner);
    }
    const sets = census.named('set');
    for (let i = 0; i < sets.entries.length; i++) {
      const entry = sets.entries[i];
      const target = argValueOf(entry.directive, 0);
      if (!target?.startsWith('$')) continue;
      const key = target.slice(1).toLowerCase();
      const list = this.sets.get(key);
      if (list) list.push({ entry, block: sets.blocks[i] });
      else this.sets.set(key, [{ entry, block: sets.blocks[i] }]);
    }
    const maps = census.named('map').entries;
    for (let i = 0; i < maps.length; i++) {
      const entry = maps[i];
      const variable = argValueOf(entry.directive, 1);
      if (entry.children && variable?.startsWith('$')) this.maps.set(variable.slice(1).toLowerCase(), new MapDefinition(entry));
    }
  }

  private static byScope = new WeakMap<NginxHttpScope, NginxVariables>();

  static of(scope: NginxHttpScope): NginxVariables {
    let variables = NginxVariables.byScope.get(scope);
    if (!variables) NginxVariables.byScope.set(scope, (variables = new NginxVariables(scope)));
    return variables;
  }

  /**
   * The regex whose captures `$1`..`$9` hold for a directive in `block`: an `if (… ~ re)` around
   * it, else its location's regex, else a regex server_name. Undefined when a rewrite or regex
   * `if` earlier in the location may have replaced them (nginx keeps the last match's).
   */
  capturesFor(block: NginxBlock): RegexSource | undefined {
    for (let current: NginxBlock | undefined = block; current; current = current.parent) {
      if (current.kind === 'if') {
        const source = this.ifRegex(current);
        if (source) return source;
        continue;
      }
      if (current.kind === 'location') {
        if (current.directives.some((entry) => entry.directive.name === 'rewrite')) return undefined;
        if (current.children.some((child) => child.kind === 'if' && this.ifRegex(child) && child !== block && !isAncestor(child, block))) return undefined;
        const args = current.directive?.args ?? [];
        const modifier = args.length > 1 ? args[0].value : '';
        if (modifier === '~' || modifier === '~*') return { regex: analyzeRegex(args[1].value), subject: builtinFacts('uri'), entry: current.node };
        const inline = /^~\*?(.+)$/.exec(args.length === 1 ? args[0].value : '');
        if (inline && !args[0].quoted) return { regex: analyzeRegex(inline[1]), subject: builtinFacts('uri'), entry: current.node };
        // A prefix location nested in a regex one keeps its parent's captures.
        continue;
      }
      if (current.kind === 'server') {
        for (const entry of current.own('server_name')) {
          for (const arg of entry.directive.args) {
            if (arg.value.startsWith('~')) {
              const regex = analyzeRegex(arg.value.slice(1));
              if (regex.groups.length > 0) return { regex, subject: builtinFacts('host'), entry };
            }
          }
        }
        return undefined;
      }
    }
    return undefined;
  }

  /**
   * The regex location whose regex `$uri` matched for a directive in `block`, when it pins the
   * whole URI and nothing there changes `$uri` after the match. nginx picks a location by
   * matching the current URI (after an internal redirect too: index, error_page, a try_files
   * fallback, X-Accel-Redirect all search again); in the location, a `rewrite` (or a Lua
   * `rewrite_by_lua*`, which may call ngx.req.set_uri) and `try_files` (which sets the URI to the
   * file it found and stays) change it in place. Only the innermost location, and only `if`s
   * between it and the directive, are followed.
   */
  uriMatchedBy(block: NginxBlock): RegexInfo | undefined {
    let location: NginxBlock | undefined = block;
    while (location?.kind === 'if') location = location.parent;
    if (location?.kind !== 'location' || this.rewriteBlocks.has(location) || location.own('try_files').length > 0) return undefined;
    const { census } = this.scope;
    if (REWRITE_BY_LUA.some((name) => census.named(name).entries.length > 0)) return undefined;
    const args = location.directive?.args ?? [];
    const modifier = args.length > 1 ? args[0].value : '';
    const inline = args.length === 1 && !args[0].quoted ? /^~\*?(.+)$/.exec(args[0].value) : null;
    const source = modifier === '~' || modifier === '~*' ? args[1].value : inline?.[1];
    if (source === undefined) return undefined;
    const regex = analyzeRegex(source);
    return regex.wholeSubject && !regex.masksUnknown ? regex : undefined;
  }

  /**
   * What `$uri` (and `$document_uri`: both are r->uri) holds where `entry` in `block` reads it.
   * It is the decoded path unless the rewrite-phase script of the location holding `entry`
   * certainly replaced it: a rewrite (not in an `if`, its regex matching every URI) whose
   * replacement holds no CR or LF, and every rewrite that may run after it too. A rewrite copies
   * its replacement into r->uri as written, decoding nothing, and copies its own captures as
   * they were matched (ngx_http_script_regex_end_code, ngx_http_script_copy_capture_code), so
   * `rewrite ^ $request_uri;` makes `$uri` the raw request URI. The script (rewrite, return,
   * set, break, if, in order: ngx_http_rewrite_handler) runs each time the location is chosen;
   * a location's script is its own (ngx_http_rewrite_merge_loc_conf inherits none), so the
   * server's script, and the locations the request passed before, are not followed. A directive
   * of the script reads `$uri` where it stands; any other after the script, unless the script may
   * have stopped (`return`, `break`, a flagged rewrite) before `$uri` was replaced. `try_files`
   * (which sets the URI to the file it found) and Lua (ngx.req.set_uri) keep the decoded answer.
   */
  uriFactsAt(block: NginxBlock, entry: ExpandedDirective): Facts {
    const decoded = builtinFacts('uri')!;
    let location: NginxBlock | undefined = block;
    while (location?.kind === 'if') location = location.parent;
    if (location?.kind !== 'location' || !this.rewriteBlocks.has(location) || location.own('try_files').length > 0) return decoded;
    const { census } = this.scope;
    if (LUA_SETS_URI.some((name) => census.named(name).entries.length > 0)) return decoded;
    let raw: Facts | undefined;
    let stoppedDecoded = false;
    for (const step of scriptOf(location)) {
      if (step.entry === entry) return raw ?? decoded;
      if (step.entry.directive.name === 'rewrite') raw = this.uriAfterRewrite(step, raw);
      if (!raw && mayStopScript(step.entry.directive)) stoppedDecoded = true;
    }
    return SCRIPT_DIRECTIVES.has(entry.directive.name) || stoppedDecoded || !raw ? decoded : raw;
  }

  /**
   * `$uri` after a rewrite, from `raw` (undefined: decoded) before it: undefined unless it is
   * raw after it whether or not its regex matched.
   */
  private uriAfterRewrite(step: ScriptStep, raw: Facts | undefined): Facts | undefined {
    const pattern = argValueOf(step.entry.directive, 0);
    const replacement = argValueOf(step.entry.directive, 1);
    if (pattern === undefined || replacement === undefined) return undefined;
    const flag = argValueOf(step.entry.directive, 2);
    // A redirect writes Location and leaves r->uri as it was.
    if (flag === 'redirect' || flag === 'permanent' || REDIRECT_REPLACEMENT.test(replacement)) return raw;
    // Its `$1`..`$9` and named captures are of its own regex over the URI it replaces.
    const written = this.factsOf(replacement, step.block, { regex: analyzeRegex(pattern), subject: raw ?? builtinFacts('uri') });
    if (!written || (written.mask & (CH.LF | CH.CR)) !== 0) return undefined;
    if (raw) return combine([raw, written]);
    return !step.inIf && matchesEverySubject(pattern) ? written : undefined;
  }

  /** The regex of `if ($var ~ re)`, with what $var holds. */
  ifRegex(block: NginxBlock): RegexSource | undefined {
    const condition = ifCondition(block.directive?.args.map((arg) => arg.value) ?? []);
    if (condition.length !== 3 || !/^~\*?$/.test(condition[1])) return undefined;
    // The condition is evaluated where the `if` stands, so its variables are the parent's.
    return { regex: analyzeRegex(condition[2]), subject: this.factsOf(condition[0], block.parent ?? block), entry: block.node };
  }

  /**
   * The regex and subject of a rewrite directive (its own captures in its replacement): the URI
   * where it stands in `block`'s script (uriFactsAt), else the decoded one.
   */
  rewriteRegex(entry: ExpandedDirective, block?: NginxBlock): RegexSource | undefined {
    const pattern = entry.directive.args[0]?.value;
    return pattern === undefined ? undefined : { regex: analyzeRegex(pattern), subject: block ? this.uriFactsAt(block, entry) : builtinFacts('uri'), entry };
  }

  /**
   * Facts of a whole value (literal text and variables) as seen from `block`; undefined when
   * some variable in it cannot be traced. `captures` overrides which regex `$N` refers to.
   */
  factsOf(text: string, block: NginxBlock, captures?: RegexSource | null): Facts | undefined {
    const all: Facts[] = [];
    for (const part of valueParts(text)) {
      const facts = this.partFacts(part, block, captures);
      if (!facts) return undefined;
      all.push(facts);
    }
    return combine(all);
  }

  /** Facts of one part of a value; undefined when not traceable. */
  partFacts(part: ValuePart, block: NginxBlock, captures?: RegexSource | null): Facts | undefined {
    if (part.kind === 'text') return { request: false, mask: maskOfLiteral(part.text), origin: [] };
    if (part.kind === 'template') return undefined;
    if (part.kind === 'capture') {
      const source = captures === null ? undefined : (captures ?? this.capturesFor(block));
      if (!source) return undefined;
      return captureFacts(source, source.regex.groups[part.index - 1], `$${part.index}`);
    }
    return this.variableFacts(part.name, block, captures);
  }

  variableFacts(name: string, block: NginxBlock, captures?: RegexSource | null): Facts | undefined {
    const builtin = builtinFacts(name);
    if (builtin) return builtin;
    if (CONFIG_VARIABLES.has(name)) return NOT_REQUEST;
    if (this.resolving.has(name)) return undefined;
    this.resolving.add(name);
    try {
      // nginx refuses a map and a named capture of one name ("duplicate variable"): the order does not matter.
      const map = this.maps.get(name);
      if (map) {
        if (map.facts === null) map.facts = this.mapFacts(map, block);
        return map.facts;
      }
      // A named capture of the regex in force here.
      const source = captures ?? this.capturesFor(block);
      const named = source?.regex.groups.find((group) => group.name?.toLowerCase() === name);
      if (source && named) return captureFacts(source, named, `$${name}`);
      const sets = this.visibleSets(name, block);
      if (sets.length > 0) {
        const all: Facts[] = [];
        for (const { entry, block: at } of sets) {
          const facts = this.factsOf(entry.directive.args[1]?.value ?? '', at);
          if (!facts) return undefined;
          all.push(facts);
        }
        return combine(all);
      }
      return undefined;
    } finally {
      this.resolving.delete(name);
    }
  }

  /**
   * The parts of a value with `set` variables written out where exactly one `set` reaches here
   * (`set $u "http://$1/$p"; proxy_pass $u;` reads as `http://$1/$p`), so a rule can tell which
   * piece lands in the host. Each piece keeps the written part it came from, for the span.
   */
  expand(text: string, block: NginxBlock, captures?: RegexSource | null): ExpandedPart[] {
    // A value of built-in, configuration and map variables means the same in every block.
    if (captures === undefined) {
      const cached = this.blockFree.get(text);
      if (cached) return cached;
    }
    const out = this.expandHere(text, block, captures);
    if (captures === undefined && this.isBlockFree(text)) {
      if (this.blockFree.size > 20000) this.blockFree.clear();
      this.blockFree.set(text, out);
    }
    return out;
  }

  private blockFree = new Map<string, ExpandedPart[]>();

  private isBlockFree(text: string): boolean {
    return valueParts(text).every(
      (part) =>
        part.kind === 'text' ||
        (part.kind === 'variable' &&
          !this.sets.has(part.name) &&
          (builtinFacts(part.name) !== undefined || CONFIG_VARIABLES.has(part.name) || this.maps.has(part.name))),
    );
  }

  private expandHere(text: string, block: NginxBlock, captures?: RegexSource | null): ExpandedPart[] {
    const out: ExpandedPart[] = [];
    for (const part of valueParts(text)) {
      const definition = part.kind === 'variable' && !this.expanding.has(part.name) ? this.singleSet(part.name, block, captures) : undefined;
      if (!definition || part.kind !== 'variable') {
        out.push({ part, facts: this.partFacts(part, block, captures), top: part });
        continue;
      }
      this.expanding.add(part.name);
      try {
        for (const inner of this.expand(argValueOf(definition.entry.directive, 1) ?? '', definition.block)) out.push({ ...inner, top: part });
      } finally {
        this.expanding.delete(part.name);
      }
    }
    return out;
  }

  private singleSet(name: string, block: NginxBlock, captures?: RegexSource | null) {
    if (!this.sets.has(name) || builtinFacts(name) || CONFIG_VARIABLES.has(name) || this.maps.has(name)) return undefined;
    const source = captures ?? this.capturesFor(block);
    if (source?.regex.groups.some((group) => group.name?.toLowerCase() === name)) return undefined;
    const sets = this.visibleSets(name, block);
    return sets.length === 1 ? sets[0] : undefined;
  }

  /**
   * A cheap bound, before `expand`: false when no part of the value can hold CR or LF, whatever
   * the captures in force (a capture never holds more than the value it was matched against).
   * True means "maybe": ask `expand`.
   */
  mayHoldLineBreak(text: string): boolean {
    // Kept per text: a large tree writes the same few values ("$host", "$remote_addr") thousands of times.
    let answer = this.lineBreakByText.get(text);
    if (answer === undefined) {
      answer = this.scanLineBreak(text, undefined, true);
      // A value naming a map is answered by its map (MapDefinition.mayHoldLineBreak), and such
      // values differ from server to server ("$tenant12 ; x"): keeping each would only grow the table.
      if (!this.scanNamedMap) {
        if (this.lineBreakByText.size > 20000) this.lineBreakByText.clear();
        this.lineBreakByText.set(text, answer);
      }
    }
    return answer;
  }

  private lineBreakByText = new Map<string, boolean>();

  /** `subjectSafe`: inside a map whose source cannot hold CR/LF, so its captures cannot either. */
  private variableMayHoldLineBreak(name: string, subjectSafe: boolean | undefined): boolean {
    const builtin = builtinFacts(name);
    if (builtin) return (builtin.mask & (CH.LF | CH.CR)) !== 0;
    if (CONFIG_VARIABLES.has(name)) return false;
    const map = this.maps.get(name);
    if (map && !this.sets.has(name)) {
      if (map.mayHoldLineBreak === undefined) {
        map.mayHoldLineBreak = true; // a map that names itself stays "maybe"
        map.mayHoldLineBreak = this.mapMayHoldLineBreak(map);
      }
      return map.mayHoldLineBreak;
    }
    // A named capture (or a variable of a module): only a map over a safe source bounds it.
    return !(subjectSafe === true && !this.sets.has(name));
  }

  private mapMayHoldLineBreak(map: MapDefinition): boolean {
    const subjectSafe = !this.textMayHoldLineBreak(map.source, undefined, true);
    // A plain value holds neither a variable nor a line break: only the others are read, from the
    // reader's table when it can tell them apart (a large tree has thousands of maps).
    const notPlain = notPlainFirstValues(map.directive);
    if (notPlain) {
      for (let i = 0; i < notPlain.length; i++) if (this.textMayHoldLineBreak(notPlain[i], subjectSafe, false)) return true;
      return false;
    }
    for (const child of map.children) {
      if (!isMapEntry(child)) continue;
      if (this.textMayHoldLineBreak(argValueOf(child.directive, 0) ?? '', subjectSafe, false)) return true;
    }
    return false;
  }

  /**
   * Whether a map's source (`asSource`: a capture counts as unsafe) or one of its values may hold
   * CR or LF. Kept per distinct text when it names no map, as the answer then depends on the text
   * alone: a large tree repeats the same few sources and values across thousands of maps.
   */
  private textMayHoldLineBreak(text: string, subjectSafe: boolean | undefined, asSource: boolean): boolean {
    // A value without `$` is a literal: its own characters answer (most map values are).
    if (!text.includes('$')) return literalHasLineBreak(text);
    const known = this.mapTextLineBreak[asSource ? 0 : subjectSafe === true ? 1 : 2].get(text);
    if (known !== undefined) return known;
    const answer = this.scanLineBreak(text, subjectSafe, asSource);
    if (!this.scanNamedMap) this.mapTextLineBreak[asSource ? 0 : subjectSafe === true ? 1 : 2].set(text, answer);
    return answer;
  }

  /** Set by scanLineBreak: whether the value it read names a map (whose answer may still be provisional). */
  private scanNamedMap = false;

  /**
   * Whether a value may hold CR or LF, read `$` by `$` without splitting it into parts (a large
   * tree asks this of thousands of values). CR and LF can only come from its literal text, from a
   * template, from a capture (`asSource`, or over a source that may hold them) or from a variable.
   */
  private scanLineBreak(text: string, subjectSafe: boolean | undefined, asSource: boolean): boolean {
    let namesMap = false;
    let answer = literalHasLineBreak(text);
    for (let i = answer ? -1 : text.indexOf('$'); i !== -1; i = text.indexOf('$', i)) {
      if (!readDollar(text, i)) {
        i++;
        continue;
      }
      // DOLLAR is shared: read it before asking about a variable, which may read other values.
      const { kind, name } = DOLLAR;
      i = DOLLAR.end;
      if (kind === 'template') answer = true;
      else if (kind === 'capture') answer = asSource || !subjectSafe;
      else {
        if (this.maps.has(name)) namesMap = true;
        answer = this.variableMayHoldLineBreak(name, asSource ? undefined : subjectSafe);
      }
      if (answer) break;
    }
    this.scanNamedMap = namesMap;
    return answer;
  }

  /** Answers kept per text, one table per reading: as a source, as a value over a safe source, over another. */
  private mapTextLineBreak = [new Map<string, boolean>(), new Map<string, boolean>(), new Map<string, boolean>()];

  /** The first regex entry with capturing groups of the map that sets `$name`, if it is one. */
  capturingMapEntry(name: string): ExpandedDirective | undefined {
    const map = this.maps.get(name.toLowerCase());
    return map?.entries.find(({ key }) => key.startsWith('~') && (analyzeRegex(key.replace(/^~\*?/, '')).groupCount ?? 1) > 0)?.entry;
  }

  /** A map's result is one of its values; `$1` in a value is a capture of that entry's regex over the source. */
  private mapFacts(map: MapDefinition, block: NginxBlock): Facts | undefined {
    const all: Facts[] = [];
    let subject: Facts | undefined | null = null;
    for (const { key, value } of map.entries) {
      if (!value.includes('$')) {
        all.push({ request: false, mask: maskOfLiteral(value), origin: [] });
        continue;
      }
      if (subject === null) subject = this.factsOf(map.source, block);
      const regex = key.startsWith('~') ? analyzeRegex(key.replace(/^~\*?/, '')) : analyzeRegex('');
      const facts = this.factsOf(value, block, { regex, subject });
      if (!facts) return undefined;
      all.push(facts);
    }
    return combine(all);
  }

  /** `set $name` in this block, the blocks around it up to the server, and `if` blocks in them. */
  private visibleSets(name: string, block: NginxBlock): { entry: ExpandedDirective; block: NginxBlock }[] {
    const candidates = this.sets.get(name);
    if (!candidates) return [];
    return candidates.filter(({ block: at }) => {
      for (let current: NginxBlock | undefined = block; current; current = current.parent) {
        if (at === current) return true;
        if (at.kind === 'if' && at.parent === current) return true;
        if (current.kind === 'server') break;
      }
      return false;
    });
  }
}

/**
 * The words of an `if` condition without its parentheses, as ngx_http_rewrite_if reads them:
 * `(` and `)` may stand alone (`if ( $a ~ x )`) or touch the first and last words (`if ($a ~ x)`).
 */
export function ifCondition(values: string[]): string[] {
  const words = [...values];
  if (words[0] === '(') words.shift();
  else if (words[0]?.startsWith('(')) words[0] = words[0].slice(1);
  const last = words.length - 1;
  if (words[last] === ')') words.pop();
  else if (words[last]?.endsWith(')')) words[last] = words[last].slice(0, -1);
  return words;
}

/** Lua's rewrite-phase handlers, where ngx.req.set_uri may change `$uri` in place. */
const REWRITE_BY_LUA = ['rewrite_by_lua', 'rewrite_by_lua_block', 'rewrite_by_lua_file'];

/** Lua's handlers of every phase where ngx.req.set_uri may set `$uri` (without a jump outside the rewrite phase). */
const LUA_SETS_URI = ['set', 'rewrite', 'access', 'content', 'header_filter', 'body_filter'].flatMap((phase) =>
  ['', '_block', '_file'].map((form) => `${phase}_by_lua${form}`),
);

/** The rewrite module's directives: ngx_http_rewrite_handler runs them in order, `if` bodies in place. */
const SCRIPT_DIRECTIVES = new Set(['rewrite', 'return', 'set', 'break', 'if']);

/** A rewrite whose replacement starts so is a redirect (ngx_http_rewrite compares these prefixes). */
const REDIRECT_REPLACEMENT = /^(?:https?:\/\/|\$scheme)/;

interface ScriptStep {
  entry: ExpandedDirective;
  block: NginxBlock;
  /** Inside an `if`, so it runs only when the condition holds. */
  inIf: boolean;
}

/** The directives of a location's rewrite script in the order they run, with the `if` blocks' in place. */
function scriptOf(block: NginxBlock, inIf = false, steps: ScriptStep[] = []): ScriptStep[] {
  for (const entry of block.directives) {
    if (!SCRIPT_DIRECTIVES.has(entry.directive.name)) continue;
    steps.push({ entry, block, inIf });
    if (entry.directive.name !== 'if') continue;
    const body = block.children.find((child) => child.node === entry);
    if (body) scriptOf(body, true, steps);
  }
  return steps;
}

/** Whether a script directive may end the script there: `return`, `break`, a rewrite with a flag or a redirect. */
function mayStopScript(directive: NginxDirective): boolean {
  switch (directive.name) {
    case 'return':
    case 'break':
      return true;
    case 'rewrite':
      return argValueOf(directive, 2) !== undefined || REDIRECT_REPLACEMENT.test(argValueOf(directive, 1) ?? '');
  }
  return false;
}

/**
 * A rewrite regex that matches every URI: it matches the empty text at the start (`^`, `^.*`,
 * `^(.*)`). `^(.*)$` is not one: `.` stops at an LF that the decoded URI may hold.
 */
function matchesEverySubject(pattern: string): boolean {
  return /^\^?(?:\.\*\??|\(\.\*\??\))?$/.test(pattern);
}

/** Argument `i` of a directive as text, without building its span (cheap enough to filter on). */
export function argText(directive: ExpandedDirective['directive'], i: number): string | undefined {
  return argValueOf(directive, i);
}

function isAncestor(ancestor: NginxBlock, block: NginxBlock): boolean {
  for (let current = block.parent; current; current = current.parent) if (current === ancestor) return true;
  return false;
}

function captureFacts(source: RegexSource, group: RegexGroup | undefined, label: string): Facts | undefined {
  if (source.regex.groupCount === undefined) return undefined;
  // A capture past the regex's groups is empty (ngx_http_script_copy_capture_code).
  if (!group) return NOT_REQUEST;
  if (!source.subject) return undefined;
  const groupMask = source.regex.masksUnknown ? ALL : group.mask;
  return {
    request: source.subject.request && !group.fixedWords,
    mask: groupMask & source.subject.mask,
    origin: source.subject.request && !group.fixedWords ? [`${label} (from ${source.subject.origin.join(', ')})`] : [],
  };
}

/**
 * The span of `part` inside `arg`, when the argument's text maps one to one onto its value (one
 * line, no escapes); else the whole argument.
 */
export function partSpan(arg: NginxArg, part: { start: number; end: number }): Span {
  const quote = arg.quoted ? 1 : 0;
  const { start, end } = arg.span;
  const oneToOne = start.line === end.line && end.offset - start.offset === arg.value.length + 2 * quote;
  if (!oneToOne) return arg.span;
  const at = (index: number) => ({ line: start.line, column: start.column + quote + index, offset: start.offset + quote + index });
  return { file: arg.span.file, start: at(part.start), end: at(part.end) };
}

/** Is `block` inside a location only internal requests reach (`internal;`, or a named `@location`)? */
export function isInternalOnly(block: NginxBlock): boolean {
  for (let current: NginxBlock | undefined = block; current; current = current.parent) {
    if (current.kind === 'server' || current.kind === 'http') return false;
    if (current.kind !== 'location') continue;
    // nginx checks the flag of the location it selected (ngx_http_core_find_config_phase); a
    // location nested in an internal one is reachable from outside unless it says so itself.
    return current.directive?.args[0]?.value.startsWith('@') === true || current.own('internal').length > 0;
  }
  return false;
}
