import { rule } from '../../checks/nginx-header-redefinition';
import { testRule } from '../harness';
import { lintDiskTree } from '../disk-tree';

const lines = (...text: string[]) => text.join('\n') + '\n';

// Server level: X-Frame-Options on line 3, Strict-Transport-Security on line 4 (both at column 5).
const secured = (locationBody: string, locationPath = '/static/') =>
  lines(
    'server {',
    '    listen 80;',
    '    add_header X-Frame-Options DENY;',
    '    add_header Strict-Transport-Security "max-age=31536000";',
    `    location ${locationPath} {`,
    locationBody,
    '    }',
    '}',
  );

const proxied = (locationBody: string) =>
  lines(
    'server {',
    '    proxy_set_header X-Real-IP $remote_addr;',
    '    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '    location /api/ {',
    locationBody,
    '        proxy_pass http://127.0.0.1:8000;',
    '    }',
    '}',
  );

testRule(rule, {
  accept: [
    {
      name: 'the location repeats every outer header, in another case and quoting',
      tree: {
        'conf.d/site.conf': secured(
          lines(
            '        add_header "x-frame-options" DENY;',
            '        add_header \'STRICT-TRANSPORT-SECURITY\' "max-age=31536000";',
            '        add_header Cache-Control public;',
          ),
        ),
      },
    },
    {
      // gixy reported this one (yandex/gixy#114): the shared file brings the outer headers back.
      name: 'the location includes the same header file as the server',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include conf.d/*.conf;', '}'),
        'conf.d/site.conf': lines(
          'server {',
          '    include snippets/security.conf;',
          '    location /static/ {',
          '        include snippets/security.conf;',
          '        add_header Cache-Control public;',
          '    }',
          '}',
        ),
        'snippets/security.conf': lines('add_header X-Frame-Options DENY;', 'add_header X-Content-Type-Options nosniff;'),
      },
    },
    {
      name: 'add_header_inherit merge in the location appends the outer headers',
      nginxVersion: '1.29.3',
      tree: { 'conf.d/site.conf': secured(lines('        add_header_inherit merge;', '        add_header Cache-Control public;')) },
    },
    {
      name: 'add_header_inherit merge at http level is inherited by every level',
      nginxVersion: '1.29.4',
      tree: {
        'nginx.conf': lines(
          'events {}',
          'http {',
          '    add_header_inherit merge;',
          '    add_header X-Content-Type-Options nosniff;',
          '    server {',
          '        add_header X-Frame-Options DENY;',
          '        location / { add_header Cache-Control no-store; }',
          '    }',
          '}',
        ),
      },
    },
    {
      // internet.nl writes this for a location whose CSP must differ on purpose.
      name: 'add_header_inherit off says the drop is meant',
      nginxVersion: '1.29.3',
      tree: { 'conf.d/site.conf': secured(lines('        add_header_inherit off;', '        add_header Cache-Control public;')) },
    },
    {
      name: 'more_set_headers in the location: headers-more appends to the outer list',
      tree: { 'conf.d/site.conf': secured(lines('        more_set_headers "Cache-Control: public";')) },
    },
    {
      name: 'expires in the location is not add_header and drops nothing',
      tree: { 'conf.d/site.conf': secured(lines('        expires 30d;')) },
    },
    {
      name: 'a header named by a variable might be any of them: nothing is said',
      tree: { 'conf.d/site.conf': secured(lines('        add_header $cache_header_name public;')) },
    },
    {
      name: 'a header named by a template tag might be any of them: nothing is said',
      tree: { 'templates/site.conf.j2': secured(lines('        add_header {{ cache_header }} public;')) },
    },
    {
      name: 'an include the tree does not hold might re-add them: nothing is said',
      tree: { 'conf.d/site.conf': secured(lines('        include /etc/nginx/headers.d/*.conf;', '        add_header Cache-Control public;')) },
    },
    {
      name: 'an outer add_header with an empty value adds nothing, so nothing is lost',
      tree: {
        'conf.d/site.conf': lines('server {', '    add_header X-Debug "";', '    location / {', '        add_header Cache-Control no-store;', '    }', '}'),
      },
    },
    {
      // The case Semgrep's users dismissed: every location sets its complete list, the server none.
      name: 'no outer headers: every location writes its own complete list',
      tree: {
        'conf.d/site.conf': lines(
          'server {',
          '    location / { add_header X-Frame-Options DENY; add_header Cache-Control no-cache; }',
          '    location /assets/ { add_header X-Frame-Options DENY; add_header Cache-Control max-age=600; }',
          '}',
        ),
      },
    },
    {
      name: 'proxy_set_header in a location that proxies nothing sends nothing',
      tree: {
        'conf.d/site.conf': lines(
          'server {',
          '    proxy_set_header X-Real-IP $remote_addr;',
          '    location /health { proxy_set_header X-Probe 1; return 200; }',
          '}',
        ),
      },
    },
    {
      name: 'proxy_set_header repeated in the location through a shared file',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include conf.d/*.conf;', '}'),
        'conf.d/site.conf': lines(
          'server {',
          '    include proxy_headers.conf;',
          '    location /ws/ {',
          '        include proxy_headers.conf;',
          '        proxy_set_header Upgrade $http_upgrade;',
          '        proxy_pass http://127.0.0.1:8000;',
          '    }',
          '}',
        ),
        'proxy_headers.conf': lines('proxy_set_header X-Real-IP $remote_addr;', 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;'),
      },
    },
    {
      // The keep-alive it breaks is upstream-keepalive-http10's finding, with the upstream beside it.
      name: 'losing only a Connection "" is left to upstream-keepalive-http10',
      tree: {
        'conf.d/api.conf': lines(
          'server {',
          '    proxy_set_header Connection "";',
          '    location / {',
          '        proxy_set_header X-Request-Id $request_id;',
          '        proxy_pass http://127.0.0.1:8000;',
          '    }',
          '}',
        ),
      },
    },
  ],
  reject: [
    {
      name: 'a Cache-Control in a location drops the server security headers',
      tree: { 'conf.d/site.conf': secured('        add_header Cache-Control "public";') },
      findings: [
        {
          messageId: 'dropsSecurityHeaders',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 6, column: 9, endLine: 6, endColumn: 43 },
          related: [
            { file: 'conf.d/site.conf', line: 3, column: 5, label: '"X-Frame-Options" set here' },
            { file: 'conf.d/site.conf', line: 4, column: 5, label: '"Strict-Transport-Security" set here' },
          ],
          messageIncludes: ['location /static/', '"X-Frame-Options", "Strict-Transport-Security"', 'server level'],
        },
      ],
    },
    {
      name: 'only a non-security header is lost: info',
      tree: {
        'conf.d/site.conf': lines(
          'server {',
          '    add_header X-Served-By edge1;',
          '    location / {',
          '        add_header Cache-Control no-store;',
          '    }',
          '}',
        ),
      },
      findings: [
        {
          messageId: 'dropsHeaders',
          severity: 'info',
          primary: { file: 'conf.d/site.conf', line: 4, column: 9 },
          related: [{ file: 'conf.d/site.conf', line: 2, column: 5 }],
          messageIncludes: ['"X-Served-By"'],
        },
      ],
    },
    {
      name: 'headers from an included file are dropped by an add_header in another included file',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include conf.d/*.conf;', '}'),
        'conf.d/site.conf': lines(
          'server {',
          '    include snippets/security.conf;',
          '    location /static/ {',
          '        include snippets/cache.conf;',
          '    }',
          '}',
        ),
        'snippets/security.conf': lines('# shared', 'add_header Referrer-Policy same-origin;'),
        'snippets/cache.conf': lines('expires 1h;', '  add_header Cache-Control public;'),
      },
      findings: [
        {
          messageId: 'dropsSecurityHeaders',
          primary: { file: 'snippets/cache.conf', line: 2, column: 3, endColumn: 35 },
          related: [{ file: 'snippets/security.conf', line: 2, column: 1 }],
        },
      ],
    },
    {
      name: 'two levels of nesting, two drops',
      tree: {
        'conf.d/site.conf': lines(
          'server {',
          '    add_header Strict-Transport-Security max-age=600;',
          '    location /a/ {',
          '        add_header X-Content-Type-Options nosniff;',
          '        location /a/b/ { add_header X-Extra 1; }',
          '    }',
          '}',
        ),
      },
      findings: [
        {
          messageId: 'dropsSecurityHeaders',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 4, column: 9 },
          related: [{ file: 'conf.d/site.conf', line: 2, column: 5 }],
          messageIncludes: ['"Strict-Transport-Security"'],
        },
        {
          messageId: 'dropsSecurityHeaders',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 5, column: 26, endColumn: 47 },
          related: [{ file: 'conf.d/site.conf', line: 4, column: 9 }],
          messageIncludes: ['location /a/ level', '"X-Content-Type-Options"'],
        },
      ],
    },
    {
      name: 'an add_header inside an if in the location drops the location headers when it matches',
      tree: {
        'conf.d/site.conf': lines(
          'server {',
          '    location / {',
          '        add_header Content-Security-Policy "default-src \'self\'";',
          '        if ($arg_debug) {',
          '            add_header X-Debug on;',
          '        }',
          '    }',
          '}',
        ),
      },
      findings: [
        {
          messageId: 'dropsSecurityHeaders',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 5, column: 13 },
          related: [{ file: 'conf.d/site.conf', line: 3, column: 9 }],
          messageIncludes: ['"Content-Security-Policy"'],
        },
      ],
    },
    {
      name: 'a preflight answered with 204 has no page to protect: info',
      tree: {
        'conf.d/site.conf': secured(
          lines('        if ($request_method = OPTIONS) {', '            add_header Access-Control-Allow-Origin "*";', '            return 204;', '        }'),
          '/',
        ),
      },
      findings: [
        {
          messageId: 'dropsSecurityHeaders',
          severity: 'info',
          primary: { file: 'conf.d/site.conf', line: 7, column: 13 },
          related: [
            { file: 'conf.d/site.conf', line: 3, column: 5 },
            { file: 'conf.d/site.conf', line: 4, column: 5 },
          ],
        },
      ],
    },
    {
      name: 'add_header_inherit on in the location undoes a merge set at http level',
      nginxVersion: '1.29.3',
      tree: {
        'nginx.conf': lines(
          'events {}',
          'http {',
          '    add_header_inherit merge;',
          '    server {',
          '        add_header X-Frame-Options SAMEORIGIN;',
          '        location / {',
          '            add_header_inherit on;',
          '            add_header Cache-Control no-store;',
          '        }',
          '    }',
          '}',
        ),
      },
      findings: [
        { messageId: 'dropsSecurityHeaders', primary: { file: 'nginx.conf', line: 8, column: 13 }, related: [{ file: 'nginx.conf', line: 5, column: 9 }] },
      ],
    },
    {
      name: 'a server add_header drops the http level headers of nginx.conf',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    add_header Permissions-Policy "camera=()";', '    include conf.d/*.conf;', '}'),
        'conf.d/app.conf': lines('server {', '    listen 443 ssl;', '    add_header Strict-Transport-Security "max-age=63072000" always;', '}'),
      },
      findings: [
        {
          messageId: 'dropsSecurityHeaders',
          primary: { file: 'conf.d/app.conf', line: 3, column: 5 },
          related: [{ file: 'nginx.conf', line: 3, column: 5 }],
          messageIncludes: ['this server', 'http level', '"Permissions-Policy"'],
        },
      ],
    },
    {
      name: 'proxy_set_header in the location lets the client choose X-Real-IP and X-Forwarded-For',
      tree: { 'conf.d/api.conf': proxied('        proxy_set_header Upgrade $http_upgrade;') },
      findings: [
        {
          messageId: 'dropsIdentityHeaders',
          severity: 'warning',
          primary: { file: 'conf.d/api.conf', line: 5, column: 9, endColumn: 48 },
          related: [
            { file: 'conf.d/api.conf', line: 2, column: 5 },
            { file: 'conf.d/api.conf', line: 3, column: 5 },
          ],
          messageIncludes: ['"X-Real-IP", "X-Forwarded-For"'],
        },
      ],
    },
    {
      name: 'a header the server strips with an empty value reaches the backend again',
      tree: {
        'conf.d/api.conf': lines(
          'server {',
          '    proxy_set_header X-Remote-User "";',
          '    location / {',
          '        proxy_set_header Host $host;',
          '        proxy_pass http://127.0.0.1:8000;',
          '    }',
          '}',
        ),
      },
      findings: [
        {
          messageId: 'dropsIdentityHeaders',
          severity: 'warning',
          primary: { file: 'conf.d/api.conf', line: 4, column: 9 },
          messageIncludes: ['"X-Remote-User"'],
        },
      ],
    },
    {
      name: 'only Host is lost upstream: info',
      tree: {
        'conf.d/api.conf': lines(
          'server {',
          '    proxy_set_header Host $host;',
          '    location / {',
          '        proxy_set_header X-Request-Id $request_id;',
          '        location /deep/ { proxy_pass http://127.0.0.1:8000; }',
          '    }',
          '}',
        ),
      },
      findings: [
        {
          messageId: 'dropsHeaders',
          severity: 'info',
          primary: { file: 'conf.d/api.conf', line: 4, column: 9 },
          messageIncludes: ['"proxy_set_header"', '"Host"'],
        },
      ],
    },
    {
      name: 'the level named is the one that writes the lost header',
      tree: {
        'nginx.conf': lines(
          'events {}',
          'http {',
          '    add_header X-Content-Type-Options nosniff;',
          '    server {',
          '        location /new/ { add_header X-Foo foo; }',
          '    }',
          '}',
        ),
      },
      findings: [{ messageId: 'dropsSecurityHeaders', primary: { file: 'nginx.conf', line: 5, column: 26 }, messageIncludes: ['drops the http level'] }],
    },
  ],
});

/**
 * nginx adds the headers of the location a response leaves from (ngx_http_headers_filter reads
 * r->loc_conf), and try_files' named fallback jumps with the named location's configuration
 * (ngx_http_named_location: r->loc_conf = its loc_conf). So a location whose only content is
 * `try_files $uri @app` answers with its own list only the files it finds.
 */
describe('nginx-header-redefinition and what a location answers itself, read from disk', () => {
  const findingsOf = (files: Record<string, string>) => lintDiskTree(files).filter((f) => f.ruleId === 'nginx-header-redefinition');
  // Server level: HSTS on line 6, nosniff on line 7; the location from line 9 on; @app after it.
  const site = (serverLines: string[], locationLines: string[], after: string[] = []) =>
    lines(
      'events {}',
      'http {',
      '  upstream app { server 127.0.0.1:8000; }',
      '  server {',
      '    listen 80;',
      '    add_header Strict-Transport-Security "max-age=31536000";',
      '    add_header X-Content-Type-Options nosniff;',
      ...serverLines,
      '    location /asset {',
      ...locationLines,
      '    }',
      ...after,
      '    location @proxy_to_app {',
      '      proxy_pass http://app;',
      '    }',
      '  }',
      '}',
    );
  const cors = '      add_header Access-Control-Allow-Origin $http_origin;';

  test('no root or alias written: what falls through to @proxy_to_app keeps the server headers, nothing is said', () => {
    expect(findingsOf({ 'nginx.conf': site([], [cors, '      try_files $uri @proxy_to_app;']) })).toEqual([]);
  });

  test('the add_header written only on a template condition, as openedx/configuration does: nothing is said without a root', () => {
    const location = ['    {% if EDXAPP_CORS_ORIGIN_WHITELIST|length > 0 %}', cors, '    {% endif %}', '      try_files $uri @proxy_to_app;'];
    expect(findingsOf({ 'nginx/sites-available/lms.j2': site([], location) })).toEqual([]);
    // The template is read: with a root written, its files are judged.
    const rooted = findingsOf({ 'nginx/sites-available/lms.j2': site(['    root {{ edxapp_data_dir }};'], location) });
    expect(rooted.map((f) => f.primary.start.line)).toEqual([11]);
  });

  test('a root at server level: the files try_files finds there lose the security headers', () => {
    const findings = findingsOf({ 'nginx.conf': site(['    root /srv/www;'], [cors, '      try_files $uri @proxy_to_app;']) });
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding.severity).toBe('warning');
    expect(finding.primary).toMatchObject({ file: 'nginx.conf', start: { line: 10, column: 7 } });
    expect(finding.message).toBe(
      '"add_header" in this location /asset drops the server level\'s security headers "Strict-Transport-Security", "X-Content-Type-Options": ' +
        'not sent with the files "try_files" finds under "/srv/www" (the rest is answered by "@proxy_to_app")',
    );
    expect(finding.related.map((r) => r.span.start.line)).toEqual([6, 7, 8]);
    expect(finding.related[2].label).toBe("files found under this root get only the location /asset's own headers");
  });

  test('an alias in the location: its files lose the security headers', () => {
    const findings = findingsOf({ 'nginx.conf': site([], ['      alias /srv/assets/;', cors, '      try_files $uri @proxy_to_app;']) });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('not sent with the files "try_files" finds under "/srv/assets/"');
  });

  test('a nested location without add_header of its own proxies with the /asset list: reported for every response', () => {
    const nested = ['      location /asset/upload {', '        proxy_pass http://app;', '      }'];
    const findings = findingsOf({ 'nginx.conf': site([], [cors, '      try_files $uri @proxy_to_app;', ...nested]) });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/: not sent here$/);
  });

  test('a return in the location answers there: reported for every response', () => {
    const findings = findingsOf({ 'nginx.conf': site([], [cors, '      return 200 "$uri";', '      try_files $uri @proxy_to_app;']) });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/: not sent here$/);
  });

  test('a URI fallback is matched to a location again, maybe this one: reported for every response', () => {
    const findings = findingsOf({ 'nginx.conf': site([], [cors, '      try_files $uri /asset/index.html;']) });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toMatch(/: not sent here$/);
  });

  test('only the security headers are called security headers; a lost Cache-Control is named as another header', () => {
    const findings = findingsOf({ 'nginx.conf': site(['    add_header Cache-Control no-store;'], [cors, '      proxy_pass http://app;']) });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toBe(
      '"add_header" in this location /asset drops the server level\'s security headers "Strict-Transport-Security", "X-Content-Type-Options" ' +
        'and another header "Cache-Control": not sent here',
    );
  });
});
