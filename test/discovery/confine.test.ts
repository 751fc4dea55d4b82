/**
 * The confinement point: a path is allowed when its real location (every symlink followed) is
 * inside an area, and a path outside costs no call to the file system below. In-memory trees
 * hold a machine (`/etc`, `/proc`) beside the tree at /tree.
 */
import { confineFileSystem, OutsideTreeError } from '../../src/discovery/confine';
import { FileSystem, memoryFileSystem, MemoryTree } from '../../src/discovery/fs';

const SECRET = 'root:x:0:0:secret';

const machine: MemoryTree = {
  'etc/passwd': SECRET,
  'etc/nginx/nginx.conf': 'user www;',
  'proc/self/environ': 'SECRET_TOKEN=abc',
  'tree/nginx.conf': 'events {}',
  'tree/conf.d/a.conf': 'server {}',
  'tree/evil.conf': { symlink: '/etc/passwd' },
  'tree/rootfs': { symlink: '/' },
  'tree/relative-out': { symlink: '../etc' },
  'tree/alias.conf': { symlink: 'conf.d/a.conf' },
  'tree/alias-dir': { symlink: 'conf.d' },
  'tree/conf.d/up.conf': { symlink: '../nginx.conf' },
  'tree/out-and-back': { symlink: '/etc/../tree/conf.d' },
  'tree/loop': { symlink: 'loop' },
  'other/file.conf': 'x',
  'link-to-tree': { symlink: '/tree' },
};

/** The confined view and every path the file system below it was asked about. */
function confined(areas = ['/tree']): { fs: FileSystem & { locate(path: string): string | undefined }; touched: string[] } {
  const disk = memoryFileSystem(machine, '/');
  const touched: string[] = [];
  const spy: FileSystem = {
    kind: (p) => (touched.push(p), disk.kind(p)),
    isSymlink: (p) => (touched.push(p), disk.isSymlink(p)),
    size: (p) => (touched.push(p), disk.size(p)),
    list: (p) => (touched.push(p), disk.list(p)),
    read: (p) => (touched.push(p), disk.read(p)),
    realpath: (p) => (touched.push(p), disk.realpath(p)),
  };
  const fs = confineFileSystem(spy, areas);
  touched.length = 0; // resolving the areas themselves is allowed
  return { fs, touched };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('confineFileSystem', () => {
  test('files and directories inside the area read as usual', () => {
    const { fs } = confined();
    expect(text(fs.read('/tree/nginx.conf'))).toBe('events {}');
    expect(fs.kind('/tree/conf.d')).toBe('directory');
    expect(fs.list('/tree/conf.d').sort()).toEqual(['a.conf', 'up.conf']);
  });

  test('a path that climbs out lexically is outside, and the file system below is never asked', () => {
    const { fs, touched } = confined();
    expect(fs.kind('/tree/../etc/passwd')).toBe('outside');
    expect(fs.kind('/etc/passwd')).toBe('outside');
    expect(fs.kind('/proc/self/environ')).toBe('outside');
    expect(() => fs.read('/tree/../../../etc/passwd')).toThrow(OutsideTreeError);
    expect(() => fs.list('/etc')).toThrow(OutsideTreeError);
    expect(fs.isSymlink('/etc/passwd')).toBe(false);
    expect(touched).toEqual([]);
  });

  test('a file symlink, a directory symlink and a relative symlink out of the tree are outside', () => {
    const { fs } = confined();
    expect(fs.kind('/tree/evil.conf')).toBe('outside');
    expect(fs.kind('/tree/rootfs')).toBe('outside');
    expect(fs.kind('/tree/rootfs/etc/passwd')).toBe('outside');
    expect(fs.kind('/tree/relative-out/passwd')).toBe('outside');
    expect(() => fs.read('/tree/evil.conf')).toThrow(OutsideTreeError);
    expect(() => fs.list('/tree/rootfs')).toThrow(OutsideTreeError);
    expect(() => fs.realpath('/tree/rootfs/etc')).toThrow(OutsideTreeError);
  });

  test('below a link out of the tree, nothing is looked up: a missing path is outside too (no existence oracle)', () => {
    const { fs, touched } = confined();
    expect(fs.kind('/tree/rootfs/no/such/file')).toBe('outside');
    expect(fs.kind('/tree/rootfs/etc/passwd')).toBe('outside');
    // Resolving the link itself is the last look-up; nothing under `/` is asked about.
    expect(touched.filter((p) => p.startsWith('/etc') || p.startsWith('/no'))).toEqual([]);
  });

  test('the refusal names only the path asked for', () => {
    const { fs } = confined();
    let message = '';
    try {
      fs.read('/tree/evil.conf');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('cannot read /tree/evil.conf: outside the linted tree');
  });

  test('links that stay inside, or leave and come back, are followed to their real path', () => {
    const { fs } = confined();
    expect(text(fs.read('/tree/alias.conf'))).toBe('server {}');
    expect(fs.realpath('/tree/alias.conf')).toBe('/tree/conf.d/a.conf');
    expect(text(fs.read('/tree/conf.d/up.conf'))).toBe('events {}');
    expect(fs.kind('/tree/out-and-back/a.conf')).toBe('file');
  });

  test('an error on a link inside the tree names the link, as the caller knows it, not its target', () => {
    const { fs } = confined();
    // alias-dir -> conf.d: reading a directory fails, and the message says which name was asked for.
    expect(() => fs.read('/tree/alias-dir')).toThrow(new Error('cannot read /tree/alias-dir: no such file'));
  });

  test('a looping link is not outside; it fails as the disk fails it', () => {
    const { fs } = confined();
    expect(fs.kind('/tree/loop')).toBeUndefined();
    expect(() => fs.read('/tree/loop')).toThrow(/symbolic links/);
  });

  test('a missing path inside is missing, not outside', () => {
    const { fs } = confined();
    expect(fs.kind('/tree/conf.d/absent.conf')).toBeUndefined();
    expect(fs.locate('/tree/conf.d/absent.conf')).toBe('/tree/conf.d/absent.conf');
    expect(() => fs.read('/tree/conf.d/absent.conf')).toThrow(/no such file/);
  });

  test('an area named through a symlink is taken as named, and paths below either name are inside', () => {
    const { fs } = confined(['/link-to-tree']);
    expect(fs.kind('/link-to-tree/nginx.conf')).toBe('file');
    expect(fs.kind('/tree/nginx.conf')).toBe('file');
    expect(fs.kind('/link-to-tree/evil.conf')).toBe('outside');
    expect(fs.kind('/other/file.conf')).toBe('outside');
  });

  test('several areas: each is inside, what lies between them is not', () => {
    const { fs } = confined(['/tree/conf.d', '/other']);
    expect(fs.kind('/tree/conf.d/a.conf')).toBe('file');
    expect(fs.kind('/other/file.conf')).toBe('file');
    expect(fs.kind('/tree/nginx.conf')).toBe('outside');
    // conf.d/up.conf -> ../nginx.conf: a link from one area to a place in none
    expect(fs.kind('/tree/conf.d/up.conf')).toBe('outside');
  });
});
