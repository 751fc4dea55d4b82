/**
 * Discovery: which files a run looks at. Skips VCS and dependency folders, what .gitignore files
 * ignore (with git's precedence: a deeper file overrides a shallower one), the config's `ignore`
 * patterns; survives symlink loops, FIFOs and unreadable directories.
 */
import { execFileSync } from 'child_process';
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { memoryFileSystem, MemoryTree, nodeFileSystem } from '../../src/discovery/fs';
import { walk } from '../../src/discovery/walk';
import { lintSync } from '../../src/engine/run';

const server = 'server { listen 80; }\n';
const walkTree = (tree: MemoryTree, patterns: string[] = []) =>
  walk(['/tree'], memoryFileSystem(tree, '/tree'), { ignorePatterns: { baseDir: '/tree', patterns } });
const relative = (files: string[], root = '/tree') => files.map((f) => nodePath.relative(root, f));

describe('walk on an in-memory tree', () => {
  test('skips .git, node_modules, .hg and .svn at any depth', () => {
    const result = walkTree({
      'nginx.conf': 'events {}\n',
      'conf.d/app.conf': server,
      '.git/config': '[core]\n',
      '.git/hooks/nginx.conf': server,
      'node_modules/pkg/nginx.conf': server,
      'app/node_modules/x/conf.d/a.conf': server,
      'app/.hg/hgrc': '[ui]\n',
      'app/.svn/entries': '12\n',
      'app/site.conf': server,
    });
    expect(relative(result.files)).toEqual(['app/site.conf', 'conf.d/app.conf', 'nginx.conf']);
    expect(result.unreadable).toEqual([]);
  });

  test('.gitignore files, nested ones scoped to their directory, deeper ones winning', () => {
    const result = walkTree({
      '.gitignore': '*.bak\nbuild/\n/secret.conf\n',
      'a.bak': server,
      'build/nginx.conf': server,
      'secret.conf': server,
      'local.conf': server,
      'deploy/.gitignore': 'local.conf\n!keep.bak\n',
      'deploy/secret.conf': server,
      'deploy/local.conf': server,
      'deploy/sub/local.conf': server,
      'deploy/keep.bak': server,
      'deploy/drop.bak': server,
      'deploy/nginx.conf': server,
      'other/local.conf': server,
    });
    expect(relative(result.files)).toEqual([
      '.gitignore',
      'deploy/.gitignore',
      'deploy/keep.bak',
      'deploy/nginx.conf',
      'deploy/secret.conf',
      'local.conf',
      'other/local.conf',
    ]);
  });

  test("the config's ignore patterns, relative to the config directory", () => {
    const tree = {
      // No include of conf.d/*.conf here: an included file is read whatever discovery skips.
      'nginx.conf': 'events {}\n',
      'conf.d/app.conf': server,
      'conf.d/app.old.conf': server,
      'legacy/nginx.conf': 'events {}\n',
      'legacy/conf.d/x.conf': server,
    };
    expect(relative(walkTree(tree, ['legacy/', '*.old.conf']).files)).toEqual(['conf.d/app.conf', 'nginx.conf']);
    const report = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: { ignore: ['legacy/', '*.old.conf'] } }).report;
    expect(report.files).toEqual(['conf.d/app.conf', 'nginx.conf']);
  });

  test('a directory symlink loop is walked once', () => {
    const result = walkTree({
      'nginx/nginx.conf': 'events {}\n',
      'nginx/conf.d/app.conf': server,
      'nginx/conf.d/again': { symlink: '..' },
      'nginx/conf.d/self': { symlink: 'self' },
    });
    expect(relative(result.files)).toEqual(['nginx/conf.d/app.conf', 'nginx/nginx.conf']);
    expect(result.unreadable.map((u) => relative([u.path])[0])).toEqual(['nginx/conf.d/self']);
    expect(result.unreadable[0].reason).toContain('symbolic link');
  });

  test('a file symlink is listed under its own name (the reader reads the target once)', () => {
    const result = walkTree({
      'sites-available/app': server,
      'sites-enabled/app': { symlink: '../sites-available/app' },
      'sites-enabled/gone': { symlink: '../sites-available/gone' },
    });
    expect(relative(result.files)).toEqual(['sites-available/app', 'sites-enabled/app']);
    expect(result.unreadable.map((u) => relative([u.path])[0])).toEqual(['sites-enabled/gone']);
  });

  // A dangling link is usually one the deploy fills (a file the image or host provides): a note.
  test('a broken symlink with a name cfglint reads becomes a read-error info at the link', () => {
    const findings = lintSync({
      paths: ['.'],
      cwd: '/tree',
      fs: memoryFileSystem({ 'nginx.conf': 'events {}\n', 'conf.d/gone.conf': { symlink: 'nowhere.conf' } }, '/tree'),
      config: {},
    }).report.findings;
    expect(findings.map((f) => `${f.ruleId} ${f.severity} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`)).toEqual([
      'read-error info conf.d/gone.conf:1:1',
    ]);
  });

  test('a broken symlink to a file cfglint never reads (a Django .tpl, a README) is no finding', () => {
    const findings = lintSync({
      paths: ['.'],
      cwd: '/tree',
      fs: memoryFileSystem(
        {
          'nginx.conf': 'events {}\n',
          'templates/base.tpl': { symlink: '../../shared/base.tpl' },
          'docs/README.md': { symlink: '../README.md' },
          'web/app.js': { symlink: 'dist/app.js' },
        },
        '/tree',
      ),
      config: {},
    }).report.findings;
    expect(findings.map((f) => `${f.ruleId} ${f.primary.file}`)).toEqual([]);
  });

  test('broken symlinks named like a gunicorn config, a systemd unit or an nginx site are notes', () => {
    const findings = lintSync({
      paths: ['.'],
      cwd: '/tree',
      fs: memoryFileSystem(
        {
          'gunicorn.conf.py': { symlink: 'nowhere.py' },
          'app.service': { symlink: 'units/app.service' },
          'sites-enabled/shop': { symlink: '../sites-available/shop' },
        },
        '/tree',
      ),
      config: {},
    }).report.findings;
    expect(findings.map((f) => `${f.ruleId} ${f.severity} ${f.primary.file}`).sort()).toEqual([
      'read-error info app.service',
      'read-error info gunicorn.conf.py',
      'read-error info sites-enabled/shop',
    ]);
  });
});

describe('walk on a real disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'cfglint-walk-')));
  });
  afterAll(() => {
    // Give back permissions taken away below, or rmSync cannot descend.
    const locked = nodePath.join(dir, 'unreadable', 'locked');
    if (nodeFs.existsSync(locked)) nodeFs.chmodSync(locked, 0o755);
    nodeFs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (path: string, text: string) => {
    nodeFs.mkdirSync(nodePath.dirname(path), { recursive: true });
    nodeFs.writeFileSync(path, text);
  };

  // Probe by making one: `mkfifo --version` is GNU-only.
  let mkfifoMissing: string | undefined;
  const probe = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'cfglint-fifo-probe-'));
  try {
    execFileSync('mkfifo', [nodePath.join(probe, 'p')], { stdio: 'ignore' });
  } catch (error) {
    mkfifoMissing = (error as Error).message;
  } finally {
    nodeFs.rmSync(probe, { recursive: true, force: true });
  }
  if (mkfifoMissing) console.log(`skipping the FIFO test: mkfifo is not available (${mkfifoMissing})`);
  (mkfifoMissing ? test.skip : test)(
    'a FIFO is skipped without hanging, even when a glob matches it',
    () => {
      const root = nodePath.join(dir, 'fifo');
      write(nodePath.join(root, 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
      write(nodePath.join(root, 'conf.d', 'app.conf'), server);
      execFileSync('mkfifo', [nodePath.join(root, 'conf.d', 'pipe.conf')]);
      execFileSync('mkfifo', [nodePath.join(root, 'nginx-fifo')]);
      const result = walk([root], nodeFileSystem);
      expect(relative(result.files, root)).toEqual(['conf.d/app.conf', 'nginx.conf']);
      expect(result.unreadable).toEqual([]);
      const report = lintSync({ paths: ['.'], cwd: root, config: {} }).report;
      expect(report.files).toEqual(['conf.d/app.conf', 'nginx.conf']);
      expect(report.findings.filter((f) => f.ruleId === 'read-error' || f.ruleId.startsWith('include-'))).toEqual([]);
    },
    10000,
  );

  const isRoot = process.getuid?.() === 0;
  if (isRoot) console.log('skipping the unreadable-directory test: running as root, which can read a directory with mode 000');
  (isRoot ? test.skip : test)('an unreadable directory gives read-error and the walk goes on', () => {
    const root = nodePath.join(dir, 'unreadable');
    write(nodePath.join(root, 'nginx.conf'), 'events {}\n');
    write(nodePath.join(root, 'locked', 'app.conf'), server);
    nodeFs.chmodSync(nodePath.join(root, 'locked'), 0o000);
    const result = walk([root], nodeFileSystem);
    expect(relative(result.files, root)).toEqual(['nginx.conf']);
    expect(result.unreadable.map((u) => relative([u.path], root)[0])).toEqual(['locked']);
    expect(result.unreadable[0].reason).toContain('permission denied');
    const findings = lintSync({ paths: ['.'], cwd: root, config: {} }).report.findings;
    expect(findings.map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`)).toEqual(['read-error locked:1:1']);
  });
});
