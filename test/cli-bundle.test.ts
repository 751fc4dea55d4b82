/**
 * The built command runs from the bundle the build makes (scripts/build-cli.js), with V8's code
 * cache beside it, and falls back to the compiled modules when the bundle is missing or older than
 * them; a cache V8 rejects changes nothing but the time. Needs `npm run build` (npm test runs it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const TREE = path.join(ROOT, 'examples', 'keepalive-http10', 'broken');

let tmp: string;
/** A copy of the build with its own bundle to spoil: the checkout's build is shared by other tests. */
let copy: string;

/** Run `node <dist>/src/cli/main.js args` and list the cfglint modules Node loaded from files on the way. */
function runCli(distRoot: string, args: string[]): { stdout: string; status: number | null; modules: string[] } {
  const listing = path.join(tmp, `modules-${process.hrtime.bigint()}.json`);
  const preload = path.join(tmp, 'list-modules.js');
  const run = spawnSync(process.execPath, ['--require', preload, path.join(distRoot, 'dist', 'src', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, MODULE_LISTING: listing, NO_COLOR: '1' },
  });
  const modules = (JSON.parse(fs.readFileSync(listing, 'utf8')) as string[])
    .filter((file) => file.startsWith(distRoot))
    .map((file) => path.relative(distRoot, file));
  return { stdout: run.stdout, status: run.status, modules };
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-bundle-'));
  fs.writeFileSync(
    path.join(tmp, 'list-modules.js'),
    "process.on('exit', () => require('fs').writeFileSync(process.env.MODULE_LISTING, JSON.stringify(Object.keys(require.cache))));\n",
  );
  copy = path.join(tmp, 'package');
  fs.mkdirSync(copy);
  fs.cpSync(path.join(ROOT, 'dist', 'src'), path.join(copy, 'dist', 'src'), { recursive: true, preserveTimestamps: true });
  fs.cpSync(path.join(ROOT, 'dist', 'checks'), path.join(copy, 'dist', 'checks'), { recursive: true, preserveTimestamps: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
}, 60000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const bundleOf = (root: string) => path.join(root, 'dist', 'src', 'bundle', 'cli.js');

test('the built command runs the bundle: none of the compiled modules but the entry and its compile-cache are loaded', () => {
  const run = runCli(ROOT, ['-f', 'json', TREE]);
  expect(run.status).toBe(1);
  expect(run.modules.sort()).toEqual(['dist/src/cli/compile-cache.js', 'dist/src/cli/main.js']);
  expect(JSON.parse(run.stdout).summary.errors).toBeGreaterThan(0);
});

test('V8 accepts the cache the build made for the bundle', () => {
  const script = [
    `const fs = require('fs');`,
    `const launcher = require(${JSON.stringify(path.join(ROOT, 'dist', 'src', 'cli', 'main.js'))});`,
    `const script = launcher.bundleScript(fs.readFileSync(launcher.BUNDLE_FILE, 'latin1'), fs.readFileSync(launcher.BUNDLE_CACHE_FILE));`,
    `process.stdout.write(String(script.cachedDataRejected));`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe('false');
});

test('a run writes nothing beside the bundle: the cache is the build’s', () => {
  const dir = path.dirname(bundleOf(ROOT));
  const state = () => fs.readdirSync(dir).map((name) => [name, fs.statSync(path.join(dir, name)).mtimeMs]);
  const before = state();
  expect(runCli(ROOT, [TREE]).status).toBe(1);
  expect(state()).toEqual(before);
});

describe('with a bundle that cannot be used as built, the same report', () => {
  let expected: string;
  beforeAll(() => {
    expected = runCli(copy, ['-f', 'json', TREE]).stdout;
  });

  test('a cache V8 rejects', () => {
    fs.writeFileSync(`${bundleOf(copy)}.cache`, Buffer.from('not a code cache'));
    const run = runCli(copy, ['-f', 'json', TREE]);
    expect(run.modules).not.toContain('dist/src/cli/cli.js');
    expect(run.stdout).toBe(expected);
  });

  test('no cache', () => {
    fs.rmSync(`${bundleOf(copy)}.cache`, { force: true });
    const run = runCli(copy, ['-f', 'json', TREE]);
    expect(run.modules).not.toContain('dist/src/cli/cli.js');
    expect(run.stdout).toBe(expected);
  });

  test('a bundle older than the compiled modules (tsc ran after it): the modules run', () => {
    const cli = path.join(copy, 'dist', 'src', 'cli', 'cli.js');
    const older = new Date(fs.statSync(cli).mtimeMs - 60000);
    fs.utimesSync(bundleOf(copy), older, older);
    const run = runCli(copy, ['-f', 'json', TREE]);
    expect(run.modules).toContain('dist/src/cli/cli.js');
    expect(run.modules).toContain('dist/src/engine/run.js');
    expect(run.stdout).toBe(expected);
  });

  test('a damaged bundle (cut short): the modules run', () => {
    const bundle = bundleOf(copy);
    const text = fs.readFileSync(bundle, 'latin1');
    fs.writeFileSync(bundle, text.slice(0, text.length >> 1), 'latin1');
    // As new as the compiled modules (current), so that only the damage can make main.js pass it over.
    const built = fs.statSync(path.join(copy, 'dist', 'src', 'cli', 'cli.js')).mtime;
    fs.utimesSync(bundle, built, built);
    const run = runCli(copy, ['-f', 'json', TREE]);
    expect(run.modules).toContain('dist/src/cli/cli.js');
    expect(run.stdout).toBe(expected);
  });

  test('no bundle: the modules run', () => {
    fs.rmSync(bundleOf(copy));
    const run = runCli(copy, ['-f', 'json', TREE]);
    expect(run.modules).toContain('dist/src/cli/cli.js');
    expect(run.stdout).toBe(expected);
  });
});
