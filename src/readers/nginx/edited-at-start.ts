/**
 * An nginx file as a start-up script's in-place edits leave it (readers/launch/in-place-edits.ts),
 * read through the same RenderedSourceText as a rendered envsubst template, so what rules already
 * ask of a template holds: a replaced placeholder is an unknown value (blanked, and a statement,
 * where it stands alone on its line), and an edit that may drop any line puts a statement at every
 * line and the whole file in a conditional, so no two directives are certainly read together.
 * Every other byte is the file's own, at its own position.
 */
import { UNKNOWN_MARK } from '../../discovery/template';
import type { InPlaceEdit } from '../launch/in-place-edits';
import { RenderedSourceText } from '../rendered-text';
import type { SourceText } from '../../source/text';
import { aloneOnLine } from './envsubst';

export function renderEdited(file: string, text: string, edits: InPlaceEdit[], positions?: SourceText): RenderedSourceText {
  const out = text.split('');
  const statements = new Set<number>();
  for (const word of new Set(edits.flatMap((edit) => edit.placeholders ?? []))) {
    for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) {
      const end = at + word.length;
      const alone = aloneOnLine(text, at, end);
      if (alone) statements.add(at);
      for (let i = at; i < end; i++) out[i] = alone ? ' ' : i === at ? '$' : UNKNOWN_MARK;
    }
  }
  const dropsLines = edits.some((edit) => edit.placeholders === undefined);
  if (dropsLines) {
    statements.add(0);
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) statements.add(at + 1);
  }
  const identity = Int32Array.from({ length: text.length + 1 }, (_, i) => i);
  return new RenderedSourceText(
    file,
    text,
    out.join(''),
    identity,
    identity,
    [...statements].sort((a, b) => a - b),
    positions,
    [],
    dropsLines ? [[0, text.length]] : [],
  );
}
