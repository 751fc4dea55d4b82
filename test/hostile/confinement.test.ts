/**
 * Hostile trees that try to make cfglint read outside them, or to expand includes without end
 * (issue 13). Each case is generated in a temp dir and run through the built CLI with
 * SECRET_TOKEN set to a random value in its environment, beside a secret file outside the tree.
 * Every case must end within 20 s with exit 0 or 1 (2 for a bad .cfglint.json), with the
 * expected positioned finding, the rest of the tree still linted, and neither the token, nor
 * the secret file's content or name, nor /etc/passwd's first line anywhere in the output.
 *
 *   npm run test:hostile        (builds first; the CLI is dist/src/cli/main.js)
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
const LIMIT_MS = 20_000;
const HEAP_MB = 1024;

const token = randomBytes(16).toString('hex');
const secretContent = `SECRET-CONTENT-${randomBytes(8).toString('hex')}`;
const secretName = `secretname-${randomBytes(4).toString('hex')}.conf`;
let work: string;
/** A directory beside the trees, holding what no case may read: <work>/outside/<secretName> and target.conf. */
let outside: string;
const times: string[] = [];

beforeAll(() => {
  if (!fs.existsSync(cli)) {
    const built = spawnSync('npx', ['tsc', '-p', '.'], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-confine-'));
  outside = path.join(work, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, secretName), `${secretContent}\nserver { listen 1; }\n`);
  // The one to name in an include: its name is in the tree then, its content must still stay out.
  fs.writeFileSync(path.join(outside, 'target.conf'), `${secretContent}\nserver { listen 1; }\n`);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  process.stdout.write(`confinement wall times: ${times.join(', ')}\n`);
});

const passwdFirstLine = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0] : 'root:x:0:0';

interface Finding {
  ruleId: string;
  message: string;
  primary: { file: string; start: { line: number; column: number } };
}
interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  findings: Finding[];
  files: string[];
}

/** A case's tree, with conf.d/ok.conf that must always be linted, and `nginx.conf` as given. */
function tree(name: string, nginxConf: string): string {
  const dir = path.join(work, 'trees', name);
  fs.mkdirSync(path.join(dir, 'conf.d'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConf);
  fs.writeFileSync(path.join(dir, 'conf.d', 'ok.conf'), 'server { listen 8080; keepalive_timeout 5x; }\n');
  return dir;
}

/** The main config: the hostile include on line 3, the honest one on line 4. */
const mainWith = (include: string) => `events {}\nhttp {\n    include ${include};\n    include conf.d/ok.conf;\n}\n`;

function run(name: string, dir: string, format = 'json', paths: string[] = ['.']): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, cli, '-f', format, ...paths], {
    cwd: dir,
    encoding: 'utf8',
    timeout: LIMIT_MS * 2,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, SECRET_TOKEN: token },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  times.push(`${name} ${ms.toFixed(0)} ms`);
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const context = `${name}: status ${result.status} signal ${result.signal}\nstderr: ${(result.stderr ?? '').slice(0, 2000)}`;
  expect({ context, ms: ms < LIMIT_MS }).toEqual({ context, ms: true });
  expect({ context, signal: result.signal }).toEqual({ context, signal: null });
  expect({ context, stack: /^\s{4}at /m.test(result.stderr ?? '') }).toEqual({ context, stack: false });
  for (const secret of [token, secretContent, secretName, passwdFirstLine]) {
    expect({ context, leaked: output.includes(secret) ? secret : undefined }).toEqual({ context, leaked: undefined });
  }
  let findings: Finding[] = [];
  let files: string[] = [];
  if (format === 'json' && result.status !== 2) {
    const report = JSON.parse(result.stdout);
    findings = report.findings;
    files = report.files;
  }
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', findings, files };
}

const at = (run: Run, ruleId: string) =>
  run.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);

/** Exit 1 (ok.conf's bad value is an error), the refusal at nginx.conf:3:13, and ok.conf linted. */
function expectRefusedAndRestLinted(result: Run) {
  expect(result.status).toBe(1);
  expect(at(result, 'include-outside-tree')).toEqual(['nginx.conf:3:13']);
  expect(result.files).toContain('conf.d/ok.conf');
  expect(at(result, 'invalid-value')).toEqual(['conf.d/ok.conf:1:41']);
}

describe('includes that try to leave the tree', () => {
  test('a relative path that climbs to a file beside the tree, and to /etc/passwd', () => {
    const dir = tree('climb', mainWith('../../outside/target.conf'));
    expectRefusedAndRestLinted(run('climb', dir));
    const passwd = tree('climb-passwd', mainWith('../../../../../../../../../../etc/passwd'));
    expectRefusedAndRestLinted(run('climb-passwd', passwd));
  });

  test('/proc/self/environ, which holds SECRET_TOKEN', () => {
    const dir = tree('environ', mainWith('../../../../../../../../../../proc/self/environ'));
    expectRefusedAndRestLinted(run('environ', dir));
  });

  test('an absolute path mapped onto the tree, then climbing out', () => {
    const dir = tree('mapped', mainWith('/etc/nginx/../../../outside/target.conf'));
    expectRefusedAndRestLinted(run('mapped', dir));
  });

  test('a symlink in the tree to a file outside, and one to /proc/self/environ', () => {
    const dir = tree('file-link', mainWith('evil.conf'));
    fs.symlinkSync(path.join(outside, secretName), path.join(dir, 'evil.conf'));
    expectRefusedAndRestLinted(run('file-link', dir));
    const environ = tree('environ-link', mainWith('env.conf'));
    fs.symlinkSync('/proc/self/environ', path.join(environ, 'env.conf'));
    expectRefusedAndRestLinted(run('environ-link', environ));
  });

  test('symlink placeholders (links checked out as files holding the target) to a file outside, to /proc/self/environ and to /', () => {
    const dir = tree('placeholder-file', mainWith('evil.conf'));
    fs.writeFileSync(path.join(dir, 'evil.conf'), `../../outside/${secretName}`);
    expectRefusedAndRestLinted(run('placeholder-file', dir));
    const environ = tree('placeholder-environ', mainWith('env.conf'));
    fs.writeFileSync(path.join(environ, 'env.conf'), '/proc/self/environ');
    expectRefusedAndRestLinted(run('placeholder-environ', environ));
    const rootfs = tree('placeholder-rootfs', mainWith('rootfs/proc/self/environ'));
    fs.writeFileSync(path.join(rootfs, 'rootfs'), '../../../../../../../../../../');
    expectRefusedAndRestLinted(run('placeholder-rootfs', rootfs));
  });

  test('a directory symlink to /', () => {
    const dir = tree('rootfs', mainWith('rootfs/proc/self/environ'));
    fs.symlinkSync('/', path.join(dir, 'rootfs'));
    expectRefusedAndRestLinted(run('rootfs', dir));
  });

  test('globs: a directory outside, a directory link outside, and a link among the matches', () => {
    const listing = tree('glob-outside', mainWith('../../outside/*'));
    expectRefusedAndRestLinted(run('glob-outside', listing));
    const etc = tree('glob-etc', mainWith('../../../../../../../../etc/pass*'));
    expectRefusedAndRestLinted(run('glob-etc', etc));
    const viaLink = tree('glob-link', mainWith('out/*.conf'));
    fs.symlinkSync(outside, path.join(viaLink, 'out'));
    expectRefusedAndRestLinted(run('glob-link', viaLink));
    const mixed = tree('glob-mixed', mainWith('conf.d/*.conf'));
    fs.symlinkSync(path.join(outside, secretName), path.join(mixed, 'conf.d', 'evil.conf'));
    const result = run('glob-mixed', mixed);
    expect(at(result, 'include-outside-tree')).toEqual(['nginx.conf:3:13']);
    expect(result.files).toContain('conf.d/ok.conf');
  });

  test('a directory named on the command line that is a link to /: exit 2, nothing read', () => {
    const dir = tree('root-link', mainWith('conf.d/ok.conf'));
    fs.symlinkSync('/', path.join(dir, 'deploy'));
    const result = run('root-link', dir, 'json', ['deploy']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      'cfglint: deploy is a symbolic link out of the working directory (or passes through one); name the directory it points to, to lint that',
    );
  });

  test('every format (stylish, github, sarif, json, gitlab, junit, checkstyle) carries nothing of the targets', () => {
    const dir = tree(
      'formats',
      `events {}\nhttp {\n    include ../../../../../../../../proc/self/environ;\n    include evil.conf;\n    include ../../outside/*;\n    include conf.d/ok.conf;\n}\n`,
    );
    fs.symlinkSync(path.join(outside, secretName), path.join(dir, 'evil.conf'));
    for (const format of ['stylish', 'github', 'sarif', 'json', 'gitlab', 'junit', 'checkstyle']) {
      const result = run(`formats-${format}`, dir, format);
      expect(result.status).toBe(1);
    }
  });
});

describe('.cfglint.json that points outside', () => {
  test('an includeMap to / is a config error: exit 2, one line on stderr', () => {
    const dir = tree('includemap', mainWith('/etc/nginx/passwd'));
    fs.writeFileSync(path.join(dir, '.cfglint.json'), JSON.stringify({ nginx: { includeMap: { '/etc/nginx': '/etc' } } }));
    const result = run('includemap', dir);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('nginx.includeMap["/etc/nginx"] maps to "/etc", which is outside the linted tree');
  });

  test('a .cfglint.json that is a link to /proc/self/environ is refused unread: exit 2', () => {
    const dir = tree('config-link', mainWith('conf.d/ok.conf'));
    fs.symlinkSync('/proc/self/environ', path.join(dir, '.cfglint.json'));
    const result = run('config-link', dir);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('outside the linted tree');
  });
});

describe('include trees and masks built to run forever', () => {
  test('a backtracking mask against a 255-byte name', () => {
    const dir = tree('backtrack', mainWith('conf.d/*a*a*a*a*a*a*a*a*a*a*a*a*b'));
    fs.writeFileSync(path.join(dir, 'conf.d', 'a'.repeat(255)), 'gzip on;\n');
    const result = run('backtrack', dir);
    expect(result.status).toBe(1);
    expect(result.files).toContain('conf.d/ok.conf');
  });

  test('an invalid range [z-a] matches nothing and aborts nothing', () => {
    const dir = tree('range', mainWith('conf.d/[z-a].conf'));
    fs.writeFileSync(path.join(dir, 'conf.d', 'm.conf'), 'gzip on;\n');
    const result = run('range', dir);
    expect(result.status).toBe(1);
    expect(result.findings.filter((f) => f.ruleId.startsWith('include-'))).toEqual([]);
    expect(result.files).toContain('conf.d/ok.conf');
  });

  test('fan-out: seven levels each including the next ten times (10^8 servers)', () => {
    const dir = tree('fanout', 'events {}\nhttp {\n    include conf.d/ok.conf;\n    include level0.conf;\n}\n');
    for (let level = 0; level < 7; level++) fs.writeFileSync(path.join(dir, `level${level}.conf`), `include level${level + 1}.conf;\n`.repeat(10));
    // Ten servers (20 directives) a file: the directive cap comes before the cap on files.
    fs.writeFileSync(path.join(dir, 'level7.conf'), 'server { listen 80; }\n'.repeat(10));
    const result = run('fanout', dir);
    expect([0, 1]).toContain(result.status);
    const limits = result.findings.filter((f) => f.ruleId === 'include-limit');
    expect(limits).toHaveLength(1);
    expect(limits[0].message).toMatch(
      /^Includes repeat files already expanded elsewhere into more than \d+ directives: this include and every later repeat are skipped$/,
    );
    // Depth-first, the first include refused is one that brings in the last level.
    expect(limits[0].primary.file).toBe('level6.conf');
    expect(at(result, 'invalid-value')).toEqual(['conf.d/ok.conf:1:41']);
  });

  test('a directory of links to itself under a six-level mask', () => {
    const dir = tree('glob-loop', mainWith('loop/*/*/*/*/*/*.conf'));
    fs.mkdirSync(path.join(dir, 'loop'));
    fs.writeFileSync(path.join(dir, 'loop', 'x.conf'), 'gzip on;\n');
    for (let i = 0; i < 20; i++) fs.symlinkSync('.', path.join(dir, 'loop', `l${i}`));
    const result = run('glob-loop', dir);
    expect([0, 1]).toContain(result.status);
    expect(at(result, 'include-limit')).toEqual(['nginx.conf:3:13']);
    expect(result.files).toContain('conf.d/ok.conf');
  });
});

test('file names that are not UTF-8 are read through an include and shown escaped', () => {
  const dir = tree('bytes', mainWith('bytes/*.conf'));
  fs.mkdirSync(path.join(dir, 'bytes'));
  fs.writeFileSync(Buffer.concat([Buffer.from(`${dir}/bytes/caf`), Buffer.from([0xe9, 0xff]), Buffer.from('.conf')]), 'keepalive_timeout 7x;\n');
  const result = run('bytes', dir);
  expect(result.status).toBe(1);
  expect(at(result, 'invalid-value')).toEqual(['bytes/caf\\xe9\\xff.conf:1:19', 'conf.d/ok.conf:1:41']);
  // No raw byte and no replacement character: the name is shown escaped.
  expect(result.stdout).not.toMatch(/\ufffd/);
});
