/**
 * The programmatic API: `lint({ paths, config })` resolves to the Report that
 * schemas/report.schema.json describes; `getFormatter(name)` renders it like the CLI does;
 * `listFiles({ paths })` says what each file was read as (`formatFileList` prints it as --list-files does).
 */
export { lint, lintSync, exitCodeFor, listFiles } from './engine/run';
export { UsageError, NothingToReadError } from './engine/options';
export type { LintResult } from './engine/run';
export type { LintOptions } from './engine/options';
export { ConfigError } from './engine/config';
export type { CfglintConfig } from './engine/config';
export { getFormatter, FORMATTER_NAMES } from './report/formatters';
export { formatFileList } from './report/file-list';
export type { FileListFormat } from './report/file-list';
export type { ListedFile } from './engine/findings';
export type { FormatterName, FormatContext } from './report/formatters';
export type { Finding, Report, RuleSummary } from './engine/findings';
export type { Span, Pos, Severity, RelatedSpan } from './source/span';
export { RULES } from '../checks';
export { VERSION } from './source/meta';
