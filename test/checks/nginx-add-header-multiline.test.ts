import { rule } from '../../checks/nginx-add-header-multiline';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const site = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', '    listen 80;', ...body, '}') });

testRule(rule, {
  accept: [
    {
      name: 'a long header on one line',
      tree: site("    add_header Content-Security-Policy \"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'\";"),
    },
    { name: 'the directive spread over lines, each value on one', tree: site('    add_header', '        X-Frame-Options', '        DENY;') },
    {
      name: 'a CSP assembled with set',
      tree: site('    set $csp "default-src \'self\'; ";', '    set $csp "${csp}img-src \'self\'";', '    add_header Content-Security-Policy $csp;'),
    },
    { name: 'more_set_headers on one line', tree: site('    more_set_headers "X-Frame-Options: DENY" "X-Content-Type-Options: nosniff";') },
    { name: 'a multi-line value in another directive', tree: site('    return 200 "line one', 'line two";') },
  ],
  reject: [
    {
      name: 'a CSP written over three lines',
      tree: site("    add_header Content-Security-Policy \"default-src 'self';", "        script-src 'self';", '        img-src *";'),
      findings: [
        {
          messageId: 'multiline',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 3, column: 40, endLine: 5, endColumn: 19 },
          messageIncludes: ['"add_header Content-Security-Policy"'],
        },
      ],
    },
    {
      name: 'an escaped newline is a line break too',
      tree: site('    add_header X-Note "a\\nb";'),
      findings: [{ messageId: 'multiline', primary: { file: 'conf.d/site.conf', line: 3, column: 23, endColumn: 29 } }],
    },
    {
      name: 'more_set_headers with a folded value',
      tree: site('    more_set_headers -s 200 "Permissions-Policy: camera=(),', '      microphone=()";'),
      findings: [
        { messageId: 'multiline', primary: { file: 'conf.d/site.conf', line: 3, column: 29 }, messageIncludes: ['"more_set_headers Permissions-Policy"'] },
      ],
    },
    {
      name: 'in an included file',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include headers.conf;', '}'),
        'headers.conf': lines("add_header Feature-Policy 'camera none;", " microphone none';"),
      },
      findings: [{ messageId: 'multiline', primary: { file: 'headers.conf', line: 1, column: 27 } }],
    },
    {
      name: 'two headers, two findings',
      tree: site('    add_header A "x', 'y";', '    add_trailer B "1', '2";'),
      findings: [
        { messageId: 'multiline', primary: { file: 'conf.d/site.conf', line: 3, column: 18 } },
        { messageId: 'multiline', primary: { file: 'conf.d/site.conf', line: 5, column: 19 }, messageIncludes: ['"add_trailer B"'] },
      ],
    },
  ],
});
