/**
 * Linking nginx targets to backend listeners, on nginx trees read from memory and backends
 * built by hand (the backend readers are tested on their own).
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/run';
import type { Backend, ListenAddress, Listener } from '../../src/model/backend';
import type { Deployment } from '../../src/model/deployment';
import type { Launch } from '../../src/model/launch';
import { canonicalSocketPath, isLoopback, linkDeployment, nginxTargets } from '../../src/model/links';

const span = { file: 'backend', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };

function backend(name: string, addresses: ListenAddress[], launchedBy?: Launch[]): Backend {
  const made = { kind: 'gunicorn', name, file: name, listeners: [] as Listener[], settings: new Map(), launchedBy } as Backend;
  for (const address of addresses) {
    made.listeners.push({ backend: made, address, protocol: 'http', option: 'bind', span, keepAlive: { kind: 'closesAfterResponse', reason: 'sync worker' } });
  }
  return made;
}

function deployment(tree: MemoryTree, backends: Backend[]): Deployment {
  const { model } = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
  return { ...model, backends };
}

const summary = (model: Deployment) => linkDeployment(model).map((l) => `${l.target.address.text} -> ${l.backend.name} (${l.reason})`);

describe('addresses', () => {
  test('loopback names and /var/run', () => {
    expect(['localhost', '127.0.0.1', '127.0.1.1', '::1'].every(isLoopback)).toBe(true);
    expect(['app', '10.0.0.1', '0.0.0.0'].some(isLoopback)).toBe(false);
    expect(canonicalSocketPath('/var/run/app.sock')).toBe('/run/app.sock');
    expect(canonicalSocketPath('/run/app.sock')).toBe('/run/app.sock');
  });
});

describe('linking', () => {
  const nginx = {
    'app.conf': [
      'upstream app {',
      '    server 127.0.0.1:8000;',
      '    server unix:/var/run/app.sock;',
      '}',
      'server {',
      '    location / { proxy_pass http://app; }',
      '    location /api { proxy_pass http://app; }',
      '    location /direct { proxy_pass http://localhost:9000; }',
      '    location /svc { proxy_pass http://web:8000; }',
      '    location /uw { uwsgi_pass unix:/run/uwsgi.sock; }',
      '}',
    ].join('\n'),
  };

  test('a group server used by two locations is one target with both passes', () => {
    const targets = nginxTargets(deployment(nginx, []));
    expect(targets.map((t) => `${t.address.text} ${t.passes.length} ${t.span.start.line}:${t.span.start.column}`)).toEqual([
      '127.0.0.1:8000 2 2:12',
      'unix:/var/run/app.sock 2 3:12',
      'localhost:9000 1 8:35',
      'web:8000 1 9:32',
      'unix:/run/uwsgi.sock 1 10:31',
    ]);
  });

  test('loopback ports, all-interface binds, socket paths across /var/run, and nothing else', () => {
    const model = deployment(nginx, [
      backend('gunicorn-all', [{ kind: 'tcp', host: '0.0.0.0', port: 8000 }]),
      backend('gunicorn-9000', [{ kind: 'tcp', host: '127.0.0.1', port: 9000 }]),
      backend('gunicorn-sock', [{ kind: 'unix', path: '/run/app.sock' }]),
      backend('uwsgi', [{ kind: 'unix', path: '/var/run/uwsgi.sock' }]),
      backend('elsewhere', [{ kind: 'tcp', host: '10.0.0.7', port: 8000 }]),
      backend('other-port', [{ kind: 'tcp', host: '127.0.0.1', port: 8001 }]),
    ]);
    expect(summary(model)).toEqual([
      '127.0.0.1:8000 -> gunicorn-all (same-address)',
      'unix:/var/run/app.sock -> gunicorn-sock (same-socket-path)',
      'localhost:9000 -> gunicorn-9000 (same-address)',
      'unix:/run/uwsgi.sock -> uwsgi (same-socket-path)',
    ]);
  });

  test('a name that is not loopback links only to the compose service of that name', () => {
    const composeLaunch = { kind: 'compose', service: 'web' } as Launch;
    const model = deployment(nginx, [
      backend('in-compose', [{ kind: 'tcp', host: '0.0.0.0', port: 8000 }], [composeLaunch]),
      backend('no-service', [{ kind: 'tcp', host: '0.0.0.0', port: 8000 }]),
    ]);
    expect(summary(model).filter((line) => line.startsWith('web:'))).toEqual(['web:8000 -> in-compose (compose-service)']);
  });
});
