/**
 * Documented nginx defaults the model falls back to when a tree sets nothing, with the
 * versions each holds for. Every entry is written up in docs/servers/nginx.md
 * (which cites nginx's source and docs); the `reference` is shown to users by --explain and in
 * messages ("nginx default").
 */
import { compareVersions, parseVersion, rangeIncludes, Version, VersionRange } from './version';

export interface DefaultValue {
  text: string;
  /** First release with this default; undefined = since before the oldest supported release. */
  since?: string;
  reference: string;
}

const PROXY_DOC = 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html';
const UPSTREAM_DOC = 'https://nginx.org/en/docs/http/ngx_http_upstream_module.html';
const CORE_DOC = 'https://nginx.org/en/docs/http/ngx_http_core_module.html';

/** Keyed by the setting name as the model asks for it (`upstream:` for upstream-block directives). */
export const NGINX_DEFAULTS: Record<string, DefaultValue[]> = {
  proxy_http_version: [
    { text: '1.0', reference: `${PROXY_DOC}#proxy_http_version` },
    { text: '1.1', since: '1.29.7', reference: 'nginx CHANGES 1.29.7: the default value for "proxy_http_version" is "1.1"' },
  ],
  /** The Connection header nginx sends upstream when no proxy_set_header sets one. */
  'proxy_header:connection': [
    { text: 'close', reference: `${PROXY_DOC}#proxy_set_header` },
    { text: '', since: '1.29.7', reference: 'nginx CHANGES 1.29.7: the "Connection" proxy header is not sent by default anymore' },
  ],
  /** Idle connections kept per worker by an explicit upstream{} block; "" = no cache. */
  'upstream:keepalive': [
    { text: '', reference: `${UPSTREAM_DOC}#keepalive (no default before 1.29.7)` },
    { text: '32 local', since: '1.29.7', reference: 'nginx CHANGES 1.29.7: now the "keepalive" directive in the "upstream" block is enabled by default' },
  ],
  'upstream:keepalive_timeout': [{ text: '60s', reference: `${UPSTREAM_DOC}#keepalive_timeout` }],
  'upstream:keepalive_requests': [
    { text: '100', reference: `${UPSTREAM_DOC}#keepalive_requests` },
    { text: '1000', since: '1.19.10', reference: 'nginx CHANGES 1.19.10 (upstream keepalive_requests default 1000)' },
  ],
  'upstream:keepalive_time': [{ text: '1h', since: '1.19.10', reference: `${UPSTREAM_DOC}#keepalive_time` }],
  proxy_connect_timeout: [{ text: '60s', reference: `${PROXY_DOC}#proxy_connect_timeout` }],
  proxy_read_timeout: [{ text: '60s', reference: `${PROXY_DOC}#proxy_read_timeout` }],
  proxy_send_timeout: [{ text: '60s', reference: `${PROXY_DOC}#proxy_send_timeout` }],
  uwsgi_read_timeout: [{ text: '60s', reference: 'https://nginx.org/en/docs/http/ngx_http_uwsgi_module.html#uwsgi_read_timeout' }],
  fastcgi_read_timeout: [{ text: '60s', reference: 'https://nginx.org/en/docs/http/ngx_http_fastcgi_module.html#fastcgi_read_timeout' }],
  keepalive_timeout: [{ text: '75s', reference: `${CORE_DOC}#keepalive_timeout` }],
  keepalive_requests: [
    { text: '100', reference: `${CORE_DOC}#keepalive_requests` },
    { text: '1000', since: '1.19.10', reference: 'nginx CHANGES 1.19.10 (keepalive_requests default 1000)' },
  ],
  client_max_body_size: [{ text: '1m', reference: `${CORE_DOC}#client_max_body_size` }],
};

/** Release boundaries at which some default changes, for splitting an unknown version range. */
export function defaultBoundaries(name: string): Version[] {
  return (NGINX_DEFAULTS[name] ?? []).filter((entry) => entry.since).map((entry) => parseVersion(entry.since!)!);
}

/** The default in force throughout `range` (which must not straddle a boundary). */
export function defaultFor(name: string, range: VersionRange): DefaultValue | undefined {
  let current: DefaultValue | undefined;
  for (const entry of NGINX_DEFAULTS[name] ?? []) {
    if (!entry.since || compareVersions(parseVersion(entry.since)!, range.min) <= 0) current = entry;
  }
  // A default introduced after range.min but inside the range means the caller did not split.
  for (const entry of NGINX_DEFAULTS[name] ?? []) {
    if (entry.since && compareVersions(parseVersion(entry.since)!, range.min) > 0 && rangeIncludes(range, parseVersion(entry.since)!)) {
      throw new Error(`default of ${name} changes inside the range; split it at ${entry.since} first`);
    }
  }
  return current;
}
