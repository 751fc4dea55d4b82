import { rule } from '../../checks/header-size-backend';
import { testRule } from '../harness';

// One server, one location; the pass's address starts on line 3 at col 20 (8 spaces + `proxy_pass `).
const nginx = (pass: string, serverLevel: string[] = []) =>
  `server {\n${serverLevel.map((line) => `    ${line};\n`).join('')}    location / {\n        ${pass};\n    }\n}\n`;
const PROXY = 'proxy_pass http://127.0.0.1:8000';
const GUNICORN = 'bind = "127.0.0.1:8000"\n';
const serverXml = (attributes: string) =>
  `<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1"${attributes} />\n  </Service>\n</Server>\n`;
const UWSGI_NGINX = 'server {\n    location / {\n        include uwsgi_params;\n        uwsgi_pass unix:/run/app.sock;\n    }\n}\n';
const UWSGI_PARAMS = 'uwsgi_param QUERY_STRING $query_string;\n';

testRule(rule, {
  accept: [
    {
      name: 'uWSGI buffer-size 32768 holds all that nginx admits by default (4 × 8k)',
      tree: { 'nginx/app.conf': UWSGI_NGINX, 'nginx/uwsgi_params': UWSGI_PARAMS, 'app.ini': '[uwsgi]\nsocket = /run/app.sock\nbuffer-size = 32768\n' },
    },
    {
      name: "nginx buffers of 4k: a request line nginx admits (4094 bytes + CRLF) fits gunicorn's 4094",
      tree: { 'nginx/app.conf': nginx(PROXY, ['large_client_header_buffers 4 4k']), 'gunicorn.conf.py': GUNICORN },
    },
    {
      name: "gunicorn limit_request_line = 0 (no limit); its 8190 header line limit matches nginx's 8k buffers",
      tree: { 'nginx/app.conf': nginx(PROXY), 'gunicorn.conf.py': GUNICORN + 'limit_request_line = 0\n' },
    },
    {
      name: 'Tomcat maxHttpHeaderSize 32768 covers 4 × 8k',
      tree: { 'nginx/app.conf': nginx('proxy_pass http://127.0.0.1:8080'), 'conf/server.xml': serverXml(' maxHttpHeaderSize="32768"') },
    },
    {
      name: 'the uWSGI instance is not where nginx sends requests',
      tree: { 'nginx/app.conf': nginx('uwsgi_pass 127.0.0.1:3031'), 'app.ini': '[uwsgi]\nsocket = 127.0.0.1:4040\nbuffer-size = 1024\n' },
    },
  ],
  reject: [
    {
      name: 'defaults only: uWSGI 4096 against nginx 4 8k is info, on the uWSGI socket',
      tree: { 'nginx/app.conf': UWSGI_NGINX, 'nginx/uwsgi_params': UWSGI_PARAMS, 'app.ini': '[uwsgi]\nsocket = /run/app.sock\n' },
      findings: [
        {
          messageId: 'backendRejectsHeaders',
          severity: 'info',
          atDefaults: true,
          primary: { file: 'app.ini', line: 2, column: 10, endLine: 2, endColumn: 23 },
          related: [{ file: 'nginx/app.conf', line: 4, column: 20, endColumn: 38, label: 'nginx admits 4 8k by default for this server' }],
          messageIncludes: [
            'nginx admits request line and headers up to 32768 bytes (large_client_header_buffers 4 8k, default)',
            "uWSGI's buffer-size 4096 bytes (default) behind unix:/run/app.sock",
          ],
          helpIncludes: ['"invalid request block size: N (max 4096)...skip"', 'nginx answers 502', 'set buffer-size = 32768'],
        },
      ],
    },
    {
      name: 'explicit uWSGI buffer-size 8192 on an http-socket: warning on buffer-size',
      tree: { 'nginx/app.conf': nginx(PROXY), 'app.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8000\nbuffer-size = 8192\n' },
      findings: [
        {
          messageId: 'backendRejectsHeaders',
          severity: 'warning',
          atDefaults: false,
          primary: { file: 'app.ini', line: 3, column: 15, endColumn: 19 },
          related: [{ file: 'nginx/app.conf', line: 3, column: 20, endColumn: 41 }],
          messageIncludes: ["uWSGI's buffer-size 8192 bytes behind 127.0.0.1:8000"],
          helpIncludes: ['"invalid HTTP request size (max 8192)...skip"'],
        },
      ],
    },
    {
      name: 'nginx raised to 4 16k at server level, gunicorn defaults: one warning on the nginx size, for the request line',
      tree: { 'nginx/app.conf': nginx(PROXY, ['large_client_header_buffers 4 16k']), 'gunicorn.conf.py': GUNICORN },
      findings: [
        {
          messageId: 'backendRejectsHeaders',
          severity: 'warning',
          atDefaults: false,
          primary: { file: 'nginx/app.conf', line: 2, column: 35, endColumn: 38 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8, endColumn: 24, label: 'gunicorn accepts 4094 bytes by default' }],
          messageIncludes: ['request lines up to 16382 bytes (large_client_header_buffers 4 16k)', "gunicorn's limit_request_line 4094 bytes (default)"],
          helpIncludes: [
            '400 "Request Line is too large (N > 4094)"',
            'set limit_request_line = 0',
            'lower large_client_header_buffers to a buffer size of 4k',
          ],
        },
      ],
    },
    {
      name: 'two gunicorn limits lowered: one finding each',
      tree: { 'nginx/app.conf': nginx(PROXY), 'gunicorn.conf.py': GUNICORN + 'limit_request_line = 2048\nlimit_request_field_size = 4096\n' },
      findings: [
        {
          messageId: 'backendRejectsHeaders',
          severity: 'warning',
          primary: { file: 'gunicorn.conf.py', line: 2, column: 22, endColumn: 26 },
          related: [{ file: 'nginx/app.conf', line: 3, column: 20 }],
          messageIncludes: ['request lines up to 8190 bytes', 'limit_request_line 2048 bytes'],
          helpIncludes: ['set limit_request_line = 8190', 'or lower large_client_header_buffers to a buffer size of 2050'],
        },
        {
          messageId: 'backendRejectsHeaders',
          severity: 'warning',
          primary: { file: 'gunicorn.conf.py', line: 3, column: 28, endColumn: 32 },
          related: [{ file: 'nginx/app.conf', line: 3, column: 20 }],
          messageIncludes: ['header lines up to 8190 bytes'],
          helpIncludes: ['"Error parsing headers: \'limit request headers fields size\'"', 'set limit_request_field_size = 8190'],
        },
      ],
    },
    {
      name: 'both explicit: nginx 8 16k at http level in nginx.conf, Tomcat maxHttpHeaderSize 16384',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    large_client_header_buffers 8 16k;\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/app.conf': nginx('proxy_pass http://127.0.0.1:8080'),
        'conf/server.xml': serverXml(' maxHttpHeaderSize="16384"'),
      },
      findings: [
        {
          messageId: 'backendRejectsHeaders',
          severity: 'warning',
          primary: { file: 'conf/server.xml', line: 3, column: 67, endColumn: 72 },
          related: [{ file: 'nginx/nginx.conf', line: 3, column: 35, endColumn: 38, label: 'nginx admits 8 16k (set at http level)' }],
          messageIncludes: ['up to 131072 bytes (large_client_header_buffers 8 16k, set at http level)', "Tomcat's maxHttpHeaderSize 16384 bytes"],
          helpIncludes: ['set maxHttpHeaderSize="131072"'],
        },
      ],
    },
    {
      name: "nested locations use their server's buffers, not the http level's",
      tree: {
        'nginx/nginx.conf':
          'events {}\nhttp {\n    large_client_header_buffers 4 4k;\n    server {\n        large_client_header_buffers 2 32k;\n' +
          '        location /api/ {\n            location /api/v2/ {\n                proxy_pass http://127.0.0.1:8000;\n            }\n        }\n    }\n}\n',
        'gunicorn.conf.py': GUNICORN + 'limit_request_line = 0\n',
      },
      findings: [
        {
          messageId: 'backendRejectsHeaders',
          severity: 'warning',
          primary: { file: 'nginx/nginx.conf', line: 5, column: 39, endColumn: 42 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8, label: 'gunicorn accepts 8190 bytes by default' }],
          messageIncludes: ['header lines up to 32766 bytes (large_client_header_buffers 2 32k)', 'limit_request_field_size 8190 bytes (default)'],
          helpIncludes: ['set limit_request_field_size = 32766', 'a buffer size of 8k'],
        },
      ],
    },
    {
      name: 'Spring Boot server.max-http-request-header-size=16KB',
      tree: {
        'nginx/app.conf': nginx('proxy_pass http://127.0.0.1:8080'),
        'app/src/main/resources/application.properties': 'spring.application.name=demo\nserver.max-http-request-header-size=16KB\n',
      },
      findings: [
        {
          messageId: 'backendRejectsHeaders',
          severity: 'warning',
          primary: { file: 'app/src/main/resources/application.properties', line: 2, column: 37, endColumn: 41 },
          related: [{ file: 'nginx/app.conf', line: 3, column: 20, endColumn: 41 }],
          messageIncludes: ["Spring Boot's server.max-http-request-header-size 16384 bytes"],
          helpIncludes: ['set server.max-http-request-header-size=32KB'],
        },
      ],
    },
  ],
});
