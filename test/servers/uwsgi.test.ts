/**
 * The uWSGI reader against uWSGI's own reading (Debian 12's uWSGI 2.0.21; `npm run test:servers`).
 *
 * For every uWSGI ini file of ../shared/corpus (the uwsgi/ folder, the deploy sets and the
 * templated ini files, per FORMATS.tsv) and the fixtures below, uWSGI prints its option list
 * after magic variables, `$(ENV)`, `@(file)` and `%(placeholder)` expansion, includes and logic
 * blocks: `uwsgi --show-config --hook-in-jail exit: --ini FILE`. The reader builds the same list
 * from the same words (same environment, same host facts) and the two must be equal, key by key
 * and value by value, in order.
 *
 * uWSGI never serves here. The dump is printed once the options are applied; the `exit:` hook
 * then ends uWSGI before it binds a socket or forks. `UWSGI_RELOADS=1` makes it skip the steps
 * before that which touch the system (daemonize, logto, pidfile). Each run is a separate process
 * as user nobody (it cannot write anywhere it matters), in the file's own directory (uWSGI opens
 * a relative `ini =` there), with a clean environment and a 10 s limit after which it is killed.
 * A file uWSGI cannot load (a missing include, strict mode, a missing plugin it needs) is "not
 * comparable", listed with uWSGI's reason.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { uwsgiOptionSpec, allUwsgiOptions } from '../../src/reference/uwsgi/options';
import type { LaunchArg } from '../../src/readers/launch/launch';
import { buildInstance, UwsgiFiles, UwsgiMachine } from '../../src/readers/uwsgi';
import { readCommandLine } from '../../src/readers/uwsgi/command-line';
import { decodeUtf8, SourceText } from '../../src/source/text';
import type { Span } from '../../src/source/span';
import { CORPUS, corpusEntries } from '../corpus/corpus';

const UWSGI = '/usr/bin/uwsgi';
const PLUGIN_DIR = '/usr/lib/uwsgi/plugins';
const present = fs.existsSync(UWSGI);
const RUN_LIMIT_MS = 10_000;
const NOBODY = { uid: 65534, gid: 65534, user: 'nobody', group: 'nogroup' };
/** The words that make uWSGI dump its options and stop; they are the first entries of every dump. */
const DUMP = ['--show-config', '--hook-in-jail', 'exit:'];

/** Fixtures: each is a set of files and the arguments after DUMP (default: --ini main.ini). */
interface Fixture {
  files: Record<string, string>;
  args?: string[];
  env?: Record<string, string>;
}

const FIXTURES: Record<string, Fixture> = {
  lines: {
    files: {
      'main.ini':
        '[uwsgi]\r\n; comment\r\n  # another\r\nsocket = /tmp/cfglint-x.sock ; main\r\n\tmaster\t=\ttrue \r\nmaster\nenv = A="1"\n= orphan\nlogto2 = /tmp/a#1.log\n',
    },
  },
  sections: { files: { 'main.ini': 'before = 1\n[app]\nx = 1\n[uwsgi]\ny = 2\n[uwsgi] ; c\nz = 3\n[uwsgi]\nw = 4\n' } },
  'other-section': { files: { 'main.ini': '[uwsgi]\na = 1\n[prod]\nb = 2\n' }, args: ['--ini', 'main.ini:prod'] },
  'section-of-last': { files: { 'main.ini': '[uwsgi]\nini = :prod\nmaster = true\n[prod]\nprocesses = 8\nx = %x\n' } },
  magic: {
    files: {
      'conf/main.ini': '[uwsgi]\nall = %d|%n|%e|%s|%p|%c|%0|%1|%o|%x|%D|%N|%v|%h|%k|%u|%U|%g|%G|%V|%b|%j\npercent = 100%% %z%q end\njoin = a%\nnext = b\n',
    },
    args: ['--ini', 'conf/main.ini'],
  },
  'magic-include': { files: { 'main.ini': '[uwsgi]\nini = sub/inc.ini\nmine = %n %N %d %D\n', 'sub/inc.ini': '[uwsgi]\ninc = %n %N %d %D %o %O %i\n' } },
  placeholders: {
    files: {
      'main.ini':
        '[uwsgi]\nref = %(foo)/x %(later) %(undefined)\nfoo = bar\nlater = L%(foo)\nset = x=1\nset-ph = y=2\nz = %(x)%(y)\nnested = %(a%(foo))\nempty = %()\nself = %(self)\n',
    },
  },
  math: {
    files: {
      'main.ini':
        '[uwsgi]\nprocesses = 4\ncpu = 2\na = %(processes + 1)\nb = %(processes cpu)\nc = %(processes * cpu - 3)\nd = %(processes / 0)\ne = %(processes ++)\nf = %(nothing + 2)\ng = %(-1 + 2)\n',
    },
  },
  immediate: { files: { 'main.ini': '[uwsgi]\nbacklog = 50\nlisten = %(backlog)\nharakiri = %(backlog)\n' } },
  environment: {
    files: { 'main.ini': '[uwsgi]\nhttp-socket = :$(PORT)\nmissing = $(NOPE)\nboth = %(p)$(PORT)\np = x\n' },
    env: { PORT: '8080', UWSGI_LISTEN: '7', UWSGI_HTTP_TIMEOUT: '30' },
  },
  'at-file': { files: { 'main.ini': '[uwsgi]\nsecret = @(token.txt)\n', 'token.txt': 's3cret' } },
  logic: {
    files: {
      'main.ini':
        '[uwsgi]\nfor = a b\nsocket = /tmp/%(_).sock\nendfor =\nif-env = FOO\nprocesses = %(_)\nendif =\nif-not-env = BAR\nthreads = 2\nendif\nif-opt = socket\nprint = has %(_)\nend\nif-exists = token.txt\nexists = %(_)\nendif\nif-not-file = nothing.txt\nnofile = yes\nendif\nfor-times = 3\nt = %(_)\nendfor\nif-opt = socket=/tmp/b.sock\nnever = 1\nendif\nif-not-opt = nothing\nnoopt = %(_)\nend-if\n',
      'token.txt': 'x',
    },
    env: { FOO: '7' },
  },
  includes: {
    files: {
      'main.ini': '[uwsgi]\na = 1\nprocesses = 2\ninherit = sub/base.ini\nini = sub/inc.ini\ninclude = sub/more.ini\nb = %n\nprocesses = 3\n',
      'sub/base.ini': '[uwsgi]\nprocesses = 9\nbase = %n %N %(a)\n',
      'sub/inc.ini': '[uwsgi]\ninc = %n|%N|%x\n',
      'sub/more.ini': '[uwsgi]\nmore = %N\n',
    },
  },
  bom: { files: { 'main.ini': '\uFEFF[uwsgi]\nsocket = :1\n[uwsgi]\nmaster = true\n' } },
  'command-line': {
    files: { 'main.ini': '[uwsgi]\nprocesses = 2\nsocket = /tmp/cfglint-y.sock\n' },
    args: ['--processes', '4', '--ini', 'main.ini', '-s', ':3031', '-l', '5', '-p6', '--socket=x.sock', '-MT', '--chmod-socket', '--die-on-t', 'main.ini'],
    env: { UWSGI_MASTER: 'true' },
  },
  declared: { files: { 'main.ini': '[uwsgi]\ndeclare-option = mysock=socket=/tmp/$1.sock;chmod-socket=660\nmysock = shop\n' } },
  'resolve-less': { files: { 'main.ini': '[uwsgi]\nstrict = false\nfoo = 1\nbar = %(foo)\n' } },
};

/** A LaunchArg for words that are not in any file (the spans are not compared). */
function words(values: string[]): LaunchArg[] {
  const start = { line: 1, column: 1, offset: 0 };
  const span: Span = { file: 'command line', start, end: start };
  return values.map((value) => ({ value, span }));
}

interface Facts {
  cpus: number;
  binaryPath: string;
  version: string;
}

interface Outcome {
  name: string;
  kind: 'agree' | 'disagree' | 'not comparable';
  detail?: string;
}

/** Runs uWSGI to dump its options: the list, or why it could not. */
function dumpOptions(args: string[], cwd: string, env: Record<string, string>): { entries?: string[]; reason?: string } {
  const result = spawnSync(UWSGI, [...DUMP, ...args], {
    cwd,
    env: { PATH: '/usr/bin:/bin', UWSGI_RELOADS: '1', ...env },
    encoding: 'utf8',
    timeout: RUN_LIMIT_MS,
    killSignal: 'SIGKILL',
    uid: NOBODY.uid,
    gid: NOBODY.gid,
  });
  // uWSGI logs to stderr, or to stdout once a log master runs (log-master).
  for (const output of [result.stderr ?? '', result.stdout ?? '']) {
    const entries = parseDump(output);
    if (entries && /running "exit:" \(in-jail\)/.test(`${result.stderr}${result.stdout}`)) return { entries };
  }
  const all = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const reason = all
    .split('\n')
    .map((line) => line.replace(LOG_DATE, '').trim())
    .filter((line) => line !== '' && !line.startsWith('[uWSGI] getting'))
    .slice(-2)
    .join(' / ');
  return { reason: reason || `no dump printed (exit status ${result.status}${result.signal ? `, ${result.signal}` : ''})` };
}

/** The default `log-date` prefix uWSGI puts before each log line when asked to. */
const LOG_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d \d{4} - /;

/**
 * The `key = value` lines between ";uWSGI instance configuration" and ";end of configuration".
 * With `log-date` or a `log-encoder`, every line after the first starts with the same-width
 * prefix that also precedes ";end of configuration".
 */
function parseDump(output: string): string[] | undefined {
  const head = ';uWSGI instance configuration\n[uwsgi]\n';
  const start = output.indexOf(head);
  if (start === -1) return undefined;
  const lines = output.slice(start + head.length).split('\n');
  const end = lines.findIndex((line) => line.endsWith(';end of configuration'));
  if (end === -1) return undefined;
  const prefix = lines[end].length - ';end of configuration'.length;
  return lines.slice(0, end).map((line) => line.slice(prefix));
}

function hostFacts(): Facts {
  const probe = spawnSync(UWSGI, ['--hook-in-jail', 'exit:', '--http-socket', '127.0.0.1:0'], {
    encoding: 'utf8',
    timeout: RUN_LIMIT_MS,
    killSignal: 'SIGKILL',
    env: { PATH: '/usr/bin:/bin', UWSGI_RELOADS: '1' },
    uid: NOBODY.uid,
    gid: NOBODY.gid,
    cwd: os.tmpdir(),
  });
  const text = `${probe.stderr}${probe.stdout}`;
  const version = spawnSync(UWSGI, ['--version'], { encoding: 'utf8', timeout: RUN_LIMIT_MS }).stdout.trim();
  return {
    cpus: Number(/detected number of CPU cores: (\d+)/.exec(text)?.[1] ?? os.cpus().length),
    binaryPath: /detected binary path: (\S+)/.exec(text)?.[1] ?? UWSGI,
    version,
  };
}

/** The reader's list for the same words, on this machine, as `key = value` lines. */
function readerOptions(args: string[], cwd: string, env: Record<string, string>, facts: Facts): string[] {
  const realCwd = fs.realpathSync(cwd);
  const here = (name: string) => path.resolve(realCwd, name);
  const files: UwsgiFiles = {
    resolve: (name) => (fs.existsSync(here(name)) && fs.statSync(here(name)).isFile() ? here(name) : undefined),
    read: (file) => new SourceText(file, decodeUtf8(fs.readFileSync(file))),
    serverPath: (file) => (fs.lstatSync(file).isSymbolicLink() ? file : fs.realpathSync(file)),
  };
  const machine: UwsgiMachine = {
    env: { vars: new Map(Object.entries({ PATH: '/usr/bin:/bin', UWSGI_RELOADS: '1', ...env })), complete: true },
    realPaths: true,
    isReload: true,
    cwd: realCwd,
    hostname: os.hostname(),
    cpus: facts.cpus,
    uid: NOBODY.uid,
    user: NOBODY.user,
    gid: NOBODY.gid,
    group: NOBODY.group,
    version: facts.version,
    binaryPath: facts.binaryPath,
    inode: (file) => fs.lstatSync(file).ino,
    pathKind: (name) => {
      const stat = fs.statSync(here(name), { throwIfNoEntry: false });
      return stat ? (stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other') : undefined;
    },
    readFile: (name) => (fs.existsSync(here(name)) ? fs.readFileSync(here(name), 'utf8') : undefined),
  };
  const environment = Object.entries(env).map(([name, value]) => ({ name, value, span: words([''])[0].span }));
  const instance = buildInstance({ environment, commandLine: readCommandLine(words([...DUMP, ...args])) }, machine, files, (file) => file);
  return instance.options
    .filter((entry) => entry.origin !== 'declared-option')
    .map((entry) => `${entry.key} = ${entry.value === null ? 'true' : entry.value === undefined ? '<unknown>' : entry.value}`);
}

function compare(name: string, args: string[], cwd: string, env: Record<string, string>, facts: Facts, retryArgs?: string[]): Outcome {
  let used = args;
  let dump = dumpOptions(args, cwd, env);
  if (!dump.entries && retryArgs) {
    // A logger in the file takes the dump away from stderr; one on stdout brings it back.
    used = retryArgs;
    dump = dumpOptions(retryArgs, cwd, env);
  }
  if (!dump.entries) return { name, kind: 'not comparable', detail: dump.reason };
  const mine = hiddenByLogRoutes(readerOptions(used, cwd, env, facts).join('\n').split('\n'));
  const theirs = dump.entries;
  if (mine.length === theirs.length && mine.every((line, i) => line === theirs[i])) return { name, kind: 'agree' };
  const first = mine.findIndex((line, i) => line !== theirs[i]);
  const at = first === -1 ? Math.min(mine.length, theirs.length) : first;
  return { name, kind: 'disagree', detail: `entry ${at}: uWSGI ${JSON.stringify(theirs[at])}, cfglint ${JSON.stringify(mine[at])}` };
}

/**
 * `log-route = LOGGER REGEX` sends every log line that matches to that logger, the dump's lines
 * too: uWSGI's dump leaves out the lines the file's own routes take away (PCRE read as a
 * JavaScript regular expression, which is the same for the patterns in these files).
 */
function hiddenByLogRoutes(lines: string[]): string[] {
  const routes = lines.filter((line) => line.startsWith('log-route = ')).map((line) => line.slice('log-route = '.length).split(' ').slice(1).join(' '));
  if (routes.length === 0) return lines;
  const patterns = routes.map((route) => new RegExp(route));
  return lines.filter((line) => !patterns.some((pattern) => pattern.test(line)));
}

/**
 * A corpus file that includes a file the corpus does not have, or that makes uWSGI create a
 * directory next to it (a spooler): compared on a copy (outside the project, in a temp dir owned
 * by nobody) next to empty `[uwsgi]` files standing in for the missing ones, so that the rest of
 * the file is still checked. Stubs only go inside that temp dir.
 */
function compareWithStubs(name: string, original: string, root: string, args: string[], retryArgs: string[], facts: Facts): Outcome {
  const dir = path.join(root, 'a', 'b', 'c');
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(original, path.join(dir, path.basename(original)));
  const own = (target: string) => {
    for (let d = target; d.startsWith(root); d = path.dirname(d)) fs.chownSync(d, NOBODY.uid, NOBODY.gid);
  };
  own(path.join(dir, path.basename(original)));
  let outcome: Outcome = { name, kind: 'not comparable' };
  const stubs: string[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    outcome = compare(name, args, dir, {}, facts, retryArgs);
    const missing = /realpath\(\) of (.*) failed/.exec(outcome.detail ?? '')?.[1];
    if (outcome.kind !== 'not comparable' || missing === undefined) break;
    const stub = path.resolve(dir, missing);
    if (!stub.startsWith(root + path.sep) || fs.existsSync(stub)) break;
    fs.mkdirSync(path.dirname(stub), { recursive: true });
    fs.writeFileSync(stub, '[uwsgi]\n');
    own(stub);
    stubs.push(path.relative(dir, stub));
  }
  return stubs.length > 0 && outcome.kind !== 'not comparable' ? { ...outcome, name: `${name} (with empty ${stubs.join(', ')})` } : outcome;
}

/** uWSGI ini files of the corpus: by FORMATS.tsv, ini syntax only (not the .xml/.yml examples). */
function corpusIniFiles(): string[] {
  return corpusEntries()
    .filter(
      (entry) =>
        (entry.format === 'uwsgi' || (entry.path.startsWith('templated/') && /uwsgi|\.ini/.test(entry.path))) && !/\.(xml|ya?ml|json)$/.test(entry.path),
    )
    .filter((entry) => entry.format === 'uwsgi' || /\.ini(\.template)?$/.test(entry.path))
    .map((entry) => entry.path);
}

if (!present) {
  process.stdout.write(`uwsgi servers suite skipped: ${UWSGI} not found (apt-get install uwsgi uwsgi-plugin-python3)\n`);
  describe.skip('uWSGI differential', () => test('needs uwsgi', () => undefined));
} else {
  describe('uWSGI differential', () => {
    let facts: Facts;
    let fixtureRoot: string;

    beforeAll(() => {
      facts = hostFacts();
      fixtureRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-uwsgi-'));
      fs.chmodSync(fixtureRoot, 0o755);
    });

    afterAll(() => {
      if (fixtureRoot) fs.rmSync(fixtureRoot, { recursive: true, force: true });
    });

    const report = (label: string, outcomes: Outcome[]) => {
      const compared = outcomes.filter((o) => o.kind !== 'not comparable');
      const agreeing = compared.filter((o) => o.kind === 'agree');
      const lines = [`${label}: ${agreeing.length}/${compared.length} files agree; ${outcomes.length - compared.length} not comparable`];
      for (const o of outcomes.filter((x) => x.kind !== 'agree')) lines.push(`  ${o.kind}: ${o.name}: ${o.detail}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    };

    test('fixtures', () => {
      const outcomes: Outcome[] = [];
      for (const [name, fixture] of Object.entries(FIXTURES)) {
        const dir = path.join(fixtureRoot, name);
        for (const [file, text] of Object.entries(fixture.files)) {
          const target = path.join(dir, file);
          fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
          fs.writeFileSync(target, text, { mode: 0o644 });
        }
        for (let d = dir; d !== fixtureRoot; d = path.dirname(d)) fs.chmodSync(d, 0o755);
        for (const sub of fs.readdirSync(dir, { recursive: true }) as string[]) {
          const full = path.join(dir, sub);
          if (fs.statSync(full).isDirectory()) fs.chmodSync(full, 0o755);
        }
        outcomes.push(compare(name, fixture.args ?? ['--ini', 'main.ini'], dir, fixture.env ?? {}, facts));
      }
      report('uWSGI fixtures', outcomes);
      expect(outcomes.filter((o) => o.kind !== 'agree')).toEqual([]);
    });

    const corpusFiles = corpusIniFiles();
    (corpusFiles.length > 0 ? test : test.skip)('corpus ini files', () => {
      // Routes, loggers and plugin options are checked while the options are applied: load the
      // plugins Debian ships for them so that uWSGI gets as far as the dump.
      const installed = fs.existsSync(PLUGIN_DIR) ? fs.readdirSync(PLUGIN_DIR).map((name) => name.replace(/_plugin\.so$/, '')) : [];
      const plugins = installed
        .filter(
          (name) =>
            /^(router_|transformation_)/.test(name) ||
            ['python3', 'http', 'logfile', 'logsocket', 'syslog', 'rsyslog', 'cheaper_busyness', 'stats_pusher_statsd', 'xslt'].includes(name),
        )
        .sort();
      const outcomes = corpusFiles.map((relative, index) => {
        const full = path.join(CORPUS, relative);
        const ini = ['--ini', path.basename(full)];
        const withPlugins = ['--plugins', plugins.join(','), ...ini];
        const withLogger = ['--plugins', plugins.join(','), '--logger', 'stdio', ...ini];
        const outcome = compare(relative, withPlugins, path.dirname(full), {}, facts, withLogger);
        // A missing include, or a directory uWSGI wants to create next to the file: try a copy.
        if (outcome.kind !== 'not comparable' || !/realpath\(\) of .* failed|Permission denied/.test(outcome.detail ?? '')) return outcome;
        return compareWithStubs(relative, full, path.join(fixtureRoot, `corpus-${index}`), withPlugins, withLogger, facts);
      });
      report('uWSGI corpus', outcomes);
      expect(outcomes.filter((o) => o.kind === 'disagree')).toEqual([]);
      expect(outcomes.filter((o) => o.kind === 'agree').length).toBeGreaterThan(0);
    });

    test('the option table knows every option of the binary and its common plugins', () => {
      const missing: string[] = [];
      for (const plugins of [[], ['python3'], ['http'], ['fastrouter'], ['rawrouter'], ['sslrouter'], ['cheaper_busyness'], ['carbon']]) {
        const args = plugins.length > 0 ? ['--plugins', plugins.join(','), '--dump-options'] : ['--dump-options'];
        const result = spawnSync(UWSGI, args, {
          encoding: 'utf8',
          timeout: RUN_LIMIT_MS,
          killSignal: 'SIGKILL',
          env: { PATH: '/usr/bin:/bin' },
          uid: NOBODY.uid,
          gid: NOBODY.gid,
          cwd: os.tmpdir(),
        });
        for (const name of result.stdout.split('\n').filter(Boolean)) if (!uwsgiOptionSpec(name)) missing.push(`${plugins.join(',') || 'core'}: ${name}`);
      }
      expect(missing).toEqual([]);
      expect(allUwsgiOptions().length).toBeGreaterThan(1000);
    });
  });
}
