/**
 * The FileSystem's size query: lstat's view (the entry itself, a final link not followed), the
 * same answer in memory and on disk, so that a placeholder check costs one call per file.
 */
import * as nodeFs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';
import { FileSystem, memoryFileSystem, nodeFileSystem } from '../../src/discovery/fs';

/** The same tree in memory and on disk: a 5-byte file, a directory, a link to each, a dangling link. */
function bothFileSystems(): { fs: FileSystem; root: string; name: string }[] {
  const root = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'cfglint-fs-'));
  nodeFs.mkdirSync(nodePath.join(root, 'dir'));
  nodeFs.writeFileSync(nodePath.join(root, 'dir/five'), '12345');
  nodeFs.symlinkSync('dir/five', nodePath.join(root, 'to-file'));
  nodeFs.symlinkSync('dir', nodePath.join(root, 'to-dir'));
  nodeFs.symlinkSync('missing', nodePath.join(root, 'dangling'));
  const memory = memoryFileSystem({
    'dir/five': '12345',
    'to-file': { symlink: 'dir/five' },
    'to-dir': { symlink: 'dir' },
    dangling: { symlink: 'missing' },
  }, '/tree');
  return [{ fs: nodeFileSystem, root, name: 'disk' }, { fs: memory, root: '/tree', name: 'memory' }];
}

describe.each(bothFileSystems())('size ($name)', ({ fs, root }) => {
  afterAll(() => {
    if (root !== '/tree') nodeFs.rmSync(root, { recursive: true, force: true });
  });

  test('a regular file answers its byte length', () => {
    expect(fs.size(nodePath.join(root, 'dir/five'))).toBe(5);
  });

  test('a file reached through a directory link answers too: only the entry itself is not followed', () => {
    expect(fs.size(nodePath.join(root, 'to-dir/five'))).toBe(5);
  });

  test('a link (to a file, to a directory, dangling), a directory and a missing path have no size', () => {
    for (const name of ['to-file', 'to-dir', 'dangling', 'dir', 'nothing']) expect(fs.size(nodePath.join(root, name))).toBeUndefined();
  });
});
