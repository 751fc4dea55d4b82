/**
 * The one place that decides whether cfglint may open a path. The engine wraps the run's file
 * system once, with the directories the user named; every reader, discovery and include gets
 * only the wrapped one. A path is resolved the way the kernel would open it (each symlink
 * followed, realpath semantics) and refused unless its real location lies inside one of those
 * directories. A refused path is never opened, listed or stat'ed: resolution walks down from a
 * root and stops at the first component that leaves it, so a path outside the tree costs no
 * system call at all.
 *
 * A symlink placeholder (link-placeholder.ts: the small file git writes for a link when symlinks
 * are off) is resolved here as the link it stands for, so discovery, includes and globs all see
 * a link. Its target is followed lexically and never looked at when it leaves the tree; an
 * absolute target names the deploy machine's file system, not the checkout, and is outside
 * wherever the checkout happens to sit.
 */
import * as nodePath from 'path';
import type { EntryKind, FileSystem } from './fs';
import { readPlaceholder } from './link-placeholder';

/** Thrown by a confined file system for a path outside the tree; the message names only the path asked for. */
export class OutsideTreeError extends Error {
  constructor(readonly path: string) {
    super(`cannot read ${path}: outside the linted tree`);
  }
}

/**
 * Where a path really is: inside an area, or outside all of them. `looping`: a chain of
 * placeholders that does not end, which answers as a looping link does.
 */
type Location = { outside: true } | { outside: false; real: string; looping?: true };

const OUTSIDE: Location = { outside: true };

/** Links followed in one resolution before it counts as a loop: the kernel's ELOOP limit. */
const MAX_HOPS = 40;

function isWithin(path: string, area: string): boolean {
  return path === area || path.startsWith(area.endsWith(nodePath.sep) ? area : area + nodePath.sep);
}

/**
 * `fs` restricted to `areas` (absolute directories). The areas themselves are taken as the user
 * named them, symlinks and all; below them every symlink must resolve inside some area.
 */
export function confineFileSystem(fs: FileSystem, areas: string[]): FileSystem & { locate(path: string): string | undefined } {
  const given = areas.map((area) => nodePath.resolve(area));
  const real = new Map<string, string>();
  for (const area of given) {
    let resolved = area;
    try {
      resolved = fs.realpath(area);
    } catch {
      // An area that does not resolve holds nothing; its lexical form still bounds the paths below it.
    }
    real.set(area, resolved);
    real.set(resolved, resolved);
  }
  const realAreas = [...new Set(real.values())];
  const insideRealArea = (path: string) => realAreas.some((area) => isWithin(path, area));
  // The tree does not change during a run: each path is resolved once.
  const memo = new Map<string, Location>();
  /**
   * What an entry is, by one lstat and (for a small regular file) one read, asked once per run:
   * `undefined` not a regular file, otherwise its size and, for a placeholder, the target it holds.
   */
  const examined = new Map<string, { size: number; target?: string } | undefined>();
  const examine = (entry: string): { size: number; target?: string } | undefined => {
    if (examined.has(entry)) return examined.get(entry);
    const size = fs.size(entry);
    const found = size === undefined ? undefined : { size, target: readPlaceholder(fs, entry, size) };
    examined.set(entry, found);
    return found;
  };
  let hops = 0;

  const locate = (path: string): Location => {
    const absolute = nodePath.resolve(path);
    const known = memo.get(absolute);
    if (known) return known;
    let location: Location;
    const area = real.get(absolute);
    if (area !== undefined) location = { outside: false, real: area };
    else if (!given.some((a) => isWithin(absolute, a)) && !insideRealArea(absolute)) location = OUTSIDE;
    else if (nodePath.dirname(absolute) === absolute) location = OUTSIDE;
    else {
      const parent = locate(nodePath.dirname(absolute));
      location = parent.outside ? OUTSIDE : step(parent.real, nodePath.basename(absolute));
    }
    memo.set(absolute, location);
    return location;
  };

  /** One component below a directory already known to be inside: only a link (or a placeholder) can lead out. */
  const step = (realParent: string, name: string): Location => {
    const candidate = nodePath.join(realParent, name);
    // A regular file answers the lstat with its size, so most entries cost this one call.
    const file = examine(candidate);
    if (file) return file.target === undefined ? { outside: false, real: candidate } : follow(realParent, file.target);
    if (!fs.isSymlink(candidate)) return { outside: false, real: candidate };
    let target: string;
    try {
      target = fs.realpath(candidate);
    } catch {
      // Broken or looping: opening it fails the same way, and nothing outside is reached.
      return { outside: false, real: candidate };
    }
    if (!insideRealArea(target)) return OUTSIDE;
    // The kernel stops at a regular file; when that file is a placeholder, it leads on.
    return examine(target)?.target === undefined ? { outside: false, real: target } : hop(target);
  };

  /** The placeholder's target, relative to the directory holding it, as a link's would be. */
  const follow = (realParent: string, target: string): Location => {
    if (nodePath.isAbsolute(target)) return OUTSIDE;
    const next = nodePath.resolve(realParent, target);
    // Lexically out: refused without asking the file system anything about it.
    return insideRealArea(next) ? hop(next) : OUTSIDE;
  };

  /** Resolves where a link leads, counting links followed as the kernel does. */
  const hop = (next: string): Location => {
    if (hops >= MAX_HOPS) return { outside: false, real: next, looping: true };
    hops++;
    try {
      return locate(next);
    } finally {
      hops--;
    }
  };

  /** The entry a path names, its directory resolved but not the entry itself (lstat's view); undefined when the directory is outside. */
  const entryIn = (path: string): string | undefined => {
    const parent = locate(nodePath.dirname(nodePath.resolve(path)));
    if (parent.outside || parent.looping) return undefined;
    return nodePath.join(parent.real, nodePath.basename(path));
  };

  const inside = (path: string): string => {
    const location = locate(path);
    if (location.outside) throw new OutsideTreeError(path);
    if (location.looping) throw new Error(`cannot read ${path}: too many levels of symbolic links`);
    return location.real;
  };

  /** Runs `operation` on the real path; its errors name the path the caller asked for, as the caller shows it. */
  const asAsked = <T>(path: string, operation: (real: string) => T): T => {
    const real = inside(path);
    try {
      return operation(real);
    } catch (error) {
      if (real === path || !(error instanceof Error)) throw error;
      // eslint-disable-next-line preserve-caught-error -- the cause would name the real path, which this error hides on purpose
      throw new Error(error.message.split(real).join(path));
    }
  };

  return {
    kind(path): EntryKind | undefined {
      const location = locate(path);
      if (location.outside) return 'outside';
      if (location.looping) return undefined;
      // Resolving it examined the entry: a regular file is known without another stat.
      if (examined.get(location.real)) return 'file';
      return fs.kind(location.real);
    },
    isSymlink(path) {
      // Whether the name itself is a link: its directory must be inside, the link may point anywhere.
      const entry = entryIn(path);
      if (entry === undefined) return false;
      // A regular file is no link, unless it is a placeholder.
      const file = examine(entry);
      return file ? file.target !== undefined : fs.isSymlink(entry);
    },
    size(path) {
      // A placeholder is a link: like lstat of one, no size.
      const entry = entryIn(path);
      const file = entry === undefined ? undefined : examine(entry);
      return file?.target === undefined ? file?.size : undefined;
    },
    readHead(path, maxBytes) {
      const entry = entryIn(path);
      const file = entry === undefined ? undefined : examine(entry);
      return file && file.target === undefined ? fs.readHead(entry!, maxBytes) : undefined;
    },
    list: (path) => asAsked(path, (real) => fs.list(real)),
    read: (path) => asAsked(path, (real) => fs.read(real)),
    realpath(path) {
      const resolved = inside(path);
      // The location of a missing path is known without it existing; realpath still says it is missing.
      return fs.realpath(resolved);
    },
    locate(path) {
      const location = locate(path);
      return location.outside ? undefined : location.real;
    },
    // The same door as reads: a path whose real location is outside the tree is never written.
    ...(fs.write ? { write: (path: string, bytes: Uint8Array) => asAsked(path, (real) => fs.write!(real, bytes)) } : {}),
  };
}
