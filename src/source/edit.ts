/**
 * Fixes as text edits (ESLint's model): a rule's draft may carry one fix, a few edits that
 * replace a span of a file with new text. The engine offers it only when every edit lands on a
 * file of the tree whose text on disk is exactly the text the reader read, and applies the fixes
 * of a pass that do not overlap; the rest wait for the next pass.
 */
import type { Span } from './span';
import { SourceText } from './text';

export interface TextEdit {
  /** What is replaced; an empty span inserts at its start. Offsets are the file's own (UTF-16 units). */
  span: Span;
  text: string;
}

export interface Fix {
  /** What the fix does, in a few words: `set keepalive_timeout 1s in upstream "app"`. */
  title: string;
  edits: TextEdit[];
}

/** Replace [start, end) of `source` with `text`. */
export function replaceEdit(source: SourceText, start: number, end: number, text: string): TextEdit {
  return { span: source.span(start, end), text };
}

/** The line break a file uses (the one ending the line at `offset`, else the file's first). */
export function lineBreakAt(source: SourceText, offset: number): string {
  const text = source.text;
  const next = text.indexOf('\n', offset);
  const at = next === -1 ? text.indexOf('\n') : next;
  return at > 0 && text.charCodeAt(at - 1) === 13 ? '\r\n' : '\n';
}

/** Where the line holding `offset` starts. */
export function lineStartOf(source: SourceText, offset: number): number {
  return source.text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The whitespace before `offset` on its line, when only whitespace precedes it there (the
 * indentation of a statement that starts its line); undefined when other text comes first.
 */
export function indentationBefore(source: SourceText, offset: number): string | undefined {
  const start = lineStartOf(source, offset);
  const before = source.text.slice(start, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/**
 * Where the line holding `offset` ends, after its line break (the end of the text on the last
 * line, which then has no break to follow).
 */
export function nextLineStart(source: SourceText, offset: number): number {
  const next = source.text.indexOf('\n', offset);
  return next === -1 ? source.text.length : next + 1;
}

/** The source when its offsets are its text's own (not a template's, not a manifest's that embeds it). */
export function plainSource(source: SourceText | undefined): SourceText | undefined {
  return source && source.constructor === SourceText ? source : undefined;
}

/** `line` on a line of its own right above the line holding `span`, indented as `span` is, when `span` starts its line. */
export function insertLineAbove(source: SourceText, span: Span, line: string): TextEdit | undefined {
  const start = span.start.offset;
  const indent = indentationBefore(source, start);
  if (indent === undefined) return undefined;
  const at = lineStartOf(source, start);
  return replaceEdit(source, at, at, `${indent}${line}${lineBreakAt(source, start)}`);
}

/** Whether the source holds exactly `text` at `span`: the span is the text's own and nothing moved. */
export function holdsAt(source: SourceText, span: Span, text: string): boolean {
  return span.file === source.file && source.text.slice(span.start.offset, span.end.offset) === text;
}

/**
 * In a YAML block mapping, `line` (a `key: value`) as the first entry under the key at `key`:
 * only when that key stands alone on its line (`web:`, maybe a comment) and its entries follow on
 * deeper-indented lines, whose indentation the new line takes. Spaces only, as YAML requires.
 */
export function yamlFirstEntry(source: SourceText, key: Span, line: string): TextEdit | undefined {
  const keyIndent = indentationBefore(source, key.start.offset);
  const after = nextLineStart(source, key.end.offset);
  const rest = source.text.slice(key.end.offset, after).replace(/\r?\n$/, '');
  if (keyIndent === undefined || !/^ *$/.test(keyIndent) || !/^:[ \t]*(#.*)?$/.test(rest)) return undefined;
  // The entries start on the next line that holds one (blank and comment lines skipped).
  const below = source.text
    .slice(after)
    .split('\n')
    .find((text) => !/^[ \t]*(#.*)?\r?$/.test(text));
  const indent = below === undefined ? undefined : /^ */.exec(below)![0];
  if (indent === undefined || indent.length <= keyIndent.length || below!.startsWith(`${indent}- `)) return undefined;
  return replaceEdit(source, after, after, `${indent}${line}${lineBreakAt(source, key.start.offset)}`);
}
