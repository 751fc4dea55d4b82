/**
 * From a command line to the program that really runs: shell scripts and `sh -c` strings are
 * run step by step (variables set earlier are substituted), and wrappers that only hand over to
 * another program (`exec`, `env A=b`, `gosu app`, `su app -c`, `tini --`, `python -m`, `pipenv run`, `pyenv exec`, …) are
 * peeled off, so that `program` is `gunicorn` whether it is started directly or through them.
 */
import * as nodePath from 'path';
import { append } from '../../source/append';
import { expandWord, type Positional } from '../kit/expand';
import type { SourceText } from '../../source/text';
import type { MappedText } from '../kit/mapped-text';
import { asMappedText, literalArg, Lookup, RawArg, sliceArg, VariableValue, writtenText } from '../kit/raw';
import { assignmentOf, literalText, parseShell, ShellCommand, ShellFunction, ShellProblem, ShellRedirect, type ShellWord } from '../kit/shell-words';
import { runOrder } from './function-calls';
import { ScriptArguments, takenByArguments, testOperands } from './dispatch';
import { buildToolRunOf } from './build-tool-run';

/**
 * Programs that serve requests behind nginx (the servers cfglint models, plus Java for Spring
 * Boot and php-fpm), for picking the server out of a script or a `sh -c` chain
 * (`python manage.py migrate && exec gunicorn …`).
 */
const SERVER_PROGRAMS = new Set([
  'gunicorn',
  'uwsgi',
  'uvicorn',
  'hypercorn',
  'daphne',
  'granian',
  'waitress-serve',
  'nginx',
  'openresty',
  'java',
  'catalina.sh',
  'php-fpm',
]);

export function isServerProgram(program: string): boolean {
  // Versioned or packaged names: uwsgi_python3, php-fpm8.2, python3.12 is not a server.
  return SERVER_PROGRAMS.has(program) || /^(uwsgi[_-]|php-fpm)/.test(program);
}

/** Arguments that make a server program only check or report and exit (`nginx -t`, `gunicorn --version`). */
const NOT_A_START: Record<string, RegExp> = {
  nginx: /^-(t|T|v|V|h|\?|s)$/,
  openresty: /^-(t|T|v|V|h|\?|s)$/,
  gunicorn: /^--(check-config|print-config|version|help)$|^-(v|h)$/,
  uwsgi: /^--(version|help|help-options)$|^-h$/,
  uvicorn: /^--(version|help)$/,
};

/** Where a bare command name is looked up in an image (Debian's and Alpine's default PATH). */
export const PATH_DIRECTORIES = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The paths a command word runs a program from, in the order they are tried: an absolute path
 * itself, a relative one with a `/` from the working directory (none where that is not known),
 * a bare name from each PATH directory.
 */
export function programPaths(word: string, cwd: string | undefined): string[] {
  if (word.startsWith('/')) return [nodePath.posix.normalize(word)];
  if (word.includes('/')) return cwd === undefined ? [] : [nodePath.posix.join(cwd, word)];
  return PATH_DIRECTORIES.map((directory) => `${directory}/${word}`);
}

/** Whether a command with this program and argv starts a server (rather than checking its config). */
export function startsServer(program: string, argv: RawArg[]): boolean {
  if (startsDevServer(program, argv)) return true;
  if (!isServerProgram(program)) return false;
  const notAStart = NOT_A_START[program];
  return !notAStart || !argv.slice(1).some((arg) => notAStart.test(arg.value));
}

/**
 * Django's and Flask's development servers (`python manage.py runserver`, `./manage.py
 * runserver`, `flask run`): servers cfglint recognises without modelling them
 * (model/unmodelled-servers.ts), found in scripts too (mozilla/pontoon's server_run.sh); and
 * Spring Boot's build plugins (`mvn spring-boot:run`, `./gradlew bootRun`: build-tool-run.ts).
 */
function startsDevServer(program: string, argv: RawArg[]): boolean {
  const word = (i: number) => argv[i]?.value ?? '';
  if (PYTHON.test(program)) return /(^|\/)manage\.py$/.test(word(1)) && word(2) === 'runserver';
  if (program === 'manage.py') return word(1) === 'runserver';
  if (buildToolRunOf(program, argv)) return true;
  return program === 'flask' && argv.some((arg) => arg.value === 'run');
}

/**
 * The name a word runs a program by: its basename. A path whose directory the tree does not give
 * (`$HOME/wait_for_deps.sh`, supervisord's `%(ENV_HOME)s/…`) still names its program; a word
 * whose last part is unknown (`$SU_EXEC`, `"${PYTHON_BIN}"`) is given as written.
 */
export function programName(arg: RawArg | undefined): string {
  if (!arg) return '';
  if (arg.unresolved.length > 0) return knownBasename(arg) ?? writtenText(arg);
  return nodePath.posix.basename(arg.value.replace(/\/+$/, '')) || arg.value;
}

/** The basename of a word with unknown parts when every unknown part is before its last `/`. */
function knownBasename(arg: RawArg): string | undefined {
  const slash = arg.value.lastIndexOf('/');
  if (slash === -1) return undefined;
  for (const part of arg.unresolved) {
    const at = arg.value.lastIndexOf(part);
    if (at === -1 || at + part.length > slash) return undefined;
  }
  const name = arg.value.slice(slash + 1);
  return /^[A-Za-z0-9._+-]+$/.test(name) ? name : undefined;
}

export interface ShellStep {
  args: RawArg[];
  /** `NAME=value` words in front of the command: environment for it alone. */
  prefixEnv: Map<string, RawArg>;
  /** Variables the script exported before the command (`export A=b`). */
  exported: Map<string, RawArg>;
  /** The directory after the script's top-level `cd`s; unresolved when a `cd` target is not known. */
  cwd?: RawArg;
  /**
   * Compound commands around it (`if`, `case`, loops, functions); 0 when it is only in branches
   * the script is sure to take (picked by its known arguments or environment, or behind tests
   * of files that exist): it runs whenever the script does. In the body of a function a call
   * surely runs, at that call, they are counted from the body.
   */
  depth: number;
  /**
   * In a branch the script picks by an argument the reader does not know (`case "$1" in server)`
   * read without the container's arguments): it may not run at all.
   */
  undecided?: true;
  /** Redirections, targets expanded like the arguments (never split). */
  redirects: StepRedirect[];
  /** Its output is the next step's input (`cat a | envsubst`). */
  pipesInto: boolean;
  /**
   * What reads its standard output through a pipe, its own or a group's (`( echo; cmd ) | tr`):
   * that command's words, expanded, or `compound` for a loop or group (`| while read line`).
   */
  outputReadBy?: RawArg[] | 'compound';
  /** In an `if`/`elif` condition: run for its exit status. */
  tested?: true;
  /** In a function a call runs with arguments of its own (not `"$@"`): its `$1`, `"$@"` are not the script's. */
  callArguments?: true;
  /** The command's words; redirections may lie past `end`. */
  start: number;
  end: number;
}

/** Redirections of a compound command as a whole (`{ …; } > file`, `done > file`). */
export interface RedirectedGroup {
  redirects: StepRedirect[];
  cwd?: RawArg;
  depth: number;
  start: number;
  end: number;
}

export interface StepRedirect {
  operator: string;
  fd?: number;
  target: RawArg;
}

/** Output into a file: `>`, `>>`, `>|`, `&>`, `&>>`, of standard output (not `2>`, not `>&2`). */
export function writesFile(redirect: Pick<StepRedirect, 'operator' | 'fd'>): boolean {
  return /^(>|>>|>\||&>|&>>)$/.test(redirect.operator) && (redirect.fd === undefined || redirect.fd === 1);
}

/** A step's words without those in front of the command that only run it: `sudo`, `command`, `exec`, `env`, `nohup` (without options). */
export function withoutRunPrefixes(args: RawArg[]): RawArg[] {
  let index = 0;
  while (index < args.length - 1 && args[index].unresolved.length === 0 && ['sudo', 'command', 'exec', 'env', 'nohup'].includes(args[index].value)) index++;
  return args.slice(index);
}

/**
 * The absolute path a word of a script names: known words only, a relative one from the step's
 * `cd` (else the script's working directory `cwd`) when that is known and absolute.
 */
export function scriptPath(arg: RawArg, stepCwd: RawArg | undefined, cwd: string | undefined): string | undefined {
  if (arg.unresolved.length > 0 || arg.value === '') return undefined;
  if (arg.value.startsWith('/')) return nodePath.posix.normalize(arg.value);
  const directory = stepCwd ? (stepCwd.unresolved.length > 0 ? undefined : stepCwd.value) : cwd;
  return directory?.startsWith('/') ? nodePath.posix.join(directory, arg.value) : undefined;
}

const DECLARATION_COMMANDS = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);
/** Declarations that make a variable the function call's own (bash `builtins/declare.def`: in a function `declare` and `typeset` are `local`, unless given `-g`). */
const LOCAL_DECLARATIONS = new Set(['local', 'declare', 'typeset']);

/** A script whose first line runs bash. */
const BASH_SHEBANG = /^#![ \t]*\S*\/(?:env[ \t]+(?:\S*\/)?)?bash\b/;

/**
 * Runs a script in the reader's head: assignments at the top level define variables for what
 * follows; one inside a compound command (`if`, `case`, a function no call surely runs) may not
 * run, so the variable becomes unresolved. A function a call surely runs runs there, as the top
 * level does (function-calls.ts), its `local` variables its own until it returns. Names the script does not set come from `base`. `args`: the
 * script's arguments, which pick the branches of `case "$1"` and `if [ "$1" = … ]` (dispatch.ts),
 * as `base`'s values do for a test of a variable the script never sets:
 * a branch not taken is not run, one taken is run as the top level is, one that depends on an
 * argument not known gives `undecided` steps.
 */
export function runShell(
  input: MappedText,
  base: Lookup,
  args?: ScriptArguments,
  exists?: FileTest,
): { steps: ShellStep[]; groups: RedirectedGroup[]; commands: ShellCommand[]; problems: ShellProblem[] } {
  const { commands, functions, problems } = parseShell(input);
  const taken = takenByArguments(commands, args, BASH_SHEBANG.test(input.text), { lookup: base, text: input.text });
  const variables = new Map<string, RawArg | 'unset'>();
  const lookup: Lookup = (name) => {
    const found = variables.get(name);
    if (found === 'unset') return 'unset';
    if (found) return found.unresolved.length > 0 ? 'unknown' : { value: found.value };
    return base(name);
  };
  const define = (name: string, value: RawArg, depth: number) => {
    variables.set(name, depth > 0 ? { ...value, unresolved: [...value.unresolved, `$${name}`] } : value);
  };
  /** What each running call's `local` names held before it: they get it back when the call returns. */
  const shadowed = new Map<number, Map<string, RawArg | 'unset' | undefined>>();
  const exportedNames = new Set<string>();
  const exported = () => {
    const snapshot = new Map<string, RawArg>();
    for (const name of exportedNames) {
      const value = variables.get(name);
      if (value && value !== 'unset') snapshot.set(name, value);
    }
    return snapshot;
  };
  let cwd: RawArg | undefined;
  const steps: ShellStep[] = [];
  const groups: RedirectedGroup[] = [];
  const expandRedirect = (redirect: ShellRedirect, expansion: Lookup, positional: Positional | undefined): StepRedirect => ({
    operator: redirect.operator,
    ...(redirect.fd !== undefined ? { fd: redirect.fd } : {}),
    target:
      expandWord(redirect.target, input.source, expansion, false, positional)[0] ?? literalArg(input.source, redirect.target.start, redirect.target.end, ''),
  });
  /**
   * Inside branches the arguments pick, and only such, a command runs as surely as the script (or
   * the body of the call that runs it) does: `outer` compound commands around it are that body's.
   */
  const onlyBranches = (command: ShellCommand, outer: number, calledIn: ShellFunction | undefined) =>
    command.inFunction === calledIn?.name && (command.branches?.length ?? 0) === command.depth - outer;
  const surelyRuns = (position: number, outer: number, calledIn: ShellFunction | undefined) =>
    (taken[position] === 'taken' || taken[position] === 'open') &&
    (commands[position].depth === outer || (taken[position] === 'taken' && onlyBranches(commands[position], outer, calledIn)));
  /** Each running call's arguments: its body's `$1`, `${2}` …. */
  const callArguments = new Map<number, Positional>();
  for (const entry of runOrder(commands, functions, surelyRuns)) {
    if ('calls' in entry) {
      const caller = entry.from === undefined ? undefined : callArguments.get(entry.from);
      callArguments.set(entry.calls, positionalsOf(commands[entry.position].words.slice(1), input.source, lookup, caller));
      continue;
    }
    if ('returnsFrom' in entry) {
      callArguments.delete(entry.returnsFrom);
      for (const [name, before] of shadowed.get(entry.returnsFrom) ?? []) {
        if (before === undefined) variables.delete(name);
        else variables.set(name, before);
      }
      shadowed.delete(entry.returnsFrom);
      continue;
    }
    const { position, outer, calledIn } = entry;
    const command = commands[position];
    if (taken[position] === 'skipped') continue;
    const positional = entry.call === undefined ? undefined : callArguments.get(entry.call);
    // Inside branches the arguments pick, and only such, a command runs as surely as the top level;
    // so does one only behind tests that files the script's machine holds exist.
    const depth =
      onlyBranches(command, outer, calledIn) &&
      (taken[position] === 'taken' || (taken[position] === 'open' && exists && existsTestsHold(command, input.source, lookup, cwd, exists)))
        ? 0
        : command.depth - outer;
    let index = 0;
    const prefixEnv = new Map<string, RawArg>();
    for (; index < command.words.length; index++) {
      const assignment = assignmentOf(command.words[index]);
      if (!assignment) break;
      prefixEnv.set(assignment.name, expandWord(assignment.value, input.source, lookup, false, positional)[0]);
    }
    const words = command.words.slice(index);
    if (command.words.length === 0) {
      groups.push({
        redirects: command.redirects.map((redirect) => expandRedirect(redirect, lookup, positional)),
        ...(cwd ? { cwd } : {}),
        depth: command.depth - outer,
        start: command.start,
        end: command.end,
      });
      continue;
    }
    if (words.length === 0) {
      for (const [name, value] of prefixEnv) define(name, value, depth);
      continue;
    }
    const head = literalText(words[0]);
    if (head !== undefined && DECLARATION_COMMANDS.has(head)) {
      // In a function, `local` (bash's `declare` and `typeset` too) gives the call a variable of its own.
      const own =
        entry.call !== undefined && LOCAL_DECLARATIONS.has(head) && !words.some((word) => /^-[a-zA-Z]*g/.test(literalText(word) ?? ''))
          ? (shadowed.get(entry.call) ?? shadowed.set(entry.call, new Map()).get(entry.call)!)
          : undefined;
      for (const word of words.slice(1)) {
        const assignment = assignmentOf(word);
        const name = assignment?.name ?? literalText(word);
        if (own && name && !own.has(name)) own.set(name, variables.get(name));
        if (assignment) define(assignment.name, expandWord(assignment.value, input.source, lookup, false, positional)[0], depth);
        if (head === 'export' && name && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) exportedNames.add(name);
      }
      continue;
    }
    if (head === 'cd' && words.length <= 2) {
      const target = words[1] ? expandWord(words[1], input.source, lookup, false, positional)[0] : undefined;
      if (!target || target.unresolved.length > 0 || depth > 0) cwd = target ? { ...target, unresolved: [...target.unresolved, 'cd'] } : undefined;
      else if (target.value.startsWith('/')) cwd = target;
      else if (cwd && cwd.unresolved.length === 0) {
        const joined = nodePath.posix.join(cwd.value, target.value);
        cwd = { ...target, value: joined, offsets: [...joined].map(() => target.start) };
      } else cwd = { ...target, unresolved: ['cd'] };
      continue;
    }
    if (head === 'unset') {
      for (const word of words.slice(1)) {
        const name = literalText(word);
        if (name && !name.startsWith('-')) variables.set(name, 'unset');
      }
      continue;
    }
    const commandLookup: Lookup = (name) => {
      const own = prefixEnv.get(name);
      if (own) return own.unresolved.length > 0 ? 'unknown' : { value: own.value };
      return lookup(name);
    };
    const args = words.flatMap((word) => expandWord(word, input.source, commandLookup, true, positional));
    const redirects = command.redirects.map((redirect) => expandRedirect(redirect, commandLookup, positional));
    const reader = command.outputReadBy === undefined || command.outputReadBy === 'compound' ? command.outputReadBy : commands[command.outputReadBy];
    if (args.length > 0) {
      steps.push({
        args,
        prefixEnv,
        exported: exported(),
        ...(cwd ? { cwd } : {}),
        depth,
        ...(taken[position] === 'undecided' ? { undecided: true as const } : {}),
        redirects,
        pipesInto: command.pipesInto,
        ...(reader === undefined ? {} : { outputReadBy: reader === 'compound' ? reader : readerWords(reader, input.source, lookup) }),
        ...(command.tested ? { tested: true as const } : {}),
        ...(entry.callArguments ? { callArguments: true as const } : {}),
        start: command.start,
        end: command.end,
      });
    }
  }
  return { steps, groups, commands, problems };
}

/**
 * Whether a path a script names holds a file (`test`'s `-e`, `-f`, `-r`) or a directory (`-d`)
 * where the script runs; `cwd`: the directory after the script's `cd`s, when it has any.
 */
export type FileTest = (operator: '-e' | '-f' | '-r' | '-d', path: RawArg, cwd: RawArg | undefined) => boolean;

/**
 * Whether every branch around a command is an `if` (not an `elif` or `else`) whose test is
 * `[ -f PATH ]` (`-e`, `-r`, `-d`; `test`, `[[ ]]`) of a path that holds one, as in the
 * `if [ -f $PRE_START_PATH ] ; then . $PRE_START_PATH ; fi` of start scripts.
 */
function existsTestsHold(command: ShellCommand, source: SourceText, lookup: Lookup, cwd: RawArg | undefined, exists: FileTest): boolean {
  const branches = command.branches ?? [];
  return (
    branches.length > 0 &&
    branches.every(
      (branch) =>
        branch.kind === 'if' &&
        branch.unless.length === 0 &&
        branch.when.length > 0 &&
        branch.when.every((condition) => {
          const operands = condition && testOperands(condition)?.operands;
          const operator = operands?.length === 2 ? literalText(operands[0]) : undefined;
          if (!operands || (operator !== '-e' && operator !== '-f' && operator !== '-r' && operator !== '-d')) return false;
          const path = expandWord(operands[1], source, lookup, false);
          return path.length === 1 && path[0].unresolved.length === 0 && exists(operator, path[0], cwd);
        }),
    )
  );
}

/**
 * A call's arguments as its body's positional parameters: each word expanded where the call
 * stands (`$1` of the caller's own). A word whose number of fields is not known (`"$@"`, an
 * unquoted unknown or glob) leaves it and every later parameter unknown; past the last one a
 * parameter is unset.
 */
function positionalsOf(words: ShellWord[], source: SourceText, lookup: Lookup, caller: Positional | undefined): Positional {
  const fields: RawArg[] = [];
  let counted = true;
  for (const word of words) {
    const expanded = expandWord(word, source, lookup, true, caller);
    const uncounted =
      expanded.some((field) => field.unquotedGlob) ||
      (expanded.some((field) => field.unresolved.length > 0) &&
        word.parts.some((part) => part.kind !== 'literal' && (!part.quoted || (part.kind === 'opaque' && EVERY_PARAMETER.test(part.text)))));
    if (uncounted) {
      counted = false;
      break;
    }
    append(fields, expanded);
  }
  return (index) => {
    const field = fields[index - 1];
    if (!field) return counted ? 'unset' : 'unknown';
    return field.unresolved.length > 0 ? 'unknown' : { value: field.value };
  };
}

/** The words of the command that reads a pipe, expanded, without its `NAME=value` prefix (a pipe's commands run apart, so that prefix is its own). */
function readerWords(reader: ShellCommand, source: SourceText, lookup: Lookup): RawArg[] {
  const first = reader.words.findIndex((word) => !assignmentOf(word));
  return first === -1 ? [] : reader.words.slice(first).flatMap((word) => expandWord(word, source, lookup));
}

/**
 * Programs that take a server's output as its log, line by line, for as long as it runs: where
 * a start script pipes a server into one (`gunicorn … 2>&1 | tee -a app.log`, `java -jar app.jar
 * | logger -t app`, daemontools' `multilog`, runit's `svlogd`, s6's `s6-log`, Apache's
 * `rotatelogs`, `cronolog`, moreutils' `ts`, `cat`), the server still serves.
 */
const LOG_SINKS = new Set(['tee', 'logger', 'cat', 'ts', 'multilog', 'svlogd', 's6-log', 'rotatelogs', 'cronolog']);

/**
 * Whether a step's output goes into a log: a log sink, or a filter told to pass each line on as
 * it comes (`grep --line-buffered`, `sed -u`), which only matters for output that does not end.
 */
function isLogSink(program: string, argv: RawArg[]): boolean {
  if (LOG_SINKS.has(program)) return true;
  const options = argv.slice(1).map((arg) => arg.value);
  if (program === 'grep') return options.includes('--line-buffered');
  return program === 'sed' && options.some((option) => option === '--unbuffered' || /^-[a-zA-Z]*u[a-zA-Z]*$/.test(option));
}

/**
 * Whether the script uses what a step gives, so that the step runs to completion and is a tool,
 * not a server (docs/servers/linux.md#commands-run-for-their-result): its exit status as an `if`
 * or `elif` condition (`if java -jar openapi-generator-cli.jar validate …; then`), or its output
 * piped into a command that is not a log sink (`( echo digest1: && java … JasyptStringDigestCLI
 * … ) | tr -d '\n'`). A command inside `$(…)` or backticks is never a step. A pipe into a loop or
 * group (`| while read line; do echo "[web] $line"; done`), or into a program the tree does not
 * name, says nothing.
 */
export function usesResult(step: ShellStep, lookup: Lookup): boolean {
  if (step.tested) return true;
  if (step.outputReadBy === undefined || step.outputReadBy === 'compound') return false;
  const { argv, program } = unwrap(step.outputReadBy, lookup);
  if (argv.length === 0 || (argv[0].unresolved.length > 0 && programName(argv[0]) === writtenText(argv[0]))) return false;
  return !isLogSink(program, argv);
}

export interface Unwrapped {
  /** Words before the program that only hand over to it, outermost first. */
  wrappers: RawArg[];
  /** The program's word first, then its arguments. */
  argv: RawArg[];
  program: string;
  /** Environment the wrappers add: `env A=b`, `A=b cmd` inside `sh -c`. */
  env: Map<string, RawArg>;
  /** `gosu app`, `su-exec app:app`, `chpst -u app`, `setpriv --reuid app`, `runuser -u app`, `sudo -u app`, `su app -c …`. */
  user?: RawArg;
  /** Problems in `sh -c` strings, with the file each is in. */
  problems: (ShellProblem & { source: SourceText })[];
  /**
   * Whether a signal sent to the process that runs the command line reaches the program: true
   * when every wrapper hands the process over (`exec`, `env`, `gosu`, an entrypoint's `exec "$@"`)
   * or forwards signals to its child (tini, dumb-init); false when a `sh -c` shell runs the
   * program as its child (see commandStringHandsOver); undefined when that depends on which shell
   * `sh` is, or on a prefix the tree does not give.
   */
  handsOver: boolean | undefined;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh']);

/** Whether a program, named or by its path, is a POSIX-like shell. */
export function isShell(program: string): boolean {
  return SHELLS.has(nodePath.posix.basename(program));
}

/** Shell options that take the next word as their value. */
const SHELL_OPTIONS_WITH_VALUE = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

/**
 * The word naming the script a command runs, and its index: the first word, or the first operand
 * of a shell given a file (`["sh", "/entrypoint.sh"]`, `bash -x /app/run.sh`, `sh -e -- start.sh`).
 * A shell told to run a command string or its standard input (`-c`, `-s`, in any cluster such as
 * `-ec`) runs no file of its own (POSIX sh, "Description"; bash(1) "Invocation").
 */
export function scriptWordAt(words: readonly string[]): { word: string; index: number } | undefined {
  const [first] = words;
  if (first === undefined) return undefined;
  if (!isShell(first)) return first ? { word: first, index: 0 } : undefined;
  for (let k = 1; k < words.length; k++) {
    const word = words[k];
    if (word === '--' || word === '-') return words[k + 1] ? { word: words[k + 1], index: k + 1 } : undefined;
    if (!/^[-+]/.test(word)) return word ? { word, index: k } : undefined;
    if (/^[-+][a-zA-Z]*[cs][a-zA-Z]*$/.test(word)) return undefined;
    if (SHELL_OPTIONS_WITH_VALUE.has(word)) k++;
  }
  return undefined;
}

export function scriptWord(words: readonly string[]): string | undefined {
  return scriptWordAt(words)?.word;
}
const PYTHON = /^(python|pypy)(\d+(\.\d+)?)?$/;
/** debugpy's options without a value (its CLI reference); --listen, --connect, --log-to, --configure-x take one. */
const DEBUGPY_FLAGS = new Set(['--wait-for-client', '--log-to-stderr']);
/** Scripts that wait for a port, then run the command after `--`: wait-for-it(.sh), wait-for(.sh). */
const WAIT_FOR = /^wait-for(-it)?(\.sh|\.bash)?$/;
/** dockerize's flags that take a value (jwilder/dockerize main.go registerFlags); -version, -poll, -no-overwrite take none. */
const DOCKERIZE_OPTIONS_WITH_VALUE = new Set(['template', 'stdout', 'stderr', 'delims', 'wait-http-header', 'wait', 'timeout', 'wait-retry-interval']);
/** Options of init wrappers that take a value: tini -p SIG / -e CODE, dumb-init -r s:r. */
const INIT_OPTIONS_WITH_VALUE = new Set(['-p', '-e', '-r', '--rewrite']);
const CHPST_OPTIONS_WITH_VALUE = new Set(['-u', '-U', '-b', '-e', '-/', '-n', '-l', '-L', '-m', '-d', '-o', '-p', '-f', '-c', '-r', '-t']);
const UV_OPTIONS_WITH_VALUE = new Set([
  '--with',
  '--with-requirements',
  '--python',
  '-p',
  '--env-file',
  '--project',
  '--directory',
  '--package',
  '--extra',
  '--group',
  '--index',
  '--index-url',
  '--extra-index-url',
  '--find-links',
  '--from',
]);
/** util-linux setpriv's long options that take a value (sys-utils/setpriv.c, main's longopts); -d, -h, -V take none. */
const SETPRIV_OPTIONS_WITH_VALUE = new Set([
  '--ruid',
  '--euid',
  '--rgid',
  '--egid',
  '--reuid',
  '--regid',
  '--groups',
  '--inh-caps',
  '--ambient-caps',
  '--bounding-set',
  '--securebits',
  '--pdeathsig',
  '--ptracer',
  '--selinux-label',
  '--apparmor-profile',
  '--landlock-access',
  '--landlock-rule',
  '--seccomp-filter',
]);
const SUDO_OPTIONS_WITH_VALUE = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T']);
/** Unknown words skipped in front of a server program: pgadmin4 has two (`$SU_EXEC "${PYTHON_BIN}"`). */
const MAX_UNKNOWN_PREFIX = 3;
/**
 * Version managers whose `exec COMMAND` replaces itself with the selected version's command:
 * pyenv and rbenv (libexec/*-exec end in `exec "$…_COMMAND_PATH" "$@"`), asdf
 * (internal/cli execCommand, syscall.Exec).
 */
const VERSION_MANAGERS = new Set(['pyenv', 'rbenv', 'asdf']);

/**
 * A script of the tree that ends by running its arguments (`exec "$@"`, `exec gosu app "$@"`):
 * given what the variables hold where it runs, the environment it hands over (its exports) and
 * whether it execs them; undefined for any other program. `placed`: the tree paths the process's
 * container puts where the word names the program (ProgramFiles); the first file the tree holds
 * is the program, whatever its name in the tree. Without one, the tree's scripts of its name.
 */
export type PassThrough = (program: string, lookup: Lookup, placed: readonly string[]) => HandedOver | undefined;

/**
 * The tree paths a process's container puts (COPY, bind mounts) at the paths a command word runs
 * a program from (programPaths), in that order; none outside a container.
 */
export type ProgramFiles = (word: string) => string[];

export interface HandedOver {
  environment: Map<string, RawArg>;
  /** The script's shell is replaced (`exec … "$@"`), rather than waiting for its child. */
  execs: boolean;
}

/**
 * Peels wrappers off a command line. `lookup` resolves variables in `sh -c` strings (the
 * environment the process gets); each step adds what it learns (`env A=b`) for the next.
 * `passThrough` names scripts known to run their arguments (`exec "$@"`), with what they export;
 * `programFiles` says which tree file the container runs for a word (a script COPY'd under
 * another name).
 */
export function unwrap(args: RawArg[], lookup: Lookup, passThrough?: PassThrough, programFiles?: ProgramFiles): Unwrapped {
  const wrappers: RawArg[] = [];
  const env = new Map<string, RawArg>();
  const problems: Unwrapped['problems'] = [];
  let user: RawArg | undefined;
  let argv = [...args];
  /** The word after `python -m`: a module name, not a path. */
  let module: RawArg | undefined;
  let handsOver: boolean | undefined = true;
  const take = (count: number) => {
    wrappers.push(...argv.slice(0, count));
    argv = argv.slice(count);
  };
  /**
   * A wrapper's options up to `--` or its first other word (the command it runs): those
   * `isUser` names give the user (the next word, or after `=` where `userAfterEquals` matches).
   */
  const skipOptions = (isUser: (option: string) => boolean, takesValue: (option: string) => boolean, userAfterEquals?: RegExp) => {
    while (argv.length > 0 && argv[0].value.startsWith('-')) {
      const option = argv[0].value;
      if (option === '--') {
        take(1);
        break;
      }
      if (isUser(option)) user = argv[1];
      else if (userAfterEquals?.test(option)) user = sliceArg(argv[0], option.indexOf('=') + 1);
      take(takesValue(option) ? 2 : 1);
    }
  };
  const envLookup: Lookup = (name) => {
    const own = env.get(name);
    if (own) return own.unresolved.length > 0 ? 'unknown' : { value: own.value };
    return lookup(name);
  };

  /**
   * A shell's `-c` string: argv becomes the step that is the process (its `NAME=value` prefix
   * added to the environment); false when the string runs nothing.
   */
  const runCommandString = (script: RawArg, lookup: Lookup, shell: string | undefined): boolean => {
    const inner = runShell(asMappedText(script), lookup);
    append(
      problems,
      inner.problems.map((problem) => ({ ...problem, source: script.source })),
    );
    const step = chooseStep(inner.steps, lookup);
    if (!step) {
      argv = [];
      return false;
    }
    // Whether the shell execs the step; a shell the tree does not name (su's user's) may not.
    handsOver = both(handsOver, shell === undefined ? undefined : commandStringHandsOver(shell, inner.commands, inner.steps, step));
    for (const [key, value] of step.prefixEnv) env.set(key, value);
    argv = step.args;
    return true;
  };

  /**
   * `exec ${CMDPREFIX} gunicorn …` (socorro), `exec $SU_EXEC "${PYTHON_BIN}" /venv/bin/gunicorn …`
   * (pgadmin4): words the tree does not give, each empty or a wrapper, in front of a server
   * program. Skips up to MAX_UNKNOWN_PREFIX of them, and only up to a known server's word.
   */
  const skipUnknownPrefix = (): boolean => {
    const count = argv.findIndex((arg) => arg.unresolved.length === 0);
    if (count < 1 || count > MAX_UNKNOWN_PREFIX || !isServerProgram(programName(argv[count]))) return false;
    take(count);
    // Whatever they are, they may fork.
    handsOver = both(handsOver, undefined);
    return true;
  };

  for (let guard = 0; guard < 64 && argv.length > 0; guard++) {
    const head = argv[0];
    if (head.unresolved.length > 0 && knownBasename(head) === undefined) {
      if (skipUnknownPrefix()) continue;
      break;
    }
    const name = programName(head);
    const second = argv[1]?.value;

    if (name === 'exec') {
      take(1);
      // bash: exec [-cl] [-a name]
      while (argv.length > 0 && /^-[cla]+$/.test(argv[0].value)) take(argv[0].value.includes('a') ? 2 : 1);
      continue;
    }
    if (name === 'env') {
      take(1);
      while (argv.length > 0) {
        const text = argv[0].value;
        if (text === '--') {
          take(1);
          break;
        }
        if (text === '-u' || text === '--unset' || text === '-C' || text === '--chdir') take(2);
        else if (text.startsWith('-')) take(1);
        else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
          const cut = text.indexOf('=') + 1;
          env.set(text.slice(0, cut - 1), sliceArg(argv[0], cut));
          take(1);
        } else break;
      }
      continue;
    }
    if (name === 'nohup' || name === 'setsid' || name === 'ddtrace-run') {
      take(1);
      while (argv.length > 0 && /^-[a-z]+$/.test(argv[0].value)) take(1);
      continue;
    }
    if (name === 'nice') {
      take(1);
      if (argv[0]?.value === '-n') take(2);
      else if (argv[0] && /^-\d+$|^--adjustment=/.test(argv[0].value)) take(1);
      continue;
    }
    if (name === 'su-exec' || name === 'gosu' || name === 's6-setuidgid') {
      if (argv.length < 3) break;
      user = argv[1];
      take(2);
      continue;
    }
    if (name === 'chpst') {
      take(1);
      while (argv.length > 0 && argv[0].value.startsWith('-')) {
        const option = argv[0].value;
        if (option === '-u') user = argv[1];
        take(CHPST_OPTIONS_WITH_VALUE.has(option) ? 2 : 1);
      }
      continue;
    }
    // setpriv reads options up to the first other word (getopt_long "+dhV"), then execvp()s it.
    if (name === 'setpriv') {
      take(1);
      skipOptions(
        (option) => option === '--reuid' || option === '--ruid',
        (option) => SETPRIV_OPTIONS_WITH_VALUE.has(option),
        /^--r(e)?uid=/,
      );
      continue;
    }
    if (name === 'runuser' || name === 'sudo') {
      take(1);
      skipOptions(
        (option) => option === '-u' || option === '--user',
        (option) => SUDO_OPTIONS_WITH_VALUE.has(option) || option === '--user' || option === '--group',
      );
      continue;
    }
    if (name === 'tini' || name === 'tini-static' || name === 'dumb-init' || name === 'catatonit') {
      take(1);
      while (argv.length > 0 && argv[0].value.startsWith('-')) {
        const option = argv[0].value;
        if (option === '--') {
          take(1);
          break;
        }
        take(INIT_OPTIONS_WITH_VALUE.has(option) ? 2 : 1);
      }
      continue;
    }
    if (PYTHON.test(name)) {
      let k = 1;
      while (k < argv.length && argv[k].value.startsWith('-') && argv[k].value !== '-m' && argv[k].value !== '-c' && argv[k].value !== '-') {
        k += argv[k].value === '-W' || argv[k].value === '-X' ? 2 : 1;
      }
      if (argv[k]?.value !== '-m' || k + 1 >= argv.length) {
        // `python3 /venv/bin/gunicorn …` (pgadmin4): the interpreter runs the server's own script.
        const script = argv[k];
        if (script && script.unresolved.length === 0 && script.value.includes('/') && isServerProgram(programName(script))) {
          take(k);
          continue;
        }
        break;
      }
      take(k + 1);
      module = argv[0];
      continue;
    }
    if ((name === 'pipenv' || name === 'poetry' || name === 'pdm' || name === 'hatch' || name === 'rye') && second === 'run') {
      take(2);
      continue;
    }
    if (name === 'uv' && second === 'run') {
      take(2);
      while (argv.length > 0 && argv[0].value.startsWith('-')) {
        const option = argv[0].value;
        if (option === '--') {
          take(1);
          break;
        }
        take(UV_OPTIONS_WITH_VALUE.has(option) ? 2 : 1);
      }
      continue;
    }
    // heroku-buildpack-nginx: `bin/start-nginx [-f] gunicorn …` runs the command in a background
    // subshell, then nginx beside it (bin/start-nginx, `$COMMAND` in `( … ) &`): a signal sent to
    // the script is not passed on to the app.
    if (name === 'start-nginx' || name === 'start-nginx-debug') {
      take(1);
      // getopts :f over the first two words: -f only skips waiting for /tmp/app-initialized.
      for (let k = 0; k < 2 && argv[0]?.value === '-f'; k++) take(1);
      handsOver = both(handsOver, false);
      continue;
    }
    // heroku-buildpack-pgbouncer: `bin/start-pgbouncer gunicorn …` execs the command when
    // PGBOUNCER_ENABLED is off; otherwise app-start runs it in a background subshell and the
    // script ignores SIGTERM (`trap '' SIGTERM`), leaving the dyno's broadcast to reach the app.
    // start-pgbouncer-stunnel is `exec bin/start-pgbouncer "$@"`.
    if (name === 'start-pgbouncer' || name === 'start-pgbouncer-stunnel') {
      take(1);
      handsOver = both(handsOver, pgbouncerDisabled(envLookup('PGBOUNCER_ENABLED')));
      continue;
    }
    if (
      (name === 'bundle' && second === 'exec') ||
      (VERSION_MANAGERS.has(name) && second === 'exec') ||
      (name === 'newrelic-admin' && second === 'run-program')
    ) {
      take(2);
      continue;
    }
    if (name === 'opentelemetry-instrument') {
      take(1);
      while (argv.length > 0 && argv[0].value.startsWith('--')) take(argv[0].value.includes('=') ? 1 : 2);
      continue;
    }
    // wait-for-it.sh db:5432 -t 30 -- cmd (vishnubob/wait-for-it, eficode/wait-for): the command
    // after `--` runs once the port answers; without one the script only waits.
    if (WAIT_FOR.test(name)) {
      const end = argv.findIndex((arg) => arg.value === '--');
      if (end === -1) break;
      take(end + 1);
      continue;
    }
    // python -m debugpy --listen 0.0.0.0:5678 [--wait-for-client] -m uvicorn …: the module runs in the same process.
    if (name === 'debugpy') {
      let k = 1;
      while (k < argv.length && argv[k].value.startsWith('--')) k += DEBUGPY_FLAGS.has(argv[k].value) ? 1 : 2;
      if (argv[k]?.value !== '-m' || k + 1 >= argv.length) break;
      take(k + 1);
      module = argv[0];
      continue;
    }
    // dockerize -wait tcp://db:5432 -timeout 30s cmd: Go flags up to the first other word.
    if (name === 'dockerize') {
      take(1);
      while (argv.length > 0 && argv[0].value.startsWith('-')) {
        const option = argv[0].value.replace(/^--?/, '');
        if (option === '') {
          take(1);
          break;
        }
        take(!option.includes('=') && DOCKERIZE_OPTIONS_WITH_VALUE.has(option) ? 2 : 1);
      }
      continue;
    }
    if (name === 'doppler' && second === 'run') {
      const end = argv.findIndex((arg) => arg.value === '--');
      if (end === -1) break;
      take(end + 1);
      continue;
    }
    if (name === 'su') {
      const su = suInvocation(argv);
      if (!su) break;
      if (su.user) user = su.user;
      if (su.command) {
        take(argv.length);
        // su waits for the shell it starts (util-linux su-common.c forks a watching parent).
        if (!runCommandString(su.command, su.login ? loginLookup(su.whitelist, envLookup) : envLookup, undefined)) break;
        continue;
      }
      // No command: the shell runs its first argument as a script (`su app /start.sh`), or is a login prompt.
      if (su.scriptAt === undefined) break;
      take(su.scriptAt);
      continue;
    }
    if (SHELLS.has(name)) {
      let k = 1;
      let commandMode = false;
      while (k < argv.length) {
        const option = argv[k].value;
        if (option === '--' || option === '-') {
          k++;
          break;
        }
        if (!/^[-+]/.test(option)) break;
        if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(option)) commandMode = true;
        k += option === '-o' || option === '+o' || option === '-O' || option === '+O' || option === '--rcfile' || option === '--init-file' ? 2 : 1;
      }
      if (!commandMode) {
        // `sh /docker-entrypoint.sh args`: the script is the program.
        if (k >= argv.length) break;
        take(k);
        continue;
      }
      const script = argv[k];
      if (!script || script.unresolved.length > 0) break;
      take(k);
      if (!runCommandString(script, envLookup, name)) break;
      continue;
    }
    // An entrypoint script in the tree that ends in `exec "$@"` hands over to its arguments, with
    // the variables it exported (tiangolo's images: `export GUNICORN_CONF=${GUNICORN_CONF:-/gunicorn_conf.py}`).
    const handedOver = argv.length > 1 ? passThrough?.(name, envLookup, head.unresolved.length === 0 ? (programFiles?.(head.value) ?? []) : []) : undefined;
    if (handedOver) {
      for (const [key, value] of handedOver.environment) env.set(key, value);
      // `gosu app "$@"` without exec: the script's shell forks it and stays its parent.
      handsOver = both(handsOver, handedOver.execs);
      take(1);
      continue;
    }
    // A script in a directory the tree does not give (`$APP/run.sh gunicorn …`), none of the above.
    if (head.unresolved.length > 0 && skipUnknownPrefix()) continue;
    break;
  }
  let program = programName(argv[0]);
  // `python -m gunicorn.app.wsgiapp` runs gunicorn; `python -m app.tasks` stays itself.
  const topPackage = program.split('.')[0];
  if (module && argv[0] === module && isServerProgram(topPackage)) program = topPackage;
  return { wrappers, argv, program, env, user, problems, handsOver };
}

/**
 * Whether start-pgbouncer runs without pgbouncer, and so execs its arguments: `is-enabled
 * "${PGBOUNCER_ENABLED:-1}"` matches 1, true, yes or on in any case (unset or empty is 1).
 */
function pgbouncerDisabled(enabled: VariableValue): boolean | undefined {
  if (enabled === 'unknown') return undefined;
  const text = enabled === 'unset' || enabled.value === '' ? '1' : enabled.value;
  return !/^(?:1|true|yes|on)$/i.test(text);
}

/** Both hops of a chain hand the signal on: false if either does not, unknown if either is unknown. */
export function both(first: boolean | undefined, second: boolean | undefined): boolean | undefined {
  if (first === false || second === false) return false;
  return first === undefined || second === undefined ? undefined : true;
}

/**
 * Whether a command of a script replaces the script's shell (`exec uwsgi …`). Without `exec` the
 * shell forks it and stays its parent, last line or not: bash 5.2 and dash 0.5.12 do (tested),
 * and ash-derived shells run a script file's commands without their exit optimisation.
 */
export function execsFromScript(wrappers: readonly { value: string }[]): boolean {
  return wrappers[0]?.value === 'exec';
}

/** `$@`, `${*}`: every positional parameter, as many fields as there are. */
const EVERY_PARAMETER = /^\$(?:[@*]|\{[@*]\})$/;

/** `"$@"`, `"${@}"`: every argument the script got, each as given. */
const ALL_ARGUMENTS = /^"\$(?:@|\{@\})"$/;

/**
 * The program a script ends by handing its own arguments to, as its last command: `exec
 * /docker-entrypoint.sh "$@"` (an image's own entrypoint kept behind a wrapper of the tree). The
 * shell is replaced by that program, which gets every argument the script got, as given; a
 * command inside `if`, a loop or a function no call surely runs may not be the one that runs, and
 * in a function called with other arguments `"$@"` is those (function-calls.ts). Undefined for any
 * other ending, and for `exec "$@"` itself (the arguments are then the program: PassThrough).
 */
export function handsArgumentsTo(steps: readonly ShellStep[], lookup: Lookup): { program: RawArg; step: ShellStep } | undefined {
  const last = steps[steps.length - 1];
  if (!last || last.depth !== 0 || last.callArguments) return undefined;
  const { wrappers, argv } = unwrap(last.args, lookup);
  const [program, handed] = argv;
  if (!execsFromScript(wrappers) || argv.length !== 2 || program.unresolved.length > 0) return undefined;
  return ALL_ARGUMENTS.test(writtenText(handed)) ? { program, step: last } : undefined;
}

/**
 * How a script runs its own arguments as its last command, through the wrappers unwrap() peels
 * (`exec "$@"`, `gosu app:app "$@"`, `exec su-exec app "$@"`, `exec chpst -u app "$@"`): that
 * command and what the wrappers add. A `"$@"` inside `if`, a loop, a function no call surely runs
 * or a branch picked by an unknown argument may not run, one in a function called with other
 * arguments is those, and one before the end is not where the script ends.
 */
export function runsItsArguments(steps: readonly ShellStep[], lookup: Lookup): { step: ShellStep; unwrapped: Unwrapped } | undefined {
  const last = steps[steps.length - 1];
  if (!last || last.depth !== 0 || last.undecided || last.callArguments) return undefined;
  const unwrapped = unwrap(last.args, lookup);
  return unwrapped.argv.length === 1 && ALL_ARGUMENTS.test(writtenText(unwrapped.argv[0])) ? { step: last, unwrapped } : undefined;
}

/**
 * The variables a script that runs its arguments (runsItsArguments) hands them: what it exported
 * by then, the `NAME=value` words in front of that command, and what its wrappers add (`env A=b "$@"`).
 */
export function handedEnvironment(ending: { step: ShellStep; unwrapped: Unwrapped }): Map<string, RawArg> {
  return new Map([...ending.step.exported, ...ending.step.prefixEnv, ...ending.unwrapped.env]);
}

/**
 * Whether the shell of `sh -c 'string'` ends up replaced by the command `step` (so that a
 * signal sent to the shell reaches it), as the shells do it:
 * - `exec` in front: every shell.
 * - Another command after it, a pipe, or a `trap` before it: no shell can (it must come back,
 *   or keep its handler), so it forks the command and stays its parent.
 * - bash runs a string of one simple command without redirections in place of itself, and
 *   forks it with a redirection (`should_suppress_fork` in builtins/evalstring.c, ONESHOT); the
 *   last of several commands depends on the version (after `&&`/`||` from 4.4, after `;` from
 *   5.1): unknown.
 * - `sh` is the image's: Debian's dash (0.5.12-2, tested) forks even `sh -c 'uwsgi …'`,
 *   BusyBox ash and bash exec it: unknown.
 */
function commandStringHandsOver(shell: string, commands: readonly ShellCommand[], steps: readonly ShellStep[], step: ShellStep): boolean | undefined {
  if (step.args[0]?.value === 'exec' && step.args[0].unresolved.length === 0) return true;
  const index = commands.findIndex((command) => command.start === step.start);
  if (index === -1) return undefined;
  const laterTopLevel = commands.slice(index + 1).some((command) => command.depth === 0 && command.words.length > 0);
  const trapped = steps.slice(0, steps.indexOf(step)).some((earlier) => earlier.args[0]?.value === 'trap');
  if (laterTopLevel || step.pipesInto || commands[index - 1]?.pipesInto || trapped) return false;
  if (shell !== 'bash' || step.depth > 0) return undefined;
  if (commands.length > 1) return undefined;
  return step.redirects.length === 0;
}

/** util-linux su's options (login-utils/su-common.c, `su_main`): the letters that take a value, and the long names. */
const SU_SHORT_WITH_VALUE = new Set(['c', 'C', 'g', 'G', 's', 'w']);
const SU_SHORT_FLAGS = new Set(['f', 'l', 'm', 'p', 'P', 'T']);
const SU_LONG: Record<string, string> = {
  command: 'c',
  'session-command': 'C',
  fast: 'f',
  login: 'l',
  'preserve-environment': 'p',
  pty: 'P',
  'no-pty': 'T',
  shell: 's',
  group: 'g',
  'supp-group': 'G',
  'whitelist-environment': 'w',
};

interface SuInvocation {
  user?: RawArg;
  /** `-c`/`--command`/`--session-command`: the string the user's shell runs with `-c`. */
  command?: RawArg;
  /** Without a command: where the shell's script argument is in argv (`su app /start.sh`). */
  scriptAt?: number;
  /** `-l`, `--login` or a `-` before the user: the environment is cleared. */
  login: boolean;
  /** `-w NAME,NAME`: variables a login keeps. */
  whitelist: string[];
}

/**
 * `su [options] [-] [USER [ARGUMENT…]]` read as util-linux's su does: getopt_long with options
 * anywhere before `--` (`su app --command "…"`), `-` first among the other words for a login,
 * then the user. The command runs as `SHELL -c COMMAND`; undefined where the words are not
 * such a command, or where `-s` names a shell that is not a POSIX shell.
 */
function suInvocation(argv: RawArg[]): SuInvocation | undefined {
  const words: number[] = [];
  let command: RawArg | undefined;
  let login = false;
  const whitelist: string[] = [];
  const option = (letter: string, value: RawArg | undefined): boolean => {
    if (SU_SHORT_WITH_VALUE.has(letter)) {
      if (!value) return false;
      if (letter === 'c' || letter === 'C') command = value;
      if (letter === 'w') whitelist.push(...value.value.split(','));
      if (letter === 's' && (value.unresolved.length > 0 || !isShell(value.value))) return false;
      return true;
    }
    if (letter === 'l') login = true;
    return SU_SHORT_FLAGS.has(letter);
  };
  let k = 1;
  for (; k < argv.length; k++) {
    const text = argv[k].value;
    if (text === '--') {
      k++;
      break;
    }
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const letter = SU_LONG[equals === -1 ? text.slice(2) : text.slice(2, equals)];
      if (letter === undefined) return undefined;
      const takesValue = SU_SHORT_WITH_VALUE.has(letter);
      const value = !takesValue ? undefined : equals === -1 ? argv[++k] : sliceArg(argv[k], equals + 1);
      if (!takesValue && equals !== -1) return undefined;
      if (!option(letter, value)) return undefined;
      continue;
    }
    if (text.startsWith('-') && text !== '-') {
      // A cluster of letters (`-lc CMD`); a letter that takes a value takes the rest, or the next word.
      for (let i = 1; i < text.length; i++) {
        const letter = text[i];
        if (!SU_SHORT_WITH_VALUE.has(letter)) {
          if (!option(letter, undefined)) return undefined;
          continue;
        }
        const value = i + 1 < text.length ? sliceArg(argv[k], i + 1) : argv[++k];
        if (!option(letter, value)) return undefined;
        break;
      }
      continue;
    }
    words.push(k);
  }
  for (; k < argv.length; k++) words.push(k);
  if (command?.unresolved.length) return undefined;
  if (words.length > 0 && argv[words[0]].value === '-') {
    login = true;
    words.shift();
  }
  const userAt = words.shift();
  const user = userAt === undefined ? undefined : argv[userAt];
  // Arguments after the user go to the shell: after `-c`, they are `$0`, `$1`…; else the first is its script.
  const scriptAt =
    !command && words.length > 0 && words.every((at, i) => at === words[0] + i) && words[words.length - 1] === argv.length - 1 ? words[0] : undefined;
  return { ...(user ? { user } : {}), ...(command ? { command } : {}), ...(scriptAt !== undefined ? { scriptAt } : {}), login, whitelist };
}

/**
 * What a login shell (`su -`, `su -l`) knows of a variable: su clears the environment but for
 * TERM, COLORTERM, NO_COLOR and the names `-w` lists, then sets HOME, SHELL, USER, LOGNAME and
 * PATH for the user, and PAM's session (pam_env) may add others: only the kept names are known.
 */
function loginLookup(whitelist: string[], lookup: Lookup): Lookup {
  const kept = new Set(['TERM', 'COLORTERM', 'NO_COLOR', ...whitelist]);
  return (name) => (kept.has(name) ? lookup(name) : 'unknown');
}

/**
 * The step of a `sh -c` chain or a one-line command that is the process: the last one that
 * starts a server (and whose result the string does not use), else the last one (`migrate &&
 * gunicorn`, `cd /app; exec uwsgi …`).
 */
export function chooseStep(steps: ShellStep[], lookup: Lookup): ShellStep | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const inner = unwrap(steps[i].args, lookup);
    if (startsServer(inner.program, inner.argv) && !usesResult(steps[i], lookup)) return steps[i];
  }
  return steps[steps.length - 1];
}
