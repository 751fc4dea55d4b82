/**
 * readGunicorn on in-memory trees with hand-built launches (the launch reader is tested on its
 * own): precedence of the sources, config-file linking, listeners and keep-alive per worker
 * class. Expected values come from docs/servers/gunicorn.md and gunicorn 20.1.0's config.py, by hand.
 */
import * as nodePath from 'path';
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import type { Setting } from '../../../src/source/setting';
import type { GunicornBackend } from '../../../src/readers/gunicorn/gunicorn-backend';
import type { Launch, LaunchArg, LaunchEnvValue } from '../../../src/readers/launch/launch';
import { parseBindAddress, readGunicorn } from '../../../src/readers/gunicorn';
import type { ReaderContext } from '../../../src/readers/types';
import type { Span } from '../../../src/source/span';
import { lintTree } from '../../harness';

const ROOT = '/tree';

function context(tree: MemoryTree): ReaderContext {
  return {
    fs: memoryFileSystem(tree, ROOT),
    displayPath: (absolute) => nodePath.relative(ROOT, absolute),
    treeFiles: Object.keys(tree)
      .map((name) => `${ROOT}/${name}`)
      .sort(),
    lintRoots: [ROOT],
  };
}

function span(file: string, line: number, column: number, length: number, lineOffset = 0): Span {
  const offset = lineOffset + column - 1;
  return { file, start: { line, column, offset }, end: { line, column: column + length, offset: offset + length } };
}

/**
 * A launch whose words sit on one line of `file`, separated by one space from column 1 (the
 * way a Procfile line `web: …` would be after its prefix), and env values on the lines after.
 */
function launch(
  file: string,
  line: number,
  words: string[],
  env: Record<string, string | { value: string; unresolved: string[] }> = {},
  extra: Partial<Launch> = {},
): Launch {
  let column = 1;
  const argv: LaunchArg[] = words.map((word) => {
    const unresolved = /\$\{?(\w+)/.exec(word);
    const arg: LaunchArg = { value: word, span: span(file, line, column, word.length), ...(unresolved ? { unresolved: [`$${unresolved[1]}`] } : {}) };
    column += word.length + 1;
    return arg;
  });
  const envMap = new Map<string, LaunchEnvValue>();
  Object.entries(env).forEach(([name, value], i) => {
    const text = typeof value === 'string' ? value : value.value;
    const entry: LaunchEnvValue = { value: text, span: span(file, line + 1 + i, name.length + 2, text.length) };
    if (typeof value !== 'string') entry.unresolved = value.unresolved;
    envMap.set(name, entry);
  });
  return {
    kind: 'procfile',
    file,
    program: nodePath.posix.basename(words[0]),
    argv,
    env: envMap,
    span: span(file, line, 1, column - 2),
    stopSignal: { value: 'SIGTERM' },
    stopSignalReaches: true,
    wrappers: [],
    externalEnv: [],
    ...extra,
  };
}

function read(tree: MemoryTree, launches: Launch[] = [], files = Object.keys(tree).filter((f) => /gunicorn.*\.py$/.test(f))) {
  return readGunicorn(
    files.map((f) => `${ROOT}/${f}`),
    launches,
    context(tree),
  );
}

function only(backends: GunicornBackend[]): GunicornBackend {
  expect(backends).toHaveLength(1);
  return backends[0];
}

const value = (backend: GunicornBackend, name: string) => backend.settings.get(name)?.value;
const where = (setting: Setting | undefined) => {
  const source = setting!.source;
  return source.kind === 'file'
    ? `${source.span.file}:${source.span.start.line}:${source.span.start.column}-${source.span.end.column}`
    : `default: ${source.reference}`;
};

describe('a config file on its own', () => {
  const tree = { 'gunicorn.conf.py': 'bind = "127.0.0.1:8001"\nworkers = 2 * 2 + 1\ntimeout = 120\nkeepalive = 5\n' };

  test('settings in canonical units, with their spans; the rest are documented defaults', () => {
    const backend = only(read(tree).backends);
    expect(backend.name).toBe('gunicorn.conf.py');
    expect(value(backend, 'bind')).toBe('127.0.0.1:8001');
    expect(value(backend, 'workers')).toBe(5);
    expect(value(backend, 'timeout')).toBe(120000);
    expect(value(backend, 'keepalive')).toBe(5000);
    expect(backend.settings.get('keepalive')!.unit).toBe('ms');
    expect(where(backend.settings.get('workers'))).toBe('gunicorn.conf.py:2:11-20');
    expect(backend.settings.get('workers')!.text).toBe('2 * 2 + 1');
    expect(value(backend, 'backlog')).toBe(2048);
    expect(value(backend, 'limit_request_line')).toBe(4094);
    expect(value(backend, 'limit_request_field_size')).toBe(8190);
    expect(value(backend, 'limit_request_fields')).toBe(100);
    expect(value(backend, 'max_requests')).toBe(0);
    expect(value(backend, 'graceful_timeout')).toBe(30000);
    expect(value(backend, 'threads')).toBe(1);
    expect(value(backend, 'umask')).toBe(0);
    expect(value(backend, 'user')).toBeUndefined();
    expect(where(backend.settings.get('backlog'))).toBe('default: docs/servers/gunicorn.md#backlog (gunicorn 20.1.0 config.py:616-620)');
  });

  test('the sync worker closes every connection after one response', () => {
    const backend = only(read(tree).backends);
    expect(backend.workerKind).toBe('sync');
    expect(value(backend, 'worker_class')).toBe('sync');
    expect(backend.listeners).toHaveLength(1);
    const listener = backend.listeners[0];
    expect(listener.address).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8001 });
    expect(listener.protocol).toBe('http');
    expect(listener.keepAlive.kind).toBe('closesAfterResponse');
    expect(`${listener.span.start.line}:${listener.span.start.column}`).toBe('1:8');
  });

  test('sync with threads > 1 runs gthread, which keeps idle connections for keepalive', () => {
    const backend = only(read({ 'gunicorn.conf.py': 'worker_class = "sync"\nthreads = 4\nkeepalive = 75\n' }).backends);
    expect(backend.workerKind).toBe('gthread');
    expect(value(backend, 'worker_class')).toBe('gthread');
    expect(backend.settings.get('worker_class')!.text).toBe('"sync"');
    const keepAlive = backend.listeners[0].keepAlive;
    expect(keepAlive.kind === 'idleTimeout' && keepAlive.timeout.value).toBe(75000);
  });

  test('the default bind and keepalive of gthread', () => {
    const backend = only(read({ 'gunicorn.conf.py': 'worker_class = "gthread"\n' }).backends);
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8000 });
    const keepAlive = backend.listeners[0].keepAlive;
    expect(keepAlive.kind === 'idleTimeout' && keepAlive.timeout.value).toBe(2000);
    expect(keepAlive.kind === 'idleTimeout' && keepAlive.timeout.source.kind).toBe('default');
  });

  test('one listener per address, each pointing at its own string', () => {
    const backend = only(read({ 'gunicorn.conf.py': 'bind = ["unix:/run/app.sock", "[::1]:9000"]\n' }).backends);
    expect(backend.listeners.map((l) => [l.address, l.span.start.column])).toEqual([
      [{ kind: 'unix', path: '/run/app.sock' }, 9],
      [{ kind: 'tcp', host: '::1', port: 9000 }, 31],
    ]);
  });

  test('values the file computes are unknown, with the text as written', () => {
    const backend = only(
      read({ 'gunicorn.conf.py': 'import multiprocessing, os\nworkers = multiprocessing.cpu_count() * 2 + 1\nbind = os.environ.get("BIND", "0.0.0.0:8000")\n' })
        .backends,
    );
    expect(value(backend, 'workers')).toBeUndefined();
    expect(backend.settings.get('workers')!.text).toBe('multiprocessing.cpu_count() * 2 + 1');
    expect(value(backend, 'bind')).toBeUndefined();
    expect(backend.listeners[0].address).toEqual({ kind: 'other', text: 'os.environ.get("BIND", "0.0.0.0:8000")' });
  });

  test('values gunicorn rejects are unknown (it would not start)', () => {
    const backend = only(read({ 'gunicorn.conf.py': 'keepalive = "75s"\ntimeout = 30.5\nworkers = -1\nbacklog = "0x40"\n' }).backends);
    expect(value(backend, 'keepalive')).toBeUndefined();
    expect(value(backend, 'timeout')).toBeUndefined();
    expect(value(backend, 'workers')).toBeUndefined();
    // validate_pos_int reads strings with int(s, 0).
    expect(value(backend, 'backlog')).toBe(64);
  });

  test('certfile makes the listener https', () => {
    const backend = only(read({ 'gunicorn.conf.py': 'certfile = "/etc/ssl/a.pem"\nkeyfile = "/etc/ssl/a.key"\n' }).backends);
    expect(backend.listeners[0].protocol).toBe('https');
  });

  test("a gunicorn.py that only defines a worker class (libretime's, imported by --worker-class) is not a config", () => {
    expect(read({ 'api/gunicorn.py': 'from uvicorn.workers import UvicornWorker\n\nclass Worker(UvicornWorker):\n    CONFIG_KWARGS = {}\n' }).backends).toEqual(
      [],
    );
    // A conventional name with hooks or settings is one.
    expect(read({ 'gunicorn.py': 'def post_fork(server, worker):\n    pass\n' }).backends).toHaveLength(1);
  });

  test('a *gunicorn*.py file that sets nothing gunicorn knows is not a backend', () => {
    expect(read({ 'test_gunicorn.py': 'import pytest\n\ndef test_it():\n    assert True\n' }).backends).toEqual([]);
  });

  test('the file is kept for code frames, with its comments', () => {
    const output = read({ 'gunicorn.conf.py': '# workers below\nworkers = 3\n' });
    expect(output.sources.map((s) => s.file)).toEqual(['gunicorn.conf.py']);
    expect(output.comments.get('gunicorn.conf.py')!.map((c) => [c.span.start.line, c.text])).toEqual([[1, ' workers below']]);
  });
});

describe('worker classes', () => {
  const kind = (workerClass: string, extra = '') => {
    const backend = only(read({ 'gunicorn.conf.py': `worker_class = "${workerClass}"\n${extra}` }).backends);
    const keepAlive = backend.listeners[0].keepAlive;
    return [backend.workerKind, keepAlive.kind, keepAlive.kind === 'idleTimeout' ? keepAlive.timeout.value : undefined];
  };

  test.each([
    ['gevent', '', ['gevent', 'idleTimeout', 2000]],
    ['eventlet', 'keepalive = 10\n', ['eventlet', 'idleTimeout', 10000]],
    ['gevent', 'keepalive = 0\n', ['gevent', 'closesAfterResponse', undefined]],
    ['gthread', 'keepalive = 0\n', ['gthread', 'closesAfterResponse', undefined]],
    ['uvicorn.workers.UvicornWorker', 'keepalive = 65\n', ['uvicorn', 'idleTimeout', 65000]],
    ['uvicorn_worker.UvicornWorker', '', ['uvicorn', 'idleTimeout', 2000]],
    // The H11 worker differs only in its parser (request-head limits), not in keep-alive.
    ['uvicorn.workers.UvicornH11Worker', 'keepalive = 7\n', ['uvicorn_h11', 'idleTimeout', 7000]],
    ['uvicorn_worker.UvicornH11Worker', '', ['uvicorn_h11', 'idleTimeout', 2000]],
    ['tornado', '', ['tornado', 'idleTimeout', undefined]],
    ['gevent_pywsgi', '', ['gevent_pywsgi', 'idleTimeout', undefined]],
    ['gunicorn.workers.ggevent.GeventWorker', '', ['gevent', 'idleTimeout', 2000]],
    ['egg:gunicorn#gthread', '', ['gthread', 'idleTimeout', 2000]],
    ['myapp.workers.Custom', '', ['custom', 'idleTimeout', undefined]],
    ['gunicorn.workers.sync.SyncWorker', 'threads = 2\n', ['gthread', 'idleTimeout', 2000]],
    // config.py checks `uri == 'sync'` before loading, so this one stays sync with threads.
    ['egg:gunicorn#sync', 'threads = 2\n', ['sync', 'closesAfterResponse', undefined]],
  ])('%s %j', (workerClass, extra, expected) => {
    expect(kind(workerClass, extra)).toEqual(expected);
  });

  test('sync with an unknown thread count is an unknown worker', () => {
    const backend = only(read({ 'gunicorn.conf.py': 'import os\nthreads = int(os.environ["THREADS"])\n' }).backends);
    expect(backend.workerKind).toBeUndefined();
    expect(value(backend, 'worker_class')).toBeUndefined();
  });
});

describe('command lines', () => {
  test('precedence: config file < GUNICORN_CMD_ARGS < command line (docs/servers/gunicorn.md#configuration-precedence, run)', () => {
    const tree = { 'gunicorn.conf.py': 'keepalive = 5\nworkers = 2\ntimeout = 10\n', Procfile: 'web: …\n' };
    const start = launch('Procfile', 1, ['gunicorn', '-c', 'gunicorn.conf.py', '--keep-alive', '70', 'app:app'], {
      GUNICORN_CMD_ARGS: '--keep-alive 65 --workers=4',
    });
    const backend = only(read(tree, [start]).backends);
    expect(backend.config?.file).toBe('gunicorn.conf.py');
    expect(backend.configReference).toEqual({ text: 'gunicorn.conf.py', span: span('Procfile', 1, 13, 16), found: true });
    expect(value(backend, 'keepalive')).toBe(70000);
    expect(where(backend.settings.get('keepalive'))).toBe('Procfile:1:43-45');
    expect(value(backend, 'workers')).toBe(4);
    // `--workers=4` is the 3rd word of the variable's value, on line 2 after "GUNICORN_CMD_ARGS=".
    expect(where(backend.settings.get('workers'))).toBe('Procfile:2:45-46');
    expect(value(backend, 'timeout')).toBe(10000);
    expect(backend.name).toBe('gunicorn.conf.py');
  });

  test('without -c, ./gunicorn.conf.py next to the launch is read', () => {
    const tree = { 'gunicorn.conf.py': 'workers = 7\n', Procfile: 'web: …\n' };
    const backend = only(read(tree, [launch('Procfile', 1, ['gunicorn', 'app:app'])]).backends);
    expect(value(backend, 'workers')).toBe(7);
    expect(backend.configReference?.found).toBe(true);
  });

  test('a working directory decides where ./gunicorn.conf.py is', () => {
    const tree = { 'deploy/gunicorn.conf.py': 'workers = 7\n', 'gunicorn.conf.py': 'workers = 3\n', 'app.service': '…\n' };
    const workingDirectory: LaunchEnvValue = { value: '/srv/app/deploy', span: span('app.service', 3, 18, 15) };
    const backends = read(tree, [launch('app.service', 1, ['/usr/bin/gunicorn', 'app:app'], {}, { kind: 'systemd', workingDirectory })]).backends;
    const launched = backends.find((b) => b.launch)!;
    expect(launched.config?.file).toBe('deploy/gunicorn.conf.py');
    expect(value(launched, 'workers')).toBe(7);
    // The other file is not named by any launch: it is a backend of its own.
    expect(backends.filter((b) => !b.launch).map((b) => b.file)).toEqual(['gunicorn.conf.py']);
  });

  test('-c with an absolute path is matched by its tail in the tree', () => {
    const tree = { 'docker/gunicorn/conf.py': 'workers = 9\n', Dockerfile: '…\n' };
    const start = launch('Dockerfile', 5, ['gunicorn', '--config', '/app/docker/gunicorn/conf.py', 'app:app'], {}, { kind: 'dockerfile' });
    const backend = only(read(tree, [start], []).backends);
    expect(backend.config?.file).toBe('docker/gunicorn/conf.py');
    expect(value(backend, 'workers')).toBe(9);
  });

  test('a config file that is not in the tree makes every setting the command line does not give unknown', () => {
    const start = launch('Procfile', 1, ['gunicorn', '-c', '/etc/gunicorn/app.py', '-w', '3', 'app:app']);
    const backend = only(read({ Procfile: '…\n' }, [start]).backends);
    expect(backend.configReference).toEqual({ text: '/etc/gunicorn/app.py', span: span('Procfile', 1, 13, 20), found: false });
    expect(value(backend, 'workers')).toBe(3);
    expect(value(backend, 'timeout')).toBeUndefined();
    expect(where(backend.settings.get('timeout'))).toBe('Procfile:1:13-33');
    expect(backend.workerKind).toBeUndefined();
    // The bind is unknown, and shown as set in that file, not as the file's path (allegro/ralph's graph said "bind …/gunicorn.ini").
    expect(backend.listeners.map((listener) => listener.address)).toEqual([{ kind: 'other', text: 'set in /etc/gunicorn/app.py (not in the tree)' }]);
  });

  test('PORT and WEB_CONCURRENCY from the environment are the defaults of bind and workers', () => {
    const start = launch('Procfile', 1, ['gunicorn', 'app:app'], { PORT: '5000', WEB_CONCURRENCY: '3' });
    const backend = only(read({ Procfile: '…\n' }, [start]).backends);
    expect(value(backend, 'bind')).toBe('0.0.0.0:5000');
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 5000 });
    expect(where(backend.settings.get('bind'))).toBe('Procfile:2:6-10');
    expect(value(backend, 'workers')).toBe(3);
  });

  test('an environment file outside the tree may set PORT: the default bind is unknown', () => {
    const start = launch('app.service', 1, ['gunicorn', 'app:app'], {}, { kind: 'systemd', externalEnv: [span('app.service', 4, 1, 30)] });
    const backend = only(read({ 'app.service': '…\n' }, [start]).backends);
    expect(value(backend, 'bind')).toBeUndefined();
    expect(value(backend, 'timeout')).toBe(30000);
  });

  test('a value from a variable the tree does not set is unknown', () => {
    const start = launch('Procfile', 1, ['gunicorn', '--bind', '0.0.0.0:$PORT', '-w', '2', 'app:app']);
    const backend = only(read({ Procfile: '…\n' }, [start]).backends);
    expect(value(backend, 'bind')).toBeUndefined();
    expect(value(backend, 'workers')).toBe(2);
  });

  test('a variable named for options may hold any option: what it does not override is unknown', () => {
    const start = launch('Procfile', 1, ['gunicorn', '-w', '2', '$GUNICORN_OPTS', 'app:app']);
    const backend = only(read({ Procfile: '…\n' }, [start]).backends);
    expect(value(backend, 'workers')).toBeUndefined();
    expect(value(backend, 'timeout')).toBeUndefined();
    const after = only(read({ Procfile: '…\n' }, [launch('Procfile', 1, ['gunicorn', '$GUNICORN_OPTS', '-w', '2', 'app:app'])]).backends);
    expect(value(after, 'workers')).toBe(2);
  });

  test('a command line gunicorn rejects (--keepalive) leaves every setting unknown', () => {
    const backend = only(read({ Procfile: '…\n' }, [launch('Procfile', 1, ['gunicorn', '--keepalive', '5', 'app:app'])]).backends);
    expect(value(backend, 'keepalive')).toBeUndefined();
    expect(value(backend, 'workers')).toBeUndefined();
  });

  test("-b twice binds twice; the command line replaces the file's list", () => {
    const tree = { 'gunicorn.conf.py': 'bind = ["127.0.0.1:1"]\n', Procfile: '…\n' };
    const backend = only(read(tree, [launch('Procfile', 1, ['gunicorn', '-b', '127.0.0.1:8000', '--bind=unix:/run/a.sock', 'app:app'])]).backends);
    expect(backend.listeners.map((l) => [l.address, `${l.span.start.column}-${l.span.end.column}`])).toEqual([
      [{ kind: 'tcp', host: '127.0.0.1', port: 8000 }, '13-27'],
      [{ kind: 'unix', path: '/run/a.sock' }, '35-51'],
    ]);
  });

  test('a launch of another program is not a gunicorn backend', () => {
    expect(read({ Procfile: '…\n' }, [launch('Procfile', 1, ['uwsgi', '--ini', 'app.ini'])]).backends).toEqual([]);
  });

  test('two launches of the same file are two backends, and the file is not a third', () => {
    const tree = { 'gunicorn.conf.py': 'workers = 2\n', Procfile: '…\n' };
    const backends = read(tree, [
      launch('Procfile', 1, ['gunicorn', '-c', 'gunicorn.conf.py', 'app:app']),
      launch('Procfile', 2, ['gunicorn', '-c', 'gunicorn.conf.py', '-w', '5', 'worker:app']),
    ]).backends;
    expect(backends.map((b) => value(b, 'workers'))).toEqual([2, 5]);
  });
});

describe('gunicorn util.parse_address', () => {
  test.each([
    ['127.0.0.1:8000', { kind: 'tcp', host: '127.0.0.1', port: 8000 }],
    ['0.0.0.0', { kind: 'tcp', host: '0.0.0.0', port: 8000 }],
    [':5000', { kind: 'tcp', host: '', port: 5000 }],
    ['0:8000', { kind: 'tcp', host: '0', port: 8000 }],
    ['LOCALHOST:80', { kind: 'tcp', host: 'localhost', port: 80 }],
    ['[::]:8000', { kind: 'tcp', host: '::', port: 8000 }],
    ['[::1]', { kind: 'tcp', host: '::1', port: 8000 }],
    ['tcp://10.0.0.1:81', { kind: 'tcp', host: '10.0.0.1', port: 81 }],
    ['unix:/run/gunicorn.sock', { kind: 'unix', path: '/run/gunicorn.sock' }],
    ['unix:///run/gunicorn.sock', { kind: 'unix', path: '/run/gunicorn.sock' }],
    ['fd://3', { kind: 'other', text: 'fd://3' }],
    ['host:http', { kind: 'other', text: 'host:http' }],
    ['', { kind: 'tcp', host: '0.0.0.0', port: 8000 }],
  ])('%j', (netloc, expected) => {
    expect(parseBindAddress(netloc)).toEqual(expected);
  });
});

describe('syntax errors', () => {
  test('are a positioned gunicorn-syntax finding, and the rest of the file is still read', () => {
    const findings = lintTree({ name: 'py2', tree: { 'gunicorn.conf.py': 'workers = 2\nprint "starting"\nkeep_alive = 5\n' } });
    expect(findings.map((f) => [f.ruleId, f.severity, f.primary.file, f.primary.start.line, f.primary.start.column])).toEqual([
      ['gunicorn-syntax', 'error', 'gunicorn.conf.py', 2, 1],
      ['gunicorn-unknown-setting', 'warning', 'gunicorn.conf.py', 3, 1],
    ]);
    expect(findings[0].message).toBe(
      'Missing parentheses in call to \'print\' (Python 2 syntax): gunicorn cannot load this config file ("Failed to read config file") and does not start',
    );
  });
});
