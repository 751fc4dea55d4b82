/**
 * Servers cfglint recognises in the tree's launches but does not model (daphne, hypercorn,
 * granian, waitress, Node.js, puma, php-fpm, a JVM application that is neither Spring Boot nor
 * Tomcat as cfglint reads them, …): something listens there, its settings unknown.
 * No rule judges them; they only keep upstream-unreachable from calling an address unserved when
 * one of them may serve it, and --print-config and the graph show them as unknown.
 */
import type { Span } from '../source/span';
import type { Deployment } from './deployment';
import {
  canonicalSocketPath,
  hostLaunchListensOn,
  imageApartFromNginx,
  isLoopback,
  nginxComposePlace,
  nginxHostLaunchFiles,
  NginxLoopback,
  nginxLoopbackOf,
  NginxTarget,
  reachesPublishedPorts,
  startsOnNginxLoopback,
} from './links';
import { resolvesServicesOf, shareNetwork } from './compose';
import { knownValue, Launch, optionValues } from '../readers/launch/launch';
import { readJavaCommandLine } from '../readers/launch/java-command-line';

/** Where an unmodelled server may listen: a port (on whatever host), a socket file, or anything. */
export type UnmodelledAddress =
  | { kind: 'port'; port: number }
  | { kind: 'socket'; path: string }
  /** The port or socket is in code, a config file or the environment the tree does not read. */
  | { kind: 'unknown'; reason: string };

export interface UnmodelledServer {
  /** `daphne`, `node`, `php-fpm8.2`. */
  program: string;
  launch: Launch;
  addresses: { address: UnmodelledAddress; span: Span }[];
}

type AddressReader = (launch: Launch) => UnmodelledAddress[];

const unknown = (reason: string): UnmodelledAddress[] => [{ kind: 'unknown', reason }];

/** A port number in `text` (a whole number 1-65535), else undefined. */
function portOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** Values of an option, or undefined when one of them is not known from the tree. */
function values(launch: Launch, long: string[], short: string[] = []): string[] | undefined {
  const found = optionValues(launch, long, short).map((entry) => knownValue(entry.value));
  return found.some((value) => value === undefined) ? undefined : (found as string[]);
}

function hasOption(launch: Launch, names: string[]): boolean {
  return launch.argv.slice(1).some((arg) => names.some((name) => arg.value === name || arg.value.startsWith(`${name}=`)));
}

/** `HOST:PORT`, `[::1]:PORT`, `unix:PATH` (hypercorn), `tcp://HOST:PORT` / `unix://PATH` (puma-style). */
function bindAddress(text: string, defaultPort: number): UnmodelledAddress {
  if (/^unix:/.test(text)) return { kind: 'socket', path: text.replace(/^unix:(\/\/)?/, '') };
  if (/^fd:\/\//.test(text)) return { kind: 'unknown', reason: `an inherited socket (${text})` };
  const rest = text.replace(/^(tcp|http|ssl):\/\//, '');
  const match = /^(?:\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(rest);
  if (!match) return { kind: 'unknown', reason: `"${text}" is not a plain address` };
  const port = match[1] === undefined ? defaultPort : portOf(match[1]);
  return port === undefined ? { kind: 'unknown', reason: `"${text}" has no usable port` } : { kind: 'port', port };
}

/** Reads `--port`-style and socket options, with the server's default port when none is given. */
function portAndSocket(options: {
  port: string[];
  portShort?: string[];
  socket?: string[];
  socketShort?: string[];
  opaque?: string[];
  env?: RegExp;
  defaultPort: number;
}): AddressReader {
  return (launch) => {
    if (options.opaque && hasOption(launch, options.opaque)) return unknown('an option the tree does not resolve to an address');
    if (options.env && [...launch.env.keys()].some((name) => options.env!.test(name))) return unknown('its environment sets where it listens');
    const ports = values(launch, options.port, options.portShort);
    const sockets = options.socket ? values(launch, options.socket, options.socketShort) : [];
    if (ports === undefined || sockets === undefined) return unknown('its port or socket depends on a variable');
    const out: UnmodelledAddress[] = sockets.map((path) => ({ kind: 'socket', path }));
    const port = ports.length > 0 ? portOf(ports[ports.length - 1]) : sockets.length > 0 ? undefined : options.defaultPort;
    if (ports.length > 0 && port === undefined) return unknown(`port "${ports[ports.length - 1]}"`);
    if (port !== undefined) out.push({ kind: 'port', port });
    return out;
  };
}

/**
 * Each recognised program and where it listens by default (the projects' docs): daphne
 * 127.0.0.1:8000 (`-b`, `-p`, `-u`; daphne/cli.py DEFAULT_PORT), hypercorn 127.0.0.1:8000
 * (`-b`, repeatable; docs "Binds"), granian 127.0.0.1:8000 (`--port`, `--uds`, GRANIAN_*),
 * waitress-serve 0.0.0.0:8080 (`--port`, `--listen`, `--unix-socket`; docs "Arguments"),
 * `flask run` 127.0.0.1:5000, `manage.py runserver` 127.0.0.1:8000, `php -S host:port`. The
 * others keep their address in code or config files the tree does not read.
 */
const READERS: { matches: (launch: Launch) => boolean; read: AddressReader }[] = [
  {
    matches: (launch) => launch.program === 'daphne',
    read: portAndSocket({
      port: ['--port'],
      portShort: ['-p'],
      socket: ['--unix-socket'],
      socketShort: ['-u'],
      opaque: ['--fd', '--endpoint', '-e'],
      defaultPort: 8000,
    }),
  },
  {
    matches: (launch) => launch.program === 'hypercorn',
    read: (launch) => {
      if (hasOption(launch, ['--config', '-c'])) return unknown('a config file may set bind');
      const binds = values(launch, ['--bind', '--insecure-bind'], ['-b']);
      if (binds === undefined) return unknown('its bind depends on a variable');
      return binds.length === 0 ? [{ kind: 'port', port: 8000 }] : binds.map((bind) => bindAddress(bind, 8000));
    },
  },
  {
    matches: (launch) => launch.program === 'granian',
    read: portAndSocket({ port: ['--port'], socket: ['--uds'], env: /^GRANIAN_/, defaultPort: 8000 }),
  },
  {
    matches: (launch) => launch.program === 'waitress-serve',
    read: (launch) => {
      const listens = values(launch, ['--listen']);
      if (listens === undefined) return unknown('its listen address depends on a variable');
      if (listens.length > 0) return listens.map((listen) => bindAddress(listen.replace(/^\*/, ''), 8080));
      return portAndSocket({ port: ['--port'], socket: ['--unix-socket'], defaultPort: 8080 })(launch);
    },
  },
  {
    matches: (launch) => launch.program === 'flask' && launch.argv.some((arg) => arg.value === 'run'),
    read: portAndSocket({ port: ['--port'], portShort: ['-p'], env: /^FLASK_RUN_PORT$/, defaultPort: 5000 }),
  },
  {
    // `python manage.py runserver [addr]`, or `./manage.py runserver [addr]` (djangogirls).
    matches: (launch) =>
      (/^(python|pypy)/.test(launch.program) && /(^|\/)manage\.py$/.test(launch.argv[1]?.value ?? '') && launch.argv[2]?.value === 'runserver') ||
      (launch.program === 'manage.py' && launch.argv[1]?.value === 'runserver'),
    read: (launch) => {
      const after = launch.program === 'manage.py' ? 2 : 3;
      const address = launch.argv.slice(after).find((arg) => !arg.value.startsWith('-'));
      if (!address) return [{ kind: 'port', port: 8000 }];
      const text = knownValue(address);
      return text === undefined ? unknown('its address depends on a variable') : [bindAddress(/^\d+$/.test(text) ? `:${text}` : text, 8000)];
    },
  },
  {
    matches: (launch) => launch.program === 'php' && launch.argv.some((arg) => arg.value === '-S'),
    read: (launch) => {
      const text = knownValue(optionValues(launch, [], ['-S'])[0]?.value);
      return text === undefined ? unknown('its address depends on a variable') : [bindAddress(text, 80)];
    },
  },
  {
    // A JVM application cfglint does not model (unmodelledServers leaves out Spring Boot and
    // Tomcat it does): the jar's code or its own config says where it listens.
    matches: (launch) => launch.program === 'java' && jvmMainOf(launch) !== undefined,
    read: () => unknown('a JVM application keeps its address in its code or in a config file the jar holds'),
  },
  {
    // `make daphne` whose Makefile the tree does not hold, or not plainly (readers/launch/makefile.ts).
    matches: (launch) =>
      /^(node|nodejs|bun|deno|npm|yarn|pnpm|make|dotnet|puma|pumactl|unicorn|rails|passenger|httpd|apache2|apache2ctl)$|^php-fpm/.test(launch.program) &&
      !runsPackageTask(launch),
    read: () => unknown('it keeps its address in code or in a config file cfglint does not read'),
  },
];

/**
 * `npm run build:watch`, `yarn test`, `make test`: a package manager or make running a task that
 * builds, tests or installs listens on nothing (nautobot's ui_build service). Its other scripts
 * and targets (`npm start`, `make daphne`) may be servers.
 */
function runsPackageTask(launch: Launch): boolean {
  if (!/^(npm|yarn|pnpm|make)$/.test(launch.program)) return false;
  const words = launch.argv.slice(1).filter((arg) => !arg.value.startsWith('-') && arg.value !== 'run' && arg.value !== 'run-script');
  // `npm --prefix ui run build`: the word after an option's value is the script; any task word will do.
  return words.some((arg) => /^(build|watch|test|lint|compile|install|ci|i|add|audit|format|typecheck)(:|$)|:(build|watch|test|lint)/.test(arg.value));
}

/**
 * What a `java` launch runs: the jar of `-jar`, the module of `-m`/`--module`, else the first word
 * after the options (a main class, or a source file); undefined when it runs nothing (`java
 * -version`, `java -XshowSettings`). The launcher takes its own options up to that word
 * (readers/launch/java-command-line.ts).
 */
function jvmMainOf(launch: Launch): string | undefined {
  return readJavaCommandLine(launch.argv).main?.value;
}

/** Tomcat's launcher class: what catalina.sh runs (bin/catalina.sh `org.apache.catalina.startup.Bootstrap`). */
const TOMCAT_MAIN = 'org.apache.catalina.startup.Bootstrap';

/**
 * Whether a launch starts a server cfglint models: one a backend says it is launched by, Tomcat
 * when the tree configures one, or a JVM application where the tree holds a Spring Boot
 * application that no launch is tied to (that launch may be it, and the application's own port
 * stands for it, as before).
 */
function startsModelledServer(model: Deployment, launch: Launch): boolean {
  if (model.backends.some((backend) => backend.launchedBy?.includes(launch))) return true;
  if (launch.program !== 'java') return false;
  if (jvmMainOf(launch) === TOMCAT_MAIN) return model.backends.some((backend) => backend.kind === 'tomcat');
  return model.backends.some((backend) => backend.kind === 'spring-boot' && (backend.launchedBy ?? []).length === 0);
}

const cache = new WeakMap<Deployment, UnmodelledServer[]>();

/** Every launch of a recognised server that cfglint does not model, with where it may listen. */
export function unmodelledServers(model: Deployment): UnmodelledServer[] {
  let servers = cache.get(model);
  if (!servers) {
    servers = [];
    for (const launch of model.launches) {
      const reader = READERS.find((candidate) => candidate.matches(launch));
      if (!reader || startsModelledServer(model, launch)) continue;
      const addresses = reader.read(launch).map((address) => ({ address, span: launch.span }));
      servers.push({ program: launch.program, launch, addresses });
    }
    cache.set(model, servers);
  }
  return servers;
}

/** Whether one of them may be what nginx reaches at this loopback port or socket file. */
export function mayServe(servers: UnmodelledServer[], target: { kind: 'tcp'; port: number } | { kind: 'unix'; path: string }): UnmodelledServer | undefined {
  return servers.find((server) =>
    server.addresses.some(({ address }) => {
      if (address.kind === 'unknown') return true;
      if (target.kind === 'tcp') return address.kind === 'port' && address.port === target.port;
      if (address.kind !== 'socket') return false;
      // A relative path is bound in a working directory the tree may not say: any directory may hold it.
      if (!address.path.startsWith('/')) return canonicalSocketPath(target.path).endsWith(`/${canonicalSocketPath(address.path).replace(/^\.\//, '')}`);
      return canonicalSocketPath(address.path) === canonicalSocketPath(target.path);
    }),
  );
}

/** `port 8000`, `unix:/run/app.sock`, `unknown (…)`. */
export function describeUnmodelledAddress(address: UnmodelledAddress): string {
  if (address.kind === 'port') return `port ${address.port}`;
  if (address.kind === 'socket') return `unix:${address.path}`;
  return `unknown (${address.reason})`;
}

/**
 * Which unmodelled servers nginx may reach at a target, by the rules the links follow (links.ts):
 * a port on loopback from the same network namespace only (a compose service from nginx in its
 * own container or one that shares it, else through a port it publishes; a host process as
 * before); a compose service name or alias of a project the nginx config is on (granian in
 * service `web` behind `proxy_pass http://web:8011`); a socket file by its path, from where the
 * path is the same file. A container's file system is its own: a compose service's socket is
 * another service's only through a volume, and the tree places named volumes nowhere, so any
 * service of the nginx config's own project may share it (docker/compose `volumes:`), another
 * project's not (Kiwi TCMS's `tests/bugzilla` httpd is not behind its uwsgi_pass socket). An
 * image's process is apart from nginx when nginx runs in another container (imageApartFromNginx).
 * A host nginx reaches a port a compose service publishes, unless the launch that starts nginx
 * (a Procfile's start script, a systemd unit) starts what serves the port itself. nginx in a
 * Kubernetes pod, or only in compose containers, reaches on loopback what starts there
 * (nginxLoopbackOf, startsOnNginxLoopback).
 * Where the nginx config runs is worked out once per target, on first need.
 */
export function unmodelledReachableFrom(model: Deployment, target: NginxTarget): (server: UnmodelledServer) => boolean {
  const address = target.address;
  let place: ReturnType<typeof nginxComposePlace> | undefined;
  const nginxPlace = () => (place ??= nginxComposePlace(model, target));
  const nginxFiles = [target.span.file, ...target.passes.map((pass) => pass.entry.directive.file)];
  let hostFiles: string[] | undefined;
  let loopbackOfNginx: { loopback: NginxLoopback | undefined } | undefined;
  const nginxLoopback = () => (loopbackOfNginx ??= { loopback: nginxLoopbackOf(model, target, nginxPlace()) }).loopback;
  // The launch that starts a host nginx starts a server on the port too (modelled, or one of these with that port).
  const hostLaunchServes = (port: number) => {
    hostFiles ??= nginxHostLaunchFiles(model, target);
    if (hostFiles.length === 0) return false;
    const files = hostFiles;
    return (
      hostLaunchListensOn(model, files, port) ||
      unmodelledServers(model).some(
        (other) =>
          other.launch.container === undefined &&
          files.includes(other.launch.file) &&
          other.addresses.some(({ address }) => address.kind === 'port' && address.port === port),
      )
    );
  };
  return (server) => {
    const { launch } = server;
    const compose = launch.compose;
    if (compose === undefined && imageApartFromNginx(model, launch, nginxFiles)) return false;
    if (address.kind === 'unix') {
      if (mayServe([server], address) === undefined) return false;
      return !compose || launch.service === undefined || nginxPlace().projects.has(compose.project);
    }
    if (address.kind !== 'tcp') return false;
    const servesPort = (port: number) => mayServe([server], { kind: 'tcp', port }) !== undefined;
    // nginx in a pod or in compose containers: on loopback, what starts there only.
    const loopback = isLoopback(address.host) ? nginxLoopback() : undefined;
    if (loopback && loopback.kind !== 'host') return startsOnNginxLoopback(loopback, launch) && servesPort(address.port);
    // `network_mode: host`: the service listens on the host's loopback, as a host process does.
    if (!compose || launch.service === undefined || launch.container?.hostNetwork) return isLoopback(address.host) && servesPort(address.port);
    const { running } = nginxPlace();
    if (isLoopback(address.host)) {
      const container = { service: launch.service, sharesNetworkWith: compose.sharesNetworkWith };
      if (running.some((nginx) => nginx.project === compose.project && shareNetwork(nginx, container))) return servesPort(address.port);
      // nginx outside the container: only through a port the service publishes, unless the launch
      // that starts nginx on the host starts what serves that port (a PaaS start script).
      return (
        reachesPublishedPorts(loopback, running, compose.project) &&
        compose.published.some((port) => port.hostPort === address.port && servesPort(port.containerPort)) &&
        !hostLaunchServes(address.port)
      );
    }
    if (!resolvesServicesOf(nginxPlace(), compose)) return false;
    const host = address.host.toLowerCase();
    return [launch.service, ...compose.aliases].some((name) => name.toLowerCase() === host) && servesPort(address.port);
  };
}
