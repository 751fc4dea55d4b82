/**
 * `docker build` command lines in the scripts that build the repository's images: a GitHub
 * Actions `run:` step, a Makefile recipe (readers/make/makefile.ts). Docker's CLI reads them
 * with pflag: options before or after the one positional argument, the build context; `--name
 * value`, `--name=value`, `-t value`, `-tvalue`, short flags run together (`-qt app`); `--` ends
 * the options. An option the lists below do not hold may or may not take a value, so a command
 * with one says nothing.
 *
 * Options, from `docker build` (docker/cli cli/command/image/build.go, newBuildCommand: the
 * classic builder) and `docker buildx build` (docker/buildx commands/build.go, buildCmd and
 * commonBuildFlags; commands/root.go for `--builder` and `--debug`), which `docker build` runs
 * where buildx is installed. `-f` is relative to the working directory, not the context (docker/cli
 * cli/command/image/build/context.go GetContextFromLocalDir; buildx build/opt.go loadInputs);
 * without it the Dockerfile is `<context>/Dockerfile`. Each `-t` is one name, and each
 * `--build-arg NAME=value` one argument (`NAME` alone takes the value from the environment).
 */
import * as nodePath from 'path';
import { assignmentOf, literalText, parseShell, ShellCommand, ShellWord } from '../kit/shell-words';
import { literalArg, RawArg } from '../kit/raw';
import { expandRecipeLine, makeVariables, parseMakefile } from '../make/makefile';
import type { SourceText } from '../../source/text';

/** A character that stands for text the tree does not give (a make variable it does not define, a workflow expression). */
export const UNKNOWN_TEXT = '\uE000';

/**
 * The shell commands of each recipe line of a Makefile, whatever its rule, as make hands them to
 * the shell: each line in a shell of its own, with no environment the tree shows (a `?=` takes its
 * value); an unknown reference is UNKNOWN_TEXT. A Makefile whose recipe lines start otherwise than
 * with a tab (`.RECIPEPREFIX`) gives none.
 */
export function makefileCommands(source: SourceText): ShellCommand[][] {
  const makefile = parseMakefile(source);
  if (makefile.recipePrefix) return [];
  const variables = makeVariables(makefile);
  return makefile.recipes.map((line) => parseShell(expandRecipeLine(makefile, variables, line, UNKNOWN_TEXT)).commands);
}

const VALUE_OPTIONS = new Set([
  'add-host',
  'allow',
  'annotation',
  'attest',
  'build-arg',
  'build-context',
  'builder',
  'cache-from',
  'cache-to',
  'call',
  'cgroup-parent',
  'cpu-period',
  'cpu-quota',
  'cpu-shares',
  'cpuset-cpus',
  'cpuset-mems',
  'file',
  'iidfile',
  'isolation',
  'label',
  'memory',
  'memory-swap',
  'metadata-file',
  'network',
  'no-cache-filter',
  'output',
  'platform',
  'policy',
  'print',
  'progress',
  'provenance',
  'resource',
  'sbom',
  'secret',
  'security-opt',
  'shm-size',
  'ssh',
  'tag',
  'target',
  'ulimit',
]);
/** Booleans, and `--check`, whose value is optional (NoOptDefVal): none of them takes the next word. */
const FLAG_OPTIONS = new Set(['check', 'compress', 'debug', 'disable-content-trust', 'force-rm', 'load', 'no-cache', 'pull', 'push', 'quiet', 'rm', 'squash']);
const SHORT_OPTIONS: Record<string, string> = { t: 'tag', f: 'file', o: 'output', m: 'memory', c: 'cpu-shares', q: 'quiet', D: 'debug' };

/** The subcommand words that build: `docker build`, `docker buildx build` (alias `b`), `docker image build`, `docker builder build`. */
const BUILD_SUBCOMMANDS = [['build'], ['buildx', 'build'], ['buildx', 'b'], ['image', 'build'], ['builder', 'build']];

/** A `docker build` the tree's scripts run, with its paths absolute. */
export interface CommandBuild {
  dockerfile: string;
  context: string;
  /** `--target`, lower-cased as Docker matches stage names. */
  target?: string;
  args: Map<string, RawArg>;
  /** Each `-t` whose name is known; one with a part the tree does not give names nothing. */
  tags: string[];
}

/**
 * The builds of a script's commands, run from `cwd` (undefined where it is not known). A literal
 * `cd DIR` outside any compound command moves it; any other `cd`, `pushd` or `popd` leaves it
 * unknown, and the builds after it say nothing.
 */
export function commandBuilds(source: SourceText, commands: ShellCommand[], cwd: string | undefined): CommandBuild[] {
  const builds: CommandBuild[] = [];
  let dir = cwd;
  for (const command of commands) {
    const words = commandWords(command.words);
    const program = words[0] === undefined ? undefined : literalText(words[0]);
    if (program === 'cd' || program === 'pushd' || program === 'popd') {
      const to = words.length === 2 ? known(wordValue(words[1])) : undefined;
      dir =
        program === 'cd' && dir !== undefined && to !== undefined && to !== '-' && command.depth === 0 && !command.branches
          ? nodePath.resolve(dir, to)
          : undefined;
      continue;
    }
    if (dir === undefined || program === undefined || !(program === 'docker' || program.endsWith('/docker'))) continue;
    const subcommand = BUILD_SUBCOMMANDS.find((names) => names.every((name, i) => words[1 + i] !== undefined && literalText(words[1 + i]) === name));
    if (!subcommand) continue;
    const build = dockerBuild(source, words.slice(1 + subcommand.length), dir);
    if (build) builds.push(build);
  }
  return builds;
}

/** The words from the program on: `NAME=value` assignments and a plain `sudo` (no options) in front set aside. */
function commandWords(words: ShellWord[]): ShellWord[] {
  let first = 0;
  const sudo = (at: number) => literalText(words[at]) === 'sudo' && !(literalText(words[at + 1] ?? words[at]) ?? '-').startsWith('-');
  while (first < words.length && (assignmentOf(words[first]) || sudo(first))) first++;
  return words.slice(first);
}

/** An option's value: its text (undefined when the shell expands something in it) and where it is written. */
interface OptionValue {
  text?: string;
  /** The literal text before the first expansion. */
  head: string;
  start: number;
  end: number;
}

/** The word from its `from`-th character on (the value of `--name=value`, `-tvalue`). */
function wordValue(word: ShellWord, from = 0): OptionValue {
  const text = literalText(word);
  if (text === undefined) {
    const literals = word.parts.slice(
      0,
      word.parts.findIndex((part) => part.kind !== 'literal'),
    );
    return { head: literals.map((part) => (part.kind === 'literal' ? part.text : '')).join(''), start: word.start, end: word.end };
  }
  const offsets = word.parts.flatMap((part) => (part.kind === 'literal' ? part.offsets : []));
  return { text: text.slice(from), head: text.slice(from), start: offsets[from] ?? word.end, end: word.end };
}

/** The build of `docker build`'s arguments, or undefined where the command does not say which Dockerfile and context it builds. */
function dockerBuild(source: SourceText, words: ShellWord[], cwd: string): CommandBuild | undefined {
  const options: { name: string; value: OptionValue }[] = [];
  const positional: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const text = literalText(words[i]);
    if (text === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    if (text === undefined || !text.startsWith('-') || text === '-') {
      // A word that starts with an expansion (`$OPTS`) may be an option.
      if (words[i].parts[0]?.kind !== 'literal') return undefined;
      positional.push(words[i]);
      continue;
    }
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const name = text.slice(2, equals === -1 ? undefined : equals);
      if (VALUE_OPTIONS.has(name)) {
        if (equals !== -1) options.push({ name, value: wordValue(words[i], equals + 1) });
        else if (i + 1 < words.length) options.push({ name, value: wordValue(words[++i]) });
        else return undefined;
      } else if (!FLAG_OPTIONS.has(name)) return undefined;
      continue;
    }
    // Short options run together: flags, then perhaps one that takes the rest of the word (`-f=x` drops the `=`) or the next word.
    for (let at = 1; at < text.length; at++) {
      const name = SHORT_OPTIONS[text[at]];
      if (name === undefined) return undefined;
      if (!VALUE_OPTIONS.has(name)) continue;
      const rest = text[at + 1] === '=' ? at + 2 : at + 1;
      if (rest < text.length) options.push({ name, value: wordValue(words[i], rest) });
      else if (i + 1 < words.length) options.push({ name, value: wordValue(words[++i]) });
      else return undefined;
      break;
    }
  }
  if (positional.length !== 1) return undefined;
  const contextText = known(wordValue(positional[0]));
  // A URL or Git remote, or `-` (stdin), holds none of the tree's files.
  if (contextText === undefined || contextText === '-' || /^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(contextText)) return undefined;
  const context = nodePath.resolve(cwd, contextText);
  const last = (name: string) => options.filter((option) => option.name === name).pop()?.value;
  const fileValue = last('file');
  const file = fileValue && known(fileValue);
  const targetValue = last('target');
  const target = targetValue && known(targetValue);
  if ((fileValue && (file === undefined || file === '-')) || (targetValue && target === undefined)) return undefined;
  const args = new Map<string, RawArg>();
  for (const { value } of options.filter((option) => option.name === 'build-arg')) {
    // The name is written out; `NAME` alone takes the environment's value, which the tree does not give.
    const equals = value.head.indexOf('=');
    const name = equals === -1 ? value.text : value.head.slice(0, equals);
    if (name === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
    const written = equals === -1 ? '' : (value.text?.slice(equals + 1) ?? '');
    const raw = literalArg(source, value.start, value.end, written);
    const unknown = equals === -1 || value.text === undefined || written.includes(UNKNOWN_TEXT);
    args.set(name, unknown ? { ...raw, unresolved: [equals === -1 ? `$${name}` : source.text.slice(value.start, value.end)] } : raw);
  }
  const tags = options.flatMap(({ name, value }) => {
    const written = name === 'tag' ? known(value) : undefined;
    return written === undefined ? [] : [written];
  });
  return {
    dockerfile: file !== undefined ? nodePath.resolve(cwd, file) : nodePath.join(context, 'Dockerfile'),
    context,
    ...(target ? { target: target.toLowerCase() } : {}),
    args,
    tags,
  };
}

/** A value's text when all of it is known. */
function known(value: OptionValue): string | undefined {
  return value.text === undefined || value.text.includes(UNKNOWN_TEXT) ? undefined : value.text;
}
