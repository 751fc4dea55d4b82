/**
 * The queries of src/model/limits.ts over a whole deployment: which somaxconn and open-file
 * limit a process really gets, and where that comes from.
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import type { CfglintConfig } from '../../../src/engine/config';
import { readTree } from '../../../src/engine/read-tree';
import type { Deployment } from '../../../src/model/deployment';
import { nginxWorkerNofile, nofileFor, somaxconnFor } from '../../../src/model/limits';
import type { Launch } from '../../../src/readers/launch/launch';
import { at } from '../launch/read-tree';

function deploymentOf(tree: MemoryTree, config: CfglintConfig = {}): Deployment {
  return readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config }).model;
}

function launchOf(deployment: Deployment, program: string): Launch {
  const launch = deployment.launches.find((candidate) => candidate.program === program);
  if (!launch) throw new Error(`no launch of ${program}: ${deployment.launches.map((l) => l.program).join(', ')}`);
  return launch;
}

const unit = '[Service]\nUser=www-data\nExecStart=/usr/bin/gunicorn app:app\n';

describe('open-file limit of a systemd service', () => {
  test("without LimitNOFILE=: systemd's default 1024 soft, 524288 hard", () => {
    const deployment = deploymentOf({ 'app.service': unit });
    const limit = nofileFor(deployment, launchOf(deployment, 'gunicorn'));
    expect(limit.soft.value).toBe(1024);
    expect(limit.hard?.value).toBe(524288);
    expect(limit.soft.source).toMatchObject({ kind: 'default', reference: expect.stringContaining('DefaultLimitNOFILE') });
  });

  test("limits.conf for the service's user does not apply (pam_limits is for login sessions)", () => {
    const deployment = deploymentOf({ 'app.service': unit, 'etc/security/limits.conf': 'www-data - nofile 65535\n' });
    expect(nofileFor(deployment, launchOf(deployment, 'gunicorn')).soft.value).toBe(1024);
  });

  test('LimitNOFILE= of the unit, with its position', () => {
    const deployment = deploymentOf({ 'app.service': `${unit}LimitNOFILE=4096:65536\n` });
    const limit = nofileFor(deployment, launchOf(deployment, 'gunicorn'));
    expect([limit.soft.value, limit.hard?.value]).toEqual([4096, 65536]);
    expect(limit.soft.source.kind === 'file' && at(limit.soft.source.span)).toBe('4:13-4:17');
    expect(limit.hard?.source.kind === 'file' && at(limit.hard.source.span)).toBe('4:18-4:23');
  });

  test('LimitNOFILE=infinity', () => {
    const deployment = deploymentOf({ 'app.service': `${unit}LimitNOFILE=infinity\n` });
    expect(nofileFor(deployment, launchOf(deployment, 'gunicorn')).soft.value).toBe(Infinity);
  });
});

describe('open-file limit in a container', () => {
  const compose = 'services:\n  web:\n    image: python\n    command: gunicorn app:app\n';

  test('compose ulimits: nofile', () => {
    const deployment = deploymentOf({ 'docker-compose.yml': `${compose}    ulimits:\n      nofile: {soft: 2048, hard: 4096}\n` });
    const limit = nofileFor(deployment, launchOf(deployment, 'gunicorn'));
    expect([limit.soft.value, limit.hard?.value]).toEqual([2048, 4096]);
  });

  test('without ulimits the runtime decides: unknown, unless .cfglint.json says', () => {
    const deployment = deploymentOf({ 'docker-compose.yml': compose });
    expect(nofileFor(deployment, launchOf(deployment, 'gunicorn')).soft.value).toBeUndefined();
    const configured = deploymentOf({ 'docker-compose.yml': compose }, { environment: { nofile: 10000 } });
    const limit = nofileFor(configured, launchOf(configured, 'gunicorn'));
    expect(limit.soft.value).toBe(10000);
    expect(limit.soft.source).toMatchObject({ kind: 'default', reference: '.cfglint.json environment.nofile' });
  });

  test("the ulimits of another compose file's service of the same name do not apply", () => {
    const deployment = deploymentOf({
      'docker-compose.yml': compose,
      'other/docker-compose.yml': 'services:\n  web:\n    image: x\n    ulimits:\n      nofile: 99999\n',
    });
    expect(nofileFor(deployment, launchOf(deployment, 'gunicorn')).soft.value).toBeUndefined();
  });
});

describe('somaxconn', () => {
  const sysctl = { 'etc/sysctl.d/90-net.conf': 'net.core.somaxconn = 1024\n' };

  test("a host process gets the host's sysctl", () => {
    const deployment = deploymentOf({ ...sysctl, 'app.service': unit });
    const setting = somaxconnFor(deployment, launchOf(deployment, 'gunicorn'));
    expect(setting.value).toBe(1024);
    expect(setting.source.kind === 'file' && setting.source.span.file).toBe('etc/sysctl.d/90-net.conf');
  });

  test('a container does not: its own namespace starts at the kernel default', () => {
    const deployment = deploymentOf({ ...sysctl, 'docker-compose.yml': 'services:\n  web:\n    image: python\n    command: gunicorn app:app\n' });
    const setting = somaxconnFor(deployment, launchOf(deployment, 'gunicorn'));
    expect(setting.value).toBe(4096);
    expect(setting.source).toMatchObject({ kind: 'default', note: expect.stringContaining('network namespace') });
  });

  test('a container with its own sysctls, and one on the host network', () => {
    const deployment = deploymentOf({
      ...sysctl,
      'docker-compose.yml': [
        'services:',
        '  web:',
        '    image: python',
        '    command: gunicorn app:app',
        '    sysctls: [net.core.somaxconn=2048]',
        '  proxy:',
        '    image: nginx',
        '    command: [nginx, -g, daemon off;]',
        '    network_mode: host',
        '',
      ].join('\n'),
    });
    expect(somaxconnFor(deployment, launchOf(deployment, 'gunicorn')).value).toBe(2048);
    expect(somaxconnFor(deployment, launchOf(deployment, 'nginx')).value).toBe(1024);
  });

  test('nothing in the tree: the configuration, else 4096 marked as a default', () => {
    expect(somaxconnFor(deploymentOf({ 'app.service': unit }, { environment: { somaxconn: 128 } })).value).toBe(128);
    const setting = somaxconnFor(deploymentOf({ 'app.service': unit }));
    expect(setting.value).toBe(4096);
    expect(setting.source).toMatchObject({ kind: 'default', note: expect.stringContaining('5.4') });
  });
});

describe('open-file limit of nginx workers', () => {
  const nginx = 'events {}\nhttp { server { listen 80; } }\n';

  test('worker_rlimit_nofile sets soft and hard', () => {
    const deployment = deploymentOf({ 'nginx/nginx.conf': `worker_rlimit_nofile 20000;\n${nginx}` });
    const limit = nginxWorkerNofile(deployment);
    expect([limit.soft.value, limit.hard?.value]).toEqual([20000, 20000]);
    expect(limit.soft.source.kind === 'file' && limit.soft.source.span.file).toBe('nginx/nginx.conf');
  });

  test("without it, the master's: a drop-in for nginx.service", () => {
    const deployment = deploymentOf({ 'nginx/nginx.conf': nginx, 'etc/systemd/system/nginx.service.d/limits.conf': '[Service]\nLimitNOFILE=8192\n' });
    expect(nginxWorkerNofile(deployment).soft.value).toBe(8192);
  });

  test('without anything: unknown', () => {
    expect(nginxWorkerNofile(deploymentOf({ 'nginx/nginx.conf': nginx })).soft.value).toBeUndefined();
  });
});
