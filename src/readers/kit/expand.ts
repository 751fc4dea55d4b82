/**
 * Shell expansion of the words shell-words.ts reads: variables are substituted from what the
 * tree defines, the rest stays unresolved (never a guess); unquoted expansions are split at
 * blanks into several arguments, as the shell does. A word whose expansion would pass 64 KiB
 * (`A="$A$A"` a few dozen times) keeps the rest of its variables unresolved.
 */
import { append } from '../../source/append';
import { MAX_VALUE_LENGTH } from '../expansion-budget';
import type { SourceText } from '../../source/text';
import type { Lookup, RawArg, VariableValue } from './raw';
import type { ShellWord, WordPart } from './shell-words';

const BLANK = /[ \t\n]/;
const GLOB = /[*?[]/;

/**
 * The value an argument takes when every variable the tree does not determine is unset, each
 * `${NAME:-word}` (or `-`, `:=`, `=`) then expanding to its word; only for an argument whose every
 * unknown part is such an expansion with a literal word (POSIX 2.6.2 "Parameter Expansion").
 * `variables` are the names that may change it. Kept for the argument expandWord returns only:
 * a copy that changes its value or unresolved parts is another argument and has none.
 */
export interface ValueIfUnset {
  value: string;
  variables: string[];
}

const valuesIfUnset = new WeakMap<RawArg, ValueIfUnset>();

export function valueIfUnset(raw: RawArg): ValueIfUnset | undefined {
  return raw.unresolved.length > 0 ? valuesIfUnset.get(raw) : undefined;
}

/** The literal word of `${NAME:-word}` (or `-`, `:=`, `=`), which the expansion gives when NAME is unset. */
function defaultWord(part: WordPart, split: boolean): string | undefined {
  if (part.kind !== 'parameter' || !part.operator || !/^:?[-=]$/.test(part.operator)) return undefined;
  const operand = part.operand ?? '';
  if (/[$`"'\\]/.test(operand) || (split && !part.quoted && (BLANK.test(operand) || GLOB.test(operand)))) return undefined;
  return operand;
}

/** The value of `${name<operator>operand}` (`:-`, `-`, `:=`, `=`, `:+`, `+`, `:?`, `?`). */
export function parameterValue(part: Extract<WordPart, { kind: 'parameter' }>, lookup: Lookup): VariableValue {
  const found = lookup(part.name);
  if (!part.operator) return found;
  if (found === 'unknown') return 'unknown';
  const colon = part.operator.startsWith(':');
  const isSet = found !== 'unset' && (!colon || found.value !== '');
  const operand = part.operand ?? '';
  // An operand that itself expands or quotes is not followed any further.
  const operandValue: VariableValue = /[$`"'\\]/.test(operand) ? 'unknown' : { value: operand };
  switch (part.operator.replace(':', '')) {
    case '-':
    case '=':
      return isSet ? found : operandValue;
    case '+':
      return isSet ? operandValue : { value: '' };
    default:
      return isSet ? found : 'unknown';
  }
}

/** What the positional parameter `$N` holds (N from 1), where the reader knows whose they are (a function's call). */
export type Positional = (index: number) => VariableValue;

const POSITIONAL = /^\$(?:([1-9])|\{([1-9][0-9]*)\})$/;

/** `$1`, `${2}` where `positional` says what they hold; any other opaque part is not known. */
function opaqueValue(part: Extract<WordPart, { kind: 'opaque' }>, positional: Positional | undefined): VariableValue {
  const match = positional && POSITIONAL.exec(part.text);
  return match ? positional(Number(match[1] ?? match[2])) : 'unknown';
}

/**
 * The arguments a word becomes. `split` is false where the shell does not split fields
 * (assignments, `case` words); then one argument comes out, possibly empty. `positional`: what
 * `$1`, `${2}` … hold, where that is known (a function's body run by a call); else they are unknown.
 */
export function expandWord(word: ShellWord, source: SourceText, lookup: Lookup, split = true, positional?: Positional): RawArg[] {
  const fields: RawArg[] = [];
  let current: RawArg | undefined;
  // The current field's value if its unknown variables are unset; undefined once a part has no default.
  let ifUnset: ValueIfUnset | undefined;
  const open = (): RawArg => {
    if (!current) {
      current = { source, value: '', offsets: [], start: word.start, end: word.end, unresolved: [] };
      ifUnset = { value: '', variables: [] };
    }
    return current;
  };
  const close = () => {
    if (current) {
      fields.push(current);
      if (ifUnset && current.unresolved.length > 0) valuesIfUnset.set(current, ifUnset);
    }
    current = undefined;
  };
  const add = (text: string) => {
    if (ifUnset) ifUnset.value += text;
  };

  let expanded = 0;
  for (const part of word.parts) {
    if (part.kind === 'literal') {
      const field = open();
      field.value += part.text;
      add(part.text);
      append(field.offsets, part.offsets);
      if (split && !part.quoted && GLOB.test(part.text)) field.unquotedGlob = true;
      continue;
    }
    const written = source.text.slice(part.start, part.end);
    const expansion = part.kind === 'parameter' ? parameterValue(part, lookup) : opaqueValue(part, positional);
    let value = expansion;
    if (typeof value === 'object' && (expanded += value.value.length) > MAX_VALUE_LENGTH) value = 'unknown';
    if (value === 'unknown') {
      const field = open();
      field.value += written;
      for (let k = 0; k < written.length; k++) field.offsets.push(part.start + k);
      field.unresolved.push(written);
      const fallback = expansion === 'unknown' ? defaultWord(part, split) : undefined;
      if (fallback === undefined || part.kind !== 'parameter') ifUnset = undefined;
      else if (ifUnset) {
        ifUnset.value += fallback;
        if (!ifUnset.variables.includes(part.name)) ifUnset.variables.push(part.name);
      }
      continue;
    }
    const text = value === 'unset' ? '' : value.value;
    if (part.quoted || !split) {
      const field = open();
      field.value += text;
      add(text);
      for (let k = 0; k < text.length; k++) field.offsets.push(part.start);
      continue;
    }
    for (const ch of text) {
      if (GLOB.test(ch)) open().unquotedGlob = true;
      if (BLANK.test(ch)) {
        close();
        continue;
      }
      const field = open();
      field.value += ch;
      add(ch);
      field.offsets.push(part.start);
    }
  }
  close();
  // Without splitting (an assignment) a word is always one value, possibly empty.
  if (!split && fields.length === 0) fields.push({ source, value: '', offsets: [], start: word.start, end: word.end, unresolved: [] });
  return fields;
}
