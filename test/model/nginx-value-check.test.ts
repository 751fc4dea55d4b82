/**
 * invalid-value: values nginx refuses at start-up, with nginx's own wording (each message was
 * produced with `nginx -t`, Debian nginx 1.22.1) and the argument's position.
 */
import { lintTree } from '../harness';

const invalidValues = (tree: Record<string, string>, nginxVersion?: string) =>
  lintTree({ name: 'values', tree, nginxVersion }).filter((f) => f.ruleId === 'invalid-value');

describe('invalid-value', () => {
  test('time, size, number and enum values, each at its argument', () => {
    const findings = invalidValues({
      'app.conf': [
        'server {',
        '    proxy_read_timeout 1.5s;',
        '    client_max_body_size 10mb;',
        '    keepalive_requests 1k;',
        '    proxy_http_version 3;',
        '    proxy_connect_timeout "1m 30s";',
        '    proxy_buffer_size $size;',
        '}',
      ].join('\n'),
    });
    expect(findings.map((f) => [f.primary.start.line, f.primary.start.column, f.primary.end.column, f.severity])).toEqual([
      [2, 24, 28, 'error'],
      [3, 26, 30, 'error'],
      [4, 24, 26, 'error'],
      [5, 24, 25, 'error'],
    ]);
    expect(findings[0].help).toContain('("proxy_read_timeout" directive invalid value)');
    expect(findings[1].help).toContain('("client_max_body_size" directive invalid value)');
    expect(findings[2].help).toContain('("keepalive_requests" directive invalid number)');
    expect(findings[3].help).toContain('(invalid value "3")');
  });

  test('keepalive 0 is an error before 1.29.7 and fine after; a warning while the version is unknown', () => {
    const tree = { 'app.conf': 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 0;\n}\n' };
    const old = invalidValues(tree, '1.22.1');
    expect(old).toHaveLength(1);
    expect(old[0].severity).toBe('error');
    expect(old[0].help).toContain('invalid value "0" in "keepalive" directive');
    expect(old[0].primary.start).toMatchObject({ line: 3, column: 15 });
    expect(invalidValues(tree, '1.29.7')).toEqual([]);
    const unknown = invalidValues(tree);
    expect(unknown).toHaveLength(1);
    expect(unknown[0].severity).toBe('warning');
    expect(unknown[0].message).toContain('on nginx ≤ 1.29.6');
  });

  test('proxy_http_version 2 is accepted since 1.29.4', () => {
    const tree = { 'app.conf': 'server {\n    proxy_http_version 2;\n}\n' };
    expect(invalidValues(tree, '1.22.1').map((f) => [f.message, f.help])).toEqual([
      ['Invalid value "2" in "proxy_http_version" on nginx 1.22.1', 'nginx refuses to start (invalid value "2"); it is accepted since 1.29.4'],
    ]);
    expect(invalidValues(tree, '1.29.4')).toEqual([]);
  });

  test('keepalive outside upstream{} is not the upstream directive and is not judged', () => {
    expect(invalidValues({ 'app.conf': 'server {\n    keepalive off;\n}\n' })).toEqual([]);
  });

  test('a directive named like an Object property (constructor, toString) is not a table entry', () => {
    // It used to find Object.prototype's members in the value table and crash the run.
    // Among enough nginx directives that the file reads as nginx (lookalike.ts), not as another server's.
    expect(
      invalidValues({
        'nginx.conf':
          'http {\n    constructor 1;\n    toString a;\n    __proto__ x;\n    server {\n        listen 80;\n        server_name a;\n        root /srv;\n        index index.html;\n    }\n}\n',
      }),
    ).toEqual([]);
  });
});
