/**
 * Includes that try to leave the linted tree, and include trees built to run forever: each is
 * refused or cut at a positioned finding, nothing of the target reaches the report, and the
 * rest of the tree is still read. The machine beside the tree is in memory (/etc, /proc).
 */
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { FileSystem, memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { ConfigError } from '../../../src/engine/config';
import { lintSync } from '../../../src/engine/run';
import { LintOptions } from '../../../src/engine/options';
import { confineFileSystem } from '../../../src/discovery/confine';
import { walk } from '../../../src/discovery/walk';
import { ExpandedDirective, MAX_INCLUDE_DEPTH, NginxReadResult, readNginxTree } from '../../../src/readers/nginx';
import type { Report } from '../../../src/engine/findings';

const PASSWD = 'root:x:0:0:PASSWD-CONTENT:/root:/bin/bash\n';
const ENVIRON = 'SECRET_TOKEN=ENVIRON-CONTENT\0HOME=/root\0';
const MACHINE: MemoryTree = {
  'etc/passwd': PASSWD,
  'etc/nginx/nginx.conf': 'MACHINE-NGINX-CONTENT;\n',
  'proc/self/environ': ENVIRON,
};

function lint(tree: MemoryTree, options: Partial<LintOptions> = {}): Report {
  const disk = memoryFileSystem({ ...MACHINE, ...Object.fromEntries(Object.entries(tree).map(([k, v]) => [`tree/${k}`, v])) }, '/');
  return lintSync({ paths: ['.'], cwd: '/tree', fs: disk, config: {}, ...options }).report;
}

/** `id file:line:col` of every include-* finding. */
const includeFindings = (report: Report) =>
  report.findings.filter((f) => f.ruleId.startsWith('include-')).map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);

const leaked = (report: Report) => /PASSWD-CONTENT|ENVIRON-CONTENT|MACHINE-NGINX|root:x/.test(JSON.stringify(report));

/** A main config with one hostile include on line 3 and an honest one on line 4. */
const mainWith = (include: string) => `events {}\nhttp {\n    include ${include};\n    include conf.d/ok.conf;\n}\n`;
const OK = { 'conf.d/ok.conf': 'server { listen 8080; }\n' };

describe('includes that leave the tree', () => {
  test.each([
    ['a relative path that climbs out', '../../../../../../etc/passwd', {}],
    ['/proc/self/environ by climbing', '../../../../../../../../proc/self/environ', {}],
    ['an absolute path mapped onto the tree, then climbing', '/etc/nginx/../../../../etc/passwd', {}],
    ['a symlink in the tree to a file outside', 'evil.conf', { 'evil.conf': { symlink: '/etc/passwd' } }],
    ['a path through a directory symlink to /', 'rootfs/etc/passwd', { rootfs: { symlink: '/' } }],
    ['a relative symlink that climbs out', 'up/passwd', { up: { symlink: '../etc' } }],
    ['a glob whose directory is outside', '../../../../etc/pass*', {}],
    ['a glob through a directory symlink', 'rootfs/etc/*', { rootfs: { symlink: '/' } }],
  ] as [string, string, MemoryTree][])('%s: include-outside-tree at the argument, nothing of the target read', (_what, include, extra) => {
    const report = lint({ 'nginx.conf': mainWith(include), ...OK, ...extra });
    expect(includeFindings(report)).toEqual(['include-outside-tree nginx.conf:3:13']);
    const finding = report.findings.find((f) => f.ruleId === 'include-outside-tree')!;
    expect(finding.message).toContain(`Include "${include}" reaches outside the linted tree`);
    expect(finding.severity).toBe('warning');
    expect(leaked(report)).toBe(false);
    expect(report.files).toEqual(['conf.d/ok.conf', 'nginx.conf']);
  });

  test('a glob that matches a file inside and a link out reads the one and names the other as the tree has it', () => {
    const report = lint({
      'nginx.conf': mainWith('conf.d/*.conf'),
      ...OK,
      'conf.d/evil.conf': { symlink: '/etc/passwd' },
      'conf.d/env.conf': { symlink: '../../proc/self/environ' },
    });
    expect(includeFindings(report)).toEqual(['include-outside-tree nginx.conf:3:13']);
    const { message } = report.findings.find((f) => f.ruleId === 'include-outside-tree')!;
    expect(message).toContain('("conf.d/env.conf", "conf.d/evil.conf" lead out through a symbolic link)');
    expect(message).not.toMatch(/\/etc|\/proc/);
    expect(leaked(report)).toBe(false);
    expect(report.files).toEqual(['conf.d/ok.conf', 'nginx.conf']);
  });

  test('a snippet read on its own (prefix unknown) cannot climb out either', () => {
    const report = lint({ 'sites/app.conf': 'server {\n    include ../../../etc/passwd;\n}\n' });
    expect(includeFindings(report)).toEqual(['include-outside-tree sites/app.conf:2:13']);
    expect(leaked(report)).toBe(false);
  });

  test('links that stay inside the tree are followed as before', () => {
    const report = lint({ 'nginx.conf': mainWith('alias.conf'), ...OK, 'alias.conf': { symlink: 'conf.d/ok.conf' } });
    expect(includeFindings(report)).toEqual([]);
  });

  test('a file named on its own: its directory is the tree, and climbing out of it is refused', () => {
    const disk = memoryFileSystem(
      {
        ...MACHINE,
        'tree/nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include ../secret.conf;\n}\n',
        'tree/nginx/conf.d/ok.conf': 'server { listen 8080; }\n',
        'tree/secret.conf': 'SIBLING-CONTENT;\n',
      },
      '/',
    );
    const report = lintSync({ paths: ['nginx/nginx.conf'], cwd: '/tree', fs: disk, config: {} }).report;
    expect(includeFindings(report)).toEqual(['include-outside-tree nginx/nginx.conf:4:13']);
    expect(report.files).toEqual(['nginx/conf.d/ok.conf', 'nginx/nginx.conf']);
    expect(JSON.stringify(report)).not.toContain('SIBLING-CONTENT');
  });

  test('nothing outside the tree is asked of the file system, except the config file search upwards', () => {
    const disk = memoryFileSystem(
      {
        ...MACHINE,
        'tree/nginx.conf': mainWith('../../../../../../etc/passwd'),
        'tree/conf.d/ok.conf': 'server { listen 8080; }\n',
        'tree/rootfs': { symlink: '/' },
        'tree/conf.d/x.conf': 'include ../rootfs/etc/*;\ninclude ../rootfs/proc/self/environ;\n',
      },
      '/',
    );
    const touched: string[] = [];
    const spy: FileSystem = {
      kind: (p) => (touched.push(p), disk.kind(p)),
      isSymlink: (p) => (touched.push(p), disk.isSymlink(p)),
      size: (p) => (touched.push(p), disk.size(p)),
      readHead: (p, n) => (touched.push(p), disk.readHead(p, n)),
      list: (p) => (touched.push(p), disk.list(p)),
      read: (p) => (touched.push(p), disk.read(p)),
      realpath: (p) => (touched.push(p), disk.realpath(p)),
    };
    lintSync({ paths: ['.'], cwd: '/tree', fs: spy });
    // realpath of the link /tree/rootfs answers "/"; nothing below it is looked at.
    expect(touched.filter((p) => !p.startsWith('/tree/') && p !== '/tree' && p !== '/.cfglint.json')).toEqual([]);
    expect(touched.filter((p) => p.startsWith('/tree/rootfs/'))).toEqual([]);
  });
});

describe('paths named on the command line', () => {
  const usageError = (paths: string[], extra: MemoryTree) => {
    const disk = memoryFileSystem(
      { ...MACHINE, 'tree/nginx/nginx.conf': mainWith('conf.d/ok.conf'), 'tree/nginx/conf.d/ok.conf': 'server { listen 8080; }\n', ...extra },
      '/',
    );
    try {
      lintSync({ paths, cwd: '/tree', fs: disk, config: {} });
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  };

  test.each([
    ['a directory link to /', ['deploy'], { 'tree/deploy': { symlink: '/' } }],
    ['a file link to /etc/passwd', ['nginx.conf'], { 'tree/nginx.conf': { symlink: '/etc/passwd' } }],
    ['a path through a link out', ['deploy/nginx'], { 'tree/deploy': { symlink: '/etc' } }],
  ] as [string, string[], MemoryTree][])(
    'inside the working directory, %s is refused: the checkout may not make the machine the tree',
    (_what, paths, extra) => {
      expect(usageError(paths, extra)).toBe(
        `${paths[0]} is a symbolic link out of the working directory (or passes through one); name the directory it points to, to lint that`,
      );
    },
  );

  test('a link that stays inside the working directory, and a path named outside it, are linted as named', () => {
    expect(usageError(['linked'], { 'tree/linked': { symlink: 'nginx' } })).toBeUndefined();
    expect(usageError(['/etc/nginx'], {})).toBeUndefined();
  });
});

describe('.cfglint.json and confinement', () => {
  const configError = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('no ConfigError');
  };

  test.each([
    ['/', '/'],
    ['..', '..'],
    ['rootfs/etc', 'rootfs/etc'],
  ])('an includeMap target outside the tree (%s) is a config error that names the key and the value as written', (to) => {
    const tree: MemoryTree = {
      '.cfglint.json': JSON.stringify({ nginx: { includeMap: { '/etc/nginx': to } } }),
      'nginx.conf': mainWith('/etc/nginx/passwd'),
      ...OK,
      rootfs: { symlink: '/' },
    };
    expect(configError(() => lint(tree, { config: undefined }))).toBe(
      `/tree/.cfglint.json: nginx.includeMap["/etc/nginx"] maps to ${JSON.stringify(to)}, which is outside the linted tree; lint a directory that holds it`,
    );
  });

  test('an includeMap target inside the tree is used', () => {
    const tree: MemoryTree = {
      '.cfglint.json': JSON.stringify({ nginx: { includeMap: { '/etc/nginx': 'deploy' } } }),
      'nginx.conf': mainWith('/etc/nginx/extra.conf'),
      'deploy/extra.conf': 'gzip on;\n',
      ...OK,
    };
    const report = lint(tree, { config: undefined });
    expect(includeFindings(report)).toEqual([]);
    expect(report.files).toContain('deploy/extra.conf');
  });

  test('a .cfglint.json found in the tree that links out of its directory is refused, with nothing of the target', () => {
    const message = configError(() =>
      lint({ '.cfglint.json': { symlink: '/etc/passwd' }, 'nginx.conf': mainWith('conf.d/ok.conf'), ...OK }, { config: undefined }),
    );
    expect(message).toBe('cannot read /tree/.cfglint.json: outside the linted tree');
  });

  test('a config file named with --config is read wherever it is; the paths inside it are still confined', () => {
    const disk = memoryFileSystem(
      {
        ...MACHINE,
        'ci/cfglint.json': JSON.stringify({ nginx: { includeMap: { '/etc/nginx': '../tree/deploy' } } }),
        'tree/nginx.conf': mainWith('/etc/nginx/extra.conf'),
        'tree/deploy/extra.conf': 'gzip on;\n',
        'tree/conf.d/ok.conf': 'server { listen 8080; }\n',
      },
      '/',
    );
    const report = lintSync({ paths: ['.'], cwd: '/tree', fs: disk, configPath: '../ci/cfglint.json' }).report;
    expect(report.files).toContain('deploy/extra.conf');
    const outside = memoryFileSystem(
      { ...MACHINE, 'ci/cfglint.json': JSON.stringify({ nginx: { includeMap: { '/etc/nginx': '/etc' } } }), 'tree/nginx.conf': 'events {}\n' },
      '/',
    );
    expect(configError(() => lintSync({ paths: ['.'], cwd: '/tree', fs: outside, configPath: '../ci/cfglint.json' }))).toContain('is outside the linted tree');
  });
});

describe('include trees built to run forever stop at a positioned include-limit', () => {
  test(`a chain deeper than ${MAX_INCLUDE_DEPTH} includes`, () => {
    const tree: MemoryTree = { 'nginx.conf': 'events {}\nhttp {\n    include chain/0.conf;\n}\n', 'chain/99.conf': 'gzip on;\n' };
    for (let i = 0; i < 99; i++) tree[`chain/${i}.conf`] = `include chain/${i + 1}.conf;\n`;
    const report = lint(tree);
    // The stack holds nginx.conf and chain/0 … chain/k: at chain/62 it holds 64 files, so its include is not followed.
    expect(includeFindings(report)).toEqual([`include-limit chain/${MAX_INCLUDE_DEPTH - 2}.conf:1:9`]);
  });

  /** The nginx reader alone on an in-memory tree behind the engine's confinement, with lower caps. */
  function readWithLimits(tree: MemoryTree, limits: { expandedDirectives?: number; globPaths?: number }) {
    const fs = confineFileSystem(memoryFileSystem(tree, '/tree'), ['/tree']);
    const treeFiles = walk(['/tree'], fs).files;
    return readNginxTree(
      treeFiles.filter((file) => file.endsWith('.conf')),
      {
        fs,
        treeFiles,
        lintRoots: ['/tree'],
        includeMappings: [],
        displayPath: (path) => nodePath.relative('/tree', path),
        limits,
      },
    );
  }
  // A help follows its message after `: ` as the one sentence the diagnostic was written as.
  const positioned = (read: NginxReadResult) =>
    read.diagnostics.map(
      (d) => `${d.ruleId} ${d.primary.file}:${d.primary.start.line}:${d.primary.start.column} ${d.message}${d.help === undefined ? '' : ` | help: ${d.help}`}`,
    );

  test('fan-out (each level includes the next ten times) stops at the cap on repeated directives, with one finding where it stopped', () => {
    const tree: MemoryTree = { 'nginx.conf': 'events {}\nhttp {\n    include level0.conf;\n}\n' };
    for (let level = 0; level < 7; level++) tree[`level${level}.conf`] = `include level${level + 1}.conf;\n`.repeat(10);
    tree['level7.conf'] = 'server { listen 80; }\n';
    const read = readWithLimits(tree, { expandedDirectives: 5000 });
    expect(positioned(read).filter((line) => line.startsWith('include-limit'))).toEqual([
      // Depth-first, the include refused is one of the innermost level's.
      expect.stringMatching(
        /^include-limit level6\.conf:\d+:9 Includes repeat files already expanded elsewhere into more than 5000 directives: this include and every later repeat are skipped$/,
      ),
    ]);
    // Everything reached through includes (nginx.conf's own directives are not counted). Each
    // file's first expansion is free: level0-level6 (10 includes each) and level7 (server,
    // listen), 72 directives. The repeats stay within the cap, short of it by less than the
    // next file, of at most 10 directives, would have added.
    let included = 0;
    const count = (nodes: ExpandedDirective[], viaInclude: boolean) => {
      for (const node of nodes) {
        if (viaInclude) included++;
        if (node.children) count(node.children, viaInclude || node.directive.name === 'include');
      }
    };
    count(read.roots[0].directives, false);
    expect(included).toBeLessThanOrEqual(72 + 5000);
    expect(included).toBeGreaterThan(72 + 5000 - 10);
  });

  test('a large file included once is never cut, however many directives it holds', () => {
    const tree: MemoryTree = {
      'nginx.conf': 'events {}\nhttp {\n    geo $blocked {\n        include blocklist.conf;\n    }\n}\n',
      'blocklist.conf': Array.from({ length: 6000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24 1;\n`).join(''),
    };
    const read = readWithLimits(tree, { expandedDirectives: 5000 });
    expect(positioned(read).filter((line) => line.startsWith('include-limit'))).toEqual([]);
  });

  test('a directory of links to itself under a glob stops at the path cap, at the include', () => {
    const tree: MemoryTree = { 'nginx.conf': mainWith('loop/*/*/*/*/*/*.conf'), ...OK, 'loop/x.conf': 'gzip on;\n' };
    for (let i = 0; i < 10; i++) tree[`loop/l${i}`] = { symlink: '.' };
    const read = readWithLimits(tree, { globPaths: 500 });
    expect(positioned(read)).toEqual([
      'include-limit nginx.conf:3:13 Include "loop/*/*/*/*/*/*.conf" matches more than 500 paths; the matches past that are skipped',
    ]);
    expect(read.files.has('/tree/conf.d/ok.conf')).toBe(true);
  });

  test('a mask matching many directories (links to its own directory) is one read-error at the include', () => {
    const tree: MemoryTree = { 'nginx.conf': mainWith('loop/*'), ...OK, 'loop/x.conf': 'gzip on;\n' };
    for (let i = 0; i < 5; i++) tree[`loop/l${i}`] = { symlink: '.' };
    const read = readWithLimits(tree, {});
    expect(positioned(read)).toEqual([
      'read-error nginx.conf:3:13 Include "loop/*" matches the directories "loop/l0", "loop/l1", "loop/l2" and 2 more | help: nginx reads every match as a file and refuses to start (nginx -t 1.22.1: pread() failed (21: Is a directory)); move the directory or narrow the pattern',
    ]);
    // The one file among the matches is still read.
    expect(read.files.has('/tree/loop/x.conf')).toBe(true);
  });

  test('an invalid range in a mask matches nothing: no finding, the rest linted', () => {
    const report = lint({ 'nginx.conf': mainWith('conf.d/[z-a].conf'), ...OK, 'conf.d/m.conf': 'gzip on;\n' });
    expect(includeFindings(report)).toEqual([]);
    expect(report.files).toEqual(['conf.d/m.conf', 'conf.d/ok.conf', 'nginx.conf']);
  });
});

describe('file names that are not UTF-8 (on disk)', () => {
  let dir: string;
  beforeAll(() => {
    dir = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'cfglint-bytes-'));
    nodeFs.mkdirSync(nodePath.join(dir, 'conf.d'));
    nodeFs.writeFileSync(nodePath.join(dir, 'nginx.conf'), 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n');
    // conf.d/caf\xe9.conf, in Latin-1: `keepalive_timeout` with a bad unit, so the file must be read to be reported.
    const name = Buffer.concat([Buffer.from(`${dir}/conf.d/caf`), Buffer.from([0xe9]), Buffer.from('.conf')]);
    nodeFs.writeFileSync(name, 'keepalive_timeout 5x;\n');
  });
  afterAll(() => nodeFs.rmSync(dir, { recursive: true, force: true }));

  test('are read through an include and shown with the byte escaped', () => {
    const report = lintSync({ paths: ['.'], cwd: dir, config: {} }).report;
    expect(report.files).toContain('conf.d/caf\\xe9.conf');
    const invalid = report.findings.filter((f) => f.ruleId === 'invalid-value').map((f) => `${f.primary.file}:${f.primary.start.line}`);
    expect(invalid).toEqual(['conf.d/caf\\xe9.conf:1']);
  });
});
