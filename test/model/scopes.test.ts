/**
 * Deployment scopes: trees written to disk and linted by the real engine, so that the readers,
 * the linker and the rules are judged together (no model is built by hand here).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lintSync } from '../../src/engine/run';
import type { CfglintConfig } from '../../src/engine/config';
import { writeFiles } from '../disk-tree';
import { NGINX_KEEPALIVE_UPSTREAM } from '../nginx-fixtures';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-scopes-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function lintTree(name: string, files: Record<string, string>, config: CfglintConfig = {}) {
  const root = writeFiles(path.join(work, name), files);
  const { report } = lintSync({ paths: ['.'], cwd: root, config });
  return {
    findings: report.findings
      .filter((f) => f.severity !== 'info' || f.ruleId.startsWith('upstream-'))
      .map((f) => `${f.severity} ${f.ruleId} ${f.primary.file}:${f.primary.start.line}`),
    links: report.links.map(
      (l) => `${l.nginx.span.file} -> ${l.backend.name} [${l.scope}]${l.alternatives.length ? ` or ${l.alternatives.map((a) => a.name).join(', ')}` : ''}`,
    ),
  };
}

/** gthread keeps idle connections `keepalive` seconds: 2 by default, under nginx's 60. */
const GUNICORN_SHORT = 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\n';
/** 75 s outlasts nginx's 60 s: no race. */
const GUNICORN_LONG = 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nkeepalive = 75\n';

describe('environments side by side', () => {
  const envs = {
    'envs/staging/nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM,
    'envs/staging/gunicorn.conf.py': GUNICORN_SHORT,
    'envs/prod/nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM,
    'envs/prod/gunicorn.conf.py': GUNICORN_LONG,
  };

  test('each nginx is judged against the gunicorn of its own environment only', () => {
    const { findings, links } = lintTree('envs', envs);
    expect(links).toEqual([
      "envs/prod/nginx/app.conf -> envs/prod/gunicorn.conf.py [one host's loopback (files under envs/prod/)]",
      "envs/staging/nginx/app.conf -> envs/staging/gunicorn.conf.py [one host's loopback (files under envs/staging/)]",
    ]);
    // With no keepalive_timeout in the upstream, the finding points at its `keepalive 16;` (line 3).
    expect(findings).toEqual(['error upstream-keepalive-timeout envs/staging/nginx/app.conf:3']);
  });

  test('declared deployments keep an nginx from a backend of another one, however close', () => {
    // staging has no backend of its own; without `deployments` prod's would be the closest.
    const { staging, prodOnly } = {
      staging: { 'envs/staging/nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM },
      prodOnly: { 'envs/prod/gunicorn.conf.py': GUNICORN_SHORT },
    };
    const undeclared = lintTree('declared-a', { ...staging, ...prodOnly });
    expect(undeclared.links).toEqual(["envs/staging/nginx/app.conf -> envs/prod/gunicorn.conf.py [one host's loopback (files under envs/)]"]);
    const declared = lintTree('declared-b', { ...staging, ...prodOnly }, { deployments: ['envs/*'] });
    expect(declared.links).toEqual([]);
    // Nor is prod's gunicorn "what listens instead": staging's backend is not in the tree.
    expect(declared.findings).toEqual([]);
  });

  test('a deployments entry with a wildcard inside is a configuration error', () => {
    expect(() => lintTree('declared-c', { 'a.conf': 'events {}\n' }, { deployments: ['envs/*/app'] })).toThrow(/deployments\[0\].*may only end in "\/\*"/);
  });
});

describe('alternatives: the tree does not say which backend runs', () => {
  // netbox's layout: one nginx, and gunicorn or uWSGI for the same address, "use one or the other".
  const contrib = {
    'contrib/nginx.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8001;\n    }\n}\n',
    'contrib/gunicorn.py': 'bind = "127.0.0.1:8001"\nworkers = 5\n',
    'contrib/uwsgi.ini': '[uwsgi]\nsocket = 127.0.0.1:8001\nmodule = netbox.wsgi\n',
  };

  test('a problem of one alternative only is info, and says why', () => {
    const { findings, links } = lintTree('alternatives', contrib);
    expect(links).toEqual([
      // A uWSGI backend is named by its file's base name.
      "contrib/nginx.conf -> contrib/gunicorn.py [one host's loopback (files under contrib/)] or uwsgi.ini",
    ]);
    // proxy_pass speaks HTTP; uWSGI's `socket` speaks the uwsgi protocol; gunicorn speaks HTTP.
    expect(findings).toEqual(['info upstream-protocol-mismatch contrib/nginx.conf:4']);
    const { report } = lintSync({ paths: ['.'], cwd: path.join(work, 'alternatives'), config: {} });
    const mismatch = report.findings.find((f) => f.ruleId === 'upstream-protocol-mismatch')!;
    expect(mismatch.message).toContain('(if this backend is the one that runs)');
    expect(mismatch.help).toContain('2 equally close backends');
  });

  test('a problem every alternative has keeps its severity', () => {
    const { findings } = lintTree('alternatives-both', {
      'contrib/nginx.conf': 'server {\n    listen 80;\n    location / {\n        uwsgi_pass 127.0.0.1:8001;\n    }\n}\n',
      'contrib/gunicorn.py': 'bind = "127.0.0.1:8001"\n',
      'contrib/uwsgi.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8001\n',
    });
    // uwsgi_pass speaks the uwsgi protocol to two HTTP servers: wrong whichever runs.
    expect(findings).toEqual(['error upstream-protocol-mismatch contrib/nginx.conf:4']);
  });

  test("one the tree starts wins over a config file nothing starts (netbox's netbox.service runs gunicorn)", () => {
    const unit = '[Unit]\nDescription=NetBox\n\n[Service]\nExecStart=/opt/netbox/venv/bin/gunicorn --config /opt/netbox/gunicorn.py netbox.wsgi\n';
    const { links, findings } = lintTree('started', { ...contrib, 'contrib/netbox.service': unit });
    // The backend goes by the unit that starts it.
    expect(links).toEqual(["contrib/nginx.conf -> netbox.service [one host's loopback (files under contrib/)]"]);
    // uwsgi.ini's uwsgi-protocol socket is no longer a possible backend of proxy_pass.
    expect(findings).toEqual([]);
    // The uWSGI line commented out, started instead: uWSGI is the backend, and HTTP to its socket is an error.
    const swapped = unit.replace(
      'ExecStart=/opt/netbox/venv/bin/gunicorn --config /opt/netbox/gunicorn.py netbox.wsgi',
      'ExecStart=/opt/netbox/venv/bin/uwsgi --ini /opt/netbox/uwsgi.ini',
    );
    expect(lintTree('started-uwsgi', { ...contrib, 'contrib/netbox.service': swapped }).findings).toEqual([
      'error upstream-protocol-mismatch contrib/nginx.conf:4',
    ]);
  });

  test('a closer backend is no alternative', () => {
    const { 'contrib/uwsgi.ini': uwsgi, ...rest } = contrib;
    // uWSGI moved one directory further away than gunicorn.
    const { links, findings } = lintTree('closer', { ...rest, 'contrib/legacy/uwsgi.ini': uwsgi });
    expect(links).toEqual(["contrib/nginx.conf -> contrib/gunicorn.py [one host's loopback (files under contrib/)]"]);
    expect(findings).toEqual([]);
  });
});

describe('one image run by several compose projects (Kiwi TCMS)', () => {
  // The image holds nginx and uWSGI configs and a start script that runs both in one container;
  // the root compose project runs it, and so does each test project.
  const kiwi = (testProjects: number): Record<string, string> => {
    const files: Record<string, string> = {
      '.github/workflows/push.yml':
        'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -t kiwitcms/kiwi:latest .\n',
      Dockerfile: 'FROM python:3.12\nCOPY ./etc/*.conf /Kiwi/etc/\nCOPY ./start.sh /start.sh\nCMD /start.sh\n',
      'start.sh': '#!/bin/bash\n/usr/sbin/nginx -c /Kiwi/etc/nginx.conf\nexec /venv/bin/uwsgi --ini /Kiwi/etc/uwsgi.conf\n',
      'etc/nginx.conf': [
        'events {}',
        'http {',
        '    upstream kiwitcms {',
        '        server unix:///tmp/kiwitcms.sock;',
        '    }',
        '    server {',
        '        listen 8443;',
        '        location / {',
        '            include /etc/nginx/uwsgi_params;',
        '            uwsgi_pass kiwitcms;',
        '        }',
        '    }',
        '}',
        '',
      ].join('\n'),
      // buffer-size (line 3) set below nginx's default 4 x 8k: a warning, not the defaults-only info.
      'etc/uwsgi.conf': '[uwsgi]\nsocket = /tmp/kiwitcms.sock\nbuffer-size = 8192\nmodule = tcms.wsgi:application\n',
      'docker-compose.yml': 'services:\n  web:\n    image: kiwitcms/kiwi:latest\n    ports:\n      - 443:8443\n',
    };
    for (let i = 1; i <= testProjects; i++) files[`tests/t${i}/docker-compose.yml`] = 'services:\n  web:\n    image: kiwitcms/kiwi:latest\n';
    return files;
  };
  /** A test project whose command runs the image's uWSGI with one more option after the ini (uWSGI applies options in order: the later wins). */
  const runsWith = (option: string) =>
    `services:\n  web:\n    image: kiwitcms/kiwi:latest\n    command: /venv/bin/uwsgi --ini /Kiwi/etc/uwsgi.conf ${option}\n`;
  const headerSize = (root: string) =>
    lintSync({ paths: ['.'], cwd: root, config: {} })
      .report.findings.filter((f) => f.ruleId === 'header-size-backend')
      .map((f) => `${f.severity} ${f.primary.file}:${f.primary.start.line}`);

  test('five test projects running the same config are one backend: linked, and its warning shown once', () => {
    const { links, findings } = lintTree('kiwi-5', kiwi(5));
    expect(links).toEqual(["etc/nginx.conf -> web [one host's loopback (files under etc/)]"]);
    // nginx admits 4 x 8k = 32768 bytes of request line and headers; uWSGI's buffer is 8192.
    expect(findings).toEqual(['warning header-size-backend etc/uwsgi.conf:3']);
  });

  test('one test project that sets another buffer-size leaves it open which runs: info', () => {
    const { links } = lintTree('kiwi-other', { ...kiwi(5), 'tests/t5/docker-compose.yml': runsWith('--buffer-size 65535') });
    expect(links).toEqual(["etc/nginx.conf -> web [one host's loopback (files under etc/)] or web"]);
    // 65535 bytes hold all nginx admits: the finding holds for one of the two configs only.
    expect(headerSize(path.join(work, 'kiwi-other'))).toEqual(['info etc/uwsgi.conf:3']);
  });

  test('a test project that runs uWSGI as another user owns the socket otherwise: two alternatives', () => {
    // With chmod-socket, the socket's owner is the user uWSGI runs as (compose `user:`), which the socket rule judges.
    const files: Record<string, string> = { ...kiwi(5), 'etc/uwsgi.conf': kiwi(0)['etc/uwsgi.conf'] + 'chmod-socket = 660\n' };
    files['tests/t5/docker-compose.yml'] += '    user: nobody\n';
    expect(lintTree('kiwi-user', files).links).toEqual(["etc/nginx.conf -> web [one host's loopback (files under etc/)] or web"]);
  });

  test('more than four different configs on the socket link nothing, as before', () => {
    const files = kiwi(5);
    for (let i = 1; i <= 5; i++) files[`tests/t${i}/docker-compose.yml`] = runsWith(`--buffer-size ${4096 * i}`);
    expect(lintTree('kiwi-six', files).links).toEqual([]);
    expect(headerSize(path.join(work, 'kiwi-six'))).toEqual([]);
  });

  test('the same text in five config files is five configs: no link (four are linked, as alternatives)', () => {
    const nginx = 'server {\n    listen 80;\n    location / {\n        uwsgi_pass unix:/tmp/app.sock;\n    }\n}\n';
    const uwsgi = '[uwsgi]\nsocket = /tmp/app.sock\nbuffer-size = 8192\n';
    const configs = (names: string[]) => Object.fromEntries(names.map((name) => [`contrib/${name}.ini`, uwsgi]));
    expect(lintTree('same-text-5', { 'contrib/nginx.conf': nginx, ...configs(['a', 'b', 'c', 'd', 'e']) }).links).toEqual([]);
    expect(lintTree('same-text-4', { 'contrib/nginx.conf': nginx, ...configs(['a', 'b', 'c', 'd']) }).links).toEqual([
      "contrib/nginx.conf -> a.ini [one host's loopback (files under contrib/)] or b.ini, c.ini, d.ini",
    ]);
  });
});

describe('network namespaces', () => {
  test("a host's loopback does not reach a Kubernetes pod", () => {
    const { links, findings } = lintTree('vm-and-pod', {
      'vm/nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM,
      'k8s/deployment.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        'spec:',
        '  selector: { matchLabels: { app: web } }',
        '  template:',
        '    metadata: { labels: { app: web } }',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: example/web:1',
        '          command: ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "app:app"]',
        '',
      ].join('\n'),
    });
    expect(links).toEqual([]);
    expect(findings).toEqual([]);
  });
});
