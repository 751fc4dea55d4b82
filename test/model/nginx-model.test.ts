/**
 * The nginx model: nginx's inheritance rules, upstream groups and passes, read from small
 * trees in memory. Expected values follow nginx's documented semantics (docs/servers/nginx.md#proxy_set_header-inheritance).
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/read-tree';
import type { NginxBlock } from '../../src/model/nginx';

const read = (tree: MemoryTree, nginxVersion?: string) =>
  readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {}, nginxVersion });

const locationAt = (tree: MemoryTree, path: string): NginxBlock => {
  const { model } = read(tree);
  const location = model.nginx.scopes.flatMap((s) => s.locations).find((l) => l.directive?.args.map((a) => a.value).join(' ') === path);
  if (!location) throw new Error(`no location ${path}`);
  return location;
};

const headerNames = (location: NginxBlock) => location.inheritedList('proxy_set_header').entries.map((e) => e.directive.args[0].value);

describe('proxy_set_header inheritance', () => {
  const tree = {
    'nginx.conf': [
      'events {}',
      'http {',
      '    proxy_set_header X-Http 1;',
      '    server {',
      '        proxy_set_header X-Server 1;',
      '        proxy_set_header Connection "";',
      '        location /inherits { proxy_pass http://a; }',
      '        location /own {',
      '            proxy_set_header X-Own 1;',
      '            location /own/nested { proxy_pass http://a; }',
      '            if ($arg_x) { proxy_pass http://a; }',
      '        }',
      '    }',
      '}',
    ].join('\n'),
  };

  test('a level without its own headers inherits the nearest level that has some', () => {
    const location = locationAt(tree, '/inherits');
    expect(headerNames(location)).toEqual(['X-Server', 'Connection']);
    // The http-level list is shadowed by the server's own.
    expect(location.inheritedList('proxy_set_header').dropped.map((e) => e.directive.args[0].value)).toEqual(['X-Http']);
  });

  test('a level with one header of its own drops every inherited one', () => {
    const location = locationAt(tree, '/own');
    expect(headerNames(location)).toEqual(['X-Own']);
    expect(location.inheritedList('proxy_set_header').dropped.map((e) => e.directive.args[0].value)).toEqual(['X-Server', 'Connection', 'X-Http']);
  });

  test('nested locations and if blocks inherit from the enclosing location', () => {
    expect(headerNames(locationAt(tree, '/own/nested'))).toEqual(['X-Own']);
    const { model } = read(tree);
    const ifPass = model.nginx.passes.find((p) => p.location.kind === 'if')!;
    expect(headerNames(ifPass.location)).toEqual(['X-Own']);
  });
});

describe('single-value inheritance', () => {
  test('the innermost level that sets a directive wins, and its position is kept', () => {
    const tree = {
      'nginx.conf':
        'events {}\nhttp {\n  proxy_read_timeout 10s;\n  server {\n    location / {\n      proxy_read_timeout 30s;\n    }\n    location /b {}\n  }\n}\n',
    };
    const own = locationAt(tree, '/').inherited('proxy_read_timeout')!;
    expect(own.entry.directive.args[0].value).toBe('30s');
    expect(own.entry.directive.span.start).toMatchObject({ line: 6, column: 7 });
    const inherited = locationAt(tree, '/b').inherited('proxy_read_timeout')!;
    expect(inherited.entry.directive.args[0].value).toBe('10s');
    expect(inherited.block.kind).toBe('http');
  });

  test('directives from an included file count where the include stands, with the include chain', () => {
    const tree = {
      'nginx.conf': 'events {}\nhttp {\n  server {\n    location / {\n      include snippets/proxy.conf;\n    }\n  }\n}\n',
      'snippets/proxy.conf': 'proxy_http_version 1.1;\n',
    };
    const found = locationAt(tree, '/').inherited('proxy_http_version')!;
    expect(found.entry.directive.file).toBe('snippets/proxy.conf');
    expect(found.entry.via.map((d) => `${d.file}:${d.span.start.line}`)).toEqual(['nginx.conf:5']);
  });
});

describe('upstreams and passes', () => {
  const tree = {
    'conf.d/upstreams.conf': 'upstream Backend {\n  server 10.0.0.1:8000;\n  server unix:/run/app.sock;\n  server [::1]:9000;\n  server app.internal;\n}\n',
    'conf.d/site.conf': [
      'server {',
      '  location /a { proxy_pass http://backend/x; }',
      '  location /b { proxy_pass http://127.0.0.1:8001; }',
      '  location /c { proxy_pass http://unix:/run/b.sock:/api; }',
      '  location /d { uwsgi_pass unix:///run/uwsgi.sock; }',
      '  location /e { fastcgi_pass 127.0.0.1:9000; }',
      '  location /f { proxy_pass http://$host; }',
      '  location /g { proxy_pass https://api.example.com; }',
      '  location /h { grpc_pass grpc://127.0.0.1:50051; }',
      '}',
    ].join('\n'),
  };

  test('an upstream in another file is found case-insensitively, with each server address', () => {
    const { model } = read(tree);
    const [group] = model.nginx.upstreams;
    expect(group.name).toBe('Backend');
    expect(group.servers.map((s) => s.address)).toEqual([
      { kind: 'tcp', host: '10.0.0.1', port: 8000, text: '10.0.0.1:8000' },
      { kind: 'unix', path: '/run/app.sock', text: 'unix:/run/app.sock' },
      { kind: 'tcp', host: '::1', port: 9000, text: '[::1]:9000' },
      { kind: 'tcp', host: 'app.internal', port: 80, text: 'app.internal' },
    ]);
    expect(group.servers[1].span.start).toMatchObject({ line: 3, column: 10 });
  });

  test('each pass knows its module, location and target', () => {
    const { model } = read(tree);
    const summary = model.nginx.passes.map((p) => {
      const target =
        p.target.kind === 'group'
          ? `group ${p.target.group.name}`
          : p.target.kind === 'address'
            ? `${p.target.address.kind} ${p.target.address.kind === 'unix' ? p.target.address.path : p.target.address.kind === 'tcp' ? `${p.target.address.host}:${p.target.address.port}` : p.target.address.text}`
            : p.target.kind === 'unresolved'
              ? `unresolved ${p.target.host}`
              : 'variable';
      return `${p.location.directive!.args[0].value} ${p.module} ${target}`;
    });
    expect(summary).toEqual([
      '/a proxy group Backend',
      '/b proxy tcp 127.0.0.1:8001',
      '/c proxy unix /run/b.sock',
      '/d uwsgi unix /run/uwsgi.sock',
      '/e fastcgi tcp 127.0.0.1:9000',
      '/f proxy variable',
      '/g proxy unresolved api.example.com',
      '/h grpc tcp 127.0.0.1:50051',
    ]);
  });

  test('model paths name servers and locations, not line numbers', () => {
    const { model } = read({ 'a.conf': 'server {\n  server_name example.com www.example.com;\n  location /api { proxy_pass http://x:1; }\n}\n' });
    expect(model.nginx.passes[0].location.path).toBe('http>server[example.com www.example.com]>location[/api]');
  });
});

describe('nginx version', () => {
  test('from the option, the config, or an image tag in the tree; unknown otherwise', () => {
    expect(read({ 'a.conf': 'server {}\n' }).model.nginxVersion.source).toBeUndefined();
    const fromTree = read({ 'a.conf': 'server {}\n', 'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27-alpine\n' }).model.nginxVersion;
    expect(fromTree.range).toEqual({ min: [1, 27, 0], max: [1, 27, Infinity] });
    expect(fromTree.source?.span?.start).toMatchObject({ line: 3, column: 12 });
    const fromOption = read({ 'a.conf': 'server {}\n', Dockerfile: 'FROM nginx:1.27\n' }, '1.29.8').model.nginxVersion;
    expect(fromOption.range).toEqual({ min: [1, 29, 8], max: [1, 29, 8] });
  });
});

describe('settings in canonical units with their source', () => {
  const OLD = { min: [1, 18, 0] as [number, number, number], max: [1, 29, 6] as [number, number, number] };
  const NEW = { min: [1, 29, 7] as [number, number, number], max: [Infinity, Infinity, Infinity] as [number, number, number] };
  const tree = {
    'nginx.conf': [
      'events {}',
      'http {',
      '    proxy_read_timeout "1m 30s";',
      '    upstream app {',
      '        server 127.0.0.1:8000;',
      '        keepalive_timeout 500ms;',
      '    }',
      '    server {',
      '        location / { client_max_body_size 10m; proxy_pass http://app; }',
      '    }',
      '}',
    ].join('\n'),
  };

  test('a set value: milliseconds or bytes, the text, and the directive span', () => {
    const location = locationAt(tree, '/');
    expect(location.setting('proxy_read_timeout', OLD)).toEqual({
      name: 'proxy_read_timeout',
      value: 90_000,
      text: '1m 30s',
      unit: 'ms',
      source: { kind: 'file', span: expect.objectContaining({ file: 'nginx.conf', start: expect.objectContaining({ line: 3, column: 5 }) }), via: [] },
    });
    expect(location.setting('client_max_body_size', OLD)?.value).toBe(10 * 1024 * 1024);
  });

  test('an upstream keeps its own settings; unset ones are documented defaults for the version', () => {
    const { model } = read(tree);
    const upstream = model.nginx.upstreams[0].block!;
    expect(upstream.setting('keepalive_timeout', OLD)?.value).toBe(500);
    // 1000 since 1.19.10, inside OLD: a rule must split the range there before asking.
    expect(() => upstream.setting('keepalive_requests', OLD)).toThrow(/split it at 1.19.10/);
    expect(upstream.setting('keepalive_requests', { min: [1, 18, 0], max: [1, 19, 9] })?.value).toBe(100);
    expect(upstream.setting('keepalive_requests', NEW)?.value).toBe(1000);
    expect(upstream.setting('keepalive', NEW)).toMatchObject({ value: 32, text: '32 local', source: { kind: 'default' } });
    expect(upstream.setting('keepalive', { min: [1, 20, 0], max: [1, 29, 6] })?.value).toBeUndefined();
    expect(locationAt(tree, '/').setting('proxy_http_version', NEW)?.value).toBe('1.1');
  });
});
