/**
 * Compose `profiles:` read from disk by the real engine. The rules are Compose's
 * (compose-spec 15-profiles.md): a service without profiles is always enabled; one with profiles
 * only when one of them is active (`--profile`, `COMPOSE_PROFILES`, which docker compose also
 * reads from the project's `.env`); a service a started service requires in `depends_on` must be
 * enabled, or compose refuses the project (compose-go graph/services.go `newGraph`), unless the
 * dependency says `required: false`. Override files append profiles (compose-go
 * override/uncity.go).
 */
import { linkDeployment } from '../../../src/model/links';
import { lintDiskTree, readDiskTree } from '../../disk-tree';

/** A service `proxy` (line 2) running nginx and publishing 80, with `extra` lines of its own. */
const proxy = (...extra: string[]) => ['  proxy:', '    image: nginx:1.27', '    ports:', '      - "80:80"', ...extra];
const compose = (...services: string[][]) => ['services:', ...services.flat(), ''].join('\n');

function profilesOf(files: Record<string, string>) {
  const { model } = readDiskTree(files);
  return Object.fromEntries(model.compose.map((container) => [container.service, container.profiles]));
}

const restartFindings = (files: Record<string, string>) =>
  lintDiskTree(files)
    .filter((finding) => finding.ruleId === 'service-restart-policy')
    .map((finding) => `${finding.severity} ${finding.primary.file}:${finding.primary.start.line}`);

describe('compose profiles in the model', () => {
  test('the list is read with its span; a service without profiles has none', () => {
    const profiles = profilesOf({
      'docker-compose.yml': compose(proxy('    profiles:', '      - make_dev', '      - debug'), ['  db:', '    image: postgres:16']),
    });
    expect(profiles.db).toBeUndefined();
    expect(profiles.proxy?.names).toEqual(['make_dev', 'debug']);
    // The sequence under `profiles:`, from `- make_dev` (line 7, column 7) to the end of `- debug` (line 8).
    expect([profiles.proxy?.span.start.line, profiles.proxy?.span.start.column, profiles.proxy?.span.end.line, profiles.proxy?.span.end.column]).toEqual([
      7, 7, 8, 14,
    ]);
    expect(profiles.proxy?.startedByPlainUp).toBe(false);
  });

  test('`profiles: []` is no profile: always started', () => {
    expect(profilesOf({ 'docker-compose.yml': compose(proxy('    profiles: []')) }).proxy).toBeUndefined();
  });

  test("the project's .env activates a profile with COMPOSE_PROFILES (a list, or * for all); a value the tree does not give leaves it open", () => {
    const files = { 'docker-compose.yml': compose(proxy('    profiles: [make_dev]')) };
    expect(profilesOf({ ...files, '.env': 'COMPOSE_PROFILES=debug, make_dev\n' }).proxy?.startedByPlainUp).toBe(true);
    expect(profilesOf({ ...files, '.env': 'COMPOSE_PROFILES=*\n' }).proxy?.startedByPlainUp).toBe(true);
    expect(profilesOf({ ...files, '.env': 'COMPOSE_PROFILES=debug\n' }).proxy?.startedByPlainUp).toBe(false);
    expect(profilesOf({ ...files, '.env': 'COMPOSE_PROFILES=${PROFILES}\n' }).proxy?.startedByPlainUp).toBeUndefined();
  });

  test('a service an always-started service requires runs with it, down the chain; `required: false` does not pull it in', () => {
    const profiles = profilesOf({
      'docker-compose.yml': compose(
        ['  web:', '    image: python:3.12', '    depends_on: [api]'],
        ['  api:', '    image: python:3.12', '    profiles: [full]', '    depends_on:', '      cache:', '        condition: service_started'],
        ['  cache:', '    image: redis:7', '    profiles: [full]'],
        ['  metrics:', '    image: prom/prometheus', '    profiles: [monitoring]'],
        ['  worker:', '    image: python:3.12', '    depends_on:', '      metrics:', '        condition: service_started', '        required: false'],
      ),
    });
    expect(profiles.api?.startedByPlainUp).toBe(true);
    expect(profiles.cache?.startedByPlainUp).toBe(true);
    expect(profiles.metrics?.startedByPlainUp).toBe(false);
  });

  test('an override file adds its profiles to the base service', () => {
    const profiles = profilesOf({
      'docker-compose.yml': compose(proxy()),
      'docker-compose.override.yml': compose(['  proxy:', '    profiles: [dev]']),
    });
    expect(profiles.proxy?.names).toEqual(['dev']);
    expect(profiles.proxy?.startedByPlainUp).toBe(false);
  });

  test('a backend only in profiles still serves nginx when its profile is active: the link stays', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': compose(proxy('    restart: always', '    volumes:', '      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro'), [
        '  app:',
        '    image: python:3.12',
        '    profiles: [dev]',
        '    command: gunicorn app:app --bind 0.0.0.0:8000',
      ]),
      'nginx.conf': 'server {\n    listen 80;\n    location / { proxy_pass http://app:8000; }\n}\n',
    });
    expect(linkDeployment(model).map((link) => `${link.target.address.text} -> ${link.backend.kind} (${link.reason})`)).toEqual([
      'app:8000 -> gunicorn (compose-service)',
    ]);
  });
});

describe('service-restart-policy and profiles', () => {
  test("hypothesis/via's dev-only nginx-proxy (profiles: [make_dev]) is not judged: a plain up leaves it out", () => {
    expect(restartFindings({ 'docker-compose.yml': compose(proxy('    profiles:', '      - make_dev')) })).toEqual([]);
  });

  test('the same service without profiles is reported as before (info: no balancer in the tree)', () => {
    expect(restartFindings({ 'docker-compose.yml': compose(proxy()) })).toEqual(['info docker-compose.yml:2']);
  });

  test('an always-started front door beside a profile service is still reported', () => {
    const files = {
      'docker-compose.yml': compose(proxy(), ['  debug-proxy:', '    image: nginx:1.27', '    profiles: [debug]', '    ports:', '      - "8081:80"']),
    };
    expect(restartFindings(files)).toEqual(['info docker-compose.yml:2']);
  });

  test('a profile the project activates in its .env, or one an always-started service requires, is started by a plain up: reported', () => {
    const inProfile = compose(proxy('    profiles: [edge]'));
    expect(restartFindings({ 'docker-compose.yml': inProfile, '.env': 'COMPOSE_PROFILES=edge\n' })).toEqual(['info docker-compose.yml:2']);
    const required = compose(proxy('    profiles: [edge]'), ['  watchdog:', '    image: alpine:3.20', '    depends_on: [proxy]']);
    expect(restartFindings({ 'docker-compose.yml': required })).toEqual(['info docker-compose.yml:2']);
  });
});
