/**
 * The Linux limits a process really runs with: its listen backlog cap (`net.core.somaxconn`) and
 * its open-file limit, with where each comes from. A process in a container has a network
 * namespace of its own (the host's sysctls do not reach it) and the container runtime's open-file
 * limit; a systemd service gets `LimitNOFILE=` or systemd's default, never limits.conf (pam_limits
 * applies to login sessions). What the tree does not say comes from .cfglint.json `environment`,
 * else a documented default, else it is unknown (`value` undefined): rules stay silent then.
 */
import type { SystemLimit } from '../readers/backend';
import type { Setting } from '../source/setting';
import type { Deployment } from './deployment';
import type { Launch } from '../readers/launch/launch';
import { nginxVersionAt, type NginxHttpScope } from './nginx';
import { mainConfigsAt, nginxConfigPath, nginxLaunchesRunning } from './nginx-launches';

export interface OpenFileLimit {
  /** The limit the process starts with (RLIMIT_NOFILE soft); Infinity for `infinity`/`unlimited`. */
  soft: Setting<number>;
  /** The ceiling the process may raise its soft limit to, when known. */
  hard?: Setting<number>;
}

const SOMAXCONN_REFERENCE = 'listen(2) (man-pages 6.03); Documentation/networking/ip-sysctl.rst; net/core/net_namespace.c';
const SYSTEMD_NOFILE_REFERENCE = 'systemd-system.conf(5) DefaultLimitNOFILE= (systemd 252)';

function configured(name: string, value: number, option: string): Setting<number> {
  return {
    name,
    value,
    text: String(value),
    unit: 'count',
    source: { kind: 'default', reference: `.cfglint.json environment.${option}`, note: 'given in the configuration' },
  };
}

function unknown(name: string, note: string): Setting<number> {
  return { name, value: undefined, text: '', unit: 'count', source: { kind: 'default', reference: 'not in the tree', note } };
}

function sourceFile(limit: SystemLimit): string | undefined {
  return limit.setting.source.kind === 'file' ? limit.setting.source.span.file : undefined;
}

/** The limit of `name` for a compose service or Kubernetes workload, set in the launch's own file. */
function containerLimit(deployment: Deployment, name: SystemLimit['name'], launch: Launch): SystemLimit | undefined {
  return deployment.limits
    .filter(
      (limit) => limit.name === name && limit.appliesTo.kind === 'container' && limit.appliesTo.name === launch.service && sourceFile(limit) === launch.file,
    )
    .pop();
}

/** Whether the launch shares the host's network namespace (and so the host's sysctls). */
export function usesHostNetwork(launch: Launch | undefined): boolean {
  return !launch?.container || launch.container.hostNetwork;
}

/**
 * `net.core.somaxconn` for a process (the host when no launch is given): the cap on every
 * listen() backlog it asks for. Per network namespace: a container's comes from its own
 * `sysctls:` / pod `securityContext.sysctls`, else the kernel default for a new namespace.
 * The default is 4096 (Linux ≥ 5.4; 128 before), marked as a default so rules can tell.
 */
export function somaxconnFor(deployment: Deployment, launch?: Launch): Setting<number> {
  const name = 'net.core.somaxconn';
  if (!usesHostNetwork(launch)) {
    const own = containerLimit(deployment, name, launch!);
    if (own) return own.setting;
  } else {
    const host = deployment.limits.filter((limit) => limit.name === name && limit.appliesTo.kind === 'host').pop();
    if (host) return host.setting;
  }
  if (deployment.environment.somaxconn !== undefined) return configured(name, deployment.environment.somaxconn, 'somaxconn');
  return {
    name,
    value: 4096,
    text: '4096',
    unit: 'count',
    source: {
      kind: 'default',
      reference: SOMAXCONN_REFERENCE,
      note: usesHostNetwork(launch)
        ? 'Linux ≥ 5.4; 128 before; set environment.somaxconn for older kernels'
        : 'a new network namespace starts at the kernel default (Linux ≥ 5.4; 128 before), whatever the host sets',
    },
  };
}

/**
 * The open-file limit of a process: systemd `LimitNOFILE=` (else DefaultLimitNOFILE=, 1024 soft
 * and 524288 hard); compose `ulimits: nofile`; otherwise what .cfglint.json says, else unknown
 * (a container runtime's default and a shell's inherited limit are not in the tree).
 */
export function nofileFor(deployment: Deployment, launch: Launch): OpenFileLimit {
  if (launch.kind === 'systemd') {
    const own = deployment.limits
      .filter((limit) => limit.name === 'nofile' && limit.appliesTo.kind === 'service' && limit.appliesTo.name === launch.service)
      .pop();
    if (own) return { soft: own.setting, ...(own.hard ? { hard: own.hard } : {}) };
    return serviceDefault();
  }
  if (launch.kind === 'compose') {
    const own = containerLimit(deployment, 'nofile', launch);
    if (own) return { soft: own.setting, ...(own.hard ? { hard: own.hard } : {}) };
  }
  if (deployment.environment.nofile !== undefined) return { soft: configured('nofile', deployment.environment.nofile, 'nofile') };
  const why = launch.container ? 'the container runtime sets it' : 'it is inherited from whatever starts the script';
  return { soft: unknown('nofile', why) };
}

function serviceDefault(): OpenFileLimit {
  const setting = (value: number, text: string): Setting<number> => ({
    name: 'nofile',
    value,
    text,
    unit: 'count',
    source: { kind: 'default', reference: SYSTEMD_NOFILE_REFERENCE, note: 'DefaultLimitNOFILE=1024:524288' },
  });
  return { soft: setting(1024, '1024'), hard: setting(524288, '524288') };
}

/**
 * The open-file limit of nginx worker processes: `worker_rlimit_nofile` of the main context
 * (nginx sets both soft and hard to it), else what the nginx master has: the launches that run
 * this main config (nginx-launches.ts; the lowest limit among them, since that nginx fails first),
 * or a systemd `LimitNOFILE=` for nginx.service/openresty.service (a drop-in the tree holds
 * without the unit, whose nginx loads the default config), else .cfglint.json, else unknown.
 * When a launch may run it but the tree does not say which config it loads, .cfglint.json or
 * unknown. `scope` picks the main config.
 */
export function nginxWorkerNofile(deployment: Deployment, scope?: NginxHttpScope): OpenFileLimit {
  const chosen = scope ?? deployment.nginx.scopes[0];
  const main = chosen?.http.parent;
  if (main && main.kind === 'main') {
    const setting = main.setting('worker_rlimit_nofile', nginxVersionAt(deployment, main).range);
    if (setting && setting.source.kind === 'file') {
      const value = typeof setting.value === 'number' ? setting.value : undefined;
      const own: Setting<number> = { ...setting, value };
      return { soft: own, hard: own };
    }
  }
  const file = main?.kind === 'main' ? chosen?.roots[0]?.file : undefined;
  const runs = file !== undefined ? nginxLaunchesRunning(deployment, file) : { running: [], undecided: [] };
  if (runs.running.length > 0) return lowestOf(runs.running.map((launch) => nofileFor(deployment, launch)));
  if (runs.undecided.length > 0) {
    if (deployment.environment.nofile !== undefined) return { soft: configured('nofile', deployment.environment.nofile, 'nofile') };
    return { soft: unknown('nofile', 'the tree does not say which config the nginx it starts loads') };
  }
  const unit = deployment.limits
    .filter((limit) => {
      const service = limit.name === 'nofile' && limit.appliesTo.kind === 'service' ? limit.appliesTo.name : undefined;
      if (service === undefined || !/^(nginx|openresty)\.service$/.test(service)) return false;
      // The unit's own ExecStart= says which config it runs (nginxLaunchesRunning above).
      if (deployment.launches.some((launch) => launch.kind === 'systemd' && launch.service === service)) return false;
      return file !== undefined && packagedUnitRuns(deployment, service, sourceFile(limit), file);
    })
    .pop();
  if (unit) return { soft: unit.setting, ...(unit.hard ? { hard: unit.hard } : {}) };
  if (deployment.environment.nofile !== undefined) return { soft: configured('nofile', deployment.environment.nofile, 'nofile') };
  return { soft: unknown('nofile', 'nothing in the tree says how nginx is started') };
}

/** Whether the packaged nginx.service (openresty.service) a drop-in changes loads the main config `file`: its default one. */
function packagedUnitRuns(deployment: Deployment, service: string, dropIn: string | undefined, file: string): boolean {
  const path = nginxConfigPath(service.startsWith('openresty') ? 'openresty' : 'nginx', []);
  return path !== undefined && mainConfigsAt(deployment, path, { file: dropIn ?? '' }).running === file;
}

/** The lowest soft limit the tree gives among several processes (unknown ones left out): the first to run out. */
function lowestOf(limits: OpenFileLimit[]): OpenFileLimit {
  const known = limits.filter((limit) => typeof limit.soft.value === 'number');
  if (known.length === 0) return limits[0];
  return known.reduce((lowest, limit) => ((limit.soft.value as number) < (lowest.soft.value as number) ? limit : lowest));
}
