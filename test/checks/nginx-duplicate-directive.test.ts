import { rule } from '../../checks/nginx-duplicate-directive';
import { testRule } from '../harness';

testRule(rule, {
  accept: [
    {
      name: 'directives that may repeat',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 80;\n    listen [::]:80;\n    add_header A 1;\n    add_header B 2;\n    location / {\n        proxy_set_header Host $host;\n        proxy_set_header X-A 1;\n        rewrite ^/a /b;\n        rewrite ^/c /d;\n        error_page 404 /404.html;\n        error_page 500 /500.html;\n    }\n}\n',
      },
    },
    {
      name: 'the same directive at different levels',
      tree: {
        'conf.d/app.conf':
          'server {\n    proxy_read_timeout 30s;\n    location / {\n        proxy_read_timeout 60s;\n        if ($arg_x) { proxy_pass http://a; }\n        proxy_pass http://b;\n    }\n}\n',
      },
    },
    {
      name: 'limit_req with two zones',
      tree: { 'conf.d/app.conf': 'server {\n    location / {\n        limit_req zone=a;\n        limit_req zone=b;\n    }\n}\n' },
    },
    {
      name: 'one balancing method per upstream',
      tree: {
        'conf.d/app.conf':
          'upstream a {\n    ip_hash;\n    server 10.0.0.1;\n}\nupstream b {\n    least_conn;\n    server 10.0.0.2;\n}\nserver {\n    location / { proxy_pass http://a; }\n}\n',
      },
    },
    {
      name: 'hash in a stream upstream and ip_hash in an http one are separate upstreams',
      tree: {
        'nginx.conf':
          'events {}\nstream {\n    upstream dns {\n        hash $remote_addr consistent;\n        server 10.0.0.1:53;\n    }\n}\nhttp {\n    upstream a {\n        ip_hash;\n        server 10.0.0.1;\n    }\n}\n',
      },
    },
  ],
  reject: [
    {
      name: 'ip_hash twice, and least_conn after hash in a stream upstream: two warnings',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    upstream a {\n        ip_hash;\n        server 10.0.0.1;\n        ip_hash;\n    }\n}\nstream {\n    upstream b {\n        hash $remote_addr;\n        least_conn;\n        server 10.0.0.2:53;\n    }\n}\n',
      },
      findings: [
        {
          messageId: 'balancingRedefined',
          severity: 'warning',
          primary: { file: 'nginx.conf', line: 6, column: 9, endColumn: 16 },
          related: [{ file: 'nginx.conf', line: 4, column: 9, label: 'first method "ip_hash" here' }],
          messageIncludes: ['"ip_hash" after "ip_hash"'],
          helpIncludes: ['load balancing method redefined'],
        },
        {
          messageId: 'balancingRedefined',
          severity: 'warning',
          primary: { file: 'nginx.conf', line: 12, column: 9 },
          messageIncludes: ['"least_conn" after "hash"'],
        },
      ],
    },
    {
      name: 'two proxy_pass in one location',
      tree: { 'conf.d/app.conf': 'server {\n    location / {\n        proxy_pass http://a;\n        proxy_pass http://b;\n    }\n}\n' },
      findings: [
        {
          messageId: 'duplicate',
          primary: { file: 'conf.d/app.conf', line: 4, column: 9, endColumn: 19 },
          related: [{ file: 'conf.d/app.conf', line: 3, column: 9, label: 'first "proxy_pass" here' }],
          messageIncludes: ['"location" block'],
          helpIncludes: ['("proxy_pass" directive is duplicate)'],
        },
      ],
    },
    {
      name: 'root then alias, and a timeout repeated through an include: two findings',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        location /static/ {\n            root /srv;\n            alias /srv/static/;\n        }\n        include timeouts.conf;\n        proxy_read_timeout 10s;\n    }\n}\n',
        'timeouts.conf': 'proxy_read_timeout 30s;\n',
      },
      findings: [
        {
          messageId: 'sharedSetting',
          primary: { file: 'nginx.conf', line: 6, column: 13 },
          helpIncludes: ['"alias" directive is duplicate, "root" directive was specified earlier'],
        },
        { messageId: 'duplicate', primary: { file: 'nginx.conf', line: 9, column: 9 }, related: [{ file: 'timeouts.conf', line: 1, column: 1 }] },
      ],
    },
    {
      name: 'one file included twice in the same block',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        location / {\n            include proxy.conf;\n            include proxy.conf;\n        }\n    }\n}\n',
        'proxy.conf': 'proxy_pass http://a;\n',
      },
      findings: [{ messageId: 'duplicate', primary: { file: 'nginx.conf', line: 6, column: 13 }, related: [{ file: 'nginx.conf', line: 5, column: 13 }] }],
    },
  ],
});
