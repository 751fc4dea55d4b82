/**
 * Each nginx config is judged by the nginx that runs it: the image of the compose service that
 * mounts it (or builds an image that COPYs it), or of the Dockerfile stage that COPYs it. Trees
 * are written to disk and read by the real engine, with no --nginx-version unless a case sets one.
 *
 * The expectations follow nginx and gunicorn: from nginx 1.29.7 an `upstream` keeps idle
 * connections by default (keepalive 32, keepalive_timeout 60s; docs/servers/nginx.md), up to
 * 1.29.6 it keeps none; gunicorn's gevent worker closes an idle connection after `keepalive`, 2s by
 * default (gunicorn/config.py Keepalive). So the same site warns on nginx ≥ 1.29.7 and is clean on
 * 1.24. `http2 on;` is a directive from nginx 1.25.1 (CHANGES 1.25.1); `proxy_http_version 2` is
 * accepted from 1.29.4.
 */
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import { writeTree } from '../disk-tree';
import { brief, lint, NGINX_CONF } from './nginx-version-site';

/** A compose project `dir` whose nginx service runs `image` with NGINX_CONF mounted, in front of gunicorn's gevent worker. */
function composeSite(dir: string, image: string): Record<string, string> {
  return {
    [`${dir}/docker-compose.yml`]: `services:\n  app:\n    build: .\n  nginx:\n    image: ${image}\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf\n`,
    [`${dir}/Dockerfile`]: 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000", "--worker-class", "gevent"]\n',
    [`${dir}/nginx/nginx.conf`]: NGINX_CONF,
  };
}

const TIMEOUT = 'upstream-keepalive-timeout';

describe('a compose service judges the config it mounts by its own image', () => {
  test('nginx:stable is not known, whatever another directory pins: the 1.29.7 default is still a warning', () => {
    const site = composeSite('site-b', 'nginx:stable');
    const findings = brief(lint(site), TIMEOUT);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^warning site-b\/nginx\/nginx\.conf:3 .*\(on nginx ≥ 1\.29\.7; the nginx version is not known/);
    // An unrelated Dockerfile pinning 1.25 elsewhere does not make site-b's nginx 1.25.
    expect(brief(lint({ ...site, 'site-a/Dockerfile': 'FROM nginx:1.25\n' }), TIMEOUT)).toEqual(findings);
  });

  test('nginx:1.24 keeps no upstream connection, whatever another directory pins', () => {
    const site = composeSite('site-b', 'nginx:1.24');
    expect(brief(lint(site), TIMEOUT)).toEqual([]);
    expect(brief(lint({ ...site, 'site-a/Dockerfile': 'FROM nginx:1.30\n' }), TIMEOUT)).toEqual([]);
  });

  test('nginx:1.30 keeps them on every release it may be: an error, also beside an older pin elsewhere', () => {
    const site = composeSite('site-b', 'nginx:1.30');
    const findings = brief(lint({ ...site, 'site-a/Dockerfile': 'FROM nginx:1.24\n' }), TIMEOUT);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^error site-b\/nginx\/nginx\.conf:3 .*behind app:8000$/);
  });

  test("a pin that spans the change names the releases, and no unknown-version hint: that nginx's version is known", () => {
    const findings = brief(lint({ ...composeSite('site-b', 'nginx:1.29-alpine'), 'site-a/Dockerfile': 'FROM nginx:1.30\n' }), TIMEOUT);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^warning site-b\/nginx\/nginx\.conf:3 .*\(on nginx 1\.29\.7 to 1\.29\.x\)$/);
  });

  test("a template the service's image renders (/etc/nginx/templates) is judged by that image", () => {
    const tree = {
      'site-b/docker-compose.yml': 'services:\n  app:\n    build: .\n  nginx:\n    image: nginx:1.24\n    volumes:\n      - ./templates:/etc/nginx/templates\n',
      'site-b/Dockerfile': composeSite('site-b', 'nginx:1.24')['site-b/Dockerfile'],
      // The http block's content: the image renders it into conf.d, inside its own nginx.conf's http.
      'site-b/templates/default.conf.template': NGINX_CONF.split('\n').slice(2, -2).join('\n') + '\n',
      'site-a/Dockerfile': 'FROM nginx:1.30\n',
    };
    expect(brief(lint(tree), TIMEOUT)).toEqual([]);
  });

  test('a service that builds the nginx image from a Dockerfile that COPYs the config: that Dockerfile stage pins it', () => {
    const tree = {
      'site-b/docker-compose.yml': 'services:\n  app:\n    build: .\n  nginx:\n    build: ./nginx\n',
      'site-b/Dockerfile': 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000", "--worker-class", "gevent"]\n',
      'site-b/nginx/Dockerfile': 'FROM nginx:1.24-alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n',
      'site-b/nginx/nginx.conf': NGINX_CONF,
      'site-a/Dockerfile': 'FROM nginx:1.30\n',
    };
    expect(brief(lint(tree), TIMEOUT)).toEqual([]);
    const moving = { ...tree, 'site-b/nginx/Dockerfile': 'FROM nginx:mainline-alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n' };
    expect(brief(lint(moving), TIMEOUT)).toEqual([expect.stringMatching(/^warning site-b\/nginx\/nginx\.conf:3 .*the nginx version is not known/)]);
  });
});

describe('a Dockerfile judges the config its stage COPYs by the image that stage starts from', () => {
  const tree = (from: string) => ({
    'docker-compose.yml': 'services:\n  app:\n    build: ./app\n',
    'app/Dockerfile': 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000", "--worker-class", "gevent"]\n',
    'proxy/Dockerfile': `FROM node:20 AS assets\nRUN true\n${from}\nCOPY nginx.conf /etc/nginx/nginx.conf\n`,
    'proxy/nginx.conf': NGINX_CONF,
    'other/Dockerfile': 'FROM nginx:1.30\n',
  });

  test('FROM nginx:1.24 in the copying stage: clean beside nginx:1.30 elsewhere', () => {
    expect(brief(lint(tree('FROM nginx:1.24')), TIMEOUT)).toEqual([]);
  });

  test('FROM nginx:latest in the copying stage: not known, so the 1.29.7 default is a warning', () => {
    expect(brief(lint(tree('FROM nginx:latest')), TIMEOUT)).toEqual([expect.stringMatching(/^warning proxy\/nginx\.conf:3 .*the nginx version is not known/)]);
  });

  test('directives and values are judged by that nginx too', () => {
    const withHttp2 = (from: string) => ({
      ...tree(from),
      'proxy/nginx.conf': NGINX_CONF.replace('    listen 80;', '    listen 80;\n    http2 on;').replace(
        '      proxy_pass',
        '      proxy_http_version 2;\n      proxy_pass',
      ),
    });
    // nginx 1.24 has neither: it refuses to start.
    const old = lint(withHttp2('FROM nginx:1.24'));
    expect(brief(old, 'nginx-unknown-directive')).toEqual(['error proxy/nginx.conf:8 Unknown directive "http2" on nginx 1.24.x: it appeared in nginx 1.25.1']);
    expect(brief(old, 'invalid-value')).toEqual(['error proxy/nginx.conf:10 Invalid value "2" in "proxy_http_version" on nginx 1.24.x']);
    // nginx 1.30 has both, whatever other/Dockerfile's release.
    const other = { 'other/Dockerfile': 'FROM nginx:1.24\n' };
    const current = lint({ ...withHttp2('FROM nginx:1.30'), ...other });
    expect(brief(current, 'nginx-unknown-directive')).toEqual([]);
    expect(brief(current, 'invalid-value')).toEqual([]);
  });
});

describe('where nothing ties a config to an image, and where the user names the release', () => {
  /** nginx.conf is mounted by no service and copied by no Dockerfile; deploy/Dockerfile pins an nginx. */
  const untied = (pin: string) => ({
    'docker-compose.yml': 'services:\n  app:\n    build: .\n',
    Dockerfile: 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000", "--worker-class", "gevent"]\n',
    'nginx/nginx.conf': NGINX_CONF,
    'deploy/Dockerfile': `FROM ${pin}\n`,
  });

  test("a config no container runs keeps the tree's one pin", () => {
    expect(brief(lint(untied('nginx:1.30')), TIMEOUT)).toEqual([expect.stringMatching(/^error nginx\/nginx\.conf:3 /)]);
    expect(brief(lint(untied('nginx:1.24')), TIMEOUT)).toEqual([]);
    const dir = writeTree(untied('nginx:1.30'));
    const { model } = readTree({ paths: [dir], cwd: dir, config: {} });
    expect(model.nginx.scopes.map((scope) => scope.version.range)).toEqual([{ min: [1, 30, 0], max: [1, 30, Infinity] }]);
  });

  test("an image that is not nginx's own (built elsewhere from the tree's Dockerfile) keeps the tree's pin", () => {
    // mailcow's shape: the service runs ghcr.io/…/nginx, which data/Dockerfiles/nginx builds FROM nginx.
    const tree = (pin: string) => ({
      ...composeSite('.', 'ghcr.io/acme/nginx:2.1'),
      'images/nginx/Dockerfile': `FROM ${pin}\nCMD ["nginx", "-g", "daemon off;"]\n`,
    });
    expect(brief(lint(tree('nginx:1.30-alpine')), TIMEOUT)).toEqual([expect.stringMatching(/^error nginx\/nginx\.conf:3 /)]);
    expect(brief(lint(tree('nginx:1.24-alpine')), TIMEOUT)).toEqual([]);
  });

  test('--nginx-version and nginx.version apply to every config, tied or not', () => {
    const mix2 = { ...composeSite('site-b', 'nginx:1.24'), 'site-a/Dockerfile': 'FROM nginx:1.30\n' };
    expect(brief(lint(mix2, { nginxVersion: '1.30.0' }), TIMEOUT)).toEqual([expect.stringMatching(/^error site-b\/nginx\/nginx\.conf:3 /)]);
    expect(brief(lint(mix2, { config: { nginx: { version: '1.30.0' } } }), TIMEOUT)).toEqual([expect.stringMatching(/^error site-b\/nginx\/nginx\.conf:3 /)]);
    const mix = { ...composeSite('site-b', 'nginx:1.30'), 'site-a/Dockerfile': 'FROM nginx:1.25\n' };
    expect(brief(lint(mix, { nginxVersion: '1.24.0' }), TIMEOUT)).toEqual([]);
  });
});

describe('the tree path as the user spells it', () => {
  // Two compose projects. The root one runs the frontend's site on nginx 1.24, and a Dockerfile
  // COPYs the same site into an image of unknown release. A PaaS site that nothing in compose runs
  // sits under deploy/: it lies in no project's directory but the root's, which holds every file and
  // so says nothing. It is judged with the tree's one pin, 1.24 (no upstream keepalive by default
  // before 1.29.7), whichever way the tree's path is written; joined to the root project's files it
  // would take their unknown release and warn about gevent's 2 s keep-alive.
  const tree = {
    'compose.yml': ['services:', '  front:', '    image: nginx:1.24', '    volumes:', '      - ./front/default.conf:/etc/nginx/conf.d/default.conf', ''].join(
      '\n',
    ),
    'docs-example/compose.yaml': ['services:', '  proxy:', '    image: nginxproxy/nginx-proxy', ''].join('\n'),
    'front/Dockerfile': ['FROM nginxinc/nginx-unprivileged:alpine3.23', 'COPY default.conf /etc/nginx/conf.d/', ''].join('\n'),
    'front/default.conf': ['server {', '  listen 3000;', '  location / { root /srv; }', '}', ''].join('\n'),
    'deploy/paas/servers.conf': [
      'upstream backend_server {',
      '  server localhost:8000;',
      '}',
      'server {',
      '  listen 80;',
      '  location / { proxy_pass http://backend_server; }',
      '}',
      '',
    ].join('\n'),
    'bin/start.sh': ['#!/bin/bash', 'gunicorn -k gevent -b 0.0.0.0:8000 app:app &', 'wait -n', ''].join('\n'),
  };
  const findingsOf = (paths: string[], cwd: string, prefix: string) =>
    lintSync({ paths, cwd, config: {} })
      .report.findings.map((f) => `${f.severity} ${f.ruleId} ${f.primary.file.slice(prefix.length)}:${f.primary.start.line}`)
      .sort();

  test('`cfglint t` and `cd t && cfglint .` report the same findings', () => {
    const parent = writeTree(Object.fromEntries(Object.entries(tree).map(([path, text]) => [`t/${path}`, text])));
    const spelledT = findingsOf(['t'], parent, 't/');
    const spelledDot = findingsOf(['.'], `${parent}/t`, '');
    expect(spelledT).toEqual(spelledDot);
    expect(spelledDot.filter((finding) => finding.includes('upstream-keepalive-timeout'))).toEqual([]);
  });
});
