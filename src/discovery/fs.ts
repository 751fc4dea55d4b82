/**
 * The only door to the disk. Readers and discovery take a FileSystem so that tests run on
 * in-memory trees and the CLI on the real one; nothing else in cfglint opens a file. Only
 * `--fix` writes, and only through `write` of a confined file system (confine.ts).
 */
import * as nodeFs from 'fs';
import * as nodePath from 'path';
import { decodePathBytes, encodePathBytes, hasEscapedBytes } from './path-bytes';

/** `outside`: only from a confined file system (confine.ts), for a path whose real location is outside the tree. */
export type EntryKind = 'file' | 'directory' | 'other' | 'outside';

export interface FileSystem {
  /** Kind of the entry, following symlinks; undefined when it does not exist or cannot be stat'ed. */
  kind(path: string): EntryKind | undefined;
  /** Whether the entry itself is a symbolic link. */
  isSymlink(path: string): boolean;
  /**
   * Size in bytes of the entry when it is itself a regular file (a final symlink is not
   * followed); undefined for anything else. One lstat: cheap enough to ask of every file.
   */
  size(path: string): number | undefined;
  /**
   * At most `maxBytes` bytes from the start of the entry when it is itself a regular file (a
   * final symlink is not followed, a FIFO put in its place is not waited on); undefined
   * otherwise. Fewer calls than `read`, for a look at many small files.
   */
  readHead(path: string, maxBytes: number): Uint8Array | undefined;
  /** Names in a directory; throws an Error whose message says why it cannot be listed. */
  list(path: string): string[];
  /** Bytes of a regular file; throws an Error whose message says why it cannot be read. */
  read(path: string): Uint8Array;
  /** Canonical path (symlinks resolved); throws when a link loops. */
  realpath(path: string): string;
  /**
   * Replaces the content of an existing regular file (`--fix`); throws an Error whose message
   * says why it cannot be written. Absent where nothing may be written.
   */
  write?(path: string, bytes: Uint8Array): void;
}

/** Largest file a reader will take; larger ones are reported, not read. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** A path as Node's fs takes it: bytes when the name is not UTF-8 (see path-bytes.ts). */
const native = (path: string): string | Buffer => (hasEscapedBytes(path) ? encodePathBytes(path) : path);

export const nodeFileSystem: FileSystem = {
  kind(path) {
    try {
      const stat = nodeFs.statSync(native(path));
      return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
    } catch {
      return undefined;
    }
  },
  isSymlink(path) {
    try {
      return nodeFs.lstatSync(native(path)).isSymbolicLink();
    } catch {
      return false;
    }
  },
  size(path) {
    try {
      const stat = nodeFs.lstatSync(native(path), { throwIfNoEntry: false });
      return stat?.isFile() ? stat.size : undefined;
    } catch {
      return undefined;
    }
  },
  readHead(path, maxBytes) {
    let fd: number | undefined;
    try {
      const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0 } = nodeFs.constants;
      fd = nodeFs.openSync(native(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      const stat = nodeFs.fstatSync(fd);
      if (!stat.isFile()) return undefined;
      const buffer = Buffer.allocUnsafe(Math.min(stat.size, maxBytes));
      const length = nodeFs.readSync(fd, buffer, 0, buffer.length, 0);
      return buffer.subarray(0, length);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) nodeFs.closeSync(fd);
    }
  },
  list(path) {
    try {
      // As bytes: a name that is not UTF-8 would come back mangled and could not be opened again.
      return nodeFs.readdirSync(native(path), { encoding: 'buffer' }).map(decodePathBytes);
    } catch (error) {
      throw new Error(describeFsError(error, path), { cause: error });
    }
  },
  read(path) {
    // Refuse FIFOs and devices before opening them: opening a FIFO blocks until a writer comes.
    const stat = nodeFs.statSync(native(path), { throwIfNoEntry: false });
    if (!stat) throw new Error(`cannot read ${path}: no such file`);
    if (!stat.isFile()) throw new Error(`cannot read ${path}: not a regular file`);
    if (stat.size > MAX_FILE_BYTES) throw new Error(`cannot read ${path}: larger than ${MAX_FILE_BYTES} bytes`);
    try {
      return nodeFs.readFileSync(native(path));
    } catch (error) {
      throw new Error(describeFsError(error, path), { cause: error });
    }
  },
  realpath(path) {
    try {
      return decodePathBytes(nodeFs.realpathSync.native(native(path), { encoding: 'buffer' }));
    } catch (error) {
      throw new Error(describeFsError(error, path), { cause: error });
    }
  },
  write(path, bytes) {
    // Only a file that is there: a fix rewrites what was read, it never creates nor follows a FIFO.
    const stat = nodeFs.statSync(native(path), { throwIfNoEntry: false });
    if (!stat?.isFile()) throw new Error(`cannot write ${path}: not a regular file`);
    try {
      // Writing in place keeps the file's mode, owner and hard links.
      nodeFs.writeFileSync(native(path), bytes);
    } catch (error) {
      throw new Error(describeFsError(error, path).replace(/^cannot read/, 'cannot write'), { cause: error });
    }
  },
};

function describeFsError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ELOOP: 'too many levels of symbolic links',
    ENOTDIR: 'not a directory',
    EISDIR: 'is a directory',
  };
  return `cannot read ${path}: ${(code && reasons[code]) || (error as Error)?.message || String(error)}`;
}

/**
 * An in-memory tree for tests: keys are paths relative to `root`, values file contents.
 * A value of `{ symlink: target }` makes a link (target relative to the link's directory or absolute).
 */
export type MemoryTree = Record<string, string | Uint8Array | { symlink: string }>;

export function memoryFileSystem(tree: MemoryTree, root = '/tree'): FileSystem {
  const files = new Map<string, Uint8Array>();
  const links = new Map<string, string>();
  const dirs = new Set<string>(['/']);
  const addDirs = (path: string) => {
    for (let dir = nodePath.posix.dirname(path); !dirs.has(dir); dir = nodePath.posix.dirname(dir)) dirs.add(dir);
  };
  for (const [relative, content] of Object.entries(tree)) {
    const path = nodePath.posix.join(root, relative);
    addDirs(path);
    if (typeof content === 'string') files.set(path, new TextEncoder().encode(content));
    else if (content instanceof Uint8Array) files.set(path, content);
    else links.set(path, nodePath.posix.resolve(nodePath.posix.dirname(path), content.symlink));
  }
  dirs.add(root);

  const resolve = (path: string): string => {
    // Resolve links component by component, with a hop limit like the kernel's ELOOP.
    let hops = 0;
    let parts = nodePath.posix.resolve(path).split('/').filter(Boolean);
    let current = '/';
    for (let i = 0; i < parts.length; i++) {
      const next = nodePath.posix.join(current, parts[i]);
      const target = links.get(next);
      if (target !== undefined) {
        if (++hops > 40) throw new Error(`cannot read ${path}: too many levels of symbolic links`);
        parts = [...target.split('/').filter(Boolean), ...parts.slice(i + 1)];
        current = '/';
        i = -1;
        continue;
      }
      current = next;
    }
    return current;
  };

  /** The content of the entry itself when it is a file: its directories followed, a final link not (lstat's view). */
  const entryFile = (path: string): Uint8Array | undefined => {
    const absolute = nodePath.posix.resolve(path);
    if (links.has(absolute)) return undefined;
    try {
      return files.get(nodePath.posix.join(resolve(nodePath.posix.dirname(absolute)), nodePath.posix.basename(absolute)));
    } catch {
      return undefined;
    }
  };

  return {
    kind(path) {
      try {
        const real = resolve(path);
        return files.has(real) ? 'file' : dirs.has(real) ? 'directory' : undefined;
      } catch {
        return undefined;
      }
    },
    isSymlink: (path) => links.has(nodePath.posix.resolve(path)),
    size: (path) => entryFile(path)?.length,
    readHead: (path, maxBytes) => entryFile(path)?.subarray(0, maxBytes),
    list(path) {
      const real = resolve(path);
      if (!dirs.has(real)) throw new Error(`cannot read ${path}: no such file or directory`);
      const prefix = real === '/' ? '/' : real + '/';
      const names = new Set<string>();
      for (const entry of [...files.keys(), ...links.keys(), ...dirs]) {
        if (entry.startsWith(prefix) && entry.length > prefix.length) names.add(entry.slice(prefix.length).split('/')[0]);
      }
      return [...names];
    },
    read(path) {
      const content = files.get(resolve(path));
      if (!content) throw new Error(`cannot read ${path}: no such file`);
      return content;
    },
    realpath: resolve,
    write(path, bytes) {
      const real = resolve(path);
      if (!files.has(real)) throw new Error(`cannot write ${path}: not a regular file`);
      files.set(real, bytes);
    },
  };
}
