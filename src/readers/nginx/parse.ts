/**
 * Recovering nginx parser: tokens → directive tree with a span for every directive and every
 * argument. Where nginx would stop at the first error, this records a diagnostic with nginx's
 * wording and goes on, so the rest of the tree is still linted. Iterative (an explicit stack),
 * so deeply nested input cannot overflow the call stack.
 */
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { SourceText } from '../../source/text';
import { Comment, NginxLexer, Token } from './lex';
import { FileTree, NginxDirective, ReadDirective } from './tree';

export type { NginxDirective } from './tree';
export {
  argCountOf,
  argEquals,
  argsMayHoldLineBreak,
  argEqualsIgnoringCase,
  argValueOf,
  blockMayMentionCapture,
  directiveEndOffset,
  fileTextOf,
  lastTokenEndOffset,
  notPlainFirstValues,
  opensBlock,
  someArgEquals,
  sourceOf,
} from './tree';

export interface ParsedNginxFile {
  source: SourceText;
  directives: NginxDirective[];
  comments: Comment[];
  diagnostics: ReaderDiagnostic[];
}

/** OpenResty directives whose block is Lua code, read as one raw argument. */
export function isLuaBlockDirective(name: string): boolean {
  return name.endsWith('_by_lua_block') || name === 'lua_block';
}

/**
 * Blocks whose lines go to a module's own handler (`cf->handler` in nginx: map, geo, types,
 * split_clients, charset_map). ngx_conf_parse rejects any `{` inside them with `unexpected "{"`.
 */
const HANDLER_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map']);

/** Real configs nest a handful of levels; past this the content is skipped (see below). */
export const MAX_BLOCK_DEPTH = 200;

interface OpenBlock {
  directive: ReadDirective | null;
  /** Where its lines start on the stack of lines read. */
  start: number;
  /** False for a block whose lines are read but not kept: after an unexpected "{", or nested too deep. */
  keep: boolean;
}

export function parseNginx(source: SourceText): ParsedNginxFile {
  const lexer = new NginxLexer(source.text);
  const diagnostics: ReaderDiagnostic[] = [];
  const syntax = (message: string, start: number, end: number, related: ReaderDiagnostic['related'] = []) =>
    diagnostics.push({ ruleId: 'nginx-syntax', message, primary: source.span(start, end), related });

  if (source.text.charCodeAt(0) === 0xfeff) {
    syntax('the file starts with a UTF-8 byte order mark, which nginx reads as part of the first directive name; save the file without BOM', 0, 1);
  }

  let tooDeepReported = false;
  /** nginx stops at the first end-of-file error; an open block then adds nothing new. */
  let endOfFileReported = false;
  // Every open block's lines go on one stack and leave it as a list of their exact length when the
  // block closes (an inner block's lines on top, gone before its parent's next line): no list
  // grown by push per block, and in a large file every block's list survives.
  const lines: NginxDirective[] = [];
  let top = 0;
  const root: OpenBlock = { directive: null, start: 0, keep: true };
  const stack: OpenBlock[] = [root];
  const finish = (open: OpenBlock) => {
    if (open.directive && open.keep) open.directive.block = lines.slice(open.start, top);
    top = open.start;
  };
  // The lexer holds the current token in its own fields (no object per token).
  const token: Token = lexer;
  lexer.next();

  const closeBlock = (closer: Token) => {
    const open = stack.pop()!;
    if (open.directive) tree.setEnd(open.directive, closer.end);
    finish(open);
  };
  /**
   * Directive names repeat (a tree of 20,000 servers has 20,000 `listen`): each is kept once and
   * found again by comparing the text in place, without building a string for every name. Names
   * are grouped by length and first character; a group holds a few, so that a file of distinct
   * names cannot make the search quadratic.
   */
  const nameGroups = new Map<number, string[]>();
  const text = source.text;
  const groupOf = (start: number, length: number) => length * 128 + (text.charCodeAt(start) & 127);
  const knownName = (start: number, end: number): string | undefined => {
    const group = nameGroups.get(groupOf(start, end - start));
    if (group) for (const name of group) if (text.startsWith(name, start)) return name;
    return undefined;
  };
  /** Only a name written as it reads (no quotes, no backslash) is remembered. */
  const rememberName = (name: string, start: number) => {
    const key = groupOf(start, name.length);
    const group = nameGroups.get(key);
    if (!group) nameGroups.set(key, [name]);
    else if (group.length < 8) group.push(name);
  };
  const tree = new FileTree(source);

  for (;;) {
    if (token.kind === 'eof') break;
    if (token.kind === '}') {
      if (stack.length === 1) syntax('unexpected "}"', token.start, token.end);
      else closeBlock(token);
      lexer.next();
      continue;
    }
    if (token.kind === ';' || token.kind === '{') {
      syntax(`unexpected "${token.kind}"`, token.start, token.end);
      // An anonymous block is still walked so that its closing brace balances.
      if (token.kind === '{') stack.push({ directive: null, start: top, keep: false });
      lexer.next();
      continue;
    }

    // A directive: its name, then arguments up to `;` or `{`.
    const nameStart = token.start;
    const nameEnd = token.end;
    let name = token.quoted ? undefined : knownName(nameStart, nameEnd);
    if (name === undefined) {
      name = token.value;
      if (!token.quoted && name.length === nameEnd - nameStart && !name.includes('\\')) rememberName(name, nameStart);
    }
    const directive = tree.addDirective(name, nameStart, nameEnd);
    lexer.next();
    while (token.kind === 'word') {
      tree.addArg(directive, token.start, token.end, token.quoted, lexer.closed);
      lexer.next();
    }
    const parent = stack[stack.length - 1];
    // Blocks that nginx never got into (after an unexpected "{") are read but not kept.
    lines[top++] = directive;
    if (token.kind === ';') {
      tree.setEnd(directive, token.end);
      lexer.next();
      continue;
    }
    if (token.kind === '{') {
      tree.setBlockOpen(directive, token.start);
      if (parent.directive && HANDLER_BLOCKS.has(parent.directive.name)) {
        // nginx stops here; the block is still read so that its closing brace balances.
        syntax('unexpected "{"', token.start, token.end, [{ span: parent.directive.nameSpan, label: `"${parent.directive.name}" lines cannot open a block` }]);
      }
      if (isLuaBlockDirective(directive.name)) {
        const lua = lexer.luaBlock();
        tree.addRawArg(directive, lua.value, lua.start, lua.end);
        if (!lua.closed) {
          // Like the Lua module, point at where the block began, not at the end of the file.
          syntax('unexpected end of file, expecting terminating characters for lua code block: this block is never closed', token.start, token.end);
          endOfFileReported = true;
        }
        tree.setEnd(directive, lexer.pos);
      } else if (stack.length > MAX_BLOCK_DEPTH) {
        // Far deeper than any real config: keep the braces balanced but drop the content, so that
        // every later stage can walk the tree recursively without running out of stack.
        if (!tooDeepReported) {
          tooDeepReported = true;
          syntax(`blocks nested deeper than ${MAX_BLOCK_DEPTH} levels; their content is not read`, token.start, token.end);
        }
        directive.block = [];
        stack.push({ directive, start: top, keep: false });
      } else {
        // Its lines, until it closes (or the file ends).
        directive.block = [];
        stack.push({ directive, start: top, keep: true });
      }
      lexer.next();
      continue;
    }
    if (token.kind === '}') {
      // `a b }`: nginx stops with `unexpected "}"`; the directive is kept as if terminated.
      syntax('unexpected "}"', token.start, token.end, [{ span: directive.nameSpan, label: `"${directive.name}" is not terminated by ";"` }]);
      // The `}` closes the enclosing block on the next turn; at top level it closes nothing.
      if (stack.length === 1) lexer.next();
      continue;
    }
    // End of file inside a directive (an unbalanced quote already said why).
    endOfFileReported = true;
    if (!lexer.unbalancedQuote)
      syntax('unexpected end of file, expecting ";" or "}"', source.text.length, source.text.length, [
        { span: directive.nameSpan, label: `"${directive.name}" is not terminated by ";"` },
      ]);
  }

  if (stack.length > 1 && !lexer.unbalancedQuote && !endOfFileReported) {
    const innermost = stack[stack.length - 1].directive;
    syntax(
      'unexpected end of file, expecting "}"',
      source.text.length,
      source.text.length,
      innermost ? [{ span: innermost.blockOpen ?? innermost.nameSpan, label: `"${innermost.name}" block opened here is never closed` }] : [],
    );
  }

  // A block the file never closes keeps the lines read so far.
  while (stack.length > 1) finish(stack.pop()!);
  const directives = lines.slice(0, top);
  for (const error of lexer.errors) syntax(error.message, error.start, error.end);
  tree.trimToSize();
  diagnostics.sort((a, b) => a.primary.start.offset - b.primary.start.offset);
  return { source, directives, comments: lexer.comments, diagnostics };
}
