/**
 * The nginx part of the deployment model: the http/server/location tree with nginx's
 * inheritance, upstream groups (explicit and implicit) and every place a request is passed on.
 * Rules ask questions here; they never walk syntax trees themselves.
 */
import type { Span } from '../source/span';
import type { ExpandedDirective, NginxConfigRoot, NginxDirective } from '../readers/nginx';
import type { Setting } from '../source/setting';
import type { DirectiveTableOptions } from '../reference/nginx/directives';
import { defaultFor } from '../reference/nginx/defaults';
import { argCountOf, argValueOf, NginxDirectiveIndex, serverNaming } from './nginx-directives';
import { parseNginxValue, UNIT_OF, VALUE_SYNTAX } from './nginx-value-syntax';
import { combineVersions, formatVersion, NginxVersionInfo, VersionRange } from '../reference/nginx/version';
import { sharedDirectoryDepth } from '../source/path-tails';
import { DirectiveCensus } from './nginx-census';
import { NginxVariables, URI_VARIABLES } from './nginx-variables';
import { isOnePlaceholder, isUnknownValue, TemplateAddress, UNKNOWN_MARK, withPlaceholdersShown, WrittenTemplateValue } from '../discovery/template';
import { writtenArgOf } from '../readers/nginx/template';

export type NginxBlockKind = 'main' | 'http' | 'server' | 'location' | 'if' | 'limit_except' | 'upstream' | 'events' | 'other';

const NONE: ExpandedDirective[] = [];

/** NginxBlock.inheritedList's answer: the list nginx uses, and on first read what it shadows. */
class InheritedList {
  constructor(
    private readonly name: string,
    readonly entries: ExpandedDirective[],
    readonly block: NginxBlock,
  ) {}

  /** The outer levels' lists of the same directive (up to http), which nginx does not inherit here. */
  get dropped(): ExpandedDirective[] {
    const dropped: ExpandedDirective[] = [];
    for (const outer of this.block.inheritanceChain().slice(1)) for (const entry of outer.own(this.name)) dropped.push(entry);
    return dropped;
  }
}

/** A list set nowhere up the chain: shared, so callers must not change it (as own()'s lists). */
const NOT_INHERITED: { entries: ExpandedDirective[]; dropped: ExpandedDirective[] } = Object.freeze({ entries: NONE, dropped: NONE });
/** Up to this many directives, a level is scanned rather than indexed by name. */
const SCAN_LIMIT = 16;

export class NginxBlock {
  /** The blocks directly inside, in order; filled while the model is built (buildChildren). */
  children: NginxBlock[] = [];
  /** The directives of this level in order, includes replaced by what they include. */
  readonly directives: ExpandedDirective[];

  constructor(
    readonly kind: NginxBlockKind,
    /** The block directive (`server`, `location`), or undefined for a root. */
    readonly node: ExpandedDirective | undefined,
    readonly parent: NginxBlock | undefined,
    contents: ExpandedDirective[],
    /** Given for roots; a nested block's is built from its parent's on first read. */
    private fixedPath?: string,
  ) {
    this.directives = flattenIncludes(contents);
  }

  /** Stable path for fingerprints: http>server[example.com]>location[/api]. */
  get path(): string {
    // Only findings read it, so most blocks of a large tree never build theirs.
    this.fixedPath ??= this.parent && this.node ? `${this.parent.path}>${blockLabel(this.node.directive, this.parent)}` : this.kind;
    return this.fixedPath;
  }

  get directive(): NginxDirective | undefined {
    return this.node?.directive;
  }

  /** Directives named `name` at this level. */
  own(name: string): ExpandedDirective[] {
    // A small level is scanned; a large one is indexed once (an http block with thousands of
    // servers is asked once per location).
    if (!this.byName && this.directives.length <= SCAN_LIMIT) {
      let found: ExpandedDirective[] | undefined;
      const { directives } = this;
      for (let i = 0; i < directives.length; i++) {
        const entry = directives[i];
        if (entry.directive.name !== name) continue;
        // `[entry]` has room for one: most names occur once, and `[]` grown by push holds 17.
        if (found) found.push(entry);
        else found = [entry];
      }
      return found ?? NONE;
    }
    if (!this.byName) {
      this.byName = new Map();
      for (const entry of this.directives) {
        const list = this.byName.get(entry.directive.name);
        if (list) list.push(entry);
        else this.byName.set(entry.directive.name, [entry]);
      }
    }
    return this.byName.get(name) ?? NONE;
  }

  private byName: Map<string, ExpandedDirective[]> | undefined;

  /** The last directive named `name` at this level (nginx rejects most duplicates anyway). */
  ownLast(name: string): ExpandedDirective | undefined {
    // Most levels hold a handful of directives: scanning them beats building the name index.
    if (!this.byName && this.directives.length <= SCAN_LIMIT) {
      for (let i = this.directives.length - 1; i >= 0; i--) if (this.directives[i].directive.name === name) return this.directives[i];
      return undefined;
    }
    const own = this.own(name);
    return own[own.length - 1];
  }

  /** This block and its ancestors up to and including the http block, innermost first. */
  inheritanceChain(): NginxBlock[] {
    const chain: NginxBlock[] = [];
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loop variable walks up from this block; nothing captures it
    for (let block: NginxBlock | undefined = this; block; block = block.parent) {
      if (block.kind === 'upstream' || block.kind === 'events') break;
      chain.push(block);
      if (block.kind === 'http' || block.kind === 'main') break;
    }
    return chain;
  }

  /** A single-value directive after inheritance: the innermost level that sets it. */
  inherited(name: string): { entry: ExpandedDirective; block: NginxBlock } | undefined {
    // The chain of inheritanceChain(), walked without building it: rules ask this for every
    // location and several names, and most of the answers are "not set anywhere".
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loop variable walks up from this block; nothing captures it
    for (let block: NginxBlock | undefined = this; block; block = block.parent) {
      if (block.kind === 'upstream' || block.kind === 'events') break;
      const entry = block.ownLast(name);
      if (entry) return { entry, block };
      if (block.kind === 'http' || block.kind === 'main') break;
    }
    return undefined;
  }

  /**
   * An array directive (proxy_set_header, add_header, uwsgi_param, ...) after inheritance:
   * nginx inherits the outer level's list only when this level has none, so a location that
   * sets one header drops every server-level header. `dropped` lists what was shadowed.
   */
  inheritedList(name: string): { entries: ExpandedDirective[]; block?: NginxBlock; dropped: ExpandedDirective[] } {
    // The chain of inheritanceChain(), walked without building it: rules ask this for every
    // pass, and most never read what was dropped.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loop variable walks up from this block; nothing captures it
    for (let block: NginxBlock | undefined = this; block; block = block.parent) {
      if (block.kind === 'upstream' || block.kind === 'events') break;
      const entries = block.own(name);
      if (entries.length > 0) return new InheritedList(name, entries, block);
      if (block.kind === 'http' || block.kind === 'main') break;
    }
    return NOT_INHERITED;
  }

  /**
   * A setting as nginx will use it here: inherited from the nearest level that sets it (an
   * upstream block's settings are its own), in canonical units, with its source; else the
   * documented default for `range` (which must not straddle a release where it changed).
   * `value` is undefined for a variable or a value nginx would reject.
   */
  setting(name: string, range: VersionRange): Setting | undefined {
    const syntax = VALUE_SYNTAX[name]?.[0]?.[1];
    const unit = syntax ? UNIT_OF[syntax] : 'text';
    const own = this.kind === 'upstream' ? this.ownLast(name) : this.inherited(name)?.entry;
    if (own) {
      const text = own.directive.args[0]?.value ?? '';
      const value = !syntax ? text : text.includes('$') ? undefined : parseNginxValue(syntax, text);
      const origin = own.generated ? { origin: own.generated } : {};
      if (own.generated?.kind === 'default') {
        // A controller's own default (ingress-nginx): rendered into its nginx.conf, written nowhere in the tree.
        return {
          name,
          value,
          text,
          unit,
          source: { kind: 'default', reference: 'docs/servers/ingress-nginx.md', note: own.generated.text, by: own.generated.controller },
          ...origin,
        };
      }
      return { name, value, text, unit, source: { kind: 'file', span: own.directive.span, via: own.via.map((d) => d.span) }, ...origin };
    }
    const fallback = defaultFor(this.kind === 'upstream' ? `upstream:${name}` : name, range);
    if (!fallback) return undefined;
    const firstWord = fallback.text.split(' ')[0];
    const value = !syntax ? fallback.text : firstWord === '' ? undefined : parseNginxValue(syntax, firstWord);
    return {
      name,
      value,
      text: fallback.text,
      unit,
      source: { kind: 'default', reference: fallback.reference, note: fallback.since ? `nginx ≥ ${fallback.since}` : undefined },
    };
  }

  /**
   * Descendants of this block (not itself), depth first. Collected once, on first use, after the
   * model is built (nested generators cost a frame per level for every block they yield).
   */
  descendants(): readonly NginxBlock[] {
    if (!this.allDescendants) {
      const out: NginxBlock[] = [];
      const collect = (block: NginxBlock) => {
        const { children } = block;
        for (let i = 0; i < children.length; i++) {
          out.push(children[i]);
          collect(children[i]);
        }
      };
      collect(this);
      this.allDescendants = out;
    }
    return this.allDescendants;
  }

  private allDescendants: NginxBlock[] | undefined;

  enclosing(kind: NginxBlockKind): NginxBlock | undefined {
    for (let block = this.parent; block; block = block.parent) if (block.kind === kind) return block;
    return undefined;
  }
}

/** A level's directives with each `include` followed by what it brings, as nginx reads them. */
export function flattenIncludes(contents: ExpandedDirective[]): ExpandedDirective[] {
  // Most levels include nothing: they keep the reader's array instead of a copy.
  if (!contents.some((entry) => entry.children && entry.directive.name === 'include')) return contents;
  const out: ExpandedDirective[] = [];
  for (const entry of contents) {
    out.push(entry);
    // A loop, not push(...): an include may bring more entries than a call can take as arguments.
    if (entry.directive.name === 'include' && entry.children) for (const inner of flattenIncludes(entry.children)) out.push(inner);
  }
  return out;
}

/**
 * A TCP or unix-socket address as nginx writes it; `template`: one a template writes with tags
 * that leave it unknown, kept as written (only the same text of a template of the same
 * deployment is known to be the same address: links.ts).
 */
export type NginxAddress =
  | { kind: 'tcp'; host: string; port: number; text: string }
  | { kind: 'unix'; path: string; text: string }
  | { kind: 'template'; template: TemplateAddress; text: string };

export interface UpstreamServer {
  address: NginxAddress | undefined;
  entry: ExpandedDirective;
  span: Span;
}

/** A class rather than a literal with a getter: a large tree has one per upstream server. */
class UpstreamServerEntry implements UpstreamServer {
  constructor(
    readonly address: NginxAddress | undefined,
    readonly entry: ExpandedDirective,
  ) {}

  /** Built when read (findings and links): most servers of a large tree never need it. */
  get span(): Span {
    return this.entry.directive.args[0]?.span ?? this.entry.directive.span;
  }
}

export interface UpstreamGroup {
  name: string;
  /** The name as a template writes it, where its tags leave it unknown (`{{ project }}_app`). */
  written?: string;
  /** The `upstream name { ... }` block; undefined for an implicit upstream. */
  block?: NginxBlock;
  servers: UpstreamServer[];
}

export type PassModule = 'proxy' | 'uwsgi' | 'fastcgi' | 'grpc' | 'scgi';

export interface UpstreamPass {
  module: PassModule;
  entry: ExpandedDirective;
  /** The location (or `if` inside one) holding the directive. */
  location: NginxBlock;
  /** `http`, `https`, `grpc`, `grpcs` for proxy_pass/grpc_pass; undefined otherwise. */
  scheme?: string;
  /** proxy_pass's URI part (`/api/` of `http://app/api/`), when written without variables. */
  uri?: string;
  /**
   * The value holds variables (`proxy_pass $backend;` after `set $backend http://app:8000;`, or
   * `http://app:8000$request_uri`): nginx evaluates it per request and looks a host name up among
   * the upstream groups, then with its `resolver`, not once at start.
   */
  variableValue?: boolean;
  target: { kind: 'group'; group: UpstreamGroup } | { kind: 'address'; address: NginxAddress } | { kind: 'variable' } | { kind: 'unresolved'; host: string };
}

const PASS_DIRECTIVES: Record<string, PassModule> = {
  proxy_pass: 'proxy',
  uwsgi_pass: 'uwsgi',
  fastcgi_pass: 'fastcgi',
  grpc_pass: 'grpc',
  scgi_pass: 'scgi',
};

const BLOCK_KINDS: Record<string, NginxBlockKind> = {
  http: 'http',
  server: 'server',
  location: 'location',
  if: 'if',
  limit_except: 'limit_except',
  upstream: 'upstream',
  events: 'events',
};

/** Blocks whose content is data (map entries, types), not directives. */
const DATA_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'match', 'charset_map']);

/** The http-level scopes of a tree: each main config's http block, and one for all snippets. */
export class NginxHttpScope {
  readonly upstreams: UpstreamGroup[] = [];
  readonly passes: UpstreamPass[] = [];
  readonly servers: NginxBlock[] = [];
  readonly locations: NginxBlock[] = [];
  /** Every directive of the scope by name, with its block: rules start from the names they judge. */
  readonly census = new DirectiveCensus();

  constructor(
    readonly http: NginxBlock,
    readonly roots: NginxConfigRoot[],
    /** The nginx that runs this scope's configuration (NginxModel.versionAt). */
    readonly version: NginxVersionInfo,
  ) {}

  /**
   * nginx matches upstream names case-insensitively; the first definition wins. Snippets of
   * several deployments (envs/staging, envs/prod) share one scope here, so when a name is
   * defined more than once, the definition closest to `fromFile` in the directory tree wins.
   */
  findUpstream(name: string, fromFile?: string): UpstreamGroup | undefined {
    return closestUpstream(this.definitionsOf(name), fromFile);
  }

  /**
   * The upstream a template names with the same text (`{{ project }}_app` in the upstream block
   * and in the pass): the same rendering writes both. Closest to the pass, as findUpstream.
   */
  findTemplateUpstream(written: string, fromFile?: string): UpstreamGroup | undefined {
    return closestUpstream(
      this.upstreams.filter((group) => group.block && group.written === written),
      fromFile,
    );
  }

  private definitionsOf(name: string): readonly UpstreamGroup[] {
    if (!this.upstreamsByName) {
      this.upstreamsByName = new Map();
      for (const group of this.upstreams) {
        if (!group.block) continue;
        const key = group.name.toLowerCase();
        const list = this.upstreamsByName.get(key);
        if (list) list.push(group);
        else this.upstreamsByName.set(key, [group]);
      }
    }
    return this.upstreamsByName.get(name.toLowerCase()) ?? [];
  }

  /**
   * The upstream of a pass's name in each nginx process that reads the pass, where a main config
   * that containers run defines the name in a file each fills differently (hypothesis/via's dev
   * compose mounts its own includes/app_upstream.conf): each group with the containers that find
   * it, in the order they are defined. Only `found` where every process finds the same one, or
   * the tree does not say which containers read the pass.
   */
  upstreamsByProcess(pass: UpstreamPass, found: UpstreamGroup): { group: UpstreamGroup; containers?: ReadonlySet<string> }[] {
    const read = pass.entry.containers;
    const groups = read ? this.definitionsOf(found.name) : [];
    if (!read || groups.length < 2) return [{ group: found }];
    const readers = new Map<UpstreamGroup, Set<string>>();
    for (const container of read) {
      const readable = groups.filter((group) => !group.block!.node!.containers || group.block!.node!.containers.has(container));
      const group = closestUpstream(readable, pass.entry.directive.file) ?? found;
      readers.set(group, (readers.get(group) ?? new Set()).add(container));
    }
    // Processes that agree keep the name's usual definition (closest to the pass), as before.
    if (readers.size === 1) return [{ group: found }];
    return groups.filter((group) => readers.has(group)).map((group) => ({ group, containers: readers.get(group)! }));
  }

  private upstreamsByName: Map<string, UpstreamGroup[]> | undefined;

  /**
   * Is `name` set at any level of this scope (the http block or any block in it)? When it is
   * not, every block's inherited value is the default, which lets a rule skip the lookups.
   */
  setsAnywhere(name: string): boolean {
    return this.census.named(name).entries.length > 0;
  }
}

/** nginx's first definition of a name, or where several deployments share a scope, the one closest to `fromFile` in the directory tree. */
function closestUpstream(groups: readonly UpstreamGroup[], fromFile: string | undefined): UpstreamGroup | undefined {
  if (groups.length <= 1 || fromFile === undefined) return groups[0];
  let best = groups[0];
  let bestDepth = -1;
  for (const group of groups) {
    const file = group.block!.directive!.file;
    const depth = file === fromFile ? Infinity : sharedDirectoryDepth(file, fromFile);
    if (depth > bestDepth) {
      best = group;
      bestDepth = depth;
    }
  }
  return best;
}

export class NginxModel {
  readonly scopes: NginxHttpScope[] = [];
  /** The releases the configurations are judged by, each once: one in most trees, which rules then judge everything by. */
  readonly versions: NginxVersionInfo[] = [];
  /** Each root's nginx, and each top block's (a main config's `main`, the snippets' shared `http`). */
  private readonly versionOfRoot = new Map<NginxConfigRoot, NginxVersionInfo>();
  private readonly versionOfTop = new Map<NginxBlock, NginxVersionInfo>();

  constructor(
    readonly roots: NginxConfigRoot[],
    /** The tree-wide version (--nginx-version, nginx.version, else every image the tree pins). */
    readonly version: NginxVersionInfo,
    /** Third-party modules and extra directives from .cfglint.json, for `directives`. */
    private readonly directiveOptions: DirectiveTableOptions = {},
    /** Configurations a controller renders (ingress-nginx): judged by the rules, not by the directive checks. */
    generatedRoots: NginxConfigRoot[] = [],
    /**
     * Which deployment a file belongs to (a compose project), when the tree holds several: snippets
     * of different deployments never share an http scope, nor resolve each other's upstream names.
     */
    deploymentOf: (file: string) => string = () => '',
    /**
     * Host names the tree's container networks resolve (compose services, their aliases, `links`
     * aliases in the containers that declare them): a pass to such a name without a port, where no
     * upstream of that name is in the tree, goes to it.
     */
    serviceHosts: ReadonlySet<string> = new Set(),
    /**
     * The nginx that runs a config file, where the tree ties it to an image (a compose service's
     * or a Dockerfile's); undefined where nothing does, and the tree-wide version applies.
     */
    versionOfFile: (file: string) => NginxVersionInfo | undefined = () => undefined,
  ) {
    const interned = new Map<string, NginxVersionInfo>();
    const intern = (version: NginxVersionInfo): NginxVersionInfo => {
      const key = `${formatVersion(version.range.min)}-${formatVersion(version.range.max)}${version.source ? '' : '?'}`;
      const known = interned.get(key);
      if (known) return known;
      interned.set(key, version);
      this.versions.push(version);
      return version;
    };
    intern(version);
    const groupOf = new Map<NginxHttpScope, string>();
    for (const root of [...roots.filter((r) => r.kind === 'main'), ...generatedRoots]) {
      // A controller's rendering keeps the tree-wide version (its release when only it runs nginx).
      const rootVersion = intern((!root.generatedBy && versionOfFile(root.file)) || version);
      this.versionOfRoot.set(root, rootVersion);
      const main = new NginxBlock('main', undefined, undefined, root.directives, 'main');
      this.versionOfTop.set(main, rootVersion);
      buildChildren(main);
      for (const http of main.children.filter((child) => child.kind === 'http')) groupOf.set(this.addScope(http, [root], rootVersion), deploymentOf(root.file));
    }
    const snippetGroups = new Map<string, NginxConfigRoot[]>();
    for (const root of roots.filter((r) => r.kind === 'snippet')) {
      const group = deploymentOf(root.file);
      snippetGroups.set(group, [...(snippetGroups.get(group) ?? []), root]);
    }
    for (const [group, snippetRoots] of snippetGroups) {
      // Snippets that share a scope share one nginx: the one the files tied to an image say (the
      // others are read into that nginx too), else the tree-wide version.
      const groupVersion = intern(combineVersions(snippetRoots.map((root) => versionOfFile(root.file))) ?? version);
      for (const root of snippetRoots) this.versionOfRoot.set(root, groupVersion);
      // Snippets read on their own share one http scope, as conf.d files share nginx.conf's.
      const httpLevel = snippetRoots.filter((root) => root.context === 'http').flatMap((root) => root.directives);
      const shared = new NginxBlock('http', undefined, undefined, httpLevel, 'http');
      this.versionOfTop.set(shared, groupVersion);
      buildChildren(shared);
      for (const root of snippetRoots.filter((r) => r.context === 'server')) {
        // A server-level snippet (locations on their own) gets a server block of its own.
        const server = new NginxBlock('server', undefined, shared, root.directives, `http>server[${root.file}]`);
        shared.children.push(server);
        buildChildren(server);
      }
      for (const root of snippetRoots.filter((r) => r.context === 'location')) {
        // A location-body snippet gets a server and a location of its own.
        const server = new NginxBlock('server', undefined, shared, [], `http>server[${root.file}]`);
        const location = new NginxBlock('location', undefined, server, root.directives, `http>server[${root.file}]>location`);
        server.children = [location];
        shared.children.push(server);
        buildChildren(location);
      }
      groupOf.set(this.addScope(shared, snippetRoots, groupVersion), group);
    }
    // Snippet scopes may name upstreams that only a main config defines, and the other way round.
    for (const scope of this.scopes) {
      const together = this.scopes.filter((other) => groupOf.get(other) === groupOf.get(scope));
      for (const pass of scope.passes) {
        if (pass.target.kind !== 'unresolved') continue;
        // The definition closest to the pass's file in the directory tree, as within one scope
        // (z/snippets/app.conf takes z/nginx.conf's upstream, not a/nginx.conf's); the first on a tie.
        const file = pass.entry.directive.file;
        let elsewhere: UpstreamGroup | undefined;
        let closest = -1;
        for (const other of together) {
          const group = other.findUpstream((pass.target as { host: string }).host, file);
          const depth = group ? sharedDirectoryDepth(group.block!.directive!.file, file) : -1;
          if (group && depth > closest) {
            elsewhere = group;
            closest = depth;
          }
        }
        if (elsewhere) pass.target = { kind: 'group', group: elsewhere };
        else if (serviceHosts.has(pass.target.host.toLowerCase())) pass.target = serviceAddress(pass, pass.target.host);
      }
    }
  }

  /**
   * The nginx that runs a block (through the root it belongs to) or a root's configuration: what
   * rules judge version-dependent defaults and directives by (nginxVersionAt).
   */
  versionAt(at: NginxBlock | NginxConfigRoot): NginxVersionInfo {
    if (this.versions.length === 1) return this.versions[0];
    if (at instanceof NginxBlock) {
      let top = at;
      while (top.parent) top = top.parent;
      return this.versionOfTop.get(top) ?? this.version;
    }
    return this.versionOfRoot.get(at) ?? this.version;
  }

  /**
   * The nginx that reads a file (by display path), itself a root or included: every release the
   * roots that read it run. Only asked for the rare value a release decides (checkNginxValues).
   */
  versionOfFile(file: string): NginxVersionInfo {
    if (this.versions.length === 1) return this.versions[0];
    if (!this.versionsOfFiles) {
      const byFile = new Map<string, NginxVersionInfo[]>();
      const visit = (entries: ExpandedDirective[], rootVersion: NginxVersionInfo) => {
        for (const entry of entries) {
          const list = byFile.get(entry.directive.file);
          if (!list) byFile.set(entry.directive.file, [rootVersion]);
          else if (!list.includes(rootVersion)) list.push(rootVersion);
          if (entry.children) visit(entry.children, rootVersion);
        }
      };
      for (const [root, rootVersion] of this.versionOfRoot) visit(root.directives, rootVersion);
      this.versionsOfFiles = new Map([...byFile].map(([path, versions]) => [path, combineVersions(versions)!]));
    }
    return this.versionsOfFiles.get(file) ?? this.version;
  }

  private versionsOfFiles: Map<string, NginxVersionInfo> | undefined;

  /** Every location (and `if` in a location) that passes requests on, with its pass. */
  get passes(): UpstreamPass[] {
    // Collected once: every cross-file rule asks, and the model does not change after it is built.
    this.allPasses ??= this.scopes.flatMap((scope) => scope.passes);
    return this.allPasses;
  }

  private allPasses: UpstreamPass[] | undefined;

  get upstreams(): UpstreamGroup[] {
    this.allUpstreams ??= this.scopes.flatMap((scope) => scope.upstreams.filter((group) => group.block));
    return this.allUpstreams;
  }

  private allUpstreams: UpstreamGroup[] | undefined;

  /** Every directive in the context nginx evaluates it in, and the directive table (built on first use). */
  get directives(): NginxDirectiveIndex {
    this.directiveIndex ??= new NginxDirectiveIndex(this.roots, this.directiveOptions);
    return this.directiveIndex;
  }

  private directiveIndex: NginxDirectiveIndex | undefined;

  /** The default of `name` throughout `range` (one piece of a split range). */
  defaultFor(name: string, range: VersionRange) {
    return defaultFor(name, range);
  }

  private addScope(http: NginxBlock, roots: NginxConfigRoot[], version: NginxVersionInfo): NginxHttpScope {
    const scope = new NginxHttpScope(http, roots, version);
    this.scopes.push(scope);
    const descendants = http.descendants();
    for (let i = 0; i < descendants.length; i++) {
      const block = descendants[i];
      if (block.kind === 'server') scope.servers.push(block);
      if (block.kind === 'location') scope.locations.push(block);
      if (block.kind === 'upstream' && block.directive) {
        const written = writtenArgOf(block.directive, 0);
        scope.upstreams.push({
          name: argValueOf(block.directive, 0) ?? '',
          ...(written ? { written: written.written } : {}),
          block,
          servers: block.own('server').map((entry) => new UpstreamServerEntry(upstreamServerAddress(entry.directive), entry)),
        });
      }
    }
    // One walk over every directive of the scope: the census by name, and the passes.
    for (let b = -1; b < descendants.length; b++) {
      const block = b < 0 ? http : descendants[b];
      const passing = block.kind === 'location' || block.kind === 'if' || block.kind === 'limit_except';
      const { directives } = block;
      for (let i = 0; i < directives.length; i++) {
        const entry = directives[i];
        scope.census.add(entry, block);
        if (!passing) continue;
        // hasOwn: a directive named `constructor` must not find Object's members in the table.
        const module = Object.hasOwn(PASS_DIRECTIVES, entry.directive.name) ? PASS_DIRECTIVES[entry.directive.name] : undefined;
        if (!module || argCountOf(entry.directive) === 0) continue;
        const pass = resolvePass(scope, module, entry, block);
        // A pass no container is known to read (every tree without compose or images) is one pass.
        if (pass.target.kind !== 'group' || !entry.containers) {
          scope.passes.push(pass);
          continue;
        }
        // One pass for each upstream the processes that read it find under its name, each read by those processes.
        for (const { group, containers } of scope.upstreamsByProcess(pass, pass.target.group)) {
          scope.passes.push(containers ? { ...pass, entry: { ...pass.entry, containers }, target: { kind: 'group', group } } : pass);
        }
      }
    }
    scope.census.trimToSize();
    resolvePassesThroughSet(scope);
    return scope;
  }
}

/**
 * The nginx version a rule judges by where its block is `at` (a block of the nginx model, or a
 * config root): the nginx that runs that configuration.
 */
export function nginxVersionAt(model: { nginx: NginxModel }, at: NginxBlock | NginxConfigRoot): NginxVersionInfo {
  return model.nginx.versionAt(at);
}

function buildChildren(block: NginxBlock) {
  const { directives } = block;
  for (let i = 0; i < directives.length; i++) {
    const entry = directives[i];
    const name = entry.directive.name;
    if (!entry.children || name === 'include' || DATA_BLOCKS.has(name)) continue;
    const kind = Object.hasOwn(BLOCK_KINDS, name) ? BLOCK_KINDS[name] : 'other';
    const child = new NginxBlock(kind, entry, block, entry.children);
    block.children.push(child);
    buildChildren(child);
  }
  // At its exact length: a list grown by push has room for about 16 more, and lives as long as the model.
  if (block.children.length > 0) block.children = block.children.slice();
}

function blockLabel(directive: NginxDirective, parent: NginxBlock): string {
  const args = directive.args.map((arg) => arg.value);
  if (directive.name === 'server' && parent.kind !== 'upstream') {
    // server_name (or listen) tells servers apart better than a position that moves.
    const naming = serverNaming(directive);
    return `server[${naming ? naming.args.map((arg) => arg.value).join(' ') : directive.file}]`;
  }
  return args.length > 0 ? `${directive.name}[${args.join(' ')}]` : directive.name;
}

function resolvePass(scope: NginxHttpScope, module: PassModule, entry: ExpandedDirective, location: NginxBlock): UpstreamPass {
  const pass: UpstreamPass = { module, entry, location, target: { kind: 'variable' } };
  const value = argValueOf(entry.directive, 0)!;
  resolveTarget(scope, pass, value);
  if (pass.target.kind !== 'variable' && holdsVariable(value)) pass.variableValue = true;
  return pass;
}

/**
 * Reads a pass's value into its scheme, target and URI part; the target stays `variable` while
 * the host (or socket path) holds a variable. A value with variables has no URI part to judge:
 * nginx then sends its URI as it is, in place of the request's.
 */
function resolveTarget(scope: NginxHttpScope, pass: UpstreamPass, value: string): void {
  const { module } = pass;
  const template = writtenArgOf(pass.entry.directive, 0);
  if (template && template.masked === value && !holdsVariable(value) && resolveTemplateTarget(scope, pass, template)) return;
  const hasVariables = value.includes('$');
  let rest = value;
  if (module === 'proxy' || module === 'grpc') {
    const scheme = /^([a-z]+):\/\//i.exec(value);
    if (scheme) {
      pass.scheme = scheme[1].toLowerCase();
      rest = value.slice(scheme[0].length);
    }
  }
  if (/^unix:/i.test(rest)) {
    // proxy_pass http://unix:/path:/uri — the socket path ends at the next colon.
    const path = rest.slice(5).replace(/^\/\/(?=\/)/, '');
    const end = module === 'proxy' ? path.indexOf(':') : -1;
    const socket = end === -1 ? path : path.slice(0, end);
    if (socket.includes('$')) return;
    pass.target = { kind: 'address', address: { kind: 'unix', path: socket, text: `unix:${socket}` } };
    if (!hasVariables && pass.scheme && end !== -1 && end + 1 < path.length) pass.uri = path.slice(end + 1);
    return;
  }
  const hostPort = hostPartOf(rest);
  if (hostPort.includes('$')) return;
  if (!hasVariables && module === 'proxy' && pass.scheme && rest.length > hostPort.length) pass.uri = rest.slice(hostPort.length);
  const group = /:\d+$/.test(hostPort) ? undefined : scope.findUpstream(hostPort, pass.entry.directive.file);
  if (group) {
    pass.target = { kind: 'group', group };
    return;
  }
  const defaultPort = pass.scheme === 'https' || pass.scheme === 'grpcs' ? 443 : 80;
  const address = parseAddress(hostPort, module === 'proxy' || module === 'grpc' ? defaultPort : undefined);
  if (address && /:\d+$/.test(hostPort)) pass.target = { kind: 'address', address };
  else if (address && (module === 'proxy' || module === 'grpc') && /^(\d+\.){3}\d+$|^\[/.test(hostPort)) pass.target = { kind: 'address', address };
  else pass.target = { kind: 'unresolved', host: hostPort };
}

/**
 * `proxy_pass http://web/;` where `web` is a container's name and no upstream is called so: nginx
 * makes an implicit upstream of the name on the scheme's port (ngx_http_proxy_pass: 80, or 443 for
 * https), resolved when it loads the configuration.
 */
function serviceAddress(pass: UpstreamPass, host: string): UpstreamPass['target'] {
  if (pass.module !== 'proxy' && pass.module !== 'grpc') return { kind: 'unresolved', host };
  const address = parseAddress(host, pass.scheme === 'https' || pass.scheme === 'grpcs' ? 443 : 80);
  // Shown with the port nginx uses, which the value leaves out.
  return address?.kind === 'tcp' ? { kind: 'address', address: { ...address, text: `${host}:${address.port}` } } : { kind: 'unresolved', host };
}

/**
 * The host (and port) of a pass's value without its scheme: up to the path or query, or up to a
 * variable that always starts with `/` (`http://app:8000$request_uri`).
 */
function hostPartOf(rest: string): string {
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '/' || c === '?') {
      end = i;
      break;
    }
    if (c === '$') {
      const name = /^\$\{?([a-z_]+)/i.exec(rest.slice(i))?.[1]?.toLowerCase();
      if (name !== undefined && URI_VARIABLES.has(name)) end = i;
      break;
    }
  }
  return rest.slice(0, end);
}

/**
 * `set $backend http://app:8000; proxy_pass $backend;` (written so that nginx starts while `app`
 * is down, and looks the name up with its `resolver` at run time) goes where the literal goes,
 * when exactly one `set` of each variable reaches the location and no map or module defines it:
 * NginxVariables.expand decides which `set` reaches. A value with anything else in its host
 * stays a variable.
 */
function resolvePassesThroughSet(scope: NginxHttpScope): void {
  if (scope.census.named('set').entries.length === 0) return;
  let variables: NginxVariables | undefined;
  for (const pass of scope.passes) {
    if (pass.target.kind !== 'variable') continue;
    variables ??= NginxVariables.of(scope);
    // What no `set` writes out stays a variable (`$_`): in the host it leaves the pass unresolved.
    let value = '';
    for (const { part } of variables.expand(argValueOf(pass.entry.directive, 0)!, pass.location)) {
      value += part.kind === 'text' ? part.text : part.kind === 'variable' && URI_VARIABLES.has(part.name) ? `$${part.name}` : '$_';
    }
    pass.scheme = undefined;
    resolveTarget(scope, pass, value);
    if (pass.target.kind !== 'variable') pass.variableValue = true;
  }
}

/** Whether a value holds an nginx variable, not only a template's masked tags (`$` and UNKNOWN_MARKs). */
function holdsVariable(value: string): boolean {
  return /\$(?!\uE000)/.test(value);
}

/**
 * A pass a template writes with tags in its host and no nginx variable (`proxy_pass
 * http://{{ app }}_server;`, `uwsgi_pass unix:{{ run }}/app.sock;`): to the upstream whose name the
 * template writes with the same text, else to the address as written. Its URI part is left
 * unjudged, as any value with `$`. False where the host holds no tag (`http://app:8000/{{ prefix }}/`):
 * that is read as before.
 */
function resolveTemplateTarget(scope: NginxHttpScope, pass: UpstreamPass, value: WrittenTemplateValue): boolean {
  const { masked, written, dialect } = value;
  let start = 0;
  if (pass.module === 'proxy' || pass.module === 'grpc') {
    const scheme = /^([a-z]+):\/\//i.exec(masked);
    if (scheme) {
      pass.scheme = scheme[1].toLowerCase();
      start = scheme[0].length;
    }
  }
  let end = masked.length;
  if (/^unix:/i.test(masked.slice(start))) {
    // proxy_pass http://unix:/path:/uri — the socket path ends at the next colon.
    const colon = pass.module === 'proxy' ? masked.indexOf(':', start + 5) : -1;
    if (colon !== -1) end = colon;
  } else {
    const path = masked.slice(start).search(/[/?]/);
    if (path !== -1) end = start + path;
  }
  const host = { masked: masked.slice(start, end), written: written.slice(start, end), dialect };
  if (!isUnknownValue(host.masked)) {
    pass.scheme = undefined;
    return false;
  }
  if (!/:[0-9]+$/.test(host.masked)) {
    const group = scope.findTemplateUpstream(host.written, pass.entry.directive.file);
    if (group) {
      pass.target = { kind: 'group', group };
      return true;
    }
  }
  const address = templateAddressOf(
    host,
    pass.module === 'proxy' || pass.module === 'grpc' ? (pass.scheme === 'https' || pass.scheme === 'grpcs' ? 443 : 80) : undefined,
  );
  if (address) pass.target = { kind: 'address', address };
  return true;
}

/** An upstream `server` line's address: as nginx reads it, or as a template writes it with tags. */
function upstreamServerAddress(directive: NginxDirective): NginxAddress | undefined {
  const written = writtenArgOf(directive, 0);
  if (written && !holdsVariable(written.masked)) return templateAddressOf(written, 80);
  return parseAddress(argValueOf(directive, 0) ?? '', 80);
}

/**
 * A template's address (unknown where it has tags) as nginx would read the rendered one: the
 * masked text, whose tags hold no colon or slash, says where its parts are, and they are cut at
 * the same offsets of the text as written. A socket path must be absolute or start with a tag;
 * a port is digits or one tag; one tag may be the whole address.
 */
function templateAddressOf({ masked, written, dialect }: WrittenTemplateValue, defaultPort: number | undefined): NginxAddress | undefined {
  if (masked.length !== written.length || !isUnknownValue(masked)) return undefined;
  const shown = withPlaceholdersShown(masked);
  if (/^unix:/i.test(masked)) {
    const path = masked.slice(5);
    if (!path.startsWith('/') && !path.startsWith('$' + UNKNOWN_MARK)) return undefined;
    return { kind: 'template', template: { kind: 'unix', path: written.slice(5), dialect }, text: shown };
  }
  if (isOnePlaceholder(masked)) return { kind: 'template', template: { kind: 'whole', text: written, dialect }, text: shown };
  const colon = masked.lastIndexOf(':');
  const port = colon === -1 ? undefined : masked.slice(colon + 1);
  if (port !== undefined && !/^[0-9]+$/.test(port) && !isOnePlaceholder(port)) return undefined;
  if (port === undefined && defaultPort === undefined) return undefined;
  let host = colon === -1 ? written : written.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '' || /[/\s]/.test(host)) return undefined;
  const portText = colon === -1 ? String(defaultPort) : written.slice(colon + 1);
  return { kind: 'template', template: { kind: 'tcp', host, port: portText, dialect }, text: shown };
}

/** `127.0.0.1:8000`, `[::1]:8000`, `app:8000`, `unix:/run/app.sock`; the port defaults as given. */
export function parseAddress(text: string, defaultPort: number | undefined): NginxAddress | undefined {
  if (/^unix:/i.test(text)) return { kind: 'unix', path: text.slice(5), text };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    const port = bracketed[2] !== undefined ? Number(bracketed[2]) : defaultPort;
    return port === undefined ? undefined : { kind: 'tcp', host: bracketed[1].toLowerCase(), port, text };
  }
  const match = /^([^:/\s]+)(?::(\d+))?$/.exec(text);
  if (!match) return undefined;
  const port = match[2] !== undefined ? Number(match[2]) : defaultPort;
  return port === undefined ? undefined : { kind: 'tcp', host: match[1].toLowerCase(), port, text };
}
