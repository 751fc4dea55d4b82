/**
 * uvicorn's command line as click parses it (uvicorn/main.py, click's parser): long options only,
 * `--name value` or `--name=value`, flags without a value (`--reload`, `--no-access-log`), one
 * positional argument (the app), options before or after it, and `--` ending the options. An
 * unknown option, a missing value or a second positional makes click print a usage error and
 * uvicorn exits without listening.
 */
import type { LaunchArg } from '../launch/launch';
import type { Span } from '../../source/span';
import { append } from '../../source/append';

/**
 * Every option of uvicorn 0.35.0 (encode/uvicorn e6c7ce79 uvicorn/main.py) and 0.17.6 (Debian 12),
 * by flag, with the parameter name click gives it: `UVICORN_<PARAMETER>` in the environment sets it
 * (auto_envvar_prefix). `flag` options take no value.
 */
const OPTIONS: Record<string, { parameter: string; flag?: true }> = {};
for (const name of [
  'host',
  'port',
  'uds',
  'fd',
  'reload-delay',
  'workers',
  'loop',
  'http',
  'ws',
  'ws-max-size',
  'ws-max-queue',
  'ws-ping-interval',
  'ws-ping-timeout',
  'ws-per-message-deflate',
  'lifespan',
  'interface',
  'env-file',
  'log-config',
  'log-level',
  'forwarded-allow-ips',
  'root-path',
  'limit-concurrency',
  'backlog',
  'limit-max-requests',
  'timeout-keep-alive',
  'timeout-graceful-shutdown',
  'ssl-keyfile',
  'ssl-certfile',
  'ssl-keyfile-password',
  'ssl-version',
  'ssl-cert-reqs',
  'ssl-ca-certs',
  'ssl-ciphers',
  'app-dir',
  'h11-max-incomplete-event-size',
])
  OPTIONS[`--${name}`] = { parameter: name.replace(/-/g, '_') };
// Repeatable options (multiple=True) have their own parameter names.
OPTIONS['--reload-dir'] = { parameter: 'reload_dirs' };
OPTIONS['--reload-include'] = { parameter: 'reload_includes' };
OPTIONS['--reload-exclude'] = { parameter: 'reload_excludes' };
OPTIONS['--header'] = { parameter: 'headers' };
for (const name of ['reload', 'factory', 'debug', 'version', 'help']) OPTIONS[`--${name}`] = { parameter: name, flag: true };
for (const name of ['access-log', 'use-colors', 'proxy-headers', 'server-header', 'date-header']) {
  OPTIONS[`--${name}`] = { parameter: name.replace(/-/g, '_'), flag: true };
  OPTIONS[`--no-${name}`] = { parameter: name.replace(/-/g, '_'), flag: true };
}

/** The parameter an environment variable sets through click's auto_envvar_prefix, if any. */
export function parameterOfEnvironment(variable: string): string | undefined {
  if (!variable.startsWith('UVICORN_')) return undefined;
  const parameter = variable.slice('UVICORN_'.length).toLowerCase();
  return Object.values(OPTIONS).some((spec) => spec.parameter === parameter && !spec.flag) ? parameter : undefined;
}

export interface UvicornOption {
  parameter: string;
  /** The option word as written. */
  option: LaunchArg;
  /** The value, with its span (the part after `=` when glued); absent for flags. */
  value?: { text: string; span: Span; unresolved?: string[]; ifUnset?: LaunchArg['ifUnset'] };
}

export interface UvicornCommandLine {
  options: UvicornOption[];
  positionals: LaunchArg[];
  /** Why click refuses the command line (then uvicorn does not start). */
  error?: { message: string; arg: LaunchArg };
  /**
   * A word the tree does not determine in an option's place, named like options
   * (`$UVICORN_OPTS`): it may set anything that is not given after it.
   */
  openEnded?: { arg: LaunchArg; index: number };
}

/** Reads uvicorn's arguments (argv without the program word). */
export function readUvicornCommandLine(args: LaunchArg[]): UvicornCommandLine {
  const result: UvicornCommandLine = { options: [], positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const text = arg.value;
    const glued = arg.unresolved ? /^(--[a-z][a-z-]*)=/.exec(text) : null;
    const gluedSpec = glued ? OPTIONS[glued[1]] : undefined;
    if (glued && gluedSpec && !gluedSpec.flag) {
      // `--port=$PORT`: the option is written as is, only its value depends on the environment.
      const from = glued[0].length;
      const ifUnset = arg.ifUnset?.value.startsWith(glued[0]) ? { ...arg.ifUnset, value: arg.ifUnset.value.slice(from) } : undefined;
      const value = { text: text.slice(from), span: valuePart(arg, from), unresolved: arg.unresolved, ...(ifUnset ? { ifUnset } : {}) };
      result.options.push({ parameter: gluedSpec.parameter, option: arg, value });
      continue;
    }
    if (arg.unresolved) {
      // `$UVICORN_OPTS` may hold options; `$APP_MODULE` is the app.
      if (!result.openEnded && arg.unresolved.some((variable) => /ARG|OPT|FLAG|PARAM/i.test(variable)))
        result.openEnded = { arg, index: result.options.length };
      else result.positionals.push(arg);
      continue;
    }
    if (text === '--') {
      append(result.positionals, args.slice(i + 1));
      break;
    }
    if (!text.startsWith('-') || text === '-') {
      result.positionals.push(arg);
      continue;
    }
    const equals = text.indexOf('=');
    const name = equals === -1 ? text : text.slice(0, equals);
    const spec = OPTIONS[name];
    if (!spec) return { ...result, error: { message: `No such option: ${name}`, arg } };
    if (spec.flag) {
      if (equals !== -1) return { ...result, error: { message: `Option '${name}' does not take a value.`, arg } };
      result.options.push({ parameter: spec.parameter, option: arg });
      continue;
    }
    if (equals !== -1) {
      result.options.push({ parameter: spec.parameter, option: arg, value: { text: text.slice(equals + 1), span: valuePart(arg, equals + 1) } });
      continue;
    }
    const next = args[i + 1];
    if (!next) return { ...result, error: { message: `Option '${name}' requires an argument.`, arg } };
    const value = { text: next.value, span: next.span, unresolved: next.unresolved, ...(next.ifUnset ? { ifUnset: next.ifUnset } : {}) };
    result.options.push({ parameter: spec.parameter, option: arg, value });
    i++;
  }
  // One app: click stops at a second positional ("Got unexpected extra argument").
  if (!result.error && result.positionals.length > 1 && !result.positionals[1].unresolved) {
    result.error = { message: `Got unexpected extra argument (${result.positionals[1].value})`, arg: result.positionals[1] };
  }
  return result;
}

/** The span of `value` in `--name=value` when the word was written as it reads (bare or quoted once). */
function valuePart(arg: LaunchArg, from: number): Span {
  const span = arg.span;
  const width = span.end.offset - span.start.offset;
  if (span.start.line !== span.end.line) return span;
  const shift = width === arg.value.length ? 0 : width === arg.value.length + 2 ? 1 : undefined;
  if (shift === undefined) return span;
  const at = (offset: number) => ({ line: span.start.line, column: span.start.column + shift + offset, offset: span.start.offset + shift + offset });
  return { file: span.file, start: at(from), end: at(arg.value.length) };
}
