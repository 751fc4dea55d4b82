import { rule } from '../../checks/nginx-proxy-pass-uri';
import { testRule } from '../harness';

/** proxy_pass on line 3; its argument at column 20. */
const site = (location: string, body: string) => `server {\n    location ${location} {\n        ${body}\n    }\n}\n`;

testRule(rule, {
  accept: [
    {
      // mediacms-io/mediacms' auth_request location. Run on nginx: /b, /%62 and /a/../b all arrive as /api/v1/x.
      name: 'an exact location: the URI part is all that is sent',
      tree: { 'a.conf': 'server {\n  location = /b { internal; proxy_pass http://app/api/v1/x; }\n}\n' },
    },
    { name: "no URI part: the client's path is passed as sent", tree: { 'a.conf': site('/api/', 'proxy_pass http://app;') } },
    { name: 'host and port only', tree: { 'a.conf': site('/', 'proxy_pass http://127.0.0.1:8000;') } },
    { name: 'a variable URI is used as written', tree: { 'a.conf': site('/', 'proxy_pass http://app$request_uri;') } },
    { name: 'a regex location (nginx refuses a URI part there)', tree: { 'a.conf': site('~ ^/api/', 'proxy_pass http://app;') } },
    { name: 'a unix socket without a URI', tree: { 'a.conf': site('/', 'proxy_pass http://unix:/run/app.sock:;') } },
    { name: 'a rewrite decides what is sent', tree: { 'a.conf': site('/x/', 'rewrite ^ $request_uri break;\n        proxy_pass http://app/;') } },
    { name: 'uwsgi_pass has no URI', tree: { 'a.conf': site('/', 'uwsgi_pass 127.0.0.1:3031;') } },
  ],
  reject: [
    {
      name: 'a trailing slash is a URI part',
      tree: { 'a.conf': site('/api/', 'proxy_pass http://app/;') },
      findings: [
        { messageId: 'normalisedPath', severity: 'info', primary: { file: 'a.conf', line: 3, column: 20, endColumn: 31 }, messageIncludes: ['("/")'] },
      ],
    },
    {
      name: 'a path prefix, in ^~, quoted',
      tree: { 'a.conf': site('^~ /v1/', 'proxy_pass "https://api.example.com/v2/";') },
      findings: [{ messageId: 'normalisedPath', primary: { file: 'a.conf', line: 3, column: 20 }, messageIncludes: ['("/v2/")'] }],
    },
    {
      name: 'a unix socket with a URI',
      tree: { 'a.conf': site('/', 'proxy_pass http://unix:/run/app.sock:/app/;') },
      findings: [{ messageId: 'normalisedPath', primary: { file: 'a.conf', line: 3, column: 20 }, messageIncludes: ['("/app/")'] }],
    },
    {
      name: 'from an include in a nested location',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n  server {\n    location / {\n      location /s/ {\n        include proxy.conf;\n      }\n    }\n  }\n}\n',
        'proxy.conf': 'proxy_pass http://static/files/;\n',
      },
      findings: [{ messageId: 'normalisedPath', primary: { file: 'proxy.conf', line: 1, column: 12 } }],
    },
    {
      name: 'two locations: two findings',
      tree: { 'a.conf': 'server {\n  location /a/ { proxy_pass http://app/; }\n  location ^~ /b { proxy_pass http://app/b; }\n}\n' },
      findings: [
        { messageId: 'normalisedPath', primary: { file: 'a.conf', line: 2, column: 29 } },
        { messageId: 'normalisedPath', primary: { file: 'a.conf', line: 3, column: 31 } },
      ],
    },
  ],
});
