/**
 * Walks the paths given on the command line and returns the files to look at, skipping .git,
 * node_modules, what .gitignore files ignore and the user's ignore patterns. As in git, a file
 * the repository tracks is kept whatever .gitignore says (its index, read by git-index.ts, lists
 * them). Directory symlink loops are cut by remembering each directory's real path.
 */
import * as nodePath from 'path';
import ignore, { Ignore } from 'ignore';
import type { FileSystem } from './fs';
import { decodeUtf8 } from '../source/text';
import { messageOf } from '../source/thrown';
import { trackedPaths } from './git-index';

export interface WalkResult {
  files: string[];
  /** Directories or files that could not be read, with the reason. */
  unreadable: { path: string; reason: string }[];
  /** Files and directories left out on purpose, with the reason (for --list-files); a directory's path ends in `/`. */
  skipped: { path: string; reason: string; ignoreFile?: string }[];
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.hg', '.svn']);

interface IgnoreScope {
  dir: string;
  matcher: Ignore;
}

export function walk(roots: string[], fs: FileSystem, options: { ignorePatterns?: { baseDir: string; patterns: string[] } } = {}): WalkResult {
  const files = new Set<string>();
  const unreadable: WalkResult['unreadable'] = [];
  const skipped: WalkResult['skipped'] = [];
  const seenDirectories = new Set<string>();
  const userIgnore =
    options.ignorePatterns && options.ignorePatterns.patterns.length > 0
      ? { dir: options.ignorePatterns.baseDir, matcher: ignore().add(options.ignorePatterns.patterns) }
      : undefined;

  /** What `scope` says about `path`: ignored, re-included by a `!` pattern, or nothing. */
  const verdict = (scope: IgnoreScope, path: string, isDirectory: boolean): 'ignored' | 'unignored' | undefined => {
    const relative = nodePath.relative(scope.dir, path);
    if (!relative || relative.startsWith('..') || nodePath.isAbsolute(relative)) return undefined;
    const result = scope.matcher.test(isDirectory ? relative + '/' : relative);
    return result.ignored ? 'ignored' : result.unignored ? 'unignored' : undefined;
  };

  // Files a repository of the tree tracks, and the directories that hold them.
  const tracked = new Set<string>();
  const holdTracked = new Set<string>();
  const readIndex = (dir: string) => {
    try {
      if (fs.kind(nodePath.join(dir, '.git')) !== 'directory') return;
      for (const relative of trackedPaths(fs.read(nodePath.join(dir, '.git', 'index')))) {
        const path = nodePath.join(dir, ...relative.split('/'));
        tracked.add(path);
        for (let parent = nodePath.dirname(path); parent.length > dir.length && !holdTracked.has(parent); parent = nodePath.dirname(parent))
          holdTracked.add(parent);
      }
    } catch {
      // No index (a fresh repository, a worktree's .git file): .gitignore alone decides.
    }
  };

  /** Which patterns ignore the path: the config's ("ignore"), a .gitignore's (its path), or none (undefined). */
  const ignoredBy = (path: string, isDirectory: boolean, scopes: IgnoreScope[]): string | undefined => {
    if (userIgnore && verdict(userIgnore, path, isDirectory) === 'ignored') return 'ignore';
    // .gitignore does not apply to what git tracks (gitignore(5)).
    if (isDirectory ? holdTracked.has(path) : tracked.has(path)) return undefined;
    // As git: the deepest .gitignore with an opinion wins, so `!keep.bak` in a subdirectory
    // re-includes what a parent's `*.bak` ignored.
    for (let i = scopes.length - 1; i >= 0; i--) {
      const said = verdict(scopes[i], path, isDirectory);
      if (said) return said === 'ignored' ? nodePath.join(scopes[i].dir, '.gitignore') : undefined;
    }
    return undefined;
  };
  const skip = (path: string, isDirectory: boolean, reason: string, ignoreFile?: string) =>
    skipped.push({ path: isDirectory ? path + nodePath.sep : path, reason, ...(ignoreFile ? { ignoreFile } : {}) });
  const skipIgnored = (path: string, isDirectory: boolean, by: string) =>
    by === 'ignore' ? skip(path, isDirectory, 'skipped: ignored by "ignore" in .cfglint.json') : skip(path, isDirectory, 'skipped: ignored by .gitignore', by);

  const realRoots: string[] = [];
  const pointsInsideRoots = (link: string): boolean => {
    let target: string;
    try {
      target = fs.realpath(link);
    } catch {
      return true; // broken or looping: reported below
    }
    return realRoots.some((root) => target === root || target.startsWith(root.endsWith('/') ? root : root + '/'));
  };

  const visit = (dir: string, scopes: IgnoreScope[]) => {
    let real: string;
    try {
      real = fs.realpath(dir);
    } catch (error) {
      unreadable.push({ path: dir, reason: messageOf(error) });
      return;
    }
    if (seenDirectories.has(real)) return;
    seenDirectories.add(real);
    let names: string[];
    try {
      names = fs.list(dir).sort();
    } catch (error) {
      unreadable.push({ path: dir, reason: messageOf(error) });
      return;
    }
    if (names.includes('.git')) readIndex(dir);
    let innerScopes = scopes;
    if (names.includes('.gitignore')) {
      try {
        const text = decodeUtf8(fs.read(nodePath.join(dir, '.gitignore')));
        innerScopes = [...scopes, { dir, matcher: ignore().add(text) }];
      } catch {
        // An unreadable .gitignore ignores nothing.
      }
    }
    for (const name of names) {
      const path = nodePath.join(dir, name);
      // A link out of the tree (sites-enabled/default -> /etc/nginx/...) names the machine
      // cfglint runs on, not the deploy: never follow it.
      if (fs.isSymlink(path) && !pointsInsideRoots(path)) {
        skip(path, false, 'skipped: a symbolic link out of the tree');
        continue;
      }
      const kind = fs.kind(path);
      if (kind === 'directory') {
        if (SKIPPED_DIRECTORIES.has(name)) {
          skip(path, true, 'skipped: version control or dependencies, never walked');
          continue;
        }
        const by = ignoredBy(path, true, innerScopes);
        if (by) skipIgnored(path, true, by);
        else visit(path, innerScopes);
      } else if (kind === 'file') {
        const by = ignoredBy(path, false, innerScopes);
        if (by) skipIgnored(path, false, by);
        else files.add(path);
      } else if (kind === 'outside' && fs.isSymlink(path)) {
        skip(path, false, 'skipped: a symbolic link out of the tree');
      } else if (kind === undefined && fs.isSymlink(path)) {
        unreadable.push({ path, reason: `cannot read ${path}: broken or looping symbolic link` });
      }
      // FIFOs, sockets and devices are not configuration files, and a confined file system
      // answers `outside` for what lies beyond the tree: both skipped without a word.
    }
  };

  for (const root of roots) {
    try {
      realRoots.push(fs.realpath(root));
    } catch {
      // An unresolvable root is reported by the caller.
    }
  }
  for (const root of roots) {
    const kind = fs.kind(root);
    if (kind === 'directory') visit(root, []);
    else if (kind === 'file') files.add(root);
  }
  return { files: [...files].sort(), unreadable, skipped };
}
