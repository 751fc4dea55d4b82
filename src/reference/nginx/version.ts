/**
 * The nginx version a tree runs, as a range: `nginx:1.27-alpine` pins 1.27.x, `--nginx-version
 * 1.29.8` one release, and nothing at all every supported release. Defaults that changed between
 * releases are evaluated per sub-range, so a rule can say which versions a problem holds for.
 */
import type { Span } from '../../source/span';

export type Version = [number, number, number];

export interface VersionRange {
  /** Inclusive. */
  min: Version;
  /** Inclusive; Infinity components mean "any later release". */
  max: Version;
}

export interface NginxVersionInfo {
  range: VersionRange;
  /** Where the version came from; undefined when it is not known. */
  source?: { kind: 'option' | 'config' | 'tree'; text: string; span?: Span };
}

/** The oldest release cfglint reasons about (Ubuntu 20.04's package); older trees get its defaults. */
export const OLDEST_SUPPORTED: Version = [1, 18, 0];
export const LATEST: Version = [Infinity, Infinity, Infinity];
export const UNKNOWN_VERSION: NginxVersionInfo = { range: { min: OLDEST_SUPPORTED, max: LATEST } };

export function parseVersion(text: string): Version | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), match[3] === undefined ? 0 : Number(match[3])];
}

/** `1.27` covers every 1.27.x; `1.29.8` one release. */
export function versionRangeOf(text: string): VersionRange | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (match[3] === undefined) return { min: [major, minor, 0], max: [major, minor, Infinity] };
  const exact: Version = [major, minor, Number(match[3])];
  return { min: exact, max: exact };
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

export function formatVersion(version: Version): string {
  return version.map((part) => (part === Infinity ? 'x' : String(part))).join('.');
}

export function isKnownExactly(info: NginxVersionInfo): boolean {
  return info.source !== undefined;
}

/** Human text for a range, e.g. "nginx ≤ 1.29.6", "nginx ≥ 1.29.7", "nginx 1.27.x". */
export function describeRange(range: VersionRange): string {
  const openLow = compareVersions(range.min, OLDEST_SUPPORTED) <= 0;
  const openHigh = range.max[0] === Infinity;
  if (openLow && openHigh) return 'every nginx version';
  if (openHigh) return `nginx ≥ ${formatVersion(range.min)}`;
  if (openLow) return `nginx ≤ ${formatVersion(range.max)}`;
  if (compareVersions(range.min, range.max) === 0) return `nginx ${formatVersion(range.min)}`;
  if (range.min[0] === range.max[0] && range.min[1] === range.max[1] && range.min[2] === 0 && range.max[2] === Infinity) {
    return `nginx ${range.min[0]}.${range.min[1]}.x`;
  }
  return `nginx ${formatVersion(range.min)} to ${formatVersion(range.max)}`;
}

/**
 * Split a range at release boundaries (the first release of a new behaviour), e.g. [1.18.0, ∞)
 * at 1.29.7 gives [1.18.0, 1.29.6] and [1.29.7, ∞). Each piece behaves the same throughout.
 */
export function splitRange(range: VersionRange, boundaries: Version[]): VersionRange[] {
  const pieces: VersionRange[] = [];
  let min = range.min;
  for (const boundary of [...boundaries].sort(compareVersions)) {
    if (compareVersions(boundary, min) <= 0 || compareVersions(boundary, range.max) > 0) continue;
    pieces.push({ min, max: previousRelease(boundary) });
    min = boundary;
  }
  pieces.push({ min, max: range.max });
  return pieces;
}

function previousRelease(version: Version): Version {
  if (version[2] > 0) return [version[0], version[1], version[2] - 1];
  return [version[0], version[1] - 1, Infinity];
}

/** The smallest range that holds both. */
export function rangeUnion(a: VersionRange, b: VersionRange): VersionRange {
  return { min: compareVersions(a.min, b.min) <= 0 ? a.min : b.min, max: compareVersions(a.max, b.max) >= 0 ? a.max : b.max };
}

/**
 * One version for configurations several nginx may run: every release any of them may be, known
 * when each is; undefined when none is given.
 */
export function combineVersions(versions: (NginxVersionInfo | undefined)[]): NginxVersionInfo | undefined {
  let combined: NginxVersionInfo | undefined;
  for (const version of versions) {
    if (!version || version === combined) continue;
    if (!combined) {
      combined = version;
      continue;
    }
    const range = rangeUnion(combined.range, version.range);
    combined =
      combined.source && version.source ? { range, source: { ...combined.source, text: `${combined.source.text}, ${version.source.text}` } } : { range };
  }
  return combined;
}

export function rangeIncludes(range: VersionRange, version: Version): boolean {
  return compareVersions(range.min, version) <= 0 && compareVersions(version, range.max) <= 0;
}
