/**
 * A small HCL (Terraform native syntax) parser that keeps the offset of every block, label,
 * attribute and value. It structures what cfglint judges (literals, references, objects,
 * tuples) and keeps every other expression (calls, conditionals, for-expressions, templates
 * with interpolations) as an opaque `other` with its span: rules never guess those.
 * Why hand-written and not a package: docs/design.md, "Terraform".
 */

export interface Range {
  start: number;
  end: number;
}

export type HclExpr =
  | { kind: 'literal'; value: string | number | boolean | null; range: Range }
  /** `var.port`, `aws_lb.main.arn`, `local.x`, and the 0.11 form `"${var.port}"`. */
  | { kind: 'reference'; path: string[]; range: Range }
  | { kind: 'object'; items: HclObjectItem[]; range: Range }
  | { kind: 'tuple'; items: HclExpr[]; range: Range }
  | { kind: 'other'; range: Range };

export interface HclObjectItem {
  key: string | undefined;
  keyRange: Range;
  value: HclExpr;
}

export interface HclAttribute {
  name: string;
  nameRange: Range;
  value: HclExpr;
  range: Range;
}

export interface HclBlock {
  type: string;
  typeRange: Range;
  labels: { value: string; range: Range }[];
  body: HclBody;
  range: Range;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly range: Range,
  ) {
    super(message);
  }
}

type TokenKind = 'ident' | 'number' | 'string' | 'heredoc' | 'punct' | 'newline' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** Strings and heredocs: the value when it holds no `${…}` / `%{…}`. */
  value?: string;
  /** The raw content between the quotes (for the 0.11 `"${var.x}"` form). */
  raw?: string;
}

/** Nesting a real file never reaches; hostile input stops here instead of exhausting the stack. */
const MAX_DEPTH = 100;

const PUNCT3 = ['...'];
const PUNCT2 = ['==', '!=', '<=', '>=', '&&', '||', '=>', '[*', '.*'];

class Lexer {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly nesting = 0,
  ) {}

  next(): Token {
    const text = this.text;
    for (;;) {
      const c = text[this.pos];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') this.pos++;
      else if (c === '#' || (c === '/' && text[this.pos + 1] === '/')) {
        while (this.pos < text.length && text[this.pos] !== '\n') this.pos++;
      } else if (c === '/' && text[this.pos + 1] === '*') {
        const close = text.indexOf('*/', this.pos + 2);
        if (close < 0) throw new HclSyntaxError('Unterminated comment: "/*" has no "*/"', { start: this.pos, end: this.pos + 2 });
        this.pos = close + 2;
      } else break;
    }
    const start = this.pos;
    if (start >= text.length) return { kind: 'eof', text: '', start, end: start };
    const c = text[start];
    if (c === '\n') {
      this.pos++;
      return { kind: 'newline', text: '\n', start, end: this.pos };
    }
    if (/[A-Za-z_]/.test(c)) {
      let end = start + 1;
      while (end < text.length && /[\w-]/.test(text[end])) end++;
      this.pos = end;
      return { kind: 'ident', text: text.slice(start, end), start, end };
    }
    if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(start, start + 64))!;
      this.pos = start + match[0].length;
      return { kind: 'number', text: match[0], start, end: this.pos };
    }
    if (c === '"') return this.quoted(start);
    if (c === '<' && text[start + 1] === '<' && /^<<-?[A-Za-z_][\w-]*[ \t]*\r?\n/.test(text.slice(start, start + 200))) return this.heredoc(start);
    for (const group of [PUNCT3, PUNCT2]) {
      for (const p of group) {
        if (text.startsWith(p, start)) {
          this.pos = start + p.length;
          return { kind: 'punct', text: p, start, end: this.pos };
        }
      }
    }
    if ('{}[]()=,.:?!+-*/%<>'.includes(c)) {
      this.pos = start + 1;
      return { kind: 'punct', text: c, start, end: this.pos };
    }
    throw new HclSyntaxError(`Invalid character "${c}"`, { start, end: start + 1 });
  }

  /** A quoted template: escapes decoded; any `${…}` or `%{…}` makes its value unknown. */
  private quoted(start: number): Token {
    const text = this.text;
    let i = start + 1;
    let value = '';
    let interpolated = false;
    while (i < text.length && text[i] !== '"') {
      const c = text[i];
      if (c === '\n') throw new HclSyntaxError('Unterminated string: a quoted string ends at the end of its line', { start, end: i });
      if (c === '\\') {
        const escape = text[i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (escape in simple) {
          value += simple[escape];
          i += 2;
        } else if (escape === 'u' || escape === 'U') {
          const digits = escape === 'u' ? 4 : 8;
          const hex = text.slice(i + 2, i + 2 + digits);
          const code = /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : NaN;
          if (hex.length !== digits || !(code <= 0x10ffff)) throw new HclSyntaxError('Invalid escape sequence in a string', { start: i, end: i + 2 });
          value += String.fromCodePoint(code);
          i += 2 + digits;
        } else throw new HclSyntaxError(`Invalid escape sequence "\\${escape ?? ''}" in a string`, { start: i, end: i + 2 });
      } else if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
        // `$${` and `%%{` are the literal `${` and `%{`.
        value += `${c}{`;
        i += 3;
      } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
        interpolated = true;
        i = this.skipInterpolation(i + 2);
      } else {
        value += c;
        i++;
      }
    }
    if (i >= text.length) throw new HclSyntaxError('Unterminated string: no closing quote', { start, end: text.length });
    this.pos = i + 1;
    return { kind: 'string', text: text.slice(start, this.pos), start, end: this.pos, raw: text.slice(start + 1, i), ...(interpolated ? {} : { value }) };
  }

  /** From just inside `${`, past its closing `}` (braces and strings inside it nest). */
  private skipInterpolation(from: number): number {
    const text = this.text;
    let depth = 1;
    let i = from;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        if (this.nesting >= MAX_DEPTH) throw new HclSyntaxError(`Nesting deeper than ${MAX_DEPTH} levels`, { start: i, end: i + 1 });
        const inner = new Lexer(text, this.nesting + 1);
        inner.pos = i;
        i = inner.quoted(i).end;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i + 1;
      i++;
    }
    throw new HclSyntaxError('Unterminated template interpolation: "${" has no "}"', { start: from - 2, end: text.length });
  }

  private heredoc(start: number): Token {
    const text = this.text;
    const header = /^<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(text.slice(start, start + 200))!;
    const marker = header[2];
    let lineStart = start + header[0].length;
    const bodyStart = lineStart;
    while (lineStart <= text.length) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = text.length;
      if (text.slice(lineStart, lineEnd).trim() === marker) {
        this.pos = lineEnd;
        const body = text.slice(bodyStart, lineStart);
        return { kind: 'heredoc', text: text.slice(start, lineEnd), start, end: lineEnd, ...(/[$%]\{/.test(body) ? {} : { value: body }) };
      }
      if (lineEnd >= text.length) break;
      lineStart = lineEnd + 1;
    }
    throw new HclSyntaxError(`Unterminated heredoc: no line "${marker}" closes it`, { start, end: start + header[0].length - 1 });
  }
}

const BINARY = new Set(['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '?', ':']);

class Parser {
  private token: Token;
  private depth = 0;
  constructor(private readonly lexer: Lexer) {
    this.token = lexer.next();
  }

  private advance(): Token {
    const current = this.token;
    this.token = this.lexer.next();
    return current;
  }

  private fail(message: string, token = this.token): never {
    const shown = token.kind === 'eof' ? 'the end of the file' : token.kind === 'newline' ? 'the end of the line' : `"${token.text.slice(0, 40)}"`;
    throw new HclSyntaxError(`${message}, found ${shown}`, { start: token.start, end: Math.max(token.end, token.start + 1) });
  }

  private expect(text: string): Token {
    if (this.token.kind !== 'punct' || this.token.text !== text) this.fail(`Expected "${text}"`);
    return this.advance();
  }

  private isPunct(text: string): boolean {
    return this.token.kind === 'punct' && this.token.text === text;
  }

  private kindIs(kind: TokenKind): boolean {
    return this.token.kind === kind;
  }

  private skipNewlines(): void {
    while (this.kindIs('newline')) this.advance();
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_DEPTH) throw new HclSyntaxError(`Nesting deeper than ${MAX_DEPTH} levels`, { start: at.start, end: at.end });
  }

  body(closing: boolean): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    for (;;) {
      this.skipNewlines();
      if (this.kindIs('eof')) {
        if (closing) this.fail('Expected "}" to close the block');
        return body;
      }
      if (closing && this.isPunct('}')) return body;
      if (!this.kindIs('ident')) this.fail('Expected an attribute name or a block type');
      const name = this.advance();
      if (this.isPunct('=')) {
        this.advance();
        const value = this.expression(false);
        body.attributes.push({ name: name.text, nameRange: range(name), value, range: { start: name.start, end: value.range.end } });
        this.endOfLine();
        continue;
      }
      const labels: HclBlock['labels'] = [];
      while (this.kindIs('string') || this.kindIs('ident')) {
        const label = this.advance();
        if (label.kind === 'string' && label.value === undefined) this.fail('A block label cannot hold an interpolation', label);
        labels.push({ value: label.kind === 'string' ? label.value! : label.text, range: range(label) });
      }
      if (this.token.kind !== 'punct' || this.token.text !== '{') this.fail(`Expected "=" or "{" after "${name.text}"`);
      this.enter(this.token);
      this.advance();
      const inner = this.body(true);
      const close = this.expect('}');
      this.depth--;
      body.blocks.push({ type: name.text, typeRange: range(name), labels, body: inner, range: { start: name.start, end: close.end } });
      this.endOfLine();
    }
  }

  private endOfLine(): void {
    const t = this.token;
    if (t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'punct' && t.text === '}')) return;
    this.fail('Expected a new line after the attribute or block');
  }

  /** @param free whether newlines are insignificant here (inside parentheses, brackets, call arguments). */
  expression(free: boolean, stopAtColon = false): HclExpr {
    this.enter(this.token);
    try {
      const first = this.operand(free);
      let result = first;
      for (;;) {
        if (free) this.skipNewlines();
        const t = this.token;
        if (t.kind !== 'punct' || !BINARY.has(t.text) || (stopAtColon && t.text === ':')) break;
        this.advance();
        if (free) this.skipNewlines();
        const right = this.operand(free);
        result = { kind: 'other', range: { start: first.range.start, end: right.range.end } };
      }
      return result;
    } finally {
      this.depth--;
    }
  }

  private operand(free: boolean): HclExpr {
    if (free) this.skipNewlines();
    const t = this.token;
    if (t.kind === 'punct' && (t.text === '-' || t.text === '!')) {
      this.advance();
      const inner = this.operand(free);
      if (t.text === '-' && inner.kind === 'literal' && typeof inner.value === 'number')
        return { kind: 'literal', value: -inner.value, range: { start: t.start, end: inner.range.end } };
      return { kind: 'other', range: { start: t.start, end: inner.range.end } };
    }
    let expr = this.primary();
    // Attribute access, indexes and splats after the primary.
    for (;;) {
      const p = this.token;
      if (p.kind === 'punct' && p.text === '.') {
        this.advance();
        const part = this.token;
        if (part.kind !== 'ident' && part.kind !== 'number') this.fail('Expected an attribute name after "."');
        this.advance();
        expr =
          expr.kind === 'reference'
            ? { kind: 'reference', path: [...expr.path, part.text], range: { start: expr.range.start, end: part.end } }
            : { kind: 'other', range: { start: expr.range.start, end: part.end } };
      } else if (p.kind === 'punct' && (p.text === '.*' || p.text === '[*')) {
        this.advance();
        const end = p.text === '[*' ? this.expect(']').end : p.end;
        expr = { kind: 'other', range: { start: expr.range.start, end } };
      } else if (p.kind === 'punct' && p.text === '[') {
        this.advance();
        this.expression(true);
        this.skipNewlines();
        const close = this.expect(']');
        expr = { kind: 'other', range: { start: expr.range.start, end: close.end } };
      } else break;
    }
    return expr;
  }

  private primary(): HclExpr {
    const t = this.token;
    if (t.kind === 'number') {
      this.advance();
      return { kind: 'literal', value: Number(t.text), range: range(t) };
    }
    if (t.kind === 'string' || t.kind === 'heredoc') {
      this.advance();
      if (t.value !== undefined) return { kind: 'literal', value: t.value, range: range(t) };
      // Terraform 0.11 wrote every reference as a template: "${var.port}".
      const only = t.kind === 'string' ? /^\$\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+)\s*\}$/.exec(t.raw ?? '') : null;
      if (only) return { kind: 'reference', path: only[1].split('.'), range: range(t) };
      return { kind: 'other', range: range(t) };
    }
    if (t.kind === 'ident') {
      this.advance();
      if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true', range: range(t) };
      if (t.text === 'null') return { kind: 'literal', value: null, range: range(t) };
      if (this.isPunct('(')) return this.call(t);
      return { kind: 'reference', path: [t.text], range: range(t) };
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.advance();
      this.expression(true);
      this.skipNewlines();
      const close = this.expect(')');
      return { kind: 'other', range: { start: t.start, end: close.end } };
    }
    if (t.kind === 'punct' && t.text === '[') return this.tuple();
    if (t.kind === 'punct' && t.text === '{') return this.object();
    return this.fail('Expected an expression');
  }

  private call(name: Token): HclExpr {
    this.advance();
    for (;;) {
      this.skipNewlines();
      if (this.isPunct(')')) break;
      this.expression(true);
      this.skipNewlines();
      if (this.isPunct('...')) this.advance();
      this.skipNewlines();
      if (this.isPunct(',')) this.advance();
      else if (!this.isPunct(')')) this.fail(`Expected "," or ")" in the arguments of ${name.text}()`);
    }
    const close = this.advance();
    return { kind: 'other', range: { start: name.start, end: close.end } };
  }

  private forExpression(open: Token, closing: string): HclExpr {
    // `[for x in xs : f(x)]`, `{for k, v in m : k => v if c}`: opaque, skipped to the bracket that closes it.
    for (;;) {
      this.skipNewlines();
      const t = this.token;
      if (t.kind === 'eof') this.fail(`Expected "${closing}" to close the for expression`);
      if (t.kind === 'punct' && t.text === closing) {
        this.advance();
        return { kind: 'other', range: { start: open.start, end: t.end } };
      }
      if (t.kind === 'punct' && (t.text === ')' || t.text === ']' || t.text === '}')) this.fail(`Expected "${closing}" to close the for expression`);
      if (t.kind === 'punct' && [',', ':', '=>', '...'].includes(t.text)) this.advance();
      else this.expression(true);
    }
  }

  private tuple(): HclExpr {
    const open = this.advance();
    this.skipNewlines();
    if (this.kindIs('ident') && this.token.text === 'for') return this.forExpression(open, ']');
    const items: HclExpr[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isPunct(']')) break;
      items.push(this.expression(true));
      this.skipNewlines();
      if (this.isPunct(',')) this.advance();
      else if (!this.isPunct(']')) this.fail('Expected "," or "]" in a list');
    }
    const close = this.advance();
    return { kind: 'tuple', items, range: { start: open.start, end: close.end } };
  }

  private object(): HclExpr {
    const open = this.advance();
    this.skipNewlines();
    if (this.kindIs('ident') && this.token.text === 'for') return this.forExpression(open, '}');
    const items: HclObjectItem[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.isPunct('}')) break;
      const keyToken = this.token;
      const keyExpr = this.expression(true, true);
      const key =
        keyExpr.kind === 'literal' && typeof keyExpr.value === 'string'
          ? keyExpr.value
          : keyExpr.kind === 'reference' && keyExpr.path.length === 1
            ? keyExpr.path[0]
            : undefined;
      if (!(this.isPunct('=') || this.isPunct(':'))) this.fail('Expected "=" or ":" after an object key', this.kindIs('eof') ? keyToken : this.token);
      this.advance();
      const value = this.expression(false);
      items.push({ key, keyRange: keyExpr.range, value });
      if (this.isPunct(',')) this.advance();
      else if (!this.kindIs('newline') && !this.isPunct('}')) this.fail('Expected "," or a new line between object items');
    }
    const close = this.advance();
    return { kind: 'object', items, range: { start: open.start, end: close.end } };
  }
}

function range(token: Token): Range {
  return { start: token.start, end: token.end };
}

/** The body of a `.tf` file; throws HclSyntaxError (with the offending range) on a syntax error. */
export function parseHcl(text: string): HclBody {
  return new Parser(new Lexer(text)).body(false);
}
