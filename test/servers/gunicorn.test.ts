/**
 * The gunicorn reader against the real gunicorn (Debian 12's 20.1.0; `npm run test:servers`).
 *
 * 1. Values. For every gunicorn config of ../shared/corpus (the gunicorn/ folder and the deploy
 *    sets, per FORMATS.tsv) and the fixtures below: `gunicorn --print-config -c FILE app:app` in a
 *    temp dir with a dummy WSGI module `app` on PYTHONPATH, without PORT, WEB_CONCURRENCY and
 *    GUNICORN_CMD_ARGS. gunicorn runs the file (cfglint never does) and prints every setting as it
 *    will use it. For each setting the model holds, the model's value agrees with the printed one,
 *    or the model says unknown (the file computes it: counted apart, not a disagreement). A file
 *    gunicorn cannot load outside its project (an import, an environment variable it requires, a
 *    directory that does not exist here) is "not comparable", counted and listed with the reason.
 *    The fixtures with a command line are run with the same words and environment as the
 *    hand-built Launch given to the reader, which tests the precedence of docs/servers/gunicorn.md#configuration-precedence.
 * 2. Syntax. For the same files and the syntax fixtures: python3 (Debian's 3.11, which runs
 *    gunicorn) compiles the file ⇔ cfglint has no gunicorn-syntax finding.
 *
 * gunicorn never serves: --print-config loads the config and the app, prints and exits. Each run
 * has a 20 s limit, and runs in its own temp dir with HOME pointing there.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem } from '../../src/discovery/fs';
import type { GunicornBackend } from '../../src/readers/gunicorn/gunicorn-backend';
import type { Launch, LaunchArg, LaunchEnvValue } from '../../src/readers/launch/launch';
import { effectiveWorker, readGunicorn } from '../../src/readers/gunicorn';
import type { Span } from '../../src/source/span';
import { CORPUS, corpusEntries } from '../corpus/corpus';

const GUNICORN = '/usr/bin/gunicorn';
const PYTHON = '/usr/bin/python3';
const present = fs.existsSync(GUNICORN) && fs.existsSync(PYTHON);

/** Fixtures: values gunicorn must agree with, written for this suite. */
const FIXTURES: Record<string, string> = {
  'literals.py':
    'bind = ["127.0.0.1:8001", "unix:/tmp/cfglint-x.sock"]\nworkers = 3\nworker_class = "gthread"\nthreads = 4\ntimeout = 90\nkeepalive = 65\nbacklog = 512\nlimit_request_line = 8190\nlimit_request_field_size = 16380\nlimit_request_fields = 50\nmax_requests = 1000\ngraceful_timeout = 20\numask = 0o022\n',
  'arithmetic.py':
    'W = 2\nworkers = W * 2 + 1\ntimeout = 60 * 5\nkeepalive = 75 // 2\nbacklog = 2 ** 10\nHOST, PORT = "0.0.0.0", 8080\nbind = f"{HOST}:{PORT}"\n',
  'strings.py': 'workers = "4"\ntimeout = "0x10"\nbind = "  0.0.0.0:9000  "\nworker_class = " gevent "\nmax_requests = True\n',
  'sync-threads.py': 'worker_class = "sync"\nthreads = 3\n',
  'conditional.py': 'import os\nworkers = 2\nif os.environ.get("NOT_SET_HERE"):\n    workers = 8\ntimeout = 10\ntimeout += 5\n',
  'star.py': 'workers = 3\nfrom os.path import *\n',
  'misspelt.py': 'keep_alive = 75\nworker = 4\nTIMEOUT = 99\nbind_address = "0.0.0.0:1"\n',
  'user-group.py': 'user = "www-data"\ngroup = 33\numask = 18\n',
  'bind-list-mutated.py': 'bind = ["127.0.0.1:8002"]\nbind.append("127.0.0.1:8003")\n',
  'uvicorn-class.py': 'worker_class = "uvicorn.workers.UvicornWorker"\nkeepalive = 30\n',
};

/** Texts for the syntax comparison only. */
const SYNTAX_FIXTURES: Record<string, string> = {
  'py2-print.py': 'workers = 2\nprint "x"\n',
  'py2-except.py': 'try:\n    import x\nexcept ImportError, e:\n    pass\n',
  'octal.py': 'umask = 022\n',
  'ne.py': 'x = 1 <> 2\n',
  'indent.py': 'workers = 2\n    timeout = 3\n',
  'dedent.py': 'if True:\n        a = 1\n    b = 2\n',
  'tabs.py': 'if True:\n        a = 1\n\tb = 2\n',
  'unterminated.py': 'bind = "0.0.0.0:80\nworkers = 2\n',
  'unclosed.py': 'bind = ["a",\nworkers = 2\n',
  'trailing-op.py': 'workers = 2 +\n',
  'ok-match.py': 'match 1:\n    case 1:\n        workers = 2\n',
  'ok-walrus.py': 'if (n := 3):\n    workers = n\n',
  'ok-decorated.py': 'import functools\n@functools.lru_cache\ndef when_ready(server):\n    pass\n',
  'ok-float.py': 'x = 012.5\ny = 0_0\n',
  'ok-continuation.py': 'workers = 1 + \\\n    2\n',
};

interface CommandFixture {
  name: string;
  file?: string;
  args: string[];
  env: Record<string, string>;
}

/** Command lines: gunicorn gets exactly these words (after `gunicorn`) and this environment. */
const COMMANDS: CommandFixture[] = [
  {
    name: 'file < GUNICORN_CMD_ARGS < CLI',
    file: 'literals.py',
    args: ['-c', 'literals.py', '--keep-alive', '70', '-w', '5', 'app:app'],
    env: { GUNICORN_CMD_ARGS: '--keep-alive 65 --timeout=45 --workers 9' },
  },
  {
    name: 'CLI only, abbreviated and attached values',
    args: ['--bind=127.0.0.1:8100', '-b', 'unix:/tmp/cfglint-y.sock', '-t5', '--keep', '12', '--threads', '2', '--limit-request-field_size', '100', 'app:app'],
    env: {},
  },
  { name: 'PORT and WEB_CONCURRENCY defaults', args: ['app:app'], env: { PORT: '5005', WEB_CONCURRENCY: '6' } },
  { name: 'umask in octal on the command line', args: ['-m', '027', '-k', 'gevent', 'app:app'], env: {} },
];

interface Comparison {
  agreeing: number;
  compared: number;
  unknownWhereComputed: string[];
  notComparable: string[];
  disagreements: string[];
}

/** The environment gunicorn runs in here; a config file's launch in the model gets the same (config files read os.environ). */
function runEnvironment(dir: string, env: Record<string, string>): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) clean[name] = value;
  for (const name of ['PORT', 'WEB_CONCURRENCY', 'GUNICORN_CMD_ARGS', 'FORWARDED_ALLOW_IPS', 'SENDFILE']) delete clean[name];
  // Variables one corpus config reads with os.environ[...] (a KeyError without them).
  return { ...clean, GUNICORN_WORKERS: '2', GUNICORN_THREADS: '2', GUNICORN_MAX_REQUESTS: '100', ...env, PYTHONPATH: dir, HOME: dir };
}

function printConfig(dir: string, args: string[], env: Record<string, string>): { ok: true; values: Map<string, string> } | { ok: false; reason: string } {
  const result = spawnSync(GUNICORN, [...args, '--print-config'], {
    cwd: dir,
    env: runEnvironment(dir, env),
    encoding: 'utf8',
    timeout: 20000,
  });
  if (result.status !== 0) {
    const lines = `${result.stderr ?? ''}`.trim().split('\n');
    return { ok: false, reason: lines.filter((l) => /Error|error:/.test(l)).slice(-1)[0] ?? lines.slice(-1)[0] ?? `exit ${result.status}` };
  }
  const values = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const match = /^(\w+)\s+= (.*)$/.exec(line);
    if (match) values.set(match[1], match[2]);
  }
  return { ok: true, values };
}

/** Python's repr of a list of str, as --print-config prints `bind`. */
const pyList = (items: string[]) => `[${items.map((item) => `'${item}'`).join(', ')}]`;

function userId(name: string, database: 'passwd' | 'group'): string | undefined {
  if (/^\d+$/.test(name)) return name;
  const result = spawnSync('getent', [database, name], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split(':')[2] : undefined;
}

/** Compares one backend with gunicorn's printed settings; returns the differences. */
function compare(label: string, backend: GunicornBackend, printed: Map<string, string>, unknowns: string[]): string[] {
  const differences: string[] = [];
  for (const [name, setting] of backend.settings) {
    const shown = printed.get(name);
    if (shown === undefined) {
      differences.push(`${label}: gunicorn printed no ${name}`);
      continue;
    }
    if (setting.value === undefined) {
      // user/group default to whoever runs gunicorn: not in the tree, not compared.
      if (!((name === 'user' || name === 'group') && setting.source.kind === 'default')) unknowns.push(`${label}: ${name} (gunicorn: ${shown})`);
      continue;
    }
    let expected: string;
    switch (name) {
      case 'bind':
        expected = pyList(String(setting.value).split(', '));
        break;
      case 'worker_class': {
        const threads = Number(printed.get('threads'));
        const kind = effectiveWorker(shown, threads);
        if ((kind === 'custom' ? shown : kind) !== setting.value)
          differences.push(`${label}: worker_class: cfglint ${setting.value}, gunicorn ${shown} with threads ${threads}`);
        continue;
      }
      case 'user':
      case 'group':
        expected = userId(String(setting.value), name === 'user' ? 'passwd' : 'group') ?? `(no such ${name} ${setting.value})`;
        break;
      default:
        expected = String(setting.unit === 'ms' ? Number(setting.value) / 1000 : setting.value);
    }
    if (expected !== shown) differences.push(`${label}: ${name}: cfglint ${expected}, gunicorn ${shown}`);
  }
  return differences;
}

function span(file: string, line: number, column: number, length: number): Span {
  return { file, start: { line, column, offset: column - 1 }, end: { line, column: column + length, offset: column - 1 + length } };
}

function launchOf(fixture: CommandFixture): Launch {
  const words = ['gunicorn', ...fixture.args];
  let column = 1;
  const argv: LaunchArg[] = words.map((value) => {
    const arg = { value, span: span('Procfile', 1, column, value.length) };
    column += value.length + 1;
    return arg;
  });
  const env = new Map<string, LaunchEnvValue>(
    Object.entries(fixture.env).map(([name, value], i) => [name, { value, span: span('Procfile', 2 + i, name.length + 2, value.length) }]),
  );
  return {
    kind: 'procfile',
    file: 'Procfile',
    program: 'gunicorn',
    argv,
    env,
    span: span('Procfile', 1, 1, column - 2),
    stopSignal: { value: 'SIGTERM' },
    stopSignalReaches: true,
    wrappers: [],
    externalEnv: [],
  };
}

function compiles(file: string): boolean {
  const result = spawnSync(PYTHON, ['-c', 'import sys; compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec")', file], {
    encoding: 'utf8',
    timeout: 20000,
  });
  return result.status === 0;
}

if (!present) {
  process.stdout.write(`gunicorn servers suite skipped: ${GUNICORN} or ${PYTHON} not found (apt-get install gunicorn)\n`);
  describe.skip('gunicorn reader vs gunicorn --print-config', () => test('needs gunicorn', () => undefined));
} else {
  describe('gunicorn reader vs gunicorn --print-config (Debian 20.1.0)', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-gunicorn-'));
      fs.writeFileSync(path.join(dir, 'app.py'), 'def app(environ, start_response):\n    start_response("200 OK", [])\n    return [b""]\n');
      // Stand-ins for modules two corpus configs import (a third-party package, Python 2's
      // `commands`), so that gunicorn can load them here; the values cfglint reads do not use them.
      fs.writeFileSync(
        path.join(dir, 'environs.py'),
        'class Env:\n    def read_env(self):\n        pass\n    def bool(self, name, default=False):\n        return default\n',
      );
      fs.writeFileSync(path.join(dir, 'commands.py'), 'def getoutput(command):\n    return ""\n');
      for (const [name, text] of Object.entries({ ...FIXTURES, ...SYNTAX_FIXTURES })) fs.writeFileSync(path.join(dir, name), text);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const corpusFiles = corpusEntries()
      .filter((entry) => entry.format === 'gunicorn')
      .map((entry) => path.join(CORPUS, entry.path));

    /** The file as gunicorn read it: named by `-c` on a command line (so it is read whatever its name). */
    const readOne = (absolute: string, display: string): GunicornBackend | undefined => {
      const launch = launchOf({ name: display, args: ['-c', absolute, 'app:app'], env: runEnvironment(dir, {}) });
      const backends = readGunicorn([], [launch], {
        fs: nodeFileSystem,
        displayPath: (file) => (file === absolute ? display : path.relative(dir, file)),
        treeFiles: [absolute, path.join(dir, 'Procfile')],
        lintRoots: [dir],
      }).backends;
      return backends[0]?.config ? backends[0] : undefined;
    };

    test('config files: the model agrees with --print-config', () => {
      const result: Comparison = { agreeing: 0, compared: 0, unknownWhereComputed: [], notComparable: [], disagreements: [] };
      const files = [...Object.keys(FIXTURES).map((name) => path.join(dir, name)), ...corpusFiles];
      fs.writeFileSync(path.join(dir, 'Procfile'), 'web: …\n');
      for (const file of files) {
        const label = file.startsWith(CORPUS) ? path.relative(CORPUS, file) : `fixture ${path.basename(file)}`;
        const printed = printConfig(dir, ['-c', file, 'app:app'], {});
        if (!printed.ok) {
          result.notComparable.push(`${label}: ${printed.reason}`);
          continue;
        }
        const backend = readOne(file, label);
        if (!backend) {
          result.disagreements.push(`${label}: cfglint made no backend`);
          continue;
        }
        const differences = compare(label, backend, printed.values, result.unknownWhereComputed);
        result.compared++;
        if (differences.length === 0) result.agreeing++;
        result.disagreements.push(...differences);
      }
      process.stdout.write(
        [
          `gunicorn config files: ${result.agreeing}/${result.compared} agree with --print-config (${files.length} files, ${result.notComparable.length} not comparable)`,
          `settings the model leaves unknown where the file computes them: ${result.unknownWhereComputed.length}`,
          ...result.unknownWhereComputed.map((line) => `  unknown: ${line}`),
          ...result.notComparable.map((line) => `  not comparable: ${line}`),
          ...result.disagreements.map((line) => `  DISAGREE: ${line}`),
          '',
        ].join('\n'),
      );
      expect(result.disagreements).toEqual([]);
      expect(result.compared).toBeGreaterThanOrEqual(Object.keys(FIXTURES).length);
    });

    test('command lines and GUNICORN_CMD_ARGS: the model agrees with --print-config', () => {
      const differences: string[] = [];
      const unknowns: string[] = [];
      for (const fixture of COMMANDS) {
        const printed = printConfig(dir, fixture.args, fixture.env);
        if (!printed.ok) throw new Error(`${fixture.name}: gunicorn failed: ${printed.reason}`);
        const tree = [path.join(dir, 'Procfile'), ...(fixture.file ? [path.join(dir, fixture.file)] : [])];
        fs.writeFileSync(path.join(dir, 'Procfile'), 'web: …\n');
        const backends = readGunicorn([], [launchOf(fixture)], {
          fs: nodeFileSystem,
          displayPath: (f) => path.relative(dir, f),
          treeFiles: tree,
          lintRoots: [dir],
        }).backends;
        expect(backends).toHaveLength(1);
        if (fixture.file) expect(backends[0].config?.file).toBe(fixture.file);
        differences.push(...compare(fixture.name, backends[0], printed.values, unknowns));
      }
      process.stdout.write(`gunicorn command lines: ${COMMANDS.length - new Set(differences.map((d) => d.split(':')[0])).size}/${COMMANDS.length} agree\n`);
      expect(differences).toEqual([]);
      expect(unknowns).toEqual([]);
    });

    test('syntax: python3 compiles the file ⇔ no gunicorn-syntax finding', () => {
      const files = [...Object.keys({ ...FIXTURES, ...SYNTAX_FIXTURES }).map((name) => path.join(dir, name)), ...corpusFiles];
      const disagreements: string[] = [];
      for (const file of files) {
        const text = fs.readFileSync(file, 'utf8');
        const output = readGunicorn([file], [], { fs: nodeFileSystem, displayPath: () => path.basename(file), treeFiles: [file], lintRoots: [file] });
        const cfglintRejects = output.diagnostics.some((d) => d.ruleId === 'gunicorn-syntax');
        const pythonRejects = !compiles(file);
        if (cfglintRejects !== pythonRejects)
          disagreements.push(
            `${path.basename(file)}: python3 ${pythonRejects ? 'rejects' : 'accepts'}, cfglint ${cfglintRejects ? 'rejects' : 'accepts'} (${text.length} chars)`,
          );
      }
      process.stdout.write(`gunicorn syntax: ${files.length - disagreements.length}/${files.length} files agree with python3 compile()\n`);
      expect(disagreements).toEqual([]);
    });
  });
}
