/**
 * An override file's `build:` merged over the base file's key by key, read from disk by the real
 * engine: compose reads `build: ./dir` as `{context: ./dir}` and merges the two mappings
 * (compose-spec 13-merge.md; compose-go override/merge.go), so an override that names only the
 * stage keeps the base's context and Dockerfile, and `args` merge by name.
 */
import { linkDeployment } from '../../../src/model/links';
import type { Deployment } from '../../../src/model/deployment';
import { readDiskTree } from '../../disk-tree';

const nginx = 'events {}\nhttp {\n  server {\n    listen 80;\n    location / { proxy_pass http://web:8000; }\n  }\n}\n';

/** Two stages that bind the same port: only the argv tells which one the service runs. */
const stagedDockerfile = [
  'FROM python:3.12 AS base',
  'RUN pip install gunicorn',
  'FROM base AS dev',
  'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--reload", "app:app"]',
  'FROM base AS prod',
  'CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]',
  '',
].join('\n');

/** The port comes from a build argument, kept for the container by ENV. */
const argDockerfile = ['FROM python:3.12', 'RUN pip install gunicorn', 'ARG PORT', 'ENV PORT=$PORT', 'CMD gunicorn --bind 0.0.0.0:$PORT app:app', ''].join(
  '\n',
);

function links(model: Deployment): string[] {
  return linkDeployment(model).map((link) => `${link.target.address.text} -> ${link.backend.kind} ${link.backend.name}`);
}
const argvOf = (model: Deployment, service: string) =>
  model.launches.find((launch) => launch.kind === 'compose' && launch.service === service)?.argv.map((arg) => arg.value);

describe("an override's build: merged key by key", () => {
  test('an override that writes only `target:` keeps the base’s context and Dockerfile', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: ./backend\n      dockerfile: docker/Dockerfile\n      target: prod\n',
      'docker-compose.override.yml': 'services:\n  web:\n    build:\n      target: dev\n',
      'backend/docker/Dockerfile': stagedDockerfile,
      'nginx.conf': nginx,
    });
    expect(links(model)).toEqual(['web:8000 -> gunicorn web']);
    expect(argvOf(model, 'web')).toEqual(['gunicorn', '--bind', '0.0.0.0:8000', '--reload', 'app:app']);
  });

  test('control: without the override the base’s stage runs', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: ./backend\n      dockerfile: docker/Dockerfile\n      target: prod\n',
      'backend/docker/Dockerfile': stagedDockerfile,
      'nginx.conf': nginx,
    });
    expect(argvOf(model, 'web')).toEqual(['gunicorn', '--bind', '0.0.0.0:8000', 'app:app']);
  });

  test('an override that writes only `args:` keeps the base’s target, and the arguments merge by name', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: .\n      args:\n        PORT: "8000"\n',
      'docker-compose.override.yml': 'services:\n  web:\n    build:\n      args:\n        WORKERS: "3"\n',
      Dockerfile: argDockerfile,
      'nginx.conf': nginx,
    });
    expect(links(model)).toEqual(['web:8000 -> gunicorn web']);
  });

  test('the override’s argument of the same name wins', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: .\n      args:\n        PORT: "9000"\n',
      'docker-compose.override.yml': 'services:\n  web:\n    build:\n      args:\n        PORT: "8000"\n',
      Dockerfile: argDockerfile,
      'nginx.conf': nginx,
    });
    expect(links(model)).toEqual(['web:8000 -> gunicorn web']);
  });

  test('`build: ./dir` in the override replaces the context only: the base’s Dockerfile is read in it', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: ./old\n      dockerfile: docker/Dockerfile\n      target: prod\n',
      'docker-compose.override.yml': 'services:\n  web:\n    build: ./backend\n',
      'backend/docker/Dockerfile': stagedDockerfile,
      'nginx.conf': nginx,
    });
    expect(argvOf(model, 'web')).toEqual(['gunicorn', '--bind', '0.0.0.0:8000', 'app:app']);
  });

  test('an override without build: keeps the base’s whole', () => {
    const { model } = readDiskTree({
      'docker-compose.yml': 'services:\n  web:\n    build:\n      context: ./backend\n      dockerfile: docker/Dockerfile\n      target: dev\n',
      'docker-compose.override.yml': 'services:\n  web:\n    environment:\n      A: "1"\n',
      'backend/docker/Dockerfile': stagedDockerfile,
      'nginx.conf': nginx,
    });
    expect(argvOf(model, 'web')).toEqual(['gunicorn', '--bind', '0.0.0.0:8000', '--reload', 'app:app']);
  });
});
