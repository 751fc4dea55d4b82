/**
 * What nginx knows about each directive: the blocks it is allowed in, whether it opens a block,
 * how many arguments it takes, whether it is an on/off flag, whether a second one in the same
 * block is refused, and the releases it exists in. Sources, in this order:
 * - reference-directives.ts, generated from @nginx/reference-lib (the nginx documentation):
 *   names, modules, contexts, block or not, and argument counts derived from the syntax lines;
 * - the corrections below, written from nginx's own command tables (`ngx_command_t` in
 *   nginx/nginx@3f6f7824 = 1.31.5-dev, and the release tags 1.18.0 to 1.31.4) where a syntax line
 *   is ambiguous or the documentation differs from the code, the directives the documentation
 *   omits, the release each directive appeared in, and which handlers answer "is duplicate";
 * - third-party-directives.ts for third-party modules, enabled per tree;
 * - "nginx.extraDirectives" in .cfglint.json.
 *
 * Contexts are cfglint ids: `main`, `events`, `http`, `server`, `location`, `sif` (an `if` in a
 * server), `lif` (an `if` in a location), `limit_except`, `upstream`, `stream`, `stream_server`,
 * `stream_upstream`, `mail`, `mail_server`, block names of their own (`acme_issuer`,
 * `oidc_provider`, `mgmt`, `rtmp`, …), and `any` (include).
 */
import { REFERENCE_DIRECTIVES } from './directives.generated';
import { THIRD_PARTY_DIRECTIVES } from './third-party-directives';

/** Bit n: n arguments are accepted; bit 8: 8 or more (nginx's NGX_CONF_MAX_ARGS). */
export type ArgMask = number;
export const MANY_ARGS = 8;
const ANY_COUNT: ArgMask = 0x1ff;
const ONE_OR_MORE: ArgMask = 0x1fe;

export interface DirectiveSpec {
  name: string;
  /** `http_proxy`, `core`, or the third-party module key (`lua`), or `config`. */
  module: string;
  contexts: ReadonlySet<string>;
  block: boolean;
  args: ArgMask;
  /** An on/off flag: nginx refuses any other value (ngx_conf_set_flag_slot). */
  flag: boolean;
  /** As the documentation writes it, for messages. */
  syntax?: string;
  /** First release that has it (absent: every release from 1.18.0). */
  since?: string;
  /** First release that no longer has it. */
  removed?: string;
  /** nginx answers `"X" directive is duplicate` to a second one in the same block. */
  rejectsDuplicate: boolean;
  origin: 'nginx' | 'third-party' | 'config';
}

/** Human names of the context ids, for messages. */
export const CONTEXT_NAMES: Record<string, string> = {
  main: 'the main level',
  events: 'events',
  http: 'http',
  server: 'server',
  location: 'location',
  sif: 'if (in server)',
  lif: 'if (in location)',
  limit_except: 'limit_except',
  upstream: 'upstream',
  stream: 'stream',
  stream_server: 'server (in stream)',
  stream_upstream: 'upstream (in stream)',
  mail: 'mail',
  mail_server: 'server (in mail)',
  rtmp_server: 'server (in rtmp)',
  rtmp_application: 'application (in rtmp)',
  rtmp_recorder: 'recorder (in rtmp)',
};

export function contextName(id: string): string {
  return CONTEXT_NAMES[id] ?? id;
}

// ---- corrections from nginx's command tables ----------------------------------------------

const bits = (...counts: number[]): ArgMask => counts.reduce((mask, n) => mask | (1 << n), 0);

/**
 * Argument counts where the documentation's syntax line is ambiguous (`[parameters]`,
 * `users:permissions ...`, `(condition)`) or says more than the code accepts. Keyed by name, or
 * `name@family` when the families differ. From the NGX_CONF_TAKE and 1MORE flags in nginx/nginx@3f6f7824.
 */
const ARG_FACTS: Record<string, ArgMask> = {
  error_log: ONE_OR_MORE,
  access_log: ONE_OR_MORE,
  if: ONE_OR_MORE,
  dav_access: bits(1, 2, 3),
  fastcgi_store_access: bits(1, 2, 3),
  proxy_store_access: bits(1, 2, 3),
  scgi_store_access: bits(1, 2, 3),
  uwsgi_store_access: bits(1, 2, 3),
  geoip_country: bits(1, 2),
  geoip_org: bits(1, 2),
  geoip_city: bits(1, 2),
  ssl_protocols: ONE_OR_MORE,
  proxy_ssl_protocols: ONE_OR_MORE,
  grpc_ssl_protocols: ONE_OR_MORE,
  uwsgi_ssl_protocols: ONE_OR_MORE,
  proxy_cookie_flags: bits(1, 2, 3, 4),
  ssl_session_cache: bits(1, 2),
  ssl_ocsp_cache: bits(1),
  stub_status: bits(0, 1),
  tunnel_bind: bits(1, 2),
  userid_flags: bits(1, 2, 3),
  uwsgi_pass: bits(1),
  perl: bits(1),
  perl_set: bits(2),
  keepalive_disable: bits(1, 2),
  'server@upstream': ONE_OR_MORE,
  'server@stream_upstream': ONE_OR_MORE,
  // NGINX Plus: `[parameters]` stands for any number of them.
  health_check: ANY_COUNT,
  // njs (nginx/njs@3e02ae0f, nginx/ngx_{http,stream}_js_module.c).
  js_periodic: ANY_COUNT,
  js_fetch_protocols: ONE_OR_MORE,
  js_shared_dict_zone: ONE_OR_MORE,
  'js_engine@stream': ONE_OR_MORE,
};

/** Names with a per-context argument fact (`server@upstream`). */
const FACT_NAMES = new Set(
  Object.keys(ARG_FACTS)
    .filter((key) => key.includes('@'))
    .map((key) => key.split('@')[0]),
);

/**
 * Contexts where the documentation differs from the code (NGX_*_CONF in nginx/nginx@3f6f7824),
 * or leaves out a family: NGINX Plus's `status_zone` also stands in a stream server.
 */
const CONTEXT_FACTS: Record<string, string> = {
  'status_zone@http_api': 'server location lif stream_server',
  error_log: 'main http server location stream stream_server mail mail_server',
  fastcgi_split_path_info: 'http server location',
  secure_link_secret: 'http server location',
};

/**
 * Directives nginx accepts that the documentation does not list (obsolete or internal), from its
 * command tables: [name, module, contexts, block, args, flag].
 */
const UNDOCUMENTED: [string, string, string, 0 | 1, ArgMask, 0 | 1][] = [
  ['devpoll_changes', 'core', 'events', 0, 2, 0],
  ['devpoll_events', 'core', 'events', 0, 2, 0],
  ['epoll_events', 'core', 'events', 0, 2, 0],
  ['eventport_events', 'core', 'events', 0, 2, 0],
  ['iocp_threads', 'core', 'events', 0, 2, 0],
  ['post_acceptex', 'core', 'events', 0, 2, 0],
  ['acceptex_read', 'core', 'events', 0, 2, 1],
  ['kqueue_changes', 'core', 'events', 0, 2, 0],
  ['kqueue_events', 'core', 'events', 0, 2, 0],
  ['degradation', 'http_degradation', 'http', 0, 2, 0],
  ['degrade', 'http_degradation', 'http server location', 0, 2, 0],
  ['gzip_window', 'http_gzip', 'http server location', 0, 2, 0],
  ['gzip_hash', 'http_gzip', 'http server location', 0, 2, 0],
  ['postpone_gzipping', 'http_gzip', 'http server location', 0, 2, 0],
  ['gzip_no_buffer', 'http_gzip', 'http server location', 0, 2, 1],
  ['ssi_ignore_recycled_buffers', 'http_ssi', 'http server location', 0, 2, 1],
  ['uwsgi_string', 'http_uwsgi', 'http server location', 0, 2, 0],
  ['post_action', 'http_core', 'http server location lif', 0, 2, 0],
  ['open_file_cache_events', 'http_core', 'http server location', 0, 2, 1],
  ['http2_pool_size', 'http_v2', 'http server', 0, 2, 0],
  ['http2_streams_index_size', 'http_v2', 'http server', 0, 2, 0],
  ['js_context_reuse_max_size', 'http_js', 'http server location', 0, 2, 0],
  ['js_context_reuse_max_size', 'stream_js', 'stream stream_server', 0, 2, 0],
  ['proxy_downstream_buffer', 'stream_proxy', 'stream stream_server', 0, 2, 0],
  ['proxy_upstream_buffer', 'stream_proxy', 'stream stream_server', 0, 2, 0],
  ['spdy_recv_buffer_size', 'http_v2', 'http', 0, 2, 0],
  ['spdy_pool_size', 'http_v2', 'http server', 0, 2, 0],
  ['spdy_max_concurrent_streams', 'http_v2', 'http server', 0, 2, 0],
  ['spdy_streams_index_size', 'http_v2', 'http server', 0, 2, 0],
  ['spdy_recv_timeout', 'http_v2', 'http server', 0, 2, 0],
  ['spdy_keepalive_timeout', 'http_v2', 'http server', 0, 2, 0],
  ['spdy_headers_comp', 'http_v2', 'http server', 0, 2, 0],
  ['spdy_chunk_size', 'http_v2', 'http server location', 0, 2, 0],
];

/**
 * The first release whose command tables have the directive, for those added after 1.18.0 (the
 * oldest release cfglint supports), from the release tags 1.18.0 to 1.31.4.
 */
const ADDED_IN: Record<string, string> = {
  ssl_ocsp: '1.19.0',
  ssl_ocsp_responder: '1.19.0',
  ssl_ocsp_cache: '1.19.0',
  proxy_cookie_flags: '1.19.3',
  userid_flags: '1.19.3',
  grpc_ssl_conf_command: '1.19.4',
  proxy_ssl_conf_command: '1.19.4',
  ssl_conf_command: '1.19.4',
  ssl_reject_handshake: '1.19.4',
  uwsgi_ssl_conf_command: '1.19.4',
  proxy_smtp_auth: '1.19.4',
  keepalive_time: '1.19.10',
  max_errors: '1.21.0',
  mp4_start_key_frame: '1.21.4',
  proxy_half_close: '1.21.4',
  ssl_alpn: '1.21.4',
  quic_bpf: '1.25.0',
  http3: '1.25.0',
  http3_hq: '1.25.0',
  http3_max_concurrent_streams: '1.25.0',
  http3_stream_buffer_size: '1.25.0',
  quic_retry: '1.25.0',
  quic_gso: '1.25.0',
  quic_host_key: '1.25.0',
  quic_active_connection_id_limit: '1.25.0',
  http2: '1.25.1',
  pass: '1.25.5',
  proxy_pass_trailers: '1.27.2',
  ssl_object_cache_inheritable: '1.27.4',
  grpc_ssl_certificate_cache: '1.27.4',
  proxy_ssl_certificate_cache: '1.27.4',
  ssl_certificate_cache: '1.27.4',
  uwsgi_ssl_certificate_cache: '1.27.4',
  keepalive_min_timeout: '1.27.4',
  early_hints: '1.29.0',
  ssl_certificate_compression: '1.29.1',
  add_header_inherit: '1.29.3',
  add_trailer_inherit: '1.29.3',
  ssl_ech_file: '1.29.4',
  sticky: '1.29.6',
  max_headers: '1.29.8',
  tunnel_pass: '1.31.0',
  tunnel_bind: '1.31.0',
  tunnel_socket_keepalive: '1.31.0',
  tunnel_connect_timeout: '1.31.0',
  tunnel_send_timeout: '1.31.0',
  tunnel_send_lowat: '1.31.0',
  tunnel_buffer_size: '1.31.0',
  tunnel_read_timeout: '1.31.0',
  tunnel_next_upstream: '1.31.0',
  tunnel_next_upstream_tries: '1.31.0',
  tunnel_next_upstream_timeout: '1.31.0',
  least_time: '1.31.0',
  proxy_ssl_alpn: '1.31.0',
  fastcgi_socket_rcvbuf: '1.31.3',
  fastcgi_socket_sndbuf: '1.31.3',
  grpc_socket_rcvbuf: '1.31.3',
  grpc_socket_sndbuf: '1.31.3',
  proxy_socket_rcvbuf: '1.31.3',
  proxy_socket_sndbuf: '1.31.3',
  scgi_socket_rcvbuf: '1.31.3',
  scgi_socket_sndbuf: '1.31.3',
  tunnel_socket_rcvbuf: '1.31.3',
  tunnel_socket_sndbuf: '1.31.3',
  uwsgi_socket_rcvbuf: '1.31.3',
  uwsgi_socket_sndbuf: '1.31.3',
  xml_external_entities: '1.31.3',
};

/** The first release without the directive, for those removed since 1.18.0. */
const REMOVED_IN: Record<string, string> = {
  ssl: '1.25.1',
  spdy_recv_buffer_size: '1.19.7',
  spdy_pool_size: '1.19.7',
  spdy_max_concurrent_streams: '1.19.7',
  spdy_streams_index_size: '1.19.7',
  spdy_recv_timeout: '1.19.7',
  spdy_keepalive_timeout: '1.19.7',
  spdy_headers_comp: '1.19.7',
  spdy_chunk_size: '1.19.7',
};

/**
 * Directives whose handler refuses a second occurrence in the same block with `"X" directive is
 * duplicate`: every ngx_conf_set_{flag,str,num,size,off,msec,sec,bufs,enum}_slot, and every own
 * handler that returns "is duplicate" (nginx/nginx@3f6f7824). Not here, because they may repeat:
 * arrays (add_header, proxy_set_header, ...), bitmasks (ssl_protocols, proxy_next_upstream in
 * http), lists (listen, server_name, error_page, ...), and limit_req/limit_conn (duplicate only
 * for the same zone). `return` refuses a second one only in stream (in http it is a script step).
 */
const REJECTS_DUPLICATE = new Set(
  `
absolute_redirect accept_mutex accept_mutex_delay acceptex_read add_after_body add_before_body
add_header_inherit add_trailer_inherit aio aio_write alias auth_basic auth_basic_user_file
auth_delay auth_http_pass_client_cert auth_http_timeout auth_request autoindex
autoindex_exact_size autoindex_format autoindex_localtime charset chunked_transfer_encoding
client_body_buffer_size client_body_in_file_only client_body_in_single_buffer
client_body_temp_path client_body_timeout client_header_buffer_size client_header_timeout
client_max_body_size connection_pool_size create_full_put_path daemon dav_access debug_points
default_type degrade devpoll_changes devpoll_events directio directio_alignment disable_symlinks
epoll_events etag eventport_events events expires fastcgi_bind fastcgi_buffer_size
fastcgi_buffering fastcgi_buffers fastcgi_busy_buffers_size fastcgi_cache
fastcgi_cache_background_update fastcgi_cache_key fastcgi_cache_lock fastcgi_cache_lock_age
fastcgi_cache_lock_timeout fastcgi_cache_max_range_offset fastcgi_cache_min_uses
fastcgi_cache_revalidate fastcgi_connect_timeout fastcgi_force_ranges fastcgi_ignore_client_abort
fastcgi_index fastcgi_intercept_errors fastcgi_keep_conn fastcgi_max_temp_file_size
fastcgi_next_upstream_timeout fastcgi_next_upstream_tries fastcgi_pass fastcgi_pass_request_body
fastcgi_pass_request_headers fastcgi_read_timeout fastcgi_request_buffering fastcgi_send_lowat
fastcgi_send_timeout fastcgi_socket_keepalive fastcgi_socket_rcvbuf fastcgi_socket_sndbuf
fastcgi_store fastcgi_store_access fastcgi_temp_file_write_size fastcgi_temp_path geoip_city
geoip_country geoip_org geoip_proxy_recursive google_perftools_profiles grpc_bind
grpc_buffer_size grpc_connect_timeout grpc_intercept_errors grpc_next_upstream_timeout
grpc_next_upstream_tries grpc_pass grpc_read_timeout grpc_send_timeout grpc_socket_keepalive
grpc_socket_rcvbuf grpc_socket_sndbuf grpc_ssl_certificate grpc_ssl_certificate_cache
grpc_ssl_certificate_key grpc_ssl_ciphers grpc_ssl_crl grpc_ssl_name grpc_ssl_password_file
grpc_ssl_server_name grpc_ssl_session_reuse grpc_ssl_trusted_certificate grpc_ssl_verify
grpc_ssl_verify_depth gunzip gunzip_buffers gzip gzip_buffers gzip_comp_level gzip_hash
gzip_http_version gzip_min_length gzip_no_buffer gzip_static gzip_vary gzip_window http http2
http2_body_preread_size http2_chunk_size http2_max_concurrent_streams http2_pool_size
http2_recv_buffer_size http2_streams_index_size http3 http3_hq http3_max_concurrent_streams
http3_stream_buffer_size if_modified_since ignore_invalid_headers image_filter_buffer
image_filter_interlace image_filter_transparency imap_client_buffer internal iocp_threads
keepalive keepalive_min_timeout keepalive_requests keepalive_time keepalive_timeout
kqueue_changes kqueue_events large_client_header_buffers limit_conn_dry_run limit_conn_log_level
limit_conn_status limit_except limit_req_dry_run limit_req_log_level limit_req_status
lingering_close lingering_time lingering_timeout lock_file log_not_found log_subrequest mail
map_hash_bucket_size map_hash_max_size master_process max_errors max_headers max_ranges
memcached_bind memcached_buffer_size memcached_connect_timeout memcached_gzip_flag
memcached_next_upstream_timeout memcached_next_upstream_tries memcached_pass
memcached_read_timeout memcached_send_timeout memcached_socket_keepalive merge_slashes
min_delete_depth mirror mirror_request_body mp4_buffer_size mp4_max_buffer_size
mp4_start_key_frame msie_padding msie_refresh multi_accept open_file_cache open_file_cache_errors
open_file_cache_events open_file_cache_min_uses open_file_cache_valid open_log_file_cache
output_buffers override_charset pass pcre_jit pid port_in_redirect post_acceptex post_action
postpone_gzipping postpone_output preread_buffer_size preread_timeout proxy proxy_bind
proxy_buffer proxy_buffer_size proxy_buffering proxy_buffers proxy_busy_buffers_size proxy_cache
proxy_cache_background_update proxy_cache_convert_head proxy_cache_key proxy_cache_lock
proxy_cache_lock_age proxy_cache_lock_timeout proxy_cache_max_range_offset proxy_cache_min_uses
proxy_cache_revalidate proxy_connect_timeout proxy_cookie_domain proxy_cookie_flags
proxy_cookie_path proxy_downstream_buffer proxy_force_ranges proxy_half_close
proxy_headers_hash_bucket_size proxy_headers_hash_max_size proxy_http_version
proxy_ignore_client_abort proxy_intercept_errors proxy_max_temp_file_size proxy_method
proxy_next_upstream_timeout proxy_next_upstream_tries proxy_pass proxy_pass_error_message
proxy_pass_request_body proxy_pass_request_headers proxy_pass_trailers proxy_protocol
proxy_protocol_timeout proxy_read_timeout proxy_redirect proxy_request_buffering proxy_requests
proxy_responses proxy_send_lowat proxy_send_timeout proxy_set_body proxy_smtp_auth
proxy_socket_keepalive proxy_socket_rcvbuf proxy_socket_sndbuf proxy_ssl proxy_ssl_alpn
proxy_ssl_certificate proxy_ssl_certificate_cache proxy_ssl_certificate_key proxy_ssl_ciphers
proxy_ssl_crl proxy_ssl_name proxy_ssl_password_file proxy_ssl_server_name
proxy_ssl_session_reuse proxy_ssl_trusted_certificate proxy_ssl_verify proxy_ssl_verify_depth
proxy_store proxy_store_access proxy_temp_file_write_size proxy_temp_path proxy_timeout
proxy_upstream_buffer quic_active_connection_id_limit quic_bpf quic_gso quic_host_key quic_retry
random_index read_ahead real_ip_header real_ip_recursive recursive_error_pages
referer_hash_bucket_size referer_hash_max_size request_pool_size reset_timedout_connection
resolver resolver_timeout rewrite_log root satisfy scgi_bind scgi_buffer_size scgi_buffering
scgi_buffers scgi_busy_buffers_size scgi_cache scgi_cache_background_update scgi_cache_key
scgi_cache_lock scgi_cache_lock_age scgi_cache_lock_timeout scgi_cache_max_range_offset
scgi_cache_min_uses scgi_cache_revalidate scgi_connect_timeout scgi_force_ranges
scgi_ignore_client_abort scgi_intercept_errors scgi_max_temp_file_size scgi_next_upstream_timeout
scgi_next_upstream_tries scgi_pass scgi_pass_request_body scgi_pass_request_headers
scgi_read_timeout scgi_request_buffering scgi_send_timeout scgi_socket_keepalive
scgi_socket_rcvbuf scgi_socket_sndbuf scgi_store scgi_store_access scgi_temp_file_write_size
scgi_temp_path secure_link secure_link_md5 secure_link_secret send_lowat send_timeout sendfile
sendfile_max_chunk server_name_in_redirect server_names_hash_bucket_size
server_names_hash_max_size server_tokens slice smtp_client_buffer smtp_greeting_delay
source_charset ssi ssi_ignore_recycled_buffers ssi_last_modified ssi_min_file_chunk
ssi_silent_errors ssi_value_length ssl_alpn ssl_buffer_size ssl_certificate_cache
ssl_certificate_compression ssl_ciphers ssl_client_certificate ssl_crl ssl_dhparam ssl_early_data
ssl_ecdh_curve ssl_engine ssl_handshake_timeout ssl_object_cache_inheritable ssl_ocsp
ssl_ocsp_cache ssl_ocsp_responder ssl_password_file ssl_prefer_server_ciphers ssl_preread
ssl_reject_handshake ssl_session_tickets ssl_session_timeout ssl_stapling ssl_stapling_file
ssl_stapling_responder ssl_stapling_verify ssl_trusted_certificate ssl_verify_client
ssl_verify_depth sticky stream sub_filter_last_modified sub_filter_once
subrequest_output_buffer_size tcp_nodelay tcp_nopush timeout timer_resolution try_files
tunnel_bind tunnel_buffer_size tunnel_connect_timeout tunnel_next_upstream_timeout
tunnel_next_upstream_tries tunnel_pass tunnel_read_timeout tunnel_send_lowat tunnel_send_timeout
tunnel_socket_keepalive tunnel_socket_rcvbuf tunnel_socket_sndbuf types_hash_bucket_size
types_hash_max_size underscores_in_headers uninitialized_variable_warn use user userid
userid_domain userid_expires userid_mark userid_name userid_p3p userid_path userid_service
uwsgi_bind uwsgi_buffer_size uwsgi_buffering uwsgi_buffers uwsgi_busy_buffers_size uwsgi_cache
uwsgi_cache_background_update uwsgi_cache_key uwsgi_cache_lock uwsgi_cache_lock_age
uwsgi_cache_lock_timeout uwsgi_cache_max_range_offset uwsgi_cache_min_uses uwsgi_cache_revalidate
uwsgi_connect_timeout uwsgi_force_ranges uwsgi_ignore_client_abort uwsgi_intercept_errors
uwsgi_max_temp_file_size uwsgi_modifier1 uwsgi_modifier2 uwsgi_next_upstream_timeout
uwsgi_next_upstream_tries uwsgi_pass uwsgi_pass_request_body uwsgi_pass_request_headers
uwsgi_read_timeout uwsgi_request_buffering uwsgi_send_timeout uwsgi_socket_keepalive
uwsgi_socket_rcvbuf uwsgi_socket_sndbuf uwsgi_ssl_certificate uwsgi_ssl_certificate_cache
uwsgi_ssl_certificate_key uwsgi_ssl_ciphers uwsgi_ssl_crl uwsgi_ssl_name uwsgi_ssl_password_file
uwsgi_ssl_server_name uwsgi_ssl_session_reuse uwsgi_ssl_trusted_certificate uwsgi_ssl_verify
uwsgi_ssl_verify_depth uwsgi_store uwsgi_store_access uwsgi_string uwsgi_temp_file_write_size
uwsgi_temp_path variables_hash_bucket_size variables_hash_max_size worker_aio_requests
worker_connections worker_cpu_affinity worker_priority worker_processes worker_rlimit_core
worker_rlimit_nofile worker_shutdown_timeout working_directory xclient xml_entities
xml_external_entities xslt_last_modified
`
    .trim()
    .split(/\s+/),
);

/** Directives that share one setting: the second of either is refused (ngx_http_core_root). */
export const SHARED_SETTING: Record<string, string> = { root: 'root/alias', alias: 'root/alias' };

/**
 * Blocks whose lines are data for the module (map entries, types, ...), not directives: their
 * content is never checked. `geoip2` (third-party) defines variables the same way.
 */
export const DATA_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match', 'num_map', 'geoip2']);

/**
 * The context a block directive opens, from the context it stands in. Undefined: a block whose
 * content cfglint does not check (an unknown block, a third-party block with contexts of its own).
 */
export function childContext(name: string, parent: string): string | undefined {
  switch (name) {
    case 'http':
      return 'http';
    case 'events':
      return 'events';
    case 'stream':
      return 'stream';
    case 'mail':
      return 'mail';
    case 'mgmt':
      return 'mgmt';
    case 'acme_issuer':
      return 'acme_issuer';
    case 'oidc_provider':
      return 'oidc_provider';
    case 'location':
      return 'location';
    case 'limit_except':
      return 'limit_except';
    case 'if':
      return parent === 'server' ? 'sif' : 'lif';
    case 'server':
      if (parent === 'stream' || parent === 'stream_upstream') return 'stream_server';
      if (parent === 'mail') return 'mail_server';
      if (parent === 'rtmp') return 'rtmp_server';
      return 'server';
    case 'upstream':
      return parent === 'stream' || parent === 'stream_server' ? 'stream_upstream' : 'upstream';
    case 'rtmp':
      return 'rtmp';
    case 'application':
      return parent === 'rtmp_server' || parent === 'rtmp_application' ? 'rtmp_application' : undefined;
    case 'recorder':
      return parent === 'rtmp_application' || parent === 'rtmp_server' || parent === 'rtmp' ? 'rtmp_recorder' : undefined;
    default:
      return undefined;
  }
}

// ---- third-party modules ------------------------------------------------------------------

/** Module keys "nginx.modules" accepts: the third-party table's, plus aliases. */
export const THIRD_PARTY_MODULES = Object.keys(THIRD_PARTY_DIRECTIVES).sort();

export const MODULE_ALIASES: Record<string, string> = {
  /** OpenResty's bundle: lua, ndk, set-misc, echo, headers-more. */
  openresty: 'openresty',
  /** nginx's own JavaScript module: always known, accepted for clarity. */
  njs: 'njs',
  'stream-lua': 'lua',
  'vhost-traffic-status': 'vts',
};

/** What OpenResty bundles (its configure enables these modules by default). */
export const OPENRESTY_BUNDLE = ['lua', 'ndk', 'set-misc', 'echo', 'headers-more'];

/**
 * Modules of NGINX Plus alone (nginx.org's pages for each say "available as part of our
 * commercial subscription"): a config with their directives runs NGINX Plus, whose releases are
 * not nginx's, and which had some directives first (`sticky`, in nginx only from 1.29.6).
 */
const NGINX_PLUS_MODULES = new Set([
  'http_api',
  'http_auth_jwt',
  'http_f4f',
  'http_hls',
  'http_internal_redirect',
  'http_keyval',
  'http_oidc',
  'http_session_log',
  'http_status',
  'http_upstream_conf',
  'http_upstream_hc',
  'mgmt',
  'stream_keyval',
  'stream_mqtt_filter',
  'stream_mqtt_preread',
  'stream_upstream_hc',
  'stream_zone_sync',
]);

/** Whether every variant of a directive belongs to NGINX Plus alone (`health_check`, `status_zone`). */
export function isNginxPlusOnly(specs: readonly DirectiveSpec[]): boolean {
  return specs.length > 0 && specs.every((spec) => NGINX_PLUS_MODULES.has(spec.module));
}

/** `load_module modules/<file>.so` file names → module keys. */
const LOAD_MODULE_FILES: [RegExp, string][] = [
  [/ngx_(http|stream)_lua_module/, 'lua'],
  [/ndk_http_module/, 'ndk'],
  [/headers_more/, 'headers-more'],
  [/brotli/, 'brotli'],
  [/otel_ngx_module/, 'opentelemetry'],
  [/ngx_http_opentracing_module/, 'opentracing'],
  [/vhost_traffic_status/, 'vts'],
  [/geoip2/, 'geoip2'],
  [/nchan/, 'nchan'],
  [/passenger/, 'passenger'],
  [/set_misc/, 'set-misc'],
  [/ngx_http_echo_module/, 'echo'],
  [/rtmp/, 'rtmp'],
  [/modsecurity/, 'modsecurity'],
  [/pagespeed/, 'pagespeed'],
  [/naxsi/, 'naxsi'],
  [/vod/, 'vod'],
  [/upload_?progress/, 'upload-progress'],
  [/upstream_check|healthcheck/, 'upstream-check'],
  [/cache_purge/, 'cache-purge'],
  [/fancyindex/, 'fancyindex'],
  [/dav_ext/, 'dav-ext'],
  [/subs_filter/, 'subs-filter'],
  [/ipscrub/, 'ipscrub'],
  [/zstd/, 'zstd'],
];

/**
 * nginx's own modules that build as dynamic ones (auto/modules: `--with-*=dynamic`), njs's
 * (nginx/njs nginx/config), nginx-otel's and nginx-acme's: their directives are in the reference table.
 */
const NGINX_DYNAMIC_MODULE_FILE = /^ngx_(http_(xslt_filter|image_filter|geoip|perl|js|acme)|stream(_geoip|_js)?|mail|otel)_module(-debug)?\.so$/;

/** The module key a `load_module` path loads, if cfglint knows it. */
export function moduleOfLoadPath(path: string): string | undefined {
  const file = path.split('/').pop() ?? path;
  return LOAD_MODULE_FILES.find(([pattern]) => pattern.test(file))?.[1];
}

/** Whether a `load_module` path loads one of nginx's own dynamic modules (whose directives are nginx's). */
export function isNginxModuleLoadPath(path: string): boolean {
  return NGINX_DYNAMIC_MODULE_FILE.test(path.split('/').pop() ?? path);
}

/** Is `name` a key "nginx.modules" accepts? */
export function isKnownModule(name: string): boolean {
  return name in THIRD_PARTY_DIRECTIVES || name in MODULE_ALIASES;
}

// ---- the table ----------------------------------------------------------------------------

export interface DirectiveTableOptions {
  /** Third-party module keys enabled (nginx.modules, load_module, OpenResty, a package an image installs). */
  modules?: Iterable<string>;
  /** nginx.extraDirectives: name → context ids (or `any`). */
  extraDirectives?: Record<string, string[]>;
}

/**
 * The specs of the names a tree uses, made on first lookup: a small tree names a few dozen of the
 * ~1,200 directives, and making them all cost more than its rules (docs/performance.md, "Start-up").
 * Each name's variants come in the order they were always listed: nginx's own (the reference
 * rows, then the undocumented), the enabled third-party modules', then nginx.extraDirectives'.
 */
export class DirectiveTable {
  /** Every name's variants, nginx's and this table's extras, once looked up. */
  private readonly byName = new Map<string, readonly DirectiveSpec[]>();
  /** Third-party directives of enabled modules and nginx.extraDirectives, by name, in table order. */
  private readonly extras = new Map<string, DirectiveSpec[]>();
  /** Third-party directives of modules that are not enabled: name → module key. */
  private readonly disabled = new Map<string, string>();
  readonly enabledModules: ReadonlySet<string>;

  constructor(options: DirectiveTableOptions = {}) {
    const enabled = new Set<string>();
    for (const name of options.modules ?? []) {
      const key = MODULE_ALIASES[name] ?? name;
      if (key === 'openresty') OPENRESTY_BUNDLE.forEach((m) => enabled.add(m));
      else enabled.add(key);
    }
    this.enabledModules = enabled;
    const nginxRows = nginxRowsByName();
    for (const [module, rows] of Object.entries(THIRD_PARTY_DIRECTIVES)) {
      for (const [name, contexts, block, args, flag] of rows) {
        if (!enabled.has(module)) {
          if (!nginxRows.has(name) && !this.extras.has(name) && !this.disabled.has(name)) this.disabled.set(name, module);
          continue;
        }
        this.addExtra({
          name,
          module,
          contexts: new Set(contexts.split(' ')),
          block: block === 1,
          args,
          flag: flag === 1,
          rejectsDuplicate: false,
          origin: 'third-party',
        });
      }
    }
    for (const [name, contexts] of Object.entries(options.extraDirectives ?? {})) {
      this.disabled.delete(name);
      // A declared directive may be a block or not and take any arguments: only its place is known.
      this.addExtra({
        name,
        module: 'config',
        contexts: new Set(contexts),
        block: true,
        args: ANY_COUNT,
        flag: false,
        rejectsDuplicate: false,
        origin: 'config',
      });
      this.addExtra({
        name,
        module: 'config',
        contexts: new Set(contexts),
        block: false,
        args: ANY_COUNT,
        flag: false,
        rejectsDuplicate: false,
        origin: 'config',
      });
    }
  }

  private addExtra(spec: DirectiveSpec) {
    const list = this.extras.get(spec.name);
    if (list) list.push(spec);
    else this.extras.set(spec.name, [spec]);
  }

  /** Every variant of `name` in the enabled modules (empty: unknown). */
  lookup(name: string): readonly DirectiveSpec[] {
    let specs = this.byName.get(name);
    if (specs === undefined) {
      const own = nginxSpecsNamed(name);
      const extra = this.extras.get(name);
      specs = extra === undefined ? own : [...own, ...extra];
      // Unknown names are not kept: a hostile tree may use any number of them.
      if (specs.length > 0) this.byName.set(name, specs);
    }
    return specs;
  }

  /** The third-party module a name belongs to when that module is not enabled. */
  disabledModuleOf(name: string): string | undefined {
    return this.disabled.get(name);
  }

  /**
   * The variants nginx would try in `context` (ngx_conf_handler: the name matches and the
   * context bit is set). `config` variants count only when their block-ness matches.
   */
  allowedIn(name: string, context: string): DirectiveSpec[] {
    return this.lookup(name).filter((spec) => spec.contexts.has('any') || spec.contexts.has(context));
  }

  /** Every name the table knows: nginx's in their rows' order, then the extras' new ones. */
  *names(): IterableIterator<string> {
    const nginxRows = nginxRowsByName();
    yield* nginxRows.keys();
    for (const name of this.extras.keys()) if (!nginxRows.has(name)) yield name;
  }
}

type NginxRow = readonly [name: string, module: string, contexts: string, block: 0 | 1, args: ArgMask, flag: 0 | 1, syntax?: string];

let nginxRowIndex: Map<string, NginxRow[]> | undefined;

/** nginx's own rows (the generated reference, then the undocumented) by name, in that order. */
function nginxRowsByName(): Map<string, NginxRow[]> {
  if (nginxRowIndex) return nginxRowIndex;
  const index = new Map<string, NginxRow[]>();
  const add = (row: NginxRow) => {
    const rows = index.get(row[0]);
    if (rows) rows.push(row);
    else index.set(row[0], [row]);
  };
  for (const row of REFERENCE_DIRECTIVES) add(row);
  for (const row of UNDOCUMENTED) add(row);
  nginxRowIndex = index;
  return index;
}

const NO_SPECS: readonly DirectiveSpec[] = [];

/** Specs made so far, shared by every table: nginx's own facts do not depend on the tree. */
const nginxSpecCache = new Map<string, readonly DirectiveSpec[]>();
/** Many directives share a context list: one Set each. */
const contextSets = new Map<string, ReadonlySet<string>>();

function contextSetOf(text: string): ReadonlySet<string> {
  let set = contextSets.get(text);
  if (!set) contextSets.set(text, (set = new Set(text.split(' '))));
  return set;
}

/** nginx's own variants of one name: its reference rows with the facts above applied. */
function nginxSpecsNamed(name: string): readonly DirectiveSpec[] {
  let specs = nginxSpecCache.get(name);
  if (specs === undefined) {
    const rows = nginxRowsByName().get(name);
    if (rows === undefined) return NO_SPECS;
    specs = rows.map(([, module, contexts, block, args, flag, syntax]) => nginxSpec(name, module, contexts, block === 1, args, flag === 1, syntax));
    nginxSpecCache.set(name, specs);
  }
  return specs;
}

function nginxSpec(name: string, module: string, contexts: string, block: boolean, args: ArgMask, flag: boolean, syntax?: string): DirectiveSpec {
  const contextSet = contextSetOf(CONTEXT_FACTS[`${name}@${module}`] ?? CONTEXT_FACTS[name] ?? contexts);
  const factKey = FACT_NAMES.has(name) ? ([...contextSet].map((c) => `${name}@${c}`).find((key) => key in ARG_FACTS) ?? name) : name;
  const stream = module.startsWith('stream_');
  let rejectsDuplicate = REJECTS_DUPLICATE.has(name);
  if ((name === 'return' || name === 'proxy_next_upstream') && stream) rejectsDuplicate = true;
  // The mail and stream variants of these names are lists or absent from the code's duplicate check.
  if (name === 'server' || name === 'listen') rejectsDuplicate = false;
  return {
    name,
    module,
    contexts: contextSet,
    block,
    args: ARG_FACTS[factKey] ?? args,
    flag,
    syntax,
    since: ADDED_IN[name],
    removed: REMOVED_IN[name],
    rejectsDuplicate,
    origin: 'nginx',
  };
}

/** Argument counts as words: "1", "1 or 2", "1 or more", "none". */
export function describeArgs(mask: ArgMask): string {
  const counts: number[] = [];
  for (let n = 0; n <= MANY_ARGS; n++) if (mask & (1 << n)) counts.push(n);
  if (counts.length === 0) return 'none';
  const last = counts[counts.length - 1];
  if (last === MANY_ARGS) {
    // A run up to "8 or more" reads as "n or more".
    let from = MANY_ARGS;
    while (from - 1 >= 0 && mask & (1 << (from - 1))) from--;
    const head = counts.filter((n) => n < from);
    const tail = from === 0 ? 'any number' : `${from} or more`;
    return head.length > 0 ? `${head.join(', ')} or ${tail}` : tail;
  }
  if (counts.length === 1) return counts[0] === 0 ? 'none' : String(counts[0]);
  return `${counts.slice(0, -1).join(', ')} or ${last}`;
}

export function acceptsCount(mask: ArgMask, count: number): boolean {
  return (mask & (1 << Math.min(count, MANY_ARGS))) !== 0;
}
