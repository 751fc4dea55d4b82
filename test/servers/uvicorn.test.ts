/**
 * The uvicorn reader against the real uvicorn (Debian 12's python3-uvicorn 0.17.6; `npm run
 * test:servers`).
 *
 * 1. Values. For each command line below, a Dockerfile (`ENV` for the environment, `CMD` for the
 *    words) is read from disk by the engine, and the same words and environment are given to
 *    uvicorn's own click command with `run` replaced by a function that prints what it would
 *    start with (uvicorn never serves there). Every setting the model holds agrees with it; a
 *    command line click refuses leaves the model's address and keep-alive unknown.
 * 2. Keep-alive. uvicorn is started on a free port of 127.0.0.1 with the timeout from the flag and
 *    from UVICORN_TIMEOUT_KEEP_ALIVE; an idle connection is closed after the model's
 *    timeout_keep_alive (within a tolerance).
 * 3. h11's head limit. With `--http h11`, a head still incomplete after more than the model's
 *    h11_max_incomplete_event_size bytes gets 400; the same head in one write, or split below the
 *    limit, gets 200 (src/model/backend-limits/h11.ts reports it as info for that reason).
 *
 * Every server runs in its own temp dir, is stopped by its pid, and each step has a time limit.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { readTree } from '../../src/engine/read-tree';
import type { UvicornBackend } from '../../src/readers/uvicorn/uvicorn-backend';

const PYTHON = '/usr/bin/python3';
const probe = fs.existsSync(PYTHON)
  ? spawnSync(PYTHON, ['-c', 'import uvicorn, h11; print(uvicorn.__version__)'], { encoding: 'utf8', timeout: 20000 })
  : undefined;
const VERSION = probe?.status === 0 ? probe.stdout.trim() : undefined;

/** Prints the keyword arguments uvicorn's CLI would start the server with, or click's error. */
const CAPTURE = [
  'import json, sys',
  'import uvicorn.main',
  'module = sys.modules["uvicorn.main"]',
  'captured = {}',
  'module.run = lambda app, **kwargs: captured.update(kwargs)',
  'try:',
  '    module.main.main(args=sys.argv[1:], prog_name="uvicorn", standalone_mode=False)',
  'except Exception as error:',
  '    print(json.dumps({"error": type(error).__name__ + ": " + str(error)}))',
  '    sys.exit(0)',
  'print(json.dumps({k: v for k, v in captured.items() if isinstance(v, (int, str, float, bool, type(None)))}))',
].join('\n');

const APP = [
  'async def app(scope, receive, send):',
  '    if scope["type"] != "http":',
  '        return',
  '    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})',
  '    await send({"type": "http.response.body", "body": b"ok"})',
  '',
].join('\n');

interface ValueFixture {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** The uvicorn release that added an option the words use. */
  since?: string;
}

const FIXTURES: ValueFixture[] = [
  { name: 'defaults', args: [] },
  { name: '--name value and --name=value', args: ['--host', '0.0.0.0', '--port=9000', '--timeout-keep-alive', '75'] },
  {
    name: 'UVICORN_* < command line',
    args: ['--port', '8002'],
    env: { UVICORN_PORT: '8001', UVICORN_TIMEOUT_KEEP_ALIVE: '30', UVICORN_HTTP: 'h11', UVICORN_BACKLOG: '100' },
  },
  { name: 'an empty variable is ignored', args: [], env: { UVICORN_HOST: '' } },
  { name: '--uds', args: ['--uds', '/tmp/cfglint-uvicorn.sock'] },
  { name: '--fd', args: ['--fd', '3'] },
  { name: 'process limits', args: ['--limit-max-requests', '1000', '--backlog', '512', '--http', 'httptools'] },
  { name: 'TLS files', args: ['--ssl-keyfile', 'k.pem', '--ssl-certfile', 'c.pem'] },
  { name: 'an unknown option', args: ['--keep-alive', '75'] },
  { name: 'a flag with a value', args: ['--reload=yes'] },
  { name: 'two apps', args: ['other:app'] },
  { name: '--h11-max-incomplete-event-size', args: ['--http', 'h11', '--h11-max-incomplete-event-size', '65536'], since: '0.18.0' },
];

function olderThan(version: string, since: string): boolean {
  const a = version.split('.').map(Number);
  const b = since.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/** A Dockerfile that starts uvicorn with these words and this environment. */
function dockerfile(args: string[], env: Record<string, string> = {}): string {
  const lines = ['FROM python:3.12-slim', ...Object.entries(env).map(([name, value]) => `ENV ${name}=${JSON.stringify(value)}`)];
  lines.push(`CMD ${JSON.stringify(['uvicorn', 'app:app', ...args])}`);
  return `${lines.join('\n')}\n`;
}

function modelOf(dir: string, args: string[], env?: Record<string, string>): UvicornBackend {
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile(args, env));
  const { model } = readTree({ paths: ['.'], cwd: dir, config: {} });
  const backends = model.backends.filter((backend): backend is UvicornBackend => backend.kind === 'uvicorn');
  expect(backends).toHaveLength(1);
  return backends[0];
}

function uvicornEnvironment(dir: string, env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('UVICORN_') && name !== 'WEB_CONCURRENCY') clean[name] = value;
  return { ...clean, ...env, HOME: dir, PYTHONPATH: dir };
}

function capture(dir: string, args: string[], env: Record<string, string>): Record<string, unknown> {
  const result = spawnSync(PYTHON, ['-c', CAPTURE, 'app:app', ...args], { cwd: dir, env: uvicornEnvironment(dir, env), encoding: 'utf8', timeout: 20000 });
  if (result.status !== 0) throw new Error(`the capture failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

/** What the model's value of each setting means in uvicorn's keyword arguments. */
function expectedKeyword(backend: UvicornBackend, name: string): unknown {
  const setting = backend.settings.get(name);
  // Not listed: not given, which uvicorn passes as None.
  if (!setting) return null;
  if (name === 'timeout_keep_alive') return (setting.value as number) / 1000;
  if (name === 'limit_max_requests') return setting.value === 0 ? null : setting.value;
  // uvicorn passes None and h11 applies its own default: the model holds that default.
  if (name === 'h11_max_incomplete_event_size') return setting.source.kind === 'default' ? null : setting.value;
  return setting.value;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`uvicorn exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`uvicorn did not listen on ${port} within ${limitMs} ms`);
}

async function startUvicorn(dir: string, args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(PYTHON, ['-m', 'uvicorn', 'app:app', ...args, '--log-level', 'warning'], {
    cwd: dir,
    env: uvicornEnvironment(dir, env),
    stdio: 'ignore',
  });
  try {
    await waitForPort(port, child, 15000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Sends one request on a new connection, reads the whole response, and times how long uvicorn keeps it idle. */
function idleCloseMs(port: number, limitMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let idleSince: number | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`uvicorn kept the connection beyond ${limitMs} ms`));
    }, limitMs);
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end !== -1 && received.length >= end + 4 + 2 && idleSince === undefined) idleSince = Date.now();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (idleSince === undefined) reject(new Error(`closed before a full response: ${JSON.stringify(received.slice(0, 80))}`));
      else resolve(Date.now() - idleSince);
    });
    socket.on('error', reject);
  });
}

/** The status line uvicorn answers a head with, sent in one write or split after `firstWrite` bytes. */
function statusFor(port: number, head: Buffer, firstWrite?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 10 s'));
    }, 10000);
    socket.on('connect', () => {
      if (firstWrite === undefined) return void socket.write(head);
      socket.write(head.subarray(0, firstWrite));
      // Long enough for uvicorn to read the first part on its own.
      setTimeout(() => socket.write(head.subarray(firstWrite)), 300);
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received.split('\r\n')[0]);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

if (!VERSION) {
  process.stdout.write(`uvicorn servers suite skipped: ${PYTHON} cannot import uvicorn and h11 (apt-get install python3-uvicorn)\n`);
  describe.skip('uvicorn reader vs uvicorn', () => test('needs python3-uvicorn', () => undefined));
} else {
  describe(`uvicorn reader vs uvicorn ${VERSION}`, () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-uvicorn-'));
      fs.writeFileSync(path.join(dir, 'app.py'), APP);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("values: the model against the keyword arguments uvicorn's CLI starts with", () => {
      const SETTINGS = [
        'host',
        'port',
        'uds',
        'fd',
        'http',
        'timeout_keep_alive',
        'limit_max_requests',
        'backlog',
        'h11_max_incomplete_event_size',
        'ssl_certfile',
        'ssl_keyfile',
      ];
      test.each(FIXTURES.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
        if (fixture.since && olderThan(VERSION, fixture.since)) {
          process.stdout.write(`uvicorn ${VERSION} predates ${fixture.since}: "${fixture.name}" not compared\n`);
          return;
        }
        const env = fixture.env ?? {};
        const printed = capture(dir, fixture.args, env);
        const backend = modelOf(dir, fixture.args, env);
        if ('error' in printed) {
          // click refuses the line and uvicorn does not start: the model knows nothing.
          expect([printed.error, backend.listeners[0].address.kind]).toEqual([printed.error, 'other']);
          const keepAlive = backend.listeners[0].keepAlive;
          expect(keepAlive.kind === 'idleTimeout' ? keepAlive.timeout.value : keepAlive.kind).toBeUndefined();
          return;
        }
        for (const name of SETTINGS) {
          // Releases before an option leave it out of the arguments: nothing to compare.
          if (!(name in printed)) continue;
          expect([name, expectedKeyword(backend, name)]).toEqual([name, printed[name]]);
        }
        expect(backend.listeners[0].protocol).toBe(printed.ssl_certfile || printed.ssl_keyfile ? 'https' : 'http');
      });
    });

    describe("keep-alive: an idle connection is closed after the model's timeout_keep_alive", () => {
      test.each([
        ['--timeout-keep-alive 1', ['--timeout-keep-alive', '1'], {}],
        ['UVICORN_TIMEOUT_KEEP_ALIVE=2', [], { UVICORN_TIMEOUT_KEEP_ALIVE: '2' }],
      ] as const)(
        '%s',
        async (_name, extra, env) => {
          const port = await freePort();
          const args = ['--host', '127.0.0.1', '--port', String(port), '--http', 'h11', ...extra];
          const backend = modelOf(dir, args, env);
          const keepAlive = backend.listeners[0].keepAlive;
          expect(keepAlive.kind).toBe('idleTimeout');
          const modelMs = keepAlive.kind === 'idleTimeout' ? keepAlive.timeout.value! : 0;
          const child = await startUvicorn(dir, args, env, port);
          try {
            const measured = await idleCloseMs(port, modelMs + 5000);
            expect(measured).toBeGreaterThanOrEqual(modelMs - 300);
            expect(measured).toBeLessThanOrEqual(modelMs + 1000);
          } finally {
            await stop(child);
          }
        },
        40000,
      );
    });

    describe('h11: the head limit holds only for a head still incomplete after a read', () => {
      test('400 past the limit when split, 200 in one write or when split below it', async () => {
        const port = await freePort();
        const args = ['--host', '127.0.0.1', '--port', String(port), '--http', 'h11'];
        const backend = modelOf(dir, args);
        expect(backend.httpParser).toBe('h11');
        const limit = backend.settings.get('h11_max_incomplete_event_size')!.value as number;
        // The model's default is h11's own.
        const h11Default = spawnSync(PYTHON, ['-c', 'import h11._connection as c; print(c.DEFAULT_MAX_INCOMPLETE_EVENT_SIZE)'], {
          encoding: 'utf8',
          timeout: 20000,
        });
        expect(Number(h11Default.stdout.trim())).toBe(limit);
        const head = Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(2 * limit)}\r\n\r\n`, 'latin1');
        const child = await startUvicorn(dir, args, {}, port);
        try {
          expect(await statusFor(port, head)).toBe('HTTP/1.1 200 OK');
          expect(await statusFor(port, head, limit + 1024)).toBe('HTTP/1.1 400 Bad Request');
          // Larger than the limit in all, but never more than limit - 1024 bytes incomplete after a read.
          const smaller = Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(limit + 1000)}\r\n\r\n`, 'latin1');
          expect(await statusFor(port, smaller, limit - 1024)).toBe('HTTP/1.1 200 OK');
        } finally {
          await stop(child);
        }
      }, 60000);
    });
  });
}
