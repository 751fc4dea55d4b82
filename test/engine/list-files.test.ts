/**
 * Saying what was read (issue 15, item 6): each file's format and the reason, through the real
 * engine; named files that cfglint does not read, and paths with nothing it reads, refused in
 * one line; the `files` mapping of .cfglint.json; gunicorn configs found by the launch that names them.
 */
import * as nodePath from 'path';
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import type { CfglintConfig } from '../../src/engine/config';
import { ConfigError } from '../../src/engine/config';
import { lintSync, listFiles } from '../../src/engine/run';
import { LintOptions, NothingToReadError } from '../../src/engine/options';
import * as api from '../../src/index';
import { formatFileList } from '../../src/report/file-list';
import { ListedFile } from '../../src/engine/findings';
import { writeTree } from '../disk-tree';

const lines = (...parts: string[]) => parts.join('\n') + '\n';

function options(tree: MemoryTree, extra: Partial<LintOptions> = {}): LintOptions {
  return { cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), paths: ['.'], nginxVersion: '1.24.0', ...extra };
}

function listed(tree: MemoryTree, extra: Partial<LintOptions> = {}): Map<string, ListedFile> {
  return new Map(listFiles(options(tree, extra)).map((entry) => [entry.file, entry]));
}

/** An nginx upstream with keep-alive in front of 127.0.0.1:8000. */
const KEEPALIVE_UPSTREAM = lines(
  'upstream app {',
  '    server 127.0.0.1:8000;',
  '    keepalive 16;',
  '}',
  'server {',
  '    listen 80;',
  '    location / {',
  '        proxy_http_version 1.1;',
  '        proxy_set_header Connection "";',
  '        proxy_pass http://app;',
  '    }',
  '}',
);
const GTHREAD_CONFIG = lines('bind = "127.0.0.1:8000"', 'worker_class = "gthread"', 'threads = 4');

describe('the file list', () => {
  test('gives each file its format and the reason: name, content, include, launch, skip', () => {
    const files = listed({
      'nginx/nginx.conf': lines('events {}', 'http {', '    include extra/*.inc;', '}'),
      'nginx/extra/proxy.inc': lines('proxy_read_timeout 30s;'),
      'uwsgi/app.ini': lines('[uwsgi]', 'socket = :3031'),
      'supervisor/app.ini': lines('[program:app]', 'command = run'),
      Procfile: 'web: gunicorn -c config/prod.py app:app\n',
      'config/prod.py': GTHREAD_CONFIG,
      'README.md': '# deploy\n',
      'templates/site.conf.j2': lines('server {', '    listen {{ port }};', '}'),
      'templates/compose.yml.j2': lines('services:', '  web:', '    image: {{ image }}'),
      'templates/settings.template.yml': lines('debug: {{ .Debug }}'),
      'proxy/nginx.conf.tmpl': lines('events {}', 'http {', '{{ range $host := .Hosts }}', '    server { server_name {{ $host }}; }', '{{ end }}', '}'),
    });
    expect(files.get('nginx/nginx.conf')).toEqual({ file: 'nginx/nginx.conf', format: 'nginx', reason: 'by name' });
    // `.inc` in `extra/` is no nginx name: only the include makes it nginx's.
    expect(files.get('nginx/extra/proxy.inc')).toEqual({ file: 'nginx/extra/proxy.inc', format: 'nginx', reason: 'included from nginx/nginx.conf' });
    expect(files.get('uwsgi/app.ini')?.format).toBe('uwsgi');
    expect(files.get('uwsgi/app.ini')?.reason).toBe('by content: a [uwsgi] section');
    expect(files.get('supervisor/app.ini')).toEqual({
      file: 'supervisor/app.ini',
      format: 'supervisord',
      reason: 'by content: a [program:…] or [supervisord] section',
    });
    expect(files.get('Procfile')).toEqual({ file: 'Procfile', format: 'procfile', reason: 'by name' });
    // Not named gunicorn*.py: the Procfile's `-c` is what makes it a gunicorn config.
    expect(files.get('config/prod.py')).toEqual({ file: 'config/prod.py', format: 'gunicorn', reason: 'started by Procfile (gunicorn -c config/prod.py)' });
    expect(files.get('README.md')).toEqual({ file: 'README.md', format: null, reason: 'skipped: not a config cfglint reads' });
    expect(files.get('templates/site.conf.j2')?.format).toBe('nginx');
    expect(files.get('templates/site.conf.j2')?.reason).toMatch(/^Jinja2 template of nginx/);
    expect(files.get('templates/compose.yml.j2')?.format).toBeNull();
    expect(files.get('templates/compose.yml.j2')?.reason).toBe('skipped: a Jinja2 template of compose, a format cfglint reads only once rendered');
    // The template suffix may sit before the extension; the rendered name is what is classified.
    expect(files.get('templates/settings.template.yml')?.reason).toBe('skipped: a template of no format cfglint reads (renders to settings.yml)');
    expect(files.get('proxy/nginx.conf.tmpl')).toEqual({
      file: 'proxy/nginx.conf.tmpl',
      format: 'nginx',
      reason: 'Go text/template of nginx (renders to nginx.conf: by name)',
    });
    // Sorted by path.
    const order = [...files.keys()];
    expect(order).toEqual([...order].sort());
  });

  test('says why a file is skipped: a look-alike of nginx, ignored, a link out of the tree', () => {
    const radius = lines('server default {', '    authorize {', '        preprocess', '        chap', '        mschap', '        files', '    }', '}');
    const files = listed(
      {
        'raddb/sites-enabled/default': radius,
        '.gitignore': 'build/\n*.bak\n',
        'build/nginx.conf': 'events {}\n',
        'nginx/old.conf.bak': 'events {}\n',
        'nginx/nginx.conf': 'events {}\n',
        'nginx/conf.d/host.conf': { symlink: '/etc/nginx/conf.d/host.conf' },
        'vendor/x.conf': 'events {}\n',
      },
      { config: { ignore: ['vendor/'] } },
    );
    expect(files.get('raddb/sites-enabled/default')?.format).toBeNull();
    expect(files.get('raddb/sites-enabled/default')?.reason).toMatch(/look-alike/);
    expect(files.get('build/')).toEqual({ file: 'build/', format: null, reason: 'skipped: ignored by .gitignore (.gitignore)' });
    expect(files.get('nginx/old.conf.bak')).toEqual({ file: 'nginx/old.conf.bak', format: null, reason: 'skipped: ignored by .gitignore (.gitignore)' });
    expect(files.get('vendor/')).toEqual({ file: 'vendor/', format: null, reason: 'skipped: ignored by "ignore" in .cfglint.json' });
    expect(files.get('nginx/conf.d/host.conf')).toEqual({ file: 'nginx/conf.d/host.conf', format: null, reason: 'skipped: a symbolic link out of the tree' });
    // The same link checked out as a text file (core.symlinks=false) is the link it stands for.
    const placeholder = listed({ 'nginx/nginx.conf': 'events {}\n', 'nginx/sites-enabled/default': '/etc/nginx/sites-available/default' });
    expect(placeholder.get('nginx/sites-enabled/default')).toEqual({
      file: 'nginx/sites-enabled/default',
      format: null,
      reason: 'skipped: a symbolic link out of the tree',
    });
  });

  test('names where a COPY puts a file', () => {
    const files = listed({
      Dockerfile: lines('FROM nginx:1.25', 'COPY nginx/app.conf /etc/nginx/conf.d/app.conf'),
      'nginx/app.conf': KEEPALIVE_UPSTREAM,
    });
    expect(files.get('nginx/app.conf')?.reason).toMatch(/; copied or mounted to \/etc\/nginx\/conf\.d\/app\.conf$/);
  });

  test('a script without .sh is shell when COPY names it and its first line names a shell; no other extensionless file is', () => {
    const files = listed({
      Dockerfile: lines(
        'FROM python:3.12',
        'COPY docker/entrypoint /usr/local/bin/entrypoint',
        'COPY docker/healthcheck /usr/local/bin/healthcheck',
        'COPY docker/motd /etc/motd',
        'COPY bin /usr/local/bin',
        'ENTRYPOINT ["/usr/local/bin/entrypoint"]',
      ),
      'docker/entrypoint': lines('#!/usr/bin/env bash', 'exec "$@"'),
      'docker/healthcheck': lines('#!/usr/bin/env python3', 'print("ok")'),
      'docker/motd': lines('exec "$@" is not run here'),
      // Copied only inside its directory, not by its own name: it stays unread.
      'bin/release': lines('#!/bin/sh', 'exec "$@"'),
      'scripts/setup': lines('#!/bin/sh', 'exec "$@"'),
    });
    expect(files.get('docker/entrypoint')).toEqual({
      file: 'docker/entrypoint',
      format: 'shell',
      reason: 'by content: a #! line naming a shell, in a file placed by its own name; copied or mounted to /usr/local/bin/entrypoint',
    });
    for (const file of ['docker/healthcheck', 'docker/motd', 'bin/release', 'scripts/setup']) expect(files.get(file)?.format).toBeNull();
  });

  test('names every place COPY lines put a file, its own COPY first, then the deeper directory', () => {
    const files = listed({
      // A test image copies the whole repository; the nginx image copies the one file.
      Dockerfile: lines('FROM python:3.12', 'COPY . /app/'),
      'docker/Dockerfile': lines('FROM nginx:1.25', 'COPY nginx/default.conf /etc/nginx/conf.d/default.conf'),
      'docker/nginx/default.conf': KEEPALIVE_UPSTREAM,
    });
    expect(files.get('docker/nginx/default.conf')?.reason).toMatch(
      /; copied or mounted to \/etc\/nginx\/conf\.d\/default\.conf, \/app\/docker\/nginx\/default\.conf$/,
    );
  });

  test('text is `path  format  reason` a line, aligned, `-` for no format; JSON is the array', () => {
    const entries: ListedFile[] = [
      { file: 'a.conf', format: 'nginx', reason: 'by name' },
      { file: 'docs/README.md', format: null, reason: 'skipped: not a config cfglint reads' },
    ];
    // The widest path is 14 characters and the widest format 5: two spaces after each column.
    expect(formatFileList(entries, 'text')).toBe('a.conf          nginx  by name\n' + 'docs/README.md  -      skipped: not a config cfglint reads\n');
    expect(JSON.parse(formatFileList(entries, 'json'))).toEqual(entries);
    // A name from the tree cannot break the one-line format.
    expect(formatFileList([{ file: 'a\nb.conf', format: 'nginx', reason: 'by name' }], 'text').split('\n')).toHaveLength(2);
    // JSON writes a bidi control as an escape, which decodes to the same name.
    const bidi: ListedFile[] = [{ file: 'a\u202eb.conf', format: 'nginx', reason: 'by name' }];
    expect(formatFileList(bidi, 'json')).not.toContain('\u202e');
    expect(JSON.parse(formatFileList(bidi, 'json'))).toEqual(bidi);
  });
});

describe('files named on the command line', () => {
  test('a gunicorn config not named gunicorn*.py is read by its content', () => {
    const result = lintSync(options({ 'config/gunicorn/prod.py': GTHREAD_CONFIG }, { paths: ['config/gunicorn/prod.py'] }));
    expect(result.report.files).toEqual(['config/gunicorn/prod.py']);
  });

  test('a file cfglint does not read is refused in one line that says why', () => {
    const run = () => lintSync(options({ 'docs/notes.py': 'print("hello")\n' }, { paths: ['docs/notes.py'] }));
    expect(run).toThrow(NothingToReadError);
    // The example mapping is relative to the config's directory (here the working directory) and guesses from `.py`.
    expect(run).toThrow(
      'docs/notes.py: not a config cfglint reads; to read it anyway, give its format in "files" of .cfglint.json (e.g. {"files": {"docs/notes.py": "gunicorn"}})',
    );
    expect(() => run()).not.toThrow(/\n/);
  });

  test('"files" in .cfglint.json gives the format, for named and walked files alike', () => {
    const config: CfglintConfig = { files: { 'config/gunicorn/*.py': 'gunicorn' } };
    // A Python file with no gunicorn setting of the short list classification knows.
    const tree = { 'config/gunicorn/prod.py': lines('import multiprocessing', 'raw_env = ["A=1"]') };
    expect(lintSync(options(tree, { config, paths: ['config/gunicorn/prod.py'] })).report.files).toEqual(['config/gunicorn/prod.py']);
    const files = listed(tree, { config });
    expect(files.get('config/gunicorn/prod.py')).toEqual({
      file: 'config/gunicorn/prod.py',
      format: 'gunicorn',
      reason: '"files" in .cfglint.json maps "config/gunicorn/*.py" to gunicorn',
    });
  });

  test("a file mapped to nginx is read even when it would pass for another server's", () => {
    // Two directives nginx does not know against one it does: by itself, a look-alike.
    const text = lines('server {', '    lua_shared_dict_x a;', '    custom_thing b;', '}');
    const tree = { 'nginx/sites-enabled/odd': text, 'nginx/nginx.conf': 'events {}\n' };
    expect(listed(tree).get('nginx/sites-enabled/odd')?.format).toBeNull();
    const config: CfglintConfig = { files: { 'nginx/sites-enabled/*': 'nginx' } };
    expect(listed(tree, { config }).get('nginx/sites-enabled/odd')?.format).toBe('nginx');
    expect(lintSync(options(tree, { config })).report.files).toContain('nginx/sites-enabled/odd');
  });

  test('an unknown format in "files" is a config error with a suggestion', () => {
    const run = () => lintSync(options({ 'a.conf': 'events {}\n' }, { config: { files: { '*.py': 'gunicron' } } }));
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('config: files["*.py"] names the format "gunicron", which cfglint does not read; did you mean "gunicorn"?');
  });
});

describe('paths that hold nothing cfglint reads', () => {
  test('a tree with only a README is refused, naming the path', () => {
    const run = () => lintSync(options({ 'docs/README.md': '# hi\n' }, { paths: ['docs'] }));
    expect(run).toThrow(NothingToReadError);
    expect(run).toThrow(/^no file cfglint reads in docs\/ \(nginx, uWSGI, gunicorn, .*\); see --list-files$/);
  });

  test('the list still lists such a tree', () => {
    expect([...listed({ 'docs/README.md': '# hi\n' }).values()]).toEqual([
      { file: 'docs/README.md', format: null, reason: 'skipped: not a config cfglint reads' },
    ]);
  });
});

describe('gunicorn configs found by use', () => {
  const expectKeepaliveTimeout = (tree: MemoryTree) => {
    const findings = lintSync(options(tree)).report.findings.filter((f) => f.ruleId === 'upstream-keepalive-timeout');
    // gthread keeps idle connections 2 s by default; nginx's upstream keepalive_timeout is 60 s.
    expect(findings.map((f) => `${f.severity} ${f.primary.file}:${f.primary.start.line}`)).toEqual(['error nginx/app.conf:3']);
    expect(findings[0].related.map((r) => r.span.file)).toContain('config/prod.py');
  };

  test('`gunicorn -c config/prod.py` in a Procfile', () => {
    expectKeepaliveTimeout({ Procfile: 'web: gunicorn -c config/prod.py app:app\n', 'config/prod.py': GTHREAD_CONFIG, 'nginx/app.conf': KEEPALIVE_UPSTREAM });
  });

  test('`-c python:config.prod` resolved to the tree file', () => {
    expectKeepaliveTimeout({
      Procfile: 'web: gunicorn -c python:config.prod app:app\n',
      'config/prod.py': GTHREAD_CONFIG,
      'nginx/app.conf': KEEPALIVE_UPSTREAM,
    });
  });

  test('`-c` through a compose volume: the mounted file is the config, and the list says where it is mounted', () => {
    const tree = {
      'docker-compose.yml': lines(
        'services:',
        '  web:',
        '    image: python:3.12',
        '    command: gunicorn -c /etc/app/settings.py app:app',
        '    volumes:',
        '      - ./deploy/web.py:/etc/app/settings.py:ro',
      ),
      'deploy/web.py': GTHREAD_CONFIG,
    };
    expect(listed(tree).get('deploy/web.py')).toEqual({
      file: 'deploy/web.py',
      format: 'gunicorn',
      reason: 'started by docker-compose.yml (gunicorn -c /etc/app/settings.py); copied or mounted to /etc/app/settings.py',
    });
  });

  test('`-c` inside GUNICORN_CMD_ARGS', () => {
    expectKeepaliveTimeout({
      Dockerfile: lines('FROM python:3.12', 'WORKDIR /app', 'COPY . /app', 'ENV GUNICORN_CMD_ARGS="-c config/prod.py"', 'CMD ["gunicorn", "app:app"]'),
      'config/prod.py': GTHREAD_CONFIG,
      'nginx/app.conf': KEEPALIVE_UPSTREAM,
    });
    const files = listed({
      Dockerfile: lines('FROM python:3.12', 'WORKDIR /app', 'ENV GUNICORN_CMD_ARGS="-c config/prod.py"', 'CMD ["gunicorn", "app:app"]'),
      'config/prod.py': GTHREAD_CONFIG,
    });
    expect(files.get('config/prod.py')).toEqual({ file: 'config/prod.py', format: 'gunicorn', reason: 'started by Dockerfile (gunicorn -c config/prod.py)' });
  });
});

test('the package API exports the listing, its printer and the refusal', () => {
  const files = api.listFiles(options({ 'nginx.conf': 'events {}\n', 'README.md': '# x\n' }));
  expect(api.formatFileList(files, 'text')).toBe('README.md   -      skipped: not a config cfglint reads\nnginx.conf  nginx  by name\n');
  expect(() => api.lintSync(options({ 'README.md': '# x\n' }))).toThrow(api.NothingToReadError);
});

test('an envsubst template the official nginx image renders says so (examples/envsubst-template)', () => {
  const dir = nodePath.resolve(__dirname, '../../examples/envsubst-template/broken');
  const template = listFiles({ cwd: dir, paths: ['.'] }).find((entry) => entry.file === 'templates/default.conf.template');
  expect(template?.format).toBe('nginx');
  expect(template?.reason).toMatch(
    // The compose mount puts it where the nginx image renders it; the web image's `COPY . /app` holds it too.
    /; rendered by the nginx image at start \(envsubst with the container's environment\) and read rendered; copied or mounted to \/etc\/nginx\/templates\/default\.conf\.template, \/app\/templates\/default\.conf\.template$/,
  );
});

test("a template the image's own CMD renders with envsubst names that command, not the nginx image (read from disk)", () => {
  const root = writeTree({
    Dockerfile: lines(
      'FROM python:3.11-slim',
      'COPY nginx.conf /etc/nginx/nginx.conf',
      'WORKDIR /var/lib/app',
      'COPY . .',
      "CMD envsubst '${SECRET}' < /var/lib/app/extra.conf.template > /var/lib/app/extra.conf && nginx",
    ),
    'nginx.conf': lines('events {}', 'http {', '    server {', '        include /var/lib/app/extra.conf;', '        listen 80;', '    }', '}'),
    'extra.conf.template': lines('set $secret "${SECRET}";'),
  });
  const template = listFiles({ paths: ['.'], cwd: root, config: {} }).find((entry) => entry.file === 'extra.conf.template');
  // The CMD is the Dockerfile's fifth line.
  expect(template?.reason).toContain("; rendered at start by Dockerfile:5 (envsubst with the container's environment) and read rendered;");
  expect(template?.reason).not.toContain('nginx image');
});

describe('templates of YAML, read from disk: the reason names the template language', () => {
  const listedOnDisk = (files: Record<string, string>) =>
    new Map(listFiles({ paths: ['.'], cwd: writeTree(files), config: {} }).map((entry) => [entry.file, entry.reason]));
  const HELM = 'skipped: a Go template (Helm) of kubernetes, a format cfglint reads only once rendered';

  test('a Helm manifest with a {{- with }} action on a line of its own is a Go template, not Jinja2', () => {
    const reasons = listedOnDisk({
      'chart/templates/configmap.yaml': lines(
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: db',
        'data:',
        '  {{- with .Values.db }}',
        '  URL: {{ .url | quote }}',
        '  {{- end }}',
      ),
      'chart/templates/deployment.yaml': lines(
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ .Release.Name }}',
        '  {{- with .Values.commonLabels }}',
        '  labels: {{ . | toYaml | nindent 4 }}',
        '  {{- end }}',
      ),
    });
    expect(reasons.get('chart/templates/configmap.yaml')).toBe(HELM);
    expect(reasons.get('chart/templates/deployment.yaml')).toBe(HELM);
  });

  test('a Helm manifest whose first action is `include "…" .` and that has an `{{- if }}` line is Helm\'s too (alerta\'s chart)', () => {
    const reasons = listedOnDisk({
      'chart/templates/service.yaml': lines(
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: {{ include "app.fullname" . }}',
        'spec:',
        '  ports:',
        '    - port: {{ .Values.service.port }}',
        '{{- if .Values.service.nodePort }}',
        '      nodePort: {{ .Values.service.nodePort }}',
        '{{- end }}',
      ),
    });
    expect(reasons.get('chart/templates/service.yaml')).toBe(HELM);
  });

  test('Jinja2 manifests keep their reason: a {% … %} line, or a line that is one Jinja expression (tutor)', () => {
    const reasons = listedOnDisk({
      'k8s/secret.yaml': lines('{%- if tls %}', 'apiVersion: v1', 'kind: Secret', '{% endif %}'),
      'k8s/deployments.yml': lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: lms', '{{ patch("k8s-deployments") }}'),
    });
    expect(reasons.get('k8s/secret.yaml')).toBe(
      'skipped: a Jinja2 template of kubernetes, a format cfglint reads only once rendered (a line starts with {% … %})',
    );
    expect(reasons.get('k8s/deployments.yml')).toBe(
      'skipped: a Jinja2 template of kubernetes, a format cfglint reads only once rendered (a line is one {{ … }} expression)',
    );
  });
});

describe('GitHub workflows named like compose files, read from disk', () => {
  const WORKFLOW = lines('name: compose CI', 'on: [push]', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    steps:', '      - run: docker compose up -d');
  const COMPOSE = lines('services:', '  web:', '    image: nginx:1.27');

  test('.github/workflows/docker-compose-ci.yml is a workflow; compose files elsewhere, .github/ itself included, stay compose', () => {
    const root = writeTree({
      '.github/workflows/docker-compose-ci.yml': WORKFLOW,
      '.github/workflows/compose.yaml': WORKFLOW,
      '.github/docker-compose.yml': COMPOSE,
      'workflows/docker-compose.yml': COMPOSE,
      'docker-compose.yml': COMPOSE,
    });
    const formats = new Map(listFiles({ paths: ['.'], cwd: root, config: {} }).map((entry) => [entry.file, entry.format]));
    expect(formats.get('.github/workflows/docker-compose-ci.yml')).toBeNull();
    expect(formats.get('.github/workflows/compose.yaml')).toBeNull();
    expect(formats.get('.github/docker-compose.yml')).toBe('compose');
    expect(formats.get('workflows/docker-compose.yml')).toBe('compose');
    expect(formats.get('docker-compose.yml')).toBe('compose');
  });
});

test("an ignore file that names one sibling template is skipped, not read as a link to it (plane's nginx/.prettierignore, read from disk)", () => {
  const root = writeTree({
    'nginx/.prettierignore': 'nginx.conf.template',
    'nginx/nginx.conf.template': lines(
      'events {}',
      'http {',
      '    server {',
      '        listen 80;',
      '        location /uploads { proxy_pass http://${UPLOADS_HOST}; }',
      '    }',
      '}',
    ),
  });
  const files = new Map(listFiles({ paths: ['.'], cwd: root, config: {} }).map((entry) => [entry.file, entry]));
  expect(files.has('nginx/.prettierignore') && files.get('nginx/.prettierignore')!.format).toBeNull();
  expect(files.get('nginx/nginx.conf.template')?.format).toBe('nginx');
});
