/**
 * The uWSGI reader on small trees: the option list in uWSGI's order (what `--show-config` prints),
 * settings in canonical units with their spans, listeners, and the command line merged with the
 * ini it names. Expected values are written from uWSGI's code and the runs in docs/servers/uwsgi.md and
 * in src/readers/uwsgi/instance.ts (Debian uWSGI 2.0.21).
 */
import { at, launchOf, listing, readUwsgiTree } from './helpers';

const only = (tree: Parameters<typeof readUwsgiTree>[0], launches: Parameters<typeof readUwsgiTree>[1] = []) => {
  const read = readUwsgiTree(tree, launches);
  expect(read.backends).toHaveLength(1);
  return { backend: read.backends[0], read };
};

describe('the option list', () => {
  test('[RUN] ini is spliced where it stands, inherit is appended at the very end, and the last processes wins', () => {
    const { backend } = only({
      'main.ini': '[uwsgi]\na = 1\nprocesses = 2\ninherit = sub/base.ini\nini = sub/inc.ini\nb = %n\nprocesses = 3\n',
      'sub/base.ini': '[uwsgi]\nprocesses = 9\nbase = %n %N\n',
      'sub/inc.ini': '[uwsgi]\ninc = %n|%N|%x\n',
    });
    expect(listing(backend)).toEqual([
      'a = 1',
      'processes = 2',
      'inherit = sub/base.ini',
      'ini = sub/inc.ini',
      'inc = inc|main|',
      'b = main',
      'processes = 3',
      'processes = 9',
      'base = base main',
    ]);
    expect(backend.iniFiles).toEqual(['main.ini', 'sub/inc.ini', 'sub/base.ini']);
    const processes = backend.settings.get('processes')!;
    expect(processes.value).toBe(9);
    expect(processes.source.kind === 'file' && `${processes.source.span.file}:${at(processes.source.span)}`).toBe('sub/base.ini:2:13-2:14');
    expect(processes.source.kind === 'file' && processes.source.via?.map((span) => `${span.file}:${at(span)}`)).toEqual(['main.ini:4:11-4:23']);
  });

  test('[RUN] placeholders: forward references, undefined ones stay, set and set-ph add entries', () => {
    const { backend } = only({
      'app.ini': '[uwsgi]\nref = %(foo)/x %(later) %(undefined)\nfoo = bar\nlater = L%(foo)\nset = x=1\nset-ph = y=2\nz = %(x)%(y)\n',
    });
    expect(listing(backend)).toEqual(['ref = bar/x Lbar %(undefined)', 'foo = bar', 'later = Lbar', 'set = x=1', 'x = 1', 'set-ph = y=2', 'y = 2', 'z = 12']);
    expect([...backend.placeholderNames].sort()).toEqual(['foo', 'later', 'undefined', 'x', 'y']);
  });

  test('[RUN] immediate options keep the value as written: listen = %(backlog) is a backlog of 0', () => {
    const { backend } = only({ 'app.ini': '[uwsgi]\nbacklog = 50\nlisten = %(backlog)\nharakiri = %(backlog)\n' });
    expect(listing(backend)).toEqual(['backlog = 50', 'listen = %(backlog)', 'harakiri = 50']);
    expect(backend.settings.get('listen')!.value).toBe(0);
    expect(backend.settings.get('harakiri')!.value).toBe(50000);
  });

  test('[RUN] for and if blocks: for repeats with %(_), if-opt is decided, if-env on a variable the tree does not set is a condition', () => {
    const { backend } = only({
      'app.ini': '[uwsgi]\nfor = a b\nsocket = /tmp/%(_).sock\nendfor =\nif-env = WORKERS\nprocesses = %(_)\nendif =\nif-opt = socket\nprint = has %(_)\nend\n',
    });
    expect(listing(backend)).toEqual([
      'for = a b',
      'socket = /tmp/a.sock',
      'socket = /tmp/b.sock',
      'endfor = ',
      'if-env = WORKERS',
      'processes = <unknown>',
      'endif = ',
      'if-opt = socket',
      'print = has /tmp/a.sock',
      'end = ',
    ]);
    const processes = backend.options.find((entry) => entry.key === 'processes')!;
    expect(processes.condition?.text).toBe('if-env = WORKERS');
    expect(at(processes.condition?.span)).toBe('5:1-5:7');
    expect(backend.settings.get('processes')!.value).toBeUndefined();
    expect(backend.listeners.map((listener) => listener.address)).toEqual([
      { kind: 'unix', path: '/tmp/a.sock' },
      { kind: 'unix', path: '/tmp/b.sock' },
    ]);
  });

  test('magic variables that depend on where the file lives are unknown; the file name is known', () => {
    const { backend } = only({ 'deploy/app.ini': '[uwsgi]\nsocket = /run/%n.sock\nchdir = %d\nlogto = /var/log/%c.log\n' });
    expect(listing(backend)).toEqual(['socket = /run/app.sock', 'chdir = <unknown>', 'logto = <unknown>']);
    expect(backend.options[1].text).toBe('%d');
  });

  test('a reference to an environment variable no launch sets is unknown', () => {
    const { backend } = only({ 'app.ini': '[uwsgi]\nhttp-socket = :$(PORT)\nprocesses = 4\n' });
    expect(backend.options[0].value).toBeUndefined();
    expect(backend.listeners.map((listener) => listener.address)).toEqual([{ kind: 'other', text: ':$(PORT)' }]);
    expect(backend.settings.get('processes')!.value).toBe(4);
  });

  test('a missing include is a gap and an include-missing warning; placeholders that might be in it stay unknown', () => {
    const { backend, read } = only({ 'app.ini': '[uwsgi]\nini = /etc/uwsgi/base.ini\nsocket = /run/%(app).sock\n' });
    expect(read.diagnostics.map((d) => [d.ruleId, d.primary.file, at(d.primary)])).toEqual([['include-missing', 'app.ini', '2:7-2:26']]);
    expect(backend.gaps.map((gap) => gap.reason)).toEqual(['"/etc/uwsgi/base.ini" is not in the linted tree']);
    expect(backend.options[1].value).toBeUndefined();
  });

  test('beside a gap, an option the tree leaves unstated is unknown, not its default; a stated one is read', () => {
    const { backend } = only({ 'app.ini': '[uwsgi]\nini = /etc/uwsgi/base.ini\nprocesses = 4\n' });
    expect(backend.settings.get('processes')!.value).toBe(4);
    // The missing file may set buffer-size or master: uWSGI's 4096 and off are not known to apply.
    expect(backend.settings.get('buffer-size')!.value).toBeUndefined();
    expect(backend.settings.get('master')!.value).toBeUndefined();
    // Without the include, the defaults (docs/servers/uwsgi.md#buffer-size, #master) apply.
    const plain = only({ 'app.ini': '[uwsgi]\nprocesses = 4\n' }).backend;
    expect([plain.settings.get('buffer-size')!.value, plain.settings.get('master')!.value]).toEqual([4096, false]);
  });

  test('an absolute include mirrored in the tree is found', () => {
    const { backend } = only({
      'app.ini': '[uwsgi]\nini = /etc/uwsgi/base.ini\n',
      'deploy/etc/uwsgi/base.ini': '[uwsgi]\nmaster = true\n',
    });
    expect(listing(backend)).toEqual(['ini = /etc/uwsgi/base.ini', 'master = true']);
  });

  test('a file that includes itself is reported once, and reading goes on', () => {
    const { backend, read } = only({ 'app.ini': '[uwsgi]\nini = app.ini\nmaster = true\n' });
    expect(read.diagnostics.map((d) => [d.ruleId, at(d.primary)])).toEqual([['include-cycle', '2:7-2:14']]);
    expect(listing(backend)).toEqual(['ini = app.ini', 'master = true']);
  });

  test('ini = :section reads another section of the same file', () => {
    const { backend } = only({ 'app.ini': '[uwsgi]\nini = :prod\nmaster = true\n[prod]\nprocesses = 8\n[dev]\nprocesses = 1\n' });
    expect(listing(backend)).toEqual(['ini = :prod', 'processes = 8', 'master = true']);
  });
});

describe('settings and listeners', () => {
  test('canonical units, defaults with their reference, atoi/strtoul values', () => {
    const { backend } = only({
      'app.ini': '[uwsgi]\nsocket = 127.0.0.1:3031\nbuffer-size = 32k\nharakiri = 30\nlimit-post = 10M\nworkers = 3\nsocket-timeout = 10\n',
    });
    const value = (name: string) => backend.settings.get(name)?.value;
    expect(value('buffer-size')).toBe(32);
    expect(value('harakiri')).toBe(30000);
    expect(value('limit-post')).toBe(10);
    expect(value('processes')).toBe(3);
    expect(value('socket-timeout')).toBe(10000);
    expect(value('listen')).toBe(100);
    expect(backend.settings.get('listen')!.source).toEqual({ kind: 'default', reference: 'docs/servers/uwsgi.md#listen (uWSGI core/init.c:119)' });
    expect(value('master')).toBe(false); // harakiri works without the master (SIGALRM in the worker)
    expect(value('die-on-term')).toBe(false);
    const harakiri = backend.settings.get('harakiri')!;
    expect(harakiri.source.kind === 'file' && at(harakiri.source.span)).toBe('4:12-4:14');
  });

  test('address forms and protocols (docs/servers/uwsgi.md#socket-types)', () => {
    const { backend } = only({
      'app.ini': [
        '[uwsgi]',
        'socket = :3031',
        'uwsgi-socket = /run/app.sock',
        'http-socket = 127.0.0.1:8000',
        'http11-socket = [::1]:8001',
        'https-socket = 0.0.0.0:8443,cert.pem,key.pem',
        'fastcgi-socket = @fcgi',
        'http = :9090',
        'socket-timeout = 7',
        '',
      ].join('\n'),
    });
    expect(
      backend.listeners.map((l) => [
        l.option,
        l.address,
        l.protocol,
        l.keepAlive.kind,
        l.keepAlive.kind === 'idleTimeout' ? l.keepAlive.timeout.value : undefined,
        at(l.span),
      ]),
    ).toEqual([
      ['socket', { kind: 'tcp', host: '0.0.0.0', port: 3031 }, 'uwsgi', 'closesAfterResponse', undefined, '2:10-2:15'],
      ['uwsgi-socket', { kind: 'unix', path: '/run/app.sock' }, 'uwsgi', 'closesAfterResponse', undefined, '3:16-3:29'],
      ['http-socket', { kind: 'tcp', host: '127.0.0.1', port: 8000 }, 'http', 'closesAfterResponse', undefined, '4:15-4:29'],
      ['http11-socket', { kind: 'tcp', host: '::1', port: 8001 }, 'http', 'idleTimeout', 7000, '5:17-5:27'],
      ['https-socket', { kind: 'tcp', host: '0.0.0.0', port: 8443 }, 'https', 'closesAfterResponse', undefined, '6:16-6:45'],
      ['fastcgi-socket', { kind: 'other', text: '@fcgi' }, 'fastcgi', 'closesAfterResponse', undefined, '7:18-7:23'],
      ['http', { kind: 'tcp', host: '0.0.0.0', port: 9090 }, 'http', 'closesAfterResponse', undefined, '8:8-8:13'],
    ]);
  });

  test('socket-protocol changes what plain sockets speak; the HTTP router keeps connections with http-keepalive', () => {
    const { backend } = only({ 'app.ini': '[uwsgi]\nsocket = :3031\nsocket-protocol = http\nhttp = :80\nhttp-keepalive = 5\nhttp-timeout = 20\n' });
    expect(
      backend.listeners.map((l) => [l.option, l.protocol, l.keepAlive.kind, l.keepAlive.kind === 'idleTimeout' ? l.keepAlive.timeout.value : undefined]),
    ).toEqual([
      ['socket', 'http', 'closesAfterResponse', undefined],
      ['http', 'http', 'idleTimeout', 5000],
    ]);
    const keepalive1 = only({ 'app.ini': '[uwsgi]\nhttp = :80\nhttp-keepalive = 1\nhttp-timeout = 20\n' }).backend;
    expect(keepalive1.listeners[0].keepAlive.kind === 'idleTimeout' && keepalive1.listeners[0].keepAlive.timeout.value).toBe(20000);
  });

  test('chmod-socket: three octal digits, or 666 for 1', () => {
    expect(only({ 'app.ini': '[uwsgi]\nchmod-socket = 660\n' }).backend.settings.get('chmod-socket')!.value).toBe('660');
    expect(only({ 'app.ini': '[uwsgi]\nchmod-socket = 1\n' }).backend.settings.get('chmod-socket')!.value).toBe('666');
    expect(only({ 'app.ini': '[uwsgi]\nchmod-socket = 0660\n' }).backend.settings.get('chmod-socket')!.value).toBeUndefined();
  });

  test('master: the last master option decides, even against an option that needs it', () => {
    expect(only({ 'app.ini': '[uwsgi]\nharakiri = 20\nmaster = false\n' }).backend.settings.get('master')!.value).toBe(false);
    expect(only({ 'app.ini': '[uwsgi]\nprocesses = 2\n' }).backend.settings.get('master')!.value).toBe(false);
    // touch-reload carries UWSGI_OPT_MASTER: reading it switches the master on.
    const implied = only({ 'app.ini': '[uwsgi]\nprocesses = 2\ntouch-reload = /app/reload\n' }).backend.settings.get('master')!;
    expect(implied.value).toBe(true);
    expect(implied.source.kind === 'file' && at(implied.source.span)).toBe('3:1-3:13');
  });
});

describe('files and instances', () => {
  test('a file included by another is not an instance of its own', () => {
    const read = readUwsgiTree({
      'a.ini': '[uwsgi]\nini = common.ini\nsocket = :1\n',
      'b.ini': '[uwsgi]\nini = common.ini\nsocket = :2\n',
      'common.ini': '[uwsgi]\nmaster = true\n',
    });
    expect(read.backends.map((b) => [b.file, b.iniFiles])).toEqual([
      ['a.ini', ['a.ini', 'common.ini']],
      ['b.ini', ['b.ini', 'common.ini']],
    ]);
    expect(read.output.sources.map((s) => s.file).sort()).toEqual(['a.ini', 'b.ini', 'common.ini']);
  });

  test('comments are kept for suppressions', () => {
    const read = readUwsgiTree({ 'app.ini': '[uwsgi]\n# cfglint-disable-next-line uwsgi-unknown-option -- placeholder\nfoo = 1\n' });
    expect(read.output.comments.get('app.ini')!.map((c) => c.text)).toEqual(['cfglint-disable-next-line uwsgi-unknown-option -- placeholder']);
  });
});

describe('command lines', () => {
  const ini = '[uwsgi]\nprocesses = 2\nsocket = /run/app.sock\n';

  test('[RUN] options before --ini lose to the ini, options after it win', () => {
    const before = only({ 'app/uwsgi.ini': ini }, [launchOf(['uwsgi', '--processes', '4', '--ini', 'uwsgi.ini'], { file: 'app/Dockerfile' })]).backend;
    expect(listing(before)).toEqual(['processes = 4', 'ini = uwsgi.ini', 'processes = 2', 'socket = /run/app.sock']);
    expect(before.settings.get('processes')!.value).toBe(2);
    const after = only({ 'app/uwsgi.ini': ini }, [launchOf(['uwsgi', '--ini', 'uwsgi.ini', '--processes', '4'], { file: 'app/Dockerfile' })]).backend;
    expect(after.settings.get('processes')!.value).toBe(4);
    const processes = after.settings.get('processes')!;
    // `--processes 4` is written from column 23: "uwsgi --ini uwsgi.ini " is 22 characters.
    expect(processes.source.kind === 'file' && `${processes.source.span.file}:${at(processes.source.span)}`).toBe('app/Dockerfile:1:35-1:36');
    expect(after.launch?.file).toBe('app/Dockerfile');
    expect(after.file).toBe('app/uwsgi.ini');
  });

  test('[RUN] a config file given as a plain argument is read after every option', () => {
    const { backend } = only({ 'uwsgi.ini': ini }, [launchOf(['uwsgi', 'uwsgi.ini', '--processes', '4'])]);
    expect(listing(backend)).toEqual(['processes = 4', 'processes = 2', 'socket = /run/app.sock']);
    expect(backend.settings.get('processes')!.value).toBe(2);
  });

  test('[RUN] UWSGI_* environment variables come first; the environment of the launch expands $(VAR)', () => {
    const { backend } = only({ 'uwsgi.ini': '[uwsgi]\nhttp-socket = :$(PORT)\n' }, [
      launchOf(['uwsgi', '--ini', 'uwsgi.ini'], { env: { UWSGI_LISTEN: '7', PORT: '8080', UWSGI_RELOADS: '1' } }),
    ]);
    expect(listing(backend)).toEqual(['listen = 7', 'ini = uwsgi.ini', 'http-socket = :8080']);
    expect(backend.listeners[0].address).toEqual({ kind: 'tcp', host: '0.0.0.0', port: 8080 });
  });

  test('an ini named by its server path is found by its name in the tree; the file read by the launch is not read again alone', () => {
    const read = readUwsgiTree({ 'deploy/uwsgi.ini': ini, 'docs/example.ini': '[uwsgi]\nsocket = :1\n' }, [
      launchOf(['uwsgi', '--ini', '/etc/uwsgi/uwsgi.ini', '--die-on-term']),
    ]);
    expect(read.backends.map((b) => [b.file, b.launch ? 'launch' : 'alone'])).toEqual([
      ['deploy/uwsgi.ini', 'launch'],
      ['docs/example.ini', 'alone'],
    ]);
    expect(read.backends[0].settings.get('die-on-term')!.value).toBe(true);
  });

  test('two files of that name equally close: none is guessed', () => {
    const read = readUwsgiTree({ 'a/uwsgi.ini': ini, 'b/uwsgi.ini': ini }, [launchOf(['uwsgi', '--ini', '/app/uwsgi.ini'])]);
    const launched = read.backends.find((b) => b.launch)!;
    expect(launched.iniFiles).toEqual([]);
    expect(launched.gaps.map((gap) => gap.reason)).toEqual(['"/app/uwsgi.ini" could be a/uwsgi.ini or b/uwsgi.ini; cfglint reads neither']);
    expect(read.diagnostics).toEqual([]);
  });

  test('the working directory of the launch places a relative --ini', () => {
    const read = readUwsgiTree({ 'a/conf/uwsgi.ini': ini, 'b/uwsgi.ini': ini }, [
      launchOf(['uwsgi', '--ini', 'conf/uwsgi.ini'], { workingDirectory: '/srv/a' }),
    ]);
    expect(read.backends.find((b) => b.launch)!.iniFiles).toEqual(['a/conf/uwsgi.ini']);
  });

  test('an emperor is not an instance; a command line without ini is', () => {
    const read = readUwsgiTree({}, [
      launchOf(['uwsgi', '--emperor', '/etc/uwsgi/vassals']),
      launchOf(['uwsgi', '--http-socket', ':8000', '--master', '-p', '4'], { file: 'Procfile', kind: 'procfile' }),
    ]);
    expect(read.backends).toHaveLength(1);
    expect(listing(read.backends[0])).toEqual(['http-socket = :8000', 'master = true', 'processes = 4']);
    expect(read.backends[0].file).toBe('Procfile');
  });

  test('an environment file outside the tree may hold UWSGI_* options: a gap', () => {
    const launch = launchOf(['uwsgi', '--ini', 'uwsgi.ini'], { kind: 'compose', file: 'docker-compose.yml' });
    launch.externalEnv = [launch.span];
    const { backend } = only({ 'uwsgi.ini': ini }, [launch]);
    expect(backend.gaps.map((gap) => [gap.reason, at(gap.span)])).toEqual([['environment from outside the tree may set UWSGI_* options', '1:1-1:22']]);
  });

  test('an argument the tree does not determine makes its value unknown, not a guess', () => {
    const launch = launchOf(['uwsgi', '--ini', 'uwsgi.ini', '--processes', '$WORKERS']);
    launch.argv[4].unresolved = ['$WORKERS'];
    const { backend } = only({ 'uwsgi.ini': ini }, [launch]);
    expect(backend.settings.get('processes')!.value).toBeUndefined();
  });
});

describe('includes under a condition about the machine', () => {
  test('an ini include inside if-file is a gap, not include-missing', async () => {
    const { lintSync } = await import('../../../src/engine/run');
    const { memoryFileSystem } = await import('../../../src/discovery/fs');
    const report = lintSync({
      paths: ['.'],
      cwd: '/tree',
      fs: memoryFileSystem({ 'uwsgi.ini': '[uwsgi]\nsocket = :3031\nif-file = /srv/override.ini\nini = %(_)\nendif =\nini = /srv/missing.ini\n' }, '/tree'),
      config: {},
    }).report;
    // Only the unconditional include on line 6 is reported.
    expect(report.findings.filter((f) => f.ruleId === 'include-missing').map((f) => f.primary.start.line)).toEqual([6]);
  });
});
