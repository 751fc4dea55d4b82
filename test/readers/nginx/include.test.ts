/**
 * Include resolution as nginx does it (docs/servers/nginx.md#include-paths; STYLE.md "Error handling" → Includes):
 * relative paths against the main config's directory, sorted globs that skip dotfiles, absolute
 * production paths mapped onto the tree, shipped files never missing, cycles ending in a
 * finding, a file included twice evaluated in each context but reported once, and files no
 * one includes read as http-level snippets. Expected values are written by hand from nginx's
 * semantics, never copied from output.
 */
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { classify } from '../../../src/discovery/classify';
import { FileSystem, memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { walk } from '../../../src/discovery/walk';
import type { CfglintConfig } from '../../../src/engine/config';
import { lintSync } from '../../../src/engine/run';
import { ExpandedDirective, NginxConfigRoot, NginxReadResult, readNginxTree } from '../../../src/readers/nginx';
import { decodeUtf8 } from '../../../src/source/text';
import type { Finding } from '../../../src/engine/findings';

/** Discovery and the nginx reader as `lintSync` chains them, on an in-memory tree at /tree. */
function readTree(tree: MemoryTree, includeMap: Record<string, string> = {}, fs: FileSystem = memoryFileSystem(tree, '/tree')): NginxReadResult {
  const walked = walk(['/tree'], fs);
  const candidates = walked.files.filter(
    (file) =>
      classify(file, () => {
        try {
          return decodeUtf8(fs.read(file));
        } catch {
          return undefined;
        }
      }) === 'nginx',
  );
  return readNginxTree(candidates, {
    fs,
    treeFiles: walked.files,
    lintRoots: ['/tree'],
    includeMappings: Object.entries(includeMap).map(([from, to]) => ({ from, to: nodePath.resolve('/tree', to) })),
    displayPath: (absolute) => nodePath.relative('/tree', absolute),
  });
}

function lint(tree: MemoryTree, config: CfglintConfig = {}): Finding[] {
  return lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config }).report.findings;
}

/** Reader findings only (include-*, read-error, nginx-syntax), as `id file:line:col`. */
function readerFindings(findings: Finding[]): string[] {
  return findings
    .filter((f) => f.ruleId.startsWith('include-') || f.ruleId === 'read-error' || f.ruleId === 'nginx-syntax')
    .map((f) => `${f.ruleId} ${f.severity} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`);
}

/**
 * Every directive in evaluation order as `context | file:line name args`, where context is the
 * chain of enclosing blocks. An include's content stays in the include's context.
 */
function flatten(nodes: ExpandedDirective[], context: string[] = []): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const { directive } = node;
    const text = [directive.name, ...directive.args.map((a) => a.value)].join(' ');
    out.push(`${context.join('>')} | ${directive.file}:${directive.nameSpan.start.line} ${text}`);
    if (!node.children) continue;
    out.push(...flatten(node.children, directive.block ? [...context, text] : context));
  }
  return out;
}

/** The include directives of a root, in order, each with the distinct files its content came from. */
function includedFiles(nodes: ExpandedDirective[]): { include: string; files: string[] }[] {
  const out: { include: string; files: string[] }[] = [];
  for (const node of nodes) {
    if (node.directive.name === 'include') {
      const files = [...new Set((node.children ?? []).map((child) => child.directive.file))];
      out.push({ include: `${node.directive.file}:${node.directive.nameSpan.start.line} ${node.directive.args[0].value}`, files });
    }
    if (node.children) out.push(...includedFiles(node.children));
  }
  return out;
}

const rootSummary = (roots: NginxConfigRoot[]) => roots.map((r) => `${r.kind} ${r.context} ${r.file}`);

describe('relative include paths resolve against the main config directory', () => {
  const main = 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n';
  const appConf = 'server {\n    listen 8080;\n    include sub/b.inc;\n}\n';

  test('include sub/b.inc inside conf.d/a.conf reads <confdir>/sub/b.inc, not conf.d/sub/b.inc', () => {
    const result = readTree({
      'nginx/nginx.conf': main,
      'nginx/conf.d/a.conf': appConf,
      'nginx/sub/b.inc': 'location /prefix { return 200; }\n',
      'nginx/conf.d/sub/b.inc': 'location /sibling { return 404; }\n',
    });
    expect(result.diagnostics).toEqual([]);
    expect(rootSummary(result.roots)).toEqual(['main main nginx/nginx.conf']);
    expect(flatten(result.roots[0].directives)).toEqual([
      ' | nginx/nginx.conf:1 events',
      ' | nginx/nginx.conf:2 http',
      'http | nginx/nginx.conf:3 include conf.d/*.conf',
      'http | nginx/conf.d/a.conf:1 server',
      'http>server | nginx/conf.d/a.conf:2 listen 8080',
      'http>server | nginx/conf.d/a.conf:3 include sub/b.inc',
      'http>server | nginx/sub/b.inc:1 location /prefix',
      'http>server>location /prefix | nginx/sub/b.inc:1 return 200',
    ]);
  });

  test('the file next to the including file does not count: include-missing at the argument', () => {
    const findings = lint({
      'nginx/nginx.conf': main,
      'nginx/conf.d/a.conf': appConf,
      'nginx/conf.d/sub/b.inc': 'location /sibling { return 404; }\n',
    });
    expect(readerFindings(findings)).toEqual(['include-missing warning nginx/conf.d/a.conf:3:13']);
    const missing = findings.find((f) => f.ruleId === 'include-missing')!;
    expect(missing.primary.end).toMatchObject({ line: 3, column: 22 });
    expect(missing.message).toContain('"sub/b.inc"');
  });

  test('includes nested two levels deep still resolve against the prefix', () => {
    const result = readTree({
      'etc/nginx/nginx.conf': 'http {\n  include conf.d/app.conf;\n}\n',
      'etc/nginx/conf.d/app.conf': 'server {\n  include snippets/a.inc;\n}\n',
      'etc/nginx/snippets/a.inc': 'include snippets/b.inc;\n',
      'etc/nginx/snippets/b.inc': 'gzip on;\n',
      'etc/nginx/snippets/snippets/b.inc': 'gzip off;\n',
    });
    expect(result.diagnostics).toEqual([]);
    expect(includedFiles(result.roots[0].directives)).toEqual([
      { include: 'etc/nginx/nginx.conf:2 conf.d/app.conf', files: ['etc/nginx/conf.d/app.conf'] },
      { include: 'etc/nginx/conf.d/app.conf:2 snippets/a.inc', files: ['etc/nginx/snippets/a.inc'] },
      { include: 'etc/nginx/snippets/a.inc:1 snippets/b.inc', files: ['etc/nginx/snippets/b.inc'] },
    ]);
  });
});

describe('globs', () => {
  test('expand in byte order; * and ? skip dotfiles and never cross a slash', () => {
    const server = (port: number) => `server { listen ${port}; }\n`;
    const result = readTree({
      'nginx.conf': 'http {\n    include conf.d/*.conf;\n    include conf.d/?x.conf;\n    include conf.d/?hidden.conf;\n    include conf.d/[ab].conf;\n}\n',
      'conf.d/a.conf': server(1),
      'conf.d/B.conf': server(2),
      'conf.d/_x.conf': server(3),
      'conf.d/10.conf': server(4),
      'conf.d/9.conf': server(5),
      'conf.d/.hidden.conf': server(6),
      'conf.d/a.conf.bak': server(7),
      'conf.d/sub/nested.conf': server(8),
      'conf.d/z.conf': server(9),
      'conf.d/\uff21.conf': server(10), // FULLWIDTH A: UTF-8 EF BC A1
      'conf.d/\u{1f600}.conf': server(11), // UTF-8 F0 9F 98 80, after U+FF21 in byte order
    });
    expect(includedFiles(result.roots.find((r) => r.kind === 'main')!.directives)).toEqual([
      {
        include: 'nginx.conf:2 conf.d/*.conf',
        files: [
          'conf.d/10.conf',
          'conf.d/9.conf',
          'conf.d/B.conf',
          'conf.d/_x.conf',
          'conf.d/a.conf',
          'conf.d/z.conf',
          'conf.d/\uff21.conf',
          'conf.d/\u{1f600}.conf',
        ],
      },
      { include: 'nginx.conf:3 conf.d/?x.conf', files: ['conf.d/_x.conf'] },
      { include: 'nginx.conf:4 conf.d/?hidden.conf', files: [] },
      { include: 'nginx.conf:5 conf.d/[ab].conf', files: ['conf.d/a.conf'] },
    ]);
  });

  test('a glob that matches nothing is fine: no finding, no content', () => {
    const tree = {
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    include missing.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n',
      'conf.d/.only-a-dotfile.conf': 'server { listen 80; }\n',
    };
    expect(readerFindings(lint(tree))).toEqual([]);
    const main = readTree(tree).roots.find((r) => r.kind === 'main')!;
    expect(includedFiles(main.directives)).toEqual([
      { include: 'nginx.conf:3 conf.d/*.conf', files: [] },
      { include: 'nginx.conf:4 missing.d/*.conf', files: [] },
      { include: 'nginx.conf:5 /etc/nginx/sites-enabled/*', files: [] },
    ]);
  });
});

describe('absolute include paths are mapped onto the tree', () => {
  test('/etc/nginx/... next to a main config under deploy/nginx maps to deploy/nginx/...', () => {
    const result = readTree({
      'deploy/nginx/nginx.conf':
        'http {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n',
      'deploy/nginx/mime.types': 'types { text/html html; }\n',
      'deploy/nginx/conf.d/b.conf': 'server { listen 81; }\n',
      'deploy/nginx/conf.d/a.conf': 'server { listen 80; }\n',
      'deploy/nginx/sites-enabled/example.com': 'server { listen 443; }\n',
    });
    expect(result.diagnostics).toEqual([]);
    expect(rootSummary(result.roots)).toEqual(['main main deploy/nginx/nginx.conf']);
    expect(includedFiles(result.roots[0].directives)).toEqual([
      { include: 'deploy/nginx/nginx.conf:2 /etc/nginx/mime.types', files: ['deploy/nginx/mime.types'] },
      { include: 'deploy/nginx/nginx.conf:3 /etc/nginx/conf.d/*.conf', files: ['deploy/nginx/conf.d/a.conf', 'deploy/nginx/conf.d/b.conf'] },
      { include: 'deploy/nginx/nginx.conf:4 /etc/nginx/sites-enabled/*', files: ['deploy/nginx/sites-enabled/example.com'] },
    ]);
  });

  test('/etc/nginx/sites-enabled/* finds etc/nginx/sites-enabled/ by its path suffix', () => {
    const result = readTree({
      'nginx.conf': 'http {\n    include /etc/nginx/sites-enabled/*;\n}\n',
      'etc/nginx/sites-enabled/default': 'server { listen 80 default_server; }\n',
      'etc/nginx/sites-enabled/shop': 'server { listen 80; server_name shop.example; }\n',
    });
    expect(result.diagnostics).toEqual([]);
    expect(rootSummary(result.roots)).toEqual(['main main nginx.conf']);
    expect(includedFiles(result.roots[0].directives)).toEqual([
      { include: 'nginx.conf:2 /etc/nginx/sites-enabled/*', files: ['etc/nginx/sites-enabled/default', 'etc/nginx/sites-enabled/shop'] },
    ]);
  });

  test('the longest matching suffix wins', () => {
    const result = readTree({
      'deploy/nginx/nginx.conf': 'http {\n    include /opt/site/conf.d/*.conf;\n}\n',
      'deploy/nginx/conf.d/other.conf': 'server { listen 81; }\n',
      'deploy/site/conf.d/site.conf': 'server { listen 80; }\n',
    });
    const main = result.roots.find((r) => r.kind === 'main')!;
    expect(includedFiles(main.directives)).toEqual([{ include: 'deploy/nginx/nginx.conf:2 /opt/site/conf.d/*.conf', files: ['deploy/site/conf.d/site.conf'] }]);
  });

  const mapped: MemoryTree = {
    'nginx/conf.d/app.conf': 'server {\n    listen 80;\n    include /etc/nginx/extra/headers.inc;\n}\n',
    'ops/web/extra/headers.inc': 'add_header X-From ops;\n',
    'nginx/extra/headers.inc': 'add_header X-From suffix-match;\n',
  };
  const headerFrom = (result: NginxReadResult) => flatten(result.roots[0].directives).filter((line) => line.includes('add_header'));

  test('without a mapping the suffix heuristic picks nginx/extra', () => {
    expect(headerFrom(readTree(mapped))).toEqual(['server | nginx/extra/headers.inc:1 add_header X-From suffix-match']);
  });

  test('nginx.includeMap in the config maps /etc/nginx explicitly and wins over the heuristic', () => {
    expect(headerFrom(readTree(mapped, { '/etc/nginx': 'ops/web' }))).toEqual(['server | ops/web/extra/headers.inc:1 add_header X-From ops']);
  });

  test('nginx.includeMap in .cfglint.json is relative to the config file', () => {
    const tree: MemoryTree = {
      ...mapped,
      '.cfglint.json': JSON.stringify({ nginx: { includeMap: { '/etc/nginx': 'ops/web' } } }),
      'nginx/conf.d/more.conf': 'server {\n    include /etc/nginx/extra/absent.inc;\n}\n',
    };
    const result = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree') });
    expect(result.configPath).toBe('/tree/.cfglint.json');
    expect(result.report.files).toContain('ops/web/extra/headers.inc');
    expect(result.report.files).not.toContain('nginx/extra/headers.inc');
    expect(readerFindings(result.report.findings)).toEqual(['include-missing warning nginx/conf.d/more.conf:2:13']);
  });

  test('files outside the linted tree are never read, even when they exist on the machine', () => {
    const disk = memoryFileSystem(
      {
        'etc/nginx/conf.d/machine.conf': 'server { listen 1; }\n',
        'etc/nginx/machine.inc': 'gzip on;\n',
        'tree/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/machine.inc;\n}\n',
      },
      '/',
    );
    const touched: string[] = [];
    const spy: FileSystem = {
      ...disk,
      kind: (p) => (touched.push(p), disk.kind(p)),
      list: (p) => (touched.push(p), disk.list(p)),
      read: (p) => (touched.push(p), disk.read(p)),
      realpath: (p) => (touched.push(p), disk.realpath(p)),
    };
    const result = lintSync({ paths: ['.'], cwd: '/tree', fs: spy, config: {} });
    expect(touched.filter((p) => !p.startsWith('/tree/') && p !== '/tree')).toEqual([]);
    expect(result.report.files).toEqual(['nginx.conf']);
    expect(readerFindings(result.report.findings)).toEqual(['include-missing warning nginx.conf:4:13']);
  });
});

describe('an absolute include with no directory of its name in the tree', () => {
  test('falls back to a file of that name next to the including file (files deployed together)', () => {
    const findings = lint({
      'nginx/https.conf': 'include /etc/nginx/conf.d/server_config;\nserver {\n    include /etc/nginx/conf.d/locations;\n}\n',
      'nginx/server_config': 'client_max_body_size 10m;\n',
      'nginx/locations': 'location / { return 200; }\n',
    });
    expect(readerFindings(findings)).toEqual([]);
  });

  test('is still include-missing when no such file is next to it', () => {
    expect(readerFindings(lint({ 'nginx/https.conf': 'include /etc/nginx/conf.d/absent;\n' }))).toEqual(['include-missing warning nginx/https.conf:1:9']);
  });
});

describe('files shipped with nginx and missing files', () => {
  test('shipped files are not reported missing; other missing files are include-missing at the argument', () => {
    const findings = lint({
      'nginx.conf': [
        'events {}',
        'http {',
        '    include mime.types;',
        '    include /etc/nginx/mime.types;',
        '    include /etc/nginx/modules-enabled/*.conf;',
        '    server {',
        '        location ~ \\.php$ {',
        '            include snippets/fastcgi-php.conf;',
        '            include fastcgi_params;',
        '        }',
        '        location /py { include uwsgi_params; uwsgi_pass 127.0.0.1:9000; }',
        '        location /scgi { include scgi_params; scgi_pass 127.0.0.1:9001; }',
        '        location /app { include proxy_params; include /etc/nginx/proxy_params; proxy_pass http://127.0.0.1:8000; }',
        '        include conf/custom.conf;',
        '        location /x { include  "/etc/nginx/snippets/local.conf"; }',
        '    }',
        '}',
        '',
      ].join('\n'),
    });
    expect(readerFindings(findings)).toEqual(['include-missing warning nginx.conf:14:17', 'include-missing warning nginx.conf:15:32']);
  });
});

describe('include cycles end with a finding', () => {
  test('a.conf → b.conf → a.conf: one include-cycle at the include that closes the loop', () => {
    const tree = {
      'nginx.conf': 'events {}\nhttp {\n    include a.conf;\n}\n',
      'a.conf': 'include b.conf;\n',
      'b.conf': '# back to a\nserver {\n  include a.conf;\n}\n',
    };
    expect(readerFindings(lint(tree))).toEqual(['include-cycle error b.conf:3:11']);
    const result = readTree(tree);
    expect(rootSummary(result.roots)).toEqual(['main main nginx.conf']);
  });

  test('a file that includes itself', () => {
    expect(
      readerFindings(
        lint({
          'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
          'conf.d/self.conf': 'server {\n    listen 80;\n}\ninclude conf.d/*.conf;\n',
        }),
      ),
    ).toEqual(['include-cycle error conf.d/self.conf:4:9']);
  });

  test('every conf.d file including conf.d/*.conf: each include closes a cycle, and the run ends', () => {
    const tree: MemoryTree = { 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n' };
    for (let i = 10; i < 24; i++) tree[`conf.d/${i}.conf`] = 'include conf.d/*.conf;\n';
    // Every path through the 14 files is a context of its own (14! of them): the reader must
    // stop following includes rather than hang, and the cycles already explain why.
    const findings = lint(tree).filter((f) => f.ruleId.startsWith('include-'));
    expect(findings.every((f) => f.message.startsWith('Include cycle'))).toBe(true);
    expect(readerFindings(findings)).toEqual(
      Object.keys(tree)
        .filter((f) => f.startsWith('conf.d/'))
        .sort()
        .map((f) => `include-cycle error ${f}:1:9`),
    );
  }, 20000);
});

describe('symlinks on a real disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = nodeFs.realpathSync(nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'cfglint-include-')));
  });
  afterAll(() => {
    nodeFs.rmSync(dir, { recursive: true, force: true });
  });
  const make = (name: string, files: Record<string, string>, links: Record<string, string>) => {
    const root = nodePath.join(dir, name);
    for (const [path, text] of Object.entries(files)) {
      nodeFs.mkdirSync(nodePath.dirname(nodePath.join(root, path)), { recursive: true });
      nodeFs.writeFileSync(nodePath.join(root, path), text);
    }
    for (const [path, target] of Object.entries(links)) {
      nodeFs.mkdirSync(nodePath.dirname(nodePath.join(root, path)), { recursive: true });
      nodeFs.symlinkSync(target, nodePath.join(root, path));
    }
    return root;
  };
  const lintDisk = (root: string) => lintSync({ paths: ['.'], cwd: root, config: {} }).report;

  test('a symlink back to nginx.conf inside conf.d is an include cycle, reported once', () => {
    const root = make(
      'link-cycle',
      { 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/app.conf': 'server { listen 80; }\n' },
      { 'conf.d/loop.conf': '../nginx.conf' },
    );
    const report = lintDisk(root);
    expect(readerFindings(report.findings)).toEqual(['include-cycle error nginx.conf:3:13']);
    expect(report.files).toEqual(['conf.d/app.conf', 'nginx.conf']);
  });

  test('a symlink that points at itself is one read-error (a note, as any dangling link), not a hang', () => {
    const root = make(
      'self-link',
      { 'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n', 'conf.d/app.conf': 'server { listen 80; }\n' },
      { 'conf.d/self.conf': 'self.conf' },
    );
    const report = lintDisk(root);
    expect(readerFindings(report.findings)).toEqual(['read-error info conf.d/self.conf:1:1']);
    expect(report.findings.find((f) => f.ruleId === 'read-error')!.message).toContain('symbolic link');
  });

  test('a directory symlink loop: each file read once, globs through it end', () => {
    const root = make(
      'dir-loop',
      {
        'nginx.conf': 'events {}\nhttp {\n    include sites/*/*.conf;\n    include sites/shop/again/shop/shop.conf;\n}\n',
        'sites/shop/shop.conf': 'server { listen 80; }\n}\n',
      },
      { 'sites/shop/again': '..' },
    );
    const report = lintDisk(root);
    // sites/*/*.conf sees only sites/shop/shop.conf (again/ is a directory); the path through the
    // loop names the same file, which is read and reported once, by its real name.
    expect(report.files).toEqual(['nginx.conf', 'sites/shop/shop.conf']);
    expect(readerFindings(report.findings)).toEqual(['nginx-syntax error sites/shop/shop.conf:2:1']);
  });
});

describe('a file included from two contexts', () => {
  const tree = {
    'nginx.conf': [
      'events {}',
      'http {',
      '    server {',
      '        location /a {',
      '            include snippets/proxy.conf;',
      '        }',
      '        location /b {',
      '            include snippets/proxy.conf;',
      '        }',
      '    }',
      '}',
      '',
    ].join('\n'),
    'snippets/proxy.conf': 'proxy_set_header Host $host;\nproxy_pass http://127.0.0.1:8000;\ninclude snippets/missing.conf;\n',
  };

  test('is evaluated in each: both locations see its directives', () => {
    const result = readTree(tree);
    expect(rootSummary(result.roots)).toEqual(['main main nginx.conf']);
    expect(flatten(result.roots[0].directives).filter((line) => line.includes('snippets/proxy.conf:'))).toEqual([
      'http>server>location /a | snippets/proxy.conf:1 proxy_set_header Host $host',
      'http>server>location /a | snippets/proxy.conf:2 proxy_pass http://127.0.0.1:8000',
      'http>server>location /a | snippets/proxy.conf:3 include snippets/missing.conf',
      'http>server>location /b | snippets/proxy.conf:1 proxy_set_header Host $host',
      'http>server>location /b | snippets/proxy.conf:2 proxy_pass http://127.0.0.1:8000',
      'http>server>location /b | snippets/proxy.conf:3 include snippets/missing.conf',
    ]);
    // Each copy remembers which include brought it in.
    const viaLines = (location: string) => {
      const http = result.roots[0].directives.find((n) => n.directive.name === 'http')!;
      const server = http.children!.find((n) => n.directive.name === 'server')!;
      const loc = server.children!.find((n) => n.directive.args[0]?.value === location)!;
      return loc.children![0].children!.map((n) => n.via.map((v) => v.nameSpan.start.line));
    };
    expect(viaLines('/a')).toEqual([[5], [5], [5]]);
    expect(viaLines('/b')).toEqual([[8], [8], [8]]);
  });

  test('its problems are reported once', () => {
    expect(readerFindings(lint(tree))).toEqual(['include-missing warning snippets/proxy.conf:3:9']);
  });
});

describe('files nobody includes are read as http-level snippets', () => {
  test('conf.d and sites-enabled files, default, *.conf and *.vhost without a main config', () => {
    const result = readTree({
      'conf.d/app.conf': 'server {\n    listen 80;\n    include snippets/common.conf;\n}\n',
      'snippets/common.conf': 'add_header X-Frame-Options DENY;\n',
      'conf.d/headers.conf': 'add_header X-Content-Type-Options nosniff;\n',
      'sites-enabled/default': 'server { listen 80 default_server; }\n',
      'sites-enabled/shop': 'upstream shop { server 127.0.0.1:8000; }\nserver { location / { proxy_pass http://shop; } }\n',
      'deploy/web.vhost': 'server { server_name web.example; }\n',
      'deploy/upstreams.conf': 'upstream api { server 127.0.0.1:9000; }\n',
    });
    expect(result.diagnostics).toEqual([]);
    expect(rootSummary(result.roots).sort()).toEqual([
      'snippet http conf.d/app.conf',
      'snippet http conf.d/headers.conf',
      'snippet http deploy/upstreams.conf',
      'snippet http deploy/web.vhost',
      'snippet http sites-enabled/default',
      'snippet http sites-enabled/shop',
    ]);
    const app = result.roots.find((r) => r.file === 'conf.d/app.conf')!;
    expect(flatten(app.directives)).toEqual([
      ' | conf.d/app.conf:1 server',
      'server | conf.d/app.conf:2 listen 80',
      'server | conf.d/app.conf:3 include snippets/common.conf',
      'server | snippets/common.conf:1 add_header X-Frame-Options DENY',
    ]);
  });

  test('files a main config includes are not snippets of their own', () => {
    const result = readTree({
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'conf.d/app.conf': 'server { listen 80; }\n',
      'sites-enabled/orphan': 'server { listen 81; }\n',
    });
    expect(rootSummary(result.roots)).toEqual(['main main nginx.conf', 'snippet http sites-enabled/orphan']);
  });
});

describe('a file reached both directly and through an include is reported once', () => {
  test('a syntax error in a snippet the main config includes and the walk finds', () => {
    const findings = lint({
      'nginx/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n    server { include conf.d/broken.conf; }\n}\n',
      'nginx/conf.d/broken.conf': 'server {\n    listen 80;\n}\n}\n',
    });
    expect(readerFindings(findings)).toEqual(['nginx-syntax error nginx/conf.d/broken.conf:4:1']);
  });

  test('a syntax error in sites-available/app reached through a sites-enabled symlink', () => {
    const tree: MemoryTree = {
      'nginx/nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
      'nginx/sites-available/app': 'server {\n    listen 80;\n}\n}\n',
      'nginx/sites-enabled/app': { symlink: '../sites-available/app' },
    };
    expect(readerFindings(lint(tree))).toEqual(['nginx-syntax error nginx/sites-available/app:4:1']);
    expect(rootSummary(readTree(tree).roots)).toEqual(['main main nginx/nginx.conf']);
  });
});
