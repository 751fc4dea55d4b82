import { rule } from '../../checks/upstream-protocol-mismatch';
import { testRule } from '../harness';

// One location; the pass directive is on line 3 from col 9, its address after the name and a space
// (col 20 for proxy_pass and uwsgi_pass, 22 for fastcgi_pass).
const location = (pass: string) => `server {\n    location / {\n        ${pass};\n    }\n}\n`;
const GROUP_8000 = 'upstream app {\n    server 127.0.0.1:8000;\n}\n';

// uWSGI ini: the value of `socket = ` starts at col 10, `http-socket = ` col 15, `fastcgi-socket = ` col 18.
const ini = (...lines: string[]) => `[uwsgi]\n${lines.join('\n')}\n`;

// server.xml: the connector on line 3; its port value starts at col 22.
const serverXml = (connector: string) =>
  `<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector ${connector} />\n  </Service>\n</Server>\n`;
const TLS_CONNECTOR = 'port="8443" protocol="HTTP/1.1" SSLEnabled="true" scheme="https" secure="true"';

testRule(rule, {
  accept: [
    { name: 'uwsgi_pass to a uWSGI socket', tree: { 'nginx/app.conf': location('uwsgi_pass 127.0.0.1:3031'), 'app.ini': ini('socket = 127.0.0.1:3031') } },
    {
      name: 'proxy_pass to a uWSGI http-socket',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:3031'), 'app.ini': ini('http-socket = 127.0.0.1:3031') },
    },
    {
      name: 'uwsgi_pass to the same socket file under /var/run and /run',
      tree: { 'nginx/app.conf': location('uwsgi_pass unix:/var/run/app.sock'), 'app.ini': ini('uwsgi-socket = /run/app.sock') },
    },
    {
      name: 'fastcgi_pass to a uWSGI fastcgi-socket',
      tree: { 'nginx/app.conf': location('fastcgi_pass 127.0.0.1:9000'), 'app.ini': ini('fastcgi-socket = 127.0.0.1:9000') },
    },
    {
      name: 'proxy_pass through an upstream to gunicorn',
      tree: { 'nginx/app.conf': GROUP_8000 + location('proxy_pass http://app'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
    },
    {
      name: 'proxy_pass https:// to a TLS connector',
      tree: { 'nginx/app.conf': location('proxy_pass https://127.0.0.1:8443'), 'conf/server.xml': serverXml(TLS_CONNECTOR) },
    },
    {
      name: 'grpc_pass to an HTTP listener is not judged further',
      tree: { 'nginx/app.conf': location('grpc_pass grpc://127.0.0.1:8000'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
    },
    {
      name: "an address nothing in the tree serves is not this rule's business",
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:3032'), 'app.ini': ini('socket = 127.0.0.1:3031') },
    },
    {
      name: 'a host outside the tree is not linked to a local uWSGI',
      tree: { 'nginx/app.conf': location('proxy_pass http://app.internal:3031'), 'app.ini': ini('socket = :3031') },
    },
    {
      name: 'a variable target is decided per request',
      tree: { 'nginx/app.conf': location('proxy_pass http://$backend'), 'app.ini': ini('socket = 127.0.0.1:3031') },
    },
  ],
  reject: [
    {
      name: 'seed: proxy_pass to a uWSGI socket',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:3031'), 'app.ini': ini('socket = 127.0.0.1:3031') },
      findings: [
        {
          messageId: 'mismatch',
          severity: 'error',
          primary: { file: 'nginx/app.conf', line: 3, column: 20, endLine: 3, endColumn: 41 },
          related: [{ file: 'app.ini', line: 2, column: 10, endColumn: 24, label: 'uwsgi serves uwsgi here' }],
          messageIncludes: ['proxy_pass speaks HTTP to 127.0.0.1:3031', 'uWSGI serves the uwsgi protocol there (socket in app.ini)'],
          helpIncludes: ['invalid request block size: 21573 (max 4096)...skip', 'use uwsgi_pass (with include uwsgi_params)'],
        },
      ],
    },
    {
      name: 'uwsgi_pass to a uWSGI http-socket',
      tree: { 'nginx/app.conf': location('uwsgi_pass 127.0.0.1:3031'), 'app.ini': ini('master = true', 'http-socket = 127.0.0.1:3031') },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 20, endColumn: 34 },
          related: [{ file: 'app.ini', line: 3, column: 15, label: 'uwsgi serves http here' }],
          messageIncludes: ['uwsgi_pass speaks the uwsgi protocol', 'uWSGI serves HTTP there (http-socket in app.ini)'],
          helpIncludes: ['uWSGI logs nothing', 'use proxy_pass http://'],
        },
      ],
    },
    {
      name: 'proxy_pass to a uWSGI fastcgi-socket on a unix path',
      tree: { 'nginx/app.conf': location('proxy_pass http://unix:/run/app/fcgi.sock:/'), 'app.ini': ini('fastcgi-socket = /run/app/fcgi.sock') },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 20, endColumn: 52 },
          related: [{ file: 'app.ini', line: 2, column: 18 }],
          messageIncludes: ['proxy_pass speaks HTTP to unix:/run/app/fcgi.sock', 'uWSGI serves the fastcgi protocol there (fastcgi-socket in app.ini)'],
          helpIncludes: ['use fastcgi_pass (with include fastcgi_params)'],
        },
      ],
    },
    {
      name: 'fastcgi_pass to a uWSGI socket',
      tree: { 'nginx/app.conf': location('fastcgi_pass 127.0.0.1:3031'), 'app.ini': ini('socket = 127.0.0.1:3031') },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 22 },
          related: [{ file: 'app.ini', line: 2, column: 10 }],
          messageIncludes: ['fastcgi_pass speaks the fastcgi protocol'],
          helpIncludes: ['-- unavailable modifier requested: 1 --', 'use uwsgi_pass'],
        },
      ],
    },
    {
      name: 'uwsgi_pass through an upstream to gunicorn',
      tree: { 'nginx/app.conf': GROUP_8000 + location('uwsgi_pass app'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 6, column: 20, endColumn: 23 },
          related: [
            { file: 'gunicorn.conf.py', line: 1, column: 8, label: 'gunicorn serves http here' },
            { file: 'nginx/app.conf', line: 2, column: 12, label: 'upstream "app" sends here' },
          ],
          messageIncludes: ['uwsgi_pass speaks the uwsgi protocol to 127.0.0.1:8000, but gunicorn serves HTTP there (bind in gunicorn.conf.py)'],
          helpIncludes: ['the backend cannot parse what nginx sends', 'use proxy_pass http://'],
        },
      ],
    },
    {
      name: 'fastcgi_pass to gunicorn on a unix socket',
      tree: { 'nginx/app.conf': location('fastcgi_pass unix:/run/gunicorn.sock'), 'gunicorn.conf.py': 'bind = "unix:/run/gunicorn.sock"\n' },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 22 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8 }],
          messageIncludes: ['fastcgi_pass speaks the fastcgi protocol to unix:/run/gunicorn.sock'],
        },
      ],
    },
    {
      name: "proxy_pass to Tomcat's AJP connector",
      tree: {
        'nginx/app.conf': location('proxy_pass http://127.0.0.1:8009'),
        'conf/server.xml': serverXml('port="8009" protocol="AJP/1.3" secretRequired="false"'),
      },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 20 },
          related: [{ file: 'conf/server.xml', line: 3, column: 22, label: 'tomcat serves ajp here' }],
          messageIncludes: ['Tomcat serves the ajp protocol there (<Connector> in conf/server.xml)'],
          helpIncludes: ['nginx has no AJP module', "proxy_pass to Tomcat's HTTP connector"],
        },
      ],
    },
    {
      name: 'proxy_pass https:// to a plain gunicorn',
      tree: { 'nginx/app.conf': location('proxy_pass https://127.0.0.1:8000'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 20, endColumn: 42 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8 }],
          messageIncludes: ['proxy_pass speaks HTTPS to 127.0.0.1:8000, but gunicorn serves HTTP there'],
          helpIncludes: ['does not speak TLS', 'use proxy_pass http://'],
        },
      ],
    },
    {
      name: 'proxy_pass http:// to a TLS-only Tomcat connector',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:8443'), 'conf/server.xml': serverXml(TLS_CONNECTOR) },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 20 },
          related: [{ file: 'conf/server.xml', line: 3, column: 22, label: 'tomcat serves https here' }],
          messageIncludes: ['proxy_pass speaks HTTP to 127.0.0.1:8443, but Tomcat serves HTTPS there'],
          helpIncludes: ['use proxy_pass https://'],
        },
      ],
    },
    {
      name: 'two locations in an included file, each wrong the other way',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/app.conf':
          'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:3031;\n    }\n' +
          '    location /static-app/ {\n        uwsgi_pass localhost:3032;\n    }\n}\n',
        'deploy/app.ini': ini('socket = 127.0.0.1:3031', 'http-socket = 0.0.0.0:3032'),
      },
      findings: [
        { messageId: 'mismatch', primary: { file: 'nginx/conf.d/app.conf', line: 4, column: 20 }, related: [{ file: 'deploy/app.ini', line: 2, column: 10 }] },
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/conf.d/app.conf', line: 7, column: 20, endColumn: 34 },
          related: [{ file: 'deploy/app.ini', line: 3, column: 15 }],
        },
      ],
    },
    {
      name: 'proxy_pass http:// to Spring Boot with server.ssl.enabled',
      tree: {
        'nginx/app.conf': location('proxy_pass http://localhost:8443'),
        'src/main/resources/application.properties': 'server.port=8443\nserver.ssl.enabled=true\nserver.ssl.key-store=classpath:keystore.p12\n',
      },
      findings: [
        {
          messageId: 'mismatch',
          primary: { file: 'nginx/app.conf', line: 3, column: 20, endColumn: 41 },
          related: [{ file: 'src/main/resources/application.properties', line: 1, column: 13 }],
          messageIncludes: ['Spring Boot serves HTTPS there (server.port in src/main/resources/application.properties)'],
        },
      ],
    },
  ],
});
