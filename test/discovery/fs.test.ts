/**
 * The FileSystem's size query: lstat's view (the entry itself, a final link not followed), the
 * same answer in memory and on disk, so that a placeholder check costs one call per file.
 */
import { execFileSync } from 'child_process';
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
  const memory = memoryFileSystem(
    {
      'dir/five': '12345',
      'to-file': { symlink: 'dir/five' },
      'to-dir': { symlink: 'dir' },
      dangling: { symlink: 'missing' },
    },
    '/tree',
  );
  return [
    { fs: nodeFileSystem, root, name: 'disk' },
    { fs: memory, root: '/tree', name: 'memory' },
  ];
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

describe.each(bothFileSystems())('readHead ($name)', ({ fs, root }) => {
  afterAll(() => {
    if (root !== '/tree') nodeFs.rmSync(root, { recursive: true, force: true });
  });
  const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

  test('the whole of a small file, or its first bytes', () => {
    expect(text(fs.readHead(nodePath.join(root, 'dir/five'), 4096))).toBe('12345');
    expect(text(fs.readHead(nodePath.join(root, 'dir/five'), 2))).toBe('12');
    expect(text(fs.readHead(nodePath.join(root, 'to-dir/five'), 4096))).toBe('12345');
  });

  test('a link, a directory or a missing path gives nothing', () => {
    for (const name of ['to-file', 'to-dir', 'dangling', 'dir', 'nothing']) expect(fs.readHead(nodePath.join(root, name), 4096)).toBeUndefined();
  });
});

test('readHead does not wait on a FIFO', () => {
  const root = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), 'cfglint-fifo-'));
  try {
    execFileSync('mkfifo', [nodePath.join(root, 'pipe')]);
    expect(nodeFileSystem.readHead(nodePath.join(root, 'pipe'), 4096)).toBeUndefined();
  } finally {
    nodeFs.rmSync(root, { recursive: true, force: true });
  }
});
