import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { Span } from '../../source/span';
import { messageOf } from '../../source/thrown';

/**
 * A bug in cfglint must not stop the run: it becomes one `internal-error` finding where it
 * happened. `part` names what failed (`gunicorn reader`, `rule "upstream-unreachable"`); `where`
 * is a span or a file (its start).
 */
export function internalError(part: string, where: Span | string, error: unknown): ReaderDiagnostic {
  const start = { line: 1, column: 1, offset: 0 };
  return {
    ruleId: 'internal-error',
    message: `The ${part} failed here and skipped it: ${messageOf(error)}; please report this with the files that cause it`,
    primary: typeof where === 'string' ? { file: where, start, end: start } : where,
    related: [],
  };
}

/** Runs `read`; a bug in it becomes an `internal-error` at `where`, and the reader goes on with the next thing. */
export function guarded<T>(diagnostics: ReaderDiagnostic[], part: string, where: Span | string, read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    diagnostics.push(internalError(part, where, error));
    return undefined;
  }
}
