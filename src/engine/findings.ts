/**
 * The finding shape rules and readers produce and formatters print.
 * `schemas/report.schema.json` describes the JSON form of `Report`; keep the two in step.
 */
import type { FileFormat } from '../discovery/classify';
import type { RelatedSpan, Severity, Span } from '../source/span';

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

/** Code-unit order: `localeCompare` would make the output depend on the machine's locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


/**
 * By file, line, column and rule id, then message, so the order never depends
 * on the order the engine produced findings in.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.primary.file, b.primary.file) ||
    a.primary.start.line - b.primary.start.line ||
    a.primary.start.column - b.primary.start.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.help ?? '', b.help ?? '')
  );
}

/** The report with only these findings, its counts recomputed (suppressed and baselined kept). */
export function withFindings(report: Report, findings: Finding[]): Report {
  const count = (severity: Finding['severity']) => findings.filter((finding) => finding.severity === severity).length;
  return { ...report, findings, summary: { ...report.summary, errors: count('error'), warnings: count('warning'), infos: count('info') } };
}

/** One line of --list-files: a file of the tree, the format it was read as (null: not read), and why. */
export interface ListedFile {
  file: string;
  format: FileFormat | null;
  reason: string;
}
