/**
 * Files a start-up script edits in place before the server starts: `sed -i 's/%X%/v/' F`,
 * `perl -pi -e 's/…/…/' F`, and a filter written to a temporary file that then replaces the
 * original (`sed … F > T && mv T F`, `awk … < F > T; mv T F`: akvo-rsr's nginx start script drops
 * one of two `location /media/` blocks so). The file the server reads is then not the tree's text.
 *
 * Only one kind of edit is read for what it does: a substitution of a literal word without
 * spaces (a placeholder) by anything, which leaves every other byte as written (GNU sed `s`
 * command, sed/execute.c `do_subst`; perl's `s///` likewise). Any other script (awk, sed's `d`,
 * a pattern that is a regular expression, a script the tree does not give) may change or drop any
 * line.
 */
import * as nodePath from 'path';
import type { Span } from '../../source/span';
import type { RawArg } from '../kit/raw';
import { scriptPath, withoutRunPrefixes, type ShellStep } from './program';

export interface InPlaceEdit {
  /** The file edited, absolute, as the container names it. */
  path: string;
  /** The command that edits it. */
  by: Span;
  /** The literal words the edit replaces; undefined when it may change or drop any line. */
  placeholders?: string[];
}

/**
 * The in-place edits of a script's steps, in order, up to the step that starts nginx (an edit
 * after it is not what nginx read at start). `cwd` is where the script starts.
 */
export function inPlaceEdits(steps: ShellStep[], cwd: string): InPlaceEdit[] {
  const edits: InPlaceEdit[] = [];
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    const args = withoutRunPrefixes(step.args);
    if (args.length === 0) continue;
    const program = args[0].unresolved.length === 0 ? nodePath.posix.basename(args[0].value) : '';
    if (program === 'nginx') break;
    const filter = filterOf(program, args.slice(1));
    if (!filter) continue;
    // An option is no file.
    const at = (arg: RawArg) => (arg.value.startsWith('-') ? undefined : scriptPath(arg, step.cwd, cwd));
    const by = args[0].source.span(step.start, step.end);
    if (filter.inPlace) {
      for (const file of filter.files) {
        const path = at(file);
        if (path) edits.push({ path, by, ...(filter.placeholders ? { placeholders: filter.placeholders } : {}) });
      }
      continue;
    }
    // `filter F > T` (or `< F`), then `mv T F` / `cp T F`: F gets the filter's output.
    const input =
      filter.files.length === 1 ? filter.files[0] : step.redirects.find((redirect) => redirect.operator === '<' && redirect.fd === undefined)?.target;
    const output = step.redirects.find(
      (redirect) => (redirect.operator === '>' || redirect.operator === '>|') && (redirect.fd === undefined || redirect.fd === 1),
    );
    const from = input && at(input);
    const temporary = output && at(output.target);
    if (!from || !temporary) continue;
    const replaced = steps.slice(index + 1).find((later) => {
      const words = withoutRunPrefixes(later.args);
      const name = words[0]?.unresolved.length === 0 ? words[0].value : '';
      if (name !== 'mv' && name !== 'cp') return false;
      const operands = words.slice(1).filter((word) => !word.value.startsWith('-'));
      return operands.length === 2 && at(operands[0]) === temporary && at(operands[1]) === from;
    });
    if (replaced) edits.push({ path: from, by, ...(filter.placeholders ? { placeholders: filter.placeholders } : {}) });
  }
  return edits;
}

/** What a sed, perl or awk command line does to its files. */
interface Filter {
  /** Writes each file back (`sed -i`, `perl -i`), else prints the result. */
  inPlace: boolean;
  files: RawArg[];
  placeholders?: string[];
}

function filterOf(program: string, operands: RawArg[]): Filter | undefined {
  if (program === 'sed') return sedFilter(operands);
  if (program === 'perl') return perlFilter(operands);
  if (program === 'awk' || program === 'gawk' || program === 'mawk') {
    // awk's program decides which lines it prints: any may be dropped. `-v name=value` takes a word.
    const positional: RawArg[] = [];
    for (let i = 0; i < operands.length; i++) {
      const value = operands[i].value;
      if (value === '-f' || value === '-i' || value.startsWith('--')) return undefined;
      if (value === '-v' || value === '-F') i++;
      else if (!value.startsWith('-') || positional.length > 0) positional.push(operands[i]);
    }
    return positional.length === 0 ? undefined : { inPlace: false, files: positional.slice(1) };
  }
  return undefined;
}

/** GNU sed's command line (sed/sed.c `main`): `-i[SUFFIX]`, `-e SCRIPT`, `-E`/`-r`, else the first operand is the script. */
function sedFilter(operands: RawArg[]): Filter | undefined {
  let inPlace = false;
  let extended = false;
  const scripts: RawArg[] = [];
  const positional: RawArg[] = [];
  for (let i = 0; i < operands.length; i++) {
    const arg = operands[i];
    const value = arg.unresolved.length === 0 ? arg.value : '';
    if (value === '--in-place' || value.startsWith('--in-place=')) inPlace = true;
    else if (value === '--regexp-extended') extended = true;
    else if (value === '--expression' || value === '-e') scripts.push(operands[++i]);
    else if (value.startsWith('--expression=')) scripts.push({ ...arg, value: value.slice('--expression='.length) });
    else if (value === '-f' || value.startsWith('--file')) return undefined;
    else if (value.startsWith('--')) continue;
    else if (/^-[a-zA-Z]/.test(value)) {
      // `-i` takes the rest of the word as its suffix; `-e` the rest, or the next word, as a script.
      for (let j = 1; j < value.length; j++) {
        const letter = value[j];
        if (letter === 'i') {
          inPlace = true;
          break;
        }
        if (letter === 'E' || letter === 'r') extended = true;
        if (letter === 'f') return undefined;
        if (letter === 'e') {
          const rest = value.slice(j + 1);
          scripts.push(rest ? { ...arg, value: rest } : operands[++i]);
          break;
        }
      }
    } else positional.push(arg);
  }
  if (scripts.length === 0) {
    const script = positional.shift();
    if (script) scripts.push(script);
  }
  if (scripts.length === 0 || scripts.some((script) => script === undefined)) return undefined;
  return { inPlace, files: positional, ...placeholdersOf(scripts, extended) };
}

/** `perl -pi -e 'CODE' F`: in place with `-i`; the code is read only when it is substitutions. */
function perlFilter(operands: RawArg[]): Filter | undefined {
  let inPlace = false;
  let prints = false;
  const scripts: RawArg[] = [];
  const positional: RawArg[] = [];
  for (let i = 0; i < operands.length; i++) {
    const arg = operands[i];
    const value = arg.unresolved.length === 0 ? arg.value : '';
    if (scripts.length === 0 && !/^-[a-zA-Z]/.test(value)) return undefined; // a script file: not read
    if (/^-[a-zA-Z]/.test(value) && positional.length === 0) {
      for (let j = 1; j < value.length; j++) {
        const letter = value[j];
        if (letter === 'p') prints = true;
        if (letter === 'i') {
          inPlace = true;
          break;
        }
        if (letter === 'e' || letter === 'E') {
          const rest = value.slice(j + 1);
          scripts.push(rest ? { ...arg, value: rest } : operands[++i]);
          break;
        }
      }
    } else positional.push(arg);
  }
  if (scripts.length === 0 || scripts.some((script) => script === undefined)) return undefined;
  // Without -p perl prints nothing of the file by itself: what it writes is not the file edited.
  if (!prints) return { inPlace, files: positional };
  return { inPlace, files: positional, ...placeholdersOf(scripts, true) };
}

/**
 * The placeholders the scripts replace, when each command is `s<d>WORD<d>…<d>flags` with a WORD
 * that matches only itself and holds no space; otherwise nothing (any line may change).
 */
function placeholdersOf(scripts: RawArg[], extended: boolean): { placeholders?: string[] } {
  const words: string[] = [];
  for (const script of scripts) {
    for (const command of script.value.split(/[;\n]/)) {
      const trimmed = command.trim();
      if (trimmed === '') continue;
      const word = substitutedWord(trimmed, extended);
      // A variable in the pattern leaves what it matches unknown; one in the replacement is only a value.
      if (word === undefined || script.unresolved.some((part) => word.includes(part))) return {};
      words.push(word);
    }
  }
  return words.length === 0 ? {} : { placeholders: words };
}

/** Characters that make a pattern more than its own text (POSIX BRE; ERE and perl add their own). */
const BASIC_SPECIALS = /[.[\]*^$\\]/;
const EXTENDED_SPECIALS = /[.[\]*^$\\+?(){}|]/;

function substitutedWord(command: string, extended: boolean): string | undefined {
  if (command[0] !== 's' || command.length < 4) return undefined;
  const delimiter = command[1];
  if (/[\s\\\n]/.test(delimiter)) return undefined;
  const parts: string[] = [];
  let current = '';
  for (let i = 2; i < command.length; i++) {
    const char = command[i];
    if (char === '\\' && i + 1 < command.length) {
      // `\<delimiter>` is the delimiter itself; any other escape keeps its meaning.
      current += command[i + 1] === delimiter ? delimiter : char + command[i + 1];
      i++;
    } else if (char === delimiter) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (parts.length !== 2 || !/^[gip0-9I]*$/.test(current)) return undefined;
  const pattern = parts[0];
  if (pattern === '' || /\s/.test(pattern) || (extended ? EXTENDED_SPECIALS : BASIC_SPECIALS).test(pattern)) return undefined;
  return pattern;
}
