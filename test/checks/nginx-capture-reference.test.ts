import { rule } from '../../checks/nginx-capture-reference';
import { testRule } from '../harness';

/** One location; the body is on line 3 at column 9. */
const site = (location: string, body: string) => `server {\n    location ${location} {\n        ${body}\n    }\n}\n`;

testRule(rule, {
  accept: [
    { name: 'every reference has its group', tree: { 'a.conf': site('~ ^/(a)/(b)$', 'return 302 /$2/$1;') } },
    { name: 'named groups are numbered too', tree: { 'a.conf': site('~ ^/(?<kind>a)/(b)$', 'return 302 /$2/$1;') } },
    { name: 'a regex without groups and no reference', tree: { 'a.conf': site('~ \\.php$', 'return 302 /index.php;') } },
    { name: 'an if with a regex of its own', tree: { 'a.conf': site('~ ^/(a)$', 'if ($http_x ~ ^(\\w+)-(\\w+)$) { return 302 /$2; }') } },
    { name: 'a prefix location: the captures come from elsewhere', tree: { 'a.conf': site('/', 'return 302 /$3;') } },
    { name: '$10 is $1 then "0"', tree: { 'a.conf': site('~ ^/(a)$', 'return 302 /$10;') } },
    { name: 'a branch reset is not counted', tree: { 'a.conf': site('~ ^/(?|(a)|(b))(c)$', 'return 302 /$2;') } },
    {
      name: 'suppressed with a reason',
      tree: { 'a.conf': site('~ ^/(a)$', '# cfglint-disable-next-line nginx-capture-reference -- kept empty on purpose\n        return 302 /$2;') },
    },
  ],
  reject: [
    // ngx_http_regex_exec sets r->ncaptures from every match (rc * 2: 0 or 2 without groups), so a
    // regex without groups leaves no $N to copy, whatever matched before it.
    {
      name: "a rewrite regex without groups empties the location's captures",
      tree: { 'a.conf': site('~ ^/(a)/(b)$', 'rewrite ^ /x/$2 break;') },
      findings: [{ messageId: 'missingGroup', primary: { file: 'a.conf', line: 3, column: 22, endColumn: 24 }, messageIncludes: ['has 0 groups'] }],
    },
    {
      name: 'a location regex without groups: $1 is empty',
      tree: { 'a.conf': site('~ \\.php$', 'fastcgi_param PATH_INFO $1;') },
      findings: [{ messageId: 'missingGroup', primary: { file: 'a.conf', line: 3, column: 33, endColumn: 35 }, messageIncludes: ['has 0 groups'] }],
    },
    {
      name: 'one group, $2 used',
      tree: { 'a.conf': site('~ ^/img/(.*)$', 'return 301 /media/$2;') },
      findings: [
        {
          messageId: 'missingGroup',
          severity: 'warning',
          primary: { file: 'a.conf', line: 3, column: 27, endColumn: 29 },
          related: [{ file: 'a.conf', line: 2, column: 16, label: 'the regex in force' }],
          messageIncludes: ['has 1 group'],
        },
      ],
    },
    {
      name: 'a rewrite counts its own regex',
      tree: { 'a.conf': site('/', 'rewrite ^/u/(\\d+)/(\\w+)$ /user?id=$1&tab=$3 last;') },
      findings: [{ messageId: 'missingGroup', primary: { file: 'a.conf', line: 3, column: 50, endColumn: 52 }, messageIncludes: ['has 2 groups'] }],
    },
    {
      name: 'inside an if with parentheses standing apart, from an include',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n  server {\n    location / {\n      include snippets/r.conf;\n    }\n  }\n}\n',
        'snippets/r.conf': 'if ( $http_referer ~ ^https://(old)\\.example ) {\n    set $from "${2}";\n}\n',
      },
      findings: [{ messageId: 'missingGroup', primary: { file: 'snippets/r.conf', line: 2, column: 16, endColumn: 20 } }],
    },
    {
      name: "a map value beyond its entry's groups",
      tree: { 'a.conf': 'map $uri $section {\n    default "";\n    ~^/(docs|blog)/ $2;\n}\n' },
      findings: [{ messageId: 'missingGroup', primary: { file: 'a.conf', line: 3, column: 21, endColumn: 23 } }],
    },
    {
      name: 'server_name regex and a location: two findings',
      tree: {
        'a.conf':
          'server {\n    server_name ~^(www)\\.(.+)$;\n    location / {\n        return 301 https://$2/$3;\n    }\n    location ~ ^/a/(x)$ {\n        proxy_pass http://app/$4;\n    }\n}\n',
      },
      findings: [
        { messageId: 'missingGroup', primary: { file: 'a.conf', line: 4, column: 31 } },
        { messageId: 'missingGroup', primary: { file: 'a.conf', line: 7, column: 31 } },
      ],
    },
  ],
});
