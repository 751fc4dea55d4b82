/** Shell scripts and Procfiles: which commands start servers, variables, wrappers, redirections. */
import { at, describeDiagnostic, readTreeOf, values } from './read-tree';

describe('a start script', () => {
  const script = [
    '#!/bin/sh',
    'set -e',
    'APP_PORT=8000',
    'if [ -n "$DEBUG" ]; then',
    '  WORKERS=1',
    'fi',
    'cd /srv/app',
    'export DJANGO_SETTINGS_MODULE=app.settings',
    'nginx -t',
    'cat > /tmp/x <<EOF',
    'gunicorn not-a-command',
    'EOF',
    'python manage.py migrate --noinput',
    'exec gunicorn app.wsgi \\',
    '  --bind "0.0.0.0:${APP_PORT}" \\',
    '  --workers "$WORKERS" >> /var/log/app.log 2>&1',
    '',
  ].join('\n');
  const { launches, diagnostics } = readTreeOf({ 'docker/start.sh': script });

  test('only the command that starts a server (not nginx -t, not a here-document line)', () => {
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
    expect(launches.map((launch) => launch.program)).toEqual(['gunicorn']);
  });

  test('a variable set earlier is substituted; one set inside if … fi is not known', () => {
    const [launch] = launches;
    expect(launch.kind).toBe('shell');
    expect(values(launch)).toEqual(['gunicorn', 'app.wsgi', '--bind', '0.0.0.0:8000', '--workers', undefined]);
    expect(launch.argv[5]).toMatchObject({ value: '"$WORKERS"', unresolved: ['$WORKERS'] });
    expect(launch.argv.map((arg) => at(arg.span))).toEqual(['14:6-14:14', '14:15-14:23', '15:3-15:9', '15:10-15:31', '16:3-16:12', '16:13-16:23']);
    expect(launch.wrappers.map((arg) => [arg.value, at(arg.span)])).toEqual([['exec', '14:1-14:5']]);
    expect(at(launch.span)).toBe('14:1-16:23');
  });

  test('exported variables are the environment; cd is the working directory', () => {
    const [launch] = launches;
    expect([...launch.env.keys()]).toEqual(['DJANGO_SETTINGS_MODULE']);
    expect(launch.env.get('DJANGO_SETTINGS_MODULE')?.value).toBe('app.settings');
    expect(launch.workingDirectory?.value).toBe('/srv/app');
    expect(at(launch.workingDirectory?.span)).toBe('7:4-7:12');
  });
});

test('several servers in one script, a background one included', () => {
  const { launches } = readTreeOf({ 'run.sh': "uwsgi --ini /app/uwsgi.ini &\nexec nginx -g 'daemon off;'\n" });
  expect(launches.map((launch) => [launch.program, values(launch)])).toEqual([
    ['uwsgi', ['uwsgi', '--ini', '/app/uwsgi.ini']],
    ['nginx', ['nginx', '-g', 'daemon off;']],
  ]);
});

test("python running a server's own script by its path (pgadmin4's /venv/bin/python3 /venv/bin/gunicorn)", () => {
  const [launch] = readTreeOf({ 'run.sh': 'exec /venv/bin/python3 -u /venv/bin/gunicorn --bind 0.0.0.0:80 -c gunicorn_config.py app:app\n' }).launches;
  expect(launch.program).toBe('gunicorn');
  expect(values(launch)).toEqual(['/venv/bin/gunicorn', '--bind', '0.0.0.0:80', '-c', 'gunicorn_config.py', 'app:app']);
  // A script of the application's own is not a server, whatever it is called.
  expect(readTreeOf({ 'run.sh': 'exec python3 app/main.py --port 8000\n' }).launches.map((l) => l.program)).toEqual([]);
});

test("python -m debugpy … -m uvicorn runs uvicorn in the same process (hotosm/tasking-manager's debug image)", () => {
  const [launch] = readTreeOf({
    'run.sh': 'exec python -m debugpy --listen 0.0.0.0:5678 --wait-for-client -m uvicorn backend.main:api --host 0.0.0.0 --port 5000\n',
  }).launches;
  expect(launch.program).toBe('uvicorn');
  expect(values(launch)).toEqual(['uvicorn', 'backend.main:api', '--host', '0.0.0.0', '--port', '5000']);
  // debugpy running a script of the application starts no server cfglint knows.
  expect(readTreeOf({ 'run.sh': 'exec python -m debugpy --listen 5678 manage.py runserver\n' }).launches).toEqual([]);
});

test("Django's and Flask's development servers in a script are launches too (mozilla/pontoon's server_run.sh)", () => {
  const programs = (line: string) =>
    readTreeOf({ 'run.sh': `#!/bin/sh\n${line}\n` }).launches.map((launch) => `${launch.program} ${values(launch).slice(1).join(' ')}`);
  expect(programs('exec python manage.py runserver 0.0.0.0:8000')).toEqual(['python manage.py runserver 0.0.0.0:8000']);
  expect(programs('exec ./manage.py runserver 0.0.0.0:8000')).toEqual(['manage.py runserver 0.0.0.0:8000']);
  expect(programs('flask run --host 0.0.0.0')).toEqual(['flask run --host 0.0.0.0']);
  // Other management commands are no server.
  expect(programs('python manage.py migrate')).toEqual([]);
});

test("a prefix the tree does not give, in front of a server program (socorro's ${CMDPREFIX}, pgadmin4's $SU_EXEC)", () => {
  const launched = (line: string) =>
    readTreeOf({ 'run.sh': `#!/bin/sh\nCMDPREFIX="\${CMDPREFIX:-}"\n${line}\n` }).launches.map((launch) => values(launch).join(' '));
  expect(launched('exec ${CMDPREFIX} gunicorn --bind 0.0.0.0:8000 app:app')).toEqual(['gunicorn --bind 0.0.0.0:8000 app:app']);
  expect(launched('exec $SU_EXEC /venv/bin/gunicorn --bind [::]:80 app:app')).toEqual(['/venv/bin/gunicorn --bind [::]:80 app:app']);
  // A variable in front of something that is no server starts nothing cfglint knows.
  expect(launched('exec ${CMDPREFIX} ./manage.py migrate')).toEqual([]);
  // Several, each empty or a wrapper (pgadmin4's $SU_EXEC "${PYTHON_BIN}"), up to the server's word; not past a known other word.
  expect(launched('exec $SU_EXEC "${PYTHON_BIN}" /venv/bin/gunicorn --bind [::]:80 app:app')).toEqual(['/venv/bin/gunicorn --bind [::]:80 app:app']);
  expect(launched('exec $SU_EXEC "${PYTHON_BIN}" ./manage.py migrate')).toEqual([]);
  expect(launched('exec $SU_EXEC ./wait.sh gunicorn --bind [::]:80 app:app')).toEqual([]);
});

test('wrappers: env, su-exec, python -m', () => {
  const { launches } = readTreeOf({ 'run.sh': 'exec su-exec app env PYTHONUNBUFFERED=1 python3 -u -m uvicorn main:app --port 8000\n' });
  const [launch] = launches;
  expect(launch.program).toBe('uvicorn');
  expect(launch.wrappers.map((arg) => arg.value)).toEqual(['exec', 'su-exec', 'app', 'env', 'PYTHONUNBUFFERED=1', 'python3', '-u', '-m']);
  expect(values(launch)).toEqual(['uvicorn', 'main:app', '--port', '8000']);
  expect(launch.user?.value).toBe('app');
  expect(launch.env.get('PYTHONUNBUFFERED')?.value).toBe('1');
  expect(at(launch.env.get('PYTHONUNBUFFERED')?.span)).toBe('1:39-1:40');
});

describe("su with a command: the user's shell runs it, as sh -c does (util-linux su-common.c)", () => {
  const launchOf = (line: string) => readTreeOf({ 'run.sh': `#!/bin/sh\n${line}\n` }).launches[0];
  test.each([
    // Mayan-EDMS's run_frontend.sh: options after the user (getopt_long permutes them).
    ['su mayan --command "gunicorn --bind 0.0.0.0:8000 app.wsgi"', 'mayan'],
    ['su mayan -c "exec gunicorn --bind 0.0.0.0:8000 app.wsgi"', 'mayan'],
    ["su --command='gunicorn --bind 0.0.0.0:8000 app.wsgi' mayan", 'mayan'],
    // -s takes a value; `-` before the user is a login.
    ['su -s /bin/sh - mayan -c "gunicorn --bind 0.0.0.0:8000 app.wsgi"', 'mayan'],
    ['su -l -g www-data mayan -c "cd /srv && gunicorn --bind 0.0.0.0:8000 app.wsgi"', 'mayan'],
    ['su -lc "gunicorn --bind 0.0.0.0:8000 app.wsgi" mayan', 'mayan'],
  ])('%s', (line, user) => {
    const launch = launchOf(line);
    expect([launch?.program, launch?.user?.value]).toEqual(['gunicorn', user]);
    expect(values(launch)).toEqual(['gunicorn', '--bind', '0.0.0.0:8000', 'app.wsgi']);
  });

  test('a variable in the command: kept without a login, not known after one (su clears the environment, PAM may set it)', () => {
    // Single quotes: the inner shell expands PORT, not the script (which would hand su 9000 either way).
    const script = (flags: string) => `#!/bin/sh\nexport PORT=9000\nsu ${flags}app -c 'gunicorn --bind 0.0.0.0:\${PORT:-8000} app.wsgi'\n`;
    expect(values(readTreeOf({ 'run.sh': script('') }).launches[0])).toEqual(['gunicorn', '--bind', '0.0.0.0:9000', 'app.wsgi']);
    expect(values(readTreeOf({ 'run.sh': script('-m ') }).launches[0])).toEqual(['gunicorn', '--bind', '0.0.0.0:9000', 'app.wsgi']);
    expect(values(readTreeOf({ 'run.sh': script('- ') }).launches[0])).toEqual(['gunicorn', '--bind', undefined, 'app.wsgi']);
    // -w keeps a name through the login.
    expect(values(readTreeOf({ 'run.sh': script('-l -w PORT ') }).launches[0])).toEqual(['gunicorn', '--bind', '0.0.0.0:9000', 'app.wsgi']);
  });

  test('no command, an unknown option or a shell that is not a POSIX shell starts nothing cfglint reads', () => {
    expect(launchOf('su app')).toBeUndefined();
    expect(launchOf('su --bogus app -c "gunicorn app.wsgi"')).toBeUndefined();
    expect(launchOf('su -s /usr/bin/python3 app -c "gunicorn app.wsgi"')).toBeUndefined();
  });
});

describe('wrappers that wait for a port, then run their command', () => {
  test.each([
    // vishnubob/wait-for-it: host:port, options, then the command after --.
    ['exec ./wait-for-it.sh db:5432 -t 30 -s -- gunicorn app:app --bind 0.0.0.0:8000\n', ['gunicorn', 'app:app', '--bind', '0.0.0.0:8000']],
    // eficode/wait-for, without .sh.
    ['exec wait-for db:5432 -- uwsgi --http :8000 --module app\n', ['uwsgi', '--http', ':8000', '--module', 'app']],
    // jwilder/dockerize: Go flags with values (-wait, -timeout), a flag without (-poll), a -name=value flag.
    ['exec dockerize -wait tcp://db:5432 -poll -timeout=30s -template a.tmpl:/etc/a gunicorn app:app\n', ['gunicorn', 'app:app']],
  ])('%s', (script, argv) => {
    const [launch] = readTreeOf({ 'run.sh': script }).launches;
    expect(values(launch)).toEqual(argv);
  });

  test('a wait without a command starts nothing', () => {
    expect(readTreeOf({ 'run.sh': 'wait-for-it.sh db:5432 -t 30\nexec uvicorn main:app\n' }).launches.map((launch) => launch.program)).toEqual(['uvicorn']);
    expect(readTreeOf({ 'run.sh': 'dockerize -wait tcp://db:5432 -timeout 30s\n' }).launches).toEqual([]);
  });
});

test('an unterminated quote is a command-syntax error', () => {
  const { diagnostics } = readTreeOf({ 'run.sh': 'echo start\nexec gunicorn "app:app\n' });
  expect(diagnostics.map(describeDiagnostic)).toEqual(['command-syntax run.sh:2:15-3:1 Invalid shell command: unterminated quoted string']);
});

describe('Procfile', () => {
  const procfile = [
    '# processes',
    'web: gunicorn app:app --bind 0.0.0.0:$PORT --workers ${WEB_CONCURRENCY:-2}',
    'worker: celery -A app worker',
    'release: ./manage.py migrate',
    '',
  ].join('\n');
  const { launches } = readTreeOf({ Procfile: procfile });

  test('every process type is a launch, named by its type', () => {
    expect(launches.map((launch) => [launch.service, launch.program])).toEqual([
      ['web', 'gunicorn'],
      ['worker', 'celery'],
      ['release', 'manage.py'],
    ]);
  });

  test('run by a shell; $PORT is set by the platform, so unknown', () => {
    const [web] = launches;
    expect(web.kind).toBe('procfile');
    expect(web.wrappers.map((arg) => [arg.value, at(arg.span)])).toEqual([
      ['/bin/sh', '2:1-2:4'],
      ['-c', '2:1-2:4'],
    ]);
    expect(values(web)).toEqual(['gunicorn', 'app:app', '--bind', undefined, '--workers', undefined]);
    expect(at(web.argv[3].span)).toBe('2:30-2:43');
    expect(at(web.span)).toBe('2:6-2:75');
  });
});

test("python -m of a server's own module is that server; of any other module, the module", () => {
  const { launches } = readTreeOf({ 'a.sh': 'exec python3 -m gunicorn.app.wsgiapp app:app\n', Procfile: 'tasks: python -m app.tasks\n' });
  expect(launches.map((launch) => [launch.kind, launch.program, launch.argv[0].value])).toEqual([
    ['shell', 'gunicorn', 'gunicorn.app.wsgiapp'],
    ['procfile', 'app.tasks', 'app.tasks'],
  ]);
});

test('a script that doubles a variable 40 times: past 64 KiB it is unresolved, in bounded memory', () => {
  const script = `#!/bin/sh\nA=xx\n${'A="$A$A"\n'.repeat(40)}exec gunicorn --name "$A" --bind 0.0.0.0:8000 app:app\n`;
  const { launches, diagnostics } = readTreeOf({ 'start.sh': script });
  expect(diagnostics.map(describeDiagnostic)).toEqual([]);
  expect(values(launches[0])).toEqual(['gunicorn', '--name', undefined, '--bind', '0.0.0.0:8000', 'app:app']);
});
