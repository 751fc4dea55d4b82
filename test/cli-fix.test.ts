/**
 * `--fix` and `--fix-dry-run` through the built command, on temp copies of the examples: what is
 * written (and only there), the diff a dry run prints, passes for fixes that touch the same
 * place, a second run that changes nothing, the exit code for what is left, SARIF's fixes, and
 * the combinations that are refused. Then every examples/* /broken tree fixed through the API.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES } from '../checks';
import { fixSync, writeChanges } from '../src/engine/fix';
import { lintSync } from '../src/engine/run';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cfglint(args: string[], cwd: string): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 30000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let tmp: string;

beforeAll(() => {
  if (!fs.existsSync(CLI)) {
    spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, encoding: 'utf8' });
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-fix-'));
}, 120000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function copyExample(name: string, example: string): string {
  const dir = path.join(tmp, name);
  fs.cpSync(path.join(ROOT, 'examples', example, 'broken'), dir, { recursive: true });
  return dir;
}

function writeTree(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Every file of a directory with its bytes, by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (current: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) out[path.relative(dir, full)] = fs.readFileSync(full, 'latin1');
    }
  };
  visit(dir);
  return out;
}

// examples/keepalive-http10/broken/nginx/conf.d/app.conf, 21 lines: location / (lines 12-14)
// inherits Connection "" from the server and lacks HTTP/1.1; location /api/ (16-20) sets its own
// headers, which drop it, so it needs both lines. Each goes right before proxy_pass (13, 19).
const HTTP10_APP = [
  'upstream app {',
  '    server 127.0.0.1:8000;',
  '    keepalive 16;',
  '}',
  '',
  'server {',
  '    listen 80;',
  '    server_name app.example.com;',
  '',
  '    proxy_set_header Connection "";',
  '',
  '    location / {',
  '        proxy_pass http://app;',
  '    }',
  '',
  '    location /api/ {',
  '        proxy_set_header Host $host;',
  '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  '        proxy_pass http://app;',
  '    }',
  '}',
];
const HTTP10_FIXED = [
  ...HTTP10_APP.slice(0, 12),
  '        proxy_http_version 1.1;',
  ...HTTP10_APP.slice(12, 18),
  '        proxy_http_version 1.1;',
  '        proxy_set_header Connection "";',
  ...HTTP10_APP.slice(18),
];

describe('--fix-dry-run', () => {
  test('prints a unified diff, writes nothing, and exits for what would be left', () => {
    const dir = copyExample('dry', 'keepalive-http10');
    expect(fs.readFileSync(path.join(dir, 'nginx/conf.d/app.conf'), 'utf8')).toBe(HTTP10_APP.join('\n') + '\n');
    const before = snapshot(dir);
    const run = cfglint(['--fix-dry-run', '.'], dir);
    // Both changes lie within 2 × 3 context lines of each other: one hunk from line 10 to the
    // end (12 old lines), with 3 lines more in the new file.
    const hunk = [
      ...HTTP10_APP.slice(9, 12).map((line) => ` ${line}`),
      '+        proxy_http_version 1.1;',
      ...HTTP10_APP.slice(12, 18).map((line) => ` ${line}`),
      '+        proxy_http_version 1.1;',
      '+        proxy_set_header Connection "";',
      ...HTTP10_APP.slice(18).map((line) => ` ${line}`),
    ];
    expect(run.stdout).toBe(['--- a/nginx/conf.d/app.conf', '+++ b/nginx/conf.d/app.conf', '@@ -10,12 +10,15 @@', ...hunk].join('\n') + '\n');
    expect(run.stderr).toBe('');
    // Nothing else in the example reaches a warning once the two errors are fixed.
    expect(run.status).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  test('nothing to fix: no output, and the exit code of the findings that stay', () => {
    // upstream-protocol-mismatch has no fix (which side to change is the user's call).
    const dir = copyExample('dry-nothing', 'protocol-mismatch-uwsgi');
    const run = cfglint(['--fix-dry-run', '.'], dir);
    expect(run.stdout).toBe('');
    expect(run.status).toBe(1);
  });

  test('-o writes the diff to a file, and the tree is still untouched', () => {
    const dir = copyExample('dry-output', 'keepalive-timeout-gunicorn');
    const before = snapshot(dir);
    const out = path.join(tmp, 'fix.diff');
    const run = cfglint(['--fix-dry-run', '-o', out, dir], tmp);
    expect(run.stdout).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toContain('+    keepalive_timeout 1s;\n');
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('--fix', () => {
  test('writes the fixes, reports what is left, and a second run changes nothing', () => {
    const dir = copyExample('fix', 'keepalive-http10');
    const run = cfglint(['--fix', '.'], dir);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('cfglint: applied 2 fixes in 1 file\n');
    expect(run.stdout).not.toContain('upstream-keepalive-http10');
    expect(fs.readFileSync(path.join(dir, 'nginx/conf.d/app.conf'), 'utf8')).toBe(HTTP10_FIXED.join('\n') + '\n');

    const after = snapshot(dir);
    const again = cfglint(['--fix', '.'], dir);
    expect(again.status).toBe(0);
    expect(again.stderr).toBe('');
    expect(snapshot(dir)).toEqual(after);
  });

  test('two fixes at the same place: the second waits for the next pass, both end up written', () => {
    // keepalive-timeout-tomcat: keepalive_timeout (half of Tomcat's 20s) and keepalive_requests
    // (two below Tomcat's 100) both go right after `keepalive 16;`. Findings are taken in report
    // order (same line: by rule id, -requests first); the other is applied after a re-read.
    const dir = copyExample('overlap', 'keepalive-timeout-tomcat');
    const run = cfglint(['--fix', '--fail-on', 'info', '.'], dir);
    expect(run.stderr).toBe('cfglint: applied 2 fixes in 1 file\n');
    const text = fs.readFileSync(path.join(dir, 'nginx/conf.d/app.conf'), 'utf8');
    expect(
      text.startsWith('upstream tomcat {\n    server 127.0.0.1:8080;\n    keepalive 16;\n    keepalive_timeout 10s;\n    keepalive_requests 98;\n}\n'),
    ).toBe(true);
    // Infos without a fix are left (header sizes): exit 1 with --fail-on info.
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('header-size-backend');
    expect(run.stdout).not.toContain('upstream-keepalive');
  });

  test('fixes that need another pass: a uWSGI comment moved out of a value, then its unit written out', () => {
    const dir = writeTree('uwsgi-chain', { 'uwsgi.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8000\nbuffer-size = 32k ; big headers\n' });
    const run = cfglint(['--fix', '.'], dir);
    expect(run.stderr).toBe('cfglint: applied 2 fixes in 1 file\n');
    expect(fs.readFileSync(path.join(dir, 'uwsgi.ini'), 'utf8')).toBe('[uwsgi]\nhttp-socket = 127.0.0.1:8000\n; big headers\nbuffer-size = 32768\n');
    expect(run.stdout).not.toContain('uwsgi-');
  });

  test('--select: only the selected rules are fixed', () => {
    const dir = writeTree('select', {
      'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nkeep_alive = 5\n',
      'uwsgi.ini': '[uwsgi]\nhttp-socket = :9000\nharakiri = 1m\n',
    });
    const run = cfglint(['--fix', '--select', 'uwsgi-value-units', '.'], dir);
    expect(run.stderr).toBe('cfglint: applied 1 fix in 1 file\n');
    expect(fs.readFileSync(path.join(dir, 'uwsgi.ini'), 'utf8')).toBe('[uwsgi]\nhttp-socket = :9000\nharakiri = 60\n');
    expect(fs.readFileSync(path.join(dir, 'gunicorn.conf.py'), 'utf8')).toBe('bind = "127.0.0.1:8000"\nkeep_alive = 5\n');
  });

  test('a file outside the tree, reached by a symlink, is neither read nor written', () => {
    const outside = writeTree('outside', { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nkeep_alive = 5\n' });
    const dir = writeTree('linked', { 'uwsgi.ini': '[uwsgi]\nhttp-socket = :9000\n' });
    fs.symlinkSync(path.join(outside, 'gunicorn.conf.py'), path.join(dir, 'gunicorn.conf.py'));
    const run = cfglint(['--fix', '.'], dir);
    expect(run.stderr).toBe('');
    expect(fs.readFileSync(path.join(outside, 'gunicorn.conf.py'), 'utf8')).toBe('bind = "127.0.0.1:8000"\nkeep_alive = 5\n');
  });

  test('refused combinations exit 2 with one line', () => {
    const dir = copyExample('refused', 'keepalive-http10');
    const before = snapshot(dir);
    for (const args of [
      ['graph', '--fix', '.'],
      ['--fix', '--fix-dry-run', '.'],
      ['--fix', '--baseline', 'b.json', '--update-baseline', '.'],
    ]) {
      const run = cfglint(args, dir);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')[0]).toMatch(/^cfglint: .*--fix/);
    }
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('reports carry the fixes', () => {
  test('SARIF: each result with a fix has artifactChanges with its replacements (§3.55)', () => {
    const dir = copyExample('sarif', 'keepalive-http10');
    const sarif = JSON.parse(cfglint(['--format', 'sarif', '.'], dir).stdout);
    const results = sarif.runs[0].results as { fixes?: unknown[]; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
    expect(results.map((result) => result.locations[0].physicalLocation.region.startLine)).toEqual([13, 19]);
    // An insertion is an empty deleted region at the start of proxy_pass's line.
    const insertion = (line: number, text: string) => ({
      artifactLocation: { uri: 'nginx/conf.d/app.conf', uriBaseId: '%SRCROOT%' },
      replacements: [{ deletedRegion: { startLine: line, startColumn: 1, endLine: line, endColumn: 1 }, insertedContent: { text } }],
    });
    expect(results.map((result) => (result.fixes as { artifactChanges: unknown[] }[])[0].artifactChanges)).toEqual([
      [insertion(13, '        proxy_http_version 1.1;\n')],
      [insertion(19, '        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n')],
    ]);
  });

  test('JSON: a fix as title and edits with spans', () => {
    const dir = writeTree('json', { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nWorkers = 4\n' });
    const report = JSON.parse(cfglint(['--format', 'json', '.'], dir).stdout);
    const finding = report.findings.find((f: { ruleId: string }) => f.ruleId === 'gunicorn-unknown-setting');
    // `Workers` is the 7 characters at the start of line 2 (offset 24, after the 24-character line 1).
    expect(finding.fix).toEqual({
      title: 'rename "Workers" to "workers"',
      edits: [
        {
          span: { file: 'gunicorn.conf.py', start: { line: 2, column: 1, offset: 24 }, end: { line: 2, column: 8, offset: 31 } },
          text: 'workers',
        },
      ],
    });
  });
});

describe('a value an envsubst template takes from the environment', () => {
  // The nginx side of the mismatch is `keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT};`: the value
  // to change is where the compose file writes it.
  const compose = (value: string) =>
    [
      'services:',
      '  nginx:',
      '    image: nginx:1.27-alpine',
      '    restart: unless-stopped',
      '    volumes:',
      '      - ./templates:/etc/nginx/templates:ro',
      '    environment:',
      `      UPSTREAM_KEEPALIVE_TIMEOUT: ${value}`,
      '  web:',
      '    image: python:3.12-slim',
      '    restart: unless-stopped',
      '    command: gunicorn app:app --bind 0.0.0.0:8000 --worker-class gthread --threads 4',
      '',
    ].join('\n');
  const template = (timeouts: string) =>
    [
      'upstream app {',
      '    server web:8000;',
      '    keepalive 8;',
      timeouts,
      '}',
      'server {',
      '    listen 80;',
      '    location / {',
      '        proxy_pass http://app;',
      '        proxy_http_version 1.1;',
      '        proxy_set_header Connection "";',
      '    }',
      '}',
      '',
    ].join('\n');

  test('is fixed in the compose file, as it is written there', () => {
    const dir = writeTree('envsubst-plain', {
      'docker-compose.yml': compose('60s'),
      'templates/default.conf.template': template('    keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT};'),
    });
    const run = cfglint(['--fix-dry-run', '.'], dir);
    // gunicorn's gthread workers close idle connections after 2s: the message suggests 1s.
    expect(run.stdout).toContain('-      UPSTREAM_KEEPALIVE_TIMEOUT: 60s\n+      UPSTREAM_KEEPALIVE_TIMEOUT: 1s\n');
    expect(run.stdout).not.toContain('default.conf.template');
    expect(cfglint(['--fix', '.'], dir).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'docker-compose.yml'), 'utf8')).toBe(compose('1s'));
  });

  test('is not fixed when the template uses the value twice, or the compose file quotes it', () => {
    const twice = writeTree('envsubst-twice', {
      'docker-compose.yml': compose('60s'),
      'templates/default.conf.template': template('    keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT};\n    # also ${UPSTREAM_KEEPALIVE_TIMEOUT}'),
    });
    const quoted = writeTree('envsubst-quoted', {
      'docker-compose.yml': compose('"60s"'),
      'templates/default.conf.template': template('    keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT};'),
    });
    for (const dir of [twice, quoted]) {
      const run = cfglint(['--format', 'json', '.'], dir);
      const findings = JSON.parse(run.stdout).findings.filter((finding: { ruleId: string }) => finding.ruleId === 'upstream-keepalive-timeout');
      // The finding is there; an edit that would change more than the message says (or rewrite a quoted scalar) is not.
      expect(findings).toHaveLength(1);
      expect(findings[0].fix).toBeUndefined();
    }
  });
});

describe('every examples/*/broken tree', () => {
  const FIXABLE = new Set(RULES.filter((rule) => rule.meta.fixable).map((rule) => rule.id));
  const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((name) => fs.existsSync(path.join(ROOT, 'examples', name, 'broken')));

  test.each(examples)('%s: no fixable finding with a fix is left, a second --fix changes nothing', (example) => {
    const dir = copyExample(`all-${example}`, example);
    const options = { paths: ['.'], cwd: dir };
    const first = fixSync(options, (report) => report.findings);
    expect(first.reverted).toEqual([]);
    expect(writeChanges(options, first.changes)).toEqual([]);
    const left = lintSync(options).report.findings;
    expect(left.filter((finding) => finding.fix)).toEqual([]);
    expect(left.filter((finding) => FIXABLE.has(finding.ruleId)).map((finding) => finding.ruleId)).toEqual([]);
    const after = snapshot(dir);
    const second = fixSync(options, (report) => report.findings);
    expect(second.changes).toEqual([]);
    expect(snapshot(dir)).toEqual(after);
  });
});
