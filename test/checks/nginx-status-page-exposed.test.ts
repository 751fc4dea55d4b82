import { rule } from '../../checks/nginx-status-page-exposed';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
// The status directive sits on line 4, column 9 of a site written this way.
const site = (locationBody: string[], serverLevel: string[] = [], listen = '    listen 80;') => ({
  'conf.d/site.conf': lines('server {', listen, '    location /nginx_status {', ...locationBody, '    }', ...serverLevel, '}'),
});

testRule(rule, {
  accept: [
    { name: 'allow loopback, deny all', tree: site(['        stub_status;', '        allow 127.0.0.1;', '        deny all;']) },
    {
      name: 'the server-level list is inherited by the location',
      tree: {
        'conf.d/site.conf': lines('server {', '    listen 80;', '    allow 10.0.0.0/8;', '    deny all;', '    location = /basic_status { stub_status; }', '}'),
      },
    },
    { name: 'deny all first refuses everyone', tree: site(['        stub_status;', '        deny all;', '        allow 10.0.0.1;']) },
    { name: 'internal location', tree: site(['        internal;', '        stub_status;']) },
    { name: 'a server that listens on loopback only', tree: site(['        stub_status;'], [], '    listen 127.0.0.1:8080;') },
    {
      name: 'a server on a unix socket and [::1]',
      tree: site(['        stub_status;'], ['    listen [::1]:8081;'], '    listen unix:/run/nginx-status.sock;'),
    },
    {
      name: 'authentication at server level',
      tree: site(['        stub_status;'], ['    auth_basic "ops";', '    auth_basic_user_file /etc/nginx/htpasswd;']),
    },
    { name: 'an if that answers 403 on a condition (not evaluated)', tree: site(['        if ($status_allowed = 0) { return 403; }', '        stub_status;']) },
    {
      // A file of locations alone is included by a server the tree may not show: its listen is unknown.
      name: 'a snippet of locations: the server that includes it is unknown',
      tree: { 'snippets/status.conf': lines('location /nginx_status {', '    stub_status;', '}') },
    },
  ],
  reject: [
    {
      name: 'stub_status with no restriction at all',
      tree: site(['        stub_status;']),
      findings: [
        {
          messageId: 'exposed',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 4, column: 9, endLine: 4, endColumn: 20 },
          messageIncludes: ['location /nginx_status'],
        },
      ],
    },
    {
      name: 'allow lines without deny all restrict nothing',
      tree: site(['        stub_status;', '        allow 10.0.0.0/8;', '        allow 192.168.0.0/16;']),
      findings: [
        {
          messageId: 'openList',
          primary: { file: 'conf.d/site.conf', line: 4, column: 9 },
          related: [{ file: 'conf.d/site.conf', line: 6, column: 9, label: 'without "deny all"' }],
        },
      ],
    },
    {
      name: 'allow all before deny all lets everyone in',
      tree: site(['        stub_status;', '        allow 127.0.0.1;', '        allow all;', '        deny all;']),
      findings: [
        {
          messageId: 'openList',
          primary: { file: 'conf.d/site.conf', line: 4, column: 9 },
          related: [{ file: 'conf.d/site.conf', line: 6, column: 9, label: '"allow all"' }],
        },
      ],
    },
    {
      name: "the location's own allow replaces the server's list and its deny all",
      tree: site(['        stub_status;', '        allow 192.168.1.0/24;'], ['    allow 10.0.0.0/8;', '    deny all;']),
      findings: [{ messageId: 'openList', primary: { file: 'conf.d/site.conf', line: 4, column: 9 } }],
    },
    {
      name: 'auth_basic off in the location undoes the server authentication',
      tree: site(['        auth_basic off;', '        stub_status;'], ['    auth_basic "ops";']),
      findings: [{ messageId: 'exposed', primary: { file: 'conf.d/site.conf', line: 5, column: 9 } }],
    },
    {
      name: 'a public listen next to a loopback one',
      tree: site(['        stub_status;'], ['    listen 127.0.0.1:8080;']),
      findings: [{ messageId: 'exposed', primary: { file: 'conf.d/site.conf', line: 4, column: 9 } }],
    },
    {
      name: 'NGINX Plus api write=on, from an included file',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    server {', '        listen 8080;', '        location /api { include api.conf; }', '    }', '}'),
        'api.conf': lines('  api write=on;'),
      },
      findings: [{ messageId: 'writable', primary: { file: 'api.conf', line: 1, column: 3, endColumn: 6 }, messageIncludes: ['location /api'] }],
    },
    {
      name: 'two servers, two status pages',
      tree: {
        'conf.d/site.conf': lines(
          'server {',
          '    listen 80;',
          '    location /status { stub_status; }',
          '}',
          'server {',
          '    listen 8080;',
          '    stub_status;',
          '}',
        ),
      },
      findings: [
        { messageId: 'exposed', primary: { file: 'conf.d/site.conf', line: 3, column: 24 } },
        { messageId: 'exposed', primary: { file: 'conf.d/site.conf', line: 7, column: 5 }, messageIncludes: ['this server'] },
      ],
    },
  ],
});
