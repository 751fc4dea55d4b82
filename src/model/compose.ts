/**
 * Compose projects as the link step needs them: which service runs where, what it mounts from
 * the tree, what it publishes on the host, and whose network namespace it shares. Compose
 * resolves service names inside one project only, and each container has its own loopback.
 */
import type { ComposeScope, Launch } from '../readers/launch/launch';
import { ComposeContainer } from '../readers/launch/launch';

function pathParts(display: string): string[] {
  return display.split('/').filter((part) => part !== '' && part !== '.');
}

/** Whether a mount puts the tree file `display` into the container (the file itself or a directory above it). */
export function mountHolds(mount: { display: string }, display: string): boolean {
  const mounted = pathParts(mount.display);
  const file = pathParts(display);
  return mounted.length <= file.length && mounted.every((part, i) => part === file[i]);
}

/** The compose services that bind-mount a tree file (an nginx config mounted into the nginx service). */
export function containersMounting(containers: ComposeContainer[], display: string): ComposeContainer[] {
  return containers.filter((container) => container.mounts.some((mount) => mountHolds(mount, display)));
}

/** nginx's own directories in the usual images and packages: a directory placed there is nginx's config. */
const NGINX_DIRECTORY = /^\/(etc\/nginx|etc\/openresty|usr\/local\/nginx|usr\/local\/openresty|usr\/local\/etc\/nginx|opt\/nginx|opt\/bitnami\/nginx)(\/|$)/;

/**
 * The compose services an nginx config file runs in: those that mount or copy that very file, or
 * a directory holding it so that it lands in one of nginx's directories (docker-graphite-statsd's
 * `COPY conf /` puts conf/etc/nginx/ at /etc/nginx/). A whole build context copied into an app
 * image (`COPY . /app`) carries the repository's nginx files without running them.
 */
export function containersRunningNginxFile(containers: ComposeContainer[], display: string): ComposeContainer[] {
  return containers.filter((container) => container.mounts.some((mount) => placesNginxFile(mount, display)));
}

/**
 * Whether a mount or COPY puts the nginx file `display` where nginx reads it: that very file, or a
 * directory holding it so that the file lands in one of nginx's directories.
 */
export function placesNginxFile(mount: { display: string; target: string }, display: string): boolean {
  if (!mountHolds(mount, display)) return false;
  const inside = pathParts(display).slice(pathParts(mount.display).length);
  return inside.length === 0 || NGINX_DIRECTORY.test(`${mount.target.replace(/\/+$/, '')}/${inside.join('/')}`);
}

/** How many leading directories two display paths share: how close a file is to a project. */
export function sharedDirectories(directory: string, file: string): number {
  const a = pathParts(directory);
  const b = pathParts(file).slice(0, -1);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Whether two services of one project share a network namespace (`network_mode: service:x`). */
export function shareNetwork(a: { service: string; sharesNetworkWith?: string }, b: { service: string; sharesNetworkWith?: string }): boolean {
  const namespaceOf = (container: { service: string; sharesNetworkWith?: string }) => container.sharesNetworkWith ?? container.service;
  return namespaceOf(a) === namespaceOf(b);
}

/** The compose launch of a backend, if compose starts it (itself, or supervisord in a compose service's container). */
export function composeLaunch(launches: Launch[]): (Launch & { compose: ComposeScope; service: string }) | undefined {
  return launches.find((launch): launch is Launch & { compose: ComposeScope; service: string } => launch.compose !== undefined && launch.service !== undefined);
}

/**
 * Which compose project an nginx file runs in, when the tree holds more than one project: the
 * project of a service that mounts it, else the deepest project whose directory holds it; ''
 * when neither says (or the tree has one project at most, which then changes nothing).
 */
export function composeDeploymentOf(containers: ComposeContainer[]): (file: string) => string {
  const projects = [...new Set(containers.map((container) => container.project))];
  if (projects.length < 2) return () => '';
  return (file) => {
    const mounting = [...new Set(containersRunningNginxFile(containers, file).map((container) => container.project))];
    if (mounting.length === 1) return mounting[0];
    if (mounting.length > 1) return '';
    const holding = projects.filter((project) => sharedDirectories(project, file) === pathParts(project).length && pathParts(project).length > 0);
    return holding.sort((a, b) => pathParts(b).length - pathParts(a).length)[0] ?? '';
  };
}
