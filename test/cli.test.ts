/**
 * The built command (`node dist/src/cli/main.js`), spawned as users run it: exit codes, output
 * formats, colour, and one-line errors. Each spawn costs ~0.3 s, so each test groups what one
 * run can show.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { internalErrorReport } from '../src/cli/cli';
import { type CheckstyleXml, expectWellFormedXml, type JunitXml, parseXml } from './formatters/xml-check';
import { writeFiles } from './disk-tree';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const BROKEN = 'examples/keepalive-http10/broken';
const FIXED = 'examples/keepalive-http10/fixed';
const RULE = 'upstream-keepalive-http10';
// examples/keepalive-http10/broken/nginx/conf.d/app.conf: `        proxy_pass http://app;` on
// lines 13 and 19; the argument starts after 8 spaces and "proxy_pass ", at column 20.
const APP_CONF = `${BROKEN}/nginx/conf.d/app.conf`;
// eslint-disable-next-line no-control-regex -- matches the escape byte that starts an ANSI colour
const ANSI = /\x1b\[[0-9;]*m/;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cfglint(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[key];
  const result: SpawnSyncReturns<string> = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', timeout: 30000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit 2 and exactly one line on stderr (plus the --help pointer for argument errors), no stack trace. */
function expectUsageError(run: Run, pattern: RegExp, options: { hint: boolean }) {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).not.toMatch(/^ {4}at /m);
  const errorLines = run.stderr.split('\n').filter((line) => line !== '');
  expect(errorLines[0]).toMatch(pattern);
  expect(errorLines.slice(1)).toEqual(options.hint ? ["Try 'cfglint --help' for more information."] : []);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

let tmp: string;

beforeAll(() => {
  // `npm test` builds first (pretest); a bare `npx jest` may find no build, or an older one.
  const stale = !fs.existsSync(CLI) || fs.statSync(CLI).mtimeMs < Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'checks')));
  if (stale) {
    // tsc emits despite type errors; those are `npm run typecheck`'s business, not this test's.
    const build = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, encoding: 'utf8' });
    if (!fs.existsSync(CLI)) throw new Error(`npx tsc -p . did not build ${CLI}:\n${build.stdout}${build.stderr}`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-cli-'));
}, 120000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** A copy of an example under the temp directory, with extra files. */
function copyExample(name: string, from: string, extra: Record<string, string> = {}): string {
  const dir = path.join(tmp, name);
  fs.cpSync(path.join(ROOT, from), dir, { recursive: true });
  for (const [file, text] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('exit codes', () => {
  test("1 for the broken example: errors from the Dockerfile's nginx 1.26, plain text when piped", () => {
    const run = cfglint([BROKEN], { env: { NO_COLOR: undefined } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`error[${RULE}]`);
    expect(run.stdout).toContain(`${APP_CONF}:13:20`);
    expect(run.stdout).toContain(`${APP_CONF}:19:20`);
    expect(run.stdout).not.toMatch(ANSI);
  });

  test('0 for the fixed example', () => {
    const run = cfglint([FIXED]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toContain(RULE);
  });

  test('--fail-on never: 0 even with errors', () => {
    const run = cfglint(['--fail-on', 'never', BROKEN]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`error[${RULE}]`);
  });

  test('failOn and rule severities from .cfglint.json; --fail-on wins over failOn', () => {
    const dir = copyExample('configured', BROKEN, {
      '.cfglint.json': JSON.stringify({ rules: { [RULE]: 'warning' }, failOn: 'error' }),
    });
    const configured = cfglint([dir]);
    expect(configured.status).toBe(0);
    expect(configured.stdout).toContain(`warning[${RULE}]`);
    expect(configured.stdout).not.toContain(`error[${RULE}]`);
    expect(cfglint(['--fail-on', 'warning', dir]).status).toBe(1);
  });

  test('a config file in a parent directory applies; --config picks another', () => {
    fs.mkdirSync(path.join(tmp, 'parent'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'parent/.cfglint.json'), JSON.stringify({ rules: { [RULE]: 'off' } }));
    const dir = copyExample('parent/deploy/prod', BROKEN);
    expect(cfglint([dir]).status).toBe(0);
    fs.writeFileSync(path.join(tmp, 'strict.json'), JSON.stringify({ rules: { [RULE]: 'info' }, failOn: 'info' }));
    const strict = cfglint(['--config', path.join(tmp, 'strict.json'), dir]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain(`info[${RULE}]`);
  });

  test('a syntax error is a finding (exit 1), and the rest of the tree is still linted', () => {
    const dir = copyExample('syntax', BROKEN, { 'nginx/conf.d/zz-broken.conf': 'server {\n    listen 8080;\n}\n}\n' });
    const run = cfglint(['--format', 'github', '.'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    const annotations = run.stdout.trimEnd().split('\n');
    expect(annotations.map((line) => /^::(\w+) file=([^,]+),line=(\d+),col=(\d+),.*title=([^:]+)::/.exec(line)!.slice(1).join(' '))).toEqual([
      `error nginx/conf.d/app.conf 13 20 ${RULE}`,
      `error nginx/conf.d/app.conf 19 20 ${RULE}`,
      'error nginx/conf.d/zz-broken.conf 4 1 nginx-syntax',
    ]);
  });
});

describe('usage errors exit 2 with one line', () => {
  test('bad options', () => {
    expectUsageError(cfglint(['--bogus', FIXED]), /^cfglint: .*bogus/, { hint: true });
    expectUsageError(
      cfglint(['--format', 'xml', FIXED]),
      /^cfglint: unknown format "xml"; expected one of: stylish, json, sarif, github, gitlab, junit, checkstyle$/,
      { hint: true },
    );
    expectUsageError(cfglint(['--fail-on', 'critical', FIXED]), /^cfglint: invalid --fail-on "critical"/, { hint: true });
    expectUsageError(cfglint([FIXED, '--format']), /^cfglint: .*format/, { hint: true });
    expectUsageError(cfglint([FIXED, '-o']), /^cfglint: .*\bo\b/, { hint: true });
    expectUsageError(cfglint(['--nginx-version', 'latest', FIXED]), /^cfglint: invalid --nginx-version "latest"/, { hint: true });
  });

  test('a path that does not exist', () => {
    expectUsageError(cfglint(['examples/no-such-dir']), /^cfglint: no such file or directory: examples\/no-such-dir$/, { hint: true });
  });

  test('a path with line breaks and escape sequences is one escaped line', () => {
    const run = cfglint(['nope\r::add-mask::y\n::error::z\x1b[2J']);
    expectUsageError(run, /^cfglint: no such file or directory: nope\\r::add-mask::y\\n::error::z\\x1b\[2J$/, { hint: true });
    // eslint-disable-next-line no-control-regex -- no carriage return or escape may reach stderr
    expect(run.stderr).not.toMatch(/[\r\x1b]/);
  });

  test('an internal error is one escaped line and a pointer to the issues', () => {
    expect(internalErrorReport(new Error('bad "a\n::add-mask::b\rc\x07"'))).toBe(
      'cfglint: internal error: bad "a\\n::add-mask::b\\rc\\x07"\nPlease report this at https://github.com/cfglint/cfglint/issues\n',
    );
    expect(internalErrorReport('thrown\nstring')).toBe(
      'cfglint: internal error: thrown\\nstring\nPlease report this at https://github.com/cfglint/cfglint/issues\n',
    );
  });

  test('a config file that is missing or cannot be read', () => {
    expectUsageError(cfglint(['--config', 'no-such.json', FIXED]), /^cfglint: config file not found: no-such\.json$/, { hint: false });
    expectUsageError(cfglint(['--config', 'examples', FIXED]), /^cfglint: cannot read config file examples: not a regular file$/, { hint: false });
  });

  test('a bad .cfglint.json names the file and the JSON path', () => {
    const cases: [string, string, string][] = [
      ['invalid-json', '{\n  "rules": {\n    "upstream-keepalive-http10": "off",\n  }\n}\n', 'invalid JSON: .* at line 4, column 3'],
      ['unknown-key', '{"rules": {}, "failon": "error"}', 'failon is not a known key; did you mean "failOn"\\?'],
      [
        'unknown-rule',
        '{"rules": {"upstream-keepalive-http1": "off"}}',
        'rules\\.upstream-keepalive-http1 is not a known rule; did you mean "upstream-keepalive-http10"\\?',
      ],
    ];
    for (const [name, text, message] of cases) {
      const dir = copyExample(`bad-config-${name}`, FIXED, { '.cfglint.json': text });
      const file = path.join(dir, '.cfglint.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expectUsageError(cfglint([dir]), new RegExp(`^cfglint: ${file}: ${message}$`), { hint: false });
    }
  });
});

describe('standard output that cannot be written', () => {
  // /dev/full fails every write with ENOSPC (Linux).
  const devFull = fs.existsSync('/dev/full') ? test : test.skip;
  devFull('a full device is one line on stderr and exit 2, not a stack trace', () => {
    const out = fs.openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [CLI, FIXED], { cwd: ROOT, stdio: ['ignore', out, 'pipe'], encoding: 'utf8', timeout: 30000 });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe('cfglint: cannot write to standard output: ENOSPC: no space left on device, write\n');
    } finally {
      fs.closeSync(out);
    }
  });
});

describe('formats', () => {
  test('--format json validates against schemas/report.schema.json', () => {
    const run = cfglint(['--format', 'json', BROKEN]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    const ajv = new Ajv({ strict: true, allErrors: true });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/report.schema.json'), 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(validate(report)).toBe(true);
    expect(
      report.findings.map(
        (f: { ruleId: string; severity: string; primary: { file: string; start: { line: number; column: number } } }) =>
          `${f.severity} ${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`,
      ),
    ).toEqual([`error ${RULE} ${APP_CONF}:13:20`, `error ${RULE} ${APP_CONF}:19:20`]);
    expect(report.summary).toEqual({ errors: 2, warnings: 0, infos: 0, suppressed: 0, baselined: 0 });
  });

  test('--format sarif is SARIF 2.1.0 with the rule id', () => {
    const run = cfglint(['--format', 'sarif', BROKEN]);
    expect(run.status).toBe(1);
    const sarif = JSON.parse(run.stdout);
    expect(sarif.version).toBe('2.1.0');
    const results = sarif.runs[0].results;
    expect(results.map((r: { ruleId: string }) => r.ruleId)).toEqual([RULE, RULE]);
    expect(results[0].locations[0].physicalLocation.region).toMatchObject({ startLine: 13, startColumn: 20 });
  });

  test('--format github gives workflow annotations', () => {
    const run = cfglint(['--format', 'github', BROKEN]);
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0].startsWith(`::error file=${APP_CONF},line=13,col=20,`)).toBe(true);
    expect(lines[1].startsWith(`::error file=${APP_CONF},line=19,col=20,`)).toBe(true);
    expect(lines[0]).toContain(`title=${RULE}::`);
  });

  describe('CI formats on examples/keepalive-timeout-gunicorn/broken', () => {
    // Written from the example: nginx/conf.d/app.conf line 3 is `    keepalive 16;` (the upstream
    // without keepalive_timeout, an error) and gunicorn.conf.py line 2 is `bind = "127.0.0.1:8000"`,
    // the value at column 8 (header-size-backend, info); app.conf line 14's proxy_pass argument is at column 20.
    const DIR = 'examples/keepalive-timeout-gunicorn/broken';
    const NGINX_CONF = `${DIR}/nginx/conf.d/app.conf`;
    const GUNICORN_CONF = `${DIR}/gunicorn.conf.py`;

    test('-f gitlab is a Code Quality array: relative paths, critical for the error', () => {
      const run = cfglint([DIR, '-f', 'gitlab']);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe('');
      const issues = JSON.parse(run.stdout) as {
        check_name: string;
        severity: string;
        fingerprint: string;
        description: string;
        location: { path: string; lines: { begin: number } };
      }[];
      expect(issues.map((i) => `${i.check_name} ${i.severity} ${i.location.path}:${i.location.lines.begin}`)).toEqual([
        `header-size-backend info ${GUNICORN_CONF}:2`,
        `upstream-keepalive-timeout critical ${NGINX_CONF}:3`,
      ]);
      for (const issue of issues) expect(issue.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(issues[1].description).toMatch(/ \(related: examples\/keepalive-timeout-gunicorn\/broken\/gunicorn\.conf\.py:2:8: gunicorn listens here[^)]*\)$/);
    });

    test('-f junit is well-formed JUnit XML: a suite per file, a failed testcase per finding', () => {
      const run = cfglint([DIR, '-f', 'junit']);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe('');
      expectWellFormedXml(run.stdout);
      const { testsuites } = parseXml<JunitXml>(run.stdout);
      expect([testsuites.tests, testsuites.failures]).toEqual(['2', '2']);
      expect(testsuites.testsuite.map((suite) => `${suite.name}: ${suite.testcase.map((c) => `${c.name} [${c.failure?.type}]`).join(', ')}`)).toEqual([
        `${GUNICORN_CONF}: header-size-backend at 2:8 [header-size-backend]`,
        `${NGINX_CONF}: upstream-keepalive-timeout at 3:5 [upstream-keepalive-timeout]`,
      ]);
      // The help line sits between the related locations and the docs link.
      expect(run.stdout).toMatch(new RegExp(`related: ${NGINX_CONF}:14:20: nginx admits 4 8k by default for this server\nhelp: [^\n]+\ndocs: https://`));
    });

    test('-f checkstyle is well-formed Checkstyle XML with severities and rule ids', () => {
      const run = cfglint([DIR, '-f', 'checkstyle']);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe('');
      expectWellFormedXml(run.stdout);
      const { checkstyle } = parseXml<CheckstyleXml>(run.stdout);
      expect(checkstyle.version).toBe('4.3');
      expect(checkstyle.file.map((file) => `${file.name}: ${file.error.map((e) => `${e.line}:${e.column} ${e.severity} ${e.source}`).join(', ')}`)).toEqual([
        `${GUNICORN_CONF}: 2:8 info header-size-backend`,
        `${NGINX_CONF}: 3:5 error upstream-keepalive-timeout`,
      ]);
    });
  });

  test("the README's GitLab job uploads the files its script writes, each in the format GitLab expects there", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /### CI dashboards[^\n]*\n[^]*?```yaml\n([^]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const job = parseYaml(block![1]).cfglint as { script: string[]; artifacts: { when: string; reports: Record<string, string> } };
    const written = Object.fromEntries(job.script.map((line) => /-f (\w+) -o (\S+)/.exec(line)!.slice(1, 3)));
    expect(written).toEqual({ junit: job.artifacts.reports.junit, gitlab: job.artifacts.reports.codequality });
    // Reports are wanted most when the job fails.
    expect(job.artifacts.when).toBe('always');
  });

  test('-o FILE writes the report there and nothing to stdout', () => {
    const out = path.join(tmp, 'report.json');
    const run = cfglint(['--format', 'json', '-o', out, BROKEN]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).summary.errors).toBe(2);
  });

  test('-o into a directory that does not exist is exit 2', () => {
    expectUsageError(cfglint(['-o', path.join(tmp, 'no/such/dir/report.txt'), FIXED]), /^cfglint: cannot write .*report\.txt: no such file or directory/, {
      hint: false,
    });
  });
});

describe('colour', () => {
  test('--color forces ANSI codes even when piped; NO_COLOR alone turns them off', () => {
    const forced = cfglint(['--color', BROKEN], { env: { NO_COLOR: undefined } });
    expect(forced.status).toBe(1);
    expect(forced.stdout).toMatch(ANSI);
    const noColor = cfglint([BROKEN], { env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toMatch(ANSI);
    expect(noColor.stdout).toContain(`error[${RULE}]`);
  });

  // stdout is a pipe above; `script` gives the command a terminal where it is installed.
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  const haveScript = script.status === 0 && /util-linux/.test(script.stdout);
  (haveScript ? test : test.skip)('on a terminal: colours by default, none with NO_COLOR', () => {
    const onTerminal = (env: Record<string, string | undefined>) => {
      const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
      for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${FIXED}`;
      return spawnSync('script', ['-qec', command, '/dev/null'], {
        cwd: ROOT,
        env: merged,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30000,
      });
    };
    const tty = onTerminal({ NO_COLOR: undefined });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(ANSI);
    const ttyNoColor = onTerminal({ NO_COLOR: '1' });
    expect(ttyNoColor.status).toBe(0);
    expect(ttyNoColor.stdout).not.toMatch(ANSI);
    expect(ttyNoColor.stdout).toContain('No problems');
  });
});

describe('--version and --help', () => {
  test('--version prints the package.json version', () => {
    const run = cfglint(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('--help mentions every option and the exit codes', () => {
    const run = cfglint(['--help']);
    expect(run.status).toBe(0);
    for (const option of [
      '--format',
      '-o, --output',
      '--fail-on',
      '--config',
      '--nginx-version',
      '--report-unused-disables',
      '--color',
      '--list-files',
      '--version',
      '--help',
    ]) {
      expect(run.stdout).toContain(option);
    }
    for (const format of ['stylish', 'json', 'sarif', 'github', 'gitlab', 'junit', 'checkstyle']) expect(run.stdout).toContain(format);
    expect(run.stdout).toMatch(/Exit codes:\s*\n\s*0 .*\n\s*1 .*\n\s*2 /);
  });
});

describe('links and graph', () => {
  const GUNICORN_BROKEN = 'examples/keepalive-timeout-gunicorn/broken';

  test('--format json lists the nginx → gunicorn link, valid against the schema', () => {
    const run = cfglint(['--format', 'json', GUNICORN_BROKEN]);
    const report = JSON.parse(run.stdout);
    const validate = new Ajv({ strict: true, allErrors: true }).compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/report.schema.json'), 'utf8')));
    expect(validate(report)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(report.links).toEqual([
      {
        nginx: {
          address: '127.0.0.1:8000',
          span: { file: `${GUNICORN_BROKEN}/nginx/conf.d/app.conf`, start: { line: 2, column: 12, offset: 26 }, end: { line: 2, column: 26, offset: 40 } },
        },
        backend: {
          kind: 'gunicorn',
          name: `${GUNICORN_BROKEN}/gunicorn.conf.py`,
          protocol: 'http',
          option: 'bind',
          span: { file: `${GUNICORN_BROKEN}/gunicorn.conf.py`, start: { line: 2, column: 8, offset: 85 }, end: { line: 2, column: 24, offset: 101 } },
        },
        reason: 'same-address',
        detail: 'port 8000 on loopback',
        // The deepest directory nginx's file and gunicorn's share: the example's own.
        scope: `one host's loopback (files under ${GUNICORN_BROKEN}/)`,
        alternatives: [],
      },
    ]);
  });

  test('graph prints Mermaid (exit 0 despite findings), --format dot prints DOT, a lint format is exit 2', () => {
    const mermaid = cfglint(['graph', GUNICORN_BROKEN]);
    expect(mermaid.stderr).toBe('');
    expect(mermaid.status).toBe(0);
    const lines = mermaid.stdout.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    expect(lines).toContain('  server1["server app.example.com<br/>listen 80"]');
    expect(lines).toContain('  server1 -->|"location /: proxy_pass"| upstream1');
    // The edge names the rule and only the two values in conflict: nginx's default keepalive_timeout
    // 60s against gunicorn's default keepalive 2s (the example's gunicorn.conf.py sets neither).
    expect(lines).toContain('  upstream1 -.->|"⚠ upstream-keepalive-timeout<br/>nginx 60s ≥ gunicorn 2s"| backend1');

    const dot = cfglint(['graph', '--format', 'dot', GUNICORN_BROKEN]);
    expect(dot.status).toBe(0);
    expect(dot.stdout.startsWith('digraph cfglint {\n')).toBe(true);
    expect(dot.stdout).toContain(
      '  upstream1 -> backend1 [label="⚠ upstream-keepalive-timeout\\nnginx 60s ≥ gunicorn 2s", color=red, fontcolor=red, style=dashed];\n',
    );

    expectUsageError(
      cfglint(['graph', '--format', 'stylish', GUNICORN_BROKEN]),
      /^cfglint: unknown graph format "stylish"; expected one of: mermaid, dot, json$/,
      {
        hint: true,
      },
    );
    expectUsageError(cfglint(['graph', 'no/such/dir']), /^cfglint: no such file or directory: no\/such\/dir$/, { hint: true });
  });

  test('graph --format json: nodes, edges with the rules that fire and their findings, valid against schemas/graph.schema.json', () => {
    const run = cfglint(['graph', '--format', 'json', GUNICORN_BROKEN]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const graph = JSON.parse(run.stdout);
    const ajv = new Ajv({ strict: true, allErrors: true });
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/report.schema.json'), 'utf8')), 'report.schema.json');
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/graph.schema.json'), 'utf8')));
    expect(validate(graph) ? [] : validate.errors).toEqual([]);
    // The same picture as Mermaid: the server, its upstream, gunicorn; the upstream → gunicorn edge marked.
    expect(graph.nodes.map((node: { id: string; kind: string }) => `${node.kind}:${node.id}`)).toEqual([
      'server:server1',
      'upstream:upstream1',
      'backend:backend1',
    ]);
    expect(graph.edges[0]).toEqual({ from: 'server1', to: 'upstream1', lines: ['location /: proxy_pass'], marks: [] });
    const keepalive = graph.findings.find((f: { ruleId: string }) => f.ruleId === 'upstream-keepalive-timeout');
    expect(graph.edges[1]).toEqual({
      from: 'upstream1',
      to: 'backend1',
      lines: [],
      marks: [{ ruleId: 'upstream-keepalive-timeout', severity: 'error', conflict: 'nginx 60s ≥ gunicorn 2s', fingerprints: [keepalive.fingerprint] }],
    });
    // The findings are the lint report's, fingerprints included.
    const report = JSON.parse(cfglint(['--format', 'json', GUNICORN_BROKEN]).stdout);
    expect(graph.findings).toEqual(report.findings);
  });

  test("the README's graph example is what graph prints", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const shown = /```console\n\$ cfglint graph (\S+)\n([^]*?)```/.exec(readme);
    expect(shown).not.toBeNull();
    expect(cfglint(['graph', shown![1]]).stdout).toBe(shown![2]);
  });

  test('graph of the Kubernetes example: the edge upstream-keepalive-timeout fires on is red and dashed in Mermaid and DOT', () => {
    const INGRESS_BROKEN = 'examples/ingress-keepalive-gunicorn/broken';
    // The rule fires there: ingress-nginx v1.11.3 keeps idle upstream connections 60s by default, the
    // gunicorn the Service selects closes them after 2s (its default, gthread worker).
    const lint = cfglint(['--format', 'json', INGRESS_BROKEN]);
    expect(JSON.parse(lint.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toContain('upstream-keepalive-timeout');

    const mermaid = cfglint(['graph', INGRESS_BROKEN]);
    expect(mermaid.status).toBe(0);
    const lines = mermaid.stdout.split('\n');
    const edges = lines.filter((line) => /^ {2}\w+ -\.?->/.test(line));
    const marked = edges.findIndex((line) => line.includes('upstream-keepalive-timeout'));
    // Dashed (-.->) and, through linkStyle, red: the index is the edge's position among the edges.
    expect(edges[marked]).toBe('  upstream1 -.->|"⚠ upstream-keepalive-timeout<br/>nginx 60s ≥ gunicorn 2s"| backend1');
    expect(lines).toContain(`  linkStyle ${marked} stroke:#d00,color:#d00,stroke-dasharray:6 4`);

    const dot = cfglint(['graph', '--format', 'dot', INGRESS_BROKEN]);
    expect(dot.status).toBe(0);
    expect(dot.stdout).toContain(
      '  upstream1 -> backend1 [label="⚠ upstream-keepalive-timeout\\nnginx 60s ≥ gunicorn 2s", color=red, fontcolor=red, style=dashed];\n',
    );
    // The fixed tree has nothing on that edge: drawn solid, no colour.
    const fixed = cfglint(['graph', '--format', 'dot', 'examples/ingress-keepalive-gunicorn/fixed']);
    expect(fixed.stdout).toContain('  upstream1 -> backend1;\n');
  });
});

describe('saying what was read', () => {
  /** A tree under the temp directory. */
  function tree(name: string, files: Record<string, string>): string {
    return writeFiles(path.join(tmp, name), files);
  }
  const GTHREAD = 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nthreads = 4\n';
  const UPSTREAM =
    'upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n';

  test('--list-files prints `path  format  reason` a line, sorted, exit 0; --format json gives the array', () => {
    const dir = tree('list', {
      Procfile: 'web: gunicorn -c config/prod.py app:app\n',
      'config/prod.py': GTHREAD,
      'nginx/app.conf': UPSTREAM,
      'README.md': '# app\n',
    });
    const run = cfglint(['--list-files'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const rows = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/ {2,}/));
    expect(rows.map((row) => row[0])).toEqual(['Procfile', 'README.md', 'config/prod.py', 'nginx/app.conf']);
    expect(rows.map((row) => row[1])).toEqual(['procfile', '-', 'gunicorn', 'nginx']);
    expect(rows[2][2]).toBe('started by Procfile (gunicorn -c config/prod.py)');
    const json = cfglint(['--list-files', '--format', 'json'], { cwd: dir });
    expect(json.status).toBe(0);
    const entries = JSON.parse(json.stdout) as { file: string; format: string | null; reason: string }[];
    expect(entries.map((entry) => [entry.file, entry.format])).toEqual(rows.map((row) => [row[0], row[1] === '-' ? null : row[1]]));
    // -o writes the same listing to a file.
    expect(cfglint(['--list-files', '-o', 'files.txt'], { cwd: dir }).stdout).toBe('');
    expect(fs.readFileSync(path.join(dir, 'files.txt'), 'utf8')).toBe(run.stdout);
    fs.rmSync(path.join(dir, 'files.txt'));
    expectUsageError(
      cfglint(['--list-files', '--format', 'sarif'], { cwd: dir }),
      /^cfglint: unknown --list-files format "sarif"; expected one of: text, json$/,
      { hint: true },
    );
  });

  test('a Procfile naming `-c config/prod.py` makes it the gunicorn config behind the nginx upstream', () => {
    const dir = tree('procfile-c', { Procfile: 'web: gunicorn -c config/prod.py app:app\n', 'config/prod.py': GTHREAD, 'nginx/app.conf': UPSTREAM });
    const run = cfglint(['--format', 'json', '.'], { cwd: dir });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; primary: { file: string; start: { line: number } } }[] };
    // `keepalive 16;` is line 3 of nginx/app.conf.
    expect(report.findings.filter((f) => f.ruleId === 'upstream-keepalive-timeout').map((f) => `${f.primary.file}:${f.primary.start.line}`)).toEqual([
      'nginx/app.conf:3',
    ]);
  });

  test('a file holding only `server { … }` named on the command line is http content, not the main context', () => {
    const SITE = [
      'server {',
      '    listen 80;',
      '    server_name example.com;',
      '    add_header X-Frame-Options DENY;',
      '    location / {',
      '        proxy_pass http://127.0.0.1:8000;',
      '    }',
      '}',
      '',
    ].join('\n');
    // `worker_processes` belongs to the main context: inside the location it is on line 6, after 8 spaces.
    const MISPLACED = 'server {\n    server_name example.com;\n    location / {\n        root /srv/www;\n\n        worker_processes 2;\n    }\n}\n';
    // A `server` whose content only stream allows (proxy_pass without a location) is a stream server.
    const TCP = 'server {\n    listen 12345;\n    proxy_pass 10.0.0.1:5432;\n}\n';
    const dir = tree('server-only', { 'site.conf': SITE, 'nginx.conf': SITE, 'misplaced.conf': MISPLACED, 'tcp.conf': TCP });
    for (const name of ['site.conf', 'nginx.conf', 'tcp.conf']) {
      const run = cfglint(['--format', 'json', name], { cwd: dir });
      expect({ name, status: run.status, stderr: run.stderr }).toEqual({ name, status: 0, stderr: '' });
      expect((JSON.parse(run.stdout) as { files: string[]; findings: unknown[] }).findings).toEqual([]);
    }
    // The snippet is still checked: a main-level directive in its location is reported as nginx would.
    const run = cfglint(['--format', 'json', 'misplaced.conf'], { cwd: dir });
    expect(run.status).toBe(1);
    const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; message: string; primary: { start: { line: number; column: number } } }[] })
      .findings;
    expect(findings.map((f) => [f.ruleId, f.primary.start.line, f.primary.start.column])).toEqual([['nginx-directive-context', 6, 9]]);
    expect(findings[0].message).toBe('"worker_processes" is not allowed in location');
  });

  test('a named file is read or refused in one line; a tree with only a README exits 2', () => {
    const dir = tree('named', { 'config/gunicorn/prod.py': GTHREAD, 'docs/README.md': '# app\n', 'docs/notes.py': 'print(1)\n' });
    const prod = cfglint(['config/gunicorn/prod.py'], { cwd: dir });
    expect(prod.status).toBe(0);
    expect(prod.stdout).toMatch(/in 1 file\b/);
    expectUsageError(cfglint(['docs/notes.py'], { cwd: dir }), /^cfglint: docs\/notes\.py: not a config cfglint reads; .*"files" of \.cfglint\.json/, {
      hint: false,
    });
    expectUsageError(cfglint(['docs'], { cwd: dir }), /^cfglint: no file cfglint reads in docs\/ \(nginx, uWSGI, gunicorn, .*\); see --list-files$/, {
      hint: false,
    });
    // The mapping reads what neither name nor content says.
    fs.writeFileSync(path.join(dir, '.cfglint.json'), JSON.stringify({ files: { 'docs/*.py': 'gunicorn' } }));
    expect(cfglint(['docs/notes.py'], { cwd: dir }).status).toBe(0);
    fs.writeFileSync(path.join(dir, '.cfglint.json'), JSON.stringify({ files: { 'docs/*.py': 'gunicron' } }));
    expectUsageError(
      cfglint(['docs/notes.py'], { cwd: dir }),
      /^cfglint: .*\.cfglint\.json: files\["docs\/\*\.py"\] names the format "gunicron", which cfglint does not read; did you mean "gunicorn"\?$/,
      { hint: false },
    );
  });
});
