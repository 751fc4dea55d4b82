/**
 * systemd units: ExecStart= split as systemd splits it (quotes, continuations, prefixes, `;`),
 * Environment= in its quoted forms, substitution of ${NAME} and whole-word $NAME, drop-ins.
 */
import { at, describeDiagnostic, readTreeOf, values } from './read-tree';

describe('ExecStart= of a unit', () => {
  const unit = [
    '[Unit]',
    'Description=app',
    '',
    '[Service]',
    `Environment="BIND=127.0.0.1:8000" 'OPTS=--workers 3 --timeout 30' LEVEL=info`,
    'WorkingDirectory=-/srv/app',
    'User=www-data',
    'Group=www-data',
    'ExecStart=/srv/app/venv/bin/gunicorn \\',
    '    --bind ${BIND} $OPTS \\',
    '    app.wsgi:application',
    '',
  ].join('\n');
  const { launches, diagnostics } = readTreeOf({ 'deploy/app.service': unit });

  test('one launch, no problems', () => {
    expect(launches).toHaveLength(1);
    expect(diagnostics.map(describeDiagnostic)).toEqual([]);
  });

  test('the program and its arguments, ${BIND} kept whole and $OPTS split at blanks', () => {
    const [launch] = launches;
    expect(launch.kind).toBe('systemd');
    expect(launch.file).toBe('deploy/app.service');
    expect(launch.service).toBe('app.service');
    expect(launch.program).toBe('gunicorn');
    expect(values(launch)).toEqual(['/srv/app/venv/bin/gunicorn', '--bind', '127.0.0.1:8000', '--workers', '3', '--timeout', '30', 'app.wsgi:application']);
    expect(launch.argv.map((arg) => at(arg.span))).toEqual([
      '9:11-9:37',
      '10:5-10:11',
      '10:12-10:19',
      '10:20-10:25',
      '10:20-10:25',
      '10:20-10:25',
      '10:20-10:25',
      '11:5-11:25',
    ]);
    expect(at(launch.span)).toBe('9:11-11:25');
    expect(launch.wrappers).toEqual([]);
  });

  test('Environment= with several assignments per line, quoted whole', () => {
    const env = launches[0].env;
    expect([...env.keys()]).toEqual(['BIND', 'OPTS', 'LEVEL']);
    expect(env.get('OPTS')?.value).toBe('--workers 3 --timeout 30');
    expect(at(env.get('BIND')?.span)).toBe('5:19-5:33');
    expect(at(env.get('OPTS')?.span)).toBe('5:41-5:65');
    expect(at(env.get('LEVEL')?.span)).toBe('5:73-5:77');
  });

  test('WorkingDirectory= without its "-", User=, Group=, and the default KillSignal', () => {
    const [launch] = launches;
    expect(launch.workingDirectory?.value).toBe('/srv/app');
    expect(at(launch.workingDirectory?.span)).toBe('6:19-6:27');
    expect(launch.user?.value).toBe('www-data');
    expect(at(launch.user?.span)).toBe('7:6-7:14');
    expect(launch.group?.value).toBe('www-data');
    expect(launch.stopSignal).toEqual({ value: 'SIGTERM' });
    expect(launch.externalEnv).toEqual([]);
  });
});

describe('drop-ins', () => {
  const tree = {
    'lib/systemd/system/nginx.service': "[Service]\nType=forking\nExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\n",
    'etc/systemd/system/nginx.service.d/override.conf':
      '[Service]\nExecStart=\nExecStart=-/usr/sbin/nginx -g "daemon off;"\nKillSignal=QUIT\nLimitNOFILE=65536\n',
  };
  const { launches, limits } = readTreeOf(tree);

  test("an empty ExecStart= resets the list; the drop-in command replaces the unit's", () => {
    expect(launches).toHaveLength(1);
    const [launch] = launches;
    expect(launch.file).toBe('etc/systemd/system/nginx.service.d/override.conf');
    expect(launch.service).toBe('nginx.service');
    expect(values(launch)).toEqual(['/usr/sbin/nginx', '-g', 'daemon off;']);
    // The "-" prefix is not part of the program.
    expect(launch.argv.map((arg) => at(arg.span))).toEqual(['3:12-3:27', '3:28-3:30', '3:31-3:44']);
  });

  test('KillSignal= from the drop-in, with its SIG prefix', () => {
    expect(launches[0].stopSignal.value).toBe('SIGQUIT');
    expect(at(launches[0].stopSignal.span)).toBe('4:12-4:16');
  });

  test('LimitNOFILE= of the drop-in applies to the service', () => {
    expect(limits).toHaveLength(1);
    expect(limits[0].appliesTo).toEqual({ kind: 'service', name: 'nginx.service' });
    expect(limits[0].setting.value).toBe(65536);
    expect(limits[0].hard?.value).toBe(65536);
    expect(limits[0].setting.source.kind === 'file' && at(limits[0].setting.source.span)).toBe('5:13-5:18');
  });
});

describe('substitution', () => {
  test('EnvironmentFile= makes an undefined ${PORT} unknown, not empty', () => {
    const { launches } = readTreeOf({
      'app.service': '[Service]\nEnvironmentFile=-/etc/default/app\nExecStart=/usr/bin/uwsgi --http :${PORT} --ini /etc/uwsgi/app.ini\n',
    });
    const [launch] = launches;
    expect(launch.program).toBe('uwsgi');
    expect(launch.argv[2]).toMatchObject({ value: ':${PORT}', unresolved: ['${PORT}'] });
    expect(values(launch)).toEqual(['/usr/bin/uwsgi', '--http', undefined, '--ini', '/etc/uwsgi/app.ini']);
    expect(launch.externalEnv.map(at)).toEqual(['2:17-2:34']);
  });

  test('EnvironmentFile= overrides Environment=, so even a variable set there is not known', () => {
    const { launches } = readTreeOf({
      'app.service': '[Service]\nEnvironment=PORT=8000\nEnvironmentFile=/etc/default/app\nExecStart=/usr/bin/uwsgi --http :${PORT}\n',
    });
    expect(launches[0].argv[2].unresolved).toEqual(['${PORT}']);
    expect(launches[0].env.get('PORT')?.value).toBe('8000');
  });

  test('an empty EnvironmentFile= drops the files before it; PassEnvironment= makes only its names unknown', () => {
    const { launches } = readTreeOf({
      'app.service':
        '[Service]\nEnvironmentFile=/etc/default/app\nEnvironmentFile=\nEnvironment=PORT=8000\nPassEnvironment=WORKERS\nExecStart=/usr/bin/gunicorn -b :${PORT} -w ${WORKERS}\n',
    });
    expect(values(launches[0])).toEqual(['/usr/bin/gunicorn', '-b', ':8000', '-w', undefined]);
    expect(launches[0].externalEnv.map(at)).toEqual(['5:17-5:24']);
  });

  test('without EnvironmentFile= systemd substitutes an undefined ${PORT} with nothing', () => {
    const { launches } = readTreeOf({ 'app.service': '[Service]\nExecStart=/usr/bin/uwsgi --http :${PORT}\n' });
    expect(values(launches[0])).toEqual(['/usr/bin/uwsgi', '--http', ':']);
  });

  test('specifiers: %p is the unit prefix, %i of a template is unknown', () => {
    const { launches } = readTreeOf({ 'app@.service': '[Service]\nExecStart=/usr/bin/gunicorn --name %p --bind unix:/run/%i.sock app:app\n' });
    expect(launches[0].argv[2].value).toBe('app');
    expect(launches[0].argv[4]).toMatchObject({ value: 'unix:/run/%i.sock', unresolved: ['%i'] });
  });
});

describe('command lines', () => {
  test('sh -c with exec: the program inside the string, with its exact position', () => {
    const { launches } = readTreeOf({
      'app.service': "[Service]\nExecStart=/bin/sh -c 'exec /srv/venv/bin/gunicorn -b unix:/run/app.sock app:app'\n",
    });
    const [launch] = launches;
    expect(launch.program).toBe('gunicorn');
    expect(launch.wrappers.map((arg) => arg.value)).toEqual(['/bin/sh', '-c', 'exec']);
    expect(values(launch)).toEqual(['/srv/venv/bin/gunicorn', '-b', 'unix:/run/app.sock', 'app:app']);
    expect(at(launch.argv[0].span)).toBe('2:28-2:50');
    expect(at(launch.argv[2].span)).toBe('2:54-2:72');
  });

  test('@ makes the second word argv[0] only; the program is the first', () => {
    const { launches } = readTreeOf({ 'app.service': '[Service]\nExecStart=@/usr/bin/uwsgi uwsgi-app --ini /etc/app.ini\n' });
    expect(launches[0].program).toBe('uwsgi');
    expect(values(launches[0])).toEqual(['/usr/bin/uwsgi', '--ini', '/etc/app.ini']);
  });

  test('a lone ";" separates two command lines', () => {
    const { launches } = readTreeOf({ 'job.service': '[Service]\nType=oneshot\nExecStart=/bin/echo one ; /usr/bin/uwsgi --ini a.ini\n' });
    expect(launches.map((launch) => launch.program)).toEqual(['echo', 'uwsgi']);
  });

  test('a comment line inside a continuation is skipped and kept for suppressions', () => {
    const { launches, outputs } = readTreeOf({ 'app.service': '[Service]\nExecStart=/usr/bin/gunicorn \\\n# cfglint-disable-next-line x -- y\n  app:app\n' });
    expect(values(launches[0])).toEqual(['/usr/bin/gunicorn', 'app:app']);
    expect(outputs[0].comments.get('app.service')?.map((comment) => comment.text)).toEqual(['cfglint-disable-next-line x -- y']);
  });
});

describe('problems', () => {
  test('an unbalanced quote: systemd ignores the line (command-syntax), no launch', () => {
    const { launches, diagnostics } = readTreeOf({ 'app.service': '[Service]\nExecStart=/usr/bin/gunicorn "app:app\n' });
    expect(launches).toEqual([]);
    expect(diagnostics.map(describeDiagnostic)).toEqual(['command-syntax app.service:2:29-2:37 Unbalanced quoting, ignoring: "/usr/bin/gunicorn "app:app"']);
    expect(diagnostics[0].severity).toBeUndefined();
  });

  test("a line without '=' (systemd-syntax), and the rest is read", () => {
    const { launches, diagnostics } = readTreeOf({ 'app.service': '[Service]\nExecStart /usr/bin/true\nExecStart=/usr/bin/uwsgi\n' });
    expect(diagnostics.map(describeDiagnostic)).toEqual(["systemd-syntax app.service:2:1-2:24 Missing '=', ignoring line"]);
    expect(launches.map((launch) => launch.program)).toEqual(['uwsgi']);
  });

  test('LimitNOFILE= that systemd cannot parse, and soft above hard', () => {
    const { limits, diagnostics } = readTreeOf({ 'a.service': '[Service]\nLimitNOFILE=lots\n', 'b.service': '[Service]\nLimitNOFILE=8192:4096\n' });
    expect(limits).toEqual([]);
    expect(diagnostics.map(describeDiagnostic)).toEqual([
      'systemd-syntax a.service:2:13-2:17 Failed to parse resource value, ignoring: lots',
      'systemd-syntax b.service:2:13-2:22 Soft resource limit chosen higher than hard limit, ignoring: 8192:4096',
    ]);
  });
});

test('${NAME} repeated in one word past 64 KiB: the rest is unresolved; many $ signs are read in one pass', () => {
  const long = 'y'.repeat(30_000);
  const { launches } = readTreeOf({
    'app.service': `[Service]\nEnvironment=A=${long}\nExecStart=/usr/bin/gunicorn --name \${A}\${A}\${A} --log-file \${A}\${A} --bind ${'$x'.repeat(50_000)} app:app\n`,
  });
  const argv = launches[0].argv;
  // Two copies (60,000 characters) fit; the third would pass the budget.
  expect(argv[2]).toMatchObject({ unresolved: ['${A}'] });
  expect(argv[4].value).toBe(long + long);
  expect(argv[4].unresolved).toBeUndefined();
  expect(argv[6].value).toBe('$x'.repeat(50_000));
});
