/**
 * Values as text, as CPython writes them, for the forms whose text is certain: str(), repr(),
 * printf-style `str % values` (`PyUnicode_Format` in Objects/unicodeobject.c) and `str.format`
 * (`MarkupIterator_next`, `parse_field` and `field_name_split` in Objects/stringlib/unicode_format.h).
 * Anything else (flags, widths, precisions, format specs, conversions, attribute or item fields,
 * floats, containers) and every case where Python raises gives a reason instead of a text.
 */
import { MAX_VALUE_LENGTH, OVER_BUDGET } from '../../expansion-budget';
import type { PyValue } from './values';

type Formatted = { text: string } | { reason: string };

/** str(value) for the types whose text is certain; undefined for floats and containers. */
export function pythonStr(value: PyValue): string | undefined {
  switch (value.type) {
    case 'int':
      return String(value.value);
    case 'str':
      return value.value;
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    default:
      return undefined;
  }
}

/** repr(value) where it is certain: ints, bools, None, and strs of printable ASCII. */
function pythonRepr(value: PyValue): string | undefined {
  if (value.type !== 'str') return pythonStr(value);
  if (!/^[\x20-\x7e]*$/.test(value.value)) return undefined;
  // CPython quotes with ' unless the text holds ' and no " (unicode_repr).
  const quote = value.value.includes("'") && !value.value.includes('"') ? '"' : "'";
  const body = value.value.replace(/\\/g, '\\\\');
  return quote === '"' ? `"${body}"` : `'${body.replace(/'/g, "\\'")}'`;
}

/** `%d` and `%i`: int(value) for a real number, a TypeError for anything else. */
function decimal(value: PyValue): string | undefined {
  if (value.type === 'int') return String(value.value);
  if (value.type === 'bool') return value.value ? '1' : '0';
  if (value.type === 'float' && Number.isSafeInteger(Math.trunc(value.value))) return String(Math.trunc(value.value));
  return undefined;
}

/** One conversion, `%s %r %d %i` with nothing between the `%` (or the mapping key) and the letter. */
function convert(conversion: string, value: PyValue): string | undefined {
  if (conversion === 's') return pythonStr(value);
  if (conversion === 'r') return pythonRepr(value);
  return decimal(value);
}

/**
 * `template % operand`. A tuple gives the values in order; a dict literal of known str keys the
 * values of `%(key)s`; any other scalar is the one value. A list or a dict read positionally, like
 * too many or too few values, is left unknown.
 */
export function percentFormat(template: string, operand: PyValue): Formatted {
  const specifier = /%(?:\(([^()]*)\))?([^%]?)/y;
  let text = '';
  let next = 0;
  let keyed = false;
  const values: PyValue[] | undefined =
    operand.type === 'tuple' ? operand.items.map((item) => item.value) : ['int', 'float', 'str', 'bool', 'none'].includes(operand.type) ? [operand] : undefined;
  let cursor = 0;
  while (cursor < template.length) {
    const at = template.indexOf('%', cursor);
    if (at < 0) {
      text += template.slice(cursor);
      break;
    }
    text += template.slice(cursor, at);
    if (template[at + 1] === '%') {
      text += '%';
      cursor = at + 2;
      continue;
    }
    specifier.lastIndex = at;
    const match = specifier.exec(template);
    if (!match || !/^[sdir]$/.test(match[2])) return { reason: `a "%" conversion this reader does not compute in "${short(template)}"` };
    const [whole, key, conversion] = match;
    let value: PyValue | undefined;
    if (key !== undefined) {
      keyed = true;
      if (operand.type !== 'dict' || !operand.entries) return { reason: '"%(key)s" with values that are not a dict of known str keys and values' };
      value = operand.entries.get(key)?.value;
      if (!value) return { reason: `KeyError: "${short(key)}" is not in the dict` };
    } else {
      if (!values) return { reason: `"%" with a ${operand.type} on the right` };
      value = values[next++];
      if (!value) return { reason: 'TypeError: not enough arguments for format string' };
    }
    const converted = convert(conversion, value);
    if (converted === undefined) return { reason: `"%${conversion}" of a ${value.type}` };
    text += converted;
    if (text.length > MAX_VALUE_LENGTH) return { reason: OVER_BUDGET };
    cursor = at + whole.length;
  }
  if (!keyed && (!values || next < values.length)) return { reason: 'TypeError: not all arguments converted during string formatting' };
  return { text };
}

/**
 * `template.format(*positional, **keywords)` with fields `{}`, `{0}` and `{name}` (an empty
 * format spec allowed: `format(v, "")` is `str(v)` for the values pythonStr knows), and `{{`/`}}`.
 */
export function formatMethod(template: string, positional: PyValue[], keywords: Map<string, PyValue>): Formatted {
  let text = '';
  let automatic: number | undefined;
  let manual = false;
  for (let cursor = 0; cursor < template.length;) {
    const c = template[cursor];
    if ((c === '{' || c === '}') && template[cursor + 1] === c) {
      text += c;
      cursor += 2;
      continue;
    }
    if (c === '}') return { reason: "ValueError: Single '}' encountered in format string" };
    if (c !== '{') {
      text += c;
      cursor++;
      continue;
    }
    const end = template.indexOf('}', cursor);
    if (end < 0) return { reason: "ValueError: Single '{' encountered in format string" };
    const field = template.slice(cursor + 1, end);
    const match = /^([^.[!:{]*)(?::)?$/.exec(field);
    if (!match) return { reason: `a format field "{${short(field)}}" this reader does not compute` };
    const name = match[1];
    let value: PyValue | undefined;
    if (name === '' || /^\d+$/.test(name)) {
      // Automatic and manual numbering cannot be mixed (a ValueError).
      if (name === '' ? manual : automatic !== undefined) return { reason: 'ValueError: automatic and manual field numbering mixed' };
      const index = name === '' ? (automatic = (automatic ?? -1) + 1) : Number(name);
      manual ||= name !== '';
      value = positional[index];
      if (!value) return { reason: `IndexError: replacement index ${index} out of range` };
    } else {
      value = keywords.get(name);
      if (!value) return { reason: `KeyError: "${short(name)}" is not a keyword argument` };
    }
    const converted = pythonStr(value);
    if (converted === undefined) return { reason: `a format field of a ${value.type}` };
    text += converted;
    if (text.length > MAX_VALUE_LENGTH) return { reason: OVER_BUDGET };
    cursor = end + 1;
  }
  return { text };
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
