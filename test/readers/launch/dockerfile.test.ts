/**
 * Dockerfiles: how ENTRYPOINT and CMD combine (exec and shell form), ENV in both forms, ARG,
 * WORKDIR, USER, STOPSIGNAL, stages, continuation lines, here-documents, entrypoint scripts.
 */
import { at, describeDiagnostic, readTreeOf, values } from './read-tree';

describe('exec form ENTRYPOINT with CMD as its arguments', () => {
  const dockerfile = [
    'FROM python:3.12-slim AS base',
    'ENV APP_HOME=/srv/app PORT=8000',
    'ENV LEGACY value with  spaces',
    'WORKDIR $APP_HOME',
    'WORKDIR src',
    'USER app',
    'STOPSIGNAL SIGINT',
    'ENTRYPOINT ["gunicorn", "--bind", "0.0.0.0:8000"]',
    'CMD ["app:app"]',
    '',
  ].join('\n');
  const { launches, diagnostics } = readTreeOf({ Dockerfile: dockerfile });

  test('one launch: ENTRYPOINT then CMD', () => {
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
    expect(launches).toHaveLength(1);
    const [launch] = launches;
    expect(launch.kind).toBe('dockerfile');
    expect(launch.program).toBe('gunicorn');
    expect(values(launch)).toEqual(['gunicorn', '--bind', '0.0.0.0:8000', 'app:app']);
    expect(launch.argv.map((arg) => at(arg.span))).toEqual(['8:13-8:23', '8:25-8:33', '8:35-8:49', '9:6-9:15']);
    expect(at(launch.span)).toBe('8:12-8:50');
    expect(launch.container).toEqual({ hostNetwork: false });
  });

  test('ENV A=b C=d and the legacy ENV A b c', () => {
    const env = launches[0].env;
    expect(env.get('APP_HOME')?.value).toBe('/srv/app');
    expect(at(env.get('PORT')?.span)).toBe('2:28-2:32');
    expect(env.get('LEGACY')?.value).toBe('value with  spaces');
    expect(at(env.get('LEGACY')?.span)).toBe('3:12-3:30');
  });

  test('WORKDIR relative to the previous one, USER, STOPSIGNAL', () => {
    const [launch] = launches;
    expect(launch.workingDirectory?.value).toBe('/srv/app/src');
    expect(at(launch.workingDirectory?.span)).toBe('5:9-5:12');
    expect(launch.user?.value).toBe('app');
    expect(launch.stopSignal.value).toBe('SIGINT');
    expect(at(launch.stopSignal.span)).toBe('7:12-7:18');
  });
});

test('ENTRYPOINT drops a CMD inherited from the base stage', () => {
  const { launches } = readTreeOf({
    Dockerfile: 'FROM python:3.12 AS build\nCMD ["python", "-m", "http.server"]\nFROM build\nENTRYPOINT ["uwsgi", "--ini", "/app/uwsgi.ini"]\n',
  });
  expect(launches).toHaveLength(1);
  expect(values(launches[0])).toEqual(['uwsgi', '--ini', '/app/uwsgi.ini']);
});

test('a CMD set in the same stage before ENTRYPOINT stays', () => {
  const { launches } = readTreeOf({ Dockerfile: 'FROM python:3.12\nCMD ["app:app"]\nENTRYPOINT ["gunicorn"]\n' });
  expect(values(launches[0])).toEqual(['gunicorn', 'app:app']);
});

test('shell form: run by /bin/sh -c, ENV substituted, an undefined variable unresolved', () => {
  const { launches } = readTreeOf({
    Dockerfile: 'FROM python:3.12\nENV PORT=8000\nCMD gunicorn app:app \\\n    --bind 0.0.0.0:$PORT --workers $WORKERS\n',
  });
  const [launch] = launches;
  expect(launch.wrappers.map((arg) => [arg.value, at(arg.span)])).toEqual([
    ['/bin/sh', '3:1-3:4'],
    ['-c', '3:1-3:4'],
  ]);
  expect(values(launch)).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:8000', '--workers', undefined]);
  expect(launch.argv[5]).toMatchObject({ value: '$WORKERS', unresolved: ['$WORKERS'] });
  expect(launch.argv.map((arg) => at(arg.span))).toEqual(['3:5-3:13', '3:14-3:21', '4:5-4:11', '4:12-4:25', '4:26-4:35', '4:36-4:44']);
  expect(at(launch.span)).toBe('3:5-4:44');
});

test('ARG defaults and ENV values used by later ENV values', () => {
  const { launches } = readTreeOf({
    Dockerfile: 'FROM python:3.12\nARG VERSION\nARG PORT=8000\nENV BIND=0.0.0.0:${PORT} TAG=app-$VERSION\nCMD ["gunicorn"]\n',
  });
  const env = launches[0].env;
  expect(env.get('BIND')).toMatchObject({ value: '0.0.0.0:8000' });
  expect(env.get('BIND')?.unresolved).toBeUndefined();
  // An ARG without a default is whatever --build-arg passes.
  expect(env.get('TAG')).toMatchObject({ value: 'app-$VERSION', unresolved: ['$VERSION'] });
});

test('# escape=` makes the backtick the continuation character', () => {
  const { launches } = readTreeOf({ Dockerfile: '# escape=`\nFROM python:3.12\nENV APP=C:\\app\nCMD uwsgi `\n  --ini app.ini\n' });
  expect(values(launches[0])).toEqual(['uwsgi', '--ini', 'app.ini']);
  expect(launches[0].env.get('APP')?.value).toBe('C:\\app');
});

test('a here-document body is not read as instructions', () => {
  const { launches } = readTreeOf({ Dockerfile: 'FROM python:3.12\nRUN <<EOF\nCMD ["not", "this"]\nEOF\nCMD ["uvicorn", "main:app"]\n' });
  expect(launches.map((launch) => launch.program)).toEqual(['uvicorn']);
});

describe('an entrypoint script', () => {
  const dockerfile = 'FROM python:3.12\nCOPY docker-entrypoint.sh /\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["gunicorn", "app:app"]\n';

  test('in the tree and ending in exec "$@": it hands over to CMD', () => {
    const { launches } = readTreeOf({ Dockerfile: dockerfile, 'docker-entrypoint.sh': '#!/bin/sh\nset -e\npython manage.py migrate\nexec "$@"\n' });
    expect(launches).toHaveLength(1);
    expect(launches[0].program).toBe('gunicorn');
    expect(launches[0].wrappers.map((arg) => arg.value)).toEqual(['/docker-entrypoint.sh']);
  });

  test('not in the tree: the script is the program', () => {
    const { launches } = readTreeOf({ Dockerfile: dockerfile });
    expect(launches[0].program).toBe('docker-entrypoint.sh');
  });
});

test("a Dockerfile without CMD or ENTRYPOINT gives no launch (the base image's is not in the tree)", () => {
  expect(readTreeOf({ Dockerfile: 'FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/nginx.conf\n' }).launches).toEqual([]);
});

describe('variables past the 64 KiB budget', () => {
  test('ENV chains that double: known up to 64 KiB, then unresolved (not cut short, no stack overflow)', () => {
    // A0 is 2 characters; A15 is 2^16 = 65,536 (the budget), A16 is past it; A30 would be 2 GiB.
    const chain = Array.from({ length: 30 }, (_, i) => `ENV A${i + 1}=\${A${i}}\${A${i}}`).join('\n');
    const { launches, diagnostics } = readTreeOf({
      Dockerfile: `FROM python:3.12\nENV A0=xx\n${chain}\nCMD ["gunicorn", "--name", "\${A15}", "--bind", "\${A16}", "--log-file", "\${A30}", "app:app"]\n`,
    });
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
    // Exec form is not substituted by Docker: the launch reads ENV only through a shell. Shell form below.
    expect(launches).toHaveLength(1);
    const shell = readTreeOf({ Dockerfile: `FROM python:3.12\nENV A0=xx\n${chain}\nCMD gunicorn --name $A15 --bind $A16 --log-file $A30 app:app\n` });
    expect(shell.diagnostics.map(describeDiagnostic)).toEqual([]);
    const argv = shell.launches[0].argv;
    expect(argv[2].value).toBe('x'.repeat(65_536));
    expect(argv[2].unresolved).toBeUndefined();
    expect(argv[4]).toMatchObject({ value: '$A16', unresolved: ['$A16'] });
    expect(argv[6]).toMatchObject({ value: '$A30', unresolved: ['$A30'] });
  });
});
