/**
 * The command line of a plain lint (`cfglint [path ...] [-f FORMAT] [-o FILE] ...`) read without
 * yargs, which costs more to load than such a run spends linting a small tree. It answers only for
 * arguments whose reading by yargs is certain; for anything else (help, version, a subcommand, a
 * repeated or unknown option, `--opt=value`, a value that may read as a number or a boolean, `--`)
 * it answers undefined and cli.ts asks yargs, so that help, errors and every edge stay yargs'.
 */

/** The options main() reads, as yargs gives them (cli.ts parseArguments). */
export interface CliArguments {
  _: (string | number)[];
  format: string;
  output?: string;
  'fail-on'?: string;
  config?: string;
  'nginx-version'?: string;
  'report-unused-disables': boolean;
  baseline?: string;
  'update-baseline'?: boolean;
  select?: string | string[];
  ignore?: string | string[];
  'show-info'?: boolean;
  quiet?: boolean;
  'max-warnings'?: string;
  statistics?: boolean;
  fix?: boolean;
  'fix-dry-run'?: boolean;
  color?: boolean;
  'print-config'?: string;
  'list-files'?: boolean;
  init?: boolean;
  'rule-id'?: string;
}

type StringOption = 'format' | 'output' | 'config' | 'fail-on' | 'nginx-version' | 'max-warnings' | 'select' | 'ignore' | 'baseline';
type FlagOption = 'quiet' | 'show-info' | 'report-unused-disables' | 'statistics';

/** Each spelling this reader takes for an option with a value; cli.ts declares them all requiresArg. */
const STRING_OPTIONS = new Map<string, StringOption>([
  ['-f', 'format'],
  ['--format', 'format'],
  ['-o', 'output'],
  ['--output', 'output'],
  ['-c', 'config'],
  ['--config', 'config'],
  ['--fail-on', 'fail-on'],
  ['--nginx-version', 'nginx-version'],
  ['--max-warnings', 'max-warnings'],
  ['--select', 'select'],
  ['--ignore', 'ignore'],
  ['--baseline', 'baseline'],
]);

const FLAG_OPTIONS = new Map<string, FlagOption>([
  ['-q', 'quiet'],
  ['--quiet', 'quiet'],
  ['--show-info', 'show-info'],
  ['--report-unused-disables', 'report-unused-disables'],
  ['--statistics', 'statistics'],
]);

/** cli.ts's subcommands: yargs dispatches on them. */
const COMMANDS = new Set(['graph', 'rules', 'explain']);

/**
 * A word yargs might not keep as the text typed: it turns a number-like positional into a number
 * (`010`, `1e3`, `.5`), takes `true`/`false` after a flag as the flag's value, and reads anything
 * starting with `-` as an option. The test is wider than yargs' own, which costs only a yargs run.
 */
function unsure(word: string): boolean {
  return word === '' || word.startsWith('-') || /^[+]?\.?\d/.test(word) || word === 'true' || word === 'false';
}

/** The arguments as yargs would read them, or undefined when that takes yargs. */
export function parseCommonArguments(argv: readonly string[]): CliArguments | undefined {
  const parsed: CliArguments = { _: [], format: 'stylish', 'report-unused-disables': false };
  const seen = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index];
    const stringOption = STRING_OPTIONS.get(word);
    const flagOption = FLAG_OPTIONS.get(word);
    const name = stringOption ?? flagOption;
    if (name !== undefined) {
      // yargs gathers a repeated option into an array, or takes the last: it knows which.
      if (seen.has(name)) return undefined;
      seen.add(name);
    }
    if (stringOption !== undefined) {
      const value = argv[index + 1];
      // A missing value is yargs' error to word; a leading `-` may be an option to it.
      if (value === undefined || value === '' || value.startsWith('-')) return undefined;
      parsed[stringOption] = value;
      index++;
    } else if (flagOption !== undefined) {
      parsed[flagOption] = true;
    } else if (unsure(word) || COMMANDS.has(word)) {
      return undefined;
    } else {
      parsed._.push(word);
    }
  }
  return parsed;
}
