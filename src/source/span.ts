/** Where a thing is in a file, and how bad a finding is: the words every layer shares. */

/** 1-based line and column (columns count UTF-16 code units, as editors do), 0-based offset. */
export interface Pos {
  line: number;
  column: number;
  offset: number;
}

/** A range in one file; `end` is exclusive. `file` is relative to the current directory. */
export interface Span {
  file: string;
  start: Pos;
  end: Pos;
}

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

export interface RelatedSpan {
  span: Span;
  label: string;
}
