/**
 * A backend's limits on the requests it serves, normalised as keep-alive is on `Listener.keepAlive`:
 * request line and headers, request body, the time a worker may run a request, and for a unix
 * socket who owns it and with which mode. Rules compare these with nginx without knowing which
 * server it is. The keys behind these limits are read in one adapter per kind under
 * ./backend-limits/, so adding a backend kind adds an adapter to LIMITS_OF and touches no rule
 * (docs/design.md, "Adding a backend kind").
 *
 * Why a model query per listener rather than a field the readers fill: a limit can differ per
 * listener (each Tomcat connector has its own, uWSGI's log line depends on the socket's protocol,
 * the socket facts exist only for unix sockets); it needs server facts from src/reference
 * (gunicorn's clamp of limit_request_line, h11's default buffer); and the reader shapes stay a
 * record of what the files say, while this says what the server enforces.
 */
import type { Backend } from './backend';
import type { Listener } from '../readers/backend';
import type { Setting } from '../source/setting';
import type { Span } from '../source/span';
import { gunicornLimits } from './backend-limits/gunicorn';
import { springBootLimits, tomcatLimits } from './backend-limits/tomcat';
import { uvicornLimits } from './backend-limits/uvicorn';
import { uwsgiLimits } from './backend-limits/uwsgi';

/**
 * A limit on a request's head. Servers limit different parts: gunicorn the request line and each
 * header line, uWSGI, Tomcat and h11 the request line and all headers together
 * (docs/servers/uwsgi.md#buffer-size, docs/servers/gunicorn.md#limit_request_line,
 * docs/servers/tomcat.md#maxhttpheadersize, docs/servers/uvicorn.md#request-head-limits).
 */
export interface RequestHeadLimit {
  /** Named as the user writes it (`limit_request_line`, `buffer-size`, `maxHttpHeaderSize`, `server.max-http-request-header-size`). */
  setting: Setting;
  limit: number;
  /** `line`: one request line or header line (nginx admits `size` − 2 bytes, without CRLF); `total`: request line and all headers (number × size). */
  measure: 'line' | 'total';
  /** What nginx admits that the limit applies to: `request lines`, `header lines`, `request line and headers`. */
  admitted: string;
  symptom: string;
  raise: (needed: number) => string;
  /** The largest nginx buffer size that keeps `measure` within the limit. */
  nginxSizeWithin: (limit: number) => number;
  /** `info` for a limit that bites only sometimes (h11: only when a read leaves an incomplete head over it). */
  maxSeverity?: 'info';
}

/**
 * A limit on a request's body, what happens past it, and how to raise it
 * (docs/servers/uwsgi.md#limit-post, docs/servers/tomcat.md#maxpostsize,
 * docs/servers/nginx.md#client_max_body_size).
 */
export interface RequestBodyLimit {
  /** Named as the user writes it (`limit-post`, `maxPostSize`, `server.tomcat.max-http-form-post-size`). */
  setting: Setting;
  /** Positive and finite: a setting that means "no limit" is no RequestBodyLimit. */
  bytes: number;
  /** Which bodies it applies to: `every request body`, `each uploaded file`, … */
  scope: string;
  symptom: string;
  raise: (bytes: number) => string;
}

/**
 * How long a worker may run one request before the server certainly kills it, and what it logs
 * then (docs/servers/uwsgi.md#harakiri, docs/servers/uwsgi.md#harakiri-graceful-timeout,
 * docs/servers/gunicorn.md#timeout).
 */
export interface WorkerTimeout {
  /** Its value in ms; undefined when the tree does not say. */
  setting: Setting;
  log: string;
}

/**
 * Who owns a unix socket the backend creates, and its mode. Only what the tree states is here (a
 * default mode the process umask decides is unknown), so each has the span that states it.
 */
export interface SocketPermissions {
  owner: { name: string; span: Span; label: string };
  /** The permission bits, and how messages name what set them (`chmod-socket = 660`, `gunicorn umask 0o007`). */
  mode: { bits: number; span: Span; source: string };
  /** How to let nginx's workers write to it, in the server's own options. */
  fix: (owner: string, nginxGroup: string) => string;
}

export interface BackendLimits {
  requestHead: RequestHeadLimit[];
  requestBody: RequestBodyLimit[];
  /** Absent when the server does not kill a running request (threaded or async workers, Tomcat). */
  workerTimeout?: WorkerTimeout;
  /** Present for a unix socket whose owner and mode the tree states. */
  socket?: SocketPermissions;
}

/** One adapter per kind; the mapped type makes a new kind in BackendKind a compile error until it has one. */
type LimitAdapters = { [K in Backend['kind']]: (backend: Extract<Backend, { kind: K }>, listener: Listener) => BackendLimits };

const LIMITS_OF: LimitAdapters = {
  gunicorn: gunicornLimits,
  uwsgi: uwsgiLimits,
  tomcat: tomcatLimits,
  'spring-boot': springBootLimits,
  uvicorn: uvicornLimits,
};

export function backendLimits(backend: Backend, listener: Listener): BackendLimits {
  const adapter = LIMITS_OF[backend.kind] as (backend: Backend, listener: Listener) => BackendLimits;
  return adapter(backend, listener);
}

/** A setting that sets a size limit: a positive, finite number of bytes. */
export function sizeLimit(setting: Setting | undefined): setting is Setting<number> {
  return setting !== undefined && typeof setting.value === 'number' && setting.value > 0 && Number.isFinite(setting.value);
}

/** root, by name or uid: the one user a socket's mode never stops. */
export function isRootUser(user: string): boolean {
  return user === 'root' || user === '0';
}
