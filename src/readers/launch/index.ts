/** Command lines from systemd units, Dockerfiles, compose services, Procfiles, supervisord programs, shell scripts and Kubernetes containers. */
import * as nodePath from 'path';
import { ComposeContainer, mountedSource, placedTreeFiles } from './launch';
import { append } from '../../source/append';
import type { Launch } from './launch';
import { parseCompose, ComposeFile, treeComposeReader } from '../docker/compose';
import { TreeKind, treeKinds } from '../docker/placed-files';
import { lazyWorkflowBuilds, standaloneBuildContext } from '../docker/build-context';
import { Dockerfile, parseDockerfile } from '../docker/dockerfile';
import { decodeUtf8, SourceText } from '../../source/text';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';
import { dockerLaunches } from './docker';
import { addComments, lineComments, quietRead, readSource, recordSource } from '../kit/files';
import { guarded } from '../kit/failure';
import { kubernetesLaunches, kubernetesWorkloads } from './kubernetes';
import { procfileLaunches, runProcfileLaunches } from './procfile';
import { SupervisorProgram, supervisorIncludeFiles, supervisorLaunches, supervisorPrograms } from './supervisord';
import { supervisordReads } from './supervisord-reads';
import { shellLaunches } from './shell-script';
import { containerScriptLaunches } from './container-scripts';
import { execsFromScript, HandedOver, handedEnvironment, PassThrough, runShell, runsItsArguments } from './program';
import { MappedText } from '../kit/mapped-text';
import type { Lookup, RawArg } from '../kit/raw';
import { isJinjaTemplateText, SHELL_SHEBANG } from '../../discovery/classify';
import { systemdLaunches } from './systemd';
import { makeLaunches } from './makefile';
import { groupUnits, parseUnitFile, UnitFile } from './systemd-unit';

export function readLaunches(files: FilesByFormat, context: ReaderContext): ReaderOutput & { launches: Launch[]; composeContainers: ComposeContainer[] } {
  const output = emptyOutput();
  const launches: Launch[] = [];
  const composeContainers: ComposeContainer[] = [];
  const problems = output.diagnostics;

  const unitFiles: { path: string; file: UnitFile }[] = [];
  for (const path of files.systemd ?? []) {
    const source = readSource(path, context, output);
    if (!source) continue;
    const parsed = guarded(output.diagnostics, 'launch reader', source.file, () => parseUnitFile(source));
    if (!parsed) continue;
    unitFiles.push({ path, file: parsed });
    append(problems, parsed.problems);
    addComments(output, source.file, parsed.comments);
  }
  guarded(output.diagnostics, 'launch reader', context.displayPath(files.systemd?.[0] ?? '.'), () =>
    append(launches, systemdLaunches(groupUnits(unitFiles), problems)),
  );

  const dockerfiles = new Map<string, Dockerfile>();
  for (const path of files.dockerfile ?? []) {
    const source = readSource(path, context, output);
    if (!source) continue;
    const parsed = guarded(output.diagnostics, 'launch reader', source.file, () => parseDockerfile(source));
    if (!parsed) continue;
    dockerfiles.set(path, parsed);
    addComments(output, source.file, parsed.comments);
  }
  const composeFiles: ComposeFile[] = [];
  // A file that only an `extends` names is read for it: the settings it gives keep their spans there.
  const composePaths = new Set(files.compose ?? []);
  const readExtended = treeComposeReader(context.treeFiles, (path) => quietRead(path, context), context.displayPath);
  const readCompose = (path: string) => {
    const source = readExtended(path);
    if (source && !composePaths.has(path) && !output.sources.some((known) => known.file === source.file)) {
      recordSource(output, source);
      addComments(output, source.file, lineComments(source));
    }
    return source;
  };
  for (const path of files.compose ?? []) {
    const source = readSource(path, context, output);
    if (!source) continue;
    // A line that starts with a Jinja statement (Mailu's setup flavors: `{% set env='mailu.env' %}`)
    // makes the file a template of a compose file, not YAML to report on or to run.
    if (isJinjaTemplateText(source.text)) continue;
    const parsed = guarded(output.diagnostics, 'launch reader', source.file, () => parseCompose(source, path, readCompose));
    if (!parsed) continue;
    composeFiles.push(parsed);
    append(problems, parsed.problems);
    addComments(output, source.file, lineComments(source));
  }

  const scripts: { path: string; source: SourceText }[] = [];
  for (const path of files.shell ?? []) {
    const source = readSource(path, context, output);
    if (source) scripts.push({ path, source });
  }
  const passThroughScripts = new Map<string, SourceText[]>();
  // Whether a script ends by running its arguments does not depend on what its variables hold.
  const unknown: Lookup = () => 'unknown';
  const runsArguments = (source: SourceText) =>
    /\$\{?@/.test(source.text) && runsItsArguments(runShell(MappedText.of(source), unknown).steps, unknown) !== undefined;
  for (const { path, source } of scripts) {
    if (runsArguments(source)) passThroughScripts.set(nodePath.basename(path), [...(passThroughScripts.get(nodePath.basename(path)) ?? []), source]);
  }
  // A script without `.sh` that a launch runs by its name (compose's `entrypoint: docker/entrypoint`
  // over `COPY . /app`) is looked for when a launch names it: the tree's files of that name whose
  // first line names a shell.
  const extensionless = new Map<string, SourceText[] | undefined>();
  const extensionlessScripts = (program: string): SourceText[] | undefined => {
    if (program.includes('.') || !/^[\w-]+$/.test(program)) return undefined;
    if (!extensionless.has(program)) {
      const found = context.treeFiles
        .filter((path) => nodePath.basename(path) === program && !files.shell?.includes(path))
        .flatMap((path) => {
          // Its head first: a file of that name that is no script is not read.
          if (!SHELL_SHEBANG.test(quietHead(path, context) ?? '')) return [];
          const source = readSource(path, context, output, false);
          if (!source || !runsArguments(source)) return [];
          recordSource(output, source);
          return [source];
        });
      extensionless.set(program, found.length > 0 ? found : undefined);
    }
    return extensionless.get(program);
  };
  // The script a container holds where its command names the program is that program, whatever
  // its name in the tree (frappe_docker: COPY resources/core/main-entrypoint.sh
  // /usr/local/bin/entrypoint.sh, then ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]).
  const treeFileSet = new Set(context.treeFiles);
  const placedScripts = new Map<string, SourceText | undefined>();
  const placedPassThrough = (path: string): SourceText | undefined => {
    if (!placedScripts.has(path)) {
      const known = scripts.find((script) => script.path === path)?.source;
      const read = () => (path.endsWith('.sh') || SHELL_SHEBANG.test(quietHead(path, context) ?? '') ? readSource(path, context, output, false) : undefined);
      const source = known ?? read();
      const runs = source !== undefined && runsArguments(source);
      if (runs && !known) recordSource(output, source);
      placedScripts.set(path, runs ? source : undefined);
    }
    return placedScripts.get(path);
  };
  const passThrough: PassThrough = (program, lookup, placed) => {
    const file = placed.find((path) => treeFileSet.has(path));
    if (file !== undefined) {
      const script = placedPassThrough(file);
      return script ? handedOver([script], lookup) : undefined;
    }
    const named = passThroughScripts.get(program) ?? extensionlessScripts(program);
    return named ? handedOver(named, lookup) : undefined;
  };
  guarded(output.diagnostics, 'launch reader', context.displayPath(files.dockerfile?.[0] ?? files.compose?.[0] ?? '.'), () => {
    const treeFiles = new Set(context.treeFiles);
    const readEnvFile = (path: string) => (treeFiles.has(path) ? readSource(path, context, output) : undefined);
    // Built on first use: only a Dockerfile's COPY asks.
    let kinds: TreeKind | undefined;
    const treeKind: TreeKind = (path) => (kinds ??= treeKinds(context.treeFiles))(path);
    // A workflow that builds a Dockerfile is read for its context, stage and images: unreadable, it says nothing.
    const readText = (path: string) => {
      try {
        return decodeUtf8(context.fs.read(path));
      } catch {
        return undefined;
      }
    };
    const workflowBuilds = lazyWorkflowBuilds({ ...context, readText });
    const standaloneContext = standaloneBuildContext({ ...context, readText }, treeKind, workflowBuilds);
    const docker = dockerLaunches(dockerfiles, composeFiles, passThrough, problems, readEnvFile, treeKind, standaloneContext, workflowBuilds);
    append(launches, docker.launches);
    append(composeContainers, docker.containers);
  });

  // A container whose command runs a script of the tree runs the servers the script starts.
  const readScript = (path: string): SourceText | undefined => {
    if (!treeFileSet.has(path)) return undefined;
    const source = scripts.find((script) => script.path === path)?.source ?? readSource(path, context, output, false);
    if (!source || !(path.endsWith('.sh') || SHELL_SHEBANG.test(source.text.slice(0, 256)))) return undefined;
    recordSource(output, source);
    return source;
  };
  const fromContainers = guarded(output.diagnostics, 'launch reader', context.displayPath(files.dockerfile?.[0] ?? files.compose?.[0] ?? '.'), () =>
    containerScriptLaunches([...launches], {
      readScript,
      files: context.treeFiles,
      readText: (path) => (treeFileSet.has(path) ? quietRead(path, context) : undefined),
    }),
  );
  if (fromContainers) append(launches, fromContainers.launches);
  // What a service's scripts copy into place is in its container as a COPY there would be.
  for (const copy of fromContainers?.copies ?? []) {
    const { container } = copy;
    const service = composeContainers.find(
      (candidate) => container.kind === 'compose' && candidate.service === container.service && candidate.project === container.compose?.project,
    );
    if (service) (service.scriptCopies ??= []).push({ source: copy.source, display: context.displayPath(copy.source), target: copy.target, span: copy.span });
  }
  for (const { container, files: started, followed } of fromContainers?.startScripts ?? []) {
    const service = composeContainers.find(
      (candidate) => container.kind === 'compose' && candidate.service === container.service && candidate.project === container.compose?.project,
    );
    if (!service) continue;
    const scripts = (service.startScripts ??= { files: [], runners: [] });
    for (const file of started) if (!scripts.files.includes(file)) scripts.files.push(file);
    if (followed) scripts.runners.push(container);
  }
  for (const { source } of scripts) {
    addComments(output, source.file, lineComments(source));
    guarded(output.diagnostics, 'launch reader', source.file, () => {
      const own = shellLaunches(source, problems);
      // A script a container runs starts its servers there, not on the host.
      if (!fromContainers?.run.has(source.file)) append(launches, own);
    });
  }
  // supervisord starts its programs in the container that runs it, from the config files it reads
  // there; a config no container's supervisord reads (held or not: a host's supervisord-dev.conf
  // beside the image's own under `COPY . .`) runs where supervisord runs on a host.
  const supervisorFiles = files.supervisord ?? [];
  if (supervisorFiles.length > 0) {
    const programs = new Map<string, SupervisorProgram[]>();
    const includes = new Map<string, string | undefined>();
    for (const path of supervisorFiles) {
      const source = readSource(path, context, output);
      if (!source) continue;
      addComments(output, source.file, lineComments(source));
      const read = guarded(output.diagnostics, 'launch reader', source.file, () => supervisorPrograms(source));
      if (read) programs.set(path, read);
      includes.set(path, supervisorIncludeFiles(source));
    }
    const readByContainers = new Set<string>();
    const readIn = new Map<Launch, Set<string>>();
    for (const run of fromContainers?.supervising ?? []) {
      const held = [...placedTreeFiles(run.container.mounts ?? [], supervisorFiles), ...placedTreeFiles(run.copies, supervisorFiles)].map(({ file }) => file);
      // Where the tree cannot tell which config supervisord starts with, any it holds may be read.
      const reads = supervisordReads(run, supervisorFiles, (file) => includes.get(file)) ?? new Set(held);
      const read = readIn.get(run.container) ?? readIn.set(run.container, new Set()).get(run.container)!;
      for (const file of reads) {
        read.add(file);
        readByContainers.add(file);
      }
    }
    // Each file once per container, though the image holds it twice (`COPY . /app` and in conf.d).
    for (const [container, read] of readIn) {
      for (const file of read) {
        const placed = programs.get(file);
        if (!placed) continue;
        guarded(output.diagnostics, 'launch reader', context.displayPath(file), () =>
          append(launches, supervisorLaunches(placed, problems, container, passThrough)),
        );
      }
    }
    for (const [path, own] of programs) {
      if (!readByContainers.has(path))
        guarded(output.diagnostics, 'launch reader', context.displayPath(path), () =>
          append(launches, supervisorLaunches(own, problems, undefined, passThrough)),
        );
    }
  }
  // honcho and foreman start the processes of the Procfile they read in the container that runs
  // them; a Procfile no such container reads runs where its platform (Heroku) runs it.
  const procfiles = new Map<string, SourceText>();
  const readProcfile = (path: string) => {
    const known = procfiles.get(path);
    if (known) return known;
    const source = readSource(path, context, output);
    if (source) {
      procfiles.set(path, source);
      addComments(output, source.file, lineComments(source));
    }
    return source;
  };
  const runByContainers = new Set<string>();
  for (const placed of fromContainers?.procfileRuns ?? []) {
    const path = mountedSource(placed.container, placed.run.procfile);
    const source = path !== undefined && treeFileSet.has(path) ? readProcfile(path) : undefined;
    if (!path || !source) continue;
    runByContainers.add(path);
    guarded(output.diagnostics, 'launch reader', source.file, () => append(launches, runProcfileLaunches(source, problems, placed, passThrough)));
  }
  for (const path of files.procfile ?? []) {
    const source = runByContainers.has(path) ? undefined : readProcfile(path);
    if (source) guarded(output.diagnostics, 'launch reader', source.file, () => append(launches, procfileLaunches(source, problems, passThrough)));
  }
  for (const path of files.kubernetes ?? []) {
    const source = readSource(path, context, output, false);
    // Helm and other templates (`{{ … }}`) are not YAML until rendered; they are not read.
    if (!source || source.text.includes('{{')) continue;
    recordSource(output, source);
    addComments(output, source.file, lineComments(source));
    guarded(output.diagnostics, 'launch reader', source.file, () => {
      const { workloads, problems: yamlProblems } = kubernetesWorkloads(source);
      append(problems, yamlProblems);
      append(launches, kubernetesLaunches(source, workloads, problems));
    });
  }
  // `make daphne`: the servers the target's recipe starts, where the tree holds the Makefile.
  const makefiles = new Map<string, SourceText>();
  const makeTree = {
    has: (path: string) => treeFileSet.has(path),
    read: (path: string) => {
      const source = makefiles.get(path) ?? readSource(path, context, output, false);
      if (source) makefiles.set(path, source);
      return source;
    },
    fileOf: (display: string) => context.treeFiles.find((file) => context.displayPath(file) === display),
  };
  for (let i = 0; i < launches.length; i++) {
    if (launches[i].program !== 'make' && launches[i].program !== 'gmake') continue;
    const made = guarded(output.diagnostics, 'launch reader', launches[i].file, () => makeLaunches(launches[i], makeTree));
    if (!made) continue;
    for (const launch of made) {
      const source = [...makefiles.values()].find((candidate) => candidate.file === launch.span.file);
      if (source) recordSource(output, source);
    }
    launches.splice(i, 1, ...made);
    i += made.length - 1;
  }
  return { ...output, launches, composeContainers };
}

/** The first line's worth of a file, or undefined where it cannot be read. */
function quietHead(path: string, context: ReaderContext): string | undefined {
  try {
    const head = context.fs.readHead(path, 256);
    return head ? new TextDecoder().decode(head) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What scripts that end by running their arguments (`exec "$@"`, `gosu app "$@"`) hand over: the
 * variables each has exported by then and the `NAME=value` words in front of that command, and
 * whether each execs it. Where two scripts share the name, a variable they do not set alike is
 * not known, and the shell is replaced only if every one execs.
 */
function handedOver(scripts: SourceText[], lookup: Lookup): HandedOver {
  const each = scripts.map((source) => runsItsArguments(runShell(MappedText.of(source), lookup).steps, lookup));
  const environments = each.map((ending) => (ending ? handedEnvironment(ending) : new Map<string, RawArg>()));
  const environment = new Map<string, RawArg>();
  for (const name of new Set(environments.flatMap((env) => [...env.keys()]))) {
    const values = environments.map((env) => env.get(name));
    const first = values[0] ?? values.find((value) => value !== undefined)!;
    const alike = values.every((value) => value !== undefined && value.value === first.value && value.unresolved.length === 0);
    environment.set(name, alike || first.unresolved.length > 0 ? first : { ...first, unresolved: [`$${name}`] });
  }
  return { environment, execs: each.every((ending) => ending !== undefined && execsFromScript(ending.unwrapped.wrappers)) };
}
