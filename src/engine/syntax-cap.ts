/**
 * A file that is not what its reader expects (a template, another server's config) gives a
 * syntax error on nearly every line; nginx, systemd or a YAML loader stop at the first. After
 * SYNTAX_FINDINGS_PER_FILE syntax problems of one kind in a file, one info line says how many
 * more there are.
 */
import type { ReaderDiagnostic } from '../source/diagnostic';

export const SYNTAX_FINDINGS_PER_FILE = 3;

const isSyntax = (ruleId: string) => ruleId.endsWith('-syntax');

/** `diagnostics` in file order; returns them with each file's surplus syntax problems folded into one. */
export function capSyntaxFindings(diagnostics: ReaderDiagnostic[]): ReaderDiagnostic[] {
  const counts = new Map<string, number>();
  for (const diagnostic of diagnostics) {
    if (!isSyntax(diagnostic.ruleId)) continue;
    const key = `${diagnostic.ruleId}\0${diagnostic.primary.file}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const kept: ReaderDiagnostic[] = [];
  const seen = new Map<string, number>();
  for (const diagnostic of diagnostics) {
    if (!isSyntax(diagnostic.ruleId)) {
      kept.push(diagnostic);
      continue;
    }
    const key = `${diagnostic.ruleId}\0${diagnostic.primary.file}`;
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    if (index < SYNTAX_FINDINGS_PER_FILE) kept.push(diagnostic);
    else if (index === SYNTAX_FINDINGS_PER_FILE) {
      const more = counts.get(key)! - SYNTAX_FINDINGS_PER_FILE;
      kept.push({
        ruleId: diagnostic.ruleId,
        message:
          `${more} more ${diagnostic.ruleId} problem${more === 1 ? '' : 's'} in this file, from here on, not shown one by one: ` +
          'the server stops at the first; fix the ones above and lint again (is this file really what cfglint took it for?)',
        primary: diagnostic.primary,
        related: [],
        severity: 'info',
      });
    }
  }
  return kept;
}
