/**
 * What an http `listen` line binds, as nginx groups servers for choosing a default: the socket
 * (address and port, or unix path) and whether the line marks its server `default_server`.
 */
import type { NginxDirective } from '../readers/nginx';
import { argValueOf, someArgEquals } from '../readers/nginx/parse';
import { HTTP_LISTEN_PARAMETERS, HTTP_LISTEN_VALUED_PARAMETERS } from '../reference/nginx/listen-parameters';
import { DEPRECATED_LISTEN_PARAMETERS } from '../reference/nginx/deprecations';

export interface ListenSocket {
  /** `*:80`, `127.0.0.1:8080`, `[::]:443`, `unix:/run/nginx.sock`: equal keys are one socket. */
  key: string;
  /** The TCP port; undefined for a unix socket. */
  port?: number;
  defaultServer: boolean;
}

/** nginx's defaults when a server has no `listen`: *:80 when run as root (ngx_http_core_server). */
export const IMPLICIT_LISTEN: ListenSocket = { key: '*:80', defaultServer: false };

const DEFAULT_SERVER_WORDS = ['default_server', 'default'];

/** The socket a `listen` directive binds; undefined when its address cannot be read (a template tag, a typo). */
export function listenSocket(directive: NginxDirective): ListenSocket | undefined {
  // Values only (no argument objects): every server of a large tree has a listen line.
  const address = argValueOf(directive, 0);
  if (address === undefined || address.includes('$') || address.includes('{')) return undefined;
  const bound = boundSocket(address);
  if (!bound) return undefined;
  return someArgEquals(directive, 1, DEFAULT_SERVER_WORDS) ? bound.asDefault : bound.plain;
}

/** The two answers for one address, kept per distinct address: a large tree repeats `80` and `443 ssl` thousands of times. */
function boundSocket(address: string): { plain: ListenSocket; asDefault: ListenSocket } | undefined {
  let bound = socketsByAddress.get(address);
  if (bound === undefined) {
    const key = socketKey(address);
    const port = key === undefined || key.startsWith('unix:') ? undefined : Number(key.slice(key.lastIndexOf(':') + 1));
    const socket = (defaultServer: boolean): ListenSocket =>
      Object.freeze(port === undefined ? { key: key!, defaultServer } : { key: key!, port, defaultServer });
    bound = key === undefined ? null : { plain: socket(false), asDefault: socket(true) };
    if (socketsByAddress.size > 10000) socketsByAddress.clear();
    socketsByAddress.set(address, bound);
  }
  return bound ?? undefined;
}

const socketsByAddress = new Map<string, { plain: ListenSocket; asDefault: ListenSocket } | null>();

function socketKey(address: string): string | undefined {
  if (/^unix:/i.test(address)) return `unix:${address.slice(5)}`;
  // `[::]:443`, `[::1]` (port 80)
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(address);
  if (bracketed) return `[${bracketed[1].toLowerCase()}]:${bracketed[2] ?? '80'}`;
  // `80`: every IPv4 address
  if (/^\d+$/.test(address)) return `*:${address}`;
  const hostPort = /^([^:\s]+)(?::(\d+))?$/.exec(address);
  if (!hostPort) return undefined;
  const host = hostPort[1].toLowerCase();
  return `${host === '0.0.0.0' ? '*' : host}:${hostPort[2] ?? '80'}`;
}

/**
 * The index of the first argument after the address that nginx's http `listen` refuses, or -1.
 * `alsoStream`: the line may be a stream server's (a snippet whose context is not known), whose
 * listen also takes `udp` (its other parameters are http's, and mail's are a subset).
 */
export function invalidListenParameter(values: readonly string[], alsoStream = false): number {
  for (let i = 1; i < values.length; i++) {
    const value = values[i];
    if (alsoStream && value === 'udp') continue;
    // `spdy`: ignored with a warning until 1.19.6, refused since; nginx-deprecated-directive judges it by version.
    if (DEPRECATED_LISTEN_PARAMETERS.has(value)) continue;
    if (!HTTP_LISTEN_PARAMETERS.has(value) && !HTTP_LISTEN_VALUED_PARAMETERS.some((prefix) => value.startsWith(prefix))) return i;
  }
  return -1;
}
