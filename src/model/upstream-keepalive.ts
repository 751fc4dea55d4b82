/**
 * Queries shared by the upstream keep-alive rules: whether an upstream group keeps idle
 * connections for a given range of nginx releases, and its keep-alive settings there.
 */
import type { RelatedSpan } from '../source/span';
import type { Setting } from '../source/setting';
import type { Deployment } from './deployment';
import { formatMilliseconds } from './nginx-values';
import type { NginxBlock, UpstreamGroup } from './nginx';
import { compareVersions, describeRange, isKnownExactly, parseVersion, splitRange, Version, VersionRange } from '../reference/nginx/version';

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
  for (const range of splitRange(model.nginxVersion.range, KEEPALIVE_BOUNDARIES)) {
    const keepalive = block.setting('keepalive', range);
    if (!keepalive || typeof keepalive.value !== 'number' || keepalive.value <= 0) continue;
    out.push({ range, keepalive });
  }
  return out;
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
 * it: full severity where it holds for every release the tree may run.
 */
export function versionQualifier(model: Deployment, holding: VersionRange[], all: VersionRange[]): { text: string; maxSeverity?: 'warning' } {
  if (holding.length === all.length) return { text: '' };
  const hint = isKnownExactly(model.nginxVersion) ? '' : '; the nginx version is not known: set it with --nginx-version or nginx.version';
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
