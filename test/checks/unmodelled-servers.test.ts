/**
 * Servers cfglint recognises but does not model (daphne, hypercorn, waitress, node, php-fpm, …):
 * "something listens here, settings unknown". From trees on disk through the real engine.
 */
import { printConfig } from '../../src/cli/print-config';
import { lintSync } from '../../src/engine/run';
import { renderGraph } from '../../src/report/graph';
import { lintDiskTree, readDiskTree, writeTree } from '../disk-tree';
import { unmodelledServers } from '../../src/model/unmodelled-servers';

// Two locations: /api to 127.0.0.1:8000 (line 4, col 20), / to 127.0.0.1:8001 (gunicorn's).
const NGINX = [
  'server {',
  '    listen 80;',
  '    location /api/ {',
  '        proxy_pass http://127.0.0.1:8000;',
  '    }',
  '    location / {',
  '        proxy_pass http://127.0.0.1:8001;',
  '    }',
  '}',
  '',
].join('\n');
const GUNICORN = 'bind = "127.0.0.1:8001"\n';
const SOCKET_NGINX = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://unix:/run/app/app.sock:;\n    }\n}\n';

const unreachable = (files: Record<string, string>) => lintDiskTree(files).filter((f) => f.ruleId === 'upstream-unreachable');

describe('upstream-unreachable and servers cfglint does not model', () => {
  test('before: port 8000 has no backend the tree configures, so it is reported', () => {
    const findings = unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN });
    expect(findings.map((f) => [f.primary.start.line, f.primary.start.column])).toEqual([[4, 20]]);
  });

  test('after: daphne -p 8000 in the Procfile may serve it: silent', () => {
    const files = { 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Procfile: 'ws: daphne -b 127.0.0.1 -p 8000 app.asgi:application\n' };
    expect(unreachable(files)).toEqual([]);
  });

  test('daphne on another port does not serve 8000: still reported', () => {
    const files = { 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Procfile: 'ws: daphne -p 9000 app.asgi:application\n' };
    expect(unreachable(files)).toHaveLength(1);
  });

  test('defaults count: hypercorn and daphne 8000, waitress-serve 8080', () => {
    expect(unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Procfile: 'web: hypercorn app:app\n' })).toEqual([]);
    expect(unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Procfile: 'web: daphne app.asgi:application\n' })).toEqual([]);
    const waitress = NGINX.replace('127.0.0.1:8000', '127.0.0.1:8080');
    expect(unreachable({ 'nginx/app.conf': waitress, 'gunicorn.conf.py': GUNICORN, Procfile: 'web: waitress-serve app:wsgi\n' })).toEqual([]);
  });

  test('a program whose port is in its code (node) may serve any loopback port', () => {
    expect(unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Procfile: 'web: node server.js\n' })).toEqual([]);
    const compose = 'services:\n  web:\n    image: node:22\n    network_mode: host\n    command: ["node", "server.js"]\n';
    expect(unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, 'compose.yaml': compose })).toEqual([]);
    // An image nothing in the tree runs: `docker run -p` may publish its port on the host's loopback.
    const image = { 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Dockerfile: 'FROM node:22\nCMD ["node", "server.js"]\n' };
    expect(unreachable(image)).toEqual([]);
    const daphne = { ...image, Dockerfile: 'FROM python:3.12\nCMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "app.asgi:application"]\n' };
    expect(unreachable(daphne)).toEqual([]);
  });

  test("a package manager's build, watch or test task listens on nothing; its start script may (nautobot's ui_build)", () => {
    const withProcfile = (line: string) => unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Procfile: `assets: ${line}\n` });
    expect(withProcfile('npm --prefix ui run build:watch')).toHaveLength(1);
    expect(withProcfile('yarn test')).toHaveLength(1);
    expect(withProcfile('npm start')).toEqual([]);
    expect(withProcfile('yarn run dev')).toEqual([]);
  });

  test("make running a target of a Makefile the tree does not hold may be any server (ansible/awx's `make daphne`); `make test` is none", () => {
    const program = (command: string) =>
      unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, 'supervisor.conf': `[program:daphne]\ncommand = ${command}\n` });
    expect(program('make daphne')).toEqual([]);
    expect(program('make test')).toHaveLength(1);
  });

  test('./manage.py runserver, and runserver in a script, may serve their port (djangogirls, pontoon)', () => {
    const files = (extra: Record<string, string>) => unreachable({ 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, ...extra });
    expect(files({ Procfile: 'web: ./manage.py runserver 127.0.0.1:8000\n' })).toEqual([]);
    expect(files({ 'run.sh': '#!/bin/sh\npython manage.py migrate\nexec python manage.py runserver 127.0.0.1:8000\n' })).toEqual([]);
    expect(files({ 'run.sh': '#!/bin/sh\nexec python manage.py runserver 127.0.0.1:9000\n' })).toHaveLength(1);
  });

  test("fastcgi_pass to a socket no modelled FastCGI server has: PHP-FPM's, not judged (libretime's pool file)", () => {
    const php = 'server {\n    listen 80;\n    location ~ \\.php$ {\n        fastcgi_pass unix:/run/app-legacy.sock;\n    }\n}\n';
    const gunicorn = 'bind = "unix:/run/app-api.sock"\n';
    expect(unreachable({ 'nginx/app.conf': php, 'gunicorn.conf.py': gunicorn })).toEqual([]);
    // A uWSGI that speaks FastCGI on another socket: the pass is judged, and reported.
    expect(unreachable({ 'nginx/app.conf': php, 'app.ini': '[uwsgi]\nfastcgi-socket = /run/other.sock\n' })).toHaveLength(1);
  });

  test("a worker class of the application's own: gunicorn's request-line limit is not assumed (libretime's UvicornWorker subclass)", () => {
    const nginx = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n';
    const infos = (workerClass: string) =>
      lintDiskTree({ 'nginx/app.conf': nginx, 'gunicorn.conf.py': `bind = "127.0.0.1:8000"\nworker_class = "${workerClass}"\n` }).filter(
        (f) => f.ruleId === 'header-size-backend',
      );
    expect(infos('app.workers.Worker')).toEqual([]);
    expect(infos('gthread')).toHaveLength(1);
  });

  test('hypercorn --bind unix:PATH serves that socket file, not another', () => {
    const uwsgi = '[uwsgi]\nhttp-socket = /run/app/other.sock\n';
    const same = { 'nginx/app.conf': SOCKET_NGINX, 'app.ini': uwsgi, Procfile: 'web: hypercorn --bind unix:/run/app/app.sock app:app\n' };
    expect(unreachable(same)).toEqual([]);
    const different = { ...same, Procfile: 'web: hypercorn --bind unix:/run/app/web.sock app:app\n' };
    expect(unreachable(different)).toHaveLength(1);
  });

  test('never judged: daphne behind an upstream keepalive gets no keep-alive finding', () => {
    const upstream =
      'upstream ws {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://ws;\n    }\n}\n';
    const findings = lintDiskTree({ 'nginx/app.conf': upstream, Procfile: 'ws: daphne -p 8000 app.asgi:application\n' });
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });
});

describe('unmodelled servers in --print-config and the graph', () => {
  const files = { 'nginx/app.conf': NGINX, 'gunicorn.conf.py': GUNICORN, Procfile: 'ws: daphne -p 8000 app.asgi:application\nnode: node server.js\n' };

  test('--print-config Procfile shows each as not modelled, with where it may listen', () => {
    const root = writeTree(files);
    const text = printConfig('Procfile', { paths: ['.'], cwd: root, config: {} });
    expect(text).toContain('daphne ws (not modelled: settings unknown, not judged)');
    expect(text).toMatch(/port 8000\s+Procfile:1/);
    expect(text).toContain('node node (not modelled: settings unknown, not judged)');
    expect(text).toMatch(/unknown \(it keeps its address in code or in a config file cfglint does not read\)\s+Procfile:2/);
  });

  test('the graph draws them as unknown, with an edge from the address they may serve', () => {
    const root = writeTree(files);
    const result = lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion: '1.24.0' });
    const graph = renderGraph(result.model, result.links, result.report.findings, 'mermaid');
    expect(graph).toContain('daphne ws<br/>not modelled: settings unknown<br/>port 8000');
    expect(graph).toContain('may be served by daphne: not modelled, not judged');
    // 127.0.0.1:8001 is gunicorn's: no edge from it to the unmodelled servers.
    const gunicornTarget = /(upstream\d+)\["127\.0\.0\.1:8001"\]/.exec(graph)![1];
    expect(graph).not.toMatch(new RegExp(`${gunicornTarget} -->\\|"may be served`));
  });
});

describe('graph edges to an unmodelled server follow the compose network, as links do', () => {
  // nginx in its own compose service, sending / to `target`; granian in service `web` on 8011.
  const tree = (target: string, web = '') => ({
    'compose.yaml': [
      'services:',
      '  nginx:',
      '    image: nginx:1.27',
      '    volumes:',
      '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf',
      '  web:',
      '    image: python:3.12',
      '    command: ["granian", "--interface", "wsgi", "--host", "0.0.0.0", "--port", "8011", "app.wsgi:application"]',
      web,
      '',
    ].join('\n'),
    'nginx/default.conf': `server {\n    listen 80;\n    location / {\n        proxy_pass http://${target};\n    }\n}\n`,
  });
  const edges = (files: Record<string, string>) => {
    const root = writeTree(files);
    const result = lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion: '1.24.0' });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid')
      .split('\n')
      .filter((line) => line.includes('may be served by granian'));
  };

  test('the service name at the port granian listens on: an edge', () => {
    expect(edges(tree('web:8011'))).toHaveLength(1);
    // Another port, or a name no service has: none.
    expect(edges(tree('web:8000'))).toEqual([]);
    expect(edges(tree('api:8011'))).toEqual([]);
  });

  test("loopback reaches granian only from its own network namespace: not from nginx's container", () => {
    // Each container has its own loopback: nginx's 127.0.0.1 is not web's.
    expect(edges(tree('127.0.0.1:8011'))).toEqual([]);
    // nginx sharing web's namespace (network_mode: service:web) reaches it there.
    const shared = tree('127.0.0.1:8011');
    shared['compose.yaml'] = shared['compose.yaml'].replace('  nginx:\n', '  nginx:\n    network_mode: service:web\n');
    expect(edges(shared)).toHaveLength(1);
  });
});

/**
 * `make TARGET` read through the tree's Makefile (ansible/awx's supervisord `make daphne` and
 * `make nginx`): GNU make runs each recipe line of the target,
 * prerequisites' first, in a shell of its own (GNU make manual, "Recipe Execution").
 */
describe('make targets read through the Makefile', () => {
  // upstream daphne on localhost:8051 (line 3, col 16); a host gunicorn on 9000 gives the rule something to compare with.
  const nginx = (port: number) =>
    `events {}\nhttp {\n    upstream daphne {\n        server localhost:${port};\n    }\n    server {\n        listen 80;\n        location /ws/ {\n            proxy_pass http://daphne;\n        }\n    }\n}\n`;
  const supervisor = '[supervisord]\nnodaemon=true\n\n[program:app-daphne]\ncommand = make daphne\n\n[program:app-nginx]\ncommand = make nginx\n';
  const makefile = 'daphne:\n\t@daphne -b 127.0.0.1 -p 8051 app.asgi:application\n\nnginx:\n\tnginx -g "daemon off;"\n';
  const tree = (extra: Record<string, string> = {}, port = 8051) => ({
    'nginx/nginx.conf': nginx(port),
    'supervisord.conf': supervisor,
    Makefile: makefile,
    'gunicorn.conf.py': 'bind = "127.0.0.1:9000"\n',
    ...extra,
  });
  const servedBy = (files: Record<string, string>) => {
    const root = writeTree(files);
    const result = lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion: '1.24.0' });
    return [...renderGraph(result.model, result.links, result.report.findings, 'mermaid').matchAll(/may be served by (\S+):/g)].map((match) => match[1]);
  };

  test("the daphne target's recipe serves 8051; the nginx target's starts nginx and serves nothing", () => {
    expect(servedBy(tree())).toEqual(['daphne']);
    expect(unreachable(tree())).toEqual([]);
  });

  test('no longer hidden: 8052, which neither recipe serves, is reported', () => {
    const findings = unreachable(tree({}, 8052));
    expect(findings.map((f) => [f.primary.file, f.primary.start.line])).toEqual([['nginx/nginx.conf', 4]]);
    expect(servedBy(tree({}, 8052))).toEqual([]);
  });

  test('a variable of the Makefile gives the port; the command line overrides it', () => {
    const withPort = (command: string) =>
      tree({
        Makefile: 'PORT := 8052\nBIND = 127.0.0.1\n\ndaphne:\n\tdaphne -b $(BIND) \\\n\t\t-p ${PORT} app.asgi:application\n',
        'supervisord.conf': `[program:app-daphne]\ncommand = ${command}\n`,
      });
    expect(servedBy(withPort('make daphne'))).toEqual([]);
    expect(unreachable(withPort('make daphne'))).toHaveLength(1);
    // `make daphne PORT=8051`: the command line's value wins over the file's.
    expect(servedBy(withPort('make daphne PORT=8051'))).toEqual(['daphne']);
    expect(unreachable(withPort('make daphne PORT=8051'))).toEqual([]);
  });

  test("`?=` gives its value unless the launch's environment sets the name (as compose's ${VAR:-default}); after an include, unknown", () => {
    const withMakefile = (text: string, environment = '') =>
      tree({ Makefile: text, 'supervisord.conf': `[program:app-daphne]\ncommand = make daphne\n${environment}` });
    const daphne = 'daphne:\n\tdaphne -p $(PORT) app.asgi:application\n';
    // make alone: `?=` sets PORT, daphne listens on 8052 and the upstream's 8051 is unreachable.
    expect(servedBy(withMakefile(`PORT ?= 8052\n${daphne}`))).toEqual([]);
    expect(unreachable(withMakefile(`PORT ?= 8052\n${daphne}`))).toHaveLength(1);
    expect(servedBy(withMakefile(`PORT ?= 8051\n${daphne}`))).toEqual(['daphne']);
    // The environment supervisord gives make wins over `?=`, and yields to `:=`.
    expect(servedBy(withMakefile(`PORT ?= 8052\n${daphne}`, 'environment = PORT="8051"\n'))).toEqual(['daphne']);
    expect(servedBy(withMakefile(`PORT := 8052\n${daphne}`, 'environment = PORT="8051"\n'))).toEqual([]);
    expect(servedBy(withMakefile(daphne, 'environment = PORT="8051"\n'))).toEqual(['daphne']);
    // An included file may set PORT first: daphne runs, on a port not known.
    expect(servedBy(withMakefile(`include local.mk\nPORT ?= 8052\n${daphne}`))).toEqual(['daphne']);
  });

  test('variables read in order as make reads them: the last `=` wins, `+=` appends; a conditional one stays unknown', () => {
    const withMakefile = (head: string, args = '$(ARGS)') =>
      tree({ Makefile: `${head}daphne:\n\tdaphne ${args} app.asgi:application\n`, 'supervisord.conf': '[program:app-daphne]\ncommand = make daphne\n' });
    expect(servedBy(withMakefile('ARGS = -p 8051\nARGS = -p 8052\n'))).toEqual([]);
    expect(servedBy(withMakefile('ARGS = -p 8052\nARGS = -p 8051\n'))).toEqual(['daphne']);
    expect(servedBy(withMakefile('ARGS = -p\nARGS += 8052\n'))).toEqual([]);
    expect(unreachable(withMakefile('ARGS = -p\nARGS += 8052\n'))).toHaveLength(1);
    // make -p 8052, PROD=1 make -p 8051: the port is not known.
    expect(servedBy(withMakefile('PORT = 8052\nifdef PROD\nPORT = 8051\nendif\n', '-p $(PORT)'))).toEqual(['daphne']);
  });

  test('what the Makefile does not give plainly is unknown: a program from a function, a target it lacks', () => {
    const withMakefile = (text: string) => tree({ Makefile: text, 'supervisord.conf': '[program:app-daphne]\ncommand = make daphne\n' });
    // What runs is not known: make stays what it was, any server.
    expect(servedBy(withMakefile('PYTHON := $(shell command -v python3)\ndaphne:\n\t$(PYTHON) -m daphne app.asgi:application\n'))).toEqual(['make']);
    expect(servedBy(withMakefile('PYTHON := $(shell command -v python3)\ndaphne:\n\t$(PYTHON) -m daphne app.asgi:application\n'))).toEqual(['make']);
    expect(servedBy(withMakefile('web:\n\tdaphne -p 8051 app.asgi:application\n'))).toEqual(['make']);
    // A variable the file gives is put in: python3 -m daphne on its default port 8000, not 8051.
    expect(servedBy(withMakefile('PYTHON := python3\ndaphne:\n\t$(PYTHON) -m daphne app.asgi:application\n'))).toEqual([]);
  });

  test("prerequisites run first; an unknown one before a goal that serves is no server (awx's collectstatic before uwsgi)", () => {
    const prerequisite =
      'PYTHON := $(shell which python3)\nstatic:\n\t$(PYTHON) manage.py collectstatic\ndaphne: static\n\tdaphne -p 8051 app.asgi:application\n';
    expect(servedBy(tree({ Makefile: prerequisite, 'supervisord.conf': '[program:d]\ncommand = make daphne\n' }))).toEqual(['daphne']);
    // A goal with no recipe of its own serves what its prerequisite's recipe starts.
    const alias = 'serve: daphne\ndaphne:\n\tdaphne -p 8051 app.asgi:application\n';
    expect(servedBy(tree({ Makefile: alias, 'supervisord.conf': '[program:d]\ncommand = make serve\n' }))).toEqual(['daphne']);
  });

  test("on a host, the nearest Makefile above the config that defines the target (awx's tools/docker-compose/supervisor.conf)", () => {
    const files = tree({ 'supervisord.conf': '', 'tools/supervisor.conf': supervisor, 'tools/Makefile': 'other:\n\techo\n' });
    expect(servedBy(files)).toEqual(['daphne']);
  });

  test("allegro/ralph: an image whose make goals come from `docker run` may be any server, like any image's unknown command", () => {
    const files = {
      'nginx/app.conf': 'server {\n   listen 80;\n   location / {\n        proxy_pass  http://127.0.0.1:8000;\n   }\n}\n',
      'systemd/app.service': '[Service]\nExecStart=/usr/bin/gunicorn -b 127.0.0.1:9000 app:app\n[Install]\nWantedBy=multi-user.target\n',
      'docker/Dockerfile-deb': 'FROM ubuntu:bionic\nCOPY . /opt/ralph\nWORKDIR /opt/ralph\nENTRYPOINT ["make", "-f", "Makefile.docker"]\n',
    };
    const flagged = (extra: Record<string, string>) => unreachable({ ...files, ...extra }).map((f) => [f.ruleId, f.primary.file, f.primary.start.line]);
    // The goal is what `docker run` adds, which the tree does not hold: silent, as before.
    expect(flagged({})).toEqual([]);
    // Without the image, nothing may serve 8000.
    expect(unreachable({ ...files, 'docker/Dockerfile-deb': 'FROM ubuntu:bionic\n' }).map((f) => f.primary.start.line)).toEqual([4]);
  });
});

/**
 * A socket file is the same file only where the path is: the same host or container, or a
 * directory both containers mount. Compose's named volumes are in no tree file, so a service of
 * nginx's own project may share one; another project's service cannot (Kiwi TCMS's
 * `tests/bugzilla` httpd behind its `uwsgi_pass unix:/tmp/kiwitcms.sock`).
 */
describe("a socket file is reached only from a process that shares the socket's path", () => {
  const uwsgiNginx =
    'events {}\nhttp {\n    server {\n        listen 8443;\n        location / {\n            uwsgi_pass unix:/tmp/app.sock;\n        }\n    }\n}\n';
  const kiwi = {
    'etc/nginx.conf': uwsgiNginx,
    // The tree's uWSGI listens on another socket: the address nginx names is unserved.
    'etc/uwsgi.ini': '[uwsgi]\nmodule = app.wsgi:application\nsocket = /tmp/other.sock\n',
    'tests/bugzilla/docker-compose.yml': 'services:\n  tracker:\n    build: .\n',
    'tests/bugzilla/Dockerfile': 'FROM fedora:43\nCMD /usr/sbin/httpd -DFOREGROUND\n',
  };
  const graphOf = (files: Record<string, string>) => {
    const root = writeTree(files);
    const result = lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion: '1.24.0' });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };

  test("Kiwi TCMS: httpd in another compose project's container does not serve nginx's socket: reported, no edge", () => {
    expect(unreachable(kiwi).map((f) => [f.primary.file, f.primary.start.line])).toEqual([['etc/nginx.conf', 6]]);
    expect(graphOf(kiwi)).not.toContain('may be served by httpd');
  });

  test('the same httpd started on the host (a Procfile) may serve it: silent, an edge', () => {
    const host = { ...kiwi, Procfile: 'web: httpd -DFOREGROUND\n' };
    delete (host as Record<string, string>)['tests/bugzilla/docker-compose.yml'];
    delete (host as Record<string, string>)['tests/bugzilla/Dockerfile'];
    expect(unreachable(host)).toEqual([]);
    expect(graphOf(host)).toContain('may be served by httpd');
  });

  // nginx in service `nginx` and daphne in service `web` of one project, the socket's directory in a named volume both mount.
  const project = (dir: string, daphneDir: string) => ({
    [`${dir}compose.yaml`]: [
      'services:',
      '  nginx:',
      '    image: nginx:1.27',
      '    volumes:',
      '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf',
      '      - sock:/run/app',
      'volumes:',
      '  sock: {}',
      '',
    ].join('\n'),
    [`${dir}nginx/default.conf`]: 'server {\n    listen 80;\n    location / {\n        proxy_pass http://unix:/run/app/app.sock:;\n    }\n}\n',
    [`${daphneDir}compose.override.yaml`]: [
      'services:',
      '  web:',
      '    image: python:3.12',
      '    command: ["daphne", "-u", "/run/app/app.sock", "app.asgi:application"]',
      '    volumes:',
      '      - sock:/run/app',
      'volumes:',
      '  sock: {}',
      '',
    ].join('\n'),
    // A modelled server of the tree on another socket: the rule has something to compare with.
    'uwsgi.ini': '[uwsgi]\nhttp-socket = /run/app/other.sock\n',
  });

  test('a service of the same compose project (a shared volume) may serve it: silent, an edge', () => {
    const files = project('', '');
    expect(unreachable(files)).toEqual([]);
    expect(graphOf(files)).toContain('may be served by daphne');
  });

  test("another compose project's service cannot: reported, no edge", () => {
    const files = project('', 'other/');
    expect(unreachable(files).map((f) => f.primary.file)).toEqual(['nginx/default.conf']);
    expect(graphOf(files)).not.toContain('may be served by daphne');
  });
});

/**
 * nginx sending to a port one of its own server blocks listens on (BigBlueButton's
 * `proxy_pass http://127.0.0.1:8185` to its `listen 127.0.0.1:8185`): nginx serves it. An image
 * that does not hold nginx's files, while another container runs them, has a loopback of its own.
 */
describe("an address nginx's own server block listens on is nginx's", () => {
  const selfLoop = (listen: string, api = '127.0.0.1:8185') =>
    `server {\n  listen 80;\n  location /api/rest/ {\n    proxy_pass http://${api};\n  }\n}\nserver {\n  listen ${listen};\n  location / {\n    return 200;\n  }\n}\n`;
  // A host gunicorn on 9000 gives the rule something to compare with.
  const tree = (listen: string, api?: string) => ({ 'nginx/default.conf': selfLoop(listen, api), 'gunicorn.conf.py': 'bind = "127.0.0.1:9000"\n' });
  const graphOf = (files: Record<string, string>) => {
    const root = writeTree(files);
    const result = lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion: '1.24.0' });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };

  test('listen 127.0.0.1:8185, listen 8185 (every IPv4 address): served, silent, an edge to that server', () => {
    expect(unreachable(tree('127.0.0.1:8185'))).toEqual([]);
    expect(unreachable(tree('8185'))).toEqual([]);
    expect(unreachable(tree('127.0.0.1:8185', 'localhost:8185'))).toEqual([]);
    const graph = graphOf(tree('127.0.0.1:8185'));
    const own = /(server\d+)\["server<br\/>listen 127\.0\.0\.1:8185"\]/.exec(graph)![1];
    expect(graph).toMatch(new RegExp(`upstream\\d+ -->\\|"this nginx#39;s own server listens here"\\| ${own}`));
  });

  test('another port, or [::]:8185 (IPv6 only: ipv6only is on by default), does not serve 127.0.0.1:8185: reported', () => {
    expect(unreachable(tree('127.0.0.1:8186'))).toHaveLength(1);
    expect(unreachable(tree('[::]:8185'))).toHaveLength(1);
    expect(unreachable(tree('10.0.0.5:8185'))).toHaveLength(1);
  });

  test("a conf.d file of another directory is another nginx's: reported", () => {
    const files = {
      'nginx/default.conf': selfLoop('127.0.0.1:8186'),
      'other/default.conf': 'server {\n  listen 127.0.0.1:8185;\n  location / {\n    return 200;\n  }\n}\n',
      'gunicorn.conf.py': 'bind = "127.0.0.1:9000"\n',
    };
    expect(unreachable(files)).toHaveLength(1);
  });

  test("BigBlueButton: no edge to an image's npm beside nginx's own server", () => {
    const files = { ...tree('127.0.0.1:8185'), 'exporter/Dockerfile': 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["npm", "start"]\n' };
    const graph = graphOf(files);
    expect(graph).not.toContain('may be served by npm');
    expect(graph).toContain('this nginx#39;s own server listens here');
  });

  test("an image's node is off the loopback of nginx run by a compose container: no edge; silent either way", () => {
    const files = {
      'nginx/default.conf': selfLoop('127.0.0.1:8186', '127.0.0.1:3000'),
      'gunicorn.conf.py': 'bind = "127.0.0.1:9000"\n',
      'exporter/Dockerfile': 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n',
    };
    // nginx's place is not known: `docker run -p 3000:3000` may publish node's port on its host.
    expect(unreachable(files)).toEqual([]);
    const composed = {
      ...files,
      'compose.yaml': 'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n',
    };
    // nginx's own container (nginx:1.27, the site mounted) holds no listener of the tree: the
    // gunicorn.conf.py nothing starts is not in it, so nothing is named as what listens there.
    expect(unreachable(composed)).toEqual([]);
    expect(graphOf(composed)).not.toContain('may be served by node');
  });
});

describe('a JVM application cfglint does not model (java -jar, java -cp … Main) may serve any port it reaches', () => {
  // The tester's tree: systemd runs gunicorn on 127.0.0.1:8000 and `java -jar` with no Spring
  // setting; nginx sends / to 127.0.0.1:8080 (line 3, col 27) and /py/ to gunicorn.
  const site = 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:8080; }\n  location /py/ { proxy_pass http://127.0.0.1:8000; }\n}\n';
  const base = {
    'deploy/app.conf': site,
    'deploy/py.service': '[Service]\nExecStart=/usr/bin/gunicorn app:app --bind 127.0.0.1:8000\nRestart=always\n[Install]\nWantedBy=multi-user.target\n',
    'deploy/nginx.service': "[Service]\nExecStart=/usr/sbin/nginx -g 'daemon off;'\nRestart=always\n",
  };
  const unit = (execStart: string) => `[Unit]\nDescription=app\n[Service]\nExecStart=${execStart}\nRestart=always\n[Install]\nWantedBy=multi-user.target\n`;
  const at = (findings: ReturnType<typeof unreachable>) => findings.map((f) => `${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);

  test('java -jar on the same host: 127.0.0.1:8080 may be it, silent; without the unit, reported', () => {
    expect(unreachable({ ...base, 'deploy/app.service': unit('/usr/bin/java -jar /opt/app/app.jar') })).toEqual([]);
    expect(at(unreachable(base))).toEqual(['deploy/app.conf:3:27']);
  });

  test('java -cp with a main class is one too; java -version runs nothing and serves nothing', () => {
    expect(unreachable({ ...base, 'deploy/app.service': unit('/usr/bin/java -Xmx512m -cp /opt/app/lib/* com.example.Main') })).toEqual([]);
    expect(at(unreachable({ ...base, 'deploy/app.service': unit('/usr/bin/java -version') }))).toEqual(['deploy/app.conf:3:27']);
  });

  test('a Spring Boot application of the tree that the launch runs keeps its own port: 8081 does not serve 8080', () => {
    const spring = { ...base, 'src/main/resources/application.properties': 'server.port=8081\n', Procfile: 'web: java -jar target/app.jar\n' };
    // The Procfile's jar is the application's build output (target/), so the launch is tied to it.
    const backend = readDiskTree(spring).model.backends.find((candidate) => candidate.kind === 'spring-boot');
    expect(backend?.launchedBy?.map((launch) => launch.file)).toEqual(['Procfile']);
    const findings = unreachable(spring);
    expect(at(findings)).toEqual(['deploy/app.conf:3:27']);
    // Spring Boot binds every address unless server.address says otherwise.
    expect(findings[0].message).toContain('0.0.0.0:8081 (Spring Boot server.port');
    // Spring settings on the jar's own command line make it Spring Boot too (server.port=8081).
    const configured = { ...base, 'deploy/app.service': unit('/usr/bin/java -jar /opt/app/app.jar --server.port=8081') };
    expect(at(unreachable(configured))).toEqual(['deploy/app.conf:3:27']);
  });

  test('a Spring Boot application of the tree that no launch is tied to may be what java -jar runs: its port stands, reported as before', () => {
    const files = {
      ...base,
      'app/src/main/resources/application.properties': 'server.port=8081\n',
      'deploy/app.service': unit('/usr/bin/java -jar /opt/app/app.jar'),
    };
    expect(at(unreachable(files))).toEqual(['deploy/app.conf:3:27']);
  });

  test("Tomcat's Bootstrap with the tree's server.xml is Tomcat: its connector's port stands", () => {
    const serverXml =
      '<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8081" protocol="HTTP/1.1"/>\n    <Engine name="Catalina" defaultHost="localhost"/>\n  </Service>\n</Server>\n';
    const tomcat = {
      ...base,
      'conf/server.xml': serverXml,
      'deploy/app.service': unit('/usr/bin/java -cp /opt/tomcat/bin/bootstrap.jar org.apache.catalina.startup.Bootstrap start'),
    };
    expect(at(unreachable(tomcat))).toEqual(['deploy/app.conf:3:27']);
  });

  test("a java compose service without published ports is off the host's loopback: reported", () => {
    const files = { ...base, 'compose.yaml': 'services:\n  api:\n    image: eclipse-temurin:21\n    command: ["java", "-jar", "/app/app.jar"]\n' };
    expect(at(unreachable(files))).toEqual(['deploy/app.conf:3:27']);
  });
});

describe('a command whose result the script uses runs to completion: a tool, not a server', () => {
  // DefectDojo's docker/entrypoint-integration-tests.sh, cut down: the tests container runs a
  // script; nginx sends /t/ to tests:9000 (line 5, col 31), where nothing in the tree listens.
  const site = 'server {\n  listen 80;\n  location / { proxy_pass http://app:8000; }\n  location /t/ {\n    proxy_pass http://tests:9000;\n  }\n}\n';
  const tree = (script: string) => ({
    'nginx/nginx.conf': `events {}\nhttp {\n${site}}\n`,
    'compose.yaml':
      'services:\n  nginx:\n    image: nginx:1.24\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n' +
      '  app:\n    build: .\n    command: ["gunicorn", "-b", "0.0.0.0:8000", "app:wsgi"]\n' +
      '  tests:\n    build: .\n    entrypoint: ["/check.sh"]\n',
    Dockerfile: 'FROM python:3.12-slim\nCOPY check.sh /check.sh\n',
    'check.sh': `#!/bin/sh\n${script}\n`,
  });
  const programs = (script: string) =>
    unmodelledServers(readDiskTree(tree(script)).model).map((server) => `${server.program} ${server.launch.span.file}:${server.launch.span.start.line}`);
  const graphOf = (script: string) => {
    const result = lintSync({ paths: ['.'], cwd: writeTree(tree(script)), config: {}, nginxVersion: '1.24.0' });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };
  const validate = 'java -jar /usr/local/bin/openapi-generator-cli.jar validate -i "$DD_BASE_URL/api/v2/oa3/schema/?format=json" --recommend';

  test("an `if` or `elif` condition (DefectDojo's openapi-generator validate), negated or not: no server, nothing may serve tests:9000", () => {
    expect(programs(`if ${validate}; then\n  echo ok\nelse\n  exit 1\nfi`)).toEqual([]);
    expect(programs(`if [ -n "$X" ]; then\n  echo skip\nelif ! ${validate}; then\n  exit 1\nfi`)).toEqual([]);
    expect(graphOf(`if ${validate}; then\n  echo ok\nfi`)).not.toContain('may be served by java');
    // The same jar run for good is one, and may serve tests:9000.
    expect(programs('exec java -jar /app/app.jar')).toEqual(['java check.sh:2']);
    expect(graphOf('exec java -jar /app/app.jar')).toContain('may be served by java');
  });

  test('inside $(…) or backticks: no server', () => {
    expect(programs('x=$(java -jar tool.jar)\necho "$x"')).toEqual([]);
    expect(programs('echo "version: `java -jar tool.jar --version`"')).toEqual([]);
  });

  test("output piped into a command that uses it (kartoza/docker-geoserver's make_hash): no server", () => {
    const makeHash =
      'make_hash(){\n    (echo "digest1:" && java -classpath $(find "$2" -name "jasypt-*.jar") org.jasypt.intf.cli.JasyptStringDigestCLI digest.sh algorithm=SHA-256 input="$1" verbose=0) | tr -d \'\\n\'\n}\nHASH=$(make_hash "$PASSWORD" /opt/geoserver)';
    expect(programs(makeHash)).toEqual([]);
    expect(programs('java -cp /opt/tool.jar com.example.Export | jq .version')).toEqual([]);
    expect(programs('{ java -jar /app/report.jar; } 2>&1 | grep -c ERROR')).toEqual([]);
  });

  test('output piped into a log sink is still a server: tee, logger, multilog, a line-buffered grep; a loop reading it says nothing', () => {
    expect(programs('java -jar /app/app.jar | tee -a /var/log/app.log')).toEqual(['java check.sh:2']);
    expect(programs('exec java -jar /app/app.jar 2>&1 | logger -t app')).toEqual(['java check.sh:2']);
    expect(programs('java -jar /app/app.jar 2>&1 | multilog t ./main')).toEqual(['java check.sh:2']);
    expect(programs('java -jar /app/app.jar | grep --line-buffered -v /health')).toEqual(['java check.sh:2']);
    expect(programs('java -jar /app/app.jar | while read -r line; do echo "[app] $line"; done')).toEqual(['java check.sh:2']);
    // A group's output into a sink: the server in it still serves.
    expect(programs('( cd /app && java -jar app.jar ) | tee /var/log/app.log')).toEqual(['java check.sh:2']);
    // Its own output into a file: the pipe reads the group's other command only.
    expect(programs('{ echo start; java -jar /app/app.jar > /var/log/app.log; } | tr a-z A-Z')).toEqual(['java check.sh:2']);
  });

  test('a loop condition is still a server: `until SERVER; do sleep 1; done` restarts it when it fails', () => {
    expect(programs('until java -jar /app/app.jar; do\n  sleep 1\ndone')).toEqual(['java check.sh:2']);
  });

  test('a `sh -c` string: its server, not a tool whose output it uses', () => {
    const compose = (command: string) => ({
      ...tree('true'),
      'compose.yaml': `services:\n  tests:\n    image: eclipse-temurin:21\n    command: ["sh", "-c", ${JSON.stringify(command)}]\n`,
    });
    const of = (command: string) => unmodelledServers(readDiskTree(compose(command)).model).map((server) => server.program);
    expect(of('java -jar tool.jar --version | head -1 && exec sleep infinity')).toEqual([]);
    expect(of('java -jar app.jar 2>&1 | tee /tmp/app.log')).toEqual(['java']);
  });
});
