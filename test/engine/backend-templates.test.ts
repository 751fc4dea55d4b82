/**
 * Templates of uWSGI and Tomcat files, read by their own readers with the tags masked
 * (src/engine/run.ts, withMaskedTemplates): a placeholder is a value the reader cannot know, what
 * the template writes literally is judged at the template's line, and a template the reader still
 * cannot parse is one template-unreadable note. Lines and columns are counted by hand.
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { lintSync } from '../../src/engine/run';
import type { Finding } from '../../src/engine/findings';
import { linkDeployment } from '../../src/model/links';
import { lintDiskTree, readDiskTree } from '../disk-tree';

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

describe('uWSGI templates with tags that write options (an include, a loop, a call alone on its line)', () => {
  // nginx admits up to 4 × 16k of request line and headers; uWSGI's buffer-size must hold them all
  // (docs/servers/uwsgi.md#buffer-size: 4096 by default), so any buffer-size below 65536 is flagged.
  const nginx = (pass: string) =>
    `events {}\nhttp {\n  server {\n    listen 80;\n    large_client_header_buffers 4 16k;\n    location / {\n      ${pass}\n    }\n  }\n}\n`;
  /** tutor's layout: the image's CMD runs /openedx/uwsgi.ini, which compose mounts from the template. */
  const tutor = (ini: string) => ({
    'docker-compose.yml':
      'services:\n  lms:\n    build: ./build\n    volumes:\n      - ./apps/uwsgi.ini:/openedx/uwsgi.ini:ro\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n',
    'build/Dockerfile': 'FROM python:3.12\nRUN pip install uwsgi\nCMD ["uwsgi", "/openedx/uwsgi.ini"]\n',
    'nginx.conf': nginx('proxy_pass http://lms:8000;'),
    'apps/uwsgi.ini': ini,
  });
  const headerFindings = (findings: Finding[]) => findings.filter((f) => f.ruleId === 'header-size-backend').map((f) => f.message);
  const uwsgiOf = (files: Record<string, string>) => {
    const { model } = readDiskTree(files);
    const backends = model.backends.filter((backend) => backend.kind === 'uwsgi');
    return { model, backends };
  };

  test('an include and a call after a plain http option: the listener is read and linked, buffer-size is not taken at its default', () => {
    const files = tutor('[uwsgi]\nhttp = 0.0.0.0:8000\n{% include "build/settings/uwsgi.ini" %}\n{{ patch("uwsgi-config") }}\n');
    const { model, backends } = uwsgiOf(files);
    expect(linkDeployment(model).map((link) => `${link.target.address.text} -> ${link.backend.kind} ${link.backend.file}`)).toEqual([
      'lms:8000 -> uwsgi apps/uwsgi.ini',
    ]);
    expect(backends).toHaveLength(1);
    expect(backends[0].settings.get('buffer-size')?.value).toBeUndefined();
    expect(headerFindings(lintDiskTree(files))).toEqual([]);
  });

  test('a loop writing "{{ key }} = {{ value }}": no default buffer-size, and no unknown option named by a tag', () => {
    const files = {
      'nginx.conf': nginx('include uwsgi_params;\n      uwsgi_pass 127.0.0.1:8001;'),
      'uwsgi.ini.j2':
        '[uwsgi]\nsocket = 127.0.0.1:8001\nmodule = app.wsgi\n{% for key, value in uwsgi_extra.items() %}\n{{ key }} = {{ value }}\n{% endfor %}\n',
    };
    const findings = lintDiskTree(files);
    expect(findings.filter((f) => f.ruleId === 'header-size-backend' || f.ruleId === 'uwsgi-unknown-option')).toEqual([]);
    expect(linkDeployment(uwsgiOf(files).model).map((link) => `${link.target.address.text} -> ${link.backend.file}`)).toEqual([
      '127.0.0.1:8001 -> uwsgi.ini.j2',
    ]);
  });

  test('a name written by a tag alone (no loop around it) is a gap too', () => {
    const files = {
      'nginx.conf': nginx('include uwsgi_params;\n      uwsgi_pass 127.0.0.1:8001;'),
      'uwsgi.ini.j2': '[uwsgi]\nsocket = 127.0.0.1:8001\n{{ size_option }} = 65535\n',
    };
    expect(lintDiskTree(files).filter((f) => f.ruleId === 'header-size-backend' || f.ruleId === 'uwsgi-unknown-option')).toEqual([]);
  });

  test('a template that is all tags: no listener, no link, and no setting known by default', () => {
    const { model, backends } = uwsgiOf(tutor('{% include "build/settings/uwsgi.ini" %}\n{{ patch("uwsgi-config") }}\n'));
    expect(backends).toHaveLength(1);
    expect(backends[0].listeners).toEqual([]);
    expect([...backends[0].settings.values()].filter((setting) => setting.value !== undefined).map((setting) => setting.name)).toEqual([]);
    expect(linkDeployment(model)).toEqual([]);
  });

  test('buffer-size written plainly after the tags is the one uWSGI uses (the last value wins): still flagged', () => {
    const files = tutor('[uwsgi]\nhttp = 0.0.0.0:8000\n{% include "build/settings/uwsgi.ini" %}\n{{ patch("uwsgi-config") }}\nbuffer-size = 4096\n');
    const findings = lintDiskTree(files).filter((f) => f.ruleId === 'header-size-backend');
    // `buffer-size = 4096` is line 5; its value starts at column 15.
    expect(findings.map((f) => `${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`)).toEqual(['apps/uwsgi.ini:5:15']);
    expect(findings[0].message).toContain("uWSGI's buffer-size 4096 bytes behind lms:8000");
    expect(findings[0].related.map((r) => `${r.span.file}:${r.span.start.line}`)).toEqual(['nginx.conf:5']);
  });

  test('a tag inside a value writes no option: the unstated buffer-size is still the default 4096, flagged', () => {
    const files = tutor('[uwsgi]\nhttp = 0.0.0.0:8000\nprocesses = {{ workers }}\n');
    expect(headerFindings(lintDiskTree(files))).toEqual([expect.stringContaining("more than uWSGI's buffer-size 4096 bytes (default) behind lms:8000")]);
  });

  test('the same ini without tags is read as before: its default buffer-size is flagged', () => {
    const files = tutor('[uwsgi]\nhttp = 0.0.0.0:8000\nmaster = true\n');
    expect(headerFindings(lintDiskTree(files))).toEqual([expect.stringContaining("more than uWSGI's buffer-size 4096 bytes (default) behind lms:8000")]);
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
