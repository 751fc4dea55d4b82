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

/** Whether a container path lies in one of nginx's own directories. */
export function inNginxDirectory(path: string): boolean {
  return NGINX_DIRECTORY.test(path);
}

/**
 * The compose services an nginx config file runs in: those that mount or copy that very file, or
 * a directory holding it so that it lands in one of nginx's directories (docker-graphite-statsd's
 * `COPY conf /` puts conf/etc/nginx/ at /etc/nginx/), and those whose start-up script copies it
 * there (an all-in-one image's start script: `cp site.conf /etc/nginx/sites-enabled/default`).
 * A whole build context copied into an app image (`COPY . /app`) carries the repository's nginx
 * files without running them.
 */
export function containersRunningNginxFile(containers: ComposeContainer[], display: string): ComposeContainer[] {
  return containers.filter((container) => [...container.mounts, ...(container.scriptCopies ?? [])].some((mount) => placesNginxFile(mount, display)));
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

/**
 * Where compose runs an nginx config, as far as the tree says: the services that run one of its
 * files (mount it, or copy it into an image they build) and their projects; where none does, the
 * projects whose directory holds one of its files (a config beside or under the compose file, run
 * in a way the tree does not show). A file outside every project's directory that no service runs
 * is a host's nginx (InvenTree's contrib/packager.io/nginx.prod.conf, which its installer copies
 * to /etc/nginx/sites-enabled): it is on no compose network.
 */
export interface ComposePlace {
  running: ComposeContainer[];
  projects: ReadonlySet<string>;
}

/** @param files display paths of the nginx file and of the files that include it */
export function composePlaceOf(containers: ComposeContainer[], files: string[]): ComposePlace {
  const running = containers.filter((container) => files.some((file) => containersRunningNginxFile([container], file).length > 0));
  if (running.length > 0) return { running, projects: new Set(running.map((container) => container.project)) };
  const holding = containers.map((container) => container.project).filter((project) => files.some((file) => projectHolds(project, file)));
  return { running, projects: new Set(holding) };
}

/**
 * Whether the service names of a compose scope's project resolve where the nginx config runs:
 * compose's DNS answers inside one project, and in another only over a network both join that
 * other projects can join (an external one, or one with a fixed name). Two stacks side by side in
 * one repository, each with a `web` service, do not reach each other.
 */
export function resolvesServicesOf(place: ComposePlace, scope: ComposeScope): boolean {
  return place.projects.has(scope.project) || place.running.some((container) => shareJoinableNetwork(container, scope));
}

/** Whether two containers join a network other projects can join too ('*' may be any). */
function shareJoinableNetwork(a: ComposeScope, b: ComposeScope): boolean {
  if (a.sharedNetworks.length === 0 || b.sharedNetworks.length === 0) return false;
  return a.sharedNetworks.includes('*') || b.sharedNetworks.includes('*') || a.sharedNetworks.some((name) => b.sharedNetworks.includes(name));
}

/** Whether a file lies in a project's directory or below it (every file, for a project at the root). */
function projectHolds(project: string, file: string): boolean {
  return sharedDirectories(project, file) === pathParts(project).length;
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
 * when neither says (or the tree has one project at most, which then changes nothing). A project
 * at the root of the tree given holds every file, which says nothing; `treeRoots` are those roots
 * as shown (relative to the working directory), so that `cfglint t` and `cd t && cfglint .` agree.
 */
export function composeDeploymentOf(containers: ComposeContainer[], treeRoots: string[]): (file: string) => string {
  const projects = [...new Set(containers.map((container) => container.project))];
  if (projects.length < 2) return () => '';
  const roots = treeRoots.map((root) => pathParts(root).join('/'));
  const atRoot = (project: string) => roots.includes(pathParts(project).join('/'));
  return (file) => {
    const mounting = [...new Set(containersRunningNginxFile(containers, file).map((container) => container.project))];
    if (mounting.length === 1) return mounting[0];
    if (mounting.length > 1) return '';
    const holding = projects.filter((project) => projectHolds(project, file) && !atRoot(project));
    return holding.sort((a, b) => pathParts(b).length - pathParts(a).length)[0] ?? '';
  };
}

/**
 * The compose services a host name resolves to where the nginx files `files` run (as
 * nginx-stale-dns finds them), whose container starts nothing the tree shows: no launch of the
 * tree is theirs, and they run an `image:` (taigaio/taiga-docker's `taiga-back`). What listens
 * there is the image's own server, configured where the tree cannot see.
 */
export function imageOnlyServicesAt(containers: ComposeContainer[], launches: Launch[], host: string, files: string[]): ComposeContainer[] {
  const name = host.toLowerCase();
  const place = composePlaceOf(containers, files);
  return containers.filter(
    (container) =>
      container.image !== undefined &&
      [container.service, ...container.aliases].some((alias) => alias.toLowerCase() === name) &&
      resolvesServicesOf(place, container) &&
      !launches.some((launch) => launch.kind === 'compose' && launch.service === container.service && launch.compose?.project === container.project),
  );
}
