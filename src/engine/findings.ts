/**
 * The finding shape rules and readers produce and formatters print.
 * `schemas/report.schema.json` describes the JSON form of `Report`; keep the two in step.
 */
import type { FileFormat } from '../discovery/classify';
import type { Link } from '../model/links';
import { FindingDraft, renderMessage, Rule } from '../rule';
import type { ReaderDiagnostic } from '../source/diagnostic';
import type { Fix } from '../source/edit';
import { RelatedSpan, Severity, SEVERITY_RANK, Span } from '../source/span';
import { sha256Hex } from './sha256';

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
  /** Present (true) when every value the finding compares is a documented default (FindingDraft.atDefaults). */
  atDefaults?: true;
  /** Text edits that remove the finding (`--fix`), present only where they can be made exactly. */
  fix?: Fix;
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
  reason: 'same-address' | 'same-socket-path' | 'compose-service' | 'kubernetes-service' | 'same-template-text';
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

/** Stable across line moves: the rule, the file and a model path, never the line. */
export function fingerprint(ruleId: string, file: string, modelPath: string): string {
  return sha256Hex(`${ruleId}\0${file}\0${modelPath}`).slice(0, 32);
}

/** A rule's draft as a finding: the message and help filled in, the severity capped, at most three related spans. */
export function findingOfDraft(rule: Rule, draft: FindingDraft, severity: Severity): Finding {
  const capped = draft.maxSeverity && SEVERITY_RANK[draft.maxSeverity] < SEVERITY_RANK[severity] ? draft.maxSeverity : severity;
  return {
    ruleId: rule.id,
    messageId: draft.messageId,
    ...renderedMessage(rule, draft),
    severity: capped,
    primary: draft.primary,
    related: (draft.related ?? []).slice(0, 3),
    docsUrl: rule.meta.docsUrl,
    fingerprint: fingerprint(rule.id, draft.primary.file, draft.modelPath),
    ...(draft.atDefaults ? { atDefaults: true as const } : {}),
    ...(draft.fix && rule.meta.fixable ? { fix: draft.fix } : {}),
  };
}

/** The draft's message and help, filled in; an id without a template is shown as itself. */
function renderedMessage(rule: Rule, draft: FindingDraft): { message: string; help?: string } {
  const template = rule.meta.messages[draft.messageId];
  if (!template) return { message: draft.messageId };
  const message = renderMessage(template.message, draft.data);
  const help = renderMessage(template.help, draft.data);
  return help === '' ? { message } : { message, help };
}

/** A reader diagnostic as one sentence, as it was written before it had a help (see ReaderDiagnostic.help). */
function oneSentence(diagnostic: ReaderDiagnostic): string {
  return diagnostic.help === undefined ? diagnostic.message : `${diagnostic.message}: ${diagnostic.help}`;
}

/**
 * Reader diagnostics as findings. They have no model path: the message stands in for it, and the
 * n-th repeat of the same message in a file gets its own fingerprint (the order survives lines
 * moving), so give them in file order.
 */
export function diagnosticFindings(): (diagnostic: ReaderDiagnostic, severity: Severity, docsUrl: string) => Finding {
  const repeats = new Map<string, number>();
  const repeatSuffix = (diagnostic: ReaderDiagnostic): string => {
    const key = `${diagnostic.ruleId}\0${diagnostic.primary.file}\0${oneSentence(diagnostic)}`;
    const count = repeats.get(key) ?? 0;
    repeats.set(key, count + 1);
    return count === 0 ? '' : `\0${count}`;
  };
  return (diagnostic, configured, docsUrl) => ({
    ruleId: diagnostic.ruleId,
    messageId: 'diagnostic',
    message: diagnostic.message,
    ...(diagnostic.help !== undefined ? { help: diagnostic.help } : {}),
    severity: diagnostic.maxSeverity && SEVERITY_RANK[diagnostic.maxSeverity] < SEVERITY_RANK[configured] ? diagnostic.maxSeverity : configured,
    primary: diagnostic.primary,
    related: diagnostic.related.slice(0, 3),
    docsUrl,
    fingerprint: fingerprint(diagnostic.ruleId, diagnostic.primary.file, oneSentence(diagnostic) + repeatSuffix(diagnostic)),
  });
}

/** A file reached twice (two contexts, a symlink) reports each problem once: one finding per rule, span, message and help. */
export function dedupeFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.ruleId}\0${finding.primary.file}\0${finding.primary.start.offset}\0${finding.primary.end.offset}\0${finding.message}\0${finding.help ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Findings of the same rules run once per alternative backend (see src/model/scopes.ts). A
 * finding at the same place in every run holds whichever backend runs and keeps its severity;
 * one that only some runs report is at most `info`, and says why.
 */
export function holdingForEveryAlternative(runs: Finding[][]): Finding[] {
  const placeOf = (finding: Finding) => `${finding.ruleId}\0${finding.primary.file}\0${finding.primary.start.offset}\0${finding.primary.end.offset}`;
  const seenIn = new Map<string, number>();
  for (const run of runs) for (const place of new Set(run.map(placeOf))) seenIn.set(place, (seenIn.get(place) ?? 0) + 1);
  const out: Finding[] = [];
  const kept = new Set<string>();
  for (const run of runs) {
    for (const finding of run) {
      const place = placeOf(finding);
      if ((seenIn.get(place) ?? 0) === runs.length) {
        if (run === runs[0]) out.push(finding);
        continue;
      }
      if (kept.has(place)) continue;
      kept.add(place);
      // Right for one of the backends only: a fix would be a guess.
      const { fix: _guess, ...unfixed } = finding;
      out.push({
        ...unfixed,
        severity: SEVERITY_RANK[finding.severity] > SEVERITY_RANK.info ? 'info' : finding.severity,
        message: `${finding.message} (if this backend is the one that runs)`,
        help: `the tree holds ${runs.length} equally close backends for the same address and does not say which; "deployments" in .cfglint.json can${finding.help ? `; ${finding.help}` : ''}`,
      });
    }
  }
  return out;
}

/** The links as data, once each (a file reached twice links twice), in nginx file order. */
export function reportLinks(links: Link[]): ReportLink[] {
  const seen = new Set<string>();
  const out: ReportLink[] = [];
  for (const link of links) {
    const { span } = link.target;
    const listener = link.listener.span;
    const key = `${span.file}\0${span.start.offset}\0${listener.file}\0${listener.start.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      nginx: { address: link.target.address.text, span },
      backend: { kind: link.backend.kind, name: link.backend.name, protocol: link.listener.protocol, option: link.listener.option, span: listener },
      reason: link.reason,
      detail: link.detail,
      scope: link.scope,
      alternatives: link.alternatives.map((backend) => ({ kind: backend.kind, name: backend.name })),
    });
  }
  const order = (a: Span, b: Span) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start.offset - b.start.offset);
  return out.sort((a, b) => order(a.nginx.span, b.nginx.span) || order(a.backend.span, b.backend.span));
}
