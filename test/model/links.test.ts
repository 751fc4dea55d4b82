/**
 * Linking nginx targets to backend listeners, end to end: each tree is written to a temporary
 * directory and read by the real engine (readers, launches, compose projects), never built by hand.
 */
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import { canonicalSocketPath, isLoopback, linkDeployment, nginxTargets } from '../../src/model/links';
import { backendLaunches } from '../../src/model/listen-backlog';
import type { ListenAddress, Listener } from '../../src/readers/backend';
import type { Finding } from '../../src/engine/findings';
import { writeTree } from '../disk-tree';
import { renderGraph } from '../../src/report/graph';
import { unmodelledServers } from '../../src/model/unmodelled-servers';
import { describeListenAddress } from '../../src/model/backend-describe';

function modelOf(tree: Record<string, string>) {
  const dir = writeTree(tree);
  return readTree({ paths: [dir], cwd: dir, config: {} }).model;
}

/** `target file: address -> backend kind, its file (reason)` for every link. */
function links(tree: Record<string, string>): string[] {
  return linkDeployment(modelOf(tree)).map((l) => `${l.target.span.file}: ${l.target.address.text} -> ${l.backend.kind} ${l.backend.file} (${l.reason})`);
}

function lint(tree: Record<string, string>): Finding[] {
  const dir = writeTree(tree);
  return lintSync({ paths: [dir], cwd: dir, config: {} }).report.findings;
}

const at = (f: Finding) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`;
const serious = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info').map(at);

/** An nginx server that sends `/` to `address` (HTTP) with upstream keep-alive switched on properly. */
function keepaliveNginx(address: string): string {
  return [
    'upstream app {',
    `    server ${address};`,
    '    keepalive 16;',
    '}',
    'server {',
    '    listen 80;',
    '    location / {',
    '        proxy_pass http://app;',
    '        proxy_http_version 1.1;',
    '        proxy_set_header Connection "";',
    '    }',
    '}',
    '',
  ].join('\n');
}

const uwsgiPassNginx = (address: string) =>
  `server {\n    listen 80;\n    location / {\n        include uwsgi_params;\n        uwsgi_pass ${address};\n    }\n}\n`;

describe('addresses', () => {
  test('loopback names and /var/run', () => {
    expect(['localhost', '127.0.0.1', '127.0.1.1', '::1'].every(isLoopback)).toBe(true);
    expect(['app', '10.0.0.1', '0.0.0.0'].some(isLoopback)).toBe(false);
    expect(canonicalSocketPath('/var/run/app.sock')).toBe('/run/app.sock');
    expect(canonicalSocketPath('/run/app.sock')).toBe('/run/app.sock');
    expect(canonicalSocketPath('///var/www//portal/portal.sock')).toBe('/var/www/portal/portal.sock');
  });
});

describe('linking files on disk', () => {
  const nginx = [
    'upstream app {',
    '    server 127.0.0.1:8000;',
    '    server unix:/var/run/app.sock;',
    '}',
    'server {',
    '    location / { proxy_pass http://app; }',
    '    location /api { proxy_pass http://app; }',
    '    location /direct { proxy_pass http://localhost:9000; }',
    '    location /uw { uwsgi_pass unix:/run/uwsgi.sock; }',
    '}',
    '',
  ].join('\n');

  test('a group server used by two locations is one target with both passes', () => {
    const targets = nginxTargets(modelOf({ 'app.conf': nginx }));
    expect(targets.map((t) => `${t.address.text} ${t.passes.length} ${t.span.start.line}:${t.span.start.column}`)).toEqual([
      '127.0.0.1:8000 2 2:12',
      'unix:/var/run/app.sock 2 3:12',
      'localhost:9000 1 8:35',
      'unix:/run/uwsgi.sock 1 9:31',
    ]);
  });

  test('loopback ports, all-interface binds, socket paths across /var/run, and nothing else', () => {
    expect(
      links({
        'app.conf': nginx,
        'all/gunicorn.conf.py': 'bind = "0.0.0.0:8000"\n',
        'direct/gunicorn.conf.py': 'bind = "127.0.0.1:9000"\n',
        'sock/gunicorn.conf.py': 'bind = "unix:/run/app.sock"\n',
        'elsewhere/gunicorn.conf.py': 'bind = "10.0.0.7:8000"\n',
        'other/gunicorn.conf.py': 'bind = "127.0.0.1:8001"\n',
        'uwsgi.ini': '[uwsgi]\nsocket = /var/run/uwsgi.sock\n',
      }),
    ).toEqual([
      'app.conf: 127.0.0.1:8000 -> gunicorn all/gunicorn.conf.py (same-address)',
      'app.conf: unix:/var/run/app.sock -> gunicorn sock/gunicorn.conf.py (same-socket-path)',
      'app.conf: localhost:9000 -> gunicorn direct/gunicorn.conf.py (same-address)',
      'app.conf: unix:/run/uwsgi.sock -> uwsgi uwsgi.ini (same-socket-path)',
    ]);
  });
});

describe('compose services', () => {
  test("the issue's stack: gthread behind upstream keep-alive is upstream-keepalive-timeout; HTTP to a uWSGI socket is a protocol mismatch", () => {
    const findings = lint({
      'docker-compose.yml': [
        'services:',
        '  nginx:',
        '    image: nginx:1.25',
        '    volumes:',
        '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro',
        '    ports: ["80:80"]',
        '  web:',
        '    image: python:3.12',
        '    command: gunicorn app.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread',
        '    expose:',
        '      - "8000"',
        '  legacy:',
        '    image: python:3.12',
        '    command: uwsgi --socket :3031 --module app.wsgi',
        '',
      ].join('\n'),
      'nginx/default.conf': keepaliveNginx('web:8000').replace('}\n}\n', '}\n    location /legacy { proxy_pass http://legacy:3031; }\n}\n'),
    });
    // keepalive 16 is line 3; `proxy_pass http://legacy:3031;` is the location on line 12.
    expect(serious(findings)).toEqual(['upstream-keepalive-timeout nginx/default.conf:3', 'upstream-protocol-mismatch nginx/default.conf:12']);
  });

  describe('a server a start script of the tree runs, in the container that runs the script', () => {
    const nginxService = '  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';
    const gunicorn = 'exec gunicorn app.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread';
    const linked = (file: string) => [`nginx/default.conf: web:8000 -> gunicorn ${file} (compose-service)`];

    test('compose command ./bin/run-prod.sh, found through WORKDIR and COPY . .', () => {
      const tree = {
        'docker-compose.yml': `services:\n  web:\n    build: .\n    command: ./bin/run-prod.sh\n${nginxService}`,
        Dockerfile: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n',
        'bin/run-prod.sh': `#!/bin/sh\nset -e\npython manage.py migrate\n${gunicorn}\n`,
        'nginx/default.conf': keepaliveNginx('web:8000'),
      };
      expect(links(tree)).toEqual(linked('docker-compose.yml'));
      // One backend, the compose service's: the script is not also a server on the host.
      expect(modelOf(tree).backends.map((backend) => `${backend.kind} ${backend.name}`)).toEqual(['gunicorn web']);
      expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
    });

    test("an image's ENTRYPOINT script without .sh, a CMD argument, and a second script it hands over to", () => {
      const tree = {
        'compose.yaml': `services:\n  web:\n    build: .\n${nginxService}`,
        Dockerfile: 'FROM python:3.12\nWORKDIR /srv\nCOPY bin /usr/local/bin\nCOPY docker docker\nENTRYPOINT ["docker-entrypoint"]\nCMD ["server"]\n',
        'bin/docker-entrypoint': '#!/usr/bin/env bash\ncase "$1" in\n  server) ./docker/run-server.sh ;;\n  *) exec "$@" ;;\nesac\n',
        'docker/run-server.sh': `#!/bin/sh\ncd ./src\n${gunicorn}\n`,
        'nginx/default.conf': keepaliveNginx('web:8000'),
      };
      expect(links(tree)).toEqual(linked('compose.yaml'));
      expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
    });

    test("a variable the compose service does not set takes the script's default (milesmcc/shynet's ${PORT:-8080}); an env_file outside the tree leaves it unknown", () => {
      const stack = (extra: string) => ({
        'docker-compose.yml': `services:\n  web:\n    build: .\n    command: /app/start.sh\n${extra}${nginxService}`,
        Dockerfile: 'FROM python:3.12\nCOPY start.sh /app/start.sh\n',
        'start.sh': '#!/bin/sh\nexec gunicorn app.wsgi:application --bind "0.0.0.0:${PORT:-8000}" --worker-class gthread\n',
        'nginx/default.conf': keepaliveNginx('web:8000'),
      });
      expect(links(stack(''))).toEqual(linked('docker-compose.yml'));
      expect(links(stack('    env_file: .env\n'))).toEqual([]);
      // In the command compose runs itself too: `sh -c` with $${PORT:-8000} (Compose's $$ is a $).
      const inline = {
        'docker-compose.yml': `services:\n  web:\n    image: python:3.12\n    command: sh -c "exec gunicorn app.wsgi:application --bind 0.0.0.0:$\${PORT:-8000} --worker-class gthread"\n${nginxService}`,
        'nginx/default.conf': keepaliveNginx('web:8000'),
      };
      expect(links(inline)).toEqual(linked('docker-compose.yml'));
    });

    test('the container environment fills the script in; a script the container does not get is not its', () => {
      const script = `#!/bin/sh\nexec gunicorn app.wsgi:application --bind "0.0.0.0:$PORT" --worker-class gthread\n`;
      const withPort = (port: string) => ({
        'docker-compose.yml': `services:\n  web:\n    build: .\n    command: /app/start.sh\n    environment:\n      PORT: "${port}"\n${nginxService}`,
        Dockerfile: 'FROM python:3.12\nCOPY start.sh /app/start.sh\n',
        'start.sh': script,
        'nginx/default.conf': keepaliveNginx('web:8000'),
      });
      expect(links(withPort('8000'))).toEqual(linked('docker-compose.yml'));
      expect(links(withPort('9000'))).toEqual([]);
      // Without the COPY, /app/start.sh is not the tree's start.sh: the script stays a host's, with $PORT unknown.
      const notCopied = { ...withPort('8000'), Dockerfile: 'FROM python:3.12\n' };
      expect(links(notCopied)).toEqual([]);
      expect(modelOf(notCopied).backends.map((backend) => `${backend.kind} ${backend.name}`)).toEqual(['gunicorn start.sh']);
    });

    test("environment values are interpolated as Compose does: a variable's default, or the project's .env (DefectDojo's DD_UWSGI_PORT: \"${DD_UWSGI_PORT:-3031}\")", () => {
      const script = `#!/bin/sh\nexec gunicorn app.wsgi:application --bind "0.0.0.0:$PORT" --worker-class gthread\n`;
      const stack = (value: string, dotEnv?: string) => ({
        'docker-compose.yml': `services:\n  web:\n    build: .\n    command: /app/start.sh\n    environment:\n      PORT: "${value}"\n${nginxService}`,
        Dockerfile: 'FROM python:3.12\nCOPY start.sh /app/start.sh\n',
        'start.sh': script,
        'nginx/default.conf': keepaliveNginx('web:8000'),
        ...(dotEnv === undefined ? {} : { '.env': dotEnv }),
      });
      const listener = (files: Record<string, string>) =>
        modelOf(files).backends.map((backend) => backend.listeners.map((l) => JSON.stringify(l.address)).join(' '));
      // Neither the shell nor .env sets it: the default.
      expect(links(stack('${APP_PORT:-8000}'))).toEqual(linked('docker-compose.yml'));
      expect(serious(lint(stack('${APP_PORT:-8000}')))).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
      // The project's .env wins over the default, and takes the link away when it names another port.
      expect(links(stack('${APP_PORT:-8000}', 'APP_PORT=9000\n'))).toEqual([]);
      expect(listener(stack('${APP_PORT:-8000}', 'APP_PORT=9000\n'))).toEqual(['{"kind":"tcp","host":"0.0.0.0","port":9000}']);
      // `:-` also replaces an empty value; `-` only an unset one.
      expect(links(stack('${APP_PORT:-8000}', 'APP_PORT=\n'))).toEqual(linked('docker-compose.yml'));
      expect(links(stack('${APP_PORT-8000}', 'APP_PORT=\n'))).toEqual([]);
      // A variable without a default needs .env to give it; so does `:?` (an error when unset).
      expect(links(stack('${APP_PORT}'))).toEqual([]);
      expect(links(stack('${APP_PORT}', 'APP_PORT=8000\n'))).toEqual(linked('docker-compose.yml'));
      expect(links(stack('${APP_PORT:?set APP_PORT}'))).toEqual([]);
      expect(links(stack('${APP_PORT:?set APP_PORT}', 'export APP_PORT=8000\n'))).toEqual(linked('docker-compose.yml'));
      // A .env value that is itself a variable is not known, so neither is the default's use.
      expect(links(stack('${APP_PORT:-8000}', 'APP_PORT=${OTHER}\n'))).toEqual([]);
      // A .env in another directory is not this project's.
      expect(links({ ...stack('${APP_PORT:-8000}'), 'other/.env': 'APP_PORT=9000\n' })).toEqual(linked('docker-compose.yml'));
    });

    test("Compose's $$ is a $ inside single quotes too: sh -c '… $$PORT' reads the container's PORT", () => {
      const tree = {
        'docker-compose.yml': `services:\n  web:\n    image: python:3.12\n    command: sh -c 'exec gunicorn app.wsgi:application --bind 0.0.0.0:$$PORT --worker-class gthread'\n    environment:\n      PORT: "8000"\n${nginxService}`,
        'nginx/default.conf': keepaliveNginx('web:8000'),
      };
      expect(links(tree)).toEqual(linked('docker-compose.yml'));
      // A single $ there is Compose's own variable, which the tree does not set.
      expect(links({ ...tree, 'docker-compose.yml': tree['docker-compose.yml'].replace('$$PORT', '$PORT') })).toEqual([]);
    });

    test("a Dockerfile no service builds, built from the repository's root (doccano's docker/Dockerfile): its CMD script runs in the image, with the image's ENV", () => {
      const tree = {
        'docker/Dockerfile': 'FROM python:3.12\nWORKDIR /srv\nCOPY bin/start.sh /usr/local/bin/start.sh\nENV PORT=8000\nCMD ["start.sh"]\n',
        'bin/start.sh': '#!/bin/sh\nexec gunicorn app.wsgi:application --bind 0.0.0.0:$PORT\n',
      };
      const listeners = (files: Record<string, string>) =>
        modelOf(files).backends.map((backend) => `${backend.kind} ${backend.name} ${backend.listeners.map((l) => JSON.stringify(l.address)).join(' ')}`);
      // docker/ has no bin/start.sh; the root has every COPY source, so the image holds the script.
      expect(listeners(tree)).toEqual(['gunicorn docker/Dockerfile {"kind":"tcp","host":"0.0.0.0","port":8000}']);
      // With bin/start.sh beside the Dockerfile, `docker build docker/` copies that one; the root's is a host's script.
      const both = { ...tree, 'docker/bin/start.sh': '#!/bin/sh\nexec gunicorn app.wsgi:application --bind "0.0.0.0:9000"\n' };
      expect(listeners(both).sort()).toEqual([
        'gunicorn bin/start.sh {"kind":"other","text":"0.0.0.0:$PORT"}',
        'gunicorn docker/Dockerfile {"kind":"tcp","host":"0.0.0.0","port":9000}',
      ]);
    });
  });

  describe('a service that runs the image another service of its project builds', () => {
    // readthedocs' compose shape: one service builds the image under a name, the others run it by that name.
    const nginxService = '  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';
    const builder = (image: string, dockerfile = 'Dockerfile') =>
      `  server:\n    image: ${image}\n    build:\n      context: .\n      dockerfile: ${dockerfile}\n    command: ["true"]\n`;
    // Without -b, gunicorn binds 0.0.0.0:$PORT when PORT is set (config.py Bind's default): the
    // image's ENV decides the address, so a link shows the container got the image.
    const image = 'FROM python:3.12\nWORKDIR /app\nENV PORT=9000\nCMD ["gunicorn", "app.wsgi:application"]\n';
    const tree = (compose: string, files: Record<string, string> = {}) => ({
      'docker-compose.yml': compose,
      Dockerfile: image,
      'nginx/default.conf': keepaliveNginx('web:9000'),
      ...files,
    });
    const linked = ['nginx/default.conf: web:9000 -> gunicorn docker-compose.yml (compose-service)'];

    test("image: the builder's exact image name runs its CMD with its ENV; the service's own command replaces CMD", () => {
      expect(links(tree(`services:\n${builder('myapp:latest')}  web:\n    image: myapp:latest\n${nginxService}`))).toEqual(linked);
      expect(
        links(tree(`services:\n${builder('myapp:latest')}  web:\n    image: myapp:latest\n    command: gunicorn other.wsgi:application\n${nginxService}`)),
      ).toEqual(linked);
    });

    test("a name written with a variable (kartoza/docker-geoserver's `kartoza/geoserver:${GS_VERSION}`): the same text in the same directory is the same image", () => {
      // Compose interpolates both with the directory's .env, whichever of its files is run.
      const files = { 'docker-compose-build.yml': `services:\n${builder('myapp:${TAG}')}` };
      expect(links(tree(`services:\n  web:\n    image: myapp:\${TAG}\n${nginxService}`, files))).toEqual([
        'nginx/default.conf: web:9000 -> gunicorn docker-compose.yml (compose-service)',
      ]);
      // Quoted or not, the text is the same.
      expect(links(tree(`services:\n  web:\n    image: "myapp:\${TAG}"\n${nginxService}`, files))).toHaveLength(1);
      // Another variable may hold another tag.
      expect(links(tree(`services:\n  web:\n    image: myapp:\${OTHER_TAG}\n${nginxService}`, files))).toEqual([]);
      // Another directory's project may have another .env.
      expect(
        links(
          tree(`services:\n  web:\n    image: myapp:\${TAG}\n${nginxService}`, {
            'builder/docker-compose.yml': `services:\n${builder('myapp:${TAG}').replace('context: .', 'context: ..').replace('dockerfile: Dockerfile', 'dockerfile: ../Dockerfile')}`,
          }),
        ),
      ).toEqual([]);
    });

    test('another spelling of the name, a builder in another project, or builders that disagree: the image is not known', () => {
      // Compose compares the names as written: myapp is not myapp:latest.
      expect(links(tree(`services:\n${builder('myapp:latest')}  web:\n    image: myapp\n${nginxService}`))).toEqual([]);
      // The builder is another directory's project.
      expect(
        links(
          tree(`services:\n  web:\n    image: myapp:latest\n${nginxService}`, {
            'builder/docker-compose.yml': 'services:\n  server:\n    image: myapp:latest\n    build: ..\n',
          }),
        ),
      ).toEqual([]);
      // Two services build myapp:latest from different Dockerfiles.
      expect(
        links(
          tree(
            `services:\n${builder('myapp:latest')}${builder('myapp:latest', 'Dockerfile.other').replace('server:', 'worker:')}  web:\n    image: myapp:latest\n${nginxService}`,
            {
              'Dockerfile.other': image.replace('9000', '9001'),
            },
          ),
        ),
      ).toEqual([]);
    });
  });

  describe("a service that runs the image the repository's workflow builds and tags (doccano's docker-compose.prod.yml and publish-image.yml)", () => {
    const nginxService = '  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';
    // Without -b, gunicorn binds 0.0.0.0:$PORT when PORT is set (config.py Bind's default): a link
    // to web:9000 shows the service got the Dockerfile's image.
    const image = 'FROM python:3.12\nWORKDIR /app\nENV PORT=9000\nCMD ["gunicorn", "app.wsgi:application"]\n';
    const step = (inputs: string) =>
      `on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v5\n        with:\n          context: .\n          file: ./docker/Dockerfile.prod\n${inputs}`;
    const tree = (serviceImage: string, workflow: string, files: Record<string, string> = {}) => ({
      'docker-compose.yml': `services:\n  web:\n    image: ${serviceImage}\n${nginxService}`,
      'docker/Dockerfile.prod': image,
      'nginx/default.conf': keepaliveNginx('web:9000'),
      '.github/workflows/publish.yml': workflow,
      ...files,
    });
    const linked = ['nginx/default.conf: web:9000 -> gunicorn docker-compose.yml (compose-service)'];
    const tagged = (tags: string) => step(`          tags: ${tags}\n`);
    const withMetadata = (images: string) =>
      step('          tags: ${{ steps.meta.outputs.tags }}\n').replace(
        '      - uses: docker/build-push-action',
        `      - id: meta\n        uses: docker/metadata-action@v5\n        with:\n          images: ${images}\n      - uses: docker/build-push-action`,
      );

    test('the tag the step writes, spelt as Docker normalises it, or with a default the compose file gives', () => {
      expect(links(tree('example/app:backend', tagged('example/app:backend')))).toEqual(linked);
      expect(links(tree('example/app:backend', tagged('"docker.io/example/app:backend,ghcr.io/example/app:backend"')))).toEqual(linked);
      expect(links(tree('example/app', tagged('index.docker.io/example/app:latest')))).toEqual(linked);
      expect(links(tree('example/app:${APP_TAG:-backend}', tagged('example/app:backend')))).toEqual(linked);
      // A tag the compose file leaves to the shell may be any the step writes.
      expect(links(tree('example/app:${APP_TAG}', tagged('example/app:backend')))).toEqual(linked);
    });

    test("a metadata-action step's images, whatever tag it computes", () => {
      expect(links(tree('example/app:1.2', withMetadata('example/app')))).toEqual(linked);
      // The action lower-cases the names (src/meta.ts sanitizeImageName).
      expect(links(tree('ghcr.io/example/app:1.2', withMetadata('|\n            Example/other\n            ghcr.io/Example/app')))).toEqual(linked);
    });

    test('the linked service is judged: nginx keeps idle connections past gthread’s 2s keep-alive (gunicorn config.py Keepalive)', () => {
      const gthread = { 'docker/Dockerfile.prod': image.replace('"app.wsgi:application"', '"--worker-class", "gthread", "app.wsgi:application"') };
      expect(serious(lint(tree('example/app:backend', tagged('example/app:backend'), gthread)))).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
      expect(serious(lint(tree('example/app:frontend', tagged('example/app:backend'), gthread)))).toEqual([]);
    });

    test('another repository, registry or fixed tag, a tag the workflow computes from an expression, or a step elsewhere: not linked', () => {
      expect(links(tree('example/other:backend', tagged('example/app:backend')))).toEqual([]);
      expect(links(tree('ghcr.io/example/app:backend', tagged('example/app:backend')))).toEqual([]);
      expect(links(tree('example/app:frontend', tagged('example/app:backend')))).toEqual([]);
      expect(links(tree('example/app', tagged('example/app:backend')))).toEqual([]);
      expect(links(tree('example/app:1.2', withMetadata('${{ github.repository }}')))).toEqual([]);
      expect(links(tree('example/app:1.2', withMetadata('name=example/app,enable=false')))).toEqual([]);
      expect(links(tree('example/app:backend', tagged('example/app:${{ github.ref_name }}')))).toEqual([]);
      // The workflow of another repository: the compose file is not below its workspace.
      const { '.github/workflows/publish.yml': workflow, ...rest } = tree('example/app:backend', tagged('example/app:backend'));
      expect(links({ ...rest, 'other/.github/workflows/publish.yml': workflow, 'other/docker/Dockerfile.prod': image })).toEqual([]);
    });

    test('a tag the step writes wins over a metadata step that computes tags for the repository (doccano)', () => {
      const both = tree('example/app:backend', tagged('example/app:backend'), { 'docker/Dockerfile': image.replace('9000', '9001') });
      const workflow = both['.github/workflows/publish.yml'].replace(
        '      - uses: docker/build-push-action',
        '      - id: meta\n        uses: crazy-max/ghaction-docker-meta@v1\n        with:\n          images: example/app\n      - uses: docker/build-push-action@v5\n        with:\n          context: .\n          file: ./docker/Dockerfile\n          tags: ${{ steps.meta.outputs.tags }}\n      - uses: docker/build-push-action',
      );
      expect(links({ ...both, '.github/workflows/publish.yml': workflow })).toEqual(linked);
      // With the tag left open, both steps may have built it: not known.
      expect(
        links({
          ...both,
          '.github/workflows/publish.yml': workflow,
          'docker-compose.yml': both['docker-compose.yml'].replace('example/app:backend', 'example/app:${APP_TAG}'),
        }),
      ).toEqual([]);
    });

    describe('a workflow that builds a stage (InvenTree: target: production, a development stage last)', () => {
      const stages =
        'FROM python:3.12 AS production\nCMD ["gunicorn", "-b", "0.0.0.0:9000", "app.wsgi:application"]\n\nFROM production AS dev\nCMD ["invoke", "dev.server"]\n';
      const gunicorns = (files: Record<string, string>) =>
        modelOf(files)
          .backends.filter((backend) => backend.kind === 'gunicorn')
          .map((backend) => backend.name);

      test('the service, and the Dockerfile no service runs, start from that stage', () => {
        expect(links(tree('example/app:backend', tagged('example/app:backend\n          target: production'), { 'docker/Dockerfile.prod': stages }))).toEqual(
          linked,
        );
        expect(
          gunicorns({ 'docker/Dockerfile.prod': stages, '.github/workflows/publish.yml': tagged('example/app:backend\n          target: production') }),
        ).toEqual(['docker/Dockerfile.prod']);
      });

      test('without a target, the last stage; a target an expression gives says nothing', () => {
        expect(links(tree('example/app:backend', tagged('example/app:backend'), { 'docker/Dockerfile.prod': stages }))).toEqual([]);
        expect(gunicorns({ 'docker/Dockerfile.prod': stages, '.github/workflows/publish.yml': tagged('example/app:backend') })).toEqual([]);
        expect(
          links(tree('example/app:backend', tagged('example/app:backend\n          target: ${{ matrix.target }}'), { 'docker/Dockerfile.prod': stages })),
        ).toEqual([]);
      });
    });
  });

  describe("a service that runs the image a Makefile recipe or a workflow run: step builds with docker build (allegro/ralph's Makefile)", () => {
    const nginxService = '  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';
    // Without -b, gunicorn binds 0.0.0.0:$PORT when PORT is set (config.py Bind's default): a link
    // to web:9000 shows the service got the Dockerfile's image.
    const image = 'FROM python:3.12\nWORKDIR /app\nENV PORT=9000\nCMD ["gunicorn", "app.wsgi:application"]\n';
    const tree = (files: Record<string, string>, serviceImage = 'allegro/ralph:latest') => ({
      'docker/docker-compose.yml': `services:\n  web:\n    image: ${serviceImage}\n${nginxService}`,
      'docker/Dockerfile-prod': image,
      'docker/nginx/default.conf': keepaliveNginx('web:9000'),
      ...files,
    });
    const linked = ['docker/nginx/default.conf: web:9000 -> gunicorn docker/docker-compose.yml (compose-service)'];
    // make expands $(VAR) before the shell reads the line, so the quotes of DOCKER_REPO_NAME?="allegro" are the shell's.
    const makefile = (tags: string, head = 'DOCKER_REPO_NAME?="allegro"\nRALPH_VERSION?=$(shell git describe --abbrev=0)\n') =>
      `${head}\n.PHONY: build-docker-image\nbuild-docker-image:\n\tdocker build \\\n\t\t--no-cache \\\n\t\t-f docker/Dockerfile-prod \\\n\t\t--build-arg RALPH_VERSION="$(RALPH_VERSION)" \\\n${tags} .\n\npublish-docker-image: build-docker-image\n\tdocker push $(DOCKER_REPO_NAME)/ralph:latest\n`;
    const ralphTags = '\t\t-t $(DOCKER_REPO_NAME)/ralph:latest \\\n\t\t-t "$(DOCKER_REPO_NAME)/ralph:$(RALPH_VERSION)"';
    const workflow = (step: string) => `on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${step}`;

    test('a Makefile recipe that tags the image, its variables expanded as make does', () => {
      expect(links(tree({ Makefile: makefile(ralphTags) }))).toEqual(linked);
      // The image name written out, -t run into its value, a recipe on the rule's line, a later := and +=.
      expect(links(tree({ Makefile: 'image: ; @docker build -tallegro/ralph:latest -f docker/Dockerfile-prod .\n' }))).toEqual(linked);
      expect(
        links(
          tree({
            Makefile:
              'REPO = allegro\nNAME := $(REPO)/ralph\nIMAGE = $(NAME)\nIMAGE += ignored\nimage:\n\t-docker buildx build --push --tag=$(NAME):latest --file docker/Dockerfile-prod .\n',
          }),
        ),
      ).toEqual(linked);
    });

    test('a workflow run: step that tags the image, from its working directory', () => {
      expect(
        links(tree({ '.github/workflows/publish.yml': workflow('      - run: docker build -f docker/Dockerfile-prod -t allegro/ralph:latest .\n') })),
      ).toEqual(linked);
      expect(
        links(
          tree({
            '.github/workflows/publish.yml': workflow(
              '      - working-directory: docker\n        run: |\n          docker login -u "${{ secrets.USER }}"\n          docker image build --pull -f Dockerfile-prod -t allegro/ralph:latest -t "allegro/ralph:${{ github.ref_name }}" ..\n',
            ),
          }),
        ),
      ).toEqual(linked);
      expect(
        links(
          tree({
            '.github/workflows/publish.yml': workflow('      - run: cd docker && DOCKER_BUILDKIT=1 docker build -qt allegro/ralph -f Dockerfile-prod ..\n'),
          }),
        ),
      ).toEqual(linked);
    });

    test('another repository name or fixed tag, a tag with a part the tree does not give, or no -t: not linked', () => {
      // Another repository: the Makefile's second build, and a registry before the name.
      expect(links(tree({ Makefile: makefile(ralphTags.replace(/ralph:/g, 'ralph-static-nginx:')) }))).toEqual([]);
      expect(links(tree({ Makefile: makefile(ralphTags) }, 'ghcr.io/allegro/ralph:latest'))).toEqual([]);
      // Another fixed tag.
      expect(links(tree({ Makefile: makefile('\t\t-t allegro/ralph:1.0') }))).toEqual([]);
      expect(
        links(tree({ '.github/workflows/publish.yml': workflow('      - run: docker build -f docker/Dockerfile-prod -t allegro/ralph:1.0 .\n') })),
      ).toEqual([]);
      // A variable the Makefile does not set, sets with $(shell …), for one target only, or in a conditional.
      expect(links(tree({ Makefile: makefile(ralphTags, '') }))).toEqual([]);
      expect(links(tree({ Makefile: makefile(ralphTags, 'DOCKER_REPO_NAME := $(shell cat repo.txt)\n') }))).toEqual([]);
      expect(links(tree({ Makefile: makefile(ralphTags, 'build-docker-image: DOCKER_REPO_NAME = allegro\n') }))).toEqual([]);
      expect(links(tree({ Makefile: makefile(ralphTags, 'ifdef CI\nDOCKER_REPO_NAME = allegro\nendif\n') }))).toEqual([]);
      // The tag the compose file leaves open is not any tag the build leaves open.
      expect(links(tree({ Makefile: makefile('\t\t-t "allegro/ralph:$(RALPH_VERSION)"') }, 'allegro/ralph:${RALPH_VERSION}'))).toEqual([]);
      // A shell variable or an expression in the step's tag.
      expect(links(tree({ '.github/workflows/publish.yml': workflow('      - run: docker build -f docker/Dockerfile-prod -t $IMAGE:latest .\n') }))).toEqual(
        [],
      );
      expect(
        links(tree({ '.github/workflows/publish.yml': workflow('      - run: docker build -f docker/Dockerfile-prod -t ${{ env.OWNER }}/ralph:latest .\n') })),
      ).toEqual([]);
      // No -t tags nothing.
      expect(links(tree({ Makefile: makefile('\t\t--target prod') }))).toEqual([]);
    });
  });

  describe("compose build.args choose the stage of FROM ${TARGET} (archivematica's hack/docker-compose.yml)", () => {
    const dockerfile = [
      'ARG TARGET=worker',
      'FROM python:3.12 AS base',
      '',
      'FROM base AS worker',
      'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:9000", "worker:app"]',
      '',
      'FROM base AS dashboard',
      'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000", "wsgi:application"]',
      '',
      'FROM ${TARGET}',
      '',
    ].join('\n');
    const tree = (args: string) => ({
      'hack/docker-compose.yml': `services:\n  dashboard:\n    build:\n      context: ..\n      dockerfile: hack/Dockerfile\n${args}`,
      'hack/Dockerfile': dockerfile,
      'hack/app.conf': keepaliveNginx('dashboard:8000'),
    });
    const linked = ['hack/app.conf: dashboard:8000 -> gunicorn hack/docker-compose.yml (compose-service)'];

    test('a map or a list of NAME=value replaces the ARG default before the first FROM', () => {
      expect(links(tree('      args:\n        TARGET: "dashboard"\n'))).toEqual(linked);
      expect(links(tree('      args:\n        - TARGET=dashboard\n'))).toEqual(linked);
      expect(links(tree('      args:\n        TARGET: ${DASHBOARD_STAGE:-dashboard}\n'))).toEqual(linked);
    });

    test("without the argument, the default's stage (9000); a value the tree does not give, or another name, changes nothing known", () => {
      expect(links(tree(''))).toEqual([]);
      expect(links(tree('      args:\n        OTHER: dashboard\n'))).toEqual([]);
      expect(links(tree('      args:\n        - TARGET\n'))).toEqual([]);
      expect(modelOf(tree('      args:\n        - TARGET\n')).backends.filter((backend) => backend.kind === 'gunicorn')).toEqual([]);
      const worker = modelOf(tree('      args:\n        OTHER: dashboard\n')).backends.filter((backend) => backend.kind === 'gunicorn');
      expect(worker.map((backend) => JSON.stringify(backend.listeners.map((listener) => listener.address)))).toEqual([
        JSON.stringify([{ kind: 'tcp', host: '0.0.0.0', port: 9000 }]),
      ]);
    });
  });

  describe("DefectDojo's uwsgi service: a build path with a default, a wait-for-it entrypoint, a COPY with a glob", () => {
    const stack = (dockerfile: string, entrypoint: string) => ({
      'docker-compose.yml': `services:\n  uwsgi:\n    build:\n      context: ./\n      dockerfile: "${dockerfile}"\n    entrypoint: ${entrypoint}\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n`,
      'Dockerfile.django-debian':
        'FROM python:3.12\nCOPY docker/entrypoint-uwsgi.sh docker/wait-for-it.sh docker/certs/* /\nENV DD_UWSGI_ENDPOINT=0.0.0.0:3031\nCMD ["/entrypoint-uwsgi.sh"]\n',
      'docker/entrypoint-uwsgi.sh': '#!/bin/sh\nexec uwsgi --socket "${DD_UWSGI_ENDPOINT}" --module app.wsgi\n',
      'docker/wait-for-it.sh': '#!/usr/bin/env bash\nWAITFORIT_cmdname=${0##*/}\nexec "${WAITFORIT_CLI[@]}"\n',
      'docker/certs/ca.pem': 'x\n',
      'nginx/default.conf': uwsgiPassNginx('uwsgi:3031'),
    });
    const waitThenStart = "['/wait-for-it.sh', 'postgres:5432', '-t', '30', '--', '/entrypoint-uwsgi.sh']";
    const linked = ['nginx/default.conf: uwsgi:3031 -> uwsgi docker-compose.yml (compose-service)'];

    test('linked through all three', () => {
      expect(links(stack('Dockerfile.django-${DEFECT_DOJO_OS:-debian}', waitThenStart))).toEqual(linked);
      expect(links(stack('Dockerfile.django-debian', "['/entrypoint-uwsgi.sh']"))).toEqual(linked);
    });

    test('a build path variable without a default, or a wait without a command, is not linked', () => {
      expect(links(stack('Dockerfile.django-${DEFECT_DOJO_OS}', waitThenStart))).toEqual([]);
      expect(links(stack('Dockerfile.django-debian', "['/wait-for-it.sh', 'postgres:5432']"))).toEqual([]);
    });

    test("an override file named so goes over the base: its celerybeat keeps the base's entrypoint, not the image's uWSGI CMD", () => {
      const base = stack('Dockerfile.django-debian', waitThenStart);
      const tree = {
        ...base,
        'docker-compose.yml': `${base['docker-compose.yml']}  celerybeat:\n    image: dojo\n    entrypoint: ['/entrypoint-celery-beat.sh']\n`,
        'docker/entrypoint-celery-beat.sh': '#!/bin/sh\nexec celery --app=dojo beat\n',
        'docker-compose.override.dev.yml': 'services:\n  celerybeat:\n    build:\n      context: .\n      dockerfile: Dockerfile.django-debian\n',
      };
      const servers = modelOf(tree).backends.map((backend) => `${backend.kind} ${backend.name}`);
      expect(servers).toContain('uwsgi uwsgi');
      expect(servers).not.toContain('uwsgi celerybeat');
      // Named otherwise, a file with its own build is a service of its own, running the image's CMD.
      const { 'docker-compose.override.dev.yml': override, ...rest } = tree;
      expect(modelOf({ ...rest, 'docker-compose.dev.yml': override }).backends.map((backend) => `${backend.kind} ${backend.name}`)).toContain(
        'uwsgi celerybeat',
      );
    });
  });

  describe('a RUN mv or cp of a file a COPY placed (archesproject/arches: COPY --from the wheel builder, then RUN mv ${WHEELS}/entrypoint.sh entrypoint.sh)', () => {
    // gunicorn reads bind from the --config file (gunicorn config.py: `bind`); the script is run
    // from wherever the image holds it when the container starts, so only a path a certain RUN
    // moved or copied it to reaches it.
    const stack = (dockerfile: string) => ({
      'compose.yaml':
        'services:\n  app:\n    build: .\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n',
      Dockerfile: dockerfile,
      'docker/entrypoint.sh': '#!/bin/bash\nexec gunicorn app.wsgi:application --config /web_root/app/gunicorn_config.py\n',
      'docker/gunicorn_config.py': 'bind = "0.0.0.0:8000"\nworkers = 2\n',
      'nginx/default.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://app:8000;\n    }\n}\n',
    });
    const image = (steps: string, entrypoint = '/web_root/entrypoint.sh') =>
      `FROM python:3.12\nCOPY docker/gunicorn_config.py /web_root/app/gunicorn_config.py\n${steps}\nENTRYPOINT ["${entrypoint}"]\n`;
    // The backend is named by the file that gives its bind, the config.
    const linked = ['nginx/default.conf: app:8000 -> gunicorn docker/gunicorn_config.py (compose-service)'];

    test('mv to a new name relative to WORKDIR, or into a directory the image holds; cp -a, -p and -r, to an absolute path', () => {
      expect(
        links(
          stack(
            image('COPY docker/entrypoint.sh /wheels/entrypoint.sh\nWORKDIR /web_root\nRUN mv /wheels/entrypoint.sh entrypoint.sh', '../entrypoint.sh').replace(
              'ENTRYPOINT',
              'WORKDIR /web_root/app\nENTRYPOINT',
            ),
          ),
        ),
      ).toEqual(linked);
      expect(links(stack(image('COPY docker/entrypoint.sh /wheels/entrypoint.sh\nRUN mkdir -p /web_root && mv -f /wheels/entrypoint.sh /web_root')))).toEqual(
        linked,
      );
      for (const cp of ['cp', 'cp -a', 'cp -p', 'cp -r'])
        expect(links(stack(image(`COPY docker/entrypoint.sh /wheels/entrypoint.sh\nRUN ${cp} /wheels/entrypoint.sh /web_root/entrypoint.sh`)))).toEqual(linked);
    });

    test("arches' own steps: a COPY in the builder stage, COPY --from it, and a mv with the stage's ENV under a WORKDIR with one", () => {
      const dockerfile = [
        'FROM python:3.12 AS base',
        'ENV WEB_ROOT=/web_root',
        'ENV WHEELS=/wheels',
        'FROM base AS wheelbuilder',
        'WORKDIR ${WHEELS}',
        'COPY docker/entrypoint.sh ${WHEELS}/entrypoint.sh',
        'FROM base',
        'RUN mkdir ${WEB_ROOT}',
        'COPY --from=wheelbuilder ${WHEELS} /wheels',
        'WORKDIR ${WEB_ROOT}',
        'RUN mv ${WHEELS}/entrypoint.sh entrypoint.sh',
        'COPY docker/gunicorn_config.py /web_root/app/gunicorn_config.py',
        'WORKDIR /web_root/app',
        'ENTRYPOINT ["../entrypoint.sh"]',
        '',
      ].join('\n');
      expect(links(stack(dockerfile))).toEqual(linked);
      // The builder's file stays in the builder: without the COPY --from the running stage has nothing to move.
      expect(links(stack(dockerfile.replace('COPY --from=wheelbuilder ${WHEELS} /wheels\n', '')))).toEqual([]);
    });

    test('a file in a copied directory, and a relative path after a cd', () => {
      expect(links(stack(image('COPY docker /opt/docker\nRUN cp /opt/docker/entrypoint.sh /web_root/entrypoint.sh')))).toEqual(linked);
      expect(links(stack(image('COPY docker /opt/docker\nRUN cd /opt/docker && mv entrypoint.sh /web_root/entrypoint.sh')))).toEqual(linked);
      // A directory without -r: cp refuses it (coreutils copy.c, "-r not specified; omitting directory").
      expect(links(stack(image('COPY docker /opt/docker\nRUN cp /opt/docker /web_root', '/web_root/docker/entrypoint.sh')))).toEqual([]);
      expect(links(stack(image('COPY docker /opt/docker\nRUN mkdir /web_root && cp -r /opt/docker /web_root', '/web_root/docker/entrypoint.sh')))).toEqual(
        linked,
      );
    });

    test('after mv the file is no longer at its old path; after cp it is at both', () => {
      expect(
        links(stack(image('COPY docker/entrypoint.sh /wheels/entrypoint.sh\nRUN mv /wheels/entrypoint.sh /web_root/entrypoint.sh', '/wheels/entrypoint.sh'))),
      ).toEqual([]);
      expect(
        links(stack(image('COPY docker/entrypoint.sh /wheels/entrypoint.sh\nRUN cp /wheels/entrypoint.sh /web_root/entrypoint.sh', '/wheels/entrypoint.sh'))),
      ).toEqual(linked);
    });

    test('a mv that may not run, or whose path the Dockerfile does not give, is not followed', () => {
      const copy = 'COPY docker/entrypoint.sh /wheels/entrypoint.sh\n';
      for (const run of [
        'RUN test -f /web_root/entrypoint.sh || mv /wheels/entrypoint.sh /web_root/entrypoint.sh',
        'RUN if [ -n "$PROD" ]; then mv /wheels/entrypoint.sh /web_root/entrypoint.sh; fi',
        'RUN for f in /wheels/*.sh; do mv /wheels/entrypoint.sh /web_root/entrypoint.sh; done',
        'RUN mv $HOME/entrypoint.sh /web_root/entrypoint.sh',
        'ENV WHEELS=/wheels\nRUN WHEELS=/tmp && mv $WHEELS/entrypoint.sh /web_root/entrypoint.sh',
        'RUN mv /wheels/*.sh /web_root/entrypoint.sh',
        'RUN cd "$(mktemp -d)" && mv /wheels/entrypoint.sh entrypoint.sh',
      ])
        expect(links(stack(image(`${copy}${run}`)))).toEqual([]);
    });
  });

  describe("a build target written with a variable picks its stage as Compose interpolates it (hotosm/tasking-manager's target: ${TARGET_TAG:-debug})", () => {
    // Each stage listens on a port of its own, so the port nginx reaches says which stage runs.
    const dockerfile = [
      'FROM python:3.10-slim AS debug',
      'CMD ["python", "-m", "debugpy", "--listen", "0.0.0.0:5678", "-m", "uvicorn", "backend.main:api", "--host", "0.0.0.0", "--port", "5000", "--reload"]',
      '',
      'FROM debug AS prod',
      'CMD ["uvicorn", "backend.main:api", "--host", "0.0.0.0", "--port", "5001", "--workers", "8"]',
      '',
    ].join('\n');
    const tree = (target: string, dotEnv?: string) => ({
      'docker-compose.yml': `services:\n  tm-backend:\n    build:\n      context: .\n      target: ${target}\n      dockerfile: ./scripts/docker/Dockerfile\n  nginx:\n    image: nginx\n    volumes:\n      - ./nginx.conf:/etc/nginx/conf.d/default.conf\n`,
      'scripts/docker/Dockerfile': dockerfile,
      'nginx.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://tm-backend:5000; }\n  location /prod { proxy_pass http://tm-backend:5001; }\n}\n',
      ...(dotEnv === undefined ? {} : { '.env': dotEnv }),
    });
    const debug = ['nginx.conf: tm-backend:5000 -> uvicorn docker-compose.yml (compose-service)'];
    const prod = ['nginx.conf: tm-backend:5001 -> uvicorn docker-compose.yml (compose-service)'];

    test('unset, ${VAR:-default} and ${VAR-default} build the default stage, as a literal target does', () => {
      expect(links(tree('${TARGET_TAG:-debug}'))).toEqual(debug);
      expect(links(tree('${TARGET_TAG-debug}'))).toEqual(debug);
      expect(links(tree('"${TARGET_TAG:-prod}"'))).toEqual(prod);
      expect(links(tree('debug'))).toEqual(debug);
    });

    test("BuildKit matches a stage name in any case, the variable's name keeps its own", () => {
      expect(links(tree('DEBUG'))).toEqual(debug);
      expect(links(tree('${TARGET_TAG:-Debug}'))).toEqual(debug);
      expect(links(tree('${TARGET_TAG:-debug}', 'TARGET_TAG=PROD\n'))).toEqual(prod);
      // `target_tag` is another variable: TARGET_TAG stays unset.
      expect(links(tree('${TARGET_TAG:-debug}', 'target_tag=prod\n'))).toEqual(debug);
    });

    test(".env beside the compose file sets the variable; empty, it gives the default with ':-' only, and no target builds the last stage", () => {
      expect(links(tree('${TARGET_TAG:-debug}', 'TARGET_TAG=prod\n'))).toEqual(prod);
      expect(links(tree('${TARGET_TAG:-debug}', 'TARGET_TAG=\n'))).toEqual(debug);
      expect(links(tree('${TARGET_TAG-debug}', 'TARGET_TAG=\n'))).toEqual(prod);
    });

    test('a variable the tree does not give chooses no stage: no backend, not the last stage', () => {
      const uvicorns = (t: Record<string, string>) => modelOf(t).backends.filter((backend) => backend.kind === 'uvicorn');
      expect(uvicorns(tree('${TARGET_TAG}'))).toEqual([]);
      expect(uvicorns(tree('${TARGET_TAG:-debug}', 'TARGET_TAG=${FROM_SHELL}\n'))).toEqual([]);
      expect(uvicorns(tree('${TARGET_TAG:-nonexistent}'))).toEqual([]);
      expect(links(tree('${TARGET_TAG}'))).toEqual([]);
    });

    test('the Dockerfile and the context a variable names are read with .env too', () => {
      const variant = (dockerfilePath: string, dotEnv?: string) => {
        const base = tree('debug', dotEnv);
        return {
          ...base,
          'docker-compose.yml': base['docker-compose.yml'].replace('./scripts/docker/Dockerfile', dockerfilePath),
          'scripts/docker/Dockerfile.ci': dockerfile.replace('"5000"', '"5002"'),
        };
      };
      expect(links(variant('./scripts/docker/Dockerfile${VARIANT:-}'))).toEqual(debug);
      expect(links(variant('./scripts/docker/Dockerfile${VARIANT:-}', 'VARIANT=.ci\n'))).toEqual([]);
      const ci = links({
        ...variant('./scripts/docker/Dockerfile${VARIANT:-}', 'VARIANT=.ci\n'),
        'nginx.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://tm-backend:5002; }\n}\n',
      });
      expect(ci).toEqual(['nginx.conf: tm-backend:5002 -> uvicorn docker-compose.yml (compose-service)']);
      const context = (dotEnv?: string) => {
        const base = tree('debug', dotEnv);
        return {
          ...base,
          'docker-compose.yml': base['docker-compose.yml'].replace('context: .', 'context: ${CONTEXT:-.}').replace('./scripts/docker/Dockerfile', 'Dockerfile'),
          Dockerfile: dockerfile,
        };
      };
      expect(links(context())).toEqual(debug);
      expect(links(context('CONTEXT=./missing\n'))).toEqual([]);
    });
  });

  describe("a sample of an override file is not how the services run (tasking-manager's docker-compose.override.sample.yml)", () => {
    const base = {
      'docker-compose.yml':
        'services:\n  tm-backend:\n    build:\n      context: .\n      target: ${TARGET_TAG:-debug}\n  nginx:\n    image: nginx\n    volumes:\n      - ./nginx.conf:/etc/nginx/conf.d/default.conf\n',
      Dockerfile: 'FROM python:3.10-slim AS debug\nCMD ["uvicorn", "backend.main:api", "--host", "0.0.0.0", "--port", "5000"]\n',
      'nginx.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://tm-backend:5000; }\n}\n',
    };
    const override =
      'services:\n  tm-backend:\n    build:\n      context: .\n    command: "gunicorn -c python:backend.gunicorn manage:application --workers 1 --reload"\n';
    const servers = (tree: Record<string, string>) => modelOf(tree).backends.map((backend) => `${backend.kind} ${backend.name}`);

    test('docker-compose.override.sample.yml and compose.override.example.yaml are left out; the base service links alone', () => {
      const linked = ['nginx.conf: tm-backend:5000 -> uvicorn docker-compose.yml (compose-service)'];
      for (const name of ['docker-compose.override.sample.yml', 'compose.override.example.yaml']) {
        expect(servers({ ...base, [name]: override })).toEqual(['uvicorn tm-backend']);
        expect(links({ ...base, [name]: override })).toEqual(linked);
        expect(serious(lint({ ...base, [name]: override }))).toEqual([]);
      }
    });

    test('the same file as docker-compose.override.yml, or as another override given with -f, replaces the command', () => {
      expect(servers({ ...base, 'docker-compose.override.yml': override })).toEqual(['gunicorn tm-backend']);
      expect(servers({ ...base, 'docker-compose.override.dev.yml': override }).sort()).toEqual(['gunicorn tm-backend', 'uvicorn tm-backend']);
    });
  });

  describe('a gunicorn config that reads its address from the environment', () => {
    const config = "import os\nbind = f\"0.0.0.0:{os.getenv('PORT', 8000)}\"\nworker_class = 'gthread'\n";
    const stack = (environment: string) => ({
      'docker-compose.yml': `services:\n  web:\n    image: python:3.12\n    command: gunicorn -c /app/gunicorn.conf.py app.wsgi:application\n${environment}    volumes:\n      - ./app:/app\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n`,
      'app/gunicorn.conf.py': config,
    });
    const nginx = (address: string) => ({ 'nginx/default.conf': keepaliveNginx(address) });
    const linked = [`nginx/default.conf: web:9000 -> gunicorn app/gunicorn.conf.py (compose-service)`];

    test("the service's environment gives PORT: linked at that port, and the config's keep-alive is judged", () => {
      const tree = { ...stack('    environment:\n      PORT: "9000"\n'), ...nginx('web:9000') };
      expect(links(tree)).toEqual(linked);
      expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
      expect(links({ ...stack('    environment:\n      PORT: "9000"\n'), ...nginx('web:8000') })).toEqual([]);
    });

    test('PORT unset: the default of the getenv call', () => {
      expect(links({ ...stack(''), ...nginx('web:8000') })).toEqual(['nginx/default.conf: web:8000 -> gunicorn app/gunicorn.conf.py (compose-service)']);
      expect(links({ ...stack(''), ...nginx('web:9000') })).toEqual([]);
    });

    test('an env_file outside the tree may set PORT (mozilla/kitsune): not linked either way, nothing reported', () => {
      const tree = { ...stack('    env_file: .env\n'), ...nginx('web:8000') };
      expect(links(tree)).toEqual([]);
      expect(serious(lint(tree))).toEqual([]);
    });
  });

  describe('a gunicorn config that formats its address with % or str.format (superdesk/superdesk server/gunicorn_config.py)', () => {
    const unit = (environment: string) => `[Service]\nWorkingDirectory=/srv/app\n${environment}ExecStart=/srv/app/venv/bin/gunicorn -c gunicorn.conf.py wsgi\n`;
    const nginx = (port: number) => `server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:${port}; }\n}\n`;
    const percent = 'import os\nbind = "127.0.0.1:%s" % os.environ.get("PORT", "5000")\n';
    const format = 'import os\nbind = "127.0.0.1:{}".format(os.environ.get("PORT", "5000"))\n';
    const tree = (config: string, environment: string, port: number) => ({
      'app.service': unit(environment),
      'gunicorn.conf.py': config,
      'site.conf': nginx(port),
    });

    test.each([
      ['%', percent],
      ['str.format', format],
    ])('%s: PORT unset, the default 5000 is linked; another port is not', (_form, config) => {
      expect(links(tree(config, '', 5000))).toEqual(['site.conf: 127.0.0.1:5000 -> gunicorn gunicorn.conf.py (same-address)']);
      expect(links(tree(config, '', 5001))).toEqual([]);
    });

    test.each([
      ['%', percent],
      ['str.format', format],
    ])("%s: the unit's Environment=PORT=5001 is formatted in, not the default", (_form, config) => {
      expect(links(tree(config, 'Environment=PORT=5001\n', 5001))).toEqual(['site.conf: 127.0.0.1:5001 -> gunicorn gunicorn.conf.py (same-address)']);
      expect(links(tree(config, 'Environment=PORT=5001\n', 5000))).toEqual([]);
    });
  });

  describe("a template the nginx container's own start-up command renders with envsubst", () => {
    const web = '  web:\n    image: python:3.12\n    command: gunicorn app.wsgi:application --bind 0.0.0.0:8000 --worker-class gthread\n';
    // keepaliveNginx with the address a placeholder, and nginx's own $host beside it.
    const template = keepaliveNginx('$BACKEND_ADDR').replace('proxy_http_version 1.1;', 'proxy_http_version 1.1;\n        proxy_set_header Host $host;');

    test("a script of the image with a list of names (docker/awesome-compose's nginx-wsgi-flask): rendered with the service's environment, linked", () => {
      const tree = {
        'docker-compose.yml': `services:\n  nginx:\n    build: nginx\n    command: /app/start.sh\n    environment:\n      - BACKEND_ADDR=web:8000\n    volumes:\n      - ./nginx/default.conf:/tmp/default.conf\n${web}`,
        'nginx/Dockerfile': 'FROM nginx:1.19.7-alpine\nCOPY start.sh /app/start.sh\n',
        'nginx/start.sh': "#!/bin/bash\nenvsubst '$BACKEND_ADDR' < /tmp/default.conf > /etc/nginx/conf.d/default.conf && nginx -g 'daemon off;'\n",
        'nginx/default.conf': template,
      };
      expect(links(tree)).toEqual(['nginx/default.conf: web:8000 -> gunicorn docker-compose.yml (compose-service)']);
      // $host is not in the list: left for nginx. The race is reported at the template's line.
      expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
    });

    test("sh -c inline, without a list: every name is replaced, and nginx's own $host by nothing", () => {
      const tree = {
        'docker-compose.yml': `services:\n  nginx:\n    image: nginx\n    command: /bin/sh -c "envsubst < /tmp/app.conf > /etc/nginx/conf.d/default.conf && nginx -g 'daemon off;'"\n    environment:\n      BACKEND_ADDR: web:8000\n    volumes:\n      - ./app.conf:/tmp/app.conf\n${web}`,
        'app.conf': template,
      };
      expect(links(tree)).toEqual(['app.conf: web:8000 -> gunicorn docker-compose.yml (compose-service)']);
      // `proxy_set_header Host ;` is what nginx gets: it refuses to start.
      expect(serious(lint(tree))).toContain('nginx-directive-args app.conf:10');
    });

    test("a script the command names without a path, found on PATH (frappe/frappe_docker's nginx-entrypoint.sh)", () => {
      const tree = {
        'docker-compose.yml': `services:\n  nginx:\n    build: nginx\n    command: ["nginx-entrypoint.sh"]\n    environment:\n      BACKEND_ADDR: web:8000\n${web}`,
        'nginx/Dockerfile':
          'FROM nginx:1.27\nCOPY nginx-entrypoint.sh /usr/local/bin/nginx-entrypoint.sh\nCOPY default.conf /templates/default.conf.template\n',
        'nginx/nginx-entrypoint.sh':
          "#!/bin/bash\nif [[ -z \"$BACKEND_ADDR\" ]]; then export BACKEND_ADDR=127.0.0.1:8000; fi\nenvsubst '${BACKEND_ADDR}' < /templates/default.conf.template > /etc/nginx/conf.d/default.conf\nnginx -g 'daemon off;'\n",
        'nginx/default.conf': template,
      };
      expect(links(tree)).toEqual(['nginx/default.conf: web:8000 -> gunicorn docker-compose.yml (compose-service)']);
      // Not on PATH (copied elsewhere): the command is not that script.
      expect(links({ ...tree, 'nginx/Dockerfile': tree['nginx/Dockerfile'].replace('/usr/local/bin/', '/opt/') })).toEqual([]);
    });

    test.each([
      ['bash -x', 'bash -x /app/run_nginx.sh'],
      ['sh -e', 'sh -e /app/run_nginx.sh'],
      ['bash -o pipefail', 'bash -o pipefail /app/run_nginx.sh'],
      ['sh --', 'sh -- /app/run_nginx.sh'],
    ])("a script run by a shell with options first (codalab-competitions' `%s`): rendered, linked", (_shell, command) => {
      const tree = {
        'docker-compose.yml': `services:\n  nginx:\n    image: nginx\n    command: ${command}\n    environment:\n      BACKEND_ADDR: web:8000\n    volumes:\n      - ./docker:/app\n${web}`,
        'docker/run_nginx.sh': "#!/bin/sh\nenvsubst '$BACKEND_ADDR' < /app/nginx.conf > /etc/nginx/conf.d/default.conf\nnginx -g 'daemon off;'\n",
        'docker/nginx.conf': template,
      };
      expect(links(tree)).toEqual(['docker/nginx.conf: web:8000 -> gunicorn docker-compose.yml (compose-service)']);
    });

    test('a shell told to run a command string or its standard input runs no script file: nothing rendered from the file named after it', () => {
      const tree = (command: string) => ({
        'docker-compose.yml': `services:\n  nginx:\n    image: nginx\n    command: ${command}\n    environment:\n      BACKEND_ADDR: web:8000\n    volumes:\n      - ./docker:/app\n${web}`,
        'docker/run_nginx.sh': "#!/bin/sh\nenvsubst '$BACKEND_ADDR' < /app/nginx.conf > /etc/nginx/conf.d/default.conf\nnginx -g 'daemon off;'\n",
        'docker/nginx.conf': template,
      });
      // `sh -s FILE`: FILE is $1 of a script read from stdin; `bash -ec WORD`: WORD is the command string.
      expect(links(tree('sh -s /app/run_nginx.sh'))).toEqual([]);
      expect(links(tree('bash -ec /app/run_nginx.sh x'))).toEqual([]);
    });

    describe('behind an ENTRYPOINT script that runs its arguments (frappe/frappe_docker: entrypoint.sh ends `exec "$@"`, compose runs `command: [nginx-entrypoint.sh]`)', () => {
      // Docker runs the ENTRYPOINT with the command as its arguments; `exec "$@"` replaces the
      // script's shell with that command, so nginx-entrypoint.sh runs next, with what was exported.
      const RENDER = "#!/bin/bash\nenvsubst '${BACKEND_ADDR}' < /templates/default.conf.template > /etc/nginx/conf.d/default.conf\nnginx -g 'daemon off;'\n";
      const tree = (entrypoint: string, environment = '    environment:\n      BACKEND_ADDR: web:8000\n', script = RENDER) => ({
        'docker-compose.yml': `services:\n  nginx:\n    build: nginx\n    command: ["nginx-entrypoint.sh"]\n${environment}${web}`,
        'nginx/Dockerfile': [
          'FROM python:3.12-slim',
          'RUN apt-get update && apt-get install -y nginx gettext-base',
          'COPY entrypoint.sh /usr/local/bin/entrypoint.sh',
          'COPY nginx-entrypoint.sh /usr/local/bin/nginx-entrypoint.sh',
          'COPY default.conf /templates/default.conf.template',
          'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]',
          'CMD ["start.sh"]',
          '',
        ].join('\n'),
        'nginx/entrypoint.sh': entrypoint,
        'nginx/nginx-entrypoint.sh': script,
        'nginx/default.conf': template,
      });
      const linked = ['nginx/default.conf: web:8000 -> gunicorn docker-compose.yml (compose-service)'];

      test.each([
        ['exec "$@"', '#!/bin/bash\nset -e\nln -s /home/app/assets /home/app/sites/assets\nexec "$@"\n'],
        ['exec gosu www-data "$@"', '#!/bin/sh\nexec gosu www-data "$@"\n'],
        ['"${@}" after a cd', '#!/bin/sh\ncd /tmp\nexec "${@}"\n'],
      ])('%s: the command it hands over to renders the template, linked', (_ending, entrypoint) => {
        expect(links(tree(entrypoint))).toEqual(linked);
      });

      test('a variable the entrypoint exports is in the environment envsubst sees', () => {
        expect(links(tree('#!/bin/sh\nexport BACKEND_ADDR=web:8000\nexec "$@"\n', ''))).toEqual(linked);
        // Not exported, the compose service does not give it: envsubst writes nothing there.
        expect(links(tree('#!/bin/sh\nexec "$@"\n', ''))).toEqual([]);
      });

      test.each([
        ['starts nginx itself, ignoring its arguments', "#!/bin/sh\nexec nginx -g 'daemon off;'\n"],
        ['runs its arguments only in an if', '#!/bin/sh\nif [ -n "$DEBUG" ]; then\n  exec "$@"\nfi\nexec nginx -g \'daemon off;\'\n'],
        ['hands over to a fixed script, not its arguments', '#!/bin/sh\nexec /usr/local/bin/start.sh\n'],
      ])('an entrypoint that %s never runs the command: the template stays unrendered', (_case, entrypoint) => {
        expect(links(tree(entrypoint))).toEqual([]);
      });

      test("config the two scripts write with echo, in the order they run: the command's overwrites the entrypoint's", () => {
        const site = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n';
        const upstream = (port: number) => `echo "upstream app { server web:${port}; }" > /etc/nginx/conf.d/upstream.conf`;
        const written = (entrypoint: string, script: string) => ({
          ...tree(entrypoint, '', script),
          'nginx/default.conf': site,
          // The site as it is, in conf.d: the upstream it passes to is what the scripts write.
          'nginx/Dockerfile': tree(entrypoint)['nginx/Dockerfile'].replace('/templates/default.conf.template', '/etc/nginx/conf.d/site.conf'),
        });
        const script = `#!/bin/sh\n${upstream(8000)}\nexec nginx -g 'daemon off;'\n`;
        expect(links(written(`#!/bin/sh\n${upstream(9000)}\nexec "$@"\n`, script))).toEqual([
          'nginx/nginx-entrypoint.sh: web:8000 -> gunicorn docker-compose.yml (compose-service)',
        ]);
        // The entrypoint's own text stands when the command writes nothing there.
        expect(links(written(`#!/bin/sh\n${upstream(8000)}\nexec "$@"\n`, "#!/bin/sh\nexec nginx -g 'daemon off;'\n"))).toEqual([
          'nginx/entrypoint.sh: web:8000 -> gunicorn docker-compose.yml (compose-service)',
        ]);
        // An entrypoint that does not hand over: the command's text is never written.
        expect(links(written(`#!/bin/sh\n${upstream(9000)}\nexec nginx -g 'daemon off;'\n`, script))).toEqual([]);
      });
    });

    test('a render only on a condition is not taken for certain: the template stays as written', () => {
      const tree = {
        'docker-compose.yml': `services:\n  nginx:\n    image: nginx\n    command: /start.sh\n    environment:\n      BACKEND_ADDR: web:8000\n    volumes:\n      - ./app.conf:/tmp/app.conf\n      - ./start.sh:/start.sh\n${web}`,
        'start.sh':
          "#!/bin/sh\nif [ -n \"$RENDER\" ]; then\n  envsubst '$BACKEND_ADDR' < /tmp/app.conf > /etc/nginx/conf.d/default.conf\nfi\nexec nginx -g 'daemon off;'\n",
        'app.conf': template,
      };
      expect(links(tree)).toEqual([]);
    });

    describe("rendered into the WORKDIR that the image's `COPY . .` fills (hypothesis/via: nginx_envsubst.conf in /var/lib/hypothesis)", () => {
      // The image's CMD renders one file at start, after the build: that path is the rendered text,
      // and the rest of the directory is what `COPY . .` put there.
      const image = (include: string, files: Record<string, string> = {}) => ({
        Dockerfile: [
          'FROM python:3.11-slim',
          'ENV BACKEND_ADDR=127.0.0.1:8000',
          'COPY nginx.conf /etc/nginx/nginx.conf',
          'WORKDIR /var/lib/app',
          'COPY . .',
          "CMD envsubst '${BACKEND_ADDR}' < /var/lib/app/upstream.conf.template > /var/lib/app/upstream.conf && nginx -g 'daemon off;'",
          '',
        ].join('\n'),
        // The upstream, with keep-alive, comes from the include; the location that uses it is nginx.conf's.
        'nginx.conf': [
          'events {}',
          'http {',
          `    include ${include};`,
          '    server {',
          '        listen 80;',
          '        location / {',
          '            proxy_pass http://app;',
          '            proxy_http_version 1.1;',
          '            proxy_set_header Connection "";',
          '        }',
          '    }',
          '}',
          '',
        ].join('\n'),
        'upstream.conf.template': 'upstream app {\n    server ${BACKEND_ADDR};\n    keepalive 16;\n}\n',
        // gthread closes an idle connection after 2s; nginx keeps it 60s by default: the race is only there when the include is read.
        'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 4\n',
        ...files,
      });

      test('the include finds the rendered file (no include-missing), with the image ENV substituted: linked, its upstream judged', () => {
        const tree = image('/var/lib/app/upstream.conf');
        expect(links(tree)).toEqual(['upstream.conf.template: 127.0.0.1:8000 -> gunicorn gunicorn.conf.py (same-address)']);
        expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout upstream.conf.template:3']);
      });

      test('a tree file `COPY . .` puts at that same path is replaced by the rendering, written at start', () => {
        const tree = image('/var/lib/app/upstream.conf', { 'upstream.conf': 'upstream app {\n    server 127.0.0.1:9000;\n    keepalive 16;\n}\n' });
        expect(links(tree)).toEqual(['upstream.conf.template: 127.0.0.1:8000 -> gunicorn gunicorn.conf.py (same-address)']);
      });

      test('another file of that directory is still the one `COPY . .` put there', () => {
        const tree = image('/var/lib/app/conf/upstreams.conf', {
          'conf/upstreams.conf': 'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\n',
        });
        expect(links(tree)).toEqual(['conf/upstreams.conf: 127.0.0.1:8000 -> gunicorn gunicorn.conf.py (same-address)']);
        expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout conf/upstreams.conf:3']);
      });

      test('a path there that nothing writes is still missing', () => {
        expect(serious(lint(image('/var/lib/app/other.conf')))).toContain('include-missing nginx.conf:3');
      });
    });

    describe('rendered into the conf.d a mount fills, which nginx.conf includes with a glob', () => {
      // `client_max_body_size` twice in one http block: nginx refuses to start ("directive is
      // duplicate", ngx_conf_set_size_slot). Only there when both files are read in nginx.conf's http.
      const stack = (nginxService: string[], files: Record<string, string> = {}) => ({
        'docker-compose.yml': [
          'services:',
          '  nginx:',
          ...nginxService,
          '    environment:',
          '      BACKEND_PORT: "8000"',
          '    volumes:',
          '      - ./nginx.conf:/etc/nginx/nginx.conf:ro',
          '      - ./conf.d:/etc/nginx/conf.d',
          '      - ./templates/site.conf:/tmp/site.conf:ro',
          '',
        ].join('\n'),
        'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n',
        'conf.d/limits.conf': 'client_max_body_size 1m;\n',
        'templates/site.conf':
          'client_max_body_size 10m;\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:${BACKEND_PORT};\n    }\n}\n',
        ...files,
      });
      const renders = [
        '    image: nginx:1.27',
        `    command: /bin/sh -c "envsubst '$$BACKEND_PORT' < /tmp/site.conf > /etc/nginx/conf.d/site.conf && nginx -g 'daemon off;'"`,
      ];
      const duplicates = (findings: Finding[]) => findings.filter((finding) => finding.ruleId === 'nginx-duplicate-directive').map(at);

      test('the glob reads the rendered file beside the mounted ones, in name order', () => {
        expect(duplicates(lint(stack(renders)))).toEqual(['nginx-duplicate-directive templates/site.conf:1']);
      });

      test('a mounted file at the name the command writes is replaced by the rendering', () => {
        const tree = stack(renders, { 'conf.d/site.conf': 'client_max_body_size 20m;\n' });
        expect(duplicates(lint(tree))).toEqual(['nginx-duplicate-directive templates/site.conf:1']);
      });

      test('a file the image COPYs into conf.d is not added to the glob: the mount of conf.d hides it', () => {
        const tree = stack(['    build: .', "    command: nginx -g 'daemon off;'"], {
          Dockerfile: 'FROM nginx:1.27\nCOPY templates/site.conf /etc/nginx/conf.d/site.conf\n',
        });
        expect(duplicates(lint(tree))).toEqual([]);
      });
    });
  });

  test('command as a list, entrypoint with command, and the bind from GUNICORN_CMD_ARGS', () => {
    expect(
      links({
        'compose.yaml': [
          'services:',
          '  listed:',
          '    image: python:3.12',
          '    command: ["gunicorn", "--bind", "0.0.0.0:8001", "app:app"]',
          '  entry:',
          '    image: python:3.12',
          '    entrypoint: ["gunicorn"]',
          '    command: ["--bind=0.0.0.0:8002", "app:app"]',
          '  fromenv:',
          '    image: python:3.12',
          '    command: gunicorn app:app',
          '    environment:',
          '      GUNICORN_CMD_ARGS: "--bind=0.0.0.0:8003 --workers 2"',
          '',
        ].join('\n'),
        'nginx.conf':
          'server {\n    location /a { proxy_pass http://listed:8001; }\n    location /b { proxy_pass http://entry:8002; }\n    location /c { proxy_pass http://fromenv:8003; }\n    location /d { proxy_pass http://fromenv:8001; }\n}\n',
      }),
    ).toEqual([
      'nginx.conf: listed:8001 -> gunicorn compose.yaml (compose-service)',
      'nginx.conf: entry:8002 -> gunicorn compose.yaml (compose-service)',
      'nginx.conf: fromenv:8003 -> gunicorn compose.yaml (compose-service)',
    ]);
  });

  test('container_name and network aliases resolve like the service name; hostname does not', () => {
    expect(
      links({
        'docker-compose.yml': [
          'services:',
          '  web:',
          '    image: python:3.12',
          '    container_name: myapp',
          '    hostname: webhost',
          '    command: gunicorn app:app -b 0.0.0.0:8000',
          '    networks:',
          '      backend:',
          '        aliases: [api]',
          'networks:',
          '  backend: {}',
          '',
        ].join('\n'),
        'nginx.conf':
          'server {\n    location /a { proxy_pass http://myapp:8000; }\n    location /b { proxy_pass http://api:8000; }\n    location /c { proxy_pass http://webhost:8000; }\n}\n',
      }),
    ).toEqual([
      'nginx.conf: myapp:8000 -> gunicorn docker-compose.yml (compose-service)',
      'nginx.conf: api:8000 -> gunicorn docker-compose.yml (compose-service)',
    ]);
  });

  describe("compose links: an alias resolves in the declaring service's containers only", () => {
    const compose = (...nginxService: string[]) =>
      [
        'services:',
        '  app:',
        '    image: python:3.12',
        '    command: ["gunicorn", "--bind", "0.0.0.0:8000", "main.wsgi:application"]',
        '  nginx:',
        '    image: nginx:1.27',
        '    volumes:',
        '      - ./conf.d:/etc/nginx/conf.d',
        ...nginxService,
        '',
      ].join('\n');
    const site = (host: string) => `server {\n    listen 80;\n    location / {\n        proxy_pass http://${host}:8000;\n    }\n}\n`;

    test('links: ["app:backend"] in the nginx service: backend:8000 is app', () => {
      expect(links({ 'docker-compose.yml': compose('    links:', '      - "app:backend"'), 'conf.d/default.conf': site('backend') })).toEqual([
        'conf.d/default.conf: backend:8000 -> gunicorn docker-compose.yml (compose-service)',
      ]);
    });

    test('an override file adds the link (compose appends sequences)', () => {
      expect(
        links({
          'docker-compose.yml': compose(),
          'docker-compose.override.yml': 'services:\n  nginx:\n    links:\n      - app:backend\n',
          'conf.d/default.conf': site('backend'),
        }),
      ).toEqual(['conf.d/default.conf: backend:8000 -> gunicorn docker-compose.yml (compose-service)']);
    });

    test('no links, or the link declared by another service, or another port: no backend', () => {
      expect(links({ 'docker-compose.yml': compose(), 'conf.d/default.conf': site('backend') })).toEqual([]);
      const elsewhere = compose().replace('  nginx:', '  worker:\n    image: busybox\n    links:\n      - app:backend\n  nginx:');
      expect(links({ 'docker-compose.yml': elsewhere, 'conf.d/default.conf': site('backend') })).toEqual([]);
      expect(
        links({ 'docker-compose.yml': compose('    links:', '      - app:backend'), 'conf.d/default.conf': site('backend').replace(':8000', ':9000') }),
      ).toEqual([]);
    });

    test("the alias shadows a service of the same name: Docker's DNS answers the container's own aliases first", () => {
      const tree = {
        'docker-compose.yml': compose(
          '    links:',
          '      - app:api',
          '  api:',
          '    image: python:3.12',
          '    command: gunicorn --bind 0.0.0.0:8000 other:app',
        ),
        'conf.d/default.conf': site('api'),
      };
      // Both gunicorns come from the one compose file: the link says which one nginx reaches, with no alternative.
      expect(links(tree)).toEqual(['conf.d/default.conf: api:8000 -> gunicorn docker-compose.yml (compose-service)']);
      expect(linkDeployment(modelOf(tree)).map((link) => [link.detail, link.alternatives.length])).toEqual([
        ['"api" is the link alias compose service "nginx" gives the compose service "app" that runs this backend (links: app:api), port 8000', 0],
      ]);
    });
  });

  test("a server the image starts is in the service that mounts its config (Tomcat's server.xml, a uWSGI ini)", () => {
    const serverXml =
      '<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000" />\n    <Engine name="Catalina" defaultHost="localhost"><Host name="localhost" appBase="webapps" /></Engine>\n  </Service>\n</Server>\n';
    const compose = [
      'services:',
      '  tomcat:',
      '    image: tomcat:9.0',
      '    volumes:',
      '      - ./conf/server.xml:/usr/local/tomcat/conf/server.xml:ro',
      '  app:',
      '    image: example/uwsgi-app',
      '    volumes:',
      '      - ./uwsgi.ini:/etc/uwsgi/uwsgi.ini',
      '',
    ].join('\n');
    const tree = {
      'docker-compose.yml': compose,
      'conf/server.xml': serverXml,
      'uwsgi.ini': '[uwsgi]\nsocket = :3031\nmodule = app.wsgi\n',
      'nginx.conf': keepaliveNginx('tomcat:8080').replace('}\n}\n', '}\n    location /py { include uwsgi_params; uwsgi_pass app:3031; }\n}\n'),
    };
    expect(links(tree)).toEqual([
      'nginx.conf: tomcat:8080 -> tomcat conf/server.xml (compose-service)',
      'nginx.conf: app:3031 -> uwsgi uwsgi.ini (compose-service)',
    ]);
    // Tomcat closes idle connections after connectionTimeout (20s), before nginx's 60s.
    expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout nginx.conf:3']);
    // Mounted into two services, the file does not say which one runs it.
    const twice = { ...tree, 'docker-compose.yml': `${compose}  other:\n    image: tomcat:9.0\n    volumes:\n      - ./conf:/usr/local/tomcat/conf\n` };
    expect(links(twice).filter((line) => line.includes('tomcat:8080'))).toEqual([]);
  });

  test('a config copied into a service whose command the tree gives is not what that service runs', () => {
    expect(
      links({
        'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: gunicorn app:app -b 0.0.0.0:8000\n',
        Dockerfile: 'FROM python:3.12\nCOPY . /app\n',
        'old/uwsgi.ini': '[uwsgi]\nhttp-socket = :8000\n',
        'nginx.conf': keepaliveNginx('web:8000'),
      }),
    ).toEqual(['nginx.conf: web:8000 -> gunicorn docker-compose.yml (compose-service)']);
  });

  test('a Spring Boot service links by its name too', () => {
    expect(
      links({
        'compose.yaml': 'services:\n  api:\n    image: eclipse-temurin:21\n    command: java -jar app.jar --server.port=8081\n',
        'nginx.conf': keepaliveNginx('api:8081'),
      }),
    ).toEqual(['nginx.conf: api:8081 -> spring-boot compose.yaml (compose-service)']);
  });

  test('an env_file of the tree sets GUNICORN_CMD_ARGS; environment: wins over it', () => {
    const compose = (extra: string) =>
      `services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app\n    env_file:\n      - ./deploy/web.env\n${extra}`;
    const envFile = '# web settings\nexport GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --worker-class gthread"\nSECRET=x # not part of it\n';
    const model = modelOf({ 'docker-compose.yml': compose(''), 'deploy/web.env': envFile, 'nginx.conf': keepaliveNginx('web:8000') });
    const [link] = linkDeployment(model);
    expect(`${link.target.address.text} ${link.backend.settings.get('worker_class')?.value} ${link.listener.span.file}`).toBe(
      'web:8000 gthread deploy/web.env',
    );
    expect(model.launches[0].env.get('SECRET')?.value).toBe('x');
    const overridden = modelOf({
      'docker-compose.yml': compose('    environment:\n      GUNICORN_CMD_ARGS: "--bind 0.0.0.0:8000"\n'),
      'deploy/web.env': envFile,
      'nginx.conf': keepaliveNginx('web:8000'),
    });
    expect(linkDeployment(overridden).map((l) => l.backend.settings.get('worker_class')?.value)).toEqual(['sync']);
  });

  test('uWSGI options from UWSGI_* environment variables (list form) and from an ini the service mounts', () => {
    expect(
      links({
        'docker-compose.yml': [
          'services:',
          '  envsock:',
          '    image: python:3.12',
          '    command: uwsgi --module app.wsgi',
          '    environment:',
          '      - UWSGI_SOCKET=:3031',
          '  inisock:',
          '    image: python:3.12',
          '    command: uwsgi --ini /etc/uwsgi/app.ini',
          '    volumes:',
          '      - ./deploy/site.ini:/etc/uwsgi/app.ini:ro',
          '',
        ].join('\n'),
        // Another ini with the mounted name but the wrong socket: the mount says which file is read.
        'other/app.ini': '[uwsgi]\nsocket = :9999\n',
        'deploy/site.ini': '[uwsgi]\nsocket = 0.0.0.0:3032\nmodule = app.wsgi\n',
        'nginx.conf': uwsgiPassNginx('envsock:3031').replace('}\n}\n', '}\n    location /b { include uwsgi_params; uwsgi_pass inisock:3032; }\n}\n'),
      }),
    ).toEqual([
      'nginx.conf: envsock:3031 -> uwsgi docker-compose.yml (compose-service)',
      'nginx.conf: inisock:3032 -> uwsgi deploy/site.ini (compose-service)',
    ]);
  });

  test('-c names the config file where a volume puts it', () => {
    const model = modelOf({
      'docker-compose.yml': [
        'services:',
        '  web:',
        '    image: python:3.12',
        '    command: gunicorn -c /app/gunicorn.conf.py app:app',
        '    volumes:',
        '      - ./config/prod.py:/app/gunicorn.conf.py',
        '',
      ].join('\n'),
      'config/prod.py': 'bind = "0.0.0.0:8000"\nworker_class = "gthread"\nkeepalive = 75\n',
      // Same name as the path in the container, but not what the container reads.
      'gunicorn.conf.py': 'bind = "0.0.0.0:7000"\n',
      'nginx.conf': keepaliveNginx('web:8000'),
    });
    const [link, ...others] = linkDeployment(model);
    expect(others).toEqual([]);
    expect(`${link.backend.file} ${link.backend.settings.get('keepalive')?.value}`).toBe('config/prod.py 75000');
  });

  test('a config the image COPYs is the one -c names', () => {
    const model = modelOf({
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: gunicorn -c /app/gunicorn.conf.py app:app\n',
      Dockerfile: 'FROM python:3.12\nWORKDIR /app\nCOPY deploy/gunicorn-prod.py /app/gunicorn.conf.py\n',
      'deploy/gunicorn-prod.py': 'bind = "0.0.0.0:8000"\nworker_class = "gthread"\n',
      'gunicorn.conf.py': 'bind = "0.0.0.0:7000"\n',
      'nginx.conf': keepaliveNginx('web:8000'),
    });
    expect(linkDeployment(model).map((link) => `${link.backend.file} ${link.backend.settings.get('worker_class')?.value}`)).toEqual([
      'deploy/gunicorn-prod.py gthread',
    ]);
  });

  test('two projects that both call a service web stay apart; the project that mounts the config wins', () => {
    const project = (worker: string) => `services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app -b 0.0.0.0:8000 -k ${worker}\n`;
    const tree = {
      'envs/staging/docker-compose.yml': project('gthread'),
      'envs/staging/nginx/app.conf': keepaliveNginx('web:8000'),
      'envs/prod/docker-compose.yml': project('sync'),
      'envs/prod/nginx/app.conf': keepaliveNginx('web:8000'),
    };
    expect(links(tree)).toEqual([
      'envs/prod/nginx/app.conf: web:8000 -> gunicorn envs/prod/docker-compose.yml (compose-service)',
      'envs/staging/nginx/app.conf: web:8000 -> gunicorn envs/staging/docker-compose.yml (compose-service)',
    ]);
    expect(linkDeployment(modelOf(tree)).map((link) => link.detail)).toEqual([
      '"web" is the compose service that runs this backend (compose project envs/prod), port 8000',
      '"web" is the compose service that runs this backend (compose project envs/staging), port 8000',
    ]);
    // Only staging runs gthread (2 s keep-alive); prod's sync workers close after each response.
    expect(serious(lint(tree))).toEqual(['upstream-keepalive-timeout envs/staging/nginx/app.conf:3']);
    // A config beside neither project is linked where a service mounts it.
    expect(
      links({
        'envs/staging/docker-compose.yml': project('gthread'),
        'envs/prod/docker-compose.yml': `${project('sync')}  nginx:\n    image: nginx\n    volumes:\n      - ../../shared/nginx:/etc/nginx/conf.d\n`,
        'shared/nginx/app.conf': keepaliveNginx('web:8000'),
      }),
    ).toEqual(['shared/nginx/app.conf: web:8000 -> gunicorn envs/prod/docker-compose.yml (compose-service)']);
  });

  describe('stacks side by side in one repository', () => {
    // shop's nginx sends to its own "web" (a server cfglint does not model); blog's "web" runs
    // gunicorn gthread, whose 2 s keep-alive would race shop's upstream keep-alive if linked.
    const shop = (networks = '', nginxNetworks = '') =>
      'services:\n  web:\n    image: shop/app\n' +
      `  nginx:\n    image: nginx\n    volumes:\n      - ./nginx.conf:/etc/nginx/conf.d/default.conf\n${nginxNetworks}${networks}`;
    const blog = (webNetworks = '', networks = '') =>
      `services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app -b 0.0.0.0:8000 -k gthread\n${webNetworks}${networks}`;
    const tree = (shopCompose: string, blogCompose: string) => ({
      'shop/docker-compose.yml': shopCompose,
      'shop/nginx.conf': keepaliveNginx('web:8000'),
      'blog/docker-compose.yml': blogCompose,
    });
    const linked = ['shop/nginx.conf: web:8000 -> gunicorn blog/docker-compose.yml (compose-service)'];

    test("a service name resolves in the nginx service's own project: another project's web is not linked", () => {
      const plain = tree(shop(), blog());
      expect(links(plain)).toEqual([]);
      expect(serious(lint(plain))).toEqual([]);
      // Networks of each project's own (neither external nor named) join nothing across.
      expect(links(tree(shop('networks:\n  edge: {}\n', '    networks: [edge]\n'), blog('    networks: [edge]\n', 'networks:\n  edge:\n')))).toEqual([]);
      // Two external networks, but not the same one.
      expect(
        links(
          tree(
            shop('networks:\n  edge:\n    external: true\n', '    networks: [edge]\n'),
            blog('    networks: [back]\n', 'networks:\n  back:\n    external: true\n'),
          ),
        ),
      ).toEqual([]);
    });

    test('over a network both projects join (external, or given a fixed name), the other project is reached', () => {
      const external = tree(
        shop('networks:\n  edge:\n    external: true\n    name: proxy\n', '    networks:\n      - edge\n'),
        blog('    networks:\n      proxy: {}\n', 'networks:\n  proxy:\n    external: true\n'),
      );
      expect(links(external)).toEqual(linked);
      expect(serious(lint(external))).toEqual(['upstream-keepalive-timeout shop/nginx.conf:3']);
      // The older spelling `external: {name: …}`, and a network compose creates under a fixed name.
      expect(
        links(
          tree(
            shop('networks:\n  edge:\n    external:\n      name: proxy\n', '    networks: [edge]\n'),
            blog('    networks: [front]\n', 'networks:\n  front:\n    name: proxy\n'),
          ),
        ),
      ).toEqual(linked);
      // The project's default network made external: every service without networks: joins it.
      expect(links(tree(shop('networks:\n  default:\n    external: true\n    name: proxy\n'), blog('', 'networks:\n  default:\n    name: proxy\n')))).toEqual(
        linked,
      );
      // A name the tree does not give (`${NETWORK}`) may be the other's.
      expect(
        links(
          tree(
            shop('networks:\n  edge:\n    external: true\n    name: ${NETWORK}\n', '    networks: [edge]\n'),
            blog('    networks: [proxy]\n', 'networks:\n  proxy:\n    external: true\n'),
          ),
        ),
      ).toEqual(linked);
    });
  });

  describe('an nginx file no compose service runs', () => {
    // InvenTree: contrib/container/ is the compose stack; contrib/packager.io/nginx.prod.conf is the
    // host nginx of the .deb install (its installer copies it to /etc/nginx/sites-enabled). A host
    // nginx asks the host's resolver, which knows no compose service: Docker's embedded DNS
    // answers only containers on the project's networks.
    const server = (address: string) => `server {\n    listen 80;\n    location / {\n        proxy_pass http://${address};\n    }\n}\n`;
    const stack = (nginxService = '') => ({
      'contrib/container/Dockerfile': 'FROM python:3.12-slim\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "-k", "gthread", "app.wsgi"]\n',
      'contrib/container/docker-compose.yml': `services:\n  app-server:\n    build: .\n    expose:\n      - 8000\n${nginxService}`,
    });
    const linked = (file: string) => `${file}: app-server:8000 -> gunicorn contrib/container/docker-compose.yml (compose-service)`;

    test("outside every compose project's directory: on no compose network, so neither linked nor called a compose service", () => {
      const tree = { ...stack(), 'contrib/packager.io/nginx.prod.conf': server('app-server:8000') };
      expect(links(tree)).toEqual([]);
      expect(
        lint(tree)
          .filter((f) => f.ruleId === 'nginx-stale-dns')
          .map((f) => `${f.messageId} ${f.primary.file}`),
      ).toEqual(['hostName contrib/packager.io/nginx.prod.conf']);
      // A service of the stack that mounts it puts it on the project's network, wherever it sits.
      const mounted = {
        ...stack('  proxy:\n    image: nginx:1.27\n    volumes:\n      - ../packager.io/nginx.prod.conf:/etc/nginx/conf.d/default.conf\n'),
        'contrib/packager.io/nginx.prod.conf': server('app-server:8000'),
      };
      expect(links(mounted)).toEqual([linked('contrib/packager.io/nginx.prod.conf')]);
      expect(
        lint(mounted)
          .filter((f) => f.ruleId === 'nginx-stale-dns')
          .map((f) => f.messageId),
      ).toEqual(['composeService']);
    });

    test("in the project's directory or below it: the project's, though no service shows how it runs", () => {
      for (const file of ['contrib/container/nginx.conf', 'contrib/container/nginx/site.conf']) {
        const tree = { ...stack(), [file]: server('app-server:8000') };
        expect(links(tree)).toEqual([linked(file)]);
        expect(
          lint(tree)
            .filter((f) => f.ruleId === 'nginx-stale-dns')
            .map((f) => f.messageId),
        ).toEqual(['composeService']);
      }
      // Beside the project's own nginx file, the host's stays off its network.
      expect(
        links({ ...stack(), 'contrib/container/nginx.conf': server('app-server:8000'), 'contrib/packager.io/nginx.prod.conf': server('app-server:8000') }),
      ).toEqual([linked('contrib/container/nginx.conf')]);
    });
  });

  test("an override file is merged into its project: one backend, with the override's command", () => {
    const model = modelOf({
      'docker-compose.yml':
        'services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app -b 0.0.0.0:8000\n    environment:\n      GUNICORN_CMD_ARGS: "--keep-alive 30"\n',
      'docker-compose.override.yml': 'services:\n  web:\n    command: gunicorn app:app -b 0.0.0.0:8000 -k gthread\n',
      'nginx.conf': keepaliveNginx('web:8000'),
    });
    expect(model.backends.map((backend) => `${backend.kind} ${backend.name}`)).toEqual(['gunicorn web']);
    const [link] = linkDeployment(model);
    // The override's worker class, the base file's environment.
    expect(`${link.listener.span.file} ${link.backend.settings.get('worker_class')?.value} ${link.backend.settings.get('keepalive')?.value}`).toBe(
      'docker-compose.override.yml gthread 30000',
    );
  });

  test('a variant file without image or build is another way the base service runs', () => {
    const model = modelOf({
      'compose.yaml': 'services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app -b 0.0.0.0:8000\n',
      'compose.prod.yaml': 'services:\n  web:\n    environment:\n      GUNICORN_CMD_ARGS: "-k gthread"\n',
      'nginx.conf': keepaliveNginx('web:8000'),
    });
    // Two ways one service runs, equally close: alternatives (scopes.ts), judged each in turn.
    expect(
      linkDeployment(model).map((link) =>
        [link.backend, ...link.alternatives].map((backend) => `${backend.name} ${backend.settings.get('worker_class')?.value}`),
      ),
    ).toEqual([['web sync', 'web gthread']]);
    // The race holds for the gthread way only: at most info.
    const findings = lint({
      'compose.yaml': 'services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app -b 0.0.0.0:8000\n',
      'compose.prod.yaml': 'services:\n  web:\n    environment:\n      GUNICORN_CMD_ARGS: "-k gthread"\n',
      'nginx.conf': keepaliveNginx('web:8000'),
    });
    expect(findings.filter((f) => f.ruleId === 'upstream-keepalive-timeout').map((f) => f.severity)).toEqual(['info']);
  });
});

describe('loopback and compose containers', () => {
  const stack = (extra = '') => `services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app -b 0.0.0.0:8000 -k gthread\n${extra}`;

  test('nginx on the host reaches a compose container only through a published port', () => {
    const tree = (ports: string) => ({ 'docker-compose.yml': stack(ports), 'nginx/site.conf': keepaliveNginx('127.0.0.1:8080') });
    expect(links(tree('    ports:\n      - "127.0.0.1:8080:8000"\n'))).toEqual([
      'nginx/site.conf: 127.0.0.1:8080 -> gunicorn docker-compose.yml (same-address)',
    ]);
    expect(links(tree('    ports:\n      - target: 8000\n        published: 8080\n'))).toEqual([
      'nginx/site.conf: 127.0.0.1:8080 -> gunicorn docker-compose.yml (same-address)',
    ]);
    // expose and a port published on a random host port reach nothing at 8080; nor is that proof nothing listens.
    const unpublished = tree('    expose: ["8000"]\n    ports: ["8000"]\n');
    expect(links(unpublished)).toEqual([]);
    expect(serious(lint(unpublished))).toEqual([]);
  });

  test('nginx in another service of the project: 127.0.0.1 is its own container', () => {
    const nginxService = (extra: string) => `  nginx:\n    image: nginx:1.25\n${extra}    volumes:\n      - ./nginx:/etc/nginx/conf.d\n`;
    const separate = { 'docker-compose.yml': stack('    ports: ["8000:8000"]\n') + nginxService(''), 'nginx/site.conf': keepaliveNginx('127.0.0.1:8000') };
    expect(links(separate)).toEqual([]);
    // Built into the nginx image: nginx's own container too.
    const built = {
      'docker-compose.yml': `${stack('    ports: ["8000:8000"]\n')}  nginx:\n    build: ./nginx\n`,
      'nginx/Dockerfile': 'FROM nginx:1.25\nCOPY site.conf /etc/nginx/conf.d/\n',
      'nginx/site.conf': keepaliveNginx('127.0.0.1:8000'),
    };
    expect(links(built)).toEqual([]);
    // An app image that copies the whole repository carries the nginx files without running them.
    const appImage = {
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: gunicorn app:app -b 0.0.0.0:8000 -k gthread\n    ports: ["8000:8000"]\n',
      Dockerfile: 'FROM python:3.12\nCOPY . /app\n',
      'nginx/site.conf': keepaliveNginx('127.0.0.1:8000'),
    };
    expect(links(appImage)).toEqual(['nginx/site.conf: 127.0.0.1:8000 -> gunicorn docker-compose.yml (same-address)']);
    // Mounted through the main config that includes it: still nginx's own container.
    const viaMain = {
      'docker-compose.yml': `${stack('    ports: ["8000:8000"]\n')}  nginx:\n    image: nginx:1.25\n    volumes:\n      - ./main/nginx.conf:/etc/nginx/nginx.conf\n`,
      'main/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n',
      'main/conf.d/site.conf': keepaliveNginx('127.0.0.1:8000'),
    };
    expect(links(viaMain)).toEqual([]);
    const shared = { 'docker-compose.yml': stack() + nginxService('    network_mode: "service:web"\n'), 'nginx/site.conf': keepaliveNginx('127.0.0.1:8000') };
    expect(links(shared)).toEqual(['nginx/site.conf: 127.0.0.1:8000 -> gunicorn docker-compose.yml (same-address)']);
    expect(serious(lint(shared))).toEqual(['upstream-keepalive-timeout nginx/site.conf:3']);
  });

  test("network_mode: host puts the backend on the host's loopback", () => {
    expect(links({ 'docker-compose.yml': stack('    network_mode: host\n'), 'site.conf': keepaliveNginx('127.0.0.1:8000') })).toEqual([
      'site.conf: 127.0.0.1:8000 -> gunicorn docker-compose.yml (same-address)',
    ]);
  });
});

describe("an nginx site a container's start script copies into place is that container's nginx (mediacms-io/mediacms prestart.sh)", () => {
  // supervisord runs nginx and gunicorn in one container: nginx's 127.0.0.1 is gunicorn's.
  const supervisor =
    '[supervisord]\nnodaemon=true\n\n[program:app]\ncommand=gunicorn app.wsgi:application --bind=127.0.0.1:9000 --timeout=30\n\n[program:nginx]\ncommand=/usr/sbin/nginx -g "daemon off;"\n';
  const site = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_read_timeout 300;\n    }\n}\n';
  const image = (workdir: string, cmd: string) =>
    `FROM python:3.12-slim\nRUN apt-get update && apt-get install -y nginx supervisor\nCOPY deploy/ /srv/app/deploy/\nCOPY bin/ /srv/app/bin/\nCOPY supervisor/app.conf /etc/supervisor/conf.d/app.conf\n${workdir}CMD ${cmd}\n`;
  const start = (copy: string) => `#!/bin/sh\nset -e\n${copy}\nexec /usr/bin/supervisord\n`;
  const stack = (files: { dockerfile: string; script: string; compose?: string }) => ({
    'compose.yaml': files.compose ?? 'services:\n  web:\n    build: .\n    ports:\n      - "80:80"\n',
    Dockerfile: files.dockerfile,
    'bin/start.sh': files.script,
    'supervisor/app.conf': supervisor,
    'deploy/site.conf': site,
  });
  const linked = ['deploy/site.conf: 127.0.0.1:9000 -> gunicorn supervisor/app.conf (same-address)'];
  // gunicorn --timeout=30 kills the request nginx waits 300 s for.
  const timeout = ['proxy-read-timeout-backend deploy/site.conf:5'];

  test('cp with absolute paths: the site runs beside gunicorn, on its loopback', () => {
    const tree = stack({ dockerfile: image('', '["/srv/app/bin/start.sh"]'), script: start('cp /srv/app/deploy/site.conf /etc/nginx/sites-enabled/default') });
    expect(links(tree)).toEqual(linked);
    expect(serious(lint(tree))).toEqual(timeout);
  });

  test("cp with relative paths, from the image's WORKDIR (./bin/start.sh found there too)", () => {
    const tree = stack({ dockerfile: image('WORKDIR /srv/app\n', '["./bin/start.sh"]'), script: start('cp deploy/site.conf /etc/nginx/sites-enabled/') });
    expect(links(tree)).toEqual(linked);
    expect(serious(lint(tree))).toEqual(timeout);
  });

  test('relative cp without a WORKDIR the tree gives: where it copies from is not known', () => {
    const tree = stack({ dockerfile: image('', '["/srv/app/bin/start.sh"]'), script: start('cp deploy/site.conf /etc/nginx/sites-enabled/default') });
    expect(links(tree)).toEqual([]);
    expect(serious(lint(tree))).toEqual([]);
  });

  test('a cp in a branch the container does not take, or in an if, does not place it', () => {
    const branch = start('case "$1" in\n  proxy) cp /srv/app/deploy/site.conf /etc/nginx/sites-enabled/default ;;\nesac');
    const notTaken = stack({ dockerfile: image('', '["/srv/app/bin/start.sh", "worker"]'), script: branch });
    expect(links(notTaken)).toEqual([]);
    expect(serious(lint(notTaken))).toEqual([]);
    const conditional = start('if [ "$ENABLE_NGINX" = yes ]; then\n  cp /srv/app/deploy/site.conf /etc/nginx/sites-enabled/default\nfi');
    expect(links(stack({ dockerfile: image('', '["/srv/app/bin/start.sh"]'), script: conditional }))).toEqual([]);
  });

  test("a script another service runs copies the site into that service's container, not this one", () => {
    // web publishes gunicorn's port: a host nginx would reach it there, the proxy container does not.
    const tree = {
      'compose.yaml':
        'services:\n  web:\n    build: .\n    command: gunicorn app.wsgi:application --bind=0.0.0.0:9000 --timeout=30\n    ports:\n      - "9000:9000"\n  proxy:\n    image: nginx:1.27\n    entrypoint: /srv/app/bin/start.sh\n    volumes:\n      - ./:/srv/app\n',
      Dockerfile: 'FROM python:3.12-slim\nCOPY . /srv/app\n',
      'bin/start.sh': "#!/bin/sh\ncp /srv/app/deploy/site.conf /etc/nginx/conf.d/default.conf\nexec nginx -g 'daemon off;'\n",
      'deploy/site.conf': site,
    };
    expect(links(tree)).toEqual([]);
    expect(serious(lint(tree))).toEqual([]);
  });
});

describe("a name the nginx container's extra_hosts maps to host-gateway is the Docker host (apache/superset's dev compose)", () => {
  // moby --add-host NAME:host-gateway writes the host's gateway address into /etc/hosts; Docker
  // Engine on Linux gives no container host.docker.internal without it.
  const compose = (nginxExtra: string, app = '    ports:\n      - 8088:8088\n') =>
    [
      'services:',
      '  nginx:',
      '    image: nginx:1.26',
      nginxExtra,
      '    volumes:',
      '      - ./docker/nginx/default.conf:/etc/nginx/conf.d/default.conf:ro',
      '  superset:',
      '    image: python:3.12',
      '    command: ["gunicorn", "--bind", "0.0.0.0:8088", "app:app"]',
      app,
    ]
      .filter((line) => line !== '')
      .join('\n');
  const site = (address: string) => `server {\n    listen 80;\n    location / {\n        proxy_pass http://${address};\n    }\n}\n`;
  const tree = (nginxExtra: string, app?: string, address = 'host.docker.internal:8088') => ({
    'docker-compose.yml': compose(nginxExtra, app),
    'docker/nginx/default.conf': site(address),
  });
  const gateway = '    extra_hosts:\n      - "host.docker.internal:host-gateway"';
  const linked = ['docker/nginx/default.conf: host.docker.internal:8088 -> gunicorn docker-compose.yml (same-address)'];
  const staleDns = (findings: Finding[]) =>
    findings.filter((f) => f.ruleId === 'nginx-stale-dns').map((f) => `${f.messageId} ${f.primary.file}:${f.primary.start.line}`);

  test("reaches a compose service through the port it publishes on the host's every address", () => {
    expect(links(tree(gateway))).toEqual(linked);
    expect(links(tree('    extra_hosts:\n      host.docker.internal: host-gateway'))).toEqual(linked);
    expect(links(tree('    extra_hosts:\n      - "host.docker.internal=host-gateway"'))).toEqual(linked);
    // Host port 9000 to container port 8088.
    expect(links(tree(gateway, '    ports: ["9000:8088"]\n', 'host.docker.internal:9000'))).toEqual([
      'docker/nginx/default.conf: host.docker.internal:9000 -> gunicorn docker-compose.yml (same-address)',
    ]);
  });

  test('not without extra_hosts, through another address, a port published on loopback only, or one not published', () => {
    expect(links(tree(''))).toEqual([]);
    expect(links(tree('    extra_hosts:\n      - "host.docker.internal:10.0.0.1"'))).toEqual([]);
    expect(links(tree(gateway, '    ports: ["127.0.0.1:8088:8088"]\n'))).toEqual([]);
    expect(links(tree(gateway, '    expose: ["8088"]\n'))).toEqual([]);
    expect(links(tree(gateway, '    ports: ["9000:8088"]\n'))).toEqual([]);
  });

  test('reaches a server a systemd unit starts on the host, on every interface', () => {
    const unit = (bind: string) => ({
      'docker-compose.yml': `services:\n  nginx:\n    image: nginx:1.26\n${gateway}\n    volumes:\n      - ./docker/nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n`,
      'docker/nginx/default.conf': site('host.docker.internal:8088'),
      'deploy/app.service': `[Unit]\nDescription=app\n\n[Service]\nExecStart=/srv/venv/bin/gunicorn --bind ${bind} app:app\n`,
    });
    expect(links(unit('0.0.0.0:8088'))).toEqual(['docker/nginx/default.conf: host.docker.internal:8088 -> gunicorn deploy/app.service (same-address)']);
    // The host's loopback is not reached from a container.
    expect(links(unit('127.0.0.1:8088'))).toEqual([]);
  });

  test('nginx-stale-dns: silent on an extra_hosts name, as today on a compose service or a name without one', () => {
    expect(staleDns(lint(tree(gateway)))).toEqual([]);
    expect(staleDns(lint(tree('    extra_hosts:\n      - "db.internal:10.0.0.5"', undefined, 'db.internal:5432')))).toEqual([]);
    expect(staleDns(lint(tree('')))).toEqual(['hostName docker/nginx/default.conf:4']);
    expect(staleDns(lint(tree(gateway, undefined, 'superset:8088')))).toEqual(['composeService docker/nginx/default.conf:4']);
  });
});

describe('socket paths as the servers resolve them', () => {
  // The model names the address without the repeated slashes: unix:/var/www/portal/portal.sock.
  const portalNginx = uwsgiPassNginx('unix:///var/www/portal/portal.sock');

  test("uWSGI binds a relative socket in its chdir; nginx's repeated slashes name the same file", () => {
    const tree = { 'portal.ini': '[uwsgi]\nchdir = /var/www/portal\nsocket = portal.sock\nmodule = portal.wsgi\n', 'nginx/portal.conf': portalNginx };
    expect(links(tree)).toEqual(['nginx/portal.conf: unix:/var/www/portal/portal.sock -> uwsgi portal.ini (same-socket-path)']);
    expect(serious(lint(tree))).toEqual([]);
  });

  test('uWSGI without chdir binds in the working directory the launch gives; chdir2 comes too late to count', () => {
    const unit = '[Service]\nWorkingDirectory=/var/www/portal\nExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/portal.ini\n';
    expect(
      links({ 'portal.service': unit, 'etc/uwsgi/portal.ini': '[uwsgi]\nsocket = portal.sock\nchdir2 = /srv/elsewhere\n', 'portal.conf': portalNginx }),
    ).toEqual(['portal.conf: unix:/var/www/portal/portal.sock -> uwsgi etc/uwsgi/portal.ini (same-socket-path)']);
  });

  test('a relative socket whose directory the tree does not give is no evidence either way', () => {
    const tree = { 'portal.ini': '[uwsgi]\nsocket = run/portal.sock\n', 'portal.conf': portalNginx };
    expect(links(tree)).toEqual([]);
    expect(serious(lint(tree))).toEqual([]);
    // The same ini with an absolute socket elsewhere is a real miss.
    expect(serious(lint({ ...tree, 'portal.ini': '[uwsgi]\nsocket = /run/portal.sock\n' }))).toEqual(['upstream-unreachable portal.conf:5']);
  });

  test('gunicorn binds unix: paths against --chdir, itself relative to the working directory', () => {
    const nginx = 'upstream app {\n    server unix:/srv/app/run/gunicorn.sock;\n}\nserver {\n    location / { proxy_pass http://app; }\n}\n';
    expect(
      links({ 'app.service': '[Service]\nExecStart=/venv/bin/gunicorn --chdir /srv/app --bind unix:run/gunicorn.sock app:app\n', 'app.conf': nginx }),
    ).toEqual(['app.conf: unix:/srv/app/run/gunicorn.sock -> gunicorn app.service (same-socket-path)']);
    expect(
      links({
        'app.service': '[Service]\nWorkingDirectory=/srv\nExecStart=/venv/bin/gunicorn --chdir app -b unix:run/gunicorn.sock app:app\n',
        'app.conf': nginx,
      }),
    ).toEqual(['app.conf: unix:/srv/app/run/gunicorn.sock -> gunicorn app.service (same-socket-path)']);
    expect(
      links({ 'app.service': '[Service]\nWorkingDirectory=/srv/app\nExecStart=/venv/bin/gunicorn -b unix:run/gunicorn.sock app:app\n', 'app.conf': nginx }),
    ).toEqual(['app.conf: unix:/srv/app/run/gunicorn.sock -> gunicorn app.service (same-socket-path)']);
  });
});

describe('Kubernetes Services', () => {
  /** A pod of two containers: `sidecar` declares the port name `http-app`, `app` runs gunicorn on 8080. */
  const pod = (targetPort: string) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      '      containers:',
      '        - name: sidecar',
      '          image: nginx:1.27',
      '          ports: [{containerPort: 8080, name: http-app}, {containerPort: 80, name: http}]',
      '        - name: app',
      '          image: example/app',
      '          command: ["gunicorn", "-b", ":8080", "--worker-class", "gthread", "app.wsgi"]',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web}',
      'spec:',
      '  selector: {app: web}',
      `  ports: [{port: 8080, targetPort: ${targetPort}}]`,
      '',
    ].join('\n');
  const nginx = { 'nginx/default.conf': keepaliveNginx('web:8080') };

  test("a targetPort named on another container of the pod reaches the container that listens there (TandoorRecipes/recipes' k8s docs)", () => {
    expect(links({ 'k8s/web.yaml': pod('http-app'), ...nginx })).toEqual(['nginx/default.conf: web:8080 -> gunicorn k8s/web.yaml (kubernetes-service)']);
  });

  test('a name the pod does not declare, or one that names another port, is not linked', () => {
    expect(links({ 'k8s/web.yaml': pod('missing'), ...nginx })).toEqual([]);
    expect(links({ 'k8s/web.yaml': pod('http'), ...nginx })).toEqual([]);
  });

  test("a port the sidecar declares is the sidecar's: gunicorn elsewhere in the pod is not said to miss it", () => {
    expect(serious(lint({ 'k8s/web.yaml': pod('http'), ...nginx }))).toEqual([]);
    // A port no container declares, which gunicorn does not bind: nothing there.
    expect(serious(lint({ 'k8s/web.yaml': pod('9000'), ...nginx }))).toEqual(['upstream-unreachable nginx/default.conf:2']);
  });
});

describe('templates', () => {
  test('a gunicorn config under a template name but without a tag is read, and links to the nginx template beside it (spiral-project/ihatemoney)', () => {
    const tree = {
      'conf-templates/nginx.conf.j2':
        'upstream app_backend {\n    server unix:/tmp/app.gunicorn.sock;\n}\nserver {\n    server_name {{ domain }};\n    location / {\n        proxy_pass http://app_backend;\n    }\n}\n',
      'conf-templates/gunicorn.conf.py.j2': 'bind = "unix:/tmp/app.gunicorn.sock"\nworkers = 3\n',
    };
    expect(links(tree)).toEqual([
      'conf-templates/nginx.conf.j2: unix:/tmp/app.gunicorn.sock -> gunicorn conf-templates/gunicorn.conf.py.j2 (same-socket-path)',
    ]);
    // With a tag it stays a template cfglint does not read: nothing to link.
    expect(links({ ...tree, 'conf-templates/gunicorn.conf.py.j2': 'bind = "unix:/tmp/app.gunicorn.sock"\nworkers = {{ workers }}\n' })).toEqual([]);
  });
});

describe('Procfile', () => {
  // The platform sets PORT for every process (Heroku, foreman, honcho): gunicorn's default bind is then 0.0.0.0:$PORT.
  const nginx = { 'nginx/site.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n' };

  test("gunicorn without --bind listens on the platform's $PORT, not on 127.0.0.1:8000 (miguelgrinberg/microblog)", () => {
    expect(links({ ...nginx, Procfile: 'web: gunicorn app:app\n' })).toEqual([]);
    // The graph and --print-config show the variable, not the process type's name.
    const [backend] = modelOf({ ...nginx, Procfile: 'web: gunicorn app:app\n' }).backends;
    expect(backend.listeners.map((listener) => listener.address)).toEqual([{ kind: 'other', text: '$PORT' }]);
  });

  test('a wrapper that runs the command it is given: heroku-buildpack-nginx\'s start-nginx (python/pythondotorg), a script ending in exec "$@"', () => {
    const site = { 'nginx/site.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://unix:/var/run/app/nginx.sock:;\n    }\n}\n' };
    const config = { 'gunicorn.conf': "bind = 'unix:/var/run/app/nginx.sock'\n" };
    const linked = ['nginx/site.conf: unix:/var/run/app/nginx.sock -> gunicorn gunicorn.conf (same-socket-path)'];
    expect(links({ ...site, ...config, Procfile: 'web: bin/start-nginx gunicorn -c gunicorn.conf app.wsgi\n' })).toEqual(linked);
    expect(
      links({ ...site, ...config, Procfile: 'web: bin/run.sh gunicorn -c gunicorn.conf app.wsgi\n', 'bin/run.sh': '#!/bin/sh\nexport A=1\nexec "$@"\n' }),
    ).toEqual(linked);
  });

  describe("heroku-buildpack-pgbouncer's start-pgbouncer (mitodl/micromasters)", () => {
    // heroku-buildpack-nginx's config/nginx.conf.erb sends to the socket uWSGI makes.
    const heroku = (procfile: string) => ({
      Procfile: procfile,
      'uwsgi.ini': '[uwsgi]\nmaster = true\ndie-on-term = true\nsocket = /tmp/nginx.socket\nwsgi-file = app/wsgi.py\n',
      'config/nginx.conf.erb':
        'daemon off;\nevents { worker_connections 1024; }\nhttp {\n  server {\n    listen <%= ENV["PORT"] %>;\n    location / {\n      include uwsgi_params;\n      uwsgi_pass unix:/tmp/nginx.socket;\n    }\n  }\n}\n',
    });
    const linked = ['config/nginx.conf.erb: unix:/tmp/nginx.socket -> uwsgi uwsgi.ini (same-socket-path)'];
    /** The uWSGI backend nginx's socket links to, and the Procfile process that starts it (none: read as `uwsgi --ini` alone). */
    const servedBy = (tree: Record<string, string>) =>
      linkDeployment(modelOf(tree)).map(
        (link) =>
          `${link.backend.kind} ${
            backendLaunches(link.backend)
              .map((launch) => `${launch.kind} ${launch.service}`)
              .join(', ') || 'alone'
          }`,
      );

    test('start-pgbouncer and start-pgbouncer-stunnel run their arguments: the Procfile web process is the uWSGI nginx sends to', () => {
      for (const wrapper of [
        'bin/start-nginx bin/start-pgbouncer',
        'bin/start-pgbouncer',
        'bin/start-pgbouncer-stunnel',
        'bin/start-nginx -f bin/start-pgbouncer',
      ]) {
        const tree = heroku(`web: ${wrapper} uwsgi uwsgi.ini\n`);
        expect(links(tree)).toEqual(linked);
        expect(servedBy(tree)).toEqual(['uwsgi procfile web']);
      }
    });

    test('a wrapper nothing says runs its arguments stays the program: the ini is read alone, started by nothing', () => {
      const tree = heroku('web: bin/start-redis uwsgi uwsgi.ini\n');
      expect(links(tree)).toEqual(linked);
      expect(servedBy(tree)).toEqual(['uwsgi alone']);
      expect(modelOf(tree).launches.map((launch) => launch.program)).toEqual(['start-redis']);
    });

    test('with pgbouncer on, the script ignores SIGTERM and runs the app in a background subshell: a stop signal sent to the script does not reach it', () => {
      const docker = (env: string, cmd: string) => ({
        Dockerfile: `FROM python:3.12\n${env}CMD ${cmd}\n`,
        'gunicorn.conf.py': 'bind = "unix:/tmp/nginx.socket"\n',
      });
      const reaches = (tree: Record<string, string>) => modelOf(tree).launches.find((launch) => launch.program === 'gunicorn')?.stopSignalReaches;
      const pgbouncer = '["bin/start-pgbouncer", "gunicorn", "-c", "gunicorn.conf.py", "app.wsgi"]';
      // PGBOUNCER_ENABLED unset or empty is 1: pgbouncer runs, and the script traps SIGTERM to nothing.
      expect(reaches(docker('ENV PGBOUNCER_ENABLED=\n', pgbouncer))).toBe(false);
      expect(reaches(docker('ENV PGBOUNCER_ENABLED=On\n', pgbouncer))).toBe(false);
      // The base image's environment is not in the tree: it may set the variable.
      expect(reaches(docker('', pgbouncer))).toBeUndefined();
      // Off: `exec "$@"`, the app is the process.
      expect(reaches(docker('ENV PGBOUNCER_ENABLED=false\n', pgbouncer))).toBe(true);
      // start-nginx runs the command in a background subshell and passes nothing on.
      expect(reaches(docker('', '["bin/start-nginx", "gunicorn", "-c", "gunicorn.conf.py", "app.wsgi"]'))).toBe(false);
      // On Heroku the dyno's SIGTERM reaches every process, whatever the wrappers.
      const procfile = modelOf({ ...heroku('web: bin/start-nginx bin/start-pgbouncer uwsgi uwsgi.ini\n') }).launches[0];
      expect([procfile.program, procfile.stopSignalReaches]).toEqual(['uwsgi', true]);
    });
  });

  test('an explicit --bind is what it says', () => {
    expect(links({ ...nginx, Procfile: 'web: gunicorn app:app --bind 127.0.0.1:8000\n' })).toEqual([
      'nginx/site.conf: 127.0.0.1:8000 -> gunicorn Procfile (same-address)',
    ]);
  });

  test("a wrapper script whose directory is a variable is still that script (cvat's wait_for_deps.sh under $HOME)", () => {
    const site = { 'nginx/site.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://unix:/tmp/uvicorn.sock:;\n    }\n}\n' };
    const procfile = (script: string) => ({ ...site, Procfile: `web: ${script} python3 -m uvicorn --uds /tmp/uvicorn.sock app.asgi:application\n` });
    const wrapper = { 'wait_for_deps.sh': '#!/bin/sh\n~/wait-for-it.sh "${DB_HOST}:5432" -t 0\nexec "$@"\n' };
    const linked = ['nginx/site.conf: unix:/tmp/uvicorn.sock -> uvicorn Procfile (same-socket-path)'];
    expect(links({ ...procfile('$HOME/wait_for_deps.sh'), ...wrapper })).toEqual(linked);
    expect(links({ ...procfile('"${APP_HOME:-/app}/bin/wait_for_deps.sh"'), ...wrapper })).toEqual(linked);
    // Not in the tree, or the variable is the script's own name: nothing says it runs its arguments.
    expect(links(procfile('$HOME/wait_for_deps.sh'))).toEqual([]);
    expect(links({ ...procfile('$HOME/${WRAPPER}'), ...wrapper })).toEqual([]);
  });
});

describe("uWSGI sockets under if-env / if-not-env (mitodl/micromasters's uwsgi.ini)", () => {
  // uWSGI decides each block once, from getenv() at start (core/config.c uwsgi_logic_opt_if_env,
  // uwsgi_logic_opt_if_not_env): a variable that is set, even empty, takes the if-env block and drops the if-not-env one.
  const ini =
    '[uwsgi]\nmaster = true\ndie-on-term = true\nif-env = DEV_ENV\nsocket = :$(PORT)\nendif =\nif-not-env = DEV_ENV\nsocket = /tmp/nginx.socket\nendif =\nwsgi-file = app/wsgi.py\n';
  const herokuNginx =
    'daemon off;\nevents { worker_connections 1024; }\nhttp {\n  server {\n    listen <%= ENV["PORT"] %>;\n    location / {\n      include uwsgi_params;\n      uwsgi_pass unix:/tmp/nginx.socket;\n    }\n  }\n}\n';
  // A second process of the tree listens on another socket file: what upstream-unreachable would name.
  const heroku = (web: string) => ({
    Procfile: `web: ${web}\nadmin: gunicorn --bind unix:/tmp/admin.sock admin.wsgi\n`,
    'uwsgi.ini': ini,
    'config/nginx.conf.erb': herokuNginx,
  });
  const uwsgiOf = (tree: Record<string, string>) => modelOf(tree).backends.find((backend) => backend.kind === 'uwsgi')!;
  const shown = (listeners: Listener[]) => listeners.map((listener) => `${listener.option} ${JSON.stringify(listener.address)}`);

  test("on Heroku the environment is the platform's: the socket may be there, so nothing says that nothing listens on it, and nothing is linked", () => {
    const tree = heroku('bin/start-nginx uwsgi uwsgi.ini');
    const backend = uwsgiOf(tree);
    expect(shown(backend.listeners)).toEqual([]);
    // :$(PORT) is the platform's port, which the tree does not give.
    const where = (address: ListenAddress) => (address.kind === 'unix' ? `unix ${address.path}` : address.kind);
    expect((backend.undecidedListeners ?? []).map((listener) => `${listener.condition.text}: ${where(listener.address)}`)).toEqual([
      'if-env = DEV_ENV: other',
      'if-not-env = DEV_ENV: unix /tmp/nginx.socket',
    ]);
    expect(links(tree)).toEqual([]);
    expect(serious(lint(tree))).toEqual([]);
    // Under if-env it binds the platform's $(PORT), an address the tree does not give: it may be any, as an unconditional one.
    expect(serious(lint({ ...tree, 'config/nginx.conf.erb': herokuNginx.replace('/tmp/nginx.socket', '/tmp/ngnix.socket') }))).toEqual([]);
    // The graph shows where it may listen, beside the address it leaves unlinked.
    expect(renderGraph(modelOf(tree), [], [], 'mermaid')).toContain('socket unix:/tmp/nginx.socket #40;uwsgi#41; only under if-not-env = DEV_ENV');
  });

  test('a socket file under if-not-env alone: still nothing said about the address it may serve, while another address is judged', () => {
    const only = '[uwsgi]\nmaster = true\ndie-on-term = true\nif-not-env = DEV_ENV\nsocket = /tmp/nginx.socket\nendif =\nwsgi-file = app/wsgi.py\n';
    const tree = { ...heroku('uwsgi uwsgi.ini'), 'uwsgi.ini': only };
    expect(serious(lint(tree))).toEqual([]);
    // nginx sends to a socket no block of the config names: that is still reported.
    const typo = { ...tree, 'config/nginx.conf.erb': herokuNginx.replace('/tmp/nginx.socket', '/tmp/ngnix.socket') };
    expect(serious(lint(typo))).toEqual(['upstream-unreachable config/nginx.conf.erb:8']);
  });

  test('the launch gives the variable: uWSGI binds the if-env socket only, and the if-not-env socket is not there at all', () => {
    const tree = heroku('env DEV_ENV=True PORT=8000 uwsgi uwsgi.ini');
    const backend = uwsgiOf(tree);
    expect(shown(backend.listeners)).toEqual(['socket {"kind":"tcp","host":"0.0.0.0","port":8000}']);
    expect(backend.undecidedListeners).toBeUndefined();
    expect(links(tree)).toEqual([]);
    // With DEV_ENV set nothing binds /tmp/nginx.socket: a true finding.
    expect(serious(lint(tree))).toEqual(['upstream-unreachable config/nginx.conf.erb:8']);
    // Set but empty is set (getenv returns ""): the same.
    expect(shown(uwsgiOf(heroku('env DEV_ENV= PORT=8000 uwsgi uwsgi.ini')).listeners)).toEqual(['socket {"kind":"tcp","host":"0.0.0.0","port":8000}']);
  });

  test("compose's dev service sets DEV_ENV: nginx's web:8077 links to the if-env socket, and the if-not-env socket file is nobody's", () => {
    const tree = {
      'docker-compose.yml': [
        'x-environment: &py-environment',
        "  DEV_ENV: 'True'",
        'services:',
        '  nginx:',
        '    image: nginx:1.25',
        '    volumes:',
        '      - ./config/nginx.conf:/etc/nginx/conf.d/web.conf',
        '  web:',
        '    build: .',
        '    environment:',
        '      << : *py-environment',
        '      PORT: 8077',
        "    command: /bin/bash -c 'python3 manage.py migrate --no-input && uwsgi uwsgi.ini --honour-stdin'",
        '',
      ].join('\n'),
      Dockerfile: 'FROM python:3.12\nWORKDIR /src\nCOPY . /src\n',
      'uwsgi.ini': ini,
      'config/nginx.conf':
        'server {\n  listen 8079;\n  location / {\n    include uwsgi_params;\n    uwsgi_pass web:8077;\n  }\n  location /socket {\n    include uwsgi_params;\n    uwsgi_pass unix:/tmp/nginx.socket;\n  }\n}\n',
    };
    expect(links(tree)).toEqual(['config/nginx.conf: web:8077 -> uwsgi uwsgi.ini (compose-service)']);
    const backend = uwsgiOf(tree);
    expect(shown(backend.listeners)).toEqual(['socket {"kind":"tcp","host":"0.0.0.0","port":8077}']);
    expect(backend.undecidedListeners).toBeUndefined();
  });
});

describe('version managers that exec the command they are given', () => {
  const tree = (entrypoint: string) => ({
    Dockerfile: `FROM python:3.12\nENTRYPOINT ${entrypoint}\n`,
    'docker-compose.yml':
      'services:\n  nginx:\n    image: nginx:stable-alpine\n    volumes:\n      - ./app.conf:/etc/nginx/conf.d/app.conf:ro\n  dashboard:\n    build: .\n',
    'app.conf': 'server {\n  listen 80;\n  location / {\n    proxy_pass http://dashboard:8000;\n  }\n}\n',
  });

  test("pyenv exec, rbenv exec, asdf exec: the server they run is the container's", () => {
    const linked = ['app.conf: dashboard:8000 -> gunicorn docker-compose.yml (compose-service)'];
    expect(links(tree('["pyenv", "exec", "python3", "-m", "gunicorn", "--bind=0.0.0.0:8000", "wsgi:application"]'))).toEqual(linked);
    expect(links(tree('["asdf", "exec", "gunicorn", "--bind=0.0.0.0:8000", "wsgi:application"]'))).toEqual(linked);
    const [launch] = modelOf(tree('["rbenv", "exec", "gunicorn", "--bind=0.0.0.0:8000", "wsgi:application"]')).launches.filter((l) => l.program === 'gunicorn');
    // rbenv-exec ends in `exec -a …`: the signal reaches gunicorn.
    expect([launch.wrappers.map((arg) => arg.value), launch.stopSignalReaches]).toEqual([['rbenv', 'exec'], true]);
  });

  test('other subcommands run no server', () => {
    expect(links(tree('["pyenv", "which", "gunicorn", "--bind=0.0.0.0:8000"]'))).toEqual([]);
    expect(links(tree('["pyenv", "exec", "python3", "manage.py", "migrate"]'))).toEqual([]);
  });
});

describe('unknown words in front of the server (pgadmin4\'s exec $SU_EXEC "${PYTHON_BIN}" /venv/bin/gunicorn)', () => {
  const tree = (line: string) => ({
    Dockerfile: 'FROM python:3.12\nWORKDIR /app\nCOPY gunicorn_config.py /app/\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
    'entrypoint.sh': `#!/bin/sh\nif [ "$(id -u)" = "0" ]; then SU_EXEC="su-exec 5050:0"; else SU_EXEC=""; fi\nif [ -x /venv/bin/python3-cap ]; then PYTHON_BIN=/venv/bin/python3-cap; else PYTHON_BIN=/venv/bin/python3; fi\n${line}\n`,
    'gunicorn_config.py': 'accesslog = "-"\n',
    'docker-compose.yml':
      'services:\n  pgadmin:\n    build: .\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/conf.d/default.conf\n',
    'nginx.conf': 'server {\n  listen 8080;\n  location / {\n    proxy_pass http://pgadmin:80;\n  }\n}\n',
  });

  test('a run of them up to a known server program is skipped', () => {
    expect(links(tree('exec $SU_EXEC "${PYTHON_BIN}" /venv/bin/gunicorn --bind "[::]:80" --threads 25 -c gunicorn_config.py app:app'))).toEqual([
      'nginx.conf: pgadmin:80 -> gunicorn gunicorn_config.py (compose-service)',
    ]);
  });

  test('not past a known word that is no wrapper, nor past more than three', () => {
    expect(links(tree('exec $SU_EXEC "${PYTHON_BIN}" ./check.sh /venv/bin/gunicorn --bind "[::]:80" -c gunicorn_config.py app:app'))).toEqual([]);
    // (A variable the container does not define is empty, and goes: these are set in if branches.)
    expect(links(tree('exec $SU_EXEC $SU_EXEC "${PYTHON_BIN}" $SU_EXEC /venv/bin/gunicorn --bind "[::]:80" -c gunicorn_config.py app:app'))).toEqual([]);
  });
});

describe("gunicorn options from a variable the tree leaves open (ietf-tools/datatracker's --bind :8000 ${DATATRACKER_GUNICORN_EXTRA_ARGS})", () => {
  // -b is an argparse `append` option (gunicorn config.py Bind): more words may add addresses, never
  // take the given one away; the command line's list replaces a config file's (app/base.py load_config).
  const tree = (command: string, nginxPort = 8000) => ({
    'docker-compose.yml': [
      'services:',
      '  nginx:',
      '    image: nginx:1.26',
      '    volumes:',
      '      - ./default.conf:/etc/nginx/conf.d/default.conf:ro',
      '  web:',
      '    image: python:3.12',
      '    command: ["/app/start.sh"]',
      '    environment:',
      '      - GUNICORN_EXTRA_ARGS',
      '    volumes:',
      '      - ./start.sh:/app/start.sh',
      '      - ./gunicorn.conf.py:/app/gunicorn.conf.py',
      '',
    ].join('\n'),
    'start.sh': `#!/bin/sh\nexec ${command}\n`,
    'gunicorn.conf.py': 'bind = "0.0.0.0:7000"\ntimeout = 60\n',
    'default.conf': `server {\n    listen 80;\n    location / {\n        proxy_pass http://web:${nginxPort};\n    }\n}\n`,
  });
  const linked = ['default.conf: web:8000 -> gunicorn gunicorn.conf.py (compose-service)'];

  test('a bind before the words or after them stays a listener', () => {
    expect(links(tree('gunicorn -c /app/gunicorn.conf.py --bind 0.0.0.0:8000 ${GUNICORN_EXTRA_ARGS} app:app'))).toEqual(linked);
    expect(links(tree('gunicorn -c /app/gunicorn.conf.py ${GUNICORN_EXTRA_ARGS} -b :8000 app:app'))).toEqual(linked);
  });

  test('the words may add addresses and override other settings: those stay unknown', () => {
    const [backend] = modelOf(tree('gunicorn -c /app/gunicorn.conf.py --bind 0.0.0.0:8000 --timeout 30 ${GUNICORN_EXTRA_ARGS} app:app')).backends;
    expect(backend.listeners.map((listener) => listener.address)).toEqual([
      { kind: 'tcp', host: '0.0.0.0', port: 8000 },
      { kind: 'other', text: '${GUNICORN_EXTRA_ARGS}' },
    ]);
    expect(backend.settings.get('timeout')?.value).toBeUndefined();
  });

  test('they make no link where none was, nor a finding that nothing listens', () => {
    expect(links(tree('gunicorn -c /app/gunicorn.conf.py --bind 0.0.0.0:9000 ${GUNICORN_EXTRA_ARGS} app:app'))).toEqual([]);
    // No --bind: the words may hold one, so the config file's 7000 is not taken either.
    expect(links(tree('gunicorn -c /app/gunicorn.conf.py ${GUNICORN_EXTRA_ARGS} app:app', 7000))).toEqual([]);
    // On one host's loopback: 9000 is certain, and the words may bind 8000 too, so nginx's 8000 is not said to be unserved.
    const site = { 'nginx/site.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n' };
    const host = (line: string) => ({ ...site, Procfile: `web: ${line}\n` });
    expect(links(host('gunicorn --bind 127.0.0.1:9000 $GUNICORN_OPTS app:app'))).toEqual([]);
    expect(serious(lint(host('gunicorn --bind 127.0.0.1:9000 $GUNICORN_OPTS app:app')))).toEqual([]);
    expect(serious(lint(host('gunicorn --bind 127.0.0.1:9000 app:app')))).toEqual(['upstream-unreachable nginx/site.conf:4']);
  });
});

describe('Spring Boot', () => {
  test('a Spring Cloud Gateway behind nginx is linked and not judged as embedded Tomcat (macrozheng/mall-swarm)', () => {
    const pom = (dependency: string) =>
      `<project>\n  <parent><artifactId>spring-boot-starter-parent</artifactId><version>3.2.0</version></parent>\n  <dependencies>\n    <dependency><artifactId>${dependency}</artifactId></dependency>\n  </dependencies>\n</project>\n`;
    const tree = (dependency: string) => ({
      'gateway/pom.xml': pom(dependency),
      'gateway/src/main/resources/application.yml': 'server:\n  port: 8201\n',
      'nginx/nginx.conf':
        'events {}\nhttp {\n  upstream gw {\n    server 127.0.0.1:8201;\n    keepalive 16;\n  }\n  server {\n    listen 80;\n    client_max_body_size 50m;\n    location / {\n      proxy_pass http://gw;\n      proxy_http_version 1.1;\n      proxy_set_header Connection "";\n    }\n  }\n}\n',
    });
    expect(links(tree('spring-cloud-starter-gateway'))).toEqual([
      'nginx/nginx.conf: 127.0.0.1:8201 -> spring-boot gateway/src/main/resources/application.yml (same-address)',
    ]);
    // Reactor Netty keeps idle connections with no timeout and has no multipart limit of Spring's.
    expect(serious(lint(tree('spring-cloud-starter-gateway')))).toEqual([]);
    // The same tree as a servlet application: Tomcat's keepAliveTimeout 60s races nginx's 60s, and 1MB uploads.
    expect(serious(lint(tree('spring-boot-starter-web')))).toEqual(['upstream-keepalive-timeout nginx/nginx.conf:5', 'body-size-backend nginx/nginx.conf:9']);
  });
});

describe('which Spring Boot application a launch runs', () => {
  const pom =
    '<project>\n  <artifactId>app</artifactId>\n  <dependencies>\n    <dependency><artifactId>spring-boot-starter-web</artifactId></dependency>\n  </dependencies>\n</project>\n';
  const jarImage = (jar: string) => `FROM eclipse-temurin:17\nCOPY ${jar} /app.jar\nENTRYPOINT ["java", "-jar", "/app.jar"]\n`;
  const site = (...passes: string[]) =>
    `events {}\nhttp {\n  server {\n    listen 80;\n    client_max_body_size 50m;\n${passes.map((pass, i) => `    location /${i}/ { proxy_pass http://${pass}; }\n`).join('')}  }\n}\n`;
  // Large enough for nginx's 50m: a link to this application gives no body-size finding.
  const uploads =
    'spring:\n  servlet:\n    multipart:\n      max-file-size: 100MB\n      max-request-size: 100MB\nserver:\n  tomcat:\n    max-http-form-post-size: 100MB\n';

  test("a compose service runs what its build context holds, not every application below the compose file (yangzongzhuan/RuoYi-Cloud's docker/)", () => {
    const tree = {
      'docker/docker-compose.yml': [
        'services:',
        '  nacos:',
        '    image: nacos/nacos-server:v3.0.2',
        '    volumes:',
        '      - ./nacos/conf/application.properties:/home/nacos/conf/application.properties',
        '  nginx:',
        '    image: nginx:1.27',
        '    volumes:',
        '      - ./nginx/nginx.conf:/etc/nginx/nginx.conf',
        '  gateway:',
        '    build:',
        '      context: ./gateway',
        '',
      ].join('\n'),
      // The image's jar comes from outside the tree's applications: the context holds none.
      'docker/gateway/Dockerfile': jarImage('app.jar'),
      'docker/nacos/conf/application.properties': 'server.port=8848\nserver.tomcat.accesslog.enabled=true\n',
      'docker/nginx/nginx.conf': site('gateway:8080'),
    };
    // nacos runs its image's own command with the mounted file; the gateway's application is not in the tree.
    expect(modelOf(tree).backends.map((backend) => `${backend.name}: ${backend.launchedBy?.length ?? 0} launches`)).toEqual(['docker/nacos/conf: 0 launches']);
    expect(links(tree)).toEqual([]);
    expect(serious(lint(tree))).toEqual([]);

    // With the application in its build context, the service runs it.
    const built = {
      ...tree,
      'docker/gateway/pom.xml': pom,
      'docker/gateway/src/main/resources/application.yml': uploads,
      'docker/gateway/Dockerfile': jarImage('target/app.jar'),
    };
    expect(links(built)).toEqual(['docker/nginx/nginx.conf: gateway:8080 -> spring-boot docker/gateway/src/main/resources/application.yml (compose-service)']);
  });

  test('services of a root compose file each run their own module (build: alpha, build: beta)', () => {
    const tree = {
      'docker-compose.yml':
        'services:\n  alpha:\n    build: alpha\n  beta:\n    build: beta\n  nginx:\n    image: nginx:1.27\n    volumes: ["./nginx/nginx.conf:/etc/nginx/nginx.conf"]\n',
      'alpha/Dockerfile': jarImage('target/alpha.jar'),
      'beta/Dockerfile': jarImage('target/beta.jar'),
      'beta/pom.xml': pom,
      'beta/src/main/resources/application.yml': uploads,
      'nginx/nginx.conf': site('alpha:8080', 'beta:8080'),
    };
    // alpha's application is not in the tree: its service links to nothing, beta's to beta.
    expect(links(tree)).toEqual(['nginx/nginx.conf: beta:8080 -> spring-boot beta/src/main/resources/application.yml (compose-service)']);
    expect(serious(lint(tree))).toEqual([]);
  });

  test('a build context holding several modules: the module whose directory holds the Dockerfile, else none', () => {
    const modules = {
      'alpha/pom.xml': pom,
      'alpha/src/main/resources/application.yml': 'server:\n  port: 8081\n',
      'beta/pom.xml': pom,
      'beta/src/main/resources/application.yml': 'server:\n  port: 8082\n',
      'nginx/nginx.conf': site('api:9000'),
    };
    const compose = (dockerfile: string) =>
      `services:\n  api:\n    build:\n      context: .\n      dockerfile: ${dockerfile}\n    environment:\n      SERVER_PORT: "9000"\n`;
    expect(links({ ...modules, 'compose.yaml': compose('beta/Dockerfile'), 'beta/Dockerfile': jarImage('beta/target/beta.jar') })).toEqual([
      'nginx/nginx.conf: api:9000 -> spring-boot beta/src/main/resources/application.yml (compose-service)',
    ]);
    // A Dockerfile beside both modules may package either: SERVER_PORT is set on neither, and no
    // backend of Spring's defaults stands in for the one it packages.
    const ambiguous = { ...modules, 'compose.yaml': compose('Dockerfile'), Dockerfile: jarImage('app.jar') };
    expect(modelOf(ambiguous).backends.map((backend) => `${backend.name} ${backend.settings.get('server.port')?.value}`)).toEqual(['alpha 8081', 'beta 8082']);
    expect(links(ambiguous)).toEqual([]);
  });

  test('a script the built image runs runs the application of the build context', () => {
    const tree = {
      'compose.yaml': 'services:\n  api:\n    build: api\n',
      'api/Dockerfile': 'FROM eclipse-temurin:17\nCOPY target/api.jar /app.jar\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n',
      'api/run.sh': '#!/bin/sh\nexec java -jar /app.jar --server.port=9000\n',
      'api/pom.xml': pom,
      'api/src/main/resources/application.yml': uploads,
      'nginx/nginx.conf': site('api:9000'),
    };
    expect(links(tree)).toEqual(['nginx/nginx.conf: api:9000 -> spring-boot api/src/main/resources/application.yml (compose-service)']);
  });

  test("a service that mounts an application's config runs that application; other mounts say nothing", () => {
    const compose = (volume: string) =>
      `services:\n  api:\n    image: eclipse-temurin:17\n    working_dir: /srv\n    command: java -jar /srv/app.jar\n    volumes:\n      - ${volume}\n`;
    const tree = (volume: string) => ({
      'compose.yaml': compose(volume),
      'api/pom.xml': pom,
      'api/src/main/resources/application.yml': 'server:\n  port: 8081\n',
      'admin/pom.xml': pom,
      'admin/src/main/resources/application.yml': 'server:\n  port: 8081\n',
      'nginx/nginx.conf': site('api:8081'),
    });
    expect(links(tree('./api/src/main/resources/application.yml:/srv/config/application.yml'))).toEqual([
      'nginx/nginx.conf: api:8081 -> spring-boot api/src/main/resources/application.yml (compose-service)',
    ]);
    expect(links(tree('./logs:/srv/logs'))).toEqual([]);
  });

  test("a host script's java -jar <module>/target/*.jar configures that module (spring-petclinic-microservices' scripts/run_all.sh)", () => {
    const tree = {
      'scripts/run_all.sh': [
        '#!/bin/sh',
        'nohup java -jar customers/target/*.jar --server.port=8081 > target/customers.log 2>&1 &',
        'nohup java -jar vets/build/libs/vets.jar --server.port=8083 > target/vets.log 2>&1 &',
        '',
      ].join('\n'),
      'customers/pom.xml': pom,
      'customers/src/main/resources/application.yml': uploads,
      'vets/build.gradle':
        "plugins { id 'org.springframework.boot' version '3.2.0' }\ndependencies { implementation 'org.springframework.boot:spring-boot-starter-web' }\n",
      'vets/src/main/resources/application.yml': uploads,
      'nginx/app.conf':
        'server {\n  listen 80;\n  client_max_body_size 50m;\n  location / { proxy_pass http://127.0.0.1:8081; }\n  location /vets/ { proxy_pass http://127.0.0.1:8083; }\n}\n',
    };
    expect(links(tree)).toEqual([
      'nginx/app.conf: 127.0.0.1:8081 -> spring-boot customers/src/main/resources/application.yml (same-address)',
      'nginx/app.conf: 127.0.0.1:8083 -> spring-boot vets/src/main/resources/application.yml (same-address)',
    ]);
    expect(serious(lint(tree))).toEqual([]);

    // A script above both modules gives each its own port, not both ports to both (undetermined).
    const { 'scripts/run_all.sh': script, ...modules } = tree;
    expect(links({ ...modules, 'start.sh': script })).toEqual([
      'nginx/app.conf: 127.0.0.1:8081 -> spring-boot customers/src/main/resources/application.yml (same-address)',
      'nginx/app.conf: 127.0.0.1:8083 -> spring-boot vets/src/main/resources/application.yml (same-address)',
    ]);

    // A jar no module of the tree builds stays a process of its own, on the port its launch sets.
    const elsewhere = { ...tree, 'scripts/run_all.sh': '#!/bin/sh\njava -jar other/target/other.jar --server.port=8081\n' };
    expect(links(elsewhere)).toEqual(['nginx/app.conf: 127.0.0.1:8081 -> spring-boot scripts/run_all.sh (same-address)']);
  });
});

describe("a java -jar of a jar no application of the tree is (YunaiV/ruoyi-vue-pro's script/shell/deploy.sh)", () => {
  // Spring Boot reads the jar's packaged application.* and ./config/ of the directory it runs in
  // (ConfigDataEnvironment.DEFAULT_SEARCH_LOCATIONS); only its own arguments and environment, which
  // win over both, are in the tree.
  const deploy = (args: string) =>
    `#!/bin/bash\nBASE_PATH=/work/projects/app-server\ncd $BASE_PATH\nnohup java -server -Xms512m -jar $BASE_PATH/app-server.jar ${args} &\n`;
  const site = (target: string, extra = '') =>
    `events {}\nhttp {\n  server {\n    listen 80;\n    client_max_body_size 100m;\n    location /admin-api/ { proxy_pass ${target}; }\n${extra}  }\n}\n`;
  const pom =
    '<project>\n  <artifactId>app-server</artifactId>\n  <dependencies>\n    <dependency><artifactId>spring-boot-starter-web</artifactId></dependency>\n  </dependencies>\n</project>\n';

  test("Spring settings without the port: where it listens is the jar's to say, so no address is called unserved", () => {
    const tree = { 'deploy.sh': deploy('--spring.profiles.active=development'), 'nginx.conf': site('http://127.0.0.1:48080') };
    const model = modelOf(tree);
    expect(model.backends.flatMap((backend) => backend.listeners.map((listener) => `${backend.kind} ${describeListenAddress(listener)}`))).toEqual([]);
    expect(unmodelledServers(model).map((server) => `${server.program} ${server.launch.file}: ${server.addresses.map(({ address }) => address.kind)}`)).toEqual(
      ['java deploy.sh: unknown'],
    );
    expect(renderGraph(model, [], [], 'mermaid')).not.toMatch(/(?<!\d)8080/);
    expect(serious(lint(tree))).toEqual([]);
    // Beside a backend the tree does place: the jar may still be what listens on 48080.
    const beside = {
      ...tree,
      'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n',
      'nginx.conf': site('http://127.0.0.1:48080', '    location /api/ { proxy_pass http://127.0.0.1:8000; }\n'),
    };
    expect(serious(lint(beside))).toEqual([]);
  });

  test("a port set on the command line is known and links; what the launch leaves unset is unknown, not Spring's default", () => {
    const tree = { 'deploy.sh': deploy('--server.port=48080 --spring.profiles.active=development'), 'nginx.conf': site('http://127.0.0.1:48080') };
    expect(links(tree)).toEqual(['nginx.conf: 127.0.0.1:48080 -> spring-boot deploy.sh (same-address)']);
    const [backend] = modelOf(tree).backends;
    expect(['spring.servlet.multipart.max-file-size', 'server.tomcat.max-http-form-post-size'].map((name) => backend.settings.get(name)?.value)).toEqual([
      undefined,
      undefined,
    ]);
    // nginx's 100m against uploads the jar's own config limits: not judged.
    expect(serious(lint(tree))).toEqual([]);
    // What the launch does set is judged: Spring rejects a 2 MB file part nginx lets through.
    const limited = { ...tree, 'deploy.sh': deploy('--server.port=48080 --spring.servlet.multipart.max-file-size=1MB') };
    expect(serious(lint(limited))).toEqual(['body-size-backend nginx.conf:5']);
    // And a port it sets elsewhere leaves 48080 unserved: the command line wins over the jar's files.
    const moved = { ...tree, 'deploy.sh': deploy('--server.port=8081') };
    expect(serious(lint(moved))).toEqual(['upstream-unreachable nginx.conf:6']);
  });

  test("TLS is the jar's config's to say too: https:// to its port is no mismatch, unless the launch turns TLS off", () => {
    const tree = { 'deploy.sh': deploy('--server.port=48443'), 'nginx.conf': site('https://127.0.0.1:48443') };
    expect(links(tree)).toEqual(['nginx.conf: 127.0.0.1:48443 -> spring-boot deploy.sh (same-address)']);
    expect(serious(lint(tree))).toEqual([]);
    const plain = { ...tree, 'deploy.sh': deploy('--server.port=48443 --server.ssl.enabled=false') };
    expect(serious(lint(plain))).toEqual(['upstream-protocol-mismatch nginx.conf:6']);
  });

  test("a jar the tree builds keeps its module's files: the profile the launch activates sets the port", () => {
    const tree = {
      'deploy.sh': '#!/bin/bash\nnohup java -jar app-server/target/app-server.jar --spring.profiles.active=development &\n',
      'app-server/pom.xml': pom,
      'app-server/src/main/resources/application.yml': 'spring:\n  application:\n    name: app-server\n',
      'app-server/src/main/resources/application-development.yml': 'server:\n  port: 48080\n',
      'nginx.conf': site('http://127.0.0.1:48080'),
    };
    expect(links(tree)).toEqual(['nginx.conf: 127.0.0.1:48080 -> spring-boot app-server/src/main/resources/application.yml (same-address)']);
    // Its unset settings are Spring's defaults: the tree holds every file the jar packages.
    expect(serious(lint(tree))).toEqual(['body-size-backend nginx.conf:5']);
  });
});

describe('compose files under other names', () => {
  test("read by their content and linked (ansible/galaxy_ng's dev/compose/standalone.yaml)", () => {
    const tree = {
      'dev/compose/standalone.yaml':
        'services:\n  api:\n    image: python:3.12\n    command: gunicorn app.wsgi --bind 0.0.0.0:8000\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ../nginx/nginx.conf:/etc/nginx/conf.d/default.conf\n',
      'dev/nginx/nginx.conf': 'upstream app {\n    server api:8000;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n',
    };
    expect(links(tree)).toEqual(['dev/nginx/nginx.conf: api:8000 -> gunicorn dev/compose/standalone.yaml (compose-service)']);
  });
});

describe('an upstream named by a file that another main config defines', () => {
  test("the definition closest in the directory tree wins (ansible/galaxy_ng's snippets beside several nginx.conf)", () => {
    const main = (port: number) => `events {}\nhttp {\n    upstream app {\n        server 127.0.0.1:${port};\n    }\n    include snippets/*.conf;\n}\n`;
    const model = modelOf({
      'a/nginx.conf': main(8000),
      'z/nginx.conf': main(9000),
      'z/other/snippet.conf': 'server {\n    listen 8080;\n    location / {\n        proxy_pass http://app;\n    }\n}\n',
    });
    const pass = model.nginx.passes.find((each) => each.entry.directive.file === 'z/other/snippet.conf')!;
    expect(pass.target.kind === 'group' ? pass.target.group.block?.directive?.file : pass.target.kind).toBe('z/nginx.conf');
  });
});

describe('a pass through a variable that one `set` gives', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: python:3.12',
    '    command: gunicorn --bind 0.0.0.0:8000 app:app',
    '  wsgi:',
    '    image: python:3.12',
    '    command: uwsgi --socket 0.0.0.0:3031 --module app',
    '',
  ].join('\n');
  const site = (body: string) => ({ 'compose.yaml': compose, 'nginx.conf': `server {\n    listen 80;\n    resolver 127.0.0.11 valid=10s;\n${body}}\n` });

  test('goes where the literal goes: set in the server or the location, in a host part, to a uwsgi socket, with a capture or the request’s path after the host', () => {
    expect(
      links(
        site(
          [
            '    set $backend http://web:8000;',
            '    set $host_only web;',
            '    location / { proxy_pass $backend; }',
            '    location /api { set $api "http://web:8000/api/"; proxy_pass $api; }',
            '    location /h { proxy_pass http://$host_only:8000; }',
            '    location /u { set $socket "wsgi:3031"; include uwsgi_params; uwsgi_pass $socket; }',
            '    location ~ ^/c/(.*)$ { set $path_backend http://web:8000/$1; proxy_pass $path_backend; }',
            '    location /r { proxy_pass $backend$request_uri; }',
            '',
          ].join('\n'),
        ),
      ),
    ).toEqual([
      'nginx.conf: web:8000 -> gunicorn compose.yaml (compose-service)',
      'nginx.conf: web:8000 -> gunicorn compose.yaml (compose-service)',
      'nginx.conf: web:8000 -> gunicorn compose.yaml (compose-service)',
      'nginx.conf: wsgi:3031 -> uwsgi compose.yaml (compose-service)',
      'nginx.conf: web:8000 -> gunicorn compose.yaml (compose-service)',
      'nginx.conf: web:8000 -> gunicorn compose.yaml (compose-service)',
    ]);
    const targets = nginxTargets(
      modelOf(
        site(
          '    set $backend http://web:8000;\n    location / { proxy_pass $backend; }\n    location /api { set $api "http://web:8000/api/"; proxy_pass $api; }\n',
        ),
      ),
    );
    expect(targets.map((t) => `${t.address.text} ${t.span.start.line}`)).toEqual(['web:8000 5', 'web:8000 6']);
  });

  test('a literal host with variables only in the path goes to that host (readthedocs: `http://proxito:8000/_404_$request_uri`)', () => {
    const tree = site(
      [
        '    location @fallback { proxy_pass http://web:8000/_404_$request_uri; }',
        '    location /r { proxy_pass http://web:8000$request_uri; }',
        '    location /c { proxy_pass http://web:8000$cookie_x; }',
        '',
      ].join('\n'),
    );
    expect(links(tree)).toEqual([
      'nginx.conf: web:8000 -> gunicorn compose.yaml (compose-service)',
      'nginx.conf: web:8000 -> gunicorn compose.yaml (compose-service)',
    ]);
    // nginx sends a URI with variables as it is: nothing for nginx-proxy-pass-uri to judge.
    expect(lint(tree).filter((f) => f.ruleId === 'nginx-proxy-pass-uri' || f.ruleId === 'nginx-stale-dns')).toEqual([]);
  });

  test('stays a variable when more than one value can reach, when a map or a capture gives it, or when the set is in another server', () => {
    const unlinked = [
      // A second set in an `if`: either value.
      '    set $backend http://web:8000;\n    location / { if ($arg_x) { set $backend http://other:8000; } proxy_pass $backend; }\n',
      // A map defines it too.
      '    set $backend http://web:8000;\n    location / { proxy_pass $backend; }\n}\nmap $host $backend { default http://web:8000; }\nserver {\n',
      // The client chooses the host, or its port.
      '    set $backend http://$http_x_backend;\n    location / { proxy_pass $backend; }\n',
      '    set $backend http://web;\n    location / { proxy_pass $backend:$arg_port; }\n',
    ];
    for (const body of unlinked) expect(links(site(body))).toEqual([]);
    expect(
      links({
        'compose.yaml': compose,
        'nginx.conf': 'server {\n    listen 81;\n    set $backend http://web:8000;\n}\nserver {\n    listen 80;\n    location / { proxy_pass $backend; }\n}\n',
      }),
    ).toEqual([]);
  });

  test('the linked backend is judged: a read timeout beyond gunicorn’s; nginx-stale-dns only for the literal host', () => {
    const findings = lint(
      site(
        [
          '    set $backend http://web:8000;',
          '    location / { proxy_read_timeout 120s; proxy_pass $backend; }',
          '    location /literal { proxy_read_timeout 120s; proxy_pass http://web:8000; }',
          '',
        ].join('\n'),
      ),
    );
    expect(serious(findings)).toEqual(['proxy-read-timeout-backend nginx.conf:5', 'proxy-read-timeout-backend nginx.conf:6']);
    expect(findings.filter((f) => f.ruleId === 'nginx-stale-dns').map(at)).toEqual(['nginx-stale-dns nginx.conf:6']);
  });
});

describe('a compose service named without a port', () => {
  const compose = (bind: string) =>
    [
      'services:',
      '  front:',
      '    image: python:3.12',
      `    command: gunicorn --bind ${bind} app:app`,
      '  nginx:',
      '    image: nginx:1.27',
      '    volumes: ["./nginx.conf:/etc/nginx/conf.d/default.conf:ro"]',
      '',
    ].join('\n');

  test("goes to the service on the scheme's port, as nginx's implicit upstream does (taigaio/taiga-docker's proxy_pass http://taiga-front/)", () => {
    expect(
      links({ 'compose.yaml': compose('0.0.0.0:80'), 'nginx.conf': 'server {\n    listen 8080;\n    location / { proxy_pass http://front/; }\n}\n' }),
    ).toEqual(['nginx.conf: front:80 -> gunicorn compose.yaml (compose-service)']);
    // On another port, or under a name no service has, there is nothing to link.
    expect(
      links({ 'compose.yaml': compose('0.0.0.0:8000'), 'nginx.conf': 'server {\n    listen 8080;\n    location / { proxy_pass http://front/; }\n}\n' }),
    ).toEqual([]);
    expect(
      links({ 'compose.yaml': compose('0.0.0.0:80'), 'nginx.conf': 'server {\n    listen 8080;\n    location / { proxy_pass http://back/; }\n}\n' }),
    ).toEqual([]);
  });

  test('an upstream of that name wins over the service', () => {
    const nginx = 'upstream front {\n    server 127.0.0.1:9000;\n}\nserver {\n    listen 8080;\n    location / { proxy_pass http://front/; }\n}\n';
    expect(links({ 'compose.yaml': compose('0.0.0.0:80'), 'nginx.conf': nginx })).toEqual([]);
    const targets = nginxTargets(modelOf({ 'compose.yaml': compose('0.0.0.0:80'), 'nginx.conf': nginx }));
    expect(targets.map((t) => `${t.group?.name} ${t.address.text}`)).toEqual(['front 127.0.0.1:9000']);
  });
});

describe('a location body kept in a file of its own', () => {
  const gunicorn = { Procfile: 'web: gunicorn -c gunicorn.conf.py app.wsgi\n', 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 30\n' };
  const site = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n';

  test("its settings stay in its own location: no other site's timeout (openedx/configuration's cms_proxy.j2 beside xqueue.j2)", () => {
    const findings = lint({ ...gunicorn, 'nginx/app.conf': site, 'nginx/reports_proxy.conf': 'proxy_read_timeout 300s;\nproxy_pass http://127.0.0.1:8000;\n' });
    // Only the fragment's own pass waits 300 s on gunicorn's 30 s; app.conf's location keeps nginx's 60 s.
    expect(serious(findings)).toEqual(['proxy-read-timeout-backend nginx/reports_proxy.conf:1']);
    expect(serious(lint({ ...gunicorn, 'nginx/app.conf': site, 'nginx/reports_proxy.conf': 'alias /srv/reports/;\nproxy_read_timeout 300s;\n' }))).toEqual([]);
  });

  test('its pass is linked like any location’s', () => {
    expect(links({ ...gunicorn, 'nginx/proxy.conf': 'include proxy_params;\nproxy_pass http://127.0.0.1:8000;\n' })).toEqual([
      'nginx/proxy.conf: 127.0.0.1:8000 -> gunicorn gunicorn.conf.py (same-address)',
    ]);
  });
});

describe('a start script that runs its server through su', () => {
  // Mayan-EDMS's run_frontend.sh: `su mayan --command "… gunicorn --bind 0.0.0.0:8000 …"` in the web image.
  const tree = (line: string) => ({
    Dockerfile: 'FROM python:3.12-slim\nRUN pip install gunicorn && useradd mayan\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n',
    'run.sh': `#!/bin/sh\n${line}\n`,
    'compose.yml': 'services:\n  web:\n    build: .\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro\n',
    'nginx.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://web:8000;\n    }\n}\n',
  });

  test('the command string is the process: the compose service links to it', () => {
    expect(links(tree('su mayan --command "gunicorn --bind 0.0.0.0:8000 app.wsgi"'))).toEqual([
      expect.stringMatching(/nginx\.conf: web:8000 -> gunicorn .*compose\.yml \(compose-service\)$/),
    ]);
  });

  test('su as a login prompt starts no server', () => {
    expect(links(tree('su mayan'))).toEqual([]);
  });
});

describe('a start script that uses what a command gives runs it to completion: no server', () => {
  const tree = (line: string) => ({
    Dockerfile: 'FROM python:3.12-slim\nRUN pip install gunicorn\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n',
    'run.sh': `#!/bin/sh\n${line}\n`,
    'compose.yml': 'services:\n  web:\n    build: .\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro\n',
    'nginx.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://web:8000;\n    }\n}\n',
  });
  const linked = [expect.stringMatching(/nginx\.conf: web:8000 -> gunicorn .*compose\.yml \(compose-service\)$/)];
  const gunicorn = 'gunicorn --bind 0.0.0.0:8000 app.wsgi';

  test('gunicorn as an `if` condition is run for its exit status: no link', () => {
    expect(links(tree(`if ${gunicorn}; then\n  echo stopped\nfi`))).toEqual([]);
    expect(links(tree(`if ! ${gunicorn}; then\n  exit 1\nfi`))).toEqual([]);
  });

  test('gunicorn || exit 1, gunicorn && …, a respawning `until` loop: the server runs until it exits, linked', () => {
    expect(links(tree(`${gunicorn} || exit 1`))).toEqual(linked);
    expect(links(tree(`${gunicorn} && echo stopped`))).toEqual(linked);
    expect(links(tree(`until ${gunicorn}; do\n  sleep 1\ndone`))).toEqual(linked);
  });

  test('its output into a log sink: linked; into a command that uses it: no link', () => {
    expect(links(tree(`${gunicorn} 2>&1 | tee -a /var/log/gunicorn.log`))).toEqual(linked);
    expect(links(tree(`${gunicorn} 2>&1 | ts '[%Y-%m-%d %H:%M:%S]'`))).toEqual(linked);
    expect(links(tree(`${gunicorn} 2>&1 | sed -u 's/^/[web] /'`))).toEqual(linked);
    expect(links(tree(`${gunicorn} 2>&1 | head -n 1`))).toEqual([]);
  });
});

describe('an entrypoint that exports variables, then runs its arguments (exec "$@")', () => {
  // tiangolo/uvicorn-gunicorn-docker's shape: ENTRYPOINT exports GUNICORN_CONF, CMD /start.sh reads it.
  const tree = (entrypoint: string, environment = '') => ({
    Dockerfile:
      'FROM python:3.12-slim\nCOPY ./entrypoint.sh /entrypoint.sh\nCOPY ./start.sh /start.sh\nCOPY ./gunicorn_conf.py /gunicorn_conf.py\nCOPY ./other_conf.py /other_conf.py\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["/start.sh"]\n',
    'entrypoint.sh': `#!/usr/bin/env sh\nset -e\n${entrypoint}\nexec "$@"\n`,
    'start.sh': '#! /usr/bin/env sh\nset -e\nexec gunicorn -c "$GUNICORN_CONF" main:app\n',
    'gunicorn_conf.py': 'bind = "0.0.0.0:80"\nworker_class = "gthread"\n',
    'other_conf.py': 'bind = "0.0.0.0:8001"\n',
    'docker-compose.yml': `services:\n  app:\n    build: .\n${environment}  nginx:\n    image: nginx:1.24\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf\n`,
    'nginx.conf': `events {}\nhttp {\n${keepaliveNginx('app:80')}}\n`,
  });
  const configOf = (files: Record<string, string>) =>
    modelOf(files)
      .launches.filter((launch) => launch.program === 'gunicorn')
      .map((launch) => launch.argv[2]?.value);

  test('the exported default reaches the command: gunicorn reads /gunicorn_conf.py and serves app:80', () => {
    const files = tree('export GUNICORN_CONF=${GUNICORN_CONF:-/gunicorn_conf.py}');
    expect(configOf(files)).toEqual(['/gunicorn_conf.py']);
    expect(links(files)).toEqual(['nginx.conf: app:80 -> gunicorn gunicorn_conf.py (compose-service)']);
    // gthread's keep-alive is gunicorn's 2 s default, below nginx's 60 s: on the upstream's keepalive line (5).
    expect(serious(lint(files))).toEqual([expect.stringMatching(/^upstream-keepalive-timeout .*nginx\.conf:5$/)]);
  });

  test("the container's own value wins over the default; a variable set but not exported is not handed over", () => {
    const set = tree('export GUNICORN_CONF=${GUNICORN_CONF:-/gunicorn_conf.py}', '    environment:\n      GUNICORN_CONF: /other_conf.py\n');
    expect(configOf(set)).toEqual(['/other_conf.py']);
    expect(links(set)).toEqual([]);
    // Unset in the compose service: start.sh gets an empty -c.
    expect(configOf(tree('GUNICORN_CONF=/gunicorn_conf.py'))).toEqual(['']);
  });
});

describe('an entrypoint wrapper that runs its arguments: named without .sh, or through a privilege dropper', () => {
  const nginxService = '  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';
  // openfun/richie, suitenumerique/docs: the wrapper is COPYed by its own name and is the ENTRYPOINT; CMD is the server.
  const richie = (entrypoint: string) => ({
    'docker-compose.yml': `services:\n  app:\n    build: .\n${nginxService}`,
    Dockerfile:
      'FROM python:3.12\nCOPY ./docker/files/usr/local/bin/entrypoint /usr/local/bin/entrypoint\nENTRYPOINT ["/usr/local/bin/entrypoint"]\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "wsgi:app"]\n',
    'docker/files/usr/local/bin/entrypoint': entrypoint,
    'nginx/default.conf': keepaliveNginx('app:8000'),
  });
  const richieLinked = ['nginx/default.conf: app:8000 -> gunicorn docker-compose.yml (compose-service)'];

  test('a script without .sh whose first line names a shell is read as one (bash, sh, env bash, dash)', () => {
    for (const shebang of ['#!/bin/bash', '#!/bin/sh', '#!/usr/bin/env bash', '#!/bin/dash']) {
      expect(links(richie(`${shebang}\necho "creating user"\nexec "$@"\n`))).toEqual(richieLinked);
    }
  });

  test('an extensionless file whose first line names no shell is not read as one', () => {
    expect(links(richie('#!/usr/bin/env python3\nimport os, sys\nos.execvp(sys.argv[1], sys.argv[1:])\n'))).toEqual([]);
    expect(links(richie('exec "$@"\n'))).toEqual([]);
  });

  test('a script without .sh that the ENTRYPOINT runs from a copied directory is read when it names a shell', () => {
    const copied = (entrypoint: string) => ({
      'docker-compose.yml': `services:\n  app:\n    build: .\n    command: gunicorn -b 0.0.0.0:8000 wsgi:app\n${nginxService}`,
      Dockerfile: 'FROM python:3.12\nWORKDIR /app\nCOPY . /app\nENTRYPOINT ["docker/entrypoint"]\n',
      'docker/entrypoint': entrypoint,
      'nginx/default.conf': keepaliveNginx('app:8000'),
    });
    expect(links(copied('#!/bin/bash\nexec gosu app "$@"\n'))).toEqual(richieLinked);
    expect(links(copied('#!/usr/bin/env python3\nimport os, sys\nos.execvp(sys.argv[1], sys.argv[1:])\n'))).toEqual([]);
  });

  // A wrapper that drops privileges, then runs its arguments (gosu, su-exec, chpst and setpriv exec the command they are given).
  const wrapped = (wrapper: string) => ({
    'docker-compose.yaml':
      'services:\n  reports:\n    build:\n      context: .\n      dockerfile: Dockerfile-dev\n    environment:\n      - DJANGO_PORT=9000\n' + nginxService,
    'Dockerfile-dev': 'FROM python:3.12\nWORKDIR /code\nCOPY . /code\nCMD ["scripts/run-as-user.sh", "scripts/start-django.sh"]\n',
    'scripts/run-as-user.sh': `#!/usr/bin/env bash\nset -eu\n${wrapper}\n`,
    'scripts/start-django.sh': '#!/usr/bin/env bash\nset -eu\nexec gunicorn app.wsgi --bind 0.0.0.0:${DJANGO_PORT:-8000}\n',
    'nginx/default.conf': keepaliveNginx('reports:9000'),
  });
  const wrappedLinked = ['nginx/default.conf: reports:9000 -> gunicorn docker-compose.yaml (compose-service)'];
  const gunicornOf = (files: Record<string, string>) => modelOf(files).launches.find((launch) => launch.program === 'gunicorn');

  test('gosu, su-exec, chpst, setpriv, with or without exec, as the last command', () => {
    for (const wrapper of [
      'exec "$@"',
      'gosu app:app "$@"',
      'exec gosu app "$@"',
      'exec su-exec app "${@}"',
      'exec chpst -u app "$@"',
      'exec setpriv --reuid app --regid app --init-groups "$@"',
      'exec setpriv --reuid=app --clear-groups -- "$@"',
    ]) {
      expect(links(wrapped(wrapper))).toEqual(wrappedLinked);
    }
  });

  test("without exec the wrapper's shell stays the parent: a stop signal reaches gunicorn only through exec", () => {
    expect(gunicornOf(wrapped('exec gosu app "$@"'))?.stopSignalReaches).toBe(true);
    expect(gunicornOf(wrapped('gosu app:app "$@"'))?.stopSignalReaches).toBe(false);
  });

  test('"$@" only in a branch, not at the end, or a wrapper that runs another command: it does not run its arguments', () => {
    for (const wrapper of [
      'if [ "${AS_USER:-}" = yes ]; then\n  exec gosu app "$@"\nfi',
      'if [ -n "${AS_USER:-}" ]; then\n  exec "$@"\nfi',
      'gosu app "$@"\necho finished',
      'exec gosu app somethingelse',
      'exec gosu app "$1"',
    ]) {
      expect(links(wrapped(wrapper))).toEqual([]);
    }
  });
});

describe("a script the image COPYs under another name is run by the name it has there (frappe/frappe_docker's main-entrypoint.sh)", () => {
  const nginxService = '  frontend:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';
  // frappe_docker's images/production/Containerfile: COPY resources/core/main-entrypoint.sh /usr/local/bin/entrypoint.sh.
  const frappe = (instructions: string, files: Record<string, string> = {}) => ({
    'compose.yaml': `services:\n  backend:\n    build:\n      context: .\n      dockerfile: images/production/Containerfile\n${nginxService}`,
    'images/production/Containerfile': `FROM python:3.12-slim-bookworm\nWORKDIR /home/frappe/frappe-bench\n${instructions}`,
    'resources/core/main-entrypoint.sh': '#!/bin/bash\nset -e\nexport GUNICORN_WORKERS=4\nexec "$@"\n',
    'resources/core/start.sh': '#!/bin/bash\nset -e\nexec gunicorn --bind=0.0.0.0:8000 --workers="$GUNICORN_WORKERS" frappe.app:application\n',
    'nginx/default.conf': keepaliveNginx('backend:8000'),
    ...files,
  });
  const linked = ['nginx/default.conf: backend:8000 -> gunicorn compose.yaml (compose-service)'];
  const gunicorns = (files: Record<string, string>) =>
    modelOf(files)
      .launches.filter((launch) => launch.program === 'gunicorn')
      .map((launch) => `${launch.kind} ${launch.argv.find((arg) => arg.value.startsWith('--workers'))?.value}`);

  test('ENTRYPOINT by its path in the image hands CMD start.sh (found on PATH) its exports: gunicorn serves backend:8000 in the backend container', () => {
    const files = frappe(
      'COPY resources/core/main-entrypoint.sh /usr/local/bin/entrypoint.sh\nCOPY resources/core/start.sh /usr/local/bin/start.sh\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\nCMD ["start.sh"]\n',
    );
    expect(links(files)).toEqual(linked);
    // The entrypoint exported GUNICORN_WORKERS=4 before exec "$@"; start.sh runs in the container, not on a host.
    expect(gunicorns(files)).toEqual(['compose --workers=4']);
  });

  test('a bare name on PATH, a relative path from WORKDIR, and start.sh itself COPYed under another name', () => {
    const onPath = frappe(
      'COPY resources/core/main-entrypoint.sh /usr/local/bin/docker-entrypoint\nCOPY resources/core/start.sh /usr/local/bin/run-backend\nENTRYPOINT ["docker-entrypoint"]\nCMD ["run-backend"]\n',
    );
    expect(links(onPath)).toEqual(linked);
    const fromWorkdir = frappe(
      'COPY resources/core/main-entrypoint.sh /home/frappe/frappe-bench/bin/entry\nCOPY resources/core/start.sh /usr/local/bin/start.sh\nENTRYPOINT ["bin/entry"]\nCMD ["start.sh"]\n',
    );
    expect(links(fromWorkdir)).toEqual(linked);
  });

  test('the file the image puts at that path is the program: a tree script of the same name elsewhere does not stand in for it', () => {
    // The image's entrypoint.sh only sets up and exits: start.sh never runs in the container.
    const files = frappe(
      'COPY resources/core/setup.sh /usr/local/bin/entrypoint.sh\nCOPY resources/core/start.sh /usr/local/bin/start.sh\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\nCMD ["start.sh"]\n',
      { 'resources/core/setup.sh': '#!/bin/bash\nset -e\necho "setting up"\n', 'docker/entrypoint.sh': '#!/bin/sh\nexec "$@"\n' },
    );
    expect(links(files)).toEqual([]);
    // Only start.sh read as a host's script, where nothing sets GUNICORN_WORKERS.
    expect(gunicorns(files)).toEqual(['shell --workers="$GUNICORN_WORKERS"']);
  });

  test("a path no COPY of the tree fills keeps the tree's script of that name (a COPY with a glob is not followed)", () => {
    const files = frappe(
      'COPY resources/core/*.sh /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/main-entrypoint.sh"]\nCMD ["gunicorn", "--bind=0.0.0.0:8000", "--workers=2", "frappe.app:application"]\n',
    );
    expect(links(files)).toEqual(linked);
  });

  test('a supervisord program behind a wrapper COPYed under another name (command=/usr/local/bin/wait.sh gunicorn …)', () => {
    const files = {
      'docker-compose.yml': `services:\n  web:\n    build: .\n${nginxService}`,
      Dockerfile:
        'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y supervisor\nCOPY supervisor/app.conf /etc/supervisor/conf.d/app.conf\nCOPY scripts/wait-for-db.sh /usr/local/bin/wait.sh\nCMD ["/usr/bin/supervisord"]\n',
      'supervisor/app.conf': '[supervisord]\nnodaemon=true\n\n[program:app]\ncommand=/usr/local/bin/wait.sh gunicorn app.wsgi --bind=0.0.0.0:8000\n',
      'scripts/wait-for-db.sh': '#!/bin/sh\nuntil nc -z db 5432; do sleep 1; done\nexec "$@"\n',
      'nginx/default.conf': keepaliveNginx('web:8000'),
    };
    expect(links(files)).toEqual(['nginx/default.conf: web:8000 -> gunicorn supervisor/app.conf (compose-service)']);
  });
});

describe('a Tomcat of the official image, with its stock server.xml', () => {
  // The canonical layout: nginx passes to the compose service that builds FROM tomcat and drops a WAR in.
  const tree = (dockerfile: string, service = '    build: ./app\n', extra: Record<string, string> = {}) => ({
    'docker-compose.yml': `services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n  backend:\n${service}`,
    'nginx/default.conf': keepaliveNginx('backend:8080'),
    'app/Dockerfile': dockerfile,
    'app/app.war': 'PK\n',
    ...extra,
  });
  const war = 'COPY app.war /usr/local/tomcat/webapps/ROOT.war\n';
  const linked = ['nginx/default.conf: backend:8080 -> tomcat app/Dockerfile (compose-service)'];
  // The same connector written out: what the image's conf/server.xml holds (apache/tomcat conf/server.xml).
  const stockServerXml =
    '<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1"\n               connectionTimeout="20000"\n               redirectPort="8443" />\n    <Engine name="Catalina" defaultHost="localhost"><Host name="localhost" appBase="webapps" /></Engine>\n  </Service>\n</Server>\n';

  test("the image's own command (catalina.sh run) serves 8080 with connectionTimeout 20000, versioned from the tag", () => {
    const files = tree(`FROM tomcat:10.1-jdk17\n${war}`);
    expect(links(files)).toEqual(linked);
    const [backend] = modelOf(files).backends;
    expect(backend.kind === 'tomcat' && backend.version.kind === 'known' && backend.version.text).toBe('tomcat:10.1-jdk17');
    const keepAlive = backend.listeners[0].keepAlive;
    expect(keepAlive.kind === 'idleTimeout' && [keepAlive.timeout.value, keepAlive.timeout.source.kind]).toEqual([20000, 'default']);
  });

  test('CMD catalina.sh run written out, the image through stages of the tree, or a compose image: the same server', () => {
    expect(links(tree(`FROM tomcat:10.1-jdk17\n${war}CMD ["catalina.sh", "run"]\n`))).toEqual(linked);
    expect(links(tree(`FROM tomcat:9.0-jdk11 AS base\nENV JAVA_OPTS=-Xmx1g\nFROM base\n${war}`))).toEqual(linked);
    const pulled = tree('', '    image: tomcat:11.0\n    volumes:\n      - ./app/app.war:/usr/local/tomcat/webapps/ROOT.war\n');
    expect(links(pulled)).toEqual(['nginx/default.conf: backend:8080 -> tomcat docker-compose.yml (compose-service)']);
    const command = tree('', '    image: tomcat:11.0\n    command: ["catalina.sh", "run"]\n');
    expect(links(command)).toEqual(['nginx/default.conf: backend:8080 -> tomcat docker-compose.yml (compose-service)']);
  });

  test('upstream rules judge the stock connector as they judge the same server.xml written out', () => {
    // Tomcat closes idle keep-alive connections after connectionTimeout, 20 s, before nginx's 60 s default.
    const stock = lint(tree(`FROM tomcat:10.1-jdk17\n${war}`));
    expect(serious(stock)).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
    expect(stock.find((finding) => finding.ruleId === 'upstream-keepalive-timeout')?.message).toContain("Tomcat's keepAliveTimeout 20s");
    const written = lint(
      tree(`FROM tomcat:10.1-jdk17\n${war}COPY server.xml /usr/local/tomcat/conf/server.xml\n`, undefined, { 'app/server.xml': stockServerXml }),
    );
    expect(serious(written)).toEqual(serious(stock));
  });

  test("a server.xml the tree places wins over the image's", () => {
    const own = stockServerXml.replace('8080', '9090');
    const copied = tree(`FROM tomcat:10.1-jdk17\n${war}COPY server.xml /usr/local/tomcat/conf/server.xml\n`, undefined, { 'app/server.xml': own });
    expect(links(copied)).toEqual([]);
    expect(modelOf(copied).backends.map((backend) => backend.file)).toEqual(['app/server.xml']);
    const mounted = tree('', '    image: tomcat:10.1\n    volumes:\n      - ./conf:/usr/local/tomcat/conf\n', { 'conf/server.xml': own });
    expect(links(mounted)).toEqual([]);
    // A named volume over conf/, or a Dockerfile that edits server.xml: the tree does not show what Tomcat reads.
    expect(links(tree('', '    image: tomcat:10.1\n    volumes:\n      - tomcat-conf:/usr/local/tomcat/conf\n'))).toEqual([]);
    expect(links(tree(`FROM tomcat:10.1\nRUN sed -i 's/8080/9090/' conf/server.xml\n`))).toEqual([]);
    expect(links(tree(`FROM tomcat:10.1\nCOPY users.xml $CATALINA_HOME/conf/\n`))).toEqual([]);
    // Another file of conf/, by its name, leaves the stock server.xml in place.
    expect(links(tree(`FROM tomcat:10.1-jdk17\nWORKDIR /usr/local/tomcat\n${war}COPY context.xml /usr/local/tomcat/conf/context.xml\n`))).toEqual(linked);
  });

  // kartoza/docker-geoserver's layout: the image's ENTRYPOINT is a script of the tree that ends in catalina.sh run.
  const started = (script: string, entrypoint = 'ENTRYPOINT ["/bin/bash", "/scripts/entrypoint.sh"]', extra: Record<string, string> = {}) =>
    tree(`FROM tomcat:9.0.91-jdk11-temurin-focal\n${war}ADD scripts /scripts\n${entrypoint}\n`, undefined, {
      'app/scripts/entrypoint.sh': `#!/bin/bash\n${script}`,
      ...extra,
    });

  test('a start script of the tree that ends in catalina.sh run runs the stock server.xml', () => {
    expect(links(started('exec /usr/local/tomcat/bin/catalina.sh run\n'))).toEqual(linked);
    expect(links(started('set -e\nmkdir -p /data\nexec catalina.sh run\n', 'ENTRYPOINT ["/scripts/entrypoint.sh"]'))).toEqual(linked);
    // Another file of conf/ by its name, or a comment, leaves the stock server.xml in place.
    expect(links(started('# keeps the stock server.xml\nsed -i "s/x/y/" /usr/local/tomcat/conf/context.xml\nexec catalina.sh run\n'))).toEqual(linked);
    const stock = lint(started('exec catalina.sh run\n'));
    expect(serious(stock)).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
    expect(stock.find((finding) => finding.ruleId === 'upstream-keepalive-timeout')?.message).toContain("Tomcat's keepAliveTimeout 20s");
  });

  test('a start script that ends in another command, or starts a second server, is not the stock Tomcat', () => {
    expect(links(started('exec catalina.sh jpda run\n'))).toEqual([]);
    expect(links(started('exec java -jar /app/app.jar\n'))).toEqual([]);
    expect(links(started('CATALINA_BASE=/srv/tomcat exec catalina.sh run\n'))).toEqual([]);
    expect(links(started('gunicorn app:app --bind 0.0.0.0:8000 &\nexec catalina.sh run\n'))).toEqual([]);
  });

  test('a start script that may rewrite server.xml leaves its settings unknown: no stock connector, no keep-alive judged', () => {
    // The repro of kartoza/docker-geoserver's start.sh: an `exec "$@"` entrypoint around the image's CMD.
    const wrapped = tree(
      'FROM tomcat:9.0.91-jdk11-temurin-focal\nCOPY scripts/entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["catalina.sh","run"]\n',
      undefined,
      {
        'app/scripts/entrypoint.sh':
          '#!/bin/bash\nxsltproc --output "${CATALINA_HOME}/conf/server.xml" /conf/tune.xsl "${CATALINA_HOME}/conf/server.xml"\nexec "$@"\n',
      },
    );
    expect(links(wrapped)).toEqual([]);
    expect(serious(lint(wrapped))).toEqual([]);
    // The same entrypoint that leaves server.xml alone keeps the stock server.
    const plain = { ...wrapped, 'app/scripts/entrypoint.sh': '#!/bin/bash\nmkdir -p /data\nexec "$@"\n' };
    expect(links(plain)).toEqual(linked);
    // In the followed script, in a script it runs, or in one it sources.
    expect(links(started("sed -i 's/8080/9090/' /usr/local/tomcat/conf/server.xml\nexec catalina.sh run\n"))).toEqual([]);
    const startSh = { 'app/scripts/start.sh': '#!/bin/bash\ncp -f /extra/server.xml "${CATALINA_HOME}"/conf/\n' };
    expect(links(started('/bin/bash /scripts/start.sh\nexec catalina.sh run\n', undefined, startSh))).toEqual([]);
    const functions = { 'app/scripts/functions.sh': 'render() {\n  envsubst < /tpl/server.xml.tpl > /usr/local/tomcat/conf/server.xml\n}\n' };
    expect(links(started('source /scripts/functions.sh\nrender\nexec catalina.sh run\n', undefined, functions))).toEqual([]);
  });

  test('another image, another command, another CATALINA_BASE or an older stock server.xml is not modelled', () => {
    // Images built on Tomcat with their own configuration and start-up.
    expect(links(tree(`FROM openmrs/openmrs-core:2.6.0\n${war}`))).toEqual([]);
    expect(links(tree(`FROM bitnami/tomcat:10.1\n${war}`))).toEqual([]);
    expect(links(tree(`FROM tomcat:10.1-jdk17\n${war}CMD ["/opt/start.sh"]\n`))).toEqual([]);
    expect(links(tree(`FROM tomcat:10.1-jdk17\n${war}`, '    build: ./app\n    command: catalina.sh jpda run\n'))).toEqual([]);
    expect(links(tree(`FROM tomcat:10.1-jdk17\nENV CATALINA_BASE=/srv/tomcat\n${war}`))).toEqual([]);
    // Before 9.0.31 the stock server.xml also had a live AJP connector on 8009: not the one modelled.
    expect(links(tree(`FROM tomcat:8.5\n${war}`))).toEqual([]);
    expect(links(tree(`FROM tomcat:9.0.30\n${war}`))).toEqual([]);
  });
});

describe('compose bind mounts written with variables, and the templates the nginx image renders from them (bookwyrm-social/bookwyrm)', () => {
  // Compose interpolates a volume entry before splitting it (compose-spec 12-interpolation.md):
  // `${NAME:-default}` (unset or empty) and `${NAME-default}` (unset) give the default where
  // neither the shell nor .env sets the name. The template is then rendered by the nginx image
  // with BACKEND, so only a placed template links to gunicorn; unplaced, `${BACKEND}` stays unknown.
  const web = '  web:\n    image: python:3.12\n    command: gunicorn app.wsgi --bind 0.0.0.0:8000\n';
  const templated = (volume: string) => ({
    'docker-compose.yml': `services:\n  nginx:\n    image: nginx:1.27\n    environment:\n      BACKEND: web:8000\n    volumes:\n${volume}${web}`,
    'nginx/site.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://${BACKEND};\n    }\n}\n',
  });
  const linked = ['nginx/site.conf: web:8000 -> gunicorn docker-compose.yml (compose-service)'];
  const listed = (tree: Record<string, string>, file: string) =>
    readTree({ paths: ['.'], cwd: writeTree(tree), config: {} }).fileList.find((entry) => entry.file === file)?.reason;

  test('a variable with a default names the file the container gets, in the short and the long syntax', () => {
    const target = '/etc/nginx/templates/default.conf.template';
    expect(links(templated(`      - ./nginx/\${NGINX_SETUP:-site}.conf:${target}\n`))).toEqual(linked);
    expect(links(templated(`      - ./nginx/\${NGINX_SETUP-site}.conf:${target}:ro\n`))).toEqual(linked);
    expect(links(templated(`      - type: bind\n        source: ./nginx/\${NGINX_SETUP:-site}.conf\n        target: ${target}\n`))).toEqual(linked);
    expect(listed(templated(`      - ./nginx/\${NGINX_SETUP:-site}.conf:${target}\n`), 'nginx/site.conf')).toMatch(
      /mounted to \/etc\/nginx\/templates\/default\.conf\.template/,
    );
  });

  test('a variable without a default, a required one, or a default naming no file of the tree places nothing', () => {
    const target = '/etc/nginx/templates/default.conf.template';
    for (const source of ['${NGINX_SETUP}', '$NGINX_SETUP', '${NGINX_SETUP:?set it}', '${NGINX_SETUP:-other}']) {
      const tree = templated(`      - ./nginx/${source}.conf:${target}\n`);
      expect(links(tree)).toEqual([]);
      expect(listed(tree, 'nginx/site.conf')).not.toMatch(/mounted/);
    }
  });

  // bookwyrm's docker-compose.yml: the nginx service renders the site and server_config templates
  // into /etc/nginx/conf.d and mounts ./nginx/locations there; the web service mounts the whole
  // project at /app, so the alternative site (reverse_proxy.conf, chosen with NGINX_SETUP) is in web's
  // container only. The rendered files are in nginx's container alone: they are not what the
  // include of a file of web's container finds, and the mount beside them is what nginx's own read.
  const bookwyrm = {
    'docker-compose.yml': [
      'services:',
      '  nginx:',
      '    image: nginx:1.27',
      '    volumes:',
      '      - ./nginx/${NGINX_SETUP:-https}.conf:/etc/nginx/templates/default.conf.template',
      '      - ./nginx/server_config:/etc/nginx/templates/server_config.template',
      '      - ./nginx/locations:/etc/nginx/conf.d/locations',
      '  web:',
      '    build: .',
      '    command: gunicorn bookwyrm.wsgi:application --bind 0.0.0.0:8000',
      '    volumes:',
      '      - .:/app',
      '',
    ].join('\n'),
    Dockerfile: 'FROM python:3.12\nWORKDIR /app\n',
    'nginx/https.conf': 'include /etc/nginx/conf.d/server_config;\nserver {\n    listen 80;\n    include /etc/nginx/conf.d/locations;\n}\n',
    'nginx/reverse_proxy.conf': 'include /etc/nginx/conf.d/server_config;\nserver {\n    listen 8080;\n    include /etc/nginx/conf.d/locations;\n}\n',
    'nginx/server_config': 'upstream web {\n    server web:8000;\n}\n',
    'nginx/locations': 'location / {\n    proxy_pass http://web;\n}\n',
  };

  test('the locations mounted beside the rendered files are what both sites include, in their servers', () => {
    expect(
      lint(bookwyrm)
        .filter((finding) => finding.ruleId === 'include-missing')
        .map(at),
    ).toEqual([]);
    expect(listed(bookwyrm, 'nginx/locations')).toMatch(/included from nginx\/reverse_proxy\.conf/);
    // Each site's server passes to the upstream its server_config declares; gunicorn web serves it.
    const passes = modelOf(bookwyrm).nginx.passes.map((pass) => {
      const listen = pass.location.enclosing('server')?.own('listen')[0]?.directive.args[0].value;
      return `listen ${listen}: ${pass.target.kind === 'group' ? pass.target.group.name : pass.target.kind}`;
    });
    expect(passes.sort()).toEqual(['listen 80: web', 'listen 8080: web'].sort());
    expect(links(bookwyrm)).toEqual(['nginx/server_config: web:8000 -> gunicorn docker-compose.yml (compose-service)']);
  });
});

describe('make targets', () => {
  // GNU make runs the target's recipe lines in a shell each: gunicorn there is a launch like any other.
  const nginx = { 'nginx/site.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n' };
  const supervisor = (target: string) => ({ 'deploy/supervisord.conf': `[program:web]\ncommand = make ${target}\n` });
  const makefile = {
    Makefile:
      'BIND := 127.0.0.1:8000\n\nrun: check\n\t@echo starting\n\t-gunicorn --bind $(BIND) app.wsgi\n\ncheck:\n\tpython -m compileall app\n\ntest:\n\tpytest\n',
  };

  test('`make run` whose recipe runs gunicorn links it, with the bind from a variable of the Makefile', () => {
    expect(links({ ...nginx, ...makefile, ...supervisor('run') })).toEqual([
      'nginx/site.conf: 127.0.0.1:8000 -> gunicorn deploy/supervisord.conf (same-address)',
    ]);
  });

  test('`make test` starts no server: nothing to link, and make is no longer a server of unknown address', () => {
    expect(links({ ...nginx, ...makefile, ...supervisor('test') })).toEqual([]);
    expect(modelOf({ ...nginx, ...makefile, ...supervisor('test') }).launches.map((launch) => launch.program)).toEqual([]);
  });

  test('in a container: the Makefile the image copies to its working directory', () => {
    const dockerfile = { Dockerfile: 'FROM python:3.12\nWORKDIR /srv\nCOPY . /srv\nCMD ["make", "run"]\n' };
    expect(links({ ...nginx, ...makefile, ...dockerfile })).toEqual(['nginx/site.conf: 127.0.0.1:8000 -> gunicorn Dockerfile (same-address)']);
    // Copied elsewhere, make finds no Makefile where it runs: no link.
    expect(links({ ...nginx, ...makefile, Dockerfile: dockerfile.Dockerfile.replace('COPY . /srv', 'COPY . /opt/app') })).toEqual([]);
  });
});

/**
 * A host nginx in front of a compose port the stack publishes is a real layout; but when the
 * launch that starts nginx on the host (a PaaS Procfile's start script) also starts the server on
 * that loopback port, the port is that process's: a compose service publishing the same host port
 * is another way to run the app (a development stack) and could not bind it beside it.
 */
describe("a host nginx's loopback port served by the script that starts nginx, not by a compose port published there", () => {
  const tree = (script?: string) => ({
    Procfile: 'web: bin/start.sh\n',
    ...(script === undefined ? {} : { 'bin/start.sh': `#!/bin/bash\n${script}nginx -c $PWD/deploy/nginx.conf -g "daemon off;"\n` }),
    'compose.yml': [
      'services:',
      '  dev:',
      '    image: python:3.12',
      '    command: ["gunicorn", "-b", "0.0.0.0:4444", "app:app"]',
      '    ports:',
      '      - "4444:4444"',
      '',
    ].join('\n'),
    'deploy/nginx.conf':
      'events {}\nhttp {\n    server {\n        listen 8080;\n        location / {\n            proxy_pass http://localhost:4444;\n        }\n    }\n}\n',
  });

  test('the script starts nginx and uvicorn --port 4444: linked to uvicorn only', () => {
    expect(links(tree('uvicorn app:app --port 4444 &\n'))).toEqual(['deploy/nginx.conf: localhost:4444 -> uvicorn bin/start.sh (same-address)']);
  });

  test('guards: nginx run by no launch of the tree, or a script whose server is on another port: the published port links, as before', () => {
    const published = ['deploy/nginx.conf: localhost:4444 -> gunicorn compose.yml (same-address)'];
    expect(links(tree())).toEqual(published);
    const elsewhere = links(tree('uvicorn app:app --port 5000 &\n'));
    expect(elsewhere).toEqual(published);
  });

  test("the graph: an unmodelled compose service publishing the port is no 'may be served by' when the script's daphne serves it", () => {
    const graphOf = (files: Record<string, string>) => {
      const dir = writeTree(files);
      const result = lintSync({ paths: [dir], cwd: dir, config: {} });
      return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
    };
    const yarn = (script?: string) => {
      const files = tree(script);
      files['compose.yml'] = files['compose.yml'].replace('["gunicorn", "-b", "0.0.0.0:4444", "app:app"]', '["yarn", "dev"]');
      return files;
    };
    const served = graphOf(yarn('daphne -p 4444 app.asgi:application &\n'));
    expect(served).toContain('may be served by daphne');
    expect(served).not.toContain('may be served by yarn');
    // Run by no launch: yarn's published port may be it.
    expect(graphOf(yarn())).toContain('may be served by yarn');
  });
});

describe("nginx in a Kubernetes pod reaches on loopback its own pod's containers only (ietf-tools/datatracker's k8s/)", () => {
  /** A Deployment whose `nginx` container mounts the ConfigMap `files` at conf.d/default.conf, beside `app`. */
  const deployment = (app: string, { hostNetwork = false } = {}) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      ...(hostNetwork ? ['      hostNetwork: true'] : []),
      '      containers:',
      '        - name: app',
      ...app.split('\n').map((line) => `          ${line}`),
      '        - name: nginx',
      '          image: nginx:1.27',
      '          volumeMounts:',
      '            - {name: cfg, mountPath: /etc/nginx/conf.d/default.conf, subPath: nginx-web.conf}',
      '      volumes:',
      '        - {name: cfg, configMap: {name: files}}',
      '',
    ].join('\n');
  const kustomization = 'configMapGenerator:\n  - name: files\n    files:\n      - nginx-web.conf\nresources:\n  - app.yaml\n';
  // gunicorn kills a request after --timeout seconds (config.py Timeout): 30 s under nginx's 120 s.
  const nginx = 'server {\n    listen 8080;\n    location / {\n        proxy_pass http://localhost:8000;\n        proxy_read_timeout 120;\n    }\n}\n';
  const looseGunicorn = '#!/bin/bash\nexec gunicorn --bind 0.0.0.0:8000 --timeout 30 app.wsgi\n';
  const unknownImage = 'image: ghcr.io/example/web:1.0';
  const gunicornCommand = (port: number) => `image: ghcr.io/example/web:1.0\ncommand: ["gunicorn", "--bind", "0.0.0.0:${port}", "--timeout", "30", "app.wsgi"]`;
  const tree = (app: string, files: Record<string, string> = {}, options: { hostNetwork?: boolean } = {}) => ({
    'k8s/app.yaml': deployment(app, options),
    'k8s/kustomization.yaml': kustomization,
    'k8s/nginx-web.conf': nginx,
    'dev/preview/start.sh': looseGunicorn,
    ...files,
  });

  test("a preview script that never runs in the pod is not linked, and nothing is judged against it (the tester's variant B)", () => {
    expect(links(tree(unknownImage))).toEqual([]);
    // The app container's image is not built in the tree: what listens on 8000 is unknown, so no upstream-unreachable either.
    expect(serious(lint(tree(unknownImage)))).toEqual([]);
  });

  test("the manage.py runserver of that script is not shown as what may serve the pod's loopback port", () => {
    const graph = renderGraph(modelOf(tree(unknownImage, { 'dev/preview/start.sh': '#!/bin/bash\n./manage.py runserver 0.0.0.0:8000\n' })), [], [], 'mermaid');
    expect(graph).not.toContain('may be served by');
  });

  test("the pod's own container that runs gunicorn (its command in the manifest) is linked and judged", () => {
    expect(links(tree(gunicornCommand(8000)))).toEqual(['k8s/nginx-web.conf: localhost:8000 -> gunicorn k8s/app.yaml (same-address)']);
    expect(serious(lint(tree(gunicornCommand(8000))))).toEqual(['proxy-read-timeout-backend k8s/nginx-web.conf:5']);
  });

  test('every container of the pod known and none on the port: upstream-unreachable names what the pod runs, not the script outside it', () => {
    const findings = lint(tree(gunicornCommand(9000)));
    expect(serious(findings)).toEqual(['upstream-unreachable k8s/nginx-web.conf:4']);
    expect(findings.find((f) => f.ruleId === 'upstream-unreachable')!.message).toContain('0.0.0.0:9000');
    expect(findings.find((f) => f.ruleId === 'upstream-unreachable')!.message).not.toContain('start.sh');
  });

  test('the ConfigMap written in the manifest (data: default.conf: |) places nginx in the pod the same way', () => {
    const manifest = (app: string) =>
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: files}',
        'data:',
        '  nginx-web.conf: |',
        ...nginx
          .trimEnd()
          .split('\n')
          .map((line) => `    ${line}`),
        '---',
        deployment(app),
      ].join('\n');
    expect(links({ 'k8s/app.yaml': manifest(unknownImage), 'dev/preview/start.sh': looseGunicorn })).toEqual([]);
    expect(links({ 'k8s/app.yaml': manifest(gunicornCommand(8000)), 'dev/preview/start.sh': looseGunicorn })).toEqual([
      'k8s/app.yaml: localhost:8000 -> gunicorn k8s/app.yaml (same-address)',
    ]);
  });

  test("a container that runs, without a command, the image a workflow of the tree builds runs that Dockerfile's command", () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  publish:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: docker/build-push-action@v5',
      '        with:',
      '          context: .',
      '          file: ./docker/Dockerfile',
      '          tags: ghcr.io/example/web:1.0',
      '',
    ].join('\n');
    const image = { 'docker/Dockerfile': 'FROM python:3.12\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "--timeout", "30", "app.wsgi"]\n' };
    expect(links(tree(unknownImage, { ...image, '.github/workflows/publish.yml': workflow }))).toEqual([
      'k8s/nginx-web.conf: localhost:8000 -> gunicorn docker/Dockerfile (same-address)',
    ]);
    // A tag the manifest leaves to a variable may be the one the workflow writes.
    expect(links(tree('image: ghcr.io/example/web:$TAG', { ...image, '.github/workflows/publish.yml': workflow }))).toHaveLength(1);
    // Another image: the Dockerfile is not what the pod runs.
    expect(links(tree('image: ghcr.io/example/other:1.0', { ...image, '.github/workflows/publish.yml': workflow }))).toEqual([]);
  });

  test("a pod on the node's network (hostNetwork) shares the host's loopback, as before", () => {
    expect(links(tree(unknownImage, {}, { hostNetwork: true }))).toEqual([
      'k8s/nginx-web.conf: localhost:8000 -> gunicorn dev/preview/start.sh (same-address)',
    ]);
  });

  test('a host nginx to localhost still reaches a host gunicorn beside a pod of the tree', () => {
    const host = { 'vm/nginx/app.conf': nginx, 'vm/gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 30\n' };
    expect(links({ ...tree(unknownImage), ...host })).toContain('vm/nginx/app.conf: localhost:8000 -> gunicorn vm/gunicorn.conf.py (same-address)');
  });
});

/**
 * Docker gives each container a network namespace of its own: nginx's `localhost` there is its
 * own container's, shared only through `network_mode: service:x`, or the host's with
 * `network_mode: host`. Flagsmith's docker-compose.uffizzi.yml runs nginx:alpine with its config
 * mounted and `proxy_pass http://localhost:8000`; api/scripts/run-docker-dev.sh, which no container
 * runs, starts the dev server on 0.0.0.0:8000 on whatever machine runs it.
 */
describe("nginx in a compose container reaches on loopback its own container only (Flagsmith's docker-compose.uffizzi.yml)", () => {
  const nginxService = (extra = '') => `  nginx:\n    image: nginx:alpine\n${extra}    volumes:\n      - ./nginx:/etc/nginx\n`;
  const api = (extra = '') => `  api:\n    image: example/api:latest\n${extra}    ports:\n      - 8000:8000\n`;
  // gunicorn kills a request after `timeout` seconds, 30 by default (gunicorn/config.py Timeout): under nginx's 300 s.
  const nginxConf =
    'events {}\nhttp {\n  server {\n    listen 8081;\n    location / {\n      proxy_pass http://localhost:8000;\n      proxy_read_timeout 300s;\n    }\n  }\n}\n';
  const hostScript = '#!/bin/bash\ngunicorn -b 0.0.0.0:8000 app.wsgi\n';
  const tree = (compose: string, files: Record<string, string> = { 'api/scripts/run-dev.sh': hostScript }) => ({
    'docker-compose.yml': `services:\n${compose}`,
    'nginx/nginx.conf': nginxConf,
    ...files,
  });
  const hostLinked = ['nginx/nginx.conf: localhost:8000 -> gunicorn api/scripts/run-dev.sh (same-address)'];
  const timeout = ['proxy-read-timeout-backend nginx/nginx.conf:7'];
  const graphOf = (files: Record<string, string>) => {
    const dir = writeTree(files);
    const result = lintSync({ paths: [dir], cwd: dir, config: {} });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };

  test("a host script's gunicorn is not on the nginx container's loopback: no link, no finding (the tester's repro)", () => {
    const repro = tree(nginxService() + api());
    expect(links(repro)).toEqual([]);
    // Nothing the tree starts runs in nginx's container: upstream-unreachable has nothing to name either.
    expect(serious(lint(repro))).toEqual([]);
  });

  test("nor is that script's manage.py runserver shown as what may serve the container's port", () => {
    const graph = graphOf(tree(nginxService() + api(), { 'api/scripts/run-dev.sh': '#!/bin/bash\npython manage.py runserver 0.0.0.0:8000\n' }));
    expect(graph).not.toContain('may be served by');
  });

  test("nginx's own container command, a script that starts gunicorn too: linked on localhost to that gunicorn and judged", () => {
    const command = '    command: ["/srv/start.sh"]\n    volumes:\n      - ./start.sh:/srv/start.sh\n';
    const allInOne = tree(nginxService(command).replace('    volumes:\n      - ./nginx', '      - ./nginx'), {
      'start.sh': '#!/bin/sh\ngunicorn -b 127.0.0.1:8000 app.wsgi &\nexec nginx -g "daemon off;"\n',
      // Closer to nginx.conf than the container's gunicorn, and still not on its loopback.
      'nginx/run-dev.sh': hostScript,
    });
    expect(links(allInOne)).toEqual(['nginx/nginx.conf: localhost:8000 -> gunicorn docker-compose.yml (same-address)']);
    expect(serious(lint(allInOne))).toEqual(timeout);
  });

  test('one image whose supervisord runs nginx and gunicorn: linked to that gunicorn, not to the host script', () => {
    const supervisor =
      '[supervisord]\nnodaemon=true\n\n[program:app]\ncommand=gunicorn app.wsgi --bind=127.0.0.1:8000\n\n[program:nginx]\ncommand=/usr/sbin/nginx -g "daemon off;"\n';
    const files = {
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    ports:\n      - "80:8081"\n',
      Dockerfile:
        'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y nginx supervisor\nCOPY nginx/nginx.conf /etc/nginx/nginx.conf\nCOPY supervisor/app.conf /etc/supervisor/conf.d/app.conf\nCMD ["/usr/bin/supervisord"]\n',
      'supervisor/app.conf': supervisor,
      'nginx/nginx.conf': nginxConf,
      'nginx/run-dev.sh': hostScript,
    };
    expect(links(files)).toEqual(['nginx/nginx.conf: localhost:8000 -> gunicorn supervisor/app.conf (same-address)']);
    expect(serious(lint(files))).toEqual(timeout);
  });

  test("network_mode: host puts nginx on the host's loopback: the host script's gunicorn, or a port a service publishes", () => {
    const hostNetwork = tree(nginxService('    network_mode: host\n') + api());
    expect(links(hostNetwork)).toEqual(hostLinked);
    expect(serious(lint(hostNetwork))).toEqual(timeout);
    // The api service's own gunicorn, published on host port 8000, with no script beside it.
    const published = tree(nginxService('    network_mode: host\n') + api('    command: gunicorn -b 0.0.0.0:8000 app.wsgi\n'), {});
    expect(links(published)).toEqual(['nginx/nginx.conf: localhost:8000 -> gunicorn docker-compose.yml (same-address)']);
    // The script's runserver is on that loopback too.
    const graph = graphOf(
      tree(nginxService('    network_mode: host\n') + api(), { 'api/scripts/run-dev.sh': '#!/bin/bash\npython manage.py runserver 0.0.0.0:8000\n' }),
    );
    expect(graph).toContain('may be served by python');
  });

  test('network_mode: "service:app" shares app\'s loopback: its gunicorn, not the host script\'s', () => {
    const app = '  app:\n    image: python:3.12\n    command: gunicorn -b 127.0.0.1:8000 app.wsgi\n';
    const shared = tree(nginxService('    network_mode: "service:app"\n') + app, { 'nginx/run-dev.sh': hostScript });
    expect(links(shared)).toEqual(['nginx/nginx.conf: localhost:8000 -> gunicorn docker-compose.yml (same-address)']);
    expect(serious(lint(shared))).toEqual(timeout);
    // network_mode: "container:x" names a container the tree need not start: where nginx's loopback is stays open, as before.
    expect(links(tree(nginxService('    network_mode: "container:flagsmith_api"\n') + api()))).toEqual(hostLinked);
  });

  test("a host nginx still reaches the host script's gunicorn: no compose service runs the config, or a systemd unit runs it too", () => {
    const noContainer = tree(api());
    expect(links(noContainer)).toEqual(hostLinked);
    expect(serious(lint(noContainer))).toEqual(timeout);
    const unit = '[Unit]\nDescription=nginx\n\n[Service]\nExecStart=/usr/sbin/nginx -c /etc/nginx/nginx.conf -g "daemon off;"\n';
    const alsoOnHost = tree(nginxService() + api(), { 'api/scripts/run-dev.sh': hostScript, 'deploy/nginx.service': unit });
    expect(links(alsoOnHost)).toEqual(hostLinked);
  });
});

describe('a file COPY puts into a directory the image holds, written without the trailing slash (the official Ghost image)', () => {
  // BuildKit copies a file into an existing directory named as the destination (fsutil copy.go
  // prepareTargetDir), and writes it as that path where nothing is there.
  const tree = (dockerfile: string[]) => ({
    'docker-compose.yml':
      'services:\n  app:\n    build: .\n  proxy:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n',
    'nginx/nginx.conf':
      'events {}\nhttp {\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://app:8000;\n      proxy_read_timeout 120s;\n    }\n  }\n}\n',
    'docker-entrypoint.sh': '#!/bin/sh\nset -e\nexec gunicorn app.wsgi:application --bind 0.0.0.0:8000 --timeout 30\n',
    'start.sh': '#!/bin/sh\nexec gunicorn app.wsgi:application --bind 0.0.0.0:8000 --timeout 30\n',
    Dockerfile: [...dockerfile, ''].join('\n'),
  });
  // The launch is the compose service's, whichever script starts gunicorn.
  const linked = ['nginx/nginx.conf: app:8000 -> gunicorn docker-compose.yml (compose-service)'];
  // gunicorn --timeout 30 kills the request nginx still waits 120 s for.
  const timeout = ['proxy-read-timeout-backend nginx/nginx.conf:7'];

  test('/usr/local/bin, which every distribution the official python image is built on holds: the ENTRYPOINT on PATH is the script', () => {
    const withoutSlash = tree(['FROM python:3.12-slim', 'COPY docker-entrypoint.sh /usr/local/bin', 'ENTRYPOINT ["docker-entrypoint.sh"]']);
    expect(links(withoutSlash)).toEqual(linked);
    expect(serious(lint(withoutSlash))).toEqual(timeout);
    // ADD places a local file the same way (BuildKit's dispatchCopy serves both).
    expect(links(tree(['FROM python:3.12-slim', 'ADD docker-entrypoint.sh /usr/local/bin', 'ENTRYPOINT ["docker-entrypoint.sh"]']))).toEqual(linked);
    // The slash says the same.
    const withSlash = tree(['FROM python:3.12-slim', 'COPY docker-entrypoint.sh /usr/local/bin/', 'ENTRYPOINT ["docker-entrypoint.sh"]']);
    expect(links(withSlash)).toEqual(linked);
    expect(serious(lint(withSlash))).toEqual(timeout);
  });

  test('a directory the Dockerfile makes first: WORKDIR, RUN mkdir -p, an earlier COPY into it, or the stage it is built on', () => {
    expect(links(tree(['FROM python:3.12-slim', 'WORKDIR /srv/app', 'COPY start.sh /srv/app', 'CMD ["./start.sh"]']))).toEqual(linked);
    // An image the tree does not name: only the Dockerfile's own directories are certain.
    expect(
      links(
        tree([
          'FROM myorg/python-base:1',
          'RUN mkdir -p /opt/app/bin && chmod 755 /opt/app',
          'COPY start.sh /opt/app/bin',
          'ENTRYPOINT ["/opt/app/bin/start.sh"]',
        ]),
      ),
    ).toEqual(linked);
    expect(
      links(
        tree(['FROM myorg/python-base:1', 'COPY docker-entrypoint.sh /opt/app/bin/', 'COPY start.sh /opt/app/bin', 'ENTRYPOINT ["/opt/app/bin/start.sh"]']),
      ),
    ).toEqual(linked);
    expect(
      links(
        tree([
          'FROM myorg/python-base:1 AS base',
          'RUN mkdir -p /opt/app/bin',
          'FROM base',
          'COPY start.sh /opt/app/bin',
          'ENTRYPOINT ["/opt/app/bin/start.sh"]',
        ]),
      ),
    ).toEqual(linked);
  });

  test('an image the tree does not name may hold /usr/local/bin: the script is looked for in it and as that path', () => {
    expect(links(tree(['FROM myorg/python-base:1', 'COPY docker-entrypoint.sh /usr/local/bin', 'ENTRYPOINT ["docker-entrypoint.sh"]']))).toEqual(linked);
  });

  test('where nothing is there, the file is written as the path: no script runs, nothing links', () => {
    // scratch holds no directory; `--link` copies onto an empty layer (BuildKit's dispatchCopy);
    // a directory no instruction makes, in an image the tree does not name, is not assumed.
    for (const dockerfile of [
      ['FROM scratch', 'COPY docker-entrypoint.sh /usr/local/bin', 'ENTRYPOINT ["docker-entrypoint.sh"]'],
      ['FROM python:3.12-slim', 'COPY --link docker-entrypoint.sh /usr/local/bin', 'ENTRYPOINT ["docker-entrypoint.sh"]'],
      ['FROM python:3.12-slim', 'COPY start.sh /opt/app/bin', 'ENTRYPOINT ["/opt/app/bin/start.sh"]'],
      ['FROM myorg/python-base:1', 'RUN test -d /opt/app/bin || mkdir -p /opt/app/bin', 'COPY start.sh /opt/app/bin', 'ENTRYPOINT ["/opt/app/bin/start.sh"]'],
    ])
      expect(links(tree(dockerfile))).toEqual([]);
  });
});
