/**
 * A container whose command runs `honcho start` or `foreman start` runs the Procfile it reads
 * there (superdesk: `CMD ["honcho", "start"]` over `server/Procfile`). Trees on disk, read by the
 * real engine. Expected ports follow the runners' sources: honcho's `expand_processes` (base 5000,
 * +100 per process it starts, in the order it starts them, +1 per copy) and foreman's `port_for`
 * (base 5000, +100 per position in the Procfile).
 */
import { linkDeployment } from '../../../src/model/links';
import { readDiskTree } from '../../disk-tree';

const modelOf = (tree: Record<string, string>) => readDiskTree(tree).model;

/** `target file: address -> backend kind name (reason)` for every link. */
function links(tree: Record<string, string>): string[] {
  return linkDeployment(modelOf(tree)).map((l) => `${l.target.span.file}: ${l.target.address.text} -> ${l.backend.kind} ${l.backend.name} (${l.reason})`);
}

/** Each Procfile process: its compose service, whether it runs in a container, and its PORT. */
function processes(tree: Record<string, string>): string[] {
  return modelOf(tree)
    .launches.filter((l) => l.kind === 'procfile')
    .map((l) => `${l.argv.map((arg) => arg.value).join(' ')} | ${l.service} ${l.container ? 'container' : 'host'} PORT=${l.env.get('PORT')?.value}`);
}

/** An nginx container of the same compose project, sending one location to each address. */
const nginx = (...addresses: string[]) =>
  `server {\n    listen 80;\n${addresses.map((address, i) => `    location /p${i} { proxy_pass http://${address}; }\n`).join('')}}\n`;

const project = (command: string, procfile: string, addresses: string[], extra: Record<string, string> = {}) => ({
  'docker-compose.yml':
    'services:\n  app:\n    build: ./server\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./site.conf:/etc/nginx/conf.d/default.conf\n',
  'server/Dockerfile': `FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ${command}\n`,
  'server/Procfile': procfile,
  'site.conf': nginx(...addresses),
  ...extra,
});

const procfile = 'rest: gunicorn -b 0.0.0.0:5000 wsgi\ncapi: gunicorn -b 0.0.0.0:$PORT capi.wsgi\n';

describe('honcho start in a container', () => {
  test('a literal port, and $PORT numbered by position: the second process gets 5100 (repro-honcho)', () => {
    const tree = project('["honcho", "start"]', procfile, ['app:5000', 'app:5100']);
    expect(links(tree)).toEqual(['site.conf: app:5000 -> gunicorn app (compose-service)', 'site.conf: app:5100 -> gunicorn app (compose-service)']);
    expect(processes(tree)).toEqual([
      'gunicorn -b 0.0.0.0:5000 wsgi | app container PORT=5000',
      'gunicorn -b 0.0.0.0:5100 capi.wsgi | app container PORT=5100',
    ]);
  });

  test("another position's port does not link: the first process has 5000, the second 5100", () => {
    const tree = project('["honcho", "start"]', 'worker: celery -A tasks worker\nweb: gunicorn -b 0.0.0.0:$PORT wsgi\n', ['app:5000']);
    expect(links(tree)).toEqual([]);
  });

  test('a gunicorn config that binds PORT from the environment, through an entrypoint that ends in exec "$@" (superdesk)', () => {
    const tree = project(
      '["honcho", "start"]',
      'rest: gunicorn -c gunicorn_config.py wsgi\nwamp: python3 -u ws.py\ncapi: gunicorn -c gunicorn_config.py content_api.wsgi\n',
      ['app:5000', 'app:5200'],
      {
        'server/Dockerfile': 'FROM python:3.12\nWORKDIR /opt/app/\nCOPY . .\nENTRYPOINT ["/opt/app/docker/start.sh"]\nCMD ["honcho", "start"]\n',
        'server/docker/start.sh': '#!/bin/bash\nset -e\ncd /opt/app/\nhoncho run python3 manage.py migrate\nexec "$@"\n',
        'server/gunicorn_config.py': 'import os\nbind = "0.0.0.0:" + os.environ.get("PORT", "5000")\n',
      },
    );
    expect(links(tree)).toEqual(['site.conf: app:5000 -> gunicorn app (compose-service)', 'site.conf: app:5200 -> gunicorn app (compose-service)']);
  });

  test('honcho start rest runs rest alone, first, at 5000', () => {
    const tree = project('["honcho", "start", "rest"]', 'capi: gunicorn -b 0.0.0.0:$PORT capi.wsgi\nrest: gunicorn -b 0.0.0.0:$PORT wsgi\n', [
      'app:5000',
      'app:5100',
    ]);
    expect(processes(tree)).toEqual(['gunicorn -b 0.0.0.0:5000 wsgi | app container PORT=5000']);
    expect(links(tree)).toEqual(['site.conf: app:5000 -> gunicorn app (compose-service)']);
  });

  test('-p sets the base port, -c runs copies on the next ports', () => {
    const tree = project('honcho start -p 8000 -c web=2', 'web: gunicorn -b 0.0.0.0:$PORT wsgi\n', ['app:8001']);
    expect(processes(tree)).toEqual(['gunicorn -b 0.0.0.0:8000 wsgi | app container PORT=8000', 'gunicorn -b 0.0.0.0:8001 wsgi | app container PORT=8001']);
    expect(links(tree)).toEqual(['site.conf: app:8001 -> gunicorn app (compose-service)']);
  });

  test('PORT in the container environment is the base port', () => {
    const tree = project('["honcho", "start"]', 'web: gunicorn -b 0.0.0.0:$PORT wsgi\n', ['app:7000'], {
      'server/Dockerfile': 'FROM python:3.12\nENV PORT=7000\nWORKDIR /app\nCOPY . .\nCMD ["honcho", "start"]\n',
    });
    expect(links(tree)).toEqual(['site.conf: app:7000 -> gunicorn app (compose-service)']);
  });

  test('a Procfile the image does not hold is not run there: it stays a Heroku process with PORT unknown', () => {
    const tree = project('["honcho", "start"]', procfile, ['app:5000', 'app:5100'], {
      'server/Dockerfile': 'FROM python:3.12\nWORKDIR /app\nCOPY wsgi.py .\nCMD ["honcho", "start"]\n',
      'server/wsgi.py': 'application = None\n',
    });
    expect(links(tree)).toEqual([]);
    expect(processes(tree)).toEqual(['gunicorn -b 0.0.0.0:5000 wsgi | rest host PORT=$PORT', 'gunicorn -b 0.0.0.0:$PORT capi.wsgi | capi host PORT=$PORT']);
  });

  test('honcho run is no start, whatever its command says', () => {
    const tree = project('["honcho", "run", "python3", "tasks.py", "start"]', procfile, ['app:5000']);
    expect(links(tree)).toEqual([]);
    expect(processes(tree)).toEqual(['gunicorn -b 0.0.0.0:5000 wsgi | rest host PORT=$PORT', 'gunicorn -b 0.0.0.0:$PORT capi.wsgi | capi host PORT=$PORT']);
  });

  test('a .env the image holds may set PORT and PROCFILE for honcho: the Procfile is read as on its own', () => {
    const tree = project('["honcho", "start"]', procfile, ['app:5100'], { 'server/.env': 'PORT=6000\n' });
    expect(links(tree)).toEqual([]);
  });
});

describe('foreman start in a container', () => {
  test('foreman start NAME numbers NAME by its Procfile position: the second process at 5100', () => {
    const tree = project('bundle exec foreman start capi', 'rest: gunicorn -b 0.0.0.0:$PORT wsgi\ncapi: gunicorn -b 0.0.0.0:$PORT capi.wsgi\n', [
      'app:5000',
      'app:5100',
    ]);
    expect(processes(tree)).toEqual(['gunicorn -b 0.0.0.0:5100 capi.wsgi | app container PORT=5100']);
    expect(links(tree)).toEqual(['site.conf: app:5100 -> gunicorn app (compose-service)']);
  });

  test('-m formation: a type it leaves out does not run, and keeps its position', () => {
    const tree = project('foreman start -m web=1', 'worker: celery -A tasks worker\nweb: gunicorn -b 0.0.0.0:$PORT wsgi\n', ['app:5000', 'app:5100']);
    expect(processes(tree)).toEqual(['gunicorn -b 0.0.0.0:5100 wsgi | app container PORT=5100']);
  });
});
