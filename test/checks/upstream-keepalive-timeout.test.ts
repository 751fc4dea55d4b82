import { rule } from '../../checks/upstream-keepalive-timeout';
import { testRule } from '../harness';

// Line 3 col 5 is `keepalive 16;`; line 1 col 10 the upstream's name.
const upstream = (extra = '') => `upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n${extra}}\n`;
const SERVER =
  'server {\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n';
const GTHREAD = 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 4\n';

testRule(rule, {
  accept: [
    {
      name: 'nginx closes first: keepalive_timeout 1s against gunicorn gthread 2s',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream('    keepalive_timeout 1s;\n') + SERVER, 'gunicorn.conf.py': GTHREAD },
    },
    {
      name: 'sync workers close after every response: nothing to race',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworkers = 4\n' },
    },
    {
      name: 'no keepalive in the upstream before 1.29.7',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': 'upstream app {\n    server 127.0.0.1:8000;\n}\n' + SERVER, 'gunicorn.conf.py': GTHREAD },
    },
    {
      // Up to 1.29.6 HTTP/1.0 and `Connection: close` end every upstream connection: none is
      // reused, so none can be reused after the backend closed it (upstream-keepalive-http10 reports the pool).
      name: 'before 1.29.7, a location that speaks HTTP/1.0 reuses nothing',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + 'server {\n    location / { proxy_pass http://app; }\n}\n', 'gunicorn.conf.py': GTHREAD },
    },
    {
      name: 'before 1.29.7, HTTP/1.1 but Connection: close',
      nginxVersion: '1.24.0',
      tree: {
        'nginx/app.conf': upstream() + 'server {\n    location / {\n        proxy_http_version 1.1;\n        proxy_pass http://app;\n    }\n}\n',
        'gunicorn.conf.py': GTHREAD,
      },
    },
    {
      name: 'the backend keeps connections longer than nginx',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'gunicorn.conf.py': GTHREAD + 'keepalive = 75\n' },
    },
    {
      name: 'a backend on another port is not the one behind the upstream',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'gunicorn.conf.py': GTHREAD.replace('8000', '8001') },
    },
  ],
  reject: [
    {
      // Releases before 1.29.7 close each connection (HTTP/1.0); 1.29.7 and later speak HTTP/1.1 by default and reuse.
      name: 'the version not known and the location writes nothing: a warning for 1.29.7 and later',
      tree: { 'nginx/app.conf': upstream() + 'server {\n    location / { proxy_pass http://app; }\n}\n', 'gunicorn.conf.py': GTHREAD },
      findings: [
        { messageId: 'backendClosesFirst', severity: 'warning', primary: { file: 'nginx/app.conf', line: 3, column: 5 }, messageIncludes: ['1.29.7'] },
      ],
    },
    {
      name: 'the field report: nginx default 60s against gunicorn gthread default 2s',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'gunicorn.conf.py': GTHREAD },
      findings: [
        {
          messageId: 'backendClosesFirst',
          severity: 'error',
          primary: { file: 'nginx/app.conf', line: 3, column: 5, endColumn: 18 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8, label: 'closes idle connections after 2s by default' }],
          messageIncludes: ['keepalive_timeout 60s (nginx default)', "gunicorn's keepalive 2s (default", '127.0.0.1:8000'],
          helpIncludes: ['upstream prematurely closed connection', 'keepalive_timeout 1s;'],
        },
      ],
      // The message's advice, after keepalive and indented like it.
      fixed: { 'nginx/app.conf': upstream('    keepalive_timeout 1s;\n') + SERVER },
    },
    {
      name: 'equal is not shorter: both explicit at 5s',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream('    keepalive_timeout 5s;\n') + SERVER, 'gunicorn.conf.py': GTHREAD + 'keepalive = 5\n' },
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: { file: 'nginx/app.conf', line: 4, column: 5 },
          related: [{ file: 'gunicorn.conf.py', line: 4, column: 13, label: 'closes idle connections after 5s' }],
          messageIncludes: ['keepalive_timeout 5s in upstream "app"', "gunicorn's keepalive 5s"],
        },
      ],
      // Half of gunicorn's 5s in whole seconds, over the written argument.
      fixed: { 'nginx/app.conf': upstream('    keepalive_timeout 2s;\n') + SERVER },
    },
    {
      name: 'nginx 1.29.8 keeps connections by default: the upstream line is the place',
      nginxVersion: '1.29.8',
      tree: { 'nginx/app.conf': 'upstream app {\n    server 127.0.0.1:8000;\n}\n' + SERVER, 'gunicorn.conf.py': GTHREAD },
      findings: [{ messageId: 'backendClosesFirst', severity: 'error', primary: { file: 'nginx/app.conf', line: 1, column: 10 } }],
    },
    {
      name: 'unknown version, keepalive only by default: a warning for nginx ≥ 1.29.7',
      tree: { 'nginx/app.conf': 'upstream app {\n    server 127.0.0.1:8000;\n}\n' + SERVER, 'gunicorn.conf.py': GTHREAD },
      findings: [
        {
          messageId: 'backendClosesFirst',
          severity: 'warning',
          primary: { file: 'nginx/app.conf', line: 1, column: 10 },
          messageIncludes: ['on nginx ≥ 1.29.7'],
        },
      ],
      // No keepalive line: after the upstream's last line.
      fixed: { 'nginx/app.conf': 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive_timeout 1s;\n}\n' + SERVER },
    },
    {
      name: 'two upstreams, two backends',
      nginxVersion: '1.24.0',
      tree: {
        'nginx/app.conf':
          upstream() +
          'upstream api {\n    server localhost:9000;\n    keepalive 8;\n    keepalive_timeout 30s;\n}\n' +
          'server {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location / { proxy_pass http://app; }\n    location /api { proxy_pass http://api; }\n}\n',
        'app/gunicorn.conf.py': GTHREAD,
        'api/gunicorn.conf.py': 'bind = "0.0.0.0:9000"\nworker_class = "gevent"\nkeepalive = 10\n',
      },
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: { file: 'nginx/app.conf', line: 3, column: 5 },
          related: [{ file: 'app/gunicorn.conf.py', line: 1, column: 8 }],
        },
        {
          messageId: 'backendClosesFirst',
          primary: { file: 'nginx/app.conf', line: 8, column: 5 },
          related: [{ file: 'api/gunicorn.conf.py', line: 3, column: 13 }],
        },
      ],
      // Two fixes in one pass: app gets 1s after keepalive, api's 30s becomes half of gevent's 10s.
      fixed: {
        'nginx/app.conf':
          upstream('    keepalive_timeout 1s;\n') +
          'upstream api {\n    server localhost:9000;\n    keepalive 8;\n    keepalive_timeout 5s;\n}\n' +
          'server {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location / { proxy_pass http://app; }\n    location /api { proxy_pass http://api; }\n}\n',
      },
    },
    {
      name: 'fix: tabs and CRLF line breaks are kept',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': 'upstream app {\r\n\tserver 127.0.0.1:8000;\r\n\tkeepalive 16;\r\n}\r\n' + SERVER, 'gunicorn.conf.py': GTHREAD },
      findings: [{ messageId: 'backendClosesFirst', primary: { file: 'nginx/app.conf', line: 3, column: 2 } }],
      fixed: { 'nginx/app.conf': 'upstream app {\r\n\tserver 127.0.0.1:8000;\r\n\tkeepalive 16;\r\n\tkeepalive_timeout 1s;\r\n}\r\n' + SERVER },
    },
    {
      name: 'no fix: keepalive shares its line, so no indentation to copy',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': 'upstream app { server 127.0.0.1:8000; keepalive 16; }\n' + SERVER, 'gunicorn.conf.py': GTHREAD },
      // `upstream app { server 127.0.0.1:8000; ` is 38 characters.
      findings: [{ messageId: 'backendClosesFirst', primary: { file: 'nginx/app.conf', line: 1, column: 39 } }],
      fixed: {},
    },
    {
      name: 'no fix: the upstream takes its lines from an included file, which other upstreams may include too',
      nginxVersion: '1.24.0',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    upstream app {\n        include app-servers.conf;\n    }\n' + SERVER.replace(/^/gm, '    ') + '}\n',
        'nginx/app-servers.conf': 'server 127.0.0.1:8000;\nkeepalive 16;\n',
        'gunicorn.conf.py': GTHREAD,
      },
      findings: [{ messageId: 'backendClosesFirst', primary: { file: 'nginx/app-servers.conf', line: 2, column: 1 } }],
      fixed: {},
    },
  ],
});
