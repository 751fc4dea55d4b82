/**
 * Values that templates write with the same placeholders: an nginx pass to the upstream a
 * template names with the same text, and an nginx target to a backend listener a template of the
 * same deployment writes with the same text. Each tree is written to disk and read by the real
 * engine. A rendering writes the same text with the same values, so the rendered addresses are
 * the same; a different placeholder, language or unit (an Ansible role) says nothing.
 */
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import { linkDeployment } from '../../src/model/links';
import type { Finding } from '../../src/engine/findings';
import { writeTree } from '../disk-tree';

function modelOf(tree: Record<string, string>) {
  const dir = writeTree(tree);
  return readTree({ paths: [dir], cwd: dir, config: {} }).model;
}

/** `nginx file -> backend kind, its file (reason)` for every link. */
function links(tree: Record<string, string>): string[] {
  return linkDeployment(modelOf(tree)).map((l) => `${l.target.span.file} -> ${l.backend.kind} ${l.backend.file} (${l.reason})`);
}

const serious = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`);

function lint(tree: Record<string, string>): Finding[] {
  const dir = writeTree(tree);
  return lintSync({ paths: [dir], cwd: dir, config: {} }).report.findings;
}

/** An nginx server sending `/` with `directive` (`proxy_pass http://…`, `uwsgi_pass …`). */
const site = (directive: string, before = '') => `${before}server {\n    listen 80;\n    location / {\n        ${directive};\n    }\n}\n`;
const uwsgiIni = (option: string) => `[uwsgi]\nmodule = app.wsgi:application\nmaster = true\n${option}\n`;

describe('an nginx pass to an upstream a template names with the same text', () => {
  const upstream = (name: string) => `upstream ${name} {\n    server 127.0.0.1:8000 fail_timeout=0;\n}\n`;
  const gunicorn = 'bind = "127.0.0.1:8000"\nworkers = 3\n';

  test('`{{project_name}}_app_server` in the upstream block and the pass: the pass goes to that group, and on to gunicorn', () => {
    const tree = {
      'templates/nginx.conf.j2': site('proxy_pass http://{{project_name}}_app_server', upstream('{{project_name}}_app_server')),
      'gunicorn.conf.py': gunicorn,
    };
    const [pass] = modelOf(tree).nginx.passes;
    expect(pass.target.kind === 'group' ? pass.target.group.block?.directive?.args[0].span.start.line : pass.target.kind).toBe(1);
    expect(links(tree)).toEqual(['templates/nginx.conf.j2 -> gunicorn gunicorn.conf.py (same-address)']);
  });

  test('another placeholder of the same length (`{{a}}_app` and `{{b}}_app`, masked alike) is not that group', () => {
    const tree = { 'templates/nginx.conf.j2': site('proxy_pass http://{{b}}_app', upstream('{{a}}_app')), 'gunicorn.conf.py': gunicorn };
    expect(modelOf(tree).nginx.passes[0].target.kind).not.toBe('group');
    expect(links(tree)).toEqual([]);
  });

  test('a tag in the URI part only leaves the host read as before', () => {
    const tree = { 'templates/nginx.conf.j2': site('proxy_pass http://127.0.0.1:8000/{{ prefix }}/'), 'gunicorn.conf.py': gunicorn };
    expect(links(tree)).toEqual(['templates/nginx.conf.j2 -> gunicorn gunicorn.conf.py (same-address)']);
  });

  test('an nginx variable beside the tag stays a variable', () => {
    const tree = {
      'templates/nginx.conf.j2': site('proxy_pass http://{{project}}_$app_server', upstream('{{project}}_app_server')),
      'gunicorn.conf.py': gunicorn,
    };
    expect(modelOf(tree).nginx.passes[0].target.kind).toBe('variable');
  });
});

describe('an nginx target and a backend listener written with the same template text', () => {
  test('codalab: `unix:{{LOGS_PATH}}/{{SERVER_NAME}}-{{PORT}}.sock` in nginx.conf and uwsgi.ini, both Jinja: linked', () => {
    const tree = {
      'config/templates/nginx.conf': `upstream django {\n    server unix:{{LOGS_PATH}}/{{SERVER_NAME}}-{{PORT}}.sock;\n}\n${site('uwsgi_pass django')}`,
      'config/templates/uwsgi.ini': uwsgiIni('socket = {{LOGS_PATH}}/{{SERVER_NAME}}-{{PORT}}.sock'),
    };
    expect(links(tree)).toEqual(['config/templates/nginx.conf -> uwsgi config/templates/uwsgi.ini (same-template-text)']);
  });

  test('one envsubst placeholder for the whole address on both sides (searxng): linked', () => {
    const tree = {
      'nginx/app.conf': site('proxy_pass http://${APP_INTERNAL_HTTP}'),
      'uwsgi/app.ini': uwsgiIni('http = ${APP_INTERNAL_HTTP}'),
    };
    expect(links(tree)).toEqual(['nginx/app.conf -> uwsgi uwsgi/app.ini (same-template-text)']);
  });

  test('the same `host:{{ port }}`, and loopback to a backend on all interfaces (`:{{ port }}`): linked', () => {
    const nginx = site('proxy_pass http://127.0.0.1:{{ app_port }}');
    expect(links({ 'templates/app.nginx.conf.j2': nginx, 'templates/app.uwsgi.ini.j2': uwsgiIni('http-socket = 127.0.0.1:{{ app_port }}') })).toEqual([
      'templates/app.nginx.conf.j2 -> uwsgi templates/app.uwsgi.ini.j2 (same-template-text)',
    ]);
    expect(links({ 'templates/app.nginx.conf.j2': nginx, 'templates/app.uwsgi.ini.j2': uwsgiIni('http-socket = :{{ app_port }}') })).toEqual([
      'templates/app.nginx.conf.j2 -> uwsgi templates/app.uwsgi.ini.j2 (same-template-text)',
    ]);
  });

  test('rules judge the link: HTTP sent to a uwsgi-protocol socket of the same template address is a protocol mismatch', () => {
    const tree = {
      'templates/app.nginx.conf.j2': site('proxy_pass http://127.0.0.1:{{ app_port }}'),
      'templates/app.uwsgi.ini.j2': uwsgiIni('socket = 127.0.0.1:{{ app_port }}'),
    };
    expect(serious(lint(tree))).toEqual(['upstream-protocol-mismatch templates/app.nginx.conf.j2:4']);
    // The same pair speaking HTTP on both sides is fine.
    expect(serious(lint({ ...tree, 'templates/app.uwsgi.ini.j2': uwsgiIni('http-socket = 127.0.0.1:{{ app_port }}') }))).toEqual([]);
  });

  test('another placeholder, another language, a partial match, or another host: not linked', () => {
    const nginx = site('proxy_pass http://127.0.0.1:{{ app_port }}');
    // Another placeholder.
    expect(links({ 'templates/nginx.conf.j2': nginx, 'templates/uwsgi.ini.j2': uwsgiIni('http-socket = 127.0.0.1:{{ port }}') })).toEqual([]);
    // The same text in a Mustache template (its first tag a comment) and a Jinja one: two renderers.
    const mustache = site('proxy_pass http://127.0.0.1:{{ app_port }}', '{{! rendered by mustache }}\n');
    expect(links({ 'templates/nginx.conf.mustache': mustache, 'templates/uwsgi.ini.j2': uwsgiIni('http-socket = 127.0.0.1:{{ app_port }}') })).toEqual([]);
    // A socket path that only starts the same.
    expect(
      links({
        'templates/nginx.conf.j2': site('uwsgi_pass unix:/run/{{ app }}.sock'),
        'templates/uwsgi.ini.j2': uwsgiIni('socket = /run/{{ app }}-web.sock'),
      }),
    ).toEqual([]);
    // One placeholder for the whole address against a host:port with the same tag.
    expect(
      links({
        'templates/nginx.conf.j2': site('proxy_pass http://{{ app_port }}'),
        'templates/uwsgi.ini.j2': uwsgiIni('http-socket = 127.0.0.1:{{ app_port }}'),
      }),
    ).toEqual([]);
    // A host that is neither the same text nor loopback to a loopback or all-interfaces listener.
    expect(
      links({
        'templates/nginx.conf.j2': site('proxy_pass http://app:{{ app_port }}'),
        'templates/uwsgi.ini.j2': uwsgiIni('http-socket = 127.0.0.1:{{ app_port }}'),
      }),
    ).toEqual([]);
  });

  test('a value uWSGI expands (its magic `%n`, the config name, beside the tag) is not the text as written: not linked', () => {
    // nginx takes `%n` as it is; uWSGI writes the ini's name there (core/uwsgi.c magic table).
    const tree = {
      'templates/nginx.conf.j2': site('uwsgi_pass unix:/run/%n/{{ app }}.sock'),
      'templates/uwsgi.ini.j2': uwsgiIni('socket = /run/%n/{{ app }}.sock'),
    };
    expect(links(tree)).toEqual([]);
    // Without it, the same text links.
    expect(
      links({
        ...tree,
        'templates/nginx.conf.j2': site('uwsgi_pass unix:/run/{{ app }}.sock'),
        'templates/uwsgi.ini.j2': uwsgiIni('socket = /run/{{ app }}.sock'),
      }),
    ).toEqual(['templates/nginx.conf.j2 -> uwsgi templates/uwsgi.ini.j2 (same-template-text)']);
  });

  test('Ansible roles: the same text links inside one role, never from one role to another', () => {
    const nginx = site('proxy_pass http://127.0.0.1:{{ port }}');
    const uwsgi = uwsgiIni('http-socket = 127.0.0.1:{{ port }}');
    expect(links({ 'roles/web/templates/nginx.conf.j2': nginx, 'roles/web/templates/uwsgi.ini.j2': uwsgi })).toEqual([
      'roles/web/templates/nginx.conf.j2 -> uwsgi roles/web/templates/uwsgi.ini.j2 (same-template-text)',
    ]);
    expect(links({ 'roles/proxy/templates/nginx.conf.j2': nginx, 'roles/api/templates/uwsgi.ini.j2': uwsgi })).toEqual([]);
    expect(links({ 'roles/proxy/templates/nginx.conf.j2': nginx, 'templates/uwsgi.ini.j2': uwsgi })).toEqual([]);
  });
});
