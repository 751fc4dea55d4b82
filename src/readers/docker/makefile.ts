/**
 * The recipes of a Makefile, as GNU make hands them to the shell, for the `docker build`
 * commands in them (readers/docker/build-commands.ts). A recipe line is a tab-indented line after
 * a rule (`target: prerequisites`), with its `\`-newline continuations (make passes them to the
 * shell, dropping the tab that starts the next line); each line runs in a shell of its own, in
 * the Makefile's directory. Before that, make expands its variables in the line, quotes or not
 * (GNU make manual, "Recipe Syntax", "Using Variables in Recipes"; `$$` is a `$` for the shell).
 *
 * A variable is known when the Makefile sets it plainly at the top level: `=` and `:=` (`::=`,
 * `:::=`), `?=` when nothing set it before (the value `make` alone uses: the environment may
 * replace it), `+=`. Anything else is unknown, and stands as UNKNOWN_TEXT in the line: a name the
 * Makefile does not set (the environment, the command line, make's own), a function call
 * (`$(shell …)`), a substitution reference, an automatic variable (`$@`), a name set by `!=`,
 * `define`, inside a conditional, for a target only (`target: VAR = x`), or by `?=`/`+=` in a
 * Makefile that includes another (which may set it first). A `.RECIPEPREFIX` other than the tab
 * leaves the Makefile unread.
 */
import { MappedTextBuilder } from '../kit/mapped-text';
import { parseShell, ShellCommand } from '../kit/shell-words';
import type { SourceText } from '../../source/text';
import { UNKNOWN_TEXT } from './build-commands';

/** GNU make's default names for the makefile it reads. */
export const MAKEFILE_NAMES = /^(GNUmakefile|makefile|Makefile)$/;

interface Definition {
  name: string;
  operator: string;
  value: string;
  /** Set where the Makefile cannot say what it holds. */
  unknown: boolean;
}

/** The shell commands of each recipe line, with make's variables expanded (unknown ones as UNKNOWN_TEXT). */
export function makefileRecipes(source: SourceText): ShellCommand[][] {
  const text = source.text;
  const events: (Definition | 'include')[] = [];
  const recipes: { start: number; end: number }[] = [];
  let inRule = false;
  let conditionalDepth = 0;
  let computedName = false;
  for (let at = 0; at < text.length;) {
    // A logical line: physical lines joined at a `\` before the newline.
    let end = at;
    while (end < text.length && text[end] !== '\n') end = text[end] === '\\' && text[end + 1] === '\n' ? end + 2 : end + 1;
    const line = text.slice(at, end);
    const start = at;
    at = end + 1;
    if (line.startsWith('\t') && inRule) {
      recipes.push({ start: start + 1, end });
      continue;
    }
    const content = stripComment(line)
      .replace(/\\\n\s*/g, ' ')
      .trim();
    if (content === '') continue;
    const directive = /^(\S+)/.exec(content)?.[1] ?? '';
    // Conditionals are read inside a recipe too, and leave it going on.
    if (/^(ifeq|ifneq|ifdef|ifndef)$/.test(directive)) conditionalDepth++;
    else if (directive === 'endif') conditionalDepth = Math.max(0, conditionalDepth - 1);
    if (/^(ifeq|ifneq|ifdef|ifndef|else|endif)$/.test(directive)) continue;
    inRule = false;
    if (/^(-?include|sinclude)$/.test(directive)) events.push('include');
    else if (directive === 'define') {
      const name = /^define\s+(\S+)/.exec(content)?.[1];
      if (name !== undefined) events.push({ name, operator: '=', value: '', unknown: true });
      const close = /^[ \t]*endef\b.*$/m.exec(text.slice(at));
      at = close ? at + close.index + close[0].length + 1 : text.length;
    } else {
      const assignment = ASSIGNMENT.exec(content);
      if (assignment) {
        const [, name, operator, value] = assignment;
        if (name === '.RECIPEPREFIX') return [];
        if (name.includes('$')) computedName = true;
        else events.push({ name, operator, value, unknown: operator === '!=' || conditionalDepth > 0 });
        continue;
      }
      const colon = ruleColon(content);
      if (colon === -1) continue;
      // `target: VAR = value` sets the variable for that target only; `target: ; recipe` starts the recipe on the rule's line.
      const targetSpecific = ASSIGNMENT.exec(content.slice(colon).replace(/^:+/, '').trim());
      if (targetSpecific) {
        events.push({ name: targetSpecific[1], operator: '=', value: '', unknown: true });
        continue;
      }
      inRule = true;
      const uncommented = stripComment(line);
      const semicolon = uncommented.indexOf(';', uncommented.indexOf(':'));
      if (semicolon !== -1) recipes.push({ start: start + semicolon + 1, end });
    }
  }
  // A name made of a reference may be any name.
  const variables = computedName ? new Map<string, Variable>() : evaluate(events);
  return recipes.map(({ start, end }) => parseShell(expandRecipe(source, start, end, variables)).commands);
}

/** `NAME op value`, after `export`/`override`/`private`. */
const ASSIGNMENT = /^(?:(?:export|override|private)\s+)*([^\s:#=?+!]+)\s*(:::=|::=|:=|\?=|\+=|!=|=)\s*([\s\S]*)$/;

/** Where a rule's `:` is, outside `$(…)`; -1 for a line that is no rule. */
function ruleColon(content: string): number {
  let depth = 0;
  for (let i = 0; i < content.length; i++) {
    if (content[i] === '$' && (content[i + 1] === '(' || content[i + 1] === '{')) depth++;
    else if ((content[i] === ')' || content[i] === '}') && depth > 0) depth--;
    else if (content[i] === ':' && depth === 0) return i;
  }
  return -1;
}

/** A makefile line without its comment (`#` to the end, unless escaped as `\#`). */
function stripComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '#') return line.slice(0, i);
  }
  return line;
}

/** A variable's flavour and value: recursive ones are expanded where they are used. */
type Variable = { recursive: boolean; value: string } | 'unknown';

/**
 * The variables after every top-level definition, in order (GNU make manual, "The Two Flavors of
 * Variables", "Appending"). An included file may set any variable: what the Makefile set before
 * it, and a `?=` or `+=` after it of a name it did not set, is unknown.
 */
function evaluate(events: (Definition | 'include')[]): Map<string, Variable> {
  const variables = new Map<string, Variable>();
  let included = false;
  for (const event of events) {
    if (event === 'include') {
      included = true;
      for (const name of variables.keys()) variables.set(name, 'unknown');
      continue;
    }
    const { name, operator, value, unknown } = event;
    const known = variables.get(name);
    if (unknown) variables.set(name, 'unknown');
    else if (operator === '=') variables.set(name, { recursive: true, value });
    else if (operator !== '?=' && operator !== '+=') variables.set(name, { recursive: false, value: expandText(value, variables) });
    else if (known === 'unknown' || (known === undefined && included)) variables.set(name, 'unknown');
    else if (known === undefined) variables.set(name, { recursive: true, value });
    else if (operator === '+=')
      variables.set(name, { recursive: known.recursive, value: `${known.value} ${known.recursive ? value : expandText(value, variables)}` });
  }
  return variables;
}

/** Text with make's references expanded; a reference the Makefile does not give is UNKNOWN_TEXT. */
function expandText(text: string, variables: Map<string, Variable>, depth = 0): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      out += text[i];
      continue;
    }
    const reference = referenceAt(text, i);
    out += reference.name === '$' ? '$' : valueOf(reference.name, variables, depth);
    i = reference.end - 1;
  }
  return out;
}

function valueOf(name: string | undefined, variables: Map<string, Variable>, depth: number): string {
  const variable = name === undefined ? undefined : variables.get(name);
  if (variable === undefined || variable === 'unknown' || depth > 20) return UNKNOWN_TEXT;
  return variable.recursive ? expandText(variable.value, variables, depth + 1) : variable.value;
}

/** The reference that starts with the `$` at `at`: `$$`, `$X`, `$(NAME)`, `${NAME}`; name undefined for a function call, substitution or automatic variable. */
function referenceAt(text: string, at: number, limit = text.length): { name?: string; end: number } {
  const open = at + 1 < limit ? text[at + 1] : undefined;
  if (open === undefined) return { end: at + 1 };
  if (open !== '(' && open !== '{') return { ...(open === '$' || /[A-Za-z0-9_]/.test(open) ? { name: open } : {}), end: at + 2 };
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

/** A recipe line as the shell gets it, each character mapped to where the Makefile writes it (an expansion to its `$`). */
function expandRecipe(source: SourceText, start: number, end: number, variables: Map<string, Variable>) {
  const text = source.text;
  const line = new MappedTextBuilder(source);
  let at = start;
  // make strips the recipe's own prefixes (`@` silent, `-` ignore errors, `+` always run) and the blanks around them.
  while (at < end && /[@+\-\s]/.test(text[at])) at++;
  for (; at < end; at++) {
    if (text[at] === '\n' && text[at + 1] === '\t') {
      line.push('\n', at);
      at++;
    } else if (text[at] === '$') {
      const reference = referenceAt(text, at, end);
      line.pushAt(reference.name === '$' ? '$' : valueOf(reference.name, variables, 0), at);
      at = reference.end - 1;
    } else line.push(text[at], at);
  }
  return line.build(end);
}
