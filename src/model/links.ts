/**
 * Which backend listener serves each address nginx sends requests to. A link is made only on
 * evidence the tree gives (the same loopback port, the same socket file, a compose service
 * name); anything else is "outside the tree" and no cross-file rule judges it.
 */
import type { Span } from '../report/finding';
import type { Backend, ListenAddress, Listener } from './backend';
import type { Deployment } from './deployment';
import type { NginxAddress, UpstreamGroup, UpstreamPass, UpstreamServer } from './nginx';

/** One address nginx sends to: an upstream group's `server` line, or a pass's own address. */
export interface NginxTarget {
  address: NginxAddress;
  span: Span;
  /** Every pass that sends here (a group may be used by several locations). */
  passes: UpstreamPass[];
  group?: UpstreamGroup;
  server?: UpstreamServer;
}

export type LinkReason = 'same-address' | 'same-socket-path' | 'compose-service';

export interface Link {
  target: NginxTarget;
  listener: Listener;
  backend: Backend;
  reason: LinkReason;
  /** Why, in words, for --explain and the JSON report. */
  detail: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', 'ip6-localhost']);
/** A listener on one of these accepts connections to any local address. */
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '*', '', '[::]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * `/var/run` is a symlink to `/run` on every current Linux distribution, and repeated slashes
 * name the same file (`server unix:///tmp/app.sock;` is /tmp/app.sock to the kernel).
 */
export function canonicalSocketPath(path: string): string {
  const trimmed = path.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return trimmed.startsWith('/var/run/') ? trimmed.slice('/var'.length) : trimmed;
}

/** Every distinct address nginx sends to, with the passes that use it. */
export function nginxTargets(model: Deployment): NginxTarget[] {
  const byGroupServer = new Map<UpstreamServer, NginxTarget>();
  const targets: NginxTarget[] = [];
  for (const pass of model.nginx.passes) {
    if (pass.target.kind === 'group') {
      for (const server of pass.target.group.servers) {
        if (!server.address) continue;
        let target = byGroupServer.get(server);
        if (!target) {
          target = { address: server.address, span: server.span, passes: [], group: pass.target.group, server };
          byGroupServer.set(server, target);
          targets.push(target);
        }
        target.passes.push(pass);
      }
    } else if (pass.target.kind === 'address') {
      targets.push({ address: pass.target.address, span: pass.entry.directive.args[0].span, passes: [pass] });
    }
  }
  return targets;
}

/** Whether a listener accepts what nginx sends to `address`, and why. */
export function matchListener(address: NginxAddress, listener: Listener, composeServiceOf: (backend: Backend) => string | undefined): { reason: LinkReason; detail: string } | undefined {
  const listens: ListenAddress = listener.address;
  if (address.kind === 'unix') {
    if (listens.kind !== 'unix') return undefined;
    return canonicalSocketPath(address.path) === canonicalSocketPath(listens.path)
      ? { reason: 'same-socket-path', detail: `both name the socket ${canonicalSocketPath(address.path)}` }
      : undefined;
  }
  if (listens.kind !== 'tcp' || listens.port !== address.port) return undefined;
  const host = address.host.toLowerCase();
  const bound = listens.host.toLowerCase();
  if (isLoopback(host)) {
    if (ALL_INTERFACES.has(bound)) return { reason: 'same-address', detail: `port ${address.port} on loopback; the backend listens on all interfaces` };
    if (isLoopback(bound)) return { reason: 'same-address', detail: `port ${address.port} on loopback` };
    return undefined;
  }
  // A name that is not loopback: only a compose service of that name says which backend it is.
  const service = composeServiceOf(listener.backend as Backend);
  if (service && service.toLowerCase() === host && (ALL_INTERFACES.has(bound) || bound === host)) {
    return { reason: 'compose-service', detail: `"${address.host}" is the compose service that runs this backend, port ${address.port}` };
  }
  return undefined;
}

/** Links every nginx target to every listener that serves it (normally one). */
export function linkDeployment(model: Deployment): Link[] {
  const links: Link[] = [];
  const composeServiceOf = (backend: Backend) => backend.launchedBy?.find((launch) => launch.kind === 'compose')?.service;
  for (const target of nginxTargets(model)) {
    for (const backend of model.backends) {
      for (const listener of backend.listeners) {
        const match = matchListener(target.address, listener, composeServiceOf);
        if (match) links.push({ target, listener, backend, ...match });
      }
    }
  }
  return links;
}
