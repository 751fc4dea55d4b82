/**
 * Service directories as launches, read from trees on disk: a container that starts runit
 * (`runsvdir`, phusion's `my_init`) or s6-overlay (`/init`) runs the `run` script of each service
 * directory its image places where that supervisor looks (docs/servers/runit-s6.md).
 */
import { linkDeployment } from '../../../src/model/links';
import { readDiskTree } from '../../disk-tree';

const modelOf = (tree: Record<string, string>) => readDiskTree(tree).model;

/** `target file: address -> backend kind name (reason)` for every link. */
function links(tree: Record<string, string>): string[] {
  return linkDeployment(modelOf(tree)).map((l) => `${l.target.span.file}: ${l.target.address.text} -> ${l.backend.kind} ${l.backend.name} (${l.reason})`);
}

const nginx = (address: string) => `server {\n    listen 80;\n    location / {\n        proxy_pass http://${address};\n    }\n}\n`;
const gunicorn = (shebang: string, bind = '0.0.0.0:8080') => `${shebang}\nexec gunicorn app:app --bind=${bind}\n`;

describe('runit', () => {
  // docker-graphite-statsd's shape: `COPY conf /`, an entrypoint that execs runsvdir.
  const image = (services: Record<string, string>, entrypoint = '#!/bin/sh\nexec runsvdir -P /etc/service\n') => ({
    Dockerfile: 'FROM python:3.12-alpine\nRUN apk add --no-cache nginx runit\nCOPY conf /\nENTRYPOINT ["/entrypoint"]\n',
    'conf/entrypoint': entrypoint,
    'conf/etc/nginx/conf.d/app.conf': nginx('127.0.0.1:8080'),
    ...services,
  });

  test("runsvdir DIR runs each service's run script: gunicorn there serves nginx's loopback pass", () => {
    const tree = image({ 'conf/etc/service/app/run': gunicorn('#!/bin/sh') });
    expect(links(tree)).toEqual(['conf/etc/nginx/conf.d/app.conf: 127.0.0.1:8080 -> gunicorn Dockerfile (same-address)']);
    const [launch] = modelOf(tree).launches.filter((l) => l.program === 'gunicorn');
    // runsv starts ./run in the service directory, in the container the Dockerfile builds.
    expect([launch.kind, launch.workingDirectory?.value]).toEqual(['dockerfile', '/etc/service/app']);
  });

  test('a service with a down file, a dot-named directory, a log/run or another directory than the one scanned is not started', () => {
    expect(links(image({ 'conf/etc/service/app/run': gunicorn('#!/bin/sh'), 'conf/etc/service/app/down': '' }))).toEqual([]);
    expect(links(image({ 'conf/etc/service/.app/run': gunicorn('#!/bin/sh') }))).toEqual([]);
    expect(links(image({ 'conf/etc/service/app/log/run': gunicorn('#!/bin/sh') }))).toEqual([]);
    expect(links(image({ 'conf/etc/sv/app/run': gunicorn('#!/bin/sh') }))).toEqual([]);
    // Nothing starts runsvdir: the run script is only a file.
    expect(links(image({ 'conf/etc/service/app/run': gunicorn('#!/bin/sh') }, '#!/bin/sh\nexec sleep infinity\n'))).toEqual([]);
  });

  test('a run script that is no shell script (execline) is not read', () => {
    expect(links(image({ 'conf/etc/service/app/run': gunicorn('#!/command/execlineb -P') }))).toEqual([]);
  });

  test("phusion's my_init starts runsvdir -P /etc/service, unless --skip-runit", () => {
    const tree = (cmd: string) => ({
      Dockerfile: `FROM phusion/baseimage:noble-1.0.2\nCOPY nginx.conf /etc/nginx/conf.d/app.conf\nCOPY web.sh /etc/service/web/run\nCMD ${cmd}\n`,
      'nginx.conf': nginx('127.0.0.1:8080'),
      'web.sh': gunicorn('#!/bin/bash'),
    });
    expect(links(tree('["/sbin/my_init"]'))).toEqual(['nginx.conf: 127.0.0.1:8080 -> gunicorn Dockerfile (same-address)']);
    // web.sh is the container's run script, not also a process of the host.
    expect(
      modelOf(tree('["/sbin/my_init"]'))
        .launches.filter((l) => l.program === 'gunicorn')
        .map((l) => l.kind),
    ).toEqual(['dockerfile']);
    // Read on its own, web.sh would still be a host's launch; with --skip-runit runit never starts it.
    expect(links(tree('["/sbin/my_init", "--skip-runit", "--", "sleep", "infinity"]')).filter((l) => l.includes('Dockerfile'))).toEqual([]);
  });

  test('a compose service built from the image: nginx copied in with the same COPY shares its loopback; nginx in another service does not', () => {
    const built = {
      ...image({ 'conf/etc/service/app/run': gunicorn('#!/bin/sh') }),
      'compose.yml': 'services:\n  graphite:\n    build: .\n    ports:\n      - "80:80"\n',
    };
    expect(links(built)).toEqual(['conf/etc/nginx/conf.d/app.conf: 127.0.0.1:8080 -> gunicorn graphite (same-address)']);
    const apart = {
      ...built,
      Dockerfile: 'FROM python:3.12-alpine\nCOPY conf/etc/service /etc/service\nCOPY conf/entrypoint /entrypoint\nENTRYPOINT ["/entrypoint"]\n',
      'compose.yml':
        'services:\n  graphite:\n    build: .\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./conf/etc/nginx/conf.d:/etc/nginx/conf.d:ro\n',
    };
    expect(links(apart)).toEqual([]);
  });
});

describe('s6-overlay', () => {
  const image = (files: Record<string, string>, env = '') => ({
    Dockerfile: `FROM python:3.12-alpine\n${env}COPY root/ /\nENTRYPOINT ["/init"]\n`,
    'root/etc/nginx/conf.d/app.conf': nginx('127.0.0.1:8080'),
    ...files,
  });

  test("/init supervises /etc/services.d/NAME/run (linuxserver.io's images)", () => {
    expect(links(image({ 'root/etc/services.d/app/run': gunicorn('#!/usr/bin/with-contenv sh') }))).toEqual([
      'root/etc/nginx/conf.d/app.conf: 127.0.0.1:8080 -> gunicorn Dockerfile (same-address)',
    ]);
    expect(links(image({ 'root/etc/services.d/app/run': gunicorn('#!/usr/bin/with-contenv sh'), 'root/etc/services.d/app/down': '' }))).toEqual([]);
  });

  test('an s6-rc longrun runs when the user bundle lists it; a oneshot or an unlisted longrun does not', () => {
    const rc = (type: string, listed: boolean) =>
      image({
        'root/etc/s6-overlay/s6-rc.d/app/type': `${type}\n`,
        'root/etc/s6-overlay/s6-rc.d/app/run': gunicorn('#!/command/with-contenv sh'),
        ...(listed ? { 'root/etc/s6-overlay/s6-rc.d/user/contents.d/app': '' } : {}),
      });
    expect(links(rc('longrun', true))).toEqual(['root/etc/nginx/conf.d/app.conf: 127.0.0.1:8080 -> gunicorn Dockerfile (same-address)']);
    expect(links(rc('longrun', false))).toEqual([]);
    expect(links(rc('oneshot', true))).toEqual([]);
    // user-bundles.d is the newer place for the bundle's contents.
    const bundled = { ...rc('longrun', false), 'root/etc/s6-overlay/user-bundles.d/user/contents.d/app': '' };
    expect(links(bundled)).toEqual(['root/etc/nginx/conf.d/app.conf: 127.0.0.1:8080 -> gunicorn Dockerfile (same-address)']);
  });

  test("a run script sees the container's variables only through with-contenv (or S6_KEEP_ENV=1)", () => {
    const run = (shebang: string) => `${shebang}\nexec gunicorn app:app --bind=0.0.0.0:\${PORT:-8080}\n`;
    const bindOf = (shebang: string, env: string) => {
      const launch = modelOf(image({ 'root/etc/services.d/app/run': run(shebang) }, env)).launches.find((l) => l.program === 'gunicorn');
      return launch?.argv.find((arg) => arg.value.startsWith('--bind='))?.value;
    };
    // s6 starts services with an environment of its own: PORT is unset there, so the default holds.
    expect(bindOf('#!/bin/sh', 'ENV PORT=9000\nENV S6_KEEP_ENV=0\n')).toBe('--bind=0.0.0.0:8080');
    expect(bindOf('#!/usr/bin/with-contenv sh', 'ENV PORT=9000\n')).toBe('--bind=0.0.0.0:9000');
    expect(bindOf('#!/bin/sh', 'ENV PORT=9000\nENV S6_KEEP_ENV=1\n')).toBe('--bind=0.0.0.0:9000');
    // `docker run -e S6_KEEP_ENV=1` may keep it: the port is not known.
    expect(bindOf('#!/bin/sh', 'ENV PORT=9000\n')).toBe('--bind=0.0.0.0:${PORT:-8080}');
  });

  test('a script of the tree at /init is that script, not s6-overlay', () => {
    const tree = image({ 'root/init': '#!/bin/sh\nexec sleep infinity\n', 'root/etc/services.d/app/run': gunicorn('#!/usr/bin/with-contenv sh') });
    expect(links(tree)).toEqual([]);
  });
});
