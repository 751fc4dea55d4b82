/**
 * The one location type and the finding shape shared by readers, rules and formatters.
 * `schemas/report.schema.json` describes the JSON form of `Report`; keep the two in step.
 */

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

export interface Finding {
  ruleId: string;
  messageId: string;
  /** One line: what is wrong, with the values on both sides. */
  message: string;
  /** What breaks (the server's log line) and how to fix it; absent where there is nothing to add. */
  help?: string;
  severity: Severity;
  /** The thing to change. */
  primary: Span;
  /** The other side of a mismatch, e.g. "gunicorn binds here"; at most three. */
  related: RelatedSpan[];
  docsUrl: string;
  /** Stable across line moves: a hash of the rule id, the file and a model path. */
  fingerprint: string;
}

export interface RuleSummary {
  id: string;
  severity: Severity;
  category: string;
  description: string;
  docsUrl: string;
}

/**
 * One nginx address linked to the backend listener that serves it (src/model/links.ts), and why.
 * Only linked pairs are judged by the cross-file rules.
 */
export interface ReportLink {
  /** An upstream group's `server` line or a `*_pass` argument, e.g. `127.0.0.1:8000`. */
  nginx: { address: string; span: Span };
  /** The listener: its backend, the protocol it speaks and the option that created it (`bind`, `socket`, `<Connector>`). */
  backend: { kind: string; name: string; protocol: string; option: string; span: Span };
  reason: 'same-address' | 'same-socket-path' | 'compose-service' | 'kubernetes-service';
  /** The reason in words, e.g. "port 8000 on loopback". */
  detail: string;
  /** Where both sides run, e.g. `one host's loopback (files under deploy/)`, `compose project docker/`. */
  scope: string;
  /** Other backends that match the address just as well (the tree does not say which one runs); usually none. */
  alternatives: { kind: string; name: string }[];
}

export interface Report {
  tool: { name: 'cfglint'; version: string };
  /** Files that were read, relative to the current directory. */
  files: string[];
  findings: Finding[];
  /** Every rule that ran, for formatters that describe rules (SARIF). */
  rules: RuleSummary[];
  /** Which backend listener serves each address nginx sends to, in nginx file order. */
  links: ReportLink[];
  /** `baselined`: findings left out because the --baseline file accepts them (0 without one). */
  summary: { errors: number; warnings: number; infos: number; suppressed: number; baselined: number };
}
