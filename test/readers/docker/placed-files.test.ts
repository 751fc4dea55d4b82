/**
 * Includes of files the image or the container gets from the tree (Dockerfile COPY/ADD, compose
 * bind mounts): trees written to a temporary directory and linted by the real engine.
 */
import { lintSync } from '../../../src/engine/run';
import { readTree } from '../../../src/engine/read-tree';
import type { CfglintConfig } from '../../../src/engine/config';
import { writeTree } from '../../disk-tree';

function lint(tree: Record<string, string>, config: CfglintConfig = {}) {
  const dir = writeTree(tree);
  const { report } = lintSync({ paths: [dir], cwd: dir, config });
  return {
    missing: report.findings.filter((f) => f.ruleId === 'include-missing').map((f) => `${f.primary.file}:${f.primary.start.line}`),
    files: report.files,
  };
}

/** `rule file:line` of each warning and error, for a tree written to disk. */
function serious(tree: Record<string, string>): string[] {
  const dir = writeTree(tree);
  const { report } = lintSync({ paths: [dir], cwd: dir, config: {} });
  return report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`);
}

// The include is not beside the including file, so only the COPY or the mount can say where it is.
const site = 'server {\n    listen 80;\n    location / {\n        include /etc/nginx/wsgi_params;\n        uwsgi_pass 127.0.0.1:3031;\n    }\n}\n';
const wsgiParams = 'uwsgi_param QUERY_STRING $query_string;\nuwsgi_param REQUEST_METHOD $request_method;\n';

describe('files put in place by the image', () => {
  test('without the COPY, the include is missing (the tree alone does not say where the file is)', () => {
    expect(lint({ 'deploy/nginx/site.conf': site, 'deploy/params/wsgi_params': wsgiParams }).missing).toEqual(['deploy/nginx/site.conf:4']);
  });

  test('COPY wsgi_params /etc/nginx/wsgi_params: the include reads that file', () => {
    const result = lint({
      Dockerfile: 'FROM nginx:1.27\nCOPY deploy/params/wsgi_params /etc/nginx/wsgi_params\nCOPY deploy/nginx/site.conf /etc/nginx/conf.d/site.conf\n',
      'deploy/nginx/site.conf': site,
      'deploy/params/wsgi_params': wsgiParams,
    });
    expect(result.missing).toEqual([]);
    expect(result.files).toContain('deploy/params/wsgi_params');
  });

  test('exec form, a directory copied into a directory, continuation lines, and the build context compose gives', () => {
    expect(
      lint({
        'docker/nginx/Dockerfile': 'FROM nginx:1.27\nCOPY ["params/", "/etc/nginx/"]\n',
        'docker/nginx/params/wsgi_params': wsgiParams,
        'docker/nginx/site.conf': site,
      }).missing,
    ).toEqual([]);
    expect(
      lint({
        'compose.yaml': 'services:\n  nginx:\n    build:\n      context: .\n      dockerfile: docker/nginx.Dockerfile\n',
        'docker/nginx.Dockerfile': 'FROM nginx:1.27\nCOPY --chown=nginx:nginx \\\n    deploy/params/wsgi_params \\\n    /etc/nginx/wsgi_params\n',
        'deploy/nginx/site.conf': site,
        'deploy/params/wsgi_params': wsgiParams,
      }).missing,
    ).toEqual([]);
  });

  test('a destination relative to WORKDIR lands there; without a WORKDIR the Dockerfile gives, it says nothing', () => {
    const tree = (dockerfile: string) => ({ Dockerfile: dockerfile, 'deploy/nginx/site.conf': site, 'deploy/params/wsgi_params': wsgiParams });
    // WORKDIR /etc then WORKDIR nginx (relative to it): `./` is /etc/nginx/.
    expect(
      lint(tree('FROM nginx:1.27\nWORKDIR /etc\nWORKDIR nginx\nCOPY deploy/params/wsgi_params ./\nCOPY deploy/nginx/site.conf conf.d/site.conf\n')).missing,
    ).toEqual([]);
    // A stage built on another starts in its WORKDIR.
    expect(
      lint(tree('FROM nginx:1.27 AS base\nWORKDIR /etc/nginx\nFROM base\nCOPY deploy/params/wsgi_params .\nCOPY deploy/nginx/site.conf conf.d/\n')).missing,
    ).toEqual([]);
    // The base image's working directory is not the tree's to say, nor one written with a variable.
    expect(lint(tree('FROM nginx:1.27\nCOPY deploy/params/wsgi_params ./\nCOPY deploy/nginx/site.conf /etc/nginx/conf.d/site.conf\n')).missing).toEqual([
      'deploy/nginx/site.conf:4',
    ]);
    expect(
      lint(tree('FROM nginx:1.27\nWORKDIR $NGINX_HOME\nCOPY deploy/params/wsgi_params ./\nCOPY deploy/nginx/site.conf /etc/nginx/conf.d/site.conf\n')).missing,
    ).toEqual(['deploy/nginx/site.conf:4']);
  });

  test("a glob include finds the files COPY puts one by one in its directory (tiangolo's full-stack-fastapi-template)", () => {
    const tree = {
      'frontend/Dockerfile':
        'FROM nginx:1\nCOPY ./nginx.conf /etc/nginx/conf.d/default.conf\nCOPY ./backend-not-found.conf /etc/nginx/extra-conf.d/backend-not-found.conf\nCOPY ./notes.txt /etc/nginx/extra-conf.d/notes.txt\n',
      'frontend/nginx.conf': 'server {\n    listen 80;\n    root /usr/share/nginx/html;\n    include /etc/nginx/extra-conf.d/*.conf;\n}\n',
      // A second root in the same server: only an include of this file makes it a duplicate.
      'frontend/backend-not-found.conf': 'root /srv/other;\nlocation /api {\n    return 404;\n}\n',
      'frontend/notes.txt': 'root /not/read;\n',
    };
    expect(serious(tree)).toEqual(['nginx-duplicate-directive frontend/backend-not-found.conf:1']);
  });

  test("a file without an nginx name is read as nginx where the image puts it in nginx's directories (mattermost-docker)", () => {
    const tree = {
      'web/Dockerfile': 'FROM nginx:1.27\nCOPY ["./mattermost", "./NOTES", "/etc/nginx/sites-available/"]\n',
      // add_header Content-Type next to return: a finding only if the file is read as nginx (line 4).
      'web/mattermost': 'server {\n    listen 8080;\n    location = /health {\n        add_header Content-Type text/plain;\n        return 200 ok;\n    }\n}\n',
      'web/NOTES': 'Copy these files, then reload nginx.\n',
      'web/other': 'server {\n    location = /x {\n        add_header Content-Type text/plain;\n        return 200 ok;\n    }\n}\n',
    };
    expect(serious(tree)).toEqual(['nginx-add-header-content-type web/mattermost:4']);
    // The notes copied beside it are no nginx, and a file the image does not copy keeps its name's answer.
    const { files } = lint(tree);
    expect(files).toContain('web/mattermost');
    expect(files).not.toContain('web/NOTES');
    expect(files).not.toContain('web/other');
  });

  test('COPY --from another stage, a glob, or a path two sources claim says nothing', () => {
    const tree = { 'deploy/nginx/site.conf': site, 'deploy/params/wsgi_params': wsgiParams, 'other/wsgi_params': wsgiParams };
    expect(lint({ ...tree, Dockerfile: 'FROM nginx:1.27\nCOPY --from=build /src/deploy/params/wsgi_params /etc/nginx/wsgi_params\n' }).missing).toEqual([
      'deploy/nginx/site.conf:4',
    ]);
    expect(lint({ ...tree, Dockerfile: 'FROM nginx:1.27\nCOPY deploy/params/wsgi_* /etc/nginx/\n' }).missing).toEqual(['deploy/nginx/site.conf:4']);
    expect(
      lint({
        ...tree,
        'a/Dockerfile': 'FROM nginx:1.27\nCOPY wsgi_params /etc/nginx/wsgi_params\n',
        'a/wsgi_params': wsgiParams,
        'b/Dockerfile': 'FROM nginx:1.27\nCOPY wsgi_params /etc/nginx/wsgi_params\n',
        'b/wsgi_params': wsgiParams,
      }).missing,
    ).toEqual(['deploy/nginx/site.conf:4']);
  });

  test("a glob among a COPY's sources leaves its literal sources placed (DefectDojo's Dockerfile.django-debian)", () => {
    const tree = { 'deploy/nginx/site.conf': site, 'deploy/params/wsgi_params': wsgiParams, 'deploy/certs/ca.pem': 'x\n' };
    const copy = (line: string) => lint({ ...tree, Dockerfile: `FROM nginx:1.27\n${line}\n` }).missing;
    expect(copy('COPY deploy/params/wsgi_params deploy/certs/* /etc/nginx/')).toEqual([]);
    expect(copy('COPY ["deploy/params/wsgi_params", "deploy/certs/*", "/etc/nginx/"]')).toEqual([]);
    // The destination of several sources is a directory even without its slash: the file lands inside it.
    expect(copy('COPY deploy/params/wsgi_params https://example.com/x /etc/nginx')).toEqual([]);
    // A destination Docker fills in from a variable is not known.
    expect(copy('COPY deploy/params/wsgi_params deploy/certs/* $CONF_DIR/')).toEqual(['deploy/nginx/site.conf:4']);
  });

  test("a destination from the stage's own ENV or ARG (geoserver/docker's COPY config $CONFIG_DIR)", () => {
    const tree = { 'deploy/nginx/site.conf': site, 'deploy/params/wsgi_params': wsgiParams };
    const copy = (lines: string) => lint({ ...tree, Dockerfile: `FROM nginx:1.27\n${lines}\n` }).missing;
    expect(copy('ENV CONF_DIR=/etc/nginx\nCOPY deploy/params/wsgi_params $CONF_DIR/')).toEqual([]);
    expect(copy('ENV CONF_DIR /etc/nginx\nCOPY deploy/params/wsgi_params ${CONF_DIR}/wsgi_params')).toEqual([]);
    expect(copy('ARG CONF_DIR=/etc/nginx\nCOPY deploy/params/wsgi_params $CONF_DIR/')).toEqual([]);
    expect(copy('COPY deploy/params/wsgi_params ${CONF_DIR:-/etc/nginx}/')).toEqual([]);
    // Built from another variable, or set only for the build (ARG without a default): not known.
    expect(copy('ENV CONF_DIR=$PREFIX/nginx\nCOPY deploy/params/wsgi_params $CONF_DIR/')).toEqual(['deploy/nginx/site.conf:4']);
    expect(copy('ARG CONF_DIR\nCOPY deploy/params/wsgi_params $CONF_DIR/')).toEqual(['deploy/nginx/site.conf:4']);
    // Another stage's ENV does not reach this one.
    expect(copy('ENV CONF_DIR=/etc/nginx\nFROM nginx:1.27\nCOPY deploy/params/wsgi_params $CONF_DIR/')).toEqual(['deploy/nginx/site.conf:4']);
  });
});

describe('the build context of a Dockerfile no compose service builds', () => {
  /** The tree files nginx reads through an include, for a tree on disk linted at `paths`. */
  function included(tree: Record<string, string>, paths = ['.']): string[] {
    const root = writeTree(tree);
    const { nginx, displayPath } = readTree({ paths, cwd: root, config: {} });
    return [...nginx.includedFrom.keys()].map(displayPath).sort();
  }
  // doccano's docker/Dockerfile.nginx, built with `context: .` by its CI: its COPY sources are
  // paths from the repository's root, and docker/ holds none of them.
  const mainConf = 'events {}\nhttp {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    include /etc/nginx/conf.d/*.conf;\n}\n';
  const defaultConf =
    'upstream app {\n    server 10.0.0.5:8000;\n    keepalive 16;\n}\nserver {\n    listen 8080;\n    location / {\n        proxy_pass http://app;\n    }\n}\n';
  const doccano = (dockerfile: string) => ({
    [dockerfile]: 'FROM nginx:1.25-alpine\nCOPY docker/nginx/nginx.conf /etc/nginx/nginx.conf\nCOPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf\n',
    'docker/nginx/nginx.conf': mainConf,
    'docker/nginx/default.conf': defaultConf,
  });

  test("the nearest ancestor that holds every COPY source, when the Dockerfile's directory does not (doccano)", () => {
    expect(included(doccano('docker/Dockerfile.nginx'))).toEqual(['docker/nginx/default.conf']);
    // The location inherits http's HTTP/1.1 and empty Connection: the keep-alive pool is used.
    expect(serious(doccano('docker/Dockerfile.nginx'))).toEqual([]);
    expect(serious(doccano('Dockerfile.nginx'))).toEqual([]);
    // Read alone, default.conf has neither, and its upstream keep-alive is never used.
    expect(serious({ 'docker/nginx/default.conf': defaultConf })).toEqual(['upstream-keepalive-http10 docker/nginx/default.conf:8']);
  });

  test("the Dockerfile's directory when it holds the sources, or when no directory of the lint root holds them all", () => {
    const params = (dockerfile: string) => ({
      'docker/Dockerfile': `FROM nginx:1.27\n${dockerfile}`,
      'docker/params/wsgi_params': wsgiParams,
      'params/wsgi_params': wsgiParams,
      'nginx/site.conf': site,
    });
    // Both directories hold params/wsgi_params: `docker build docker/` reads docker/'s.
    expect(included(params('COPY params/wsgi_params /etc/nginx/wsgi_params\n'))).toEqual(['docker/params/wsgi_params']);
    // build/ is nowhere in the tree (an earlier CI step makes it): no directory holds every source, docker/ stays the context.
    expect(included(params('COPY build/ /srv/\nCOPY params/wsgi_params /etc/nginx/wsgi_params\n'))).toEqual(['docker/params/wsgi_params']);
    // The ancestor that holds them is above the directory the user named.
    const root = writeTree({
      'app/docker/Dockerfile': 'FROM nginx:1.27\nCOPY app/params/wsgi_params /etc/nginx/wsgi_params\n',
      'app/params/wsgi_params': wsgiParams,
      'app/site.conf': site,
    });
    const { report } = lintSync({ paths: ['app'], cwd: root, config: {} });
    expect(report.findings.filter((f) => f.ruleId === 'include-missing').map((f) => `${f.primary.file}:${f.primary.start.line}`)).toEqual(['app/site.conf:4']);
  });

  test('the context a GitHub Actions step builds it with (docker/build-push-action)', () => {
    const step = (context: string, file?: string) =>
      `      - uses: docker/build-push-action@v6\n        with:\n          context: ${context}\n${file ? `          file: ${file}\n` : ''}          push: false\n`;
    const workflow = (...steps: string[]) =>
      `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps.join('')}`;
    const params = (workflows: string) => ({
      '.github/workflows/publish.yml': workflows,
      'docker/Dockerfile': 'FROM nginx:1.27\nCOPY params/wsgi_params /etc/nginx/wsgi_params\n',
      'docker/params/wsgi_params': wsgiParams,
      'params/wsgi_params': wsgiParams,
      'nginx/site.conf': site,
    });
    // `file:` is relative to the workspace; the context is the repository's root.
    expect(included(params(workflow(step('.', './docker/Dockerfile'))))).toEqual(['params/wsgi_params']);
    // Without `file:`, buildx reads <context>/Dockerfile.
    expect(included(params(workflow(step('docker'))))).toEqual(['docker/params/wsgi_params']);
    // Two contexts for one Dockerfile, or an expression: no evidence, the Dockerfile's directory.
    expect(included(params(workflow(step('.', 'docker/Dockerfile'), step('./docker', 'docker/Dockerfile'))))).toEqual(['docker/params/wsgi_params']);
    expect(included(params(workflow(step('${{ matrix.context }}', 'docker/Dockerfile'))))).toEqual(['docker/params/wsgi_params']);
    // The default Git context is not a directory of the tree.
    expect(included(params(workflow(step('"{{defaultContext}}"', 'docker/Dockerfile'))))).toEqual(['docker/params/wsgi_params']);
  });

  test("--list-files says where `COPY . /doccano` puts a file: under the repository's directories", () => {
    const root = writeTree({
      'docker/Dockerfile': 'FROM python:3.12\nCOPY frontend/ /frontend/\nCOPY . /doccano\n',
      'frontend/package.json': '{}\n',
      'docker/nginx/default.conf': defaultConf,
    });
    const { fileList } = readTree({ paths: ['.'], cwd: root, config: {} });
    expect(fileList.find((file) => file.file === 'docker/nginx/default.conf')?.reason).toMatch(
      /; copied or mounted to \/doccano\/docker\/nginx\/default\.conf$/,
    );
  });
});

describe('files a compose service mounts', () => {
  test('a mounted file and a mounted directory (glob include) are read where nginx opens them', () => {
    const compose = [
      'services:',
      '  nginx:',
      '    image: nginx:1.27',
      '    volumes:',
      '      - ./docker/umap-snippet.conf:/etc/nginx/snippets/umap.conf:ro',
      '      - type: bind',
      '        source: ./docker/extra',
      '        target: /etc/nginx/extra',
      '      - ./docker/nginx.conf:/etc/nginx/nginx.conf:ro',
      '',
    ].join('\n');
    const main =
      'events {}\nhttp {\n    include /etc/nginx/extra/*.conf;\n    server {\n        listen 80;\n        include /etc/nginx/snippets/umap.conf;\n    }\n}\n';
    const result = lint({
      'docker-compose.yml': compose,
      'docker/nginx.conf': main,
      'docker/umap-snippet.conf': 'location /static { alias /srv/static; }\n',
      'docker/extra/gzip.conf': 'gzip on;\n',
    });
    expect(result.missing).toEqual([]);
    expect(result.files).toEqual(expect.arrayContaining(['docker/umap-snippet.conf', 'docker/extra/gzip.conf']));
  });

  test('nginx.includeMap in .cfglint.json wins over a mount', () => {
    const result = lint(
      {
        'docker-compose.yml': 'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./params:/etc/nginx/params\n',
        'params/wsgi_params': wsgiParams,
        'nginx/site.conf': site.replace('/etc/nginx/wsgi_params', '/etc/nginx/params/wsgi_params'),
      },
      { nginx: { includeMap: { '/etc/nginx': 'elsewhere' } } },
    );
    expect(result.missing).toEqual(['nginx/site.conf:4']);
  });
});

describe("an include reads only what its own container holds (Mailu's docs image beside its front)", () => {
  // The front's http level sets security headers; a location with an add_header of its own drops
  // them (nginx inherits add_header only into a level that has none), wherever that location runs.
  const front = [
    'events {}',
    'http {',
    '  add_header X-Frame-Options SAMEORIGIN always;',
    '  server { listen 443; location / { return 204; } }',
    '  include /etc/nginx/conf.d/*.conf;',
    '}',
    '',
  ].join('\n');
  const docs = 'server {\n  listen 80;\n  location /static/ {\n    add_header Cache-Control "public";\n  }\n}\n';
  const frontImage = 'FROM alpine:3.20\nRUN apk add --no-cache nginx\nCOPY nginx.conf /etc/nginx/nginx.conf\nCMD ["nginx", "-g", "daemon off;"]\n';
  const includedFrom = (tree: Record<string, string>, file: string) =>
    readTree({ paths: ['.'], cwd: writeTree(tree), config: {} }).fileList.find((listed) => listed.file === file)?.reason;

  test("a file another image copies into its own conf.d is not in the front's", () => {
    const tree = {
      'front/Dockerfile': frontImage,
      'front/nginx.conf': front,
      'docs/Dockerfile': 'FROM nginx:1.29.0-alpine\nCOPY ./nginx.conf /etc/nginx/conf.d/default.conf\n',
      'docs/nginx.conf': docs,
    };
    expect(serious(tree)).toEqual([]);
    expect(includedFrom(tree, 'docs/nginx.conf')).not.toMatch(/included from/);
    // The same file copied by the front's own image is in its conf.d: the headers are dropped there.
    const together = { ...tree, 'front/docs.conf': docs, 'front/Dockerfile': `${frontImage}COPY docs.conf /etc/nginx/conf.d/docs.conf\n` };
    expect(serious(together)).toEqual(['nginx-header-redefinition front/docs.conf:4']);
  });

  test('a compose service holds its own mounts and the COPYs of the Dockerfile it builds, not another service’s mounts', () => {
    const compose = (siteMountedIn: 'front' | 'docs') =>
      [
        'services:',
        '  front:',
        '    build: ./front',
        ...(siteMountedIn === 'front' ? ['    volumes:', '      - ./site.conf:/etc/nginx/conf.d/site.conf:ro'] : []),
        '  docs:',
        '    image: nginx:1.27-alpine',
        ...(siteMountedIn === 'docs' ? ['    volumes:', '      - ./site.conf:/etc/nginx/conf.d/site.conf:ro'] : []),
        '',
      ].join('\n');
    const tree = (siteMountedIn: 'front' | 'docs') => ({
      'docker-compose.yml': compose(siteMountedIn),
      'front/Dockerfile': frontImage,
      'front/nginx.conf': front,
      'site.conf': docs,
    });
    expect(serious(tree('front'))).toEqual(['nginx-header-redefinition site.conf:4']);
    expect(serious(tree('docs'))).toEqual([]);
  });

  test('where no image or mount places the including file, or its image may be built on the other, the include reads the file as before', () => {
    const copiedByDocs = { 'docs/Dockerfile': 'FROM nginx:1.29.0-alpine\nCOPY ./nginx.conf /etc/nginx/conf.d/default.conf\n', 'docs/nginx.conf': docs };
    // No container is known for front/nginx.conf (a host's nginx, a copy the tree does not show).
    expect(serious({ 'front/nginx.conf': front, ...copiedByDocs })).toEqual(['nginx-header-redefinition docs/nginx.conf:4']);
    // An image named with a namespace may be the tree's own front image, pushed and built upon.
    const onFront = { 'docs/Dockerfile': 'FROM example/front:1.0\nCOPY ./nginx.conf /etc/nginx/conf.d/default.conf\n', 'docs/nginx.conf': docs };
    expect(serious({ 'front/Dockerfile': frontImage, 'front/nginx.conf': front, ...onFront })).toEqual(['nginx-header-redefinition docs/nginx.conf:4']);
  });

  test('images that each copy their own conf.d: each include reads its own image’s files', () => {
    const image = 'FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY sites/ /etc/nginx/conf.d/\n';
    const tree = {
      'a/Dockerfile': image,
      'a/nginx.conf': front,
      'a/sites/app.conf': docs,
      'b/Dockerfile': image,
      'b/nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n',
      'b/sites/app.conf': docs,
    };
    // Only a's http level has headers to drop, and only a's own app.conf is under it.
    expect(serious(tree)).toEqual(['nginx-header-redefinition a/sites/app.conf:4']);
    expect(includedFrom(tree, 'b/sites/app.conf')).toMatch(/included from b\/nginx\.conf/);
  });

  test('--list-files names the path the running image gives a file, not the one a build stage copies it to', () => {
    const tree = {
      'docs/Dockerfile': [
        'FROM python:3.13-alpine AS build',
        'COPY . /docs',
        'RUN sphinx-build /docs /build',
        'FROM nginx:1.29.0-alpine',
        'COPY ./nginx.conf /etc/nginx/conf.d/default.conf',
        'COPY --from=build /build /build',
        '',
      ].join('\n'),
      'docs/nginx.conf': docs,
      'docs/index.rst': 'Docs\n',
    };
    expect(includedFrom(tree, 'docs/nginx.conf')).toMatch(/; copied or mounted to \/etc\/nginx\/conf\.d\/default\.conf$/);
  });
});

describe('a file COPY writes without a trailing slash: into a directory the image holds, else as that path', () => {
  // BuildKit copies a file into an existing directory named as the destination (fsutil copy.go
  // prepareTargetDir) and writes it as the path where nothing is there.
  const copiedTo = (dockerfile: string) => {
    const root = writeTree({ Dockerfile: dockerfile, 'deploy/site.conf': site, 'deploy/params/wsgi_params': wsgiParams });
    return readTree({ paths: ['.'], cwd: root, config: {} })
      .fileList.find((file) => file.file === 'deploy/site.conf')
      ?.reason?.replace(/^.*; copied or mounted to /, '');
  };

  test('a new path stays a file; a directory the base image or the Dockerfile makes takes the file under its name', () => {
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy/site.conf /etc/nginx/nginx.conf\n')).toBe('/etc/nginx/nginx.conf');
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy/site.conf /etc/nginx/sites\n')).toBe('/etc/nginx/sites');
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy/site.conf /etc\n')).toBe('/etc/site.conf');
    expect(copiedTo('FROM nginx:1.27\nRUN mkdir -p /etc/nginx/sites\nCOPY deploy/site.conf /etc/nginx/sites\n')).toBe('/etc/nginx/sites/site.conf');
    expect(copiedTo('FROM nginx:1.27\nWORKDIR /etc/nginx/sites\nCOPY deploy/site.conf /etc/nginx/sites\n')).toBe('/etc/nginx/sites/site.conf');
    // The directory COPY deploy /srv/deploy makes (with site.conf in it) holds params/: a file copied there lands in it.
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy /srv/deploy\nCOPY deploy/site.conf /srv/deploy/params\n')).toBe(
      '/srv/deploy/params/site.conf, /srv/deploy/site.conf',
    );
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy /srv/deploy\nCOPY deploy/site.conf /srv/deploy/other\n')).toBe('/srv/deploy/other, /srv/deploy/site.conf');
  });

  test('a RUN mv moves the file, a RUN cp copies it (into a directory named with a slash); one after || stays where COPY put it', () => {
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy/site.conf /tmp/site.conf\nRUN mv /tmp/site.conf /etc/nginx/conf.d/\n')).toBe('/etc/nginx/conf.d/site.conf');
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy/site.conf /tmp/site.conf\nRUN cp /tmp/site.conf /etc/nginx/conf.d/\n')).toBe(
      // In the order the Dockerfile places it: the COPY's path, then the cp's.
      '/tmp/site.conf, /etc/nginx/conf.d/site.conf',
    );
    expect(copiedTo('FROM nginx:1.27\nCOPY deploy/site.conf /tmp/site.conf\nRUN true || mv /tmp/site.conf /etc/nginx/conf.d/\n')).toBe('/tmp/site.conf');
  });

  test('an include finds the file in the directory a RUN mkdir made, and not where no directory was', () => {
    const including =
      'server {\n    listen 80;\n    location / {\n        include /etc/nginx/params/wsgi_params;\n        uwsgi_pass 127.0.0.1:3031;\n    }\n}\n';
    const tree = (dockerfile: string) => ({ Dockerfile: dockerfile, 'deploy/nginx/site.conf': including, 'deploy/params/wsgi_params': wsgiParams });
    const copies = 'COPY deploy/nginx/site.conf /etc/nginx/conf.d/site.conf\nCOPY deploy/params/wsgi_params /etc/nginx/params\n';
    expect(lint(tree(`FROM nginx:1.27\nRUN mkdir -p /etc/nginx/params\n${copies}`)).missing).toEqual([]);
    expect(lint(tree(`FROM nginx:1.27\n${copies}`)).missing).toEqual(['deploy/nginx/site.conf:4']);
  });
});
