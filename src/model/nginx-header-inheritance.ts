/**
 * Which headers a level of the http tree really sends, given nginx's rule for list directives
 * (`add_header`, `add_trailer`, `proxy_set_header`): a level inherits the outer list only when it
 * has none of its own. `add_header_inherit` / `add_trailer_inherit` (nginx 1.29.3) change that:
 * `merge` appends the outer list, `off` inherits nothing. The rule is ngx_http_headers_merge_conf
 * (src/http/modules/ngx_http_headers_filter_module.c) and ngx_http_proxy_merge_headers.
 */
import type { ExpandedDirective, NginxDirective } from '../readers/nginx';
import type { NginxBlock, NginxHttpScope } from './nginx';
import { isUnknownValue } from '../discovery/template';

export type HeaderListDirective = 'add_header' | 'add_trailer' | 'proxy_set_header';

type InheritMode = 'on' | 'off' | 'merge';

const INHERIT_SWITCH: Partial<Record<HeaderListDirective, string>> = {
  add_header: 'add_header_inherit',
  add_trailer: 'add_trailer_inherit',
};

/** Blocks that carry an http location configuration and so take part in the merge. */
const MERGING_KINDS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

export interface HeaderDrop {
  /** The level whose own list replaces the outer one. */
  block: NginxBlock;
  /** Its own entries, in order. */
  own: ExpandedDirective[];
  /** The level that writes the first dropped entry (the nearest outer level that has a list). */
  outer: NginxBlock;
  /** The outer entries whose header this level does not set again. */
  dropped: ExpandedDirective[];
}

/** The header name an entry sets, lower-cased; undefined when it is a variable. */
export function headerName(entry: ExpandedDirective): string | undefined {
  const name = entry.directive.args[0]?.value;
  // A variable, or a template tag: the header is only known once nginx or the template runs.
  if (name === undefined || name.includes('$') || isUnknownValue(name)) return undefined;
  return name.toLowerCase();
}

/**
 * Every level of the scope (the http block and the blocks in it) that drops headers of the level
 * around it through `name`, in tree order. A level that sets `off` means to, and one whose list or
 * includes cannot be known (a header named by a variable, an include nothing in the tree answers)
 * says nothing.
 */
export function headerDrops(scope: NginxHttpScope, name: HeaderListDirective): HeaderDrop[] {
  const switchName = INHERIT_SWITCH[name];
  const drops: HeaderDrop[] = [];
  // Only a level with a list of its own can drop one, so only those levels and the levels above
  // them are read (large trees have tens of thousands of levels and most set nothing); each
  // level's list and mode is worked out once, from its parent's.
  const levels = new Map<NginxBlock, Level | null>();
  const levelOf = (block: NginxBlock): Level | null => {
    const known = levels.get(block);
    if (known !== undefined) return known;
    let level: Level | null = null;
    const outer = block === scope.http ? undefined : block.parent;
    // nginx merges only through blocks that carry a location configuration.
    const above = outer === undefined ? ROOT_LEVEL : MERGING_KINDS.has(block.kind) && MERGING_KINDS.has(outer.kind) ? levelOf(outer) : null;
    if (above) {
      let outerList = above.list;
      // Snippets no main config includes share one http level in the model, but which of them nginx
      // really puts together is not known: only a file's own http-level lines are its servers' parent.
      if (outer && outer.kind === 'http' && !outer.node && outerList.length > 0) {
        const file = rootFile(block);
        outerList = outerList.filter((entry) => rootFileOf(entry) === file);
      }
      const written = switchName ? block.ownLast(switchName)?.directive.args[0]?.value.toLowerCase() : undefined;
      const mode: InheritMode = written === 'off' || written === 'merge' || written === 'on' ? written : above.mode;
      const own = block.own(name);
      let list: ExpandedDirective[];
      if (own.length === 0) list = mode === 'off' ? NONE : outerList;
      else if (mode === 'merge') list = [...own, ...outerList];
      else {
        list = own;
        if (mode === 'on' && outer && outerList.length > 0 && knowable(block, own)) {
          const redefined = new Set(own.map(headerName));
          // add_header with an empty value adds nothing, so losing it loses nothing; for
          // proxy_set_header the empty value is what strips the client's header, and losing it matters.
          const dropped = outerList.filter(
            (entry) => !redefined.has(headerName(entry)) && (name === 'proxy_set_header' || entry.directive.args[1]?.value !== ''),
          );
          if (dropped.length > 0) drops.push({ block, own, outer: ownerOf(outer, dropped[0], name), dropped });
        }
      }
      level = { list, mode };
    }
    levels.set(block, level);
    return level;
  };
  const owners = scope.census.named(name).blocks;
  // A drop needs an outer level with a list of its own: when no level that writes the list sits
  // inside another one that does, nothing is dropped (a large tree sets its headers in one level).
  if (!hasNestedOwner(owners, scope.http)) return drops;
  // The census lists the levels in tree order (a level before the levels in it), so drops come out in that order.
  for (const block of owners) levelOf(block);
  return drops;
}

function hasNestedOwner(owners: readonly NginxBlock[], http: NginxBlock): boolean {
  // Most trees write these lists only in locations right inside a server: the blocks above those
  // (a server, http) then own none, and no set of owners needs building.
  if (owners.every((block) => block.kind === 'location' && block.parent?.kind === 'server')) return false;
  const owning = new Set(owners);
  for (const block of owning) {
    for (let up = block.parent; up && block !== http; up = up.parent) {
      if (owning.has(up)) return true;
      if (up === http) break;
    }
  }
  return false;
}

interface Level {
  /** The entries in force at this level. */
  list: ExpandedDirective[];
  mode: InheritMode;
}

const NONE: ExpandedDirective[] = [];
const ROOT_LEVEL: Level = { list: NONE, mode: 'on' };

/** The level at or above `from` whose own list holds `entry`. */
function ownerOf(from: NginxBlock, entry: ExpandedDirective, name: HeaderListDirective): NginxBlock {
  for (let level: NginxBlock | undefined = from; level; level = level.parent) if (level.own(name).includes(entry)) return level;
  return from;
}

/** Whether everything this level sets is known: no header named by a variable, no unread include. */
function knowable(block: NginxBlock, own: ExpandedDirective[]): boolean {
  if (own.some((entry) => headerName(entry) === undefined)) return false;
  return !block.own('include').some((entry) => !entry.children);
}

/** The file a directive's root config was read from (an included directive counts as its includer's). */
function rootFileOf(entry: ExpandedDirective): string {
  return entry.via[0]?.file ?? entry.directive.file;
}

function rootFile(block: NginxBlock): string | undefined {
  const first = block.node ?? block.directives[0];
  return first ? rootFileOf(first) : undefined;
}

/**
 * Which responses a level answers with its own response header list (add_header, add_trailer).
 * nginx adds the headers of the location a response leaves from (ngx_http_headers_filter reads
 * r->loc_conf), and a try_files whose last argument is a named location jumps there with that
 * location's configuration (ngx_http_named_location sets r->loc_conf): a location whose only
 * content is such a try_files answers only the files it finds, under its root or alias.
 */
export type OwnResponses =
  | { kind: 'every' }
  | {
      kind: 'foundFiles';
      /** The named location every other request goes to. */
      fallback: string;
      /** The root or alias the files are looked up under; undefined when none is written (nginx's compiled-in `html`). */
      files: ExpandedDirective | undefined;
    };

const EVERY: OwnResponses = { kind: 'every' };

/**
 * Directives with which a location answers a request itself, before try_files or instead of the
 * static handler: the rewrite module's (`return`, and `rewrite`, which may redirect or stay) and
 * the content handlers nginx's modules install (clcf->handler: the *_pass modules, stub_status,
 * empty_gif, flv, mp4, perl; njs's js_content).
 */
const ANSWERS_ITSELF = new Set([
  'return',
  'rewrite',
  'proxy_pass',
  'fastcgi_pass',
  'uwsgi_pass',
  'scgi_pass',
  'grpc_pass',
  'memcached_pass',
  'tunnel_pass',
  'stub_status',
  'empty_gif',
  'flv',
  'mp4',
  'perl',
  'js_content',
]);

/** Third-party directives that may answer from any phase or rewrite the headers: Lua's *_by_lua* and the echo module's. */
const ANSWERS_ITSELF_THIRD_PARTY = /_by_lua(?:_block|_file)?$|^echo(?:_|$)/;

/** The responses `block` answers with its own header list (see OwnResponses). */
export function ownResponses(block: NginxBlock): OwnResponses {
  if (block.kind !== 'location') return EVERY;
  const tryFiles = block.own('try_files');
  if (tryFiles.length === 0) return EVERY;
  // A block inside (a nested location, an if, limit_except) answers with this list when it has none of its own.
  if (block.children.some((inner) => MERGING_KINDS.has(inner.kind))) return EVERY;
  for (const entry of block.directives) {
    const { name } = entry.directive;
    if (ANSWERS_ITSELF.has(name) || ANSWERS_ITSELF_THIRD_PARTY.test(name) || isUnknownValue(name)) return EVERY;
    // An include cfglint could not read may hold a handler.
    if (name === 'include' && !entry.children) return EVERY;
  }
  // Template branches may each write one: every one must fall back to a named location.
  const fallbacks = tryFiles.map((entry) => lastArgument(entry.directive));
  if (fallbacks.some((last) => !last.startsWith('@') || isUnknownValue(last))) return EVERY;
  return { kind: 'foundFiles', fallback: fallbacks[fallbacks.length - 1], files: documentRoot(block) };
}

function lastArgument(directive: NginxDirective): string {
  return directive.args[directive.args.length - 1]?.value ?? '';
}

/** The root or alias in force at `block` (nginx inherits the two as one setting), if any level writes one. */
function documentRoot(block: NginxBlock): ExpandedDirective | undefined {
  for (const level of block.inheritanceChain()) {
    const written = level.ownLast('alias') ?? level.ownLast('root');
    if (written) return written;
  }
  return undefined;
}
