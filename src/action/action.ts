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
import type { Severity } from '../source/span';
import { FORMATTER_NAMES, FormatterName, getFormatter, isFormatterName, sortFindings } from '../report/formatters';
import { escapeCommandData, githubOutputEntry, markdownCell } from '../report/escape';
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

/** The job summary: a findings table and the linked topology as a Mermaid diagram (mismatched edges in red). */
export function renderSummary(result: LintResult): string {
  const findings = sortFindings(result.report.findings);
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const out = ['## cfglint', ''];
  if (findings.length === 0) {
    out.push('No findings.');
  } else {
    out.push(`${plural(findings.length, 'finding')}: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info.`);
    out.push('', '| Severity | Rule | Location | Message |', '| --- | --- | --- | --- |');
    for (const f of findings) {
      // <code>, not a code span: inside backticks no escape works, and a backtick in a path would end it.
      const location = markdownCell(`${f.primary.file}:${f.primary.start.line}`);
      out.push(
        `| ${f.severity} | [${markdownCell(f.ruleId)}](${f.docsUrl}) | <code>${location}</code> | ${markdownCell(f.message)}${f.help ? `<br>help: ${markdownCell(f.help)}` : ''} |`,
      );
    }
  }
  out.push('', '### Topology', '', '```mermaid');
  out.push(renderGraph(result.model, result.links, result.report.findings, 'mermaid').replace(/\n$/, ''));
  out.push('```', '');
  return out.join('\n');
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

  stdout(getFormatter(inputs.format)(result.report, { readSource: result.readSource, color: false }));

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

  if (env.GITHUB_STEP_SUMMARY) nodeFs.appendFileSync(env.GITHUB_STEP_SUMMARY, renderSummary(result));
  if (env.GITHUB_OUTPUT) {
    nodeFs.appendFileSync(
      env.GITHUB_OUTPUT,
      githubOutputEntry('findings', String(result.report.findings.length)) + githubOutputEntry('sarif-file', sarifPath ?? ''),
    );
  }
  return exitCodeFor(result.report, inputs.failOn ?? result.failOn);
}
