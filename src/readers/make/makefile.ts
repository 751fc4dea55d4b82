/**
 * A Makefile as GNU make reads it (read.c, `eval`), read once for both of its users: the
 * `docker build` commands of every recipe (readers/docker/build-commands.ts) and the servers a
 * `make TARGET` launch starts (readers/launch/makefile.ts). It gives the rules (targets,
 * prerequisites, recipe lines with their offsets), the assignments in order, and one expansion
 * of make's variables (docs/servers/linux.md#make-targets).
 *
 * A recipe line is a tab-indented line after a rule (`target: prerequisites`, or its first line
 * after `;`), with its `\`-newline continuations (make passes them to the shell, dropping the tab
 * that starts the next line). make expands its references in the line, quotes or not, before the
 * shell reads it (GNU make manual, "Recipe Syntax", "Using Variables in Recipes"; `$$` is a `$`
 * for the shell).
 *
 * A variable is known when the Makefile sets it plainly at the top level: `=` and `:=` (`::=`,
 * `:::=`), `+=`, and `?=` when nothing set it before. make's `?=` yields to the environment, which
 * the tree does not show unless a launch gives it: like compose's `${VAR:-default}`, the value
 * written is the one taken. A command-line `VAR=value` wins over the file's assignments (the
 * "override" origin). Anything else is unknown: a name nothing sets, a function call
 * (`$(shell …)`), a substitution reference, an automatic variable other than a recipe's `$@`, a
 * name set by `!=`, `define`, inside a conditional, for a target only (`target: VAR = x`), or set
 * before an `include` (which may set it again), and a `?=`/`+=` after one of a name not set
 * before. A name made of a reference (`$(X)_DIR = …`) may be any name: every variable is unknown.
 */
import type { SourceText } from '../../source/text';
import { MappedText, MappedTextBuilder } from '../kit/mapped-text';

/** GNU make's default names for the makefile it reads, in the order it tries them (read.c, `read_all_makefiles`). */
export const DEFAULT_MAKEFILE_NAMES = ['GNUmakefile', 'makefile', 'Makefile'];

export interface RecipeLine {
  /** Offsets of the line as written, its tab (or the rule's `;`) excluded. */
  start: number;
  end: number;
}

export interface MakeRule {
  prerequisites: string[];
  recipe: RecipeLine[];
  /** Defined twice with a recipe, as `::`, by a pattern, or inside a conditional: what runs is not read here. */
  unclear: boolean;
}

/** One top-level assignment, in file order. */
export interface Assignment {
  name: string;
  operator: string;
  value: string;
  /** `override NAME = …`: set even where the command line gives the name. */
  override: boolean;
  /** Set where the Makefile cannot say what it holds (`!=`, `define`, a conditional, a target's own). */
  unknown: boolean;
}

export interface Makefile {
  source: SourceText;
  rules: Map<string, MakeRule>;
  /** Every recipe line in file order, whatever rule it belongs to. */
  recipes: RecipeLine[];
  /** Assignments and `include`s in the order make reads them. */
  assignments: (Assignment | 'include')[];
  /** A name made of a reference was assigned: any variable may be that one. */
  computedName: boolean;
  /** The first target that is not special or a pattern: what `make` alone builds. */
  defaultGoal?: string;
  /** `.RECIPEPREFIX` set: recipe lines start otherwise than with a tab. */
  recipePrefix: boolean;
  /** `.ONESHELL`: a recipe's lines run in one shell. */
  oneShell: boolean;
}

const ASSIGNMENT = /^((?:(?:export|override|private)\s+)*)([^\s:#=?+!]+)\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*([\s\S]*)$/;
const CONDITIONAL_OPEN = /^(ifeq|ifneq|ifdef|ifndef)\b/;

/** The rules and assignments of a Makefile, each logical line as GNU make reads it. */
export function parseMakefile(source: SourceText): Makefile {
  const text = source.text;
  const makefile: Makefile = { source, rules: new Map(), recipes: [], assignments: [], computedName: false, recipePrefix: false, oneShell: false };
  const { rules, assignments } = makefile;
  let conditionals = 0;
  let current: MakeRule[] | undefined;
  const addRecipe = (line: RecipeLine) => {
    makefile.recipes.push(line);
    // A conditional between recipe lines picks which of them run.
    current?.forEach((rule) => {
      rule.recipe.push(line);
      if (conditionals > 0) rule.unclear = true;
    });
  };
  for (let at = 0; at < text.length;) {
    const lineStart = at;
    const lineEnd = endOfLogicalLine(text, at);
    const line = text.slice(at, lineEnd);
    at = lineEnd + 1;
    if (line.startsWith('\t')) {
      // A tab-indented line with no rule before it is no statement of make's (GNU make refuses it).
      if (current) addRecipe({ start: lineStart + 1, end: lineEnd });
      continue;
    }
    const statement = stripComment(line)
      .replace(/\\\r?\n[ \t]*/g, ' ')
      .trim();
    if (statement === '') continue;
    // Conditionals are read inside a recipe too, and leave it going on.
    if (CONDITIONAL_OPEN.test(statement)) {
      conditionals++;
      continue;
    }
    if (/^endif\b/.test(statement)) {
      conditionals = Math.max(0, conditionals - 1);
      continue;
    }
    if (/^else\b/.test(statement)) continue;
    current = undefined;
    if (/^(-?include|sinclude)\s/.test(statement)) {
      assignments.push('include');
      continue;
    }
    const definition = /^(?:(?:export|override)\s+)*define\s+([^\s=:?+]+)/.exec(statement);
    if (definition) {
      assignments.push({ name: definition[1], operator: '=', value: '', override: false, unknown: true });
      const close = /^[ \t]*endef\b.*$/m.exec(text.slice(at));
      at = close ? at + close.index + close[0].length + 1 : text.length;
      continue;
    }
    const assignment = ASSIGNMENT.exec(statement);
    if (assignment) {
      const [, modifiers, name, operator, value] = assignment;
      if (name === '.RECIPEPREFIX') makefile.recipePrefix = true;
      if (name.includes('$')) makefile.computedName = true;
      else assignments.push({ name, operator, value, override: /\boverride\b/.test(modifiers), unknown: operator === '!=' || conditionals > 0 });
      continue;
    }
    const colon = ruleColon(statement);
    // vpath, $(eval …), a lone function call: not read; a rule it adds is not one of ours.
    if (colon === -1) continue;
    const targets = statement.slice(0, colon).trim().split(/\s+/);
    const double = statement[colon + 1] === ':';
    const [prerequisiteText, inline] = splitOnce(statement.slice(colon + (double ? 2 : 1)), ';');
    if (targets.includes('.ONESHELL')) makefile.oneShell = true;
    // `target: VAR = value` sets the variable for that target (and its prerequisites) only.
    const targetVariable = ASSIGNMENT.exec(prerequisiteText.trim());
    if (targetVariable && !prerequisiteText.includes(':')) {
      assignments.push({ name: targetVariable[2], operator: '=', value: '', override: false, unknown: true });
      continue;
    }
    // `targets: %.x: %.y` is a static pattern rule.
    const unclear = conditionals > 0 || double || prerequisiteText.includes(':') || targets.some((target) => /[%$]/.test(target));
    current = [];
    for (const target of targets) {
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
      const uncommented = stripComment(line);
      const semicolon = uncommented.indexOf(';', uncommented.indexOf(':'));
      if (semicolon !== -1) addRecipe({ start: lineStart + semicolon + 1, end: lineEnd });
    }
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

/** A makefile line without its comment (`#` to the end, unless escaped as `\#`). */
function stripComment(line: string): string {
  const hash = line.search(/(?<!\\)#/);
  return hash === -1 ? line : line.slice(0, hash);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Where a rule's `:` is, outside `$(…)`; -1 for a line that is no rule. */
function ruleColon(statement: string): number {
  let depth = 0;
  for (let i = 0; i < statement.length; i++) {
    if (statement[i] === '$' && (statement[i + 1] === '(' || statement[i + 1] === '{')) depth++;
    else if ((statement[i] === ')' || statement[i] === '}') && depth > 0) depth--;
    else if (statement[i] === ':' && depth === 0) return i;
  }
  return -1;
}

/** A variable's flavour and value (recursive ones are expanded where they are used), or unknown. */
type Variable = { recursive: boolean; value: string } | 'unknown';

export type MakeVariables = Map<string, Variable>;

/** How deep variables that name variables are followed. */
const MAX_DEPTH = 16;

/**
 * The variables after every top-level assignment, in order (GNU make manual, "The Two Flavors of
 * Variables", "Appending", "Setting Variables"): `environment` (what the launch that runs make
 * gives it; undefined where the tree does not give the value) first, which `?=` leaves; `commandLine` (`make goal VAR=value`), which the file's
 * assignments leave unless they say `override`.
 */
export function makeVariables(makefile: Makefile, environment = new Map<string, string | undefined>(), commandLine = new Map<string, string>()): MakeVariables {
  const variables: MakeVariables = new Map();
  // A name made of a reference may be any name.
  if (makefile.computedName) return variables;
  // A value of the environment the tree does not give is unknown, and so is what `?=` leaves it.
  for (const [name, value] of environment) variables.set(name, value === undefined ? 'unknown' : { recursive: true, value });
  for (const [name, value] of commandLine) variables.set(name, { recursive: true, value });
  let included = false;
  for (const assignment of makefile.assignments) {
    if (assignment === 'include') {
      included = true;
      for (const name of variables.keys()) if (!commandLine.has(name)) variables.set(name, 'unknown');
      continue;
    }
    const { name, operator, value, unknown, override } = assignment;
    if (commandLine.has(name) && !override) continue;
    const known = variables.get(name);
    if (unknown) variables.set(name, 'unknown');
    else if (operator === '=') variables.set(name, { recursive: true, value });
    else if (operator !== '?=' && operator !== '+=') variables.set(name, simple(expandValue(value, variables)));
    else if (known === 'unknown' || (known === undefined && included)) variables.set(name, 'unknown');
    else if (known === undefined) variables.set(name, operator === '?=' ? { recursive: true, value } : simple(expandValue(value, variables)));
    else if (operator === '+=') {
      const added = known.recursive ? value : expandValue(value, variables);
      variables.set(name, added === undefined ? 'unknown' : { recursive: known.recursive, value: `${known.value} ${added}` });
    }
  }
  return variables;
}

function simple(value: string | undefined): Variable {
  return value === undefined ? 'unknown' : { recursive: false, value };
}

/** Text with make's references expanded; undefined when it names anything the Makefile does not give. */
function expandValue(text: string, variables: MakeVariables, depth = 0): string | undefined {
  let out = '';
  for (let at = 0; at < text.length;) {
    if (text[at] !== '$') {
      out += text[at++];
      continue;
    }
    const reference = referenceAt(text, at, text.length);
    const value = reference.name === '$' ? '$' : variableValue(reference.name, variables, depth);
    if (value === undefined) return undefined;
    out += value;
    at = reference.end;
  }
  return out;
}

function variableValue(name: string | undefined, variables: MakeVariables, depth: number): string | undefined {
  const variable = name === undefined ? undefined : variables.get(name);
  if (variable === undefined || variable === 'unknown' || depth > MAX_DEPTH) return undefined;
  return variable.recursive ? expandValue(variable.value, variables, depth + 1) : variable.value;
}

/** The reference that starts with the `$` at `at`: `$$`, `$X`, `$(NAME)`, `${NAME}`; name undefined for a function call or substitution. */
function referenceAt(text: string, at: number, limit: number): { name?: string; end: number } {
  const open = at + 1 < limit ? text[at + 1] : undefined;
  if (open === undefined) return { end: at + 1 };
  if (open !== '(' && open !== '{') return { name: open, end: at + 2 };
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  for (let i = at + 1; i < limit; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) {
      const inner = text.slice(at + 2, i);
      // A function (`$(shell git describe)`), a substitution (`$(VAR:.c=.o)`) or `$(@D)` names no plain variable.
      return { ...(/^[A-Za-z0-9_.-]+$/.test(inner) ? { name: inner } : {}), end: i + 1 };
    }
  }
  return { end: limit };
}

/**
 * A recipe line as the shell gets it, each character mapped to where the Makefile writes it (an
 * expansion to its reference): make's `@`, `-` and `+` prefixes off, `\`-newline kept for the
 * shell with the next line's leading tab dropped, `$$` a `$`, `$@` the target when one is given,
 * a variable the Makefile gives put in. Any other reference stands as `unknown`, laid over the
 * reference as written.
 */
export function expandRecipeLine(makefile: Makefile, variables: MakeVariables, line: RecipeLine, unknown: string, target?: string): MappedText {
  const text = makefile.source.text;
  const out = new MappedTextBuilder(makefile.source);
  let at = line.start;
  while (at < line.end && /[@+\-\s]/.test(text[at])) at++;
  while (at < line.end) {
    if (text[at] === '\n' && text[at + 1] === '\t') {
      out.push('\n', at);
      at += 2;
      continue;
    }
    if (text[at] !== '$') {
      out.push(text[at], at);
      at++;
      continue;
    }
    const reference = referenceAt(text, at, line.end);
    const value = reference.name === '$' ? '$' : reference.name === '@' && target !== undefined ? target : variableValue(reference.name, variables, 0);
    if (value !== undefined) out.pushAt(value, at);
    else {
      const last = reference.end - 1;
      for (let i = 0; i < unknown.length; i++) out.pushAt(unknown[i], i === 0 ? at : i === unknown.length - 1 ? last : Math.min(at + i, last));
    }
    at = reference.end;
  }
  return out.build(line.end);
}
