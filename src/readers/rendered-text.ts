/**
 * The text a template renders to (an envsubst template the official nginx image renders at start),
 * read by a reader as the server would read it, with every position a position in the template:
 * a substituted value points at the placeholder that wrote it, so findings, code frames and
 * suppression comments land on the lines the user wrote. It is a TemplateSourceText, so whatever
 * a template's reading implies (code frames show the original, an unknown value is not judged)
 * holds for it too.
 */
import { isUnknownValue } from '../discovery/template';
import type { Pos, Span } from '../source/span';
import { EmbeddedSourceText } from '../source/embedded-text';
import { TemplateSourceText } from './template-text';
import { SourceText } from '../source/text';

/** A placeholder of a rendered template, [start, end) in the template, and where its value is written. */
export interface EnvsubstPlaceholder {
  start: number;
  end: number;
  writtenAt: { source: SourceText; start: number; end: number };
}

export class RenderedSourceText extends TemplateSourceText {
  private readonly template: SourceText;
  /** Every placeholder had a known value or none: the text is exactly what nginx reads. */
  readonly complete: boolean;

  constructor(
    file: string,
    original: string,
    rendered: string,
    /** startAt[i]: template offset where rendered character i comes from; startAt[length] is the template's length. */
    private readonly startAt: Int32Array,
    /** endAt[i]: template offset just after what rendered text [0, i) comes from. */
    private readonly endAt: Int32Array,
    /** Template offsets of placeholders that were dropped because they likely stand for whole directives. */
    statements: number[],
    /**
     * The template's own positions, when they are not its text's (a ConfigMap entry: an
     * EmbeddedSourceText, so a rendered position is one in the manifest).
     */
    template?: SourceText,
    /** Placeholders whose value is written, as it is, in a file of the tree (template offsets). */
    readonly placeholders: readonly EnvsubstPlaceholder[] = [],
    /** [start, end) of template text the rendering may leave out (a start script's edit that may drop lines). */
    conditionals: [number, number][] = [],
  ) {
    super(file, original, { dialect: 'envsubst', text: rendered, statements, writers: statements, conditionals, branchesSetAside: [] });
    this.template = template ?? new SourceText(file, original);
    this.complete = statements.length === 0 && !isUnknownValue(rendered);
  }

  /** What code frames show for this file: the manifest that embeds the template, else the template. */
  get shown(): string {
    return this.template instanceof EmbeddedSourceText ? this.template.host.text : this.original;
  }

  private clamp(offset: number): number {
    return Math.max(0, Math.min(offset, this.startAt.length - 1));
  }

  override pos(offset: number): Pos {
    return this.template.pos(this.startAt[this.clamp(offset)]);
  }

  /** The end maps to the end of what wrote the last character: a whole placeholder for a value. */
  override span(startOffset: number, endOffset: number): Span {
    const start = this.startAt[this.clamp(startOffset)];
    const end = endOffset <= startOffset ? start : Math.max(start, this.endAt[this.clamp(endOffset)]);
    return { file: this.file, start: this.template.pos(start), end: this.template.pos(end) };
  }
}
