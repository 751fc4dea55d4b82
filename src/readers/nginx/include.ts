/**
 * Where an `include` argument points in the tree being linted.
 *
 * nginx resolves a relative include against its prefix, the directory of the main config
 * (ngx_conf_full_name with conf_prefix; docs/servers/nginx.md#include-paths), never against the including file.
 * Absolute paths name the production machine (`/etc/nginx/conf.d/*.conf`), so they are mapped
 * onto the tree: explicit mappings from the config file first, then the conventional prefixes
 * when the main config is known, then the longest path suffix that exists in the tree.
 * Paths outside the linted tree are never read: the laptop's own /etc/nginx is not the deploy.
 */
import * as nodePath from 'path';
import type { FileSystem } from '../../discovery/fs';
import type { Span } from '../../source/span';
import { encodePathBytes } from '../../discovery/path-bytes';
import { compileGlobSegment, hasGlob, matchGlobSegment } from './glob';
import { append } from '../../source/append';

/** Where distributions install nginx's own conf directory; mapped onto the main config's directory. */
export const CONVENTIONAL_PREFIXES = [
  '/etc/nginx',
  '/usr/local/nginx/conf',
  '/usr/local/etc/nginx',
  '/usr/local/openresty/nginx/conf',
  '/opt/homebrew/etc/nginx',
  '/etc/openresty',
  '/opt/nginx/conf',
];

/** Files the nginx package (or certbot) ships: an include of one of them is never "missing". */
const SHIPPED_BASENAMES = new Set([
  'mime.types',
  'fastcgi_params',
  'fastcgi.conf',
  'uwsgi_params',
  'scgi_params',
  'proxy_params',
  'koi-utf',
  'koi-win',
  'win-utf',
  'fastcgi-php.conf',
  'snakeoil.conf',
  'options-ssl-nginx.conf',
]);

export function isShippedWithNginx(pattern: string): boolean {
  return SHIPPED_BASENAMES.has(nodePath.basename(pattern)) || /(^|\/)modules-enabled\//.test(pattern);
}

export { hasGlob };

/**
 * Paths one mask may visit (directories on the way and matches): far above any real conf.d,
 * low enough that a directory of links to itself under `*\/*\/*\/*` ends in a moment.
 */
export const MAX_GLOB_PATHS = 100_000;

export interface IncludeMapping {
  /** Absolute path on the production machine, e.g. /etc/nginx. */
  from: string;
  /** Absolute path in the linted tree. */
  to: string;
  /** Only this path, nothing under it (a file a script copies: `cp a /x/b` may name a directory `/x/b`, then `/x/b/a` is another write). */
  exact?: boolean;
  /**
   * Written when the container starts (rendered or edited by its start-up command), after
   * the image's files and the mounts are in place: a glob of its directory finds it beside them.
   */
  atStart?: boolean;
  /**
   * The containers that hold the file there (compose services, an image no service runs: see
   * readers/docker/placed-files.ts); undefined where any may (a mapping of the config or of a
   * script, an image that may be built on another of the tree).
   */
  containers?: string[];
}

/**
 * A path a script of the tree writes (an entrypoint's `envsubst … > /etc/nginx/conf.d/x.conf`,
 * `cp`, `ln -s`): missing from the tree, yet there when nginx starts.
 */
export interface WrittenPath {
  /** Absolute path on the machine or in the container. */
  path: string;
  /**
   * `file`: this path; `directory`: this path and everything under it (`cp -r`); `gap`: some
   * files in this directory whose names the tree does not say (`> /etc/nginx/conf.d/$NAME.conf`).
   */
  kind: 'file' | 'directory' | 'gap';
  /** Display path of the script. */
  script: string;
  /** The command that writes it. */
  span: Span;
  /** The tree file (or directory) it is a copy of, when that is certain; then it maps like a placed file. */
  source?: string;
}

/** The writes of one path: the first few (for related locations) and every script that makes one. */
export interface WrittenPathEntry {
  kind: WrittenPath['kind'];
  path: string;
  first: WrittenPath[];
  scripts: Set<string>;
}

/**
 * The writes that put a file at a path in place, indexed: a tree may hold many of both, and a
 * loop of writes into one directory must not be walked again for every include.
 */
export class WrittenPathIndex {
  private readonly exact = new Map<string, WrittenPathEntry>();
  private readonly under = new Map<string, WrittenPathEntry>();
  private readonly into = new Map<string, WrittenPathEntry>();

  constructor(writes: WrittenPath[]) {
    for (const write of writes) {
      const map = write.kind === 'file' ? this.exact : write.kind === 'directory' ? this.under : this.into;
      let entry = map.get(write.path);
      if (!entry) map.set(write.path, (entry = { kind: write.kind, path: write.path, first: [], scripts: new Set() }));
      if (entry.first.length < 3) entry.first.push(write);
      entry.scripts.add(write.script);
    }
  }

  get size(): number {
    return this.exact.size + this.under.size + this.into.size;
  }

  /** Writes of `path` (absolute) itself, of a directory above it, then into its directory under a variable name. */
  writesOf(path: string): WrittenPathEntry[] {
    const found: WrittenPathEntry[] = [];
    const exact = this.exact.get(path);
    if (exact) found.push(exact);
    for (let dir = path; ; dir = nodePath.posix.dirname(dir)) {
      const under = this.under.get(dir);
      if (under) found.push(under);
      if (dir === nodePath.posix.dirname(dir)) break;
    }
    const into = this.into.get(nodePath.posix.dirname(path));
    if (into) found.push(into);
    return found;
  }
}

export interface IncludeResolution {
  files: string[];
  /** The pattern was literal and no file was found for it. */
  missing: boolean;
  /** How an absolute path was mapped into the tree, for messages and --explain. */
  mappedTo?: string;
  /**
   * Paths the include reaches whose real location is outside the tree: never read. Each is the
   * path as cfglint built it from the pattern, before any symlink is followed.
   */
  outside: string[];
  /** The mask visited its cap of paths (MAX_GLOB_PATHS) and the rest were skipped. */
  truncated?: boolean;
  /**
   * The containers that hold each file at the included path, where a mapping of some containers
   * put it there (a compose mount, an image's COPY); a file not listed may be there in any.
   */
  containersOf?: ReadonlyMap<string, readonly string[]>;
}

export class IncludeResolver {
  private readonly treeDirectories: string[];
  /** The tree does not change during a run; a snippet included in many contexts resolves once. */
  private readonly cache = new Map<string, IncludeResolution>();
  private readonly holders = new Map<string, Set<string> | undefined>();
  private readonly containerCache = new Map<string, IncludeResolution>();

  constructor(
    private readonly fs: FileSystem,
    treeFiles: string[],
    private readonly lintRoots: string[],
    private readonly mappings: IncludeMapping[],
    private readonly maxGlobPaths = MAX_GLOB_PATHS,
  ) {
    const dirs = new Set<string>();
    for (const file of treeFiles) {
      for (let dir = nodePath.dirname(file); !dirs.has(dir) && dir !== nodePath.dirname(dir); dir = nodePath.dirname(dir)) dirs.add(dir);
    }
    this.treeDirectories = [...dirs].sort();
  }

  /**
   * @param prefixDir the main config's directory, or undefined for a file read on its own
   * @param includingFile absolute path of the file holding the include
   */
  resolve(pattern: string, includingFile: string, prefixDir: string | undefined): IncludeResolution {
    const key = `${pattern}\0${includingFile}\0${prefixDir ?? ''}`;
    let resolution = this.cache.get(key);
    if (!resolution) {
      resolution = this.resolveUncached(pattern, includingFile, prefixDir);
      this.cache.set(key, resolution);
    }
    return { ...resolution, files: [...resolution.files], outside: [...resolution.outside] };
  }

  /**
   * The containers the mappings place a tree file in; undefined where none places it, or one may
   * be any container (a mapping of the config, a script's copy).
   */
  containersHolding(file: string): ReadonlySet<string> | undefined {
    if (this.holders.has(file)) return this.holders.get(file);
    let holders: Set<string> | undefined = new Set();
    let placed = false;
    for (const mapping of this.mappings) {
      if (file !== mapping.to && !file.startsWith(mapping.to.endsWith(nodePath.sep) ? mapping.to : mapping.to + nodePath.sep)) continue;
      placed = true;
      if (mapping.containers === undefined) {
        holders = undefined;
        break;
      }
      for (const container of mapping.containers) holders.add(container);
    }
    const known = placed ? holders : undefined;
    this.holders.set(file, known);
    return known;
  }

  /**
   * nginx's prefix in each container that holds a main config: the directory of the path a compose
   * mount or a COPY places it at, as nginx takes the directory of its configuration file
   * (`conf_prefix`, set in `ngx_process_options`, src/core/nginx.c). Only the containers that hold
   * it at one path; undefined where no container's mapping places it.
   */
  prefixesInContainers(mainFile: string): ReadonlyMap<string, string> | undefined {
    const prefixes = new Map<string, string | undefined>();
    for (const mapping of this.mappings) {
      if (!mapping.containers) continue;
      const inContainer = pathInContainer(mapping, mainFile);
      if (inContainer === undefined) continue;
      const prefix = nodePath.posix.dirname(inContainer);
      for (const container of mapping.containers) {
        prefixes.set(container, prefixes.has(container) && prefixes.get(container) !== prefix ? undefined : prefix);
      }
    }
    const known = new Map([...prefixes].filter((entry): entry is [string, string] => entry[1] !== undefined));
    return known.size > 0 ? known : undefined;
  }

  /**
   * A relative include of a main config as the containers that read it see it: at
   * `<prefix>/<pattern>` in each (`prefixes`: each container's from prefixesInContainers, or
   * undefined where it is not known), where the container's own mounts and COPYs answer first,
   * since a bind mount hides what the image had at its path. A container none of whose mappings
   * covers that path (or whose prefix is not known) reads the file beside the main config in the
   * tree, as `resolve` finds it. Each file found keeps the containers that read it.
   */
  resolveInContainers(pattern: string, includingFile: string, prefixDir: string, prefixes: ReadonlyMap<string, string | undefined>): IncludeResolution {
    const beside = this.resolve(pattern, includingFile, prefixDir);
    const key = `${pattern}\0${includingFile}\0${prefixDir}\0${[...prefixes].sort().join('\0')}`;
    let resolution = this.containerCache.get(key);
    if (!resolution) {
      resolution = this.resolveInContainersUncached(pattern, beside, prefixes);
      this.containerCache.set(key, resolution);
    }
    return resolution === beside ? beside : { ...resolution, files: [...resolution.files], outside: [...resolution.outside] };
  }

  private resolveInContainersUncached(pattern: string, beside: IncludeResolution, prefixes: ReadonlyMap<string, string | undefined>): IncludeResolution {
    const readBeside: string[] = [];
    const seen = new Map<string, { files: string[]; outside: string[]; truncated: boolean; containers: string[] }>();
    for (const [container, prefix] of [...prefixes].sort((a, b) => compareBytes(a[0], b[0]))) {
      const inContainer = prefix === undefined ? undefined : nodePath.posix.join(prefix, pattern);
      const mapping = inContainer === undefined ? undefined : this.mappingIn(container, inContainer);
      if (!mapping || inContainer === undefined) {
        readBeside.push(container);
        continue;
      }
      const candidate = treePathOf(mapping, inContainer);
      const known = seen.get(candidate);
      if (known) {
        known.containers.push(container);
        continue;
      }
      seen.set(candidate, { ...this.filesInContainer(container, candidate, inContainer), containers: [container] });
    }
    const sameAsBeside = [...seen.values()].every((found) => found.files.join('\0') === beside.files.join('\0') && found.outside.length === 0);
    if (sameAsBeside) return beside;
    const containersOf = new Map<string, string[]>();
    const outside = new Set<string>();
    let truncated = false;
    const add = (files: readonly string[], containers: readonly string[]) => {
      for (const file of files) containersOf.set(file, [...(containersOf.get(file) ?? []), ...containers]);
    };
    if (readBeside.length > 0) {
      add(beside.files, readBeside);
      for (const path of beside.outside) outside.add(path);
      truncated ||= !!beside.truncated;
    }
    for (const found of seen.values()) {
      add(found.files, found.containers);
      for (const path of found.outside) outside.add(path);
      truncated ||= found.truncated;
    }
    // Missing only where no container finds it and the tree has no file beside the main config
    // either: a container whose mount lacks it may get it some way the tree does not show.
    const missing = containersOf.size === 0 && outside.size === 0 && beside.missing;
    return { files: [...containersOf.keys()], missing, outside: [...outside], ...(truncated ? { truncated } : {}), containersOf };
  }

  /** The deepest mapping of `container` that puts something at `path` (absolute, in the container), where one tree file stands there. */
  private mappingIn(container: string, path: string): IncludeMapping | undefined {
    return this.deepestMapping(path, (m) => m.containers?.includes(container) === true);
  }

  /**
   * What a container reads at `candidate`, the tree path a mapping gives `inContainer`: the file,
   * or for a mask its matches with the files the container's other mappings put one by one in
   * that directory, sorted by their names in the container as glob(3) sorts them.
   */
  private filesInContainer(container: string, candidate: string, inContainer: string): { files: string[]; outside: string[]; truncated: boolean } {
    if (!hasGlob(inContainer)) {
      const kind = this.fs.kind(candidate);
      if (kind === 'outside') return { files: [], outside: [candidate], truncated: false };
      return { files: kind === 'file' ? [candidate] : [], outside: [], truncated: false };
    }
    const expansion = this.expandGlob(candidate);
    const placed = this.placedFilesMatching(inContainer, (m) => m.containers?.includes(container) === true);
    if (placed.length === 0) return expansion;
    const candidateDir = nodePath.dirname(candidate);
    const named = [
      ...expansion.files.map((file) => ({ file, name: nodePath.posix.join(nodePath.posix.dirname(inContainer), nodePath.relative(candidateDir, file)) })),
      ...placed.filter((m) => !expansion.files.includes(m.to)).map((m) => ({ file: m.to, name: m.from })),
    ];
    return { ...expansion, files: named.sort((a, b) => compareBytes(a.name, b.name)).map((entry) => entry.file) };
  }

  private resolveUncached(pattern: string, includingFile: string, prefixDir: string | undefined): IncludeResolution {
    const glob = hasGlob(pattern);
    const candidates = nodePath.isAbsolute(pattern)
      ? this.absoluteCandidates(pattern, includingFile, prefixDir)
      : this.relativeCandidates(pattern, includingFile, prefixDir);
    // A directory some containers mount or copy there: what it holds is in those containers only.
    const explicit = nodePath.isAbsolute(pattern) ? this.explicitMapping(pattern, includingFile) : undefined;
    const placedIn = (files: string[]) => (explicit?.containers ? new Map(files.map((file) => [file, explicit.containers!])) : undefined);
    for (const candidate of candidates) {
      const mappedTo = candidate === pattern ? undefined : candidate;
      if (glob) {
        const expansion = this.expandGlob(candidate);
        // Candidates are in the order nginx's machine would have them: one that leads out of
        // the tree is the include's meaning, not a reason to try the next.
        if (expansion.files.length > 0 || expansion.outside.length > 0 || expansion.truncated) {
          const resolution = { ...expansion, missing: false, mappedTo, containersOf: placedIn(expansion.files) };
          return nodePath.isAbsolute(pattern) ? this.withFilesWrittenAtStart(resolution, pattern, includingFile) : resolution;
        }
        continue;
      }
      const kind = this.fs.kind(candidate);
      if (kind === 'outside') return { files: [], missing: false, outside: [candidate] };
      if (kind === 'file') return { files: [candidate], missing: false, mappedTo, outside: [], containersOf: placedIn([candidate]) };
    }
    if (glob && nodePath.isAbsolute(pattern)) {
      const placed = this.placedFilesMatching(pattern, (m) => this.sameContainer(m, includingFile));
      if (placed.length > 0) {
        const containersOf = new Map<string, readonly string[]>();
        for (const mapping of placed) if (mapping.containers) containersOf.set(mapping.to, mapping.containers);
        return { files: placed.map((mapping) => mapping.to), missing: false, outside: [], containersOf };
      }
    }
    return { files: [], missing: !glob, outside: [] };
  }

  /**
   * A glob's matches in the tree directory that stands for the pattern's, with the files written
   * into that directory when the container starts (`envsubst … > /etc/nginx/conf.d/site.conf` in
   * its command, after the image's COPY and the mounts): the container holds both, and a file
   * written at a name the directory holds too replaces it. A file an image COPYs one by one into a
   * directory is not added: a mount of that directory would hide it, and which it is the mapping
   * does not say.
   */
  private withFilesWrittenAtStart(resolution: IncludeResolution, pattern: string, includingFile: string): IncludeResolution {
    if (resolution.truncated) return resolution;
    const placed = this.placedFilesMatching(pattern, (m) => this.sameContainer(m, includingFile)).filter((mapping) => mapping.atStart);
    if (placed.length === 0) return resolution;
    const byName = new Map<string, { file: string; containers?: readonly string[] }>();
    for (const file of resolution.files) byName.set(nodePath.basename(file), { file, containers: resolution.containersOf?.get(file) });
    for (const mapping of placed) byName.set(nodePath.posix.basename(mapping.from), { file: mapping.to, containers: mapping.containers });
    const names = [...byName.keys()].sort(compareBytes);
    const containersOf = new Map<string, readonly string[]>();
    for (const { file, containers } of byName.values()) if (containers) containersOf.set(file, containers);
    return { ...resolution, files: names.map((name) => byName.get(name)!.file), containersOf };
  }

  /**
   * Tree files a mapping puts, one by one, in the directory of an absolute glob, where no tree
   * directory stands for it: `COPY backend-not-found.conf /etc/nginx/extra-conf.d/` is what
   * `include /etc/nginx/extra-conf.d/*.conf;` finds in the container. Sorted by the name in the
   * container, as glob(3) sorts.
   */
  private placedFilesMatching(pattern: string, holds: (mapping: IncludeMapping) => boolean): IncludeMapping[] {
    const directory = nodePath.posix.dirname(pattern);
    if (hasGlob(directory)) return [];
    const glob = compileGlobSegment(nodePath.posix.basename(pattern));
    const placed = oneFilePerPath(
      this.mappings.filter(
        (m) =>
          nodePath.posix.dirname(m.from) === directory && matchGlobSegment(glob, nodePath.posix.basename(m.from)) && this.fs.kind(m.to) === 'file' && holds(m),
      ),
    );
    return placed.sort((a, b) => compareBytes(a.from, b.from));
  }

  /**
   * Whether a mapping's file is there for the including file: both in one container, or either
   * in any. A file one image copies is not in another image's container (Mailu's docs image
   * copies its own conf.d/default.conf, which the front's `include /etc/nginx/conf.d/*.conf`
   * never reads). Where no mapping places the including file, which container runs it is not
   * known, and every mapping counts.
   */
  private sameContainer(mapping: IncludeMapping, includingFile: string): boolean {
    if (mapping.containers === undefined) return true;
    const holders = this.containersHolding(includingFile);
    return holders === undefined || mapping.containers.some((container) => holders.has(container));
  }

  private insideLintRoots(path: string): boolean {
    return this.lintRoots.some((root) => path === root || path.startsWith(root.endsWith('/') ? root : root + '/'));
  }

  /** The mapping of the path itself or of the deepest directory above it, where one tree file stands there. */
  private explicitMapping(pattern: string, includingFile: string): IncludeMapping | undefined {
    return this.deepestMapping(pattern, (m) => this.sameContainer(m, includingFile));
  }

  /** The deepest of the mappings `holds` accepts that puts something at `path` (absolute, in a container), where one tree file stands there. */
  private deepestMapping(path: string, holds: (mapping: IncludeMapping) => boolean): IncludeMapping | undefined {
    return oneFilePerPath(this.mappings.filter((m) => (path === m.from || (!m.exact && path.startsWith(m.from.replace(/\/$/, '') + '/'))) && holds(m))).sort(
      (a, b) => b.from.length - a.from.length,
    )[0];
  }

  private relativeCandidates(pattern: string, includingFile: string, prefixDir: string | undefined): string[] {
    if (prefixDir) return [nodePath.join(prefixDir, pattern)];
    // Read on its own, the prefix is unknown: try the file's directory and its parents in the tree.
    const candidates: string[] = [];
    for (let dir = nodePath.dirname(includingFile); ; dir = nodePath.dirname(dir)) {
      candidates.push(nodePath.join(dir, pattern));
      if (!this.insideLintRoots(nodePath.dirname(dir)) || dir === nodePath.dirname(dir)) break;
    }
    return candidates;
  }

  private absoluteCandidates(pattern: string, includingFile: string, prefixDir: string | undefined): string[] {
    const candidates: string[] = [];
    const explicit = this.explicitMapping(pattern, includingFile);
    if (explicit) return [treePathOf(explicit, pattern)];
    if (prefixDir) {
      for (const prefix of CONVENTIONAL_PREFIXES) {
        if (pattern.startsWith(prefix + '/')) candidates.push(nodePath.join(prefixDir, pattern.slice(prefix.length + 1)));
      }
    }
    if (this.insideLintRoots(pattern)) candidates.push(pattern);
    append(candidates, this.suffixCandidates(pattern, includingFile));
    // Last resort: files deployed together sit together. `include /etc/nginx/conf.d/locations;`
    // in a file of ./nginx/ (mounted at /etc/nginx/conf.d) names ./nginx/locations.
    // Only for a literal name: a glob there would match the including file's own neighbours.
    const sibling = nodePath.join(nodePath.dirname(includingFile), nodePath.basename(pattern));
    if (!hasGlob(pattern) && sibling !== includingFile) candidates.push(sibling);
    return candidates;
  }

  /** `/etc/nginx/conf.d/*.conf` → `<tree>/…/conf.d/*.conf` for the longest suffix that names a tree directory. */
  private suffixCandidates(pattern: string, includingFile: string): string[] {
    const segments = pattern.split('/').filter(Boolean);
    // Keep at least one directory name: a bare `*.conf` would match anything anywhere.
    for (let drop = 0; drop <= segments.length - 2; drop++) {
      const dirSegments = segments.slice(drop, segments.length - 1);
      if (dirSegments.some(hasGlob)) continue;
      const dirSuffix = '/' + dirSegments.join('/');
      const matches = this.treeDirectories.filter((dir) => dir.endsWith(dirSuffix));
      if (matches.length === 0) continue;
      const fileName = segments[segments.length - 1];
      // The directory closest to the including file wins when several share the suffix.
      matches.sort((a, b) => commonPrefixLength(b, includingFile) - commonPrefixLength(a, includingFile) || a.localeCompare(b));
      return matches.map((dir) => nodePath.join(dir, fileName));
    }
    return [];
  }

  /**
   * glob(3) as nginx calls it: sorted, `*` and `?` do not match a leading dot or a slash. Every
   * directory is listed through the run's confined file system, so a mask that climbs out of
   * the tree (`../../etc/pass*`) or a match that is a link out of it is refused, not read.
   */
  expandGlob(pattern: string): { files: string[]; outside: string[]; truncated: boolean } {
    const segments = pattern.split('/');
    let last = segments.length - 1;
    while (last > 0 && segments[last] === '') last--;
    let current = [segments[0] === '' ? '/' : segments[0]];
    const outside = new Set<string>();
    let visited = 0;
    let truncated = false;
    for (let i = 1; i < segments.length && !truncated; i++) {
      const segment = segments[i];
      if (segment === '') continue;
      const next: string[] = [];
      const glob = hasGlob(segment) ? compileGlobSegment(segment) : undefined;
      for (const dir of current) {
        if (!glob) {
          next.push(nodePath.join(dir, segment));
          continue;
        }
        let names: string[];
        try {
          names = this.fs.list(dir);
        } catch {
          if (this.fs.kind(dir) === 'outside') outside.add(dir);
          continue;
        }
        for (const name of names) {
          if (!matchGlobSegment(glob, name)) continue;
          if (++visited > this.maxGlobPaths) {
            truncated = true;
            break;
          }
          next.push(nodePath.join(dir, name));
        }
        if (truncated) break;
      }
      // Cut short before the last segment, these are directories on the way, not matches.
      current = truncated && i < last ? [] : next;
    }
    const files: string[] = [];
    for (const path of current) {
      const kind = this.fs.kind(path);
      // nginx opens every match: a directory is kept, so that the reader can report that it fails.
      if (kind === 'file' || kind === 'directory') files.push(path);
      else if (kind === 'outside') outside.add(path);
    }
    return { files: files.sort(compareBytes), outside: [...outside].sort(compareBytes), truncated };
  }
}

/**
 * The mappings whose path no other maps to another tree file: several images may each place their
 * own file at one path, and where the including file's container is not known, which one nginx
 * reads is not known either.
 */
function oneFilePerPath(mappings: IncludeMapping[]): IncludeMapping[] {
  const files = new Map<string, Set<string>>();
  for (const mapping of mappings) files.set(mapping.from, (files.get(mapping.from) ?? new Set()).add(mapping.to));
  return mappings.filter((mapping) => files.get(mapping.from)!.size === 1);
}

/** The tree path a mapping gives `path` (in the container, at or under the mapping's destination). */
function treePathOf(mapping: IncludeMapping, path: string): string {
  return nodePath.join(mapping.to, path.slice(mapping.from.replace(/\/$/, '').length));
}

/** Where a mapping puts a tree file in its containers: the path itself or under a directory it maps; undefined when it does not place the file. */
function pathInContainer(mapping: IncludeMapping, file: string): string | undefined {
  if (file === mapping.to) return mapping.from;
  const directory = mapping.to.endsWith(nodePath.sep) ? mapping.to : mapping.to + nodePath.sep;
  if (mapping.exact || !file.startsWith(directory)) return undefined;
  return nodePath.posix.join(mapping.from, file.slice(directory.length).split(nodePath.sep).join('/'));
}

/** strcmp on the bytes, as glob(3) sorts in nginx's C locale (JS `<` compares UTF-16 units). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(encodePathBytes(a), encodePathBytes(b));
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
