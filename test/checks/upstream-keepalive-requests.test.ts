import { rule } from '../../checks/upstream-keepalive-requests';
import { testRule } from '../harness';

// Line 1 col 10 is the upstream's name; line 3 col 5 `keepalive 16;` (13 characters); extra lines start at line 4.
const upstream = (extra = '', port = 8080) => `upstream app {\n    server 127.0.0.1:${port};\n    keepalive 16;\n${extra}}\n`;
const noKeepalive = 'upstream app {\n    server 127.0.0.1:8080;\n}\n';
const SERVER =
  'server {\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n';

// The stock connector: line 3, the port value `8080` at col 22; an extra attribute starts at col 74.
const serverXml = (attrs = '') =>
  `<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000"${attrs} />\n  </Service>\n</Server>\n`;

testRule(rule, {
  accept: [
    {
      name: "before 1.19.10 the default keepalive_requests is 100: not above Tomcat's 100",
      nginxVersion: '1.18.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'conf/server.xml': serverXml() },
    },
    {
      name: "the field report's fix: keepalive_requests 98 below Tomcat's 100",
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream('    keepalive_requests 98;\n') + SERVER, 'conf/server.xml': serverXml() },
    },
    {
      name: 'equal is fine: nginx stops at the same request Tomcat does',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream('    keepalive_requests 100;\n') + SERVER, 'conf/server.xml': serverXml() },
    },
    {
      name: 'no keepalive in the upstream before 1.29.7: one connection per request',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': noKeepalive + SERVER, 'conf/server.xml': serverXml() },
    },
    {
      name: 'before 1.29.7, a location that speaks HTTP/1.0 reuses nothing: no request limit to reach',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + 'server {\n    location / { proxy_pass http://app; }\n}\n', 'conf/server.xml': serverXml() },
    },
    {
      name: 'maxKeepAliveRequests="-1" is unlimited',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'conf/server.xml': serverXml(' maxKeepAliveRequests="-1"') },
    },
    {
      name: 'maxKeepAliveRequests="1" turns keep-alive off: nothing is reused',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'conf/server.xml': serverXml(' maxKeepAliveRequests="1"') },
    },
    {
      name: 'gunicorn has no per-connection request limit',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream('', 8000) + SERVER, 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 4\n' },
    },
    {
      name: "Spring Boot raised to 1000 matches nginx's 1000",
      nginxVersion: '1.24.0',
      tree: {
        'nginx/app.conf': upstream() + SERVER,
        'src/main/resources/application.properties': 'server.port=8080\nserver.tomcat.max-keep-alive-requests=1000\n',
      },
    },
    {
      name: 'a backend on another port is not the one behind the upstream',
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream('', 8081) + SERVER, 'conf/server.xml': serverXml() },
    },
  ],
  reject: [
    {
      name: "the field report: nginx default 1000 against Tomcat's default 100",
      nginxVersion: '1.24.0',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'conf/server.xml': serverXml() },
      findings: [
        {
          messageId: 'backendStopsFirst',
          severity: 'info',
          primary: { file: 'nginx/app.conf', line: 3, column: 5, endLine: 3, endColumn: 18 },
          related: [{ file: 'conf/server.xml', line: 3, column: 22, endColumn: 26, label: 'tomcat serves at most 100 requests per connection by default' }],
          messageIncludes: [
            'keepalive_requests 1000 (nginx default) in upstream "app"',
            "Tomcat's maxKeepAliveRequests 100 (default)",
            'behind 127.0.0.1:8080',
          ],
          helpIncludes: ['without "Connection: close"', 'upstream prematurely closed connection', 'set keepalive_requests in the upstream to 98 or less'],
        },
      ],
      // Two below Tomcat's 100, on a line after keepalive.
      fixed: { 'nginx/app.conf': upstream('    keepalive_requests 98;\n') + SERVER },
    },
    {
      name: 'before 1.19.10 only an explicit keepalive_requests is above: both sides explicit',
      nginxVersion: '1.18.0',
      tree: { 'nginx/app.conf': upstream('    keepalive_requests 500;\n') + SERVER, 'conf/server.xml': serverXml(' maxKeepAliveRequests="200"') },
      findings: [
        {
          messageId: 'backendStopsFirst',
          severity: 'info',
          primary: { file: 'nginx/app.conf', line: 4, column: 5, endColumn: 28 },
          related: [{ file: 'conf/server.xml', line: 3, column: 96, endColumn: 99, label: 'tomcat serves at most 200 requests per connection' }],
          messageIncludes: ['keepalive_requests 500 in upstream "app"', "Tomcat's maxKeepAliveRequests 200 behind"],
          helpIncludes: ['to 198 or less'],
        },
      ],
      // The written 500 becomes two below Tomcat's 200.
      fixed: { 'nginx/app.conf': upstream('    keepalive_requests 198;\n') + SERVER },
    },
    {
      name: "nginx 1.18 default 100 against Spring Boot's server.tomcat.max-keep-alive-requests=50",
      nginxVersion: '1.18.0',
      tree: {
        'nginx/app.conf': upstream() + SERVER,
        'src/main/resources/application.properties': 'server.port=8080\nserver.tomcat.max-keep-alive-requests=50\n',
      },
      findings: [
        {
          messageId: 'backendStopsFirst',
          primary: { file: 'nginx/app.conf', line: 3, column: 5 },
          related: [
            {
              file: 'src/main/resources/application.properties',
              line: 2,
              column: 39,
              endColumn: 41,
              label: 'spring-boot serves at most 50 requests per connection',
            },
          ],
          messageIncludes: ['keepalive_requests 100 (nginx default)', "Spring Boot's maxKeepAliveRequests 50"],
          helpIncludes: ['to 48 or less'],
        },
      ],
    },
    {
      name: "the client-side keepalive_requests at http level is not the upstream's",
      nginxVersion: '1.24.0',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    keepalive_requests 50;\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/app.conf': upstream() + SERVER,
        'conf/server.xml': serverXml(),
      },
      findings: [
        {
          messageId: 'backendStopsFirst',
          primary: { file: 'nginx/conf.d/app.conf', line: 3, column: 5 },
          related: [{ file: 'conf/server.xml', line: 3, column: 22 }],
          messageIncludes: ['keepalive_requests 1000 (nginx default)'],
        },
      ],
    },
    {
      name: 'unknown version, explicit keepalive: only from 1.19.10 on',
      tree: { 'nginx/app.conf': upstream() + SERVER, 'conf/server.xml': serverXml() },
      findings: [
        {
          messageId: 'backendStopsFirst',
          severity: 'info',
          primary: { file: 'nginx/app.conf', line: 3, column: 5 },
          messageIncludes: ['(on nginx ≥ 1.19.10; the nginx version is not known'],
        },
      ],
    },
    {
      name: 'nginx 1.29.8 keeps connections by default: the upstream line is the place',
      nginxVersion: '1.29.8',
      tree: { 'nginx/app.conf': noKeepalive + SERVER, 'conf/server.xml': serverXml() },
      findings: [{ messageId: 'backendStopsFirst', primary: { file: 'nginx/app.conf', line: 1, column: 10, endColumn: 13 } }],
    },
    {
      name: 'two upstreams in an included file, Tomcat and Spring Boot behind them',
      nginxVersion: '1.24.0',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/app.conf':
          upstream() +
          'upstream api {\n    server localhost:9090;\n    keepalive 8;\n    keepalive_requests 200;\n}\n' +
          'server {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    location / { proxy_pass http://app; }\n    location /api/ { proxy_pass http://api; }\n}\n',
        'conf/server.xml': serverXml(),
        'api/src/main/resources/application.yml': 'server:\n  port: 9090\n  tomcat:\n    max-keep-alive-requests: 150\n',
      },
      findings: [
        {
          messageId: 'backendStopsFirst',
          primary: { file: 'nginx/conf.d/app.conf', line: 3, column: 5 },
          related: [{ file: 'conf/server.xml', line: 3, column: 22 }],
        },
        {
          messageId: 'backendStopsFirst',
          primary: { file: 'nginx/conf.d/app.conf', line: 8, column: 5, endColumn: 28 },
          related: [{ file: 'api/src/main/resources/application.yml', line: 4, column: 30, label: 'at most 150 requests' }],
          messageIncludes: ['keepalive_requests 200 in upstream "api"', "Spring Boot's maxKeepAliveRequests 150", 'behind localhost:9090'],
        },
      ],
    },
  ],
});
