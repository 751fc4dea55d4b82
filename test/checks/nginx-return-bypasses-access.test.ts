import { rule } from '../../checks/nginx-return-bypasses-access';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const site = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', '    listen 80;', ...body, '}') });

testRule(rule, {
  accept: [
    {
      name: 'restricted location that serves files',
      tree: site('    location /admin {', '        allow 10.0.0.0/8;', '        deny all;', '        root /srv/admin;', '    }'),
    },
    { name: 'return with no restriction anywhere', tree: site('    location /health { return 200 "ok"; }') },
    { name: 'return 403 is itself the refusal', tree: site('    location /admin {', '        auth_basic "ops";', '        return 403;', '    }') },
    {
      name: 'auth_basic off where the return is',
      tree: site('    auth_basic "site";', '    location /health {', '        auth_basic off;', '        return 200 "ok";', '    }'),
    },
    {
      name: 'allow-only list denies nothing, so nothing is bypassed',
      tree: site('    location /x {', '        allow 10.0.0.1;', '        return 200 "hi";', '    }'),
    },
    { name: 'an internal location', tree: site('    location /secret {', '        internal;', '        deny all;', '        return 200 "token";', '    }') },
    {
      name: "another snippet's http-level deny is not this server's",
      tree: { 'templates/_access.conf': lines('deny all;'), 'templates/site.conf': lines('server {', '    location / { return 200 "hi"; }', '}') },
    },
    {
      name: 'a template writes the return',
      tree: { 'templates/site.conf.j2': lines('server {', '    location / {', '        deny all;', '        return {{ code }} "x";', '    }', '}') },
    },
    { name: 'the restriction of a sibling location does not apply', tree: site('    location /a { deny all; }', '    location /b { return 200 "b"; }') },
  ],
  reject: [
    {
      name: 'deny all and return 200 in one location',
      tree: site('    location /admin {', '        allow 10.0.0.0/8;', '        deny all;', '        return 200 "admin console";', '    }'),
      findings: [
        {
          messageId: 'answersBeforeAccess',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 6, column: 9, endLine: 6, endColumn: 36 },
          related: [{ file: 'conf.d/site.conf', line: 5, column: 9, label: 'access phase' }],
          messageIncludes: ['"return 200"', '"deny all"', 'location /admin'],
        },
      ],
    },
    {
      name: 'auth_basic and a return inside an if of the same location',
      tree: site(
        '    location /api/ {',
        '        auth_basic "api";',
        '        if ($request_method = GET) {',
        '            return 200 $request_id;',
        '        }',
        '    }',
      ),
      findings: [
        {
          messageId: 'answersBeforeAccess',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 6, column: 13 },
          related: [{ file: 'conf.d/site.conf', line: 4, column: 9 }],
        },
      ],
    },
    {
      name: 'a health check under a site-wide password: info',
      tree: site('    auth_basic "site";', '    location /health {', '        return 200 "ok";', '    }'),
      findings: [
        {
          messageId: 'answersBeforeOuterAccess',
          severity: 'info',
          primary: { file: 'conf.d/site.conf', line: 5, column: 9 },
          messageIncludes: ['server level'],
        },
      ],
    },
    {
      name: 'a redirect from a restricted location: info',
      tree: site('    location /old-admin {', '        deny all;', '        return 301 /admin/;', '    }'),
      findings: [{ messageId: 'redirectsBeforeAccess', severity: 'info', primary: { file: 'conf.d/site.conf', line: 5, column: 9 } }],
    },
    {
      name: 'server-level restriction and return from an included file, two of them',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include conf.d/*.conf;', '}'),
        'conf.d/site.conf': lines(
          'server {',
          '    include snippets/office-only.conf;',
          '    return 200 "maintenance";',
          '    location /x { return 204; }',
          '}',
        ),
        'snippets/office-only.conf': lines('allow 203.0.113.0/24;', 'deny  all;'),
      },
      findings: [
        {
          messageId: 'answersBeforeAccess',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 3, column: 5 },
          related: [{ file: 'snippets/office-only.conf', line: 2, column: 1 }],
          messageIncludes: ['this server'],
        },
        { messageId: 'answersBeforeOuterAccess', severity: 'info', primary: { file: 'conf.d/site.conf', line: 4, column: 19 } },
      ],
    },
  ],
});
