import { defineRule, FindingDraft } from '../src/engine/rule';
import { docsUrl } from '../src/meta';
import type { Setting } from '../src/model/backend';
import { describeBackendSetting } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { formatMilliseconds } from '../src/model/nginx-values';
import type { Span } from '../src/report/finding';

const ID = 'lb-idle-timeout';

/** Where the load balancer's idle timeout comes from (Kubernetes and Terraform are not read yet). */
const LB_SOURCE = 'environment.loadBalancerIdleTimeout in .cfglint.json';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'the load balancer in front keeps idle connections at least as long as nginx (or the backend it talks to) does, so it reuses connections the server has closed',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      nginxClosesFirst:
        'The load balancer\'s idle timeout {{lbValue}} ({{lbSource}}) is not shorter than {{nginxTimeout}} {{where}}: ' +
        'nginx closes idle client connections first and the load balancer sends the next request on a connection nginx has closed, ' +
        'answering 502 itself while nginx logs nothing ("The target closed the connection with a TCP RST or a TCP FIN while the load balancer had an outstanding request to the target"); ' +
        'set keepalive_timeout above {{lbValue}} (e.g. {{suggestion}}) or lower the load balancer\'s idle timeout below {{nginxValue}}',
      backendClosesFirst:
        'The load balancer\'s idle timeout {{lbValue}} ({{lbSource}}) is not shorter than {{backendTimeout}} behind {{listener}}: ' +
        'the backend closes idle connections first and the load balancer sends the next request on a closed one, ' +
        'answering 502 itself while the backend logs nothing ("The target closed the connection with a TCP RST or a TCP FIN while the load balancer had an outstanding request to the target"); ' +
        'raise the backend\'s keep-alive above {{lbValue}} (e.g. {{suggestion}}) or lower the load balancer\'s idle timeout below {{backendValue}}',
    },
  },
  *check(model: Deployment) {
    const lbMs = model.environment.loadBalancerIdleTimeoutMs;
    if (typeof lbMs !== 'number' || !(lbMs > 0)) return;
    const servers = model.nginx.scopes.flatMap((scope) => scope.servers);
    const seen = new Set<string>();
    const once = (draft: FindingDraft | undefined) => {
      if (!draft) return undefined;
      const key = `${draft.primary.file}:${draft.primary.start.offset}`;
      if (seen.has(key)) return undefined;
      seen.add(key);
      return draft;
    };
    if (servers.length > 0) {
      for (const server of servers) {
        const draft = once(judgeNginx(model, lbMs, server, server));
        if (draft) yield draft;
        // nginx applies the keepalive_timeout of the location that served the last request.
        for (const location of server.descendants()) {
          if (location.kind !== 'location' || !location.ownLast('keepalive_timeout')) continue;
          const own = once(judgeNginx(model, lbMs, location, server));
          if (own) yield own;
        }
      }
      return;
    }
    // No nginx in the tree: the load balancer talks to the backends directly.
    for (const backend of model.backends) {
      for (const listener of backend.listeners) {
        if (listener.protocol !== 'http' && listener.protocol !== 'https') continue;
        const keepAlive = listener.keepAlive;
        if (keepAlive.kind !== 'idleTimeout') continue;
        const timeout = keepAlive.timeout;
        if (typeof timeout.value !== 'number' || timeout.value <= 0 || timeout.value > lbMs) continue;
        const fromFile = timeout.source.kind === 'file';
        const draft = once({
          messageId: 'backendClosesFirst',
          data: {
            lbValue: lbText(lbMs),
            lbSource: LB_SOURCE,
            backendTimeout: describeBackendSetting(backend, timeout),
            listener: listener.span.file === backend.file ? `${backend.kind} in ${backend.file}` : `${backend.kind} (${backend.name})`,
            suggestion: suggestionAbove(lbMs),
            backendValue: formatMilliseconds(timeout.value),
          },
          primary: timeout.source.kind === 'file' ? timeout.source.span : listener.span,
          related: fromFile ? [{ span: listener.span, label: `${backend.kind} listens here` }] : [],
          modelPath: `${backend.kind}[${backend.name}]>${listener.option}>keepalive>lb`,
        });
        if (draft) yield draft;
      }
    }
  },
});

/**
 * The effective core keepalive_timeout of `block` (a server, or a location that sets its own),
 * judged against the load balancer's idle timeout.
 */
function judgeNginx(model: Deployment, lbMs: number, block: NginxBlock, server: NginxBlock): FindingDraft | undefined {
  const timeout = block.setting('keepalive_timeout', model.nginxVersion.range);
  // A variable is not allowed here and `0` switches keep-alive off: nothing is reused, nothing races.
  if (!timeout || typeof timeout.value !== 'number' || timeout.value <= 0 || timeout.value > lbMs) return undefined;
  const nginxMs = timeout.value;
  const fromFile = timeout.source.kind === 'file';
  const setAt = fromFile ? settingBlock(block, timeout) : undefined;
  const primary = timeout.source.kind === 'file' ? timeout.source.span : serverAnchor(server);
  if (!primary) return undefined;
  return {
    messageId: 'nginxClosesFirst',
    data: {
      lbValue: lbText(lbMs),
      lbSource: LB_SOURCE,
      nginxTimeout: fromFile ? `keepalive_timeout ${formatMilliseconds(nginxMs)}` : `keepalive_timeout ${formatMilliseconds(nginxMs)} (nginx default)`,
      where: describeWhere(setAt ?? server, server),
      suggestion: `keepalive_timeout ${suggestionAbove(lbMs)};`,
      nginxValue: formatMilliseconds(nginxMs),
    },
    primary,
    related: [],
    modelPath: `${(setAt ?? block).path}>keepalive_timeout>lb`,
  };
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
  const names = server.ownLast('server_name')?.directive.args.map((arg) => arg.value).filter((name) => name !== '' && name !== '_');
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
