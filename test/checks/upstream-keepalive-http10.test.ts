import { rule } from '../../checks/upstream-keepalive-http10';
import { testRule } from '../harness';

const upstream = (keepalive = '    keepalive 16;\n') => `upstream app {\n    server 127.0.0.1:8000;\n${keepalive}}\n`;

// Line 5 col 20 is the proxy_pass target in `location` blocks written as below.
const server = (serverLevel: string, locationBody: string) =>
  `server {\n    listen 80;\n${serverLevel}    location / {\n${locationBody}        proxy_pass http://app;\n    }\n}\n`;

const HTTP11 = '        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n';

testRule(rule, {
  accept: [
    {
      name: 'HTTP/1.1 and Connection "" in the location',
      tree: { 'conf.d/app.conf': upstream() + server('', HTTP11) },
    },
    {
      name: 'both set at server level and inherited',
      tree: { 'conf.d/app.conf': upstream() + server('    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n', '') },
    },
    {
      name: 'no keepalive before 1.29.7: nothing to reuse',
      nginxVersion: '1.24.0',
      tree: { 'conf.d/app.conf': upstream('') + server('', '') },
    },
    {
      name: 'nginx 1.29.8 defaults keep connections alive correctly',
      nginxVersion: '1.29.8',
      tree: { 'conf.d/app.conf': upstream('') + server('', '') },
    },
    {
      name: 'keepalive 0 disables the default cache on 1.29.8',
      nginxVersion: '1.29.8',
      tree: { 'conf.d/app.conf': upstream('    keepalive 0;\n') + server('', '        proxy_http_version 1.0;\n') },
    },
    {
      name: 'a $connection_upgrade map is decided per request and not judged',
      tree: {
        'conf.d/app.conf':
          'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    "" "";\n}\n' +
          upstream() +
          server('', '        proxy_http_version 1.1;\n        proxy_set_header Connection $connection_upgrade;\n'),
      },
    },
    {
      name: 'uwsgi_pass to a keepalive upstream is another protocol',
      tree: { 'conf.d/app.conf': upstream() + 'server {\n    location / {\n        include uwsgi_params;\n        uwsgi_pass app;\n    }\n}\n' },
    },
    {
      name: 'implicit upstream has no keepalive cache',
      tree: { 'conf.d/app.conf': 'server {\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n' },
    },
    {
      name: 'settings come from a snippet included in the location',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/app.conf': upstream() + server('', '        include snippets/keepalive.conf;\n'),
        'snippets/keepalive.conf': 'proxy_http_version 1.1;\nproxy_set_header Connection "";\n',
      },
    },
  ],
  reject: [
    {
      name: 'keepalive upstream behind nginx 1.24 defaults',
      nginxVersion: '1.24.0',
      tree: { 'conf.d/app.conf': upstream() + server('', '') },
      findings: [
        {
          messageId: 'noReuse',
          severity: 'error',
          primary: { file: 'conf.d/app.conf', line: 8, column: 20, endLine: 8, endColumn: 30 },
          related: [{ file: 'conf.d/app.conf', line: 3, column: 5, endColumn: 18, label: 'keeps idle connections here' }],
          messageIncludes: ['Upstream "app"', 'keepalive 16', 'HTTP/1.0', 'Connection: close'],
          helpIncludes: ['`proxy_http_version 1.1;`', '`proxy_set_header Connection "";`'],
        },
      ],
      // Both lines before proxy_pass, indented like it.
      fixed: { 'conf.d/app.conf': upstream() + server('', HTTP11) },
    },
    {
      name: 'unknown version: a warning that names the affected releases',
      tree: { 'conf.d/app.conf': upstream() + server('', '') },
      findings: [
        {
          messageId: 'noReuse',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 8, column: 20 },
          messageIncludes: ['nginx ≤ 1.29.6', '--nginx-version'],
        },
      ],
      // Harmless on releases where they are the defaults.
      fixed: { 'conf.d/app.conf': upstream() + server('', HTTP11) },
    },
    {
      name: 'a location header drops the server-level Connection ""',
      nginxVersion: '1.26.2',
      tree: {
        'conf.d/app.conf': upstream() + server('    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n', '        proxy_set_header Host $host;\n'),
      },
      findings: [
        {
          messageId: 'noReuse',
          severity: 'error',
          primary: { file: 'conf.d/app.conf', line: 11, column: 20 },
          related: [
            { file: 'conf.d/app.conf', line: 3, column: 5, label: 'keeps idle connections here' },
            { file: 'conf.d/app.conf', line: 8, column: 5, endColumn: 36, label: 'not inherited' },
          ],
          messageIncludes: ['drops the inherited Connection ""'],
        },
      ],
      // HTTP/1.1 is inherited; the location's own list gets Connection "".
      fixed: {
        'conf.d/app.conf':
          upstream() +
          server(
            '    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n',
            '        proxy_set_header Host $host;\n        proxy_set_header Connection "";\n',
          ),
      },
    },
    {
      name: 'explicit HTTP/1.0 against the default keepalive of 1.29.8',
      nginxVersion: '1.29.8',
      tree: { 'conf.d/app.conf': upstream('') + server('', '        proxy_http_version 1.0;\n') },
      findings: [
        {
          messageId: 'noReuse',
          severity: 'error',
          primary: { file: 'conf.d/app.conf', line: 8, column: 20 },
          related: [{ file: 'conf.d/app.conf', line: 1, column: 10, label: 'by default since nginx 1.29.7' }],
          messageIncludes: ['keepalive 32 local, the default since nginx 1.29.7', 'proxy_http_version 1.0'],
        },
      ],
      // The location's own 1.0 rewritten; 1.29.8 sends no Connection: close by default.
      fixed: { 'conf.d/app.conf': upstream('') + server('', '        proxy_http_version 1.1;\n') },
    },
    {
      name: 'Connection close set explicitly is wrong on every version',
      tree: { 'conf.d/app.conf': upstream() + server('', '        proxy_http_version 1.1;\n        proxy_set_header Connection close;\n') },
      findings: [
        {
          messageId: 'noReuse',
          severity: 'error',
          primary: { file: 'conf.d/app.conf', line: 10, column: 20 },
          messageIncludes: ['proxy_set_header Connection close'],
        },
      ],
      fixed: { 'conf.d/app.conf': upstream() + server('', HTTP11) },
    },
    {
      name: 'two locations across included files, upstream in another file, version from the Dockerfile',
      tree: {
        Dockerfile: 'FROM nginx:1.26-alpine\nCOPY nginx/ /etc/nginx/\n',
        'nginx/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n',
        'nginx/conf.d/00-upstreams.conf': 'upstream backend {\n  server unix:/run/app.sock;\n  keepalive 8;\n}\n',
        'nginx/conf.d/site.conf':
          'server {\n  proxy_http_version 1.1;\n  location /a { proxy_pass http://backend; }\n' +
          '  location /b {\n    proxy_set_header Connection "";\n    location /b/c { proxy_pass http://BACKEND/c; }\n  }\n}\n',
      },
      findings: [
        {
          messageId: 'noReuse',
          severity: 'error',
          primary: { file: 'nginx/conf.d/site.conf', line: 3, column: 28, endColumn: 42 },
          related: [{ file: 'nginx/conf.d/00-upstreams.conf', line: 3, column: 3 }],
          messageIncludes: ['"Connection: close" (nginx default before 1.29.7)'],
        },
      ],
      // proxy_pass shares its line with the location: no indentation to copy.
      fixed: {},
    },
    {
      name: 'each location that lacks it is reported',
      nginxVersion: '1.22.1',
      tree: {
        'app.conf': upstream() + 'server {\n    location /one { proxy_pass http://app; }\n    location /two {\n        proxy_pass http://app;\n    }\n}\n',
      },
      findings: [
        { messageId: 'noReuse', primary: { file: 'app.conf', line: 6, column: 32 } },
        { messageId: 'noReuse', primary: { file: 'app.conf', line: 8, column: 20 } },
      ],
      // /one is written on one line and keeps its finding; /two is fixed.
      fixed: {
        'app.conf':
          upstream() + 'server {\n    location /one { proxy_pass http://app; }\n    location /two {\n' + HTTP11 + '        proxy_pass http://app;\n    }\n}\n',
      },
    },
    {
      name: 'no fix: proxy_pass inside if, where neither directive is allowed',
      nginxVersion: '1.24.0',
      tree: { 'conf.d/app.conf': upstream() + 'server {\n    location / {\n        if ($arg_x) {\n            proxy_pass http://app;\n        }\n    }\n}\n' },
      findings: [{ messageId: 'noReuse', primary: { file: 'conf.d/app.conf', line: 8, column: 24 } }],
      fixed: {},
    },
    {
      name: 'no fix: one header of its own would drop the server-level Host the location inherits',
      nginxVersion: '1.24.0',
      tree: { 'conf.d/app.conf': upstream() + server('    proxy_set_header Host $host;\n', '') },
      findings: [{ messageId: 'noReuse', primary: { file: 'conf.d/app.conf', line: 9, column: 20 } }],
      fixed: {},
    },
  ],
});
