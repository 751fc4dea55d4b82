/**
 * Who may reach a location, as nginx's access phase decides: the allow/deny list in force there
 * (ngx_http_access_module: a level inherits the outer list only when it has no allow or deny of
 * its own; the first rule that matches wins; no match means allowed), authentication that is on,
 * `internal`, and servers that listen only on loopback or unix sockets.
 */
import type { ExpandedDirective } from '../readers/nginx';
import type { NginxBlock, NginxHttpScope, UpstreamPass } from './nginx';
import { mayWriteUnseenLines } from './template-values';
import { locationMatch } from './nginx-location';

export interface AccessList {
  /** The level whose allow/deny list applies (the block itself or the nearest outer one). */
  block: NginxBlock;
  rules: ExpandedDirective[];
}

const isAccessRule = (entry: ExpandedDirective) => entry.directive.name === 'allow' || entry.directive.name === 'deny';

/** Levels that hold an http location configuration; `limit_except` lists apply to some methods only. */
const LIST_LEVELS = new Set(['http', 'server', 'location', 'if']);

/** The file a directive's root config was read from (an included directive counts as its includer's). */
function rootFileOf(entry: ExpandedDirective): string {
  return entry.via[0]?.file ?? entry.directive.file;
}

/**
 * The directives of `level` that reach `block`. Snippets no main config includes share one http
 * level in the model, but nothing says nginx puts them together: of that level, only the lines of
 * the block's own file count.
 */
function reaching(level: NginxBlock, block: NginxBlock, entries: ExpandedDirective[]): ExpandedDirective[] {
  if (level.node || level.kind !== 'http' || entries.length === 0) return entries;
  const first = block.node ?? block.directives[0];
  const file = first ? rootFileOf(first) : undefined;
  return entries.filter((entry) => rootFileOf(entry) === file);
}

/** The allow/deny list in force in `block`, or undefined when no level up to http has one. */
export function accessList(block: NginxBlock): AccessList | undefined {
  for (let level: NginxBlock | undefined = block; level; level = level.parent) {
    if (!LIST_LEVELS.has(level.kind)) break;
    const rules = reaching(level, block, level.directives.filter(isAccessRule));
    if (rules.length > 0) return { block: level, rules };
    if (level.kind === 'http') break;
  }
  return undefined;
}

/**
 * The first `allow all` / `deny all` of a list, which decides every address no earlier rule
 * names; undefined when there is none (then every other address is allowed).
 */
export function catchAllRule(rules: ExpandedDirective[]): ExpandedDirective | undefined {
  return rules.find((entry) => entry.directive.args[0]?.value.toLowerCase() === 'all');
}

/** Whether the list lets only the addresses it names through: its catch-all rule is `deny all`. */
export function deniesTheRest(rules: ExpandedDirective[]): boolean {
  return catchAllRule(rules)?.directive.name === 'deny';
}

/** The authentication in force in `block` (auth_basic, auth_request, auth_jwt not `off`), with its level. */
export function authentication(block: NginxBlock): { entry: ExpandedDirective; block: NginxBlock } | undefined {
  for (const name of ['auth_basic', 'auth_request', 'auth_jwt']) {
    for (let level: NginxBlock | undefined = block; level; level = level.parent) {
      if (!LIST_LEVELS.has(level.kind) && level.kind !== 'limit_except') break;
      const own = reaching(level, block, level.own(name));
      const entry = own[own.length - 1];
      if (entry) {
        if (entry.directive.args[0]?.value.toLowerCase() !== 'off') return { entry, block: level };
        break;
      }
      if (level.kind === 'http') break;
    }
  }
  return undefined;
}

/** The authentication directive in force in `block`, if any. */
export function authenticationIn(block: NginxBlock): ExpandedDirective | undefined {
  return authentication(block)?.entry;
}

/** Whether `block` or a location around it is `internal` (reachable only by nginx's own redirects). */
export function isInternal(block: NginxBlock): boolean {
  for (let level: NginxBlock | undefined = block; level && level.kind !== 'server'; level = level.parent) {
    if (level.kind === 'location' && level.own('internal').length > 0) return true;
    if (level.kind === 'location' && level.directive?.args[0]?.value.startsWith('@')) return true;
  }
  return false;
}

/**
 * Whether every `listen` of the server is a loopback address or a unix socket, so only the host
 * itself connects. A server with no listen line listens on *:80; a snippet's server is unknown.
 */
export function listensOnlyLocally(server: NginxBlock): boolean | undefined {
  if (!server.node) return undefined;
  const listens = server.own('listen');
  if (listens.length === 0) return false;
  return listens.every((entry) => isLocalAddress(entry.directive.args[0]?.value ?? ''));
}

function isLocalAddress(address: string): boolean {
  const lower = address.toLowerCase();
  if (lower.startsWith('unix:')) return true;
  const host = lower.startsWith('[') ? lower.slice(1, lower.indexOf(']')) : lower.split(':')[0];
  return /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === 'localhost';
}

/**
 * Whether the block turns some requests away by itself on a condition: an `if` in it that answers
 * 401/403/404/444 (`if ($allowed = 0) { return 403; }`). cfglint does not evaluate the condition.
 */
export function refusesOnCondition(block: NginxBlock): boolean {
  return block.children.some(
    (child) => child.kind === 'if' && child.own('return').some((entry) => /^(401|403|404|444)$/.test(entry.directive.args[0]?.value ?? '')),
  );
}

/** Of what nginx checks per request (PER_REQUEST), what a server inherits from the http level. */
const INHERITED_FROM_HTTP = new Set([
  'allow',
  'deny',
  'auth_basic',
  'auth_request',
  'auth_jwt',
  'limit_req',
  'limit_conn',
  'access_by_lua',
  'access_by_lua_block',
  'access_by_lua_file',
  'modsecurity',
  'modsecurity_rules',
  'modsecurity_rules_file',
  'modsecurity_rules_remote',
]);
/**
 * What nginx checks or routes on its own, per request: access control (allow/deny, authentication,
 * `internal`, rate and connection limits, limit_except, Lua access handlers, ModSecurity) and what
 * answers or rewrites instead of passing on (`return`, `rewrite`, `try_files`, `if`). A connection
 * that becomes a tunnel after a 101 skips all of them (ngx_http_upstream_upgrade relays bytes).
 */
const PER_REQUEST = new Set([...INHERITED_FROM_HTTP, 'internal', 'return', 'rewrite', 'try_files']);

const switchedOff = (entry: ExpandedDirective) =>
  /^(auth_basic|auth_request|auth_jwt|modsecurity)$/.test(entry.directive.name) && entry.directive.args[0]?.value.toLowerCase() === 'off';

/**
 * Whether the pass's server hands every request to the pass's upstream as it came, so nothing
 * nginx does in that server would be skipped by a connection that bypasses it: no directive of
 * PER_REQUEST in the server or inherited from http, no `if` or `limit_except` block, and every
 * location of the server (one of them `location /`) passes to the same upstream without a URI of
 * its own. Any other location hides some of the upstream's paths (a static `/media/`, a `= /admin`
 * answered by nginx), so it counts as something enforced. False where the tree does not show the
 * whole server: a location snippet, an include that was not read, a template tag that may write lines.
 */
export function passesEverythingUnchecked(scope: NginxHttpScope, pass: UpstreamPass): boolean {
  const server = pass.location.enclosing('server');
  if (!server?.node || !passesUriUnchanged(pass)) return false;
  const http = server.parent;
  if (http?.kind === 'http' && http.directives.some((entry) => INHERITED_FROM_HTTP.has(entry.directive.name) && !switchedOff(entry))) return false;
  const errorPages = errorPageUris(server);
  // nginx's stock error page (`location = /50x.html { root …; }`) serves a file the backend's path of
  // the same name would not: a tunnel that reaches that path skips nothing worth enforcing.
  const blocks = [server, ...server.descendants()].filter((block) => !servesOnlyErrorPage(block, errorPages));
  for (const block of blocks) {
    if (block.kind === 'if' || block.kind === 'limit_except' || (block.node && mayWriteUnseenLines(block.node.directive))) return false;
    for (const entry of block.directives) {
      if (PER_REQUEST.has(entry.directive.name) && !switchedOff(entry)) return false;
      if (entry.directive.name === 'include' && !entry.children) return false;
    }
  }
  const sameUpstream = (other: UpstreamPass) =>
    other.module === pass.module &&
    passesUriUnchanged(other) &&
    ((other.target.kind === 'group' && pass.target.kind === 'group' && other.target.group === pass.target.group) ||
      (other.target.kind === 'address' && pass.target.kind === 'address' && other.target.address.text === pass.target.address.text) ||
      (other.target.kind === 'unresolved' && pass.target.kind === 'unresolved' && other.target.host === pass.target.host));
  const locations = blocks.filter((block) => block.kind === 'location');
  const passing = new Set(scope.passes.filter((other) => other.location.kind === 'location' && sameUpstream(other)).map((other) => other.location));
  return locations.every((location) => passing.has(location)) && locations.some(isRootPrefix);
}

/** What a location that only serves a file for `error_page` may hold: where the file is, and how it is logged and sent. */
const ERROR_PAGE_LOCATION = new Set(['root', 'alias', 'internal', 'access_log', 'log_not_found', 'expires', 'add_header', 'default_type']);

/** The URIs the server's `error_page` lines (its own, its locations', http's) redirect to. */
function errorPageUris(server: NginxBlock): Set<string> {
  const uris = new Set<string>();
  const levels = server.parent?.kind === 'http' ? [server.parent, server, ...server.descendants()] : [server, ...server.descendants()];
  for (const level of levels) {
    for (const entry of level.own('error_page')) {
      const args = entry.directive.args;
      const uri = args[args.length - 1]?.value;
      if (uri?.startsWith('/') && !uri.includes('$')) uris.add(uri);
    }
  }
  return uris;
}

/** An exact location for an error_page URI that holds nothing but where its file is (`location = /50x.html { root html; }`). */
function servesOnlyErrorPage(block: NginxBlock, errorPages: Set<string>): boolean {
  if (block.kind !== 'location' || !block.directive || block.children.length > 0) return false;
  const match = locationMatch(block.directive);
  if (!match || match.kind !== 'exact' || !errorPages.has(match.pattern)) return false;
  return block.directives.every((entry) => ERROR_PAGE_LOCATION.has(entry.directive.name));
}

/** `location /` or `location ^~ /` (also written `^~/`): the prefix every URI starts with. */
function isRootPrefix(location: NginxBlock): boolean {
  const match = location.directive ? locationMatch(location.directive) : undefined;
  return match !== undefined && (match.kind === 'prefix' || match.kind === 'prefixNoRegex') && match.pattern === '/';
}

/** A pass that sends the request's URI as it came: no URI part, or `/` in a location that matches every URI. */
function passesUriUnchanged(pass: UpstreamPass): boolean {
  if (pass.variableValue || pass.location.kind !== 'location') return false;
  return pass.uri === undefined || (pass.uri === '/' && isRootPrefix(pass.location));
}
