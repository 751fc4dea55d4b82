/**
 * Gunicorn's command line as Python's argparse reads it (20.1.0 `Config.parser()`: one option per
 * setting flag, `allow_abbrev` on, the application as positional `args`), and GUNICORN_CMD_ARGS
 * split by `shlex.split` (posix mode) first. Each token keeps its offsets, so a setting from a
 * command line points at its own argument.
 */
import { GUNICORN_FLAGS, GunicornSettingInfo } from '../../reference/gunicorn-settings';
import { append } from '../../source/append';

export interface ArgToken {
  value: string;
  /** Offsets of the token in the text it came from (for GUNICORN_CMD_ARGS: in the variable's value). */
  from: number;
  to: number;
  /** Index of the argv element it came from (command lines only). */
  index?: number;
}

/** shlex.split(text) with posix=True; undefined where Python raises "No closing quotation"/"No escaped character". */
export function shlexSplit(text: string): ArgToken[] | undefined {
  const tokens: ArgToken[] = [];
  let current: string | undefined;
  let start = 0;
  let end = 0;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else current += c;
      end = i + 1;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text[++i];
      else current += c;
      end = i + 1;
      continue;
    }
    if (/\s/.test(c)) {
      if (current !== undefined) tokens.push({ value: current, from: start, to: end });
      current = undefined;
      continue;
    }
    if (current === undefined) {
      current = '';
      start = i;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') {
      if (i + 1 >= text.length) return undefined;
      current += text[++i];
    } else current += c;
    end = i + 1;
  }
  if (quote) return undefined;
  if (current !== undefined) tokens.push({ value: current, from: start, to: end });
  return tokens;
}

/** One setting given on a command line: the option token and its value token (or none, for flags). */
export interface ParsedOption {
  setting: GunicornSettingInfo;
  /** The option as written (`--keep-alive`, `--keep`, `-w4`). */
  option: ArgToken;
  /** The value, with its offsets: inside the option token for `--bind=x` and `-w4`. */
  value?: ArgToken;
}

export interface ParsedCommandLine {
  options: ParsedOption[];
  positionals: ArgToken[];
  /** argparse would exit with this error (gunicorn then does not start). */
  error?: { message: string; token: ArgToken };
  /** Options gunicorn 20.1.0 does not have (an argparse error too, reported at the end). */
  unrecognized: ArgToken[];
}

const LONG_FLAGS = [...GUNICORN_FLAGS.keys()].filter((flag) => flag.startsWith('--'));
const takesValue = (setting: GunicornSettingInfo) => setting.action === 'store' || setting.action === 'append';

/** A token argparse treats as an option rather than a value (negative numbers are values here). */
function looksLikeOption(text: string): boolean {
  return text.startsWith('-') && text !== '-' && !/^-\d+$|^-\d*\.\d+$/.test(text);
}

function part(token: ArgToken, offset: number, length = token.value.length - offset): ArgToken {
  // Offsets inside a token are exact only when the token was written without quotes or escapes.
  const exact = token.to - token.from === token.value.length;
  return {
    value: token.value.slice(offset, offset + length),
    from: exact ? token.from + offset : token.from,
    to: exact ? token.from + offset + length : token.to,
    index: token.index,
  };
}

export function parseGunicornArgs(tokens: ArgToken[]): ParsedCommandLine {
  const result: ParsedCommandLine = { options: [], positionals: [], unrecognized: [] };
  const fail = (message: string, token: ArgToken) => {
    result.error ??= { message, token };
  };
  for (let i = 0; i < tokens.length && !result.error; i++) {
    const token = tokens[i];
    const text = token.value;
    if (text === '--') {
      append(result.positionals, tokens.slice(i + 1));
      break;
    }
    if (!looksLikeOption(text)) {
      result.positionals.push(token);
      continue;
    }
    if (text === '-h' || text === '--help' || text === '-v' || text === '--version') {
      fail(`${text} prints and exits`, token);
      break;
    }
    let setting: GunicornSettingInfo | undefined;
    let explicit: ArgToken | undefined;
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const name = equals >= 0 ? text.slice(0, equals) : text;
      if (equals >= 0) explicit = part(token, equals + 1);
      setting = GUNICORN_FLAGS.get(name);
      if (!setting) {
        // argparse accepts a unique prefix of a long option (allow_abbrev).
        const matches = LONG_FLAGS.filter((flag) => flag.startsWith(name));
        const settings = new Set(matches.map((flag) => GUNICORN_FLAGS.get(flag)!.name));
        if (settings.size > 1) {
          fail(`ambiguous option: ${name} could match ${matches.join(', ')}`, token);
          break;
        }
        setting = matches.length > 0 ? GUNICORN_FLAGS.get(matches[0]) : undefined;
      }
    } else {
      const equals = text.indexOf('=');
      if (equals >= 0 && GUNICORN_FLAGS.has(text.slice(0, equals))) {
        setting = GUNICORN_FLAGS.get(text.slice(0, equals));
        explicit = part(token, equals + 1);
      } else {
        setting = GUNICORN_FLAGS.get(text.slice(0, 2));
        if (text.length > 2) explicit = part(token, 2);
      }
    }
    if (!setting) {
      result.unrecognized.push(token);
      continue;
    }
    if (!takesValue(setting)) {
      if (explicit !== undefined) {
        if (text.startsWith('--')) {
          fail(`argument ${text.split('=')[0]}: ignored explicit argument '${explicit.value}'`, token);
          break;
        }
        // `-Dw4`: the rest of a short flag cluster is more short options.
        result.options.push({ setting, option: part(token, 0, 2) });
        tokens = [...tokens.slice(0, i + 1), { ...explicit, value: `-${explicit.value}`, from: explicit.from - 1 }, ...tokens.slice(i + 1)];
        continue;
      }
      result.options.push({ setting, option: token });
      continue;
    }
    let value = explicit;
    if (value === undefined) {
      const next = tokens[i + 1];
      if (!next || looksLikeOption(next.value)) {
        fail(`argument ${text}: expected one argument`, token);
        break;
      }
      value = next;
      i++;
    }
    result.options.push({ setting, option: token, value });
  }
  if (!result.error && result.unrecognized.length > 0) {
    fail(`unrecognized arguments: ${result.unrecognized.map((t) => t.value).join(' ')}`, result.unrecognized[0]);
  }
  return result;
}

/** Python's int(text, 0): a base prefix, or a decimal without leading zeros. */
export function pythonIntBase0(text: string): number | undefined {
  const match =
    /^\s*([+-]?)(?:0([xX])_?([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)|0([oO])_?([0-7]+(?:_[0-7]+)*)|0([bB])_?([01]+(?:_[01]+)*)|(0+(?:_0+)*)|([1-9]\d*(?:_\d+)*))\s*$/.exec(
      text,
    );
  if (!match) return undefined;
  let value: number;
  if (match[2]) value = parseInt(match[3].replace(/_/g, ''), 16);
  else if (match[4]) value = parseInt(match[5].replace(/_/g, ''), 8);
  else if (match[6]) value = parseInt(match[7].replace(/_/g, ''), 2);
  else if (match[8]) value = 0;
  else value = Number(match[9].replace(/_/g, ''));
  if (!Number.isSafeInteger(value)) return undefined;
  return match[1] === '-' ? -value : value;
}

/** Gunicorn's `auto_int` (the --umask type): `022` is octal, as in `0o22`. */
export function gunicornAutoInt(text: string): number | undefined {
  const octal = /^0\d/.test(text) ? text.replace('0', '0o') : text;
  return pythonIntBase0(octal);
}
