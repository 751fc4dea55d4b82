/**
 * From an instance's option list to the shared backend shape: canonical settings (with the value
 * uWSGI really uses, its unit and where it came from) and listeners (address, protocol and
 * keep-alive behaviour; docs/servers/uwsgi.md#socket-types).
 */
import * as nodePath from 'path';
import type { Launch } from '../launch/launch';
import type { ListenAddress, Listener, ListenerProtocol, UndecidedListener } from '../backend';
import type { Setting, Unit, ValueSource } from '../../source/setting';
import type { UwsgiBackend, UwsgiGap, UwsgiOptionEntry } from './uwsgi-backend';
import { isOnePlaceholder, TemplateAddress, UNKNOWN_MARK, WrittenTemplateValue } from '../../discovery/template';
import { uwsgiOptionSpec } from '../../reference/uwsgi/options';
import { readUwsgiFlag, readUwsgiNumber, UwsgiNumberReader } from '../../reference/uwsgi/values';
import type { BuiltInstance } from './instance';
import { UNKNOWN } from './magic';

interface SettingRule {
  name: string;
  /** Options that set it; the last one wins. */
  keys: string[];
  unit: Unit;
  read: (text: string | null) => number | string | boolean | undefined;
  default?: { value: number | string | boolean; text: string; reference: string };
}

const SECONDS_TO_MS = 1000;
const number =
  (reader: UwsgiNumberReader, scale = 1) =>
  (text: string | null) =>
    readUwsgiNumber(reader, text ?? undefined) * scale;
const flag = (text: string | null) => readUwsgiFlag(text ?? undefined);
const text = (value: string | null) => value ?? undefined;

/** The canonical settings, with defaults from docs/servers/uwsgi.md and the uWSGI source it cites. */
const SETTINGS: SettingRule[] = [
  {
    name: 'listen',
    keys: ['listen'],
    unit: 'count',
    read: number('int'),
    default: { value: 100, text: '100', reference: 'docs/servers/uwsgi.md#listen (uWSGI core/init.c:119)' },
  },
  {
    name: 'buffer-size',
    keys: ['buffer-size'],
    unit: 'bytes',
    read: number('uint16'),
    default: { value: 4096, text: '4096', reference: 'docs/servers/uwsgi.md#buffer-size (uWSGI core/init.c:112)' },
  },
  {
    name: 'harakiri',
    keys: ['harakiri'],
    unit: 'ms',
    read: number('int', SECONDS_TO_MS),
    default: { value: 0, text: '0 (off)', reference: 'docs/servers/uwsgi.md#harakiri (uWSGI core/uwsgi.c:82)' },
  },
  {
    name: 'harakiri-graceful-timeout',
    keys: ['harakiri-graceful-timeout'],
    unit: 'ms',
    read: number('int', SECONDS_TO_MS),
    default: { value: 0, text: '0 (off)', reference: 'docs/servers/uwsgi.md#harakiri-graceful-timeout (uWSGI core/uwsgi.c:84)' },
  },
  {
    name: 'harakiri-graceful-signal',
    keys: ['harakiri-graceful-signal'],
    unit: 'count',
    read: number('int'),
    default: { value: 15, text: '15 (SIGTERM)', reference: 'docs/servers/uwsgi.md#harakiri-graceful-timeout (uWSGI core/init.c:201)' },
  },
  {
    name: 'harakiri-queue-threshold',
    keys: ['harakiri-queue-threshold'],
    unit: 'count',
    read: number('int'),
    default: { value: 0, text: '0 (off)', reference: 'docs/servers/uwsgi.md#harakiri-graceful-timeout (uWSGI core/uwsgi.c:86)' },
  },
  {
    name: 'socket-timeout',
    keys: ['socket-timeout'],
    unit: 'ms',
    read: number('int', SECONDS_TO_MS),
    default: { value: 4000, text: '4', reference: 'docs/servers/uwsgi.md#socket-timeout (uWSGI core/init.c:131)' },
  },
  {
    name: 'http-timeout',
    keys: ['http-timeout'],
    unit: 'ms',
    read: number('int', SECONDS_TO_MS),
    default: { value: 60000, text: '60', reference: 'docs/servers/uwsgi.md#http-timeout (uWSGI plugins/http/http.c:35)' },
  },
  {
    name: 'http-keepalive',
    keys: ['http-keepalive'],
    unit: 'count',
    read: number('int'),
    default: { value: 0, text: '0 (off)', reference: 'docs/servers/uwsgi.md#http-keepalive (uWSGI plugins/http/http.c:37)' },
  },
  {
    name: 'limit-post',
    keys: ['limit-post'],
    unit: 'bytes',
    read: number('uint64'),
    default: { value: 0, text: '0 (unlimited)', reference: 'docs/servers/uwsgi.md#limit-post (uWSGI core/protocol.c:453-460)' },
  },
  {
    name: 'post-buffering',
    keys: ['post-buffering'],
    unit: 'bytes',
    read: number('uint64'),
    default: { value: 0, text: '0 (off)', reference: 'docs/servers/uwsgi.md#post-buffering (uWSGI core/uwsgi.c:580)' },
  },
  {
    name: 'processes',
    keys: ['processes', 'workers'],
    unit: 'count',
    read: number('int'),
    default: { value: 1, text: '1', reference: 'docs/servers/uwsgi.md#processes (uWSGI core/init.c:114)' },
  },
  {
    name: 'threads',
    keys: ['threads'],
    unit: 'count',
    read: number('int'),
    default: { value: 1, text: '1', reference: 'docs/servers/uwsgi.md#threads (uWSGI core/init.c:103)' },
  },
  {
    name: 'max-requests',
    keys: ['max-requests'],
    unit: 'count',
    read: number('uint64'),
    default: { value: 0, text: '0 (off)', reference: 'docs/servers/uwsgi.md#max-requests (uWSGI core/uwsgi.c:279)' },
  },
  {
    name: 'die-on-term',
    keys: ['die-on-term'],
    unit: 'flag',
    read: flag,
    default: { value: false, text: 'off', reference: 'docs/servers/uwsgi.md#die-on-term (ThingsToKnow.rst:12-13)' },
  },
  {
    name: 'strict',
    keys: ['strict'],
    unit: 'flag',
    read: flag,
    default: { value: false, text: 'off', reference: 'docs/servers/uwsgi.md#strict (uWSGI core/config.c:362-386)' },
  },
  { name: 'chmod-socket', keys: ['chmod-socket', 'chmod'], unit: 'text', read: chmodMode },
  { name: 'uid', keys: ['uid'], unit: 'text', read: text },
  { name: 'gid', keys: ['gid'], unit: 'text', read: text },
  { name: 'protocol', keys: ['protocol', 'socket-protocol'], unit: 'text', read: text },
];

/** uwsgi_opt_chmod_socket: no value or `1` is 666; otherwise exactly three octal digits, or uWSGI stops. */
function chmodMode(value: string | null): string | undefined {
  if (value === null || value === '1') return '666';
  return /^[0-7]{3}$/.test(value) ? value : undefined;
}

export function settingFromEntries(rule: SettingRule, entries: UwsgiOptionEntry[], gaps: UwsgiGap[] = []): Setting | undefined {
  const relevant = entries.filter((entry) => rule.keys.includes(entry.key));
  const last = relevant[relevant.length - 1];
  if (!last) {
    if (!rule.default) return undefined;
    // A part of the config cfglint does not read (a template's include) may state it.
    if (gaps.length > 0) return unstated(rule.name, rule.unit, rule.default.reference, gaps[0]);
    return {
      name: rule.name,
      value: rule.default.value,
      text: rule.default.text,
      unit: rule.unit,
      source: { kind: 'default', reference: rule.default.reference },
    };
  }
  const source: ValueSource = { kind: 'file', span: last.valueSpan, via: last.via.length > 0 ? last.via : undefined };
  // Inside an `if-*` block the tree cannot decide, the setting may or may not be this one.
  const value = last.condition || last.value === undefined ? undefined : rule.read(last.value);
  return { name: rule.name, value, text: last.text ?? '', unit: rule.unit, source };
}

/** An option the config read does not state while a part it does not read may: its default is not known to apply. */
function unstated(name: string, unit: Setting['unit'], reference: string, gap: UwsgiGap): Setting {
  return { name, value: undefined, text: '', unit, source: { kind: 'default', reference, note: `unknown: ${gap.reason}` } };
}

export function buildBackend(instance: BuiltInstance, name: string, file: string, launch: Launch | undefined): UwsgiBackend {
  const settings = new Map<string, Setting>();
  for (const rule of SETTINGS) {
    const setting = settingFromEntries(rule, instance.options, instance.gaps);
    if (setting) settings.set(rule.name, setting);
  }
  settings.set('master', masterSetting(instance.options, instance.gaps));
  const backend: UwsgiBackend = {
    kind: 'uwsgi',
    name,
    file,
    listeners: [],
    settings,
    options: instance.options,
    iniFiles: [],
    launch,
    strict: instance.strict,
    placeholderNames: instance.placeholderNames,
    declaredOptions: instance.declaredOptions,
    gaps: instance.gaps,
  };
  const { listeners, undecided } = listenersOf(backend);
  backend.listeners = listeners;
  if (undecided.length > 0) backend.undecidedListeners = undecided;
  return backend;
}

/**
 * The master process: the last `master` option decides (it is applied after every option has been
 * read); without one, any option that needs the master (`harakiri`, `cheaper`, `touch-reload`, …,
 * flagged UWSGI_OPT_MASTER) switches it on just by being read (core/config.c).
 */
function masterSetting(entries: UwsgiOptionEntry[], gaps: UwsgiGap[]): Setting {
  const explicit = entries.filter((entry) => entry.key === 'master');
  const last = explicit[explicit.length - 1];
  const source = (entry: UwsgiOptionEntry, span = entry.valueSpan): ValueSource => ({ kind: 'file', span, via: entry.via.length > 0 ? entry.via : undefined });
  if (last) {
    const value = last.condition || last.value === undefined ? undefined : readUwsgiFlag(last.value ?? undefined);
    return { name: 'master', value, text: last.text ?? '', unit: 'flag', source: source(last) };
  }
  const implied = entries.find((entry) => !entry.condition && uwsgiOptionSpec(entry.key)?.impliesMaster);
  if (implied) return { name: 'master', value: true, text: `${implied.key} (needs the master)`, unit: 'flag', source: source(implied, implied.keySpan) };
  if (entries.some((entry) => uwsgiOptionSpec(entry.key)?.impliesMaster)) {
    return {
      name: 'master',
      value: undefined,
      text: '',
      unit: 'flag',
      source: { kind: 'default', reference: 'docs/servers/uwsgi.md#master', note: 'an option inside an if-block would switch it on' },
    };
  }
  if (gaps.length > 0) return unstated('master', 'flag', 'docs/servers/uwsgi.md#master', gaps[0]);
  return { name: 'master', value: false, text: 'off', unit: 'flag', source: { kind: 'default', reference: 'docs/servers/uwsgi.md#master' } };
}

const SOCKET_PROTOCOLS: Record<string, string | undefined> = {
  socket: undefined, // the `protocol` option, else uwsgi
  'uwsgi-socket': 'uwsgi',
  'http-socket': 'http',
  'http11-socket': 'http11',
  'https-socket': 'https',
  'fastcgi-socket': 'fastcgi',
  'fastcgi-nph-socket': 'fastcgi',
  'scgi-socket': 'scgi',
  'scgi-nph-socket': 'scgi',
  http: 'router',
  httprouter: 'router',
  https: 'router-tls',
};

/**
 * The directory uWSGI is in when it binds its sockets: the last `chdir` (applied before the sockets
 * are bound, core/uwsgi.c; `chdir2` comes after, when the apps load), else the launch's working
 * directory. Undefined when the tree does not say, or an `if-*` block might change it.
 */
function bindDirectory(backend: UwsgiBackend): string | undefined {
  const launched = backend.launch?.workingDirectory;
  const workingDirectory = launched && !launched.unresolved && nodePath.posix.isAbsolute(launched.value) ? launched.value : undefined;
  const chdirs = backend.options.filter((entry) => entry.key === 'chdir');
  if (chdirs.length === 0) return workingDirectory;
  if (chdirs.some((entry) => entry.condition)) return undefined;
  const value = chdirs[chdirs.length - 1].value;
  if (typeof value !== 'string' || value.includes(UNKNOWN) || value.trim() === '') return undefined;
  const chdir = value.trim();
  if (nodePath.posix.isAbsolute(chdir)) return chdir;
  return workingDirectory !== undefined ? nodePath.posix.join(workingDirectory, chdir) : undefined;
}

/** A relative socket path names a file in the bind directory; without one the tree cannot say which. */
function againstDirectory(address: ListenAddress, directory: string | undefined): ListenAddress {
  if (address.kind !== 'unix' || nodePath.posix.isAbsolute(address.path)) return address;
  return directory !== undefined ? { kind: 'unix', path: nodePath.posix.join(directory, address.path) } : { kind: 'other', text: address.path };
}

/**
 * The sockets uWSGI binds. One under an `if-*` block the launch's environment (or the machine)
 * decides is there or not as uWSGI decides (instance.ts `evaluateLogic`); one under a block the
 * tree leaves open (`if-not-env = DEV_ENV` in a Procfile, whose environment is the platform's) is
 * undecided: it may be there.
 */
function listenersOf(backend: UwsgiBackend): { listeners: Listener[]; undecided: UndecidedListener[] } {
  const listeners: Listener[] = [];
  const undecided: UndecidedListener[] = [];
  const directory = bindDirectory(backend);
  const protocolSetting = backend.settings.get('protocol');
  for (const entry of backend.options) {
    if (!(entry.key in SOCKET_PROTOCOLS)) continue;
    let wire = SOCKET_PROTOCOLS[entry.key];
    if (wire === undefined) {
      if (protocolSetting && protocolSetting.source.kind === 'file' && protocolSetting.value === undefined) continue;
      wire = (protocolSetting?.value as string | undefined) ?? 'uwsgi';
    }
    const written = entry.value;
    // TLS sockets are `address,certificate,key[,ciphers[,ca]]`.
    const addressText = typeof written === 'string' && (wire === 'https' || wire === 'router-tls') ? written.split(',')[0] : written;
    const template = entry.template && wire !== 'https' && wire !== 'router-tls' ? uwsgiTemplateAddress(entry.template) : undefined;
    const address: ListenAddress =
      typeof addressText === 'string'
        ? againstDirectory(parseUwsgiAddress(addressText), directory)
        : { kind: 'other', text: entry.text ?? '', ...(template ? { template } : {}) };
    const listener = listenerFor(backend, entry, wire, address);
    if (!listener) continue;
    if (entry.condition) undecided.push({ ...listener, condition: entry.condition });
    else listeners.push(listener);
  }
  return { listeners, undecided };
}

function listenerFor(backend: UwsgiBackend, entry: UwsgiOptionEntry, wire: string, address: ListenAddress): Listener | undefined {
  const base = { backend, address, option: entry.key, span: entry.valueSpan };
  const closes = (protocol: ListenerProtocol, reason: string): Listener => ({ ...base, protocol, keepAlive: { kind: 'closesAfterResponse', reason } });
  switch (wire) {
    case 'uwsgi':
      return closes('uwsgi', 'the uwsgi protocol carries one request per connection (docs/servers/uwsgi.md#socket-types)');
    case 'http':
      return closes(
        'http',
        'uWSGI http-socket closes the connection after each response, without a "Connection: close" header (docs/servers/uwsgi.md#socket-types)',
      );
    case 'https':
      return closes('https', 'uWSGI https-socket closes the connection after each response (docs/servers/uwsgi.md#socket-types)');
    case 'fastcgi':
      return closes('fastcgi', 'uWSGI ends each FastCGI connection after the response (proto/fastcgi.c)');
    case 'scgi':
      return closes('scgi', 'SCGI carries one request per connection');
    case 'http11':
      return { ...base, protocol: 'http', keepAlive: { kind: 'idleTimeout', timeout: backend.settings.get('socket-timeout') as Setting<number> } };
    case 'router':
    case 'router-tls': {
      const protocol: ListenerProtocol = wire === 'router' ? 'http' : 'https';
      const keepalive = backend.settings.get('http-keepalive') as Setting<number>;
      if (keepalive.value === undefined) return { ...base, protocol, keepAlive: { kind: 'idleTimeout', timeout: keepalive } };
      if (keepalive.value === 0)
        return closes(
          protocol,
          'the uWSGI HTTP router closes client connections after each response unless http-keepalive is set (docs/servers/uwsgi.md#http-keepalive)',
        );
      // http-keepalive above 1 is the idle timeout in seconds; otherwise http-timeout applies (plugins/http/http.c:643-661).
      const timeout: Setting<number> =
        keepalive.value > 1 ? { ...keepalive, value: keepalive.value * 1000, unit: 'ms' } : (backend.settings.get('http-timeout') as Setting<number>);
      return { ...base, protocol, keepAlive: { kind: 'idleTimeout', timeout } };
    }
    default:
      // raw, puwsgi, suwsgi, mongrel2, …: nothing nginx talks to in the usual ways.
      return undefined;
  }
}

/**
 * Socket names (core/socket.c): a name with `:` is TCP (the port after the last `:`, `:3031`
 * means every interface, `[::1]:3031` IPv6); without `:` it is a UNIX path, `@name` an abstract
 * socket; `*` in a TCP name expands to each interface and `=N` refers to a shared socket.
 */
/**
 * A socket address a template writes with tags, read as parseUwsgiAddress reads the rendered one
 * (uWSGI's bind_to_unix/bind_to_tcp: a colon makes it TCP), on the masked text, whose tags hold
 * no colon: the parts are then cut at the same offsets of the text as written. A path must be
 * absolute, or start with a tag that may make it so; a relative one depends on the directory
 * uWSGI runs in, which the text does not say. Undefined where the address is not one of these.
 */
function uwsgiTemplateAddress({ masked, written, dialect }: WrittenTemplateValue): TemplateAddress | undefined {
  if (masked.length !== written.length) return undefined;
  if (isOnePlaceholder(masked)) return { kind: 'whole', text: written, dialect };
  if (/^\s|^[=@]|\*/.test(masked)) return undefined;
  const colon = masked.lastIndexOf(':');
  if (colon === -1) return masked.startsWith('/') || masked.startsWith('$' + UNKNOWN_MARK) ? { kind: 'unix', path: written, dialect } : undefined;
  const port = masked.slice(colon + 1);
  if (!/^[0-9]+$/.test(port) && !isOnePlaceholder(port)) return undefined;
  let host = written.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { kind: 'tcp', host: host === '' ? '0.0.0.0' : host, port: written.slice(colon + 1), dialect };
}

export function parseUwsgiAddress(value: string): ListenAddress {
  const name = value.replace(/^\s+/, '');
  if (name.startsWith('=') || name.includes('*')) return { kind: 'other', text: name };
  const colon = name.lastIndexOf(':');
  if (colon === -1) return name.startsWith('@') || name === '' ? { kind: 'other', text: name } : { kind: 'unix', path: name };
  const portText = name.slice(colon + 1);
  if (!/^[0-9]+$/.test(portText)) return { kind: 'other', text: name };
  let host = name.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { kind: 'tcp', host: host === '' ? '0.0.0.0' : host, port: Number(portText) };
}
