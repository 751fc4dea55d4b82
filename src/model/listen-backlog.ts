/**
 * Accept queues and the `net.core.somaxconn` that caps them (docs/servers/linux.md#somaxconn): the queue each
 * server asks listen() for, written in the tree, and the somaxconn of the network namespace it
 * runs in. Used by checks/listen-backlog-somaxconn.
 */
import type { Span } from '../source/span';
import type { Backend } from './backend';
import type { Setting } from '../source/setting';
import { backendKindName } from './backend-describe';
import type { Deployment } from './deployment';
import type { Launch } from '../readers/launch/launch';
import { somaxconnFor } from './limits';
import { argCountOf, argValueOf, NginxDirective } from './nginx-directives';

/** An accept queue some server asks for explicitly. */
export interface ExplicitQueue {
  /** `uWSGI's listen`, `gunicorn's backlog`, `uvicorn's backlog`, `Tomcat's acceptCount`, `nginx listen … backlog=`. */
  label: string;
  /** The option name users change: `listen`, `backlog`, `acceptCount`, `backlog=`. */
  option: string;
  value: number;
  span: Span;
  /** The server exits at start when the queue is above somaxconn (uWSGI); every other server is silently capped. */
  exitsAboveSomaxconn: boolean;
  /** The somaxconn that caps it; `value` undefined when the tree leaves it unknown. */
  somaxconn: Setting<number>;
  /** For fingerprints. */
  modelPath: string;
}

/** The launches that start a backend, when the tree has them. */
export function backendLaunches(backend: Backend): Launch[] {
  const own = 'launch' in backend && backend.launch ? [backend.launch] : [];
  return own.length > 0 ? own : (backend.launchedBy ?? []);
}

/**
 * somaxconn for processes started by any of `launches` (the host's when there is none). When the
 * tree starts the server in several ways that disagree, the largest value: a finding must hold
 * whichever way it runs. Unknown (value undefined) when any of them is unknown.
 */
export function somaxconnForLaunches(deployment: Deployment, launches: Launch[]): Setting<number> {
  if (launches.length === 0) return somaxconnFor(deployment);
  const all = launches.map((launch) => somaxconnFor(deployment, launch));
  const unknown = all.find((setting) => setting.value === undefined);
  if (unknown) return unknown;
  return all.reduce((best, setting) => ((setting.value as number) > (best.value as number) ? setting : best));
}

/**
 * somaxconn for a backend: from its launches; a Tomcat whose release comes from a `tomcat:` image
 * runs in a container, which never sees the host's sysctls (its own sysctls are not matched to it:
 * then the kernel default, which can only make the rule quieter).
 */
export function somaxconnOfBackend(deployment: Deployment, backend: Backend): Setting<number> {
  const launches = backendLaunches(backend);
  if (launches.length === 0 && backend.kind === 'tomcat' && backend.version.kind === 'known') {
    const container = { kind: 'dockerfile', file: backend.version.span.file, container: { hostNetwork: false } } as Launch;
    return somaxconnFor(deployment, container);
  }
  return somaxconnForLaunches(deployment, launches);
}

function explicit(setting: Setting | undefined): setting is Setting<number> & { source: { kind: 'file'; span: Span } } {
  return !!setting && setting.source.kind === 'file' && typeof setting.value === 'number' && Number.isFinite(setting.value);
}

/** Every accept queue written in the tree, with the somaxconn that applies to its server. */
export function explicitQueues(deployment: Deployment): ExplicitQueue[] {
  const queues: ExplicitQueue[] = [];
  for (const backend of deployment.backends) {
    const somaxconn = somaxconnOfBackend(deployment, backend);
    if (backend.kind === 'uwsgi' || backend.kind === 'gunicorn' || backend.kind === 'uvicorn') {
      const name = backend.kind === 'uwsgi' ? 'listen' : 'backlog';
      const setting = backend.settings.get(name);
      if (!explicit(setting)) continue;
      queues.push({
        label: `${backendKindName(backend.kind)}'s ${name}`,
        option: backend.kind === 'uvicorn' ? '--backlog' : name,
        value: setting.value as number,
        span: setting.source.span,
        exitsAboveSomaxconn: backend.kind === 'uwsgi',
        somaxconn,
        modelPath: `${backend.kind}[${backend.name}]>${name}`,
      });
      continue;
    }
    const connectors = backend.kind === 'tomcat' ? backend.connectors : [backend.connector];
    for (const connector of connectors) {
      const setting = connector.settings.get('acceptCount');
      if (!explicit(setting)) continue;
      queues.push({
        label: `${backend.kind === 'tomcat' ? 'Tomcat' : 'Spring Boot'}'s acceptCount`,
        option: backend.kind === 'tomcat' ? 'acceptCount' : 'server.tomcat.accept-count',
        value: setting.value as number,
        span: setting.source.span,
        exitsAboveSomaxconn: false,
        somaxconn,
        modelPath: `${backend.kind}[${backend.name}]>connector[${connector.settings.get('port')?.text ?? ''}]>acceptCount`,
      });
    }
  }

  const nginxLaunches = deployment.launches.filter((launch) => launch.program === 'nginx' || launch.program === 'openresty');
  const nginxSomaxconn = somaxconnForLaunches(deployment, nginxLaunches);
  const seen = new Set<string>();
  for (const scope of deployment.nginx.scopes) {
    for (const server of scope.servers) {
      for (const entry of server.own('listen')) {
        // Values first: argument objects (with spans) only for a line that sets a backlog.
        if (!listenSetsBacklog(entry.directive)) continue;
        for (const arg of entry.directive.args) {
          const match = /^backlog=(\d+)$/.exec(arg.value);
          if (!match) continue;
          const key = `${arg.span.file}:${arg.span.start.offset}`;
          if (seen.has(key)) continue;
          seen.add(key);
          queues.push({
            label: 'nginx listen … backlog=',
            option: 'backlog=',
            value: Number(match[1]),
            span: arg.span,
            exitsAboveSomaxconn: false,
            somaxconn: nginxSomaxconn,
            modelPath: `${server.path}>listen[${entry.directive.args[0]?.value ?? ''}]>backlog`,
          });
        }
      }
    }
  }
  return queues;
}

/** Where a somaxconn value comes from, for messages: `etc/sysctl.conf:3`, `kernel default …`. */
export function describeSomaxconnSource(setting: Setting<number>): string {
  if (setting.source.kind === 'file') return `${setting.source.span.file}:${setting.source.span.start.line}`;
  if (setting.source.reference.startsWith('.cfglint.json')) return setting.source.reference;
  return setting.source.note?.includes('network namespace')
    ? "the kernel default of the container's own network namespace since Linux 5.4"
    : 'the kernel default since Linux 5.4; set environment.somaxconn in .cfglint.json if the host differs';
}

function listenSetsBacklog(listen: NginxDirective): boolean {
  for (let i = 1; i < argCountOf(listen); i++) if (argValueOf(listen, i)!.startsWith('backlog=')) return true;
  return false;
}
