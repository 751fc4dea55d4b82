/**
 * Which backend listener serves each address nginx sends requests to. A link is made only on
 * evidence the tree gives (the same loopback port, the same socket file, a compose service
 * name); anything else is "outside the tree" and no cross-file rule judges it.
 */
import type { Span } from '../source/span';
import type { Backend } from './backend';
import type { ListenAddress, Listener } from '../readers/backend';
import { composeLaunch, composePlaceOf, containersMounting, resolvesServicesOf, shareNetwork } from './compose';
import type { ComposePlace } from './compose';
import { ComposeContainer } from '../readers/launch/launch';
import type { Launch, Mount } from '../readers/launch/launch';
import type { Deployment } from './deployment';
import type { ComposeScope } from '../readers/launch/launch';
import type { ComposeLink } from '../readers/docker/compose';
import { backendLaunches } from './listen-backlog';
import { nginxConfigPath, nginxLaunchesRunning } from './nginx-launches';
import { resolveTargetPort, servicePort, servicesNamed, workloadsSelectedBy } from './kubernetes';
import { ContainerObject, ServiceObject, ServicePort, WorkloadObject } from '../readers/kubernetes/objects';
import type { NginxAddress, NginxBlock, NginxHttpScope, UpstreamGroup, UpstreamPass, UpstreamServer } from './nginx';
import { IMPLICIT_LISTEN, listenSocket } from './nginx-listen';
import { chooseReachable } from './scopes';
import { NginxPod, podsRunningNginx, runsInPods, startsInPods } from './pods';
import type { TemplateAddress } from '../discovery/template';

/** One address nginx sends to: an upstream group's `server` line, or a pass's own address. */
export interface NginxTarget {
  address: NginxAddress;
  readonly span: Span;
  /** Every pass that sends here (a group may be used by several locations). */
  passes: UpstreamPass[];
  group?: UpstreamGroup;
  server?: UpstreamServer;
}

/**
 * A target whose span is built when read: a large tree has thousands of upstream servers, and
 * only those linked or reported need a position.
 */
class LazyTarget implements NginxTarget {
  readonly passes: UpstreamPass[] = [];

  constructor(
    readonly address: NginxAddress,
    private readonly where: UpstreamServer | UpstreamPass,
    readonly group?: UpstreamGroup,
    readonly server?: UpstreamServer,
  ) {}

  get span(): Span {
    return 'location' in this.where ? this.where.entry.directive.args[0].span : this.where.span;
  }
}

export type LinkReason = 'same-address' | 'same-socket-path' | 'compose-service' | 'kubernetes-service' | 'same-template-text';

export interface Link {
  target: NginxTarget;
  listener: Listener;
  backend: Backend;
  reason: LinkReason;
  /** Why, in words, for --explain and the JSON report. */
  detail: string;
  /**
   * Where both sides run, in words: `host`, `compose project docker/`, `Kubernetes namespace
   * shop`, `one Docker host's ports` (nginx in a container reaching the host through
   * host-gateway); with the directory the nginx file and the backend share when the tree holds several.
   */
  scope: string;
  /**
   * Other backends that match the address just as well (equally close in the tree): the tree does
   * not say which one runs. Empty in the usual case, and when the others are the same server config
   * started elsewhere (scopes.ts, oneOfEachServer). Which one this link is depends on
   * `Deployment.linkAlternative`.
   */
  alternatives: Backend[];
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
  const { passes } = model.nginx;
  for (let i = 0; i < passes.length; i++) {
    const pass = passes[i];
    if (pass.target.kind === 'group') {
      for (const server of pass.target.group.servers) {
        if (!server.address) continue;
        let target = byGroupServer.get(server);
        if (!target) {
          target = new LazyTarget(server.address, server, pass.target.group, server);
          byGroupServer.set(server, target);
          targets.push(target);
        }
        target.passes.push(pass);
      }
    } else if (pass.target.kind === 'address') {
      const target = new LazyTarget(pass.target.address, pass);
      target.passes.push(pass);
      targets.push(target);
    }
  }
  return targets;
}

/** The http scope (one nginx's, or the snippets') of the first pass that sends to the target. */
function httpScopeOf(model: Deployment, target: NginxTarget): NginxHttpScope | undefined {
  const pass = target.passes[0];
  return pass && model.nginx.scopes.find((candidate) => candidate.passes.includes(pass));
}

/**
 * The server blocks of the nginx that sends to a loopback port or socket file and that listen
 * there themselves (BigBlueButton's `proxy_pass http://127.0.0.1:8185` to its own `listen
 * 127.0.0.1:8185`): nginx serves the address, nothing else of the tree can bind it. The same
 * nginx is the pass's http scope; the scope all snippets share holds several deployments' conf.d
 * files, so there a server of the same directory only. `listen *:P` accepts 127.0.0.1 and
 * `[::]:P` ::1 (ngx_http_core_listen: ipv6only is on by default).
 */
export function nginxServersListeningAt(model: Deployment, target: NginxTarget): NginxBlock[] {
  const address = target.address;
  if (address.kind === 'tcp' ? !isLoopback(address.host) : address.kind !== 'unix') return [];
  const pass = target.passes[0];
  const scope = httpScopeOf(model, target);
  if (!pass || !scope) return [];
  const snippets = scope.roots.every((root) => root.kind === 'snippet');
  const directoryOf = (file: string) => file.slice(0, file.lastIndexOf('/') + 1);
  const host = address.kind === 'tcp' ? address.host.toLowerCase().replace(/^\[(.*)\]$/, '$1') : '';
  const accepts = (key: string) => {
    if (address.kind === 'unix') return key.startsWith('unix:') && canonicalSocketPath(key.slice(5)) === canonicalSocketPath(address.path);
    if (address.kind !== 'tcp') return false;
    const at = key.lastIndexOf(':');
    if (key.startsWith('unix:') || Number(key.slice(at + 1)) !== address.port) return false;
    const bound = key.slice(0, at).replace(/^\[(.*)\]$/, '$1');
    const v6 = host.includes(':');
    if (bound === '*') return !v6;
    if (bound === '::') return v6 || host === 'localhost';
    return bound === host || (isLoopback(bound) && (host === 'localhost' || bound === 'localhost'));
  };
  return scope.servers.filter((server) => {
    if (snippets && directoryOf(server.directive?.file ?? '') !== directoryOf(pass.entry.directive.file)) return false;
    const listens = server.own('listen');
    if (listens.length === 0) return accepts(IMPLICIT_LISTEN.key);
    return listens.some((entry) => {
      const socket = listenSocket(entry.directive);
      return socket !== undefined && accepts(socket.key);
    });
  });
}

/**
 * A container has a loopback and a file system of its own: an image's process (its Dockerfile's
 * command) is not beside nginx when nginx's files are copied or mounted into another container
 * and not into this image (Mailu: the front image's certbot port, the setup image's gunicorn).
 * Where nginx runs is unknown, the image's process may be beside it (`docker run` may publish
 * its port or mount a directory anywhere).
 */
export function imageApartFromNginx(model: Deployment, image: Launch, nginxFiles: string[]): boolean {
  if (image.kind !== 'dockerfile' || !image.container || image.container.hostNetwork) return false;
  const holdsNginx = (mounts: readonly Mount[] | undefined) =>
    (mounts ?? []).some((mount) => nginxFiles.some((file) => file === mount.display || file.startsWith(`${mount.display}/`)));
  if (holdsNginx(image.mounts)) return false;
  return (
    model.launches.some((launch) => launch !== image && launch.container !== undefined && holdsNginx(launch.mounts)) ||
    model.compose.some((container) => holdsNginx(container.mounts))
  );
}

/**
 * The files of the launches that start the nginx sending to `target` outside any container: a
 * Procfile's or start script's `nginx -c …`, a systemd unit. Empty when no launch of the tree runs
 * its main config, or one runs it in a container. A snippet (conf.d file) has no main config here.
 */
export function nginxHostLaunchFiles(model: Deployment, target: NginxTarget): string[] {
  const main = httpScopeOf(model, target)?.roots.find((root) => root.kind === 'main');
  if (!main) return [];
  const { running } = nginxLaunchesRunning(model, main.file);
  if (running.length === 0 || running.some((launch) => launch.container !== undefined)) return [];
  return [...new Set(running.map((launch) => launch.file))];
}

/**
 * Whether a backend the same host launch starts (the script that starts nginx also runs `uvicorn
 * --port 4444 &`) listens on a loopback port: then the port is that process's, and a compose
 * service publishing the same host port belongs to another way to run the app (a development
 * stack), which could not bind it beside that process.
 */
export function hostLaunchListensOn(model: Deployment, files: string[], port: number): boolean {
  if (files.length === 0) return false;
  return model.backends.some(
    (backend) =>
      backendLaunches(backend).some((launch) => launch.container === undefined && files.includes(launch.file)) &&
      backend.listeners.some((listener) => {
        const listens = listener.address;
        return listens.kind === 'tcp' && listens.port === port && (ALL_INTERFACES.has(listens.host.toLowerCase()) || isLoopback(listens.host));
      }),
  );
}

/** Whether a listener accepts what nginx sends to `address`, and why. */
export function matchListener(
  address: NginxAddress,
  listener: Listener,
  composeNamesOf: (backend: Backend) => string[],
  projectOf: (backend: Backend) => string | undefined = () => undefined,
): { reason: LinkReason; detail: string } | undefined {
  const listens: ListenAddress = listener.address;
  if (address.kind === 'template') return listens.kind === 'other' && listens.template ? matchTemplate(address.template, listens.template) : undefined;
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
  // A name that is not loopback: only a compose service of that name (or its container_name or a
  // network alias, which compose's DNS resolves too) says which backend it is.
  const names = composeNamesOf(listener.backend as Backend);
  const name = names.find((candidate) => candidate.toLowerCase() === host);
  if (name !== undefined && (ALL_INTERFACES.has(bound) || bound === host)) {
    const what = name === names[0] ? 'the compose service' : `a name of the compose service "${names[0]}"`;
    const project = projectOf(listener.backend as Backend);
    return {
      reason: 'compose-service',
      detail: `"${address.host}" is ${what} that runs this backend${project !== undefined ? ` (compose project ${project})` : ''}, port ${address.port}`,
    };
  }
  return undefined;
}

/**
 * Whether a template's address is the one a backend's template listens on: the same text in the
 * same language (a unix path, a `host:port` whose port is the same text, or one placeholder for
 * both), so one rendering writes both with the same values. A literal loopback host of nginx is
 * accepted by a literal loopback or all-interfaces host of the backend, as for rendered addresses;
 * a host or port written with other tags, or only partly the same, is not.
 */
function matchTemplate(address: TemplateAddress, listens: TemplateAddress): { reason: LinkReason; detail: string } | undefined {
  if (address.dialect !== listens.dialect) return undefined;
  const same = { reason: 'same-template-text' as const };
  if (address.kind === 'unix' && listens.kind === 'unix') {
    const path = canonicalSocketPath(address.path);
    return path === canonicalSocketPath(listens.path) ? { ...same, detail: `both name the socket ${path}, with the same template text` } : undefined;
  }
  if (address.kind === 'whole' && listens.kind === 'whole') {
    return address.text === listens.text ? { ...same, detail: `both are ${address.text}, with the same template text` } : undefined;
  }
  if (address.kind !== 'tcp' || listens.kind !== 'tcp' || address.port !== listens.port) return undefined;
  const host = address.host.toLowerCase();
  const bound = listens.host.toLowerCase();
  if (address.host === listens.host) return { ...same, detail: `both are ${address.host}:${address.port}, with the same template text` };
  if (isLoopback(host) && (isLoopback(bound) || ALL_INTERFACES.has(bound))) {
    const where = isLoopback(bound) ? 'on loopback' : 'on loopback; the backend listens on all interfaces';
    return { ...same, detail: `port ${address.port} ${where}, with the same template text` };
  }
  return undefined;
}

/**
 * Where the nginx config that names a target runs, as far as compose says (composePlaceOf): the
 * services that mount or build in its file, or a file that includes it (a mounted nginx.conf
 * reaching conf.d), else the projects whose directory holds them.
 */
export function nginxComposePlace(model: Deployment, target: NginxTarget): ComposePlace {
  if (model.compose.length === 0) return NO_COMPOSE;
  const via = (target.server?.entry ?? target.passes[0]?.entry)?.via ?? [];
  return composePlaceOf(model.compose, [...new Set([target.span.file, ...via.map((include) => include.span.file)])]);
}

const NO_COMPOSE: ComposePlace = { running: [], projects: new Set() };

/**
 * The Kubernetes pods that run the nginx sending to a loopback port, when that is where it runs:
 * a ConfigMap mounts its file into a container's nginx directory (pods.ts), no compose service
 * runs it and no launch starts it on a host. Undefined otherwise, and for a pod on the node's
 * network (`hostNetwork`), whose loopback is the host's.
 */
export function nginxPodsOf(model: Deployment, target: NginxTarget): NginxPod[] | undefined {
  const address = target.address;
  if (address.kind !== 'tcp' || !isLoopback(address.host) || model.kubernetes.workloads.length === 0) return undefined;
  const entries = [target.server?.entry, ...target.passes.map((pass) => pass.entry)].filter((entry) => entry !== undefined);
  const spans = [target.span, ...entries.flatMap((entry) => [entry.directive.span, ...entry.via.map((include) => include.span)])];
  const pods = podsRunningNginx(model.kubernetes, spans);
  if (pods.length === 0 || pods.some((pod) => pod.workload.hostNetwork)) return undefined;
  if (nginxComposePlace(model, target).running.length > 0 || nginxHostLaunchFiles(model, target).length > 0) return undefined;
  return pods;
}

/**
 * Whose loopback is nginx's, for a loopback target. `pods`: the Kubernetes pods that run it
 * (nginxPodsOf). `containers`: the compose containers that run it (composePlaceOf), none on the
 * host's network and no launch of the tree starting it on a host; Docker gives each container a
 * network namespace and a loopback of its own, shared only through `network_mode: service:x`
 * (Docker's networking overview, compose-spec `network_mode`). `host`: a compose container that
 * runs it is on the host's network (`network_mode: host`), or a launch of the tree may start it
 * on a host (a systemd unit, a start script), so the host's loopback is (also) nginx's. Undefined
 * where the tree does not say (no compose service runs it, or one joins a container the tree need
 * not name, `container:x`): any loopback listener may be the one, as before.
 */
export type NginxLoopback = { kind: 'pods'; pods: NginxPod[] } | { kind: 'containers'; containers: ComposeContainer[] } | { kind: 'host' };

export function nginxLoopbackOf(model: Deployment, target: NginxTarget, place?: ComposePlace): NginxLoopback | undefined {
  const address = target.address;
  if (address.kind !== 'tcp' || !isLoopback(address.host)) return undefined;
  const pods = nginxPodsOf(model, target);
  if (pods) return { kind: 'pods', pods };
  const { running } = place ?? nginxComposePlace(model, target);
  if (running.length === 0) return undefined;
  if (running.some((container) => container.hostNetwork) || nginxMayRunOnHost(model, target)) return { kind: 'host' };
  if (running.some((container) => container.sharesContainerNetwork !== undefined)) return undefined;
  return { kind: 'containers', containers: running };
}

/**
 * Whether nginx reaches on loopback the host ports a compose service of `project` publishes: from
 * the host's network; where the tree does not say where nginx runs, unless a container of that
 * project runs it (as before).
 */
export function reachesPublishedPorts(loopback: NginxLoopback | undefined, nginxIn: ComposeContainer[], project: string): boolean {
  return loopback?.kind === 'host' || (loopback === undefined && !nginxIn.some((container) => container.project === project));
}

/**
 * Whether a launch of the tree may start the nginx sending to `target` outside any container (a
 * systemd unit, a Procfile's or start script's `nginx -c …`): one that loads, or may load, its
 * main config; for a snippet, any that starts nginx (its main config is not in the tree).
 */
function nginxMayRunOnHost(model: Deployment, target: NginxTarget): boolean {
  const mains = (httpScopeOf(model, target)?.roots ?? []).filter((root) => root.kind === 'main').map((root) => root.file);
  if (mains.length === 0)
    return model.launches.some(
      (launch) =>
        launch.container === undefined &&
        (launch.program === 'nginx' || launch.program === 'openresty') &&
        nginxConfigPath(launch.program, launch.argv) !== undefined,
    );
  return mains.some((main) => {
    const { running, undecided } = nginxLaunchesRunning(model, main);
    return [...running, ...undecided].some((launch) => launch.container === undefined);
  });
}

/** Whether a launch starts its process on nginx's loopback: in one of its pods, or in (the namespace of) one of its containers. */
export function startsOnNginxLoopback(loopback: NginxLoopback & { kind: 'pods' | 'containers' }, launch: Launch): boolean {
  if (loopback.kind === 'pods') return startsInPods(launch, loopback.pods);
  const { compose, service } = launch;
  return compose !== undefined && service !== undefined && !launch.container?.hostNetwork && inNginxContainers(loopback.containers, { ...compose, service });
}

/**
 * Whether a backend runs on nginx's loopback: in one of its pods (runsInPods), or in one of its
 * containers or a service sharing its namespace: the compose service whose command, supervisord
 * or scripts start it, or whose image or mount holds its config (composeServiceOf).
 */
export function runsOnNginxLoopback(model: Deployment, loopback: NginxLoopback & { kind: 'pods' | 'containers' }, backend: Backend): boolean {
  if (loopback.kind === 'pods') return runsInPods(backend, loopback.pods);
  const compose = composeServiceOf(model, backend);
  return compose !== undefined && !compose.hostNetwork && inNginxContainers(loopback.containers, compose);
}

function inNginxContainers(containers: ComposeContainer[], scope: ComposeScope & { service: string }): boolean {
  return containers.some((container) => container.project === scope.project && shareNetwork(container, scope));
}

/**
 * A compose backend reached on loopback: from a container that shares its network namespace, or
 * from the host's network through a published port (`ports: ["8080:8000"]`, reachesPublishedPorts).
 * A container's loopback is its own: nginx in another service does not reach it on 127.0.0.1.
 */
function matchComposeLoopback(
  address: NginxAddress & { kind: 'tcp' },
  listener: Listener,
  compose: ComposeService,
  nginxIn: ComposeContainer[],
  nginxLoopback: NginxLoopback | undefined,
): { reason: LinkReason; detail: string } | undefined {
  if (listener.address.kind !== 'tcp') return undefined;
  const bound = listener.address.host.toLowerCase();
  const together = nginxIn.find((container) => container.project === compose.project && shareNetwork(container, compose));
  if (together) {
    if (listener.address.port !== address.port || !(ALL_INTERFACES.has(bound) || isLoopback(bound))) return undefined;
    return {
      reason: 'same-address',
      detail: `port ${address.port} on loopback; compose service "${together.service}" shares the network namespace of "${compose.service}"`,
    };
  }
  if (!reachesPublishedPorts(nginxLoopback, nginxIn, compose.project) || !ALL_INTERFACES.has(bound)) return undefined;
  const published = compose.published.find(
    (port) =>
      port.hostPort === address.port &&
      port.containerPort === (listener.address as { port: number }).port &&
      (ALL_INTERFACES.has(port.hostIp) || isLoopback(port.hostIp)),
  );
  if (!published) return undefined;
  return {
    reason: 'same-address',
    detail: `port ${address.port} on loopback; compose service "${compose.service}" publishes container port ${published.containerPort} on host port ${published.hostPort}`,
  };
}

/**
 * Whether `host` names the Docker host in every compose container that runs the nginx file: each
 * maps it to `host-gateway` in `extra_hosts`, an /etc/hosts line that the resolver reads before
 * any DNS (moby `--add-host NAME:host-gateway` writes the daemon's host-gateway-ip, by default the
 * default bridge's address on the host). Docker Engine on Linux adds no such name by itself;
 * Docker Desktop's own `host.docker.internal` is not something the tree says it runs on.
 */
function namesDockerHost(nginxIn: ComposeContainer[], host: string): boolean {
  const name = host.toLowerCase();
  return (
    nginxIn.length > 0 &&
    nginxIn.every((container) => {
      const entries = container.extraHosts.filter((entry) => entry.name.toLowerCase() === name);
      return entries.length > 0 && entries.every((entry) => entry.address === 'host-gateway');
    })
  );
}

/**
 * A listener the Docker host serves on `address.port`, for nginx in a container that reaches the
 * host at its gateway address: a compose service's port published on every host address (one
 * published on 127.0.0.1 only is not reached at the gateway address), or a server a systemd unit
 * or supervisord starts on the host (or a compose service with `network_mode: host`) that listens
 * on every interface (a loopback bind is the host's own).
 */
function matchDockerHost(
  address: NginxAddress & { kind: 'tcp' },
  listener: Listener,
  compose: ComposeService | undefined,
): { reason: LinkReason; detail: string } | undefined {
  if (listener.address.kind !== 'tcp' || !ALL_INTERFACES.has(listener.address.host.toLowerCase())) return undefined;
  const port = listener.address.port;
  if (compose) {
    const published = compose.published.find((each) => each.hostPort === address.port && each.containerPort === port && ALL_INTERFACES.has(each.hostIp));
    if (!published) return undefined;
    return {
      reason: 'same-address',
      detail: `"${address.host}" is the Docker host (extra_hosts: host-gateway); compose service "${compose.service}" publishes container port ${published.containerPort} on host port ${published.hostPort}`,
    };
  }
  if (port !== address.port) return undefined;
  const onHost = backendLaunches(listener.backend as Backend).find(
    (launch) =>
      (launch.container === undefined && (launch.kind === 'systemd' || launch.kind === 'supervisord')) ||
      (launch.kind === 'compose' && launch.container?.hostNetwork === true),
  );
  if (!onHost) return undefined;
  return {
    reason: 'same-address',
    detail: `"${address.host}" is the Docker host (extra_hosts: host-gateway); ${onHost.file} starts the backend there, port ${port} on all interfaces`,
  };
}

/**
 * The `links` aliases named `host` in the compose containers that run an nginx file: compose gives
 * a link to the declaring container only (compose-spec 05-services.md `links`; docker/compose
 * `getLinks` sets it on that container's endpoints), and Docker's DNS looks a container's own
 * aliases up before any other name (moby libnetwork `Sandbox.ResolveName`, "first check for local
 * container alias"). `everywhere`: every such container holds it, so it is all nginx can reach.
 */
function linksByAlias(nginxIn: ComposeContainer[], host: string): { linked: (ComposeLink & { by: ComposeContainer })[]; everywhere: boolean } | undefined {
  const name = host.toLowerCase();
  const linked = nginxIn.flatMap((container) =>
    container.links.filter((link) => link.alias.toLowerCase() === name).map((link) => ({ ...link, by: container })),
  );
  if (linked.length === 0) return undefined;
  return { linked, everywhere: nginxIn.every((container) => linked.some((link) => link.by === container)) };
}

/** A listener of the service a link alias names, in the declaring container's project, on all interfaces (or the service's own name). */
function matchLinkAlias(
  address: NginxAddress & { kind: 'tcp' },
  listener: Listener,
  compose: ComposeService,
  aliasLinks: { linked: (ComposeLink & { by: ComposeContainer })[] },
): { reason: LinkReason; detail: string } | undefined {
  if (listener.address.kind !== 'tcp' || listener.address.port !== address.port) return undefined;
  const bound = listener.address.host.toLowerCase();
  if (!ALL_INTERFACES.has(bound) && bound !== compose.service.toLowerCase()) return undefined;
  const link = aliasLinks.linked.find((candidate) => candidate.service === compose.service && candidate.by.project === compose.project);
  if (!link) return undefined;
  return {
    reason: 'compose-service',
    detail: `"${address.host}" is the link alias compose service "${link.by.service}" gives the compose service "${compose.service}" that runs this backend (links: ${link.service}:${link.alias}), port ${address.port}`,
  };
}

/**
 * A Kubernetes Service name (`web`, `web.shop.svc`) reaches the listener through one of its
 * endpoints: the Service's port, its targetPort in the containers of the pods it selects, and a
 * backend one of those containers starts that listens there on every interface (a pod's loopback
 * is not reachable from another pod).
 */
function matchEndpoints(endpoints: ServiceEndpoint[], listener: Listener): { reason: LinkReason; detail: string } | undefined {
  if (endpoints.length === 0 || listener.address.kind !== 'tcp' || !ALL_INTERFACES.has(listener.address.host.toLowerCase())) return undefined;
  const port = listener.address.port;
  const launches = backendLaunches(listener.backend as Backend).filter((launch) => launch.kind === 'kubernetes');
  for (const endpoint of endpoints) {
    if (endpoint.port !== port) continue;
    if (
      launches.some(
        (launch) =>
          launch.file === endpoint.workload.file && launch.service === endpoint.workload.name && (launch.container?.name ?? '') === endpoint.container.name,
      )
    ) {
      return {
        reason: 'kubernetes-service',
        detail: `Service ${endpoint.service.namespace}/${endpoint.service.name} port ${endpoint.servicePort.port} selects ${endpoint.workload.kind} ${endpoint.workload.name}, whose container "${endpoint.container.name}" listens on ${port}`,
      };
    }
  }
  return undefined;
}

interface ServiceEndpoint {
  service: ServiceObject;
  servicePort: ServicePort;
  workload: WorkloadObject;
  container: ContainerObject;
  /** The container port the Service's targetPort means. */
  port: number;
}

/** Every container port a Service address reaches, per address (asked once per listener of the tree). */
function serviceEndpoints(model: Deployment, address: NginxAddress & { kind: 'tcp' }): ServiceEndpoint[] {
  let byAddress = endpointCache.get(model);
  if (!byAddress) endpointCache.set(model, (byAddress = new Map()));
  const key = `${address.host}:${address.port}`;
  let endpoints = byAddress.get(key);
  if (!endpoints) {
    endpoints = [];
    for (const service of servicesNamed(model.kubernetes, address.host)) {
      const servicePortEntry = servicePort(service, address.port);
      if (!servicePortEntry) continue;
      for (const workload of workloadsSelectedBy(model.kubernetes, service)) {
        const port = resolveTargetPort(servicePortEntry, workload);
        if (port === undefined) continue;
        // Any container of the pod may be the one listening on the pod's port.
        for (const container of workload.containers) endpoints.push({ service, servicePort: servicePortEntry, workload, container, port });
      }
    }
    byAddress.set(key, endpoints);
  }
  return endpoints;
}

const endpointCache = new WeakMap<Deployment, Map<string, ServiceEndpoint[]>>();

function containerKey(file: string, workload: string, container: string): string {
  return `${file}\0${workload}\0${container}`;
}

/** Why a Service address reaches nothing the tree starts; undefined when it does, or the tree cannot say. */
export type ServiceGap =
  | { kind: 'no-such-port'; service: ServiceObject; port: number | string }
  | { kind: 'target-port-unnamed'; service: ServiceObject; port: ServicePort; workload: WorkloadObject }
  | { kind: 'nothing-on-target-port'; service: ServiceObject; port: ServicePort; workload: WorkloadObject; targetPort: number; listeners: Listener[] };

/**
 * For an address that names a Service of the tree: whether the pods it selects run something the
 * tree configures on the targetPort. Silent (undefined) when the Service selects no workload of
 * the tree, or the selected containers start nothing the tree reads (an image's own entrypoint).
 */
export function kubernetesServiceGap(model: Deployment, address: NginxAddress): ServiceGap | undefined {
  if (address.kind !== 'tcp') return undefined;
  const services = servicesNamed(model.kubernetes, address.host);
  if (services.length !== 1) return undefined;
  return serviceEndpointGap(model, services[0], address.port);
}

/**
 * Whether port `portRef` (a number or a port name) of a Service reaches something the tree
 * starts in the pods it selects, as kubernetesServiceGap judges an address; for a Service that a
 * load balancer reaches without an address (a TargetGroupBinding).
 */
export function serviceEndpointGap(model: Deployment, service: ServiceObject, portRef: number | string): ServiceGap | undefined {
  const port = servicePort(service, portRef);
  if (!port) return service.ports.length > 0 ? { kind: 'no-such-port', service, port: portRef } : undefined;
  for (const { workload, container, backend } of backendsInPods(model, service)) {
    const targetPort = resolveTargetPort(port, workload);
    // A named targetPort that no container of the pod declares: Kubernetes has no endpoint for it.
    if (targetPort === undefined) return { kind: 'target-port-unnamed', service, port, workload };
    // A port another container of the pod declares is that container's to serve (a sidecar nginx on 80).
    const declaring = workload.containers.filter((other) =>
      other.ports.some((declared) => (typeof port.targetPort === 'number' ? declared.containerPort === targetPort : declared.name === port.targetPort)),
    );
    if (declaring.length > 0 && !declaring.includes(container)) continue;
    const listeners = knownTcpListeners(backend);
    if (listeners && !listensEverywhere(listeners, targetPort)) return { kind: 'nothing-on-target-port', service, port, workload, targetPort, listeners };
  }
  return undefined;
}

/**
 * A pod port that the backends the tree starts in a Service's pods do not listen on: the first
 * such backend with its listeners. Undefined when one listens there, or none is known.
 */
export function podPortGap(model: Deployment, service: ServiceObject, port: number): { workload: WorkloadObject; listeners: Listener[] } | undefined {
  for (const { workload, backend } of backendsInPods(model, service)) {
    const listeners = knownTcpListeners(backend);
    if (listeners && !listensEverywhere(listeners, port)) return { workload, listeners };
  }
  return undefined;
}

/** The backends that launches of the tree start in the containers of the pods a Service selects. */
function backendsInPods(model: Deployment, service: ServiceObject): { workload: WorkloadObject; container: ContainerObject; backend: Backend }[] {
  return workloadsSelectedBy(model.kubernetes, service).flatMap((workload) =>
    model.backends.flatMap((backend) =>
      backendLaunches(backend)
        .filter((launch) => launch.kind === 'kubernetes' && launch.file === workload.file && launch.service === workload.name)
        .flatMap((launch) => {
          const container = workload.containers.find((candidate) => candidate.name === (launch.container?.name ?? ''));
          return container ? [{ workload, container, backend }] : [];
        }),
    ),
  );
}

/** A backend's TCP listeners; undefined when it has none or one is unknown (a variable). */
function knownTcpListeners(backend: Backend): Listener[] | undefined {
  const listeners = backend.listeners.filter((listener) => listener.address.kind === 'tcp');
  if (listeners.length === 0 || backend.listeners.some((listener) => listener.address.kind === 'other')) return undefined;
  return listeners;
}

/** Whether one of the listeners accepts `port` on every interface (a pod's loopback is its own). */
function listensEverywhere(listeners: Listener[], port: number): boolean {
  return listeners.some(
    (listener) => listener.address.kind === 'tcp' && listener.address.port === port && ALL_INTERFACES.has(listener.address.host.toLowerCase()),
  );
}

/** Links every nginx target to every listener that serves it (normally one); computed once per model. */
export function linkDeployment(model: Deployment): Link[] {
  let links = linkCache.get(model);
  if (!links) linkCache.set(model, (links = computeLinks(model, (backend) => backend.listeners)));
  return links;
}

const linkCache = new WeakMap<Deployment, Link[]>();

/**
 * A link that holds only while `variables` are unset: the listener's address is built from
 * `${PORT:-8000}` and only something outside the tree (an env_file the tree lacks) may set PORT.
 * Not a Link: no rule judges it (the backend may listen elsewhere); the graph shows it as "may".
 */
export interface CandidateLink {
  target: NginxTarget;
  /** The listener as it is (an `other` address with `ifUnset`). */
  listener: Listener;
  backend: Backend;
  /** The address the listener has when the variables are unset. */
  address: ListenAddress & { kind: 'tcp' };
  variables: string[];
  /** What may set them, as far as the tree says: the launches' environments from outside it (compose `env_file:` entries it lacks). */
  setBy: Span[];
  /** How it would link, as Link.detail. */
  detail: string;
}

/**
 * The candidate links of the targets linkDeployment leaves unlinked: linked as they would be if
 * every listener whose address has defaults (ListenAddress `ifUnset`) listened there, with the
 * same rules of reach (compose networks, loopbacks, closest in the tree).
 */
export function candidateLinks(model: Deployment): CandidateLink[] {
  let candidates = candidateCache.get(model);
  if (candidates) return candidates;
  candidates = [];
  candidateCache.set(model, candidates);
  const original = new Map<Listener, Listener>();
  for (const backend of model.backends)
    for (const listener of backend.listeners) {
      if (listener.address.kind === 'other' && listener.address.ifUnset) original.set({ ...listener, address: listener.address.ifUnset.address }, listener);
    }
  if (original.size === 0) return candidates;
  const byDefault = new Map([...original].map(([defaulted, listener]) => [listener, defaulted]));
  const spanKey = (span: Span) => `${span.file}\0${span.start.offset}`;
  const linked = new Set(linkDeployment(model).map((link) => spanKey(link.target.span)));
  const links = computeLinks(model, (backend) => backend.listeners.map((listener) => byDefault.get(listener) ?? listener));
  for (const link of links) {
    const listener = original.get(link.listener);
    if (!listener || linked.has(spanKey(link.target.span)) || listener.address.kind !== 'other' || !listener.address.ifUnset) continue;
    const { address, variables } = listener.address.ifUnset;
    const setBy = backendLaunches(link.backend).flatMap((launch) => launch.externalEnv);
    candidates.push({ target: link.target, listener, backend: link.backend, address, variables, setBy, detail: link.detail });
  }
  return candidates;
}

const candidateCache = new WeakMap<Deployment, CandidateLink[]>();

/** The compose service a backend runs in, as far as linking goes. */
export type ComposeService = ComposeScope & { service: string; hostNetwork: boolean };

/**
 * The compose service that runs a backend: the one whose command starts it, else, for a server
 * no launch of the tree starts (an image's own command: `tomcat:9`, a uWSGI image), the service
 * whose image it is when its config is the image's own, else the one service that bind-mounts its
 * config file.
 */
export function composeServiceOf(model: Deployment, backend: Backend): ComposeService | undefined {
  const launches = backendLaunches(backend);
  const launch = composeLaunch(launches);
  if (launch) return { ...launch.compose, service: launch.service, hostNetwork: Boolean(launch.container?.hostNetwork) };
  if (launches.length > 0) return undefined;
  const image = backend.imageContainer;
  if (image) return model.compose.find((container) => container.project === image.project && container.service === image.service);
  // Only a service whose command is the image's own: one the tree starts runs what it says.
  const started = new Set(
    model.launches.flatMap((launch) => (launch.kind === 'compose' && launch.compose ? [`${launch.compose.project}\0${launch.service}`] : [])),
  );
  const mounting = containersMounting(model.compose, backend.file).filter((container) => !started.has(`${container.project}\0${container.service}`));
  return mounting.length === 1 ? mounting[0] : undefined;
}

function computeLinks(model: Deployment, listenersOf: (backend: Backend) => Listener[]): Link[] {
  const links: Link[] = [];
  const composeOf = new Map<Backend, ComposeService | undefined>(
    model.backends.map((backend) => {
      const compose = composeServiceOf(model, backend);
      // network_mode: host puts the container on the host's network: its ports are the host's.
      return [backend, compose && !compose.hostNetwork ? compose : undefined];
    }),
  );
  const composeNamesOf = (backend: Backend) => {
    const compose = composeOf.get(backend);
    return compose ? [compose.service, ...compose.aliases] : [];
  };
  const hasServices = model.kubernetes.services.length > 0;
  // Where each listener can be reached from, so that each target looks only at its candidates
  // (a tree can hold thousands of containers that all listen on 8000): by port for loopback (a
  // compose container's also by the host ports it publishes), by compose service and port, by
  // Kubernetes container; socket files all together. Model order kept.
  const ordered = model.backends.flatMap((backend) => listenersOf(backend).map((listener) => ({ backend, listener })));
  // Nothing listens in the tree: no address can link, and a large nginx-only tree would otherwise
  // look each of its thousands of upstream addresses up.
  if (ordered.length === 0) return links;
  const byPort = new Map<number, number[]>();
  const byCompose = new Map<string, number[]>();
  const byContainer = new Map<string, number[]>();
  const sockets: number[] = [];
  const templates: number[] = [];
  const add = <K>(map: Map<K, number[]>, key: K, index: number) => (map.get(key) ?? map.set(key, []).get(key)!).push(index);
  ordered.forEach(({ backend, listener }, index) => {
    if (listener.address.kind === 'unix') sockets.push(index);
    if (listener.address.kind === 'other' && listener.address.template) templates.push(index);
    if (listener.address.kind !== 'tcp') return;
    add(byPort, listener.address.port, index);
    const compose = composeOf.get(backend);
    if (compose) {
      for (const name of new Set(composeNamesOf(backend).map((candidate) => candidate.toLowerCase())))
        add(byCompose, `${name}\0${listener.address.port}`, index);
      for (const port of compose.published) if (port.hostPort !== listener.address.port) add(byPort, port.hostPort, index);
    }
    for (const launch of backendLaunches(backend)) {
      if (launch.kind === 'kubernetes') add(byContainer, containerKey(launch.file, launch.service ?? '', launch.container?.name ?? ''), index);
    }
  });
  for (const target of nginxTargets(model)) {
    const address = target.address;
    const endpoints = hasServices && address.kind === 'tcp' ? serviceEndpoints(model, address) : [];
    const loopback = address.kind === 'tcp' && isLoopback(address.host);
    const place = address.kind === 'tcp' ? nginxComposePlace(model, target) : NO_COMPOSE;
    const nginxIn = place.running;
    // An /etc/hosts line is looked up before any DNS name: a service, an alias or a link of the same name.
    const dockerHost = address.kind === 'tcp' && !loopback && namesDockerHost(nginxIn, address.host);
    const aliasLinks = address.kind === 'tcp' && !loopback && !dockerHost ? linksByAlias(nginxIn, address.host) : undefined;
    // A host nginx whose own launch starts the server on the port: no compose port published there is it.
    const hostServed = loopback && nginxIn.length === 0 && hostLaunchListensOn(model, nginxHostLaunchFiles(model, target), address.port);
    let candidates =
      address.kind === 'unix'
        ? sockets
        : address.kind === 'template'
          ? templates.filter((index) => inOneTemplateUnit(target, ordered[index].listener))
          : [
              ...new Set([
                ...(loopback || dockerHost ? (byPort.get(address.port) ?? []) : (byCompose.get(`${address.host.toLowerCase()}\0${address.port}`) ?? [])),
                ...(aliasLinks?.linked ?? []).flatMap((link) => byCompose.get(`${link.service.toLowerCase()}\0${address.port}`) ?? []),
                ...endpoints.flatMap(
                  (endpoint) => byContainer.get(containerKey(endpoint.workload.file, endpoint.workload.name, endpoint.container.name)) ?? [],
                ),
              ]),
            ].sort((a, b) => a - b);
    // nginx in a pod or in compose containers reaches on loopback what runs there only.
    const nginxLoopback = loopback ? nginxLoopbackOf(model, target, place) : undefined;
    if (nginxLoopback && nginxLoopback.kind !== 'host')
      candidates = candidates.filter((index) => runsOnNginxLoopback(model, nginxLoopback, ordered[index].backend));
    const pods = nginxLoopback?.kind === 'pods' ? nginxLoopback.pods : undefined;
    // A service name resolves only on the compose networks the nginx config is on.
    if (address.kind === 'tcp' && !loopback && !dockerHost)
      candidates = candidates.filter((index) => {
        const compose = composeOf.get(ordered[index].backend);
        return !compose || resolvesServicesOf(place, compose);
      });
    const found: (Omit<Link, 'scope' | 'alternatives'> & { local: boolean; pod?: NginxPod })[] = [];
    for (const index of candidates) {
      const { backend, listener } = ordered[index];
      const compose = composeOf.get(backend);
      const linked = compose && aliasLinks ? matchLinkAlias(address as NginxAddress & { kind: 'tcp' }, listener, compose, aliasLinks) : undefined;
      // Where every container that runs the file holds the alias, Docker's DNS answers it and no service name does.
      if (!linked && compose && aliasLinks?.everywhere) continue;
      if (compose && hostServed) continue;
      const match =
        linked ??
        (dockerHost
          ? matchDockerHost(address as NginxAddress & { kind: 'tcp' }, listener, compose)
          : compose && loopback
            ? matchComposeLoopback(address as NginxAddress & { kind: 'tcp' }, listener, compose, nginxIn, nginxLoopback)
            : (matchListener(address, listener, composeNamesOf, (candidate) => composeOf.get(candidate)?.project) ?? matchEndpoints(endpoints, listener)));
      if (!match) continue;
      const local =
        match.reason === 'same-address' || match.reason === 'same-socket-path' || (match.reason === 'same-template-text' && onLoopbackOrSocket(address));
      const pod = pods && local ? pods.find((each) => runsInPods(backend, [each])) : undefined;
      if (pod) {
        const { workload } = pod;
        const detail = `port ${(address as NginxAddress & { kind: 'tcp' }).port} on the loopback of the pod of ${workload.kind} ${workload.name}, which its containers share`;
        // Known to share nginx's network namespace: no further test of where the two run.
        found.push({ target, listener, backend, ...match, detail, local: false, pod });
      } else found.push({ target, listener, backend, ...match, local });
    }
    if (found.length === 0) continue;
    const nginxFiles = [target.span.file, ...target.passes.map((pass) => pass.entry.directive.file)];
    const choice = chooseReachable(nginxFiles, found, model.deploymentRoots ?? []);
    if (choice.alternatives.length === 0 || choice.alternatives.length > MAX_ALTERNATIVES) continue;
    const picked = choice.alternatives[Math.min(model.linkAlternative ?? 0, choice.alternatives.length - 1)];
    const others = choice.alternatives.filter((list) => list !== picked).map((list) => list[0].backend);
    for (const { local, pod, ...link } of picked) {
      const scope = dockerHost
        ? `one Docker host's ports${where(choice.sharedDirectory)}`
        : pod
          ? `pod of ${pod.workload.kind} ${pod.workload.name}`
          : scopeOf(link, choice.sharedDirectory, composeOf.get(link.backend)?.project);
      links.push({ ...link, scope, alternatives: others });
    }
  }
  return links;
}

/** A template's socket path or loopback address: only a process in nginx's network namespace is there. */
function onLoopbackOrSocket(address: NginxAddress): boolean {
  return address.kind === 'template' && (address.template.kind === 'unix' || (address.template.kind === 'tcp' && isLoopback(address.template.host)));
}

/**
 * Directories whose children are each a unit rendered from its own variables: an Ansible role
 * (`roles/web`), a Helm chart (`charts/app`), a Chef cookbook (`cookbooks/app`).
 */
const TEMPLATE_UNIT_PARENTS = new Set(['roles', 'charts', 'cookbooks']);

/** The deepest role, chart or cookbook directory holding a file, or '' for none. */
function templateUnitOf(file: string): string {
  const parts = file.split('/');
  for (let i = parts.length - 2; i > 0; i--) if (TEMPLATE_UNIT_PARENTS.has(parts[i - 1])) return parts.slice(0, i + 1).join('/');
  return '';
}

/**
 * Whether an nginx template and a backend's template may be rendered from one set of variables:
 * the same role, chart or cookbook, or neither in any. A placeholder means what its unit's
 * variables say (`{{ port }}` of two roles may be two ports), so the same text links nowhere
 * else; inside, links are scoped as any other (declared deployments, closeness).
 */
function inOneTemplateUnit(target: NginxTarget, listener: Listener): boolean {
  return templateUnitOf(target.span.file) === templateUnitOf(listener.span.file);
}

/**
 * A target with more equally close backends than this (server configs that differ) is not linked
 * at all: the tree is too ambiguous to judge, and each alternative costs a run of the cross-file rules.
 */
export const MAX_ALTERNATIVES = 4;

/** The largest number of alternatives any target has: how many times the engine runs the rules. */
export function alternativeCount(model: Deployment): number {
  return linkDeployment(model).reduce((most, link) => Math.max(most, link.alternatives.length + 1), 1);
}

function scopeOf(link: Omit<Link, 'scope' | 'alternatives'>, sharedDirectory: string, project: string | undefined): string {
  if (link.reason === 'same-template-text') return `templates of one deployment${where(sharedDirectory)}`;
  if (link.reason === 'compose-service') return `compose project ${project && project !== '.' ? project + '/' : './'}`;
  if (link.reason === 'kubernetes-service') return `Kubernetes Service network${where(sharedDirectory)}`;
  return `one host's loopback${where(sharedDirectory)}`;
}

function where(sharedDirectory: string): string {
  return sharedDirectory ? ` (files under ${sharedDirectory}/)` : '';
}
