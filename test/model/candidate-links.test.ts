/**
 * A listener whose address is written with `${PORT:-8000}` where only an env_file the tree lacks
 * may set PORT: a candidate link for the graph, never a link a rule judges. Trees are written to
 * disk and read by the real engine (the makeplane/plane layout: compose `env_file: ./api/.env`,
 * gitignored, and an entry script that runs `gunicorn --bind 0.0.0.0:"${PORT:-8000}"`).
 */
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import { candidateLinks, linkDeployment } from '../../src/model/links';
import { renderGraph } from '../../src/report/graph';
import { writeTree } from '../disk-tree';

function modelOf(tree: Record<string, string>) {
  const dir = writeTree(tree);
  return readTree({ paths: [dir], cwd: dir, config: {} }).model;
}

/** `address -> backend kind service (reason)` for every link. */
function links(tree: Record<string, string>): string[] {
  return linkDeployment(modelOf(tree)).map((l) => `${l.target.address.text} -> ${l.backend.kind} ${l.backend.name} (${l.reason})`);
}

/** `address -> backend kind service at host:port if VARIABLES are unset, set by file:line` for every candidate link. */
function candidates(tree: Record<string, string>): string[] {
  return candidateLinks(modelOf(tree)).map(
    (c) =>
      `${c.target.address.text} -> ${c.backend.kind} ${c.backend.name} at ${c.address.host}:${c.address.port} if ${c.variables.join(',')} unset, set by ${c.setBy
        .map((span) => `${span.file}:${span.start.line}`)
        .join(',')}`,
  );
}

function graph(tree: Record<string, string>): string {
  const dir = writeTree(tree);
  const result = lintSync({ paths: [dir], cwd: dir, config: {} });
  return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
}

function serious(tree: Record<string, string>): string[] {
  const dir = writeTree(tree);
  return lintSync({ paths: [dir], cwd: dir, config: {} })
    .report.findings.filter((f) => f.severity !== 'info')
    .map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`);
}

const nginx = (location = '') =>
  `events {}\nhttp {\n  server {\n    listen 80;\n    location /api/ {\n      proxy_pass http://api:8000;\n${location}    }\n  }\n}\n`;

/** The plane layout: api runs an entry script, its env_file is not in the tree. */
function plane(entry: string, files: Record<string, string> = {}, environment = ''): Record<string, string> {
  return {
    'docker-compose.yml': [
      'services:',
      '  api:',
      '    build:',
      '      context: ./api',
      '    command: ./bin/entry.sh',
      '    env_file:',
      '      - ./api/.env',
      ...(environment ? ['    environment:', `      ${environment}`] : []),
      '  proxy:',
      '    image: nginx:1.27',
      '    volumes:',
      '      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro',
      '    ports:',
      '      - "80:80"',
      '',
    ].join('\n'),
    'api/Dockerfile': 'FROM python:3.12-slim\nWORKDIR /code\nCOPY ./bin ./bin/\nEXPOSE 8000\nCMD ["./bin/entry.sh"]\n',
    'api/bin/entry.sh': `#!/bin/bash\n${entry}\n`,
    'nginx/nginx.conf': nginx(),
    ...files,
  };
}

const quotedDefault = 'exec gunicorn app.wsgi:application --bind 0.0.0.0:"${PORT:-8000}"';

describe('a bind whose port defaults where an absent env_file may set it', () => {
  test('the repro: no link, one candidate to the gunicorn of the service the host names, with the env_file entry', () => {
    const tree = plane(quotedDefault);
    expect(links(tree)).toEqual([]);
    // The shell gives 8000 for "${PORT:-8000}" when PORT is unset (POSIX parameter expansion);
    // line 7 of the compose file is `- ./api/.env`, the env_file that may set PORT.
    expect(candidates(tree)).toEqual(['api:8000 -> gunicorn api at 0.0.0.0:8000 if PORT unset, set by docker-compose.yml:7']);
  });

  test('the graph names the candidate and why it is not certain, instead of "no backend in the tree", and shows the bind without the shell quotes', () => {
    const text = graph(plane(quotedDefault));
    expect(text).toContain('upstream1 -->|"may be served if PORT is unset #40;port 8000#41;');
    expect(text).toContain('docker-compose.yml:7');
    expect(text).not.toContain('no backend in the tree');
    expect(text).toContain('bind 0.0.0.0:8000 if PORT is unset');
    expect(text).not.toContain('#34;$#123;PORT');
  });

  test('two defaulted variables (superset\'s "${HOST:-0.0.0.0}:${PORT:-8000}") are both named', () => {
    const text = graph(plane('exec gunicorn app.wsgi --bind "${HOST:-0.0.0.0}:${PORT:-8000}"'));
    expect(text).toContain('may be served if HOST and PORT are unset #40;port 8000#41;');
    expect(text).toContain('bind 0.0.0.0:8000 if HOST and PORT are unset');
  });

  test('--bind=… written as one word and a bare ${PORT-8000} are candidates too', () => {
    expect(candidates(plane('exec gunicorn app.wsgi --bind=0.0.0.0:${PORT:-8000}'))).toHaveLength(1);
    expect(candidates(plane('exec gunicorn app.wsgi -b 0.0.0.0:${PORT-8000}'))).toHaveLength(1);
  });

  test('a rule that judges linked pairs stays silent on a candidate, and speaks once the env_file is there without PORT', () => {
    // gunicorn's sync worker is killed after --timeout 10s; nginx waits 120s: a finding only on a certain link.
    const entry = 'exec gunicorn app.wsgi --timeout 10 --bind 0.0.0.0:"${PORT:-8000}"';
    const timeout = '      proxy_read_timeout 120s;\n';
    const absent = plane(entry, { 'nginx/nginx.conf': nginx(timeout) });
    expect(candidates(absent)).toHaveLength(1);
    expect(serious(absent)).toEqual([]);
    const present = plane(entry, { 'nginx/nginx.conf': nginx(timeout), 'api/.env': 'DEBUG=1\n' });
    expect(serious(present)).toEqual(['proxy-read-timeout-backend nginx/nginx.conf:7']);
  });

  test('a second compose file that runs runserver on 8000 is no longer the hint: the same project’s gunicorn is the candidate', () => {
    const tree = plane(quotedDefault, {
      'docker-compose-local.yml':
        'services:\n  api:\n    build:\n      context: ./api\n    command: python manage.py runserver 0.0.0.0:8000\n    ports:\n      - "8000:8000"\n',
    });
    const text = graph(tree);
    expect(text).toContain('may be served if PORT is unset');
    expect(text).not.toContain('may be served by python');
  });
});

describe('where the default is not what the process gets, or there is none', () => {
  test('the env_file is there and sets PORT=9000: gunicorn binds 9000, nothing links or may link to 8000', () => {
    const tree = plane(quotedDefault, { 'api/.env': 'PORT=9000\n' });
    expect(links(tree)).toEqual([]);
    expect(candidates(tree)).toEqual([]);
    expect(graph(tree)).toContain('no backend in the tree');
  });

  test('the env_file is there without PORT: the default is certain and the link is made as before', () => {
    const tree = plane(quotedDefault, { 'api/.env': 'DEBUG=1\n' });
    expect(links(tree)).toEqual(['api:8000 -> gunicorn api (compose-service)']);
    expect(candidates(tree)).toEqual([]);
  });

  test('compose sets PORT itself from a variable the tree does not give: PORT is set, its default does not apply', () => {
    expect(candidates(plane(quotedDefault, {}, 'PORT: "${API_PORT}"'))).toEqual([]);
  });

  test('no default, an alternative value, or a default with another variable: no candidate', () => {
    expect(candidates(plane('exec gunicorn app.wsgi --bind 0.0.0.0:"${PORT}"'))).toEqual([]);
    expect(candidates(plane('exec gunicorn app.wsgi --bind 0.0.0.0:"${PORT:+8000}"'))).toEqual([]);
    expect(candidates(plane('exec gunicorn app.wsgi --bind 0.0.0.0:"${PORT:-$DEFAULT_PORT}"'))).toEqual([]);
    expect(candidates(plane('exec gunicorn app.wsgi --bind "${HOST}:${PORT:-8000}"'))).toEqual([]);
  });

  test('a default port nginx does not send to is no candidate', () => {
    expect(candidates(plane('exec gunicorn app.wsgi --bind 0.0.0.0:"${PORT:-5000}"'))).toEqual([]);
  });
});

describe('uvicorn: --port "${PORT:-8000}" where an absent env_file may set PORT', () => {
  test('the port as the next word: one candidate to the uvicorn of the service, no link', () => {
    const tree = plane('exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8000}"');
    expect(links(tree)).toEqual([]);
    expect(candidates(tree)).toEqual(['api:8000 -> uvicorn api at 0.0.0.0:8000 if PORT unset, set by docker-compose.yml:7']);
    expect(graph(tree)).toContain('--port 0.0.0.0:8000 if PORT is unset');
  });

  test('--port=${PORT:-8000} written as one word is the port option, not the app', () => {
    const tree = plane('exec uvicorn --port=${PORT:-8000} --host 0.0.0.0 app.main:app');
    expect(candidates(tree)).toEqual(['api:8000 -> uvicorn api at 0.0.0.0:8000 if PORT unset, set by docker-compose.yml:7']);
  });

  test('the env_file is there without PORT: the default is certain and the link is made', () => {
    const tree = plane('exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8000}"', { 'api/.env': 'DEBUG=1\n' });
    expect(links(tree)).toEqual(['api:8000 -> uvicorn api (compose-service)']);
    expect(candidates(tree)).toEqual([]);
  });

  test('no candidate without a default, with the default host only (127.0.0.1 is not reachable from nginx), or with $UVICORN_OPTS after the port', () => {
    expect(candidates(plane('exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT}"'))).toEqual([]);
    expect(candidates(plane('exec uvicorn app.main:app --port "${PORT:-8000}"'))).toEqual([]);
    expect(candidates(plane('exec uvicorn app.main:app --host 0.0.0.0 --port "${PORT:-8000}" $UVICORN_OPTS'))).toEqual([]);
  });
});
