import { rule } from '../../checks/worker-connections-nofile';
import { testRule } from '../harness';

// `    worker_connections ` is 23 characters: the value starts at column 24.
const NGINX = (connections: string, main = '') => `${main}events {\n    worker_connections ${connections};\n}\nhttp {\n    server { listen 80; }\n}\n`;
// `LimitNOFILE=` is 12 characters: the value starts at column 13 of line 3.
const DROP_IN = (limit: string) => `# systemctl edit nginx\n[Service]\nLimitNOFILE=${limit}\n`;
const DROP_IN_PATH = 'etc/systemd/system/nginx.service.d/override.conf';
const UNIT = '[Service]\nExecStart=/usr/sbin/nginx -g "daemon off;"\n';
// The same tree with a location that does `content`: the directive sits on line 8 (after `main`'s
// lines), indented 12 spaces, so it starts at column 13.
const SITE = (connections: string, content: string, main = '') =>
  `${main}events {\n    worker_connections ${connections};\n}\nhttp {\n    server {\n        listen 80;\n        location / {\n            ${content};\n        }\n    }\n}\n`;
const PROXY = 'proxy_pass http://127.0.0.1:8000';
const COMPOSE = 'services:\n  web:\n    image: nginx:1.25\n    command: [nginx, -g, "daemon off;"]\n    ulimits:\n      nofile: 1024\n';

testRule(rule, {
  accept: [
    {
      name: 'worker_rlimit_nofile 20000 covers 10000 connections whatever the service gives',
      tree: { 'nginx/nginx.conf': NGINX('10000', 'worker_rlimit_nofile 20000;\n'), [DROP_IN_PATH]: DROP_IN('1024') },
    },
    {
      name: 'nothing says how nginx starts: the limit is unknown',
      tree: { 'nginx/nginx.conf': NGINX('10000') },
    },
    {
      name: 'equal is fine: nginx warns only above the limit',
      tree: { 'nginx/nginx.conf': NGINX('1024'), [DROP_IN_PATH]: DROP_IN('1024') },
    },
    {
      name: 'LimitNOFILE=infinity',
      tree: { 'nginx/nginx.conf': NGINX('100000'), [DROP_IN_PATH]: DROP_IN('infinity') },
    },
    {
      name: 'limits.conf does not reach a service, and the default worker_connections is not judged',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    server { listen 80; }\n}\n',
        'etc/systemd/system/nginx.service': UNIT,
        'etc/security/limits.conf': 'www-data - nofile 256\n',
      },
    },
    {
      name: 'a proxying nginx with worker_rlimit_nofile exactly twice worker_connections',
      tree: { 'nginx/nginx.conf': SITE('10000', PROXY, 'worker_rlimit_nofile 20000;\n'), [DROP_IN_PATH]: DROP_IN('1024') },
    },
    {
      name: 'a static-only nginx at 1.5 times worker_connections: one descriptor per connection is enough',
      tree: { 'nginx/nginx.conf': SITE('1000', 'try_files $uri $uri/ =404'), [DROP_IN_PATH]: DROP_IN('1500') },
    },
    {
      name: 'a proxy_pass only in a comment does not make the nginx a proxy',
      tree: { 'nginx/nginx.conf': SITE('1000', '# proxy_pass http://127.0.0.1:8000;\n            root /srv/www'), [DROP_IN_PATH]: DROP_IN('1500') },
    },
    {
      name: 'a stream proxy at 1.5 times: both its sockets are connections worker_connections counts, and it keeps no temporary files',
      tree: {
        'nginx/nginx.conf':
          'worker_rlimit_nofile 1500;\nevents {\n    worker_connections 1000;\n}\nstream {\n    server {\n        listen 5432;\n        proxy_pass db:5432;\n    }\n}\nhttp {\n    server { listen 80; root /srv/www; }\n}\n',
      },
    },
    {
      name: 'a proxying nginx whose limit nothing in the tree says',
      tree: { 'nginx/nginx.conf': SITE('10000', PROXY) },
    },
    {
      name: 'a proxying nginx well under environment.nofile',
      tree: { 'nginx/nginx.conf': SITE('4096', PROXY) },
      config: { environment: { nofile: 65536 } },
    },
  ],
  reject: [
    {
      name: 'proxy_pass under LimitNOFILE=1500 with worker_connections 1000: up to 2000 descriptors',
      tree: { 'nginx/nginx.conf': SITE('1000', PROXY), [DROP_IN_PATH]: DROP_IN('1500') },
      findings: [
        {
          messageId: 'proxiedExceedsLimit',
          severity: 'warning',
          primary: { file: 'nginx/nginx.conf', line: 2, column: 24, endLine: 2, endColumn: 28 },
          related: [
            { file: DROP_IN_PATH, line: 3, column: 13, endColumn: 17, label: 'open-file limit is 1500 here' },
            { file: 'nginx/nginx.conf', line: 8, column: 13, label: 'requests are proxied here (proxy_pass)' },
          ],
          messageIncludes: [
            'worker_connections 1000 can hold 2000 descriptors in a proxying nginx, above the open-file limit of the nginx workers, 1500',
            `(${DROP_IN_PATH}:3)`,
          ],
          helpIncludes: [
            'proxy_pass at nginx/nginx.conf:8',
            'client and the upstream side',
            'temporary file',
            'set worker_rlimit_nofile 2000;',
            'LimitNOFILE= of the nginx service',
          ],
        },
      ],
      // Twice worker_connections, on a line right before events.
      fixed: { 'nginx/nginx.conf': SITE('1000', PROXY, 'worker_rlimit_nofile 2000;\n') },
    },
    {
      name: 'fastcgi_pass in an included file; worker_rlimit_nofile equal to worker_connections',
      tree: {
        'nginx/nginx.conf': 'worker_rlimit_nofile 1024;\nevents {\n    worker_connections 1024;\n}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/php.conf':
          'server {\n    listen 80;\n    root /srv/www;\n\n    location ~ \\.php$ {\n        fastcgi_pass unix:/run/php/php-fpm.sock;\n    }\n}\n',
      },
      findings: [
        {
          messageId: 'proxiedExceedsLimit',
          primary: { file: 'nginx/nginx.conf', line: 3, column: 24 },
          related: [
            { file: 'nginx/nginx.conf', line: 1, column: 1 },
            { file: 'nginx/conf.d/php.conf', line: 6, column: 9, label: '(fastcgi_pass)' },
          ],
          messageIncludes: ['worker_connections 1024 can hold 2048 descriptors', 'limit of the nginx workers, 1024 (nginx/nginx.conf:1)'],
          helpIncludes: ['fastcgi_pass at nginx/conf.d/php.conf:6', 'raise worker_rlimit_nofile to 2048'],
        },
      ],
      // The written 1024 becomes twice worker_connections.
      fixed: {
        'nginx/nginx.conf': 'worker_rlimit_nofile 2048;\nevents {\n    worker_connections 1024;\n}\nhttp {\n    include conf.d/*.conf;\n}\n',
      },
    },
    {
      name: "uwsgi_pass inside an if, under the container's ulimits",
      tree: {
        'nginx/nginx.conf':
          'events {\n    worker_connections 768;\n}\nhttp {\n    server {\n        location /app {\n            if ($request_method = POST) {\n                uwsgi_pass 127.0.0.1:3031;\n            }\n        }\n    }\n}\n',
        'docker-compose.yml': COMPOSE,
      },
      findings: [
        {
          messageId: 'proxiedExceedsLimit',
          primary: { file: 'nginx/nginx.conf', line: 2, column: 24 },
          related: [
            { file: 'docker-compose.yml', line: 6, column: 15 },
            { file: 'nginx/nginx.conf', line: 8, column: 17, label: '(uwsgi_pass)' },
          ],
          messageIncludes: ['worker_connections 768 can hold 1536 descriptors'],
          helpIncludes: ["the container's ulimits: nofile"],
        },
      ],
    },
    {
      name: 'a proxying nginx already above the limit keeps the plain finding, which nginx itself warns about',
      tree: { 'nginx/nginx.conf': SITE('4096', PROXY), [DROP_IN_PATH]: DROP_IN('1024') },
      findings: [
        {
          messageId: 'exceedsProcessLimit',
          primary: { file: 'nginx/nginx.conf', line: 2, column: 24 },
          related: [{ file: DROP_IN_PATH, line: 3, column: 13 }],
          messageIncludes: ['worker_connections 4096 is above the open-file limit of the nginx workers, 1024'],
        },
      ],
    },
    {
      name: 'two proxying main configs, a quoted proxy_pass and a grpc_pass to a variable: two findings',
      tree: {
        'a/nginx.conf': SITE('1000', 'proxy_pass "http://127.0.0.1:8000"', 'worker_rlimit_nofile 1500;\n'),
        'b/nginx.conf': `# b\n${SITE('2000', 'grpc_pass grpc://$grpc_backend', 'worker_rlimit_nofile 3000;\n')}`,
      },
      findings: [
        {
          messageId: 'proxiedExceedsLimit',
          primary: { file: 'a/nginx.conf', line: 3, column: 24 },
          related: [
            { file: 'a/nginx.conf', line: 1, column: 1 },
            { file: 'a/nginx.conf', line: 9, column: 13, label: '(proxy_pass)' },
          ],
          helpIncludes: ['raise worker_rlimit_nofile to 2000'],
        },
        {
          messageId: 'proxiedExceedsLimit',
          primary: { file: 'b/nginx.conf', line: 4, column: 24 },
          related: [
            { file: 'b/nginx.conf', line: 2, column: 1 },
            { file: 'b/nginx.conf', line: 10, column: 13, label: '(grpc_pass)' },
          ],
          helpIncludes: ['raise worker_rlimit_nofile to 4000'],
        },
      ],
    },
    {
      name: "worker_connections 10000 under the drop-in's LimitNOFILE=1024",
      tree: { 'nginx/nginx.conf': NGINX('10000'), [DROP_IN_PATH]: DROP_IN('1024') },
      findings: [
        {
          messageId: 'exceedsProcessLimit',
          severity: 'warning',
          primary: { file: 'nginx/nginx.conf', line: 2, column: 24, endLine: 2, endColumn: 29 },
          related: [{ file: DROP_IN_PATH, line: 3, column: 13, endColumn: 17, label: 'open-file limit is 1024 here' }],
          messageIncludes: ['worker_connections 10000 is above the open-file limit of the nginx workers, 1024', `(${DROP_IN_PATH}:3)`],
          helpIncludes: ['"10000 worker_connections exceed open file resource limit: 1024"', 'Too many open files', 'set worker_rlimit_nofile 20000;'],
        },
      ],
      fixed: { 'nginx/nginx.conf': NGINX('10000', 'worker_rlimit_nofile 20000;\n') },
    },
    {
      name: "a unit without LimitNOFILE= gets systemd's default 1024",
      tree: { 'nginx/nginx.conf': NGINX('4096'), 'etc/systemd/system/nginx.service': UNIT },
      findings: [
        {
          messageId: 'exceedsProcessLimit',
          severity: 'warning',
          primary: { file: 'nginx/nginx.conf', line: 2, column: 24 },
          related: [],
          messageIncludes: ['DefaultLimitNOFILE'],
          helpIncludes: ['4096 worker_connections exceed open file resource limit: 1024', 'LimitNOFILE= of the nginx service'],
        },
      ],
    },
    {
      name: 'worker_rlimit_nofile below worker_connections',
      tree: { 'nginx/nginx.conf': NGINX('8192', 'user www-data;\nworker_rlimit_nofile 4096;\n') },
      findings: [
        {
          messageId: 'exceedsWorkerRlimit',
          primary: { file: 'nginx/nginx.conf', line: 4, column: 24 },
          related: [{ file: 'nginx/nginx.conf', line: 2, column: 1 }],
          messageIncludes: ['worker_connections 8192 is above worker_rlimit_nofile 4096 (nginx/nginx.conf:2)'],
          helpIncludes: ['raise worker_rlimit_nofile to 16384'],
        },
      ],
      fixed: { 'nginx/nginx.conf': NGINX('8192', 'user www-data;\nworker_rlimit_nofile 16384;\n') },
    },
    {
      name: 'compose ulimits for the nginx container',
      tree: {
        'nginx/nginx.conf': NGINX('2048'),
        'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.25\n    command: [nginx, -g, "daemon off;"]\n    ulimits:\n      nofile: 1024\n',
      },
      findings: [
        {
          messageId: 'exceedsProcessLimit',
          primary: { file: 'nginx/nginx.conf', line: 2, column: 24 },
          related: [{ file: 'docker-compose.yml', line: 6, column: 15 }],
          helpIncludes: ["the container's ulimits: nofile"],
        },
      ],
    },
    {
      name: 'environment.nofile from .cfglint.json',
      tree: { 'nginx/nginx.conf': NGINX('2048') },
      config: { environment: { nofile: 1024 } },
      findings: [
        {
          messageId: 'exceedsProcessLimit',
          primary: { file: 'nginx/nginx.conf', line: 2, column: 24 },
          related: [],
          messageIncludes: ['(.cfglint.json environment.nofile'],
        },
      ],
    },
    {
      name: 'two main configs, two findings',
      tree: {
        'a/nginx.conf': NGINX('10000', 'worker_rlimit_nofile 2048;\n'),
        'b/nginx.conf': `# b\n\n${NGINX('5000', 'worker_rlimit_nofile 4096;\n')}`,
      },
      findings: [
        { messageId: 'exceedsWorkerRlimit', primary: { file: 'a/nginx.conf', line: 3, column: 24 }, related: [{ file: 'a/nginx.conf', line: 1, column: 1 }] },
        { messageId: 'exceedsWorkerRlimit', primary: { file: 'b/nginx.conf', line: 5, column: 24 }, related: [{ file: 'b/nginx.conf', line: 3, column: 1 }] },
      ],
    },
    {
      name: 'no fix: events comes from an included file',
      tree: {
        'nginx/nginx.conf': 'include events.conf;\nhttp {\n    server { listen 80; }\n}\n',
        'nginx/events.conf': 'events {\n    worker_connections 4096;\n}\n',
        [DROP_IN_PATH]: DROP_IN('1024'),
      },
      findings: [{ messageId: 'exceedsProcessLimit', primary: { file: 'nginx/events.conf', line: 2, column: 24 } }],
      fixed: {},
    },
  ],
});
