import { rule } from '../../checks/nginx-unsafe-capture';
import { testRule } from '../harness';

/** A location whose body starts on line 3, column 9. */
const site = (body: string, before = '') => `${before}server {\n    location / {\n        ${body}\n    }\n}\n`;
const RIFT = 'rewrite ^/p/(\\d+)$ /item?id=$1;\n        set $item $1;';
const LANG_MAP = 'map $http_accept_language $lang {\n    default en;\n    ~^(de|fr) $1;\n}\n';
/** The fix's own example (nginx commit ca4f92a27): $2 lies inside $1, and a redirect escapes both. */
const POOLSLIP = 'rewrite ^/((.*))$ http://127.0.0.1:8080/$1$2 redirect;';

testRule(rule, {
  accept: [
    { name: 'patched stable release', nginxVersion: '1.30.1', tree: { 'a.conf': site(RIFT) } },
    { name: 'patched mainline release', nginxVersion: '1.31.0', tree: { 'a.conf': site(RIFT) } },
    {
      name: 'a rewrite with "?" and named captures after it',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/p/(?<id>\\d+)$ /item?id=$id;\n        set $item $id;') },
    },
    {
      name: 'the rewrite that uses "?" ends the script (last)',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/p/(\\d+)$ /item?id=$1 last;\n        set $item $1;') },
    },
    {
      name: 'captures before the rewrite with "?"',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('set $item $1;\n        rewrite ^/p/(\\d+)$ /item?id=$1;') },
    },
    { name: 'the map variable before the capture', nginxVersion: '1.30.3', tree: { 'a.conf': site('return 302 /$lang/$1;', LANG_MAP) } },
    {
      name: 'a map regex without captures leaves $1 alone',
      nginxVersion: '1.30.3',
      tree: { 'a.conf': site('return 302 /$1/$lang;', 'map $http_accept_language $lang {\n    default en;\n    ~^(?:de|fr) local;\n}\n') },
    },
    { name: 'map after capture on 1.30.4', nginxVersion: '1.30.4', tree: { 'a.conf': site('return 302 /$1/$lang;', LANG_MAP) } },
    { name: 'overlapping captures on the patched stable release', nginxVersion: '1.30.2', tree: { 'a.conf': site(POOLSLIP) } },
    { name: 'overlapping captures on the patched mainline release', nginxVersion: '1.31.1', tree: { 'a.conf': site(POOLSLIP) } },
    { name: 'one of the nested groups written once', nginxVersion: '1.28.0', tree: { 'a.conf': site('rewrite ^/((.*))$ http://127.0.0.1:8080/$1 redirect;') } },
    { name: 'groups in sequence match apart', nginxVersion: '1.28.0', tree: { 'a.conf': site('rewrite ^/(.*)/(.*)$ http://example.com/$1/$2 redirect;') } },
    {
      name: 'nested groups in an internal rewrite without "?" (last) are copied unescaped',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/((.*))$ /new/$1/$2 last;') },
    },
    {
      name: 'only one of the nested captures after "?"',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/((.*))$ /$1?from=$2 break;') },
    },
    {
      name: 'a trailing "?" only drops the arguments',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/((.*))$ /$1/$2?;') },
    },
    {
      name: 'named captures are variables, sized exactly',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/(?<all>(?<tail>.+))$ http://example.com/$all/$tail redirect;') },
    },
    {
      name: 'a redirect by $scheme holds a variable, sized exactly',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/((.*))$ $scheme://example.com/$1$2;') },
    },
    {
      name: 'a capture written twice makes nginx run the length codes',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/((.*))$ https://example.com/$1$2$1;') },
    },
    {
      name: 'nested groups of digits hold nothing nginx escapes',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/(p(\\d+))$ https://example.com/$1/$2;') },
    },
    {
      name: 'return with nested captures of the location regex',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': 'server {\n    location ~ ^/((.*))$ {\n        return 301 https://example.com/$1$2;\n    }\n}\n' },
    },
    {
      name: 'suppressed with a reason',
      nginxVersion: '1.28.0',
      tree: {
        'a.conf': site(
          'rewrite ^/p/(\\d+)$ /item?id=$1;\n        # cfglint-disable-next-line nginx-unsafe-capture -- distro package carries the fix\n        set $item $1;',
        ),
      },
    },
  ],
  reject: [
    {
      name: "the fix's own redirect example on the last affected stable release",
      nginxVersion: '1.30.1',
      tree: { 'a.conf': site(POOLSLIP) },
      findings: [
        {
          messageId: 'overlappingCaptures',
          severity: 'error',
          primary: { file: 'a.conf', line: 3, column: 51, endColumn: 53 },
          related: [{ file: 'a.conf', line: 3, column: 49, endColumn: 51, label: 'overlaps this capture' }],
          message:
            '"$1" and "$2" are overlapping groups of "^/((.*))$", both escaped for a redirect: heap overflow CVE-2026-9256, fixed in nginx 1.30.2 and 1.31.1',
        },
      ],
    },
    {
      name: 'both nested captures after "?" of an internal rewrite with last, on 1.31.0',
      nginxVersion: '1.31.0',
      tree: { 'a.conf': site('rewrite ^/((.*))$ /search?q=$1&raw=$2 last;') },
      findings: [
        {
          messageId: 'overlappingCaptures',
          severity: 'error',
          primary: { file: 'a.conf', line: 3, column: 44, endColumn: 46 },
          related: [{ file: 'a.conf', line: 3, column: 37 }],
          messageIncludes: ['both escaped after "?"'],
        },
      ],
    },
    {
      name: 'overlapping captures with the version unknown: a warning naming the releases',
      tree: { 'a.conf': site(POOLSLIP) },
      findings: [
        {
          messageId: 'overlappingCaptures',
          severity: 'warning',
          primary: { file: 'a.conf', line: 3, column: 51 },
          messageIncludes: ['(on nginx ≤ 1.30.1, nginx 1.31.0; set the nginx version to know)'],
        },
      ],
    },
    {
      name: 'named groups written by number, in an if of an included snippet',
      nginxVersion: '1.29.0',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n  server {\n    location / {\n      include snippets/old.conf;\n    }\n  }\n}\n',
        'snippets/old.conf': 'if ($arg_legacy) {\n    rewrite "^/(?<all>a/(?<tail>.+))$" "/v2?all=$1&tail=$2" break;\n}\n',
      },
      findings: [{ messageId: 'overlappingCaptures', primary: { file: 'snippets/old.conf', line: 2, column: 57, endColumn: 59 } }],
    },
    {
      name: 'a server-level permanent redirect writing a deep group before the outer one',
      nginxVersion: '1.26.3',
      tree: { 'a.conf': 'server {\n    rewrite ^/(old/((\\w+)/(.*)))$ /new/$4/$1 permanent;\n}\n' },
      findings: [
        {
          messageId: 'overlappingCaptures',
          primary: { file: 'a.conf', line: 2, column: 43, endColumn: 45 },
          related: [{ file: 'a.conf', line: 2, column: 40 }],
          messageIncludes: ['"$4" and "$1"'],
        },
      ],
    },
    {
      name: 'a group in a lookahead overlaps the group after it',
      nginxVersion: '1.24.0',
      tree: { 'a.conf': site('rewrite "^/(?=(.*))(.+)$" https://example.com/$1/$2;') },
      findings: [{ messageId: 'overlappingCaptures', primary: { file: 'a.conf', line: 3, column: 58, endColumn: 60 } }],
    },
    {
      name: 'overlapping captures after "?" and a set after that rewrite: two findings',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site('rewrite ^/((.+))$ /r?a=$1&b=$2;\n        set $item $1;') },
      findings: [
        { messageId: 'overlappingCaptures', primary: { file: 'a.conf', line: 3, column: 37, endColumn: 39 } },
        { messageId: 'afterArgsRewrite', primary: { file: 'a.conf', line: 4, column: 19 } },
      ],
    },
    {
      name: 'set after a rewrite with "?" on an affected release',
      nginxVersion: '1.28.0',
      tree: { 'a.conf': site(RIFT) },
      findings: [
        {
          messageId: 'afterArgsRewrite',
          severity: 'error',
          primary: { file: 'a.conf', line: 4, column: 19, endColumn: 21 },
          related: [{ file: 'a.conf', line: 3, column: 28, label: 'this replacement has "?"' }],
          messageIncludes: ['CVE-2026-42945'],
        },
      ],
    },
    {
      name: 'version unknown: a warning that says which releases',
      tree: { 'a.conf': site(RIFT) },
      findings: [{ messageId: 'afterArgsRewrite', severity: 'warning', primary: { file: 'a.conf', line: 4, column: 19 }, messageIncludes: ['nginx ≤ 1.30.0'] }],
    },
    {
      name: 'an if after the rewrite, from an included snippet',
      nginxVersion: '1.30.0',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n  server {\n    location / {\n      include snippets/legacy.conf;\n    }\n  }\n}\n',
        'snippets/legacy.conf': 'rewrite ^/old/(.*)$ /new?from=old;\nif ($1 = "x") {\n    return 404;\n}\n',
      },
      findings: [{ messageId: 'afterArgsRewrite', primary: { file: 'snippets/legacy.conf', line: 2, column: 5, endColumn: 7 } }],
    },
    {
      name: 'a set inside an if after the rewrite, with ${1}',
      nginxVersion: '1.29.2',
      tree: { 'a.conf': site('rewrite ^/a/(.+)$ /b?x=1;\n        if ($arg_y) { set $v "${1}z"; }') },
      findings: [{ messageId: 'afterArgsRewrite', primary: { file: 'a.conf', line: 4, column: 31, endColumn: 35 } }],
    },
    {
      name: 'map variable after a capture in one value, and a rift in another location: two findings',
      nginxVersion: '1.30.0',
      tree: {
        'a.conf': `${LANG_MAP}server {\n    location ~ ^/doc/(.*)$ {\n        return 302 "/$1/$lang";\n    }\n    location / {\n        ${RIFT}\n    }\n}\n`,
      },
      findings: [
        {
          messageId: 'mapAfterCapture',
          primary: { file: 'a.conf', line: 7, column: 25, endColumn: 30 },
          related: [{ file: 'a.conf', line: 3, column: 5 }],
          messageIncludes: ['CVE-2026-42533'],
        },
        { messageId: 'afterArgsRewrite', primary: { file: 'a.conf', line: 11, column: 19 } },
      ],
    },
  ],
});
