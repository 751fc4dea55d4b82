import { rule } from '../../checks/nginx-if-is-evil';
import { testRule } from '../harness';

const site = (location: string) => `server {\n    listen 80;\n    root /srv/www;\n${location}}\n`;

testRule(rule, {
  accept: [
    {
      name: 'an if that returns',
      tree: {
        'conf.d/app.conf': site(
          '    location / {\n        try_files $uri /index.php?$args;\n        if ($request_method = TRACE) {\n            return 405;\n        }\n    }\n',
        ),
      },
    },
    {
      name: 'an if that rewrites with last',
      tree: { 'conf.d/app.conf': site('    location / {\n        if ($http_x_old) { rewrite ^ /legacy$uri last; }\n        try_files $uri =404;\n    }\n') },
    },
    // gixy-ng users reported redirects flagged (dvershinin/gixy#72): a redirect leaves the block too.
    {
      name: 'an if that redirects with rewrite ... permanent',
      tree: {
        'conf.d/app.conf': site(
          '    location / {\n        try_files $uri /index.html;\n        if ($host = www.example.com) { rewrite ^(.*)$ https://example.com$1 permanent; }\n    }\n',
        ),
      },
    },
    {
      name: 'an if that rewrites without a flag: the request may move on, not provable',
      tree: {
        'conf.d/app.conf': site('    location / {\n        if (-f /srv/maintenance) { rewrite ^ /maintenance.html; }\n        try_files $uri =404;\n    }\n'),
      },
    },
    {
      name: 'an if that proxies on purpose',
      tree: {
        'conf.d/app.conf': site(
          '    location / {\n        try_files $uri @app;\n        if ($cookie_beta) {\n            proxy_pass http://127.0.0.1:9000;\n        }\n    }\n    location @app { proxy_pass http://127.0.0.1:8000; }\n',
        ),
      },
    },
    {
      name: "an if in a location without try_files (header loss is another rule's)",
      tree: {
        'conf.d/app.conf': site(
          '    location /api/ {\n        if ($request_method = OPTIONS) { add_header Access-Control-Max-Age 600; }\n        proxy_pass http://127.0.0.1:8000;\n    }\n',
        ),
      },
    },
    {
      name: 'an if at server level, try_files in the server',
      tree: { 'conf.d/app.conf': 'server {\n    listen 80;\n    try_files $uri /index.html;\n    if ($host = old.example.com) { set $legacy 1; }\n}\n' },
    },
    {
      name: 'try_files in the outer location, the if in a nested one',
      tree: {
        'conf.d/app.conf': site(
          '    location / {\n        try_files $uri /index.html;\n        location /img/ {\n            if ($arg_w) { set $resize 1; }\n        }\n    }\n',
        ),
      },
    },
    {
      name: 'an if whose include cannot be read',
      tree: {
        'conf.d/app.conf': site('    location / {\n        try_files $uri /index.html;\n        if ($bad_bot) { include /etc/nginx/deny-bot.conf; }\n    }\n'),
      },
    },
    {
      name: 'an if that tests that the file exists: the static file is what try_files serves too',
      tree: {
        'conf.d/app.conf': site(
          '    location / {\n        if (-f $request_filename) {\n            break;\n        }\n        try_files $uri $uri/ /index.html;\n    }\n',
        ),
      },
    },
  ],
  reject: [
    {
      name: 'an if that only sets a variable skips try_files',
      tree: {
        'conf.d/app.conf': site(
          '    location / {\n        try_files $uri $uri/ /index.php?$args;\n        if ($http_user_agent ~* "bot") {\n            set $is_bot 1;\n        }\n    }\n',
        ),
      },
      findings: [
        {
          messageId: 'skipsTryFiles',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 6, column: 9, endColumn: 11 },
          related: [{ file: 'conf.d/app.conf', line: 5, column: 9, label: 'try_files of the location' }],
          messageIncludes: ['"if ($http_user_agent ~* bot)"', '"try_files $uri $uri/ /index.php?$args"'],
        },
      ],
    },
    {
      name: 'an empty if after try_files',
      tree: {
        'sites/app.conf': site(
          '    location ~ \\.php$ {\n\ttry_files $uri =404;\n\tif ($x) {\n\t    # nothing\n\t}\n\tfastcgi_pass unix:/run/php.sock;\n    }\n',
        ),
      },
      findings: [{ messageId: 'skipsTryFiles', primary: { file: 'sites/app.conf', line: 6, column: 2 } }],
    },
    {
      name: 'a negated file test: the fallback is skipped',
      tree: {
        'conf.d/app.conf': site('    location / {\n        try_files $uri /index.html;\n        if (!-f $request_filename) { set $missing 1; }\n    }\n'),
      },
      findings: [{ messageId: 'skipsTryFiles', primary: { file: 'conf.d/app.conf', line: 6, column: 9 }, messageIncludes: ['"if (!-f $request_filename)"'] }],
    },
    {
      name: 'rewrite ... break keeps the request in the if block',
      tree: {
        'conf.d/app.conf': site('    location / {\n        if ($arg_v) { rewrite ^/(.*)$ /v2/$1 break; }\n        try_files $uri /index.html;\n    }\n'),
      },
      findings: [{ messageId: 'skipsTryFiles', primary: { file: 'conf.d/app.conf', line: 5, column: 9 } }],
    },
    {
      name: 'the if comes from an include in the location',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        location / {\n            try_files $uri /index.html;\n            include cors.conf;\n        }\n    }\n}\n',
        'cors.conf': 'if ($request_method = OPTIONS) {\n    add_header Access-Control-Allow-Origin *;\n}\n',
      },
      findings: [{ messageId: 'skipsTryFiles', primary: { file: 'cors.conf', line: 1, column: 1 }, related: [{ file: 'nginx.conf', line: 5, column: 13 }] }],
    },
    {
      name: 'two ifs that stay: two findings',
      tree: {
        'conf.d/app.conf': site(
          '    location /shop/ {\n        try_files $uri /shop/index.html;\n        if ($arg_ref) { set $ref $arg_ref; }\n        if ($cookie_debug) { add_header X-Debug 1; }\n    }\n',
        ),
      },
      findings: [
        { messageId: 'skipsTryFiles', primary: { file: 'conf.d/app.conf', line: 6, column: 9 } },
        { messageId: 'skipsTryFiles', primary: { file: 'conf.d/app.conf', line: 7, column: 9 } },
      ],
    },
  ],
});
