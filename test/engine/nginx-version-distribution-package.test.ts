/**
 * An image that installs nginx from its distribution's packages runs that release's nginx: the
 * single-container shape of frappe_docker (nginx + gunicorn in one image, `apt-get install nginx`
 * on `python:3.12-slim-bookworm`). Trees are written to disk and read by the real engine.
 *
 * The versions are the distributions' (src/reference/nginx/distribution-packages.ts): Debian 12
 * packages 1.22.1 (`nginx -v` on this Debian 12 machine says 1.22.1), Debian 13 1.26.3, Ubuntu
 * 22.04 1.18.0, Alpine 3.22 the 1.28 line. The expectations follow nginx and gunicorn: up to
 * 1.29.6 an `upstream` keeps no idle connection by default, from 1.29.7 it keeps them for 60s
 * (docs/servers/nginx.md), and gunicorn's gevent worker closes an idle one after 2s (gunicorn
 * config.py Keepalive); so the site warns where the nginx is unknown, errs on 1.30, and is clean on
 * every packaged release. `http2 on;` appeared in nginx 1.25.1 (CHANGES 1.25.1).
 */
import { readTree } from '../../src/engine/read-tree';
import { writeTree } from '../disk-tree';
import { brief, lint, NGINX_CONF } from './nginx-version-site';

const TIMEOUT = 'upstream-keepalive-timeout';

/** One image runs nginx, with NGINX_CONF copied in; `lines` are the Dockerfile's lines before the COPY. */
function site(lines: string[], conf = NGINX_CONF): Record<string, string> {
  return {
    'docker-compose.yml': 'services:\n  app:\n    build: ./app\n  web:\n    build: ./web\n',
    'app/Dockerfile': 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000", "--worker-class", "gevent"]\n',
    'web/Dockerfile': [...lines, 'COPY nginx.conf /etc/nginx/nginx.conf', 'CMD ["nginx", "-g", "daemon off;"]', ''].join('\n'),
    'web/nginx.conf': conf,
  };
}

const APT = 'RUN apt-get update && apt-get install -y --no-install-recommends nginx supervisor && rm -rf /var/lib/apt/lists/*';
const UNKNOWN_WARNING = /^warning web\/nginx\.conf:3 .*the nginx version is not known/;

describe("a release's own nginx package gives the version", () => {
  test("Debian 12's 1.22.1 keeps no upstream connection: clean, also beside an nginx:1.30 elsewhere", () => {
    const tree = site(['FROM python:3.12-slim-bookworm', APT]);
    expect(brief(lint(tree), TIMEOUT)).toEqual([]);
    expect(brief(lint({ ...tree, 'other/Dockerfile': 'FROM nginx:1.30\n' }), TIMEOUT)).toEqual([]);
  });

  test('the version names its package and the install, like an image tag', () => {
    const dir = writeTree(site(['FROM python:3.12-slim-bookworm', APT]));
    const { model } = readTree({ paths: [dir], cwd: dir, config: {} });
    const [version] = model.nginx.scopes.map((scope) => scope.version);
    expect(version.range).toEqual({ min: [1, 22, 1], max: [1, 22, 1] });
    expect(version.source?.text).toBe("nginx 1.22.1 from Debian 12's package");
    expect(version.source?.span).toMatchObject({ file: 'web/Dockerfile', start: { line: 2 } });
  });

  test("directives are judged by that release: `http2 on;` is unknown to 1.22.1 and to Ubuntu 22.04's 1.18.0, known to Debian 13's 1.26.3", () => {
    const conf = NGINX_CONF.replace('    listen 80;', '    listen 80;\n    http2 on;');
    const unknown = (from: string) => brief(lint(site([from, APT], conf)), 'nginx-unknown-directive');
    expect(unknown('FROM python:3.12-slim-bookworm')).toEqual([
      'error web/nginx.conf:8 Unknown directive "http2" on nginx 1.22.1: it appeared in nginx 1.25.1',
    ]);
    expect(unknown('FROM ubuntu:22.04')).toEqual([expect.stringMatching(/^error web\/nginx\.conf:8 Unknown directive "http2" on nginx ≤ 1\.18\.0/)]);
    expect(unknown('FROM debian:trixie-slim')).toEqual([]);
  });

  test("a base named by an ARG with a default (cvat's `ARG BASE_IMAGE=ubuntu:22.04`, `FROM ${BASE_IMAGE}`) is that release", () => {
    const tree = site(['ARG BASE_IMAGE=ubuntu:22.04', 'FROM ${BASE_IMAGE}', APT]);
    // Ubuntu 22.04's 1.18.0 keeps no upstream connection; the pin of another image is not borrowed.
    expect(brief(lint({ ...tree, 'ui/Dockerfile': 'FROM nginx:1.30\n' }), TIMEOUT)).toEqual([]);
    // Without a default the build argument is the tree's to give: every release.
    expect(brief(lint(site(['ARG BASE_IMAGE', 'FROM ${BASE_IMAGE}', APT])), TIMEOUT)).toEqual([expect.stringMatching(UNKNOWN_WARNING)]);
  });

  test('apk on a pinned Alpine branch: the 1.28 line, clean', () => {
    expect(brief(lint(site(['FROM alpine:3.22', 'RUN apk add --no-cache nginx'])), TIMEOUT)).toEqual([]);
    expect(brief(lint(site(['FROM python:3.12-alpine3.22', 'RUN apk add --no-cache nginx'])), TIMEOUT)).toEqual([]);
  });

  test('through FROM chains: a stage built on the one that installs nginx', () => {
    const lines = ['FROM python:3.12-slim-bookworm AS base', APT, 'FROM base AS web', 'RUN true'];
    expect(brief(lint({ ...site(lines), 'other/Dockerfile': 'FROM nginx:1.30\n' }), TIMEOUT)).toEqual([]);
  });

  test('an exact pin gives its own release, whatever the archive: nginx.org 1.30.0 keeps connections, an error', () => {
    const lines = [
      'FROM debian:12',
      'RUN echo "deb https://nginx.org/packages/debian bookworm nginx" > /etc/apt/sources.list.d/nginx.list',
      'RUN apt-get update && apt-get install -y nginx=1.30.0-1~bookworm',
    ];
    expect(brief(lint(site(lines)), TIMEOUT)).toEqual([expect.stringMatching(/^error web\/nginx\.conf:3 .*behind app:8000$/)]);
  });
});

describe("where the tree does not say which nginx the package is, it is unknown, not another image's pin", () => {
  const withOther = (tree: Record<string, string>) => ({ ...tree, 'other/Dockerfile': 'FROM nginx:1.24\n' });

  test('a moving base tag names no release', () => {
    for (const from of ['FROM python:3.12-slim', 'FROM debian:stable-slim', 'FROM ubuntu:latest']) {
      expect(brief(lint(withOther(site([from, APT]))), TIMEOUT)).toEqual([expect.stringMatching(UNKNOWN_WARNING)]);
    }
    expect(brief(lint(withOther(site(['FROM alpine:latest', 'RUN apk add nginx']))), TIMEOUT)).toEqual([expect.stringMatching(UNKNOWN_WARNING)]);
  });

  test("a third-party archive (nginx.org's, a PPA) or a chosen release serves another nginx", () => {
    const variants = [
      ['FROM debian:bookworm', 'RUN echo "deb https://nginx.org/packages/mainline/debian bookworm nginx" >> /etc/apt/sources.list', APT],
      ['FROM ubuntu:22.04', 'RUN add-apt-repository -y ppa:ondrej/nginx', APT],
      ['FROM debian:bookworm', 'COPY nginx.list /etc/apt/sources.list.d/nginx.list', APT],
      ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y -t bookworm-backports nginx'],
      ['FROM debian:bookworm', 'RUN apt-get update && apt-get install -y nginx=1.22.*'],
      ['FROM alpine:3.22', 'RUN apk add --no-cache nginx --repository=https://dl-cdn.alpinelinux.org/alpine/edge/main'],
    ];
    for (const lines of variants) expect(brief(lint(withOther(site(lines))), TIMEOUT)).toEqual([expect.stringMatching(UNKNOWN_WARNING)]);
  });

  test('a stage that does not install nginx keeps what it had: the tree-wide pin', () => {
    // nginx installed in a build stage the copying stage is not built on is not in its image.
    const lines = ['FROM debian:12 AS build', APT, 'FROM python:3.12-slim-bookworm'];
    expect(brief(lint(withOther(site(lines))), TIMEOUT)).toEqual([]);
    expect(brief(lint({ ...site(lines), 'other/Dockerfile': 'FROM nginx:1.30\n' }), TIMEOUT)).toEqual([expect.stringMatching(/^error web\/nginx\.conf:3 /)]);
  });

  test('a package removed later is not in the image', () => {
    const lines = ['FROM python:3.12-slim-bookworm', APT, 'RUN apt-get purge -y nginx'];
    expect(brief(lint({ ...site(lines), 'other/Dockerfile': 'FROM nginx:1.30\n' }), TIMEOUT)).toEqual([expect.stringMatching(/^error web\/nginx\.conf:3 /)]);
  });
});
