/**
 * Options for adopting cfglint on an existing tree, through the built command (see
 * test/cli.test.ts): --baseline / --update-baseline, --quiet, --max-warnings, --select / --ignore,
 * and did-you-mean for a misspelt option.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ruleListings } from '../src/cli/commands';
import { writeTree } from './disk-tree';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');
const RULE = 'upstream-keepalive-http10';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cfglint(args: string[], cwd: string): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit 2, nothing on stdout, one line on stderr matching `pattern` (plus the --help pointer when `hint`). */
function expectUsageError(run: Run, pattern: RegExp, hint = false): void {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines[0]).toMatch(pattern);
  expect(lines.slice(1)).toEqual(hint ? ["Try 'cfglint --help' for more information."] : []);
}

/** An upstream with keepalive and one location per path, each speaking HTTP/1.0 to it: one finding per location (a warning: the nginx version is not known). */
function appConf(locations: string[], { fixed = [] as string[], blankLinesAbove = 0, misplaced = false } = {}): string {
  const blocks = locations.map(
    (where) => `    location ${where} {\n${fixed.includes(where) ? '        proxy_http_version 1.1;\n' : ''}        proxy_pass http://app;\n    }\n`,
  );
  return `${'\n'.repeat(blankLinesAbove)}upstream app {\n    server 127.0.0.1:8000;\n    keepalive 16;\n}\n\nserver {\n    listen 80;\n${misplaced ? MISPLACED : ''}    proxy_set_header Connection "";\n${blocks.join('')}}\n`;
}

const CONF = 'conf.d/app.conf';
/** A directive of the mail module in an http server: nginx refuses to start, an error. */
const MISPLACED = '    proxy_buffer 4k;\n';

function json(run: Run): { findings: { ruleId: string; primary: { file: string; start: { line: number } } }[]; summary: Record<string, number> } {
  return JSON.parse(run.stdout);
}

describe('--baseline and --update-baseline', () => {
  test("accepting today's findings: the file is written sorted, later runs pass and count them as baselined", () => {
    const dir = writeTree({ [CONF]: appConf(['/b', '/a']) });
    const before = json(cfglint(['-f', 'json', '.'], dir));
    expect(before.findings.map((f) => f.ruleId)).toEqual([RULE, RULE]);

    const update = cfglint(['--baseline', 'baseline.json', '--update-baseline', '.'], dir);
    expect(update.status).toBe(0);
    expect(update.stdout).toBe('Baseline baseline.json: 2 findings (2 added, 0 removed).\n');
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    expect(written.version).toBe(1);
    expect(written.entries).toHaveLength(2);
    for (const entry of written.entries) expect(entry).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]+$/), ruleId: RULE, file: CONF });
    const fingerprints = written.entries.map((entry: { fingerprint: string }) => entry.fingerprint);
    expect(fingerprints).toEqual([...fingerprints].sort());
    // One entry a line, so that accepting or fixing one finding is a one-line diff.
    expect(
      fs
        .readFileSync(path.join(dir, 'baseline.json'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"fingerprint"')),
    ).toHaveLength(2);

    const stylish = cfglint(['--baseline', 'baseline.json', '.'], dir);
    expect(stylish.status).toBe(0);
    expect(stylish.stdout).toMatch(/^No problems found in 1 file \(2 baselined\)\.$/m);
    const report = json(cfglint(['--baseline', 'baseline.json', '-f', 'json', '.'], dir));
    expect(report.findings).toEqual([]);
    expect(report.summary).toEqual({ errors: 0, warnings: 0, infos: 0, suppressed: 0, baselined: 2 });
  });

  test('only a finding the baseline does not list is reported and fails; lines moving do not matter', () => {
    const dir = writeTree({ [CONF]: appConf(['/a', '/b']) });
    expect(cfglint(['--baseline', 'b.json', '--update-baseline', '.'], dir).status).toBe(0);
    // Ten lines pushed down and a third location: the two old findings keep their fingerprints.
    fs.writeFileSync(path.join(dir, CONF), appConf(['/a', '/b', '/new'], { blankLinesAbove: 10 }));
    const run = cfglint(['--baseline', 'b.json', '-f', 'json', '.'], dir);
    expect(run.status).toBe(1);
    const report = json(run);
    expect(report.findings).toHaveLength(1);
    // The third location's proxy_pass: 10 blank lines, 8 lines of upstream and server head, two 3-line locations, then `location /new {`.
    expect(report.findings[0].primary.start.line).toBe(10 + 8 + 6 + 2);
    expect(report.summary).toMatchObject({ warnings: 1, baselined: 2 });
    const stylish = cfglint(['--baseline', 'b.json', '.'], dir);
    expect(stylish.stdout).toMatch(/✖ 1 problem \(0 errors, 1 warning, 0 infos\), 2 baselined$/m);
  });

  test('--update-baseline prunes fixed findings and adds new ones, and never writes without being asked', () => {
    const dir = writeTree({ [CONF]: appConf(['/a', '/b']) });
    expect(cfglint(['--baseline', 'b.json', '--update-baseline', '.'], dir).status).toBe(0);
    fs.writeFileSync(path.join(dir, CONF), appConf(['/a', '/b', '/c'], { fixed: ['/a', '/b'] }));
    const stamp = fs.readFileSync(path.join(dir, 'b.json'), 'utf8');
    expect(cfglint(['--baseline', 'b.json', '.'], dir).status).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'b.json'), 'utf8')).toBe(stamp);

    const update = cfglint(['--baseline', 'b.json', '--update-baseline', '.'], dir);
    expect(update.status).toBe(0);
    expect(update.stdout).toBe('Baseline b.json: 1 finding (1 added, 2 removed).\n');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'b.json'), 'utf8')).entries).toHaveLength(1);
    expect(cfglint(['--baseline', 'b.json', '.'], dir).status).toBe(0);
  });

  test('a missing or invalid baseline is one line and exit 2; --update-baseline repairs it', () => {
    const dir = writeTree({ [CONF]: appConf(['/a']) });
    expectUsageError(
      cfglint(['--baseline', 'none.json', '.'], dir),
      /^cfglint: cannot read baseline none\.json: no such file \(create it with --update-baseline\)$/,
    );
    expect(fs.existsSync(path.join(dir, 'none.json'))).toBe(false);

    fs.writeFileSync(path.join(dir, 'bad.json'), '{"version": 1, "entries": [');
    expectUsageError(cfglint(['--baseline', 'bad.json', '.'], dir), /^cfglint: invalid baseline bad\.json: not JSON/);
    fs.writeFileSync(path.join(dir, 'v2.json'), '{"version": 2, "entries": []}');
    expectUsageError(cfglint(['--baseline', 'v2.json', '.'], dir), /^cfglint: invalid baseline v2\.json: "version" must be 1$/);
    fs.writeFileSync(path.join(dir, 'entry.json'), '{"version": 1, "entries": [{"ruleId": "x"}]}');
    expectUsageError(cfglint(['--baseline', 'entry.json', '.'], dir), /^cfglint: invalid baseline entry\.json: entries\[0\] has no "fingerprint" string$/);

    expect(cfglint(['--baseline', 'bad.json', '--update-baseline', '.'], dir).stdout).toBe('Baseline bad.json: 1 finding (1 added, 0 removed).\n');
    expect(cfglint(['--baseline', 'bad.json', '.'], dir).status).toBe(0);
  });

  test('--update-baseline without --baseline is a usage error', () => {
    const dir = writeTree({ [CONF]: appConf(['/a']) });
    expectUsageError(cfglint(['--update-baseline', '.'], dir), /^cfglint: --update-baseline needs --baseline FILE/, true);
  });
});

describe('--quiet and --max-warnings', () => {
  test('--quiet reports errors only, and the hidden warnings do not fail the run', () => {
    const dir = writeTree({ [CONF]: appConf(['/a', '/b'], { misplaced: true }) });
    const all = json(cfglint(['-f', 'json', '.'], dir));
    expect(all.summary).toMatchObject({ errors: 1, warnings: 2 });

    const quiet = cfglint(['--quiet', '-f', 'json', '.'], dir);
    expect(quiet.status).toBe(1);
    const report = json(quiet);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['nginx-directive-context']);
    expect(report.summary).toMatchObject({ errors: 1, warnings: 0, infos: 0 });

    const warningsOnly = writeTree({ [CONF]: appConf(['/a', '/b']) });
    const hidden = cfglint(['-q', '.'], warningsOnly);
    expect(hidden.status).toBe(0);
    expect(hidden.stdout).not.toContain(RULE);
  });

  test('--max-warnings N exits 1 above N warnings (new ones only with a baseline, hidden ones with --quiet)', () => {
    const dir = writeTree({ [CONF]: appConf(['/a', '/b']) });
    // Two warnings; --fail-on error leaves the verdict to --max-warnings.
    expect(cfglint(['--fail-on', 'error', '--max-warnings', '2', '.'], dir).status).toBe(0);
    const over = cfglint(['--fail-on', 'error', '--max-warnings', '1', '.'], dir);
    expect(over.status).toBe(1);
    expect(over.stderr).toBe('cfglint: 2 warnings, more than --max-warnings 1\n');
    expect(cfglint(['--fail-on', 'error', '--quiet', '--max-warnings', '1', '.'], dir).status).toBe(1);

    expect(cfglint(['--baseline', 'b.json', '--update-baseline', '.'], dir).status).toBe(0);
    fs.writeFileSync(path.join(dir, CONF), appConf(['/a', '/b', '/c']));
    expect(cfglint(['--baseline', 'b.json', '--fail-on', 'error', '--max-warnings', '1', '.'], dir).status).toBe(0);
    expect(cfglint(['--baseline', 'b.json', '--fail-on', 'error', '--max-warnings', '0', '.'], dir).status).toBe(1);

    for (const bad of ['-1', 'x', '1.5']) {
      expectUsageError(
        cfglint([`--max-warnings=${bad}`, '.'], dir),
        new RegExp(`^cfglint: invalid --max-warnings "${bad.replace('.', '\\.')}"; expected a whole number, 0 or more$`),
        true,
      );
    }
  });
});

describe('a misspelt option', () => {
  test.each([
    [['--formt', 'json', '.'], 'cfglint: unknown option --formt (did you mean --format?)'],
    // No camelCase twin (maxWarning) next to the name the user typed.
    [['--max-warning', '3', '.'], 'cfglint: unknown option --max-warning (did you mean --max-warnings?)'],
    [['--basline', 'b.json', '.'], 'cfglint: unknown option --basline (did you mean --baseline?)'],
    [['--no-such-thing', '-x', '.'], 'cfglint: unknown options --no-such-thing, -x'],
    [['--frobnicate', '.'], 'cfglint: unknown option --frobnicate'],
    [['graph', '--formt', 'dot', '.'], 'cfglint: unknown option --formt (did you mean --format?)'],
  ])('%j', (args, line) => {
    const dir = writeTree({ [CONF]: appConf(['/a']) });
    const run = cfglint(args, dir);
    expectUsageError(run, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), true);
    expect(run.stderr).not.toMatch(/[a-z][A-Z]/);
  });
});

describe('--select and --ignore', () => {
  const MISPLACED_RULE = 'nginx-directive-context';
  const categoryOf = (id: string) => ruleListings().find((listing) => listing.id === id)?.category;

  test('by rule id or category, comma-separated or repeated; --ignore wins; the exit code follows what is reported', () => {
    const dir = writeTree({ [CONF]: appConf(['/a', '/b'], { misplaced: true }) });
    const ids = (args: string[]) => json(cfglint(['-f', 'json', ...args, '.'], dir)).findings.map((f) => f.ruleId);
    // The test needs the two rules in different categories to tell them apart by category.
    expect(categoryOf(RULE)).not.toBe(categoryOf(MISPLACED_RULE));

    expect(ids([])).toEqual([MISPLACED_RULE, RULE, RULE]);
    expect(ids(['--select', RULE])).toEqual([RULE, RULE]);
    expect(ids(['--select', `${categoryOf(MISPLACED_RULE)}`])).toEqual([MISPLACED_RULE]);
    expect(ids(['--select', `${MISPLACED_RULE}, ${RULE}`])).toEqual([MISPLACED_RULE, RULE, RULE]);
    expect(ids(['--select', MISPLACED_RULE, '--select', RULE])).toEqual([MISPLACED_RULE, RULE, RULE]);
    expect(ids(['--ignore', `${categoryOf(RULE)}`])).toEqual([MISPLACED_RULE]);
    expect(ids(['--select', `${categoryOf(RULE)},${MISPLACED_RULE}`, '--ignore', RULE])).toEqual([MISPLACED_RULE]);

    // Only warnings are left: below --fail-on error, so exit 0.
    expect(cfglint(['--fail-on', 'error', '--ignore', MISPLACED_RULE, '.'], dir).status).toBe(0);
    expect(cfglint(['--fail-on', 'error', '.'], dir).status).toBe(1);
  });

  test('an unknown id or category exits 2 with the nearest name', () => {
    const dir = writeTree({ [CONF]: appConf(['/a']) });
    expectUsageError(
      cfglint(['--select', 'upstream-keepalive-http1', '.'], dir),
      /^cfglint: unknown rule or category "upstream-keepalive-http1" in --select; did you mean "upstream-keepalive-http10"\? \(cfglint rules lists them all\)$/,
      true,
    );
    expectUsageError(
      cfglint(['--ignore', `${RULE},securty`, '.'], dir),
      /^cfglint: unknown rule or category "securty" in --ignore; did you mean "security"\?/,
      true,
    );
    expectUsageError(
      cfglint(['--ignore', 'zzzzzz', '.'], dir),
      /^cfglint: unknown rule or category "zzzzzz" in --ignore \(cfglint rules lists them all\)$/,
      true,
    );
  });
});

describe('--statistics', () => {
  test('counts findings per rule and severity instead of listing them, with the same exit code', () => {
    // Three locations speak HTTP/1.0 to the kept-alive upstream, and one mail directive is misplaced.
    const dir = writeTree({ [CONF]: appConf(['/a', '/b', '/c'], { misplaced: true }) });
    const full = json(cfglint(['-f', 'json', '.'], dir));
    const misplacedRule = full.findings.find((finding) => finding.ruleId !== RULE)!.ruleId;
    expect(full.findings.filter((finding) => finding.ruleId === RULE)).toHaveLength(3);

    const text = cfglint(['--statistics', '.'], dir);
    expect(text.status).toBe(1);
    expect(text.stdout.split('\n')).toEqual([`1  error    ${misplacedRule}`, `3  warning  ${RULE}`, '4 findings from 2 rules', '']);

    const asJson = cfglint(['--statistics', '-f', 'json', '.'], dir);
    expect(asJson.status).toBe(1);
    expect(JSON.parse(asJson.stdout)).toEqual([
      { ruleId: misplacedRule, severity: 'error', count: 1 },
      { ruleId: RULE, severity: 'warning', count: 3 },
    ]);
  });

  test('counts what --select and --quiet leave', () => {
    const dir = writeTree({ [CONF]: appConf(['/a', '/b'], { misplaced: true }) });
    expect(cfglint(['--statistics', '--select', RULE, '.'], dir).stdout).toBe(`2  warning  ${RULE}\n2 findings from 1 rule\n`);
    const quiet = cfglint(['--statistics', '--quiet', '--select', RULE, '.'], dir);
    expect(quiet.stdout).toBe('No findings.\n');
    expect(quiet.status).toBe(0);
  });

  test('a graph or a format other than text and JSON is a usage error', () => {
    const dir = writeTree({ [CONF]: appConf(['/a']) });
    expectUsageError(cfglint(['graph', '--statistics', '.'], dir), /^cfglint: --statistics counts findings; a graph has none to count$/, true);
    expectUsageError(
      cfglint(['--statistics', '-f', 'sarif', '.'], dir),
      /^cfglint: --statistics prints text or JSON; --format sarif is not one of them$/,
      true,
    );
  });
});

describe('colour from the environment', () => {
  // eslint-disable-next-line no-control-regex -- matches the escape byte that starts an ANSI colour
  const ANSI = /\u001b\[/;
  function piped(args: string[], cwd: string, env: Record<string, string>): Run {
    const base = { ...process.env };
    delete base.FORCE_COLOR;
    delete base.NO_COLOR;
    const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8', timeout: 30000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('FORCE_COLOR turns colours on in a pipe and wins over NO_COLOR, as in Node.js; 0 or another value turns them off', () => {
    const dir = writeTree({ [CONF]: appConf(['/a']) });
    expect(piped(['.'], dir, {}).stdout).not.toMatch(ANSI);
    for (const on of ['1', '2', '3', 'true', '']) expect(piped(['.'], dir, { FORCE_COLOR: on }).stdout).toMatch(ANSI);
    expect(piped(['.'], dir, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).toMatch(ANSI);
    for (const off of ['0', 'false', 'yes']) expect(piped(['.'], dir, { FORCE_COLOR: off }).stdout).not.toMatch(ANSI);
  });

  test('--color and --no-color win over the environment', () => {
    const dir = writeTree({ [CONF]: appConf(['/a']) });
    expect(piped(['--no-color', '.'], dir, { FORCE_COLOR: '1' }).stdout).not.toMatch(ANSI);
    expect(piped(['--color', '.'], dir, { NO_COLOR: '1' }).stdout).toMatch(ANSI);
  });
});

describe('infos at documented defaults (day-one noise)', () => {
  // Stock nginx in front of stock gunicorn: nginx's default 4 8k admits request lines of up to
  // 8190 bytes, gunicorn's default limit_request_line is 4094. Nothing in the tree sets either.
  const NGINX =
    'events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n}\n';
  const STOCK = { 'nginx.conf': NGINX, 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n' };
  const INFO_HEADER = /^info\[header-size-backend\]: /m;

  test('stylish leaves the info out and says so; --show-info and --fail-on info list it', () => {
    const dir = writeTree(STOCK);
    const quiet = cfglint(['.'], dir);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toBe('No problems found in 2 files (1 info at documented defaults hidden, --show-info lists it).\n');

    const shown = cfglint(['--show-info', '.'], dir);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(INFO_HEADER);
    expect(shown.stdout).toMatch(/^✖ 1 problem \(0 errors, 0 warnings, 1 info\)$/m);

    // Failing on infos means wanting to see what fails: the info is listed, and it fails.
    const failing = cfglint(['--fail-on', 'info', '.'], dir);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(INFO_HEADER);
    // failOn in .cfglint.json counts the same.
    fs.writeFileSync(path.join(dir, '.cfglint.json'), JSON.stringify({ failOn: 'info' }));
    const configured = cfglint(['.'], dir);
    expect(configured.status).toBe(1);
    expect(configured.stdout).toMatch(INFO_HEADER);
  });

  test('JSON and SARIF keep the finding, JSON marks it atDefaults', () => {
    const dir = writeTree(STOCK);
    const report = JSON.parse(cfglint(['-f', 'json', '.'], dir).stdout) as {
      findings: { ruleId: string; severity: string; atDefaults?: boolean }[];
      summary: { infos: number };
    };
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.atDefaults])).toEqual([['header-size-backend', 'info', true]]);
    expect(report.summary.infos).toBe(1);
    const sarif = JSON.parse(cfglint(['-f', 'sarif', '.'], dir).stdout) as { runs: { results: { ruleId: string; level: string }[] }[] };
    expect(sarif.runs[0].results.map((r) => [r.ruleId, r.level])).toEqual([['header-size-backend', 'note']]);
  });

  test('a limit written in the tree is no default: the finding is a warning, listed', () => {
    const dir = writeTree({ ...STOCK, 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nlimit_request_line = 4094\n' });
    const run = cfglint(['.'], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^warning\[header-size-backend\]: .*gunicorn's limit_request_line 4094 bytes behind/m);
    expect(run.stdout).not.toContain('documented defaults hidden');
    // With findings shown, the note joins the summary line.
    const both = writeTree({ ...STOCK, [CONF]: appConf(['/a']) });
    expect(cfglint(['.'], both).stdout).toMatch(/^✖ 1 problem \(0 errors, 1 warning, 0 infos\), 1 info at documented defaults hidden, --show-info lists it$/m);
  });
});
