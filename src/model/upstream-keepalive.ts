/**
 * Queries shared by the upstream keep-alive rules: whether an upstream group keeps idle
 * connections for a given range of nginx releases, and its keep-alive settings there.
 */
import type { RelatedSpan } from '../source/span';
import type { Setting } from '../source/setting';
import type { Deployment } from './deployment';
import { formatMilliseconds } from './nginx-values';
import { nginxVersionAt, type NginxBlock, type UpstreamGroup } from './nginx';
import { argEqualsIgnoringCase, argValueOf, ExpandedDirective } from './nginx-directives';
import { defaultFor } from '../reference/nginx/defaults';
import { compareVersions, describeRange, isKnownExactly, NginxVersionInfo, parseVersion, splitRange, Version, VersionRange } from '../reference/nginx/version';

/** 1.29.7 turned keepalive on for explicit upstreams; 1.19.10 raised keepalive_requests to 1000. */
export const KEEPALIVE_BOUNDARIES: Version[] = [parseVersion('1.19.10')!, parseVersion('1.29.7')!];

export interface UpstreamKeepalive {
  range: VersionRange;
  /** `keepalive N` (explicit or the 1.29.7 default). */
  keepalive: Setting;
}

/** Per range of releases: whether the group keeps idle connections, and with what. */
export function upstreamKeepaliveByRange(model: Deployment, group: UpstreamGroup): UpstreamKeepalive[] {
  const block = group.block;
  if (!block) return [];
  const out: UpstreamKeepalive[] = [];
  for (const range of splitRange(nginxVersionAt(model, block).range, KEEPALIVE_BOUNDARIES)) {
    const keepalive = block.setting('keepalive', range);
    if (!keepalive || typeof keepalive.value !== 'number' || keepalive.value <= 0) continue;
    out.push({ range, keepalive });
  }
  return out;
}

/**
 * upstreamKeepaliveByRange where a location that passes to the group reuses the idle
 * connections too: only there can the backend's timeout or request limit race nginx.
 */
export function reusedKeepaliveByRange(model: Deployment, group: UpstreamGroup): UpstreamKeepalive[] {
  return upstreamKeepaliveByRange(model, group).filter(({ range }) => groupReusesConnections(model, group, range));
}

/** What a location writes about the connections it opens to an upstream (proxy_http_version, the Connection header). */
export interface LocationConnectionSettings {
  httpVersion: ExpandedDirective | undefined;
  /** The last proxy_set_header Connection line the location has, its own or inherited. */
  connection: ExpandedDirective | undefined;
  /** The location's own proxy_set_header list drops an inherited Connection header. */
  connectionDropped: boolean;
}

/** A proxy_set_header line for the Connection header (header names compared ignoring ASCII case, as nginx does). */
export function setsConnection(entry: ExpandedDirective): boolean {
  return argEqualsIgnoringCase(entry.directive, 0, 'connection');
}

/** The last Connection line of a list: the one nginx sends. */
export function lastConnection(entries: readonly ExpandedDirective[]): ExpandedDirective | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (setsConnection(entries[i])) return entries[i];
  return undefined;
}

export function connectionSettings(location: NginxBlock): LocationConnectionSettings {
  const headers = location.inheritedList('proxy_set_header');
  const connection = lastConnection(headers.entries);
  return {
    httpVersion: location.inherited('proxy_http_version')?.entry,
    connection,
    connectionDropped: !connection && headers.dropped.some(setsConnection),
  };
}

/**
 * Why a location's requests end their upstream connection on a range of releases, so that no
 * idle connection is reused (docs/servers/nginx.md: up to 1.29.6, only HTTP/1.1 without
 * `Connection: close`): HTTP/1.0, written or by default, and `Connection: close`, written, by
 * default, or by default because the location's own list drops an inherited `Connection ""`.
 * Empty when connections are reused. A Connection header written with a variable (the
 * $connection_upgrade map) is decided per request and blocks nothing here.
 */
export function reuseBlockers(
  settings: LocationConnectionSettings,
  range: VersionRange,
): ('http10' | 'http10Default' | 'close' | 'closeDefault' | 'closeDropped')[] {
  const blockers: ('http10' | 'http10Default' | 'close' | 'closeDefault' | 'closeDropped')[] = [];
  const { httpVersion, connection } = settings;
  if (((httpVersion && argValueOf(httpVersion.directive, 0)) ?? defaultFor('proxy_http_version', range)!.text) === '1.0')
    blockers.push(httpVersion ? 'http10' : 'http10Default');
  if (connection) {
    if ((argValueOf(connection.directive, 1) ?? '').toLowerCase() === 'close') blockers.push('close');
  } else if (defaultFor('proxy_header:connection', range)!.text === 'close') blockers.push(settings.connectionDropped ? 'closeDropped' : 'closeDefault');
  return blockers;
}

/**
 * Whether some location that passes to the group reuses its idle connections on the range:
 * gRPC always does; proxy_pass when nothing in reuseBlockers stands in the way.
 */
export function groupReusesConnections(model: Deployment, group: UpstreamGroup, range: VersionRange): boolean {
  return model.nginx.passes.some(
    (pass) =>
      pass.target.kind === 'group' &&
      pass.target.group === group &&
      (pass.module === 'grpc' || (pass.module === 'proxy' && reuseBlockers(connectionSettings(pass.location), range).length === 0)),
  );
}

/** Only passes that speak HTTP (or gRPC) reuse upstream connections; uwsgi and SCGI have no keep-alive. */
export function groupIsUsedOverHttp(model: Deployment, group: UpstreamGroup): boolean {
  return model.nginx.passes.some((pass) => pass.target.kind === 'group' && pass.target.group === group && (pass.module === 'proxy' || pass.module === 'grpc'));
}

/** `keepalive_timeout 60s (nginx default)` or `keepalive_timeout 75s` as written. */
export function describeNginxSetting(setting: Setting): string {
  const value = typeof setting.value === 'number' && setting.unit === 'ms' ? formatMilliseconds(setting.value) : setting.text;
  if (setting.origin) return `${setting.name} ${value} (${setting.origin.text})`;
  return `${setting.name} ${value}${setting.source.kind === 'default' ? ' (nginx default)' : ''}`;
}

/** Where to point at an upstream setting: the directive, else the keepalive line, else the group's name. */
export function upstreamAnchor(block: NginxBlock, setting: Setting): RelatedSpan['span'] {
  if (setting.source.kind === 'file') return setting.source.span;
  const keepalive = block.ownLast('keepalive');
  if (keepalive) return keepalive.directive.span;
  return block.directive!.args[0]?.span ?? block.directive!.span;
}

/**
 * How a finding that holds only for some releases says so, and the severity cap that goes with
 * it: full severity where it holds for every release `version` (the nginx that runs the block) may be.
 */
export function versionQualifier(version: NginxVersionInfo, holding: VersionRange[], all: VersionRange[]): { text: string; maxSeverity?: 'warning' } {
  if (holding.length === all.length) return { text: '' };
  const hint = isKnownExactly(version) ? '' : '; the nginx version is not known: set it with --nginx-version or nginx.version';
  return { text: ` (on ${mergeAdjacent(holding, all).map(describeRange).join(', ')}${hint})`, maxSeverity: 'warning' };
}

/** Pieces of one split that follow each other become one range again, for messages. */
function mergeAdjacent(holding: VersionRange[], all: VersionRange[]): VersionRange[] {
  const merged: VersionRange[] = [];
  let previousIndex = -2;
  for (const range of holding) {
    // By value: `holding` may come from another splitRange call than `all`.
    const index = all.findIndex((piece) => compareVersions(piece.min, range.min) === 0 && compareVersions(piece.max, range.max) === 0);
    if (index === previousIndex + 1 && merged.length > 0) merged[merged.length - 1] = { min: merged[merged.length - 1].min, max: range.max };
    else merged.push(range);
    previousIndex = index;
  }
  return merged;
}
