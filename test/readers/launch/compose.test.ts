/**
 * Compose services: command/entrypoint as a string or a list, environment as a list or a map,
 * interpolation, the Dockerfile a service builds, sysctls/ulimits, YAML errors.
 */
import { envFileValues } from '../../../src/readers/launch/docker';
import { SourceText } from '../../../src/source/text';
import { at, describeDiagnostic, readTreeOf, values } from './read-tree';

describe('a service with an image from elsewhere', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: python:3.12',
    '    command: gunicorn app:app --bind "0.0.0.0:$${PORT}" --workers ${WORKERS:-2}',
    '    environment:',
    '      - PORT=8000',
    '      - SECRET_KEY',
    '    env_file: .env',
    '    stop_signal: SIGINT',
    '    working_dir: /srv/app',
    '    user: "1000"',
    '',
  ].join('\n');
  const { launches, diagnostics } = readTreeOf({ 'docker-compose.yml': compose });

  test('the command string split like a shell, without one', () => {
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
    expect(launches).toHaveLength(1);
    const [launch] = launches;
    expect(launch).toMatchObject({ kind: 'compose', file: 'docker-compose.yml', service: 'web', program: 'gunicorn', container: { hostNetwork: false } });
    // `$$` is a literal `$`: gunicorn gets "${PORT}" as written, no shell expands it.
    expect(values(launch)).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:${PORT}', '--workers', undefined]);
    expect(launch.argv[5]).toMatchObject({ value: '${WORKERS:-2}', unresolved: ['${WORKERS:-2}'] });
    expect(launch.argv.map((arg) => at(arg.span))).toEqual(['4:14-4:22', '4:23-4:30', '4:31-4:37', '4:38-4:56', '4:57-4:66', '4:67-4:80']);
    expect(at(launch.span)).toBe('4:14-4:80');
    expect(launch.wrappers).toEqual([]);
  });

  test('environment as a list; a name without a value comes from the shell', () => {
    const env = launches[0].env;
    expect(env.get('PORT')?.value).toBe('8000');
    expect(at(env.get('PORT')?.span)).toBe('6:14-6:18');
    expect(env.get('SECRET_KEY')?.unresolved).toEqual(['$SECRET_KEY']);
    expect(launches[0].externalEnv.map(at)).toEqual(['8:15-8:19']);
  });

  test('stop_signal, working_dir, user', () => {
    const [launch] = launches;
    expect(launch.stopSignal.value).toBe('SIGINT');
    expect(at(launch.stopSignal.span)).toBe('9:18-9:24');
    expect(launch.workingDirectory?.value).toBe('/srv/app');
    expect(at(launch.workingDirectory?.span)).toBe('10:18-10:26');
    expect(launch.user?.value).toBe('1000');
    expect(at(launch.user?.span)).toBe('11:11-11:17');
  });
});

describe('a service built from a Dockerfile of the tree', () => {
  const dockerfile = 'FROM python:3.12\nENV PORT=8000\nSTOPSIGNAL SIGQUIT\nCMD gunicorn -b :$PORT app:app\n';

  test("the image's CMD with the service's environment; the Dockerfile gives no launch of its own", () => {
    const { launches } = readTreeOf({
      'compose.yaml': 'services:\n  api:\n    build:\n      context: ./app\n    environment:\n      PORT: 9000\n',
      'app/Dockerfile': dockerfile,
    });
    expect(launches).toHaveLength(1);
    const [launch] = launches;
    expect(launch).toMatchObject({ kind: 'compose', file: 'compose.yaml', service: 'api', program: 'gunicorn' });
    expect(values(launch)).toEqual(['gunicorn', '-b', ':9000', 'app:app']);
    expect(launch.env.get('PORT')?.value).toBe('9000');
    expect(launch.span.file).toBe('app/Dockerfile');
    expect(at(launch.span)).toBe('4:5-4:31');
    expect(launch.stopSignal.value).toBe('SIGQUIT');
  });

  test("entrypoint: replaces ENTRYPOINT and drops the image's CMD", () => {
    const { launches } = readTreeOf({
      'docker-compose.yml': 'services:\n  api:\n    build: .\n    entrypoint: ["uwsgi", "--ini", "/app/uwsgi.ini"]\n',
      Dockerfile: 'FROM python:3.12\nCMD ["gunicorn", "app:app"]\n',
    });
    expect(launches.map(values)).toEqual([['uwsgi', '--ini', '/app/uwsgi.ini']]);
  });

  test("command: replaces CMD and keeps the image's ENTRYPOINT", () => {
    const { launches } = readTreeOf({
      'docker-compose.yml': 'services:\n  api:\n    build: .\n    command: app:app --workers 4\n',
      Dockerfile: 'FROM python:3.12\nENTRYPOINT ["gunicorn"]\nCMD ["other:app"]\n',
    });
    expect(launches.map(values)).toEqual([['gunicorn', 'app:app', '--workers', '4']]);
  });
});

test('sysctls as a map, ulimits nofile as a number, network_mode host', () => {
  const compose = [
    'services:',
    '  proxy:',
    '    image: nginx:1.27',
    '    command: ["nginx", "-g", "daemon off;"]',
    '    network_mode: host',
    '    sysctls:',
    '      net.core.somaxconn: 8192',
    '      net.ipv4.tcp_syncookies: 0',
    '    ulimits:',
    '      nofile: 65535',
    '',
  ].join('\n');
  const { launches, limits } = readTreeOf({ 'docker-compose.yml': compose });
  expect(launches[0].container?.hostNetwork).toBe(true);
  expect(at(launches[0].container?.span)).toBe('5:19-5:23');
  expect(
    limits.map((limit) => [
      limit.name,
      limit.appliesTo,
      limit.setting.value,
      limit.hard?.value,
      limit.setting.source.kind === 'file' ? at(limit.setting.source.span) : '',
    ]),
  ).toEqual([
    ['net.core.somaxconn', { kind: 'container', name: 'proxy' }, 8192, undefined, '7:27-7:31'],
    ['nofile', { kind: 'container', name: 'proxy' }, 65535, 65535, '10:15-10:20'],
  ]);
});

test('sysctls as a list, ulimits nofile as soft and hard', () => {
  const { limits } = readTreeOf({
    'docker-compose.yml':
      'services:\n  app:\n    image: x\n    sysctls:\n      - net.core.somaxconn=1024\n    ulimits:\n      nofile:\n        soft: 20000\n        hard: 40000\n',
  });
  expect(limits.map((limit) => [limit.name, limit.setting.value, limit.hard?.value])).toEqual([
    ['net.core.somaxconn', 1024, undefined],
    ['nofile', 20000, 40000],
  ]);
  expect(limits[0].setting.source.kind === 'file' && at(limits[0].setting.source.span)).toBe('5:28-5:32');
});

test('invalid YAML is a yaml-syntax error; the other files are still read', () => {
  const { launches, diagnostics } = readTreeOf({
    'docker-compose.yml': 'services:\n  web:\n    command: [gunicorn, app:app\n',
    'docker-compose.worker.yml': 'services:\n  worker:\n    image: x\n    command: ["uwsgi", "--ini", "w.ini"]\n',
  });
  expect(diagnostics.length).toBeGreaterThan(0);
  expect(diagnostics.every((diagnostic) => diagnostic.ruleId === 'yaml-syntax' && diagnostic.primary.file === 'docker-compose.yml')).toBe(true);
  // The flow sequence is never closed: the error is where the file ends.
  expect(at(diagnostics[0].primary)).toBe('4:1-4:1');
  expect(launches.map((launch) => launch.service)).toContain('worker');
});

test('anchors and merge keys are followed', () => {
  const { launches } = readTreeOf({
    'docker-compose.yml':
      'x-app: &app\n  image: python\n  environment:\n    PORT: 8000\nservices:\n  web:\n    <<: *app\n    command: gunicorn -b :8000 app:app\n',
  });
  expect(launches[0].env.get('PORT')?.value).toBe('8000');
  expect(launches[0].program).toBe('gunicorn');
});

describe('what a service publishes, mounts and shares', () => {
  const compose = [
    'services:',
    '  web:',
    '    image: python:3.12',
    '    command: gunicorn app:app',
    '    ports:',
    '      - "8080:8000"',
    '      - "127.0.0.1:8443:8443/tcp"',
    '      - "[::1]:9000:9000"',
    '      - "8000"',
    '      - "5000-5002:5000-5002"',
    '      - "53:53/udp"',
    '      - "${HOST_PORT}:8000"',
    '      - target: 7000',
    '        published: "7001"',
    '        host_ip: 127.0.0.1',
    '    volumes:',
    '      - ./conf/gunicorn.py:/app/gunicorn.conf.py:ro',
    '      - ../shared:/srv/shared/',
    '      - static:/app/static',
    '      - /etc/ssl:/etc/ssl:ro',
    '      - type: bind',
    '        source: ./nginx',
    '        target: /etc/nginx/conf.d',
    '      - type: volume',
    '        source: data',
    '        target: /data',
    '      - ${CONF_DIR}:/conf',
    '  sidecar:',
    '    image: python:3.12',
    '    command: gunicorn side:app',
    '    network_mode: "service:web"',
    '',
  ].join('\n');
  const { launches, outputs } = readTreeOf({ 'deploy/docker-compose.yml': compose });
  const [web, sidecar] = launches;

  test('ports with a host port, on every address or one; random host ports, ranges, UDP and variables left out', () => {
    expect(web.compose?.published.map((port) => `${port.hostIp}|${port.hostPort}->${port.containerPort} ${at(port.span)}`)).toEqual([
      '|8080->8000 6:9-6:20',
      '127.0.0.1|8443->8443 7:9-7:34',
      '::1|9000->9000 8:9-8:26',
      '127.0.0.1|7001->7000 13:9-15:27',
    ]);
  });

  test('bind mounts of paths beside the compose file; named volumes, host paths and variables are not the tree', () => {
    expect(web.mounts?.map((mount) => `${mount.display} -> ${mount.target}`)).toEqual([
      'deploy/conf/gunicorn.py -> /app/gunicorn.conf.py',
      'shared -> /srv/shared',
      'deploy/nginx -> /etc/nginx/conf.d',
    ]);
    expect(web.mounts?.[0].source).toBe('/tree/deploy/conf/gunicorn.py');
  });

  test("the project is the compose file's directory; network_mode service:x shares x's namespace", () => {
    expect(web.compose?.project).toBe('deploy');
    expect(web.compose?.sharesNetworkWith).toBeUndefined();
    expect(sidecar.compose?.sharesNetworkWith).toBe('web');
    // Every service is a container of the project, started from the tree or not.
    const containers = (outputs[0] as unknown as { composeContainers: { service: string }[] }).composeContainers;
    expect(containers.map((container) => container.service)).toEqual(['web', 'sidecar']);
  });
});

describe('override files', () => {
  test('compose.override.yaml replaces the command, merges environment by name and volumes by target', () => {
    const { launches } = readTreeOf({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: python:3.12',
        '    command: gunicorn app:app',
        '    environment:',
        '      A: base',
        '      B: base',
        '    volumes:',
        '      - ./base.py:/app/gunicorn.conf.py',
        '      - ./static:/app/static',
        '',
      ].join('\n'),
      'compose.override.yaml':
        'services:\n  web:\n    command: gunicorn app:app --reload\n    environment:\n      B: override\n    volumes:\n      - ./dev.py:/app/gunicorn.conf.py\n',
      'base.py': '',
      'dev.py': '',
      'static/x.css': '',
    });
    expect(launches).toHaveLength(1);
    const [launch] = launches;
    expect(values(launch)).toEqual(['gunicorn', 'app:app', '--reload']);
    expect(at(launch.span)).toBe('3:14-3:39');
    expect(launch.span.file).toBe('compose.override.yaml');
    // The service is defined in compose.yaml: that is the launch's file (its sysctls and ulimits are there).
    expect(launch.file).toBe('compose.yaml');
    expect([...launch.env].map(([name, value]) => `${name}=${value.value}`)).toEqual(['A=base', 'B=override']);
    expect(launch.mounts?.map((mount) => `${mount.display} -> ${mount.target}`)).toEqual(['static -> /app/static', 'dev.py -> /app/gunicorn.conf.py']);
  });

  test("a variant file's service with its own image is a service of its own; another directory is another project", () => {
    const { launches } = readTreeOf({
      'docker-compose.yml': 'services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app\n',
      'docker-compose.prod.yml': 'services:\n  web:\n    image: python:3.12\n    command: gunicorn app:app -k gthread\n',
      'other/docker-compose.yml': 'services:\n  web:\n    image: python:3.12\n    command: gunicorn other:app\n',
    });
    expect(launches.map((launch) => `${launch.compose?.project} ${launch.file} ${values(launch).join(' ')}`)).toEqual([
      '. docker-compose.yml gunicorn app:app',
      '. docker-compose.prod.yml gunicorn app:app -k gthread',
      'other other/docker-compose.yml gunicorn other:app',
    ]);
  });
});

describe('env files', () => {
  test('quotes, interpolation, export, comments and names without a value', () => {
    const text = '# comment\nA=plain # trailing\nB=\'lit $HOME\'\nC="x ${PORT}"\nexport D=d\nE\n\r\nF=a#b\n';
    const values = envFileValues(new SourceText('web.env', text));
    const shown = [...values].map(([name, raw]) => `${name}=${raw.unresolved.length > 0 ? '?' : raw.value} ${at(raw.source.span(raw.start, raw.end))}`);
    expect(shown).toEqual(['A=plain 2:3-2:8', 'B=lit $HOME 3:4-3:13', 'C=? 4:4-4:13', 'D=d 5:10-5:11', 'E=? 6:1-6:2', 'F=a#b 8:3-8:6']);
  });
});
