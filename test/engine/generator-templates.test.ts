/**
 * A project generator's directory (cookiecutter's `{{cookiecutter.project_slug}}/`, copier's
 * `{{ name }}/`) holds templates whatever their names: a file there with template tags is a
 * template of the format its name says (src/discovery/classify.ts), read masked where its
 * format's reader copes (nginx) and left alone where it would judge the tags as values (compose).
 * Trees are written to disk and linted through the real engine.
 */
import { join } from 'path';
import { lintSync, listFiles } from '../../src/engine/run';
import type { Finding } from '../../src/engine/findings';
import { writeFiles, writeTree } from '../disk-tree';

const GENERATOR = '{{cookiecutter.project_slug}}';

/** Jinja statements and expressions where YAML expects keys and values: no YAML parser reads it. */
const COMPOSE_TEMPLATE = [
  'volumes:',
  '  {{ cookiecutter.project_slug }}_postgres_data: {}',
  'services:',
  "  django:{% if cookiecutter.use_celery == 'y' %} &django{% endif %}",
  '    image: {{ cookiecutter.project_slug }}_django',
  '',
].join('\n');

/** A tag in server_name, and a literal line the nginx rules judge (line 5). */
const NGINX_TEMPLATE = [
  'server {',
  '    listen 80;',
  '    server_name {{ cookiecutter.domain_name }};',
  '    location = /health {',
  '        add_header Content-Type text/plain;',
  "        return 200 'ok';",
  '    }',
  '}',
  '',
].join('\n');

const PLAIN_COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n    restart: unless-stopped\n';

function lintAt(root: string, path = '.') {
  const options = { paths: [path], cwd: root, config: {}, nginxVersion: '1.24.0' };
  return { findings: lintSync(options).report.findings, listed: new Map(listFiles(options).map((entry) => [entry.file, entry])) };
}

const describeFindings = (findings: Finding[]) => findings.map((f) => `${f.ruleId} ${f.severity} ${f.primary.file}:${f.primary.start.line}`);

describe("a generator's directory", () => {
  test('a compose file with Jinja tags is a template left alone, not YAML syntax errors; nginx is read with its tags masked', () => {
    const root = writeTree({
      [`${GENERATOR}/docker-compose.production.yml`]: COMPOSE_TEMPLATE,
      [`${GENERATOR}/compose/nginx/default.conf`]: NGINX_TEMPLATE,
      [`${GENERATOR}/compose.yaml`]: PLAIN_COMPOSE,
    });
    const { findings, listed } = lintAt(root);
    expect(listed.get(`${GENERATOR}/docker-compose.production.yml`)).toEqual({
      file: `${GENERATOR}/docker-compose.production.yml`,
      format: null,
      reason: 'skipped: a Jinja2 template of compose, a format cfglint reads only once rendered',
    });
    expect(listed.get(`${GENERATOR}/compose/nginx/default.conf`)?.format).toBe('nginx');
    // Without tags a file of the directory is what it is: this compose file is read.
    expect(listed.get(`${GENERATOR}/compose.yaml`)?.format).toBe('compose');
    expect(describeFindings(findings.filter((f) => f.severity !== 'info'))).toEqual([
      `nginx-add-header-content-type warning ${GENERATOR}/compose/nginx/default.conf:5`,
    ]);
  });

  test('the lint root itself may be the directory', () => {
    const root = writeTree({ [`${GENERATOR}/docker-compose.production.yml`]: COMPOSE_TEMPLATE, [`${GENERATOR}/compose.yaml`]: PLAIN_COMPOSE });
    const { findings, listed } = lintAt(join(root, GENERATOR));
    expect(listed.get('docker-compose.production.yml')?.format).toBeNull();
    expect(listed.get('compose.yaml')?.format).toBe('compose');
    expect(findings.filter((f) => f.ruleId === 'yaml-syntax')).toEqual([]);
  });

  test('outside one, the same compose file is read as compose (its tags may be Go templates of docker options), and fails as YAML', () => {
    const { findings } = lintAt(writeTree({ 'docker-compose.production.yml': COMPOSE_TEMPLATE }));
    expect(findings.filter((f) => f.ruleId === 'yaml-syntax' && f.severity === 'error').length).toBeGreaterThan(0);
    // A directory with tags above the lint root is where the user keeps the tree, not the tree's.
    const above = writeFiles(join(writeTree({}), GENERATOR, 'checkout'), { 'docker-compose.production.yml': COMPOSE_TEMPLATE });
    expect(lintAt(above).listed.get('docker-compose.production.yml')?.format).toBe('compose');
  });
});

test("a compose file with a line that starts with a Jinja statement is a template (Mailu's setup flavors): no YAML errors, nothing run", () => {
  const root = writeTree({
    'setup/flavors/compose/docker-compose.yml': "{% set env='mailu.env' %}\nservices:\n  front:\n    image: nginx\n    env_file: {{ env }}\n",
    'compose.yaml': PLAIN_COMPOSE,
  });
  const { findings } = lintAt(root);
  expect(findings.filter((f) => f.ruleId === 'yaml-syntax')).toEqual([]);
  // A line that is one expression, rendered to lines (overhangio/tutor's docker-compose.jobs.yml): a template too.
  const patched = lintAt(
    writeTree({
      'templates/dev/docker-compose.jobs.yml': 'services:\n  lms-job:\n    image: lms\n  {{ patch("dev-docker-compose-jobs-services")|indent(2) }}\n',
    }),
  );
  expect(patched.findings.filter((f) => f.ruleId === 'yaml-syntax')).toEqual([]);
  // Tags where YAML expects a key, without a statement line: a compose file that fails, as one named so should.
  const broken = lintAt(writeTree({ 'docker-compose.yml': 'volumes:\n  {{ slug }}_data: {}\nservices:\n  web:\n    image: nginx\n' })).findings;
  expect(broken.filter((f) => f.ruleId === 'yaml-syntax').length).toBeGreaterThan(0);
});
