/**
 * The pre-commit hook's `files` pattern decides whether the hook runs for a commit: it must match
 * every kind of file cfglint reads (a commit that changes only a Kubernetes manifest or a template
 * must still be linted) and leave application code alone. The real pre-commit runs the hook in the
 * servers suite; this checks the pattern itself, as pre-commit compiles it (Python `re`, verbose and
 * case-insensitive).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const hooks = parse(fs.readFileSync(path.join(__dirname, '..', '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; files: string }[];
const pattern = hooks.find((hook) => hook.id === 'cfglint')!.files;

/** `(?ix)` verbose mode: whitespace and newlines in the pattern are not part of it. */
function compile(source: string): RegExp {
  const flags = /^\(\?([a-z]+)\)/.exec(source);
  const body = source.slice(flags ? flags[0].length : 0).replace(/\s+/g, '');
  return new RegExp(body, flags?.[1].includes('i') ? 'i' : '');
}

// pre-commit matches with re.search: anywhere in the path.
const matches = (file: string) => compile(pattern).test(file);

test.each([
  'nginx/nginx.conf',
  'conf.d/app.conf',
  'sites-enabled/default',
  'deploy/uwsgi.ini',
  'gunicorn.conf.py',
  'docker-compose.yml',
  'compose.override.yaml',
  'Dockerfile',
  'Procfile',
  'conf/server.xml',
  'src/main/resources/application-prod.yml',
  'etc/sysctl.d/99-somaxconn.conf',
  'systemd/app.service',
  // What cfglint reads now beyond those: manifests, chart values, templates, env files.
  'k8s/deployment.yaml',
  'charts/ingress/values.yaml',
  'roles/web/templates/nginx.conf.j2',
  'templates/default.conf.template',
  'nginx/site.conf.tmpl',
  'consul/nginx.ctmpl',
  'config/nginx.conf.erb',
  '.env',
  'docker/web.env',
  '.cfglint.json',
])('the hook runs when %s changes', (file) => {
  expect(matches(file)).toBe(true);
});

test.each(['src/app/views.py', 'web/index.js', 'README.md', 'docs/guide.rst', 'static/logo.png'])('the hook does not run for %s alone', (file) => {
  expect(matches(file)).toBe(false);
});
