/** Python values as the evaluator knows them, and literals and arithmetic as CPython computes them. */
import { MAX_VALUE_LENGTH, OVER_BUDGET } from '../../expansion-budget';
import { percentFormat } from './formatting';

export type PyValue =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'str'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'none' }
  | { type: 'list' | 'tuple'; items: PyKnown[] }
  /** `entries` when every key is a known str and every value known (what `"%(key)s" % d` reads). */
  | { type: 'dict'; entries?: Map<string, PyKnown> }
  /** Values whose content does not matter here: they are not ints or strings. */
  | { type: 'bytes' | 'set' | 'function' | 'class' | 'other' };

/** A value known from the text, with the offsets of the expression that gives it. */
export interface PyKnown {
  known: true;
  value: PyValue;
  from: number;
  to: number;
}

export interface PyUnknown {
  known: false;
  /** Why, in words: "computed by a call", "assigned inside an if statement", … */
  reason: string;
}

export type PyEvaluated = PyKnown | PyUnknown;

export function numberLiteral(raw: string, from: number, to: number): PyEvaluated {
  const text = raw.replace(/_/g, '');
  const known = (value: PyValue): PyKnown => ({ known: true, value, from, to });
  if (/[jJ]$/.test(text)) return known({ type: 'other' });
  let match: RegExpExecArray | null;
  if ((match = /^0([xob])([0-9a-f]+)$/i.exec(text))) {
    const value = parseInt(match[2], match[1].toLowerCase() === 'x' ? 16 : match[1].toLowerCase() === 'o' ? 8 : 2);
    return Number.isSafeInteger(value) ? known({ type: 'int', value }) : { known: false, reason: `the integer ${raw} is too large to hold exactly` };
  }
  if (/^\d+$/.test(text)) {
    // `0755` is a syntax error in Python 3 (reported by python3Problems): no value.
    if (/^0+[1-9]/.test(text)) return { known: false, reason: `"${raw}" is not a Python 3 number` };
    const value = Number(text);
    return Number.isSafeInteger(value) ? known({ type: 'int', value }) : { known: false, reason: `the integer ${raw} is too large to hold exactly` };
  }
  const value = Number(text);
  return Number.isFinite(value) ? known({ type: 'float', value }) : { known: false, reason: `the number ${raw}` };
}

/** Decodes backslash escapes as Python does; undefined for `\N{name}`, which needs a name table. */
export function decodeString(body: string, raw: boolean): string | undefined {
  if (raw) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
    if (next in simple) {
      out += simple[next];
    } else if (next === '\r') {
      if (body[i + 1] === '\n') i++;
    } else if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(body[i + 1] ?? '')) digits += body[++i];
      out += String.fromCodePoint(parseInt(digits, 8));
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + length);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += length;
    } else if (next === 'N') {
      return undefined;
    } else {
      out += `\\${next}`; // unknown escapes stay as written
    }
  }
  return out;
}

const weights = new WeakMap<PyValue, number>();

/**
 * A value's size for the budget: a str's characters; a list's, tuple's or dict's items and their
 * sizes (shared items counted each time).
 */
export function weight(value: PyValue): number {
  if (value.type === 'str') return value.value.length;
  const items =
    value.type === 'list' || value.type === 'tuple' ? value.items : value.type === 'dict' && value.entries ? [...value.entries.values()] : undefined;
  if (!items) return 1;
  let known = weights.get(value);
  if (known === undefined) {
    known = items.length;
    for (const item of items) known += weight(item.value);
    weights.set(value, known);
  }
  return known;
}

function numeric(value: PyValue): { type: 'int' | 'float'; value: number } | undefined {
  if (value.type === 'int' || value.type === 'float') return value;
  if (value.type === 'bool') return { type: 'int', value: value.value ? 1 : 0 };
  return undefined;
}

export function unary(op: string, operand: PyKnown, from: number, to: number): PyEvaluated {
  const n = numeric(operand.value);
  if (!n) return { known: false, reason: `"${op}" on a ${operand.value.type}` };
  if (op === '-') return { known: true, value: { type: n.type, value: n.value === 0 ? 0 : -n.value }, from, to };
  if (op === '+') return { known: true, value: n, from, to };
  if (op === '~' && n.type === 'int') return { known: true, value: { type: 'int', value: -n.value - 1 }, from, to };
  return { known: false, reason: `"${op}" is not evaluated` };
}

export function binary(a: PyKnown, op: string, b: PyKnown, from: number, to: number): PyEvaluated {
  const result = (value: PyValue): PyEvaluated => {
    if ((value.type === 'int' && !Number.isSafeInteger(value.value)) || (value.type === 'float' && !Number.isFinite(value.value))) {
      return { known: false, reason: 'a result too large to hold exactly' };
    }
    return { known: true, value, from, to };
  };
  const unknown = (reason: string): PyUnknown => ({ known: false, reason });
  const x = numeric(a.value);
  const y = numeric(b.value);
  if (x && y) {
    const ints = x.type === 'int' && y.type === 'int';
    const type = ints ? 'int' : 'float';
    switch (op) {
      case '+':
        return result({ type, value: x.value + y.value });
      case '-':
        return result({ type, value: x.value - y.value });
      case '*':
        return result({ type, value: x.value * y.value });
      case '/':
        return y.value === 0 ? unknown('a division by zero') : result({ type: 'float', value: x.value / y.value });
      case '//':
        return y.value === 0 ? unknown('a division by zero') : result({ type, value: Math.floor(x.value / y.value) });
      case '%':
        return y.value === 0 ? unknown('a division by zero') : result({ type, value: x.value - y.value * Math.floor(x.value / y.value) });
      case '**':
        if (ints && y.value < 0) return x.value === 0 ? unknown('a division by zero') : result({ type: 'float', value: x.value ** y.value });
        return result({ type, value: x.value ** y.value });
    }
    if (ints && Math.abs(x.value) <= 0x7fffffff && Math.abs(y.value) <= 0x7fffffff) {
      switch (op) {
        case '|':
          return result({ type: 'int', value: x.value | y.value });
        case '&':
          return result({ type: 'int', value: x.value & y.value });
        case '^':
          return result({ type: 'int', value: x.value ^ y.value });
        case '<<':
          return y.value < 0 || y.value > 31 ? unknown('a shift this reader does not compute') : result({ type: 'int', value: x.value * 2 ** y.value });
        case '>>':
          return y.value < 0 ? unknown('a negative shift') : result({ type: 'int', value: Math.floor(x.value / 2 ** y.value) });
      }
    }
    return unknown(`"${op}" is not evaluated`);
  }
  const av = a.value;
  const bv = b.value;
  // Each doubling is one short line: the size is checked before the value is built.
  if (op === '+' && ((av.type === 'str' && bv.type === 'str') || ((av.type === 'list' || av.type === 'tuple') && bv.type === av.type))) {
    if (weight(av) + weight(bv) > MAX_VALUE_LENGTH) return unknown(OVER_BUDGET);
    if (av.type === 'str' && bv.type === 'str') return result({ type: 'str', value: av.value + bv.value });
    if ((av.type === 'list' || av.type === 'tuple') && bv.type === av.type) return result({ type: av.type, items: [...av.items, ...bv.items] });
  }
  if (op === '*') {
    const [sequence, count] = x ? [bv, x] : y ? [av, y] : [undefined, undefined];
    if (sequence && count && count.type === 'int' && (sequence.type === 'str' || sequence.type === 'list' || sequence.type === 'tuple')) {
      const times = Math.max(0, count.value);
      if (weight(sequence) * times > MAX_VALUE_LENGTH) return unknown(OVER_BUDGET);
      if (sequence.type === 'str') return result({ type: 'str', value: sequence.value.repeat(times) });
      return result({ type: sequence.type, items: Array.from({ length: times }, () => sequence.items).flat() });
    }
  }
  // `"%s:%s" % (host, port)` is formatting, not arithmetic.
  if (op === '%' && av.type === 'str') {
    const formatted = percentFormat(av.value, bv);
    return 'text' in formatted ? result({ type: 'str', value: formatted.text }) : unknown(formatted.reason);
  }
  return unknown(`"${op}" between a ${av.type} and a ${bv.type}`);
}

/** Python's int(text) (argparse `type=int`): base 10, surrounding whitespace, a sign, single underscores between digits. */
export function pythonIntBase10(text: string): number | undefined {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[2].replace(/_/g, ''));
  if (!Number.isSafeInteger(value)) return undefined;
  return match[1] === '-' ? -value : value;
}
