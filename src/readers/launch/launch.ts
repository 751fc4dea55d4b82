/**
 * How processes are started: a command line with its environment, from a systemd unit, a
 * Dockerfile, a compose service, a Procfile, a shell script or a Kubernetes container. The
 * Gunicorn and uWSGI readers take their command-line options from here.
 */
import * as nodePath from 'path';
import type { Span } from '../../source/span';
import type { ComposeDependency, ComposeExtraHost, ComposeLink } from '../docker/compose';
import type { ImageReference } from '../docker';
import type { ImageName } from '../docker/build-context';
import type { ListenAddress } from '../backend';

export interface LaunchArg {
  /**
   * After the shell or unit-file quoting is removed and the variables the tree defines are
   * substituted. When `unresolved` is set, this is the text as written (for messages only).
   */
  value: string;
  /** The word as written, quotes included. */
  span: Span;
  /**
   * What the value depends on that the tree does not say: variables (`$PORT`, `${WORKERS}`,
   * `$(POD_IP)`), systemd specifiers (`%i`), command substitutions. Absent when the value is
   * known. Use knownValue() to read an argument safely.
   */
  unresolved?: string[];
  /**
   * With `unresolved`: the value when the variables the tree does not determine are unset, when
   * each has a default (`0.0.0.0:${PORT:-8000}` → `0.0.0.0:8000`, variables `PORT`). What may
   * set them is outside the tree, so this is what the process gets only when nothing does.
   */
  ifUnset?: { value: string; variables: string[] };
}

export interface LaunchEnvValue {
  /** The value as the process gets it; the text as written when `unresolved` is set. */
  value: string;
  span: Span;
  /** As in LaunchArg: set when the value is not determined by the tree. */
  unresolved?: string[];
}

export type LaunchKind = 'systemd' | 'dockerfile' | 'compose' | 'procfile' | 'shell' | 'kubernetes' | 'supervisord';

export interface Launch {
  kind: LaunchKind;
  /**
   * Display path of the file that defines the process: the unit (or the drop-in with the
   * ExecStart= that wins), the Dockerfile, the compose file (even when the command comes from the
   * Dockerfile it builds; `span` says where), the Procfile, script or manifest.
   */
  file: string;
  /** Basename of the program that runs: `gunicorn`, `uwsgi`, `java`, … (after `exec`, `python -m`, env wrappers). */
  program: string;
  /**
   * The program's command line, program first: argv[0] is the word that names the program
   * (`/usr/local/bin/gunicorn`, or `gunicorn` in `python -m gunicorn`) and argv.slice(1) are its
   * arguments. Words that only wrap it are in `wrappers`. Redirections (`>> log 2>&1`) are dropped.
   */
  argv: LaunchArg[];
  /** Environment the process gets from the same file (ENV, environment:, Environment=). */
  env: Map<string, LaunchEnvValue>;
  /**
   * The unit (`gunicorn.service`), compose service, Procfile process type, or Kubernetes workload
   * (`metadata.name`) name, when the file says.
   */
  service?: string;
  /** The command as written. */
  span: Span;
  /**
   * The signal the supervisor sends to stop the process: systemd `KillSignal=` (default SIGTERM),
   * Dockerfile `STOPSIGNAL` / compose `stop_signal` (default SIGTERM), Kubernetes (always SIGTERM).
   * `span` is undefined when it is the supervisor's default.
   */
  stopSignal: { value: string; span?: Span };
  /**
   * Whether `stopSignal` reaches the program. true: the program is the process the supervisor
   * signals (Docker's and Kubernetes' PID 1, supervisord's program), started directly or handed
   * the process by `exec`, `gosu`, `env`, an entrypoint's `exec "$@"`, a script's `exec`, or
   * behind an init that forwards signals to it (tini, dumb-init); or the supervisor signals every
   * process of the service (systemd's control group, a Heroku dyno). false: a shell runs the
   * program as its child and gets the signal instead (a script without `exec`, `sh -c 'uwsgi …;
   * echo done'`); as a container's PID 1 without a handler the shell ignores it (pid_namespaces(7)).
   * undefined: the tree cannot say (`sh -c 'uwsgi …'`: the image's `sh` decides, see
   * program.ts commandStringHandsOver; a script started on the host by something not in the tree).
   */
  stopSignalReaches: boolean | undefined;
  /** systemd: the `[Install]` `WantedBy=`/`RequiredBy=` targets that `systemctl enable` hooks the unit into (empty: it cannot be enabled to start at boot). */
  systemdInstall?: { wantedBy: string[] };
  /**
   * Words that run before the program and hand over to it, outermost first: `exec`, `env A=b`,
   * `sh -c`, `gosu app`, `tini --`, `python -m`, `pipenv run`. A shell (`sh -c`) stays in front
   * of the program unless its command starts with `exec`, which matters for signals.
   */
  wrappers: LaunchArg[];
  /** systemd `WorkingDirectory=`, Dockerfile `WORKDIR`, compose `working_dir:`, Kubernetes `workingDir`. */
  workingDirectory?: LaunchEnvValue;
  /** systemd `User=`, Dockerfile `USER`, compose `user:`, or a `gosu`/`su-exec`/`chpst -u` wrapper. */
  user?: LaunchEnvValue;
  /** systemd `Group=`. */
  group?: LaunchEnvValue;
  /**
   * Environment from outside the tree: systemd `EnvironmentFile=`/`PassEnvironment=`, compose
   * `env_file:`, Kubernetes `envFrom:`. A variable missing from `env` may be set there, and
   * systemd's `EnvironmentFile=` even overrides `Environment=`.
   */
  externalEnv: Span[];
  /**
   * Set for processes in a container (Dockerfile, compose, Kubernetes). A container has a network
   * namespace of its own, so the host's sysctls do not apply to it, unless `hostNetwork`
   * (compose `network_mode: host`, Kubernetes `hostNetwork: true`).
   */
  container?: {
    hostNetwork: boolean;
    span?: Span;
    name?: string;
    /**
     * The image has an ENTRYPOINT and no CMD and nothing in the tree runs it: its arguments are
     * whatever `docker run IMAGE …` gives, which the tree does not say (an empty list is not known).
     */
    argumentsAtRun?: boolean;
  };
  /** Files of the tree the container sees at other paths (compose bind mounts). */
  mounts?: Mount[];
  /** For a compose service: the project it belongs to and how other processes reach it. */
  compose?: ComposeScope;
  /**
   * For a compose service that builds its image (`build:`): the build context and the Dockerfile,
   * as display paths. What the image can hold of the tree comes from the context.
   */
  build?: { context: string; dockerfile: string };
  /**
   * A listening socket the supervisor opens and hands the process as file descriptor `fd`:
   * supervisord's `[fcgi-program:…]` `socket=`, as fd 0. A server told to serve that descriptor
   * (uvicorn `--fd 0`) listens at `address`; `span` is where it is written.
   */
  inheritedSocket?: { fd: number; address: ListenAddress; span: Span };
  /**
   * For the image of a Dockerfile no compose service builds: the names the tree's builds tag it
   * with (a workflow's build-push-action or `docker build -t`, a Makefile's; readers/docker/build-context.ts).
   * A Kubernetes container that runs one of them without a `command` runs this.
   */
  builtAs?: ImageName[];
}

/** A tree path the process sees at `target` (a file, or a directory and everything under it). */
export interface Mount {
  /** Absolute path in the linted tree. */
  source: string;
  /** The same as a display path (as spans name files). */
  display: string;
  /** Absolute path inside the container. */
  target: string;
  span: Span;
}

/**
 * Compose resolves service names per project: the files of one directory (compose.yaml and its
 * override files). Two directories with a service `web` each are two networks.
 */
export interface ComposeScope {
  /** Display path of the directory holding the project's compose files ('.' at the root). */
  project: string;
  /** Ports the service publishes on the host (`ports: ["8080:8000"]`). */
  published: { hostIp: string; hostPort: number; containerPort: number; span: Span }[];
  /** Other names the project's DNS resolves to the service: `container_name`, network `aliases`. */
  aliases: string[];
  /** `links: ["app:backend"]`: names that resolve to another service of the project in this service's containers only. */
  links: ComposeLink[];
  /** `extra_hosts:`: lines of the container's /etc/hosts, which names resolve to before any DNS. */
  extraHosts: ComposeExtraHost[];
  /** Networks other projects can join (external or given a fixed name), by the name Docker knows ('*': unknown). */
  sharedNetworks: string[];
  /** `network_mode: service:x`: the container shares service x's network namespace (and loopback). */
  sharesNetworkWith?: string;
  /** `network_mode: container:x`: the container shares the namespace of container x, which the tree need not name. */
  sharesContainerNetwork?: string;
}

/**
 * The tree file a container reads at `path`, through the launch's bind mounts (the longest
 * mount target that holds the path wins, as in the kernel's mount table); undefined when no
 * mount covers it.
 */
export function mountedSource(launch: Launch, path: string): string | undefined {
  return placedSourceAt(path, launch.mounts ?? []);
}

/**
 * The name a server goes by in messages, the graph and --print-config: the service that starts
 * it (compose service, systemd unit, Kubernetes container), else the config file it reads (as its
 * reader names it), else the file that launches it.
 */
export function serverName(launch: Launch | undefined, configFile?: string): string {
  return launch?.service ?? configFile ?? launch?.file ?? '';
}

/** An argument's value when the tree determines it, else undefined. */
export function knownValue(arg: LaunchArg | LaunchEnvValue | undefined): string | undefined {
  return arg && !arg.unresolved ? arg.value : undefined;
}

/**
 * The value of a command-line option in argv: `--bind X`, `--bind=X`, `-b X` or `-bX`. Every
 * occurrence in order (most servers keep the last, some collect them all). Stops at `--`.
 */
export function optionValues(launch: Launch, long: string[], short: string[] = []): { option: LaunchArg; value: LaunchArg }[] {
  const found: { option: LaunchArg; value: LaunchArg }[] = [];
  const argv = launch.argv;
  for (let i = 1; i < argv.length; i++) {
    const text = argv[i].value;
    if (text === '--') break;
    const separate = [...long, ...short].includes(text);
    if (separate) {
      if (i + 1 < argv.length) found.push({ option: argv[i], value: argv[i + 1] });
      i++;
      continue;
    }
    const glued = long.find((name) => text.startsWith(`${name}=`)) ?? short.find((name) => !text.startsWith('--') && text.startsWith(name));
    if (glued === undefined) continue;
    const offset = long.includes(glued) ? glued.length + 1 : glued.length;
    found.push({ option: argv[i], value: { ...argv[i], value: text.slice(offset) } });
  }
  return found;
}

/** One service of one compose project (after its override files are merged). */
export interface ComposeContainer extends ComposeScope {
  service: string;
  /** Display path of the compose file that defines it. */
  file: string;
  mounts: Mount[];
  /**
   * Tree files its start-up scripts copy into place (`cp site.conf /etc/nginx/sites-enabled/default`,
   * readers/launch/container-scripts.ts); `span` is the command that copies each.
   */
  scriptCopies?: Mount[];
  /**
   * The tree's scripts its command runs (readers/launch/container-scripts.ts `StartScripts`), as
   * display paths, and its launches (`runners`) that run a script followed there: the servers that
   * script starts are its launches too, so a runner's own launch starts no server of its own.
   */
  startScripts?: { files: string[]; runners: Launch[] };
  hostNetwork: boolean;
  /** The service's key in the compose file. */
  keySpan?: Span;
  /** `image:` as written. */
  image?: string;
  /** `depends_on:`: the services of its project it starts after, and whether Compose restarts it with them (`restart: true`). */
  dependsOn: ComposeDependency[];
  /** `restart:` (`no`, `always`, `unless-stopped`, `on-failure[:N]`), or `deploy.restart_policy`; absent: compose's default, `no`. */
  restart?: { value: string; span: Span };
  /**
   * `profiles:` when it lists any (compose-spec 15-profiles.md): the service runs only when one of
   * them is active. `startedByPlainUp` says whether a plain `docker compose up` starts it all the
   * same (readers/launch/docker.ts `startedByPlainUp`): true, false, or undefined where the tree
   * cannot tell. A service without profiles is always started.
   */
  profiles?: { names: string[]; span: Span; startedByPlainUp?: boolean };
  /**
   * The image its image starts from: the `FROM` its Dockerfile's stages go back to (a literal
   * reference), or its `image:` when it builds none.
   */
  baseImage?: ImageReference;
  /**
   * Set when the container runs that image's own ENTRYPOINT and CMD (neither the compose service
   * nor the stages of its Dockerfile give one): the environment variables the tree gives it.
   */
  imageCommand?: { environment: string[] };
}

/** A tree path (file or directory) put in a container at `target`, by a COPY, a mount or a ConfigMap. */
export interface Placement {
  source: string;
  target: string;
}

/**
 * The tree file a container reads at `path`, through its placements (the longest target that
 * holds the path wins, as in the kernel's mount table); undefined when none covers it.
 */
export function placedSourceAt(path: string, placements: readonly Placement[]): string | undefined {
  let best: Placement | undefined;
  for (const placement of placements) {
    const inside = path === placement.target || path.startsWith(placement.target === '/' ? '/' : `${placement.target}/`);
    if (inside && (!best || placement.target.length > best.target.length)) best = placement;
  }
  if (!best) return undefined;
  const rest = path.slice(best.target.length).replace(/^\/+/, '');
  return rest === '' ? best.source : `${best.source}/${rest}`;
}

/** Each tree file a placement puts in the container, at its container path. */
export function placedTreeFiles(placed: readonly Placement[], treeFiles: readonly string[]): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const { source, target } of placed) {
    const root = target.replace(/(.)\/+$/, '$1');
    for (const file of treeFiles) {
      if (file === source) found.push({ file, target: root });
      else if (file.startsWith(source + nodePath.sep))
        found.push({ file, target: nodePath.posix.join(root, nodePath.relative(source, file).split(nodePath.sep).join('/')) });
    }
  }
  return found;
}
