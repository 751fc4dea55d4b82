/**
 * supervisord's programs as launches, read from trees on disk: on a host, and in the container
 * that runs supervisord with its config copied in (mediacms, all-in-one images).
 */
import { lintSync } from '../../../src/engine/run';
import { linkDeployment } from '../../../src/model/links';
import { readDiskTree, writeTree } from '../../disk-tree';

const modelOf = (tree: Record<string, string>) => readDiskTree(tree).model;

/** `target file: address -> backend kind name (reason)` for every link. */
function links(tree: Record<string, string>): string[] {
  return linkDeployment(modelOf(tree)).map((l) => `${l.target.span.file}: ${l.target.address.text} -> ${l.backend.kind} ${l.backend.name} (${l.reason})`);
}

function serious(tree: Record<string, string>): string[] {
  const dir = writeTree(tree);
  return lintSync({ paths: [dir], cwd: dir, config: {} })
    .report.findings.filter((f) => f.severity !== 'info')
    .map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`);
}

/** nginx on the same machine, sending / to `address` with upstream keep-alive on (HTTP/1.1, no Connection: close). */
const nginx = (address: string) =>
  `upstream app {\n    server ${address};\n    keepalive 8;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n`;

describe('on a host', () => {
  const program = (extra = '') =>
    `[program:web]\ncommand=/srv/venv/bin/gunicorn app.wsgi --bind=127.0.0.1:9000 --worker-class=gthread ; the app\ndirectory=/srv/app\nuser=www-data\n${extra}`;

  test('a [program:…] that runs gunicorn is a launch: nginx on the same host links to it, and its keep-alive is judged', () => {
    const tree = { 'nginx/site.conf': nginx('127.0.0.1:9000'), 'supervisor/conf.d/web.conf': program() };
    expect(links(tree)).toEqual(['nginx/site.conf: 127.0.0.1:9000 -> gunicorn web (same-address)']);
    const [launch] = modelOf(tree).launches.filter((l) => l.kind === 'supervisord');
    expect([launch.program, launch.service, launch.workingDirectory?.value, launch.user?.value, launch.stopSignal.value]).toEqual([
      'gunicorn',
      'web',
      '/srv/app',
      'www-data',
      'SIGTERM',
    ]);
    // The inline comment is not part of the command.
    expect(launch.argv.map((arg) => arg.value)).toEqual(['/srv/venv/bin/gunicorn', 'app.wsgi', '--bind=127.0.0.1:9000', '--worker-class=gthread']);
    expect(serious(tree)).toEqual(['upstream-keepalive-timeout nginx/site.conf:3']);
  });

  test('environment=, continuation lines, and a program that does not start', () => {
    const tree = {
      'supervisord.conf':
        '[supervisord]\nnodaemon=true\n\n[program:api]\ncommand=uvicorn main:app\n  --host 127.0.0.1 --port 8001\nenvironment=PYTHONPATH="/srv",MODE=prod\n\n[program:spare]\ncommand=gunicorn spare:app\nautostart=false\n',
    };
    const launches = modelOf(tree).launches.filter((l) => l.kind === 'supervisord');
    expect(launches.map((l) => `${l.service} ${l.argv.map((a) => a.value).join(' ')}`)).toEqual(['api uvicorn main:app --host 127.0.0.1 --port 8001']);
    expect([launches[0].env.get('PYTHONPATH')?.value, launches[0].env.get('MODE')?.value]).toEqual(['/srv', 'prod']);
  });

  test("supervisord's own expansions are not known: no link on a guess", () => {
    const tree = { 'nginx/site.conf': nginx('127.0.0.1:9000'), 'conf.d/web.conf': '[program:web]\ncommand=gunicorn app:app --bind=127.0.0.1:%(ENV_PORT)s\n' };
    expect(links(tree)).toEqual([]);
  });

  test("uWSGI 2.0 under supervisord: SIGTERM reloads it, and the message names supervisord's stopsignal", () => {
    const uwsgi = (extra: string) => ({ 'conf.d/app.conf': `[program:app]\ncommand=uwsgi --master --http-socket 127.0.0.1:8000 --module app.wsgi\n${extra}` });
    const dir = writeTree(uwsgi(''));
    const findings = lintSync({ paths: [dir], cwd: dir, config: {} }).report.findings.filter((f) => f.ruleId === 'uwsgi-sigterm-reload');
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('supervisord')]);
    expect(findings[0].help).toContain('stopsignal=QUIT');
    expect(serious(uwsgi('stopsignal=QUIT\n'))).toEqual([]);
  });
});

describe('in a container that runs supervisord', () => {
  const image = {
    Dockerfile:
      'FROM python:3.12\nCOPY deploy/nginx.conf /etc/nginx/conf.d/default.conf\nCOPY deploy/supervisor /etc/supervisor/conf.d\nCOPY deploy/start.sh /start.sh\nCMD ["/start.sh"]\n',
    'deploy/nginx.conf': nginx('127.0.0.1:9000'),
    'deploy/supervisor/gunicorn.conf': '[program:gunicorn]\ncommand=gunicorn cms.wsgi --bind=127.0.0.1:9000 --worker-class=gthread\n',
    'deploy/start.sh': '#!/bin/sh\npython manage.py migrate\nexec /usr/bin/supervisord -n\n',
  };

  test('its programs run in that container: nginx copied into the same image links over loopback', () => {
    expect(links(image)).toEqual(['deploy/nginx.conf: 127.0.0.1:9000 -> gunicorn gunicorn (same-address)']);
    const [launch] = modelOf(image).launches.filter((l) => l.kind === 'supervisord');
    expect(launch.container).toBeDefined();
    expect(launch.mounts?.length).toBeGreaterThan(0);
  });

  test("as a compose service, the program answers to the service's name, with the service's environment", () => {
    const tree = {
      'docker-compose.yml':
        'services:\n  web:\n    build: .\n    environment:\n      DJANGO_SETTINGS_MODULE: cms.settings\n  proxy:\n    image: nginx:1.27\n    volumes:\n      - ./proxy/nginx.conf:/etc/nginx/conf.d/default.conf\n',
      Dockerfile: 'FROM python:3.12\nCOPY supervisord.conf /etc/supervisor/supervisord.conf\nCMD ["supervisord", "-c", "/etc/supervisor/supervisord.conf"]\n',
      'supervisord.conf': '[supervisord]\nnodaemon=true\n[program:app]\ncommand=gunicorn cms.wsgi --bind=0.0.0.0:8000 --worker-class=gthread\n',
      'proxy/nginx.conf': nginx('web:8000'),
    };
    expect(links(tree)).toEqual(['proxy/nginx.conf: web:8000 -> gunicorn web (compose-service)']);
    const [launch] = modelOf(tree).launches.filter((l) => l.kind === 'supervisord');
    expect(launch.env.get('DJANGO_SETTINGS_MODULE')?.value).toBe('cms.settings');
  });

  test('a container that does not run supervisord does not run the programs of a config it holds', () => {
    const tree = { ...image, 'deploy/start.sh': '#!/bin/sh\nexec gunicorn other.wsgi --bind=0.0.0.0:8000\n' };
    const launches = modelOf(tree).launches.filter((l) => l.kind === 'supervisord');
    // Read as a host's: nothing says which machine runs it.
    expect(launches.map((l) => [l.service, l.container])).toEqual([['gunicorn', undefined]]);
  });
});

describe("[fcgi-program:…]: supervisord opens socket= and hands it to each process as fd 0 (cvat's uvicorn, uvicorn's deployment docs)", () => {
  const fcgi = (socket: string, command = 'python3 -m uvicorn --fd 0 app.asgi:application') =>
    `[supervisord]\nnodaemon=true\n\n[fcgi-program:uvicorn]\nsocket=${socket}\ncommand=${command}\nnumprocs=2\nprocess_name=%(program_name)s-%(process_num)d\n`;
  const tree = (address: string, config: string) => ({ 'nginx/site.conf': nginx(address), 'supervisord.conf': config });

  test('uvicorn --fd 0 listens on the unix socket or TCP port that socket= names, written there', () => {
    expect(links(tree('unix:/tmp/uvicorn.sock', fcgi('unix:///tmp/uvicorn.sock')))).toEqual([
      'nginx/site.conf: unix:/tmp/uvicorn.sock -> uvicorn uvicorn (same-socket-path)',
    ]);
    expect(links(tree('127.0.0.1:8000', fcgi('tcp://localhost:8000')))).toEqual(['nginx/site.conf: 127.0.0.1:8000 -> uvicorn uvicorn (same-address)']);
    // parse_fcgi_socket normalises the path; %(program_name)s is the section's name.
    expect(links(tree('unix:/run/uvicorn.sock', fcgi('unix:///run//sockets/../%(program_name)s.sock')))).toEqual([
      'nginx/site.conf: unix:/run/uvicorn.sock -> uvicorn uvicorn (same-socket-path)',
    ]);
    const [listener] = modelOf(tree('unix:/tmp/uvicorn.sock', fcgi('unix:///tmp/uvicorn.sock'))).backends.flatMap((backend) => backend.listeners);
    expect([listener.address, listener.span.file, listener.span.start.line, listener.span.start.column]).toEqual([
      { kind: 'unix', path: '/tmp/uvicorn.sock' },
      'supervisord.conf',
      5,
      8,
    ]);
  });

  test('no link where the socket is another, another descriptor is served, or supervisord would refuse the socket', () => {
    expect(links(tree('unix:/tmp/other.sock', fcgi('unix:///tmp/uvicorn.sock')))).toEqual([]);
    // Only fd 0 is the socket; fd 3 is closed in the child (FastCGISubprocess._prepare_child_fds).
    expect(links(tree('unix:/tmp/uvicorn.sock', fcgi('unix:///tmp/uvicorn.sock', 'python3 -m uvicorn --fd 3 app.asgi:application')))).toEqual([]);
    // A relative path (refused: not absolute) and an expansion this reader does not know.
    expect(links(tree('unix:/tmp/uvicorn.sock', fcgi('unix://tmp/uvicorn.sock')))).toEqual([]);
    expect(links(tree('unix:/tmp/uvicorn.sock', fcgi('unix://%(here)s/uvicorn.sock')))).toEqual([]);
  });

  test('a [program:…] has no socket of its own: socket= there is not read, and fd 0 is a pipe', () => {
    const program =
      '[supervisord]\nnodaemon=true\n\n[program:uvicorn]\nsocket=unix:///tmp/uvicorn.sock\ncommand=python3 -m uvicorn --fd 0 app.asgi:application\n';
    expect(links(tree('unix:/tmp/uvicorn.sock', program))).toEqual([]);
    // Without socket= supervisord refuses the fcgi-program: no process.
    const noSocket = '[fcgi-program:uvicorn]\ncommand=python3 -m uvicorn --fd 0 app.asgi:application\n';
    expect(modelOf(tree('unix:/tmp/uvicorn.sock', noSocket)).launches.filter((launch) => launch.kind === 'supervisord')).toEqual([]);
  });
});

describe('a command= behind a script of the tree that runs its arguments (cvat\'s wait_for_deps.sh ending in exec "$@")', () => {
  const waitForDeps = '#!/bin/sh\n~/wait-for-it.sh "${DB_HOST}:5432" -t 0\nexec "$@"\n';
  const tree = (command: string, script: string | null = waitForDeps) => ({
    'nginx/site.conf': nginx('unix:/tmp/uvicorn.sock'),
    'supervisord.conf': `[supervisord]\nnodaemon=true\n\n[program:uvicorn]\ncommand=${command}\n`,
    ...(script !== null ? { 'wait_for_deps.sh': script } : {}),
  });
  const linked = ['nginx/site.conf: unix:/tmp/uvicorn.sock -> uvicorn uvicorn (same-socket-path)'];

  test("the script is peeled off, whether its directory is written out or is supervisord's %(ENV_HOME)s", () => {
    expect(links(tree('/home/django/wait_for_deps.sh python3 -m uvicorn --uds /tmp/uvicorn.sock app.asgi:application'))).toEqual(linked);
    expect(links(tree('%(ENV_HOME)s/wait_for_deps.sh python3 -m uvicorn --uds /tmp/uvicorn.sock app.asgi:application'))).toEqual(linked);
    // cvat's own layout: the wrapper under an fcgi-program.
    const cvat = {
      ...tree(''),
      'supervisord.conf':
        "[fcgi-program:uvicorn]\nsocket=unix:///tmp/uvicorn.sock\ncommand=%(ENV_HOME)s/wait_for_deps.sh\n    python3 -m uvicorn\n    --fd 0 --forwarded-allow-ips='*'\n    cvat.asgi:application\n",
    };
    expect(links(cvat)).toEqual(linked);
  });

  test('no link when the script is not in the tree, or does not run its arguments', () => {
    expect(links(tree('%(ENV_HOME)s/wait_for_deps.sh python3 -m uvicorn --uds /tmp/uvicorn.sock app.asgi:application', null))).toEqual([]);
    expect(links(tree('%(ENV_HOME)s/wait_for_deps.sh python3 -m uvicorn --uds /tmp/uvicorn.sock app.asgi:application', '#!/bin/sh\n"$@"\nexit 0\n'))).toEqual(
      [],
    );
  });
});

describe("only the config files the container's supervisord reads (options.py: -c or the search path, then [include] files=)", () => {
  const program = '[program:gunicorn]\ncommand=gunicorn app.wsgi --bind=0.0.0.0:8000\n';
  /** An image that holds the whole project at /app (deploy/gunicorn.conf with it) and starts `start.sh`. */
  const image = (start: string, extra: Record<string, string> = {}) => ({
    'compose.yaml': 'services:\n  web:\n    build: .\n    environment:\n      ROLE: web\n',
    Dockerfile: 'FROM python:3.12-slim\nRUN apt-get update && apt-get install -y supervisor\nCOPY . /app\nWORKDIR /app\nCMD ["./start.sh"]\n',
    'start.sh': `#!/bin/sh\n${start}`,
    'deploy/gunicorn.conf': program,
    ...extra,
  });
  const servers = (tree: Record<string, string>) =>
    modelOf(tree)
      .launches.filter((l) => l.kind === 'supervisord')
      .map((l) => `${l.program} ${l.service} ${l.span.file}${l.container ? '' : ' (host)'}`);
  // A config the container's supervisord does not read is what it is without the image: a host's.
  const onHost = ['gunicorn gunicorn deploy/gunicorn.conf (host)'];

  test("a config the image holds only under /app/deploy is never read by the packaged supervisord: no program there, a host's", () => {
    expect(servers(image('exec /usr/bin/supervisord -n\n'))).toEqual(onHost);
    expect(servers(image('exec supervisord -n -c /etc/supervisor/supervisord.conf\n'))).toEqual(onHost);
  });

  test('copied into conf.d by the start script, by COPY or by a bind mount: the program runs there, once', () => {
    expect(servers(image('cp deploy/gunicorn.conf /etc/supervisor/conf.d/\nexec /usr/bin/supervisord -n\n'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    expect(servers(image('cp -r deploy/. /etc/supervisor/conf.d/\nexec /usr/bin/supervisord -n\n'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    expect(servers(image('cp /app/deploy/*.conf /etc/supervisor/conf.d\nexec /usr/bin/supervisord -n\n'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    // A directory copied into conf.d is one level too deep for conf.d/*.conf.
    expect(servers(image('cp -r deploy /etc/supervisor/conf.d/\nexec /usr/bin/supervisord -n\n'))).toEqual(onHost);
    const copied = image('exec /usr/bin/supervisord -n\n');
    copied.Dockerfile = copied.Dockerfile.replace('WORKDIR', 'COPY deploy/gunicorn.conf /etc/supervisor/conf.d/gunicorn.conf\nWORKDIR');
    // Held twice (at /app/deploy and in conf.d): one program, one backend.
    expect(servers(copied)).toEqual(['gunicorn web deploy/gunicorn.conf']);
    const mounted = image('exec /usr/bin/supervisord -n\n');
    mounted['compose.yaml'] += '    volumes:\n      - ./deploy/gunicorn.conf:/etc/supervisor/conf.d/gunicorn.conf\n';
    expect(servers(mounted)).toEqual(['gunicorn web deploy/gunicorn.conf']);
  });

  test('a copy in a branch the container may take is kept; one in a branch its arguments skip is not', () => {
    const branch = (test: string) =>
      image(`if ${test}; then\n  cp /app/deploy/gunicorn.conf /etc/supervisor/conf.d/gunicorn.conf\nfi\nexec /usr/bin/supervisord -n\n`);
    expect(servers(branch('[ "$ROLE" = web ]'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    expect(servers(branch('[ "$1" = web ]'))).toEqual(onHost);
  });

  test('a script the start script sources copies too (mediacms: `. deploy/docker/prestart.sh`)', () => {
    const tree = image('. deploy/prestart.sh\nexec /usr/bin/supervisord\n', {
      'deploy/prestart.sh': '#!/bin/sh\ncp deploy/gunicorn.conf /etc/supervisor/conf.d/gunicorn.conf\n',
    });
    expect(servers(tree)).toEqual(['gunicorn web deploy/gunicorn.conf']);
    expect(servers({ ...tree, 'deploy/prestart.sh': '#!/bin/sh\npython manage.py migrate\n' })).toEqual(onHost);
  });

  test("mediacms's layout: start.sh sources prestart.sh behind `[ -f ]`; its copies place nginx, the container's environment picks the programs", () => {
    const prestart = [
      '#!/bin/bash',
      'cp deploy/nginx.conf /etc/nginx/sites-enabled/default',
      'if [ X"$ENABLE_WEB" = X"yes" ] ; then',
      '    cp deploy/supervisord-gunicorn.conf /etc/supervisor/conf.d/supervisord-gunicorn.conf',
      '    cp deploy/supervisord-nginx.conf /etc/supervisor/conf.d/supervisord-nginx.conf',
      'fi',
      '',
    ].join('\n');
    const start = (guard: string) => `PRE_START_PATH=deploy/prestart.sh\nif [ -f ${guard} ] ; then\n    . $PRE_START_PATH\nfi\nexec /usr/bin/supervisord\n`;
    const stack = (guard = '$PRE_START_PATH') => ({
      ...image(start(guard), {
        'deploy/prestart.sh': prestart,
        'deploy/supervisord-gunicorn.conf': '[program:gunicorn]\ncommand=gunicorn app.wsgi --bind=127.0.0.1:9000 --worker-class=gthread\n',
        'deploy/supervisord-nginx.conf': '[program:nginx]\ncommand=/usr/sbin/nginx -g "daemon off;"\n',
        'deploy/nginx.conf': nginx('127.0.0.1:9000'),
      }),
      'compose.yaml':
        'services:\n  web:\n    build: .\n    environment:\n      ENABLE_WEB: "yes"\n  worker:\n    build: .\n    environment:\n      ENABLE_WEB: "no"\n',
    });
    expect(links(stack())).toEqual(['deploy/nginx.conf: 127.0.0.1:9000 -> gunicorn web (same-address)']);
    // Its gthread keep-alive (2 s) is shorter than nginx's upstream keepalive_timeout (60 s): judged in the web container.
    expect(serious(stack())).toEqual(['upstream-keepalive-timeout deploy/nginx.conf:3']);
    expect(
      modelOf(stack())
        .launches.filter((l) => l.kind === 'supervisord')
        .map((l) => `${l.program} ${l.service}${l.container ? '' : ' (host)'} ${l.span.file}`)
        .sort(),
    ).toEqual([
      // image()'s own deploy/gunicorn.conf, which no supervisord here reads: a host's, as above.
      'gunicorn gunicorn (host) deploy/gunicorn.conf',
      // The worker's ENABLE_WEB is "no": the web container alone runs the two programs.
      'gunicorn web deploy/supervisord-gunicorn.conf',
      'nginx web deploy/supervisord-nginx.conf',
    ]);
    // Behind a test of another file, which the image may not hold, the sourced copies are not certain: nginx is not placed.
    expect(links(stack('/app/deploy/other.sh'))).toEqual([]);
  });

  test('-c names a config of the tree: its [include] globs decide, relative to its directory', () => {
    const main = (include: string) => `[supervisord]\nnodaemon=true\n${include}`;
    const withMain = (include: string, option = '-c /app/supervisord.conf') => image(`exec supervisord -n ${option}\n`, { 'supervisord.conf': main(include) });
    expect(servers(withMain('[include]\nfiles = /app/deploy/*.conf\n'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    expect(servers(withMain('[include]\nfiles = deploy/*.conf\n', '--configuration=supervisord.conf'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    expect(servers(withMain('[include]\nfiles = %(here)s/deploy/*.conf\n', '-c/app/supervisord.conf'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    // Not included, or included by a glob that does not match it.
    expect(servers(withMain(''))).toEqual(onHost);
    expect(servers(withMain('[include]\nfiles = /app/deploy/*.ini\n'))).toEqual(onHost);
    // Found without -c: supervisord looks for supervisord.conf in the directory it starts in (/app).
    expect(servers(withMain('[include]\nfiles = deploy/*.conf\n', ''))).toEqual(['gunicorn web deploy/gunicorn.conf']);
  });

  test('where the tree cannot tell which config supervisord reads, every config the container holds may be', () => {
    // `-c` from a variable the tree does not give, a config the image holds, an include with supervisord's own expansion.
    expect(servers(image('exec supervisord -n -c "$SUPERVISOR_CONF"\n'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    expect(servers(image('exec supervisord -n -c /opt/supervisord.conf\n'))).toEqual(['gunicorn web deploy/gunicorn.conf']);
    const expansion = image('exec supervisord -n -c /app/supervisord.conf\n', {
      'supervisord.conf': '[supervisord]\n[include]\nfiles = %(ENV_CONF_DIR)s/*.conf\n',
    });
    expect(servers(expansion)).toEqual(['gunicorn web deploy/gunicorn.conf']);
  });
});

describe("a config no container's supervisord reads is a host's, though an image holds it (hypothesis/h, via, lms: tox runs supervisord -c conf/supervisord-dev.conf)", () => {
  /** An image that holds the whole project (`COPY . .`) and starts supervisord with its own config; the developer's config beside it. */
  const project = (main = '[supervisord]\nnodaemon=true\n\n[program:web]\ncommand=gunicorn --config conf/gunicorn.conf.py app:app\n') => ({
    Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nCMD ["supervisord", "-c", "conf/supervisord.conf"]\n',
    'conf/supervisord.conf': main,
    'conf/gunicorn.conf.py': 'bind = "unix:/tmp/app.sock"\n',
    'conf/supervisord-dev.conf': '[supervisord]\nnodaemon=true\n\n[program:dev]\ncommand=gunicorn --config conf/gunicorn-dev.conf.py app:app\n',
    'conf/gunicorn-dev.conf.py': 'bind = "127.0.0.1:5000"\n',
  });
  /** `program service file` and where each supervisord launch runs. */
  const where = (tree: Record<string, string>) =>
    modelOf(tree)
      .launches.filter((l) => l.kind === 'supervisord')
      .map((l) => `${l.program} ${l.service} ${l.span.file} ${l.container ? 'in the image' : 'on a host'}`)
      .sort();

  test('-c conf/supervisord.conf reads that file only, so the dev config starts gunicorn on the host, as it does without the image', () => {
    const tree = project();
    const withoutImage = Object.fromEntries(Object.entries(tree).filter(([path]) => path !== 'Dockerfile'));
    const dev = where(withoutImage).filter((line) => line.includes('supervisord-dev.conf'));
    expect(dev).toEqual(['gunicorn dev conf/supervisord-dev.conf on a host']);
    expect(where(tree).filter((line) => line.includes('supervisord-dev.conf'))).toEqual(dev);
    // gunicorn-dev.conf.py is started by something: the dev program's --config.
    const backend = modelOf(tree).backends.find((b) => b.kind === 'gunicorn' && b.config?.file.endsWith('gunicorn-dev.conf.py'));
    expect(backend?.kind === 'gunicorn' && [backend.launch?.span.file, backend.launch?.container]).toEqual(['conf/supervisord-dev.conf', undefined]);
  });

  test("the container's own conf/supervisord.conf stays the container's, and is no host launch too", () => {
    expect(where(project()).filter((line) => line.includes('conf/supervisord.conf'))).toEqual(['gunicorn web conf/supervisord.conf in the image']);
  });

  test("a config the container's supervisord reads through [include] is that container's only", () => {
    const tree = project('[supervisord]\nnodaemon=true\n\n[include]\nfiles = supervisord-dev.conf\n');
    expect(where(tree)).toEqual(['gunicorn dev conf/supervisord-dev.conf in the image']);
  });
});
