import { rule } from '../../checks/nginx-valid-referers-none';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const site = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', '    listen 80;', ...body, '}') });
const check = '        if ($invalid_referer) { return 403; }';

testRule(rule, {
  accept: [
    { name: 'server names and patterns only', tree: site('    location /images/ {', '        valid_referers server_names *.example.com;', check, '    }') },
    { name: 'blocked without none', tree: site('    location /images/ {', '        valid_referers blocked example.com;', check, '    }') },
    { name: 'a regex referer', tree: site('    location /media/ {', '        valid_referers ~\\.example\\.com/;', check, '    }') },
    { name: 'NONE in capitals is a host name for nginx, not the keyword', tree: site('    location /x/ {', '        valid_referers NONE;', check, '    }') },
    { name: 'no referer check at all', tree: site('    location / { root /srv/www; }') },
  ],
  reject: [
    {
      name: 'none with server names',
      tree: site('    location /images/ {', '        valid_referers none blocked server_names;', check, '    }'),
      findings: [{ messageId: 'none', severity: 'info', primary: { file: 'conf.d/site.conf', line: 4, column: 24, endLine: 4, endColumn: 28 } }],
    },
    {
      name: 'none last, at server level',
      tree: site('    valid_referers *.example.com none;'),
      findings: [{ messageId: 'none', primary: { file: 'conf.d/site.conf', line: 3, column: 34 } }],
    },
    {
      name: 'from an included file',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    server {', '        location /dl/ { include referers.conf; }', '    }', '}'),
        'referers.conf': lines('valid_referers none example.org;'),
      },
      findings: [{ messageId: 'none', primary: { file: 'referers.conf', line: 1, column: 16 } }],
    },
    {
      name: 'quoted none is still the keyword',
      tree: site('    location /api/ {', '        valid_referers "none" example.com;', check, '    }'),
      findings: [{ messageId: 'none', primary: { file: 'conf.d/site.conf', line: 4, column: 24, endColumn: 30 } }],
    },
    {
      name: 'two locations, two findings',
      tree: site('    location /a/ { valid_referers none a.example; }', '    location /b/ {', '\tvalid_referers none;', '    }'),
      findings: [
        { messageId: 'none', primary: { file: 'conf.d/site.conf', line: 3, column: 35 } },
        { messageId: 'none', primary: { file: 'conf.d/site.conf', line: 5, column: 17 } },
      ],
    },
  ],
});
