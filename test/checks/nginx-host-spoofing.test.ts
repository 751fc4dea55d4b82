import { rule } from '../../checks/nginx-host-spoofing';
import { testRule } from '../harness';

/** Two servers on port 80: the first is the default, the second (line 7 on) answers to shop.example only. */
const twoServers = (body: string, shopListen = 'listen 80;') =>
  `server {\n    listen 80;\n    server_name _;\n    return 444;\n}\nserver {\n    ${shopListen}\n    server_name shop.example;\n    location / {\n        ${body}\n        proxy_pass http://app;\n    }\n}\n`;

testRule(rule, {
  accept: [
    { name: '$host is the name nginx matched', tree: { 'a.conf': twoServers('proxy_set_header Host $host;') } },
    { name: 'a fixed Host for the backend', tree: { 'a.conf': twoServers('proxy_set_header Host backend.internal;') } },
    { name: '$host with the port', tree: { 'a.conf': twoServers('proxy_set_header Host $host:$server_port;') } },
    {
      name: '$http_host in the only server of its port: any Host reaches it anyway',
      tree: {
        'a.conf':
          'server {\n    listen 80;\n    server_name shop.example;\n    location / {\n        proxy_set_header Host $http_host;\n        proxy_pass http://app;\n    }\n}\n',
      },
    },
    {
      name: '$http_host in a catch-all server name',
      tree: { 'a.conf': twoServers('proxy_set_header Host $http_host;').replace('server_name shop.example;', 'server_name *.shop.example;') },
    },
    {
      // TandoorRecipes/recipes: the image's template server, whose port the entrypoint fills in,
      // comes first; if it is not on 80, the $http_host server is port 80's default.
      name: 'before it, a server whose port a template fills in',
      tree: {
        'http.d/app.conf.template':
          'server {\n    listen ${APP_PORT};\n    server_name localhost;\n    location / { proxy_pass http://unix:/tmp/app.sock; }\n}\n',
        'nginx/conf.d/app.conf':
          'server {\n    listen 80;\n    server_name localhost;\n    location / {\n        proxy_set_header Host $http_host;\n        proxy_pass http://127.0.0.1:8080;\n    }\n}\n',
      },
    },
    {
      name: '$http_host in a server whose own port a template fills in',
      tree: { 'a.conf.template': twoServers('proxy_set_header Host $http_host;', 'listen ${PORT};') },
    },
    {
      // allegro/ralph: each site file is COPYed alone into its own image's conf.d/default.conf.
      name: 'site files read on their own, each the only server of its file: which nginx each belongs to is not known',
      tree: {
        'contrib/docker/ralph-demo.conf.nginx': 'server {\n    listen 80;\n    server_name ralph;\n    location / { proxy_pass http://web:8000; }\n}\n',
        'contrib/docker/ralph.conf.nginx':
          'server {\n    listen 80;\n    server_name ralph;\n    location / {\n        proxy_set_header Host $http_host;\n        proxy_pass http://web:8000;\n    }\n}\n',
      },
    },
    { name: 'another header may carry X-Forwarded-Host', tree: { 'a.conf': twoServers('proxy_set_header X-Forwarded-Host $http_x_forwarded_host;') } },
    {
      name: 'suppressed with a reason',
      tree: {
        'a.conf': twoServers(
          '# cfglint-disable-next-line nginx-host-spoofing -- the backend checks ALLOWED_HOSTS\n        proxy_set_header Host $http_x_forwarded_host;',
        ),
      },
    },
  ],
  reject: [
    {
      name: "conf.d files a main nginx.conf includes: the first one's server is port 80's default",
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/a-default.conf': 'server {\n    listen 80;\n    server_name _;\n    return 444;\n}\n',
        'conf.d/shop.conf':
          'server {\n    listen 80;\n    server_name shop.example;\n    location / {\n        proxy_set_header Host $http_host;\n        proxy_pass http://app;\n    }\n}\n',
      },
      findings: [{ messageId: 'rawHostHeader', primary: { file: 'conf.d/shop.conf', line: 5, column: 31 } }],
    },
    {
      name: 'X-Forwarded-Host sent as Host',
      tree: { 'a.conf': twoServers('proxy_set_header Host $http_x_forwarded_host;') },
      findings: [
        {
          messageId: 'unvalidatedHost',
          severity: 'warning',
          primary: { file: 'a.conf', line: 10, column: 31, endColumn: 53 },
          messageIncludes: ['"$http_x_forwarded_host"'],
        },
      ],
    },
    {
      name: '$http_host in a server chosen by its exact name',
      tree: { 'a.conf': twoServers('proxy_set_header Host $http_host;') },
      findings: [{ messageId: 'rawHostHeader', primary: { file: 'a.conf', line: 10, column: 31, endColumn: 41 }, messageIncludes: ['(shop.example)'] }],
    },
    {
      name: 'a server whose port a template fills in, after the default of port 80',
      tree: {
        'a.conf': twoServers('proxy_set_header Host $http_host;'),
        'z.conf.template': 'server {\n    listen ${APP_PORT};\n    server_name other.example;\n    return 200;\n}\n',
      },
      findings: [{ messageId: 'rawHostHeader', primary: { file: 'a.conf', line: 10, column: 31, endColumn: 41 } }],
    },
    {
      name: 'a query argument as Host, quoted, at server level from an include',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        listen 8080;\n        include snippets/host.conf;\n        location / { proxy_pass http://app; }\n    }\n}\n',
        'snippets/host.conf': 'proxy_set_header "Host" "$arg_site.example";\n',
      },
      findings: [{ messageId: 'unvalidatedHost', primary: { file: 'snippets/host.conf', line: 1, column: 26, endColumn: 35 } }],
    },
    {
      name: 'a set variable from a cookie, in an if',
      tree: { 'a.conf': twoServers('set $h $cookie_site;\n        if ($arg_x) { proxy_set_header Host $h; }') },
      findings: [{ messageId: 'unvalidatedHost', primary: { file: 'a.conf', line: 11, column: 45, endColumn: 47 }, messageIncludes: ['$cookie_site'] }],
    },
    {
      name: 'a capture of the path as Host, and $http_host where an explicit default_server exists: two findings',
      tree: {
        'a.conf':
          twoServers('proxy_set_header Host $http_host;').replace('listen 80;\n    server_name _;', 'listen 80 default_server;\n    server_name _;') +
          'server {\n    listen 8000;\n    location ~ ^/vhost/([^/]+)/ {\n        proxy_set_header Host $1;\n        proxy_pass http://127.0.0.1;\n    }\n}\n',
      },
      findings: [
        { messageId: 'rawHostHeader', primary: { file: 'a.conf', line: 10, column: 31 } },
        { messageId: 'unvalidatedHost', primary: { file: 'a.conf', line: 17, column: 31, endColumn: 33 } },
      ],
    },
  ],
});
