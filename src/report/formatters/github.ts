/**
 * GitHub Actions workflow commands: one `::error|warning|notice` annotation per
 * finding, errors first, then warnings, then infos. GitHub turns only the first 10 commands
 * of each level in a step into annotations; when a level has more, a notice at the top says
 * how many are not shown and where they are. Everything from the tree goes through
 * escapeCommandData/escapeCommandProperty (src/report/escape.ts), so no value can end the
 * command or start another.
 */
import { escapeCommandData, escapeCommandProperty } from '../escape';
import type { Finding, Report } from '../../engine/findings';
import type { Severity } from '../../source/span';
import { formatLocation, sortBySeverity, type FormatContext } from './index';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** Annotations GitHub shows per level (error, warning, notice) per step; later commands of the level stay in the log only. */
export const ANNOTATIONS_PER_LEVEL = 10;

const LEVELS: readonly Severity[] = ['error', 'warning', 'info'];
const NOUNS: Record<Severity, [string, string]> = { error: ['error', 'errors'], warning: ['warning', 'warnings'], info: ['info finding', 'info findings'] };

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

/**
 * One notice per level with more findings than GitHub annotates. The notices are notices
 * themselves and come first, so they are always shown, and each takes one of the info level's 10.
 */
function overflowNotices(findings: readonly Finding[], where: string): string[] {
  const counts = LEVELS.map((level) => findings.filter((f) => f.severity === level).length);
  // The notices come before the infos, so fewer infos fit: one fewer for each notice, its own included.
  const before = counts.slice(0, 2).filter((count) => count > ANNOTATIONS_PER_LEVEL).length;
  const infoRoom = counts[2] > ANNOTATIONS_PER_LEVEL - before ? ANNOTATIONS_PER_LEVEL - before - 1 : ANNOTATIONS_PER_LEVEL - before;
  const shown = (level: Severity) => (level === 'info' ? infoRoom : ANNOTATIONS_PER_LEVEL);
  return LEVELS.flatMap((level, i) => {
    const hidden = counts[i] - shown(level);
    if (hidden <= 0) return [];
    const [one, many] = NOUNS[level];
    const noun = `${hidden} more ${hidden === 1 ? one : many}`;
    const text = `${noun} not annotated: GitHub annotates the first ${shown(level)} of the ${counts[i]} ${many} in a step; ${where}`;
    return [`::notice title=${escapeCommandProperty(`cfglint: ${noun}`)}::${escapeCommandData(text)}`];
  });
}

export function format(report: Report, ctx: FormatContext): string {
  const findings = sortBySeverity(report.findings);
  const where = ctx.moreFindingsAt ?? "this step's log lists them all, and --format sarif writes them for code scanning";
  return [...overflowNotices(findings, where), ...findings.map(annotation)].map((line) => `${line}\n`).join('');
}
