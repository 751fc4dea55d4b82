import { rule } from '../../checks/nginx-map-default';
import { testRule } from '../harness';

const http = (body: string) => `events {}\nhttp {\n${body}}\n`;

testRule(rule, {
  accept: [
    { name: 'a map with default', tree: { 'conf.d/ws.conf': 'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    ""      close;\n}\n' } },
    { name: 'default written last, after regexes', tree: { 'conf.d/log.conf': 'map $status $loggable {\n    ~^[23]  0;\n    default 1;\n}\n' } },
    {
      name: 'a regex that matches every value stands for default',
      tree: { 'conf.d/m.conf': 'map $uri $section {\n    ~^/api/  api;\n    ~.*      site;\n}\n' },
    },
    { name: 'geo with 0.0.0.0/0 instead of default', tree: { 'conf.d/geo.conf': 'geo $internal {\n    ranges;\n    0.0.0.0/0 0;\n    10.0.0.0/8 1;\n}\n' } },
    {
      name: 'the default comes from an included file',
      tree: { 'nginx.conf': http('    map $host $pool {\n        include pools.map;\n    }\n'), 'pools.map': 'a.example.com a;\ndefault b;\n' },
    },
    {
      name: 'an include that cannot be read may hold the default',
      tree: { 'conf.d/m.conf': 'map $host $pool {\n    hostnames;\n    include /etc/nginx/pools/*.map;\n    .example.com web;\n}\n' },
    },
    { name: 'a map with parameters only, no entries', tree: { 'conf.d/m.conf': 'map $host $nothing {\n    volatile;\n}\n' } },
  ],
  reject: [
    {
      name: 'a map without default',
      tree: { 'conf.d/app.conf': 'map $http_x_forwarded_proto $real_scheme {\n    https https;\n    http  http;\n}\n' },
      findings: [
        {
          messageId: 'noDefault',
          severity: 'info',
          primary: { file: 'conf.d/app.conf', line: 1, column: 1, endColumn: 4 },
          messageIncludes: ['"map $http_x_forwarded_proto $real_scheme" has no "default"', '(2 in the block)', 'sets "$real_scheme" to the empty string'],
        },
      ],
    },
    {
      name: 'hostnames is a parameter, not an entry; an empty-string key is not a default',
      tree: { 'conf.d/app.conf': 'server { listen 80; }\nmap $host $backend {\n  hostnames;\n  .example.com   app;\n  ""             app;\n}\n' },
      findings: [{ messageId: 'noDefault', primary: { file: 'conf.d/app.conf', line: 2, column: 1 }, messageIncludes: ['(2 in the block)'] }],
    },
    {
      name: 'geo without default, entries through an include',
      tree: {
        'nginx.conf': http('    geo $remote_addr $office {\n        proxy 10.1.0.0/16;\n        include offices.geo;\n    }\n'),
        'offices.geo': '192.168.10.0/24 paris;\n192.168.20.0/24 berlin;\n',
      },
      findings: [
        { messageId: 'noDefault', primary: { file: 'nginx.conf', line: 3, column: 5 }, messageIncludes: ['"geo $remote_addr $office"', '(2 in the block)'] },
      ],
    },
    {
      name: 'a regex that matches only some values is no default',
      tree: { 'conf.d/m.conf': 'map $request_uri $cache_zone {\n    ~^/static/ static;\n    ~*\\.(png|jpg)$ images;\n}\n' },
      findings: [{ messageId: 'noDefault', primary: { file: 'conf.d/m.conf', line: 1, column: 1 } }],
    },
    {
      name: 'two maps without default, in stream and http: two findings',
      tree: {
        'nginx.conf':
          'events {}\nstream {\n    map $ssl_preread_server_name $upstream {\n        a.example.com 10.0.0.1:443;\n    }\n}\nhttp {\n    geo $blocked {\n        203.0.113.0/24 1;\n    }\n}\n',
      },
      findings: [
        { messageId: 'noDefault', primary: { file: 'nginx.conf', line: 3, column: 5 } },
        { messageId: 'noDefault', primary: { file: 'nginx.conf', line: 8, column: 5 }, messageIncludes: ['"geo $blocked"'] },
      ],
    },
  ],
});
