import { rule } from '../../checks/worker-connections-nofile';
import { testRule } from '../harness';

// `    worker_connections ` is 23 characters: the value starts at column 24.
const NGINX = (connections: string, main = '') => `${main}events {\n    worker_connections ${connections};\n}\nhttp {\n    server { listen 80; }\n}\n`;
// `LimitNOFILE=` is 12 characters: the value starts at column 13 of line 3.
const DROP_IN = (limit: string) => `# systemctl edit nginx\n[Service]\nLimitNOFILE=${limit}\n`;
const DROP_IN_PATH = 'etc/systemd/system/nginx.service.d/override.conf';
const UNIT = '[Service]\nExecStart=/usr/sbin/nginx -g "daemon off;"\n';

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
  ],
  reject: [
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
  ],
});
