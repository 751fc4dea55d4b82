import { rule } from '../../checks/nginx-unreachable-location';
import { testRule } from '../harness';

const server = (body: string) => `server {\n    listen 80;\n${body}}\n`;

testRule(rule, {
  accept: [
    {
      name: 'exact and prefix with the same URI are both reachable',
      tree: { 'conf.d/app.conf': server('    location = / { return 200; }\n    location / { root /srv; }\n') },
    },
    {
      name: 'different regexes, in the usual order',
      tree: {
        'conf.d/app.conf': server('    location ~ \\.php$ { return 403; }\n    location ~* \\.(png|jpg)$ { expires 30d; }\n    location / { root /srv; }\n'),
      },
    },
    {
      name: 'a case-sensitive regex before the same regex case-insensitive: the second still takes "X.PHP"',
      tree: { 'conf.d/app.conf': server('    location ~ \\.php$ { return 403; }\n    location ~* \\.php$ { return 404; }\n') },
    },
    {
      name: 'a catch-all regex last, with ^~ and exact locations',
      tree: {
        'conf.d/app.conf': server(
          '    location = /health { return 200; }\n    location ^~ /static/ { root /srv; }\n    location ~ \\.php$ { return 403; }\n    location ~ / { proxy_pass http://127.0.0.1:8000; }\n',
        ),
      },
    },
    {
      name: 'the same regex in two servers',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 80;\n    location ~ \\.php$ { return 403; }\n}\nserver {\n    listen 81;\n    location ~ \\.php$ { return 404; }\n}\n',
      },
    },
    { name: 'the same prefix at two levels', tree: { 'conf.d/app.conf': server('    location /a/ {\n        location /a/ { return 204; }\n    }\n') } },
    {
      name: 'a prefix with nested locations beside a catch-all regex',
      tree: {
        'conf.d/app.conf': server(
          '    location /img/ {\n        location ~ \\.webp$ { add_header Vary Accept; }\n    }\n    location ~ .* { proxy_pass http://127.0.0.1:8000; }\n',
        ),
      },
    },
    {
      name: 'named locations with the same name are not judged',
      tree: { 'conf.d/app.conf': server('    location @app { proxy_pass http://127.0.0.1:8000; }\n    location / { try_files $uri @app; }\n') },
    },
  ],
  reject: [
    {
      // nginx removes the quotes before it compares: the same location, though the text differs.
      name: 'the same prefix twice, once quoted, among locations of other lengths',
      tree: {
        'conf.d/app.conf': server('    location / { }\n    location /api/ { }\n    location "/api/" { }\n    location ~ ^/static/.+$ { }\n'),
      },
      findings: [{ messageId: 'duplicate', severity: 'error', primary: { file: 'conf.d/app.conf', line: 5, column: 14, endColumn: 21 } }],
    },
    {
      name: 'the same prefix twice: nginx does not start',
      tree: {
        'conf.d/app.conf': server('    location /api/ { proxy_pass http://127.0.0.1:8000; }\n    location /api/ { proxy_pass http://127.0.0.1:9000; }\n'),
      },
      findings: [
        {
          messageId: 'duplicate',
          severity: 'error',
          primary: { file: 'conf.d/app.conf', line: 4, column: 14, endColumn: 19 },
          related: [{ file: 'conf.d/app.conf', line: 3, column: 5, label: '"location /api/" here' }],
          messageIncludes: ['Duplicate location "/api/" in this server', '(duplicate location "/api/")'],
        },
      ],
    },
    {
      name: 'a prefix and ^~ with the same URI, through an include',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    server {\n        location ^~ /static/ { root /srv; }\n        include extra.conf;\n    }\n}\n',
        'extra.conf': 'location /static/ {\n    expires 1d;\n}\n',
      },
      findings: [
        {
          messageId: 'duplicate',
          severity: 'error',
          primary: { file: 'extra.conf', line: 1, column: 10 },
          related: [{ file: 'nginx.conf', line: 4, column: 9 }],
        },
      ],
    },
    {
      name: 'the same regex twice: the second is never selected',
      tree: {
        'conf.d/app.conf': server(
          '    location ~ \\.php$ {\n        fastcgi_pass unix:/run/php.sock;\n    }\n    location ~ \\.php$ {\n        return 403;\n    }\n',
        ),
      },
      findings: [
        {
          messageId: 'sameRegex',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 6, column: 16 },
          messageIncludes: ['Location "~ \\.php$" is never selected'],
        },
      ],
    },
    {
      name: 'a case-insensitive regex first shadows the same regex case-sensitive',
      tree: { 'conf.d/app.conf': server('\tlocation ~* "\\.(gif|png)$" { expires 7d; }\n\tlocation ~ "\\.(gif|png)$" { expires 1d; }\n') },
      findings: [{ messageId: 'sameRegex', primary: { file: 'conf.d/app.conf', line: 4, column: 13 }, messageIncludes: ['(case-insensitive there)'] }],
    },
    {
      name: 'a catch-all regex first: the later regex and the plain prefix are never selected (two findings)',
      tree: {
        'conf.d/app.conf': server(
          '    location ~ ^/(.*)$ {\n        proxy_pass http://127.0.0.1:8000;\n    }\n    location ~* \\.css$ { expires 1d; }\n    location /admin/ { deny all; }\n    location ^~ /static/ { root /srv; }\n',
        ),
      },
      findings: [
        { messageId: 'afterCatchAll', severity: 'warning', primary: { file: 'conf.d/app.conf', line: 6, column: 17 } },
        {
          messageId: 'prefixUnderCatchAll',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 7, column: 14 },
          messageIncludes: ['"/admin/" is never selected', 'regex location "~ ^/(.*)$"'],
        },
      ],
    },
    {
      name: 'a plain prefix before a catch-all regex is never selected either',
      tree: { 'conf.d/app.conf': server('    location / { root /srv; }\n    location ~* . { proxy_pass http://127.0.0.1:8000; }\n') },
      findings: [{ messageId: 'prefixUnderCatchAll', primary: { file: 'conf.d/app.conf', line: 3, column: 14 } }],
    },
  ],
});
