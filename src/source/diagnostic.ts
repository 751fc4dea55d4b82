import type { RelatedSpan, Severity, Span } from '../source/span';

/**
 * A problem a reader found while reading a file (syntax, a missing include, an invalid value).
 * The engine turns it into a finding like any rule's, so suppressions and formatters treat both
 * alike. `ruleId` is one of the reader ids listed in src/engine/reader-rules.ts.
 */
export interface ReaderDiagnostic {
  ruleId: string;
  message: string;
  /**
   * What breaks and the fix, where there is one to say. `message: help` reads as the one sentence
   * the diagnostic was before messages had two parts, and is what its fingerprint hashes, so
   * baselines written before the split still match.
   */
  help?: string;
  primary: Span;
  related: RelatedSpan[];
  /** Overrides the reader rule's default severity where one id covers several cases. */
  severity?: Severity;
  /** A ceiling even a configured severity does not pass (an include a script writes stays `info`). */
  maxSeverity?: Severity;
}

/** A comment a reader kept, for inline suppressions (`# cfglint-disable-next-line …`). */
export interface SourceComment {
  span: Span;
  /** Comment text without the comment markers (`#`, `;`, `<!--`/`-->`). */
  text: string;
}
