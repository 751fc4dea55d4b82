import { ReaderDiagnostic } from '../../source/diagnostic';
import type { Span } from '../../source/span';

/** A reader bug must not stop the run: it becomes one `internal-error` finding where it happened. */
export function readerFailedAt(reader: string, span: Span, error: unknown): ReaderDiagnostic {
  return {
    ruleId: 'internal-error',
    message: `The ${reader} reader failed here and skipped it: ${error instanceof Error ? error.message : String(error)}; please report this with the file`,
    primary: span,
    related: [],
  };
}
