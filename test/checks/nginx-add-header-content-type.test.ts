import { rule } from '../../checks/nginx-add-header-content-type';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const site = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', '    listen 80;', ...body, '}') });

testRule(rule, {
  accept: [
    {
      name: 'default_type sets the type',
      tree: site('    location = /config.json {', '        default_type application/json;', '        return 200 "{}";', '    }'),
    },
    { name: 'other headers', tree: site('    add_header X-Content-Type-Options nosniff;', '    add_header Content-Disposition attachment;') },
    { name: 'more_set_headers replaces the type', tree: site('    location / { more_set_headers "Content-Type: text/plain"; }') },
    {
      name: 'the upstream type is hidden first',
      tree: site(
        '    location /api/ {',
        '        proxy_hide_header Content-Type;',
        '        add_header Content-Type application/json;',
        '        proxy_pass http://127.0.0.1:8000;',
        '    }',
      ),
    },
    {
      name: 'hidden at server level, added in the location',
      tree: site(
        '    proxy_hide_header content-type;',
        '    location /api/ {',
        '        add_header Content-Type text/plain;',
        '        proxy_pass http://127.0.0.1:8000;',
        '    }',
      ),
    },
    { name: 'an empty value adds nothing', tree: site('    add_header Content-Type "";') },
  ],
  reject: [
    {
      name: 'a JSON answer typed with add_header',
      tree: site('    location = /.well-known/matrix/client {', '        add_header Content-Type application/json;', '        return 200 "{}";', '    }'),
      findings: [
        {
          messageId: 'secondContentType',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 4, column: 20, endLine: 4, endColumn: 32 },
          messageIncludes: ['application/json'],
        },
      ],
    },
    {
      name: 'lower case and quoted',
      tree: site('    location /feed { add_header "content-type" \'application/rss+xml\'; }'),
      findings: [{ messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 3, column: 33, endColumn: 47 } }],
    },
    {
      name: 'from an included file at http level',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include text.conf;', '    server { listen 80; }', '}'),
        'text.conf': lines('add_header Content-Type text/plain;'),
      },
      findings: [{ messageId: 'secondContentType', primary: { file: 'text.conf', line: 1, column: 12 } }],
    },
    {
      name: 'a proxied location that does not hide the upstream type',
      tree: site('    location /api/ {', '        add_header Content-Type application/json always;', '        proxy_pass http://127.0.0.1:8000;', '    }'),
      findings: [{ messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 4, column: 20 } }],
    },
    {
      name: 'two locations, two findings',
      tree: site('    location /a { add_header Content-Type text/plain; }', '    location /b {', '\tadd_header Content-Type text/csv;', '    }'),
      findings: [
        { messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 3, column: 30 } },
        { messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 5, column: 13 } },
      ],
    },
  ],
});
