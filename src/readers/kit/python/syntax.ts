/**
 * Syntax problems of a Python file: Lezer's error nodes, and what Python 3 rejects that Lezer's
 * grammar accepts (Python 2 `print "x"`, `except E, e:`, `0755`, `<>`, wrong indentation, a
 * string left open at the end of a line), so that "cannot load" matches CPython 3.11's compile().
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import type { PySyntaxProblem } from './module';
import { children, isStatement, shorten } from './tree';

export function lezerErrors(tree: Tree, text: string): PySyntaxProblem[] {
  const problems: PySyntaxProblem[] = [];
  tree.iterate({
    enter(node) {
      if (!node.type.isError) return;
      const found = text.slice(node.from, node.to);
      let message: string;
      const lineStart = text.lastIndexOf('\n', node.from - 1) + 1;
      if (found.includes('\u0000')) message = 'source code cannot contain null bytes';
      else if (found === '' && /^[ \t\f]*$/.test(text.slice(lineStart, node.from)) && /^[ \t\f]+\S/.test(text.slice(lineStart, lineStart + 200)))
        message = 'unexpected indent';
      else if (found !== '') message = `invalid syntax: unexpected "${shorten(found)}"`;
      else if (node.from >= text.trimEnd().length) message = 'invalid syntax: unexpected end of file';
      else message = `invalid syntax before "${shorten(text.slice(node.from).trimStart().split(/\s/)[0])}"`;
      problems.push({ from: node.from, to: node.to, message });
      return false;
    },
  });
  return problems;
}

/** What CPython 3 rejects and lezer's grammar accepts. */
export function python3Problems(tree: Tree, text: string): PySyntaxProblem[] {
  const problems: PySyntaxProblem[] = [];
  const add = (from: number, to: number, message: string) => problems.push({ from, to, message });
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      const raw = text.slice(node.from, node.to);
      switch (node.name) {
        case 'PrintStatement':
          if (!children(node).some((c) => c.type.isError)) add(node.from, node.from + 5, `Missing parentheses in call to 'print' (Python 2 syntax)`);
          break;
        case 'TryStatement': {
          const parts = children(node);
          parts.forEach((part, i) => {
            if (part.name !== 'except') return;
            for (let j = i + 1; j < parts.length && parts[j].name !== 'Body' && parts[j].name !== 'as'; j++) {
              if (parts[j].name === ',') {
                add(parts[j].from, parts[j].to, 'multiple exception types must be parenthesized (Python 2 "except E, e:")');
                break;
              }
            }
          });
          break;
        }
        case 'RaiseStatement':
          if (children(node).some((c) => c.name === ',')) add(node.from, node.to, 'invalid syntax: Python 2 "raise E, message"');
          break;
        case 'CompareOp':
          if (raw === '<>') add(node.from, node.to, 'invalid syntax: "<>" is Python 2 (use "!=")');
          break;
        case 'Number':
          if (/^0[0-9_]*$/.test(raw) && /[1-9]/.test(raw))
            add(node.from, node.to, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers');
          break;
        case 'String':
        case 'FormatString': {
          const shape = /^[rRbBuUfF]{0,2}('''|"""|'|")/.exec(raw);
          if (!shape) break;
          const quote = shape[1];
          const body = raw.slice(shape[0].length);
          const closed = body.length >= quote.length && body.endsWith(quote) && !endsWithOddBackslashes(body.slice(0, -quote.length));
          if (quote.length === 1) {
            const newline = firstUnescapedNewline(body);
            if (newline >= 0 || !closed) {
              const at = node.from + shape[0].length - 1;
              add(at, at + 1, 'unterminated string literal');
            }
          } else if (!closed) {
            add(node.from, node.from + shape[0].length, 'unterminated triple-quoted string literal');
          }
          break;
        }
        case 'Script':
        case 'Body':
          indentationProblems(node, text, add);
          break;
      }
    },
  });
  return problems;
}

function endsWithOddBackslashes(text: string): boolean {
  let count = 0;
  for (let i = text.length - 1; i >= 0 && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function firstUnescapedNewline(body: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '\n') return i;
  }
  return -1;
}

/** Indentation as CPython measures it: columns with tabs to multiples of 8, and tabs as 1 (for TabError). */
function indentWidths(indent: string): [number, number] {
  let col = 0;
  let alt = 0;
  for (const c of indent) {
    if (c === '\t') {
      col = (Math.floor(col / 8) + 1) * 8;
      alt++;
    } else if (c === '\f') {
      col = 0;
      alt = 0;
    } else {
      col++;
      alt++;
    }
  }
  return [col, alt];
}

function indentationProblems(block: SyntaxNode, text: string, add: (from: number, to: number, message: string) => void) {
  const statements = children(block).filter(isStatement);
  let expected: [number, number] | undefined;
  const lineStartOf = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  let parentIndent: [number, number] = [0, 0];
  if (block.name === 'Body' && block.parent) {
    const start = lineStartOf(block.parent.from);
    parentIndent = indentWidths(/^[ \t\f]*/.exec(text.slice(start, block.parent.from))![0]);
  }
  for (const statement of statements) {
    const lineStart = lineStartOf(statement.from);
    const before = text.slice(lineStart, statement.from);
    // Only statements that begin a line have an indentation of their own (`if x: y = 1` has none).
    if (!/^[ \t\f]*$/.test(before)) continue;
    const widths = indentWidths(before);
    if (block.name === 'Script') {
      // After a block, a line indented less than the block is a dedent to no known level.
      const previous = statement.prevSibling;
      const afterBlock = previous !== null && previous.lastChild?.name === 'Body';
      if (before !== '') add(lineStart, statement.from, afterBlock ? 'unindent does not match any outer indentation level' : 'unexpected indent');
      continue;
    }
    if (widths[0] <= parentIndent[0]) {
      add(lineStart, statement.from, 'unindent does not match any outer indentation level');
      return;
    }
    if (!expected) {
      expected = widths;
      continue;
    }
    if (widths[0] !== expected[0]) {
      add(lineStart, statement.from, widths[0] > expected[0] ? 'unexpected indent' : 'unindent does not match any outer indentation level');
      return;
    }
    if (widths[1] !== expected[1]) {
      add(lineStart, statement.from, 'inconsistent use of tabs and spaces in indentation');
      return;
    }
  }
}
