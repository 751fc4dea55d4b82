/**
 * Which of the backends that match an nginx address can really receive its requests.
 *
 * A repository often holds more than one deployment: environments side by side (`envs/staging`,
 * `envs/prod`), a VM tree next to Kubernetes manifests, two compose projects that both call a
 * service `web`, or two ways to run the same app ("use one or the other"). Matching addresses
 * alone links across all of them. So:
 *
 * - an address never links across a deployment the user declared (`deployments` in
 *   .cfglint.json), nor across network namespaces the tree makes certain: nginx's loopback is
 *   not a Kubernetes pod's unless nginx runs in that pod;
 * - of the rest, the backends closest to the nginx file in the directory tree win (the deepest
 *   directory the two share, then the fewest steps between them);
 * - of backends equally close, those a launch of the tree starts win over config files nothing
 *   starts;
 * - backends that stay equally close are alternatives: the tree does not say which one runs.
 *   The engine judges each alternative in turn, and a finding that holds for only some of them
 *   is at most `info` (see lintSync);
 * - alternatives that are one server config (the same files, settings, listeners and limits,
 *   started in several containers) are one alternative: judging each gives the same answer.
 */
import type { Backend } from './backend';
import { directoryComponents } from '../source/path-tails';
import { backendLaunches } from './listen-backlog';
import { backendLimits } from './backend-limits';

/** A candidate link, reduced to what scoping needs. */
export interface ScopeCandidate {
  backend: Backend;
  /** The address is loopback or a socket file: only a process in the same network namespace reaches it. */
  local: boolean;
}

export interface ScopeChoice<T extends ScopeCandidate> {
  /** The candidates of each alternative backend, closest first; empty when none can be reached. */
  alternatives: T[][];
  /** The directory the nginx file and the chosen backends share, for the report ('' = the tree's root). */
  sharedDirectory: string;
}

/**
 * @param nginxFiles display paths of the nginx files that name the address (the `server` line,
 *   the `*_pass`)
 * @param deploymentRoots display paths of the deployments the user declared, if any
 */
export function chooseReachable<T extends ScopeCandidate>(nginxFiles: string[], candidates: T[], deploymentRoots: string[]): ScopeChoice<T> {
  const byBackend = new Map<Backend, T[]>();
  for (const candidate of candidates) {
    if (!mayReach(nginxFiles, candidate.backend, candidate.local, deploymentRoots)) continue;
    const list = byBackend.get(candidate.backend);
    if (list) list.push(candidate);
    else byBackend.set(candidate.backend, [candidate]);
  }
  if (byBackend.size <= 1) {
    const only = [...byBackend.values()];
    return { alternatives: only, sharedDirectory: only.length ? sharedDirectoryOf(nginxFiles, evidenceFiles(only[0][0].backend)) : '' };
  }
  let best: Closeness | undefined;
  let closest: T[][] = [];
  for (const [backend, list] of byBackend) {
    const closeness = closenessOf(nginxFiles, evidenceFiles(backend));
    const order = best ? compareCloseness(closeness, best) : 1;
    if (order > 0) {
      best = closeness;
      closest = [list];
    } else if (order === 0) closest.push(list);
  }
  // Of equally close backends, one the tree starts runs; a config file nothing starts may not
  // (netbox's contrib/: gunicorn started by netbox.service, uwsgi.ini only offered in its place).
  const started = closest.filter((list) => backendLaunches(list[0].backend).length > 0);
  if (started.length > 0 && started.length < closest.length) closest = started;
  closest = oneOfEachServer(closest);
  return { alternatives: closest, sharedDirectory: sharedDirectoryOf(nginxFiles, evidenceFiles(closest[0][0].backend)) };
}

/**
 * The alternatives with each server config once (the first, in model order). One image started
 * by several compose projects (Kiwi TCMS: the root docker-compose.yml and each project under tests/
 * run it, and its start script runs uWSGI from the same ini) is several backends in the model, but
 * every rule that judges a link reads the same kind, config file, settings, listeners and limits
 * (the socket's owner included, which a launch's user may set) from each: judged in turn they give
 * the same findings, so they count as one alternative. The same text in two files, or the same
 * file with another setting on one command line, stays two.
 */
function oneOfEachServer<T extends ScopeCandidate>(alternatives: T[][]): T[][] {
  const kept: T[][] = [];
  for (const list of alternatives) if (!kept.some((other) => sameServer(other[0].backend, list[0].backend))) kept.push(list);
  return kept;
}

function sameServer(a: Backend, b: Backend): boolean {
  if (a.kind !== b.kind || a.file !== b.file || a.listeners.length !== b.listeners.length) return false;
  // A listener's link back to its backend (and a Tomcat connector's to its listener) is taken as the same.
  const seen = new Map<object, object>([[a, b]]);
  return (
    sameFacts(a.settings, b.settings, seen) &&
    a.listeners.every(
      (listener, i) => sameFacts(listener, b.listeners[i], seen) && sameFacts(backendLimits(a, listener), backendLimits(b, b.listeners[i]), seen),
    )
  );
}

/**
 * Whether two values hold the same data: primitives, spans, arrays, maps, sets and records. The
 * functions a limit carries build messages from its data and are not compared.
 */
function sameFacts(x: unknown, y: unknown, seen: Map<object, object>): boolean {
  if (x === y || (typeof x === 'function' && typeof y === 'function')) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (seen.has(x)) return seen.get(x) === y;
  seen.set(x, y);
  if (x instanceof Map) return y instanceof Map && x.size === y.size && [...x].every(([key, value]) => y.has(key) && sameFacts(value, y.get(key), seen));
  if (x instanceof Set) return y instanceof Set && x.size === y.size && [...x].every((value) => y.has(value));
  if (Array.isArray(x)) return Array.isArray(y) && x.length === y.length && x.every((value, i) => sameFacts(value, y[i], seen));
  const record = x as Record<string, unknown>;
  const other = y as Record<string, unknown>;
  const keys = Object.keys(record);
  return keys.length === Object.keys(other).length && keys.every((key) => key in other && sameFacts(record[key], other[key], seen));
}

/**
 * Whether an nginx whose config is in `nginxFiles` can reach the backend at all: the same declared
 * deployment, and for a loopback or socket address (`local`) the same network namespace.
 */
export function mayReach(nginxFiles: string[], backend: Backend, local: boolean, deploymentRoots: string[]): boolean {
  if (deploymentRoots.length > 0) {
    const nginxDeployment = deploymentOf(nginxFiles[0], deploymentRoots);
    if (!evidenceFiles(backend).some((file) => deploymentOf(file, deploymentRoots) === nginxDeployment)) return false;
  }
  return !local || sharesLoopback(nginxFiles, backend);
}

/** The declared deployment a file belongs to: the longest root that holds it. */
export function deploymentOf(file: string, roots: string[]): string | undefined {
  let found: string | undefined;
  for (const root of roots) {
    const inside = root === '' || root === '.' || file === root || file.startsWith(root.endsWith('/') ? root : root + '/');
    if (inside && (found === undefined || root.length > found.length)) found = root;
  }
  return found;
}

/** The files that place a backend: its config, its listeners, the files that start it. */
function evidenceFiles(backend: Backend): string[] {
  const files = new Set<string>([backend.file]);
  for (const listener of backend.listeners) files.add(listener.span.file);
  for (const launch of backendLaunches(backend)) if (launch.file) files.add(launch.file);
  return [...files];
}

/**
 * A pod has a loopback of its own: a backend that only ever runs in Kubernetes pods is reached
 * over loopback only by an nginx in the same pod, whose config then comes from the same manifest.
 */
function sharesLoopback(nginxFiles: string[], backend: Backend): boolean {
  const launches = backendLaunches(backend);
  if (launches.length === 0) return true;
  return launches.some((launch) => launch.kind !== 'kubernetes' || launch.container?.hostNetwork === true || nginxFiles.includes(launch.file));
}

function commonSegments(a: string, b: string): string[] {
  const x = directoryComponents(a);
  const y = directoryComponents(b);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i);
}

/**
 * How close two places in the directory tree are: the deeper the directory they share, the closer;
 * then the fewer steps from one to the other (`contrib/` is closer to `contrib/` than `contrib/legacy/` is).
 */
interface Closeness {
  shared: number;
  steps: number;
}

function closenessOf(nginxFiles: string[], backendFiles: string[]): Closeness {
  let best: Closeness = { shared: -1, steps: Infinity };
  for (const a of nginxFiles) {
    for (const b of backendFiles) {
      const shared = commonSegments(a, b).length;
      const candidate = { shared, steps: directoryComponents(a).length + directoryComponents(b).length - 2 * shared };
      if (compareCloseness(candidate, best) > 0) best = candidate;
    }
  }
  return best;
}

/** Positive when `a` is closer than `b`. */
function compareCloseness(a: Closeness, b: Closeness): number {
  return a.shared - b.shared || b.steps - a.steps;
}

function sharedDirectoryOf(nginxFiles: string[], backendFiles: string[]): string {
  let best: string[] = [];
  for (const a of nginxFiles)
    for (const b of backendFiles) {
      const common = commonSegments(a, b);
      if (common.length > best.length) best = common;
    }
  return best.join('/');
}
