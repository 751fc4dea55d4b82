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

  test('read with the first branch alone when both together do not parse', () => {
    const findings = lint({ 'templates/site.conf.j2': site }).report.findings;
    expect(describeFindings(findings)).toEqual(['nginx-unknown-directive error templates/site.conf.j2:8:5']);
  });

  test('the same in Go text/template', () => {
    const findings = lint({
      'nginx.tmpl': site.replace('{% if tls %}', '{{ if .TLS }}').replace('{% else %}', '{{ else }}').replace('{% endif %}', '{{ end }}'),
    }).report.findings;
    expect(describeFindings(findings)).toEqual(['nginx-unknown-directive error nginx.tmpl:8:5']);
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
