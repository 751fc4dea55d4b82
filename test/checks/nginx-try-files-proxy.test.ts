import { rule } from '../../checks/nginx-try-files-proxy';
import { testRule } from '../harness';
import { lintDiskTree } from '../disk-tree';

const server = (body: string) => `server {\n    listen 80;\n    root /srv/www;\n${body}}\n`;

testRule(rule, {
  accept: [
    {
      name: 'files in one location, the proxy in a named one',
      tree: {
        'conf.d/app.conf': server(
          '    location / {\n        try_files $uri $uri/ @app;\n    }\n    location @app {\n        proxy_pass http://127.0.0.1:8000;\n    }\n',
        ),
      },
    },
    {
      name: 'the PHP guard: try_files $uri =404 before fastcgi_pass',
      tree: { 'conf.d/app.conf': server('    location ~ \\.php$ {\n        try_files $uri =404;\n        fastcgi_pass unix:/run/php/php-fpm.sock;\n    }\n') },
    },
    {
      name: 'try_files at server level, proxy_pass in a location',
      tree: { 'conf.d/app.conf': server('    try_files $uri /index.html;\n    location /api/ {\n        proxy_pass http://127.0.0.1:8000;\n    }\n') },
    },
    {
      name: "proxy_pass in a nested location is that location's handler",
      tree: {
        'conf.d/app.conf': server(
          '    location / {\n        try_files $uri /index.html;\n        location /api/ {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n',
        ),
      },
    },
    {
      name: 'proxy_pass inside an if of the location',
      tree: {
        'conf.d/app.conf': server(
          '    location / {\n        try_files $uri /index.html;\n        if ($http_x_preview) {\n            proxy_pass http://127.0.0.1:9000;\n        }\n    }\n',
        ),
      },
    },
  ],
  reject: [
    {
      name: 'try_files with a named fallback and proxy_pass in the same location',
      tree: {
        'conf.d/app.conf': server(
          '    location / {\n        try_files $uri $uri/ @app;\n        proxy_pass http://127.0.0.1:8000;\n    }\n    location @app {\n        proxy_pass http://127.0.0.1:8000;\n    }\n',
        ),
      },
      findings: [
        {
          messageId: 'proxiedAnyway',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 5, column: 9, endColumn: 18 },
          related: [{ file: 'conf.d/app.conf', line: 6, column: 9, label: 'proxy_pass is the handler' }],
          messageIncludes: ['"try_files $uri $uri/ @app"', '"proxy_pass http://127.0.0.1:8000"', 'goes to "@app"'],
        },
      ],
    },
    {
      name: '=404 as the last argument: URIs with no file are not proxied',
      tree: { 'conf.d/app.conf': server('    location /media/ {\n        proxy_pass http://media:9000;\n        try_files $uri =404;\n    }\n') },
      findings: [
        { messageId: 'proxiedAnyway', primary: { file: 'conf.d/app.conf', line: 6, column: 9 }, messageIncludes: ['gets 404 instead of being proxied'] },
      ],
    },
    {
      name: 'a URI fallback, proxy_pass to an upstream, through an include',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    upstream app { server 127.0.0.1:8000; }\n    server {\n        location / {\n            include spa.conf;\n            proxy_pass http://app;\n        }\n    }\n}\n',
        'spa.conf': 'try_files $uri /index.html;\n',
      },
      findings: [
        {
          messageId: 'proxiedAnyway',
          primary: { file: 'spa.conf', line: 1, column: 1 },
          related: [{ file: 'nginx.conf', line: 7, column: 13 }],
          messageIncludes: ['redirected internally to "/index.html"'],
        },
      ],
    },
    {
      name: 'in a regex location with a variable proxy_pass',
      tree: { 'conf.d/app.conf': server('\tlocation ~ ^/static/(.*)$ {\n\t\ttry_files $uri @cdn;\n\t\tproxy_pass http://$host:8080;\n\t}\n') },
      findings: [{ messageId: 'proxiedAnyway', primary: { file: 'conf.d/app.conf', line: 5, column: 3 } }],
    },
    {
      name: 'two locations: two findings',
      tree: {
        'conf.d/app.conf': server(
          '    location /a/ {\n        try_files $uri @a;\n        proxy_pass http://127.0.0.1:8001;\n    }\n    location /b/ {\n        try_files $uri @b;\n        proxy_pass http://127.0.0.1:8002;\n    }\n',
        ),
      },
      findings: [
        { messageId: 'proxiedAnyway', primary: { file: 'conf.d/app.conf', line: 5, column: 9 } },
        { messageId: 'proxiedAnyway', primary: { file: 'conf.d/app.conf', line: 9, column: 9 } },
      ],
    },
  ],
});

describe('nginx-try-files-proxy in a Jinja template, read from disk', () => {
  const findingsOf = (template: string) => lintDiskTree({ 'nginx/site.conf.j2': template }).filter((f) => f.ruleId === 'nginx-try-files-proxy');
  const site = (...location: string[]) => ['server {', '  listen 80;', '  root /srv/site;', '  location /bio/ {', ...location, '  }', '}', ''].join('\n');

  test('proxy_pass in the if branch, try_files in the else branch: no rendering holds both', () => {
    const template = site(
      '  {% if S3_PROXY_ENABLED %}',
      '    proxy_pass {{ BUCKET_URL }}/bio/index.html;',
      '  {% else %}',
      '    try_files $uri $uri/ /bio/index.html;',
      '  {% endif %}',
    );
    expect(findingsOf(template)).toEqual([]);
  });

  test('both in one branch: every rendering that has the branch proxies the files', () => {
    const template = site('  {% if S3_PROXY_ENABLED %}', '    try_files $uri @s3;', '    proxy_pass {{ BUCKET_URL }};', '  {% endif %}');
    const findings = findingsOf(template);
    expect(findings).toHaveLength(1);
    // try_files is on line 6 of the template, proxy_pass on line 7.
    expect(findings[0].primary).toMatchObject({ file: 'nginx/site.conf.j2', start: { line: 6, column: 5 } });
    expect(findings[0].related[0].span).toMatchObject({ start: { line: 7, column: 5 } });
  });

  test('a try_files in each branch: the one beside proxy_pass is reported, not the last one', () => {
    const template = site(
      '  {% if S3_PROXY_ENABLED %}',
      '    try_files $uri @s3;',
      '    proxy_pass {{ BUCKET_URL }};',
      '  {% else %}',
      '    try_files $uri $uri/ /bio/index.html;',
      '  {% endif %}',
    );
    const findings = findingsOf(template);
    expect(findings).toHaveLength(1);
    expect(findings[0].primary).toMatchObject({ start: { line: 6, column: 5 } });
    expect(findings[0].message).toContain('"try_files $uri @s3"');
  });
});
