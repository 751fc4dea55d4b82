/**
 * A uvicorn server as its command line and UVICORN_* environment define it (filled by
 * src/readers/uvicorn; facts and sources in docs/servers/uvicorn.md).
 *
 * Settings use uvicorn's own parameter names in canonical units: `host`, `port`, `uds`, `fd`,
 * `http` (the implementation named: `auto`, `h11`, `httptools` or a class path),
 * `timeout_keep_alive` (ms), `limit_max_requests` (count, 0 = no limit), `backlog` (count),
 * `h11_max_incomplete_event_size` (bytes: h11's buffer limit for a request head); `uds`, `fd`,
 * `ssl_keyfile` and `ssl_certfile` only when the tree gives them. Precedence,
 * lowest first (click's auto_envvar_prefix "UVICORN", uvicorn/main.py): defaults < environment
 * `UVICORN_<NAME>` < command line.
 */
import type { BackendBase } from '../backend';
import type { Launch } from '../launch/launch';

/**
 * The HTTP implementation that parses requests. `--http auto` (the default) takes httptools when
 * it is installed and h11 otherwise (uvicorn/protocols/http/auto.py), which the tree does not
 * say: then undefined, and the request-head limit is unknown.
 */
export type UvicornHttpParser = 'h11' | 'httptools';

export interface UvicornBackend extends BackendBase {
  kind: 'uvicorn';
  /** The command line that starts it (uvicorn has no config file). */
  launch: Launch;
  /** The parser that runs, when the tree settles it. */
  httpParser: UvicornHttpParser | undefined;
}
