/** gunicorn's limits, from its own setting keys (see ../backend-limits.ts). */
import type { BackendLimits, RequestHeadLimit, SocketPermissions, WorkerTimeout } from '../backend-limits';
import type { Listener } from '../../readers/backend';
import type { GunicornBackend } from '../../readers/gunicorn/gunicorn-backend';
import { knownValue } from '../../readers/launch/launch';
import { H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE } from '../../reference/uvicorn';
import type { Setting } from '../../source/setting';
import { effectiveRequestLineLimit } from '../gunicorn';
import { h11HeadLimits } from './h11';

export function gunicornLimits(backend: GunicornBackend, listener: Listener): BackendLimits {
  return {
    requestHead: requestHead(backend),
    requestBody: [],
    workerTimeout: workerTimeout(backend),
    socket: listener.address.kind === 'unix' ? socketPermissions(backend) : undefined,
  };
}

function requestHead(backend: GunicornBackend): RequestHeadLimit[] {
  // uvicorn's workers parse requests with uvicorn's parser: gunicorn's limit_request_* do not apply.
  // A worker class of the application's own may parse them its own way (libretime's Worker
  // subclasses UvicornWorker): nothing is known.
  if (backend.workerKind === 'uvicorn' || backend.workerKind === 'custom') return [];
  if (backend.workerKind === 'uvicorn_h11') {
    const setting: Setting = {
      name: 'h11 max_incomplete_event_size',
      value: H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE,
      text: String(H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE),
      unit: 'bytes',
      source: { kind: 'default', reference: 'h11/_connection.py DEFAULT_MAX_INCOMPLETE_EVENT_SIZE', note: 'UvicornH11Worker' },
    };
    return h11HeadLimits(setting, () => 'subclass UvicornH11Worker with h11_max_incomplete_event_size in its CONFIG_KWARGS');
  }
  const line = backend.settings.get('limit_request_line');
  const field = backend.settings.get('limit_request_field_size');
  const out: RequestHeadLimit[] = [];
  if (line && typeof line.value === 'number') {
    const limit = effectiveRequestLineLimit(line.value);
    if (limit !== undefined) {
      out.push({
        setting: line,
        limit,
        measure: 'line',
        admitted: 'request lines',
        symptom: `a longer request line gets 400 "Request Line is too large (N > ${limit})" from gunicorn, and nginx logs nothing`,
        raise: (needed) =>
          needed <= 8190 ? `set limit_request_line = ${needed}` : 'set limit_request_line = 0 (no limit; gunicorn caps other values at 8190)',
        nginxSizeWithin: (limit) => limit + 2,
      });
    }
  }
  if (field && typeof field.value === 'number' && field.value > 0) {
    out.push({
      setting: field,
      limit: field.value,
      measure: 'line',
      admitted: 'header lines',
      symptom: 'a longer header gets 400 "Error parsing headers: \'limit request headers fields size\'" from gunicorn, and nginx logs nothing',
      raise: (needed) => `set limit_request_field_size = ${needed}`,
      nginxSizeWithin: (limit) => limit + 2,
    });
  }
  return out;
}

/**
 * Only sync workers are killed by `timeout` while a request runs; threaded and async workers
 * keep notifying the arbiter.
 */
function workerTimeout(backend: GunicornBackend): WorkerTimeout | undefined {
  if (backend.settings.get('worker_class')?.value !== 'sync') return undefined;
  const timeout = backend.settings.get('timeout');
  return timeout ? { setting: timeout, log: '[CRITICAL] WORKER TIMEOUT (pid:N)' } : undefined;
}

/**
 * gunicorn/sock.py UnixSocket.bind: binds under `umask` (default 0, so mode 777) and then chowns
 * the socket to `user`/`group` (default: whoever starts gunicorn). Socket activation by a systemd
 * .socket unit is not modelled; see checks/upstream-socket-permission.md.
 */
function socketPermissions(backend: GunicornBackend): SocketPermissions | undefined {
  const umask = backend.settings.get('umask');
  // The default umask 0 leaves the socket writable by everyone: only an explicit one can deny.
  if (!umask || umask.source.kind !== 'file' || typeof umask.value !== 'number') return undefined;
  const bits = 0o777 & ~umask.value;
  const mode = { bits, span: umask.source.span, source: `gunicorn umask ${umask.text}` };

  let owner: SocketPermissions['owner'] | undefined;
  const user = backend.settings.get('user');
  const launchUser = knownValue(backend.launch?.user);
  if (user && user.source.kind === 'file') {
    if (typeof user.value !== 'string' || user.value === '') return undefined;
    owner = { name: user.value, span: user.source.span, label: `gunicorn chowns the socket to ${user.value}` };
  } else if (launchUser !== undefined && backend.launch?.user) {
    owner = { name: launchUser, span: backend.launch.user.span, label: `gunicorn runs as ${launchUser}` };
  }
  if (!owner) return undefined;
  return {
    owner,
    mode,
    fix: () => "set umask to 0o007 with group set to a group nginx's workers are in, or leave umask at its default 0",
  };
}
