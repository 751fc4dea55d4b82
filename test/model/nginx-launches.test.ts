/**
 * Which nginx launches run which main config (src/model/nginx-launches.ts), and the open-file
 * limit worker-connections-nofile judges each main config by: trees written to disk and read and
 * linted with the real engine.
 */
import { lintDiskTree, readDiskTree, writeTree } from '../disk-tree';
import { lintSync } from '../../src/engine/run';
import type { Finding } from '../../src/engine/findings';
import { nginxConfigPath, nginxLaunchesRunning } from '../../src/model/nginx-launches';
import type { LaunchArg } from '../../src/readers/launch/launch';

/**
 * A proxying main config with worker_connections 1000: up to 2000 descriptors, so any open-file
 * limit below 2000 (systemd's default soft 1024 included) is a finding, and 65536 is not.
 */
const PROXYING = (port: number) =>
  `events { worker_connections 1000; }\nhttp {\n  server { listen ${port}; location / { proxy_pass http://127.0.0.1:8000; } }\n}\n`;
const UNIT = (config: string, limit = '') => `[Service]\n${limit}ExecStart=/usr/sbin/nginx -c ${config}\n`;

const nofile = (findings: Finding[]) =>
  findings
    .filter((finding) => finding.ruleId === 'worker-connections-nofile')
    .map((finding) => `${finding.primary.file} ${finding.related.find((related) => related.label.includes('open-file'))?.span.file ?? '-'}`)
    .sort();

describe('worker-connections-nofile judges a main config by the nginx that loads it', () => {
  test('a unit runs nginx/a.conf with -c: a.conf gets its limit, b.conf (run by nothing the tree shows) is not judged', () => {
    const tree = { 'nginx/a.conf': PROXYING(80), 'nginx/b.conf': PROXYING(81), 'service/webapp-nginx.service': UNIT('/srv/app/nginx/a.conf') };
    // No LimitNOFILE=: systemd's DefaultLimitNOFILE= soft 1024 < 2000, with no line of the tree to show.
    expect(nofile(lintDiskTree(tree))).toEqual(['nginx/a.conf -']);
    // The same unit loading b.conf: the finding moves with it.
    expect(nofile(lintDiskTree({ ...tree, 'service/webapp-nginx.service': UNIT('/srv/app/nginx/b.conf') }))).toEqual(['nginx/b.conf -']);
  });

  test('two units run one config with different LimitNOFILE=: the lower one, whichever unit comes first', () => {
    const high = UNIT('/srv/app/nginx/a.conf', 'LimitNOFILE=65536\n');
    const low = UNIT('/srv/app/nginx/a.conf', 'LimitNOFILE=1500\n');
    // 1500 < 2000 descriptors: the unit with 1500 fails under load, whatever the other one gives.
    expect(nofile(lintDiskTree({ 'nginx/a.conf': PROXYING(80), 'service/a-high.service': high, 'service/b-low.service': low }))).toEqual([
      'nginx/a.conf service/b-low.service',
    ]);
    expect(nofile(lintDiskTree({ 'nginx/a.conf': PROXYING(80), 'service/a-low.service': low, 'service/b-high.service': high }))).toEqual([
      'nginx/a.conf service/a-low.service',
    ]);
    // Both at 65536: nothing to say.
    expect(nofile(lintDiskTree({ 'nginx/a.conf': PROXYING(80), 'service/a.service': high, 'service/b.service': high }))).toEqual([]);
  });

  test("a config only a container runs, with no ulimits, is not judged by a host unit's limit", () => {
    const tree = {
      'nginx/a.conf': PROXYING(80),
      'nginx/b.conf': PROXYING(81),
      'service/webapp-nginx.service': UNIT('/srv/app/nginx/a.conf'),
      'docker-compose.yml':
        'services:\n  web:\n    image: debian:12\n    volumes:\n      - ./nginx:/app/nginx\n    command: [nginx, -g, "daemon off;", -c, /app/nginx/b.conf]\n',
    };
    // The container's limit is the runtime's, which the tree does not give.
    expect(nofile(lintDiskTree(tree))).toEqual(['nginx/a.conf -']);
    // With `ulimits: nofile: 1024` it is known, and below 2000.
    const limited = tree['docker-compose.yml'].replace('    volumes:', '    ulimits:\n      nofile: 1024\n    volumes:');
    expect(nofile(lintDiskTree({ ...tree, 'docker-compose.yml': limited }))).toEqual(['nginx/a.conf -', 'nginx/b.conf docker-compose.yml']);
  });

  test('a mount decides which tree file a container loads at /etc/nginx/nginx.conf', () => {
    const compose = (source: string) =>
      `services:\n  web:\n    image: nginx:1.25\n    ulimits:\n      nofile: 1024\n    volumes:\n      - ${source}:/etc/nginx/nginx.conf:ro\n    command: [nginx, -g, "daemon off;"]\n`;
    const tree = { 'nginx/nginx.conf': PROXYING(80), 'nginx/other/nginx.conf': PROXYING(81) };
    expect(nofile(lintDiskTree({ ...tree, 'docker-compose.yml': compose('./nginx/other/nginx.conf') }))).toEqual(['nginx/other/nginx.conf docker-compose.yml']);
    expect(nofile(lintDiskTree({ ...tree, 'docker-compose.yml': compose('./nginx/nginx.conf') }))).toEqual(['nginx/nginx.conf docker-compose.yml']);
  });

  test('WebODM: the unit loads the rendered nginx.conf; the ssl config only a script with an unknown -c may load', () => {
    const template = (port: number) => PROXYING(port).replace('listen', 'server_name $WO_HOST; listen');
    const tree = {
      'nginx/nginx.conf.template': template(80),
      'nginx/nginx-ssl.conf.template': template(443),
      'service/webodm-nginx.service': '[Service]\nType=forking\nExecStart=/usr/sbin/nginx -c /webodm/nginx/nginx.conf\n',
      'start.sh': '#!/bin/bash\nconf="nginx.conf"\nif [ -e nginx/ssl ]; then conf="nginx-ssl.conf"; fi\nnginx -c $(pwd)/nginx/$conf\n',
    };
    expect(nofile(lintDiskTree(tree))).toEqual(['nginx/nginx.conf.template -']);
  });

  test('a config only a launch with an unknown -c may load: silent, unless .cfglint.json gives environment.nofile', () => {
    const files = { 'nginx/a.conf': PROXYING(80), 'run.sh': '#!/bin/sh\nexec nginx -c "$NGINX_CONF"\n' };
    expect(nofile(lintDiskTree(files))).toEqual([]);
    // 1024 < 2000 descriptors: what the user says of every service applies where the tree says nothing.
    const dir = writeTree(files);
    expect(nofile(lintSync({ paths: ['.'], cwd: dir, config: { environment: { nofile: 1024 } } }).report.findings)).toEqual(['nginx/a.conf -']);
  });

  test('nginx -t and nginx -s reload start no server: their -c says nothing', () => {
    const tree = {
      'nginx/a.conf': PROXYING(80),
      'nginx/b.conf': PROXYING(81),
      'service/webapp-nginx.service':
        '[Service]\nExecStartPre=/usr/sbin/nginx -t -c /srv/app/nginx/b.conf\nExecStart=/usr/sbin/nginx -c /srv/app/nginx/a.conf\n',
      'reload.sh': '#!/bin/sh\nnginx -t -c /srv/app/nginx/b.conf\nnginx -s reload -c /srv/app/nginx/b.conf\n',
    };
    expect(nofile(lintDiskTree(tree))).toEqual(['nginx/a.conf -']);
  });

  test("a drop-in for the packaged nginx.service reaches the config at nginx's default path only", () => {
    const tree = {
      'etc/nginx/nginx.conf': PROXYING(80),
      'contrib/site.conf': PROXYING(81),
      'etc/systemd/system/nginx.service.d/override.conf': '[Service]\nLimitNOFILE=1024\n',
    };
    expect(nofile(lintDiskTree(tree))).toEqual(['etc/nginx/nginx.conf etc/systemd/system/nginx.service.d/override.conf']);
  });
});

describe('nginxLaunchesRunning', () => {
  test('two configs alike: the one nearest the unit; unresolved -c: undecided', () => {
    const { model } = readDiskTree({
      'prod/nginx.conf': PROXYING(80),
      'staging/nginx.conf': PROXYING(81),
      'prod/nginx.service': UNIT('/etc/nginx/nginx.conf'),
      'run.sh': '#!/bin/sh\nexec nginx -c "$NGINX_CONF"\n',
    });
    const described = (file: string) => {
      const runs = nginxLaunchesRunning(model, file);
      return { running: runs.running.map((launch) => launch.file), undecided: runs.undecided.map((launch) => launch.file) };
    };
    expect(described('prod/nginx.conf')).toEqual({ running: ['prod/nginx.service'], undecided: ['run.sh'] });
    expect(described('staging/nginx.conf')).toEqual({ running: [], undecided: ['run.sh'] });
  });

  test('a quoted -c with a variable in front is read by its literal tail, as the shell passes it', () => {
    // The shell removes the quotes: nginx gets `<cwd>/deploy/nginx.conf`.
    const { model } = readDiskTree({
      'deploy/nginx.conf': PROXYING(80),
      'other/nginx.conf': PROXYING(81),
      'start.sh': '#!/bin/sh\nexec nginx -c "$PWD/deploy/nginx.conf" -g "daemon off;"\n',
      Procfile: 'web: ./start.sh\n',
    });
    expect(nginxLaunchesRunning(model, 'deploy/nginx.conf').running.map((launch) => launch.file)).toEqual(['start.sh']);
    expect(nginxLaunchesRunning(model, 'other/nginx.conf')).toEqual({ running: [], undecided: [] });
  });
});

describe('nginxConfigPath reads the command line as ngx_get_options does', () => {
  const argv = (...words: string[]): LaunchArg[] =>
    words.map((value) => ({ value, span: { file: 'x', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } }));

  test.each([
    [['nginx'], { tail: ['etc', 'nginx', 'nginx.conf'], absolute: '/etc/nginx/nginx.conf' }],
    [['openresty'], { tail: ['usr', 'local', 'openresty', 'nginx', 'conf', 'nginx.conf'], absolute: '/usr/local/openresty/nginx/conf/nginx.conf' }],
    [['nginx', '-c', '/srv/a.conf'], { tail: ['srv', 'a.conf'], absolute: '/srv/a.conf' }],
    [['nginx', '-c/srv/a.conf'], { tail: ['srv', 'a.conf'], absolute: '/srv/a.conf' }],
    [['nginx', '-qc', '/srv/a.conf', '-g', 'daemon off;'], { tail: ['srv', 'a.conf'], absolute: '/srv/a.conf' }],
    [['nginx', '-p', '/srv/app', '-c', 'conf/a.conf'], { tail: ['conf', 'a.conf'], absolute: '/srv/app/conf/a.conf' }],
    [['nginx', '-c', 'conf/a.conf'], { tail: ['conf', 'a.conf'] }],
  ])('%j', (words, expected) => {
    expect(nginxConfigPath(words[0], argv(...words))).toEqual(expected);
  });

  test('-t, -T, -s, -v, -V and -h start no server', () => {
    for (const flag of ['-t', '-T', '-tq', '-s', '-v', '-V', '-h', '-?']) expect(nginxConfigPath('nginx', argv('nginx', flag, 'reload'))).toBeUndefined();
  });

  test('a path with a variable keeps its literal tail', () => {
    const words = argv('nginx', '-c', '$(pwd)/nginx/$conf');
    words[2].unresolved = ['$(pwd)', '$conf'];
    expect(nginxConfigPath('nginx', words)).toEqual({ tail: [] });
    words[2].value = '$(pwd)/nginx-ssl.conf';
    expect(nginxConfigPath('nginx', words)).toEqual({ tail: ['nginx-ssl.conf'] });
  });
});
