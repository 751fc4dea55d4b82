/**
 * Which distribution release an image tag pins, and which nginx a stage's package installs. The
 * tags are Docker Hub's: `python:3.12-slim-bookworm` and `node:20-bookworm` are Debian 12 images,
 * `eclipse-temurin:21-jre-jammy` Ubuntu 22.04, `python:3.12-alpine3.22` Alpine 3.22; a tag with no
 * release (`python:3.12-slim`, `debian:stable`, `alpine:latest`) moves with the distribution.
 */
import { distributionReleaseOf, packagedNginxOf } from '../../../src/readers/docker/distribution-nginx';
import { parseDockerfile } from '../../../src/readers/docker/dockerfile';
import { imageReferenceOf } from '../../../src/readers/docker';
import { SourceText } from '../../../src/source/text';

const span = new SourceText('Dockerfile', 'x').span(0, 1);
const release = (reference: string) => distributionReleaseOf(imageReferenceOf(reference, span));

describe('the release an image tag pins', () => {
  test.each([
    ['python:3.12-slim-bookworm', 'debian', '12'],
    ['node:20-bookworm', 'debian', '12'],
    ['debian:12', 'debian', '12'],
    ['debian:12.5-slim', 'debian', '12'],
    ['docker.io/library/debian:bullseye-20240110', 'debian', '11'],
    ['debian:trixie-slim', 'debian', '13'],
    ['ubuntu:22.04', 'ubuntu', '22.04'],
    ['ubuntu:noble-20240423', 'ubuntu', '24.04'],
    ['eclipse-temurin:21-jre-jammy', 'ubuntu', '22.04'],
    ['nvidia/cuda:12.2.0-runtime-ubuntu22.04', 'ubuntu', '22.04'],
    ['alpine:3.22', 'alpine', '3.22'],
    ['alpine:3.22.1', 'alpine', '3.22'],
    ['python:3.12-alpine3.22', 'alpine', '3.22'],
  ])('%s → %s %s', (reference, distribution, number) => {
    expect(release(reference)).toEqual({ distribution, release: number });
  });

  test.each(['python:3.12-slim', 'python:3.12-alpine', 'debian:stable-slim', 'debian:latest', 'ubuntu:rolling', 'alpine:latest', 'alpine:edge', 'node:20'])(
    '%s pins none',
    (reference) => {
      expect(release(reference)).toBeUndefined();
    },
  );
});

describe('the nginx a stage installs', () => {
  const packaged = (text: string) => {
    const file = parseDockerfile(new SourceText('Dockerfile', text));
    const stage = file.stages[file.stages.length - 1];
    const from = /^FROM\s+(\S+)/m.exec(text)![1];
    return packagedNginxOf(file, stage, imageReferenceOf(from, span));
  };

  test.each([
    ['FROM debian:12\nRUN apt-get install -y nginx-light\n', '1.22.1'],
    ['FROM debian:12\nRUN DEBIAN_FRONTEND=noninteractive apt-get -y install \\\n    curl nginx-extras\n', '1.22.1'],
    ['FROM ubuntu:24.04\nRUN sudo apt install -y nginx-full\n', '1.24.0'],
    ['FROM debian:11\nRUN apt-get install -y nginx=1.18.0-6.1+deb11u3\n', '1.18.0'],
    ['FROM alpine:3.21\nRUN apk add --no-cache --virtual .run nginx\n', '1.26'],
    ['FROM alpine:3.21\nRUN apk add nginx=1.26.3-r0\n', '1.26.3'],
  ])('%j → %s', (text, version) => {
    expect(packaged(text)?.version).toBe(version);
  });

  test.each([
    // Releases the table does not hold, managers that are not the release's, and pins with no one release.
    'FROM alpine:3.20\nRUN apk add nginx\n',
    'FROM debian:12\nRUN apk add nginx\n',
    'FROM alpine:3.22\nRUN apk add nginx@edge\n',
    'FROM alpine:3.22\nRUN apk add "nginx~1.28"\n',
    'FROM debian:12\nRUN apt-get install -y nginx/bookworm-backports\n',
    'FROM debian:12\nRUN curl -fsSL https://nginx.org/keys/nginx_signing.key | gpg --dearmor -o /etc/apt/keyrings/nginx.gpg && apt-get install -y nginx\n',
  ])('%j → installed, version unknown', (text) => {
    const found = packaged(text);
    expect(found).toBeDefined();
    expect(found?.version).toBeUndefined();
  });

  test.each([
    'FROM debian:12\nRUN apt-get install -y nginx-common libnginx-mod-http-echo\n',
    'FROM debian:12\nRUN apt-get download nginx\n',
    'FROM debian:12\nRUN echo apt-get install nginx\n',
    'FROM debian:12\nRUN mkdir -p /etc/nginx && cp nginx.conf /etc/nginx/\n',
    'FROM alpine:3.22\nRUN apk add nginx && apk del nginx\n',
  ])('%j installs no nginx', (text) => {
    expect(packaged(text)).toBeUndefined();
  });
});
