import { rule } from '../../checks/nginx-deprecated-directive';
import { testRule } from '../harness';

const MAIN = (http: string) => `events {}\nhttp {\n${http}}\n`;

testRule(rule, {
  accept: [
    {
      name: 'listen ... http2 before 1.25.1, where it is the only way to enable HTTP/2',
      nginxVersion: '1.24.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl http2;\n}\n' },
    },
    {
      name: 'http2_idle_timeout on 1.18, before it became obsolete',
      nginxVersion: '1.18.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl http2;\n    http2_idle_timeout 30s;\n}\n' },
    },
    {
      name: 'the replacements themselves',
      nginxVersion: '1.26.2',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 443 ssl;\n    listen [::]:443 ssl;\n    http2 on;\n    keepalive_timeout 30s;\n    large_client_header_buffers 4 16k;\n}\n',
      },
    },
    {
      name: 'http2 as a server name, and a quic listener',
      nginxVersion: '1.27.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 quic reuseport;\n    server_name http2 "ssl";\n    set $ssl on;\n}\n' },
    },
    {
      // The first argument is the address: a host named http2 (or spdy) is not the parameter.
      name: 'a listen address that is a host named http2 or spdy',
      nginxVersion: '1.27.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen http2;\n    listen spdy;\n    server_name a.example;\n}\n' },
    },
    {
      name: 'the ssl parameter of a stream listen',
      nginxVersion: '1.26.0',
      tree: { 'nginx.conf': 'events {}\nstream {\n    server {\n        listen 12345 ssl;\n        proxy_pass 10.0.0.1:12345;\n    }\n}\n' },
    },
    {
      name: 'http2_push in a location before server push was removed',
      nginxVersion: '1.24.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl http2;\n    location = /index.html {\n        http2_push /style.css;\n    }\n}\n' },
    },
  ],
  reject: [
    {
      name: 'ssl on, on nginx 1.26: removed',
      nginxVersion: '1.26.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443;\n    ssl on;\n}\n' },
      findings: [
        {
          messageId: 'removed',
          severity: 'error',
          primary: { file: 'conf.d/app.conf', line: 3, column: 5, endColumn: 8 },
          messageIncludes: ['"ssl" was removed in nginx 1.25.1', 'deprecated since 1.15.0', 'use "listen ... ssl"', 'nginx 1.26.0'],
          helpIncludes: ['nginx stops at start with `unknown directive "ssl"`', 'Put `ssl` on the `listen` line'],
        },
      ],
      // ssl moves onto the server's listen.
      fixed: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n}\n' },
    },
    {
      name: 'ssl on with the version unknown: refused from 1.25.1 on',
      tree: { 'conf.d/app.conf': 'server {\n  listen 443;\n  ssl on;\n}\n' },
      findings: [
        {
          messageId: 'removedLater',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 3, column: 3 },
          messageIncludes: ['removed in 1.25.1: on nginx ≥ 1.25.1 nginx refuses to start'],
        },
      ],
      fixed: { 'conf.d/app.conf': 'server {\n  listen 443 ssl;\n}\n' },
    },
    {
      name: 'ssl off on nginx 1.24: deprecated, still accepted',
      nginxVersion: '1.24.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    ssl off;\n}\n' },
      findings: [
        {
          messageId: 'deprecated',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 3, column: 5 },
          messageIncludes: ['"ssl" is deprecated since nginx 1.15.0 (on nginx 1.24.0)'],
        },
      ],
      // off is the default: the line goes.
      fixed: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n}\n' },
    },
    {
      name: 'ssl in a mail server on nginx 1.27',
      nginxVersion: '1.27.3',
      tree: { 'nginx.conf': 'events {}\nmail {\n    server {\n        listen 993;\n        protocol imap;\n        ssl on;\n    }\n}\n' },
      findings: [{ messageId: 'removed', severity: 'error', primary: { file: 'nginx.conf', line: 6, column: 9 } }],
      fixed: { 'nginx.conf': 'events {}\nmail {\n    server {\n        listen 993 ssl;\n        protocol imap;\n    }\n}\n' },
    },
    {
      name: 'listen ... http2 on 1.26: the http2 directive exists',
      nginxVersion: '1.26.2',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl http2;\n}\n' },
      findings: [
        {
          messageId: 'deprecated',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 2, column: 20, endColumn: 25 },
          messageIncludes: ['"listen ... http2" is deprecated since nginx 1.25.1', 'use "http2 on"'],
        },
      ],
      fixed: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    http2 on;\n}\n' },
    },
    {
      name: 'listen ... http2 with the version unknown: info, the replacement is missing before 1.25.1',
      tree: { 'conf.d/app.conf': 'server {\n\tlisten [::]:443 http2 ssl;\n}\n' },
      findings: [
        {
          messageId: 'deprecated',
          severity: 'info',
          primary: { file: 'conf.d/app.conf', line: 2, column: 18 },
          messageIncludes: ['available from nginx 1.25.1'],
        },
      ],
      // Before 1.25.1 there is no http2 directive to move to.
      fixed: {},
    },
    {
      name: 'listen ... spdy with the version unknown: refused from 1.19.7',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl spdy;\n}\n' },
      findings: [
        {
          messageId: 'removedLater',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 2, column: 20 },
          messageIncludes: ['"listen ... spdy" is deprecated since nginx 1.9.5 and removed in 1.19.7', 'use "listen ... http2"'],
          // openwisp/ansible-openwisp2: the help spoke of the ssl directive.
          helpIncludes: [
            '`[warn] invalid parameter "spdy": ngx_http_spdy_module was superseded by ngx_http_v2_module`',
            'stops nginx with `invalid parameter "spdy"`',
            'Write `http2` in its place',
          ],
        },
      ],
      // Dropping spdy or writing http2 would change the protocol: the user's call.
      fixed: {},
    },
    {
      name: 'a template that writes spdy only on a condition: info',
      nginxVersion: '1.26.0',
      tree: { 'templates/site.conf.j2': 'server {\n    listen 443 ssl{% if use_spdy %} spdy{% endif %};\n    server_name {{ domain }};\n}\n' },
      findings: [{ messageId: 'removed', severity: 'info', primary: { file: 'templates/site.conf.j2', line: 2, column: 37 } }],
      fixed: {},
    },
    {
      name: 'listen ... spdy on 1.20: refused',
      nginxVersion: '1.20.2',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 spdy ssl;\n}\n' },
      findings: [
        {
          messageId: 'removed',
          severity: 'error',
          primary: { file: 'conf.d/app.conf', line: 2, column: 16 },
          helpIncludes: ['nginx stops at start with `invalid parameter "spdy"`'],
        },
      ],
    },
    {
      name: 'http2_idle_timeout through an include on 1.24: ignored',
      nginxVersion: '1.24.0',
      tree: {
        'nginx.conf': MAIN('    include h2.conf;\n    server {\n        listen 443 ssl http2;\n    }\n'),
        'h2.conf': '# HTTP/2 tuning\nhttp2_idle_timeout 5m;\n',
      },
      findings: [
        {
          messageId: 'ignored',
          severity: 'warning',
          primary: { file: 'h2.conf', line: 2, column: 1 },
          messageIncludes: ['obsolete since nginx 1.19.7', 'set "keepalive_timeout" instead'],
        },
      ],
      // Ignored on every release the tree may run: deleting it changes nothing, even in an include.
      fixed: { 'h2.conf': '# HTTP/2 tuning\n' },
    },
    {
      name: 'server push directives on 1.27: two findings',
      nginxVersion: '1.27.0',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 443 ssl;\n    http2 on;\n    http2_max_concurrent_pushes 10;\n    location / {\n        if ($arg_push) {\n            return 204;\n        }\n        http2_push_preload on;\n    }\n}\n',
      },
      findings: [
        { messageId: 'ignored', severity: 'warning', primary: { file: 'conf.d/app.conf', line: 4, column: 5 }, messageIncludes: ['nothing replaces it'] },
        {
          messageId: 'ignored',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 9, column: 9 },
          messageIncludes: ['"http2_push_preload" is obsolete since nginx 1.25.1'],
        },
      ],
      fixed: {
        'conf.d/app.conf':
          'server {\n    listen 443 ssl;\n    http2 on;\n    location / {\n        if ($arg_push) {\n            return 204;\n        }\n    }\n}\n',
      },
    },
    {
      name: 'every http2 listen of a server: one fix drops each parameter and writes http2 on once',
      nginxVersion: '1.26.2',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n}\n' },
      findings: [
        { messageId: 'deprecated', primary: { file: 'conf.d/app.conf', line: 2, column: 20 } },
        { messageId: 'deprecated', primary: { file: 'conf.d/app.conf', line: 3, column: 25 } },
      ],
      fixed: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    listen [::]:443 ssl;\n    http2 on;\n}\n' },
    },
    {
      name: 'no fix: listen ... http2 also serves HTTP/2 to another server on the port, http2 on would not',
      nginxVersion: '1.26.2',
      tree: {
        'conf.d/app.conf': 'server {\n    listen 443 ssl http2;\n    server_name a.example;\n}\nserver {\n    listen 443 ssl;\n    server_name b.example;\n}\n',
      },
      findings: [{ messageId: 'deprecated', primary: { file: 'conf.d/app.conf', line: 2, column: 20 } }],
      fixed: {},
    },
  ],
});
