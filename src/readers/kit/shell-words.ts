/**
 * Words as a POSIX shell reads them, and the simple commands of a script: quotes, backslashes,
 * `$NAME` / `${NAME:-x}` / `$(…)` / backticks, `\`-newline continuations, comments, the
 * operators that separate commands (`;` `&&` `||` `|` `&` newline), redirections (kept apart
 * from the words, with their target), here-documents (skipped), and the reserved words of
 * compound commands, whose nesting depth each command records (a variable set inside `if … fi`
 * may not be set), with whether it is an `if` condition and what reads its output through a pipe.
 *
 * Two other dialects share the word rules: Docker's (ENV, WORKDIR: whitespace only, a configurable
 * escape character, no operators) and Compose's (`command:` strings split like a shell, but no
 * operators; `$$` is a literal `$`).
 */
import { append } from '../../source/append';
import type { MappedText } from './mapped-text';

export type WordPart =
  /** Text taken as it is; `offsets` are file offsets, one per character. */
  | { kind: 'literal'; text: string; offsets: number[]; quoted: boolean }
  /** `$NAME`, `${NAME}`, `${NAME:-word}` …; `start`/`end` are file offsets of the whole expansion. */
  | { kind: 'parameter'; name: string; quoted: boolean; start: number; end: number; operator?: string; operand?: string }
  /** `$(…)`, backticks, `$((…))`, `$1`, `$@`, `${#x}`: never known statically. */
  | { kind: 'opaque'; text: string; quoted: boolean; start: number; end: number };

export interface ShellWord {
  parts: WordPart[];
  /** File offsets of the word as written. */
  start: number;
  end: number;
}

/** `> file`, `2>> log`, `< input`, `<<EOF`: not arguments, but where the command reads or writes. */
export interface ShellRedirect {
  /** `>`, `>>`, `>|`, `&>`, `&>>`, `<`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `<>`. */
  operator: string;
  /** The file descriptor written in front (`2>`), if any. */
  fd?: number;
  /** The file (or the here-document's delimiter, or the descriptor of `>&2`). */
  target: ShellWord;
  start: number;
}

export interface ShellCommand {
  /** Empty for the redirections that follow a compound command (`} > file`). */
  words: ShellWord[];
  redirects: ShellRedirect[];
  /** Followed by `|` or `|&`: its output is the next command's input. */
  pipesInto: boolean;
  /**
   * The control operator between it and the command before it in the same list, where that is
   * not `;` or a newline: `&&` (it runs when that one succeeds), `||` (when it fails), `&` (that
   * one runs in the background), `|` or `|&` (it reads that one's output).
   */
  after?: '&&' | '||' | '&' | '|' | '|&';
  /**
   * Where its standard output goes through a pipe, its own (`cmd | tr`) or that of a group around
   * it (`( echo; cmd ) | tr`): the index of the simple command that reads it, or `compound` when
   * a compound command does (`cmd | while read line; do …; done`).
   */
  outputReadBy?: number | 'compound';
  /** In the condition of an `if` or `elif` (`if cmd; then`): the script runs it for its exit status. */
  tested?: true;
  /** Compound commands (`if`, `case`, loops, `{ }`, subshells, functions) around it. */
  depth: number;
  /** The `if` and `case` branches it is in, outermost first: it runs only where each is taken. */
  branches?: ShellBranch[];
  /** The innermost function whose body holds it (`server() { exec gunicorn …; }`): it runs where the function is called. */
  inFunction?: string;
  /** Followed by `&`: it runs in the background, in a subshell of its own. */
  background?: true;
  start: number;
  end: number;
}

/**
 * A branch of an `if` or a `case` (the commands of one `then`/`else` part, or of one arm).
 * `inLoop` / `inFunction`: the construct is inside a loop or a function body, where `$1` is not
 * the script's first argument (a function's own, or one a loop's `shift` moved).
 */
export type ShellBranch =
  | {
      kind: 'case';
      /** The word after `case`. */
      subject: ShellWord;
      /** This arm's patterns (`a|b)`), and those of the arms before it, which must not match. */
      patterns: ShellWord[];
      earlier: ShellWord[];
      /** Index in the script's commands of the first command after the `case` line: where the subject is expanded. */
      at: number;
      inLoop: boolean;
      inFunction: boolean;
    }
  | {
      kind: 'if';
      /** Conditions that must hold (the `if` or `elif` one; none for `else`), and those that must not (the earlier ones). */
      when: ShellCondition[];
      unless: ShellCondition[];
      inLoop: boolean;
      inFunction: boolean;
    };

/** An `if`/`elif` condition: its one simple command and where that is in the script, or undefined when it is a list, a pipeline or negated. */
export type ShellCondition = { words: ShellWord[]; at: number } | undefined;

/**
 * A function definition (`name() { …; }`, bash's `function name { …; }`): defining it runs
 * nothing; its body runs where it is called (POSIX XCU 2.9.5).
 */
export interface ShellFunction {
  name: string;
  /** The commands of its body: `commands[first]` up to, not including, `commands[end]`. */
  first: number;
  end: number;
  /** Compound commands around the definition; its body's own commands are at `depth + 1`. */
  depth: number;
  /** `{ …; }`; a subshell body (`name() ( … )`) or another compound command runs otherwise. */
  braceBody: boolean;
  /** `name() { …; } > file`: every call's output is redirected. */
  redirected: boolean;
}

export interface ShellProblem {
  message: string;
  /** File offsets. */
  start: number;
  end: number;
}

export type Dialect = 'sh' | 'docker' | 'compose';

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const SPECIAL_PARAMETER = /[0-9@*#?$!-]/;

const OPENERS = new Set(['if', 'case', 'for', 'while', 'until', 'select', '{']);
const LOOPS = new Set(['for', 'while', 'until', 'select']);
const CLOSERS = new Set(['fi', 'esac', 'done', '}']);
/** Reserved words that may stand in front of a command and are not part of it. */
const PREFIX_WORDS = new Set(['then', 'else', 'elif', 'do', '!', 'time']);

interface Token {
  kind: 'word' | 'operator' | 'newline' | 'redirect';
  word?: ShellWord;
  operator?: string;
  redirect?: ShellRedirect;
  /** Text index. */
  index: number;
}

class Lexer {
  private i = 0;
  readonly problems: ShellProblem[] = [];
  private pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(
    private readonly input: MappedText,
    private readonly dialect: Dialect,
    private readonly escape = '\\',
  ) {}

  private get text() {
    return this.input.text;
  }

  tokens(): Token[] {
    const out: Token[] = [];
    const text = this.text;
    while (this.i < text.length) {
      const c = text[this.i];
      if (c === ' ' || c === '\t' || c === '\r' || (c === '\n' && this.dialect !== 'sh')) {
        this.i++;
        continue;
      }
      if (c === this.escape && text[this.i + 1] === '\n') {
        this.i += 2;
        continue;
      }
      if (this.dialect === 'sh') {
        if (c === '\n') {
          out.push({ kind: 'newline', index: this.i });
          this.i++;
          this.skipHeredocBodies();
          continue;
        }
        if (c === '#') {
          while (this.i < text.length && text[this.i] !== '\n') this.i++;
          continue;
        }
        const operator = this.operatorAt(this.i);
        if (operator) {
          // A redirection and its target are not arguments.
          if (/^(<|>|&>)/.test(operator)) {
            const index = this.i;
            this.i += operator.length;
            const redirect = this.readRedirectTarget(operator, this.input.offsetAt(index));
            if (redirect) out.push({ kind: 'redirect', redirect, index });
            continue;
          }
          out.push({ kind: 'operator', operator, index: this.i });
          this.i += operator.length;
          continue;
        }
      }
      const index = this.i;
      const word = this.readWord();
      // `2>&1`: a word of digits glued to a redirection is the file descriptor, not an argument.
      if (this.dialect === 'sh' && (text[this.i] === '<' || text[this.i] === '>') && /^\d+$/.test(literalText(word) ?? '')) {
        const operator = this.operatorAt(this.i)!;
        this.i += operator.length;
        const redirect = this.readRedirectTarget(operator, word.start, Number(literalText(word)));
        if (redirect) out.push({ kind: 'redirect', redirect, index });
        continue;
      }
      out.push({ kind: 'word', word, index });
    }
    return out;
  }

  private operatorAt(i: number): string | undefined {
    const rest = this.text.slice(i, i + 3);
    for (const operator of ['<<<', '<<-', '&>>', '&&', '||', ';;', '|&', '>>', '<<', '>&', '<&', '<>', '>|', '&>', ';', '&', '|', '(', ')', '<', '>']) {
      if (rest.startsWith(operator)) return operator;
    }
    return undefined;
  }

  private readRedirectTarget(operator: string, start: number, fd?: number): ShellRedirect | undefined {
    const text = this.text;
    while (this.i < text.length && (text[this.i] === ' ' || text[this.i] === '\t')) this.i++;
    if (this.i >= text.length || text[this.i] === '\n') return undefined;
    const word = this.readWord();
    if (operator === '<<' || operator === '<<-') {
      const delimiter = word.parts.map((part) => (part.kind === 'literal' ? part.text : part.kind === 'parameter' ? `$${part.name}` : part.text)).join('');
      this.pendingHeredocs.push({ delimiter, stripTabs: operator === '<<-' });
    }
    return { operator, ...(fd !== undefined ? { fd } : {}), target: word, start };
  }

  private skipHeredocBodies() {
    const text = this.text;
    for (const heredoc of this.pendingHeredocs) {
      while (this.i < text.length) {
        let lineEnd = text.indexOf('\n', this.i);
        if (lineEnd === -1) lineEnd = text.length;
        let line = text.slice(this.i, lineEnd).replace(/\r$/, '');
        if (heredoc.stripTabs) line = line.replace(/^\t+/, '');
        this.i = Math.min(text.length, lineEnd + 1);
        if (line === heredoc.delimiter) break;
      }
    }
    this.pendingHeredocs = [];
  }

  private isWordEnd(c: string): boolean {
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') return true;
    return this.dialect === 'sh' && ';&|()<>'.includes(c);
  }

  /** One word from the current position; the caller has skipped blanks. */
  readWord(): ShellWord {
    const text = this.text;
    const parts: WordPart[] = [];
    const startIndex = this.i;
    let literal: Extract<WordPart, { kind: 'literal' }> | undefined;
    const pushChar = (chars: string, index: number, quoted: boolean) => {
      if (!literal || literal.quoted !== quoted) {
        literal = { kind: 'literal', text: '', offsets: [], quoted };
        parts.push(literal);
      }
      for (const ch of chars) {
        literal.text += ch;
        literal.offsets.push(this.input.offsetAt(index));
      }
    };
    const pushPart = (part: WordPart) => {
      literal = undefined;
      parts.push(part);
    };
    // `""` is an argument of its own even though it holds nothing.
    const emptyQuoted = () => {
      literal = undefined;
      parts.push({ kind: 'literal', text: '', offsets: [], quoted: true });
    };

    while (this.i < text.length) {
      const c = text[this.i];
      if (this.isWordEnd(c)) break;
      if (c === this.escape) {
        const next = text[this.i + 1];
        if (next === undefined) {
          pushChar(c, this.i, false);
          this.i++;
          continue;
        }
        if (next === '\n') {
          this.i += 2;
          continue;
        }
        pushChar(next, this.i, true);
        this.i += 2;
        continue;
      }
      if (c === "'") {
        const close = text.indexOf("'", this.i + 1);
        if (close === -1) {
          this.problem('unterminated quoted string', this.i, text.length);
          for (let k = this.i + 1; k < text.length; k++) pushChar(text[k], k, true);
          this.i = text.length;
          break;
        }
        if (close === this.i + 1) emptyQuoted();
        if (this.dialect === 'compose') {
          // Compose interpolates before it splits: `$$` and `${VAR}` count inside single quotes too.
          this.i++;
          while (this.i < close) {
            const part = text[this.i] === '$' ? this.readDollar(true) : undefined;
            if (part?.kind === 'literal') pushChar(part.text, this.i - 1, true);
            else if (part) pushPart(part);
            else pushChar(text[this.i], this.i++, true);
          }
        } else for (let k = this.i + 1; k < close; k++) pushChar(text[k], k, true);
        this.i = close + 1;
        continue;
      }
      if (c === '"') {
        const open = this.i;
        this.i++;
        let closed = false;
        let any = false;
        while (this.i < text.length) {
          const d = text[this.i];
          if (d === '"') {
            closed = true;
            this.i++;
            break;
          }
          if (d === this.escape && this.i + 1 < text.length) {
            const next = text[this.i + 1];
            if (next === '\n') {
              this.i += 2;
              continue;
            }
            // In double quotes a backslash escapes only these; elsewhere it stays.
            if ('$`"\\'.includes(next) || (this.escape !== '\\' && next === this.escape)) {
              pushChar(next, this.i, true);
              any = true;
              this.i += 2;
              continue;
            }
            pushChar(d, this.i, true);
            any = true;
            this.i++;
            continue;
          }
          if (d === '$') {
            const part = this.readDollar(true);
            if (part) {
              if (part.kind === 'literal') pushChar(part.text, this.i - 1, true);
              else pushPart(part);
              any = true;
              continue;
            }
          }
          if (d === '`' && this.dialect === 'sh') {
            pushPart(this.readBackticks(true));
            any = true;
            continue;
          }
          pushChar(d, this.i, true);
          any = true;
          this.i++;
        }
        if (!closed) this.problem('unterminated quoted string', open, text.length);
        if (!any) emptyQuoted();
        continue;
      }
      if (c === '$') {
        if (this.dialect === 'sh' && text[this.i + 1] === "'") {
          this.readAnsiC(pushChar, emptyQuoted);
          continue;
        }
        const part = this.readDollar(false);
        if (part) {
          if (part.kind === 'literal') pushChar(part.text, this.i - 1, false);
          else pushPart(part);
          continue;
        }
      }
      if (c === '`' && this.dialect === 'sh') {
        pushPart(this.readBackticks(false));
        continue;
      }
      pushChar(c, this.i, false);
      this.i++;
    }
    return { parts, start: this.input.offsetAt(startIndex), end: this.input.endOffsetAt(this.i) };
  }

  /**
   * At a `$`: an expansion, or undefined when the `$` is literal (then the caller takes it as a
   * character). Returns a literal part for Compose's `$$` (one `$`), with this.i past it.
   */
  private readDollar(quoted: boolean): WordPart | undefined {
    const text = this.text;
    const start = this.i;
    const next = text[start + 1];
    if (this.dialect === 'compose' && next === '$') {
      this.i += 2;
      return { kind: 'literal', text: '$', offsets: [], quoted };
    }
    if (next === '{') {
      const close = this.matching(start + 1, '{', '}');
      if (close === -1) {
        this.problem('unterminated "${"', start, text.length);
        this.i = text.length;
        return { kind: 'opaque', text: text.slice(start), quoted, start: this.input.offsetAt(start), end: this.input.endOffset };
      }
      this.i = close + 1;
      const inner = text.slice(start + 2, close);
      const fileStart = this.input.offsetAt(start);
      const fileEnd = this.input.endOffsetAt(close + 1);
      const simple = /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
      if (simple) return { kind: 'parameter', name: simple[1], quoted, start: fileStart, end: fileEnd };
      const withOperator = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-=+?])([\s\S]*)$/.exec(inner);
      if (withOperator) {
        return { kind: 'parameter', name: withOperator[1], quoted, start: fileStart, end: fileEnd, operator: withOperator[2], operand: withOperator[3] };
      }
      return { kind: 'opaque', text: text.slice(start, close + 1), quoted, start: fileStart, end: fileEnd };
    }
    if (next === '(' && this.dialect === 'sh') {
      const close = this.matching(start + 1, '(', ')');
      const end = close === -1 ? text.length : close + 1;
      if (close === -1) this.problem('unterminated "$("', start, text.length);
      this.i = end;
      return { kind: 'opaque', text: text.slice(start, end), quoted, start: this.input.offsetAt(start), end: this.input.endOffsetAt(end) };
    }
    if (next !== undefined && NAME_START.test(next)) {
      let k = start + 1;
      while (k < text.length && NAME_CHAR.test(text[k])) k++;
      this.i = k;
      return { kind: 'parameter', name: text.slice(start + 1, k), quoted, start: this.input.offsetAt(start), end: this.input.endOffsetAt(k) };
    }
    if (next !== undefined && this.dialect === 'sh' && SPECIAL_PARAMETER.test(next)) {
      this.i = start + 2;
      return { kind: 'opaque', text: text.slice(start, start + 2), quoted, start: this.input.offsetAt(start), end: this.input.endOffsetAt(start + 2) };
    }
    return undefined;
  }

  /** Index of the `"` that closes the one at `open`, past escapes and the `$(…)` and backquotes inside; -1 if none. */
  private closingDoubleQuote(open: number): number {
    const text = this.text;
    for (let k = open + 1; k < text.length; k++) {
      const c = text[k];
      if (c === '\\') k++;
      else if (c === '"') return k;
      else if (c === '$' && text[k + 1] === '(') {
        const close = this.matching(k + 1, '(', ')');
        if (close === -1) return -1;
        k = close;
      } else if (c === '`') {
        let end = k + 1;
        while (end < text.length && text[end] !== '`') end += text[end] === '\\' ? 2 : 1;
        if (end >= text.length) return -1;
        k = end;
      }
    }
    return -1;
  }

  /** Index of the bracket that closes the one at `open`, skipping quoted text; -1 if none. */
  private matching(open: number, opener: string, closer: string): number {
    const text = this.text;
    let depth = 0;
    for (let k = open; k < text.length; k++) {
      const c = text[k];
      if (c === '\\') {
        k++;
        continue;
      }
      if (c === "'" && opener === '(') {
        const close = text.indexOf("'", k + 1);
        if (close === -1) return -1;
        k = close;
        continue;
      }
      // Inside double quotes a `'` is a character (`$(echo "it's")`), and `)` closes nothing.
      if (c === '"' && opener === '(') {
        const close = this.closingDoubleQuote(k);
        if (close === -1) return -1;
        k = close;
        continue;
      }
      if (c === opener) depth++;
      else if (c === closer) {
        depth--;
        if (depth === 0) return k;
      }
    }
    return -1;
  }

  private readBackticks(quoted: boolean): WordPart {
    const text = this.text;
    const start = this.i;
    let k = start + 1;
    while (k < text.length && text[k] !== '`') k += text[k] === '\\' ? 2 : 1;
    if (k >= text.length) this.problem('unterminated "`"', start, text.length);
    const end = Math.min(k + 1, text.length);
    this.i = end;
    return { kind: 'opaque', text: text.slice(start, end), quoted, start: this.input.offsetAt(start), end: this.input.endOffsetAt(end) };
  }

  /** `$'…'` (bash, dash ≥ 0.5.12): backslash escapes decoded. */
  private readAnsiC(pushChar: (chars: string, index: number, quoted: boolean) => void, emptyQuoted: () => void) {
    const text = this.text;
    const open = this.i;
    let k = open + 2;
    let any = false;
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };
    while (k < text.length && text[k] !== "'") {
      if (text[k] === '\\' && k + 1 < text.length) {
        pushChar(escapes[text[k + 1]] ?? `\\${text[k + 1]}`, k, true);
        k += 2;
      } else {
        pushChar(text[k], k, true);
        k++;
      }
      any = true;
    }
    if (k >= text.length) this.problem('unterminated quoted string', open, text.length);
    if (!any) emptyQuoted();
    this.i = Math.min(k + 1, text.length);
  }

  private problem(message: string, startIndex: number, endIndex: number) {
    this.problems.push({ message, start: this.input.offsetAt(startIndex), end: this.input.endOffsetAt(endIndex) });
  }
}

/** The text of a word made only of literal parts, else undefined. */
export function literalText(word: ShellWord): string | undefined {
  let text = '';
  for (const part of word.parts) {
    if (part.kind !== 'literal') return undefined;
    text += part.text;
  }
  return text;
}

/** Unquoted literal text of a word (for reserved words and assignments), else undefined. */
function bareText(word: ShellWord): string | undefined {
  let text = '';
  for (const part of word.parts) {
    if (part.kind !== 'literal' || part.quoted) return undefined;
    text += part.text;
  }
  return text;
}

/** Splits text into words the way Docker (ENV, WORKDIR) or Compose (`command:` strings) do. */
export function splitWords(input: MappedText, dialect: 'docker' | 'compose', escape = '\\'): { words: ShellWord[]; problems: ShellProblem[] } {
  const lexer = new Lexer(input, dialect, escape);
  const words = lexer.tokens().flatMap((token) => (token.word ? [token.word] : []));
  return { words, problems: lexer.problems };
}

/** One word with quote removal and expansions, keeping blanks (Docker's legacy `ENV KEY value …`). */
export function wholeWord(input: MappedText, escape = '\\'): { word: ShellWord; problems: ShellProblem[] } {
  const { words, problems } = splitWords(input, 'docker', escape);
  if (words.length <= 1) return { word: words[0] ?? { parts: [], start: input.offsetAt(0), end: input.endOffset }, problems };
  // Blanks between the words are part of the value: rebuild the parts with the gaps as literals.
  const parts: WordPart[] = [];
  for (let w = 0; w < words.length; w++) {
    if (w > 0) {
      const gapStart = words[w - 1].end;
      const gapEnd = words[w].start;
      const gap = input.source.text.slice(gapStart, gapEnd).replace(/\\\r?\n/g, '');
      const offsets = [...gap].map((_, k) => gapStart + k);
      parts.push({ kind: 'literal', text: gap, offsets, quoted: true });
    }
    append(parts, words[w].parts);
  }
  return { word: { parts, start: words[0].start, end: words[words.length - 1].end }, problems };
}

/** A compound command being read: what it is, and for `if` and `case` which branch the reader is in. */
interface Frame {
  word: string;
  /** Index in the script's commands of the first command inside it. */
  firstCommand: number;
  loop: boolean;
  /** A function's body. */
  function?: string;
  /** That function, recorded when its body closes. */
  definition?: ShellFunction;
  /** Inside a loop or a function body (this one or one around it). */
  inLoop: boolean;
  inFunction: boolean;
  /** `if`: reading a condition (its commands so far) or a branch's body. */
  condition?: { commands: ShellCommand[]; at: number; negated: boolean };
  /** `case`: reading an arm's patterns or its body; the subject and the patterns of the arms so far. */
  arms?: { subject: ShellWord; at: number; readingPatterns: boolean; patterns: ShellWord[]; earlier: ShellWord[] };
  /** `if`: conditions of the branches before this one. */
  failed?: ShellCondition[];
  /** The branch being read, once its body starts. */
  branch?: ShellBranch;
}

/** The simple commands of a shell script or `sh -c` string, in order. */
export function parseShell(input: MappedText): { commands: ShellCommand[]; functions: ShellFunction[]; problems: ShellProblem[] } {
  const lexer = new Lexer(input, 'sh');
  const tokens = lexer.tokens();
  const commands: ShellCommand[] = [];
  const functions: ShellFunction[] = [];
  const stack: Frame[] = [];
  let words: ShellWord[] = [];
  let redirects: ShellRedirect[] = [];
  /** A function's name, read before its body opens (`name()`, `function name`). */
  let functionName: string | undefined;
  /** The compound command that just closed (`)`, `}`, `done`, `fi`, `esac`), while a pipe may follow it. */
  let closedGroup: Frame | undefined;
  /** Commands whose output the next command reads, and the depth that command must be at to be simple. */
  let producers: { commands: ShellCommand[]; depth: number } | undefined;
  /** The control operator that ended the last command, for the next one (ShellCommand.after). */
  let after: ShellCommand['after'];

  const top = () => stack[stack.length - 1] as Frame | undefined;
  const open = (word: string) => {
    const around = top();
    const frame: Frame = {
      word,
      firstCommand: commands.length,
      loop: LOOPS.has(word),
      ...(functionName !== undefined ? { function: functionName } : {}),
      inLoop: (around?.inLoop ?? false) || (around?.loop ?? false),
      inFunction: (around?.inFunction ?? false) || around?.function !== undefined,
    };
    functionName = undefined;
    stack.push(frame);
    return frame;
  };
  /** The compound command read ends: a function's body closing defines the function. */
  const close = (): Frame | undefined => {
    const frame = stack.pop();
    if (frame?.function !== undefined) {
      frame.definition = {
        name: frame.function,
        first: frame.firstCommand,
        end: commands.length,
        depth: stack.length,
        braceBody: frame.word === '{',
        redirected: false,
      };
      functions.push(frame.definition);
    }
    return frame;
  };
  /** `then` / `else`: the body of an `if` branch starts. */
  const startBody = (frame: Frame, when: ShellCondition[]) => {
    frame.branch = { kind: 'if', when, unless: [...frame.failed!], inLoop: frame.inLoop, inFunction: frame.inFunction };
  };
  /** `( … ) | cmd`: the output of each command in the group that writes to the group's own goes into the pipe. */
  const pipedGroup = (group: Frame) => {
    const inside = commands
      .slice(group.firstCommand)
      .filter((command) => command.words.length > 0 && !command.pipesInto && !command.redirects.some(writesOutputElsewhere));
    producers = { commands: inside, depth: stack.length };
  };
  /** The command at `index` is the next one read: it reads the pipe's output, unless it is inside a compound command opened after the `|`. */
  const readsPipe = (index: number) => {
    if (!producers) return;
    const reader = stack.length === producers.depth ? index : 'compound';
    for (const producer of producers.commands) producer.outputReadBy ??= reader;
    producers = undefined;
  };
  const endCondition = (frame: Frame): ShellCondition => {
    const { commands: list, at, negated } = frame.condition!;
    frame.condition = undefined;
    return list.length === 1 && !negated && !list[0].pipesInto ? { words: list[0].words, at } : undefined;
  };

  const finish = (pipesInto = false) => {
    // Reserved words at the front open or close compound commands, or just lead into the command.
    while (words.length > 0) {
      const first = bareText(words[0]);
      const frame = top();
      // A `case` arm's patterns (`a|b)`) are no command.
      if (frame?.arms?.readingPatterns) {
        if (first === 'esac') {
          stack.pop();
          words.shift();
          continue;
        }
        frame.arms.patterns.push(...words);
        words = [];
        break;
      }
      if (first === undefined) break;
      if (first === 'function' && words.length > 1 && bareText(words[1]) !== undefined) {
        // bash's `function name { …; }`.
        functionName = bareText(words[1]);
        words = words.slice(2);
        continue;
      }
      if (OPENERS.has(first)) {
        const opened = open(first);
        words.shift();
        if (first === 'if') opened.condition = { commands: [], at: commands.length, negated: false };
        if (first === 'if') opened.failed = [];
        if (first === 'case') {
          // `case WORD in`: what follows on the line is the first arm's patterns.
          const subject = words[0];
          const rest = words[1] && bareText(words[1]) === 'in' ? words.slice(2) : [];
          if (subject) opened.arms = { subject, at: commands.length, readingPatterns: true, patterns: [], earlier: [] };
          words = rest;
          continue;
        }
        // `for x in a b`, `select`: the header is not a command.
        if (first === 'for' || first === 'select') words = [];
        continue;
      }
      if (CLOSERS.has(first)) {
        closedGroup = close();
        words.shift();
        continue;
      }
      if (PREFIX_WORDS.has(first)) {
        if (frame?.word === 'if') {
          if (first === 'then' && frame.condition) startBody(frame, [endCondition(frame)]);
          else if (first === 'elif' && frame.branch?.kind === 'if') {
            frame.failed!.push(...frame.branch.when);
            frame.branch = undefined;
            frame.condition = { commands: [], at: commands.length, negated: false };
          } else if (first === 'else' && frame.branch?.kind === 'if') {
            frame.failed!.push(...frame.branch.when);
            startBody(frame, []);
          } else if (first === '!' && frame.condition) frame.condition.negated = true;
        }
        words.shift();
        continue;
      }
      break;
    }
    const group = closedGroup;
    closedGroup = undefined;
    if (words.length > 0) {
      const branches = stack.flatMap((frame) => (frame.branch ? [frame.branch] : []));
      const inFunction = [...stack].reverse().find((frame) => frame.function !== undefined)?.function;
      const command: ShellCommand = {
        words,
        redirects,
        pipesInto,
        ...(after !== undefined ? { after } : {}),
        depth: stack.length,
        ...(branches.length > 0 ? { branches } : {}),
        ...(inFunction !== undefined ? { inFunction } : {}),
        ...(stack.some((frame) => frame.condition) ? { tested: true as const } : {}),
        start: words[0].start,
        end: words[words.length - 1].end,
      };
      readsPipe(commands.length);
      commands.push(command);
      if (pipesInto && !redirects.some(writesOutputElsewhere)) producers = { commands: [command], depth: stack.length };
      const frame = top();
      if (frame?.condition) frame.condition.commands.push(command);
      functionName = undefined;
      after = undefined;
    } else if (redirects.length > 0) {
      // `} > file`, `done > file`, `) > file`: the whole compound command's output; no words.
      readsPipe(commands.length);
      commands.push({ words: [], redirects, pipesInto, depth: stack.length, start: redirects[0].start, end: redirects[redirects.length - 1].target.end });
      if (group?.definition) group.definition.redirected = true;
      if (pipesInto && group && !redirects.some(writesOutputElsewhere)) pipedGroup(group);
    } else if (pipesInto && group) pipedGroup(group);
    words = [];
    redirects = [];
  };

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    if (token.kind === 'word') {
      words.push(token.word!);
      continue;
    }
    if (token.kind === 'redirect') {
      redirects.push(token.redirect!);
      continue;
    }
    const operator = token.kind === 'operator' ? token.operator : undefined;
    const arms = top()?.arms;
    if (operator === '(') {
      // `(pattern)`: a case arm's optional opening parenthesis.
      if (arms?.readingPatterns && words.length === 0) continue;
      // `name() { …; }`, `function name() …`: a function definition; its body is the compound command that follows.
      const named = words.length === 1 || (words.length === 2 && bareText(words[0]) === 'function') ? bareText(words[words.length - 1]) : undefined;
      if (named !== undefined && /^[^\s$`'"]+$/.test(named) && tokens[t + 1]?.kind === 'operator' && tokens[t + 1].operator === ')') {
        words = [];
        functionName = named;
        t++;
        continue;
      }
      finish();
      open('(');
      continue;
    }
    if (operator === ')') {
      // Ends a case arm's patterns (the words of a one-line `case x in pattern)` first open the case),
      // or a subshell.
      finish();
      const frame = top();
      if (frame?.arms?.readingPatterns) {
        frame.arms.readingPatterns = false;
        frame.branch = {
          kind: 'case',
          subject: frame.arms.subject,
          patterns: frame.arms.patterns,
          earlier: [...frame.arms.earlier],
          at: frame.arms.at,
          inLoop: frame.inLoop,
          inFunction: frame.inFunction,
        };
      } else if (frame?.word !== 'case') closedGroup = close();
      continue;
    }
    if (arms?.readingPatterns && operator === '|') {
      finish();
      continue;
    }
    const before = commands.length;
    finish(operator === '|' || operator === '|&');
    if (operator === '&' && commands.length > before) commands[commands.length - 1].background = true;
    after = operator === '&&' || operator === '||' || operator === '&' || operator === '|' || operator === '|&' ? operator : undefined;
    if (operator === ';;') {
      const frame = top();
      if (frame?.arms && !frame.arms.readingPatterns) {
        frame.arms.earlier.push(...frame.arms.patterns);
        frame.arms = { ...frame.arms, readingPatterns: true, patterns: [] };
        frame.branch = undefined;
      }
    }
  }
  finish();
  return { commands, functions, problems: lexer.problems };
}

/** `> file`, `>&2`, `&> file`, `>&-`: standard output goes elsewhere than where the command's context sends it (`2>&1` does not). */
function writesOutputElsewhere(redirect: ShellRedirect): boolean {
  return /^(>|>>|>\||&>|&>>|>&)$/.test(redirect.operator) && (redirect.fd === undefined || redirect.fd === 1);
}

/** `NAME=value` at the start of a command: the name and the value's parts, else undefined. */
export function assignmentOf(word: ShellWord): { name: string; value: ShellWord } | undefined {
  const first = word.parts[0];
  if (!first || first.kind !== 'literal' || first.quoted) return undefined;
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!match) return undefined;
  const cut = match[0].length;
  const rest: WordPart[] = [];
  if (first.text.length > cut) rest.push({ kind: 'literal', text: first.text.slice(cut), offsets: first.offsets.slice(cut), quoted: false });
  append(rest, word.parts.slice(1));
  const valueStart = first.offsets[cut] ?? word.end;
  return { name: match[1], value: { parts: rest, start: Math.min(valueStart, word.end), end: word.end } };
}
