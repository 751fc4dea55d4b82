/**
 * Servers a container starts through a script of the tree: a compose service's
 * `command: ./bin/run-prod.sh`, or a Dockerfile's `ENTRYPOINT ["/app/bin/docker-entrypoint"]`,
 * whose script runs `exec gunicorn …`. The script is found where the container sees it (its
 * working directory, PATH, bind mounts and COPY), and each server command in it becomes a launch
 * of that container: its compose service (so nginx's `server web:8000;` links to it), its
 * environment (read into the script's variables) and its mounts. The script's own launches, read
 * as if it ran on the host, are then left out: the container is where it runs.
 */
import * as nodePath from 'path';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import type { Lookup } from '../kit/raw';
import { Launch, mountedSource } from './launch';
import { shellLaunches } from './shell-script';
import { both, execsFromScript, PATH_DIRECTORIES, runShell, scriptWord, unwrap } from './program';
import { MappedText } from '../kit/mapped-text';

export interface ContainerScripts {
  launches: Launch[];
  /** Display paths of the scripts a container runs. */
  run: Set<string>;
  /** Containers that run supervisord, directly or from a script: it starts the programs of its config there. */
  supervising: Launch[];
}

/**
 * `readScript`: the script at a tree path (absolute), when the tree holds a shell script there
 * (a `.sh` file, or a file whose first line names a shell).
 */
export function containerScriptLaunches(containers: readonly Launch[], readScript: (treePath: string) => SourceText | undefined): ContainerScripts {
  const launches: Launch[] = [];
  const run = new Set<string>();
  const supervising = new Set<Launch>();
  for (const container of containers) {
    if (container.kind !== 'compose' && container.kind !== 'dockerfile') continue;
    if (container.program === 'supervisord') supervising.add(container);
    const first = container.argv[0];
    if (!first || first.unresolved) continue;
    const cwd = container.workingDirectory && !container.workingDirectory.unresolved ? container.workingDirectory.value : '/';
    const environment = environmentOf(container);
    // A script may hand over to another (`./docker/run-server.sh`): followed a few hops, each once.
    // `reaches`: whether the container's stop signal gets as far as the script's shell.
    const pending: { words: string[]; program: string; cwd: string; reaches: boolean | undefined }[] = [
      { words: container.argv.map((arg) => arg.value), program: container.program, cwd, reaches: container.stopSignalReaches },
    ];
    const seen = new Set<string>();
    for (let looked = 0; looked < MAX_COMMANDS && seen.size < MAX_SCRIPTS && pending.length > 0; looked++) {
      const command = pending.shift()!;
      const source = scriptOf(command, container, readScript);
      if (!source || seen.has(source.file)) continue;
      seen.add(source.file);
      run.add(source.file);
      // Syntax problems are the script's own reading's to report, once.
      for (const launch of shellLaunches(source, [] as ReaderDiagnostic[], environment)) launches.push(inContainer(launch, container, command.reaches));
      for (const step of runShell(MappedText.of(source), environment).steps) {
        const { argv, program, wrappers, handsOver } = unwrap(step.args, environment);
        if (argv.length === 0 || argv[0].unresolved.length > 0) continue;
        if (program === 'supervisord') supervising.add(container);
        const stepCwd = step.cwd && step.cwd.unresolved.length === 0 ? nodePath.posix.resolve(command.cwd, step.cwd.value) : command.cwd;
        pending.push({
          words: argv.map((arg) => arg.value),
          program,
          cwd: stepCwd,
          reaches: both(command.reaches, execsFromScript(wrappers) ? handsOver : false),
        });
      }
    }
  }
  return { launches, run, supervising: [...supervising] };
}

/** How many scripts a container's command is followed through, and how many of their commands are looked at. */
const MAX_SCRIPTS = 8;
const MAX_COMMANDS = 512;

/**
 * A server launch of a script, as the container that runs the script starts it. `reaches`:
 * whether the container's stop signal gets to the script's shell; it gets on to the server only
 * when the script `exec`s it (Docker and Kubernetes signal PID 1 alone).
 */
function inContainer(launch: Launch, container: Launch, reaches: boolean | undefined): Launch {
  return {
    ...launch,
    kind: container.kind,
    file: container.file,
    env: new Map([...container.env, ...launch.env]),
    ...(container.service !== undefined ? { service: container.service } : {}),
    stopSignal: container.stopSignal,
    stopSignalReaches: both(reaches, execsFromScript(launch.wrappers) ? launch.stopSignalReaches : false),
    // Where the script's own `cd` leaves it, else where the container starts it.
    ...((launch.workingDirectory ?? container.workingDirectory) ? { workingDirectory: launch.workingDirectory ?? container.workingDirectory } : {}),
    ...((launch.user ?? container.user) ? { user: launch.user ?? container.user } : {}),
    externalEnv: container.externalEnv,
    ...(container.container ? { container: container.container } : {}),
    ...(container.mounts ? { mounts: container.mounts } : {}),
    ...(container.compose ? { compose: container.compose } : {}),
  };
}

/** The tree script a command runs, if it is one: `./bin/start`, `/entrypoint.sh`, `start`, `sh start.sh`. */
function scriptOf(
  command: { words: string[]; program: string; cwd: string },
  container: Launch,
  readScript: (treePath: string) => SourceText | undefined,
): SourceText | undefined {
  const word = scriptWord(command.words);
  if (word === undefined) return undefined;
  const candidates = word.startsWith('/')
    ? [word]
    : word.includes('/')
      ? [nodePath.posix.join(command.cwd, word)]
      : PATH_DIRECTORIES.map((directory) => `${directory}/${word}`);
  for (const path of candidates) {
    const treePath = mountedSource(container, nodePath.posix.normalize(path));
    const source = treePath === undefined ? undefined : readScript(treePath);
    if (source) return source;
  }
  return undefined;
}

/**
 * The container's variables. A name it lacks is unset in a compose service without an env_file
 * outside the tree (the compose file says all it gets, as for envsubst-templates); an image run
 * alone may get any from `docker run -e`.
 */
function environmentOf(container: Launch): Lookup {
  const missing = container.kind === 'compose' && container.externalEnv.length === 0 ? 'unset' : 'unknown';
  return (name) => {
    const value = container.env.get(name);
    if (!value) return missing;
    return value.unresolved ? 'unknown' : { value: value.value };
  };
}
