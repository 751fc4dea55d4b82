import { rule } from '../../checks/nginx-default-server';
import { lintTree, testRule } from '../harness';

testRule(rule, {
  accept: [
    {
      name: 'one server per socket',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 80;\n    return 301 https://$host$request_uri;\n}\nserver {\n    listen 443 ssl;\n    server_name app.example.com;\n}\n',
      },
    },
    {
      name: 'two servers, one marked default_server',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 80;\n    server_name a.example.com;\n}\nserver {\n    listen 80 default_server;\n    server_name _;\n    return 444;\n}\n',
      },
    },
    {
      name: 'the old spelling "default"',
      tree: { 'conf.d/app.conf': 'server {\n    listen 8080 default;\n}\nserver {\n    listen *:8080;\n    server_name b;\n}\n' },
    },
    {
      name: 'different addresses on one port are different sockets',
      tree: { 'conf.d/app.conf': 'server {\n    listen 127.0.0.1:80;\n}\nserver {\n    listen 10.0.0.5:80;\n}\n' },
    },
    {
      name: 'servers in two files read on their own: which ones one nginx loads is not known',
      tree: { 'sites/a.conf': 'server {\n    listen 80;\n    server_name a;\n}\n', 'sites/b.conf': 'server {\n    listen 80;\n    server_name b;\n}\n' },
    },
    {
      name: 'the same file included twice is one server',
      tree: { 'nginx.conf': 'events {}\nhttp {\n    include site.conf;\n    include site.conf;\n}\n', 'site.conf': 'server {\n    listen 80;\n}\n' },
    },
  ],
  reject: [
    {
      name: 'two servers on port 80 in one file',
      tree: {
        'conf.d/app.conf': 'server {\n    listen 80;\n    server_name a.example.com;\n}\nserver {\n    listen 0.0.0.0:80;\n    server_name b.example.com;\n}\n',
      },
      findings: [
        {
          messageId: 'implicitDefault',
          severity: 'info',
          primary: { file: 'conf.d/app.conf', line: 2, column: 12, endColumn: 14 },
          related: [{ file: 'conf.d/app.conf', line: 6, column: 12, label: 'also on *:80: server_name b.example.com' }],
          messageIncludes: ['2 servers listen on *:80', 'go to the first, server_name a.example.com'],
        },
      ],
    },
    {
      name: 'servers of conf.d files included by nginx.conf, one without listen',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/a.conf': 'server {\n    server_name a;\n}\n',
        'conf.d/b.conf': '\nserver {\n    listen 80;\n    server_name b;\n}\n',
      },
      findings: [
        {
          messageId: 'implicitDefault',
          primary: { file: 'conf.d/a.conf', line: 1, column: 1 },
          related: [{ file: 'conf.d/b.conf', line: 3, column: 12 }],
          messageIncludes: ['server_name a'],
        },
      ],
    },
    {
      name: 'default_server on another socket does not count',
      tree: {
        'conf.d/app.conf': 'server {\n  listen 443 ssl default_server;\n  listen [::]:443 ssl;\n}\nserver {\n  listen [::]:443 ssl;\n  server_name v6;\n}\n',
      },
      findings: [
        {
          messageId: 'implicitDefault',
          primary: { file: 'conf.d/app.conf', line: 3, column: 10 },
          messageIncludes: ['on [::]:443', 'the server at conf.d/app.conf:1'],
        },
      ],
    },
    {
      name: 'two sockets shared by three servers: two findings',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 80;\n    listen 443 ssl;\n    server_name a;\n}\nserver {\n    listen 80;\n    listen 443 ssl;\n    server_name b;\n}\nserver {\n    listen 80;\n    server_name c;\n}\n',
      },
      findings: [
        { messageId: 'implicitDefault', primary: { file: 'conf.d/app.conf', line: 2, column: 12 }, messageIncludes: ['3 servers listen on *:80'] },
        { messageId: 'implicitDefault', primary: { file: 'conf.d/app.conf', line: 3, column: 12 }, messageIncludes: ['2 servers listen on *:443'] },
      ],
    },
    {
      name: 'unix sockets',
      tree: {
        'conf.d/app.conf': 'server {\n    listen unix:/run/nginx/app.sock;\n}\nserver {\n    listen "unix:/run/nginx/app.sock";\n    server_name x;\n}\n',
      },
      findings: [{ messageId: 'implicitDefault', primary: { file: 'conf.d/app.conf', line: 2, column: 12 }, messageIncludes: ['on unix:/run/nginx/app.sock'] }],
    },
  ],
});

// The harness refuses syntax errors in its cases; this one needs one.
test('a server whose listen nginx never reads (no ";" before "}") is not judged', () => {
  const findings = lintTree({ name: 'broken', tree: { 'conf.d/app.conf': 'server {\n    listen 80;\n}\nserver { listen 80 }\n' } });
  expect(findings.some((finding) => finding.ruleId === 'nginx-syntax')).toBe(true);
  expect(findings.filter((finding) => finding.ruleId === rule.id)).toEqual([]);
});
