/**
 * A Gunicorn server as its config file and command line define it (filled by src/readers/gunicorn).
 *
 * Settings use gunicorn's own names (`keepalive`, not the flag `--keep-alive`) in canonical units:
 * `bind` (text: the addresses, comma separated), `workers`, `worker_class` (the worker that
 * really runs, see GunicornWorkerKind; `text` is what was configured), `threads`, `timeout` (ms),
 * `keepalive` (ms), `backlog`, `limit_request_line` (bytes), `limit_request_field_size` (bytes),
 * `limit_request_fields`, `max_requests`, `graceful_timeout` (ms), `user`, `group` (a name, or a
 * number as text), `umask` (the number). Values are as configured, before gunicorn clamps
 * them at run time (see effectiveRequestLineLimit). Precedence, lowest first (docs/servers/gunicorn.md#configuration-precedence):
 * defaults (with PORT and WEB_CONCURRENCY from the environment) < config file <
 * GUNICORN_CMD_ARGS < command line.
 */
import type { Span } from '../../source/span';
import type { BackendBase } from '../backend';
import type { Launch } from '../launch/launch';

/**
 * The worker that runs, which decides keep-alive (20.1.0 gunicorn/workers/*.py; docs/servers/gunicorn.md#keepalive):
 * - `sync`: closes every connection after one response (`resp.force_close()`, sync.py:171-174);
 * - `gthread` (also `sync` with threads > 1, config.py:108-124), `gevent`, `eventlet`: keep an
 *   idle connection for `keepalive` seconds, none when it is 0 (gthread.py:60,318; base_async.py:39,105);
 * - `tornado`: keep-alive on unless `keepalive` ≤ 0, but the idle time is tornado's own (gtornado.py:168);
 * - `gevent_pywsgi` (`gevent_wsgi`): gevent's pywsgi server handles keep-alive itself; `keepalive` is not passed;
 * - `uvicorn`, `uvicorn_h11`: `uvicorn.workers.UvicornWorker` and `UvicornH11Worker` (and `uvicorn_worker.*`) pass
 *   `keepalive` as uvicorn's `timeout_keep_alive` (encode/uvicorn e6c7ce79 uvicorn/workers.py, since
 *   0.4.0; Kludex/uvicorn-worker cd29cc6 uvicorn_worker/_workers.py:70), an idle timer after each response.
 *   Requests are parsed by uvicorn (`http: "auto"`, or h11 for the H11 worker), so gunicorn's
 *   limit_request_* settings do not apply (src/model/backend-limits/gunicorn.ts);
 * - `custom`: any other class path: not known.
 */
export type GunicornWorkerKind = 'sync' | 'gthread' | 'gevent' | 'eventlet' | 'tornado' | 'gevent_pywsgi' | 'uvicorn' | 'uvicorn_h11' | 'custom';

/** A name bound at module level in a config file, for the unknown-setting check. */
export interface GunicornModuleName {
  name: string;
  /** The name where it is bound. */
  span: Span;
  /** `=` (plain or augmented) or `def`. Imports, classes and loop variables are not listed. */
  binding: 'assign' | 'def';
  /** Read somewhere else in the file (then it is a helper variable, whatever its name). */
  referenced: boolean;
}

/** A gunicorn config file as read (never run). */
export interface GunicornConfigFile {
  /** Display path. */
  file: string;
  /** Module-level names in binding order. */
  names: GunicornModuleName[];
  /**
   * Whether the file looks like a gunicorn config: a conventional name (gunicorn.conf.py,
   * gunicorn_config.py, gunicorn_conf.py, gunicorn.py) or at least one known setting or hook at
   * module level, or a launch names it with `-c`. Others (`test_gunicorn.py`) are not judged.
   */
  looksLikeConfig: boolean;
}

export interface GunicornBackend extends BackendBase {
  kind: 'gunicorn';
  /** The command line that starts it; absent for a config file that no launch in the tree names. */
  launch?: Launch;
  /** The config file that was read, when it is in the tree. */
  config?: GunicornConfigFile;
  /**
   * The config file the launch names (`-c`, `--config`, in GUNICORN_CMD_ARGS too) or the
   * `./gunicorn.conf.py` gunicorn looks for, and whether it was found in the tree. When it was
   * not, every setting that the command line does not give is unknown.
   */
  configReference?: { text: string; span: Span; found: boolean };
  /** The worker that runs; undefined when the tree does not determine it. */
  workerKind: GunicornWorkerKind | undefined;
  /**
   * Why gunicorn itself never answers `Upgrade: h2c` with 101 (gunicorn/http2/negotiation.py
   * `upgrade_allowed`, on main after 26.1.0: only with `http2_cleartext` "upgrade" or "both", "h2"
   * in `http_protocols` and no TLS); undefined when it may, or the tree does not say.
   */
  noH2cUpgrade?: string;
}
