/**
 * Front doors that do not come back after a host reboot: the compose service that runs nginx and
 * publishes ports (or, in a tree without nginx, the one a balancer sends to) and that a plain
 * `docker compose up` starts (not one only in `profiles:`), with no restart policy; a systemd unit
 * that starts nginx (or such a backend) and has no `[Install]` target to be enabled into. Each
 * says whether a balancer of the tree sends to it.
 */

import type { ComposeContainer, Launch } from '../readers/launch/launch';
import type { Deployment } from './deployment';
import { hostTargets } from './front-door';

export type DownAfterReboot =
  | { kind: 'compose'; container: ComposeContainer; runs: string; ports: number[]; behindBalancer?: string }
  | { kind: 'systemd'; launch: Launch; runs: string; behindBalancer?: string };

const NGINX_IMAGE = /^(?:[\w.-]+(?::\d+)?\/)*(?:nginx|openresty|nginx-unprivileged)(?:[:@]|$)/i;

/** Whether compose's `restart:` brings the service back when the Docker daemon starts. */
function restartsAtBoot(restart: ComposeContainer['restart']): boolean | undefined {
  if (!restart) return false;
  const value = restart.value.trim().toLowerCase();
  if (value === 'no' || value === 'false') return false;
  if (value.includes('$')) return undefined;
  return true;
}

export function downAfterReboot(model: Deployment): DownAfterReboot[] {
  const found: DownAfterReboot[] = [];
  const targets = hostTargets(model);
  const balancerFor = (ports: number[]) => targets.find((target) => ports.includes(target.port.value));
  const describe = (target: ReturnType<typeof balancerFor>) => (target ? (target.balancer ?? target.name) : undefined);
  const hasNginx = model.nginx.scopes.some((scope) => scope.servers.length > 0 && !scope.roots.some((root) => root.generatedBy === 'ingress-nginx'));
  const nginxLaunches = model.launches.filter((launch) => launch.program === 'nginx' || launch.program === 'openresty');

  for (const container of model.compose) {
    if (container.published.length === 0 || !container.keySpan) continue;
    // A service only in profiles runs only where someone activates one (`--profile`, `docker
    // compose run`), which the tree does not show: it may be a development tool, not the front door.
    if (container.profiles && container.profiles.startedByPlainUp !== true) continue;
    const ports = [...new Set(container.published.map((published) => published.hostPort))];
    const runsNginx =
      (container.image !== undefined && NGINX_IMAGE.test(container.image)) ||
      nginxLaunches.some((launch) => launch.kind === 'compose' && launch.file === container.file && launch.service === container.service);
    const target = balancerFor(ports);
    // Without nginx in the tree, the service a balancer sends to is the front door.
    if (!runsNginx && (hasNginx || !target)) continue;
    if (restartsAtBoot(container.restart) !== false) continue;
    found.push({
      kind: 'compose',
      container,
      runs: runsNginx ? 'nginx' : 'the service the load balancer sends to',
      ports,
      ...(describe(target) ? { behindBalancer: describe(target) } : {}),
    });
  }

  const targetPorts = targets.map((target) => target.port.value);
  for (const launch of model.launches) {
    if (launch.kind !== 'systemd' || !launch.systemdInstall || launch.systemdInstall.wantedBy.length > 0) continue;
    const isNginx = launch.program === 'nginx' || launch.program === 'openresty';
    let target: ReturnType<typeof balancerFor>;
    if (isNginx) {
      target = targets[0];
    } else {
      if (hasNginx) continue;
      const backend = model.backends.find((candidate) => candidate.launchedBy?.includes(launch));
      const ports = backend?.listeners.flatMap((listener) => (listener.address.kind === 'tcp' ? [listener.address.port] : [])) ?? [];
      target = balancerFor(ports.filter((port) => targetPorts.includes(port)));
      if (!target) continue;
    }
    found.push({ kind: 'systemd', launch, runs: isNginx ? 'nginx' : launch.program, ...(describe(target) ? { behindBalancer: describe(target) } : {}) });
  }
  return found;
}
