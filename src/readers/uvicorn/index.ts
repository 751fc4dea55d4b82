/**
 * uvicorn: one backend per launch whose program is uvicorn (`uvicorn app:app`, `python -m uvicorn`,
 * from systemd, Dockerfile, compose, Procfile, scripts or Kubernetes). uvicorn has no config
 * file: its settings come from the command line and from `UVICORN_<PARAMETER>` variables (click's
 * auto_envvar_prefix), the command line winning (docs/servers/uvicorn.md).
 */
import * as nodePath from 'path';
import type { Listener, ListenAddress } from '../backend';
import type { Setting, Unit, ValueSource } from '../../source/setting';
import { knownValue, Launch, serverName } from '../launch/launch';
import { UvicornBackend } from './uvicorn-backend';
import { H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE } from '../../reference/uvicorn';
import type { Span } from '../../source/span';
import { guarded } from '../kit/failure';
import { pythonIntBase10 } from '../kit/python/values';
import { emptyOutput, ReaderOutput } from '../types';
import { parameterOfEnvironment, readUvicornCommandLine, UvicornCommandLine } from './command-line';

/** uvicorn/main.py and uvicorn/config.py, 0.35.0 (encode/uvicorn e6c7ce79); the same in Debian's 0.17.6. */
const MAIN = 'uvicorn/main.py (encode/uvicorn e6c7ce79, 0.35.0)';

interface SettingSpec {
  unit: Unit;
  /** Seconds to milliseconds. */
  scale?: number;
  integer: boolean;
  default: { value: number | string | undefined; text: string; reference: string; note?: string };
}

const SETTINGS: Record<string, SettingSpec> = {
  host: { unit: 'text', integer: false, default: { value: '127.0.0.1', text: '127.0.0.1', reference: MAIN } },
  port: { unit: 'count', integer: true, default: { value: 8000, text: '8000', reference: MAIN } },
  uds: { unit: 'text', integer: false, default: { value: undefined, text: 'None', reference: MAIN } },
  fd: { unit: 'count', integer: true, default: { value: undefined, text: 'None', reference: MAIN } },
  http: { unit: 'text', integer: false, default: { value: 'auto', text: 'auto', reference: MAIN, note: 'httptools when installed, else h11' } },
  timeout_keep_alive: { unit: 'ms', scale: 1000, integer: true, default: { value: 5000, text: '5', reference: MAIN } },
  limit_max_requests: { unit: 'count', integer: true, default: { value: 0, text: 'None', reference: MAIN, note: 'no limit' } },
  backlog: { unit: 'count', integer: true, default: { value: 2048, text: '2048', reference: MAIN } },
  h11_max_incomplete_event_size: {
    unit: 'bytes',
    integer: true,
    default: {
      value: H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE,
      text: 'None',
      reference: 'h11/_connection.py DEFAULT_MAX_INCOMPLETE_EVENT_SIZE',
      note: "h11's 16 KiB",
    },
  },
  ssl_certfile: { unit: 'text', integer: false, default: { value: undefined, text: 'None', reference: MAIN } },
  ssl_keyfile: { unit: 'text', integer: false, default: { value: undefined, text: 'None', reference: MAIN } },
};

export function readUvicorn(launches: Launch[]): ReaderOutput & { backends: UvicornBackend[] } {
  const output = { ...emptyOutput(), backends: [] as UvicornBackend[] };
  for (const launch of launches) {
    if (launch.program !== 'uvicorn') continue;
    guarded(output.diagnostics, 'uvicorn reader', launch.span, () => output.backends.push(backendForLaunch(launch)));
  }
  return output;
}

function backendForLaunch(launch: Launch): UvicornBackend {
  const parsed = readUvicornCommandLine(launch.argv.slice(1));
  const settings = new Map<string, Setting>();
  for (const [name, spec] of Object.entries(SETTINGS)) settings.set(name, resolveSetting(name, spec, parsed, launch));

  const backend: UvicornBackend = {
    kind: 'uvicorn',
    name: serverName(launch),
    file: launch.file,
    listeners: [],
    settings,
    launch,
    launchedBy: [launch],
    httpParser: settings.get('http')!.value === 'h11' ? 'h11' : settings.get('http')!.value === 'httptools' ? 'httptools' : undefined,
  };
  const keepAlive: Listener['keepAlive'] = { kind: 'idleTimeout', timeout: settings.get('timeout_keep_alive') as Setting<number> };
  // uvicorn serves TLS when either file is given (Config.is_ssl).
  const https = ['ssl_certfile', 'ssl_keyfile'].some((name) => settings.get(name)!.source.kind === 'file');
  const { address, option, span } = addressOf(settings, launch, parsed);
  backend.listeners.push({ backend, address, protocol: https ? 'https' : 'http', option, span, keepAlive });
  // Options whose default is "not given" (None) are listed only when the tree gives them.
  for (const [name, setting] of settings) if (setting.source.kind === 'default' && SETTINGS[name].default.value === undefined) settings.delete(name);
  return backend;
}

/** The value after command line, environment and default, lowest last (click: CLI > envvar > default). */
function resolveSetting(name: string, spec: SettingSpec, parsed: UvicornCommandLine, launch: Launch): Setting {
  if (parsed.error) {
    const reason = `uvicorn rejects the command line (${parsed.error.message})`;
    return { name, value: undefined, text: reason, unit: spec.unit, source: { kind: 'file', span: parsed.error.arg.span } };
  }
  const given = parsed.options.filter((option) => option.parameter === name && option.value);
  const last = given[given.length - 1];
  if (last?.value) {
    const overridable = parsed.openEnded !== undefined && parsed.options.indexOf(last) < parsed.openEnded.index;
    const value = overridable || last.value.unresolved ? undefined : convert(spec, last.value.text);
    return { name, value, text: last.value.text, unit: spec.unit, source: { kind: 'file', span: last.value.span } };
  }
  if (parsed.openEnded) {
    return { name, value: undefined, text: parsed.openEnded.arg.value, unit: spec.unit, source: { kind: 'file', span: parsed.openEnded.arg.span } };
  }
  const variable = `UVICORN_${name.toUpperCase()}`;
  const fromEnv = parameterOfEnvironment(variable) ? launch.env.get(variable) : undefined;
  // click ignores an empty variable.
  if (fromEnv && fromEnv.value !== '') {
    const value = fromEnv.unresolved ? undefined : convert(spec, fromEnv.value);
    return { name, value, text: fromEnv.value, unit: spec.unit, source: { kind: 'file', span: fromEnv.span } };
  }
  const source: ValueSource = { kind: 'default', reference: spec.default.reference, note: spec.default.note };
  // The address may come from an environment file outside the tree (UVICORN_HOST, UVICORN_PORT).
  if ((name === 'host' || name === 'port') && launch.externalEnv.length > 0) {
    return {
      name,
      value: undefined,
      text: spec.default.text,
      unit: spec.unit,
      source: { ...source, note: `unless ${variable} comes from an environment file outside the tree` },
    };
  }
  return { name, value: spec.default.value, text: spec.default.text, unit: spec.unit, source };
}

/** click's INT is Python's int(); other values are text. An invalid number stops uvicorn: unknown here. */
function convert(spec: SettingSpec, text: string): number | string | undefined {
  if (!spec.integer) return text;
  const number = pythonIntBase10(text);
  return number === undefined ? undefined : number * (spec.scale ?? 1);
}

/**
 * The address when the port's variables are unset (`--port "${PORT:-8000}"`): what uvicorn binds
 * when nothing outside the tree sets them (ListenAddress `ifUnset`). None when the host is not
 * known, when the launch's own environment sets one of the variables, or when the port given is
 * not the last word that may set it.
 */
function portIfUnset(host: Setting, parsed: UvicornCommandLine, launch: Launch): Pick<ListenAddress & { kind: 'other' }, 'ifUnset'> {
  const given = parsed.options.filter((option) => option.parameter === 'port' && option.value);
  const ifUnset = given[given.length - 1]?.value?.ifUnset;
  if (!ifUnset || typeof host.value !== 'string' || parsed.error || parsed.openEnded) return {};
  if (ifUnset.variables.some((name) => launch.env.has(name))) return {};
  const port = pythonIntBase10(ifUnset.value);
  if (port === undefined || port <= 0 || port > 65535) return {};
  return { ifUnset: { address: tcpAddress(host.value, port), variables: ifUnset.variables } };
}

/**
 * Where uvicorn listens (uvicorn/server.py startup): a socket from `--fd` (the launch's inherited
 * socket when it is that descriptor), else `--uds`, else
 * `--host`:`--port`. With several workers Config.bind_socket prefers `--uds` to `--fd`, so both
 * together leave it open.
 */
function addressOf(settings: Map<string, Setting>, launch: Launch, parsed: UvicornCommandLine): { address: ListenAddress; option: string; span: Span } {
  const fd = settings.get('fd')!;
  const uds = settings.get('uds')!;
  const spanOf = (setting: Setting) => (setting.source.kind === 'file' ? setting.source.span : launch.span);
  const given = (setting: Setting) => setting.source.kind === 'file';
  if (given(fd) && given(uds)) return { address: { kind: 'other', text: `fd ${fd.text} or unix:${uds.text}` }, option: '--fd', span: spanOf(fd) };
  if (given(fd)) {
    // A descriptor the supervisor opened for it (supervisord's fcgi-program socket=): listening there.
    const inherited = launch.inheritedSocket;
    if (inherited && fd.value === inherited.fd) return { address: inherited.address, option: '--fd', span: inherited.span };
    return { address: { kind: 'other', text: `fd://${fd.text}` }, option: '--fd', span: spanOf(fd) };
  }
  if (given(uds)) {
    if (typeof uds.value !== 'string' || uds.value === '') return { address: { kind: 'other', text: uds.text }, option: '--uds', span: spanOf(uds) };
    // A relative path is bound in the working directory.
    const directory = knownValue(launch.workingDirectory);
    const path =
      nodePath.posix.isAbsolute(uds.value) || directory === undefined || !nodePath.posix.isAbsolute(directory)
        ? uds.value
        : nodePath.posix.join(directory, uds.value);
    return { address: { kind: 'unix', path }, option: '--uds', span: spanOf(uds) };
  }
  const host = settings.get('host')!;
  const port = settings.get('port')!;
  const span = given(port) ? spanOf(port) : spanOf(host);
  const option = given(port) || !given(host) ? '--port' : '--host';
  // Port 0 asks the kernel for any free port.
  if (typeof host.value !== 'string' || typeof port.value !== 'number' || port.value <= 0 || port.value > 65535) {
    return { address: { kind: 'other', text: `${host.text}:${port.text}`, ...portIfUnset(host, parsed, launch) }, option, span };
  }
  return { address: tcpAddress(host.value, port.value), option, span };
}

/** `--host` as the listener's host: brackets of an IPv6 literal dropped, lower case. */
function tcpAddress(host: string, port: number): ListenAddress & { kind: 'tcp' } {
  return { kind: 'tcp', host: host.replace(/^\[(.*)\]$/, '$1').toLowerCase(), port };
}
