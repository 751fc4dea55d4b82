import { rule } from '../../checks/nginx-alias-traversal';
import { testRule } from '../harness';

/** One location on line 2 (its path at column 14), alias on line 3 (its argument at column 15). */
const site = (location: string, alias: string) => `server {\n    location ${location} {\n        alias ${alias};\n    }\n}\n`;

testRule(rule, {
  accept: [
    { name: 'both end with a slash', tree: { 'a.conf': site('/img/', '/data/w/') } },
    { name: 'neither ends with a slash', tree: { 'a.conf': site('/img', '/data/w') } },
    { name: 'an exact-match location serves one URI', tree: { 'a.conf': site('= /favicon', '/data/w/favicon.ico/') } },
    { name: 'a regex location with a capture', tree: { 'a.conf': site('~ ^/img/(.+\\.png)$', '/data/w/$1') } },
    { name: '^~ with both slashes', tree: { 'a.conf': site('^~ /static/', '/srv/static/') } },
    { name: 'root instead of alias', tree: { 'a.conf': 'server {\n    location /img {\n        root /data/w/;\n    }\n}\n' } },
    {
      name: 'suppressed with a reason',
      tree: {
        'a.conf':
          'server {\n    # cfglint-disable-next-line nginx-alias-traversal -- /data holds only public files\n    location /img {\n        alias /data/w/;\n    }\n}\n',
      },
    },
  ],
  reject: [
    {
      // LibrePhotos/librephotos-docker: /protected_media is served only through the backend's X-Accel-Redirect.
      name: 'an internal location: clients get 404, so at most an info for the redirects the backend builds',
      tree: { 'a.conf': 'server {\n    location /protected_media {\n        internal;\n        alias /protected_media/;\n    }\n}\n' },
      findings: [
        { messageId: 'parentReadable', severity: 'info', primary: { file: 'a.conf', line: 2, column: 14 }, messageIncludes: ['the location is internal'] },
      ],
    },
    {
      name: 'prefix without slash, alias with one',
      tree: { 'a.conf': site('/img', '/data/w/') },
      findings: [
        {
          messageId: 'parentReadable',
          severity: 'error',
          primary: { file: 'a.conf', line: 2, column: 14, endColumn: 18 },
          related: [{ file: 'a.conf', line: 3, column: 15, label: 'the alias ends with a slash' }],
          messageIncludes: ['"/img../" reads "/data/"'],
        },
      ],
    },
    {
      name: '^~ prefix, quoted',
      tree: { 'a.conf': site('^~ "/static"', '"/srv/app/static/"') },
      findings: [{ messageId: 'parentReadable', primary: { file: 'a.conf', line: 2, column: 17, endColumn: 26 }, messageIncludes: ['reads "/srv/app/"'] }],
    },
    {
      name: 'nested in another location, alias from an include',
      tree: {
        'nginx.conf':
          'events {}\nhttp {\n  server {\n    location /app/ {\n      location /app/files {\n        include snippets/files.conf;\n      }\n    }\n  }\n}\n',
        'snippets/files.conf': 'alias /var/lib/app/files/;\n',
      },
      findings: [
        { messageId: 'parentReadable', primary: { file: 'nginx.conf', line: 5, column: 16 }, related: [{ file: 'snippets/files.conf', line: 1, column: 7 }] },
      ],
    },
    {
      name: 'an alias with a variable still ends with a slash',
      tree: { 'a.conf': 'server {\n    set $base /srv;\n    location /docs {\n        alias $base/docs/;\n    }\n}\n' },
      findings: [{ messageId: 'parentReadable', primary: { file: 'a.conf', line: 3, column: 14 } }],
    },
    {
      name: 'two locations in one server: two findings',
      tree: { 'a.conf': 'server {\n  location /media { alias /app/media/; }\n  location /static { alias /app/static/; }\n}\n' },
      findings: [
        { messageId: 'parentReadable', primary: { file: 'a.conf', line: 2, column: 12 } },
        { messageId: 'parentReadable', primary: { file: 'a.conf', line: 3, column: 12 } },
      ],
    },
  ],
});
