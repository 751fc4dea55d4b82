/**
 * The names Gunicorn knows, written from gunicorn/config.py (tag 20.1.0, Debian 12's release,
 * and every release tag up to 26.1.0 for names added later), and the queries the reader and the
 * rules ask about them: which command-line flag sets which setting, and which real name a
 * misspelt one was probably meant to be.
 *
 * A config file is a Python module; gunicorn keeps the module-level names that are settings and
 * ignores every other name without a word (20.1.0 gunicorn/app/base.py:139-144, "# Ignore
 * unknown names"; docs/servers/gunicorn.md#unknown-settings). Names are matched exactly, so `KEEPALIVE` is ignored too.
 */
import { editDistance, isPlausibleName } from '../source/suggest';

/** How argparse stores a flag (20.1.0 `Setting.add_option`). */
export type GunicornCliAction = 'store' | 'append' | 'store_true' | 'store_const';

/** The argparse `type` of a flag: `int` is Python's int() in base 10, `auto_int` also takes octal `022`. */
export type GunicornCliType = 'int' | 'auto_int' | 'str';

export interface GunicornSettingInfo {
  name: string;
  /** Flags in 20.1.0 (none: the setting exists only in a config file). */
  cli: string[];
  action: GunicornCliAction;
  type: GunicornCliType;
  /** The first release with this name: `20.1.0` means "in Debian's 20.1.0" (it may be older). */
  since: string;
  /** A server hook: a function gunicorn calls (`def post_fork(server, worker)`), not a value. */
  hook?: boolean;
}

/** Compact rows: name, flags (space separated), action, type. Order follows 20.1.0 config.py. */
const ROWS_20_1_0: [string, string, GunicornCliAction, GunicornCliType][] = [
  ['config', '-c --config', 'store', 'str'],
  ['wsgi_app', '', 'store', 'str'],
  ['bind', '-b --bind', 'append', 'str'],
  ['backlog', '--backlog', 'store', 'int'],
  ['workers', '-w --workers', 'store', 'int'],
  ['worker_class', '-k --worker-class', 'store', 'str'],
  ['threads', '--threads', 'store', 'int'],
  ['worker_connections', '--worker-connections', 'store', 'int'],
  ['max_requests', '--max-requests', 'store', 'int'],
  ['max_requests_jitter', '--max-requests-jitter', 'store', 'int'],
  ['timeout', '-t --timeout', 'store', 'int'],
  ['graceful_timeout', '--graceful-timeout', 'store', 'int'],
  ['keepalive', '--keep-alive', 'store', 'int'],
  ['limit_request_line', '--limit-request-line', 'store', 'int'],
  ['limit_request_fields', '--limit-request-fields', 'store', 'int'],
  ['limit_request_field_size', '--limit-request-field_size', 'store', 'int'],
  ['reload', '--reload', 'store_true', 'str'],
  ['reload_engine', '--reload-engine', 'store', 'str'],
  ['reload_extra_files', '--reload-extra-file', 'append', 'str'],
  ['spew', '--spew', 'store_true', 'str'],
  ['check_config', '--check-config', 'store_true', 'str'],
  ['print_config', '--print-config', 'store_true', 'str'],
  ['preload_app', '--preload', 'store_true', 'str'],
  ['sendfile', '--no-sendfile', 'store_const', 'str'],
  ['reuse_port', '--reuse-port', 'store_true', 'str'],
  ['chdir', '--chdir', 'store', 'str'],
  ['daemon', '-D --daemon', 'store_true', 'str'],
  ['raw_env', '-e --env', 'append', 'str'],
  ['pidfile', '-p --pid', 'store', 'str'],
  ['worker_tmp_dir', '--worker-tmp-dir', 'store', 'str'],
  ['user', '-u --user', 'store', 'str'],
  ['group', '-g --group', 'store', 'str'],
  ['umask', '-m --umask', 'store', 'auto_int'],
  ['initgroups', '--initgroups', 'store_true', 'str'],
  ['tmp_upload_dir', '', 'store', 'str'],
  ['secure_scheme_headers', '', 'store', 'str'],
  ['forwarded_allow_ips', '--forwarded-allow-ips', 'store', 'str'],
  ['accesslog', '--access-logfile', 'store', 'str'],
  ['disable_redirect_access_to_syslog', '--disable-redirect-access-to-syslog', 'store_true', 'str'],
  ['access_log_format', '--access-logformat', 'store', 'str'],
  ['errorlog', '--error-logfile --log-file', 'store', 'str'],
  ['loglevel', '--log-level', 'store', 'str'],
  ['capture_output', '--capture-output', 'store_true', 'str'],
  ['logger_class', '--logger-class', 'store', 'str'],
  ['logconfig', '--log-config', 'store', 'str'],
  ['logconfig_dict', '', 'store', 'str'],
  ['syslog_addr', '--log-syslog-to', 'store', 'str'],
  ['syslog', '--log-syslog', 'store_true', 'str'],
  ['syslog_prefix', '--log-syslog-prefix', 'store', 'str'],
  ['syslog_facility', '--log-syslog-facility', 'store', 'str'],
  ['enable_stdio_inheritance', '-R --enable-stdio-inheritance', 'store_true', 'str'],
  ['statsd_host', '--statsd-host', 'store', 'str'],
  ['dogstatsd_tags', '--dogstatsd-tags', 'store', 'str'],
  ['statsd_prefix', '--statsd-prefix', 'store', 'str'],
  ['proc_name', '-n --name', 'store', 'str'],
  ['default_proc_name', '', 'store', 'str'],
  ['pythonpath', '--pythonpath', 'store', 'str'],
  ['paste', '--paste --paster', 'store', 'str'],
  ['proxy_protocol', '--proxy-protocol', 'store_true', 'str'],
  ['proxy_allow_ips', '--proxy-allow-from', 'store', 'str'],
  ['keyfile', '--keyfile', 'store', 'str'],
  ['certfile', '--certfile', 'store', 'str'],
  ['ssl_version', '--ssl-version', 'store', 'str'],
  ['cert_reqs', '--cert-reqs', 'store', 'str'],
  ['ca_certs', '--ca-certs', 'store', 'str'],
  ['suppress_ragged_eofs', '--suppress-ragged-eofs', 'store_true', 'str'],
  ['do_handshake_on_connect', '--do-handshake-on-connect', 'store_true', 'str'],
  ['ciphers', '--ciphers', 'store', 'str'],
  ['raw_paste_global_conf', '--paste-global', 'append', 'str'],
  ['strip_header_spaces', '--strip-header-spaces', 'store_true', 'str'],
  // Debian backported it into 20.1.0-6+deb12u1 (security fix); upstream it is 22.0.0 only.
  ['tolerate_dangerous_framing', '--tolerate-dangerous-framing', 'store_true', 'str'],
];

/** Server hooks of 20.1.0 (section "Server Hooks"): callables, usually written with `def`. */
const HOOKS_20_1_0 = [
  'on_starting',
  'on_reload',
  'when_ready',
  'pre_fork',
  'post_fork',
  'post_worker_init',
  'worker_int',
  'worker_abort',
  'pre_exec',
  'pre_request',
  'post_request',
  'child_exit',
  'worker_exit',
  'nworkers_changed',
  'on_exit',
];

/**
 * Names added after 20.1.0, with the first release tag whose config.py has them. The tree does
 * not say which release runs, so these are known names too (never reported as unknown).
 */
const LATER: [string, string][] = [
  ['logconfig_json', '21.0.0'],
  ['ssl_context', '21.0.0'],
  ['casefold_http_method', '22.0.0'],
  ['header_map', '22.0.0'],
  ['permit_unconventional_http_method', '22.0.0'],
  ['permit_unconventional_http_version', '22.0.0'],
  ['forwarder_headers', '23.0.0'],
  ['permit_obsolete_folding', '23.0.0'],
  ['asgi_lifespan', '24.0.0'],
  ['asgi_loop', '24.0.0'],
  ['protocol', '24.0.0'],
  ['root_path', '24.0.0'],
  ['uwsgi_allow_ips', '24.0.0'],
  ['enable_backlog_metric', '24.1.0'],
  ['dirty_apps', '25.0.0'],
  ['dirty_graceful_timeout', '25.0.0'],
  ['dirty_threads', '25.0.0'],
  ['dirty_timeout', '25.0.0'],
  ['dirty_workers', '25.0.0'],
  ['http2_initial_window_size', '25.0.0'],
  ['http2_max_concurrent_streams', '25.0.0'],
  ['http2_max_frame_size', '25.0.0'],
  ['http2_max_header_list_size', '25.0.0'],
  ['http_protocols', '25.0.0'],
  ['asgi_disconnect_grace_period', '25.0.2'],
  ['control_socket', '25.1.0'],
  ['control_socket_disable', '25.1.0'],
  ['control_socket_mode', '25.1.0'],
  ['http_parser', '25.2.0'],
  // After 26.1.0, on the main branch (HEAD 65ac1a3a).
  ['http2_cleartext', 'main after 26.1.0'],
];
const LATER_HOOKS: [string, string][] = [
  ['dirty_post_fork', '25.0.0'],
  ['dirty_worker_exit', '25.0.0'],
  ['dirty_worker_init', '25.0.0'],
  ['on_dirty_starting', '25.0.0'],
];

/** Settings gunicorn once had and dropped: a config file that still sets them sets nothing. */
export const REMOVED_GUNICORN_SETTINGS: ReadonlyMap<string, { removedIn: string; note: string }> = new Map([
  ['debug', { removedIn: '19.2', note: 'use "reload" (and "loglevel = \\"debug\\"")' }],
  ['django_settings', { removedIn: '19.7', note: 'set DJANGO_SETTINGS_MODULE in the environment ("raw_env")' }],
  ['x_forwarded_for_header', { removedIn: '19.0', note: 'see "forwarded_allow_ips"' }],
]);

export const GUNICORN_SETTINGS: ReadonlyMap<string, GunicornSettingInfo> = new Map([
  ...ROWS_20_1_0.map(([name, flags, action, type]): [string, GunicornSettingInfo] => [
    name,
    { name, cli: flags ? flags.split(' ') : [], action, type, since: name === 'tolerate_dangerous_framing' ? '22.0.0 (Debian 20.1.0-6+deb12u1)' : '20.1.0' },
  ]),
  ...HOOKS_20_1_0.map((name): [string, GunicornSettingInfo] => [name, { name, cli: [], action: 'store', type: 'str', since: '20.1.0', hook: true }]),
  ...LATER.map(([name, since]): [string, GunicornSettingInfo] => [name, { name, cli: [], action: 'store', type: 'str', since }]),
  ...LATER_HOOKS.map(([name, since]): [string, GunicornSettingInfo] => [name, { name, cli: [], action: 'store', type: 'str', since, hook: true }]),
]);

export function isGunicornSetting(name: string): boolean {
  return GUNICORN_SETTINGS.has(name);
}

/** Every flag of 20.1.0 (`--keep-alive`, `-w`) → its setting. */
export const GUNICORN_FLAGS: ReadonlyMap<string, GunicornSettingInfo> = new Map(
  [...GUNICORN_SETTINGS.values()].flatMap((info) => info.cli.map((flag): [string, GunicornSettingInfo] => [flag, info])),
);

/**
 * A long flag written as a Python name (`--keep-alive` → `keep_alive`, `--name` → `name`) where
 * that differs from the setting: the commonest way to write a setting gunicorn never reads.
 */
const FLAG_SPELLINGS: ReadonlyMap<string, { setting: string; flag: string }> = new Map(
  [...GUNICORN_SETTINGS.values()].flatMap((info) =>
    info.cli
      .filter((flag) => flag.startsWith('--'))
      .map((flag): [string, { setting: string; flag: string }] => [flag.slice(2).replace(/-/g, '_'), { setting: info.name, flag }])
      .filter(([spelling]) => spelling !== info.name && !GUNICORN_SETTINGS.has(spelling)),
  ),
);

export type GunicornNameVerdict =
  | { kind: 'flagSpelling'; setting: string; flag: string }
  | { kind: 'wrongCase'; setting: string }
  | { kind: 'removed'; removedIn: string; note: string }
  | { kind: 'misspelt'; setting: string };

/**
 * What an unknown module-level name probably is, or undefined when it is not near a setting (a
 * helper variable such as `cores` or `max_mem`). `hooksOnly` restricts the candidates to server
 * hooks, for names defined with `def`.
 */
export function judgeGunicornName(name: string, hooksOnly = false): GunicornNameVerdict | undefined {
  if (GUNICORN_SETTINGS.has(name)) return undefined;
  const candidates = [...GUNICORN_SETTINGS.values()].filter((info) => !hooksOnly || info.hook).map((info) => info.name);
  const lower = name.toLowerCase();
  if (!hooksOnly) {
    const spelling = FLAG_SPELLINGS.get(name);
    if (spelling) return { kind: 'flagSpelling', setting: spelling.setting, flag: spelling.flag };
    const removed = REMOVED_GUNICORN_SETTINGS.get(name);
    if (removed) return { kind: 'removed', ...removed };
  }
  if (lower !== name) {
    // `TIMEOUT` is read as `timeout` by nobody: names are matched exactly. Other capitalised
    // names are constants by Python convention and are not guessed at.
    return candidates.includes(lower) ? { kind: 'wrongCase', setting: lower } : undefined;
  }
  const near = nearestGunicornName(lower, candidates);
  return near ? { kind: 'misspelt', setting: near } : undefined;
}

/**
 * The setting a name was meant to be, by three tests in turn:
 * 1. the same letters without underscores (`keep_alive`, `access_log`, `workerclass`);
 * 2. a small edit distance, transpositions counting once (`worker`, `timout`, `bakclog`):
 *    at most 1 for names of up to 5 letters, 2 up to 10, 3 beyond;
 * 3. the setting's words inside the name, covering at least half of the name's words
 *    (`worker_timeout` → `timeout`, `bind_address` → `bind`, `num_workers` → `workers`).
 */
export function nearestGunicornName(lower: string, candidates: string[]): string | undefined {
  const squash = (text: string) => text.replace(/_/g, '');
  if (!isPlausibleName(lower)) return undefined;
  const same = candidates.find((candidate) => squash(candidate) === squash(lower));
  if (same) return same;

  const limit = lower.length <= 5 ? 1 : lower.length <= 10 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate, limit, true);
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;

  const words = lower.split('_').filter(Boolean);
  if (words.length < 2) return undefined;
  // A trailing "s" does not make another word: `worker_count` is about `workers`.
  const stem = (word: string) => word.replace(/s$/, '');
  const nameStems = new Set(words.map(stem));
  let bestWords = 0;
  let bestByWords: string | undefined;
  for (const candidate of candidates) {
    const candidateWords = candidate.split('_');
    if (!candidateWords.every((word) => nameStems.has(stem(word)))) continue;
    if (candidateWords.length * 2 < words.length) continue;
    const better =
      candidateWords.length > bestWords ||
      (candidateWords.length === bestWords &&
        bestByWords !== undefined &&
        editDistance(lower, candidate, Infinity, true) < editDistance(lower, bestByWords, Infinity, true));
    if (better) {
      bestWords = candidateWords.length;
      bestByWords = candidate;
    }
  }
  return bestByWords;
}
