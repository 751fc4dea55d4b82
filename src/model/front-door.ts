/**
 * What a balancer in front reaches on a host: which TCP ports the tree's nginx (or, without
 * nginx, its backends, or a compose service's published ports) accepts connections on, and what
 * nginx answers a health check path with (server chosen as for a request to an IP address,
 * location matched as nginx does). Unknown answers are undefined: rules stay silent on them.
 */
import type { Span } from '../source/span';
import type { Deployment } from './deployment';
import type { NginxBlock, NginxHttpScope } from './nginx';
import { listenSocket } from './nginx-listen';
import { groupsLoadedTogether } from './nginx-processes';
import { BoundTargetGroup, cloudLoadBalancers, targetGroupBindings, unattachedTargetGroups } from './load-balancers';
import type { CloudTargetGroup, CloudValue, HealthCheck } from '../readers/cloud-balancers';
import type { ServiceObject } from '../readers/kubernetes/objects';
import { TARGET_GROUP_HEALTH_DEFAULTS } from '../reference/aws-load-balancers';

export interface ServedPort {
  port: number;
  span: Span;
  /** `nginx listen 80`, `gunicorn bind 0.0.0.0:8000`, `compose ports 8080:80`. */
  label: string;
}

/**
 * Ports something in the tree accepts connections on, as a host sees them: nginx's `listen`
 * ports (its own servers, not a controller's) and compose's published host ports, or the
 * backends' TCP listeners when the tree has no nginx. Undefined when any of them is unknown (a
 * variable in `listen`) or nothing in the tree listens at all.
 */
export function servedPorts(model: Deployment): { by: 'nginx' | 'backends'; ports: ServedPort[] } | undefined {
  const ports: ServedPort[] = [];
  for (const container of model.compose) {
    for (const published of container.published)
      ports.push({ port: published.hostPort, span: published.span, label: `compose service ${container.service} publishes ${published.hostPort}` });
  }
  const servers = ownServers(model).flatMap((scope) => scope.servers);
  if (servers.length > 0) {
    for (const server of servers) {
      const listens = serverListens(server);
      if (!listens) return undefined;
      ports.push(...listens.map((listen) => ({ port: listen.port, span: listen.span, label: `nginx listens on ${listen.port}` })));
    }
    return { by: 'nginx', ports };
  }
  for (const backend of model.backends) {
    for (const listener of backend.listeners) {
      if (listener.address.kind === 'other') return undefined;
      if (listener.address.kind === 'tcp')
        ports.push({ port: listener.address.port, span: listener.span, label: `${backend.kind} listens on ${listener.address.port}` });
    }
  }
  return ports.length > 0 ? { by: 'backends', ports } : undefined;
}

/** nginx configs the tree holds itself (not the one a controller renders). */
function ownServers(model: Deployment): NginxHttpScope[] {
  return model.nginx.scopes.filter((scope) => !scope.roots.some((root) => root.generatedBy === 'ingress-nginx'));
}

interface Listen {
  port: number;
  span: Span;
  isDefault: boolean;
}

/**
 * A server's TCP listen ports; undefined when one is unknown (`listen $port`). A server without
 * `listen` accepts on 80 (nginx as root) or 8000 (otherwise): both count.
 */
function serverListens(server: NginxBlock): Listen[] | undefined {
  const entries = server.own('listen');
  const anchor = server.directive?.nameSpan ?? server.directives[0]?.directive.span;
  if (entries.length === 0)
    return anchor
      ? [
          { port: 80, span: anchor, isDefault: false },
          { port: 8000, span: anchor, isDefault: false },
        ]
      : [];
  const listens: Listen[] = [];
  for (const entry of entries) {
    const socket = listenSocket(entry.directive);
    if (!socket) return undefined;
    if (socket.port === undefined) continue; // a unix socket: no balancer reaches it
    listens.push({ port: socket.port, span: entry.directive.span, isDefault: socket.defaultServer });
  }
  return listens;
}

export interface HealthAnswer {
  status: number;
  /** `return 404` in location "/" of the default server on 80. */
  why: string;
  /** The directive that decides it. */
  span: Span;
}

/**
 * What nginx answers a health check on `port` for `path`: the balancer's checker sends the
 * target's IP address as Host, so the default server of that port answers. One answer per nginx
 * config in the tree; undefined unless every config that listens there answers with a status
 * the config itself fixes (`return`, `deny all`) — a proxied or static answer is unknown — and
 * unless every nginx process that runs a config picks the same default server there (containers
 * that each add their own site to one nginx.conf: which of them the balancer reaches is not known here).
 */
export function healthCheckAnswers(model: Deployment, port: number, path: string): HealthAnswer[] | undefined {
  const answers: HealthAnswer[] = [];
  for (const scope of ownServers(model)) {
    let chosen: NginxBlock | undefined;
    for (const servers of groupsLoadedTogether(scope.servers, (server) => server.node)) {
      const candidates: { server: NginxBlock; listen: Listen }[] = [];
      let unknown = false;
      for (const server of servers) {
        const listens = serverListens(server);
        if (!listens) unknown = true;
        const listen = listens?.find((candidate) => candidate.port === port);
        if (listen) candidates.push({ server, listen });
      }
      if (unknown) return undefined;
      if (candidates.length === 0) continue;
      const server = (candidates.find((candidate) => candidate.listen.isDefault) ?? candidates[0]).server;
      if (chosen && chosen !== server) return undefined;
      chosen = server;
    }
    if (!chosen) continue;
    const answer = answerFor(chosen, path, port);
    if (!answer) return undefined;
    answers.push(answer);
  }
  return answers.length > 0 ? answers : undefined;
}

function answerFor(server: NginxBlock, path: string, port: number): HealthAnswer | undefined {
  const where = `the default server on port ${port}`;
  // A server-level `return` runs in the rewrite phase, before any location is chosen.
  const serverLevel = fixedStatus(server, `${where} (server-level return)`);
  if (serverLevel !== null) return serverLevel;
  const location = matchLocation(server, path);
  if (location === null) return undefined;
  if (!location) return undefined;
  if (location.children.length > 0) return undefined;
  const shown = location.directive?.args.map((arg) => arg.value).join(' ') ?? '';
  return fixedStatus(location, `location "${shown}" of ${where}`) ?? undefined;
}

/**
 * The status a block fixes for every request: its own `return CODE` (or `return URL`, 302), else
 * `deny all` with no `allow` (403). Null when it fixes none or its answer depends on more (an
 * `if`, a `rewrite`, an `error_page`); undefined is never returned.
 */
function fixedStatus(block: NginxBlock, where: string): HealthAnswer | null {
  if (
    block.own('if').length > 0 ||
    block.children.some((child) => child.kind === 'if') ||
    block.own('rewrite').length > 0 ||
    block.own('error_page').length > 0
  )
    return null;
  const ret = block.own('return')[0];
  if (ret) {
    const first = ret.directive.args[0]?.value ?? '';
    const status = /^\d{3}$/.test(first) ? Number(first) : /^https?:\/\//.test(first) ? 302 : undefined;
    if (status === undefined) return null;
    return { status, why: `return ${first} in ${where}`, span: ret.directive.span };
  }
  const deny = block.own('deny').find((entry) => entry.directive.args[0]?.value === 'all');
  if (deny && block.own('allow').length === 0) return { status: 403, why: `deny all in ${where}`, span: deny.directive.span };
  return null;
}

/**
 * The location nginx picks for `path` among a server's top-level locations: an exact `=` match;
 * else the longest prefix, kept if it is `^~`; else the first regular expression that matches;
 * else the longest prefix. Undefined when none matches; null when a regex cannot be judged here.
 */
function matchLocation(server: NginxBlock, path: string): NginxBlock | undefined | null {
  let longest: { block: NginxBlock; length: number; stop: boolean } | undefined;
  const regexes: { block: NginxBlock; pattern: string; caseless: boolean }[] = [];
  for (const location of server.children) {
    if (location.kind !== 'location') continue;
    const args = location.directive?.args.map((arg) => arg.value) ?? [];
    let [modifier, uri] = args.length >= 2 ? [args[0], args[1]] : ['', args[0] ?? ''];
    // `location =/health` and `location ~^/x` glue the modifier to the URI.
    const glued = args.length === 1 ? /^(=|\^~|~\*|~)(.+)$/.exec(uri) : null;
    if (glued) [modifier, uri] = [glued[1], glued[2]];
    if (uri.startsWith('@')) continue;
    if (modifier === '=') {
      if (uri === path) return location;
    } else if (modifier === '~' || modifier === '~*') {
      regexes.push({ block: location, pattern: uri, caseless: modifier === '~*' });
    } else if ((modifier === '' || modifier === '^~') && path.startsWith(uri)) {
      if (!longest || uri.length > longest.length) longest = { block: location, length: uri.length, stop: modifier === '^~' };
    } else if (modifier !== '' && modifier !== '^~') return null;
  }
  if (longest?.stop) return longest.block;
  for (const regex of regexes) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex.pattern, regex.caseless ? 'i' : '');
    } catch {
      return null;
    }
    if (compiled.test(path)) return regex.block;
  }
  return longest?.block;
}

export interface JudgedTarget {
  /** `target group aws_lb_target_group.app` / `the AWS Classic ELB Elb`. */
  name: string;
  /** The port the balancer sends requests to, with its span. */
  port: CloudValue<number> & { known: true };
  health?: HealthCheck;
  /** `200`, `200-299`, and whether it is AWS's default. */
  matcher?: { value: string; span?: Span };
  /** The health check's protocol is HTTP or HTTPS (a TCP check only connects). */
  httpCheck: boolean;
  balancer?: string;
}

/**
 * Every port a balancer of the tree sends to on a host that the tree's nginx (or backends) may
 * be: instance and IP targets of target groups no ECS service registers containers in and no
 * TargetGroupBinding fills with pods, and classic ELB instance ports. Empty when the tree has
 * Kubernetes Services (targets may be pods) or a TargetGroupBinding whose group is not known.
 */
export function hostTargets(model: Deployment): JudgedTarget[] {
  if (model.kubernetes.services.length > 0) return [];
  const bindings = targetGroupBindings(model);
  if (bindings.some((bound) => !bound.group)) return [];
  const bound = new Set(bindings.map((binding) => binding.group));
  const targets: JudgedTarget[] = [];
  const balancers = cloudLoadBalancers(model);
  const groups = [
    ...balancers.flatMap((balancer) => balancer.targetGroups.map((linked) => ({ linked, balancer: balancer.description }))),
    ...unattachedTargetGroups(model).map((linked) => ({ linked, balancer: undefined })),
  ];
  const seen = new Set<CloudTargetGroup>();
  for (const { linked, balancer } of groups) {
    const group = linked.group;
    if (seen.has(group) || bound.has(group)) continue;
    seen.add(group);
    if (linked.users.some((user) => user.kind === 'ecs-service')) continue;
    const type = group.targetType;
    if (type && (!type.known || !['instance', 'ip'].includes(type.value.toLowerCase()))) continue;
    const check = groupCheck(group);
    for (const port of linked.ports) {
      if (!port.known) continue;
      targets.push({
        name: `target group ${group.id}`,
        port,
        health: group.healthCheck,
        ...(check.matcher ? { matcher: check.matcher } : {}),
        httpCheck: check.httpCheck,
        ...(balancer ? { balancer } : {}),
      });
    }
  }
  for (const balancer of balancers) {
    if (!balancer.balancer.classic) continue;
    const check = balancer.balancer.classicHealthCheck;
    const checkProtocol = check?.protocol?.known ? check.protocol.value : undefined;
    for (const listener of balancer.balancer.classicListeners) {
      const port = listener.instancePort;
      if (!port?.known) continue;
      // A classic ELB's health check names its own port; it is judged once, with the first listener.
      targets.push({
        name: balancer.description,
        port,
        ...(check ? { health: check } : {}),
        matcher: { value: '200' },
        httpCheck: checkProtocol === 'HTTP' || checkProtocol === 'HTTPS',
        balancer: balancer.description,
      });
    }
  }
  return targets;
}

/** A target group's health check matcher (AWS's default when not written) and whether it checks over HTTP(S). */
function groupCheck(group: CloudTargetGroup): { matcher: { value: string; span?: Span } | undefined; httpCheck: boolean } {
  const protocol = group.protocol?.known ? group.protocol.value.toUpperCase() : group.protocol ? undefined : 'HTTP';
  const healthProtocol = group.healthCheck.protocol
    ? group.healthCheck.protocol.known
      ? group.healthCheck.protocol.value.toUpperCase()
      : undefined
    : protocol === 'HTTP' || protocol === 'HTTPS'
      ? protocol
      : protocol
        ? 'TCP'
        : undefined;
  const layer4 = protocol !== undefined && !['HTTP', 'HTTPS'].includes(protocol);
  const matcher = group.healthCheck.matcher
    ? group.healthCheck.matcher.known
      ? { value: group.healthCheck.matcher.value, span: group.healthCheck.matcher.span }
      : undefined
    : { value: layer4 ? TARGET_GROUP_HEALTH_DEFAULTS.nlbMatcher : TARGET_GROUP_HEALTH_DEFAULTS.albMatcher };
  return { matcher, httpCheck: healthProtocol === 'HTTP' || healthProtocol === 'HTTPS' };
}

/** A target group of the tree whose targets a TargetGroupBinding takes from a Service of the tree. */
export interface ServiceTarget {
  /** `target group aws_lb_target_group.web`. */
  name: string;
  bound: BoundTargetGroup & { group: CloudTargetGroup; service: ServiceObject };
  /**
   * `ip`: the balancer sends to the pods' targetPort; `instance`: to the Service's node port,
   * which kube-proxy forwards to the same targetPort. Undefined when the group's is unknown.
   */
  targetType: 'ip' | 'instance' | undefined;
  health: HealthCheck;
  httpCheck: boolean;
}

/**
 * The target groups TargetGroupBindings fill with the endpoints of a Service of the tree, each
 * linked exactly (ARN name → target group, serviceRef → Service in the binding's namespace).
 */
export function serviceTargets(model: Deployment): ServiceTarget[] {
  const targets: ServiceTarget[] = [];
  for (const bound of targetGroupBindings(model)) {
    const { group, service } = bound;
    if (!group || !service) continue;
    const written = bound.binding.targetType?.value ?? (group.targetType ? (group.targetType.known ? group.targetType.value : undefined) : 'instance');
    const type = written?.toLowerCase();
    if (type !== undefined && type !== 'ip' && type !== 'instance') continue;
    targets.push({
      name: `target group ${group.id}`,
      bound: { ...bound, group, service },
      targetType: type,
      health: group.healthCheck,
      httpCheck: groupCheck(group).httpCheck,
    });
  }
  return targets;
}
