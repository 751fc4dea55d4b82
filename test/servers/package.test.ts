/**
 * The npm package as users get it: `npm pack` here (its prepack script builds from clean and
 * refuses to pack without the build; .npmrc keeps script output off stdout, which pre-commit
 * reads), then `npm install <tarball>` into an empty temp project, then `npx cfglint` from there.
 * Needs npm and the npm registry (for the dependencies); takes a minute. Skipped, with the reason
 * printed, when npm is not on PATH.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const hasNpm = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasNpm) console.log('test/servers/package.test.ts: skipped: npm is not on PATH');
const maybe = hasNpm ? describe : describe.skip;

function run(command: string, args: string[], cwd: string, timeout = 300000): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  if (result.error) throw result.error;
  return result;
}

maybe('npm package', () => {
  let tmp: string;
  let project: string;
  let files: string[];
  let installOutput: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-package-'));
    const pack = run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT);
    if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
    // Nothing but the JSON on stdout: pre-commit reads the tarball name from plain `npm pack`'s stdout.
    const packed = (JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[])[0];
    files = packed.files.map((f) => f.path);
    project = path.join(tmp, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "cfglint-package-test", "version": "1.0.0", "private": true }\n');
    const install = run('npm', ['install', '--no-save', path.join(tmp, packed.filename)], project);
    if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
    installOutput = install.stdout + install.stderr;
  }, 600000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the tarball holds the build, the docs, the examples they cite and the schemas, and no tests', () => {
    for (const file of [
      'dist/src/cli/main.js',
      'dist/src/bundle/cli.js',
      'dist/src/bundle/cli.js.cache',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'checks/upstream-keepalive-http10.md',
      'docs/rules/nginx-syntax.md',
      'schemas/config.schema.json',
      'README.md',
      'CHANGELOG.md',
      'SECURITY.md',
      'LICENSE',
      'package.json',
      'examples/keepalive-http10/broken/nginx/conf.d/app.conf',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => /^(test|bench|scratch|scripts|src|\.ci)\//.test(f))).toEqual([]);
  });

  test('the installed package.json has no scripts, and the build names the commit it was packed from', () => {
    const installed = path.join(project, 'node_modules', 'cfglint');
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(manifest.scripts).toBeUndefined();
    // npm 11 lists a dependency's install scripts (prepare too, for a tarball) after an install.
    expect(installOutput).not.toMatch(/install-scripts.*cfglint/);
    // postpack put the clone's package.json back.
    expect(fs.existsSync(path.join(ROOT, 'package.json.before-pack'))).toBe(false);
    expect((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.prepare).toBeDefined();
    const head = run('git', ['rev-parse', 'HEAD'], ROOT).stdout.trim();
    const lint = run('npx', ['--no-install', 'cfglint', '--format', 'json', path.join(ROOT, 'examples/keepalive-http10/broken')], project, 60000);
    const docsUrls = (JSON.parse(lint.stdout) as { findings: { docsUrl: string }[] }).findings.map((finding) => finding.docsUrl);
    expect(docsUrls).toContain(`https://github.com/cfglint/cfglint/blob/${head}/checks/upstream-keepalive-http10.md`);
  });

  test('npx cfglint --version, and a lint of the broken example', () => {
    const versionRun = run('npx', ['--no-install', 'cfglint', '--version'], project, 60000);
    expect(versionRun.status).toBe(0);
    expect(versionRun.stdout.trim()).toBe(version);

    const tree = path.join(tmp, 'broken');
    fs.cpSync(path.join(ROOT, 'examples/keepalive-http10/broken'), tree, { recursive: true });
    const lint = run('npx', ['--no-install', 'cfglint', tree], project, 60000);
    expect(lint.status).toBe(1);
    expect(lint.stdout).toContain('upstream-keepalive-http10');

    // The installed package finds its own docs and schema (packagePath) and its typed API resolves.
    const explain = run('npx', ['--no-install', 'cfglint', 'explain', 'nginx-syntax', '--format', 'markdown'], project, 60000);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toMatch(/^# nginx-syntax\n/);
    // Rendered, a relative link names the file inside the installed package.
    const rendered = run('npx', ['--no-install', 'cfglint', 'explain', 'upstream-keepalive-http10'], project, 60000);
    expect(rendered.stdout).toContain(`${fs.realpathSync(path.join(project, 'node_modules', 'cfglint'))}/docs/servers/nginx.md#`);
    const api = run(
      process.execPath,
      [
        '-e',
        'const c = require("cfglint"); const p = require("cfglint/package.json"); console.log(typeof c.lintSync, p.version, require.resolve("cfglint/schemas/config.schema.json").endsWith("config.schema.json"))',
      ],
      project,
      60000,
    );
    expect(api.stdout.trim()).toBe(`function ${version} true`);
  });
});
