import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Backend } from '../src/model/backend';
import type { Listener, ListenerProtocol } from '../src/readers/backend';
import { backendKindName, describeListenAddress } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import {
  composeServiceOf,
  imageApartFromNginx,
  isLoopback,
  kubernetesServiceGap,
  linkDeployment,
  matchListener,
  nginxLoopbackOf,
  NginxTarget,
  nginxServersListeningAt,
  nginxTargets,
  runsOnNginxLoopback,
} from '../src/model/links';
import { podsRunUnknown } from '../src/model/pods';
import type { PassModule } from '../src/model/nginx';
import { deploymentOf, mayReach } from '../src/model/scopes';
import { unmodelledReachableFrom, unmodelledServers } from '../src/model/unmodelled-servers';
import { backendLaunches } from '../src/model/listen-backlog';
import type { Span } from '../src/source/span';

const ID = 'upstream-unreachable';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description: "nginx sends to a loopback port or socket where none of the tree's backends listens (a port or path typo)",
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      nothingListens: {
        message: 'Nothing in this tree listens on {{address}} ({{directive}}); its backends listen on {{listening}}',
        help: 'nginx will log "{{log}}" and answer 502; point {{directive}} at the backend\'s address, or fix {{option}}',
      },
      serviceHasNoSuchPort: {
        message: 'Service {{service}} has no port {{port}} (its ports: {{ports}})',
        help: 'requests {{directive}} sends to {{address}} never reach its pods; send to one of its ports, or add port {{port}} to the Service',
      },
      targetPortNotDeclared: {
        message: 'Service {{service}} port {{port}} targets the container port named "{{name}}", which no container of {{workload}} declares',
        help: 'the Service has no endpoint for it and requests {{directive}} sends to {{address}} never reach the pods; name the container port "{{name}}" or set targetPort to the port number',
      },
      nothingOnTargetPort: {
        message:
          'Service {{service}} port {{port}} sends to port {{targetPort}} of {{workload}}, but {{backend}} in that pod listens on {{listening}}{{loopbackNote}}',
        help: 'connections are refused, nginx logs "connect() failed (111: Connection refused) while connecting to upstream" and answers 502; {{fix}}',
      },
    },
  },
  *check(model: Deployment) {
    const serviceFinding = (target: NginxTarget): FindingDraft | undefined => {
      const gap = kubernetesServiceGap(model, target.address);
      if (!gap) return undefined;
      const pass = target.passes[0];
      const common = {
        service: `${gap.service.namespace}/${gap.service.name}`,
        directive: target.server ? `upstream "${target.group!.name}"` : pass.entry.directive.name,
        address: target.address.text,
      };
      const modelPath = `${target.group?.block?.path ?? pass.location.path}>${target.address.text}>service`;
      if (gap.kind === 'no-such-port') {
        return {
          messageId: 'serviceHasNoSuchPort',
          data: { ...common, port: gap.port, ports: gap.service.ports.map((port) => port.port).join(', ') },
          primary: target.span,
          related: [{ span: gap.service.nameSpan, label: `Service ${gap.service.name} is defined here` }],
          modelPath,
        };
      }
      if (gap.kind === 'target-port-unnamed') {
        return {
          messageId: 'targetPortNotDeclared',
          data: { ...common, port: gap.port.port, name: String(gap.port.targetPort), workload: `${gap.workload.kind} ${gap.workload.name}` },
          primary: target.span,
          related: [
            { span: gap.port.span, label: `targetPort "${gap.port.targetPort}"` },
            { span: gap.workload.nameSpan, label: `${gap.workload.kind} ${gap.workload.name}: its containers declare no such port` },
          ],
          modelPath,
        };
      }
      const onLoopback = gap.listeners.find((listener) => listener.address.kind === 'tcp' && listener.address.port === gap.targetPort);
      return {
        messageId: 'nothingOnTargetPort',
        data: {
          ...common,
          port: gap.port.port,
          targetPort: gap.targetPort,
          workload: `${gap.workload.kind} ${gap.workload.name}`,
          backend: backendKindName(gap.listeners[0].backend.kind),
          listening: gap.listeners.slice(0, 4).map(describeListenAddress).join(', '),
          loopbackNote: onLoopback ? " (loopback inside the pod: the Service connects to the pod's own address)" : '',
          fix: onLoopback
            ? `bind 0.0.0.0:${gap.targetPort} (or the pod's address) instead of ${describeListenAddress(onLoopback)}`
            : `set targetPort to the port it binds, or bind port ${gap.targetPort}`,
        },
        primary: target.span,
        related: [
          { span: gap.port.span, label: `targetPort ${gap.port.targetPort}${typeof gap.port.targetPort === 'string' ? ` = ${gap.targetPort}` : ''}` },
          ...gap.listeners
            .slice(0, 2)
            .map((listener) => ({ span: listener.span, label: `${listener.backend.kind} listens on ${describeListenAddress(listener)}` })),
        ],
        modelPath,
      };
    };

    const listeners = model.backends.flatMap((backend) => backend.listeners);
    // A socket under a condition the tree leaves open (uWSGI's `if-not-env = DEV_ENV` in a Procfile) may be there.
    const undecided = model.backends.flatMap((backend) => backend.undecidedListeners ?? []);
    const unmodelled = unmodelledServers(model);
    // A listener whose address the tree does not determine (fd://, ${port}) may be the one: assume nothing.
    if ([...listeners, ...undecided].some((listener) => listener.address.kind === 'other')) return;
    // Nothing listens anywhere in the tree and no Service names an address: nothing to compare with.
    if (listeners.length === 0 && model.kubernetes.services.length === 0) return;
    // linkDeployment builds its own targets: compare them by the span nginx names the address with.
    const linked = new Set(linkDeployment(model).map((link) => spanKey(link.target.span)));
    for (const target of nginxTargets(model)) {
      if (linked.has(spanKey(target.span))) continue;
      const address = target.address;
      // A template's address is known only as the same text elsewhere: nothing to say it is unserved.
      if (address.kind === 'template') continue;
      if (undecided.some((listener) => matchListener(address, listener, () => []))) continue;
      if (address.kind === 'tcp' && !isLoopback(address.host) && model.kubernetes.services.length > 0) {
        const draft = serviceFinding(target);
        if (draft) yield draft;
        continue;
      }
      // nginx in a pod or in compose containers reaches on loopback what runs there; a pod's
      // container whose image's own command the tree does not show may be what listens there.
      const loopback = nginxLoopbackOf(model, target);
      const apart = loopback && loopback.kind !== 'host' ? loopback : undefined;
      if (apart?.kind === 'pods' && podsRunUnknown(apart.pods, model.launches)) continue;
      // Only what the tree can answer for: loopback ports and socket files of the same family.
      const nginxFiles = [target.span.file, ...target.passes.map((pass) => pass.entry.directive.file)];
      const family = (
        address.kind === 'unix'
          ? listeners.filter((l) => l.address.kind === 'unix')
          : isLoopback(address.host)
            ? listeners.filter((l) => l.address.kind === 'tcp' && !inOwnContainerNetwork(model, l, nginxFiles))
            : []
      )
        // Only what this nginx could reach: its own deployment, its own network namespace (its pod's or its containers').
        .filter((l) =>
          apart
            ? runsOnNginxLoopback(model, apart, l.backend as Backend) && mayReach(nginxFiles, l.backend as Backend, false, model.deploymentRoots ?? [])
            : mayReach(nginxFiles, l.backend as Backend, true, model.deploymentRoots ?? []),
        );
      if (family.length === 0) continue;
      // nginx sends to a server of its own (a second server block on 127.0.0.1:8185).
      if (nginxServersListeningAt(model, target).length > 0) continue;
      // A server cfglint does not model (daphne, node, php-fpm, …) that nginx can reach may be the one listening there.
      if (unmodelled.some(unmodelledReachableFrom(model, target))) continue;
      // Nor a server whose config the tree holds in a form cfglint does not read (uWSGI in YAML).
      if (
        model.unreadServerConfigs.some(
          (config) => deploymentOf(config.file, model.deploymentRoots ?? []) === deploymentOf(target.span.file, model.deploymentRoots ?? []),
        )
      )
        continue;
      const pass = target.passes[0];
      // The listeners that speak what nginx sends first: the likeliest meant ones.
      const speaks = (l: Listener) => SPOKEN[pass.module].includes(l.protocol);
      // FastCGI to an address where no modelled server of the tree speaks FastCGI: PHP-FPM, which
      // cfglint does not model (libretime's pool file listens there), is what serves it.
      if (target.passes.every((each) => each.module === 'fastcgi') && !family.some(speaks)) continue;
      family.sort((a, b) => Number(speaks(b)) - Number(speaks(a)));
      yield {
        messageId: 'nothingListens',
        data: {
          address: address.text,
          listening:
            family
              .slice(0, 4)
              .map((l) => `${describeListenAddress(l)} (${backendKindName(l.backend.kind)} ${l.option}, ${l.span.file})`)
              .join(', ') + (family.length > 4 ? `, and ${family.length - 4} more` : ''),
          // docs/servers/nginx.md#connect-errors.
          log:
            address.kind === 'unix'
              ? `connect() to unix:${address.path} failed (2: No such file or directory) while connecting to upstream`
              : 'connect() failed (111: Connection refused) while connecting to upstream',
          directive: target.server ? `upstream "${target.group!.name}"` : pass.entry.directive.name,
          option: `${backendKindName(family[0].backend.kind)}'s ${family[0].option}`,
        },
        primary: target.span,
        related: family
          .slice(0, 3)
          .map((listener) => ({ span: listener.span, label: `${listener.backend.kind} listens on ${describeListenAddress(listener)}` })),
        modelPath: `${target.group?.block?.path ?? pass.location.path}>${address.text}`,
      };
    }
  },
});

/**
 * A container has a loopback of its own: whether nginx's 127.0.0.1 can reach a compose container
 * depends on where nginx runs, which the link step judges; an image's process is off nginx's
 * loopback when nginx runs in another container (imageApartFromNginx). Neither is evidence that
 * nothing listens.
 */
function inOwnContainerNetwork(model: Deployment, listener: Listener, nginxFiles: string[]): boolean {
  const backend = listener.backend as Backend;
  const compose = composeServiceOf(model, backend);
  if (compose !== undefined) return !compose.hostNetwork;
  const image = backendLaunches(backend).find((launch) => launch.kind === 'dockerfile' && launch.container && !launch.container.hostNetwork);
  return image !== undefined && imageApartFromNginx(model, image, nginxFiles);
}

/** Which listeners each pass module can talk to (upstream-protocol-mismatch judges the rest). */
const SPOKEN: Record<PassModule, ListenerProtocol[]> = {
  proxy: ['http', 'https'],
  grpc: ['http', 'https'],
  uwsgi: ['uwsgi'],
  fastcgi: ['fastcgi'],
  scgi: ['scgi'],
};

function spanKey(span: Span): string {
  return `${span.file}:${span.start.offset}`;
}
