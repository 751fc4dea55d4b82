import { rule } from '../../checks/nginx-h2c-smuggling';
import { testRule } from '../harness';
import { lintDiskTree } from '../disk-tree';

/**
 * The headers sit on lines 3 and 4 of the location; values at column 34 (Upgrade) and 37 (Connection).
 * The server refuses /admin/, which a tunnel to the backend would not.
 */
const site = (upgrade: string, connection: string, before = '') =>
  `${before}server {\n    location / {\n        proxy_set_header Upgrade ${upgrade};\n        proxy_set_header Connection ${connection};\n        proxy_http_version 1.1;\n        proxy_pass http://app;\n    }\n    location /admin/ {\n        deny all;\n    }\n}\n`;
const UPGRADE_MAP = 'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    "" close;\n}\n';

testRule(rule, {
  accept: [
    { name: 'the usual WebSocket map for Connection', tree: { 'a.conf': site('$http_upgrade', '$connection_upgrade', UPGRADE_MAP) } },
    { name: 'a fixed Connection', tree: { 'a.conf': site('$http_upgrade', 'upgrade') } },
    {
      name: 'only the WebSocket upgrade is passed',
      tree: { 'a.conf': site('$ws_upgrade', '$http_connection', 'map $http_upgrade $ws_upgrade {\n    default "";\n    websocket websocket;\n}\n') },
    },
    { name: 'Upgrade cleared', tree: { 'a.conf': site('""', '$http_connection') } },
    {
      name: 'no proxy_pass under the headers',
      tree: {
        'a.conf':
          'server {\n    location / {\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $http_connection;\n        root /srv;\n    }\n}\n',
      },
    },
    {
      name: 'the location redefines the headers without them',
      tree: {
        'a.conf':
          'server {\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $http_connection;\n    location / {\n        proxy_set_header Host $host;\n        proxy_pass http://app;\n    }\n}\n',
      },
    },
    {
      name: 'suppressed with a reason',
      tree: {
        'a.conf': site('$http_upgrade', '$http_connection').replace(
          '        proxy_set_header Connection',
          '        # cfglint-disable-next-line nginx-h2c-smuggling -- the backend has no h2c\n        proxy_set_header Connection',
        ),
      },
    },
  ],
  reject: [
    {
      // A map that hands the client's Connection on unchanged is the same as writing $http_connection.
      name: "the client's Connection through a map",
      tree: { 'a.conf': site('$http_upgrade', '$conn', 'map $http_connection $conn {\n    default $http_connection;\n}\n') },
      findings: [{ messageId: 'clientUpgrade', severity: 'warning', primary: { file: 'a.conf', line: 7, column: 37, endColumn: 42 } }],
    },
    {
      name: 'both headers passed through',
      tree: { 'a.conf': site('$http_upgrade', '$http_connection') },
      findings: [
        {
          messageId: 'clientUpgrade',
          severity: 'warning',
          primary: { file: 'a.conf', line: 4, column: 37, endColumn: 53 },
          related: [{ file: 'a.conf', line: 3, column: 34, label: "the client's Upgrade is passed on here" }],
        },
      ],
    },
    {
      name: 'inherited from the server level, quoted',
      tree: {
        'a.conf':
          'server {\n    proxy_set_header Upgrade "$http_upgrade";\n    proxy_set_header Connection "$http_connection";\n    location / {\n        proxy_pass http://app;\n    }\n}\n',
      },
      findings: [{ messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 3, column: 33 } }],
    },
    {
      name: 'from an included snippet, headers in lower case',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n  server {\n    location /ws/ {\n      include snippets/ws.conf;\n      proxy_pass http://app;\n    }\n  }\n}\n',
        'snippets/ws.conf': 'proxy_set_header upgrade $http_upgrade;\nproxy_set_header connection $http_connection;\n',
      },
      findings: [{ messageId: 'clientUpgrade', primary: { file: 'snippets/ws.conf', line: 2, column: 29 } }],
    },
    {
      name: 'a set variable carrying the header',
      tree: {
        'a.conf': site('$up', '$http_connection').replace(
          '        proxy_set_header Upgrade',
          '        set $up $http_upgrade;\n        proxy_set_header Upgrade',
        ),
      },
      findings: [{ messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 5, column: 37 } }],
    },
    {
      name: 'two servers: two findings',
      tree: { 'a.conf': site('$http_upgrade', '$http_connection') + site('$http_upgrade', '$http_connection').replace('location /', 'location /b') },
      findings: [
        { messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 4, column: 37 } },
        { messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 15, column: 37 } },
      ],
    },
  ],
});

/**
 * Trees on disk through the real engine: the finding is a warning only when both halves of the
 * attack are possible, something nginx enforces in the server and a backend that may switch to
 * h2c; each half the tree rules out makes it an info that says which.
 */
describe('what a tunnel would bypass, and whether the backend can open one', () => {
  /** nginx.conf sends `/` to 127.0.0.1:8000 with the client's Upgrade and Connection; `extra` goes into the server. */
  const nginx = (extra = '', http = '') =>
    [
      'events {}',
      'http {',
      http,
      '  upstream app {',
      '    server 127.0.0.1:8000;',
      '  }',
      '  server {',
      '    listen 80;',
      '    location / {',
      '      proxy_pass http://app;',
      '      proxy_http_version 1.1;',
      '      proxy_set_header Upgrade $http_upgrade;',
      '      proxy_set_header Connection $http_connection;',
      '    }',
      extra,
      '  }',
      '}',
      '',
    ].join('\n');
  const ADMIN_DENIED = '    location /admin {\n      deny all;\n    }';
  const gunicorn = (config: string) => ({
    'app.service': '[Service]\nExecStart=/usr/bin/gunicorn -c /srv/gunicorn.conf.py app:app\n',
    'gunicorn.conf.py': `bind = "127.0.0.1:8000"\n${config}`,
  });
  const h2c = (tree: Record<string, string>) => lintDiskTree(tree).filter((finding) => finding.ruleId === 'nginx-h2c-smuggling');
  const verdicts = (tree: Record<string, string>) =>
    h2c(tree).map((finding) => `${finding.severity}: ${finding.message.split(', but harmless here: ')[1] ?? ''}`);

  it("the tester's repro (jumpserver/installer's shape): gunicorn, and one location that sends everything: an info that says both", () => {
    expect(verdicts({ 'nginx.conf': nginx(), ...gunicorn('workers = 2\n') })).toEqual([
      'info: nginx enforces nothing in this server that a tunnel would skip, and the backend cannot upgrade to h2c (gunicorn: http2_cleartext is "off" by default)',
    ]);
  });

  it('a denied path and an upstream the tree does not show: a warning', () => {
    expect(verdicts({ 'nginx.conf': nginx(ADMIN_DENIED) })).toEqual(['warning: ']);
  });

  it('a denied path and gunicorn at its defaults, which never answers Upgrade: h2c: an info naming the backend', () => {
    const findings = h2c({ 'nginx.conf': nginx(ADMIN_DENIED), ...gunicorn('workers = 2\n') });
    expect(findings.map((f) => `${f.severity}: ${f.message.split(', but harmless here: ')[1]}`)).toEqual([
      'info: the backend cannot upgrade to h2c (gunicorn: http2_cleartext is "off" by default)',
    ]);
    expect(findings[0].related.map((r) => `${r.span.file}:${r.span.start.line} ${r.label}`)).toEqual([
      "nginx.conf:12 the client's Upgrade is passed on here",
      'gunicorn.conf.py:1 gunicorn listens here; http2_cleartext is "off" by default',
    ]);
  });

  it('gunicorn with h2c by upgrade switched on (http2_cleartext "upgrade", "h2" in http_protocols) may open the tunnel', () => {
    const tree = { 'nginx.conf': nginx(ADMIN_DENIED), ...gunicorn('http_protocols = "h2,h1"\nhttp2_cleartext = "upgrade"\n') };
    expect(verdicts(tree)).toEqual(['warning: ']);
    // Prior knowledge only, or h2 not among the protocols: no upgrade (negotiation.py upgrade_allowed).
    expect(verdicts({ ...tree, ...gunicorn('http_protocols = "h2,h1"\nhttp2_cleartext = "prior-knowledge"\n') })).toEqual([
      'info: the backend cannot upgrade to h2c (gunicorn: http2_cleartext is "prior-knowledge")',
    ]);
    expect(verdicts({ ...tree, ...gunicorn('http_protocols = "h1"\nhttp2_cleartext = "both"\n') })).toEqual([
      'info: the backend cannot upgrade to h2c (gunicorn: http_protocols is "h1")',
    ]);
  });

  it('gunicorn whose settings the tree does not show, or with a worker class of its own, may', () => {
    expect(
      verdicts({
        'nginx.conf': nginx(ADMIN_DENIED),
        ...gunicorn('import os\nhttp_protocols = os.environ["PROTOCOLS"]\nhttp2_cleartext = os.environ["MODE"]\n'),
      }),
    ).toEqual(['warning: ']);
    expect(verdicts({ 'nginx.conf': nginx(ADMIN_DENIED), ...gunicorn('worker_class = "mypkg.workers.H2Worker"\n') })).toEqual(['warning: ']);
  });

  it('uWSGI and uvicorn never switch to h2c; a Tomcat connector does only with an <UpgradeProtocol>', () => {
    const uwsgi = { 'uwsgi.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8000\nmodule = app.wsgi\n' };
    expect(verdicts({ 'nginx.conf': nginx(ADMIN_DENIED), ...uwsgi })).toEqual(['info: the backend cannot upgrade to h2c (uwsgi: uWSGI has no HTTP/2)']);
    const uvicorn = { Procfile: 'web: uvicorn --host 127.0.0.1 --port 8000 app.asgi:application\n' };
    expect(verdicts({ 'nginx.conf': nginx(ADMIN_DENIED), ...uvicorn })).toEqual([
      'info: the backend cannot upgrade to h2c (uvicorn: uvicorn upgrades only to WebSocket)',
    ]);
    const serverXml = (inside: string) =>
      `<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8000" protocol="HTTP/1.1" address="127.0.0.1">${inside}</Connector>\n    <Engine name="Catalina" defaultHost="localhost"><Host name="localhost" appBase="webapps" /></Engine>\n  </Service>\n</Server>\n`;
    expect(verdicts({ 'nginx.conf': nginx(ADMIN_DENIED), 'conf/server.xml': serverXml('') })).toEqual([
      'info: the backend cannot upgrade to h2c (tomcat: its <Connector> has no <UpgradeProtocol>)',
    ]);
    expect(
      verdicts({ 'nginx.conf': nginx(ADMIN_DENIED), 'conf/server.xml': serverXml('<UpgradeProtocol className="org.apache.coyote.http2.Http2Protocol" />') }),
    ).toEqual(['warning: ']);
  });

  it('an upstream with two servers is safe only when both are shown not to upgrade', () => {
    const tree = { 'nginx.conf': nginx(ADMIN_DENIED).replace('server 127.0.0.1:8000;', 'server 127.0.0.1:8000;\n    server 10.0.0.9:8000;'), ...gunicorn('') };
    expect(verdicts(tree)).toEqual(['warning: ']);
  });

  it('nothing enforced in the server and an upstream the tree does not show: an info', () => {
    expect(verdicts({ 'nginx.conf': nginx() })).toEqual(['info: nginx enforces nothing in this server that a tunnel would skip']);
    // Another location sending to the same upstream unchanged hides nothing.
    expect(verdicts({ 'nginx.conf': nginx('    location /api/ {\n      proxy_pass http://app;\n    }') })).toEqual([
      'info: nginx enforces nothing in this server that a tunnel would skip',
    ]);
  });

  it("nginx's stock error page (default.conf's `location = /50x.html`) enforces nothing: a tunnel to the backend's /50x.html skips no check", () => {
    const stock = '    error_page 500 502 503 504 /50x.html;\n    location = /50x.html {\n      root /usr/share/nginx/html;\n    }';
    expect(verdicts({ 'nginx.conf': nginx(stock) })).toEqual(['info: nginx enforces nothing in this server that a tunnel would skip']);
    // Made internal, logged or typed, it is still only the error page.
    const internal = '    error_page 404 /404.html;\n    location = /404.html {\n      internal;\n      root /srv/errors;\n      access_log off;\n    }';
    expect(verdicts({ 'nginx.conf': nginx(internal) })).toEqual(['info: nginx enforces nothing in this server that a tunnel would skip']);
  });

  it.each([
    ['an exact location no error_page names', nginx('    location = /50x.html {\n      root /usr/share/nginx/html;\n    }')],
    [
      'the error page location also refuses',
      nginx('    error_page 500 /50x.html;\n    location = /50x.html {\n      root /srv;\n      allow 10.0.0.0/8;\n      deny all;\n    }'),
    ],
    ['the error page location answers with return', nginx('    error_page 500 /50x.html;\n    location = /50x.html {\n      return 500 "down";\n    }')],
    ['a prefix location for the error pages', nginx('    error_page 500 /errors/50x.html;\n    location /errors/ {\n      root /srv;\n    }')],
    ['the error page beside a denied path', nginx('    error_page 500 /50x.html;\n    location = /50x.html {\n      root /srv;\n    }\n' + ADMIN_DENIED)],
  ])('%s: still counts as enforcing, a warning with the unknown backend', (_name, conf) => {
    expect(verdicts({ 'nginx.conf': conf })).toEqual(['warning: ']);
  });

  it.each([
    ['a location served by nginx itself', nginx('    location /media/ {\n      alias /srv/media/;\n    }')],
    ['a location answered with 404', nginx('    location = /metrics {\n      return 404;\n    }')],
    ['authentication on the passing location', nginx().replace('      proxy_pass http://app;', '      auth_basic "staff";\n      proxy_pass http://app;')],
    ['a rate limit inherited from http', nginx('', '  limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;\n  limit_req zone=one;')],
    ['an if that may refuse', nginx('    if ($http_x_block) {\n      return 403;\n    }')],
    ["only part of the upstream's paths passed", nginx().replace('location / {', 'location /api/ {')],
    ['the URI rewritten by proxy_pass', nginx().replace('proxy_pass http://app;', 'proxy_pass http://app/app/;')],
    ['an include the tree does not have', nginx('    include extra/auth.conf;')],
  ])('%s: nginx enforces something, so the unknown backend keeps it a warning', (_name, conf) => {
    expect(verdicts({ 'nginx.conf': conf })).toEqual(['warning: ']);
  });
});
