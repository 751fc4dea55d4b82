/** uWSGI's limits, from its own option keys (see ../backend-limits.ts). */
import { isRootUser, sizeLimit } from '../backend-limits';
import type { BackendLimits, RequestBodyLimit, RequestHeadLimit, SocketPermissions, WorkerTimeout } from '../backend-limits';
import type { Listener } from '../../readers/backend';
import type { Setting } from '../../source/setting';
import { knownValue } from '../../readers/launch/launch';
import type { UwsgiBackend } from '../../readers/uwsgi/uwsgi-backend';
import { lastUwsgiEntry } from '../uwsgi';

/** The most uWSGI's 16-bit buffer-size can hold (docs/servers/uwsgi.md#buffer-size). */
const UWSGI_MAX_BUFFER = 65535;

export function uwsgiLimits(backend: UwsgiBackend, listener: Listener): BackendLimits {
  return {
    requestHead: requestHead(backend, listener),
    requestBody: requestBody(backend),
    workerTimeout: workerTimeout(backend),
    socket: listener.address.kind === 'unix' ? socketPermissions(backend) : undefined,
  };
}

function requestHead(backend: UwsgiBackend, listener: Listener): RequestHeadLimit[] {
  const setting = backend.settings.get('buffer-size');
  if (!setting || typeof setting.value !== 'number' || setting.value <= 0) return [];
  const log =
    listener.protocol === 'uwsgi' ? `invalid request block size: N (max ${setting.value})...skip` : `invalid HTTP request size (max ${setting.value})...skip`;
  return [
    {
      setting,
      limit: setting.value,
      measure: 'total',
      admitted: 'request line and headers',
      symptom: `a request whose headers do not fit makes uWSGI log "${log}" and nginx answers 502 "recv() failed (104: Connection reset by peer) while reading response header from upstream"`,
      raise: (needed) =>
        needed <= UWSGI_MAX_BUFFER ? `set buffer-size = ${needed} (plain bytes: "32k" means 32)` : `set buffer-size = ${UWSGI_MAX_BUFFER} (its maximum)`,
      nginxSizeWithin: (limit) => limit,
    },
  ];
}

function requestBody(backend: UwsgiBackend): RequestBodyLimit[] {
  const limitPost = backend.settings.get('limit-post');
  // 0 (the default) is no limit.
  if (!sizeLimit(limitPost)) return [];
  return [
    {
      setting: limitPost,
      bytes: limitPost.value as number,
      scope: 'every request body',
      symptom: 'uWSGI logs "Invalid (too big) CONTENT_LENGTH. skip." and drops the connection, and nginx answers 502',
      raise: (bytes) => (bytes === Infinity ? 'remove limit-post' : `raise limit-post to at least ${bytes}`),
    },
  ];
}

/** Signals that end a worker at once: uWSGI's worker handler for SIGINT and SIGTERM exits (end_me), SIGKILL cannot be caught. */
const ENDS_WORKER_AT_ONCE = new Set([2, 9, 15]);

/**
 * When the master ends a request that outlives `harakiri` (docs/servers/uwsgi.md#harakiri-graceful-timeout;
 * core/master_checks.c uwsgi_master_check_harakiri, core/master_utils.c trigger_harakiri, 2.0.22 on).
 * With `harakiri-graceful-timeout` the first harakiri only sends `harakiri-graceful-signal`, and
 * SIGKILL follows that many seconds later. The default SIGTERM ends the worker there; any other
 * signal the app may catch and carry on (ansible/awx logs the stack on SIGABRT), so only the
 * SIGKILL is certain. With `harakiri-queue-threshold` a request is killed only while the listen
 * queue is that long, which the tree cannot say.
 */
function workerTimeout(backend: UwsgiBackend): WorkerTimeout | undefined {
  const harakiri = backend.settings.get('harakiri');
  if (!harakiri) return undefined;
  const threshold = backend.settings.get('harakiri-queue-threshold')?.value;
  if (typeof threshold !== 'number' || threshold > 0) return undefined;
  const graceful = backend.settings.get('harakiri-graceful-timeout');
  const signal = backend.settings.get('harakiri-graceful-signal')?.value;
  const off = (setting: Setting | undefined) => typeof setting?.value === 'number' && setting.value <= 0;
  if (off(harakiri) || off(graceful)) return { setting: harakiri, log: '*** HARAKIRI ON WORKER 1 (pid: N, try: 1) ***' };
  if (typeof signal === 'number' && ENDS_WORKER_AT_ONCE.has(signal))
    return { setting: harakiri, log: '*** HARAKIRI ON WORKER 1 (pid: N, try: 1, graceful: yes) ***' };
  const hardKill = typeof harakiri.value === 'number' && typeof graceful?.value === 'number' ? harakiri.value + graceful.value : undefined;
  return {
    setting: {
      name: 'harakiri + harakiri-graceful-timeout',
      value: hardKill,
      text: `${harakiri.text} + ${graceful?.text ?? ''}`,
      unit: 'ms',
      source: graceful?.source ?? harakiri.source,
    },
    log: '*** HARAKIRI ON WORKER 1 (pid: N, try: 2, graceful: no) ***',
  };
}

/**
 * uWSGI (docs/servers/uwsgi.md#chmod-socket; core/uwsgi.c uwsgi_start): without `chown-socket` or `master-as-root`,
 * privileges are dropped to `uid`/`gid` before the sockets are bound, so the socket belongs to
 * `uid`; with `chown-socket` it is chowned to that user after binding; `chmod-socket` sets the
 * mode. Without `chmod-socket` the mode follows the process umask, which the tree does not state.
 */
function socketPermissions(backend: UwsgiBackend): SocketPermissions | undefined {
  const chmod = backend.settings.get('chmod-socket');
  if (!chmod || chmod.source.kind !== 'file' || typeof chmod.value !== 'string') return undefined;
  const bits = parseInt(chmod.value, 8);
  const mode = { bits, span: chmod.source.span, source: `chmod-socket = ${chmod.text || chmod.value}` };
  if (lastUwsgiEntry(backend, 'master-as-root')) return undefined;

  let owner: SocketPermissions['owner'] | undefined;
  const chown = lastUwsgiEntry(backend, 'chown-socket');
  if (chown) {
    if (chown.condition || typeof chown.value !== 'string' || chown.value === '') return undefined;
    owner = { name: chown.value.split(':')[0], span: chown.valueSpan, label: `chown-socket gives the socket to ${chown.value.split(':')[0]}` };
  } else {
    const uid = backend.settings.get('uid');
    const launchUser = knownValue(backend.launch?.user);
    if (uid && uid.source.kind === 'file') {
      if (typeof uid.value !== 'string' || uid.value === '') return undefined;
      // `uid` only takes effect when uWSGI starts as root.
      if (backend.launch?.user && (launchUser === undefined || !isRootUser(launchUser))) return undefined;
      owner = { name: uid.value, span: uid.source.span, label: `uWSGI drops to ${uid.value} before creating the socket` };
    } else if (launchUser !== undefined && backend.launch?.user) {
      owner = { name: launchUser, span: backend.launch.user.span, label: `uWSGI runs as ${launchUser}` };
    }
  }
  if (!owner) return undefined;
  return {
    owner,
    mode,
    fix: (ownerName, nginxGroup) =>
      `set chmod-socket = 660 with chown-socket = ${ownerName}:${nginxGroup} (a group nginx's workers are in), or chmod-socket = 666`,
  };
}
