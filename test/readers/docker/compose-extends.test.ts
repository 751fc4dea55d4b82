/**
 * Compose `extends:` read from disk by the real engine (compose-spec 05-services.md `extends`;
 * compose-go loader/extends.go): a service is the one it extends with its own settings merged
 * over it, as an override file's are (mappings by key, `command` replaced, sequences appended),
 * and the extended service keeps the paths of its own file (build context, mounts, env files) and
 * the positions where its settings are written. Where compose would refuse the project (a cycle,
 * a service or file not found) or the file lies outside the tree, the service stays as written.
 */
import { readTree } from '../../../src/engine/read-tree';
import { linkDeployment } from '../../../src/model/links';
import type { Deployment } from '../../../src/model/deployment';
import { readDiskTree, writeTree } from '../../disk-tree';

/** uWSGI on a uwsgi socket, run through the image's `ENTRYPOINT ["bash", "-c"]` (the Invenio layout). */
const UWSGI = '"uwsgi --module app.wsgi:application --socket 0.0.0.0:5000 --master"';
const bashDockerfile = 'FROM python:3.12\nRUN pip install uwsgi\nENTRYPOINT ["bash", "-c"]\n';
const nginx =
  'events {}\nhttp {\n  upstream web_server { server web:5000; }\n  server {\n    listen 80;\n    location / { uwsgi_pass web_server; include uwsgi_params; }\n  }\n}\n';

/** `address -> backend kind, name and file` for each link of the model. */
function links(model: Deployment): string[] {
  return linkDeployment(model).map((link) => `${link.target.address.text} -> ${link.backend.kind} ${link.backend.name} ${link.backend.file}`);
}
const launchOf = (model: Deployment, service: string) => model.launches.find((launch) => launch.kind === 'compose' && launch.service === service);
const argvOf = (model: Deployment, service: string) => launchOf(model, service)?.argv.map((arg) => arg.value);

/** The 1-based line of `text` that holds `fragment`. */
const lineOf = (text: string, fragment: string) => text.slice(0, text.indexOf(fragment)).split('\n').length;

describe('the Invenio layout (CERNDocumentServer/cds-videos)', () => {
  // uWSGI's options are the command's, in the compose file that writes it.
  const linked = (file: string) => [`web:5000 -> uwsgi web ${file}`];

  test('control: the build written in the service itself links nginx to uWSGI', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': `services:\n  web:\n    build: ./app\n    command: [${UWSGI}]\n`,
      'app/Dockerfile': bashDockerfile,
      'nginx.conf': nginx,
    });
    expect(links(model)).toEqual(linked('docker-compose.yml'));
  });

  test('`extends: {file, service}` gives the service the build of another file, against that file’s directory', () => {
    const { model } = readDiskTree({
      'docker-compose.full.yml': `services:\n  web:\n    extends:\n      file: docker-services.yml\n      service: app\n    command: [${UWSGI}]\n`,
      'docker-services.yml': 'services:\n  app:\n    build:\n      context: ./\n      dockerfile: ./docker/app/Dockerfile\n',
      'docker/app/Dockerfile': bashDockerfile,
      'nginx.conf': nginx,
    });
    expect(links(model)).toEqual(linked('docker-compose.full.yml'));
    // The image's `bash -c` runs the one-string command: uWSGI with its words.
    expect(argvOf(model, 'web')).toEqual(['uwsgi', '--module', 'app.wsgi:application', '--socket', '0.0.0.0:5000', '--master']);
  });

  test('`extends: {service}` names a service of the same file', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': `services:\n  app:\n    build:\n      context: ./\n      dockerfile: ./docker/app/Dockerfile\n  web:\n    extends:\n      service: app\n    command: [${UWSGI}]\n`,
      'docker/app/Dockerfile': bashDockerfile,
      'nginx.conf': nginx,
    });
    expect(links(model)).toEqual(linked('docker-compose.yml'));
  });

  test('the short form `extends: app` is the same', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': `services:\n  app:\n    build: ./app\n  web:\n    extends: app\n    command: [${UWSGI}]\n`,
      'app/Dockerfile': bashDockerfile,
      'nginx.conf': nginx,
    });
    expect(links(model)).toEqual(linked('docker-compose.yml'));
  });
});

describe('what the extended service gives', () => {
  const base = [
    'services:',
    '  app:',
    '    build: .',
    '    command: gunicorn app:app -c /app/gunicorn.conf.py',
    '    environment:',
    '      MODE: prod',
    '      PORT: "8000"',
    '    env_file: ./app.env',
    '    ports:',
    '      - "8000:8000"',
    '    volumes:',
    '      - ./gunicorn.conf.py:/app/gunicorn.conf.py',
    '    depends_on: [db]',
    '    sysctls:',
    '      net.core.somaxconn: 4096',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n');
  const extending = [
    'services:',
    '  web:',
    '    extends:',
    '      file: common/base.yml',
    '      service: app',
    '    environment:',
    '      PORT: "8001"',
    '    ports:',
    '      - "9000:8001"',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n');
  const tree = {
    'docker-compose.yml': extending,
    'common/base.yml': base,
    // The base file's directory is where its relative paths lead: the build, env file and config there.
    'common/Dockerfile': 'FROM python:3.12\nENV FROM_IMAGE=common\n',
    'common/app.env': 'FROM_ENV_FILE=common\n',
    'common/gunicorn.conf.py': 'bind = "0.0.0.0:8001"\n',
    // Beside the extending file: what a resolution against its directory would wrongly take.
    Dockerfile: 'FROM python:3.12\nENV FROM_IMAGE=top\n',
    'app.env': 'FROM_ENV_FILE=top\n',
    'nginx/default.conf': 'server {\n    listen 80;\n    location / { proxy_pass http://web:8001; }\n}\n',
  };
  const { model } = readDiskTree(tree);
  const web = () => launchOf(model, 'web')!;

  test('the command is inherited, with the position where the base file writes it', () => {
    expect(argvOf(model, 'web')).toEqual(['gunicorn', 'app:app', '-c', '/app/gunicorn.conf.py']);
    expect(web().argv[0].span.file).toBe('common/base.yml');
    expect(web().argv[0].span.start.line).toBe(lineOf(base, 'gunicorn app:app'));
  });

  test('environment merges by name (its own PORT wins), after the image’s ENV and the env file of the base file’s directory', () => {
    const env = Object.fromEntries([...web().env].map(([name, value]) => [name, value.value]));
    expect(env).toMatchObject({ MODE: 'prod', PORT: '8001', FROM_IMAGE: 'common', FROM_ENV_FILE: 'common' });
    expect(web().env.get('MODE')!.span?.file).toBe('common/base.yml');
  });

  test('ports are appended, depends_on inherited, and a bind mount resolved against the base file’s directory', () => {
    const container = model.compose.find((entry) => entry.service === 'web' && entry.file === 'docker-compose.yml')!;
    expect(container.published.map((port) => `${port.hostPort}:${port.containerPort} ${port.span.file}`)).toEqual([
      '8000:8000 common/base.yml',
      '9000:8001 docker-compose.yml',
    ]);
    expect(container.dependsOn.map((dependency) => dependency.service)).toEqual(['db']);
    expect(container.mounts.map((mount) => `${mount.display} ${mount.target}`)).toContain('common/gunicorn.conf.py /app/gunicorn.conf.py');
  });

  test('an inherited sysctl applies to the extending service, with its span in the base file', () => {
    const limit = model.limits.find((entry) => entry.name === 'net.core.somaxconn' && entry.appliesTo.kind === 'container' && entry.appliesTo.name === 'web');
    expect(limit?.setting.value).toBe(4096);
    const source = limit?.setting.source;
    expect(source?.kind === 'file' ? `${source.span.file}:${source.span.start.line}` : source).toBe(`common/base.yml:${lineOf(base, '4096')}`);
  });

  test('gunicorn reads the mounted config of the base file’s directory, and nginx links to it', () => {
    expect(links(model)).toEqual(['web:8001 -> gunicorn web common/gunicorn.conf.py']);
  });
});

describe('chains, and references compose refuses', () => {
  test('a chain across files: each link resolved against its own file, the nearest setting winning', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': 'services:\n  web:\n    extends: {file: stack/middle.yml, service: middle}\n    command: uwsgi --http-socket :9000 --module app\n',
      'stack/middle.yml': 'services:\n  middle:\n    extends: {file: ../base/base.yml, service: root}\n    environment: [LEVEL=middle]\n',
      'base/base.yml':
        'services:\n  root:\n    image: python:3.12\n    command: uwsgi --http-socket :8000 --module app\n    environment: [LEVEL=root, ROOT=yes]\n',
    });
    expect(argvOf(model, 'web')).toEqual(['uwsgi', '--http-socket', ':9000', '--module', 'app']);
    const env = Object.fromEntries([...launchOf(model, 'web')!.env].map(([name, value]) => [name, value.value]));
    expect(env).toMatchObject({ LEVEL: 'middle', ROOT: 'yes' });
  });

  // Each tree is the same-file shape with the reference broken: `web` alone has a one-word
  // command (no bash -c), which starts no uWSGI, so nothing links unless the base is read.
  const broken = (compose: string, extra: Record<string, string> = {}) =>
    readDiskTree({ 'docker-compose.yml': compose, 'docker/app/Dockerfile': bashDockerfile, 'nginx.conf': nginx, ...extra }).model;
  const web = `  web:\n    extends: {service: app}\n    command: [${UWSGI}]\n`;

  test('a cycle ends, and the services in it stay as written', () => {
    const model = broken(`services:\n  app:\n    extends: web\n    build: {context: ./, dockerfile: ./docker/app/Dockerfile}\n${web}`);
    expect(links(model)).toEqual([]);
    expect(argvOf(model, 'web')).toEqual(['uwsgi --module app.wsgi:application --socket 0.0.0.0:5000 --master']);
    const self = broken(`services:\n  web:\n    extends: web\n    build: {context: ./, dockerfile: ./docker/app/Dockerfile}\n    command: [${UWSGI}]\n`);
    // `web` extending itself: compose refuses; as written it builds the image and links.
    expect(links(self)).toEqual(['web:5000 -> uwsgi web docker-compose.yml']);
  });

  test('a cycle across two files ends', () => {
    const model = broken('services:\n  web:\n    extends: {file: other.yml, service: app}\n    command: uwsgi --http-socket :5000\n', {
      'other.yml': 'services:\n  app:\n    extends: {file: docker-compose.yml, service: web}\n    build: {context: ./, dockerfile: ./docker/app/Dockerfile}\n',
    });
    expect(argvOf(model, 'web')).toEqual(['uwsgi', '--http-socket', ':5000']);
    expect(launchOf(model, 'web')!.env.size).toBe(0);
  });

  test('a service or file not found leaves the service as written', () => {
    expect(links(broken(`services:\n  other:\n    build: {context: ./, dockerfile: ./docker/app/Dockerfile}\n${web}`))).toEqual([]);
    expect(links(broken(`services:\n  web:\n    extends: {file: missing.yml, service: app}\n    command: [${UWSGI}]\n`))).toEqual([]);
  });

  test('a file outside the tree is not opened', () => {
    const root = writeTree({
      'shared/docker-services.yml': 'services:\n  app:\n    build: {context: ../tree, dockerfile: ./docker/app/Dockerfile}\n',
      'tree/docker-compose.yml': `services:\n  web:\n    extends: {file: ../shared/docker-services.yml, service: app}\n    command: [${UWSGI}]\n`,
      'tree/docker/app/Dockerfile': bashDockerfile,
      'tree/nginx.conf': nginx,
    });
    const tree = readTree({ paths: ['tree'], cwd: root, config: {} });
    expect(links(tree.model)).toEqual([]);
    expect(tree.diagnostics).toEqual([]);
    // The same files linted from their common parent: the file is in the tree, and read.
    expect(links(readTree({ paths: ['.'], cwd: root, config: {} }).model)).toEqual(['web:5000 -> uwsgi web tree/docker-compose.yml']);
  });
});
