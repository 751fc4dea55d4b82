/**
 * The pre-commit hook (.pre-commit-hooks.yaml) with the real pre-commit (Debian's `pre-commit`
 * package): `pre-commit try-repo <snapshot> cfglint --all-files` in a temporary git repository
 * holding a deploy tree. try-repo clones the hook repository, and takes only committed files (and
 * changes to tracked ones), so the test commits a snapshot of this working tree (the files git
 * would track, without tests and benchmarks; the examples ship in the package, and prepack
 * refuses to pack without them) in a temp directory and points try-repo there. pre-commit then
 * runs `npm install` there (dependencies from the npm registry; prepare builds), `npm pack` (its
 * stdout must be the tarball's name alone) and `npm install -g` of the tarball, with the system
 * node. Skipped, with the reason printed, when pre-commit, git or npm is missing.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const missing = ['pre-commit', 'git', 'npm'].filter((tool) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status !== 0);
if (missing.length > 0) console.log(`test/servers/pre-commit.test.ts: skipped: not on PATH: ${missing.join(', ')}`);
const maybe = missing.length === 0 ? describe : describe.skip;

let tmp: string;
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'cfglint test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'cfglint test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

function run(command: string, args: string[], cwd: string, timeout = 600000): SpawnSyncReturns<string> {
  const env = {
    ...process.env,
    ...GIT_ENV,
    PRE_COMMIT_HOME: path.join(tmp, 'cache'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

function gitRepo(dir: string, fromTree: string) {
  fs.cpSync(fromTree, dir, { recursive: true });
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'snapshot', '--no-verify'],
  ]) {
    const git = run('git', args, dir);
    if (git.status !== 0) throw new Error(`git ${args.join(' ')} in ${dir} failed:\n${git.stderr}`);
  }
}

maybe('pre-commit hook', () => {
  let hookRepo: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-pre-commit-'));
    // A snapshot of the working tree as git would commit it.
    const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
    const staging = path.join(tmp, 'staging');
    for (const file of listed.stdout.split('\0')) {
      if (file === '' || /^(test|bench|scratch)\//.test(file) || !fs.existsSync(path.join(ROOT, file))) continue;
      fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, file), path.join(staging, file));
    }
    hookRepo = path.join(tmp, 'hook');
    gitRepo(hookRepo, staging);
  }, 120000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('fails on the broken tree with the finding, passes on the fixed one', () => {
    const broken = path.join(tmp, 'broken');
    gitRepo(broken, path.join(ROOT, 'examples/keepalive-http10/broken'));
    const failing = run('pre-commit', ['try-repo', hookRepo, 'cfglint', '--all-files'], broken);
    expect(failing.stdout).toMatch(/^cfglint\.+Failed$/m);
    expect(failing.stdout).toContain('error[upstream-keepalive-http10]');
    expect(failing.stdout).toContain('--> nginx/conf.d/app.conf:13:20');
    expect(failing.status).toBe(1);

    const fixed = path.join(tmp, 'fixed');
    gitRepo(fixed, path.join(ROOT, 'examples/keepalive-http10/fixed'));
    const passing = run('pre-commit', ['try-repo', hookRepo, 'cfglint', '--all-files'], fixed);
    expect(passing.stdout).toMatch(/^cfglint\.+Passed$/m);
    expect(passing.status).toBe(0);
  }, 600000);
});
