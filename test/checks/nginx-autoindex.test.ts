import { rule } from '../../checks/nginx-autoindex';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const site = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', '    listen 80;', '    root /srv/www;', ...body, '}') });

testRule(rule, {
  accept: [
    { name: 'autoindex off', tree: site('    autoindex off;') },
    { name: 'not written (the default is off)', tree: site('    location / { try_files $uri $uri/ =404; }') },
    { name: 'behind allow/deny', tree: site('    location /files/ {', '        autoindex on;', '        allow 10.0.0.0/8;', '        deny all;', '    }') },
    { name: 'behind authentication at server level', tree: site('    auth_basic "staff";', '    location /files/ { autoindex on; }') },
    { name: 'an internal location', tree: site('    location /x/ {', '        internal;', '        autoindex on;', '    }') },
  ],
  reject: [
    {
      name: 'a public listing with alias',
      tree: site('    location /downloads/ {', '        alias /srv/files/;', '        autoindex on;', '    }'),
      findings: [
        {
          messageId: 'listing',
          severity: 'info',
          primary: { file: 'conf.d/site.conf', line: 6, column: 19, endLine: 6, endColumn: 21 },
          messageIncludes: ['"/srv/files/"', 'location /downloads/'],
        },
      ],
    },
    {
      name: 'server-wide, root inherited',
      tree: site('    autoindex on;'),
      findings: [{ messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 4, column: 15 }, messageIncludes: ['this server', '"/srv/www"'] }],
    },
    {
      name: 'On in capitals, from an included file',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    server {', '        location /pub/ { include listing.conf; }', '    }', '}'),
        'listing.conf': lines('autoindex On;'),
      },
      findings: [{ messageId: 'listing', primary: { file: 'listing.conf', line: 1, column: 11 }, messageIncludes: ['the root'] }],
    },
    {
      name: "a location's own allow without deny all leaves it public",
      tree: site('    allow 10.0.0.0/8;', '    deny all;', '    location /pub/ {', '        allow 192.168.0.0/16;', '        autoindex on;', '    }'),
      findings: [{ messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 8, column: 19 } }],
    },
    {
      name: 'two locations, two findings',
      tree: site('    location /a/ { autoindex on; }', '    location /b/ {', '\tautoindex on;', '    }'),
      findings: [
        { messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 4, column: 30 } },
        { messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 6, column: 12 } },
      ],
    },
  ],
});
