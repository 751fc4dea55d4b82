/**
 * Scripts that pick what to run by their arguments, as Docker entrypoints do (redash's
 * `bin/docker-entrypoint`: `case "$1" in server) … ;; worker) … ;; *) exec "$@" ;; esac`;
 * label-studio's `if [ "$1" = "nginx" ] … elif …`): which commands run for the arguments a
 * container gives (its CMD or compose `command:`), as the shell picks them
 * (docs/servers/linux.md#scripts-that-dispatch-on-their-arguments).
 *
 * A branch is taken or not only where its test reads a positional parameter (`$1`, `${2}`) that
 * the reader knows, or a variable the environment the script starts with gives a value and the
 * script never sets (mediacms's `if [ X"$ENABLE_NGINX" = X"yes" ]` with compose's
 * `ENABLE_NGINX: 'no'`); a test of anything else (a file, a variable the script may set) is left
 * as before: both sides may run. A branch picked by an argument the reader does not know is undecided.
 */
import { parameterValue } from '../kit/expand';
import type { Lookup } from '../kit/raw';
import type { ShellBranch, ShellCommand, ShellCondition, ShellWord } from '../kit/shell-words';
import { literalText } from '../kit/shell-words';

/**
 * Whether a command runs, as far as the script's arguments decide: `taken` (every branch around
 * it is picked by a known argument), `skipped`, `undecided` (a branch around it depends on an
 * argument the reader does not know), or `open` (no argument decides; other tests may).
 */
export type Taken = 'taken' | 'skipped' | 'undecided' | 'open';

/**
 * The script's arguments, `$1` first: undefined when not known at all (a script read on its own),
 * an entry undefined when that one is not known.
 */
export type ScriptArguments = readonly (string | undefined)[] | undefined;

/**
 * The variables a script's tests may be decided by: the environment it starts with, for names
 * the script's text (`text`) never sets.
 */
export interface StartEnvironment {
  lookup: Lookup;
  text: string;
}

/**
 * How each command of a script (`parseShell`'s list) runs for `args` (and `environment`, when
 * given); `bash`: the script runs under bash (its first line says so).
 */
export function takenByArguments(commands: readonly ShellCommand[], args: ScriptArguments, bash: boolean, environment?: StartEnvironment): Taken[] {
  const argsAt = argumentsAt(commands, args);
  const variable = variablesFrom(commands, environment);
  const callers = new Map<string, number[]>();
  commands.forEach((command, index) => {
    const head = commandName(command);
    if (head !== undefined) (callers.get(head) ?? callers.set(head, []).get(head)!).push(index);
  });
  const memo = new Map<number, Taken>();
  const calls = new Map<string, Taken>();
  const inProgress = new Set<string>();
  /** A function runs where it is called: as its likeliest call site does (none found: open). */
  const called = (name: string): Taken => {
    const known = calls.get(name);
    if (known) return known;
    // A function calling itself, or a chain of calls deeper than scripts go, is not followed.
    if (inProgress.has(name) || inProgress.size >= MAX_CALL_DEPTH) return 'undecided';
    inProgress.add(name);
    const sites = (callers.get(name) ?? []).filter((index) => commands[index].inFunction !== name);
    const result = sites.length === 0 ? 'open' : any(sites.map(taken));
    inProgress.delete(name);
    calls.set(name, result);
    return result;
  };
  const taken = (index: number): Taken => {
    const known = memo.get(index);
    if (known) return known;
    const command = commands[index];
    const own = all((command.branches ?? []).map((branch) => branchTaken(branch, argsAt, bash, variable)));
    const result = command.inFunction === undefined ? own : all([own, called(command.inFunction)]);
    memo.set(index, result);
    return result;
  };
  return commands.map((_, index) => taken(index));
}

const MAX_CALL_DEPTH = 32;

/**
 * The arguments before each command. `shift` at the top level moves them; a `shift` or `set --`
 * anywhere else (a branch, a loop) leaves them unknown from there on. A function's `shift` and
 * `$1` are its own arguments', not the script's.
 */
function argumentsAt(commands: readonly ShellCommand[], args: ScriptArguments): ScriptArguments[] {
  let current = args;
  return commands.map((command) => {
    const before = current;
    if (command.inFunction !== undefined) return before;
    const words = command.words.map(literalText);
    const head = words[0];
    if (head === 'shift') {
      const count = words[1] === undefined ? 1 : /^\d+$/.test(words[1]) ? Number(words[1]) : undefined;
      current = command.depth === 0 && current && count !== undefined ? current.slice(count) : undefined;
    } else if (head === 'set') {
      const positionals = setPositionals(words.slice(1));
      if (positionals !== 'unchanged') current = command.depth === 0 && positionals !== 'unknown' ? positionals : undefined;
    }
    return before;
  });
}

/**
 * What `set WORDS` makes of the positional parameters (POSIX `set`, bash's `set` builtin): option
 * words (`-e`, `+x`, `-euo pipefail`: an `o` in a cluster takes the next word as its option name)
 * leave them as they are; the words after `--` or `-`, or after the first word that is not an
 * option, replace them. 'unknown' when a word is not known.
 */
function setPositionals(words: readonly (string | undefined)[]): 'unchanged' | 'unknown' | string[] {
  const replaced = (from: number) => {
    const rest = words.slice(from);
    return rest.every((word) => word !== undefined) ? (rest as string[]) : 'unknown';
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === undefined) return 'unknown';
    if (word === '--' || word === '-') return replaced(i + 1);
    if (!/^[-+]./.test(word)) return replaced(i);
    // `-o`/`+o` without the name in the same word takes the next word (`-o` alone lists the options).
    if (word.slice(1).includes('o')) i++;
  }
  return 'unchanged';
}

/** The name a command calls, its first word after `NAME=value` words, when written plainly. */
function commandName(command: ShellCommand): string | undefined {
  for (const word of command.words) {
    const text = literalText(word);
    if (text === undefined) return undefined;
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) return text;
  }
  return undefined;
}

/** Whether the shell takes a branch (`true`/`false`), cannot be told (`undecided`), or no argument decides it (`open`). */
type Truth = boolean | 'undecided' | 'open';

/** A variable's value where the script's tests may rely on it; undefined when they may not. */
type Variable = (name: string) => string | undefined;

const NO_VARIABLES: Variable = () => undefined;

/**
 * The start environment's values the script cannot change: none when it runs text it does not
 * show (`eval`, `.`, `source`), and none for a name its text writes other than as `$NAME`,
 * `${NAME}` or `${NAME:-default}` (an assignment, `read NAME`, `for NAME in`, `${NAME:=x}`,
 * `export NAME`, even a comment: such a mention may set it).
 */
function variablesFrom(commands: readonly ShellCommand[], environment: StartEnvironment | undefined): Variable {
  if (!environment) return NO_VARIABLES;
  if (commands.some((command) => ['eval', '.', 'source'].includes(commandName(command) ?? ''))) return NO_VARIABLES;
  const { lookup, text } = environment;
  const memo = new Map<string, string | undefined>();
  return (name) => {
    if (memo.has(name)) return memo.get(name);
    const value = lookup(name);
    const known = typeof value === 'object' && onlyExpanded(text, name) ? value.value : undefined;
    memo.set(name, known);
    return known;
  };
}

/** Every mention of `name` in `text` is `$name`, `${name}` or `${name:-…}`/`${name-…}`. */
function onlyExpanded(text: string, name: string): boolean {
  const mention = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`, 'g');
  for (let match = mention.exec(text); match; match = mention.exec(text)) {
    const before = text.slice(Math.max(0, match.index - 2), match.index);
    const after = text.slice(match.index + name.length, match.index + name.length + 2);
    if (before.endsWith('$') && before !== '\\$') continue;
    if (before === '${' && (after.startsWith('}') || after === ':-' || after.startsWith('-'))) continue;
    return false;
  }
  return true;
}

function branchTaken(branch: ShellBranch, argsAt: readonly ScriptArguments[], bash: boolean, variable: Variable): Taken {
  const holds = (condition: ShellCondition) => conditionHolds(condition, argsAt, branch, bash, variable);
  const truth =
    branch.kind === 'case'
      ? caseArmTaken(branch, argsAt, variable)
      : and([...branch.when.map(holds), ...branch.unless.map((condition) => not(holds(condition)))]);
  return truth === true ? 'taken' : truth === false ? 'skipped' : truth;
}

/** `case WORD in`: an arm runs when one of its patterns matches and no earlier arm's does (the first match wins). */
function caseArmTaken(branch: ShellBranch & { kind: 'case' }, argsAt: readonly ScriptArguments[], variable: Variable): Truth {
  const subject = expandArguments(branch.subject, argsAt[branch.at], branch, variable);
  if (subject === 'open' || subject === 'undecided') return subject;
  if (!subject.positional && !subject.fromEnvironment) return 'open';
  const matches = (patterns: ShellWord[]) => or(patterns.map((pattern) => globMatches(pattern, subject.value)));
  return and([matches(branch.patterns), not(matches(branch.earlier))]);
}

/**
 * `[ "$1" = server ]`, `[[ "${1}" == server ]]`, `test "$1" != x`, `[ -z "$1" ]`, `[ -n "$1" ]`.
 * In `[[ ]]` the right side of `==`/`=`/`!=` is a pattern (its quoted parts literal); in `[` and
 * `test` a plain string. `[[` and `==` in `[` are bash's: dash's `[` rejects `==` (exit 2, the
 * branch is not taken) and has no `[[`, BusyBox ash takes both, so under `sh` they are undecided.
 */
function conditionHolds(condition: ShellCondition, argsAt: readonly ScriptArguments[], branch: ShellBranch, bash: boolean, variable: Variable): Truth {
  if (!condition) return 'open';
  const test = testOperands(condition);
  if (!test) return 'open';
  const { operands, brackets } = test;
  const args = argsAt[condition.at];
  if (operands.length === 2) {
    const operator = literalText(operands[0]);
    const value = expandArguments(operands[1], args, branch, variable);
    if ((operator !== '-z' && operator !== '-n') || value === 'open' || (typeof value === 'object' && !value.positional && !value.fromEnvironment))
      return 'open';
    if (value === 'undecided' || (brackets === 'double' && !bash)) return 'undecided';
    return (value.value === '') === (operator === '-z');
  }
  const operator = operands.length === 3 ? literalText(operands[1]) : undefined;
  if (operator !== '=' && operator !== '==' && operator !== '!=') return 'open';
  const left = expandArguments(operands[0], args, branch, variable);
  const right = expandArguments(operands[2], args, branch, variable);
  const names = (side: typeof left) => side === 'undecided' || (typeof side === 'object' && (side.positional || side.fromEnvironment));
  if (!names(left) && !names(right)) return 'open';
  if (typeof left !== 'object' || typeof right !== 'object') return 'undecided';
  if (!bash && (brackets === 'double' || operator === '==')) return 'undecided';
  const equal = brackets === 'double' ? globMatches(operands[2], left.value) : left.value === right.value;
  return operator === '!=' ? not(equal) : equal;
}

/**
 * The operands of a condition that is one `test` (`[ … ]`, `[[ … ]]`, `test …`), and which
 * brackets hold them; undefined for any other command.
 */
export function testOperands(condition: NonNullable<ShellCondition>): { operands: ShellWord[]; brackets: 'single' | 'double' } | undefined {
  const texts = condition.words.map(literalText);
  const last = texts[texts.length - 1];
  if ((texts[0] === '[' && last === ']') || (texts[0] === '[[' && last === ']]'))
    return { operands: condition.words.slice(1, -1), brackets: texts[0] === '[[' ? 'double' : 'single' };
  return texts[0] === 'test' ? { operands: condition.words.slice(1), brackets: 'single' } : undefined;
}

const POSITIONAL = /^\$(?:([1-9])|\{([1-9][0-9]*)\})$/;

/**
 * A word's value with the script's arguments and the variables it may rely on put in
 * (`positional`: it names an argument; `fromEnvironment`: a variable): `open` when it holds
 * something else not written out and names no argument, `undecided` when it names one the
 * reader does not know, or something unknown besides. Inside a function or a loop `$1` is not
 * the script's first argument.
 */
function expandArguments(
  word: ShellWord,
  args: ScriptArguments,
  branch: ShellBranch,
  variable: Variable = NO_VARIABLES,
): { value: string; positional: boolean; fromEnvironment?: true } | 'open' | 'undecided' {
  let value = '';
  let positional = false;
  let fromEnvironment = false;
  let unknown = false;
  for (const part of word.parts) {
    if (part.kind === 'literal') value += part.text;
    else if (part.kind === 'parameter') {
      const known = variableValue(part, variable);
      if (known === undefined) unknown = true;
      else {
        value += known;
        fromEnvironment = true;
      }
    } else {
      const match = part.kind === 'opaque' ? POSITIONAL.exec(part.text) : null;
      if (!match) {
        unknown = true;
        continue;
      }
      positional = true;
      const index = Number(match[1] ?? match[2]) - 1;
      // Past the last argument a positional parameter is unset: empty.
      const argument = args === undefined || branch.inFunction || branch.inLoop ? undefined : index < args.length ? args[index] : '';
      if (argument === undefined) unknown = true;
      else value += argument;
    }
  }
  if (!positional) return unknown ? 'open' : { value, positional, ...(fromEnvironment ? { fromEnvironment: true as const } : {}) };
  return unknown ? 'undecided' : { value, positional, ...(fromEnvironment ? { fromEnvironment: true as const } : {}) };
}

/** `$NAME`, `${NAME}`, `${NAME:-word}`…, as the shell expands it, where the variable is one the tests may rely on. */
function variableValue(part: Extract<ShellWord['parts'][number], { kind: 'parameter' }>, variable: Variable): string | undefined {
  const value = parameterValue(part, (name) => {
    const known = variable(name);
    return known === undefined ? 'unknown' : { value: known };
  });
  return typeof value === 'object' ? value.value : undefined;
}

/**
 * Whether `text` matches a shell pattern word (POSIX "Pattern Matching Notation": `*`, `?`,
 * `[…]`, `[!…]`; quoted characters match themselves); undecided when the word holds anything but
 * written text, or a character class (`[[:alpha:]]`).
 */
function globMatches(pattern: ShellWord, text: string): Truth {
  const tokens: PatternToken[] = [];
  for (const part of pattern.parts) {
    if (part.kind !== 'literal') return 'undecided';
    if (part.quoted) {
      for (const char of part.text) tokens.push({ kind: 'char', char });
      continue;
    }
    const chars = [...part.text];
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i];
      if (char === '*') tokens.push({ kind: 'star' });
      else if (char === '?') tokens.push({ kind: 'any' });
      else if (char === '[') {
        const set = bracketAt(chars, i);
        if (set === 'undecided') return 'undecided';
        if (set) {
          tokens.push(set.token);
          i = set.end;
        } else tokens.push({ kind: 'char', char });
      } else tokens.push({ kind: 'char', char });
    }
  }
  return matchTokens(tokens, [...text]);
}

type PatternToken =
  { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'set'; negated: boolean; members: string[]; ranges: [string, string][] };

/** The bracket expression starting at `chars[start]` (`[`), and the index of its `]`; undefined when it does not close (a plain `[`). */
function bracketAt(chars: string[], start: number): { token: PatternToken; end: number } | 'undecided' | undefined {
  let i = start + 1;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  const members: string[] = [];
  const ranges: [string, string][] = [];
  for (let first = true; i < chars.length; i++, first = false) {
    const char = chars[i];
    if (char === ']' && !first) return { token: { kind: 'set', negated, members, ranges }, end: i };
    if (char === '[' && chars[i + 1] === ':') return 'undecided';
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
      ranges.push([char, chars[i + 2]]);
      i += 2;
    } else members.push(char);
  }
  return undefined;
}

/** Pattern against text, one star remembered for backtracking: at most (text × pattern) steps. */
function matchTokens(tokens: PatternToken[], text: string[]): boolean {
  const fits = (token: PatternToken, char: string) =>
    token.kind === 'any' ||
    (token.kind === 'char' && token.char === char) ||
    (token.kind === 'set' && token.negated !== (token.members.includes(char) || token.ranges.some(([low, high]) => low <= char && char <= high)));
  let t = 0;
  let p = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < tokens.length && tokens[p].kind === 'star') {
      star = p++;
      resume = t;
    } else if (p < tokens.length && fits(tokens[p], text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else return false;
  }
  while (p < tokens.length && tokens[p].kind === 'star') p++;
  return p === tokens.length;
}

function not(truth: Truth): Truth {
  return typeof truth === 'boolean' ? !truth : truth;
}

/** Every one holds: false wins, then undecided, then open. */
function and(truths: Truth[]): Truth {
  if (truths.includes(false)) return false;
  if (truths.includes('undecided')) return 'undecided';
  return truths.includes('open') ? 'open' : true;
}

/** One holds: true wins, then undecided, then open. */
function or(truths: Truth[]): Truth {
  if (truths.includes(true)) return true;
  if (truths.includes('undecided')) return 'undecided';
  return truths.includes('open') ? 'open' : false;
}

/** A command runs when every branch around it does (skipped wins, then undecided, then open). */
function all(each: Taken[]): Taken {
  if (each.includes('skipped')) return 'skipped';
  if (each.includes('undecided')) return 'undecided';
  return each.includes('open') ? 'open' : 'taken';
}

/** A function runs when one of its calls does (taken wins, then open, then undecided). */
function any(each: Taken[]): Taken {
  if (each.includes('taken')) return 'taken';
  if (each.includes('open')) return 'open';
  return each.includes('undecided') ? 'undecided' : 'skipped';
}
