import { rule } from '../../checks/nginx-origins-regex';
import { testRule } from '../harness';

/** An if on line 3; `cond` is written after `if (` at column 13. */
const check = (cond: string) => `server {\n    location / {\n        if (${cond}) {\n            return 403;\n        }\n    }\n}\n`;

testRule(rule, {
  accept: [
    { name: 'escaped dots, anchored, https only', tree: { 'a.conf': check("$http_origin !~ '^https://(www\\.)?example\\.com$'") } },
    { name: 'subdomains and an optional port', tree: { 'a.conf': check("$http_origin ~* '^https://([a-z0-9-]+\\.)*example\\.com(:[0-9]+)?$'") } },
    { name: 'a referer ending the host with a slash', tree: { 'a.conf': check('$http_referer !~ "^https://example\\.com/"') } },
    { name: 'the last bare dot only allows a single label (exampleXcom)', tree: { 'a.conf': check("$http_origin !~ '^https://example.com$'") } },
    { name: 'another variable is not judged', tree: { 'a.conf': check('$host ~ ^www.example.com') } },
    { name: 'a dot inside a class is not a host', tree: { 'a.conf': check("$http_origin ~ '^https://[a-z.]+\\.example\\.org$'") } },
    {
      name: 'suppressed with a reason',
      tree: {
        'a.conf':
          'server {\n    # cfglint-disable-next-line nginx-origins-regex -- the whole example.* zone is ours\n    if ($http_origin ~ ^https://example) { return 403; }\n}\n',
      },
    },
  ],
  reject: [
    {
      name: 'a bare dot before the domain',
      tree: { 'a.conf': check("$http_origin !~ '^https://www.example\\.com$'") },
      findings: [
        {
          messageId: 'bareDot',
          severity: 'warning',
          primary: { file: 'a.conf', line: 3, column: 39, endColumn: 55 },
          messageIncludes: ['"https://wwwxexample.com"'],
        },
      ],
    },
    {
      name: 'nothing ends the origin host',
      tree: { 'a.conf': check('$http_origin ~* ^https?://api\\.example\\.com') },
      findings: [{ messageId: 'openEnd', primary: { file: 'a.conf', line: 3, column: 39, endColumn: 56 }, messageIncludes: ['api.example.com.evil.example'] }],
    },
    {
      name: 'a referer without ^, and the parenthesis standing apart',
      tree: { 'a.conf': check('$http_referer !~ "https://example\\.com/" ') },
      findings: [{ messageId: 'openStart', primary: { file: 'a.conf', line: 3, column: 39, endColumn: 51 } }],
    },
    {
      name: 'a wildcard touching the domain, in a map from an include',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    include cors.conf;\n    server { listen 80; }\n}\n',
        'cors.conf': 'map $http_origin $cors {\n    default "";\n    "~^https://.*example\\.net$" $http_origin;\n}\n',
      },
      findings: [
        { messageId: 'openStart', primary: { file: 'cors.conf', line: 3, column: 18, endColumn: 30 }, messageIncludes: ['"https://evilexample.net"'] },
      ],
    },
    {
      name: 'the anchor binds the first alternative only, and http allowed elsewhere: two findings',
      tree: {
        'a.conf': 'map $http_referer $ok {\n    default 0;\n    ~^https://a\\.example\\.com/|b\\.example\\.com/ 1;\n    ~^https?://c\\.example\\.com/ 1;\n}\n',
      },
      findings: [
        { messageId: 'openStart', primary: { file: 'a.conf', line: 3, column: 32, endColumn: 47 } },
        { messageId: 'plainHttp', severity: 'info', primary: { file: 'a.conf', line: 4, column: 6 } },
      ],
    },
  ],
});
