/**
 * The normalised backend limits (src/model/backend-limits.ts): each kind's adapter turns its own
 * keys into the same shape, read here from trees held in memory through the real readers.
 */
import { readTree } from '../../src/engine/read-tree';
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { backendLimits, BackendLimits } from '../../src/model/backend-limits';
import type { Backend } from '../../src/model/backend';

function backendsOf(tree: MemoryTree): Backend[] {
  return readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} }).model.backends;
}

/** The limits of the only listener of the only backend of `kind`. */
function limitsOf(tree: MemoryTree, kind: Backend['kind']): BackendLimits {
  const backends = backendsOf(tree).filter((backend) => backend.kind === kind);
  expect(backends).toHaveLength(1);
  expect(backends[0].listeners).toHaveLength(1);
  return backendLimits(backends[0], backends[0].listeners[0]);
}

const explicitAt = (limits: { setting: { source: { kind: string } } }) => limits.setting.source.kind;

describe('gunicorn', () => {
  test('a unix socket with timeout, umask and user: every limit, each from its own key', () => {
    const limits = limitsOf({ 'gunicorn.conf.py': 'bind = "unix:/run/app.sock"\ntimeout = 120\numask = 0o077\nuser = "app"\n' }, 'gunicorn');
    // Sync workers (the default) are killed after `timeout`, held in ms.
    expect(limits.workerTimeout?.setting).toMatchObject({ name: 'timeout', value: 120_000, source: { kind: 'file' } });
    expect(limits.workerTimeout?.log).toContain('WORKER TIMEOUT');
    // 0o777 without the umask's bits 0o077.
    expect(limits.socket?.mode).toMatchObject({ bits: 0o700, source: 'gunicorn umask 0o077', span: { file: 'gunicorn.conf.py', start: { line: 3 } } });
    expect(limits.socket?.owner).toMatchObject({ name: 'app', span: { file: 'gunicorn.conf.py', start: { line: 4 } } });
    // gunicorn's documented defaults: 4094 for the request line, 8190 for each header line.
    expect(limits.requestHead.map((limit) => [limit.setting.name, limit.limit, limit.measure, explicitAt(limit)])).toEqual([
      ['limit_request_line', 4094, 'line', 'default'],
      ['limit_request_field_size', 8190, 'line', 'default'],
    ]);
    expect(limits.requestBody).toEqual([]);
  });

  test('a TCP listener has no socket facts, and a threaded worker no worker timeout', () => {
    const limits = limitsOf({ 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\numask = 0o077\n' }, 'gunicorn');
    expect(limits.socket).toBeUndefined();
    expect(limits.workerTimeout).toBeUndefined();
  });

  test('limit_request_line 0 is no limit, so only the header-line limit is left', () => {
    const limits = limitsOf({ 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nlimit_request_line = 0\n' }, 'gunicorn');
    expect(limits.requestHead.map((limit) => limit.setting.name)).toEqual(['limit_request_field_size']);
  });
});

describe('uWSGI', () => {
  const ini = (...lines: string[]) => `[uwsgi]\nmodule = app:application\n${lines.map((line) => `${line}\n`).join('')}`;

  test('a unix socket with harakiri, limit-post, buffer-size, chmod-socket and uid', () => {
    const limits = limitsOf(
      { 'app.ini': ini('socket = /run/app.sock', 'harakiri = 30', 'limit-post = 1024', 'buffer-size = 8192', 'chmod-socket = 660', 'uid = app') },
      'uwsgi',
    );
    expect(limits.workerTimeout?.setting).toMatchObject({ name: 'harakiri', value: 30_000 });
    expect(limits.workerTimeout?.log).toContain('HARAKIRI');
    expect(limits.requestBody.map((limit) => [limit.setting.name, limit.bytes, limit.scope])).toEqual([['limit-post', 1024, 'every request body']]);
    expect(limits.requestHead.map((limit) => [limit.setting.name, limit.limit, limit.measure])).toEqual([['buffer-size', 8192, 'total']]);
    // The uwsgi protocol's own wording of the refusal.
    expect(limits.requestHead[0].symptom).toContain('invalid request block size');
    expect(limits.socket?.mode).toMatchObject({ bits: 0o660, source: 'chmod-socket = 660', span: { file: 'app.ini', start: { line: 7 } } });
    expect(limits.socket?.owner).toMatchObject({ name: 'app', span: { file: 'app.ini', start: { line: 8 } } });
  });

  test('limit-post 0 (no limit) is no body limit; an http-socket words the head limit as HTTP', () => {
    const limits = limitsOf({ 'app.ini': ini('http-socket = 127.0.0.1:8000', 'limit-post = 0') }, 'uwsgi');
    expect(limits.requestBody).toEqual([]);
    expect(limits.socket).toBeUndefined();
    expect(limits.requestHead[0].symptom).toContain('invalid HTTP request size (max 4096)');
  });
});

describe('Tomcat and Spring Boot', () => {
  const serverXml = (attributes: string) =>
    `<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1"${attributes} />\n  </Service>\n</Server>\n`;

  test("server.xml: the connector's header and form-post limits under the attribute names written; no worker timeout", () => {
    const limits = limitsOf({ 'conf/server.xml': serverXml(' maxHttpHeaderSize="16384"') }, 'tomcat');
    expect(limits.requestHead.map((limit) => [limit.setting.name, limit.limit, explicitAt(limit)])).toEqual([['maxHttpHeaderSize', 16384, 'file']]);
    // Tomcat's documented maxPostSize default, 2 MiB.
    expect(limits.requestBody.map((limit) => [limit.setting.name, limit.bytes, explicitAt(limit)])).toEqual([['maxPostSize', 2 * 1024 * 1024, 'default']]);
    expect(limits.workerTimeout).toBeUndefined();
    expect(limits.socket).toBeUndefined();
  });

  test('Spring Boot: the multipart limits before the form-post limit, each under its property name', () => {
    const limits = limitsOf({ 'src/main/resources/application.properties': 'server.port=8080\nspring.servlet.multipart.max-file-size=20MB\n' }, 'spring-boot');
    expect(limits.requestBody.map((limit) => [limit.setting.name, limit.bytes])).toEqual([
      ['spring.servlet.multipart.max-file-size', 20 * 1024 * 1024],
      ['spring.servlet.multipart.max-request-size', 10 * 1024 * 1024],
      ['server.tomcat.max-http-form-post-size', 2 * 1024 * 1024],
    ]);
    expect(limits.requestHead.map((limit) => limit.setting.name)).toEqual(['server.max-http-request-header-size']);
    expect(limits.requestBody[0].raise(50 * 1024 * 1024)).toBe('set spring.servlet.multipart.max-file-size=50MB');
  });
});

describe('uvicorn', () => {
  const dockerfile = (args: string[]) => `FROM python:3.12-slim\nCMD ${JSON.stringify(['uvicorn', 'app:app', '--port', '8000', ...args])}\n`;

  test("--http h11: h11's buffer is the head limit, at most info", () => {
    const limits = limitsOf({ Dockerfile: dockerfile(['--http', 'h11', '--h11-max-incomplete-event-size', '8192']) }, 'uvicorn');
    expect(limits.requestHead.map((limit) => [limit.limit, limit.measure, limit.maxSeverity])).toEqual([[8192, 'total', 'info']]);
    expect(limits.requestBody).toEqual([]);
    expect(limits.workerTimeout).toBeUndefined();
    expect(limits.socket).toBeUndefined();
  });

  test('--http httptools: no head limit', () => {
    expect(limitsOf({ Dockerfile: dockerfile(['--http', 'httptools']) }, 'uvicorn').requestHead).toEqual([]);
  });
});
