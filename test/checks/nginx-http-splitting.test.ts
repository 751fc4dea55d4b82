import { rule } from '../../checks/nginx-http-splitting';
import { testRule } from '../harness';

/** One location; the directive is on line 3 at column 9. */
const site = (location: string, body: string, before = '') => `${before}server {\n    location ${location} {\n        ${body}\n    }\n}\n`;

testRule(rule, {
  accept: [
    { name: '$request_uri stays encoded', tree: { 'a.conf': site('/', 'return 301 https://$host$request_uri;') } },
    {
      name: 'a lone hostnames is a map parameter, not a key',
      tree: { 'a.conf': 'map $http_host $site {\n    hostnames;\n    default none;\n    *.example.com site;\n}\n' + site('/', 'add_header X-Site $site;') },
    },
    { name: 'a capture over $request_uri is raw too', tree: { 'a.conf': site('/', 'if ($request_uri ~ ^/echo/(.*)$) { return 301 /new/$1; }') } },
    {
      name: 'a map of plain values and values over a source that holds no line break',
      tree: {
        'a.conf':
          'map $http_x_tenant $tenant {\n    default "none";\n    "~^t-(?<rest>.+)$" "tenant $rest";\n    t1 \'plain\\tvalue\';\n}\n' +
          site('/', 'proxy_set_header X-Tenant "$tenant ; {quoted}";'),
      },
    },
    { name: 'return with a body, not a redirect', tree: { 'a.conf': site('/', 'return 200 "you asked for $uri";') } },
    { name: 'a rewrite redirect escapes its own captures', tree: { 'a.conf': site('/', 'rewrite ^/old/([^/]+)$ https://example.com/new/$1 permanent;') } },
    { name: 'an internal rewrite writes no header', tree: { 'a.conf': site('/', 'rewrite ^ /index.php?q=$uri last;') } },
    { name: 'a group that cannot match a line break', tree: { 'a.conf': site('~ ^/u/([a-z0-9_-]+)$', 'add_header X-User $1;') } },
    {
      name: 'header values cannot hold CR or LF',
      tree: { 'a.conf': site('/', 'proxy_set_header X-Original-Host $http_host;\n        add_header X-Echo $arg_x;') },
    },
    { name: 'a negated class that excludes CR and LF', tree: { 'a.conf': site('~ ^/([^/\\r\\n]+)$', 'return 302 https://example.com/$1;') } },
    {
      name: 'suppressed with a reason',
      tree: {
        'a.conf': site('/', '# cfglint-disable-next-line nginx-http-splitting -- the WAF in front rejects %0d and %0a\n        return 301 https://$host$uri;'),
      },
    },
    {
      // bigbluebutton/docker web.nginx: the location's regex pins $uri to hex, digits, "/" and "-" (its own $1 was never reported).
      name: '$uri in a location whose anchored regex cannot match CR or LF; the final LF that `$` lets through is followed by "?" or " HTTP/1.x"',
      tree: { 'a.conf': site('~ "^/download/[0-9a-f]+-[0-9]+$"', 'proxy_pass http://127.0.0.1:8090$uri$is_args$args;') },
    },
    {
      name: '$uri under a regex that ends with \\z: no final LF either',
      tree: { 'a.conf': site('~ ^/files/[a-z]+\\.txt\\z', 'add_header X-Path $uri;') },
    },
    {
      name: '$uri before a "/" the config writes: the line after a final LF cannot be a header',
      tree: { 'a.conf': site('~* ^/[a-z]+$', 'return 301 https://example.com$uri/;') },
    },
  ],
  reject: [
    {
      name: 'a regex location that does not pin the start of $uri',
      tree: { 'a.conf': site('~ /download/[0-9a-f]+$', 'proxy_pass http://127.0.0.1:8090$uri$is_args$args;') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 3, column: 41, endColumn: 45 } }],
    },
    {
      name: 'an anchored regex whose class matches LF',
      tree: { 'a.conf': site('~ ^/dl/[^/]+$', 'proxy_pass http://127.0.0.1:8090$uri$is_args$args;') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 3, column: 41, endColumn: 45 } }],
    },
    {
      name: "the final LF `$` lets through ends a header line, and the header's own CRLF then ends the header section",
      tree: { 'a.conf': site('~ ^/[a-z]+$', 'add_header X-Path $uri;') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 3, column: 27, endColumn: 31 } }],
    },
    {
      name: 'the final LF followed by an argument the client chooses',
      tree: { 'a.conf': site('~ ^/[a-z]+$', 'proxy_pass http://127.0.0.1:8090$uri$arg_x;') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 3, column: 41, endColumn: 45 } }],
    },
    {
      name: 'a rewrite in the location changes $uri after the match',
      tree: { 'a.conf': site('~ ^/a/[a-z]+$', 'rewrite ^/a/(.*)$ /b/$1 break;\n        proxy_pass http://127.0.0.1:8090$uri;') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 4, column: 41, endColumn: 45 } }],
    },
    {
      // The map's lines come from another file: read line by line, not from the map's own text.
      name: 'a map whose included lines give $uri',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    map $http_host $fromfile {\n        include maps/site.map;\n    }\n    server {\n        location / {\n            add_header X-From $fromfile;\n        }\n    }\n}\n',
        'maps/site.map': 'default none;\nexample.com $uri;\n',
      },
      findings: [
        { messageId: 'lineBreak', primary: { file: 'nginx.conf', line: 8, column: 31, endColumn: 40 }, messageIncludes: ['"$fromfile" in add_header'] },
      ],
    },
    {
      name: 'one value that gives $uri among many plain ones',
      tree: {
        'a.conf':
          'map $http_host $many {\n' +
          Array.from({ length: 40 }, (_, i) => `    site${i}.example.com "plain value ${i}";\n`).join('') +
          '    last.example.com "$uri";\n}\n' +
          site('/', 'add_header X-Many $many;'),
      },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 46, column: 27, endColumn: 32 }, messageIncludes: ['"$many" in add_header'] }],
    },
    {
      // ngx_http_map reads `hostnames` as a parameter only alone on its line: here it is a key.
      name: 'a map whose entry keyed "hostnames" gives $uri',
      tree: { 'a.conf': 'map $http_host $keyed {\n    default none;\n    hostnames $uri;\n}\n' + site('/', 'add_header X-Keyed $keyed;') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 7, column: 28, endColumn: 34 }, messageIncludes: ['"$keyed" in add_header'] }],
    },
    {
      name: '$uri in a redirect (the Location header)',
      tree: { 'a.conf': site('/', 'return 301 https://$host$uri$is_args$args;') },
      findings: [
        { messageId: 'lineBreak', severity: 'error', primary: { file: 'a.conf', line: 3, column: 33, endColumn: 37 }, messageIncludes: ['"$uri" in return'] },
      ],
    },
    {
      name: 'a capture of [^/] in add_header',
      tree: { 'a.conf': site('~ ^/dl/([^/]+)$', 'add_header Content-Disposition "attachment; filename=$1";') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 3, column: 62, endColumn: 64 }, messageIncludes: ['$1 (from $uri)'] }],
    },
    {
      name: '$uri in a rewrite redirect: variables are not escaped, only captures',
      tree: { 'a.conf': 'server {\n    rewrite /wp-admin$ $scheme://$host$uri/ permanent;\n}\n' },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 2, column: 39, endColumn: 43 } }],
    },
    {
      name: 'a set variable from $document_uri sent upstream, from an included snippet',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n    server {\n        location / {\n            include snippets/proxy.conf;\n            proxy_pass http://app;\n        }\n    }\n}\n',
        'snippets/proxy.conf': 'set $orig $document_uri;\nproxy_set_header X-Original-URI $orig;\n',
      },
      findings: [{ messageId: 'lineBreak', primary: { file: 'snippets/proxy.conf', line: 2, column: 33, endColumn: 38 } }],
    },
    {
      name: 'a capture of the path in the upstream request line, and a named capture in a rewrite redirect: two findings',
      tree: {
        'a.conf':
          'server {\n  location ~ ^/api/(\\s*[^/]*)/ {\n    proxy_pass http://backend/v2/$1;\n  }\n  location /b/ {\n    rewrite ^/b/(?<rest>[^/]+)$ https://example.com/$rest redirect;\n  }\n}\n',
      },
      findings: [
        { messageId: 'lineBreak', primary: { file: 'a.conf', line: 3, column: 34, endColumn: 36 }, messageIncludes: ['request line sent upstream'] },
        { messageId: 'lineBreak', primary: { file: 'a.conf', line: 6, column: 53, endColumn: 58 } },
      ],
    },
    {
      name: 'a return with only a URL is a 302 too',
      tree: { 'a.conf': site('/', 'return https://example.com$document_uri;') },
      findings: [{ messageId: 'lineBreak', primary: { file: 'a.conf', line: 3, column: 35, endColumn: 48 } }],
    },
    {
      name: '`.` matches a bare CR: reported at info',
      tree: { 'a.conf': site('~ ^/go/(.*)$', 'return 302 https://example.com/$1;') },
      findings: [{ messageId: 'carriageReturn', severity: 'info', primary: { file: 'a.conf', line: 3, column: 40, endColumn: 42 } }],
    },
  ],
});
