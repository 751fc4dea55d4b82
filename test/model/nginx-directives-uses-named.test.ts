import { lintSync } from '../../src/engine/run';
import { memoryFileSystem } from '../../src/discovery/fs';

function modelOf(tree: Record<string, string>) {
  return lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} }).model;
}

describe('NginxDirectiveIndex.checkedUsesNamed', () => {
  const model = modelOf({
    'nginx.conf': 'events {}\nhttp {\n    error_log off;\n    include extra.conf;\n    server {\n        listen 80;\n        listen 81\n    }\n}\n',
    'extra.conf': 'error_log /var/log/e.log;\n',
  });

  test('every checked use of a name, includes followed, in order', () => {
    const uses = model.nginx.directives.checkedUsesNamed('error_log');
    expect(uses.map((use) => [use.directive.file, use.directive.nameSpan.start.line])).toEqual([
      ['nginx.conf', 3],
      ['extra.conf', 1],
    ]);
  });

  test('an unterminated directive is not a checked use', () => {
    // `listen 81` lacks its `;` before `}`: nginx never reads it.
    expect(model.nginx.directives.checkedUsesNamed('listen').map((use) => use.directive.nameSpan.start.line)).toEqual([6]);
  });

  test('a name nobody wrote gives an empty list', () => {
    expect(model.nginx.directives.checkedUsesNamed('map')).toEqual([]);
  });
});
