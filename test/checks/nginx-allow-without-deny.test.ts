import { rule } from '../../checks/nginx-allow-without-deny';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const site = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', '    listen 80;', ...body, '}') });

testRule(rule, {
  accept: [
    { name: 'allow then deny all', tree: site('    location /admin {', '        allow 10.0.0.0/8;', '        deny all;', '    }') },
    { name: 'a specific deny after the allow gives it a meaning', tree: site('    allow 192.168.1.5;', '    deny 192.168.1.0/24;') },
    { name: 'allow all on purpose', tree: site('    allow 10.0.0.1;', '    allow all;') },
    {
      name: 'a location without rules inherits the server list and its deny all',
      tree: site('    allow 10.0.0.0/8;', '    deny all;', '    location /admin { proxy_pass http://127.0.0.1:8000; }'),
    },
    {
      name: 'allow lines from an include, deny all after it',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include conf.d/*.conf;', '}'),
        'conf.d/site.conf': lines('server {', '    location /admin {', '        include snippets/office-ips.conf;', '        deny all;', '    }', '}'),
        'snippets/office-ips.conf': lines('allow 203.0.113.0/24;', 'allow 198.51.100.7;'),
      },
    },
    {
      // Read on its own, a file of allow lines is meant to be included before a deny all elsewhere.
      name: 'a snippet that holds only allow lines',
      tree: { 'snippets/office-ips.conf': lines('allow 203.0.113.0/24;', 'allow 198.51.100.7;') },
    },
    {
      name: 'an include the tree does not hold may bring the deny',
      tree: site('    location /admin {', '        allow 10.0.0.0/8;', '        include /etc/nginx/deny.d/*.conf;', '    }'),
    },
  ],
  reject: [
    {
      name: 'allow lines alone in a location',
      tree: site('    location /admin {', '        allow 10.0.0.0/8;', '        allow 192.168.0.0/16;', '    }'),
      findings: [
        {
          messageId: 'noDeny',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 5, column: 9, endLine: 5, endColumn: 30 },
          messageIncludes: ['"allow 192.168.0.0/16"', 'location /admin'],
        },
      ],
    },
    {
      name: "the location's own allow replaces the server's deny all",
      tree: site(
        '    allow 10.0.0.0/8;',
        '    deny all;',
        '    location /metrics {',
        '        allow 172.16.0.0/12;',
        '        proxy_pass http://127.0.0.1:9100;',
        '    }',
      ),
      findings: [
        {
          messageId: 'outerDenyNotInherited',
          primary: { file: 'conf.d/site.conf', line: 6, column: 9 },
          related: [{ file: 'conf.d/site.conf', line: 4, column: 5, label: 'not inherited' }],
          messageIncludes: ['server level'],
        },
      ],
    },
    {
      name: 'an allow alone inside an if',
      tree: site('    location / {', '        if ($request_method = POST) {', '            allow 127.0.0.1;', '        }', '    }'),
      findings: [{ messageId: 'noDeny', primary: { file: 'conf.d/site.conf', line: 5, column: 13 }, messageIncludes: ['this if'] }],
    },
    {
      name: 'a limit_except with allow only',
      tree: site('    location /upload {', '        limit_except GET {', '            allow 10.1.2.3;', '        }', '    }'),
      findings: [{ messageId: 'noDeny', primary: { file: 'conf.d/site.conf', line: 5, column: 13 }, messageIncludes: ['this limit_except'] }],
    },
    {
      name: 'allow lines from an included file with nothing after them; two levels, two findings',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include conf.d/*.conf;', '}'),
        'conf.d/site.conf': lines('server {', '  include snippets/office-ips.conf;', '  location /a {', '\tallow 127.0.0.1;', '  }', '}'),
        'snippets/office-ips.conf': lines('allow 203.0.113.0/24;', 'allow 198.51.100.7;'),
      },
      findings: [
        { messageId: 'noDeny', primary: { file: 'snippets/office-ips.conf', line: 2, column: 1 }, messageIncludes: ['this server'] },
        { messageId: 'noDeny', primary: { file: 'conf.d/site.conf', line: 4, column: 2 } },
      ],
    },
  ],
});
