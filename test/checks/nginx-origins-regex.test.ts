import { rule } from '../../checks/nginx-origins-regex';
import { lintTree, testRule } from '../harness';

/** An if on line 3; `cond` is written after `if (` at column 13. */
const check = (cond: string) => `server {\n    location / {\n        if (${cond}) {\n            return 403;\n        }\n    }\n}\n`;

/** More alternatives than the rule writes out one by one (32): the last host has a bare dot. */
const MANY = `^https://(${Array.from({ length: 40 }, (_, i) => `h${i}\\.example\\.com`).join('|')}|www.example\\.org)$`;

testRule(rule, {
  accept: [
    { name: 'escaped dots, anchored, https only', tree: { 'a.conf': check("$http_origin !~ '^https://(www\\.)?example\\.com$'") } },
    { name: 'subdomains and an optional port', tree: { 'a.conf': check("$http_origin ~* '^https://([a-z0-9-]+\\.)*example\\.com(:[0-9]+)?$'") } },
    { name: 'a referer ending the host with a slash', tree: { 'a.conf': check('$http_referer !~ "^https://example\\.com/"') } },
    { name: 'the last bare dot only allows a single label (exampleXcom)', tree: { 'a.conf': check("$http_origin !~ '^https://example.com$'") } },
    { name: 'another variable is not judged', tree: { 'a.conf': check('$host ~ ^www.example.com') } },
    { name: 'a dot inside a class is not a host', tree: { 'a.conf': check("$http_origin ~ '^https://[a-z.]+\\.example\\.org$'") } },
    { name: 'each alternative anchored on both sides', tree: { 'a.conf': check("$http_origin !~ '^https://example\\.com$|^https://foo\\.org$'") } },
    {
      name: 'an optional subdomain and a choice of domains, all escaped',
      tree: { 'a.conf': check("$http_origin !~ '^https://(www\\.)?example\\.(com|org)$'") },
    },
    { name: 'a choice of subdomains and an optional port', tree: { 'a.conf': check("$http_origin !~* '^https://(a|b)\\.example\\.com(:\\d+)?$'") } },
    {
      name: 'a non-capturing subdomain before a group of whole hosts',
      tree: { 'a.conf': check("$http_origin ~ '^https://(?:www\\.)?(example\\.com|example\\.org)$'") },
    },
    { name: 'a referer choosing subdomains, ended by a slash', tree: { 'a.conf': check('$http_referer !~ "^https://(a|b)\\.example\\.com/"') } },
    { name: 'a wildcard after letters anchored where no browser puts them', tree: { 'a.conf': check("$http_origin !~ '^[a-z]+metrika.*yandex\\.ru$'") } },
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
      name: 'a top-level alternative splits the anchors: the first branch has no end, the second no start',
      tree: { 'a.conf': check("$http_origin !~ '^https://(www\\.)?example\\.com|foo\\.org$'") },
      findings: [
        { messageId: 'openEnd', primary: { file: 'a.conf', line: 3, column: 40, endColumn: 59 }, messageIncludes: ['"https://www.example.com.evil.example"'] },
        { messageId: 'openStart', primary: { file: 'a.conf', line: 3, column: 60, endColumn: 68 }, messageIncludes: ['"https://evilfoo.org"'] },
      ],
    },
    {
      name: 'a choice of subdomains with nothing after the host: the example keeps a subdomain',
      tree: { 'a.conf': check('$http_origin ~* ^https?://(a|b)\\.example\\.com') },
      findings: [
        {
          messageId: 'openEnd',
          primary: { file: 'a.conf', line: 3, column: 40, endColumn: 58 },
          message: 'Nothing ends the host "a.example.com": $http_origin "https://a.example.com.evil.example" passes this check',
        },
      ],
    },
    {
      name: 'a bare dot after a choice of subdomains',
      tree: { 'a.conf': check("$http_origin !~ '^https://(www|api).example\\.com$'") },
      findings: [{ messageId: 'bareDot', primary: { file: 'a.conf', line: 3, column: 40, endColumn: 61 }, messageIncludes: ['"https://wwwxexample.com"'] }],
    },
    {
      name: 'a bare dot before a choice of top-level domains, in a caseless map',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    include cors.conf;\n    server { listen 80; }\n}\n',
        'cors.conf': 'map $http_origin $cors {\n    default "";\n    "~*^https://www.example\\.(com|org)$" $http_origin;\n}\n',
      },
      findings: [{ messageId: 'bareDot', primary: { file: 'cors.conf', line: 3, column: 17, endColumn: 34 }, messageIncludes: ['"https://wwwxexample.com"'] }],
    },
    {
      name: 'a referer alternation without ^: each branch matches anywhere in the URL, two findings',
      tree: { 'a.conf': check('$http_referer ~ "https://a\\.com/|https://b\\.com/"') },
      findings: [
        {
          messageId: 'openStart',
          primary: { file: 'a.conf', line: 3, column: 38, endColumn: 44 },
          messageIncludes: ['"https://evil.example/?https://a.com/"'],
        },
        {
          messageId: 'openStart',
          primary: { file: 'a.conf', line: 3, column: 54, endColumn: 60 },
          messageIncludes: ['"https://evil.example/?https://b.com/"'],
        },
      ],
    },
    {
      name: 'a wildcard after a required label: the example keeps the label',
      tree: { 'a.conf': check('$http_referer !~ "^https://[^/]+metrika.*yandex\\.ru/"') },
      findings: [
        {
          messageId: 'openStart',
          primary: { file: 'a.conf', line: 3, column: 54, endColumn: 64 },
          message: 'Nothing starts the host "yandex.ru": $http_referer "https://ametrikaevilyandex.ru/" passes this check',
        },
      ],
    },
    {
      name: 'more alternatives than are written out: judged as written',
      tree: { 'a.conf': `map $http_origin $ok {\n    default 0;\n    "~${MANY}" 1;\n}\n` },
      findings: [
        {
          messageId: 'bareDot',
          // The key's regex starts at column 7, after `"~`.
          primary: { file: 'a.conf', line: 3, column: 7 + MANY.indexOf('www.'), endColumn: 7 + MANY.indexOf(')$') },
          messageIncludes: ['"https://wwwxexample.org"'],
        },
      ],
    },
    {
      name: 'plain http in one alternative of a group',
      tree: { 'a.conf': check("$http_origin !~ '^(https://a\\.example\\.com|http://b\\.example\\.com)$'") },
      findings: [{ messageId: 'plainHttp', severity: 'info', primary: { file: 'a.conf', line: 3, column: 30 } }],
    },
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

describe('nginx-origins-regex examples', () => {
  // The host a message names must really pass the regex (JavaScript's engine agrees with PCRE on these shapes).
  const regexes: [string, string][] = [
    ['http_origin', '^https://(www\\.)?example\\.com|foo\\.org$'],
    ['http_origin', '^https?://(a|b)\\.example\\.com'],
    ['http_origin', '^https://(www|api).example\\.com$'],
    ['http_origin', '^https://www.example\\.(com|org)$'],
    ['http_origin', '^https://(example\\.com|foo\\.org)'],
    ['http_origin', '^https://.*example\\.net$'],
    ['http_referer', 'https://a\\.com/|https://b\\.com/'],
    ['http_referer', '^https://a\\.example\\.com/|b\\.example\\.com/'],
    ['http_referer', '^https?://([^/]+metrika.*yandex\\.(ru|ua|com|com\\.tr|by|kz)|([^/]+\\.)?webvisor\\.com)/'],
    ['http_origin', 'metrika.*yandex\\.ru$'],
    ['http_origin', '^https://[a-z0-9-]{3}\\..*example\\.com$'],
  ];
  test.each(regexes)('$%s ~ %s', (subject, regex) => {
    const tree = { 'a.conf': `map $${subject} $ok {\n    default 0;\n    "~${regex}" 1;\n}\n` };
    const findings = lintTree({ name: regex, tree }).filter((f) => f.ruleId === rule.id);
    expect(findings.length).toBeGreaterThan(0);
    for (const finding of findings) {
      const example = /"(https?:\/\/[^"]+)"/.exec(finding.message)?.[1];
      expect([example, example !== undefined && new RegExp(regex).test(example)]).toEqual([example, true]);
    }
  });
});
