/**
 * The GitHub Action (action.yml at the repository root runs the bundle of main.ts,
 * dist-action/index.js). It reads its inputs the way the runner passes them
 * (`INPUT_<NAME>` variables, hyphens kept: `INPUT_FAIL-ON`), lints GITHUB_WORKSPACE,
 * prints the findings (annotations with the default `github` format), writes SARIF
 * when asked, appends a job summary (findings table + Mermaid topology) to
 * GITHUB_STEP_SUMMARY and the outputs `findings` and `sarif-file` to GITHUB_OUTPUT.
 * Exit code: 0 clean, 1 findings at or above fail-on, 2 bad input or configuration.
 */
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { applyBaseline, BaselineError, parseBaseline } from '../engine/baseline';
import { ConfigError } from '../engine/config';
import { exitCodeFor, LintResult, lintSync } from '../engine/run';
import { UsageError } from '../engine/options';
import type { Severity, Span } from '../source/span';
import { FORMATTER_NAMES, FormatterName, getFormatter, isFormatterName, sortBySeverity } from '../report/formatters';
import { escapeCommandData, githubOutputEntry, markdownCell, urlPath } from '../report/escape';
import type { Finding } from '../engine/findings';
import { renderGraph } from '../report/graph';
import { messageOf } from '../source/thrown';

type Env = Record<string, string | undefined>;

class ActionInputError extends Error {}

/** As @actions/core's getInput: `INPUT_` + the name upper-cased with spaces as `_`; trimmed, '' when unset. */
export function getInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

export interface ActionInputs {
  paths: string[];
  config?: string;
  failOn?: Severity | 'never';
  format: FormatterName;
  sarifFile?: string;
  /** A baseline file written by `cfglint --baseline FILE --update-baseline`, relative to the workspace. */
  baseline?: string;
}

export function readInputs(env: Env): ActionInputs {
  const paths = getInput(env, 'paths')
    .split(/\s+/)
    .filter((p) => p !== '');
  const format = getInput(env, 'format') || 'github';
  if (!isFormatterName(format)) throw new ActionInputError(`invalid input format "${format}"; expected one of: ${FORMATTER_NAMES.join(', ')}`);
  const failOn = getInput(env, 'fail-on');
  if (failOn !== '' && !['error', 'warning', 'info', 'never'].includes(failOn)) {
    throw new ActionInputError(`invalid input fail-on "${failOn}"; expected error, warning, info or never`);
  }
  return {
    paths: paths.length > 0 ? paths : ['.'],
    config: getInput(env, 'config') || undefined,
    failOn: (failOn || undefined) as Severity | 'never' | undefined,
    format,
    sarifFile: getInput(env, 'sarif-file') || undefined,
    baseline: getInput(env, 'baseline') || undefined,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** GitHub refuses a step summary above 1 MiB ("upload aborted, supports content up to a size of 1024k"). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export interface SummaryOptions {
  /** `https://github.com/owner/repo/blob/<sha>`: locations become links to their lines. */
  blobBase?: string;
  /** The SARIF file the action wrote, as the user named it: the note on cut rows points there. */
  sarifFile?: string;
  /** At most this many bytes (UTF-8); SUMMARY_LIMIT_BYTES unless a test asks for less. */
  limitBytes?: number;
}

/** The runner's GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_SHA as the base of links to files at this commit. */
export function blobBaseOf(env: Env): string | undefined {
  const server = env.GITHUB_SERVER_URL;
  const repository = env.GITHUB_REPOSITORY;
  const sha = env.GITHUB_SHA;
  if (!server || !repository || !sha || !/^[0-9a-f]{40}$/i.test(sha) || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return undefined;
  return `${server.replace(/\/+$/, '')}/${repository}/blob/${sha}`;
}

export interface Summary {
  text: string;
  /** Findings in the table; fewer than all when the table would pass the limit. */
  listed: number;
}

/** `file:line` in <code>, a link to the line when the file is inside the workspace and the run says where the repository is. */
function locationCell(span: Span, blobBase: string | undefined): string {
  const file = span.file.replace(/\\/g, '/');
  // <code>, not a code span: inside backticks no escape works, and a backtick in a path would end it.
  const code = `<code>${markdownCell(`${file}:${span.start.line}`)}</code>`;
  const inside = !file.startsWith('/') && !/^[A-Za-z]:/.test(file) && !file.split('/').includes('..');
  return blobBase && inside ? `[${code}](${blobBase}/${urlPath(file)}#L${span.start.line})` : code;
}

function row(finding: Finding, blobBase: string | undefined): string {
  const related = finding.related.map(({ span, label }) => `<br>↳ ${locationCell(span, blobBase)}: ${markdownCell(label)}`).join('');
  const help = finding.help ? `<br>help: ${markdownCell(finding.help)}` : '';
  return `| ${finding.severity} | [${markdownCell(finding.ruleId)}](${finding.docsUrl}) | ${locationCell(finding.primary, blobBase)} | ${markdownCell(finding.message)}${related}${help} |`;
}

function counted(findings: readonly Finding[]): string {
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`;
}

/** The line under a cut table: how many findings it leaves out, of which severities, and where they all are. */
function cutNote(left: readonly Finding[], sarifFile: string | undefined): string {
  const elsewhere = sarifFile
    ? `the annotations in this step's log and the SARIF file ${sarifFile} have them all`
    : "the annotations in this step's log have them all";
  return `*${plural(left.length, 'more finding')} not listed (${counted(left)}): GitHub takes at most 1 MiB of job summary; ${markdownCell(elsewhere)}.*`;
}

/**
 * The job summary: the findings by severity (errors first; each location a link to its line, the
 * other side of a mismatch under the message), then the linked topology as a Mermaid diagram. Rows
 * that would take it past the limit are left out, the least severe first, and a note says so.
 */
export function buildSummary(result: LintResult, options: SummaryOptions = {}): Summary {
  const limit = options.limitBytes ?? SUMMARY_LIMIT_BYTES;
  const findings = sortBySeverity(result.report.findings);
  const head = ['## cfglint', ''];
  const tail = ['', '### Topology', '', '```mermaid', renderGraph(result.model, result.links, result.report.findings, 'mermaid').replace(/\n$/, ''), '```', ''];
  if (findings.length === 0) return { text: [...head, 'No findings.', ...tail].join('\n'), listed: 0 };
  head.push(`${plural(findings.length, 'finding')}: ${counted(findings)}.`, '', '| Severity | Rule | Location | Message |', '| --- | --- | --- | --- |');
  // Each row adds its bytes and a newline to what head and tail take.
  const fixed = Buffer.byteLength([...head, ...tail].join('\n'));
  const rows: string[] = [];
  const sizes: number[] = [];
  let bytes = fixed;
  for (const finding of findings) {
    const text = row(finding, options.blobBase);
    const size = Buffer.byteLength(text) + 1;
    if (bytes + size > limit) break;
    rows.push(text);
    sizes.push(size);
    bytes += size;
  }
  if (rows.length === findings.length) return { text: [...head, ...rows, ...tail].join('\n'), listed: rows.length };
  // The note (a blank line and one line) needs room too: rows give way from the end until it fits.
  let note = cutNote(findings.slice(rows.length), options.sarifFile);
  while (rows.length > 0 && bytes + Buffer.byteLength(note) + 2 > limit) {
    rows.pop();
    bytes -= sizes.pop()!;
    note = cutNote(findings.slice(rows.length), options.sarifFile);
  }
  return { text: [...head, ...rows, '', note, ...tail].join('\n'), listed: rows.length };
}

/** The job summary's text (buildSummary). */
export function renderSummary(result: LintResult, options: SummaryOptions = {}): string {
  return buildSummary(result, options).text;
}

/** A bug, not bad input: one annotation, the message escaped as command data (it may quote the tree). */
export function internalErrorAnnotation(error: unknown): string {
  const message = messageOf(error);
  return `::error::${escapeCommandData(`cfglint: internal error: ${message}; please report this at https://github.com/cfglint/cfglint/issues`)}\n`;
}

/** The fingerprints the baseline accepts; a BaselineError (one annotation, exit 2) when it is missing or invalid. */
function readBaselineFile(absolute: string, shown: string): Set<string> {
  let text: string;
  try {
    text = nodeFs.readFileSync(absolute, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create it with cfglint --baseline FILE --update-baseline)' : messageOf(error);
    throw new BaselineError(`cannot read baseline ${shown}: ${reason}`);
  }
  return parseBaseline(text, shown);
}

/** For the notice on findings GitHub does not annotate: the summary (if it lists them), the SARIF file, the log. */
function whereTheRestAre(summary: Summary | undefined, sarifFile: string | undefined, result: LintResult): string {
  const places: string[] = [];
  if (summary) places.push(summary.listed === result.report.findings.length ? 'the job summary lists them all' : 'the job summary lists the most severe');
  if (sarifFile) places.push(`the SARIF file ${sarifFile} has them all (upload it for code scanning)`);
  places.push("this step's log shows every one");
  return places.join('; ');
}

/** Runs the action; returns the exit code. Output goes to stdout and the files the runner names. */
export function runAction(env: Env = process.env, stdout: (text: string) => void = (t) => process.stdout.write(t)): number {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  let inputs: ActionInputs;
  let result: LintResult;
  try {
    inputs = readInputs(env);
    result = lintSync({ paths: inputs.paths, cwd: workspace, configPath: inputs.config });
    if (inputs.baseline)
      result = { ...result, report: applyBaseline(result.report, readBaselineFile(nodePath.resolve(workspace, inputs.baseline), inputs.baseline)) };
  } catch (error) {
    if (error instanceof ActionInputError || error instanceof UsageError || error instanceof ConfigError || error instanceof BaselineError) {
      stdout(`::error::${escapeCommandData(`cfglint: ${error.message}`)}\n`);
      return 2;
    }
    throw error;
  }

  const summary = env.GITHUB_STEP_SUMMARY ? buildSummary(result, { blobBase: blobBaseOf(env), sarifFile: inputs.sarifFile }) : undefined;
  stdout(
    getFormatter(inputs.format)(result.report, {
      readSource: result.readSource,
      color: false,
      moreFindingsAt: whereTheRestAre(summary, inputs.sarifFile, result),
    }),
  );

  let sarifPath: string | undefined;
  if (inputs.sarifFile) {
    sarifPath = nodePath.resolve(workspace, inputs.sarifFile);
    try {
      nodeFs.mkdirSync(nodePath.dirname(sarifPath), { recursive: true });
      nodeFs.writeFileSync(sarifPath, getFormatter('sarif')(result.report, { readSource: result.readSource, color: false }));
    } catch (error) {
      stdout(`::error::${escapeCommandData(`cfglint: cannot write ${inputs.sarifFile}: ${messageOf(error)}`)}\n`);
      return 2;
    }
  }

  if (env.GITHUB_STEP_SUMMARY && summary) nodeFs.appendFileSync(env.GITHUB_STEP_SUMMARY, summary.text);
  if (env.GITHUB_OUTPUT) {
    nodeFs.appendFileSync(
      env.GITHUB_OUTPUT,
      githubOutputEntry('findings', String(result.report.findings.length)) + githubOutputEntry('sarif-file', sarifPath ?? ''),
    );
  }
  return exitCodeFor(result.report, inputs.failOn ?? result.failOn);
}
