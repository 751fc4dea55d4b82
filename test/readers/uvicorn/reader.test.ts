import type { Backend } from '../../../src/model/backend';
import type { Listener } from '../../../src/readers/backend';
import type { UvicornBackend } from '../../../src/readers/uvicorn/uvicorn-backend';
import { readDiskTree } from '../../disk-tree';

function uvicornBackends(files: Record<string, string>): UvicornBackend[] {
  const { model, diagnostics } = readDiskTree(files);
  expect(diagnostics.filter((d) => d.ruleId === 'internal-error')).toEqual([]);
  return model.backends.filter((backend: Backend): backend is UvicornBackend => backend.kind === 'uvicorn');
}

function only(files: Record<string, string>): UvicornBackend {
  const backends = uvicornBackends(files);
  expect(backends).toHaveLength(1);
  return backends[0];
}

const value = (backend: UvicornBackend, name: string) => backend.settings.get(name)?.value;
const idle = (listener: Listener) => (listener.keepAlive.kind === 'idleTimeout' ? listener.keepAlive.timeout.value : listener.keepAlive.kind);

describe('uvicorn command lines', () => {
  test('defaults: 127.0.0.1:8000, keep-alive 5 s from uvicorn/main.py, h11 or httptools unknown', () => {
    const backend = only({ Dockerfile: 'FROM python:3.12-slim\nCMD ["uvicorn", "app:app"]\n' });
    const [listener] = backend.listeners;
    expect(listener.address).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8000 });
    expect(listener.protocol).toBe('http');
    expect(idle(listener)).toBe(5000);
    const timeout = backend.settings.get('timeout_keep_alive')!;
    expect(timeout.source.kind).toBe('default');
    expect(backend.httpParser).toBeUndefined();
    // No per-connection request limit: uvicorn has none.
    expect(listener.keepAlive.kind === 'idleTimeout' && listener.keepAlive.maxRequests).toBeUndefined();
  });

  test("--port in a Dockerfile: the listener points at the port's value", () => {
    // CMD ["uvicorn", "app:app", "--port", "8000"]: the quoted "8000" starts at column 38.
    const backend = only({ Dockerfile: 'FROM python:3.12-slim\nCMD ["uvicorn", "app:app", "--port", "8000"]\n' });
    expect(backend.listeners[0].option).toBe('--port');
    expect(backend.listeners[0].span.start).toMatchObject({ line: 2, column: 38 });
  });

  test('python -m uvicorn in a Procfile, --name=value and --name value', () => {
    const line = 'web: python -m uvicorn main:app --host 0.0.0.0 --port=9000 --timeout-keep-alive 75\n';
    const backend = only({ Procfile: line });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 9000 });
    expect(idle(backend.listeners[0])).toBe(75000);
    // `9000` after `--port=`, and `75` after the option word.
    const port = backend.settings.get('port')!;
    expect(port.source.kind === 'file' && port.source.span.start.column).toBe(line.indexOf('9000') + 1);
    const timeout = backend.settings.get('timeout_keep_alive')!;
    expect(timeout.source.kind === 'file' && timeout.source.span.start.column).toBe(line.indexOf('75') + 1);
    expect(backend.name).toBe('web');
  });

  test('--port=$PORT (a Procfile on Heroku) is the port option with an unknown value, not a second app', () => {
    const line = 'web: uvicorn --port=$PORT --host 0.0.0.0 main:app --timeout-keep-alive 75\n';
    const backend = only({ Procfile: line });
    const port = backend.settings.get('port')!;
    expect(port.value).toBeUndefined();
    expect(port.text).toBe('$PORT');
    expect(port.source.kind === 'file' && port.source.span.start.column).toBe(line.indexOf('$PORT') + 1);
    // The rest of the line is read: click does not stop at it.
    expect(idle(backend.listeners[0])).toBe(75000);
    expect(backend.settings.get('host')!.value).toBe('0.0.0.0');
  });

  test('--uds: a socket file; a relative one is bound in the working directory', () => {
    expect(only({ Procfile: 'web: uvicorn app:app --uds /run/app.sock\n' }).listeners[0].address).toEqual({ kind: 'unix', path: '/run/app.sock' });
    const relative = only({ Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv/app\nCMD ["uvicorn", "app:app", "--uds", "run/app.sock"]\n' });
    expect(relative.listeners[0].address).toEqual({ kind: 'unix', path: '/srv/app/run/app.sock' });
    expect(relative.listeners[0].option).toBe('--uds');
  });

  test('--fd: an inherited socket the tree cannot place; it wins over --host/--port', () => {
    const backend = only({ Procfile: 'web: uvicorn app:app --fd 3 --port 8000\n' });
    expect(backend.listeners[0].address).toEqual({ kind: 'other', text: 'fd://3' });
  });

  test('--port 0 asks the kernel for any port', () => {
    expect(only({ Procfile: 'web: uvicorn app:app --port 0\n' }).listeners[0].address.kind).toBe('other');
  });

  test('UVICORN_* from the environment, the command line winning', () => {
    const compose = [
      'services:',
      '  api:',
      '    image: python:3.12-slim',
      '    command: uvicorn app:app --host 0.0.0.0 --port 8002',
      '    environment:',
      '      UVICORN_PORT: "8001"',
      '      UVICORN_TIMEOUT_KEEP_ALIVE: "30"',
      '      UVICORN_HTTP: h11',
      '',
    ].join('\n');
    const backend = only({ 'compose.yaml': compose });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8002 });
    expect(idle(backend.listeners[0])).toBe(30000);
    const timeout = backend.settings.get('timeout_keep_alive')!;
    expect(timeout.source.kind === 'file' && timeout.source.span.start.line).toBe(7);
    expect(backend.httpParser).toBe('h11');
    expect(backend.name).toBe('api');
  });

  test('--limit-max-requests is per process: a setting, not a keep-alive request limit', () => {
    const backend = only({ Procfile: 'web: uvicorn app:app --limit-max-requests 1000\n' });
    expect(value(backend, 'limit_max_requests')).toBe(1000);
    const keepAlive = backend.listeners[0].keepAlive;
    expect(keepAlive.kind === 'idleTimeout' && keepAlive.maxRequests).toBeUndefined();
  });

  test('--http and --h11-max-incomplete-event-size', () => {
    expect(only({ Procfile: 'web: uvicorn app:app --http h11\n' }).httpParser).toBe('h11');
    expect(only({ Procfile: 'web: uvicorn app:app --http httptools\n' }).httpParser).toBe('httptools');
    expect(only({ Procfile: 'web: uvicorn app:app --http auto\n' }).httpParser).toBeUndefined();
    const sized = only({ Procfile: 'web: uvicorn app:app --http h11 --h11-max-incomplete-event-size 65536\n' });
    expect(value(sized, 'h11_max_incomplete_event_size')).toBe(65536);
    // Without the option, h11's own default of 16 KiB.
    expect(value(only({ Procfile: 'web: uvicorn app:app --http h11\n' }), 'h11_max_incomplete_event_size')).toBe(16384);
  });

  test('TLS files make the listener https', () => {
    const backend = only({ Procfile: 'web: uvicorn app:app --ssl-keyfile k.pem --ssl-certfile c.pem\n' });
    expect(backend.listeners[0].protocol).toBe('https');
  });

  test('an option uvicorn does not know: click refuses the line, so nothing is known', () => {
    const backend = only({ Procfile: 'web: uvicorn app:app --keep-alive 75 --port 8000\n' });
    expect(backend.listeners[0].address.kind).toBe('other');
    expect(idle(backend.listeners[0])).toBeUndefined();
  });

  test('a flag with a value and a second app are refused too', () => {
    expect(only({ Procfile: 'web: uvicorn app:app --reload=yes\n' }).listeners[0].address.kind).toBe('other');
    expect(only({ Procfile: 'web: uvicorn app:app other:app\n' }).listeners[0].address.kind).toBe('other');
  });

  test('$UVICORN_OPTS may set anything not given after it', () => {
    const backend = only({ 'start.sh': '#!/bin/sh\nexec uvicorn app:app --timeout-keep-alive 75 $UVICORN_OPTS --port 8000\n' });
    expect(idle(backend.listeners[0])).toBeUndefined();
    expect(value(backend, 'port')).toBe(8000);
    expect(value(backend, 'host')).toBeUndefined();
  });

  test('an EnvironmentFile outside the tree may set UVICORN_HOST/UVICORN_PORT', () => {
    const unit = '[Service]\nEnvironmentFile=/etc/app.env\nExecStart=/srv/venv/bin/uvicorn app:app\n';
    const backend = only({ 'app.service': unit });
    expect(backend.listeners[0].address.kind).toBe('other');
    // The keep-alive default stays: only the address is commonly set that way.
    expect(idle(backend.listeners[0])).toBe(5000);
  });

  test('a Kubernetes container', () => {
    const manifest = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          image: example/api:1',
      '          command: ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8080"]',
      '',
    ].join('\n');
    const backend = only({ 'k8s/api.yaml': manifest });
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8080 });
    expect(backend.launch.kind).toBe('kubernetes');
  });

  test('uvicorn --version and gunicorn with a uvicorn worker are not uvicorn servers', () => {
    expect(uvicornBackends({ 'check.sh': '#!/bin/sh\nuvicorn --version\n' })).toEqual([]);
    expect(uvicornBackends({ Procfile: 'web: gunicorn -k uvicorn.workers.UvicornWorker app:app\n' })).toEqual([]);
  });
});
