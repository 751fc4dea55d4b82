import { rule } from '../../checks/nginx-unsafe-capture';
import { testRule } from '../harness';

/** A location whose body starts on line 3, column 9. */
const site = (body: string, before = '') => `${before}server {\n    location / {\n        ${body}\n    }\n}\n`;
const RIFT = 'rewrite ^/p/(\\d+)$ /item?id=$1;\n        set $item $1;';
const LANG_MAP = 'map $http_accept_language $lang {\n    default en;\n    ~^(de|fr) $1;\n}\n';

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
