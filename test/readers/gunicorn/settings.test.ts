/**
 * The table of gunicorn names and the guesses behind gunicorn-unknown-setting. Real names come
 * from gunicorn's config.py (20.1.0 and later tags); the expected suggestions are the policy of
 * checks/gunicorn-unknown-setting.md.
 */
import { effectiveRequestLineLimit } from '../../../src/model/gunicorn';
import { GUNICORN_FLAGS, GUNICORN_SETTINGS, judgeGunicornName } from '../../../src/reference/gunicorn-settings';
import { editDistance } from '../../../src/source/suggest';

test("the 20.1.0 names, Debian's backport and later releases are all known", () => {
  const in2010 = [...GUNICORN_SETTINGS.values()].filter((info) => info.since === '20.1.0');
  // 85 names in 20.1.0 config.py (70 settings with a class of their own + 15 hooks).
  expect(in2010).toHaveLength(85);
  for (const name of ['keepalive', 'limit_request_field_size', 'wsgi_app', 'on_exit', 'tolerate_dangerous_framing', 'dirty_workers', 'http2_cleartext']) {
    expect(GUNICORN_SETTINGS.has(name)).toBe(true);
  }
});

test('flags map to their settings, with the underscore of --limit-request-field_size', () => {
  expect(GUNICORN_FLAGS.get('--keep-alive')?.name).toBe('keepalive');
  expect(GUNICORN_FLAGS.get('--limit-request-field_size')?.name).toBe('limit_request_field_size');
  expect(GUNICORN_FLAGS.get('-k')?.name).toBe('worker_class');
  expect(GUNICORN_FLAGS.has('--keepalive')).toBe(false);
});

test.each([
  ['keep_alive', { kind: 'flagSpelling', setting: 'keepalive', flag: '--keep-alive' }],
  ['preload', { kind: 'flagSpelling', setting: 'preload_app', flag: '--preload' }],
  ['log_file', { kind: 'flagSpelling', setting: 'errorlog', flag: '--log-file' }],
  ['debug', { kind: 'removed', removedIn: '19.2', note: 'use "reload" (and "loglevel = \\"debug\\"")' }],
  ['BIND', { kind: 'wrongCase', setting: 'bind' }],
  ['access_log', { kind: 'misspelt', setting: 'accesslog' }],
  ['workerclass', { kind: 'misspelt', setting: 'worker_class' }],
  ['bakclog', { kind: 'misspelt', setting: 'backlog' }],
  ['worker_connection', { kind: 'misspelt', setting: 'worker_connections' }],
  ['worker_timeout', { kind: 'misspelt', setting: 'timeout' }],
  ['bind_address', { kind: 'misspelt', setting: 'bind' }],
  ['keepalive_timeout', { kind: 'misspelt', setting: 'keepalive' }],
  ['num_workers', { kind: 'misspelt', setting: 'workers' }],
  ['gunicorn_workers', { kind: 'misspelt', setting: 'workers' }],
  // Near enough when unused: a helper that is never read was probably meant as the setting.
  ['use_loglevel', { kind: 'misspelt', setting: 'loglevel' }],
])('%s', (name, verdict) => {
  expect(judgeGunicornName(name)).toEqual(verdict);
});

test.each(['cores', 'port', 'host', 'max_mem', 'max_worker_memory', 'workers_per_core', 'command', 'WORKERS_PER_CORE', 'log_data'])(
  '%s is near no setting',
  (name) => {
    expect(judgeGunicornName(name)).toBeUndefined();
  },
);

test('functions are compared with hooks only', () => {
  expect(judgeGunicornName('post_froks', true)).toEqual({ kind: 'misspelt', setting: 'post_fork' });
  expect(judgeGunicornName('workers', true)).toBeUndefined();
  expect(judgeGunicornName('keep_alive', true)).toBeUndefined();
});

test('a swap of two letters is one edit', () => {
  expect(editDistance('bakclog', 'backlog', Infinity, true)).toBe(1);
  expect(editDistance('timout', 'timeout', Infinity, true)).toBe(1);
  expect(editDistance('', 'abc', Infinity, true)).toBe(3);
});

test('the request-line limit a worker enforces (message.py:173-176)', () => {
  expect(effectiveRequestLineLimit(4094)).toBe(4094);
  expect(effectiveRequestLineLimit(8190)).toBe(8190);
  expect(effectiveRequestLineLimit(10000)).toBe(8190);
  expect(effectiveRequestLineLimit(0)).toBeUndefined();
});
