import { rule } from '../../checks/nginx-h2c-smuggling';
import { testRule } from '../harness';

/** The headers sit on lines 3 and 4 of the location; values at column 34 (Upgrade) and 37 (Connection). */
const site = (upgrade: string, connection: string, before = '') =>
  `${before}server {\n    location / {\n        proxy_set_header Upgrade ${upgrade};\n        proxy_set_header Connection ${connection};\n        proxy_http_version 1.1;\n        proxy_pass http://app;\n    }\n}\n`;
const UPGRADE_MAP = 'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    "" close;\n}\n';

testRule(rule, {
  accept: [
    { name: 'the usual WebSocket map for Connection', tree: { 'a.conf': site('$http_upgrade', '$connection_upgrade', UPGRADE_MAP) } },
    { name: 'a fixed Connection', tree: { 'a.conf': site('$http_upgrade', 'upgrade') } },
    {
      name: 'only the WebSocket upgrade is passed',
      tree: { 'a.conf': site('$ws_upgrade', '$http_connection', 'map $http_upgrade $ws_upgrade {\n    default "";\n    websocket websocket;\n}\n') },
    },
    { name: 'Upgrade cleared', tree: { 'a.conf': site('""', '$http_connection') } },
    {
      name: 'no proxy_pass under the headers',
      tree: {
        'a.conf':
          'server {\n    location / {\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $http_connection;\n        root /srv;\n    }\n}\n',
      },
    },
    {
      name: 'the location redefines the headers without them',
      tree: {
        'a.conf':
          'server {\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection $http_connection;\n    location / {\n        proxy_set_header Host $host;\n        proxy_pass http://app;\n    }\n}\n',
      },
    },
    {
      name: 'suppressed with a reason',
      tree: {
        'a.conf': site('$http_upgrade', '$http_connection').replace(
          '        proxy_set_header Connection',
          '        # cfglint-disable-next-line nginx-h2c-smuggling -- the backend has no h2c\n        proxy_set_header Connection',
        ),
      },
    },
  ],
  reject: [
    {
      // A map that hands the client's Connection on unchanged is the same as writing $http_connection.
      name: "the client's Connection through a map",
      tree: { 'a.conf': site('$http_upgrade', '$conn', 'map $http_connection $conn {\n    default $http_connection;\n}\n') },
      findings: [{ messageId: 'clientUpgrade', severity: 'warning', primary: { file: 'a.conf', line: 7, column: 37, endColumn: 42 } }],
    },
    {
      name: 'both headers passed through',
      tree: { 'a.conf': site('$http_upgrade', '$http_connection') },
      findings: [
        {
          messageId: 'clientUpgrade',
          severity: 'warning',
          primary: { file: 'a.conf', line: 4, column: 37, endColumn: 53 },
          related: [{ file: 'a.conf', line: 3, column: 34, label: "the client's Upgrade is passed on here" }],
        },
      ],
    },
    {
      name: 'inherited from the server level, quoted',
      tree: {
        'a.conf':
          'server {\n    proxy_set_header Upgrade "$http_upgrade";\n    proxy_set_header Connection "$http_connection";\n    location / {\n        proxy_pass http://app;\n    }\n}\n',
      },
      findings: [{ messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 3, column: 33 } }],
    },
    {
      name: 'from an included snippet, headers in lower case',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n  server {\n    location /ws/ {\n      include snippets/ws.conf;\n      proxy_pass http://app;\n    }\n  }\n}\n',
        'snippets/ws.conf': 'proxy_set_header upgrade $http_upgrade;\nproxy_set_header connection $http_connection;\n',
      },
      findings: [{ messageId: 'clientUpgrade', primary: { file: 'snippets/ws.conf', line: 2, column: 29 } }],
    },
    {
      name: 'a set variable carrying the header',
      tree: {
        'a.conf': site('$up', '$http_connection').replace(
          '        proxy_set_header Upgrade',
          '        set $up $http_upgrade;\n        proxy_set_header Upgrade',
        ),
      },
      findings: [{ messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 5, column: 37 } }],
    },
    {
      name: 'two servers: two findings',
      tree: { 'a.conf': site('$http_upgrade', '$http_connection') + site('$http_upgrade', '$http_connection').replace('location /', 'location /b') },
      findings: [
        { messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 4, column: 37 } },
        { messageId: 'clientUpgrade', primary: { file: 'a.conf', line: 12, column: 37 } },
      ],
    },
  ],
});
