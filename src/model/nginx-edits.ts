/**
 * Text edits on nginx files for fixes: a new directive written on a line of its own with the
 * indentation and line break of its neighbour, or an argument replaced. Each helper answers
 * undefined when it cannot write the text exactly: a directive a controller renders, one read
 * from a template or a manifest (positions there are not the text's own), one that shares its
 * line with other text.
 */
import type { ExpandedDirective, NginxDirective } from '../readers/nginx';
import { sourceOf } from '../readers/nginx/parse';
import { RenderedSourceText } from '../readers/rendered-text';
import { indentationBefore, lineBreakAt, lineStartOf, nextLineStart, plainSource, TextEdit } from '../source/edit';
import type { SourceText } from '../source/text';
import type { NginxBlock } from './nginx';

/** The plain text the directive was read from: not rendered, masked or embedded. */
function textOf(directive: NginxDirective): SourceText | undefined {
  return plainSource(sourceOf(directive));
}

/** `lines` (without indentation or line breaks) on lines of their own right before the directive's line. */
export function insertLinesBefore(entry: ExpandedDirective, lines: string[]): TextEdit | undefined {
  const source = entry.generated ? undefined : textOf(entry.directive);
  if (!source) return undefined;
  const start = entry.directive.span.start.offset;
  const indent = indentationBefore(source, start);
  if (indent === undefined) return undefined;
  const lineBreak = lineBreakAt(source, start);
  const at = lineStartOf(source, start);
  return { span: source.span(at, at), text: lines.map((line) => `${indent}${line}${lineBreak}`).join('') };
}

/**
 * `lines` on lines of their own right after the directive's line, indented as it is. Only when
 * nothing but blanks or a comment follows the directive on its line.
 */
export function insertLinesAfter(entry: ExpandedDirective, lines: string[]): TextEdit | undefined {
  const source = entry.generated ? undefined : textOf(entry.directive);
  if (!source) return undefined;
  const { span } = entry.directive;
  const indent = indentationBefore(source, span.start.offset);
  if (indent === undefined) return undefined;
  const end = span.end.offset;
  const after = nextLineStart(source, end);
  const rest = source.text.slice(end, after).replace(/\r?\n$/, '');
  if (!/^[ \t]*(#.*)?$/.test(rest)) return undefined;
  const lineBreak = lineBreakAt(source, end);
  const text = lines.map((line) => `${indent}${line}${lineBreak}`).join('');
  // The last line of a file without a final line break: the new lines start with one.
  const unterminated = after === source.text.length && !source.text.endsWith('\n');
  return { span: source.span(after, after), text: unterminated ? lineBreak + text.slice(0, -lineBreak.length) : text };
}

/** Argument `index` of the directive replaced by `text` (written as is: quote it yourself). */
export function replaceArg(entry: ExpandedDirective, index: number, text: string): TextEdit | undefined {
  const arg = entry.directive.args[index];
  if (entry.generated || !arg) return undefined;
  if (textOf(entry.directive)) return { span: arg.span, text };
  return replacePlaceholderValue(entry.directive, arg.span, text);
}

/**
 * An argument that is a whole envsubst placeholder (`${UPSTREAM_KEEPALIVE_TIMEOUT}`) whose value
 * is written as it is in a file of the tree (a compose `environment:` entry, a Dockerfile `ENV`):
 * the edit goes there. Not when the template uses the same value anywhere else, which the edit
 * would change too.
 */
function replacePlaceholderValue(directive: NginxDirective, span: { start: { offset: number }; end: { offset: number } }, text: string): TextEdit | undefined {
  const source = sourceOf(directive);
  if (!(source instanceof RenderedSourceText)) return undefined;
  const placeholder = source.placeholders.find((candidate) => candidate.start === span.start.offset && candidate.end === span.end.offset);
  const written = placeholder && plainSource(placeholder.writtenAt.source);
  if (!placeholder || !written) return undefined;
  const samePlace = source.placeholders.filter(
    (other) => other.writtenAt.source === placeholder.writtenAt.source && other.writtenAt.start === placeholder.writtenAt.start,
  );
  if (samePlace.length !== 1) return undefined;
  return { span: written.span(placeholder.writtenAt.start, placeholder.writtenAt.end), text };
}

/**
 * Whether the directive is written in the block's own text, not in a file an `include` in the
 * block brings (editing that file would change every block that includes it).
 */
export function writtenInBlock(entry: ExpandedDirective, block: NginxBlock): boolean {
  return writtenBeside(entry, block.node);
}

/**
 * Whether the directive is written in the block's own text; for a root (a main config), in the
 * root file itself, not in a file it includes.
 */
export function writtenAtLevel(entry: ExpandedDirective, block: NginxBlock): boolean {
  if (block.node) return writtenInBlock(entry, block);
  return !entry.generated && entry.via.length === 0;
}

/** Whether the directive is written in the same text as the block directive `opening` (see writtenInBlock). */
export function writtenBeside(entry: ExpandedDirective, opening: ExpandedDirective | undefined): boolean {
  if (!opening || entry.generated || opening.generated) return false;
  return entry.directive.file === opening.directive.file && entry.via.length === opening.via.length;
}

/** The directive's whole line removed, when nothing else is written on it. */
export function deleteLine(entry: ExpandedDirective): TextEdit | undefined {
  const source = entry.generated ? undefined : textOf(entry.directive);
  if (!source) return undefined;
  const { span } = entry.directive;
  if (indentationBefore(source, span.start.offset) === undefined) return undefined;
  const after = nextLineStart(source, span.end.offset);
  if (!/^[ \t]*\r?\n?$/.test(source.text.slice(span.end.offset, after))) return undefined;
  const start = lineStartOf(source, span.start.offset);
  return { span: source.span(start, after), text: '' };
}

/** Argument `index` removed with the blanks before it (never the first argument). */
export function removeArg(entry: ExpandedDirective, index: number): TextEdit | undefined {
  const source = entry.generated ? undefined : textOf(entry.directive);
  const { args } = entry.directive;
  if (!source || index < 1 || index >= args.length) return undefined;
  const from = args[index - 1].span.end.offset;
  // Only blanks between: a comment or a line break there would go with the argument.
  if (!/^[ \t]+$/.test(source.text.slice(from, args[index].span.start.offset))) return undefined;
  return { span: source.span(from, args[index].span.end.offset), text: '' };
}

/** ` word` written right after argument `index`. */
export function insertAfterArg(entry: ExpandedDirective, index: number, word: string): TextEdit | undefined {
  const source = entry.generated ? undefined : textOf(entry.directive);
  const arg = entry.directive.args[index];
  if (!source || !arg) return undefined;
  return { span: source.span(arg.span.end.offset, arg.span.end.offset), text: ` ${word}` };
}

/**
 * A single-argument directive of an upstream block set to `value`: its argument rewritten where
 * the block writes it, else a line after `keepalive` (or after the block's last line). None when
 * the value comes from a controller (ingress-nginx) or the block's text lies in an included file.
 */
export function setInUpstream(block: NginxBlock, name: string, value: string): TextEdit | undefined {
  const written = block.ownLast(name);
  if (written) {
    if (!writtenInBlock(written, block) || written.directive.args.length !== 1) return undefined;
    return replaceArg(written, 0, value);
  }
  const anchor = block.ownLast('keepalive') ?? block.directives[block.directives.length - 1];
  if (!anchor || !writtenInBlock(anchor, block)) return undefined;
  return insertLinesAfter(anchor, [`${name} ${value};`]);
}
