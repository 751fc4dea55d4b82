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
    readHead: (p, n) => (touched.push(p), disk.readHead(p, n)),
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

describe('confineFileSystem: symlink placeholders (the files git writes for links when symlinks are off)', () => {
  const checkout: MemoryTree = {
    'etc/passwd': SECRET,
    'lib/systemd/system/ssh.service': '[Service]\nExecStart=/usr/sbin/sshd\n',
    'tree/sysctl.conf': 'net.core.somaxconn = 1024\n',
    'tree/sysctl.d/99-sysctl.conf': '../sysctl.conf',
    'tree/conf-available/a.conf': 'server {}',
    'tree/conf-enabled': '../tree/conf-available',
    'tree/system/ssh.service': '/lib/systemd/system/ssh.service',
    'tree/out.conf': '../etc/passwd',
    'tree/deep-out.conf': 'sysctl.d/../../etc/passwd',
    'tree/broken.conf': 'conf-available/absent.conf',
    'tree/ping': 'pong/x',
    'tree/pong/x': '../ping',
    'tree/chain.conf': 'sysctl.d/99-sysctl.conf',
    'tree/via-link.conf': { symlink: 'sysctl.d/99-sysctl.conf' },
    'tree/mailcow.conf': 'A=b\n',
    'tree/.env': 'mailcow.conf',
    // Look-alikes: real one-line configs with no newline.
    'tree/nginx.conf': 'include conf.d/*.conf;',
    'tree/app.env': 'A=b',
    'tree/Procfile': 'web',
    'tree/big.conf': `# ${'x'.repeat(5000)}\n`,
  };

  function placeholderView(): { fs: FileSystem & { locate(path: string): string | undefined }; touched: string[]; read: string[] } {
    const disk = memoryFileSystem(checkout, '/');
    const touched: string[] = [];
    const read: string[] = [];
    const spy: FileSystem = {
      kind: (p) => (touched.push(p), disk.kind(p)),
      isSymlink: (p) => (touched.push(p), disk.isSymlink(p)),
      size: (p) => (touched.push(p), disk.size(p)),
      readHead: (p, n) => (touched.push(p), read.push(p), disk.readHead(p, n)),
      list: (p) => (touched.push(p), disk.list(p)),
      read: (p) => (touched.push(p), read.push(p), disk.read(p)),
      realpath: (p) => (touched.push(p), disk.realpath(p)),
    };
    const fs = confineFileSystem(spy, ['/tree']);
    touched.length = 0;
    return { fs, touched, read };
  }

  test('a placeholder to an in-tree file is a link: its target is read under its name', () => {
    const { fs } = placeholderView();
    expect(fs.isSymlink('/tree/sysctl.d/99-sysctl.conf')).toBe(true);
    expect(fs.kind('/tree/sysctl.d/99-sysctl.conf')).toBe('file');
    expect(text(fs.read('/tree/sysctl.d/99-sysctl.conf'))).toBe('net.core.somaxconn = 1024\n');
    expect(fs.realpath('/tree/sysctl.d/99-sysctl.conf')).toBe('/tree/sysctl.conf');
    // As lstat of a link: no size of its own.
    expect(fs.size('/tree/sysctl.d/99-sysctl.conf')).toBeUndefined();
    expect(fs.size('/tree/sysctl.conf')).toBe('net.core.somaxconn = 1024\n'.length);
  });

  test('a placeholder to a directory lists and reaches what lies below the target', () => {
    const { fs } = placeholderView();
    expect(fs.kind('/tree/conf-enabled')).toBe('directory');
    expect(fs.list('/tree/conf-enabled')).toEqual(['a.conf']);
    expect(text(fs.read('/tree/conf-enabled/a.conf'))).toBe('server {}');
    expect(fs.realpath('/tree/conf-enabled/a.conf')).toBe('/tree/conf-available/a.conf');
  });

  test('a bare name is followed when the sibling exists (compose .env -> mailcow.conf)', () => {
    const { fs } = placeholderView();
    expect(fs.isSymlink('/tree/.env')).toBe(true);
    expect(text(fs.read('/tree/.env'))).toBe('A=b\n');
  });

  test('an absolute target is outside, and nothing at that path is looked at', () => {
    const { fs, touched } = placeholderView();
    expect(fs.isSymlink('/tree/system/ssh.service')).toBe(true);
    expect(fs.kind('/tree/system/ssh.service')).toBe('outside');
    expect(() => fs.read('/tree/system/ssh.service')).toThrow(OutsideTreeError);
    expect(() => fs.realpath('/tree/system/ssh.service')).toThrow(OutsideTreeError);
    expect(touched.filter((p) => !p.startsWith('/tree/'))).toEqual([]);
  });

  test('a relative target that climbs out is outside, decided without looking outside', () => {
    const { fs, touched } = placeholderView();
    for (const name of ['out.conf', 'deep-out.conf']) {
      expect(fs.kind(`/tree/${name}`)).toBe('outside');
      expect(() => fs.read(`/tree/${name}`)).toThrow(new OutsideTreeError(`/tree/${name}`));
    }
    expect(touched.filter((p) => !p.startsWith('/tree/'))).toEqual([]);
  });

  test('a broken placeholder is a link whose target is missing; a loop of them fails as a looping link', () => {
    const { fs } = placeholderView();
    expect(fs.isSymlink('/tree/broken.conf')).toBe(true);
    expect(fs.kind('/tree/broken.conf')).toBeUndefined();
    expect(() => fs.read('/tree/broken.conf')).toThrow(/cannot read \/tree\/broken\.conf: no such file/);
    expect(fs.isSymlink('/tree/ping')).toBe(true);
    expect(fs.kind('/tree/ping')).toBeUndefined();
    expect(() => fs.read('/tree/ping')).toThrow('cannot read /tree/ping: too many levels of symbolic links');
  });

  test('chains resolve: a placeholder to a placeholder, and a real link to a placeholder', () => {
    const { fs } = placeholderView();
    expect(fs.realpath('/tree/chain.conf')).toBe('/tree/sysctl.conf');
    expect(fs.realpath('/tree/via-link.conf')).toBe('/tree/sysctl.conf');
    expect(text(fs.read('/tree/via-link.conf'))).toBe('net.core.somaxconn = 1024\n');
  });

  test('one-line and one-word configs stay the files they are', () => {
    const { fs } = placeholderView();
    for (const name of ['nginx.conf', 'app.env', 'Procfile', 'sysctl.conf']) {
      expect(fs.isSymlink(`/tree/${name}`)).toBe(false);
      expect(fs.realpath(`/tree/${name}`)).toBe(`/tree/${name}`);
    }
    expect(text(fs.read('/tree/nginx.conf'))).toBe('include conf.d/*.conf;');
  });

  test('each small file is read once for the check, however often it is asked about', () => {
    const { fs, read } = placeholderView();
    for (let i = 0; i < 3; i++) {
      fs.kind('/tree/nginx.conf');
      fs.isSymlink('/tree/nginx.conf');
      fs.size('/tree/nginx.conf');
    }
    expect(read).toEqual(['/tree/nginx.conf']);
  });

  test('a file over PATH_MAX bytes, a directory and a real link are not read to be judged', () => {
    const { fs, read } = placeholderView();
    for (const path of ['/tree/big.conf', '/tree/conf-available', '/tree/via-link.conf']) {
      fs.isSymlink(path);
      fs.kind(path);
    }
    // The real link leads to a placeholder, which leads to a small file: each read once to be
    // judged; the large file and the directory never.
    expect(read).toEqual(['/tree/sysctl.d/99-sysctl.conf', '/tree/sysctl.conf']);
  });
});
