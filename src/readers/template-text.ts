/**
 * The text of a template as a reader reads it: its tags masked in place (src/discovery/template.ts),
 * so every offset, line and column is the template's own. `original` is what code frames show.
 */
import { holdsOffsetWithin } from '../source/sorted-offsets';
import type { MaskedTemplate, TemplateDialect } from '../discovery/template';
import { SourceText } from '../source/text';

export class TemplateSourceText extends SourceText {
  readonly dialect: TemplateDialect;
  /** Offsets of the blanked statements (`if`, `else`, `end`, …), ascending. */
  readonly statements: number[];
  /** [start, end) of each `if` block. */
  readonly conditionals: [number, number][];
  /** Offsets of the tags that may write lines the masked text does not show (an include, a loop), ascending. */
  readonly writers: number[];

  constructor(
    file: string,
    readonly original: string,
    masked: MaskedTemplate,
  ) {
    super(file, masked.text);
    this.dialect = masked.dialect;
    this.statements = masked.statements;
    this.conditionals = masked.conditionals;
    this.writers = masked.writers;
  }

  /** Whether the template writes the text at `offset` only on a condition (inside an `if`). */
  isConditional(offset: number): boolean {
    return this.conditionals.some(([start, end]) => start <= offset && offset < end);
  }

  /** Whether a statement of the template lies in [start, end): text on both sides may be in different branches. */
  hasStatementBetween(start: number, end: number): boolean {
    return holdsOffsetWithin(this.statements, start, end);
  }
}
