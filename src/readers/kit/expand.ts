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

/** The value of `${name<operator>operand}` (`:-`, `-`, `:=`, `=`, `:+`, `+`, `:?`, `?`). */
function parameterValue(part: Extract<WordPart, { kind: 'parameter' }>, lookup: Lookup): VariableValue {
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

/**
 * The arguments a word becomes. `split` is false where the shell does not split fields
 * (assignments, `case` words); then one argument comes out, possibly empty.
 */
export function expandWord(word: ShellWord, source: SourceText, lookup: Lookup, split = true): RawArg[] {
  const fields: RawArg[] = [];
  let current: RawArg | undefined;
  const open = (): RawArg => {
    current ??= { source, value: '', offsets: [], start: word.start, end: word.end, unresolved: [] };
    return current;
  };
  const close = () => {
    if (current) fields.push(current);
    current = undefined;
  };

  let expanded = 0;
  for (const part of word.parts) {
    if (part.kind === 'literal') {
      const field = open();
      field.value += part.text;
      append(field.offsets, part.offsets);
      if (split && !part.quoted && GLOB.test(part.text)) field.unquotedGlob = true;
      continue;
    }
    const written = source.text.slice(part.start, part.end);
    let value = part.kind === 'parameter' ? parameterValue(part, lookup) : 'unknown';
    if (typeof value === 'object' && (expanded += value.value.length) > MAX_VALUE_LENGTH) value = 'unknown';
    if (value === 'unknown') {
      const field = open();
      field.value += written;
      for (let k = 0; k < written.length; k++) field.offsets.push(part.start + k);
      field.unresolved.push(written);
      continue;
    }
    const text = value === 'unset' ? '' : value.value;
    if (part.quoted || !split) {
      const field = open();
      field.value += text;
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
      field.offsets.push(part.start);
    }
  }
  close();
  // Without splitting (an assignment) a word is always one value, possibly empty.
  if (!split && fields.length === 0) fields.push({ source, value: '', offsets: [], start: word.start, end: word.end, unresolved: [] });
  return fields;
}
