/**
 * `make TARGET` as a launch: the servers a target's recipe starts, read through the tree's
 * Makefile (readers/make/makefile.ts; docs/servers/linux.md#make-targets). A goal not defined
 * plainly (by a pattern, twice, inside a conditional) or a Makefile with `.ONESHELL` or
 * `.RECIPEPREFIX` is no answer: the launch stays as written.
 */
import * as nodePath from 'path';
import type { SourceText } from '../../source/text';
import { DEFAULT_MAKEFILE_NAMES, expandRecipeLine, Makefile, makeVariables, parseMakefile, RecipeLine } from '../make/makefile';
import { writtenText, type Lookup } from '../kit/raw';
import { programName, runShell, startsServer, unwrap, usesResult } from './program';
import type { Launch } from './launch';
import { assembleLaunch } from './assemble';
import { knownValue, mountedSource } from './launch';

/** GNU make's options that take no value and change nothing about what a recipe runs. */
const PLAIN_FLAGS =
  /^(-[sSkiBrRw]+|--(silent|quiet|keep-going|ignore-errors|always-make|no-builtin-rules|no-builtin-variables|print-directory|no-print-directory|no-keep-going)|-j\d*|--jobs(=\d+)?)$/;

/** What a `make` command line asks for: its makefiles (`-f`), directory (`-C`), variables and goals; undefined for an option not read here. */
function makeArguments(launch: Launch): { files: string[]; directory?: string; variables: Map<string, string>; goals: string[] } | undefined {
  const files: string[] = [];
  const variables = new Map<string, string>();
  const goals: string[] = [];
  let directory: string | undefined;
  const words = launch.argv.slice(1);
  for (let i = 0; i < words.length; i++) {
    const word = knownValue(words[i]);
    if (word === undefined) return undefined;
    const valued = /^(-f|--file|--makefile|-C|--directory)(?:=(.*))?$/.exec(word) ?? /^(-f|-C)(.+)$/.exec(word);
    if (valued) {
      const value = valued[2] ?? knownValue(words[++i]);
      if (value === undefined) return undefined;
      if (valued[1] === '-C' || valued[1] === '--directory') directory = directory === undefined ? value : nodePath.posix.join(directory, value);
      else files.push(value);
    } else if (/^-j$/.test(word) && /^\d+$/.test(words[i + 1]?.value ?? '')) i++;
    else if (word.startsWith('-')) {
      if (!PLAIN_FLAGS.test(word)) return undefined;
    } else if (/^[^\s=:]+:?=/.test(word)) variables.set(word.slice(0, word.indexOf('=')).replace(/:$/, ''), word.slice(word.indexOf('=') + 1));
    else goals.push(word);
  }
  return { files, ...(directory !== undefined ? { directory } : {}), variables, goals };
}

/** The tree as the make reader sees it. */
interface MakeTree {
  /** Whether the tree holds a file (absolute path). */
  has: (treePath: string) => boolean;
  /** A Makefile of the tree, read (and kept for the report's snippets). */
  read: (treePath: string) => SourceText | undefined;
  /** The absolute tree path of a launch's file (its display path), when the tree holds it. */
  fileOf: (display: string) => string | undefined;
}

/**
 * The Makefile a `make` launch reads, with the goals it builds. In a container: in its working
 * directory (or `-C`), as the container sees its files. On a host, where the tree cannot say which
 * directory that is: the launch file's directory or the nearest one above it whose Makefile
 * defines every goal (a supervisord config under `tools/` of the project it runs `make daphne` in).
 */
function findMakefile(launch: Launch, args: { files: string[]; directory?: string; goals: string[] }, tree: MakeTree): Makefile | undefined {
  if (args.files.length > 1) return undefined;
  const names = args.files.length === 1 ? args.files : DEFAULT_MAKEFILE_NAMES;
  const parsedAt = (treePath: string): Makefile | undefined => {
    if (!tree.has(treePath)) return undefined;
    const source = tree.read(treePath);
    return source ? parseMakefile(source) : undefined;
  };
  const definesGoals = (makefile: Makefile) => args.goals.every((goal) => makefile.rules.has(goal));
  if (launch.container) {
    const cwd = knownValue(launch.workingDirectory);
    if (cwd === undefined || !cwd.startsWith('/')) return undefined;
    const directory = nodePath.posix.resolve(cwd, args.directory ?? '.');
    for (const name of names) {
      const treePath = mountedSource(launch, nodePath.posix.resolve(directory, name));
      const makefile = treePath === undefined ? undefined : parsedAt(treePath);
      if (makefile) return makefile;
    }
    return undefined;
  }
  const launchFile = tree.fileOf(launch.file);
  if (launchFile === undefined || names.some((name) => name.startsWith('/')) || args.directory?.startsWith('/')) return undefined;
  for (let directory = nodePath.dirname(launchFile); ; directory = nodePath.dirname(directory)) {
    const where = nodePath.join(directory, args.directory ?? '.');
    // GNU make reads the first name that exists, whatever it defines.
    const makefile = names.map((name) => nodePath.join(where, name)).find((path) => tree.has(path));
    const parsed = makefile === undefined ? undefined : parsedAt(makefile);
    if (parsed && definesGoals(parsed)) return parsed;
    if (nodePath.dirname(directory) === directory) return undefined;
  }
}

/** How many `make` runs inside recipes are followed. */
const MAX_MAKE_DEPTH = 4;

/**
 * The launches a `make` launch stands for: the servers its goals' recipes start, each as the make
 * launch runs it (same supervisor, container, environment). undefined when the tree does not say
 * (no Makefile, a goal it does not define plainly, a command whose program is not known): the
 * launch is then kept as written. With some recipe commands unknown, the launch is kept beside
 * the servers found.
 */
export function makeLaunches(launch: Launch, tree: MakeTree, depth = 0): Launch[] | undefined {
  if (depth > MAX_MAKE_DEPTH) return undefined;
  const args = makeArguments(launch);
  if (!args) return undefined;
  const makefile = findMakefile(launch, args, tree);
  if (!makefile || makefile.oneShell || makefile.recipePrefix) return undefined;
  const goals = args.goals.length > 0 ? args.goals : makefile.defaultGoal !== undefined ? [makefile.defaultGoal] : [];
  if (goals.length === 0) return undefined;
  const order = recipeOrder(makefile, goals);
  if (!order) return undefined;
  // make's variables start from the environment the launch gives it; the command line's win over the file's.
  const environment = new Map([...launch.env].map(([name, value]) => [name, value.unresolved ? undefined : value.value]));
  const variables = makeVariables(makefile, environment, args.variables);
  const lookup: Lookup = (name) => {
    const value = launch.env.get(name);
    return value && !value.unresolved ? { value: value.value } : 'unknown';
  };
  const found: Launch[] = [];
  let unknownInGoal = false;
  let unknownInPrerequisite = false;
  let goalServes = false;
  for (const { target, line } of order) {
    const isGoal = goals.includes(target);
    const { steps } = runShell(expandRecipeLine(makefile, variables, line, '$(:)', target), lookup);
    for (const step of steps) {
      const { argv, program } = unwrap(step.args, lookup);
      if (argv.length === 0) continue;
      let servers: Launch[] | undefined = [];
      if (argv[0].unresolved.length > 0 && programName(argv[0]) === writtenText(argv[0])) servers = undefined;
      else if (program === 'make' || program === 'gmake') servers = makeLaunches(recipeLaunch(launch, step, makefile.source, lookup), tree, depth + 1);
      else if (startsServer(program, argv) && !usesResult(step, lookup)) servers = [recipeLaunch(launch, step, makefile.source, lookup)];
      if (servers === undefined) {
        if (isGoal) unknownInGoal = true;
        else unknownInPrerequisite = true;
        continue;
      }
      found.push(...servers);
      if (isGoal && servers.length > 0) goalServes = true;
    }
  }
  // make runs a goal's recipe once its prerequisites' have finished: where the goal starts a
  // server, an unknown command of a prerequisite (awx's `$(PYTHON) manage.py collectstatic`
  // before `uwsgi`) is no server, or the goal's would never start.
  const unknown = unknownInGoal || (unknownInPrerequisite && !goalServes);
  return unknown ? [launch, ...found] : found;
}

/** How deep prerequisites are followed. */
const MAX_PREREQUISITE_DEPTH = 16;

/** The recipe lines a goal runs, prerequisites' first (each target once); undefined when one is unclear. */
function recipeOrder(makefile: Makefile, goals: string[]): { target: string; line: RecipeLine }[] | undefined {
  const order: { target: string; line: RecipeLine }[] = [];
  const done = new Set<string>();
  const visit = (target: string, depth: number): boolean => {
    if (done.has(target)) return true;
    done.add(target);
    const rule = makefile.rules.get(target);
    // A prerequisite no rule names is a file, or built by a rule not read here (an implicit one).
    if (!rule) return depth > 0;
    if (rule.unclear || depth > MAX_PREREQUISITE_DEPTH) return false;
    if (!rule.prerequisites.every((prerequisite) => visit(prerequisite, depth + 1))) return false;
    order.push(...rule.recipe.map((line) => ({ target, line })));
    return true;
  };
  return goals.every((goal) => visit(goal, 0)) ? order : undefined;
}

/** A command of a recipe as the make launch runs it: its own words and span, the launch's place. */
function recipeLaunch(make: Launch, step: ReturnType<typeof runShell>['steps'][number], source: SourceText, lookup: Lookup): Launch {
  const assembled = assembleLaunch({
    kind: make.kind,
    file: make.file,
    args: step.args,
    env: new Map([...step.exported, ...step.prefixEnv]),
    lookup,
    span: source.span(step.start, step.end),
    stopSignal: make.stopSignal,
    externalEnv: make.externalEnv,
    problems: [],
  })!;
  const cwd = knownValue(make.workingDirectory);
  const stepCwd = step.cwd && step.cwd.unresolved.length === 0 ? step.cwd.value : undefined;
  const workingDirectory =
    stepCwd === undefined ? make.workingDirectory : { value: cwd !== undefined ? nodePath.posix.resolve(cwd, stepCwd) : stepCwd, span: assembled.span };
  return {
    ...make,
    program: assembled.program,
    argv: assembled.argv,
    wrappers: assembled.wrappers,
    env: new Map([...make.env, ...assembled.env]),
    span: assembled.span,
    // make runs each line in a shell of its own and stays the parent: what reaches the server is not read here.
    stopSignalReaches: undefined,
    ...(workingDirectory ? { workingDirectory } : {}),
  };
}
