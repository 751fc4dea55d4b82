/**
 * `make TARGET` as a launch: the servers a target's recipe starts, read from the tree's Makefile
 * as GNU make reads it (docs/servers/linux.md#make-targets). Only what the Makefile says plainly
 * is read: rules with their prerequisites and tab-indented recipe lines, and variables assigned
 * once, outside conditionals, with `=`, `:=` or `::=`. Anything else (`?=`, `+=`, `define`,
 * functions, a rule of a pattern or inside a conditional, `.ONESHELL`, `.RECIPEPREFIX`) leaves the
 * value or the target unknown, and an unknown target is no answer: the launch stays as written.
 */
import * as nodePath from 'path';
import type { SourceText } from '../../source/text';
import { MappedText, MappedTextBuilder } from '../kit/mapped-text';
import type { Lookup } from '../kit/raw';
import { programName, runShell, startsServer, unwrap } from './program';
import type { Launch } from './launch';
import { assembleLaunch } from './assemble';
import { knownValue, mountedSource } from './launch';

interface MakeRule {
  prerequisites: string[];
  /** Each recipe line as make hands it to the shell: offsets of the text as written, prefix characters off. */
  recipe: { start: number; end: number }[];
  /** Defined twice with a recipe, by a pattern, or inside a conditional: what runs is not read here. */
  unclear: boolean;
}

interface Makefile {
  source: SourceText;
  rules: Map<string, MakeRule>;
  /**
   * Variables with a value the file alone gives (where it is written), or the command line
   * (`make daphne PORT=8051`, the value); undefined for one given in a way not read here.
   */
  variables: Map<string, { start: number; end: number } | { value: string } | undefined>;
  /** The first target that is not special or a pattern: what `make` alone builds. */
  defaultGoal?: string;
  /** `.ONESHELL`, `.RECIPEPREFIX`: recipes are split otherwise than this reader does. */
  unreadable: boolean;
}

const ASSIGNMENT = /^(?:(?:export|override|private)\s+)*([^\s:#=$()]+)\s*(::?=|:::=|\?=|\+=|!=|=)/;
const CONDITIONAL_OPEN = /^(ifeq|ifneq|ifdef|ifndef)\b/;

/** The rules and variables of a Makefile, each line as GNU make reads it (read.c, `eval`). */
function parseMakefile(source: SourceText): Makefile {
  const text = source.text;
  const rules = new Map<string, MakeRule>();
  const assigned: Makefile['variables'] = new Map();
  const makefile: Makefile = { source, rules, variables: assigned, unreadable: false };
  let conditionals = 0;
  let defining = false;
  let current: MakeRule[] | undefined;
  let at = 0;
  while (at < text.length) {
    const lineStart = at;
    const lineEnd = endOfLogicalLine(text, at);
    const line = text.slice(at, lineEnd);
    const next = lineEnd + 1;
    if (defining) {
      if (/^\s*endef\b/.test(line)) defining = false;
      at = next;
      continue;
    }
    if (line.startsWith('\t') && current) {
      const start = at + 1;
      // A conditional between recipe lines picks which of them run.
      current.forEach((rule) => {
        rule.recipe.push({ start, end: lineEnd });
        if (conditionals > 0) rule.unclear = true;
      });
      at = next;
      continue;
    }
    // A tab-indented line with no rule before it is no statement of make's (GNU make refuses it).
    if (line.startsWith('\t')) {
      at = next;
      continue;
    }
    const statement = stripComment(line)
      .replace(/\\\r?\n[ \t]*/g, ' ')
      .trim();
    at = next;
    if (statement === '') continue;
    if (CONDITIONAL_OPEN.test(statement)) {
      conditionals++;
      continue;
    }
    if (/^endif\b/.test(statement)) {
      conditionals = Math.max(0, conditionals - 1);
      continue;
    }
    if (/^else\b/.test(statement)) continue;
    const definition = /^(?:(?:export|override)\s+)*define\s+([^\s=:?+]+)/.exec(statement);
    if (definition) {
      assigned.set(definition[1], undefined);
      defining = true;
      current = undefined;
      continue;
    }
    const assignment = ASSIGNMENT.exec(statement);
    if (assignment) {
      const [, name, operator] = assignment;
      if (name === '.RECIPEPREFIX') makefile.unreadable = true;
      const plain = conditionals === 0 && !assigned.has(name) && (operator === '=' || operator === ':=' || operator === '::=' || operator === ':::=');
      // The value's place in the file, for spans of what it expands to.
      const valueAt = plain ? valueOffsets(text, lineStart, line, assignment[0]) : undefined;
      assigned.set(name, valueAt);
      current = undefined;
      continue;
    }
    const rule = /^([^:=]+?)\s*(::?)(?!=)(.*)$/.exec(statement);
    if (!rule) {
      // include, vpath, $(eval …): not read; a rule it adds is not one of ours.
      current = undefined;
      continue;
    }
    const targets = rule[1].split(/\s+/);
    const rest = rule[3];
    const [prerequisiteText, inline] = splitOnce(rest, ';');
    if (targets.includes('.ONESHELL')) makefile.unreadable = true;
    // `target: VAR = value` sets a variable for the target; `targets: %.x: %.y` is a static pattern rule.
    const targetVariable = /^[^=]*=/.test(prerequisiteText) && !prerequisiteText.includes(':');
    const unclear = conditionals > 0 || rule[2] === '::' || prerequisiteText.includes(':') || targets.some((target) => /[%$]/.test(target));
    current = [];
    for (const target of targets) {
      if (targetVariable) continue;
      if (makefile.defaultGoal === undefined && !target.startsWith('.') && !/[%$]/.test(target)) makefile.defaultGoal = target;
      const known = rules.get(target);
      const entry: MakeRule = known ?? { prerequisites: [], recipe: [], unclear: false };
      if (!known) rules.set(target, entry);
      // A second rule with a recipe replaces the first's (GNU make warns): not followed here.
      if (unclear || (known && known.recipe.length > 0 && inline !== undefined)) entry.unclear = true;
      entry.prerequisites.push(
        ...prerequisiteText
          .replace('|', ' ')
          .split(/\s+/)
          .filter((word) => word !== ''),
      );
      current.push(entry);
    }
    if (inline !== undefined) {
      // `target: prerequisites ; command`: the recipe's first line, after the first `;` of the line.
      const semicolon = line.indexOf(';', line.indexOf(':'));
      if (semicolon !== -1) current.forEach((entry) => entry.recipe.push({ start: lineStart + semicolon + 1, end: lineEnd }));
    }
    if (targetVariable) current = undefined;
  }
  return makefile;
}

/** The end of a line, past `\`-newline continuations (an odd number of backslashes escapes the newline). */
function endOfLogicalLine(text: string, from: number): number {
  let end = text.indexOf('\n', from);
  while (end !== -1) {
    let backslashes = 0;
    for (let k = end - 1 - (text[end - 1] === '\r' ? 1 : 0); k >= from && text[k] === '\\'; k--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('\n', end + 1);
  }
  return text.length;
}

function stripComment(line: string): string {
  const hash = line.search(/(?<!\\)#/);
  return hash === -1 ? line : line.slice(0, hash);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Where an assignment's value lies in the file (a one-line value without a comment; else undefined). */
function valueOffsets(text: string, lineStart: number, line: string, head: string): { start: number; end: number } | undefined {
  if (line.includes('\n') || line.includes('#') || !line.startsWith(head)) return undefined;
  let start = lineStart + head.length;
  let end = lineStart + line.length;
  while (start < end && /[ \t]/.test(text[start])) start++;
  while (end > start && /[ \t\r]/.test(text[end - 1])) end--;
  return { start, end };
}

/** How deep variables that name variables are followed. */
const MAX_DEPTH = 16;

/**
 * A recipe line as the shell gets it: `@`, `-` and `+` prefixes off, `\`-newline kept (the shell
 * joins it) with the next line's leading tab removed, `$$` made `$`, `$@` the target, a variable
 * the Makefile gives put in. Anything else make expands (another variable, a function, an
 * automatic variable) stays for the shell to see as unknown: a command substitution spanning the
 * reference as written.
 */
function recipeText(makefile: Makefile, target: string, line: { start: number; end: number }): MappedText {
  const { source } = makefile;
  const text = source.text;
  const out = new MappedTextBuilder(source);
  let at = line.start;
  while (at < line.end && /[@+\- \t]/.test(text[at])) at++;
  while (at < line.end) {
    const char = text[at];
    if (char === '\\' && text[at + 1] === '\n') {
      out.push('\\\n', at);
      at += 2;
      if (text[at] === '\t') at++;
      continue;
    }
    if (char !== '$') {
      out.push(char, at);
      at++;
      continue;
    }
    const reference = referenceAt(text, at, line.end);
    if (reference.name === '$') out.push('$', at);
    else if (reference.name === '@') out.pushAt(target, at);
    else {
      const value = reference.name === undefined ? undefined : variableValue(makefile, reference.name, 0);
      if (value !== undefined) out.pushAt(value, at);
      else pushUnknown(out, at, reference.end);
    }
    at = reference.end;
  }
  return out.build(line.end);
}

/** `$(…)`, `${…}` or `$X` at `at`: the variable it names (undefined for a function call), and where it ends. */
function referenceAt(text: string, at: number, end: number): { name?: string; end: number } {
  const open = text[at + 1];
  if (open !== '(' && open !== '{') return { name: open ?? '', end: Math.min(end, at + 2) };
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let k = at + 1; k < end; k++) {
    if (text[k] === open) depth++;
    else if (text[k] === close && --depth === 0) {
      const inner = text.slice(at + 2, k);
      return { ...(/^[^\s:#=$(){}]+$/.test(inner) ? { name: inner } : {}), end: k + 1 };
    }
  }
  return { end };
}

/** A variable's value with the variables it names put in, when the Makefile alone gives all of them. */
function variableValue(makefile: Makefile, name: string, depth: number): string | undefined {
  const place = makefile.variables.get(name);
  if (!place || depth > MAX_DEPTH) return undefined;
  if ('value' in place) return place.value;
  const text = makefile.source.text;
  let value = '';
  for (let at = place.start; at < place.end;) {
    if (text[at] !== '$') {
      value += text[at++];
      continue;
    }
    const reference = referenceAt(text, at, place.end);
    const inner =
      reference.name === '$'
        ? '$'
        : reference.name === undefined || reference.name.length === 1
          ? undefined
          : variableValue(makefile, reference.name, depth + 1);
    if (inner === undefined) return undefined;
    value += inner;
    at = reference.end;
  }
  return value;
}

/** `$(:)` laid over the reference as written: the shell reader keeps it unresolved, and shows what is written. */
function pushUnknown(out: MappedTextBuilder, start: number, end: number): void {
  const marker = '$(:)';
  for (let i = 0; i < marker.length; i++) out.pushAt(marker[i], i === marker.length - 1 ? end - 1 : Math.min(start + i, end - 1));
}

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

/** The names GNU make tries, in order, without `-f` (main.c, `default_makefiles`). */
const DEFAULT_NAMES = ['GNUmakefile', 'makefile', 'Makefile'];

/**
 * The Makefile a `make` launch reads, with the goals it builds. In a container: in its working
 * directory (or `-C`), as the container sees its files. On a host, where the tree cannot say which
 * directory that is: the launch file's directory or the nearest one above it whose Makefile
 * defines every goal (a supervisord config under `tools/` of the project it runs `make daphne` in).
 */
function findMakefile(launch: Launch, args: { files: string[]; directory?: string; goals: string[] }, tree: MakeTree): Makefile | undefined {
  if (args.files.length > 1) return undefined;
  const names = args.files.length === 1 ? args.files : DEFAULT_NAMES;
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
  if (!makefile || makefile.unreadable) return undefined;
  const goals = args.goals.length > 0 ? args.goals : makefile.defaultGoal !== undefined ? [makefile.defaultGoal] : [];
  if (goals.length === 0) return undefined;
  // Command-line variables override the file's (GNU make's "override" origin).
  const withArguments: Makefile =
    args.variables.size === 0
      ? makefile
      : { ...makefile, variables: new Map([...makefile.variables, ...[...args.variables].map(([name, value]) => [name, { value }] as const)]) };
  const order = recipeOrder(withArguments, goals);
  if (!order) return undefined;
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
    const { steps } = runShell(recipeText(withArguments, target, line), lookup);
    for (const step of steps) {
      const { argv, program } = unwrap(step.args, lookup);
      if (argv.length === 0) continue;
      let servers: Launch[] | undefined = [];
      if (argv[0].unresolved.length > 0 && programName(argv[0]) === writtenWord(argv[0])) servers = undefined;
      else if (program === 'make' || program === 'gmake') servers = makeLaunches(recipeLaunch(launch, step, makefile.source, lookup), tree, depth + 1);
      else if (startsServer(program, argv)) servers = [recipeLaunch(launch, step, makefile.source, lookup)];
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

function writtenWord(arg: { source: SourceText; start: number; end: number }): string {
  return arg.source.text.slice(arg.start, arg.end);
}

/** The recipe lines a goal runs, prerequisites' first (each target once); undefined when one is unclear. */
function recipeOrder(makefile: Makefile, goals: string[]): { target: string; line: { start: number; end: number } }[] | undefined {
  const order: { target: string; line: { start: number; end: number } }[] = [];
  const done = new Set<string>();
  const visit = (target: string, depth: number): boolean => {
    if (done.has(target)) return true;
    done.add(target);
    const rule = makefile.rules.get(target);
    // A prerequisite no rule names is a file, or built by a rule not read here (an implicit one).
    if (!rule) return depth > 0;
    if (rule.unclear || depth > MAX_DEPTH) return false;
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
