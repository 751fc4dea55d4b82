/**
 * Templates of nginx files read tolerantly (src/readers/nginx/template.ts): what a template
 * writes literally is linted at the template's own line and column; what a tag writes is
 * unknown and judged by no rule; both branches of an `if` are read, and never counted as
 * duplicates of each other; a template that does not read is one info. Positions below are
 * counted by hand from the trees.
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { lintSync } from '../../../src/engine/run';
import type { Finding } from '../../../src/engine/findings';
import { lintDiskTree } from '../../disk-tree';

function lint(tree: MemoryTree) {
  return lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
}

const describeFindings = (findings: Finding[]) =>
  findings.map((f) => `${f.ruleId} ${f.severity} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);

describe("a real problem in a template is reported at the template's line", () => {
  const site = [
    'upstream app {', //                                     1
    '    server 127.0.0.1:{{ app_port }};', //              2
    '}', //                                                  3
    'server {', //                                           4
    '    listen {{ port }} {{ listen_options }};', //       5
    '{% if tls %}', //                                       6
    '    ssl_certificate {{ cert }};', //                   7
    '{% endif %}', //                                        8
    '    server_name {{ domain }}; keepalive_timeout 75x;', // 9: the value at column 49
    '    proxy_passs http://app;', //                        10: the name at column 5
    '}',
    '',
  ].join('\n');

  test('an invalid value and an unknown directive, and nothing about the tags', () => {
    const result = lint({ 'roles/web/templates/site.conf.j2': site });
    expect(result.report.files).toContain('roles/web/templates/site.conf.j2');
    expect(describeFindings(result.report.findings).sort()).toEqual([
      'invalid-value error roles/web/templates/site.conf.j2:9:49',
      'nginx-unknown-directive error roles/web/templates/site.conf.j2:10:5',
    ]);
  });

  test('code frames show the template as written', () => {
    const result = lint({ 'roles/web/templates/site.conf.j2': site });
    expect(result.readSource('roles/web/templates/site.conf.j2')).toBe(site);
  });

  test('an upstream no backend listens on is found through a template', () => {
    const result = lint({
      'deploy/nginx.conf.j2':
        'events {}\nhttp {\n    server {\n        listen {{ port }};\n        location / {\n            proxy_pass http://127.0.0.1:9000;\n        }\n    }\n}\n',
      'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
    });
    // `proxy_pass` is on line 6; its argument starts at column 24.
    expect(describeFindings(result.report.findings.filter((f) => f.ruleId === 'upstream-unreachable'))).toEqual([
      'upstream-unreachable warning deploy/nginx.conf.j2:6:24',
    ]);
  });
});

describe('what a tag writes is unknown', () => {
  test('arguments, flags, sizes and directive names written by tags are not judged', () => {
    const result = lint({
      'templates/app.conf.tmpl': [
        'server {',
        '    listen {{ .Port }} {{ .ListenOptions }};',
        '    gzip {{ .Gzip }};',
        '    client_max_body_size {{ .MaxBody }};',
        '    keepalive_timeout {{ .Keepalive }}s;',
        '    {{ .Directive }} on;',
        '    return {{ if .Permanent }}301{{ else }}302{{ end }} https://$host$request_uri;',
        '}',
        '',
      ].join('\n'),
    });
    expect(result.report.files).toEqual(['templates/app.conf.tmpl']);
    expect(describeFindings(result.report.findings)).toEqual([]);
  });

  test('the same directive in two branches of an if is not a duplicate; twice in one branch it is', () => {
    const findings = lint({
      'templates/app.conf.j2': [
        'server {', //                      1
        '{% if static %}', //               2
        '    root /srv/static;', //         3
        '{% else %}', //                    4
        '    root /srv/app;', //            5
        '    root /srv/other;', //          6: duplicate of line 5
        '{% endif %}',
        '}',
        '',
      ].join('\n'),
    }).report.findings;
    expect(describeFindings(findings)).toEqual(['nginx-duplicate-directive error templates/app.conf.j2:6:5']);
  });

  test("a module directive the template writes only on a condition is the rendering's to decide; a typo is reported either way", () => {
    const findings = lint({
      'templates/nginx/site-conf.j2': [
        'server {', //                                                      1
        '    location /static/ {', //                                       2
        '        {% if nginx_brotli_static_available | default(false) %}', // 3
        '        brotli_static on;', //                                     4: left to the condition
        '        proxy_passs http://app;', //                               5: a typo in any branch
        '        {% endif %}', //                                           6
        '    }', //                                                          7
        '    more_set_headers "Server: x";', //                              8: written unconditionally
        '}',
        '',
      ].join('\n'),
    }).report.findings;
    expect(describeFindings(findings).sort()).toEqual([
      'nginx-unknown-directive error templates/nginx/site-conf.j2:5:9',
      'nginx-unknown-directive warning templates/nginx/site-conf.j2:8:5',
    ]);
  });

  test('an envsubst template of the official nginx image reads, its variables unknown', () => {
    const result = lint({
      'templates/default.conf.template':
        'server {\n    listen ${NGINX_PORT};\n    proxy_read_timeout ${PROXY_TIMEOUT};\n    location / {\n        proxy_pass http://${BACKEND_HOST}:8000;\n    }\n}\n',
    });
    expect(result.report.files).toContain('templates/default.conf.template');
    expect(describeFindings(result.report.findings)).toEqual([]);
  });

  test('includes a template names are notes: its generator often writes them', () => {
    const findings = lint({ 'nginx.tmpl': 'server {\n    server_name {{ $host }};\n    include /etc/nginx/vhost.d/default;\n}\n' }).report.findings;
    expect(describeFindings(findings)).toEqual(['include-missing info nginx.tmpl:3:13']);
  });
});

describe('branches that each open a block', () => {
  const site = [
    '{% if tls %}', //                  1
    'server {', //                      2
    '    listen 443 ssl;', //           3
    '{% else %}', //                    4
    'server {', //                      5
    '    listen 80;', //                6
    '{% endif %}', //                   7
    '    proxy_passs http://app;', //   8: in the text after the branches, read once
    '}', //                             9
    '',
  ].join('\n');

  test('read with the first branch alone when both together do not parse, and the other branch is a note', () => {
    const findings = lint({ 'templates/site.conf.j2': site }).report.findings;
    expect(describeFindings(findings).sort()).toEqual([
      'nginx-unknown-directive error templates/site.conf.j2:8:5',
      'template-unreadable info templates/site.conf.j2:4:1', // the `{% else %}` whose branch is not read
    ]);
  });

  test('the same in Go text/template', () => {
    const findings = lint({
      'nginx.tmpl': site.replace('{% if tls %}', '{{ if .TLS }}').replace('{% else %}', '{{ else }}').replace('{% endif %}', '{{ end }}'),
    }).report.findings;
    expect(describeFindings(findings).sort()).toEqual(['nginx-unknown-directive error nginx.tmpl:8:5', 'template-unreadable info nginx.tmpl:4:1']);
  });
});

describe('only the ifs whose branches open or close a block keep their first branch alone, read from disk', () => {
  const describeDisk = (files: Record<string, string>) => describeFindings(lintDiskTree(files)).sort();
  /** An if/else whose branches each open the `location` that the text after them closes (Mailu's sso.php). */
  const ssoLocation = [
    '    {% if WEB_ROOT == "/" %}', //
    '    location /sso.php {',
    '    {% else %}',
    '    location {{ WEB_ROOT }}/sso.php {',
    '    {% endif %}',
    '      proxy_pass http://127.0.0.1:8080;',
    '    }',
  ];

  test('an unrelated if keeps its else branch: nginx renders it when the condition is false, so it is linted', () => {
    const nginx = [
      'events {}', //                                1
      'http {', //                                   2
      '  server {', //                               3
      '    listen 443 ssl;', //                      4
      '    ssl_certificate /certs/cert.pem;', //     5
      '    ssl_certificate_key /certs/key.pem;', //  6
      '    {% if TLS_ERROR %}', //                   7
      '    location / {', //                         8
      '      return 403;', //                        9
      '    }', //                                    10
      '    {% else %}', //                           11
      '    location /files/ {', //                   12
      '      autoindex on;', //                      13: `on` at column 17
      '      alias /srv/files/;', //                 14
      '    }', //                                    15
      '    ssl_protocols TLSv1 TLSv1.2;', //         16: `TLSv1` at column 19
      '    {% endif %}', //                          17
      ...ssoLocation, //                             18-24: the `{% else %}` on line 20, column 5
      '  }',
      '}',
      '',
    ].join('\n');
    const findings = lintDiskTree({ 'nginx.conf': nginx });
    expect(describeFindings(findings).sort()).toEqual([
      'nginx-autoindex info nginx.conf:13:17',
      'nginx-weak-tls warning nginx.conf:16:19',
      'template-unreadable info nginx.conf:20:5',
    ]);
    expect(findings.find((f) => f.ruleId === 'template-unreadable')!.message).toContain('each opens or closes a block');
  });

  test('an if inside a branch that sets its own later branches aside leaves that branch balanced (Mailu: inside an else)', () => {
    const nginx = [
      'server {', //                          1
      '    listen 80;', //                    2
      '    {% if TLS_ERROR %}', //            3
      '    location / {', //                  4
      '      return 403;', //                 5
      '    }', //                             6
      '    {% else %}', //                    7
      '    {% if WEBMAIL %}', //              8
      ...ssoLocation, //                      9-15: the inner `{% else %}` on line 11, column 5
      '    {% endif %}', //                   16
      '    location /files/ {', //            17
      '      autoindex on;', //               18: `on` at column 17
      '    }', //                             19
      '    {% endif %}', //                   20
      '}',
      '',
    ].join('\n');
    expect(describeDisk({ 'templates/site.conf.j2': nginx })).toEqual([
      'nginx-autoindex info templates/site.conf.j2:18:17',
      'template-unreadable info templates/site.conf.j2:11:5',
    ]);
  });

  test('when every if opens a block in each branch, each keeps its first branch and one note names the first one set aside', () => {
    const nginx = [
      '{% if TLS %}', //                      1
      'server {', //                          2
      '    listen 443 ssl;', //               3
      '{% else %}', //                        4: the note
      'server {', //                          5
      '    listen 80;', //                    6
      '    autoindex on;', //                 7: not read
      '{% endif %}', //                       8
      '{% if STATIC %}', //                   9
      '    location /static/ {', //           10
      '        autoindex on;', //             11: `on` at column 19
      '{% else %}', //                        12
      '    location /media/ {', //            13
      '        autoindex on;', //             14: not read
      '{% endif %}', //                       15
      '    }', //                             16
      '}', //                                 17
      '',
    ].join('\n');
    const findings = lintDiskTree({ 'templates/site.conf.j2': nginx });
    expect(describeFindings(findings).sort()).toEqual([
      'nginx-autoindex info templates/site.conf.j2:11:19',
      'template-unreadable info templates/site.conf.j2:4:1',
    ]);
    expect(findings.find((f) => f.ruleId === 'template-unreadable')!.message).toContain('(and 1 more)');
  });

  test('a block assignment ({% set x %}…{% endset %}) inside a branch neither closes the if nor is read as nginx', () => {
    const nginx = [
      'server {', //                                1
      '    listen 80;', //                          2
      '    {% if WEB_ROOT == "/" %}', //            3
      '    {% set prefix %}/{% endset %}', //       4: the body is the variable's, not nginx text
      '    {% set port = 8080 %}', //               5: an assignment, no block
      '    location /sso.php {', //                 6
      '    {% else %}', //                          7: set aside, as without the set
      '    location {{ WEB_ROOT }}/sso.php {', //   8
      '    {% endif %}', //                         9
      '      proxy_pass http://127.0.0.1:8080;',
      '    }',
      '    {% if LISTING %}', //                    12
      '    location /files/ {',
      '        autoindex on;', //                   14: `on` at column 19
      '    }',
      '    {% else %}', //                          16: balanced, read
      '    location /media/ {',
      '        autoindex on;', //                   18
      '    }',
      '    {% endif %}',
      '}',
      '',
    ].join('\n');
    expect(describeDisk({ 'templates/site.conf.j2': nginx })).toEqual([
      'nginx-autoindex info templates/site.conf.j2:14:19',
      'nginx-autoindex info templates/site.conf.j2:18:19',
      'template-unreadable info templates/site.conf.j2:7:5',
    ]);
  });

  test('a template whose branches each balance their blocks keeps every branch and has no note', () => {
    const nginx = [
      'server {', //                          1
      '    listen 80;', //                    2
      '    {% if STATIC %}', //               3
      '    location /static/ {', //           4
      '        autoindex on;', //             5: `on` at column 19
      '    }', //                             6
      '    {% else %}', //                    7
      '    location /media/ {', //            8
      '        autoindex on;', //             9: `on` at column 19
      '    }', //                             10
      '    {% endif %}', //                   11
      '}',
      '',
    ].join('\n');
    expect(describeDisk({ 'templates/site.conf.j2': nginx })).toEqual([
      'nginx-autoindex info templates/site.conf.j2:5:19',
      'nginx-autoindex info templates/site.conf.j2:9:19',
    ]);
  });

  test('branches that balance their blocks but not their quotes fall back to the first branch of every if, with the note', () => {
    const nginx = [
      'server {', //                                 1
      '    listen 80;', //                           2
      '    {% if A %}return 200 "a;{% else %}', //   3: the `{% else %}` at column 29
      '    return 200 "b;{% endif %}";', //          4: both kept, `"a;…return 200 "` is followed by `b`
      '    location /files/ {', //                   5
      '      autoindex on;', //                      6: `on` at column 17
      '    }', //                                    7
      '}',
      '',
    ].join('\n');
    const findings = lintDiskTree({ 'templates/site.conf.j2': nginx });
    expect(describeFindings(findings).sort()).toEqual([
      'nginx-autoindex info templates/site.conf.j2:6:17',
      'template-unreadable info templates/site.conf.j2:3:29',
    ]);
    expect(findings.find((f) => f.ruleId === 'template-unreadable')!.message).toContain('their text together is not nginx');
  });

  test('the same in Go text/template: {{ if }} … {{ else }} … {{ end }}', () => {
    const nginx = [
      'server {', //                                  1
      '    listen 80;', //                            2
      '    {{ if .TLSError }}', //                    3
      '    location / { return 403; }', //            4
      '    {{ else }}', //                            5
      '    location /files/ {', //                    6
      '      autoindex on;', //                       7: `on` at column 17
      '    }', //                                     8
      '    {{ end }}', //                             9
      '    {{ if eq .WebRoot "/" }}', //              10
      '    location /sso.php {', //                   11
      '    {{ else }}', //                            12: the note
      '    location {{ .WebRoot }}/sso.php {', //     13
      '    {{ end }}', //                             14
      '      proxy_pass http://127.0.0.1:8080;', //   15
      '    }', //                                     16
      '}',
      '',
    ].join('\n');
    expect(describeDisk({ 'templates/site.conf.tmpl': nginx })).toEqual([
      'nginx-autoindex info templates/site.conf.tmpl:7:17',
      'template-unreadable info templates/site.conf.tmpl:12:5',
    ]);
  });
});

describe('a template that does not read', () => {
  test('is one template-unreadable info at its first syntax error, and none of its directives is judged', () => {
    const findings = lint({
      'templates/site.conf.j2': [
        'server {', //                     1
        '    listen 80', //                2
        '{% if ssl %}', //                 3
        '    ssl on;', //                  4: `listen 80 ssl on;` once rendered either way
        '{% endif %}', //                  5
        '    proxy_passs http://app;', //  6: would be unknown, but the file is not judged
        '', //                             7: end of file, the server block still open
      ].join('\n'),
    }).report.findings;
    expect(describeFindings(findings)).toEqual(['template-unreadable info templates/site.conf.j2:7:1']);
    expect(findings[0].message).toContain('Jinja2 template');
  });
});

describe('a plain nginx file with many syntax errors', () => {
  test('shows three and one line that counts the rest', () => {
    const findings = lint({ 'conf.d/app.conf': 'server { listen 80; }\n}\n}\n}\n}\n}\n}\n' }).report.findings;
    expect(describeFindings(findings)).toEqual([
      'nginx-syntax error conf.d/app.conf:2:1',
      'nginx-syntax error conf.d/app.conf:3:1',
      'nginx-syntax error conf.d/app.conf:4:1',
      'nginx-syntax info conf.d/app.conf:5:1',
    ]);
    expect(findings[3].message).toMatch(/^3 more nginx-syntax problems in this file/);
  });
});
