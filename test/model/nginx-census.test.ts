/**
 * The census of an http scope: every directive by name with its block, and the directives whose
 * arguments mention a variable or a capture, as the reader's per-file `$` table finds them.
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/read-tree';

const scopeOf = (tree: MemoryTree) => {
  const { model } = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
  expect(model.nginx.scopes).toHaveLength(1);
  return model.nginx.scopes[0];
};
const conf = (...lines: string[]) => ({ 'nginx.conf': ['events {}', 'http {', ...lines, '}'].join('\n') });
const NAMES = ['set', 'location', 'return', 'add_header', 'root'];
const mentions = (tree: MemoryTree) => {
  const { census } = scopeOf(tree);
  return NAMES.flatMap((name) => census.withVariablesNamed(name)).map(({ entry, hasCapture }) => `${entry.directive.name}${hasCapture ? ' (capture)' : ''}`);
};
const captures = (tree: MemoryTree) =>
  scopeOf(tree).census.withCaptures.map(({ entry }) => `${entry.directive.name} ${entry.directive.args.map((arg) => arg.value).join(' ')}`);

describe('DirectiveCensus', () => {
  test('files each directive under its name with the block that holds it, a level before the levels inside it', () => {
    const scope = scopeOf(conf('add_header A 1;', 'server {', '  location /x { add_header B 1; }', '  add_header C 1;', '}'));
    const named = scope.census.named('add_header');
    expect(named.entries.map((entry) => entry.directive.args[0].value)).toEqual(['A', 'C', 'B']);
    expect(named.blocks.map((block) => block.kind)).toEqual(['http', 'server', 'location']);
    expect(scope.census.named('proxy_pass').entries).toEqual([]);
  });

  test('directives brought in by an include are filed in the block that includes them', () => {
    const scope = scopeOf({ ...conf('server {', '  include snippets/h.conf;', '}'), 'snippets/h.conf': 'add_header X 1;\n' });
    expect(scope.census.named('add_header').blocks.map((block) => block.kind)).toEqual(['server']);
  });

  test('lists the directives whose arguments mention a variable, and marks $1..$9 and ${1} as captures', () => {
    const tree = conf(
      'server {',
      '  set $a "x";',
      '  location ~ ^/(p)$ {',
      '    return 301 /q/$1;',
      '    add_header X-Id "${1}z";',
      '    add_header Cost "$0";',
      '    add_header Plain "none";',
      '  }',
      '}',
    );
    // The location's regex ends in `$`: any `$` among the arguments counts; `$0` is not a capture.
    expect(mentions(tree)).toEqual(['set', 'location', 'return (capture)', 'add_header (capture)', 'add_header']);
    expect(captures(tree)).toEqual(['return 301 /q/$1', 'add_header X-Id ${1}z']);
  });

  test('a `$` in a directive name, a comment or a block body is not an argument of the directive', () => {
    const tree = conf('server {', '  # $comment $1', '  location /$ {', '    root /srv;', '  }', '}');
    // `location /$` holds a `$` in its argument; the comment and `root` do not mention one.
    expect(mentions(tree)).toEqual(['location']);
  });

  test('setsAnywhere answers from the census', () => {
    const scope = scopeOf(conf('server { listen 80; }'));
    expect(scope.setsAnywhere('listen')).toBe(true);
    expect(scope.setsAnywhere('add_header')).toBe(false);
  });
});
