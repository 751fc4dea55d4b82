/**
 * A compose file made mostly of `<<: *anchor` merges (getsentry/self-hosted's style), read from
 * disk by the real engine: every reader that reads compose files (launches, limits, placed files)
 * sees the values YAML gives. The rules are YAML's (1.2.2, 3.2.2.2: an alias is the closest
 * preceding node with its anchor, so a redefined anchor serves only the aliases after it; the
 * merge key type, yaml.org/type/merge.html: a mapping's own keys win over merged ones, wherever
 * they are written, and a merged key is replaced whole, not merged in depth).
 */
import { linkDeployment } from '../../../src/model/links';
import { readDiskTree } from '../../disk-tree';

const SERVICES_PER_ANCHOR = 40;

const compose = [
  'x-env: &env',
  '  MODE: prod',
  '  PORT: "8000"',
  'x-base: &base',
  '  image: python:3.12',
  '  environment: *env',
  '  sysctls:',
  '    net.core.somaxconn: 1024',
  'x-gunicorn: &app',
  '  <<: *base',
  '  command: gunicorn app:app --bind 0.0.0.0:8000',
  'services:',
  ...Array.from({ length: SERVICES_PER_ANCHOR }, (_, k) => [`  early-${k + 1}:`, '    <<: *app']).flat(),
  '  early-override:',
  '    <<: *app',
  '    command: gunicorn app:app --bind 0.0.0.0:8001',
  '    environment:',
  '      PORT: "8001"',
  '  early-own-first:',
  '    environment:',
  '      MODE: dev',
  '    <<: *app',
  // A service that is also an anchor, reusing the name: the services after it merge this one.
  '  uwsgi-base: &app',
  '    <<: *base',
  '    command: uwsgi --http-socket :9000 --module app',
  ...Array.from({ length: SERVICES_PER_ANCHOR }, (_, k) => [`  late-${k + 1}:`, '    <<: *app']).flat(),
  '  proxy:',
  '    image: nginx:1.27',
  '    volumes:',
  '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro',
  '',
].join('\n');

const nginx = 'server {\n    listen 80;\n    location /early/ { proxy_pass http://early-7:8000; }\n    location /late/ { proxy_pass http://late-7:9000; }\n}\n';

describe('a compose file of many merges', () => {
  const { model } = readDiskTree({ 'docker-compose.yml': compose, 'nginx/default.conf': nginx });
  const launch = (service: string) => model.launches.find((l) => l.kind === 'compose' && l.service === service);
  const command = (service: string) => launch(service)?.argv.map((arg) => arg.value);
  const environment = (service: string) => Object.fromEntries([...(launch(service)?.env ?? [])].map(([name, value]) => [name, value.value]));

  test('each service takes the command and environment its merge chain gives (an alias inside an anchored mapping followed)', () => {
    for (let k = 1; k <= SERVICES_PER_ANCHOR; k++) {
      expect(command(`early-${k}`)).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:8000']);
      expect(environment(`early-${k}`)).toEqual({ MODE: 'prod', PORT: '8000' });
    }
  });

  test("a service's own keys win over merged ones, written after `<<` or before it; a merged key is replaced whole", () => {
    expect(command('early-override')).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:8001']);
    expect(environment('early-override')).toEqual({ PORT: '8001' });
    expect(command('early-own-first')).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:8000']);
    expect(environment('early-own-first')).toEqual({ MODE: 'dev' });
  });

  test('an anchor defined again serves the aliases after it; the earlier ones keep the first', () => {
    expect(command('uwsgi-base')).toEqual(['uwsgi', '--http-socket', ':9000', '--module', 'app']);
    for (let k = 1; k <= SERVICES_PER_ANCHOR; k++) {
      expect(command(`late-${k}`)).toEqual(['uwsgi', '--http-socket', ':9000', '--module', 'app']);
      expect(environment(`late-${k}`)).toEqual({ MODE: 'prod', PORT: '8000' });
    }
    const programs = model.launches.filter((l) => l.kind === 'compose').map((l) => l.program);
    expect(programs.filter((program) => program === 'gunicorn')).toHaveLength(SERVICES_PER_ANCHOR + 2);
    expect(programs.filter((program) => program === 'uwsgi')).toHaveLength(SERVICES_PER_ANCHOR + 1);
  });

  test('sysctls two merges deep reach every service', () => {
    const somaxconn = model.limits.filter((limit) => limit.name === 'net.core.somaxconn');
    const services = somaxconn.map((limit) => (limit.appliesTo.kind === 'container' ? limit.appliesTo.name : ''));
    expect(services).toHaveLength(2 * SERVICES_PER_ANCHOR + 3);
    expect(new Set(services)).toEqual(new Set([...model.compose.map((container) => container.service)].filter((name) => name !== 'proxy')));
    expect(somaxconn.every((limit) => limit.setting.value === 1024)).toBe(true);
  });

  test('nginx links each location to the server of the service it names', () => {
    expect(linkDeployment(model).map((l) => `${l.target.address.text} -> ${l.backend.kind} ${l.backend.name}`)).toEqual([
      'early-7:8000 -> gunicorn early-7',
      'late-7:9000 -> uwsgi late-7',
    ]);
  });
});

test('two compose files with the same text in two directories: each mount is of its own directory', () => {
  const project = 'services:\n  proxy:\n    image: nginx:1.27\n    volumes:\n      - ./site.conf:/etc/nginx/conf.d/default.conf:ro\n';
  const site = (port: number) => `server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:${port}; }\n}\n`;
  const { model } = readDiskTree({
    'one/docker-compose.yml': project,
    'one/site.conf': site(8001),
    'two/docker-compose.yml': project,
    'two/site.conf': site(8002),
  });
  expect(model.compose.map((container) => `${container.file}: ${container.mounts.map((mount) => mount.display).join(' ')}`)).toEqual([
    'one/docker-compose.yml: one/site.conf',
    'two/docker-compose.yml: two/site.conf',
  ]);
});

describe('a merge of several mappings', () => {
  test('a key two of them give comes from the first in the list, and the own key wins over both', () => {
    const tree = {
      'docker-compose.yml': [
        'x-a: &a',
        '  command: gunicorn app:app --bind 0.0.0.0:8001',
        '  environment: {PORT: "1"}',
        'x-ea: &ea {PORT: "1", HOST: a}',
        'x-eb: &eb {PORT: "2", HOST: b, DEBUG: "0"}',
        'x-b: &b',
        '  image: python:3.12',
        '  command: gunicorn app:app --bind 0.0.0.0:8002',
        '  environment: {PORT: "2", MODE: b}',
        'services:',
        '  first:',
        '    <<: [*a, *b]',
        '  own:',
        '    <<: [*b, *a]',
        '    environment: {PORT: "3"}',
        '  inside:',
        '    image: python:3.12',
        '    command: gunicorn app:app',
        '    environment:',
        '      <<: [*ea, *eb]',
        '      MODE: own',
        '',
      ].join('\n'),
    };
    const { model } = readDiskTree(tree);
    const launch = (service: string) => model.launches.find((l) => l.kind === 'compose' && l.service === service);
    const environment = (service: string) => Object.fromEntries([...(launch(service)?.env ?? [])].map(([name, value]) => [name, value.value]));
    expect(launch('first')?.argv.map((arg) => arg.value)).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:8001']);
    // `environment` is replaced whole by the first source that has it, not merged key by key.
    expect(environment('first')).toEqual({ PORT: '1' });
    expect(launch('own')?.argv.map((arg) => arg.value)).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:8002']);
    expect(environment('own')).toEqual({ PORT: '3' });
    // Inside a mapping: each key from the first source that has it, then the mapping's own.
    expect(environment('inside')).toEqual({ PORT: '1', HOST: 'a', DEBUG: '0', MODE: 'own' });
  });
});
