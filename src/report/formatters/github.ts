/**
 * GitHub Actions workflow commands: one `::error|warning|notice` annotation per
 * finding. Everything from the tree goes through escapeCommandData/escapeCommandProperty
 * (src/report/escape.ts), so no value can end the command or start another.
 */
import { escapeCommandData, escapeCommandProperty } from '../escape';
import type { Finding, Report } from '../../engine/findings';
import type { Severity } from '../../source/span';
import { formatLocation, sortFindings, type FormatContext } from './index';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** GitHub matches annotations against repository paths, which use forward slashes. */
function toRepoPath(file: string): string {
  return file.replace(/\\/g, '/');
}

function annotation(finding: Finding): string {
  const { primary } = finding;
  // GitHub ignores col/endColumn on multi-line annotations; they are kept so the command stays uniform.
  const properties = [
    `file=${escapeCommandProperty(toRepoPath(primary.file))}`,
    `line=${primary.start.line}`,
    `col=${primary.start.column}`,
    `endLine=${primary.end.line}`,
    `endColumn=${primary.end.column}`,
    `title=${escapeCommandProperty(finding.ruleId)}`,
  ].join(',');
  // Annotations have no related locations; listing them in the text keeps the other side of a mismatch visible.
  const related = finding.related.map(({ span, label }) => `\n${formatLocation({ ...span, file: toRepoPath(span.file) })}: ${label}`);
  // The annotation is all a reviewer sees of the finding, and its message holds up to 64 KB
  // (the title, 255 characters, stays the rule id): the help follows after a blank line.
  const help = finding.help ? `\n\nhelp: ${finding.help}` : '';
  return `::${COMMAND[finding.severity]} ${properties}::${escapeCommandData(finding.message + related.join('') + help)}`;
}

export function format(report: Report, _ctx: FormatContext): string {
  return sortFindings(report.findings)
    .map((finding) => `${annotation(finding)}\n`)
    .join('');
}
