/**
 * The header lists each level sends, after nginx's merge (ngx_http_headers_merge_conf and the
 * proxy module's): an own list replaces the outer one unless *_inherit says merge or off.
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/read-tree';
import { headerDrops, HeaderListDirective } from '../../src/model/nginx-header-inheritance';

const drops = (tree: MemoryTree, name: HeaderListDirective) => {
  const { model } = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
  return model.nginx.scopes
    .flatMap((scope) => headerDrops(scope, name))
    .map((drop) => ({
      at: drop.block.directive?.args.map((arg) => arg.value).join(' ') || drop.block.kind,
      outer: drop.outer.kind,
      dropped: drop.dropped.map((entry) => entry.directive.args[0].value),
    }));
};

const conf = (...lines: string[]) => ({ 'nginx.conf': ['events {}', 'http {', ...lines, '}'].join('\n') });

describe('headerDrops', () => {
  test('a level with its own list loses what the nearest outer list holds, minus what it sets again', () => {
    const tree = conf('add_header A 1;', 'server {', '  add_header B 1;', '  location /x { add_header b 2; add_header C 1; }', '}');
    // The server drops A; the location redefines B (any case) and so drops nothing more.
    expect(drops(tree, 'add_header')).toEqual([{ at: 'server', outer: 'http', dropped: ['A'] }]);
  });

  test('a level without a list passes the outer one on to the levels inside it', () => {
    const tree = conf('server {', '  add_header A 1;', '  location /x {', '    location /x/y { add_header B 1; }', '  }', '}');
    // The outer level named is the one that writes the lost header, not the location between.
    expect(drops(tree, 'add_header')).toEqual([{ at: '/x/y', outer: 'server', dropped: ['A'] }]);
  });

  test('merge keeps the outer list for the levels inside, off empties it', () => {
    const merged = conf('add_header_inherit merge;', 'add_header A 1;', 'server {', '  add_header B 1;', '  location /x { add_header C 1; }', '}');
    expect(drops(merged, 'add_header')).toEqual([]);
    // off: the location has nothing, so the nested location has nothing to lose.
    const off = conf(
      'server {',
      '  add_header A 1;',
      '  location /x {',
      '    add_header_inherit off;',
      '    location /x/y { add_header_inherit on; add_header B 1; }',
      '  }',
      '}',
    );
    expect(drops(off, 'add_header')).toEqual([]);
  });

  test('add_trailer has its own switch; proxy_set_header has none', () => {
    const tree = conf(
      'add_header_inherit merge;',
      'add_trailer T 1;',
      'proxy_set_header P 1;',
      'server {',
      '  add_trailer U 1;',
      '  proxy_set_header Q 1;',
      '}',
    );
    expect(drops(tree, 'add_trailer')).toEqual([{ at: 'server', outer: 'http', dropped: ['T'] }]);
    expect(drops(tree, 'proxy_set_header')).toEqual([{ at: 'server', outer: 'http', dropped: ['P'] }]);
  });

  test('an if in a location merges with the location', () => {
    const tree = conf('server {', '  location / {', '    add_header A 1;', '    if ($x) { add_header B 1; }', '  }', '}');
    expect(drops(tree, 'add_header')).toEqual([{ at: '($x)', outer: 'location', dropped: ['A'] }]);
  });
});

describe('headerDrops over snippets no main config includes', () => {
  test("a snippet's own http-level headers are its servers' parent", () => {
    const tree = { 'site.conf': 'add_header A 1;\nserver {\n  add_header B 1;\n}\n' };
    expect(drops(tree, 'add_header')).toEqual([{ at: 'server', outer: 'http', dropped: ['A'] }]);
  });

  test("another snippet's http-level headers are not: nginx may never put the two together", () => {
    const tree = { 'templates/hsts.conf': 'add_header Strict-Transport-Security max-age=600;\n', 'templates/site.conf': 'server {\n  add_header B 1;\n}\n' };
    expect(drops(tree, 'add_header')).toEqual([]);
  });
});
