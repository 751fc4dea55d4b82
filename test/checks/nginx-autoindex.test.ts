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
    {
      // The return in the location answers every request in the rewrite phase: nothing is ever listed.
      name: 'a location answered by return',
      tree: site(
        '    location /apple-app-site-association {',
        '        autoindex on;',
        '        default_type application/json;',
        '        return 200 \'{"applinks": {}}\';',
        '    }',
      ),
    },
    {
      name: 'a location proxy_pass answers',
      tree: site('    location /api/ {', '        autoindex on;', '        proxy_pass http://127.0.0.1:8000;', '    }'),
    },
    {
      // ngx_http_autoindex_handler declines a URI that does not end with "/", and an exact match sees only "/robots.txt".
      name: 'an exact-match location of a URI without a final slash',
      tree: site('    location = /robots.txt {', '        alias /srv/robots.txt;', '        autoindex on;', '    }'),
    },
  ],
  reject: [
    {
      name: 'a break in an if stops the rewrite phase before the return: the content phase may list',
      tree: site('    location /files/ {', '        autoindex on;', '        if ($arg_x) {', '            break;', '        }', '        return 404;', '    }'),
      findings: [{ messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 5, column: 19 } }],
    },
    {
      name: 'a rewrite … break before the return keeps the request in the location without it',
      tree: site('    location /dl/ {', '        rewrite ^/dl/(.*)$ /files/$1 break;', '        return 403;', '        autoindex on;', '    }'),
      findings: [{ messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 7, column: 19 } }],
    },
    {
      // "/app-site/" reaches this prefix location too; a name ending in .json does not make it a file.
      name: 'a prefix location whose alias has a file-like name',
      tree: site('    location /app-site {', '        alias /srv/www/app-site.json;', '        autoindex on;', '    }'),
      findings: [{ messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 6, column: 19 } }],
    },
    {
      name: 'an exact-match location of a directory URI',
      tree: site('    location = /pub/ { autoindex on; }'),
      findings: [{ messageId: 'listing', primary: { file: 'conf.d/site.conf', line: 4, column: 34 } }],
    },
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
