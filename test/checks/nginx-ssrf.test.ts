import { rule } from '../../checks/nginx-ssrf';
import { testRule } from '../harness';

/** A server with one location; the directive sits on line 3 at column 9. */
const site = (location: string, body: string, before = '') => `${before}server {\n    location ${location} {\n        ${body}\n    }\n}\n`;

testRule(rule, {
  accept: [
    { name: 'fixed upstream, path from the request', tree: { 'a.conf': site('/', 'proxy_pass http://backend$request_uri;') } },
    {
      name: 'a map with literal values picks among fixed hosts',
      tree: { 'a.conf': site('/', 'proxy_pass http://$pool;', 'map $http_x_pool $pool {\n    default app-a;\n    beta app-b;\n}\n') },
    },
    { name: 'internal location (reached only by X-Accel-Redirect)', tree: { 'a.conf': site('/_fetch/', 'internal; proxy_pass http://$arg_host;') } },
    { name: 'named location is internal by nature', tree: { 'a.conf': site('@remote', 'proxy_pass http://$http_x_origin;') } },
    { name: 'a capture that chooses among fixed words', tree: { 'a.conf': site('~ ^/(api|www)/', 'proxy_pass http://$1.internal;') } },
    {
      name: "a capture without dots only picks a name under the config's own domain",
      tree: { 'a.conf': site('~ ^/svc/([a-z0-9-]+)/', 'proxy_pass http://$1.svc.cluster.local;') },
    },
    { name: 'a variable set by a module cfglint cannot trace is not guessed', tree: { 'a.conf': site('/', 'proxy_pass http://$lua_backend;') } },
    { name: 'a capture in the path only', tree: { 'a.conf': site('~ ^/api/(.*)$', 'proxy_pass http://backend/$1;') } },
    { name: "$scheme is the connection's, not the client's choice", tree: { 'a.conf': site('/', 'proxy_pass $scheme://backend;') } },
    { name: 'unix socket with the URI after it', tree: { 'a.conf': site('/', 'proxy_pass http://unix:/run/app.sock:$uri;') } },
    {
      name: 'a set URL whose host is a fixed word and whose client part is the path',
      tree: { 'a.conf': site('~ ^/to/(east|west)/(?<rest>.*)$', 'set $u "http://$1.example.internal/$rest"; proxy_pass $u;') },
    },
    {
      name: 'a template writes the URL; the query string after it is not the host',
      tree: { 'templates/default.conf.template': site('/', 'proxy_pass ${UPSTREAM_URL}/api?$args;') },
    },
    {
      name: 'suppressed with a reason',
      tree: { 'a.conf': site('/', '# cfglint-disable-next-line nginx-ssrf -- open proxy for the test lab\n        proxy_pass http://$arg_host;') },
    },
  ],
  reject: [
    {
      name: 'host from a query argument',
      tree: { 'a.conf': site('/fetch', 'proxy_pass http://$arg_host/;') },
      findings: [
        { messageId: 'clientHost', severity: 'error', primary: { file: 'a.conf', line: 3, column: 27, endColumn: 36 }, messageIncludes: ['"$arg_host"'] },
      ],
    },
    {
      name: 'the whole URL from a header, scheme included',
      tree: { 'a.conf': site('/', 'proxy_pass $http_x_upstream;') },
      findings: [{ messageId: 'clientHost', primary: { file: 'a.conf', line: 3, column: 20, endColumn: 36 }, messageIncludes: ['scheme and host'] }],
    },
    {
      name: 'host from a regex capture of the decoded path',
      tree: { 'a.conf': site('~ ^/proxy/([^/]+)/(.*)$', 'proxy_pass http://$1/$2;') },
      findings: [{ messageId: 'clientHost', primary: { file: 'a.conf', line: 3, column: 27, endColumn: 29 }, messageIncludes: ['$1 (from $uri)'] }],
    },
    {
      name: 'a set variable from a cookie, set in an included server snippet',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        include snippets/target.conf;\n        location / {\n            proxy_pass http://$target:8080;\n        }\n    }\n}\n',
        'snippets/target.conf': 'set $target $cookie_backend;\n',
      },
      findings: [{ messageId: 'clientHost', primary: { file: 'nginx.conf', line: 6, column: 31, endColumn: 38 }, messageIncludes: ['$cookie_backend'] }],
    },
    {
      name: 'a map whose default passes the header through',
      tree: { 'a.conf': site('/', 'proxy_pass https://$dest;', 'map $http_x_dest $dest {\n    default $http_x_dest;\n    old new.internal;\n}\n') },
      findings: [{ messageId: 'clientHost', primary: { file: 'a.conf', line: 7, column: 28, endColumn: 33 } }],
    },
    {
      name: '$host in a server that takes any Host is a warning',
      tree: { 'a.conf': site('/', 'proxy_pass http://$host$request_uri;') },
      findings: [{ messageId: 'hostHeader', severity: 'warning', primary: { file: 'a.conf', line: 3, column: 27, endColumn: 32 } }],
    },
    {
      name: 'inside an if in the location, and fastcgi_pass too: two findings',
      tree: {
        'a.conf':
          'server {\n  location / {\n    if ($arg_debug) {\n      proxy_pass http://$http_x_debug_host;\n    }\n  }\n  location ~ \\.php$ {\n    fastcgi_pass $arg_fpm;\n  }\n}\n',
      },
      findings: [
        { messageId: 'clientHost', primary: { file: 'a.conf', line: 4, column: 25 } },
        { messageId: 'clientHost', primary: { file: 'a.conf', line: 8, column: 18 }, messageIncludes: ['fastcgi_pass takes its host'] },
      ],
    },
    {
      name: 'a location nested in an internal one is reachable from outside',
      tree: {
        'a.conf': 'server {\n    location /x/ {\n        internal;\n        location /x/y/ {\n            proxy_pass "http://$arg_h";\n        }\n    }\n}\n',
      },
      findings: [{ messageId: 'clientHost', primary: { file: 'a.conf', line: 5, column: 32, endColumn: 38 } }],
    },
    {
      name: 'a set URL whose host is a capture of the path',
      tree: { 'a.conf': site('~ ^/to/([^/]+)/(?<rest>.*)$', 'set $u "http://$1/$rest";\n        proxy_pass $u;') },
      findings: [
        { messageId: 'clientHost', primary: { file: 'a.conf', line: 4, column: 20, endColumn: 22 }, messageIncludes: ['"$u" comes from $1 (from $uri)'] },
      ],
    },
    {
      name: 'a capture appended to a literal host can reach another domain',
      tree: { 'a.conf': site('~ ^/s/(.+)$', 'proxy_pass http://cdn$1;') },
      findings: [{ messageId: 'clientHost', primary: { file: 'a.conf', line: 3, column: 30, endColumn: 32 } }],
    },
  ],
});
