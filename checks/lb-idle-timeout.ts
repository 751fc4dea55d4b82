import { defineRule, FindingDraft, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Setting } from '../src/source/setting';
import { describeBackendSetting } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { nginxVersionAt, type NginxBlock } from '../src/model/nginx';
import { formatMilliseconds } from '../src/model/nginx-values';
import type { Span } from '../src/source/span';
import { findController } from '../src/model/ingress-nginx';
import { cloudLoadBalancers, idleTimeoutOrigin, kubernetesLoadBalancers } from '../src/model/load-balancers';
import { backendLaunches } from '../src/model/listen-backlog';
import { insertLinesAfter, replaceArg, writtenAtLevel, writtenInBlock } from '../src/model/nginx-edits';
import type { Fix } from '../src/source/edit';

const ID = 'lb-idle-timeout';

/** The load balancer .cfglint.json describes. */
const CONFIGURED_LB = 'environment.loadBalancerIdleTimeout in .cfglint.json';

/** A load balancer in front, and what the rule needs to say about it. */
interface Balancer {
  idleMs: number;
  /** Where its idle timeout comes from, for messages. */
  source: string;
  /** Its idle timeout's span (Kubernetes), shown as the other side. */
  related?: { span: Span; label: string };
  /** False for GCLB's fixed 600 s: only the server side can change. */
  adjustable: boolean;
}

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description:
      'the load balancer in front keeps idle connections at least as long as nginx (or the backend it talks to) does, so it reuses connections the server has closed',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      nginxClosesFirst: {
        message: "The load balancer's idle timeout {{lbValue}} ({{lbSource}}) is not shorter than {{nginxTimeout}} {{where}}",
        help: 'nginx closes idle client connections first and the load balancer sends the next request on a connection nginx has closed, answering 502 itself while nginx logs nothing ("The target closed the connection with a TCP RST or a TCP FIN while the load balancer had an outstanding request to the target"); {{fix}}',
      },
      backendClosesFirst: {
        message: "The load balancer's idle timeout {{lbValue}} ({{lbSource}}) is not shorter than {{backendTimeout}} behind {{listener}}",
        help: 'the backend closes idle connections first and the load balancer sends the next request on a closed one, answering 502 itself while the backend logs nothing ("The target closed the connection with a TCP RST or a TCP FIN while the load balancer had an outstanding request to the target"); raise the backend\'s keep-alive above {{lbValue}} (e.g. {{suggestion}}){{lowerLb}}',
      },
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
    const once = (draft: FindingDraft | undefined) => (draft && first(draft.primary) ? draft : undefined);
    const lbMs = model.environment.loadBalancerIdleTimeoutMs;
    if (typeof lbMs === 'number' && lbMs > 0) {
      const balancer: Balancer = { idleMs: lbMs, source: CONFIGURED_LB, adjustable: true };
      const servers = model.nginx.scopes.flatMap((scope) => scope.servers);
      // Without nginx in the tree the load balancer talks to the backends directly.
      for (const draft of servers.length > 0 ? judgeServers(model, balancer, servers) : judgeBackends(model.backends, balancer)) {
        if (once(draft)) yield draft;
      }
    }
    // Balancers Terraform or CloudFormation create: judged, like the configured one, against the
    // tree's own nginx (or its backends when there is none); not against a controller's nginx.
    for (const front of cloudLoadBalancers(model)) {
      const idle = front.idleTimeout;
      if (!idle || typeof idle.value !== 'number' || idle.value <= 0) continue;
      const fromFile = idle.source.kind === 'file';
      const balancer: Balancer = {
        idleMs: idle.value,
        source: `${front.description}${idleTimeoutOrigin(front)}`,
        related: { span: front.span, label: `${front.description}: idle timeout ${idle.value / 1000}s${fromFile ? '' : ' (AWS default)'}` },
        adjustable: true,
      };
      const servers = model.nginx.scopes.filter((scope) => !scope.roots.some((root) => root.generatedBy === 'ingress-nginx')).flatMap((scope) => scope.servers);
      for (const draft of servers.length > 0 ? judgeServers(model, balancer, servers) : judgeBackends(model.backends, balancer)) {
        if (once(draft)) yield draft;
      }
    }
    // Load balancers the manifests create, each judged against the pods it sends to.
    const controller = model.kubernetes.ingresses.length > 0 || model.kubernetes.services.length > 0 ? findController(model.kubernetes) : undefined;
    for (const front of kubernetesLoadBalancers(model.kubernetes)) {
      const fromFile = front.idleTimeout.source.kind === 'file';
      const seconds = (front.idleTimeout.value ?? 0) / 1000;
      const balancer: Balancer = {
        idleMs: front.idleTimeout.value!,
        source: `${front.description}${fromFile ? '' : ', its default'}`,
        related: { span: front.span, label: `${front.description}: idle timeout ${seconds}s${fromFile ? '' : ' (default)'}` },
        adjustable: !front.description.includes('Google Cloud'),
      };
      const drafts =
        controller?.workload && front.targets.includes(controller.workload)
          ? judgeServers(
              model,
              balancer,
              model.nginx.scopes.filter((scope) => scope.roots.some((root) => root.generatedBy === 'ingress-nginx')).flatMap((scope) => scope.servers),
            )
          : judgeBackends(
              model.backends.filter((backend) =>
                backendLaunches(backend).some(
                  (launch) =>
                    launch.kind === 'kubernetes' && front.targets.some((workload) => workload.file === launch.file && workload.name === launch.service),
                ),
              ),
              balancer,
            );
      for (const draft of drafts) if (once(draft)) yield draft;
    }
  },
});

function* judgeServers(model: Deployment, balancer: Balancer, servers: NginxBlock[]): Generator<FindingDraft> {
  for (const server of servers) {
    const draft = judgeNginx(model, balancer, server, server);
    if (draft) yield draft;
    // nginx applies the keepalive_timeout of the location that served the last request.
    for (const location of server.descendants()) {
      if (location.kind !== 'location' || !location.ownLast('keepalive_timeout')) continue;
      const own = judgeNginx(model, balancer, location, server);
      if (own) yield own;
    }
  }
}

function* judgeBackends(backends: Deployment['backends'], balancer: Balancer): Generator<FindingDraft> {
  const lbMs = balancer.idleMs;
  {
    for (const backend of backends) {
      for (const listener of backend.listeners) {
        if (listener.protocol !== 'http' && listener.protocol !== 'https') continue;
        const keepAlive = listener.keepAlive;
        if (keepAlive.kind !== 'idleTimeout') continue;
        const timeout = keepAlive.timeout;
        if (typeof timeout.value !== 'number' || timeout.value <= 0 || timeout.value > lbMs) continue;
        const fromFile = timeout.source.kind === 'file';
        yield {
          messageId: 'backendClosesFirst',
          data: {
            lbValue: lbText(lbMs),
            lbSource: balancer.source,
            backendTimeout: describeBackendSetting(backend, timeout),
            listener: listener.span.file === backend.file ? `${backend.kind} in ${backend.file}` : `${backend.kind} (${backend.name})`,
            suggestion: suggestionAbove(lbMs),
            lowerLb: balancer.adjustable ? ` or lower the load balancer's idle timeout below ${formatMilliseconds(timeout.value)}` : '',
          },
          primary: timeout.source.kind === 'file' ? timeout.source.span : listener.span,
          related: [...(fromFile ? [{ span: listener.span, label: `${backend.kind} listens here` }] : []), ...(balancer.related ? [balancer.related] : [])],
          modelPath: `${backend.kind}[${backend.name}]>${listener.option}>keepalive>lb`,
        };
      }
    }
  }
}

/**
 * The effective core keepalive_timeout of `block` (a server, or a location that sets its own),
 * judged against the load balancer's idle timeout.
 */
function judgeNginx(model: Deployment, balancer: Balancer, block: NginxBlock, server: NginxBlock): FindingDraft | undefined {
  const lbMs = balancer.idleMs;
  const timeout = block.setting('keepalive_timeout', nginxVersionAt(model, block).range);
  // A variable is not allowed here and `0` switches keep-alive off: nothing is reused, nothing races.
  if (!timeout || typeof timeout.value !== 'number' || timeout.value <= 0 || timeout.value > lbMs) return undefined;
  const nginxMs = timeout.value;
  const fromFile = timeout.source.kind === 'file';
  const setAt = fromFile ? settingBlock(block, timeout) : undefined;
  // A controller default (ingress-nginx) points where its ConfigMap key would be written.
  const primary =
    timeout.source.kind === 'file' ? timeout.source.span : timeout.origin ? block.inherited('keepalive_timeout')?.entry.directive.span : serverAnchor(server);
  if (!primary) return undefined;
  const lowerLb = balancer.adjustable ? ` or lower the load balancer's idle timeout below ${formatMilliseconds(nginxMs)}` : '';
  return {
    messageId: 'nginxClosesFirst',
    data: {
      lbValue: lbText(lbMs),
      lbSource: balancer.source,
      nginxTimeout: timeout.origin
        ? `keepalive_timeout ${formatMilliseconds(nginxMs)} (${timeout.origin.text})`
        : fromFile
          ? `keepalive_timeout ${formatMilliseconds(nginxMs)}`
          : `keepalive_timeout ${formatMilliseconds(nginxMs)} (nginx default)`,
      where: timeout.origin ? 'in the ingress-nginx controller' : describeWhere(setAt ?? server, server),
      fix: timeout.origin
        ? `set "${timeout.origin.key}" in the ingress-nginx ConfigMap above ${lbMs / 1000} (e.g. "${Math.ceil(lbMs / 1000) + 5}")${lowerLb}`
        : `set keepalive_timeout above ${lbText(lbMs)} (e.g. keepalive_timeout ${suggestionAbove(lbMs)};)${lowerLb}`,
    },
    primary,
    related: balancer.related ? [balancer.related] : [],
    modelPath: `${(setAt ?? block).path}>keepalive_timeout>lb`,
    ...(timeout.origin ? {} : keepaliveFix(setAt, server, suggestionAbove(lbMs))),
  };
}

/**
 * nginx's side raised above the load balancer's, as the message says: the keepalive_timeout
 * that applies rewritten where its block writes it (its header timeout kept), else a line after
 * the server's server_name (or listen) line. None when those lines come from an included file.
 */
function keepaliveFix(setAt: NginxBlock | undefined, server: NginxBlock, value: string): { fix: Fix } | Record<string, never> {
  const title = `set keepalive_timeout ${value}`;
  const written = setAt?.ownLast('keepalive_timeout');
  if (setAt && written) {
    const edit = writtenAtLevel(written, setAt) ? replaceArg(written, 0, value) : undefined;
    return edit ? { fix: { title, edits: [edit] } } : {};
  }
  const anchor = server.ownLast('server_name') ?? server.ownLast('listen');
  const edit = anchor && writtenInBlock(anchor, server) ? insertLinesAfter(anchor, [`keepalive_timeout ${value};`]) : undefined;
  return edit ? { fix: { title: `${title} in the server`, edits: [edit] } } : {};
}

/** The block whose own keepalive_timeout `setting` is (the innermost level that sets it). */
function settingBlock(block: NginxBlock, setting: Setting): NginxBlock | undefined {
  if (setting.source.kind !== 'file') return undefined;
  return block.inherited('keepalive_timeout')?.block;
}

function describeWhere(block: NginxBlock, server: NginxBlock): string {
  if (block.kind === 'location') return `in location "${block.directive?.args.map((arg) => arg.value).join(' ') ?? ''}" of ${serverName(server)}`;
  if (block.kind === 'server') return `in ${serverName(server)}`;
  return `in the ${block.kind} block (inherited by ${serverName(server)})`;
}

function serverName(server: NginxBlock): string {
  const names = server
    .ownLast('server_name')
    ?.directive.args.map((arg) => arg.value)
    .filter((name) => name !== '' && name !== '_');
  if (names && names.length > 0) return `server "${names[0]}"`;
  const listen = server.ownLast('listen')?.directive.args[0]?.value;
  return listen ? `the server listening on ${listen}` : 'the server';
}

/** The server's first `listen` line, else the `server` keyword (nginx's default keepalive_timeout applies there). */
function serverAnchor(server: NginxBlock): Span | undefined {
  const listen = server.own('listen')[0];
  if (listen) return listen.directive.span;
  if (server.directive) return server.directive.nameSpan;
  return server.directives[0]?.directive.span;
}

/** Comfortably above the load balancer: 5 seconds more, in whole seconds. */
function suggestionAbove(lbMs: number): string {
  return `${Math.ceil(lbMs / 1000) + 5}s`;
}

/** Load balancers state idle timeouts in seconds (ALB's 60, GCLB's 600): say it that way. */
function lbText(lbMs: number): string {
  return lbMs % 1000 === 0 ? `${lbMs / 1000}s` : `${lbMs}ms`;
}
