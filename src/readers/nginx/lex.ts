/**
 * nginx tokenizer. It follows ngx_conf_read_token (src/core/ngx_conf_file.c) character by
 * character, so that what is one argument for nginx is one argument here:
 * - a token ends at space, tab, CR, LF, `;` or `{`; `}` does NOT end an unquoted token;
 * - `#` starts a comment only where a token could start (`a#b` is one token);
 * - a quote opens a quoted token only at the start of a token; after the closing quote nginx
 *   needs a space, `;`, `{` or `)` (which then starts the next token);
 * - a token (or a comment) must fit nginx's 4096-byte read buffer: 4095 bytes unquoted, 4094
 *   between quotes;
 * - `{` right after `$` is part of a `${var}` reference, not a block start;
 * - a backslash protects the next character; in the value, `\"` `\'` `\\` become the character
 *   and `\t` `\r` `\n` become tab, CR and LF; any other pair is kept as written.
 * Offsets are UTF-16 indices into the decoded text; line and column come from SourceText.
 */

export type TokenKind = 'word' | ';' | '{' | '}' | 'eof';

/**
 * The current token is read from the lexer's fields (`kind`, `value`, `start`, `end`,
 * `quoted`) after each `next()`, rather than returned as an object: a large file has millions
 * of tokens, and the parser keeps only what it copies into the tree.
 */
export interface Token {
  kind: TokenKind;
  /** The argument as nginx sees it: quotes removed, escapes processed. */
  value: string;
  start: number;
  /** Exclusive; for a quoted word it includes the closing quote. */
  end: number;
  quoted: boolean;
}

export interface Comment {
  /** Offset of the `#`. */
  start: number;
  end: number;
  /** Text after the `#`. */
  text: string;
}

export interface LexError {
  message: string;
  start: number;
  end: number;
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const DQUOTE = 34;
const SHARP = 35;
const DOLLAR = 36;
const SQUOTE = 39;
const RPAREN = 41;
const SEMI = 59;
const LBRACE = 123;
const RBRACE = 125;
const BACKSLASH = 92;
const BOM = 0xfeff;

/** ASCII characters that matter inside an unquoted word: its ends, the backslash and `$`. */
const WORD_SPECIAL = new Uint8Array(128);
for (const code of [TAB, LF, CR, SPACE, SEMI, LBRACE, BACKSLASH, DOLLAR]) WORD_SPECIAL[code] = 1;

/** ngx_conf_read_token reads into a buffer of this many bytes; a token must fit in it. */
const MAX_TOKEN_BYTES = 4096;

/** UTF-8 length of text[start, end), counted only when it could reach the limit. */
function utf8Length(text: string, start: number, end: number): number {
  const units = end - start;
  if (units * 3 < MAX_TOKEN_BYTES - 2) return units * 3;
  return Buffer.byteLength(text.slice(start, end), 'utf8');
}

/**
 * The value nginx sees for the word at [start, end): quotes removed (a quote that never closes
 * has none to remove at the end) and escapes processed.
 */
export function wordValue(text: string, start: number, end: number, quoted: boolean, closed: boolean): string {
  if (!quoted) return unescape(text.slice(start, end));
  return unescape(text.slice(start + 1, closed ? end - 1 : end));
}

function isSpace(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR;
}

/** Apply nginx's escape processing to the raw characters of one token. */
export function unescape(raw: string): string {
  let backslash = raw.indexOf('\\');
  if (backslash === -1) return raw;
  // Whole runs are copied between escapes and joined once: appending character by character
  // left a chain of string pieces per argument.
  let parts: string[] | undefined;
  let from = 0;
  while (backslash !== -1 && backslash + 1 < raw.length) {
    const next = raw[backslash + 1];
    const replacement = next === '"' || next === "'" || next === '\\' ? next : next === 't' ? '\t' : next === 'r' ? '\r' : next === 'n' ? '\n' : undefined;
    if (replacement === undefined) {
      // Any other pair is kept as written; the next character may start an escape of its own.
      backslash = raw.indexOf('\\', backslash + 1);
      continue;
    }
    (parts ??= []).push(raw.slice(from, backslash), replacement);
    from = backslash + 2;
    backslash = raw.indexOf('\\', from);
  }
  // Only backslashes that escape nothing (`\.` in a regex): the word is its own value, no copy.
  if (!parts) return raw;
  parts.push(raw.slice(from));
  return parts.join('');
}

export class NginxLexer implements Token {
  pos = 0;
  kind: TokenKind = 'eof';
  start = 0;
  end = 0;
  quoted = false;
  /** False for a quoted word whose quote never closes (it then runs to the end of the file). */
  closed = true;
  readonly comments: Comment[] = [];
  readonly errors: LexError[] = [];
  /** Set when a quote never closes; the parser then skips its end-of-file messages. */
  unbalancedQuote = false;

  constructor(readonly text: string) {
    // A UTF-8 byte order mark is not whitespace for nginx; the reader reports it separately.
    if (text.charCodeAt(0) === BOM) this.pos = 1;
  }

  /** Reads the next token into this lexer's token fields and returns its kind. */
  next(): TokenKind {
    const text = this.text;
    const length = text.length;
    let pos = this.pos;

    // Skip whitespace and comments between tokens.
    for (;;) {
      if (pos >= length) {
        this.pos = pos;
        return this.token('eof', length, length, false);
      }
      const code = text.charCodeAt(pos);
      if (isSpace(code)) {
        pos++;
        continue;
      }
      if (code === SHARP) {
        let lineEnd = text.indexOf('\n', pos);
        if (lineEnd === -1) lineEnd = length;
        let commentEnd = lineEnd;
        if (commentEnd > pos && text.charCodeAt(commentEnd - 1) === CR) commentEnd--;
        this.comments.push({ start: pos, end: commentEnd, text: text.slice(pos + 1, commentEnd) });
        if (utf8Length(text, pos, lineEnd) > MAX_TOKEN_BYTES - 1) this.tooLong(pos);
        pos = lineEnd;
        continue;
      }
      break;
    }

    const start = pos;
    const first = text.charCodeAt(pos);
    if (first === SEMI || first === LBRACE || first === RBRACE) {
      this.pos = pos + 1;
      const kind = first === SEMI ? ';' : first === LBRACE ? '{' : '}';
      return this.token(kind, start, pos + 1, false);
    }

    if (first === DQUOTE || first === SQUOTE) return this.quotedWord(start, first);

    // Unquoted word.
    let variable = first === DOLLAR;
    let escaped = first === BACKSLASH;
    pos++;
    while (pos < length) {
      const code = text.charCodeAt(pos);
      // Most characters neither end a word nor start anything: one table look-up says so.
      if (!escaped && (code >= 128 || WORD_SPECIAL[code] === 0)) {
        variable = false;
        pos++;
        continue;
      }
      if (escaped) {
        escaped = false;
        pos++;
        continue;
      }
      if (code === LBRACE && variable) {
        pos++;
        continue;
      }
      variable = false;
      if (code === BACKSLASH) {
        escaped = true;
        pos++;
        continue;
      }
      if (code === DOLLAR) {
        variable = true;
        pos++;
        continue;
      }
      if (isSpace(code) || code === SEMI || code === LBRACE) break;
      pos++;
    }
    this.pos = pos;
    if (utf8Length(text, start, pos) > MAX_TOKEN_BYTES - 1) this.tooLong(start);
    return this.token('word', start, pos, false);
  }

  private token(kind: TokenKind, start: number, end: number, quoted: boolean, closed = true): TokenKind {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.quoted = quoted;
    this.closed = closed;
    return kind;
  }

  /**
   * The current token's value, built when asked: the parser asks for directive names only and
   * keeps arguments as offsets (wordValue rebuilds the same string from them).
   */
  get value(): string {
    if (this.kind === 'eof') return '';
    if (this.kind !== 'word') return this.kind;
    return wordValue(this.text, this.start, this.end, this.quoted, this.closed);
  }

  private tooLong(start: number) {
    const head = this.text.slice(start, start + 10);
    this.errors.push({
      message: `too long parameter "${head}..." started: nginx reads at most ${MAX_TOKEN_BYTES - 1} bytes per argument or comment`,
      start,
      end: start + 1,
    });
  }

  private quotedWord(start: number, quote: number): TokenKind {
    const text = this.text;
    const length = text.length;
    let pos = start + 1;
    while (pos < length) {
      const code = text.charCodeAt(pos);
      if (code === BACKSLASH) {
        pos += 2;
        continue;
      }
      if (code === quote) break;
      pos++;
    }
    if (pos >= length) {
      this.unbalancedQuote = true;
      const nginxSays =
        utf8Length(text, start + 1, length) >= MAX_TOKEN_BYTES
          ? "too long parameter, probably missing terminating '" + text[start] + "' character"
          : 'unexpected end of file, expecting ";" or "}"';
      this.errors.push({ message: `unbalanced quote: this string never closes (nginx: ${nginxSays})`, start, end: start + 1 });
      this.pos = length;
      return this.token('word', start, length, true, false);
    }
    const end = pos + 1;
    if (utf8Length(text, start + 1, pos) > MAX_TOKEN_BYTES - 2) this.tooLong(start);
    // nginx needs a separator after the closing quote; `)` is accepted (and dropped) for `if (...)`.
    if (end < length) {
      const after = text.charCodeAt(end);
      // `)` (closing an `if` condition) is allowed right after the quote and starts the next token.
      if (after !== RPAREN && !isSpace(after) && after !== SEMI && after !== LBRACE) {
        this.errors.push({ message: `unexpected "${text[end]}"`, start: end, end: end + 1 });
      }
    }
    this.pos = end;
    return this.token('word', start, end, true);
  }

  /**
   * Read the body of an OpenResty `*_by_lua_block { ... }` as one raw argument, after the
   * opening `{` has been consumed. Lua strings, long brackets and comments may hold braces.
   * Returns the content and leaves `pos` after the matching `}`; `closed` is false at EOF.
   */
  luaBlock(): { value: string; start: number; end: number; closed: boolean } {
    const text = this.text;
    const length = text.length;
    const start = this.pos;
    let pos = start;
    let depth = 1;
    while (pos < length) {
      const ch = text[pos];
      if (ch === '{') {
        depth++;
        pos++;
      } else if (ch === '}') {
        depth--;
        if (depth === 0) {
          this.pos = pos + 1;
          return { value: text.slice(start, pos), start, end: pos, closed: true };
        }
        pos++;
      } else if (ch === '"' || ch === "'") {
        // A string must close on its line; otherwise the quote is an ordinary character.
        let close = pos + 1;
        while (close < length && text[close] !== ch && text[close] !== '\n') close += text[close] === '\\' ? 2 : 1;
        pos = close < length && text[close] === ch ? close + 1 : pos + 1;
      } else if (ch === '[' && longBracketLevel(text, pos) >= 0) {
        pos = skipLongBracket(text, pos, longBracketLevel(text, pos));
      } else if (ch === '-' && text[pos + 1] === '-') {
        pos += 2;
        if (text[pos] === '[' && longBracketLevel(text, pos) >= 0) {
          pos = skipLongBracket(text, pos, longBracketLevel(text, pos));
        } else {
          const lineEnd = text.indexOf('\n', pos);
          pos = lineEnd === -1 ? length : lineEnd;
        }
      } else {
        pos++;
      }
    }
    this.pos = length;
    return { value: text.slice(start, length), start, end: length, closed: false };
  }
}

/** `[[` is level 0, `[==[` level 2; -1 when `pos` does not open a Lua long bracket. */
function longBracketLevel(text: string, pos: number): number {
  let level = 0;
  let i = pos + 1;
  while (text[i] === '=') {
    level++;
    i++;
  }
  return text[i] === '[' ? level : -1;
}

function skipLongBracket(text: string, pos: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const end = text.indexOf(close, pos + level + 2);
  return end === -1 ? text.length : end + close.length;
}
