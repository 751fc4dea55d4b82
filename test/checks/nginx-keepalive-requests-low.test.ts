import { rule } from '../../checks/nginx-keepalive-requests-low';
import { testRule } from '../harness';

testRule(rule, {
  accept: [
    { name: 'the default, unset', tree: { 'conf.d/app.conf': 'server {\n    listen 80;\n}\n' } },
    { name: 'raised above the default', tree: { 'conf.d/app.conf': 'keepalive_requests 10000;\nserver {\n    listen 80;\n}\n' } },
    { name: 'exactly the old default 100', tree: { 'conf.d/app.conf': 'server {\n    keepalive_requests 100;\n}\n' } },
    {
      name: "the upstream block's keepalive_requests is another rule's",
      tree: {
        'conf.d/app.conf':
          'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n    keepalive_requests 10;\n}\nserver {\n    location / { proxy_pass http://app; }\n}\n',
      },
    },
    { name: 'keepalive_timeout 0 turns keep-alive off the documented way', tree: { 'conf.d/app.conf': 'server {\n    keepalive_timeout 0;\n}\n' } },
  ],
  reject: [
    {
      name: 'a low value in the server',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    keepalive_requests 10;\n}\n' },
      findings: [
        {
          messageId: 'low',
          severity: 'info',
          primary: { file: 'conf.d/app.conf', line: 3, column: 24, endColumn: 26 },
          messageIncludes: ['"keepalive_requests 10"', 'after 10 requests', 'default is 1000'],
        },
      ],
    },
    {
      name: 'zero',
      tree: { 'conf.d/app.conf': 'server {\n    keepalive_requests 0;\n}\n' },
      findings: [{ messageId: 'off', primary: { file: 'conf.d/app.conf', line: 2, column: 24 }, messageIncludes: ['"keepalive_timeout 0" says so'] }],
    },
    {
      name: 'in the http block through an include',
      tree: { 'nginx.conf': 'events {}\nhttp {\n    include tuning.conf;\n}\n', 'tuning.conf': 'sendfile on;\nkeepalive_requests 50;\n' },
      findings: [{ messageId: 'low', primary: { file: 'tuning.conf', line: 2, column: 20 } }],
    },
    {
      name: 'quoted, in a location',
      tree: { 'conf.d/app.conf': 'server {\n  location /ws/ {\n    keepalive_requests "5";\n  }\n}\n' },
      findings: [{ messageId: 'low', primary: { file: 'conf.d/app.conf', line: 3, column: 24 } }],
    },
    {
      name: 'http and server both low: two findings',
      tree: { 'nginx.conf': 'events {}\nhttp {\n    keepalive_requests 20;\n    server {\n        keepalive_requests 30;\n    }\n}\n' },
      findings: [
        { messageId: 'low', primary: { file: 'nginx.conf', line: 3, column: 24 } },
        { messageId: 'low', primary: { file: 'nginx.conf', line: 5, column: 28 } },
      ],
    },
  ],
});
