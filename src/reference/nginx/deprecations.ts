/**
 * nginx directives (and `listen` parameters) that nginx deprecated since 1.18.0, the oldest
 * release cfglint reasons about, each with the CHANGES entry (docs/xml/nginx/changes.xml of
 * nginx/nginx) and the commit that made the change. Older removals (limit_zone, the
 * *_upstream_fail_timeout family) predate 1.18 and are unknown directives there.
 */

export interface NginxDeprecation {
  /** The directive. */
  name: string;
  /** For a parameter of the directive (`listen ... http2`); absent when the directive itself is deprecated. */
  parameter?: string;
  /** First release that logs the warning. */
  deprecated: string;
  /**
   * `deprecated`: still applied, with a warning; `ignored`: accepted with a warning and has no
   * effect at all (the HTTP/2 directives made obsolete by ngx_http_v2_obsolete).
   */
  effect: 'deprecated' | 'ignored';
  /** First release that refuses it (unknown directive): nginx does not start. */
  removed?: string;
  /** What to write instead, or undefined when nothing replaces it (server push). */
  replacement?: string;
  /** First release that has the replacement, when it is newer than 1.18.0. */
  replacementSince?: string;
  /** nginx's own log line, as printed at start. */
  logLine: string;
  /** For one nginx removes: what to write instead, in a sentence of the finding's help. */
  advice?: string;
  /** The CHANGES entry, quoted, with its release. */
  changes: string;
}

const V2_OBSOLETE_1_19_7 =
  'nginx 1.19.7 CHANGES: "the http2_recv_timeout, http2_idle_timeout, and http2_max_requests directives have been removed, the keepalive_timeout and keepalive_requests directives should be used instead" (commits d18e066d6, 49ab33124)';
const V2_FIELD_1_19_7 =
  'nginx 1.19.7 CHANGES: "the http2_max_field_size and http2_max_header_size directives have been removed, the large_client_header_buffers directive should be used instead" (commit 51fea093e)';
const V2_PUSH_1_25_1 = 'nginx 1.25.1 CHANGES: "HTTP/2 server push support has been removed" (commit 6915d2fb2)';

function obsoleteV2(name: string, deprecated: string, replacement: string | undefined, changes: string): NginxDeprecation {
  return {
    name,
    deprecated,
    effect: 'ignored',
    replacement,
    logLine: replacement ? `the "${name}" directive is obsolete, use the "${replacement}" directive instead` : `the "${name}" directive is obsolete, ignored`,
    changes,
  };
}

export const NGINX_DEPRECATIONS: readonly NginxDeprecation[] = [
  {
    name: 'ssl',
    deprecated: '1.15.0',
    effect: 'deprecated',
    removed: '1.25.1',
    replacement: 'listen ... ssl',
    logLine: 'the "ssl" directive is deprecated, use the "listen ... ssl" directive instead',
    advice: 'Put `ssl` on the `listen` line instead (`listen 443 ssl;`); the certificate directives stay as they are',
    changes:
      'nginx 1.15.0 CHANGES: "the ssl directive is deprecated; the ssl parameter of the listen directive should be used instead" (commit 658a84f42); nginx 1.25.1 CHANGES: "the deprecated ssl directive is not supported anymore" (commit d32f66f1e)',
  },
  {
    name: 'listen',
    parameter: 'http2',
    deprecated: '1.25.1',
    effect: 'deprecated',
    replacement: 'http2 on',
    replacementSince: '1.25.1',
    logLine: 'the "listen ... http2" directive is deprecated, use the "http2" directive instead',
    changes:
      'nginx 1.25.1 CHANGES: "the http2 directive, which enables HTTP/2 on a per-server basis; the http2 parameter of the listen directive is now deprecated" (commit aefd862ab)',
  },
  {
    name: 'listen',
    parameter: 'spdy',
    deprecated: '1.9.5',
    effect: 'ignored',
    removed: '1.19.7',
    replacement: 'listen ... http2',
    logLine: 'invalid parameter "spdy": ngx_http_spdy_module was superseded by ngx_http_v2_module',
    advice: 'Write `http2` in its place (`listen 443 ssl http2;`, or `http2 on;` in the server from nginx 1.25.1)',
    changes:
      'nginx 1.9.5 CHANGES: "the ngx_http_v2_module (replaces ngx_http_spdy_module)"; the warning that ignored "spdy" was removed in 1.19.7 (commit e82939206, "HTTP/2: removed SPDY directives handling"), after which it is an invalid parameter',
  },
  obsoleteV2('http2_recv_timeout', '1.19.7', 'client_header_timeout', V2_OBSOLETE_1_19_7),
  obsoleteV2('http2_idle_timeout', '1.19.7', 'keepalive_timeout', V2_OBSOLETE_1_19_7),
  obsoleteV2('http2_max_requests', '1.19.7', 'keepalive_requests', V2_OBSOLETE_1_19_7),
  obsoleteV2('http2_max_field_size', '1.19.7', 'large_client_header_buffers', V2_FIELD_1_19_7),
  obsoleteV2('http2_max_header_size', '1.19.7', 'large_client_header_buffers', V2_FIELD_1_19_7),
  obsoleteV2('http2_push', '1.25.1', undefined, V2_PUSH_1_25_1),
  obsoleteV2('http2_push_preload', '1.25.1', undefined, V2_PUSH_1_25_1),
  obsoleteV2('http2_max_concurrent_pushes', '1.25.1', undefined, V2_PUSH_1_25_1),
];

/** Deprecations by directive name. */
export const DEPRECATIONS_BY_NAME: ReadonlyMap<string, readonly NginxDeprecation[]> = (() => {
  const byName = new Map<string, NginxDeprecation[]>();
  for (const entry of NGINX_DEPRECATIONS) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);
  return byName;
})();

/** `listen` parameters that nginx-deprecated-directive reports (nginx-directive-args leaves them to it). */
export const DEPRECATED_LISTEN_PARAMETERS: ReadonlySet<string> = new Set(
  NGINX_DEPRECATIONS.filter((entry) => entry.name === 'listen' && entry.parameter).map((entry) => entry.parameter!),
);

/** Directives removed after a deprecation: nginx-deprecated-directive reports them, not nginx-unknown-directive. */
export function removedAfterDeprecation(name: string): boolean {
  return (DEPRECATIONS_BY_NAME.get(name) ?? []).some((entry) => entry.parameter === undefined && entry.removed !== undefined);
}
