import { rule } from '../../checks/nginx-directive-context';
import { testRule } from '../harness';

const main = (body: string) => `events {\n    worker_connections 512;\n}\nhttp {\n${body}}\n`;

testRule(rule, {
  accept: [
    {
      name: 'every directive where nginx allows it',
      tree: {
        'nginx.conf': main(
          '    upstream app {\n        server 127.0.0.1:8000;\n        keepalive 16;\n    }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://app;\n            limit_except GET { deny all; }\n            if ($arg_x) { return 404; }\n        }\n    }\n',
        ),
      },
    },
    {
      name: 'return and rewrite in an if in a server',
      tree: { 'conf.d/app.conf': 'server {\n    if ($host = a) {\n        return 301 https://b;\n    }\n}\n' },
    },
    {
      name: 'stream server and upstream',
      tree: {
        'nginx.conf': 'events {}\nstream {\n    upstream db { server 10.0.0.1:5432; }\n    server {\n        listen 5432;\n        proxy_pass db;\n    }\n}\n',
      },
    },
    {
      name: 'a snippet of location directives read on its own',
      tree: { 'snippets/proxy.conf': 'proxy_pass http://127.0.0.1:8000;\nproxy_set_header Host $host;\n' },
    },
    { name: 'a snippet of upstream lines read on its own', tree: { 'snippets/pool.conf': 'server 10.0.0.1:8000;\nserver 10.0.0.2:8000;\nkeepalive 8;\n' } },
    { name: 'a snippet of events lines read on its own', tree: { 'snippets/events.conf': 'worker_connections 1024;\nmulti_accept on;\n' } },
    {
      name: 'include is allowed anywhere',
      tree: {
        'nginx.conf': 'include modules/*.conf;\nevents { include ev.conf; }\nhttp { include mime.types; }\n',
        'ev.conf': 'use epoll;\n',
        'mime.types': 'types { text/html html; }\n',
      },
    },
    {
      name: 'the content of an unknown block is not judged',
      tree: { 'nginx.conf': 'events {}\nrtmp {\n    server { listen 1935; application live { live on; } }\n}\n' },
      config: { rules: { 'nginx-unknown-directive': 'off' } },
    },
    {
      name: 'a declared extra directive in its declared block',
      tree: { 'conf.d/app.conf': 'server {\n    location / { waf_rules /etc/waf.conf; }\n}\n' },
      config: { nginx: { extraDirectives: { waf_rules: ['location'] } } },
    },
  ],
  reject: [
    {
      name: 'proxy_pass at http level',
      tree: { 'nginx.conf': main('    proxy_pass http://127.0.0.1:8000;\n') },
      findings: [
        {
          messageId: 'notAllowed',
          primary: { file: 'nginx.conf', line: 5, column: 5, endLine: 5, endColumn: 15 },
          related: [{ file: 'nginx.conf', line: 4, column: 1, label: 'the enclosing "http" block' }],
          messageIncludes: ['"proxy_pass" is not allowed in http'],
          helpIncludes: ['("proxy_pass" directive is not allowed here)', 'allowed in location, if (in location), limit_except'],
        },
      ],
    },
    {
      name: 'keepalive in a location and worker_connections in http: two findings',
      tree: { 'nginx.conf': main('    worker_connections 1024;\n    server {\n        location / {\n            keepalive 16;\n        }\n    }\n') },
      findings: [
        { messageId: 'notAllowed', primary: { file: 'nginx.conf', line: 5, column: 5 }, helpIncludes: ['allowed in events'] },
        {
          messageId: 'notAllowed',
          primary: { file: 'nginx.conf', line: 8, column: 13 },
          messageIncludes: ['not allowed in location'],
          helpIncludes: ['allowed in upstream'],
        },
      ],
    },
    {
      name: 'proxy_pass in an if in a server (only if in location allows it)',
      tree: { 'conf.d/app.conf': 'server {\n    if ($host = a) {\n        proxy_pass http://b;\n    }\n}\n' },
      findings: [{ messageId: 'notAllowed', primary: { file: 'conf.d/app.conf', line: 3, column: 9 }, messageIncludes: ['not allowed in if (in server)'] }],
    },
    {
      name: 'a server block included at the main level',
      tree: { 'nginx.conf': 'events {}\ninclude sites/*.conf;\nhttp {}\n', 'sites/a.conf': 'server {\n    listen 80;\n}\n' },
      findings: [{ messageId: 'notAllowed', primary: { file: 'sites/a.conf', line: 1, column: 1 }, messageIncludes: ['not allowed in the main level'] }],
    },
    {
      name: 'a snippet whose other directives place it in a location',
      tree: { 'snippets/proxy.conf': 'proxy_pass http://127.0.0.1:8000;\nproxy_set_header Host $host;\nkeepalive 16;\n' },
      findings: [
        {
          messageId: 'notAllowedInSnippet',
          primary: { file: 'snippets/proxy.conf', line: 3, column: 1 },
          messageIncludes: ['(location)'],
          helpIncludes: ['wherever the file is included'],
        },
      ],
    },
    {
      name: 'location inside a stream server',
      tree: { 'nginx.conf': 'events {}\nstream {\n    server {\n        listen 5432;\n        location / { }\n    }\n}\n' },
      findings: [{ messageId: 'notAllowed', primary: { file: 'nginx.conf', line: 5, column: 9 }, messageIncludes: ['server (in stream)'] }],
    },
  ],
});
