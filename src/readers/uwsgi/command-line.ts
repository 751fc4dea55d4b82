/**
 * uWSGI's command line, read the way uwsgi_commandline_config (core/init.c) reads it with glibc's
 * getopt_long: `--name value`, `--name=value`, a unique prefix of a long name, `-s value`,
 * `-svalue` and bundled switches (`-M -T` or `-MT`); an optional value only with `=` or attached.
 * Arguments that are not options (`uwsgi app.ini`) are config files, loaded after every option
 * (getopt moves them to the end). `--` ends the options.
 */
import type { LaunchArg } from '../launch/launch';
import type { Span } from '../../source/span';
import { allUwsgiOptions, UwsgiOptionSpec, uwsgiOptionByShortcut, uwsgiOptionSpec } from '../../reference/uwsgi/options';
import { append } from '../../source/append';

export interface CommandLineOption {
  /** The option's full name, or the name as written when uWSGI does not know it. */
  key: string;
  /** null: given without a value (`--master`). */
  value: string | null;
  keySpan: Span;
  valueSpan: Span;
  /** Set when getopt rejects the argument, so uWSGI stops with `getopt_long() error`. */
  problem?: string;
}

export interface CommandLine {
  options: CommandLineOption[];
  /** Config files given as plain arguments (`uwsgi app.ini`). */
  files: LaunchArg[];
}

/** Reads uWSGI's arguments (after the program name). */
export function readCommandLine(args: LaunchArg[]): CommandLine {
  const options: CommandLineOption[] = [];
  const files: LaunchArg[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const text = arg.value;
    if (text === '--') {
      append(files, args.slice(i + 1));
      break;
    }
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const written = text.slice(2, equals === -1 ? undefined : equals);
      const match = findLongOption(written);
      if (!match.spec) {
        options.push({ key: written, value: equals === -1 ? null : text.slice(equals + 1), keySpan: arg.span, valueSpan: arg.span, problem: match.problem });
        continue;
      }
      const spec = match.spec;
      if (equals !== -1) {
        const problem = spec.argument === 'none' ? `option '--${spec.name}' doesn't allow an argument` : undefined;
        options.push({ key: spec.name, value: text.slice(equals + 1), keySpan: arg.span, valueSpan: arg.span, problem });
      } else if (spec.argument === 'required') {
        const next = args[i + 1];
        if (next === undefined) {
          options.push({ key: spec.name, value: null, keySpan: arg.span, valueSpan: arg.span, problem: `option '--${spec.name}' requires an argument` });
        } else {
          options.push({ key: spec.name, value: next.value, keySpan: arg.span, valueSpan: next.span });
          i++;
        }
      } else {
        options.push({ key: spec.name, value: null, keySpan: arg.span, valueSpan: arg.span });
      }
      continue;
    }
    if (text.startsWith('-') && text.length > 1) {
      // A bundle of short options: each letter until one that takes a value.
      for (let k = 1; k < text.length; k++) {
        const letter = text[k];
        const spec = uwsgiOptionByShortcut(letter);
        if (!spec) {
          options.push({ key: `-${letter}`, value: null, keySpan: arg.span, valueSpan: arg.span, problem: `invalid option -- '${letter}'` });
          break;
        }
        const rest = text.slice(k + 1);
        if (spec.argument === 'none') {
          options.push({ key: spec.name, value: null, keySpan: arg.span, valueSpan: arg.span });
          continue;
        }
        if (rest !== '') {
          options.push({ key: spec.name, value: rest, keySpan: arg.span, valueSpan: arg.span });
        } else if (spec.argument === 'required') {
          const next = args[i + 1];
          if (next === undefined) {
            options.push({ key: spec.name, value: null, keySpan: arg.span, valueSpan: arg.span, problem: `option requires an argument -- '${letter}'` });
          } else {
            options.push({ key: spec.name, value: next.value, keySpan: arg.span, valueSpan: next.span });
            i++;
          }
        } else {
          options.push({ key: spec.name, value: null, keySpan: arg.span, valueSpan: arg.span });
        }
        break;
      }
      continue;
    }
    files.push(arg);
  }
  return { options, files };
}

/** getopt_long's lookup: an exact name, else the one option that starts with what was written. */
function findLongOption(written: string): { spec?: UwsgiOptionSpec; problem?: string } {
  const exact = uwsgiOptionSpec(written);
  if (exact) return { spec: exact };
  const candidates = written === '' ? [] : allUwsgiOptions().filter((spec) => spec.name.startsWith(written));
  if (candidates.length === 1) return { spec: candidates[0] };
  if (candidates.length > 1) return { problem: `option '--${written}' is ambiguous` };
  return { problem: `unrecognized option '--${written}'` };
}
