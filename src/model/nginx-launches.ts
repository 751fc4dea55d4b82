/**
 * Which nginx processes of the tree run a main config. A process loads the file `-c` names, else
 * the compiled-in default; a container finds it where its mounts or its image's COPY put a tree
 * file, and a host process in a checkout of the tree somewhere, found as gunicorn's `-c` is: the
 * main config sharing the longest tail of path components with the path.
 */
import * as nodePath from 'path';
import { templateName } from '../discovery/template';
import { placedSourceAt, type Launch, type LaunchArg } from '../readers/launch/launch';
import type { Deployment } from './deployment';
import { closestByTail } from '../source/path-tails';

/**
 * The file nginx loads when no `-c` says: NGX_CONF_PATH of the build, /etc/nginx/nginx.conf in
 * Debian's, Red Hat's and the official image's packages, and OpenResty's own prefix.
 */
const DEFAULT_CONFIG = { nginx: '/etc/nginx/nginx.conf', openresty: '/usr/local/openresty/nginx/conf/nginx.conf' };

/** The path a process loads its main config from, as far as the tree says. */
export interface NginxConfigPath {
  /** The trailing path components the tree gives (all of them when `absolute` is set); empty: unknown. */
  tail: string[];
  /** The whole path, when it is known and absolute. */
  absolute?: string;
}

export interface NginxConfigRuns {
  /** The launches that load this config. */
  running: Launch[];
  /** Launches that may load it: their `-c` depends on what the tree does not say, or names one of several configs alike. */
  undecided: Launch[];
}

function isNginxLaunch(launch: Launch): boolean {
  return launch.program === 'nginx' || launch.program === 'openresty';
}

/**
 * The config a command line (program first) starts nginx with, read as nginx.c `ngx_get_options`
 * reads it: flags may share one dash (`-tq`), and `-c`, `-p`, `-e`, `-g` and `-s` take the rest of
 * their word or the next one. undefined for a command that starts no server (`-t`, `-T`,
 * `-s reload`, `-v`, `-V`, `-h`); `{ tail: [] }` when a word the tree does not give may be any
 * option. A relative `-c` is taken from the prefix (`-p`), as `ngx_process_options` does with
 * `ngx_conf_full_name`.
 */
export function nginxConfigPath(program: string, argv: readonly LaunchArg[]): NginxConfigPath | undefined {
  let config: LaunchArg | undefined;
  let prefix: LaunchArg | undefined;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i];
    if (word.unresolved) return { tail: [] };
    if (!word.value.startsWith('-')) return { tail: [] };
    for (let at = 1; at < word.value.length; at++) {
      const flag = word.value[at];
      if ('?hvVtTs'.includes(flag)) return undefined;
      if (flag === 'q') continue;
      if (!'cpeg'.includes(flag)) return { tail: [] };
      const rest = word.value.slice(at + 1);
      const value = rest !== '' ? { ...word, value: rest } : argv[++i];
      if (value === undefined) return undefined;
      if (flag === 'c') config = value;
      if (flag === 'p') prefix = value;
      break;
    }
  }
  const written: Pick<LaunchArg, 'value' | 'unresolved'> = config ?? { value: program === 'openresty' ? DEFAULT_CONFIG.openresty : DEFAULT_CONFIG.nginx };
  const known = (arg: Pick<LaunchArg, 'value' | 'unresolved'>) => !arg.unresolved && !arg.value.includes('$');
  // An unresolved word's value is its text as written: its literal tail is read without the quotes
  // (`"$PWD/deploy/nginx.conf"` ends in `nginx.conf`, not `nginx.conf"`).
  const text = written.unresolved ? written.value.replace(/["'\\]/g, '') : written.value;
  const parts = text.split('/').filter((part) => part !== '' && part !== '.');
  const tail: string[] = [];
  for (let i = parts.length - 1; i >= 0 && !/[$`]/.test(parts[i]); i--) tail.unshift(parts[i]);
  if (!known(written)) return { tail };
  const absolute = nodePath.posix.isAbsolute(written.value)
    ? written.value
    : prefix && known(prefix) && nodePath.posix.isAbsolute(prefix.value)
      ? nodePath.posix.join(prefix.value, written.value)
      : undefined;
  return { tail, ...(absolute !== undefined ? { absolute: nodePath.posix.normalize(absolute) } : {}) };
}

/** Which main configs of the tree a process loads from `path`: one, or several it may load. */
export function mainConfigsAt(
  deployment: Deployment,
  path: NginxConfigPath,
  launch: Pick<Launch, 'file'> & Partial<Pick<Launch, 'mounts'>>,
): { running?: string; undecided: string[] } {
  const mains = deployment.nginx.roots.filter((root) => root.kind === 'main').map((root) => root.file);
  if (path.absolute !== undefined && launch.mounts && launch.mounts.length > 0) {
    // A container sees the tree file its mounts (or its image's COPY) put there, else its image's own.
    const placed = placedSourceAt(
      path.absolute,
      launch.mounts.map((mount) => ({ source: mount.display, target: mount.target })),
    );
    if (placed !== undefined) return mains.includes(placed) ? { running: placed, undecided: [] } : { undecided: [] };
  }
  if (path.tail.length === 0) return { undecided: mains };
  // Several alike (prod/nginx.conf, staging/nginx.conf): the one nearest the file that starts nginx.
  const chosen = closestByTail(mains, path.tail, nodePath.dirname(launch.file), rendersTo);
  return chosen.length === 1 ? { running: chosen[0], undecided: [] } : { undecided: chosen };
}

/** A template stands for the file it renders to (`nginx.conf.template` for `nginx.conf`). */
function rendersTo(part: string, wanted: string): boolean {
  const rendered = templateName(part.toLowerCase())?.rendered;
  return rendered !== undefined && rendered === wanted.toLowerCase();
}

/** The launches of the tree that run the main config `file`, and those that may. */
export function nginxLaunchesRunning(deployment: Deployment, file: string): NginxConfigRuns {
  const runs: NginxConfigRuns = { running: [], undecided: [] };
  for (const launch of deployment.launches) {
    if (!isNginxLaunch(launch)) continue;
    const path = nginxConfigPath(launch.program, launch.argv);
    if (!path) continue;
    const configs = mainConfigsAt(deployment, path, launch);
    if (configs.running === file) runs.running.push(launch);
    else if (configs.undecided.includes(file)) runs.undecided.push(launch);
  }
  return runs;
}
