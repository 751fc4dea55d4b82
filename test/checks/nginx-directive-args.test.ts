import { rule } from '../../checks/nginx-directive-args';
import { testRule } from '../harness';

const location = (body: string) => `server {\n    listen 80;\n    location / {\n${body}    }\n}\n`;

testRule(rule, {
  accept: [
    {
      name: 'counts nginx accepts',
      tree: {
        'conf.d/app.conf': location(
          '        proxy_pass http://a;\n        proxy_buffers 8 16k;\n        keepalive_timeout 65 60;\n        error_page 500 502 503 504 /50x.html;\n        proxy_read_timeout "1h 30m";\n',
        ),
      },
    },
    { name: 'flags in any case', tree: { 'conf.d/app.conf': location('        proxy_buffering OFF;\n        gzip on;\n') } },
    { name: 'a Lua block body is not an argument', tree: { 'conf.d/app.conf': location('        content_by_lua_block { ngx.say(1) }\n') } },
    { name: 'if with a multi-word condition', tree: { 'conf.d/app.conf': location('        if ($request_method = POST) { return 405; }\n') } },
    {
      name: 'upstream server with many parameters',
      tree: { 'conf.d/app.conf': 'upstream a {\n    server 10.0.0.1:80 weight=5 max_fails=3 fail_timeout=30s backup;\n}\n' },
    },
    {
      name: 'stub_status with and without an argument',
      tree: { 'conf.d/app.conf': location('        stub_status;\n') + location('        stub_status on;\n') },
    },
    {
      name: 'listen with every kind of parameter',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 443 ssl default_server reuseport backlog=4096 so_keepalive=on ipv6only=on fastopen=256 deferred bind proxy_protocol;\n    listen 443 quic;\n    listen [::]:80 default rcvbuf=64k sndbuf=64k;\n    listen unix:/run/n.sock http2 multipath;\n}\n',
      },
    },
    {
      name: 'stream and mail listen take their own parameters',
      tree: {
        'nginx.conf':
          'events {}\nstream {\n    server {\n        listen 53 udp reuseport;\n        proxy_pass 10.0.0.1:53;\n    }\n}\nmail {\n    server {\n        listen 993 ssl;\n        protocol imap;\n    }\n}\n',
      },
    },
  ],
  reject: [
    {
      name: 'a combined time without quotes',
      tree: { 'conf.d/app.conf': location('        proxy_read_timeout 1h 30m;\n') },
      findings: [
        {
          messageId: 'count',
          primary: { file: 'conf.d/app.conf', line: 4, column: 31, endColumn: 34 },
          messageIncludes: ['2 given, 1 expected'],
          helpIncludes: ['invalid number of arguments in "proxy_read_timeout" directive', 'quote a combined time: "1h 30m"'],
        },
      ],
    },
    {
      name: 'proxy_buffers with one argument and a flag that is not on/off: two findings',
      tree: { 'conf.d/app.conf': location('        proxy_buffers 16k;\n        proxy_buffering yes;\n') },
      findings: [
        {
          messageId: 'count',
          primary: { file: 'conf.d/app.conf', line: 4, column: 9 },
          messageIncludes: ['1 given, 2 expected', '(proxy_buffers number size)'],
        },
        {
          messageId: 'flag',
          primary: { file: 'conf.d/app.conf', line: 5, column: 25, endColumn: 28 },
          messageIncludes: ['Invalid value "yes" in "proxy_buffering"'],
          helpIncludes: ['must be "on" or "off"'],
        },
      ],
    },
    {
      name: 'no arguments where one is needed, through an include in the main config',
      tree: { 'nginx.conf': 'user;\nevents {}\nhttp { include conf.d/*.conf; }\n', 'conf.d/a.conf': 'server { listen; }\n' },
      findings: [
        { messageId: 'count', primary: { file: 'nginx.conf', line: 1, column: 1 }, messageIncludes: ['0 given, 1 or 2 expected'] },
        { messageId: 'count', primary: { file: 'conf.d/a.conf', line: 1, column: 10 }, messageIncludes: ['"listen"'] },
      ],
    },
    {
      name: 'a block after a directive that takes none',
      tree: { 'conf.d/app.conf': location('        proxy_pass http://a {\n        }\n') },
      findings: [
        {
          messageId: 'notTerminated',
          primary: { file: 'conf.d/app.conf', line: 4, column: 29 },
          helpIncludes: ['directive "proxy_pass" is not terminated by ";"'],
        },
      ],
    },
    {
      name: 'location without a block',
      tree: { 'conf.d/app.conf': 'server {\n    location /;\n}\n' },
      findings: [{ messageId: 'noOpeningBrace', primary: { file: 'conf.d/app.conf', line: 2, column: 5 }, helpIncludes: ['has no opening "{"'] }],
    },
    {
      name: 'listen with its ";" missing swallows the next line',
      tree: { 'conf.d/app.conf': 'server {\n    listen 80\n    server_name example.com;\n}\n' },
      findings: [
        {
          messageId: 'listenParameter',
          primary: { file: 'conf.d/app.conf', line: 3, column: 5, endColumn: 16 },
          messageIncludes: ['Invalid parameter "server_name" in "listen"'],
          helpIncludes: ['the ";" at the end of line 2 is missing'],
        },
      ],
    },
    {
      name: 'a misspelt listen parameter',
      tree: { 'conf.d/app.conf': 'server {\n    listen 8080 defualt_server;\n}\n' },
      findings: [
        {
          messageId: 'listenParameter',
          primary: { file: 'conf.d/app.conf', line: 2, column: 17 },
          messageIncludes: ['Invalid parameter "defualt_server" in "listen"'],
          helpIncludes: ['(invalid parameter "defualt_server")'],
        },
      ],
    },
  ],
});
