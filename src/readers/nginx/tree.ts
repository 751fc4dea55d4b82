/**
 * The directive tree as the reader stores it. A large file's tree is most of the heap and all of
 * it survives, so its size is what the garbage collector pays for: with a `Span` (three objects)
 * per directive and per argument and an object per argument, collection was half of the
 * reader's time on one large file (docs/performance.md). Here each file keeps its offsets in
 * typed arrays; a directive is a small object holding its name, its block and its number in
 * them. Argument objects, their values (rebuilt from the text as the lexer reads them) and
 * every span (line and column from the file's line-start table) are built the first time
 * something reads them, and kept, so reading one twice gives the same object.
 *
 * Other code may build NginxDirective objects of its own (ingress-nginx annotations), so code
 * that wants offsets, counts or values without building objects uses the helpers at the end,
 * which accept both.
 */
import type { Span } from '../../source/span';
import type { SourceText } from '../../source/text';
import { unescape, wordValue } from './lex';

export interface NginxArg {
  /** As nginx sees it: quotes removed, escapes processed. */
  value: string;
  quoted: boolean;
  span: Span;
}

export interface NginxDirective {
  name: string;
  nameSpan: Span;
  args: NginxArg[];
  /** From the name to the terminating `;` or the block's closing `}`. */
  span: Span;
  /** Present for block directives (`server { ... }`); raw Lua blocks have none. */
  block?: NginxDirective[];
  /** Span of the opening `{`. */
  blockOpen?: Span;
  file: string;
}

/** Slots per directive in FileTree.directiveData. */
const NAME_START = 0;
const NAME_END = 1;
/** Exclusive end: after the `;` or the closing `}`; the name's end while none was seen. */
const END = 2;
/** Offset of the opening `{`, or -1. */
const BLOCK_OPEN = 3;
const FIRST_ARG = 4;
const ARG_COUNT = 5;
const DIRECTIVE_SLOTS = 6;

/** Slots per argument in FileTree.argData: start (bitwise-not when quoted), end. */
const ARG_SLOTS = 2;

/**
 * Offsets of one file's directives and arguments, appended to by the parser. An argument's
 * value is rebuilt from its offsets when read (wordValue, as the lexer would have made it), so
 * reading a file keeps no string per argument.
 */
export class FileTree {
  directiveData: Int32Array<ArrayBuffer>;
  argData: Int32Array<ArrayBuffer>;
  /** Values that the offsets do not give: a Lua block's raw body, a quote that never closes. */
  private readonly storedValues = new Map<number, string>();

  /** Whether some value is kept rather than read from the offsets (it may differ from the text). */
  get storesValues(): boolean {
    return this.storedValues.size !== 0;
  }
  /**
   * What directives have built on demand, by directive number: in a map while few have (most
   * runs build spans for a handful of findings), then in an array of the file's length.
   */
  private builtByIndex: Map<number, Built> | (Built | undefined)[] | undefined;
  private directiveCount = 0;
  private argCount = 0;

  constructor(readonly source: SourceText) {
    // Sized from the text (real configs average 30-40 characters per directive, fewer per
    // argument), so that a large file rarely grows the arrays; they double when it does.
    const length = source.text.length;
    this.directiveData = new Int32Array(DIRECTIVE_SLOTS * Math.max(64, Math.ceil(length / 40)));
    this.argData = new Int32Array(ARG_SLOTS * Math.max(128, Math.ceil(length / 20)));
  }

  /** The value of argument number `index` of the file. */
  argValue(index: number): string {
    // Almost no file stores a value (an unclosed quote, a rendered template): skip the lookup then.
    const stored = this.storedValues.size === 0 ? undefined : this.storedValues.get(index);
    if (stored !== undefined) return stored;
    const start = this.argData[index * ARG_SLOTS];
    const end = this.argData[index * ARG_SLOTS + 1];
    // wordValue's work for a closed word (an unclosed one is stored), without its call: rules
    // read values a few hundred thousand times in a large tree, mostly in code that runs once.
    return start < 0 ? unescape(this.source.text.slice(~start + 1, end - 1)) : unescape(this.source.text.slice(start, end));
  }

  /**
   * Whether argument number `index` of the file equals `lower` ignoring ASCII case, compared in
   * the text without building its value when it is written plainly (no quotes, no backslash).
   */
  argEqualsIgnoringCase(index: number, lower: string): boolean {
    return this.argEqualsIn(index, lower, true);
  }

  /** Whether argument number `index` of the file is exactly `value`, compared in the text like argEqualsIgnoringCase. */
  argEquals(index: number, value: string): boolean {
    return this.argEqualsIn(index, value, false);
  }

  private argEqualsIn(index: number, expected: string, foldCase: boolean): boolean {
    const start = this.argData[index * ARG_SLOTS];
    const end = this.argData[index * ARG_SLOTS + 1];
    const text = this.source.text;
    if (start < 0 || (this.storedValues.size !== 0 && this.storedValues.has(index))) return this.valueEquals(index, expected, foldCase);
    // A plain word's value is its text unless it holds a backslash (an escape), which most files never have.
    if (end - start !== expected.length) return this.mayHoldEscapeOrCr && hasBackslash(text, start, end) && this.valueEquals(index, expected, foldCase);
    for (let i = 0; i < expected.length; i++) {
      const code = text.charCodeAt(start + i);
      // A backslash may start an escape: the value decides.
      if (code === 92) return this.valueEquals(index, expected, foldCase);
      // With foldCase, A-Z folded to a-z; other characters compared as they are.
      if ((foldCase && code >= 65 && code <= 90 ? code + 32 : code) !== expected.charCodeAt(i)) {
        return this.mayHoldEscapeOrCr && hasBackslash(text, start, end) && this.valueEquals(index, expected, foldCase);
      }
    }
    return true;
  }

  private valueEquals(index: number, expected: string, foldCase: boolean): boolean {
    const value = this.argValue(index);
    return (foldCase ? value.toLowerCase() : value) === expected;
  }

  /**
   * Gives back the room the arrays grew into while the file was read: they double when full, so
   * up to half of each can be empty, and a large tree keeps every file's for the whole run.
   */
  trimToSize() {
    const directiveLength = this.directiveCount * DIRECTIVE_SLOTS;
    if (this.directiveData.length > directiveLength) this.directiveData = this.directiveData.slice(0, directiveLength);
    const argLength = this.argCount * ARG_SLOTS;
    if (this.argData.length > argLength) this.argData = this.argData.slice(0, argLength);
  }

  /** Records a directive whose name spans [nameStart, nameEnd); its arguments follow. */
  addDirective(name: string, nameStart: number, nameEnd: number): ReadDirective {
    const index = this.directiveCount++;
    if ((index + 1) * DIRECTIVE_SLOTS > this.directiveData.length) this.directiveData = grow(this.directiveData);
    const at = index * DIRECTIVE_SLOTS;
    const data = this.directiveData;
    data[at + NAME_START] = nameStart;
    data[at + NAME_END] = nameEnd;
    data[at + END] = nameEnd;
    data[at + BLOCK_OPEN] = -1;
    data[at + FIRST_ARG] = this.argCount;
    data[at + ARG_COUNT] = 0;
    if (name === 'include') this.holdsInclude = true;
    return new ReadDirective(name, this, index);
  }

  /**
   * Appends a word to the arguments of the directive added last (arguments are read right after
   * their name). `closed` is false for a quote that never closes.
   */
  addArg(directive: ReadDirective, start: number, end: number, quoted: boolean, closed: boolean) {
    const index = this.argCount++;
    if ((index + 1) * ARG_SLOTS > this.argData.length) this.argData = grow(this.argData);
    this.argData[index * ARG_SLOTS] = quoted ? ~start : start;
    this.argData[index * ARG_SLOTS + 1] = end;
    if (!closed) this.storedValues.set(index, wordValue(this.source.text, start, end, quoted, closed));
    this.directiveData[directive.index * DIRECTIVE_SLOTS + ARG_COUNT]++;
  }

  /** Appends an argument whose value is not a word's (a Lua block's raw body). */
  addRawArg(directive: ReadDirective, value: string, start: number, end: number) {
    const index = this.argCount;
    this.addArg(directive, start, end, false, true);
    this.storedValues.set(index, value);
  }

  /** What directive number `index` has built so far (created empty on first use). */
  builtFor(index: number): Built {
    const all = (this.builtByIndex ??= new Map<number, Built>());
    if (!(all instanceof Map)) return (all[index] ??= {});
    let built = all.get(index);
    if (!built) {
      all.set(index, (built = {}));
      // An array of the file's length costs 8 bytes a directive: worth it once one in 16 has built
      // something. Preallocated at the final count, so that it stays a plain array rather than a dictionary.
      if (all.size * 16 > this.directiveCount) {
        const array = new Array<Built | undefined>(this.directiveCount);
        for (const [at, value] of all) array[at] = value;
        this.builtByIndex = array;
      }
    }
    return built;
  }

  /**
   * Per directive, whether its arguments hold a `$` (VARIABLE_MENTIONED) and a capture reference
   * `$1`..`$9` or `${1}`.. (CAPTURE_MENTIONED): found once per file, on first ask, by walking the
   * file's `$` signs alongside its directives, so that asking for every directive of a large
   * tree costs one array read each.
   */
  variableMentions(): Uint8Array {
    return this.mentions ?? this.findMentions();
  }

  // Kept out of variableMentions, which rules call once per directive they ask about: V8 then
  // inlines a field read into their optimised code, not this loop.
  private findMentions(): Uint8Array {
    const mentions = new Uint8Array(this.directiveCount);
    const text = this.source.text;
    const data = this.directiveData;
    let directive = 0;
    for (let at = text.indexOf('$'); at !== -1 && directive < this.directiveCount; at = text.indexOf('$', at + 1)) {
      // Directives are stored in reading order: skip those whose arguments end before this `$`.
      while (directive < this.directiveCount && lastTokenEndAt(this, directive) <= at) directive++;
      if (directive === this.directiveCount) break;
      if (at < data[directive * DIRECTIVE_SLOTS + NAME_END]) continue;
      const next = text.charCodeAt(at + 1) === 123 ? text.charCodeAt(at + 2) : text.charCodeAt(at + 1);
      if (next >= 49 && next <= 57) {
        mentions[directive] |= VARIABLE_MENTIONED | CAPTURE_MENTIONED;
        this.anyCapture = true;
      } else mentions[directive] |= VARIABLE_MENTIONED;
    }
    this.mentions = mentions;
    return mentions;
  }

  private mentions: Uint8Array | undefined;

  /** Whether some directive of the file mentions a capture reference: noted while the `$` table is found. */
  private get mentionsCapture(): boolean {
    this.variableMentions();
    return this.anyCapture;
  }

  private anyCapture = false;

  /**
   * Whether the lines of block directive number `index` in this file may mention a capture
   * (`$1`..`$9`) or bring lines from another file (an `include`); true for a block never closed.
   */
  blockMayMentionCapture(index: number): boolean {
    const data = this.directiveData;
    const blockOpen = data[index * DIRECTIVE_SLOTS + BLOCK_OPEN];
    const end = data[index * DIRECTIVE_SLOTS + END];
    if (blockOpen < 0 || end <= blockOpen) return true;
    // A file with neither a capture reference nor an include answers for all its blocks at once.
    if (!this.mentionsCapture && !this.holdsInclude) return false;
    const mentions = this.variableMentions();
    // Directives are numbered in reading order: the block's lines follow it until its closing brace.
    for (let i = index + 1; i < this.directiveCount && data[i * DIRECTIVE_SLOTS + NAME_START] < end; i++) {
      if (mentions[i] & CAPTURE_MENTIONED || this.mayBeInclude(i)) return true;
    }
    return false;
  }

  /**
   * Whether a directive of the file is named `include` (its name's value, quotes and escapes
   * resolved), noted as the file is read: most files hold none, and then no line is one.
   */
  private holdsInclude = false;

  /**
   * Whether the file's text holds a CR, or an escape that nginx replaces (a backslash before a
   * quote, a backslash, t, r or n), anywhere. Without one, every value is its text and none holds
   * a CR. Other backslashes do not count: they stay as written, and `\.` in a regex location is
   * in most files.
   */
  get mayHoldEscapeOrCr(): boolean {
    return (this.escapeOrCr ??= this.source.text.includes('\r') || hasReplacedEscape(this.source.text));
  }

  private escapeOrCr: boolean | undefined;

  /**
   * Whether directive number `index` is an `include`, read from its name's text: a name written
   * with a quote or a backslash counts as a maybe (nginx removes them before it looks the name up).
   */
  private mayBeInclude(index: number): boolean {
    if (!this.holdsInclude) return false;
    const start = this.directiveData[index * DIRECTIVE_SLOTS + NAME_START];
    const end = this.directiveData[index * DIRECTIVE_SLOTS + NAME_END];
    const text = this.source.text;
    if (end - start === 7) return text.startsWith('include', start);
    const first = text.charCodeAt(start);
    return first === 34 || first === 39 || hasBackslash(text, start, end);
  }

  /**
   * The first-argument values of the lines of block directive `index` that may not be plain text:
   * those holding a `$`, a backslash, CR or LF, and those of lines with a `$` in a later argument.
   * Every other line with an argument has a plain first value, which holds no variable and no
   * line break: a map of a thousand literal lines builds no string. Undefined when the lines are
   * not all this file's, one level deep (an `include` line, a nested block, a block never closed)
   * or the file keeps values of its own.
   */
  notPlainFirstValues(index: number): string[] | undefined {
    const data = this.directiveData;
    const blockOpen = data[index * DIRECTIVE_SLOTS + BLOCK_OPEN];
    const end = data[index * DIRECTIVE_SLOTS + END];
    if (blockOpen < 0 || end <= blockOpen || this.storedValues.size !== 0) return undefined;
    const text = this.source.text;
    const mentions = this.variableMentions();
    // Without a backslash or CR in the block, only a `$` (the file's table) or a quoted line
    // break (one search, to the line's end) makes a value not plain: no character loop per value.
    const escapes = this.mayHoldEscapeOrCr && hasEscapeOrCr(text, blockOpen, end);
    const values: string[] = [];
    for (let i = index + 1; i < this.directiveCount && data[i * DIRECTIVE_SLOTS + NAME_START] < end; i++) {
      if (data[i * DIRECTIVE_SLOTS + BLOCK_OPEN] >= 0 || this.mayBeInclude(i)) return undefined;
      if (data[i * DIRECTIVE_SLOTS + ARG_COUNT] === 0) continue;
      const arg = data[i * DIRECTIVE_SLOTS + FIRST_ARG];
      const start = this.argData[arg * ARG_SLOTS];
      const argEnd = this.argData[arg * ARG_SLOTS + 1];
      const from = start < 0 ? ~start : start;
      const lineEnd = text.indexOf('\n', from);
      if (mentions[i] & VARIABLE_MENTIONED || (lineEnd !== -1 && lineEnd < argEnd) || (escapes && hasEscapeOrCr(text, from, argEnd)))
        values.push(this.argValue(arg));
    }
    return values;
  }

  setEnd(directive: ReadDirective, end: number) {
    this.directiveData[directive.index * DIRECTIVE_SLOTS + END] = end;
  }

  setBlockOpen(directive: ReadDirective, offset: number) {
    this.directiveData[directive.index * DIRECTIVE_SLOTS + BLOCK_OPEN] = offset;
  }

  slot(directive: ReadDirective, slot: number): number {
    return this.directiveData[directive.index * DIRECTIVE_SLOTS + slot];
  }
}

export const VARIABLE_MENTIONED = 1;
export const CAPTURE_MENTIONED = 2;

/** End offset of directive number `index`'s last argument, or of its name when it has none. */
function lastTokenEndAt(tree: FileTree, index: number): number {
  const at = index * DIRECTIVE_SLOTS;
  const count = tree.directiveData[at + ARG_COUNT];
  return count === 0 ? tree.directiveData[at + NAME_END] : tree.argData[(tree.directiveData[at + FIRST_ARG] + count - 1) * ARG_SLOTS + 1];
}

function hasEscapeOrCr(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 92 || code === 13) return true;
  }
  return false;
}

/** Whether the text holds a backslash that unescape (lex.ts) replaces with the character after it. */
function hasReplacedEscape(text: string): boolean {
  for (let at = text.indexOf('\\'); at !== -1 && at + 1 < text.length; at = text.indexOf('\\', at + 2)) {
    const next = text.charCodeAt(at + 1);
    // " ' \\ t r n
    if (next === 34 || next === 39 || next === 92 || next === 116 || next === 114 || next === 110) return true;
  }
  return false;
}

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++) if (text.charCodeAt(at) === 92) return true;
  return false;
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  // At least a few slots: an array trimmed to an empty file's length must still grow.
  const bigger = new Int32Array(Math.max(64, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** What a directive has built on demand. */
export interface Built {
  nameSpan?: Span;
  span?: Span;
  blockOpen?: Span;
  args?: NginxArg[];
}

export class ReadDirective implements NginxDirective {
  block?: NginxDirective[];

  constructor(
    readonly name: string,
    readonly tree: FileTree,
    /** This directive's number in its file, in reading order. */
    readonly index: number,
  ) {}

  /** Kept by the file rather than in a field: a field would cost every directive. */
  private get built(): Built {
    return this.tree.builtFor(this.index);
  }

  get file(): string {
    return this.tree.source.file;
  }

  get nameStart(): number {
    return this.tree.slot(this, NAME_START);
  }

  get nameEnd(): number {
    return this.tree.slot(this, NAME_END);
  }

  get end(): number {
    return this.tree.slot(this, END);
  }

  get argCount(): number {
    return this.tree.slot(this, ARG_COUNT);
  }

  /** End offset of the last argument, or of the name when there is none. */
  get lastTokenEnd(): number {
    return lastTokenEndAt(this.tree, this.index);
  }

  get nameSpan(): Span {
    const built = this.built;
    return (built.nameSpan ??= this.tree.source.span(this.nameStart, this.nameEnd));
  }

  get span(): Span {
    const built = this.built;
    if (!built.span) {
      const nameSpan = this.nameSpan;
      const end = this.end;
      // The directive's span shares its name's start position.
      built.span = end === this.nameEnd ? nameSpan : { file: this.file, start: nameSpan.start, end: this.tree.source.pos(end) };
    }
    return built.span;
  }

  get blockOpen(): Span | undefined {
    const at = this.tree.slot(this, BLOCK_OPEN);
    if (at < 0) return undefined;
    const built = this.built;
    return (built.blockOpen ??= this.tree.source.span(at, at + 1));
  }

  get args(): NginxArg[] {
    const built = this.built;
    if (!built.args) {
      const args: NginxArg[] = [];
      const { argData, source } = this.tree;
      const first = this.tree.slot(this, FIRST_ARG);
      const count = this.argCount;
      for (let i = first; i < first + count; i++) {
        const start = argData[i * ARG_SLOTS];
        args.push(new ReadArg(this.tree.argValue(i), start < 0, start < 0 ? ~start : start, argData[i * ARG_SLOTS + 1], source));
      }
      // Kept at its exact length (grown by push it has room for 17): it lives as long as the tree.
      built.args = args.length === 0 ? args : args.slice();
    }
    return built.args;
  }
}

export class ReadArg implements NginxArg {
  private builtSpan: Span | undefined;

  constructor(
    readonly value: string,
    readonly quoted: boolean,
    /** Offset of the first character (the opening quote of a quoted argument). */
    readonly start: number,
    /** Exclusive end offset (after the closing quote). */
    readonly end: number,
    private readonly source: SourceText,
  ) {}

  get span(): Span {
    return (this.builtSpan ??= this.source.span(this.start, this.end));
  }
}

// ---- offsets and values without building spans or argument objects --------------------------

/** Exclusive end offset of a directive's span. */
export function directiveEndOffset(directive: NginxDirective): number {
  return directive instanceof ReadDirective ? directive.end : directive.span.end.offset;
}

/** End offset of a directive's last argument, or of its name when it has none. */
export function lastTokenEndOffset(directive: NginxDirective): number {
  if (directive instanceof ReadDirective) return directive.lastTokenEnd;
  const { args } = directive;
  return args.length > 0 ? args[args.length - 1].span.end.offset : directive.nameSpan.end.offset;
}

/** Does the directive open a block (`{`), whatever it is? */
export function opensBlock(directive: NginxDirective): boolean {
  return directive instanceof ReadDirective ? directive.tree.slot(directive, BLOCK_OPEN) >= 0 : directive.blockOpen !== undefined;
}

/**
 * Whether an argument of the directive may hold CR or LF: its words span a line break, or hold a
 * backslash (`"a\\nb"`). Read in the file's text without building values; true for a directive
 * built elsewhere (its values decide).
 */
export function argsMayHoldLineBreak(directive: NginxDirective): boolean {
  if (!(directive instanceof ReadDirective) || directive.tree.storesValues) return true;
  const { text } = directive.tree.source;
  const start = directive.nameEnd;
  const end = directive.lastTokenEnd;
  const lineEnd = text.indexOf('\n', start);
  if (lineEnd !== -1 && lineEnd < end) return true;
  // Most files hold neither a backslash nor a CR: asked once per file, then no search per directive.
  return directive.tree.mayHoldEscapeOrCr && hasEscapeOrCr(text, start, end);
}

/** The text of the file the reader read the directive from (undefined for one built elsewhere). */
export function fileTextOf(directive: NginxDirective): string | undefined {
  return directive instanceof ReadDirective ? directive.tree.source.text : undefined;
}

/**
 * Whether a `$` appears among the directive's arguments (VARIABLE_MENTIONED) and a capture
 * reference `$1`..`$9` (CAPTURE_MENTIONED); undefined for a directive built elsewhere.
 */
export function variableMentionsOf(directive: NginxDirective): number | undefined {
  return directive instanceof ReadDirective ? directive.tree.variableMentions()[directive.index] : undefined;
}

/**
 * Whether a block's lines may mention a capture reference `$1`..`$9`, read from the file's `$`
 * table without visiting them: false lets a rule leave a map's thousand lines unread. True (maybe)
 * when the block includes another file, is never closed, or was built elsewhere.
 */
export function blockMayMentionCapture(directive: NginxDirective): boolean {
  return directive instanceof ReadDirective ? directive.tree.blockMayMentionCapture(directive.index) : true;
}

/**
 * FileTree.notPlainFirstValues for a block directive read from a file; undefined (read the lines)
 * for one built elsewhere.
 */
export function notPlainFirstValues(directive: NginxDirective): string[] | undefined {
  return directive instanceof ReadDirective ? directive.tree.notPlainFirstValues(directive.index) : undefined;
}

/** The source the reader read the directive from (undefined for one built elsewhere). */
export function sourceOf(directive: NginxDirective): SourceText | undefined {
  return directive instanceof ReadDirective ? directive.tree.source : undefined;
}

/** Whether argument `i` (0-based) equals `lower` ignoring ASCII case; `lower` must be lower-case. */
export function argEqualsIgnoringCase(directive: NginxDirective, i: number, lower: string): boolean {
  if (directive instanceof ReadDirective) {
    const { tree } = directive;
    const at = directive.index * DIRECTIVE_SLOTS;
    return i >= 0 && i < tree.directiveData[at + ARG_COUNT] && tree.argEqualsIgnoringCase(tree.directiveData[at + FIRST_ARG] + i, lower);
  }
  return directive.args[i]?.value.toLowerCase() === lower;
}

/** Whether argument `i` (0-based) is exactly `value` (compared in the text when it is written plainly). */
export function argEquals(directive: NginxDirective, i: number, value: string): boolean {
  if (directive instanceof ReadDirective) {
    const { tree } = directive;
    const at = directive.index * DIRECTIVE_SLOTS;
    return i >= 0 && i < tree.directiveData[at + ARG_COUNT] && tree.argEquals(tree.directiveData[at + FIRST_ARG] + i, value);
  }
  return directive.args[i]?.value === value;
}

/** Whether an argument from number `from` on (0-based) is exactly one of `values`, compared like argEquals. */
export function someArgEquals(directive: NginxDirective, from: number, values: readonly string[]): boolean {
  const count = argCountOf(directive);
  for (let i = from; i < count; i++) for (const value of values) if (argEquals(directive, i, value)) return true;
  return false;
}

// argCountOf and argValueOf read the file's tables themselves rather than through the
// directive's getters: the rules call them for most directives of a tree, in code that runs once
// and is rarely optimised, where each call level costs.

/** How many arguments a directive has (the raw body of a Lua block counts as one). */
export function argCountOf(directive: NginxDirective): number {
  return directive instanceof ReadDirective ? directive.tree.directiveData[directive.index * DIRECTIVE_SLOTS + ARG_COUNT] : directive.args.length;
}

/** The value of argument `i` (0-based), or undefined when there is none. */
export function argValueOf(directive: NginxDirective, i: number): string | undefined {
  if (!(directive instanceof ReadDirective)) return directive.args[i]?.value;
  const { tree } = directive;
  const at = directive.index * DIRECTIVE_SLOTS;
  return i >= 0 && i < tree.directiveData[at + ARG_COUNT] ? tree.argValue(tree.directiveData[at + FIRST_ARG] + i) : undefined;
}
