/**
 * The nginx reader: parses every nginx file once, finds the main configs, expands includes in
 * the context they appear in (a file included from two places is expanded in each), and reads
 * every file that no main config reaches as a snippet on its own.
 */
import * as nodePath from 'path';
import type { FileSystem } from '../../discovery/fs';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { GeneratedOrigin } from '../../source/setting';
import { decodeUtf8, SourceText } from '../../source/text';
import { TemplateSourceText } from '../template-text';
import {
  CONVENTIONAL_PREFIXES,
  IncludeMapping,
  IncludeResolver,
  isShippedWithNginx,
  MAX_GLOB_PATHS,
  WrittenPath,
  WrittenPathEntry,
  WrittenPathIndex,
} from './include';
import { readsLikeNginx } from './lookalike';
import { MAX_BLOCK_DEPTH, NginxDirective, ParsedNginxFile, parseNginx, sourceOf } from './parse';
import { nginxTemplateDialect, parseNginxTemplate, settleTemplate } from './template';
import { messageOf } from '../../source/thrown';

export type { NginxDirective, ParsedNginxFile } from './parse';

/** A directive in the context where nginx evaluates it, with includes replaced by their content. */
export interface ExpandedDirective {
  directive: NginxDirective;
  /** Expanded block content, for block directives. */
  children?: ExpandedDirective[];
  /** The `include` directives this one was reached through, outermost first. */
  via: NginxDirective[];
  /** For directives a controller renders (ingress-nginx) from a ConfigMap key, an annotation or its own default. */
  generated?: GeneratedOrigin;
  /**
   * The containers whose nginx reads the directive, where the tree says (a compose mount or an
   * image's COPY puts the file, or a file including it, in some containers only); undefined where
   * any nginx may. nginx-processes.ts answers from it which directives one nginx loads together.
   */
  containers?: ReadonlySet<string>;
}

export type NginxRootContext = 'main' | 'http' | 'server' | 'location';

export interface NginxConfigRoot {
  /** `main`: a complete nginx.conf; `snippet`: a file no main config includes, read on its own. */
  kind: 'main' | 'snippet';
  /** As shown to the user. */
  file: string;
  context: NginxRootContext;
  directives: ExpandedDirective[];
  /** Set for a configuration a controller renders from other files (`ingress-nginx`), not read from an nginx file. */
  generatedBy?: string;
}

export interface NginxReadResult {
  roots: NginxConfigRoot[];
  /** Every nginx file read, by real path. */
  files: Map<string, ParsedNginxFile>;
  diagnostics: ReaderDiagnostic[];
  /** Files an include reached, by the path the include resolved to, with the file that included them first (shown). */
  includedFrom: Map<string, string>;
  /** Files found by name that read like another server's (lookalike.ts), left unread unless an include names them. */
  lookalikes: Set<string>;
}

export interface NginxReaderOptions {
  fs: FileSystem;
  /** Every file discovered in the tree (absolute), for mapping absolute include paths. */
  treeFiles: string[];
  lintRoots: string[];
  /** Files the user said are nginx (named on the command line, or mapped in "files"): read whatever they look like. */
  readAsNginx?: Set<string>;
  includeMappings: IncludeMapping[];
  /** Paths the tree's scripts write (an entrypoint's envsubst, cp, ln -s): an include of one is not an omission of the tree. */
  writtenPaths?: WrittenPath[];
  displayPath(absolute: string): string;
  /** Templates rendered where the image writes them (rendered-templates.ts), and files a ConfigMap places, by virtual path. */
  rendered?: ReadonlyMap<string, SourceText>;
  /** Lower caps than MAX_EXPANDED_DIRECTIVES and MAX_GLOB_PATHS, for tests that reach them quickly. */
  limits?: { expandedDirectives?: number; globPaths?: number };
}

/** Deeper than any real config; stops runaway recursion that is not a plain cycle. */
export const MAX_INCLUDE_DEPTH = 64;

/**
 * Directives expanded again from files already expanded elsewhere, in one run across every root
 * and context. Includes that fan out level by level (each file including the next ten times)
 * multiply without bound while the files stay small, and each expanded directive costs memory.
 * A file's first expansion is not counted: it is bounded by the size of the tree, so a large
 * `geo` list included once is never cut. 1000 servers each including a 100-line snippet repeat
 * 100,000 directives; ten times this many took 1 GB.
 */
export const MAX_EXPANDED_DIRECTIVES = 300_000;

/**
 * Included files expanded per root, past which includes are not followed. Every path through
 * the includes is a context of its own, so files that each include the glob they are found by
 * would take factorial time: once a root has a cycle (nginx cannot load it anyway) the limit
 * drops to MAX_INCLUDED_FILES_AFTER_CYCLE. The plain limit is a safety net far above real configs.
 */
export const MAX_INCLUDED_FILES_PER_ROOT = 200_000;
const MAX_INCLUDED_FILES_AFTER_CYCLE = 10_000;
const freshBudget = () => ({ used: 0, limit: MAX_INCLUDED_FILES_PER_ROOT, noted: false, cycle: false });

const MAIN_ONLY_DIRECTIVES = new Set(['http', 'events', 'stream', 'mail', 'worker_processes', 'user', 'pid', 'load_module', 'worker_rlimit_nofile']);
const SERVER_LEVEL_HINTS = new Set(['location', 'listen', 'server_name']);
const HTTP_LEVEL_HINTS = new Set(['server', 'upstream', 'map', 'geo', 'split_clients', 'limit_req_zone', 'limit_conn_zone', 'proxy_cache_path', 'log_format']);
/** Directives nginx takes only in a location (or an `if` or `limit_except` inside one). */
const LOCATION_ONLY_HINTS = new Set(['proxy_pass', 'uwsgi_pass', 'fastcgi_pass', 'scgi_pass', 'grpc_pass', 'alias']);

export function readNginxTree(candidates: string[], options: NginxReaderOptions): NginxReadResult {
  const { fs } = options;
  const files = new Map<string, ParsedNginxFile>();
  const diagnostics: ReaderDiagnostic[] = [];
  const reported = new Set<string>();
  const report = (diagnostic: ReaderDiagnostic) => {
    const key = `${diagnostic.ruleId}\0${diagnostic.primary.file}\0${diagnostic.primary.start.offset}\0${diagnostic.message}`;
    if (reported.has(key)) return;
    reported.add(key);
    diagnostics.push(diagnostic);
  };
  const maxDirectives = options.limits?.expandedDirectives ?? MAX_EXPANDED_DIRECTIVES;
  const maxGlobPaths = options.limits?.globPaths ?? MAX_GLOB_PATHS;
  const resolver = new IncludeResolver(fs, options.treeFiles, options.lintRoots, options.includeMappings, maxGlobPaths);

  const insideLintRoots = (path: string) => options.lintRoots.some((root) => path === root || path.startsWith(root.endsWith('/') ? root : root + '/'));

  /**
   * Parse a file once. A symlink is another name for its target: when the target lies in the
   * linted tree the file is read, shown and resolved under its real path, whichever name reached
   * it first (a main config found through a link keeps its own directory as the prefix).
   */
  const realPaths = new Map<string, string>();
  /** Parsed, but read like another server's file (lookalike.ts): kept in case an include names one. */
  const setAside = new Map<string, ParsedNginxFile>();
  /**
   * @param requireNginx found by its name or by a glob, not named by an include: a file that does
   *   not read like nginx is left alone ({ notNginx }).
   */
  const load = (path: string, requireNginx = false): { real: string; path: string; parsed: ParsedNginxFile } | { error: string } | { notNginx: true } => {
    let real = realPaths.get(path);
    try {
      real = real ?? fs.realpath(path);
    } catch (error) {
      return { error: messageOf(error) };
    }
    realPaths.set(path, real);
    const shown = real !== path && insideLintRoots(real) ? real : path;
    const cached = files.get(real);
    if (cached) return { real, path: shown, parsed: cached };
    let raw = setAside.get(real);
    const rendered = options.rendered?.get(shown);
    if (!raw && rendered) raw = parseNginx(rendered);
    if (!raw) {
      let text: string;
      try {
        text = decodeUtf8(fs.read(shown));
      } catch (error) {
        return { error: messageOf(error) };
      }
      const dialect = nginxTemplateDialect(shown, text);
      raw = dialect ? parseNginxTemplate(options.displayPath(shown), text, dialect) : parseNginx(new SourceText(options.displayPath(shown), text));
    }
    if (requireNginx && !readsLikeNginx(raw)) {
      setAside.set(real, raw);
      return { notNginx: true };
    }
    setAside.delete(real);
    const parsed = settleTemplate(raw);
    files.set(real, parsed);
    for (const diagnostic of parsed.diagnostics) report(diagnostic);
    return { real, path: shown, parsed };
  };

  const includedFrom = new Map<string, string>();
  const lookalikes = new Set<string>();
  const reachedFromElsewhere = new Set<string>();
  /** Reset for each root; `cycle` keeps the truncation quiet when a cycle already explains it. */
  let budget = freshBudget();
  const cycleReported = new Set<string>();
  /** Directives expanded again so far in the whole run, against MAX_EXPANDED_DIRECTIVES. */
  let expandedDirectives = 0;
  const expandedOnce = new WeakSet<ParsedNginxFile>();
  let directiveCapReported = false;
  const directiveCounts = new WeakMap<ParsedNginxFile, number>();
  const directiveCount = (parsed: ParsedNginxFile): number => {
    let count = directiveCounts.get(parsed);
    if (count === undefined) {
      count = 0;
      const pending = [parsed.directives];
      for (let list = pending.pop(); list; list = pending.pop()) {
        count += list.length;
        for (const directive of list) if (directive.block) pending.push(directive.block);
      }
      directiveCounts.set(parsed, count);
    }
    return count;
  };
  const limit = (argument: NginxDirective['args'][number], message: string) =>
    report({ ruleId: 'include-limit', message, primary: argument.span, related: [] });

  // Every level's entries go on one stack and leave it as an exact-length copy when the level is
  // done (a nested block's on top, gone before its parent goes on): no list grown by push per block.
  const pending: ExpandedDirective[] = [];
  let top = 0;
  const expand = (
    directives: NginxDirective[],
    file: string,
    prefixDir: string | undefined,
    /** nginx's prefix in each container that holds the main config (IncludeResolver.prefixesInContainers). */
    prefixes: ReadonlyMap<string, string> | undefined,
    stack: string[],
    via: NginxDirective[],
    nesting: number,
    containers: ReadonlySet<string> | undefined,
  ): ExpandedDirective[] => {
    const start = top;
    for (let i = 0; i < directives.length; i++) {
      const directive = directives[i];
      // `children` and `containers` from the start, set or not: every node then has one shape, and code that reads
      // them stays optimised (a node given `children` later has another, and deoptimised it).
      const node: ExpandedDirective = { directive, children: undefined, via, containers };
      pending[top++] = node;
      if (directive.block) node.children = expand(directive.block, file, prefixDir, prefixes, stack, via, nesting + 1, containers);
      if (directive.name !== 'include' || directive.args.length !== 1) continue;
      const argument = directive.args[0];
      if (argument.value.includes('$')) continue; // nginx does not expand variables in include
      // A relative path names a file in each container's prefix, where its own mounts answer first.
      const resolution =
        prefixDir && prefixes && containers && !nodePath.isAbsolute(argument.value)
          ? resolver.resolveInContainers(argument.value, file, prefixDir, new Map([...containers].map((container) => [container, prefixes.get(container)])))
          : resolver.resolve(argument.value, file, prefixDir);
      if (resolution.outside.length > 0) reportOutside(argument, resolution.outside);
      if (resolution.truncated) {
        limit(argument, `Include "${argument.value}" matches more than ${maxGlobPaths} paths; the matches past that are skipped`);
      }
      if (resolution.missing) {
        const writes = writtenBy(argument.value);
        if (writes.length > 0) {
          const gap = writes.every((entry) => entry.kind === 'gap');
          const scripts = [...new Set(writes.flatMap((entry) => [...entry.scripts]))];
          report({
            ruleId: 'include-missing',
            message: `Include "${argument.value}" is not in the linted tree; ${
              gap
                ? `${listed(scripts)} write${scripts.length === 1 ? 's' : ''} files into "${writes[0].path}" whose names depend on variables`
                : `${listed(scripts)} write${scripts.length === 1 ? 's' : ''} it`
            }; cfglint does not read what a script writes, so the directives it adds are not checked`,
            primary: argument.span,
            related: writes
              .flatMap((entry) => entry.first)
              .slice(0, 3)
              .map((write) => ({ span: write.span, label: gap ? 'writes into this directory' : 'writes it' })),
            severity: 'info',
            maxSeverity: 'info',
          });
        } else if (!isShippedWithNginx(argument.value)) {
          // A template's includes name files on the machine it is rendered for, often written
          // by the same generator: worth a note, not a warning.
          const inTemplate = sourceOf(directive) instanceof TemplateSourceText;
          report({
            ruleId: 'include-missing',
            message:
              `Missing include "${argument.value}": no such file in the linted tree` +
              (nodePath.isAbsolute(argument.value) ? '; map its directory with "nginx.includeMap" in .cfglint.json if it lives elsewhere' : '') +
              (inTemplate ? ' (included from a template, whose generator may write it)' : ''),
            primary: argument.span,
            related: [],
            ...(inTemplate ? { severity: 'info' as const } : {}),
          });
        }
        continue;
      }
      const directories = resolution.files.filter((target) => fs.kind(target) === 'directory');
      const directorySet = new Set(directories);
      if (directories.length > 0) {
        // One finding per include: a glob over a directory of links to itself matches thousands.
        const named = directories
          .slice(0, 3)
          .map((dir) => `"${options.displayPath(dir)}"`)
          .join(', ');
        const more = directories.length > 3 ? ` and ${directories.length - 3} more` : '';
        report({
          ruleId: 'read-error',
          message: `Include "${argument.value}" matches the director${directories.length === 1 ? 'y' : 'ies'} ${named}${more}`,
          help: 'nginx reads every match as a file and refuses to start (nginx -t 1.22.1: pread() failed (21: Is a directory)); move the directory or narrow the pattern',
          primary: argument.span,
          related: [],
        });
      }
      // A glob takes whatever the tree holds under that name; only what reads like nginx is nginx's.
      const isGlob = /[*?[]/.test(argument.value);
      for (const target of resolution.files) {
        if (directorySet.has(target)) continue;
        const loaded = load(target, isGlob);
        if ('notNginx' in loaded) continue;
        if ('error' in loaded) {
          report({ ruleId: 'read-error', message: loaded.error, primary: argument.span, related: [] });
          continue;
        }
        if (stack.includes(loaded.real)) {
          if (!budget.cycle) budget = { ...budget, cycle: true, used: 0, limit: MAX_INCLUDED_FILES_AFTER_CYCLE };
          // One finding per include: a glob that loops back to several files is one problem.
          const at = `${argument.span.file}\0${argument.span.start.offset}`;
          if (cycleReported.has(at)) continue;
          cycleReported.add(at);
          report({
            ruleId: 'include-cycle',
            message: `Include cycle: "${options.displayPath(target)}" includes itself through this include`,
            help: 'nginx recurses until it crashes (nginx -t 1.22.1 ends in a segmentation fault); remove one of the includes',
            primary: argument.span,
            related: [],
          });
          continue;
        }
        if (stack.length >= MAX_INCLUDE_DEPTH) {
          limit(argument, `Includes nested deeper than ${MAX_INCLUDE_DEPTH} levels: "${argument.value}" is not followed further`);
          continue;
        }
        if (nesting >= MAX_BLOCK_DEPTH) {
          limit(argument, `Blocks nested deeper than ${MAX_BLOCK_DEPTH} levels across included files: "${argument.value}" is not followed further`);
          continue;
        }
        if (++budget.used > budget.limit) {
          if (!budget.noted && !budget.cycle) {
            limit(argument, `Includes expand to more than ${budget.limit} files from one root: this include and every later one in it are skipped`);
          }
          budget.noted = true;
          continue;
        }
        if (expandedOnce.has(loaded.parsed)) {
          const count = directiveCount(loaded.parsed);
          if (expandedDirectives + count > maxDirectives) {
            if (!directiveCapReported) {
              limit(
                argument,
                `Includes repeat files already expanded elsewhere into more than ${maxDirectives} directives: this include and every later repeat are skipped`,
              );
            }
            directiveCapReported = true;
            continue;
          }
          expandedDirectives += count;
        }
        expandedOnce.add(loaded.parsed);
        reachedFromElsewhere.add(loaded.real);
        if (!includedFrom.has(target)) includedFrom.set(target, options.displayPath(file));
        const children = (node.children ??= []);
        // A loop, not push(...): one file may hold more directives than a call can take as arguments.
        const placedIn = resolution.containersOf?.get(target);
        const childContainers = placedIn ? narrowed(containers, placedIn) : containers;
        for (const child of expand(
          loaded.parsed.directives,
          loaded.path,
          prefixDir,
          prefixes,
          [...stack, loaded.real],
          [...via, directive],
          nesting,
          childContainers,
        ))
          children.push(child);
      }
    }
    // At its exact length: every block's list lives as long as the model.
    const out = pending.slice(start, top);
    top = start;
    return out;
  };

  /**
   * The script writes that put an include's file in place: an absolute path as written, a
   * relative one under any of the usual prefixes (the tree does not say where nginx runs).
   */
  const written = new WrittenPathIndex(options.writtenPaths ?? []);
  const writtenBy = (pattern: string): WrittenPathEntry[] => {
    if (written.size === 0) return [];
    const paths = nodePath.isAbsolute(pattern)
      ? [nodePath.posix.normalize(pattern)]
      : CONVENTIONAL_PREFIXES.map((prefix) => nodePath.posix.join(prefix, pattern));
    const found = new Set<WrittenPathEntry>();
    for (const path of paths) for (const entry of written.writesOf(path)) found.add(entry);
    // Exact writes before gaps: they say more.
    return [...found].sort((a, b) => Number(a.kind === 'gap') - Number(b.kind === 'gap'));
  };

  /** Names only what the include says and the tree holds: nothing of the target, not even its real path. */
  const reportOutside = (argument: NginxDirective['args'][number], refused: string[]) => {
    const links = refused.filter(insideLintRoots).map((path) => `"${options.displayPath(path)}"`);
    const how =
      links.length === 0
        ? ''
        : ` (${links.slice(0, 3).join(', ')}${links.length > 3 ? ` and ${links.length - 3} more` : ''} lead${links.length === 1 ? 's' : ''} out through a symbolic link)`;
    report({
      ruleId: 'include-outside-tree',
      message: `Include "${argument.value}" reaches outside the linted tree${how}; cfglint does not read it`,
      help: 'lint a directory that holds the file, or map the path with "nginx.includeMap" in .cfglint.json',
      primary: argument.span,
      related: [],
    });
  };

  // Parse every candidate first, so that main configs are known before any snippet is rooted.
  const loaded: { path: string; real: string; parsed: ParsedNginxFile }[] = [];
  const loadedReals = new Set<string>();
  for (const path of candidates) {
    // A file named on the command line (or mapped to nginx) is read as the user asked, whatever it looks like.
    const result = load(path, !options.lintRoots.includes(path) && !options.readAsNginx?.has(path));
    if ('notNginx' in result) {
      lookalikes.add(path);
      continue;
    }
    if ('error' in result) {
      report({
        ruleId: 'read-error',
        message: result.error.replace(path, options.displayPath(path)),
        primary: wholeFileSpan(options.displayPath(path)),
        related: [],
      });
      continue;
    }
    // A set, not a search of the list: a tree of 10,000 files made this quadratic.
    if (!loadedReals.has(result.real)) {
      loadedReals.add(result.real);
      loaded.push(result);
    }
  }

  const roots: NginxConfigRoot[] = [];
  const mains = loaded.filter((entry) => isMainConfig(entry.path, entry.parsed));
  for (const main of mains) {
    const prefixDir = nodePath.dirname(main.path);
    budget = freshBudget();
    roots.push({
      kind: 'main',
      file: options.displayPath(main.path),
      context: 'main',
      directives: expand(
        main.parsed.directives,
        main.path,
        prefixDir,
        resolver.prefixesInContainers(main.path),
        [main.real],
        [],
        0,
        resolver.containersHolding(main.path),
      ),
    });
  }

  // Files no main config reached are snippets. One that another snippet includes is read there.
  const orphans = loaded.filter((entry) => !mains.includes(entry) && !reachedFromElsewhere.has(entry.real));
  const reachedByMains = new Set(reachedFromElsewhere);
  const snippetExpansions = orphans.map((entry) => {
    reachedFromElsewhere.clear();
    budget = freshBudget();
    const directives = expand(entry.parsed.directives, entry.path, undefined, undefined, [entry.real], [], 0, resolver.containersHolding(entry.path));
    return { entry, directives, reaches: new Set(reachedFromElsewhere) };
  });
  for (const snippet of snippetExpansions) {
    const includedByAnother = snippetExpansions.some(
      (other) => other !== snippet && other.reaches.has(snippet.entry.real) && !snippet.reaches.has(other.entry.real),
    );
    if (includedByAnother || reachedByMains.has(snippet.entry.real)) continue;
    roots.push({
      kind: 'snippet',
      file: options.displayPath(snippet.entry.path),
      context: snippetContext(snippet.entry.parsed),
      directives: snippet.directives,
    });
  }

  return { roots, files, diagnostics, includedFrom, lookalikes };
}

/**
 * The containers that read a file an include finds placed in `placedIn`: those of them that also
 * read the including file. None in common says the tree's mappings disagree; the placement stands then.
 */
function narrowed(including: ReadonlySet<string> | undefined, placedIn: readonly string[]): ReadonlySet<string> {
  const common = including ? placedIn.filter((container) => including.has(container)) : placedIn;
  return new Set(common.length > 0 ? common : placedIn);
}

function isMainConfig(path: string, parsed: ParsedNginxFile): boolean {
  if (parsed.directives.some((d) => MAIN_ONLY_DIRECTIVES.has(d.name))) return true;
  return (
    nodePath.basename(path) === 'nginx.conf' &&
    parsed.directives.some((d) => d.name === 'include') &&
    !parsed.directives.some((d) => SERVER_LEVEL_HINTS.has(d.name) || HTTP_LEVEL_HINTS.has(d.name))
  );
}

/** The block a snippet's top-level directives belong to when the file is read on its own. */
function snippetContext(parsed: ParsedNginxFile): NginxRootContext {
  const names = new Set(parsed.directives.map((d) => d.name));
  if ([...HTTP_LEVEL_HINTS].some((name) => names.has(name))) return 'http';
  if ([...SERVER_LEVEL_HINTS].some((name) => names.has(name))) return 'server';
  // A location's body kept in a file of its own (`include proxy.conf;` inside a location elsewhere):
  // its settings are that location's, never the http level's of the other snippets.
  if ([...LOCATION_ONLY_HINTS].some((name) => names.has(name))) return 'location';
  return 'http';
}

function listed(names: string[]): string {
  const quoted = names.slice(0, 3).map((name) => `"${name}"`);
  if (names.length > 3) return `${quoted.join(', ')} and ${names.length - 3} more`;
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

function wholeFileSpan(file: string) {
  const start = { line: 1, column: 1, offset: 0 };
  return { file, start, end: start };
}
