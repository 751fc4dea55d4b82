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
