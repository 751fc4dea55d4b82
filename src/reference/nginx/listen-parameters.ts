/**
 * The parameters nginx's http `listen` accepts after the address (ngx_http_core_listen in
 * src/http/ngx_http_core_module.c); anything else is `invalid parameter "X"` and nginx does not
 * start. Those written `name=value` are listed with the `=`.
 */
export const HTTP_LISTEN_PARAMETERS: ReadonlySet<string> = new Set([
  'default_server',
  'default',
  'bind',
  'deferred',
  'reuseport',
  'ssl',
  'http2',
  'quic',
  'proxy_protocol',
  // nginx 1.29.7 CHANGES: "the multipath parameter of the listen directive"
  'multipath',
]);

export const HTTP_LISTEN_VALUED_PARAMETERS: readonly string[] = [
  'setfib=',
  'fastopen=',
  'backlog=',
  'rcvbuf=',
  'sndbuf=',
  'accept_filter=',
  'ipv6only=',
  'so_keepalive=',
];
