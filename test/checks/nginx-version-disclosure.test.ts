import { rule } from '../../checks/nginx-version-disclosure';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const main = (...httpBody: string[]) => ({ 'nginx.conf': lines('events {}', 'http {', ...httpBody, '}') });

testRule(rule, {
  accept: [
    { name: 'server_tokens off', tree: main('    server_tokens off;', '    server { listen 80; }') },
    // The default is on, but nearly every stock tree would be reported: see the doc, "When it is fine".
    { name: 'not written: the default is not reported', tree: main('    server { listen 80; }') },
    { name: 'off in a server, nothing elsewhere', tree: { 'conf.d/site.conf': lines('server {', '    server_tokens off;', '}') } },
    { name: 'NGINX Plus custom string', tree: main('    server_tokens "";', '    server { listen 80; }') },
    { name: 'a value from a variable is not guessed', tree: main('    server_tokens $tokens;', '    server { listen 80; }') },
    {
      // ingress-nginx's nginx.tmpl writes it this way.
      name: 'a template chooses on or off',
      tree: { 'templates/nginx.conf.tmpl': lines('events {}', 'http {', '    server_tokens {{ if $cfg.ShowServerTokens }}on{{ else }}off{{ end }};', '}') },
    },
    {
      name: 'off in a server that answers by itself',
      tree: { 'conf.d/site.conf': lines('server {', '    server_tokens off;', '    location / { return 204; }', '}') },
    },
  ],
  reject: [
    {
      name: 'on at http level',
      tree: main('    server_tokens on;', '    server { listen 80; }'),
      findings: [
        {
          messageId: 'disclosed',
          severity: 'warning',
          primary: { file: 'nginx.conf', line: 3, column: 19, endLine: 3, endColumn: 21 },
          messageIncludes: ['"server_tokens on"'],
        },
      ],
    },
    {
      name: 'build in a server snippet',
      tree: { 'conf.d/site.conf': lines('server {', '    server_tokens build;', '}') },
      findings: [{ messageId: 'disclosed', primary: { file: 'conf.d/site.conf', line: 2, column: 19, endColumn: 24 } }],
    },
    {
      name: 'On in a location under an http-level off',
      tree: main('    server_tokens off;', '    server {', '        location /about {', '            server_tokens On;', '        }', '    }'),
      findings: [
        {
          messageId: 'reEnabled',
          primary: { file: 'nginx.conf', line: 6, column: 27 },
          related: [{ file: 'nginx.conf', line: 3, column: 5, label: 'turned off here' }],
          messageIncludes: ['"server_tokens On"', 'http level'],
        },
      ],
    },
    {
      name: 'quoted, in an included file',
      tree: { ...main('    include common.conf;', '    server { listen 80; }'), 'common.conf': lines('# shared', 'server_tokens "on";') },
      findings: [{ messageId: 'disclosed', primary: { file: 'common.conf', line: 2, column: 15, endColumn: 19 } }],
    },
    {
      name: 'two servers each turn it on',
      tree: { 'conf.d/a.conf': lines('server {', '  server_tokens on;', '}', 'server {', '\tserver_tokens build;', '}') },
      findings: [
        { messageId: 'disclosed', primary: { file: 'conf.d/a.conf', line: 2, column: 17 } },
        { messageId: 'disclosed', primary: { file: 'conf.d/a.conf', line: 5, column: 16 } },
      ],
    },
  ],
});
