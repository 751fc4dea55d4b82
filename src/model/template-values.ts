/**
 * What a template leaves open in an nginx directive read from it (src/readers/nginx/template.ts):
 * values a tag writes, and statements whose branches are all kept. Rules ask here before they
 * judge a count or a repeat that rendering could change.
 */
import { isUnknownValue } from '../discovery/template';
import { argCountOf, argValueOf, NginxDirective, sourceOf } from '../readers/nginx/parse';
import { TemplateSourceText } from '../readers/template-text';
import { holdsOffsetWithin } from '../source/sorted-offsets';

/**
 * Whether rendering may change the directive's arguments: one of them is written by a tag (which
 * may give no word or several), or a statement stands inside it (`return {% if a %}301{% else %}302{% endif %} …`).
 */
export function argumentsUnknown(directive: NginxDirective): boolean {
  const source = sourceOf(directive);
  if (!(source instanceof TemplateSourceText)) return false;
  const count = argCountOf(directive);
  for (let i = 0; i < count; i++) if (isUnknownValue(argValueOf(directive, i) ?? '')) return true;
  return source.hasStatementBetween(directive.nameSpan.start.offset, directive.span.end.offset);
}

/** Whether a template writes the directive only on a condition (`{% if brotli_available %}brotli_static on;{% endif %}`). */
export function writtenConditionally(directive: NginxDirective): boolean {
  const source = sourceOf(directive);
  return source instanceof TemplateSourceText && source.isConditional(directive.nameSpan.start.offset);
}

/** Whether a template writes the text at `span` only on a condition (`listen 443 ssl{% if spdy %} spdy{% endif %};`). */
export function spanWrittenConditionally(directive: NginxDirective, span: { start: { offset: number } }): boolean {
  const source = sourceOf(directive);
  return source instanceof TemplateSourceText && source.isConditional(span.start.offset);
}

/** Whether two directives of one template are separated by a statement, so rendering may keep only one. */
export function maySeparateInTemplate(first: NginxDirective, second: NginxDirective): boolean {
  const source = sourceOf(first);
  if (!(source instanceof TemplateSourceText) || sourceOf(second) !== source) return false;
  const [a, b] = first.span.start.offset <= second.span.start.offset ? [first, second] : [second, first];
  return source.hasStatementBetween(a.span.start.offset, b.span.start.offset);
}

/** Whether a template tag inside the directive's span may write lines the masked text does not show (an include, a loop). */
export function mayWriteUnseenLines(directive: NginxDirective): boolean {
  const source = sourceOf(directive);
  return source instanceof TemplateSourceText && holdsOffsetWithin(source.writers, directive.span.start.offset, directive.span.end.offset);
}
