/**
 * Config text a command writes (echo, printf '%s\n') where nginx reads it: read with the launch's
 * variables, positions in the script or Dockerfile that writes it. Each tree is written to disk
 * and read by the real engine.
 */
import { lintSync } from '../../../src/engine/run';
import { readTree } from '../../../src/engine/read-tree';
import { linkDeployment } from '../../../src/model/links';
import type { Finding } from '../../../src/engine/findings';
import { writeTree } from '../../disk-tree';

function links(tree: Record<string, string>): string[] {
  const dir = writeTree(tree);
  const model = readTree({ paths: [dir], cwd: dir, config: {} }).model;
  return linkDeployment(model).map((l) => `${l.target.span.file}:${l.target.span.start.line} ${l.target.address.text} -> ${l.backend.kind}`);
}

function lint(tree: Record<string, string>): Finding[] {
  const dir = writeTree(tree);
  return lintSync({ paths: [dir], cwd: dir, config: {} }).report.findings;
}

const serious = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`);

/** JeecgBoot's jeecgboot-vue3/Dockerfile shape: the whole site echoed by a RUN, with a `set` variable in proxy_pass. */
const springApi = {
  'api/Dockerfile': 'FROM eclipse-temurin:17\nCOPY target/app.jar /app.jar\nCMD java -jar /app.jar\n',
  'api/src/main/resources/application.yml': 'server:\n  port: 8080\n',
};
const echoedSite = (proxyPass: string) =>
  [
    'FROM nginx',
    'RUN echo "server {  \\',
    '    listen 80; \\',
    '    # a comment line Docker drops from the continuation \\',
    '    location /api/ { \\',
    '        set \\$api_host api; \\',
    `        proxy_pass ${proxyPass}; \\`,
    '    } \\',
    '}" > /etc/nginx/conf.d/default.conf \\',
    '    && mkdir -p /var/www',
    '',
  ].join('\n');
const webCompose = 'services:\n  api:\n    build: ./api\n  web:\n    build: ./web\n    ports: ["80:80"]\n';

/** DefectDojo's shape: the entrypoint writes one-line includes from the container's environment. */
const ddEntrypoint = (lines: string[]) => ['#!/bin/sh', 'set -e', ...lines, 'exec nginx -g "daemon off;"', ''].join('\n');
const ddTree = (entrypoint: string, environment = '      DD_UWSGI_HOST: "uwsgi"\n      DD_UWSGI_PORT: "3031"\n') => ({
  'Dockerfile.nginx': [
    'FROM nginx:1.27',
    'COPY nginx/nginx.conf /etc/nginx/',
    'COPY docker/entrypoint-nginx.sh /',
    'ENV DD_UWSGI_PASS="uwsgi_server"',
    'ENTRYPOINT ["/entrypoint-nginx.sh"]',
    '',
  ].join('\n'),
  'docker/entrypoint-nginx.sh': entrypoint,
  'compose.yaml': [
    'services:',
    '  nginx:',
    '    build: {context: ., dockerfile: Dockerfile.nginx}',
    '    environment:',
    environment.replace(/\n$/, ''),
    '    ports: ["8080:8080"]',
    '  uwsgi:',
    '    image: python:3.12',
    '    command: uwsgi --socket 0.0.0.0:3031 --die-on-term --master --wsgi app:application',
    '',
  ].join('\n'),
  'nginx/nginx.conf': [
    'events {}',
    'http {',
    '    upstream uwsgi_server {',
    '        include /run/app/uwsgi_server;',
    '    }',
    '    server {',
    '        listen 8080;',
    '        location / {',
    '            include /run/app/uwsgi_pass;',
    '            include /etc/nginx/uwsgi_params;',
    '        }',
    '    }',
    '}',
    '',
  ].join('\n'),
});
const ddWrites = ['echo "uwsgi_pass ${DD_UWSGI_PASS};" > /run/app/uwsgi_pass', 'echo "server ${DD_UWSGI_HOST}:${DD_UWSGI_PORT};" > /run/app/uwsgi_server'];

describe('echo in a Dockerfile RUN', () => {
  test('the echoed site links its proxy_pass (a `set` variable, `\\$` in double quotes) to the Spring Boot service, and nothing is reported', () => {
    const tree = { ...springApi, 'web/Dockerfile': echoedSite('http://\\$api_host:8080'), 'docker-compose.yml': webCompose };
    // The proxy_pass line of the Dockerfile (line 7): nginx sets $api_host to the compose service api, which Spring Boot serves on server.port 8080.
    expect(links(tree)).toEqual(['web/Dockerfile:7 api:8080 -> spring-boot']);
    expect(serious(lint(tree))).toEqual([]);
  });

  test('echo with an option bash and dash read differently, or an unquoted glob, writes nothing read', () => {
    const unquotedGlob = 'FROM nginx\nRUN echo "server { listen 80; location /api/ { proxy_pass http://api:9090; } }" "#" * > /etc/nginx/conf.d/default.conf\n';
    for (const site of [echoedSite('http://api:9090').replace('RUN echo "', 'RUN echo -e "'), unquotedGlob]) {
      const tree = { ...springApi, 'web/Dockerfile': site, 'docker-compose.yml': webCompose };
      expect(links(tree)).toEqual([]);
      expect(serious(lint(tree))).toEqual([]);
    }
  });
});

describe('echo in an entrypoint', () => {
  test('one-line includes from Dockerfile ENV and compose environment link the upstream to uwsgi', () => {
    // server uwsgi:3031 (compose environment) in the upstream that uwsgi_pass uwsgi_server (Dockerfile ENV) names; uwsgi binds 0.0.0.0:3031.
    expect(links(ddTree(ddEntrypoint(ddWrites)))).toEqual(['docker/entrypoint-nginx.sh:4 uwsgi:3031 -> uwsgi']);
    expect(serious(lint(ddTree(ddEntrypoint(ddWrites))))).toEqual([]);
  });

  test('the echoed text is judged, at the script line', () => {
    // uwsgi --socket speaks the uwsgi protocol, not HTTP: proxy_pass to it fails.
    const lines = ['echo "proxy_pass http://${DD_UWSGI_PASS};" > /run/app/uwsgi_pass', ddWrites[1]];
    expect(serious(lint(ddTree(ddEntrypoint(lines))))).toEqual(['upstream-protocol-mismatch docker/entrypoint-nginx.sh:3']);
  });

  test('`>>` appends to what the script wrote', () => {
    const lines = [
      'echo "# written at start" > /run/app/uwsgi_server',
      'echo "server ${DD_UWSGI_HOST}:${DD_UWSGI_PORT};" >> /run/app/uwsgi_server',
      ddWrites[0],
    ];
    expect(links(ddTree(ddEntrypoint(lines)))).toEqual(['docker/entrypoint-nginx.sh:4 uwsgi:3031 -> uwsgi']);
  });

  test('printf %s\\n prints each operand on its own line', () => {
    const lines = [`printf '%s\\n' "server \${DD_UWSGI_HOST}:\${DD_UWSGI_PORT};" > /run/app/uwsgi_server`, ddWrites[0]];
    expect(links(ddTree(ddEntrypoint(lines)))).toEqual(['docker/entrypoint-nginx.sh:3 uwsgi:3031 -> uwsgi']);
  });

  test('a variable the tree does not give is unknown: nothing is judged, nothing links', () => {
    const tree = ddTree(ddEntrypoint(['echo "$UNSET_PASS" > /run/app/uwsgi_pass', ddWrites[1]]), '      DD_UWSGI_PORT: "3031"\n');
    expect(serious(lint(tree))).toEqual([]);
    const unknownHost = ddTree(ddEntrypoint(ddWrites), '      DD_UWSGI_PORT: "3031"\n');
    expect(serious(lint(unknownHost))).toEqual([]);
    expect(links(unknownHost)).toEqual([]);
  });

  test('writes after the server starts, inside `if`, appended to a file the script did not write, or changed later are not read', () => {
    const cases = [
      ['set -e', 'exec nginx -g "daemon off;"', ...ddWrites],
      ['if [ -n "$DD_DEBUG" ]; then', ...ddWrites, 'fi'],
      ['if [ -f /run/app/ready ]; then', ...ddWrites, 'fi'],
      [ddWrites[0], ddWrites[1].replace('>', '>>')],
      [...ddWrites, "sed -i 's/uwsgi/other/' /run/app/uwsgi_server"],
    ];
    for (const lines of cases) {
      const tree = ddTree(ddEntrypoint(lines));
      expect(links(tree)).toEqual([]);
      expect(serious(lint(tree))).toEqual([]);
    }
  });

  test("inside an `if` on a variable the container's environment gives (and the script never sets), the writes run as that value decides", () => {
    // compose gives DD_UWSGI_HOST "uwsgi": `-n` holds, the writes are made and read.
    expect(links(ddTree(ddEntrypoint(['if [ -n "$DD_UWSGI_HOST" ]; then', ...ddWrites, 'fi'])))).toEqual(['docker/entrypoint-nginx.sh:5 uwsgi:3031 -> uwsgi']);
    expect(links(ddTree(ddEntrypoint(['if [ -z "$DD_UWSGI_HOST" ]; then', ...ddWrites, 'fi'])))).toEqual([]);
  });
});
