import { rule } from '../../checks/nginx-add-header-content-type';
import { testRule } from '../harness';
import { lintDiskTree } from '../disk-tree';

const lines = (...text: string[]) => text.join('\n') + '\n';
const site = (...body: string[]) => ({ 'conf.d/site.conf': lines('server {', '    listen 80;', ...body, '}') });

testRule(rule, {
  accept: [
    {
      name: 'default_type sets the type',
      tree: site('    location = /config.json {', '        default_type application/json;', '        return 200 "{}";', '    }'),
    },
    { name: 'other headers', tree: site('    add_header X-Content-Type-Options nosniff;', '    add_header Content-Disposition attachment;') },
    { name: 'more_set_headers replaces the type', tree: site('    location / { more_set_headers "Content-Type: text/plain"; }') },
    {
      name: 'the upstream type is hidden first',
      tree: site(
        '    location /api/ {',
        '        proxy_hide_header Content-Type;',
        '        add_header Content-Type application/json;',
        '        proxy_pass http://127.0.0.1:8000;',
        '    }',
      ),
    },
    {
      name: 'hidden at server level, added in the location',
      tree: site(
        '    proxy_hide_header content-type;',
        '    location /api/ {',
        '        add_header Content-Type text/plain;',
        '        proxy_pass http://127.0.0.1:8000;',
        '    }',
      ),
    },
    { name: 'an empty value adds nothing', tree: site('    add_header Content-Type "";') },
    {
      // nginx 1.22.1 answered this OPTIONS request with one "Content-Type: text/plain; charset=utf-8".
      name: 'a CORS preflight answered with 204 in an if: nginx sends no type of its own',
      tree: site(
        '    location /api/ {',
        "        if ($request_method = 'OPTIONS') {",
        "            add_header 'Access-Control-Allow-Origin' '*';",
        "            add_header 'Content-Type' 'text/plain; charset=utf-8';",
        "            add_header 'Content-Length' 0;",
        '            return 204;',
        '        }',
        '        proxy_pass http://127.0.0.1:8000;',
        '    }',
      ),
    },
    { name: 'an exact location that answers 204', tree: site('    location = /ping { add_header Content-Type text/plain; return 204; }') },
  ],
  reject: [
    {
      name: 'a JSON answer typed with add_header',
      tree: site('    location = /.well-known/matrix/client {', '        add_header Content-Type application/json;', '        return 200 "{}";', '    }'),
      findings: [
        {
          messageId: 'secondContentType',
          severity: 'warning',
          primary: { file: 'conf.d/site.conf', line: 4, column: 20, endLine: 4, endColumn: 32 },
          messageIncludes: ['application/json'],
        },
      ],
    },
    {
      name: 'lower case and quoted',
      tree: site('    location /feed { add_header "content-type" \'application/rss+xml\'; }'),
      findings: [{ messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 3, column: 33, endColumn: 47 } }],
    },
    {
      name: 'from an included file at http level',
      tree: {
        'nginx.conf': lines('events {}', 'http {', '    include text.conf;', '    server { listen 80; }', '}'),
        'text.conf': lines('add_header Content-Type text/plain;'),
      },
      findings: [{ messageId: 'secondContentType', primary: { file: 'text.conf', line: 1, column: 12 } }],
    },
    {
      name: 'a proxied location that does not hide the upstream type',
      tree: site('    location /api/ {', '        add_header Content-Type application/json always;', '        proxy_pass http://127.0.0.1:8000;', '    }'),
      findings: [{ messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 4, column: 20 } }],
    },
    {
      name: 'the location adds the type and only its if answers 204: the proxied answer has two',
      tree: site(
        '    location /api/ {',
        '        add_header Content-Type application/json;',
        "        if ($request_method = 'OPTIONS') { return 204; }",
        '        proxy_pass http://127.0.0.1:8000;',
        '    }',
      ),
      findings: [{ messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 4, column: 20 } }],
    },
    {
      name: 'a 204 after a rewrite that may send the request elsewhere',
      tree: site('    location /old { add_header Content-Type text/plain; rewrite ^ /new last; return 204; }'),
      findings: [{ messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 3, column: 32 } }],
    },
    {
      name: 'two locations, two findings',
      tree: site('    location /a { add_header Content-Type text/plain; }', '    location /b {', '\tadd_header Content-Type text/csv;', '    }'),
      findings: [
        { messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 3, column: 30 } },
        { messageId: 'secondContentType', primary: { file: 'conf.d/site.conf', line: 5, column: 13 } },
      ],
    },
  ],
});

/**
 * Trees on disk, read by the real engine. For `return 200 text`, nginx types the answer itself
 * (ngx_http_send_response → ngx_http_set_content_type): by the URI's extension if `types` lists
 * it, else default_type, which is text/plain when nothing sets it. nginx 1.22.1 answered
 * `location / { add_header Content-Type text/plain; return 200 'ok'; }` with two
 * "Content-Type: text/plain" for /, and "text/html" then "text/plain" for /a.html.
 */
describe('nginx-add-header-content-type: the type nginx sends for a return', () => {
  const main = (...http: string[]) => ({ 'nginx/nginx.conf': lines('events {}', 'http {', ...http, '}') });
  const server = (...body: string[]) => main('  server {', '    listen 443;', ...body, '  }');
  const verdicts = (tree: Record<string, string>) =>
    lintDiskTree(tree)
      .filter((finding) => finding.ruleId === rule.id)
      .map((finding) => `${finding.severity} ${finding.messageId} ${finding.primary.file}:${finding.primary.start.line}`);

  it("the tester's repro (getsentry/self-hosted custom-ca-roots): text/plain added to return 200 'ok' at the default default_type is an info", () => {
    const location = ['    location / {', '      add_header Content-Type text/plain;', "      return 200 'ok';", '    }'];
    const tree = main('  server {', '    listen 443;', ...location, '  }', '  server {', '    listen 443;', ...location, '  }');
    expect(verdicts(tree)).toEqual(['info sameContentType nginx/nginx.conf:6', 'info sameContentType nginx/nginx.conf:13']);
    const [finding] = lintDiskTree(tree).filter((f) => f.ruleId === rule.id);
    expect(finding.message).toContain('(text/plain, from default_type); for a URI whose extension types lists');
  });

  it('default_type written at http level, an exact location and a body from the request: an info (no URI it answers has an extension)', () => {
    const tree = main(
      '  default_type application/json;',
      '  server {',
      '    location = /echo {',
      '      add_header Content-Type Application/JSON;',
      '      return 200 $arg_q;',
      '    }',
      '  }',
    );
    expect(verdicts(tree)).toEqual(['info sameContentType nginx/nginx.conf:6']);
    expect(lintDiskTree(tree).find((f) => f.ruleId === rule.id)!.message).not.toContain('for a URI whose extension');
  });

  it('application/json added where default_type is text/plain stays a warning', () => {
    expect(verdicts(server('    location = /health {', '      add_header Content-Type application/json;', "      return 200 '{}';", '    }'))).toEqual([
      'warning secondContentType nginx/nginx.conf:6',
    ]);
  });

  it("text/plain added where the stock http block's application/octet-stream is the default_type stays a warning", () => {
    const tree = main(
      '  default_type application/octet-stream;',
      '  server {',
      '    location / {',
      '      add_header Content-Type text/plain;',
      "      return 200 'ok';",
      '    }',
      '  }',
    );
    expect(verdicts(tree)).toEqual(['warning secondContentType nginx/nginx.conf:6']);
  });

  it('a static location stays a warning: nginx types each file by its extension', () => {
    expect(verdicts(server('    location /files/ {', '      root /srv;', '      add_header Content-Type text/plain;', '    }'))).toEqual([
      'warning secondContentType nginx/nginx.conf:7',
    ]);
  });

  it('a prefix location that returns a body from the request stays a warning: /a.html gets text/html next to it', () => {
    expect(verdicts(server('    location / {', '      add_header Content-Type text/plain;', '      return 200 $arg_q;', '    }'))).toEqual([
      'warning secondContentType nginx/nginx.conf:6',
    ]);
  });

  it('charset on stays a warning: nginx sends "text/plain; charset=utf-8" next to "text/plain"', () => {
    expect(
      verdicts(server('    charset utf-8;', '    location = /ok {', '      add_header Content-Type text/plain;', "      return 200 'ok';", '    }')),
    ).toEqual(['warning secondContentType nginx/nginx.conf:7']);
  });

  it('an if in the location stays a warning: the request may be answered by what the if holds', () => {
    const tree = server(
      '    location = /ok {',
      '      add_header Content-Type text/plain;',
      '      if ($arg_x) { proxy_pass http://127.0.0.1:8000; }',
      "      return 200 'ok';",
      '    }',
    );
    expect(verdicts(tree)).toEqual(['warning secondContentType nginx/nginx.conf:6']);
  });

  it('a conf.d snippet read on its own stays a warning: default_type is set in an nginx.conf the tree does not show', () => {
    const tree = {
      'conf.d/site.conf': lines(
        'server {',
        '    listen 80;',
        '    location = /ok {',
        '        add_header Content-Type text/plain;',
        "        return 200 'ok';",
        '    }',
        '}',
      ),
    };
    expect(verdicts(tree)).toEqual(['warning secondContentType conf.d/site.conf:4']);
  });
});
