/**
 * uWSGI's expansion passes over option values, run once the options are all read
 * (uwsgi_apply_config_pass in core/utils.c, run for `$` then `@` then `%` from core/uwsgi.c;
 * docs/servers/uwsgi.md#variables-and-placeholders): `$(NAME)` environment variables, `@(file)` file contents, `%(name)`
 * placeholders (the value of the first option of that name, or arithmetic such as
 * `%(processes + 1)`). A reference that resolves to nothing stays as written.
 */
import { UNKNOWN } from './magic';

/** The replacement for one `X(key)`: text, or null to leave it as written. */
export type PassHook = (key: string) => string | null;

/** Stops a value that keeps expanding into itself (uWSGI would loop for ever). */
const MAX_REPLACEMENTS = 1000;

/** Stops a value that doubles on every reference (`b = %(a)%(a)`, `c = %(b)%(b)`, …). */
const MAX_VALUE_LENGTH = 1024 * 1024;

/**
 * Characters the passes over one instance may rescan in all: each replacement restarts the scan,
 * so hostile input could otherwise take minutes while staying under both limits above.
 */
export interface PassBudget {
  chars: number;
}

export const newPassBudget = (): PassBudget => ({ chars: 64 * 1024 * 1024 });

/**
 * One pass over a value, exactly as uWSGI scans it: after a replacement the scan restarts at the
 * second character, so text produced at the very start of the value is not scanned again, while
 * references produced further on are.
 */
export function applyPass(value: string, symbol: string, hook: PassHook, budget?: PassBudget): string {
  let current = value;
  let state = 0; // 0: nothing; 1: saw the symbol; n > 1: inside the key, n - 2 characters read
  let depth = 0;
  let keyStart = -1;
  let replacements = 0;
  for (let j = 0; j < current.length; j++) {
    const ch = current[j];
    if (ch === symbol) {
      state = 1;
    } else if (ch === '(' && state === 1) {
      state = 2;
      depth = 0;
      keyStart = j + 1;
    } else if (state > 1) {
      if (ch === '(') {
        state++;
        depth++;
      } else if (ch === ')') {
        if (depth > 0) {
          state++;
          depth--;
          continue;
        }
        if (state <= 2) {
          keyStart = -1;
          state = 0;
          continue;
        }
        const key = current.slice(keyStart, keyStart + state - 2);
        const replacement = hook(key);
        if (replacement === null) {
          keyStart = -1;
          state = 0;
          continue;
        }
        if (++replacements > MAX_REPLACEMENTS) return UNKNOWN;
        if (current.length - state - 1 + replacement.length > MAX_VALUE_LENGTH) return UNKNOWN;
        current = current.slice(0, keyStart - 2) + replacement + current.slice(keyStart + state - 1);
        if (budget && (budget.chars -= current.length) < 0) return UNKNOWN;
        keyStart = -1;
        state = 0;
        j = 0;
      } else {
        state++;
      }
    } else {
      state = 0;
    }
  }
  return current;
}

/** The keys a value refers to with `X(key)`, without expanding anything. */
export function referencedKeys(value: string, symbol: string): string[] {
  const keys: string[] = [];
  applyPass(value, symbol, (key) => {
    keys.push(key);
    return null;
  });
  return keys;
}

/** The names a `%(…)` key reads: itself, or the option names in an arithmetic pipeline. */
export function placeholderNames(key: string): string[] {
  if (!key.includes(' ')) return [key];
  return key.split(' ').filter((token) => token !== '' && !isANumber(token) && !OPERATORS.has(token));
}

const OPERATORS = new Set(['+', '-', '*', '/', '++', '--']);

/** uWSGI's is_a_number: every character is a digit (so `-1` is not a number). */
function isANumber(text: string): boolean {
  return /^[0-9]*$/.test(text);
}

const toInt64 = (value: bigint) => BigInt.asIntN(64, value);

/** strtoll: optional whitespace and sign, then digits; saturates at the 64-bit limits. */
function strtoll(text: string): bigint {
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]*)/.exec(text)!;
  if (match[2] === '') return 0n;
  let value = BigInt(match[2]);
  if (match[1] === '-') value = -value;
  const max = 2n ** 63n - 1n;
  const min = -(2n ** 63n);
  return value > max ? max : value < min ? min : value;
}

/**
 * uwsgi_manage_placeholder (core/config.c): `%(name)` is the value of the first option called
 * `name`; a key with spaces is a pipeline where numbers and option values are concatenated, or
 * combined by `+ - * /`, and `++`/`--` add or subtract one. `lookup` returns undefined for an
 * option that does not exist and UNKNOWN for one the tree cannot decide.
 */
export function resolvePlaceholder(key: string, lookup: (name: string) => string | null | undefined): string | null | undefined {
  if (!key.includes(' ')) return lookup(key);
  let current: string | undefined;
  let operator: 'concat' | '+' | '-' | '*' | '/' = 'concat';
  for (const token of key.split(' ')) {
    if (token === '') continue;
    let value: string;
    if (isANumber(token)) {
      value = token;
    } else if (token === '+' || token === '-' || token === '*' || token === '/') {
      operator = token;
      continue;
    } else if (token === '++' || token === '--') {
      if (current !== undefined) {
        if (current.includes(UNKNOWN)) return UNKNOWN;
        current = String(toInt64(strtoll(current) + (token === '++' ? 1n : -1n)));
      }
      operator = 'concat';
      continue;
    } else {
      value = lookup(token) ?? '';
    }
    if (value.includes(UNKNOWN) || current?.includes(UNKNOWN)) return UNKNOWN;
    if (operator === 'concat') {
      current = (current ?? '') + value;
    } else {
      const a = current === undefined ? 0n : strtoll(current);
      const b = strtoll(value);
      let result: bigint;
      if (operator === '+') result = a + b;
      else if (operator === '-') result = a - b;
      else if (operator === '*') result = a * b;
      else result = b === 0n ? 0n : a / b;
      current = String(toInt64(result));
    }
    operator = 'concat';
  }
  return current;
}
