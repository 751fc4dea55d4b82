/**
 * What `npm pack` would put in the tarball, from `npm pack --dry-run --json --ignore-scripts` (the
 * file list of this checkout, without building: `npm test` has built already), and the prepack
 * guard (`scripts/package.js check`) on small fake packages. The real pack and install are in
 * test/servers/package.test.ts (they need the registry).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES } from '../checks';
import { READER_RULES } from '../src/engine/reader-rules';

const ROOT = path.resolve(__dirname, '..');
const SCRIPT = path.join(ROOT, 'scripts', 'package.js');

interface PackedFile {
  path: string;
}

let packed: string[];
let tmp: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/cli/main.js'))) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0 && !fs.existsSync(path.join(ROOT, 'dist/src/cli/main.js'))) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
  }
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (pack.status !== 0) throw new Error(`npm pack --dry-run failed:\n${pack.stderr}`);
  packed = (JSON.parse(pack.stdout) as { files: PackedFile[] }[])[0].files.map((file) => file.path);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-package-unit-'));
}, 120000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  main: string;
  types: string;
  scripts: Record<string, string>;
};

describe('the packed file list', () => {
  test('holds the build that bin, main and types name, the bundle bin runs with its code cache, the generated config validator, and the license', () => {
    const bundle = ['dist/src/bundle/cli.js', 'dist/src/bundle/cli.js.cache', 'dist/src/bundle/build-info.json', 'dist/src/engine/config-validator.js'];
    for (const file of [...Object.values(manifest.bin), manifest.main, manifest.types, ...bundle, 'dist/checks/index.js', 'LICENSE', 'package.json']) {
      expect(packed).toContain(file.replace(/^\.\//, ''));
    }
  });

  test('holds the doc `cfglint explain` reads for every rule and reader id, and the config schema', () => {
    const docs = [...RULES.map((rule) => `checks/${rule.id}.md`), ...READER_RULES.map((rule) => `docs/rules/${rule.id}.md`)];
    expect(docs.filter((doc) => !packed.includes(doc))).toEqual([]);
    expect(packed).toContain('schemas/config.schema.json');
  });

  test('holds no sources, tests or tooling', () => {
    expect(packed.filter((file) => /^(src|test|scripts|bench|lab\/(?!README\.md$)|\.ci|dist\/(test|lab)|dist-action)\//.test(file) || file === 'lab/')).toEqual(
      [],
    );
    expect(packed.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });

  test('runs nothing on install: the packed package.json has no scripts, and there is no binding.gyp', () => {
    // prepack writes this manifest for the tarball (and postpack puts the clone's back): the
    // clone's own, without "scripts", which all need the clone (scripts/, tsconfig.json, tests).
    const run = spawnSync(process.execPath, [SCRIPT, 'manifest'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const { scripts: _clonesOnly, ...expected } = manifest;
    expect(JSON.parse(run.stdout)).toEqual(expected);
    expect(packed).not.toContain('binding.gyp');
    // The clone builds on `npm ci` (prepare, which npm runs for the project itself and for a git
    // dependency), and pack builds from clean (prepack).
    expect(manifest.scripts.prepare).toBe('node scripts/package.js prepare');
    expect(manifest.scripts.prepack).toBe('node scripts/package.js prepack');
    expect(manifest.scripts.postpack).toBe('node scripts/package.js postpack');
  });

  test('every relative link in a packed Markdown file resolves to a packed file or directory', () => {
    const files = new Set(packed);
    const isPackedDirectory = (dir: string) => packed.some((file) => file.startsWith(`${dir}/`));
    const broken: string[] = [];
    const markdown = packed.filter((file) => file.endsWith('.md'));
    expect(markdown.length).toBeGreaterThan(RULES.length);
    for (const file of markdown) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(target.split('#')[0]))).replace(/\/$/, '');
        if (!files.has(resolved) && !isPackedDirectory(resolved)) broken.push(`${file}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the prepack guard and postpack (scripts/package.js check, postpack)', () => {
  /** A fake package root holding a copy of the script, package.json and the files named. */
  function fakePackage(name: string, pkg: object, files: string[]): string {
    const dir = path.join(tmp, name);
    fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
    fs.copyFileSync(SCRIPT, path.join(dir, 'scripts', 'package.js'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), '');
    }
    return dir;
  }
  const step = (dir: string, name: string) => spawnSync(process.execPath, [path.join(dir, 'scripts', 'package.js'), name], { cwd: dir, encoding: 'utf8' });
  const pkg = { name: 'p', version: '1.0.0', bin: { p: 'dist/cli.js' }, main: 'dist/index.js', types: 'dist/index.d.ts', files: ['dist', 'LICENSE'] };
  const BUILT = ['dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'LICENSE'];

  test('passes a package whose promised files exist', () => {
    const run = step(fakePackage('good', { ...pkg, scripts: { prepare: 'x' } }, BUILT), 'check');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
  });

  test('refuses, on stderr, a package without its build or license', () => {
    const run = step(fakePackage('bad', pkg, ['dist/index.d.ts']), 'check');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('scripts/package.js check: refusing to pack: dist/cli.js is missing; dist/index.js is missing; LICENSE is missing\n');
  });

  test('refuses a binding.gyp, which makes npm run node-gyp on install', () => {
    const run = step(fakePackage('gyp', pkg, [...BUILT, 'binding.gyp']), 'check');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('binding.gyp would make npm run node-gyp on every install');
  });

  test('postpack puts back the package.json prepack set aside, and leaves it alone otherwise', () => {
    const dir = fakePackage('restore', pkg, BUILT);
    const original = '{ "name": "p", "scripts": { "prepare": "x" } }\n';
    fs.writeFileSync(path.join(dir, 'package.json.before-pack'), original);
    expect(step(dir, 'postpack').status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(original);
    expect(fs.existsSync(path.join(dir, 'package.json.before-pack'))).toBe(false);
    expect(step(dir, 'postpack').status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(original);
  });
});
