import { lintSync } from '../../src/engine/run';
import { memoryFileSystem } from '../../src/discovery/fs';

function indexOf(tree: Record<string, string>) {
  return lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} }).model.nginx.directives;
}

describe('NginxDirectiveIndex kinds of use', () => {
  const index = indexOf({
    'nginx.conf': [
      'events {}',
      'http {',
      '    gzip on;',
      '    include sites.conf;',
      '    server {',
      '        listen 80;',
      '        listen 443 ssl;',
      '        gzip off;',
      '        location / { gzip on; }',
      '    }',
      '    server {',
      '        listen 81;',
      '        gzip on',
      '    }',
      '}',
      '',
    ].join('\n'),
    'sites.conf': 'server { listen 82; }\n',
  });
  const kindsNamed = (name: string) => index.kinds.filter((kind) => kind.name === name);
  const lines = (uses: readonly { directive: { file: string; nameSpan: { start: { line: number } } } }[]) =>
    uses.map((use) => `${use.directive.file}:${use.directive.nameSpan.start.line}`);

  test('one kind per name, contexts, argument count and shape', () => {
    // `listen 80` and `listen 82` (from the include) are one kind; `listen 443 ssl` has two arguments.
    expect(kindsNamed('listen').map((kind) => [kind.contexts, kind.argCount, kind.count])).toEqual([
      [['server'], 1, 3],
      [['server'], 2, 1],
    ]);
    // In http, in server, in location: three lists of contexts; `gzip on` without `;` is a kind of its own.
    expect(kindsNamed('gzip').map((kind) => [kind.contexts, kind.terminated, kind.count])).toEqual([
      [['http'], true, 1],
      [['server'], true, 1],
      [['location'], true, 1],
      [['server'], false, 1],
    ]);
  });

  test('a use knows its kind, its level and its place in tree order', () => {
    // events, http, gzip, include, the included server and its listen, then the first server with
    // its three lines, a location and its gzip, and the second server with its two lines.
    expect(index.useCount).toBe(15);
    for (let ordinal = 0; ordinal < index.useCount; ordinal++) {
      const use = index.useAt(ordinal);
      expect(use.ordinal).toBe(ordinal);
      expect(index.kinds[use.kind.id]).toBe(use.kind);
      expect(use.level.uses.map((sibling) => sibling.ordinal)).toContain(ordinal);
    }
    const location = index.usesNamed('location')[0];
    const [gzipInLocation] = index.usesNamed('gzip').filter((use) => use.level.owner?.ordinal === location.ordinal);
    expect(gzipInLocation.contexts).toEqual(['location']);
    expect(gzipInLocation.level.owner?.directive).toBe(location.directive);
  });

  test('only terminated uses in checked blocks are of checked kinds', () => {
    expect(index.checkedKinds.some((kind) => kind.name === 'gzip' && !kind.terminated)).toBe(false);
    expect(index.checkedKinds.filter((kind) => kind.name === 'gzip')).toHaveLength(3);
  });

  test('the uses of several kinds come back in the order they were written, includes followed', () => {
    const uses = index.usesOfKinds([...kindsNamed('listen').reverse(), ...kindsNamed('gzip')]);
    expect(lines(uses)).toEqual([
      'nginx.conf:3',
      'sites.conf:1',
      'nginx.conf:6',
      'nginx.conf:7',
      'nginx.conf:8',
      'nginx.conf:9',
      'nginx.conf:12',
      'nginx.conf:13',
    ]);
    expect(index.usesOfKinds([])).toEqual([]);
  });

  test('a model path still counts earlier uses of the same name in its level', () => {
    const [, second] = index.usesOfKinds(kindsNamed('listen')).filter((use) => use.directive.file === 'nginx.conf');
    expect(second.path).toMatch(/>listen#2$/);
  });
});
