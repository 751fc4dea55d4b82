/**
 * GitHub Actions workflow commands: one `::error|warning|notice` annotation per
 * finding, escaped as the @actions/core toolkit escapes them.
 */
import type { Finding, Report, Severity } from '../finding';
import { formatLocation, sortFindings, type FormatContext } from './index';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escaping for the text after `::`; `%` first so the escapes themselves survive. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping for `key=value` properties, where `:` and `,` are separators. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub matches annotations against repository paths, which use forward slashes. */
function toRepoPath(file: string): string {
  return file.replace(/\\/g, '/');
}

function annotation(finding: Finding): string {
  const { primary } = finding;
  // GitHub ignores col/endColumn on multi-line annotations; they are kept so the command stays uniform.
  const properties = [
    `file=${escapeProperty(toRepoPath(primary.file))}`,
    `line=${primary.start.line}`,
    `col=${primary.start.column}`,
    `endLine=${primary.end.line}`,
    `endColumn=${primary.end.column}`,
    `title=${escapeProperty(finding.ruleId)}`,
  ].join(',');
  // Annotations have no related locations; listing them in the text keeps the other side of a mismatch visible.
  const related = finding.related.map(
    ({ span, label }) => `\n${formatLocation({ ...span, file: toRepoPath(span.file) })}: ${label}`,
  );
  return `::${COMMAND[finding.severity]} ${properties}::${escapeData(finding.message + related.join(''))}`;
}

export function format(report: Report, _ctx: FormatContext): string {
  return sortFindings(report.findings)
    .map((finding) => `${annotation(finding)}\n`)
    .join('');
}
