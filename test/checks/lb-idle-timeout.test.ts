import { rule } from '../../checks/lb-idle-timeout';
import { testRule } from '../harness';

const lb = (timeout: string) => ({ environment: { loadBalancerIdleTimeout: timeout } });

// Line 2 col 5 is `listen 80;` (10 characters, end column 15).
const SITE = 'server {\n    listen 80;\n    server_name example.com;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}\n';
const siteWith = (extra: string) => SITE.replace('    location /', `${extra}    location /`);

// A main config: line 3 is the http-level keepalive_timeout; server a.example has a location
// with its own keepalive_timeout on line 8 (col 13); server b.example sets its own on line 14 (col 9).
const mainConf = (httpLevel: string, slowLocation: string, serverB: string) =>
  'events {}\n' +
  'http {\n' +
  `    keepalive_timeout ${httpLevel};\n` +
  '    server {\n' +
  '        listen 80;\n' +
  '        server_name a.example;\n' +
  '        location /slow {\n' +
  `            keepalive_timeout ${slowLocation};\n` +
  '        }\n' +
  '    }\n' +
  '    server {\n' +
  '        listen 8080;\n' +
  '        server_name b.example;\n' +
  `        keepalive_timeout ${serverB};\n` +
  '    }\n' +
  '}\n';

const GTHREAD = 'bind = "0.0.0.0:8000"\nworker_class = "gthread"\nthreads = 4\n';

testRule(rule, {
  accept: [
    {
      name: 'no load balancer known: nothing is assumed, even with every default',
      tree: { 'nginx/site.conf': SITE },
    },
    {
      name: 'ALB default 60s in front of nginx default 75s',
      config: lb('60s'),
      tree: { 'nginx/site.conf': SITE },
    },
    {
      name: 'keepalive_timeout 0 switches client keep-alive off: nothing is reused',
      config: lb('120s'),
      tree: { 'nginx/site.conf': siteWith('    keepalive_timeout 0;\n') },
    },
    {
      name: 'nginx keeps connections longer than the load balancer, everywhere',
      config: lb('60s'),
      tree: { 'nginx/nginx.conf': mainConf('75s', '90s', '65s') },
    },
    {
      name: 'with nginx in the tree the backend behind it is not judged',
      config: lb('60s'),
      tree: { 'nginx/site.conf': SITE, 'gunicorn.conf.py': GTHREAD },
    },
    {
      name: 'gunicorn sync workers close after every response',
      config: lb('60s'),
      tree: { 'gunicorn.conf.py': 'bind = "0.0.0.0:8000"\nworkers = 4\n' },
    },
    {
      name: 'a directly exposed backend that outlasts the load balancer',
      config: lb('60s'),
      tree: { 'gunicorn.conf.py': `${GTHREAD}keepalive = 75\n` },
    },
  ],
  reject: [
    {
      name: 'load balancer 120s against nginx default 75s: reported on the listen line',
      config: lb('120s'),
      tree: { 'nginx/site.conf': SITE },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          severity: 'warning',
          primary: { file: 'nginx/site.conf', line: 2, column: 5, endLine: 2, endColumn: 15 },
          related: [],
          messageIncludes: [
            "load balancer's idle timeout 120s (environment.loadBalancerIdleTimeout in .cfglint.json)",
            'keepalive_timeout 75s (nginx default) in server "example.com"',
          ],
          helpIncludes: ['The target closed the connection with a TCP RST or a TCP FIN', 'keepalive_timeout 125s;', 'below 75s'],
        },
      ],
      // 5 seconds above the balancer's, after server_name.
      fixed: { 'nginx/site.conf': siteWith('    keepalive_timeout 125s;\n') },
    },
    {
      name: 'equal is not shorter: explicit 60s in the http block, once for both servers',
      config: lb('60s'),
      tree: { 'nginx/nginx.conf': mainConf('60s', '90s', '90s').replace('        keepalive_timeout 90s;\n    }\n}', '    }\n}') },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/nginx.conf', line: 3, column: 5, endColumn: 27 },
          messageIncludes: ['idle timeout 60s', 'keepalive_timeout 60s in the http block'],
          helpIncludes: ['keepalive_timeout 65s;'],
        },
      ],
      // Where it is written: the http block, for both servers.
      fixed: { 'nginx/nginx.conf': mainConf('65s', '90s', '90s').replace('        keepalive_timeout 90s;\n    }\n}', '    }\n}') },
    },
    {
      name: 'two findings: a location and a server that close before the load balancer',
      config: lb('60s'),
      tree: { 'nginx/nginx.conf': mainConf('75s', '10s', '30s') },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/nginx.conf', line: 8, column: 13, endColumn: 35 },
          messageIncludes: ['keepalive_timeout 10s in location "/slow" of server "a.example"'],
        },
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/nginx.conf', line: 14, column: 9 },
          messageIncludes: ['keepalive_timeout 30s in server "b.example"'],
          helpIncludes: ['below 30s'],
        },
      ],
      fixed: { 'nginx/nginx.conf': mainConf('75s', '65s', '65s') },
    },
    {
      name: 'a server in an included file sets its own keepalive_timeout',
      config: lb('60s'),
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/api.conf': 'server {\n    listen 443 ssl;\n    server_name api.example;\n    keepalive_timeout 50s;\n}\n',
      },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/conf.d/api.conf', line: 4, column: 5, endColumn: 27 },
          messageIncludes: ['keepalive_timeout 50s in server "api.example"'],
          helpIncludes: ['keepalive_timeout 65s;'],
        },
      ],
      // The server's own text, in the file the include brings: only that server uses it.
      fixed: { 'nginx/conf.d/api.conf': 'server {\n    listen 443 ssl;\n    server_name api.example;\n    keepalive_timeout 65s;\n}\n' },
    },
    {
      name: 'no nginx: gunicorn gthread default keepalive 2s directly behind the load balancer',
      config: lb('60s'),
      tree: { 'gunicorn.conf.py': GTHREAD },
      findings: [
        {
          messageId: 'backendClosesFirst',
          severity: 'warning',
          primary: { file: 'gunicorn.conf.py', line: 1, column: 8 },
          related: [],
          messageIncludes: ["gunicorn's keepalive 2s (default, gthread worker)", 'idle timeout 60s'],
          helpIncludes: ['e.g. 65s'],
        },
      ],
      // The backend's side has no fix yet: which of its settings to write depends on how it starts.
      fixed: {},
    },
    {
      name: 'no nginx: an explicit gunicorn keepalive 30s is the line to change',
      config: lb('1m'),
      tree: { 'gunicorn.conf.py': `${GTHREAD}keepalive = 30\n` },
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: { file: 'gunicorn.conf.py', line: 4, column: 13 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8, label: 'gunicorn listens here' }],
          messageIncludes: ["gunicorn's keepalive 30s"],
          helpIncludes: ['below 30s'],
        },
      ],
    },
  ],
});
