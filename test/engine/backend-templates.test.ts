/**
 * Templates of uWSGI and Tomcat files, read by their own readers with the tags masked
 * (src/engine/run.ts, withMaskedTemplates): a placeholder is a value the reader cannot know, what
 * the template writes literally is judged at the template's line, and a template the reader still
 * cannot parse is one template-unreadable note. Lines and columns are counted by hand.
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { lintSync } from '../../src/engine/run';
import type { Finding } from '../../src/engine/findings';

const lint = (tree: MemoryTree) => lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
const describeFindings = (findings: Finding[]) =>
  findings.map((f) => `${f.ruleId} ${f.severity} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);

describe('uWSGI templates', () => {
  const ini = '[uwsgi]\nsocket = 127.0.0.1:8000\nprocesses = ${UWSGI_PROCESSES}\nthreads = ${UWSGI_THREADS:-4}\nchdir = /srv/{{ project }}\n';

  test('an envsubst placeholder is unknown, not the 0 that atoi would read in it', () => {
    const result = lint({ 'uwsgi/app.template.conf': ini });
    expect(result.report.files).toEqual(['uwsgi/app.template.conf']);
    expect(describeFindings(result.report.findings)).toEqual([]);
  });

  test('the backend is still linked: an nginx pass to another port is unreachable', () => {
    const result = lint({
      'uwsgi/app.ini.j2': '[uwsgi]\nsocket = 127.0.0.1:8000\nprocesses = {{ workers }}\n',
      'nginx/conf.d/app.conf': 'server {\n    listen 80;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass 127.0.0.1:9000;\n    }\n}\n',
    });
    expect(result.report.files).toContain('uwsgi/app.ini.j2');
    // uwsgi_pass is on line 5; its argument starts at column 20.
    expect(describeFindings(result.report.findings.filter((f) => f.ruleId === 'upstream-unreachable'))).toEqual([
      'upstream-unreachable warning nginx/conf.d/app.conf:5:20',
    ]);
  });

  test('code frames show the template as written', () => {
    expect(lint({ 'uwsgi/app.template.conf': ini }).readSource('uwsgi/app.template.conf')).toBe(ini);
  });
});

describe('Tomcat templates', () => {
  const serverXml = [
    '<!-- {{ ansible_managed }} -->', //                                         1
    '<Server port="8005" shutdown="SHUTDOWN">', //                              2
    '  <Service name="Catalina">', //                                           3
    '    <Connector port="{{ http_port }}" protocol="HTTP/1.1" connectionTimeout="{{ timeout }}"/>', // 4
    '    <Connector port="8009" protocol="AJP/1.3" redirectPort="8443" />', //  5: protocol value at column 28
    '    <Engine name="Catalina" defaultHost="localhost"/>',
    '  </Service>',
    '</Server>',
    '',
  ].join('\n');

  test("a literal AJP connector without a secret is reported at the template's line; placeholders are not judged", () => {
    const result = lint({ 'roles/tomcat/templates/server.xml': serverXml });
    expect(result.report.files).toEqual(['roles/tomcat/templates/server.xml']);
    // No Tomcat release in the tree: a warning (older releases start the connector).
    expect(describeFindings(result.report.findings)).toEqual(['tomcat-ajp-secret warning roles/tomcat/templates/server.xml:5:38']);
  });

  test('a template whose branches together are not well-formed XML is one template-unreadable note', () => {
    const findings = lint({
      'templates/tomcat/server.xml.tmpl': [
        '<Server port="8005">', //                                                        1
        '  <Service name="Catalina">', //                                                 2
        '    <Connector port="8080" {% if relaxed %}relaxedQueryChars="[]"{% else %}relaxedQueryChars="|"{% endif %}/>', // 3
        '  </Service>',
        '</Server>',
        '',
      ].join('\n'),
    }).report.findings;
    expect(describeFindings(findings)).toHaveLength(1);
    expect(findings[0].ruleId).toBe('template-unreadable');
    expect(findings[0].severity).toBe('info');
    expect(findings[0].primary.start.line).toBe(3);
    expect(findings[0].message).toContain('Jinja2 template that does not read as tomcat');
  });
});
