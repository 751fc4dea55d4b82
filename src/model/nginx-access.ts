/**
 * Who may reach a location, as nginx's access phase decides: the allow/deny list in force there
 * (ngx_http_access_module: a level inherits the outer list only when it has no allow or deny of
 * its own; the first rule that matches wins; no match means allowed), authentication that is on,
 * `internal`, and servers that listen only on loopback or unix sockets.
 */
import type { ExpandedDirective } from '../readers/nginx';
import type { NginxBlock } from './nginx';

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
