/**
 * GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of issues in the
 * subset of the Code Climate spec that GitLab reads: description, check_name, fingerprint,
 * severity, location.path (relative to the repository root) and location.lines. The description is
 * the one-line message; the help goes in `content.body`, the spec's place for it.
 */
import { jsonText, markdownCell, terminalText } from '../escape';
import type { Finding, Report } from '../../engine/findings';
import type { Severity } from '../../source/span';
import { messageWithRelated, sortFindings, type FormatContext } from './index';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/**
 * GitLab draws blocker and critical in red, major and minor in orange, info in blue, and lists the
 * merge request's issues by severity. A cfglint error is a request that fails every time (nothing
 * listens, the upstream resets): red, so critical; not blocker, because whether a finding blocks
 * the merge is said by the job's exit code (`--fail-on`), not by the widget. A warning fails some
 * requests under some load: orange, and major rather than minor, which reads as cosmetic next to
 * style linters.
 */
export const CODE_QUALITY_SEVERITY: Record<Severity, CodeQualitySeverity> = { error: 'critical', warning: 'major', info: 'info' };

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number; end: number } };
  /** The Code Climate spec's place for help (Markdown); GitLab does not show it, other readers do. */
  content?: { body: string };
}

/** GitLab matches the path against the repository's files, which use forward slashes and no `./`. */
function toRepoPath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function toIssue(finding: Finding, fingerprint: string): CodeQualityIssue {
  return {
    // The widget shows the description on one line: line breaks and controls from the tree are shown escaped.
    description: terminalText(messageWithRelated(finding)),
    check_name: finding.ruleId,
    fingerprint,
    severity: CODE_QUALITY_SEVERITY[finding.severity],
    location: { path: toRepoPath(finding.primary.file), lines: { begin: finding.primary.start.line, end: finding.primary.end.line } },
    ...(body(finding) !== '' ? { content: { body: body(finding) } } : {}),
  };
}

/**
 * `content.body` is Markdown: the help (tree text, so every Markdown character escaped, as in a
 * table cell) and the docs link, a paragraph each.
 */
function body(finding: Finding): string {
  const parts = [finding.help ? markdownCell(finding.help) : '', finding.docsUrl ? `Documentation: ${finding.docsUrl}` : ''];
  return parts.filter((part) => part !== '').join('\n\n');
}

export function toCodeQuality(report: Report): CodeQualityIssue[] {
  // GitLab keeps only the first issue of a fingerprint. Two findings of one rule at one model path
  // would share theirs, so the n-th repeat (n ≥ 2) gets `-n`: still stable when lines move.
  const seen = new Map<string, number>();
  return sortFindings(report.findings).map((finding) => {
    const count = (seen.get(finding.fingerprint) ?? 0) + 1;
    seen.set(finding.fingerprint, count);
    return toIssue(finding, count === 1 ? finding.fingerprint : `${finding.fingerprint}-${count}`);
  });
}

export function format(report: Report, _ctx: FormatContext): string {
  return `${jsonText(toCodeQuality(report))}\n`;
}
