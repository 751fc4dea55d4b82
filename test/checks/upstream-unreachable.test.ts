import { rule } from '../../checks/upstream-unreachable';
import { testRule } from '../harness';

// One location; the pass address is on line 3 at col 20 (proxy_pass, uwsgi_pass).
const location = (pass: string) => `server {\n    location / {\n        ${pass};\n    }\n}\n`;
// An upstream: its first server's address on line 2 at col 12; the location's pass on line 7.
const viaUpstream = (servers: string[]) => `upstream app {\n${servers.map((s) => `    server ${s};\n`).join('')}}\n` + location('proxy_pass http://app');

const serverXml = (port: string) =>
  `<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="${port}" protocol="HTTP/1.1" />\n  </Service>\n</Server>\n`;

testRule(rule, {
  accept: [
    {
      name: 'gunicorn binds the address nginx sends to',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
    },
    {
      // ryuichiroshibuya/ansible: uWSGI on 8000 from uwsgi.yaml, another uWSGI on 3031 from a script.
      name: 'a uWSGI config the tree holds in YAML may be the one listening',
      tree: {
        'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000'),
        'uwsgi.sh': '#!/bin/sh\nuwsgi --socket 127.0.0.1:3031 --module app\n',
        'uwsgi.yaml': 'uwsgi:\n  http-socket: 0.0.0.0:8000\n',
      },
    },
    { name: 'no backend in the tree: nothing to compare with', tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000') } },
    {
      name: 'a socket file, but the tree has only TCP backends',
      tree: { 'nginx/app.conf': location('uwsgi_pass unix:/run/app.sock'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
    },
    {
      name: 'a loopback port, but the tree has only socket files',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000'), 'gunicorn.conf.py': 'bind = "unix:/run/gunicorn.sock"\n' },
    },
    {
      name: 'a host name outside the tree is not judged',
      tree: { 'nginx/app.conf': location('proxy_pass http://app.internal:8000'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8001"\n' },
    },
    {
      name: 'localhost reaches a backend on all interfaces',
      tree: { 'nginx/app.conf': location('proxy_pass http://localhost:8080'), 'conf/server.xml': serverXml('8080') },
    },
    {
      name: 'the same socket under /var/run and /run',
      tree: { 'nginx/app.conf': location('uwsgi_pass unix:/var/run/app/app.sock'), 'app.ini': '[uwsgi]\nsocket = /run/app/app.sock\n' },
    },
    {
      name: 'unix:///tmp/app.sock in an upstream is the same file as /tmp/app.sock',
      tree: {
        'nginx/app.conf': 'upstream app {\n    server unix:///tmp/app.sock;\n}\n' + location('uwsgi_pass app'),
        'app.ini': '[uwsgi]\nsocket = /tmp/app.sock\n',
      },
    },
    {
      name: 'a backend whose address the tree does not determine may be the one',
      tree: {
        'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000'),
        'gunicorn.conf.py': 'bind = "fd://3"\n',
        'app.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:9000\n',
      },
    },
    {
      name: 'every server of an upstream has its backend',
      tree: {
        'nginx/app.conf': viaUpstream(['127.0.0.1:8000', '127.0.0.1:8001']),
        'a/gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
        'b/gunicorn.conf.py': 'bind = ":8001"\n',
      },
    },
    {
      // Mailu: the front image's nginx sends ACME challenges to certbot on 127.0.0.1:8008 in its own
      // container; the setup wizard's gunicorn runs in another image.
      name: "another image's server is not on nginx's loopback",
      tree: {
        'core/nginx/Dockerfile': 'FROM alpine:3.20\nCOPY conf/ /conf/\nCMD ["nginx", "-g", "daemon off;"]\n',
        'core/nginx/conf/nginx.conf': `events {}\nhttp {\n${location('proxy_pass http://127.0.0.1:8008')}}\n`,
        'setup/Dockerfile': 'FROM python:3.12\nCMD gunicorn -w 4 -b :80 server:app\n',
      },
    },
    {
      name: 'a variable target is decided per request',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:$port'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' },
    },
  ],
  reject: [
    {
      name: 'port typo: nginx sends to 8000, gunicorn binds 8001',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000'), 'gunicorn.conf.py': 'bind = "127.0.0.1:8001"\n' },
      findings: [
        {
          messageId: 'nothingListens',
          severity: 'warning',
          primary: { file: 'nginx/app.conf', line: 3, column: 20, endLine: 3, endColumn: 41 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8, endColumn: 24, label: 'gunicorn listens on 127.0.0.1:8001' }],
          messageIncludes: [
            'Nothing in this tree listens on 127.0.0.1:8000 (proxy_pass)',
            'its backends listen on 127.0.0.1:8001 (gunicorn bind, gunicorn.conf.py)',
          ],
          helpIncludes: [
            '"connect() failed (111: Connection refused) while connecting to upstream"',
            "point proxy_pass at the backend's address, or fix gunicorn's bind",
          ],
        },
      ],
    },
    {
      name: 'an upstream server on 8081 while Tomcat listens on 8080',
      tree: { 'nginx/app.conf': viaUpstream(['127.0.0.1:8081']), 'conf/server.xml': serverXml('8080') },
      findings: [
        {
          messageId: 'nothingListens',
          primary: { file: 'nginx/app.conf', line: 2, column: 12, endColumn: 26 },
          related: [{ file: 'conf/server.xml', line: 3, column: 22, label: 'tomcat listens on 0.0.0.0:8080' }],
          messageIncludes: ['127.0.0.1:8081 (upstream "app")', '0.0.0.0:8080 (Tomcat <Connector>, conf/server.xml)'],
          helpIncludes: ['point upstream "app" at'],
        },
      ],
    },
    {
      name: 'socket path typo: nginx ap.sock, uWSGI app.sock',
      tree: { 'nginx/app.conf': location('uwsgi_pass unix:/run/app/ap.sock'), 'app.ini': '[uwsgi]\nsocket = /run/app/app.sock\n' },
      findings: [
        {
          messageId: 'nothingListens',
          primary: { file: 'nginx/app.conf', line: 3, column: 20, endColumn: 41 },
          related: [{ file: 'app.ini', line: 2, column: 10, label: 'uwsgi listens on unix:/run/app/app.sock' }],
          messageIncludes: ['Nothing in this tree listens on unix:/run/app/ap.sock (uwsgi_pass)', 'unix:/run/app/app.sock (uWSGI socket, app.ini)'],
          helpIncludes: ['"connect() to unix:/run/app/ap.sock failed (2: No such file or directory) while connecting to upstream"', "fix uWSGI's socket"],
        },
      ],
    },
    {
      name: 'in one image, nginx and gunicorn share its loopback: a port typo there is found',
      tree: {
        Dockerfile: 'FROM python:3.12\nCOPY nginx/app.conf /etc/nginx/conf.d/app.conf\nCMD gunicorn -b 127.0.0.1:8001 app:app\n',
        'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000'),
      },
      findings: [{ messageId: 'nothingListens', primary: { file: 'nginx/app.conf', line: 3, column: 20 }, messageIncludes: ['127.0.0.1:8001 (gunicorn'] }],
    },
    {
      name: 'the backend listens on another interface only',
      tree: { 'nginx/app.conf': location('proxy_pass http://127.0.0.1:8000'), 'gunicorn.conf.py': 'bind = "10.0.0.5:8000"\n' },
      findings: [{ messageId: 'nothingListens', primary: { file: 'nginx/app.conf', line: 3, column: 20 }, messageIncludes: ['10.0.0.5:8000 (gunicorn bind'] }],
    },
    {
      name: 'the listeners that speak what nginx sends come first',
      tree: {
        'nginx/app.conf': location('uwsgi_pass 127.0.0.1:3032'),
        'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
        'app.ini': '[uwsgi]\nsocket = 127.0.0.1:3031\n',
      },
      findings: [
        {
          messageId: 'nothingListens',
          primary: { file: 'nginx/app.conf', line: 3, column: 20 },
          related: [
            { file: 'app.ini', line: 2, column: 10 },
            { file: 'gunicorn.conf.py', line: 1, column: 8 },
          ],
          messageIncludes: ['listen on 127.0.0.1:3031 (uWSGI socket, app.ini), 127.0.0.1:8000 (gunicorn bind, gunicorn.conf.py)'],
          helpIncludes: ["fix uWSGI's socket"],
        },
      ],
    },
    {
      name: 'two typos across included files: an upstream server and a location',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/upstreams.conf': 'upstream app {\n    server 127.0.0.1:8000;\n    server 127.0.0.1:8002;\n}\n',
        'nginx/conf.d/site.conf':
          'server {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n    location /admin/ {\n        proxy_pass http://localhost:8010/admin/;\n    }\n}\n',
        'web1/gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
        'web2/gunicorn.conf.py': 'bind = "127.0.0.1:8001"\n',
      },
      findings: [
        {
          messageId: 'nothingListens',
          primary: { file: 'nginx/conf.d/upstreams.conf', line: 3, column: 12, endColumn: 26 },
          messageIncludes: ['127.0.0.1:8002 (upstream "app")'],
        },
        { messageId: 'nothingListens', primary: { file: 'nginx/conf.d/site.conf', line: 7, column: 20 }, messageIncludes: ['localhost:8010 (proxy_pass)'] },
      ],
    },
  ],
});
