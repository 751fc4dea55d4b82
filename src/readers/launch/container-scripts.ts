/**
 * Servers a container starts through a script of the tree: a compose service's
 * `command: ./bin/run-prod.sh`, or a Dockerfile's `ENTRYPOINT ["/app/bin/docker-entrypoint"]`,
 * whose script runs `exec gunicorn …`. The script is found where the container sees it (its
 * working directory, PATH, bind mounts and COPY), and each server command in it becomes a launch
 * of that container: its compose service (so nginx's `server web:8000;` links to it), its
 * environment (read into the script's variables) and its mounts. The script's own launches, read
 * as if it ran on the host, are then left out: the container is where it runs.
 *
 * A file of the tree the script copies into place (`cp site.conf /etc/nginx/sites-enabled/default`,
 * relative paths from the container's working directory) is that container's, as a COPY there
 * would be: only a copy that runs whenever the script does, from a file the container holds.
 *
 * A container that starts a service-directory supervisor (runit's `runsvdir`, phusion's
 * `my_init`, s6-overlay's `/init`) runs the `run` script of each service directory the image
 * or a mount places where that supervisor looks, the way supervisord runs its programs
 * (docs/servers/runit-s6.md).
 *
 * Each supervisord a container runs is kept with its command line, where it starts and the tree
 * files the container's scripts copy at start (`cp deploy/web.conf /etc/supervisor/conf.d/`), so
 * that its programs come from the config files it reads (supervisord-reads.ts).
 */
import * as nodePath from 'path';
import { append } from '../../source/append';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { Span } from '../../source/span';
import type { SourceText } from '../../source/text';
import type { Lookup } from '../kit/raw';
import { Launch, mountedSource, Placement, placedTreeFiles } from './launch';
import { shellLaunches } from './shell-script';
import {
  both,
  execsFromScript,
  FileTest,
  programPaths,
  runShell,
  scriptPath,
  scriptWord,
  scriptWordAt,
  ShellStep,
  unwrap,
  withoutRunPrefixes,
} from './program';
import { copyOperands } from '../kit/copy-operands';
import type { ScriptArguments } from './dispatch';
import { MappedText } from '../kit/mapped-text';
import { compileGlobSegment, matchGlobSegment } from '../nginx/glob';
import { ProcfileRun, procfileRun } from './procfile-runner';
import { stepWrites } from './written-files';

export interface ContainerScripts {
  launches: Launch[];
  /** Display paths of the scripts a container runs. */
  run: Set<string>;
  /** Each supervisord a container runs, directly or from a script: it starts the programs of its config there. */
  supervising: SupervisordRun[];
  /** `honcho start` and `foreman start` a container runs, directly or from a script: they start the processes of a Procfile there. */
  procfileRuns: ContainerProcfileRun[];
  /** Tree files the container's scripts copy into place. */
  copies: ScriptCopy[];
  /** The tree's scripts each container command runs, for a reader that asks what they may change in the container. */
  startScripts: StartScripts[];
}

/** The scripts of the tree a container command runs when the container starts. */
export interface StartScripts {
  container: Launch;
  /**
   * Display paths: the scripts followed from the command (their server launches are listed in
   * its place), the scripts they source, and a script that wraps the command and runs it at its
   * end (`ENTRYPOINT ["/entrypoint.sh"]` with `exec "$@"`).
   */
  files: string[];
  /** Whether the command runs a followed script: then its own launch is that script's, not a server's. */
  followed: boolean;
}

/** A tree file (or directory) a container's start-up script copies to `target` in the container. */
export interface ScriptCopy {
  container: Launch;
  /** Absolute path in the tree. */
  source: string;
  target: string;
  /** The command that copies it. */
  span: Span;
}

/** A supervisord a container runs, with what decides which config files it reads. */
export interface SupervisordRun {
  container: Launch;
  /** Its command line, the program's word first; `known[i]`: whether the tree gives word i. */
  words: string[];
  known: boolean[];
  /** The directory it starts in: a relative `-c` and the default search's `supervisord.conf` are found there. */
  cwd: string;
  /**
   * Tree files the container's scripts copy at start (`cp deploy/web.conf /etc/supervisor/conf.d/`),
   * where they land; a copy in a branch may not run, and is kept as one that may.
   */
  copies: Placement[];
}

export interface ContainerProcfileRun {
  container: Launch;
  run: ProcfileRun;
  /** What the runner's variables hold: the container's, and what a script exported before it. */
  environment: Lookup;
  /** Whether the container's stop signal gets as far as the runner. */
  reaches: boolean | undefined;
}

/** The tree as the container reader sees it. */
export interface ScriptTree {
  /** The shell script at a tree path (absolute): a `.sh` file, or a file whose first line names a shell. */
  readScript: (treePath: string) => SourceText | undefined;
  /** Every file of the tree (absolute). */
  files: readonly string[];
  /** A tree file's text (for s6-rc's `type` files). */
  readText: (treePath: string) => string | undefined;
}

/** A command to follow: a script of the tree, or a supervisor that runs some. */
interface Pending {
  words: string[];
  /** Which words the tree gives (a compose `command: ${ROLE}` does not): the script's arguments among them pick its branches. */
  known: boolean[];
  /** The image's arguments come from `docker run` (an ENTRYPOINT without CMD): none of them is known. */
  argumentsAtRun?: boolean;
  program: string;
  cwd: string;
  /** Whether the tree gives `cwd` (else it is `/`, Docker's default, which the base image may change). */
  cwdKnown: boolean;
  /** What the command's variables hold. */
  environment: Lookup;
  /** Whether the process gets the container's variables (an s6 service without with-contenv does not). */
  inheritsContainerEnv: boolean;
  /** Set for an s6 service's run script: its environment depends on its first line. */
  s6Service?: boolean;
  /** Set under a service supervisor, which starts each run script in its service directory (`cwd`), not in the container's. */
  startsInCwd?: boolean;
  /** Whether the container's stop signal gets as far as this command (undefined: the tree cannot say). */
  reaches: boolean | undefined;
}

export function containerScriptLaunches(containers: readonly Launch[], tree: ScriptTree): ContainerScripts {
  const launches: Launch[] = [];
  const run = new Set<string>();
  const supervising: SupervisordRun[] = [];
  const procfileRuns: ContainerProcfileRun[] = [];
  const copies: ScriptCopy[] = [];
  const startScripts: StartScripts[] = [];
  const files = new Set(tree.files);
  for (const container of containers) {
    if (container.kind !== 'compose' && container.kind !== 'dockerfile') continue;
    // Where the container's command starts: its working directory when the tree gives an absolute one, else the root.
    const cwdKnown = container.workingDirectory !== undefined && !container.workingDirectory.unresolved && container.workingDirectory.value.startsWith('/');
    const cwd = cwdKnown ? container.workingDirectory!.value : '/';
    const runs: SupervisordRun[] = [];
    const supervisordCopies: Placement[] = [];
    if (container.program === 'supervisord')
      runs.push({
        container,
        words: container.argv.map((arg) => arg.value),
        known: container.argv.map((arg) => !arg.unresolved),
        cwd,
        copies: supervisordCopies,
      });
    const first = container.argv[0];
    if (!first || first.unresolved) {
      append(supervising, runs);
      continue;
    }
    const containerEnvironment = environmentOf(container);
    /** Whether the container holds a file of the tree at a path. */
    const placed = (path: string) => {
      const file = mountedSource(container, path);
      return file !== undefined && files.has(file);
    };
    // A script may hand over to another (`./docker/run-server.sh`): followed a few hops, each once.
    // `reaches`: whether the container's stop signal gets as far as the script's shell.
    const pending: Pending[] = [
      {
        words: container.argv.map((arg) => arg.value),
        known: container.argv.map((arg) => !arg.unresolved),
        ...(container.container?.argumentsAtRun ? { argumentsAtRun: true } : {}),
        program: container.program,
        cwd,
        cwdKnown,
        environment: containerEnvironment,
        inheritsContainerEnv: true,
        reaches: container.stopSignalReaches,
      },
    ];
    const seen = new Set<string>();
    const sourced = new Set<string>();
    // A script that wraps the command (an `exec "$@"` entrypoint the launch reader peeled off) runs first.
    const wrapping = new Set<string>();
    for (const wrapper of container.wrappers) {
      const script = wrapper.unresolved ? undefined : scriptAt(wrapper.value, cwd, container, tree.readScript);
      if (!script || wrapping.has(script.file)) continue;
      wrapping.add(script.file);
      const steps = runShell(MappedText.of(script), containerEnvironment, undefined, containerFileTest(container, files, tree, cwd)).steps;
      for (const step of steps) {
        const each = sourcedScript(step, cwd, container, tree);
        if (each) sourced.add(each.source.file);
      }
    }
    const scanned = new Set<string>();
    /** Where the container's scripts copy tree files, by target; a target given two sources is dropped. */
    const copiedTo = new Map<string, ScriptCopy | undefined>();
    for (let looked = 0; looked < MAX_COMMANDS && seen.size < MAX_SCRIPTS && pending.length > 0; looked++) {
      const command = pending.shift()!;
      const runsProcfile = procfileRun(command.words, command.known, command.program, command.cwd, command.environment, placed);
      if (runsProcfile) {
        procfileRuns.push({ container, run: runsProcfile, environment: command.environment, reaches: command.reaches });
        continue;
      }
      const source = scriptOf(command, container, tree.readScript);
      if (!source) {
        for (const service of serviceRuns(command, container, tree, containerEnvironment)) {
          if (scanned.has(service.words[0])) continue;
          scanned.add(service.words[0]);
          pending.push(service);
        }
        continue;
      }
      if (seen.has(source.file)) continue;
      seen.add(source.file);
      run.add(source.file);
      const { environment, inheritsContainerEnv } = command.s6Service ? s6ServiceEnvironment(source, containerEnvironment) : command;
      // Syntax problems are the script's own reading's to report, once.
      // The directory is the script's own to name (its first line), as no file of the tree says it.
      const startedIn = command.startsInCwd ? { value: command.cwd, span: source.span(0, 0) } : undefined;
      const args = scriptArguments(command);
      for (const launch of shellLaunches(source, [] as ReaderDiagnostic[], environment, args))
        launches.push(inContainer(launch, container, command.reaches, inheritsContainerEnv, startedIn));
      const holds = containerFileTest(container, files, tree, command.cwd);
      const { steps } = runShell(MappedText.of(source), environment, args, holds);
      // A branch the container's arguments may not take copies nothing and hands over to nothing for certain.
      const decided = steps.filter((step) => !step.undecided);
      // A script it sources whenever it runs (`. deploy/prestart.sh`) makes its certain copies too.
      const copying = [{ source, steps: decided, cwd: command.cwd }];
      for (const step of decided) {
        const script = step.depth === 0 ? sourcedScript(step, command.cwd, container, tree) : undefined;
        if (script) copying.push({ ...script, steps: runShell(MappedText.of(script.source), environment, undefined, holds).steps });
      }
      // Any script it may source, in a branch or a function too, is part of what it may do.
      for (const step of steps) {
        const script = sourcedScript(step, command.cwd, container, tree);
        if (script) sourced.add(script.source.file);
      }
      for (const { source: script, steps: scriptSteps, cwd: scriptCwd } of copying)
        for (const write of stepWrites(script, { steps: scriptSteps, groups: [] }, command.cwdKnown ? scriptCwd : undefined)) {
          // Only a copy made whenever the script runs (not in an `if`, a loop or a function no call surely runs), of a file the container holds.
          if (!write.certain || write.sourcePath === undefined || write.kind === 'gap') continue;
          const copied = mountedSource(container, write.sourcePath);
          if (copied === undefined || treeEntry(copied, files, tree) === undefined) continue;
          const earlier = copiedTo.get(write.path);
          copiedTo.set(
            write.path,
            copiedTo.has(write.path) && earlier?.source !== copied ? undefined : { container, source: copied, target: write.path, span: write.span },
          );
        }
      for (const step of steps) {
        // The copies a supervisord may read are kept even in a branch that may run (supervisord-reads.ts).
        append(supervisordCopies, stepCopies(step, command.cwd, container, tree));
        // A script it sources (`. deploy/prestart.sh`) runs in the same shell: its copies are made too.
        append(supervisordCopies, sourcedCopies(step, command.cwd, container, tree, environment, holds));
        if (step.undecided) continue;
        const { argv, program, wrappers, handsOver } = unwrap(step.args, environment);
        if (argv.length === 0 || argv[0].unresolved.length > 0) continue;
        const stepCwd = step.cwd && step.cwd.unresolved.length === 0 ? nodePath.posix.resolve(command.cwd, step.cwd.value) : command.cwd;
        const stepCwdKnown = step.cwd ? step.cwd.unresolved.length === 0 && (step.cwd.value.startsWith('/') || command.cwdKnown) : command.cwdKnown;
        if (program === 'supervisord')
          runs.push({
            container,
            words: argv.map((arg) => arg.value),
            known: argv.map((arg) => arg.unresolved.length === 0),
            cwd: stepCwd,
            copies: supervisordCopies,
          });
        pending.push({
          words: argv.map((arg) => arg.value),
          known: argv.map((arg) => arg.unresolved.length === 0),
          program,
          cwd: stepCwd,
          cwdKnown: stepCwdKnown,
          reaches: both(command.reaches, execsFromScript(wrappers) ? handsOver : false),
          environment,
          inheritsContainerEnv,
          ...(command.startsInCwd ? { startsInCwd: true } : {}),
        });
      }
    }
    for (const copy of copiedTo.values()) if (copy) copies.push(copy);
    append(supervising, runs);
    const started = new Set([...wrapping, ...seen, ...sourced]);
    if (started.size > 0) startScripts.push({ container, files: [...started], followed: seen.size > 0 });
  }
  return { launches, run, supervising, procfileRuns, copies, startScripts };
}

/**
 * The tree files a script's `cp`, `mv`, `install` or `ln` puts somewhere in the container, from
 * where the container holds them. A target without a trailing slash is the new file, or a
 * directory it lands in: both are kept. A source with a glob in its last part copies the
 * container's files there that match it.
 */
function stepCopies(step: ShellStep, cwd: string, container: Launch, tree: ScriptTree): Placement[] {
  const args = withoutRunPrefixes(step.args);
  if (args.length === 0 || args[0].unresolved.length > 0) return [];
  const program = nodePath.posix.basename(args[0].value);
  if (program !== 'cp' && program !== 'mv' && program !== 'install' && program !== 'ln') return [];
  const copy = copyOperands(program, args.slice(1));
  const written = copy && scriptPath(copy.target, step.cwd, cwd);
  if (!copy || written === undefined) return [];
  const target = written.replace(/(.)\/+$/, '$1');
  const intoDirectory = copy.intoDirectory ?? (copy.target.value.endsWith('/') || copy.sources.length > 1 ? true : undefined);
  const placements: Placement[] = [];
  for (const from of copy.sources) {
    // `ln -s rel link` points relative to the link's directory: not followed.
    if (program === 'ln' && copy.symbolic && !from.value.startsWith('/')) continue;
    const path = scriptPath(from, step.cwd, cwd);
    if (path === undefined) continue;
    // `cp -r conf/. /etc/supervisor/conf.d/` copies what the directory holds, not the directory.
    const contents = /\/\.\/?$/.test(from.value);
    for (const source of containerFiles(path, container, tree)) {
      const landings = [
        ...(intoDirectory !== false && !contents ? [nodePath.posix.join(target, nodePath.posix.basename(source.path))] : []),
        ...(intoDirectory !== true || contents ? [target] : []),
      ];
      for (const landing of landings) placements.push({ source: source.file, target: landing });
    }
  }
  return placements;
}

/** The tree files (or directories) the container holds at a path, or that a glob in its last part matches there. */
function containerFiles(path: string, container: Launch, tree: ScriptTree): { path: string; file: string }[] {
  const name = nodePath.posix.basename(path);
  const directory = nodePath.posix.dirname(path);
  if (/[*?[]/.test(directory)) return [];
  if (!/[*?[]/.test(name)) {
    const file = mountedSource(container, path);
    return file === undefined ? [] : [{ path, file }];
  }
  const segment = compileGlobSegment(name);
  return placedTreeFiles(container.mounts ?? [], tree.files)
    .filter(
      ({ file, target }) =>
        nodePath.posix.dirname(target) === directory && matchGlobSegment(segment, nodePath.posix.basename(target)) && mountedSource(container, target) === file,
    )
    .map(({ file, target }) => ({ path: target, file }));
}

/** The script a step sources (`. ./prestart.sh`, `source prestart.sh`) as the container holds it, and the directory it runs in. */
function sourcedScript(step: ShellStep, cwd: string, container: Launch, tree: ScriptTree): { source: SourceText; cwd: string } | undefined {
  const args = withoutRunPrefixes(step.args);
  if (args.length < 2 || (args[0].value !== '.' && args[0].value !== 'source')) return undefined;
  const path = scriptPath(args[1], step.cwd, cwd);
  const file = path === undefined ? undefined : mountedSource(container, path);
  const source = file === undefined ? undefined : tree.readScript(file);
  if (!source) return undefined;
  return { source, cwd: step.cwd && step.cwd.unresolved.length === 0 ? nodePath.posix.resolve(cwd, step.cwd.value) : cwd };
}

/** The copies of a script a step sources, read with the same variables. */
function sourcedCopies(step: ShellStep, cwd: string, container: Launch, tree: ScriptTree, environment: Lookup, holds: FileTest): Placement[] {
  const sourced = sourcedScript(step, cwd, container, tree);
  if (!sourced) return [];
  return runShell(MappedText.of(sourced.source), environment, undefined, holds).steps.flatMap((each) => stepCopies(each, sourced.cwd, container, tree));
}

/**
 * `test -f PATH` in a script the container runs from `cwd`: true where the container holds a
 * file of the tree there (or, for `-d`, files under it). A file the tree does not hold may still
 * be made at run time, so a false answer only means "not known".
 */
function containerFileTest(container: Launch, files: ReadonlySet<string>, tree: ScriptTree, cwd: string): FileTest {
  return (operator, word, stepCwd) => {
    const path = scriptPath(word, stepCwd, cwd);
    const file = path === undefined ? undefined : mountedSource(container, path);
    const entry = file === undefined ? undefined : treeEntry(file, files, tree);
    return operator === '-e' ? entry !== undefined : entry === (operator === '-d' ? 'directory' : 'file');
  };
}

/** What the tree holds at a path: a file, a directory (files under it), or nothing. */
function treeEntry(path: string, files: ReadonlySet<string>, tree: ScriptTree): 'file' | 'directory' | undefined {
  if (files.has(path)) return 'file';
  return tree.files.some((file) => file.startsWith(`${path}/`)) ? 'directory' : undefined;
}

/**
 * How many scripts a container's command is followed through (a service directory holds one per
 * service: docker-graphite-statsd's has twelve), and how many of their commands are looked at.
 */
const MAX_SCRIPTS = 32;
const MAX_COMMANDS = 512;

/**
 * A server launch of a script, as the container that runs the script starts it. `reaches`:
 * whether the container's stop signal gets to the script's shell; it gets on to the server only
 * when the script `exec`s it (Docker and Kubernetes signal PID 1 alone).
 */
function inContainer(
  launch: Launch,
  container: Launch,
  reaches: boolean | undefined,
  inheritsContainerEnv: boolean,
  startedIn?: Launch['workingDirectory'],
): Launch {
  const workingDirectory = launch.workingDirectory ?? startedIn ?? container.workingDirectory;
  return {
    ...launch,
    kind: container.kind,
    file: container.file,
    env: inheritsContainerEnv ? new Map([...container.env, ...launch.env]) : launch.env,
    ...(container.service !== undefined ? { service: container.service } : {}),
    stopSignal: container.stopSignal,
    stopSignalReaches: both(reaches, execsFromScript(launch.wrappers) ? launch.stopSignalReaches : false),
    // Where the script's own `cd` leaves it, else where its supervisor or the container starts it.
    ...(workingDirectory ? { workingDirectory } : {}),
    ...((launch.user ?? container.user) ? { user: launch.user ?? container.user } : {}),
    externalEnv: container.externalEnv,
    ...(container.container ? { container: container.container } : {}),
    ...(container.mounts ? { mounts: container.mounts } : {}),
    ...(container.compose ? { compose: container.compose } : {}),
    ...(container.build ? { build: container.build } : {}),
    ...(container.builtAs ? { builtAs: container.builtAs } : {}),
  };
}

/** The arguments a command gives the script it runs: the words after the script's (`sh /entrypoint.sh server` too). */
function scriptArguments(command: Pending): ScriptArguments {
  if (command.argumentsAtRun) return undefined;
  const from = (scriptWordAt(command.words)?.index ?? 0) + 1;
  return command.words.slice(from).map((word, index) => (command.known[from + index] ? word : undefined));
}

/** The tree script a command runs, if it is one: `./bin/start`, `/entrypoint.sh`, `start`, `sh start.sh`. */
function scriptOf(command: Pending, container: Launch, readScript: (treePath: string) => SourceText | undefined): SourceText | undefined {
  const word = scriptWord(command.words);
  return word === undefined ? undefined : scriptAt(word, command.cwd, container, readScript);
}

/** The tree script a command word names where the container looks for it from `cwd`: by its path, or on PATH. */
function scriptAt(word: string, cwd: string, container: Launch, readScript: (treePath: string) => SourceText | undefined): SourceText | undefined {
  for (const path of programPaths(word, cwd)) {
    const treePath = mountedSource(container, path);
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

/**
 * The run scripts a service-directory supervisor starts, as commands to follow. runit's
 * `runsvdir [-P] DIR` starts `runsv` for each subdirectory of DIR not named with a dot, which
 * runs `./run` in it unless a `down` file is there (runsvdir(8), runsv(8)); phusion's `my_init`
 * runs `runsvdir -P /etc/service` unless given `--skip-runit` (image/bin/my_init,
 * `start_runit`). s6-overlay's `/init` (when the tree holds no script of its own there) supervises
 * `/etc/services.d/NAME/run` (`services-up`) and the longruns of `/etc/s6-overlay/s6-rc.d` that
 * the `user` or `user2` bundle lists (`rc.init`: `s6-rc change top`).
 */
function serviceRuns(command: Pending, container: Launch, tree: ScriptTree, containerEnvironment: Lookup): Pending[] {
  const [first, ...options] = command.words;
  const supervisor = command.program === 'runsvdir' || command.program === 'my_init' || (first === '/init' && command.program === 'init');
  if (!supervisor) return [];
  const placed = placedTreeFiles(container.mounts ?? [], tree.files);
  const files = new Set(tree.files);
  /** The tree file the container sees at a path. */
  const at = (path: string) => {
    const file = mountedSource(container, path);
    return file !== undefined && files.has(file) ? file : undefined;
  };
  const runsIn = (directory: string, keep: (name: string) => boolean, s6Service: boolean): Pending[] => {
    const found: Pending[] = [];
    for (const { target } of placed) {
      const name = /^([^/.][^/]*)\/run$/.exec(nodePath.posix.relative(directory, target))?.[1];
      // Where two placements cover the path, the one the container sees must hold a file.
      if (name === undefined || at(target) === undefined || !keep(name)) continue;
      // runsv and s6-supervise run ./run in the service directory.
      found.push({
        words: [target],
        known: [true],
        program: 'run',
        cwd: nodePath.posix.join(directory, name),
        cwdKnown: true,
        environment: s6Service ? containerEnvironment : command.environment,
        inheritsContainerEnv: s6Service || command.inheritsContainerEnv,
        ...(s6Service ? { s6Service } : {}),
        startsInCwd: true,
        // The supervisor, not Docker, stops a service, with its own signal and order: not modelled.
        reaches: undefined,
      });
    }
    return found;
  };
  /** runsv and s6-supervise leave a service with a `down` file stopped. */
  const up = (directory: string) => (name: string) => at(nodePath.posix.join(directory, name, 'down')) === undefined;
  const runit = (directory: string) => runsIn(directory, up(directory), false);
  if (command.program === 'runsvdir') {
    const directory = options.find((word) => !word.startsWith('-'));
    return directory === undefined ? [] : runit(nodePath.posix.resolve(command.cwd, directory));
  }
  if (command.program === 'my_init') return options.includes('--skip-runit') ? [] : runit('/etc/service');
  if (command.program === 'init') {
    // S6_RUNTIME_PROFILE moves /etc/services.d and /etc/s6-overlay to /etc/cont-profile.d/PROFILE.
    const profile = containerEnvironment('S6_RUNTIME_PROFILE');
    if (typeof profile === 'object' && profile.value !== '') return [];
    const rc = '/etc/s6-overlay';
    const inUserBundle = (name: string) =>
      ['s6-rc.d', 'user-bundles.d'].some((bundles) => ['user', 'user2'].some((bundle) => at(`${rc}/${bundles}/${bundle}/contents.d/${name}`) !== undefined));
    const longrun = (name: string) => {
      const type = at(`${rc}/s6-rc.d/${name}/type`);
      return type !== undefined && tree.readText(type)?.trim() === 'longrun' && inUserBundle(name);
    };
    return [...runsIn('/etc/services.d', up('/etc/services.d'), true), ...runsIn(`${rc}/s6-rc.d`, longrun, true)];
  }
  return [];
}

/** s6-overlay's `with-contenv`, which runs its command with the container's environment. */
const WITH_CONTENV = /^#![ \t]*\S*\/with-contenv\b/;

/**
 * What an s6 service's variables hold. s6-overlay starts its supervision tree with an environment
 * of its own (stage0 gives s6-linux-init-maker `-s /run/s6/container_environment` unless
 * S6_KEEP_ENV is set): a run script sees the container's variables only through `with-contenv`
 * (or with S6_KEEP_ENV); otherwise a name is unset, or unknown where S6_KEEP_ENV may be given.
 */
function s6ServiceEnvironment(source: SourceText, containerEnvironment: Lookup): { environment: Lookup; inheritsContainerEnv: boolean } {
  const keep = containerEnvironment('S6_KEEP_ENV');
  if (WITH_CONTENV.test(source.text) || (typeof keep === 'object' && /^0*[1-9]/.test(keep.value)))
    return { environment: containerEnvironment, inheritsContainerEnv: true };
  const unknown = keep === 'unknown' || (typeof keep === 'object' && !/^0*$/.test(keep.value));
  return { environment: () => (unknown ? 'unknown' : 'unset'), inheritsContainerEnv: false };
}
