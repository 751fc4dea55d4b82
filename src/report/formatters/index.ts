/**
 * Formatter registry. Each format lives in its own module and is required only
 * when asked for, so starting the CLI loads no formatter code.
 */
import type { Finding, Report } from '../../engine/findings';
import { compareFindings } from '../../engine/findings';
import { SEVERITY_RANK, type Span } from '../../source/span';

export type FormatterName = 'stylish' | 'json' | 'sarif' | 'github' | 'gitlab' | 'junit' | 'checkstyle';

/** In the order `--help` lists them; the first is the default. */
export const FORMATTER_NAMES: readonly FormatterName[] = ['stylish', 'json', 'sarif', 'github', 'gitlab', 'junit', 'checkstyle'];

export interface FormatContext {
  /** Text of a reported file, or undefined when it cannot be read. */
  readSource(file: string): string | undefined;
  /** The CLI decides (TTY and no NO_COLOR); formatters never look at the environment. */
  color: boolean;
  /** How many infos at documented defaults the CLI left out of the report (stylish says so). */
  hiddenDefaultInfos?: number;
  /**
   * Where the findings are that a format cannot show all of (GitHub annotates 10 per level per
   * step), as a clause: `the job summary lists them all`. The GitHub Action sets it.
   */
  moreFindingsAt?: string;
}

export type Formatter = (report: Report, ctx: FormatContext) => string;

export function isFormatterName(name: string): name is FormatterName {
  return (FORMATTER_NAMES as readonly string[]).includes(name);
}

export function getFormatter(name: FormatterName): Formatter {
  // Literal paths keep the modules visible to tsc and bundlers while still loading on demand.
  switch (name) {
    case 'stylish':
      return (require('./stylish') as typeof import('./stylish')).format;
    case 'json':
      return (require('./json') as typeof import('./json')).format;
    case 'sarif':
      return (require('./sarif') as typeof import('./sarif')).format;
    case 'github':
      return (require('./github') as typeof import('./github')).format;
    case 'gitlab':
      return (require('./gitlab') as typeof import('./gitlab')).format;
    case 'junit':
      return (require('./junit') as typeof import('./junit')).format;
    case 'checkstyle':
      return (require('./checkstyle') as typeof import('./checkstyle')).format;
    default:
      // Reached only from untyped callers; name the valid choices.
      throw new Error(`Unknown formatter "${String(name)}"; expected one of: ${FORMATTER_NAMES.join(', ')}`);
  }
}

// Helpers shared by the formatters. They live here rather than in a formatter
// so that using one format never loads another.

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Errors, then warnings, then infos; within a severity as sortFindings. */
export function sortBySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || compareFindings(a, b));
}

/** `file:line:col`, the form terminals and editors turn into links. */
export function formatLocation(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

/**
 * The message with the related locations folded in, for formats that have one message per finding
 * and no place for other locations: `message (related: file:line:col: label; …)`. Raw tree text:
 * each formatter escapes the result for its own channel.
 */
export function messageWithRelated(finding: Finding): string {
  if (finding.related.length === 0) return finding.message;
  const related = finding.related.map(({ span, label }) => `${formatLocation(span)}: ${label}`);
  return `${finding.message} (related: ${related.join('; ')})`;
}

/**
 * The message with the related locations and the help folded in, for formats whose finding is one
 * attribute of text (Checkstyle): `message (related: …); help: …`. Raw tree text, as above.
 */
export function messageWithRelatedAndHelp(finding: Finding): string {
  const text = messageWithRelated(finding);
  return finding.help ? `${text}; help: ${finding.help}` : text;
}

/** Findings sorted (sortFindings) and grouped by the file of their primary span, files in code-unit order. */
export function findingsByFile(findings: readonly Finding[]): [string, Finding[]][] {
  const groups: [string, Finding[]][] = [];
  for (const finding of sortFindings(findings)) {
    const last = groups[groups.length - 1];
    if (last && last[0] === finding.primary.file) last[1].push(finding);
    else groups.push([finding.primary.file, [finding]]);
  }
  return groups;
}
