import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argCountOf, argValueOf, ExpandedDirective, NginxDirective } from '../src/model/nginx-directives';
import { servicesNamed } from '../src/model/kubernetes';
import { composePlaceOf, resolvesServicesOf } from '../src/model/compose';
import type { ComposeContainer } from '../src/readers/launch/launch';
import { argumentsUnknown } from '../src/model/template-values';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-stale-dns';

export const rule = defineRule({
  id: ID,
  severity: 'info',
  category: 'reliability',
  meta: {
    description: 'A host name in proxy_pass or an upstream server line is resolved once, when nginx starts, and never again',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      composeService: {
        message:
          '"{{host}}" is the compose service "{{service}}": nginx resolves it once at start, so a recreated container with a new address gets 502s until nginx reloads',
        help: 'A container that compose recreates (a new image, `docker compose up` after a change) may get another address on the network; nginx still connects to the old one: `connect() failed (113: No route to host)` or `(111: Connection refused) while connecting to upstream`. Use `resolver 127.0.0.11 valid=10s;` with a variable in proxy_pass, or `server web:8000 resolve;` in an upstream with a `zone` (nginx 1.27.3+)',
      },
      hostName: {
        message: '"{{host}}" is resolved once, when nginx starts: if its address changes, nginx keeps sending to the old one until it reloads',
        help: 'A literal host name is resolved when the configuration is loaded, whatever `resolver` says (the resolver is used only for variables and for upstream servers marked `resolve`). Cloud load balancers and CDNs change addresses; nginx keeps the old ones: timeouts and 502s until a reload. Use a variable with a `resolver`, or `server host resolve;` in an upstream with a `zone` (nginx 1.27.3+)',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    // The compose names each nginx config resolves: those of the compose networks it is on
    // (composePlaceOf), by the files that hold the directive and include it. A host's nginx file
    // beside a compose project of another directory resolves none of them.
    const namesByFiles = new Map<string, ComposeNames>();
    const composeNamesOf = (directive: ExpandedDirective): ComposeNames => {
      const files = [...new Set([directive.directive.file, ...directive.via.map((include) => include.file)])];
      const key = files.join('\0');
      let names = namesByFiles.get(key);
      if (!names) {
        const services = new Map<string, ComposeTarget>();
        const place = composePlaceOf(model.compose, files);
        for (const container of model.compose) {
          if (!resolvesServicesOf(place, container)) continue;
          for (const name of [container.service, ...container.aliases])
            services.set(name.toLowerCase(), { service: container.service, project: container.project });
        }
        // A `links:` alias resolves only in the container that declares it: one that runs this file.
        for (const container of place.running)
          for (const link of container.links) services.set(link.alias.toLowerCase(), { service: link.service, project: container.project });
        // An `extra_hosts` name is an /etc/hosts line of every container that runs this file: it
        // does not change while nginx runs, and is looked up before any DNS.
        const fixed = new Set<string>();
        const [first, ...others] = place.running;
        for (const entry of first?.extraHosts ?? []) {
          const name = entry.name.toLowerCase();
          if (others.every((container) => container.extraHosts.some((other) => other.name.toLowerCase() === name))) fixed.add(name);
        }
        names = { services, running: place.running, fixed };
        namesByFiles.set(key, names);
      }
      return names;
    };
    const seen = new Set<unknown>();
    // What to say about a host, without its span and model path: a large tree has thousands of
    // passes, and those are built only for a finding.
    const judge = (host: string, directive: ExpandedDirective): Pick<FindingDraft, 'messageId' | 'data'> | undefined => {
      if (seen.has(directive.directive) || directive.generated || !isHostName(host) || argumentsUnknown(directive.directive)) return undefined;
      seen.add(directive.directive);
      // A Service's ClusterIP stays the same for the Service's life.
      if (servicesNamed(model.kubernetes, host).length > 0) return undefined;
      const { services, running, fixed } = composeNamesOf(directive);
      if (fixed.has(host)) return undefined;
      const service = services.get(host);
      if (service !== undefined) {
        // `depends_on: {web: {restart: true}}` in every service that runs this file: Compose
        // restarts nginx after it recreates or restarts web, and nginx resolves the name again.
        if (restartedWith(running, service)) return undefined;
        return { messageId: 'composeService', data: { host, service: service.service } };
      }
      return { messageId: 'hostName', data: { host } };
    };
    // Indexed loops: for-of steps an iterator (an allocation per step) in code that runs once, over
    // thousands of passes and upstream servers in a large tree.
    const { passes, upstreams } = model.nginx;
    for (let i = 0; i < passes.length; i++) {
      const pass = passes[i];
      const target = pass.target;
      // A value with variables is evaluated per request: its host is looked up while nginx runs.
      if (pass.variableValue) continue;
      const host = target.kind === 'unresolved' ? target.host : target.kind === 'address' && target.address.kind === 'tcp' ? target.address.host : undefined;
      if (host === undefined) continue;
      const name = host.replace(/:\d+$/, '').toLowerCase();
      // `proxy_pass http://backend;` may name an upstream defined where cfglint cannot see: only a
      // compose service or a dotted name is surely a host.
      if (target.kind === 'unresolved' && !name.includes('.') && !composeNamesOf(pass.entry).services.has(name)) continue;
      const said = judge(name, pass.entry);
      if (said) yield { ...said, primary: pass.entry.directive.args[0].span, modelPath: `${pass.location.path}>${pass.entry.directive.name}` };
    }
    for (let g = 0; g < upstreams.length; g++) {
      const group = upstreams[g];
      for (let s = 0; s < group.servers.length; s++) {
        const server = group.servers[s];
        const address = server.address;
        // An address (most upstream servers) is never looked up; `server app:8000 resolve;` is
        // re-resolved while nginx runs.
        if (address?.kind !== 'tcp' || !isHostName(address.host) || resolvedWhileRunning(server.entry.directive)) continue;
        const said = judge(address.host, server.entry);
        if (said) yield { ...said, primary: server.span, modelPath: `${group.block!.path}>server[${address.text}]` };
      }
    }
  },
});

/** A compose service a name resolves to where an nginx file runs. */
interface ComposeTarget {
  service: string;
  project: string;
}

/** The compose names an nginx file resolves, and the compose services that run it (none: the tree does not say). */
interface ComposeNames {
  services: Map<string, ComposeTarget>;
  running: ComposeContainer[];
  /** `extra_hosts` names of every container that runs the file: /etc/hosts lines, fixed while nginx runs. */
  fixed: Set<string>;
}

/**
 * Whether Compose restarts every container that runs the nginx file after it recreates or
 * restarts `target` (compose-spec 05-services.md `depends_on` long syntax `restart`; docker/compose
 * pkg/compose/reconcile.go `planStopDependents`, restart.go `prepareRestartProject`).
 */
function restartedWith(running: ComposeContainer[], target: ComposeTarget): boolean {
  return (
    running.length > 0 &&
    running.every(
      (container) =>
        container.project === target.project && container.dependsOn.some((dependency) => dependency.service === target.service && dependency.restart === true),
    )
  );
}

/** `server app:8000 resolve;`: read without building argument objects (every upstream server is asked). */
function resolvedWhileRunning(server: NginxDirective): boolean {
  for (let i = 1; i < argCountOf(server); i++) if (argValueOf(server, i) === 'resolve') return true;
  return false;
}

/** A DNS name: not an IP literal, not localhost (always the loopback address), not a variable. */
function isHostName(host: string): boolean {
  if (host === '' || host.includes('$') || host.includes('{')) return false;
  if (/^\d+(\.\d+){3}$/.test(host) || host.includes(':') || host.startsWith('[')) return false;
  if (host === 'localhost' || host.endsWith('.localhost')) return false;
  return /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/i.test(host);
}
