/**
 * The GitHub Action as the runner starts it: `node dist-action/index.js` (the committed bundle)
 * with GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT and INPUT_* variables, from a
 * directory that is not the repository. Also: action.yml matches the inputs the code reads,
 * and the committed bundle equals a fresh build of src/ (a generated-file check).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import AjvDraft04 from 'ajv-draft-04';
import { parse as parseYaml } from 'yaml';
import { blobBaseOf, buildSummary, internalErrorAnnotation, renderSummary } from '../src/action/action';
import { sortBySeverity } from '../src/report/formatters';
import { memoryFileSystem } from '../src/discovery/fs';
import { lintSync } from '../src/engine/run';

const ROOT = path.resolve(__dirname, '..');
const BUNDLE = path.join(ROOT, 'dist-action', 'index.js');
const EXAMPLE = path.join(ROOT, 'examples', 'keepalive-timeout-gunicorn');

// Written from examples/keepalive-timeout-gunicorn/broken:
// - nginx/conf.d/app.conf line 3 is `    keepalive 16;`: columns 5 to 18 (end exclusive), and
//   gunicorn.conf.py line 2 is `bind = "127.0.0.1:8000"`: the address string spans columns 8 to 24;
// - app.conf line 14 is `        proxy_pass http://app;`: the argument starts at column 20.
// The related location follows the message after an escaped newline (%0A), the help after an
// escaped blank line.
const KEEPALIVE_MESSAGE =
  'keepalive_timeout 60s (nginx default) in upstream "app" is not shorter than gunicorn\'s keepalive 2s (default, gthread worker) behind 127.0.0.1:8000';
const KEEPALIVE_HELP =
  'the backend closes idle connections first and nginx sends the next request on a closed one, answering 502 ("upstream prematurely closed connection" or ' +
  '"recv() failed (104: Connection reset by peer)"); set keepalive_timeout in the upstream below 2s (e.g. keepalive_timeout 1s;) or raise the backend\'s keep-alive above 60s';
const HEADER_MESSAGE =
  "nginx admits request lines up to 8190 bytes (large_client_header_buffers 4 8k, default), more than gunicorn's limit_request_line 4094 bytes (default) behind 127.0.0.1:8000";
const HEADER_HELP =
  'a longer request line gets 400 "Request Line is too large (N > 4094)" from gunicorn, and nginx logs nothing; set limit_request_line = 8190, or lower large_client_header_buffers to a buffer size of 4k';
// The error first, though its file sorts after gunicorn.conf.py: GitHub annotates 10 of each level.
const ANNOTATIONS =
  `::error file=nginx/conf.d/app.conf,line=3,col=5,endLine=3,endColumn=18,title=upstream-keepalive-timeout::${KEEPALIVE_MESSAGE}` +
  `%0Agunicorn.conf.py:2:8: gunicorn listens here and closes idle connections after 2s by default%0A%0Ahelp: ${KEEPALIVE_HELP}\n` +
  `::notice file=gunicorn.conf.py,line=2,col=8,endLine=2,endColumn=24,title=header-size-backend::${HEADER_MESSAGE}` +
  `%0Anginx/conf.d/app.conf:14:20: nginx admits 4 8k by default for this server%0A%0Ahelp: ${HEADER_HELP}\n`;

interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  output: string;
  workspace: string;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-action-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let runs = 0;
/** A fresh workspace holding a copy of `tree`, then the action run in it as the runner would. */
function runAction(tree: string, inputs: Record<string, string>, prepare?: (workspace: string) => void, runner: Record<string, string> = {}): ActionRun {
  const dir = path.join(tmp, `run${++runs}`);
  const workspace = path.join(dir, 'workspace');
  fs.cpSync(tree, workspace, { recursive: true });
  prepare?.(workspace);
  const summaryFile = path.join(dir, 'step_summary');
  const outputFile = path.join(dir, 'output');
  fs.writeFileSync(summaryFile, '');
  fs.writeFileSync(outputFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    ...runner,
  };
  // The runner sets every declared input, '' when not given, with the name upper-cased and hyphens kept.
  for (const name of ['paths', 'config', 'fail-on', 'format', 'sarif-file', 'baseline']) env[`INPUT_${name.toUpperCase()}`] = '';
  env['INPUT_PATHS'] = '.';
  env['INPUT_FORMAT'] = 'github';
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  // The runner starts actions in the workspace, but the action must not depend on it.
  const result = spawnSync(process.execPath, [BUNDLE], { cwd: dir, env, encoding: 'utf8', timeout: 30000 });
  if (result.error) throw result.error;
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    summary: fs.readFileSync(summaryFile, 'utf8'),
    output: fs.readFileSync(outputFile, 'utf8'),
    workspace,
  };
}

describe('the action on examples/keepalive-timeout-gunicorn', () => {
  test('broken: annotations, summary, SARIF and outputs; exit 1', () => {
    const run = runAction(path.join(EXAMPLE, 'broken'), { 'sarif-file': 'results/cfglint.sarif' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(ANNOTATIONS);
    expect(run.status).toBe(1);

    const sarifPath = path.join(run.workspace, 'results', 'cfglint.sarif');
    expect(run.output).toBe(`findings=2\nsarif-file=${sarifPath}\n`);

    expect(run.summary).toContain(
      '## cfglint\n\n2 findings: 1 error, 0 warnings, 1 info.\n\n| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n',
    );
    // Cells are Markdown-escaped: `_` becomes `\_` (no emphasis), `>` becomes `&gt;` (no HTML); the
    // location is in <code> because a backtick in a path could end a code span. The other side of the
    // mismatch follows the message (↳), the help last. The error row comes first. The runner here
    // sets no GITHUB_SERVER_URL, GITHUB_REPOSITORY or GITHUB_SHA: locations are not links.
    const rows = run.summary.split('\n').filter((line) => /^\| (error|warning|info) \|/.test(line));
    expect(rows).toEqual([
      '| error | [upstream-keepalive-timeout](https://github.com/cfglint/cfglint/blob/v0.1.0/checks/upstream-keepalive-timeout.md) ' +
        `| <code>nginx/conf.d/app.conf:3</code> | ${KEEPALIVE_MESSAGE.replace(/_/g, '\\_')}` +
        '<br>↳ <code>gunicorn.conf.py:2</code>: gunicorn listens here and closes idle connections after 2s by default' +
        `<br>help: ${KEEPALIVE_HELP.replace(/_/g, '\\_')} |`,
      '| info | [header-size-backend](https://github.com/cfglint/cfglint/blob/v0.1.0/checks/header-size-backend.md) | <code>gunicorn.conf.py:2</code> | ' +
        `${HEADER_MESSAGE.replace(/_/g, '\\_')}<br>↳ <code>nginx/conf.d/app.conf:14</code>: nginx admits 4 8k by default for this server` +
        `<br>help: ${HEADER_HELP.replace(/_/g, '\\_').replace('>', '&gt;')} |`,
    ]);
    expect(run.summary).toContain('\n### Topology\n\n```mermaid\nflowchart LR\n  server1["server app.example.com<br/>listen 80"]\n');
    // The mismatched edge is drawn dashed with the rule and the two values named, and coloured red.
    expect(run.summary).toMatch(
      /\n {2}upstream1 -\.->\|"⚠ upstream-keepalive-timeout<br\/>nginx 60s ≥ gunicorn 2s"\| backend1\n {2}linkStyle 1 stroke:#d00,color:#d00,stroke-dasharray:6 4\n```\n$/,
    );

    const sarif = JSON.parse(fs.readFileSync(sarifPath, 'utf8'));
    // The official SARIF 2.1.0 schema (rtm.5, draft-04), as shipped by @microsoft/jest-sarif. One of its
    // patterns (`language`) is invalid with the `u` flag Ajv 8 uses by default, hence unicodeRegExp: false;
    // `format` (uri, date-time) is not checked: that needs ajv-formats, which the project does not use.
    const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    expect(schema.title).toMatch(/^Static Analysis Results Format \(SARIF\) Version 2\.1\.0/);
    const validate = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
    const valid = validate(sarif);
    expect(valid ? [] : validate.errors).toEqual([]);
    expect(
      sarif.runs[0].results.map((r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => [
        r.ruleId,
        r.locations[0].physicalLocation.artifactLocation.uri,
      ]),
    ).toEqual([
      ['header-size-backend', 'gunicorn.conf.py'],
      ['upstream-keepalive-timeout', 'nginx/conf.d/app.conf'],
    ]);
  });

  test('fixed: the keepalive error is gone, the info finding stays; exit 0', () => {
    const run = runAction(path.join(EXAMPLE, 'fixed'), {});
    expect(run.stderr).toBe('');
    // fixed/nginx/conf.d/app.conf has two more lines (keepalive_timeout and a comment): proxy_pass is on line 16.
    expect(run.stdout).toBe(
      `::notice file=gunicorn.conf.py,line=2,col=8,endLine=2,endColumn=24,title=header-size-backend::${HEADER_MESSAGE}` +
        `%0Anginx/conf.d/app.conf:16:20: nginx admits 4 8k by default for this server%0A%0Ahelp: ${HEADER_HELP}\n`,
    );
    expect(run.status).toBe(0);
    expect(run.output).toBe('findings=1\nsarif-file=\n');
    expect(run.summary).not.toContain('linkStyle');
  });

  test('fixed, with the info rule off: no annotations, findings=0, exit 0', () => {
    const run = runAction(path.join(EXAMPLE, 'fixed'), {}, (ws) =>
      fs.writeFileSync(path.join(ws, '.cfglint.json'), '{ "rules": { "header-size-backend": "off" } }\n'),
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('');
    expect(run.status).toBe(0);
    expect(run.output).toBe('findings=0\nsarif-file=\n');
    expect(run.summary).toMatch(/^## cfglint\n\nNo findings\.\n\n### Topology\n\n```mermaid\nflowchart LR\n[^]*\n```\n$/);
    expect(run.summary).not.toContain('linkStyle');
  });

  test('fail-on never and a stylish log: exit 0', () => {
    const run = runAction(path.join(EXAMPLE, 'broken'), { 'fail-on': 'never', format: 'stylish' });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/^::/m);
    expect(run.stdout).toContain('upstream-keepalive-timeout');
    expect(run.output).toBe('findings=2\nsarif-file=\n');
  });

  test('a checkstyle log: the XML on stdout, paths relative to the workspace, no annotations', () => {
    const run = runAction(path.join(EXAMPLE, 'broken'), { format: 'checkstyle' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<checkstyle version="4\.3">\n/);
    expect(run.stdout).not.toMatch(/^::/m);
    expect(run.stdout).toContain('  <file name="nginx/conf.d/app.conf">\n    <error line="3" column="5" severity="error" message="keepalive_timeout 60s');
    expect(run.stdout).toContain('source="upstream-keepalive-timeout"/>');
  });
});

describe('a 400-server tree: annotations by severity, a notice per level past 10, a summary under 1 MiB', () => {
  // 400 nginx servers, each with its upstream and a gunicorn of its own (apps/siteN, port 8000+N), so
  // that each kind of finding is plentiful (derived from the rules, not from a run):
  // - upstream-keepalive-timeout, error: the gthread workers (N not a multiple of 4) keep idle
  //   connections 2s, and the upstreams without `keepalive_timeout 1s` (N not a multiple of 3) keep
  //   them 60s: 400 - 100 - 133 + 33 = 200;
  // - proxy-read-timeout-backend, warning: the sync workers (N a multiple of 4, 100) are killed after
  //   timeout = 30, the location waits 300s; nginx-version-disclosure, warning: server_tokens on, 400;
  // - header-size-backend (defaults on both sides: info), 400; nginx-autoindex, info, 400; and
  //   nginx-default-server, info, once: 400 servers share port 80 and none is default_server.
  const ERRORS = 200;
  const WARNINGS = 500;
  const INFOS = 801;
  const SHA = '0123456789abcdef0123456789abcdef01234567';
  const RUNNER = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/deploy', GITHUB_SHA: SHA };

  function writeTree(root: string): void {
    fs.mkdirSync(path.join(root, 'nginx', 'conf.d'), { recursive: true });
    fs.writeFileSync(path.join(root, 'nginx', 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    for (let n = 1; n <= 400; n++) {
      const port = 8000 + n;
      const upstream = [
        'upstream app' + n + ' {',
        `    server 127.0.0.1:${port};`,
        '    keepalive 16;',
        ...(n % 3 === 0 ? ['    keepalive_timeout 1s;'] : []),
        '}',
      ];
      const server = [
        'server {',
        '    listen 80;',
        `    server_name site${n}.example.com;`,
        '    server_tokens on;',
        '    autoindex on;',
        '    location / {',
        '        proxy_http_version 1.1;',
        '        proxy_set_header Connection "";',
        '        proxy_read_timeout 300s;',
        `        proxy_pass http://app${n};`,
        '    }',
        '}',
      ];
      fs.writeFileSync(path.join(root, 'nginx', 'conf.d', `site${n}.conf`), [...upstream, ...server, ''].join('\n'));
      fs.mkdirSync(path.join(root, 'apps', `site${n}`), { recursive: true });
      const worker = n % 4 === 0 ? [] : ['worker_class = "gthread"'];
      fs.writeFileSync(path.join(root, 'apps', `site${n}`, 'gunicorn.conf.py'), [`bind = "127.0.0.1:${port}"`, ...worker, 'timeout = 30', ''].join('\n'));
    }
  }

  let run: ActionRun;
  beforeAll(() => {
    const tree = path.join(tmp, 'tree400');
    writeTree(tree);
    run = runAction(tree, { 'sarif-file': 'cfglint.sarif' }, undefined, RUNNER);
  });

  test('every finding is annotated, errors first, then warnings, then infos, after one notice per level past 10', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.output).toBe(`findings=${ERRORS + WARNINGS + INFOS}\nsarif-file=${path.join(run.workspace, 'cfglint.sarif')}\n`);
    const lines = run.stdout.split('\n').slice(0, -1);
    const levels = lines.map((line) => /^::(\w+) /.exec(line)![1]);
    expect(levels).toEqual([...Array(3).fill('notice'), ...Array(ERRORS).fill('error'), ...Array(WARNINGS).fill('warning'), ...Array(INFOS).fill('notice')]);
    // The three notices take three of the 10 notice annotations: 7 infos are annotated.
    const where =
      'the job summary lists the most severe; the SARIF file cfglint.sarif has them all (upload it for code scanning); ' + "this step's log shows every one";
    expect(lines.slice(0, 3)).toEqual([
      `::notice title=cfglint%3A ${ERRORS - 10} more errors::${ERRORS - 10} more errors not annotated: GitHub annotates the first 10 of the ${ERRORS} errors in a step; ${where}`,
      `::notice title=cfglint%3A ${WARNINGS - 10} more warnings::${WARNINGS - 10} more warnings not annotated: GitHub annotates the first 10 of the ${WARNINGS} warnings in a step; ${where}`,
      `::notice title=cfglint%3A ${INFOS - 7} more info findings::${INFOS - 7} more info findings not annotated: GitHub annotates the first 7 of the ${INFOS} info findings in a step; ${where}`,
    ]);
    // Within a level, by file: site1.conf sorts before site10.conf ('.' before '0').
    expect(lines[3]).toMatch(/^::error file=nginx\/conf\.d\/site1\.conf,line=3,[^:]*title=upstream-keepalive-timeout::/);
  });

  test('the job summary: under 1 MiB, rows by severity with links to the lines, the cut rows counted, the diagram under 50,000 characters', () => {
    const bytes = Buffer.byteLength(run.summary);
    expect(bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(run.summary.startsWith(`## cfglint\n\n${ERRORS + WARNINGS + INFOS} findings: ${ERRORS} errors, ${WARNINGS} warnings, ${INFOS} info.\n`)).toBe(true);

    const rows = run.summary.split('\n').filter((line) => /^\| (error|warning|info) \|/.test(line));
    const severities = rows.map((row) => row.split(' | ')[0].slice(2));
    // Every error and warning is listed; the infos that do not fit are left out, and the note counts them.
    expect(severities.slice(0, ERRORS + WARNINGS)).toEqual([...Array(ERRORS).fill('error'), ...Array(WARNINGS).fill('warning')]);
    expect(new Set(severities.slice(ERRORS + WARNINGS))).toEqual(new Set(['info']));
    const cut = ERRORS + WARNINGS + INFOS - rows.length;
    expect(cut).toBeGreaterThan(0);
    expect(run.summary).toContain(
      `\n\n*${cut} more findings not listed (0 errors, 0 warnings, ${cut} info): GitHub takes at most 1 MiB of job summary; ` +
        "the annotations in this step's log and the SARIF file cfglint.sarif have them all.*\n",
    );

    // The first row: site1's upstream, the location a link to its line, gunicorn's side linked under the message.
    const blob = `https://github.com/acme/deploy/blob/${SHA}`;
    expect(rows[0]).toContain(`| [<code>nginx/conf.d/site1.conf:3</code>](${blob}/nginx/conf.d/site1.conf#L3) | `);
    expect(rows[0]).toContain(`<br>↳ [<code>apps/site1/gunicorn.conf.py:1</code>](${blob}/apps/site1/gunicorn.conf.py#L1): gunicorn listens here`);

    const diagram = /\n```mermaid\n([^]*)\n```\n$/.exec(run.summary)![1];
    expect(diagram.length).toBeLessThan(50000);
    // 800 edges (400 server → upstream, 400 upstream → gunicorn) do not fit: the marked ones are drawn, and the note says so.
    expect(diagram).toMatch(/\n {2}omitted\["Only (the \d+|\d+ of the \d+) edges where a rule fires are drawn[^\n]*, of 800: /);
    const edges = diagram.split('\n').filter((line) => /^ {2}\w+ -\.?->/.test(line));
    expect(edges.length).toBeGreaterThan(0);
    for (const edge of edges) expect(edge).toContain(' -.->|"⚠ ');
    // The most severe first: all 200 error edges fit, with their two values (site1: nginx's default 60s, gunicorn's 2s).
    expect(edges.filter((edge) => edge.includes('⚠ upstream-keepalive-timeout'))).toHaveLength(ERRORS);
    expect(edges).toContain('  upstream1 -.->|"⚠ upstream-keepalive-timeout<br/>nginx 60s ≥ gunicorn 2s"| backend1');
  });
});

describe('configuration from the workspace (schemas/config.schema.json found from dist-action/)', () => {
  test('a .cfglint.json in the workspace is read and validated', () => {
    const quiet = runAction(path.join(EXAMPLE, 'broken'), {}, (ws) =>
      fs.writeFileSync(path.join(ws, '.cfglint.json'), '{ "rules": { "header-size-backend": "off" } }\n'),
    );
    expect(quiet.stdout).not.toContain('header-size-backend');
    expect(quiet.stdout).toMatch(/^::error file=nginx\/conf\.d\/app\.conf,line=3,[^\n]*\n$/);
    expect(quiet.output).toBe('findings=1\nsarif-file=\n');
    expect(quiet.status).toBe(1);

    const named = runAction(path.join(EXAMPLE, 'broken'), { config: 'ci/lint.json', 'fail-on': 'warning' }, (ws) => {
      fs.mkdirSync(path.join(ws, 'ci'));
      fs.writeFileSync(path.join(ws, 'ci', 'lint.json'), '{ "rules": { "upstream-keepalive-timeout": "off" } }\n');
    });
    // Only the info finding is left, below fail-on warning.
    expect(named.stdout).toMatch(/^::notice file=gunicorn\.conf\.py,[^\n]*\n$/);
    expect(named.status).toBe(0);

    const invalid = runAction(path.join(EXAMPLE, 'broken'), {}, (ws) =>
      fs.writeFileSync(path.join(ws, '.cfglint.json'), '{ "rules": { "header-size-backend": "of" } }\n'),
    );
    expect(invalid.status).toBe(2);
    expect(invalid.stdout).toBe(
      `::error::cfglint: ${path.join(invalid.workspace, '.cfglint.json')}: rules.header-size-backend must be equal to one of the allowed values ("off", "error", "warning", "info")\n`,
    );
    expect(invalid.summary).toBe('');
    expect(invalid.output).toBe('');
  });
});

describe('the baseline input', () => {
  test('a baseline the CLI wrote in the workspace root leaves its findings out; a new finding still fails', () => {
    const cli = path.join(ROOT, 'dist/src/cli/main.js');
    const accepted = runAction(path.join(EXAMPLE, 'broken'), { baseline: 'ci/baseline.json' }, (ws) => {
      fs.mkdirSync(path.join(ws, 'ci'));
      const update = spawnSync(process.execPath, [cli, '--baseline', 'ci/baseline.json', '--update-baseline', '.'], { cwd: ws, encoding: 'utf8' });
      expect(update.status).toBe(0);
    });
    expect(accepted.stdout).toBe('');
    expect(accepted.output).toBe('findings=0\nsarif-file=\n');
    expect(accepted.status).toBe(0);

    // The baseline accepts only the info finding: the error is new and fails the step.
    const partial = runAction(path.join(EXAMPLE, 'broken'), { baseline: 'baseline.json' }, (ws) => {
      fs.writeFileSync(path.join(ws, '.cfglint.json'), '{ "rules": { "upstream-keepalive-timeout": "off" } }\n');
      expect(spawnSync(process.execPath, [cli, '--baseline', 'baseline.json', '--update-baseline', '.'], { cwd: ws, encoding: 'utf8' }).status).toBe(0);
      fs.rmSync(path.join(ws, '.cfglint.json'));
    });
    expect(partial.stdout).toMatch(/^::error file=nginx\/conf\.d\/app\.conf,line=3,[^\n]*\n$/);
    expect(partial.output).toBe('findings=1\nsarif-file=\n');
    expect(partial.status).toBe(1);
  });
});

describe('bad inputs: one ::error:: line, exit 2', () => {
  test.each([
    [{ 'fail-on': 'sometimes' }, '::error::cfglint: invalid input fail-on "sometimes"; expected error, warning, info or never\n'],
    [{ format: 'xml' }, '::error::cfglint: invalid input format "xml"; expected one of: stylish, json, sarif, github, gitlab, junit, checkstyle\n'],
    [{ paths: 'nginx missing' }, '::error::cfglint: no such file or directory: missing\n'],
    [{ config: 'nope.json' }, '::error::cfglint: config file not found: nope.json\n'],
    [{ baseline: 'nope.json' }, '::error::cfglint: cannot read baseline nope.json: no such file (create it with cfglint --baseline FILE --update-baseline)\n'],
  ])('%o', (inputs, line) => {
    const run = runAction(path.join(EXAMPLE, 'broken'), inputs);
    expect(run.stdout).toBe(line);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(2);
  });
});

test('paths that hold no file cfglint reads: one ::error:: line, exit 2, as on the command line', () => {
  const run = runAction(path.join(EXAMPLE, 'broken'), { paths: 'docs' }, (ws) => {
    fs.mkdirSync(path.join(ws, 'docs'));
    fs.writeFileSync(path.join(ws, 'docs', 'README.md'), '# notes\n');
  });
  expect(run.stdout).toBe(
    '::error::cfglint: no file cfglint reads in docs/ (nginx, uWSGI, gunicorn, Tomcat, systemd, Dockerfile, compose, Procfile, Kubernetes, … configs); see --list-files\n',
  );
  expect(run.status).toBe(2);
});

describe('what the tree says cannot reach the runner unescaped', () => {
  test('the job summary: a hostile path and value stay inside their cells', () => {
    const tree = {
      'nginx.conf': 'http { include conf.d/*.conf; }\n',
      'conf.d/`x|y`.conf': 'server {\n  send_timeout "1`|x\ry<b>\x1b]0;t\x07";\n}\n',
    };
    const summary = renderSummary(lintSync({ cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), paths: ['.'], config: {} }));
    const rows = summary.split('\n').filter((line) => line.startsWith('| error |'));
    // Backticks, pipes, `]` and `_` backslash-escaped, the lone CR a <br>, `<b>` as entities, ESC and
    // BEL shown as \x1b and \x07 with their backslash escaped; the location in <code>, not a code span.
    expect(rows).toEqual([expect.stringMatching(/^\| error \| \[invalid-value\]\(https:[^)]*\/invalid-value\.md\) \| /)]);
    expect(rows[0]).toContain(
      '| <code>conf.d/\\`x\\|y\\`.conf:2</code> | Invalid value "1\\`\\|x<br>y&lt;b&gt;\\\\x1b\\]0;t\\\\x07" in "send\\_timeout"<br>help: nginx refuses to start ',
    );
    expect(rows[0].endsWith(' |')).toBe(true);
    // The node label in the Mermaid block: backtick #96;, pipe #124;.
    expect(summary).toContain('  server1["server<br/>conf.d/#96;x#124;y#96;.conf"]\n');
  });

  test('the job summary: the help follows the message in its cell, tree text in it escaped the same way', () => {
    const tree = { 'uwsgi.ini': '[uwsgi]\nhttp-socket = :9000\nlisten = `|x<b>[y]\n' };
    const summary = renderSummary(lintSync({ cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), paths: ['.'], config: {} }));
    const rows = summary.split('\n').filter((line) => line.includes('[uwsgi-value-units]'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(
      '| <code>uwsgi.ini:3</code> | listen is 0<br>help: uWSGI reads "\\`\\|x&lt;b&gt;\\[y\\]" with atoi, which finds no number in it |',
    );
  });

  test('the job summary: a location links to its line only when the runner says where the repository is; the path is percent-encoded', () => {
    const tree = { 'conf.d/a (b)|c d.conf': 'server {\n  send_timeout "x";\n}\n' };
    const result = lintSync({ cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), paths: ['.'], config: {} });
    const SHA = 'abcdef0123456789abcdef0123456789abcdef01';
    const blobBase = blobBaseOf({ GITHUB_SERVER_URL: 'https://ghe.example/', GITHUB_REPOSITORY: 'acme/deploy', GITHUB_SHA: SHA });
    expect(blobBase).toBe(`https://ghe.example/acme/deploy/blob/${SHA}`);
    // Space, ( ) and | encoded, so neither the link target nor the table cell ends early.
    expect(renderSummary(result, { blobBase })).toContain(
      `| [<code>conf.d/a (b)\\|c d.conf:2</code>](https://ghe.example/acme/deploy/blob/${SHA}/conf.d/a%20%28b%29%7Cc%20d.conf#L2) | `,
    );
    expect(renderSummary(result)).toContain('| <code>conf.d/a (b)\\|c d.conf:2</code> | ');
    // Any variable missing or malformed: no links.
    expect(blobBaseOf({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/deploy' })).toBeUndefined();
    expect(blobBaseOf({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/deploy', GITHUB_SHA: 'main)x' })).toBeUndefined();
    expect(blobBaseOf({ GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'a/b)[x](y', GITHUB_SHA: SHA })).toBeUndefined();
  });

  test('the job summary: rows past the limit are left out, the least severe first, and a note counts them', () => {
    const tree = { 'uwsgi.ini': '[uwsgi]\nhttp-socket = :9000\nlisten = x\n', 'nginx.conf': 'server {\n  send_timeout "x";\n  autoindex on;\n}\n' };
    const result = lintSync({ cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), paths: ['.'], config: {} });
    const full = buildSummary(result);
    expect(full.listed).toBe(result.report.findings.length);
    // The full summary less one byte: the last row (the least severe) goes, the note comes, it all fits.
    const cut = buildSummary(result, { limitBytes: Buffer.byteLength(full.text) - 1, sarifFile: 'out/c.sarif' });
    expect(Buffer.byteLength(cut.text)).toBeLessThan(Buffer.byteLength(full.text));
    expect(cut.listed).toBeLessThan(full.listed);
    const rows = cut.text.split('\n').filter((line) => /^\| (error|warning|info) \|/.test(line));
    expect(rows).toHaveLength(cut.listed);
    const sorted = sortBySeverity(result.report.findings);
    expect(rows.map((row) => row.split(' | ')[0].slice(2))).toEqual(sorted.slice(0, cut.listed).map((f) => f.severity));
    const left = sorted.slice(cut.listed);
    expect(cut.text).toContain(`*${left.length} more finding${left.length === 1 ? '' : 's'} not listed (`);
    expect(cut.text).toContain("the annotations in this step's log and the SARIF file out/c.sarif have them all.*");
    // Whatever the limit, down to what the heading and the diagram take alone, the note included, it holds.
    const emptyTable = buildSummary(result, { limitBytes: 0 });
    expect(emptyTable.listed).toBe(0);
    for (let limit = Buffer.byteLength(emptyTable.text); limit < Buffer.byteLength(full.text); limit += 7) {
      expect(Buffer.byteLength(buildSummary(result, { limitBytes: limit }).text)).toBeLessThanOrEqual(limit);
    }
  });

  test('an internal error is one annotation, its message encoded as command data', () => {
    expect(internalErrorAnnotation(new Error('a\n::add-mask::b\r100%\x1b'))).toBe(
      '::error::cfglint: internal error: a%0A::add-mask::b%0D100%25; please report this at https://github.com/cfglint/cfglint/issues\n',
    );
  });
});

describe('action.yml and the committed bundle', () => {
  test('action.yml runs the bundle with node20 and declares the inputs and outputs', () => {
    const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node20', main: 'dist-action/index.js' });
    expect(Object.keys(action.inputs).sort()).toEqual(['baseline', 'config', 'fail-on', 'format', 'paths', 'sarif-file']);
    expect(Object.keys(action.outputs).sort()).toEqual(['findings', 'sarif-file']);
    expect(action.inputs.format.default).toBe('github');
  });

  test("the README's workflow parses and passes only declared inputs", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /### GitHub Actions\n\n```yaml\n([^]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const workflow = parseYaml(block![1]);
    const steps: { id?: string; uses: string; with?: Record<string, string> }[] = workflow.jobs.cfglint.steps;
    const action = parseYaml(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    const lint = steps.find((step) => step.uses.startsWith('cfglint/cfglint@'))!;
    for (const name of Object.keys(lint.with ?? {})) expect(Object.keys(action.inputs)).toContain(name);
    const upload = steps.find((step) => step.uses.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with?.sarif_file).toBe(`\${{ steps.${lint.id}.outputs.sarif-file }}`);
    expect(workflow.permissions['security-events']).toBe('write');
  });

  test('dist-action/index.js is a fresh build of src/ (run `npm run build:action`)', async () => {
    const { bundleText } = require(path.join(ROOT, 'scripts', 'build-action.js'));
    const fresh: string = await bundleText();
    const committed = fs.readFileSync(BUNDLE, 'utf8');
    // Compared as booleans first so a stale bundle fails with a one-line hint, not a 1.6 MB diff.
    expect({ upToDate: fresh === committed, hint: 'run `npm run build:action`' }).toEqual({ upToDate: true, hint: 'run `npm run build:action`' });
  }, 60000);
});
