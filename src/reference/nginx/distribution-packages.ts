/**
 * The nginx a distribution release installs from its own archive (`apt-get install nginx`,
 * `apk add nginx`), as the upstream version it packages. Debian and Ubuntu keep one upstream
 * release for a distribution release's life and backport fixes into it (`1.22.1-9+deb12u12` is
 * still 1.22.1), so their entry is that release; Alpine's stable branches move to later patch
 * releases of one stable line (v3.22 went from 1.28.0-r3 to 1.28.2-r0), so its entry is the line,
 * every 1.28.x. A release the table does not hold (Alpine 3.17 to 3.20, whose versions were not
 * checked) leaves the version unknown. Sources, read for each entry (docs/servers/nginx.md#distribution-packages):
 * packages.debian.org (bullseye, bookworm, trixie), packages.ubuntu.com (jammy, noble),
 * pkgs.alpinelinux.org (v3.14 to v3.16, v3.21 to v3.24); for buster and focal, whose pages are
 * gone, install logs of their `nginx` package (`1.14.2-2+deb10u4`, `1.18.0-0ubuntu1.2`).
 */

export type Distribution = 'debian' | 'ubuntu' | 'alpine';

export interface DistributionNginx {
  /** As people name the release: `Debian 12`, `Ubuntu 22.04`, `Alpine 3.22`. */
  name: string;
  /** The upstream version, as versionRangeOf reads it: `1.22.1` one release, `1.28` the line. */
  nginx: string;
}

const PACKAGED: Record<Distribution, Record<string, string>> = {
  // packages.debian.org/<suite>/nginx: 1.14.2-2+deb10u*, 1.18.0-6.1+deb11u*, 1.22.1-9+deb12u*, 1.26.3-3+deb13u*.
  debian: { '10': '1.14.2', '11': '1.18.0', '12': '1.22.1', '13': '1.26.3' },
  // packages.ubuntu.com/<suite>/nginx: 1.18.0-0ubuntu1.*, 1.18.0-6ubuntu14.*, 1.24.0-2ubuntu7.*.
  ubuntu: { '20.04': '1.18.0', '22.04': '1.18.0', '24.04': '1.24.0' },
  // pkgs.alpinelinux.org/package/<branch>/main/<arch>/nginx (and nginx-vim, built from the same APKBUILD).
  alpine: { '3.14': '1.20', '3.15': '1.20', '3.16': '1.22', '3.21': '1.26', '3.22': '1.28', '3.23': '1.28', '3.24': '1.30' },
};

/** Codenames image tags use for a release (`python:3.12-slim-bookworm`, `eclipse-temurin:21-jammy`). */
export const RELEASE_CODENAMES: Record<string, { distribution: Distribution; release: string }> = {
  buster: { distribution: 'debian', release: '10' },
  bullseye: { distribution: 'debian', release: '11' },
  bookworm: { distribution: 'debian', release: '12' },
  trixie: { distribution: 'debian', release: '13' },
  focal: { distribution: 'ubuntu', release: '20.04' },
  jammy: { distribution: 'ubuntu', release: '22.04' },
  noble: { distribution: 'ubuntu', release: '24.04' },
};

const DISTRIBUTION_NAMES: Record<Distribution, string> = { debian: 'Debian', ubuntu: 'Ubuntu', alpine: 'Alpine' };

/** The nginx a release's own package installs; undefined for a release the table does not hold. */
export function distributionNginx(distribution: Distribution, release: string): DistributionNginx | undefined {
  const nginx = PACKAGED[distribution][release];
  return nginx === undefined ? undefined : { name: `${DISTRIBUTION_NAMES[distribution]} ${release}`, nginx };
}
