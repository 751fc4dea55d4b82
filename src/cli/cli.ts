/**
 * The cfglint command, run by main.ts (from the build's bundle, or from these modules). Exit
 * codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 unusable arguments, paths
 * or configuration (one line on stderr, never a stack trace).
 */
import * as nodeFs from 'fs';
import { applyBaseline, BaselineError, baselineText, parseBaseline } from '../engine/baseline';
import { ConfigError } from '../engine/config';
import { exitCodeFor, lintSync, listFiles } from '../engine/run';
import { configForDirectory, NothingToReadError, UsageError } from '../engine/options';
import { VERSION } from '../source/meta';
import { terminalText } from '../report/escape';
import { withFindings } from '../engine/findings';
import { FixRun, fixSync, writeChanges } from '../engine/fix';
import { unifiedDiff } from '../report/diff';
import { closest } from '../source/suggest';
import { FILE_LIST_FORMATS, formatFileList, isFileListFormat } from '../report/file-list';
import { FORMATTER_NAMES, FormatterName, getFormatter, isFormatterName } from '../report/formatters';
import { GRAPH_FORMATS, GraphFormat, isGraphFormat, renderGraph } from '../report/graph';
import type { Finding, Report } from '../engine/findings';
import type { Severity } from '../source/span';
import { EXPLAIN_FORMATS, explainRule, initConfig, isExplainFormat, listRules } from './commands';
import { printConfig } from './print-config';
import { formatStatistics } from '../report/statistics';
import { ruleFilter } from './select';
import { messageOf } from '../source/thrown';
import { CliArguments, parseCommonArguments } from './common-arguments';

const EPILOG = `Exit codes:
  0  no finding at or above --fail-on
  1  at least one finding at or above --fail-on
  2  usage error: bad option, unreadable path, invalid .cfglint.json, a named file
     cfglint does not read, or paths that hold no file it reads

Examples:
  cfglint ./deploy                          lint a deploy tree
  cfglint --format sarif -o cfglint.sarif .  SARIF for code scanning
  cfglint --format github .                 annotations in GitHub Actions
  cfglint -f junit -o cfglint.xml .         JUnit XML for CI test dashboards
  cfglint --nginx-version 1.24.0 ./deploy   judge defaults for that nginx release
  cfglint graph --format dot ./deploy       the linked deployment as a Graphviz graph
  cfglint rules                             every rule with its severity and category
  cfglint explain upstream-keepalive-http10 a rule's documentation
  cfglint --print-config nginx/app.conf .   the settings cfglint reads for one file
  cfglint --list-files ./deploy             each file with the format it is read as, and why
  cfglint --init                            write a starter .cfglint.json here
  cfglint --baseline .cfglint-baseline.json --update-baseline .
                                            accept today's findings
  cfglint --baseline .cfglint-baseline.json .  fail only on new findings
  cfglint --fix-dry-run ./deploy            the fixes cfglint can make, as a unified diff
  cfglint --fix ./deploy                    make them, then report what is left`;

/**
 * Exit 2 with one line on stderr (plus a pointer to --help when the arguments were wrong). The
 * message can quote the tree (a path, a key of .cfglint.json), so it is escaped to one line.
 */
function usageFailure(message: string, hint = true): never {
  process.stderr.write(`cfglint: ${terminalText(message)}\n${hint ? "Try 'cfglint --help' for more information.\n" : ''}`);
  process.exit(2);
}

/**
 * yargs' "Unknown argument(s): formt" as an option the user can read: with its dashes, and the
 * nearest known option when one is close (`--formt` → "did you mean --format?").
 */
export function unknownOptionMessage(message: string, known: string[], argv: string[]): string {
  const match = /^Unknown arguments?: (.*)$/.exec(message);
  if (!match) return message;
  // yargs names `--no-thing` as `thing`: show what was typed.
  const typed = (name: string) =>
    argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`)) || !argv.some((arg) => arg === `--no-${name}` || arg.startsWith(`--no-${name}=`));
  const dashed = (name: string) => (name.length === 1 ? `-${name}` : typed(name) ? `--${name}` : `--no-${name}`);
  const longNames = known.filter((name) => name.length > 1);
  const parts = match[1].split(', ').map((name) => {
    const near = name.length > 1 ? closest(name, longNames) : undefined;
    return near ? `${dashed(name)} (did you mean ${dashed(near)}?)` : dashed(name);
  });
  return `unknown option${parts.length === 1 ? '' : 's'} ${parts.join(', ')}`;
}

/** The option names (and aliases) yargs knows; getOptions is in yargs' API but not in its type declarations. */
function knownOptions(parser: unknown): string[] {
  const options = (parser as { getOptions?: () => { key?: Record<string, unknown> } }).getOptions?.();
  return Object.keys(options?.key ?? {});
}

/**
 * Every option, subcommand, the help and the errors, by yargs (loaded here, on first use: a plain
 * lint's arguments are read by parseCommonArguments, and yargs' own test says it reads them alike).
 */
export function parseArguments(argv: string[]): CliArguments {
  const yargs = require('yargs') as typeof import('yargs');
  const parser = yargs(argv);
  return (
    parser
      // Without it yargs adds a camelCase twin of every hyphenated option and names both in errors.
      .parserConfiguration({ 'camel-case-expansion': false })
      .scriptName('cfglint')
      .usage('Usage: cfglint [options] [path ...]\n\nLint nginx and the backends behind it as one deployment. Paths default to the current directory.')
      .option('format', { alias: 'f', type: 'string', requiresArg: true, default: 'stylish', describe: `Output format: ${FORMATTER_NAMES.join(', ')}` })
      .option('output', { alias: 'o', type: 'string', requiresArg: true, describe: 'Write the report to this file instead of standard output' })
      .option('fail-on', {
        type: 'string',
        requiresArg: true,
        describe: 'Lowest severity that makes the exit code 1: error, warning, info or never [default: warning, or failOn in .cfglint.json]',
      })
      .option('config', { alias: 'c', type: 'string', requiresArg: true, describe: 'Use this config file instead of looking for .cfglint.json' })
      .option('nginx-version', {
        type: 'string',
        requiresArg: true,
        describe: 'nginx release the tree runs on (e.g. 1.24.0), for version-dependent defaults [default: from the config file or the tree]',
      })
      .option('report-unused-disables', { type: 'boolean', default: false, describe: 'Report cfglint-disable comments that suppress nothing' })
      .option('baseline', {
        type: 'string',
        requiresArg: true,
        describe: 'Report and fail only on findings whose fingerprint this baseline file does not list',
      })
      .option('update-baseline', {
        type: 'boolean',
        describe: 'With --baseline FILE: write FILE with every current finding (creating it, or pruning what is gone) and exit 0',
      })
      .option('select', {
        type: 'string',
        requiresArg: true,
        describe: 'Report only these rule ids or categories (comma-separated, may repeat; as `cfglint rules` lists them)',
      })
      .option('ignore', {
        type: 'string',
        requiresArg: true,
        describe: 'Do not report these rule ids or categories (comma-separated, may repeat); wins over --select',
      })
      .option('show-info', {
        type: 'boolean',
        describe: 'List infos whose every value is a documented default too (stylish leaves them out; --fail-on info shows them as well)',
      })
      .option('quiet', { alias: 'q', type: 'boolean', describe: 'Report errors only: warnings and infos are neither shown nor counted toward --fail-on' })
      .option('max-warnings', { type: 'string', requiresArg: true, describe: 'Exit 1 when there are more than this many warnings (counted with --quiet too)' })
      .option('statistics', { type: 'boolean', describe: 'Print how many findings each rule has instead of the findings (text, or JSON with --format json)' })
      .option('fix', {
        type: 'boolean',
        describe: 'Rewrite files of the tree to fix what the fixable rules found (see `cfglint rules`), then report what is left',
      })
      .option('fix-dry-run', {
        type: 'boolean',
        describe: 'Print the fixes --fix would make as a unified diff and write nothing; the exit code is for what would be left',
      })
      .option('color', {
        type: 'boolean',
        describe: 'Force colours on or off [default: on for a terminal; FORCE_COLOR=1 forces them, NO_COLOR turns them off]',
      })
      .command('graph', 'Print the linked deployment (load balancer → nginx servers → upstreams → backends) as Mermaid, DOT or JSON; exit 0', (graph) =>
        graph
          .usage(
            'Usage: cfglint graph [options] [path ...]\n\nPrint the linked deployment as a graph: load balancer → nginx servers → upstreams → backends; an edge where a rule fires is red and dashed and names the rule and the two values in conflict. Mermaid past 50,000 characters keeps only those edges.',
          )
          .option('format', { type: 'string', requiresArg: true, default: 'mermaid', describe: `Graph format: ${GRAPH_FORMATS.join(', ')}` }),
      )
      .command('rules', 'List every rule and reader id with its severity, category and description; exit 0', (rules) =>
        rules
          .usage('Usage: cfglint rules [--format text|json]')
          .option('format', { type: 'string', requiresArg: true, default: 'text', describe: 'Output format: text, json' }),
      )
      .command('explain <rule-id>', "Print a rule's documentation; exit 0, or 2 for an unknown id", (explain) =>
        explain
          .usage('Usage: cfglint explain <rule-id> [--format text|markdown]')
          .positional('rule-id', { type: 'string', describe: 'A rule or reader id, as `cfglint rules` lists them' })
          .option('format', {
            type: 'string',
            requiresArg: true,
            default: 'text',
            describe: 'text: rendered for the terminal (colours as for lint output); markdown: the page as written',
          }),
      )
      .option('print-config', {
        type: 'string',
        requiresArg: true,
        describe: 'Print the effective settings cfglint reads for this file (nginx blocks, or backends) and exit',
      })
      .option('list-files', {
        type: 'boolean',
        describe:
          'Print every file of the tree with the format cfglint reads it as and why (or why not): `path  format  reason`, or JSON with --format json; exit 0',
      })
      .option('init', { type: 'boolean', describe: 'Write a starter .cfglint.json in the current directory and exit' })
      .version(VERSION)
      .alias('version', 'v')
      .help()
      .alias('help', 'h')
      .epilog(EPILOG)
      .strictOptions()
      .wrap(Math.min(100, process.stdout.columns || 100))
      .fail((message, error) => usageFailure(message ? unknownOptionMessage(message, knownOptions(parser), argv) : error?.message || 'invalid arguments'))
      .parseSync()
  );
}

export function main(argv: string[]): void {
  const parsed = parseCommonArguments(argv) ?? parseArguments(argv);

  if (parsed.init) {
    const problem = initConfig(process.cwd());
    if (problem) usageFailure(problem, false);
    return;
  }
  if (parsed._[0] === 'rules') {
    const rulesFormat = String(parsed.format);
    if (rulesFormat !== 'text' && rulesFormat !== 'json') usageFailure(`unknown rules format "${rulesFormat}"; expected one of: text, json`);
    // The severities a lint of this directory would use: its .cfglint.json (or --config) applies.
    let config;
    try {
      config = configForDirectory({ configPath: parsed.config }).config;
    } catch (error) {
      if (error instanceof ConfigError) usageFailure(error.message, false);
      throw error;
    }
    process.stdout.write(listRules(rulesFormat, config));
    return;
  }
  if (parsed._[0] === 'explain') {
    const explainFormat = String(parsed.format);
    if (!isExplainFormat(explainFormat)) usageFailure(`unknown explain format "${explainFormat}"; expected one of: ${EXPLAIN_FORMATS.join(', ')}`);
    const explainColor = parsed.color ?? colorFromEnvironment(process.env) ?? process.stdout.isTTY === true;
    const explained = explainRule(String(parsed['rule-id']), explainFormat, explainColor);
    if ('error' in explained) usageFailure(explained.error, false);
    process.stdout.write(explained.text);
    return;
  }

  if (parsed['print-config'] !== undefined) {
    try {
      process.stdout.write(
        printConfig(parsed['print-config'], { paths: parsed._.map(String), configPath: parsed.config, nginxVersion: parsed['nginx-version'] }),
      );
    } catch (error) {
      if (error instanceof UsageError) usageFailure(error.message);
      if (error instanceof ConfigError) usageFailure(error.message, false);
      throw error;
    }
    return;
  }

  if (parsed['list-files']) {
    // stylish is --format's default for lint runs; here it means the text listing.
    const listFormat = String(parsed.format) === 'stylish' ? 'text' : String(parsed.format);
    if (!isFileListFormat(listFormat)) usageFailure(`unknown --list-files format "${listFormat}"; expected one of: ${FILE_LIST_FORMATS.join(', ')}`);
    let listing: string;
    try {
      // `graph --list-files` lists the same tree the graph would draw.
      const paths = parsed._.slice(parsed._[0] === 'graph' ? 1 : 0).map(String);
      listing = formatFileList(listFiles({ paths, configPath: parsed.config, nginxVersion: parsed['nginx-version'] }), listFormat);
    } catch (error) {
      if (error instanceof NothingToReadError || error instanceof ConfigError) usageFailure(error.message, false);
      if (error instanceof UsageError) usageFailure(error.message);
      throw error;
    }
    writeOutput(listing, parsed.output);
    return;
  }

  const graph = parsed._[0] === 'graph';
  const format = String(parsed.format);
  if (graph && !isGraphFormat(format)) usageFailure(`unknown graph format "${format}"; expected one of: ${GRAPH_FORMATS.join(', ')}`);
  if (!graph && !isFormatterName(format)) usageFailure(`unknown format "${format}"; expected one of: ${FORMATTER_NAMES.join(', ')}`);
  if (parsed.statistics && graph) usageFailure('--statistics counts findings; a graph has none to count');
  if (parsed.statistics && format !== 'stylish' && format !== 'json') usageFailure(`--statistics prints text or JSON; --format ${format} is not one of them`);
  const failOnOption = parsed['fail-on'];
  if (failOnOption !== undefined && !['error', 'warning', 'info', 'never'].includes(failOnOption)) {
    usageFailure(`invalid --fail-on "${failOnOption}"; expected error, warning, info or never`);
  }

  const maxWarningsOption = parsed['max-warnings'];
  if (maxWarningsOption !== undefined && !/^\d{1,9}$/.test(maxWarningsOption))
    usageFailure(`invalid --max-warnings "${maxWarningsOption}"; expected a whole number, 0 or more`);
  const asList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const filter = ruleFilter(asList(parsed.select), asList(parsed.ignore));
  if ('error' in filter) usageFailure(filter.error);
  const baselineFile = parsed.baseline;
  if (parsed['update-baseline'] && baselineFile === undefined) usageFailure('--update-baseline needs --baseline FILE: the file to write');
  // Read before linting: a baseline that cannot be used fails fast, whatever the tree holds.
  const accepted = baselineFile !== undefined && !parsed['update-baseline'] ? readBaseline(baselineFile) : undefined;

  const fixing = parsed.fix === true || parsed['fix-dry-run'] === true;
  if (fixing && graph) usageFailure('--fix and --fix-dry-run change configs; a graph only draws them');
  if (fixing && parsed['update-baseline']) usageFailure('--update-baseline records findings; run --fix first, then update the baseline');
  if (parsed.fix && parsed['fix-dry-run']) usageFailure('--fix writes the fixes and --fix-dry-run only shows them: give one of the two');

  /** What the user is shown of a report: the selected rules, less the baseline, errors only with --quiet. */
  const viewOf = (full: Report): { chosen: Report; judged: Report; report: Report } => {
    const chosen = withFindings(
      full,
      full.findings.filter((finding) => filter.keeps(finding.ruleId)),
    );
    // The graph marks every edge a rule fires on: a baseline accepts findings, it does not hide them there.
    const judged = accepted && !graph ? applyBaseline(chosen, accepted) : chosen;
    const report =
      parsed.quiet && !graph
        ? withFindings(
            judged,
            judged.findings.filter((finding) => finding.severity === 'error'),
          )
        : judged;
    return { chosen, judged, report };
  };

  const lintOptions = {
    paths: parsed._.slice(graph ? 1 : 0).map(String),
    configPath: parsed.config,
    nginxVersion: parsed['nginx-version'],
    reportUnusedDisables: parsed['report-unused-disables'],
  };
  let result;
  let fixRun: FixRun | undefined;
  try {
    if (fixing) {
      // The fixes of the findings the user would see, no others.
      fixRun = fixSync(lintOptions, (report) => viewOf(report).report.findings);
      result = fixRun.result;
    } else result = lintSync(lintOptions);
  } catch (error) {
    // The message says what the paths hold and what to do; --help would not help with it.
    if (error instanceof NothingToReadError) usageFailure(error.message, false);
    if (error instanceof UsageError) usageFailure(error.message);
    // The message names the file and the JSON path; --help would not help with it.
    if (error instanceof ConfigError) usageFailure(error.message, false);
    throw error;
  }

  // The graph draws what the selected rules find, like the report.
  const { chosen, judged, report } = viewOf(result.report);
  if (parsed['update-baseline'] && baselineFile !== undefined) {
    updateBaseline(baselineFile, chosen.findings);
    return;
  }
  const failOn = (failOnOption as Severity | 'never' | undefined) ?? result.failOn;
  if (fixRun) {
    for (const title of fixRun.reverted) process.stderr.write(`cfglint: fix not applied, it left a file unreadable: ${terminalText(title)}\n`);
    if (parsed['fix-dry-run']) {
      // The diff is the output; what would be left decides the exit code.
      writeOutput(fixRun.changes.map((change) => unifiedDiff(change.file, change.before, change.after)).join(''), parsed.output);
      process.exitCode = exitCodeFor(report, failOn);
      return;
    }
    const failures = writeChanges(lintOptions, fixRun.changes);
    for (const failure of failures) process.stderr.write(`cfglint: ${terminalText(failure)}\n`);
    if (failures.length > 0) process.exit(2);
    if (fixRun.changes.length > 0) {
      const files = fixRun.changes.length;
      process.stderr.write(`cfglint: applied ${fixRun.applied} ${fixRun.applied === 1 ? 'fix' : 'fixes'} in ${files} ${files === 1 ? 'file' : 'files'}\n`);
    }
  }

  const toFile = parsed.output !== undefined;
  const color = parsed.color ?? colorFromEnvironment(process.env) ?? (!toFile && process.stdout.isTTY === true);
  // Day one on a stock setup: an info about two defaults is no news to read on every run. The
  // list leaves it out and says so; machine formats keep every finding (docs/design.md, "Noise").
  const shown = format === 'stylish' && !parsed['show-info'] && failOn !== 'info' ? withoutDefaultInfos(report) : { report, hidden: 0 };
  const text = graph
    ? renderGraph(result.model, result.links, chosen.findings, format as GraphFormat)
    : parsed.statistics
      ? formatStatistics(report, format === 'json' ? 'json' : 'text')
      : getFormatter(format as FormatterName)(shown.report, {
          readSource: result.readSource,
          color: color && format === 'stylish',
          hiddenDefaultInfos: shown.hidden,
        });
  writeOutput(text, parsed.output);
  // A graph is a view, not a verdict: printing it succeeds whatever the rules found.
  if (graph) {
    process.exitCode = 0;
    return;
  }
  process.exitCode = exitCodeFor(report, failOn);
  // As ESLint: the warnings --quiet hides still count toward --max-warnings.
  const warnings = judged.summary.warnings;
  if (maxWarningsOption !== undefined && warnings > Number(maxWarningsOption)) {
    process.stderr.write(`cfglint: ${warnings} warnings, more than --max-warnings ${maxWarningsOption}\n`);
    process.exitCode = 1;
  }
}

/**
 * Colour as the environment asks for it, when it does. FORCE_COLOR is read as Node.js documents it
 * (doc/api/cli.md, "FORCE_COLOR=[1, 2, 3]"): `1`, `2`, `3`, `true` or empty turn colour on and
 * override NO_COLOR; any other value turns it off. NO_COLOR set to anything but the empty string
 * turns it off (no-color.org).
 */
export function colorFromEnvironment(env: NodeJS.ProcessEnv): boolean | undefined {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return undefined;
}

/** The report without the infos whose every value is a documented default, and how many those were. */
function withoutDefaultInfos(report: Report): { report: Report; hidden: number } {
  const kept = report.findings.filter((finding) => !(finding.severity === 'info' && finding.atDefaults));
  return { report: withFindings(report, kept), hidden: report.findings.length - kept.length };
}

/** The fingerprints a baseline file accepts; exit 2 in one line if it is missing or invalid. */
function readBaseline(file: string): Set<string> {
  let text: string;
  try {
    text = nodeFs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (create it with --update-baseline)' : messageOf(error).replace(/^[A-Z]+: /, '');
    usageFailure(`cannot read baseline ${file}: ${reason}`, false);
  }
  try {
    return parseBaseline(text, file);
  } catch (error) {
    if (error instanceof BaselineError) usageFailure(error.message, false);
    throw error;
  }
}

/**
 * Writes the baseline that accepts exactly today's findings (new ones added, fixed ones pruned)
 * and says what changed. An unreadable or invalid old file is simply replaced: that is the repair.
 */
function updateBaseline(file: string, findings: Finding[]): void {
  let before = new Set<string>();
  try {
    before = parseBaseline(nodeFs.readFileSync(file, 'utf8'), file);
  } catch {
    // Missing or invalid: everything counts as added.
  }
  const now = new Set(findings.map((finding) => finding.fingerprint));
  const added = [...now].filter((fingerprint) => !before.has(fingerprint)).length;
  const removed = [...before].filter((fingerprint) => !now.has(fingerprint)).length;
  writeOutput(baselineText(findings), file);
  process.stdout.write(`Baseline ${terminalText(file)}: ${now.size} ${now.size === 1 ? 'finding' : 'findings'} (${added} added, ${removed} removed).\n`);
}

/** To -o FILE when given (exit 2 in one line if it cannot be written), else to standard output. */
function writeOutput(text: string, file: string | undefined): void {
  if (file === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    nodeFs.writeFileSync(file, text);
  } catch (error) {
    usageFailure(`cannot write ${file}: ${messageOf(error).replace(/^[A-Z]+: /, '')}`, false);
  }
}

/** A bug, not bad input: one escaped line (the message may quote the tree), then where to report it. */
export function internalErrorReport(error: unknown): string {
  const message = messageOf(error);
  return `cfglint: internal error: ${terminalText(message)}\nPlease report this at https://github.com/cfglint/cfglint/issues\n`;
}

/**
 * A reader that goes away (`cfglint . | head -1`) is not an error: end quietly with the exit code
 * the run has set, instead of dying on the unhandled 'error' event with a stack trace. Any other
 * failure to write the report is one line on stderr and exit 2; a broken stderr has no one to tell.
 */
function endQuietlyOnBrokenOutput(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit();
    process.stderr.write(`cfglint: cannot write to standard output: ${terminalText(error.message)}\n`);
    process.exit(2);
  });
  process.stderr.on('error', () => process.exit());
}

/**
 * The command as run from a shell: every failure one line on stderr. Called by main.ts through the
 * bundle's exports, which knip cannot follow.
 * @public
 */
export function run(argv: string[]): void {
  endQuietlyOnBrokenOutput();
  try {
    main(argv);
  } catch (error) {
    process.stderr.write(internalErrorReport(error));
    process.exit(2);
  }
}
