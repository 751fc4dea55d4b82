/**
 * Files an image or a container gets from the tree, at the path the server opens them: Dockerfile
 * `COPY`/`ADD` (relative to the build context: compose's, or build-context.ts) and compose bind mounts. nginx's includes name the
 * container's paths (`include /etc/nginx/wsgi_params;`); these say which tree file that is, and
 * in which containers: a file one image copies is not in another image's container.
 *
 * Only literal paths of files the tree holds are kept (no globs, no variables the Dockerfile's
 * ENV/ARG do not give, no destination relative to a WORKDIR it does not give); a `COPY --from` an
 * earlier stage brings what that stage placed, and a RUN's `cp`/`mv` that certainly runs copies
 * or moves it (`fileOperations`). A container path that two sources claim is dropped:
 * the tree then does not say which one nginx reads. Where the sources are in different
 * containers (each service's image copies its own `conf/` to `/conf/`), each is kept with its
 * containers, and a path is there once for the readers that ask without a container
 * (`placedOnce`).
 */
import * as nodePath from 'path';
import type { IncludeMapping } from '../nginx/include';
import { SourceText } from '../../source/text';
import { MappedText } from '../kit/mapped-text';
import { literalText, parseShell } from '../kit/shell-words';
import { expandWord } from '../kit/expand';
import { copyOperands } from '../kit/copy-operands';
import type { Lookup } from '../kit/raw';
import { parseCompose, treeComposeReader } from './compose';
import { Dockerfile, dockerfilesByPath, DockerStage, stageAt } from './dockerfile';
import { BuildContextInput, imageName, standaloneBuildContext } from './build-context';

export interface PlacedFilesInput extends BuildContextInput {
  dockerfiles: string[];
  composeFiles: string[];
}

/** Container path → tree path, for the include resolver, with the containers that hold it. */
export function placedFiles(input: PlacedFilesInput): IncludeMapping[] {
  const kindOf = treeKinds(input.treeFiles);

  /** Container path → tree path → the containers that put it there (undefined: any may). */
  const claims = new Map<string, Map<string, Set<string> | undefined>>();
  const claim = (from: string, to: string, containers: string[] | undefined) => {
    const target = nodePath.posix.normalize(from).replace(/(.)\/+$/, '$1');
    if (kindOf(to) === undefined) return;
    const sources = claims.get(target) ?? new Map<string, Set<string> | undefined>();
    claims.set(target, sources);
    const known = sources.has(to) ? sources.get(to) : new Set<string>();
    sources.set(to, known === undefined || containers === undefined ? undefined : new Set([...known, ...containers]));
  };

  // Build contexts compose gives its Dockerfiles (`build: {context, dockerfile}`); else the one the tree shows (build-context.ts).
  const contexts = new Map<string, Set<string>>();
  /** The `target:` stages compose builds of each Dockerfile. */
  const targets = new Map<string, Set<string>>();
  const services: { key: string; image: string | undefined; dockerfile: string | undefined; mounts: { target: string; source: string }[] }[] = [];
  const readCompose = treeComposeReader(input.treeFiles, input.readText, input.displayPath);
  for (const path of input.composeFiles) {
    const text = input.readText(path);
    if (text === undefined) continue;
    for (const service of parseCompose(new SourceText(input.displayPath(path), text), path, readCompose).services) {
      const image = service.image && service.image.unresolved.length === 0 ? service.image.value : undefined;
      // Override files of one project name the same container.
      const key = `${nodePath.dirname(path)}\0${service.name}`;
      services.push({ key, image: service.image ? image : '', dockerfile: service.build?.dockerfile, mounts: service.volumes });
      if (service.build) {
        const context = service.build.context;
        contexts.set(service.build.dockerfile, (contexts.get(service.build.dockerfile) ?? new Set()).add(context));
        if (service.build.target) targets.set(service.build.dockerfile, (targets.get(service.build.dockerfile) ?? new Set()).add(service.build.target));
      }
    }
  }
  const runningImages = containersOfImages(services, input);
  // A bind mount is in its service's container whatever the image: an image the tree may build
  // (openlibrary's `image: ${OLIMAGE:-openlibrary/olbase:latest}`) leaves only its COPYs open.
  for (const service of services) for (const mount of service.mounts) claim(mount.target, mount.source, [service.key]);
  const standaloneContext = standaloneBuildContext(input, kindOf);
  // A stage the image does not start from (a builder) is an image no container runs; its files
  // come after the running images' (--list-files names the path the running image gives a file).
  const inBuildStages: [string, string, string[]][] = [];
  for (const path of input.dockerfiles) {
    const text = input.readText(path);
    if (text === undefined) continue;
    const buildContexts = contexts.get(path) ?? new Set([standaloneContext(path, text)]);
    // One context only: with several, the same COPY names different files.
    if (buildContexts.size !== 1) continue;
    const [context] = buildContexts;
    const containers = runningImages.ofDockerfile(path);
    const file = runningImages.parsed(path);
    const running = new Set<DockerStage>();
    const runStages = [
      file?.stages.at(-1),
      ...[...(targets.get(path) ?? [])].map((target) => file?.stages.find((stage) => stage.name === target.toLowerCase())),
    ];
    for (const runStage of runStages) for (let stage = runStage; stage; stage = stage.baseStage) running.add(stage);
    for (const copied of copiedFiles(text, context, kindOf)) {
      const stage = file && stageAt(file, copied.start);
      if (stage && !running.has(stage)) inBuildStages.push([copied.target, copied.source, [buildStageContainer(path, stage)]]);
      else claim(copied.target, copied.source, containers);
    }
  }
  for (const [target, source, containers] of inBuildStages) claim(target, source, containers);
  const mappings: IncludeMapping[] = [];
  for (const [from, sources] of claims) {
    const held = [...sources.values()];
    const apart = held.every(
      (containers, index) =>
        containers !== undefined && held.slice(index + 1).every((other) => other !== undefined && ![...other].some((c) => containers.has(c))),
    );
    if (sources.size > 1 && !apart) continue;
    for (const [to, containers] of sources) mappings.push({ from, to, ...(containers ? { containers: [...containers] } : {}) });
  }
  return mappings;
}

/** The container name of a build stage no running image starts from: it holds files no container runs with. */
function buildStageContainer(dockerfile: string, stage: DockerStage): string {
  return `${dockerfile}\0stage ${stage.start}`;
}

/** Whether a mapping's container (as placedFiles names them) is only a build stage's. */
export function isBuildStageContainer(container: string): boolean {
  return /\0stage \d+$/.test(container);
}

/** The mappings of container paths one tree file alone is placed at, whichever the container. */
export function placedOnce(mappings: IncludeMapping[]): IncludeMapping[] {
  const count = new Map<string, number>();
  for (const mapping of mappings) count.set(mapping.from, (count.get(mapping.from) ?? 0) + 1);
  return mappings.filter((mapping) => count.get(mapping.from) === 1);
}

/**
 * Which containers run each image of the tree: the compose services that build a Dockerfile (or
 * run the exact image name another service builds), else the image of a Dockerfile no service
 * builds, on its own. Undefined (any container) where the image may be built on another image of
 * the tree, whose files it then holds: a base named with a namespace or a registry
 * (`myorg/nginx-base`), a variable, or a name a service of the tree builds; a Docker Hub
 * official image (`nginx`, `python`) holds none of the tree's files.
 */
function containersOfImages(
  services: { key: string; image: string | undefined; dockerfile: string | undefined }[],
  input: PlacedFilesInput,
): {
  ofDockerfile: (path: string) => string[] | undefined;
  parsed: (path: string) => Dockerfile | undefined;
} {
  const builtImages = new Map<string, Set<string>>();
  for (const service of services) {
    if (service.dockerfile === undefined || !service.image) continue;
    builtImages.set(service.image, (builtImages.get(service.image) ?? new Set()).add(service.dockerfile));
  }
  const dockerfileOf = (service: { image: string | undefined; dockerfile: string | undefined }) => {
    if (service.dockerfile !== undefined) return service.dockerfile;
    const builders = service.image ? builtImages.get(service.image) : undefined;
    return builders?.size === 1 ? [...builders][0] : undefined;
  };
  const mayHoldTreeImage = (image: string | undefined) => image === undefined || /[$/]/.test(image) || builtImages.has(image);
  const parsed = dockerfilesByPath(input);
  /** The image the running stage starts from, through the stages it is built on. */
  const dockerfileBase = (path: string): string | undefined => {
    let stage = parsed(path)?.stages.at(-1);
    while (stage?.baseStage) stage = stage.baseStage;
    return stage?.base;
  };
  const runners = new Map<string, string[]>();
  for (const service of services) {
    const dockerfile = dockerfileOf(service);
    if (dockerfile !== undefined) runners.set(dockerfile, [...(runners.get(dockerfile) ?? []), service.key]);
  }
  return {
    ofDockerfile: (path) => (mayHoldTreeImage(dockerfileBase(path)) ? undefined : (runners.get(path) ?? [`${path}\0image`])),
    parsed,
  };
}

export type TreeKind = (path: string) => 'file' | 'directory' | undefined;

/** Whether an absolute path is a file of the tree, a directory holding some, or neither. */
export function treeKinds(treeFiles: Iterable<string>): TreeKind {
  const files = new Set(treeFiles);
  const directories = new Set<string>();
  for (const file of files) {
    for (let dir = nodePath.dirname(file); !directories.has(dir) && dir !== nodePath.dirname(dir); dir = nodePath.dirname(dir)) directories.add(dir);
  }
  return (path) => (files.has(path) ? 'file' : directories.has(path) ? 'directory' : undefined);
}

/**
 * The tree files and directories a Dockerfile's COPY/ADD put in the image, with where they land
 * (a directory's contents land in the destination; a file lands in it, or as it) and the
 * instruction's offsets in the Dockerfile. A `COPY --from` of an earlier stage brings what that
 * stage placed under its source, and a `RUN mv`/`cp` that certainly runs moves or copies what the
 * stage holds (`fileOperations`): the file is then at its new path, with the RUN's offsets, and
 * after `mv` no longer at its old one.
 */
export function copiedFiles(text: string, context: string, kindOf: TreeKind): { source: string; target: string; start: number; end: number }[] {
  /** The tree path a source names; undefined out of the context (`COPY ../x` is refused by docker build). */
  const pathOf = (source: string) => {
    const from = nodePath.resolve(context, source);
    return from === context || from.startsWith(context + nodePath.sep) ? from : undefined;
  };
  const sourceKind = (source: string) => {
    const from = pathOf(source);
    return from === undefined ? undefined : kindOf(from);
  };
  /** Every placement made, in order; a stage's own list holds those still there at its end. */
  const made: Placement[] = [];
  const stages: Placement[][] = [];
  let held: Placement[] = [];
  const place = (placement: Placement) => {
    made.push(placement);
    held.push(placement);
  };
  for (const step of buildSteps(text, sourceKind)) {
    if (step.kind === 'stage') {
      held = step.base === undefined ? [] : [...(stages[step.base] ?? [])];
      stages.push(held);
      continue;
    }
    if (step.kind === 'copyFrom') {
      const from = stages[step.from];
      if (!from) continue;
      for (const source of step.sources) {
        const found = heldAt(from, source.path, kindOf);
        // A directory's contents land in the destination; a file in it, or as it (as COPY from the context).
        const isFile = found.length === 1 && found[0].relative === '' && kindOf(found[0].source) === 'file';
        for (const target of isFile ? landing(source.path, step.destination, step.into) : [{ path: step.destination, candidate: false }])
          for (const entry of found) replace(held, place, entry, target.path, step, target.candidate);
      }
      continue;
    }
    if (step.kind === 'run') {
      for (const operation of step.operations) {
        for (const source of operation.sources) {
          const found = heldAt(held, source.path, kindOf);
          if (found.length === 0) continue;
          const isFile = found.length === 1 && found[0].relative === '' && kindOf(found[0].source) === 'file';
          // cp without -r/-a refuses a directory (coreutils copy.c: "-r not specified; omitting directory").
          if (!isFile && operation.command === 'cp' && !operation.recursive) continue;
          // `cp -a dir/. dest` copies the directory's contents into dest, whatever is there.
          const targets = source.contents
            ? isFile
              ? []
              : [{ path: operation.destination, candidate: false }]
            : landing(source.path, operation.destination, operation.into);
          if (targets.length === 0) continue;
          if (operation.command === 'mv')
            for (const entry of found) if (entry.placement.target === joinTarget(source.path, entry.relative)) remove(held, entry.placement);
          for (const target of targets) for (const entry of found) replace(held, place, entry, target.path, step, target.candidate);
        }
      }
      continue;
    }
    if (step.destination === undefined) continue;
    const destinationIsDirectory = step.destination.endsWith('/') || step.sources.length > 1;
    for (const source of step.sources) {
      const from = pathOf(source);
      const kind = from === undefined ? undefined : kindOf(from);
      if (from === undefined || kind === undefined) continue;
      const inside = nodePath.posix.join(step.destination, nodePath.basename(from));
      // A file lands in a directory the destination names, as that path otherwise; both where the image may hold one there.
      const targets =
        kind !== 'file' ? [step.destination] : destinationIsDirectory ? [inside] : step.mayBeDirectory ? [inside, step.destination] : [step.destination];
      for (const target of targets) place({ source: from, target: cleanPath(target), start: step.start, end: step.end, candidate: targets.length > 1 });
    }
  }
  const there = new Set(stages.flat());
  // Before any FROM nothing is copied; a Dockerfile without one keeps what it names.
  return made.filter((placement) => stages.length === 0 || there.has(placement)).map(({ source, target, start, end }) => ({ source, target, start, end }));
}

/** A tree file or directory at a container path of a stage; `candidate`: one of two paths a COPY may have put it at. */
interface Placement {
  source: string;
  target: string;
  start: number;
  end: number;
  candidate: boolean;
}

function cleanPath(path: string): string {
  return nodePath.posix.normalize(path).replace(/(.)\/+$/, '$1');
}

function joinTarget(path: string, relative: string): string {
  return relative === '' ? path : nodePath.posix.join(path, relative);
}

/**
 * What a stage holds at a container path: placements at it or under it (with their path below
 * it), or the tree file or directory a copied directory holds there. One of two paths a COPY
 * may have written is not certainly there, and is left out.
 */
function heldAt(held: Placement[], path: string, kindOf: TreeKind): { placement: Placement; source: string; relative: string }[] {
  const found: { placement: Placement; source: string; relative: string }[] = [];
  const prefix = path === '/' ? '/' : `${path}/`;
  for (const placement of held) {
    if (placement.candidate) continue;
    if (placement.target === path || placement.target.startsWith(prefix)) {
      found.push({ placement, source: placement.source, relative: placement.target === path ? '' : placement.target.slice(prefix.length) });
    } else if (path.startsWith(placement.target === '/' ? '/' : `${placement.target}/`) && kindOf(placement.source) === 'directory') {
      const inner = nodePath.join(placement.source, path.slice(placement.target.length));
      if (kindOf(inner) !== undefined) found.push({ placement, source: inner, relative: '' });
    }
  }
  return found;
}

/** Where a file or directory written to `destination` lands: inside it where that is a directory, as it otherwise; both where it may be one. */
function landing(path: string, destination: string, into: Into): { path: string; candidate: boolean }[] {
  const inside = nodePath.posix.join(destination, nodePath.posix.basename(path));
  if (into === 'directory') return [{ path: inside, candidate: false }];
  if (into === 'path') return [{ path: destination, candidate: false }];
  return [
    { path: inside, candidate: true },
    { path: destination, candidate: true },
  ];
}

/** Places an entry found at a path at a new path (and what lies below it, below that), over what was there. */
function replace(
  held: Placement[],
  place: (placement: Placement) => void,
  entry: { source: string; relative: string },
  destination: string,
  step: { start: number; end: number },
  candidate: boolean,
): void {
  const target = cleanPath(joinTarget(destination, entry.relative));
  if (!candidate) for (const old of held.filter((placement) => placement.target === target)) remove(held, old);
  place({ source: entry.source, target, start: step.start, end: step.end, candidate });
}

function remove(held: Placement[], placement: Placement): void {
  const at = held.indexOf(placement);
  if (at !== -1) held.splice(at, 1);
}

/** The literal paths every `COPY`/`ADD` of the tree's build context names (not those `--from` a stage or an image), as written. */
export function copiedSources(text: string): string[] {
  return [...new Set(buildSteps(text).flatMap((step) => (step.kind === 'copy' ? step.sources : [])))];
}

/**
 * `NAME=value …` (and ENV's older `NAME value`) as written: a value with a quote, an escape or a
 * variable is not literal (undefined: the name's value is then not known).
 */
function literalAssignments(rest: string, env: boolean): [string, string | undefined][] {
  const old = env ? /^([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*)$/.exec(rest.trim()) : null;
  if (old && !old[2].includes('=')) return [[old[1], /^[^"'\\$\s]+$/.test(old[2]) ? old[2] : undefined]];
  const found: [string, string | undefined][] = [];
  for (const word of rest.trim().split(/\s+/)) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(word);
    if (!assignment) return found;
    // `ARG NAME` without a default leaves the value to the build.
    const value = assignment[2];
    found.push([assignment[1], value !== undefined && /^[^"'\\$]*$/.test(value) ? value : undefined]);
  }
  return found;
}

/** A path with `$NAME`, `${NAME}` or `${NAME:-word}` filled in from the stage's values; undefined when one is not known. */
function substitute(path: string, variables: Map<string, string>): string | undefined {
  if (!path.includes('$')) return path;
  let unknown = false;
  const result = path.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_match, braced, fallback, bare) => {
    const value = variables.get(braced ?? bare);
    if (value !== undefined && (value !== '' || fallback === undefined)) return value;
    if (fallback !== undefined && !fallback.includes('$')) return fallback;
    unknown = true;
    return '';
  });
  return unknown || result.includes('$') ? undefined : result;
}

/** Where a file written to a destination lands: inside it (a directory), as it, or either (a distribution's directory in an image the tree does not name). */
type Into = 'directory' | 'path' | 'either';

/** A `cp`/`mv` of a RUN: absolute sources (`contents`: written `dir/.`) and destination. */
interface FileOperation {
  command: 'cp' | 'mv';
  recursive: boolean;
  sources: { path: string; contents: boolean }[];
  destination: string;
  into: Into;
}

type BuildStep =
  | { kind: 'copy'; sources: string[]; destination?: string; mayBeDirectory?: true; start: number; end: number }
  /** A FROM, with the index of the earlier stage it is built on. */
  | { kind: 'stage'; base: number | undefined }
  /** `COPY --from=` an earlier stage (its index): container paths of that stage. */
  | { kind: 'copyFrom'; from: number; sources: { path: string }[]; destination: string; into: Into; start: number; end: number }
  | { kind: 'run'; operations: FileOperation[]; start: number; end: number };

/**
 * The steps of a Dockerfile that place files, in order: each FROM, and the literal sources of
 * `COPY`/`ADD` (globs, variables and URLs left out) with their destination where it is absolute
 * or relative to a `WORKDIR` of the stage the Dockerfile spells out (Docker resolves it there;
 * undefined otherwise), continuation lines joined; a `COPY --from` an earlier stage, and the
 * `cp`/`mv` of each RUN (`fileOperations`). A destination ends with `/` where it is
 * certainly a directory: written so, the destination of several sources, or a directory the
 * image holds by then (`StageDirectories`), into which BuildKit copies a file without the slash
 * (fsutil copy.go `prepareTargetDir`: an existing directory as destination takes the source's
 * name under it). `mayBeDirectory`: a distribution's directory in an image the tree does not name.
 */
function buildSteps(text: string, sourceKind: (source: string) => 'file' | 'directory' | undefined = () => undefined): BuildStep[] {
  const found: BuildStep[] = [];
  const logical: { line: string; start: number; end: number }[] = [];
  let pending: { line: string; start: number } | undefined;
  let offset = 0;
  for (const raw of text.split('\n')) {
    const lineStart = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      pending = { line: (pending?.line ?? '') + line.replace(/\\\s*$/, ' '), start: pending?.start ?? lineStart };
      continue;
    }
    logical.push({ line: (pending?.line ?? '') + line, start: pending?.start ?? lineStart, end: lineStart + line.length });
    pending = undefined;
  }
  if (pending) logical.push({ ...pending, end: text.length });
  /** The stage's working directory, where the Dockerfile says it; undefined where the base image decides. */
  let workdir: string | undefined;
  let stage: string | undefined;
  /** The stage's ENV and ARG values the Dockerfile writes as literals (`ENV CONFIG_DIR=/opt/config`). */
  let variables = new Map<string, string>();
  const variablesByStage = new Map<string | undefined, Map<string, string>>();
  const workdirsByStage = new Map<string, string | undefined>();
  let directories = new StageDirectories('unknown', sourceKind);
  const directoriesByStage = new Map<string, StageDirectories>();
  /** Each named stage's index, in FROM order (`COPY --from=` takes a name or an index). */
  const stageIndexes = new Map<string, number>();
  let stages = 0;
  for (const { line, start, end } of logical) {
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (from) {
      // A stage built on an earlier one starts in its working directory; an image's is unknown.
      workdir = workdirsByStage.get(from[1].toLowerCase());
      variables = new Map(variablesByStage.get(from[1].toLowerCase()) ?? []);
      directories = directoriesByStage.get(from[1].toLowerCase())?.copy() ?? new StageDirectories(imageBase(from[1]), sourceKind);
      stage = from[2]?.toLowerCase();
      found.push({ kind: 'stage', base: stageIndexes.get(from[1].toLowerCase()) });
      if (stage !== undefined) stageIndexes.set(stage, stages);
      stages++;
      if (stage !== undefined) {
        workdirsByStage.set(stage, workdir);
        variablesByStage.set(stage, variables);
        directoriesByStage.set(stage, directories);
      }
      continue;
    }
    const setVariables = /^\s*(ENV|ARG)\s+(.*)$/i.exec(line);
    if (setVariables) {
      for (const [name, value] of literalAssignments(setVariables[2], setVariables[1].toUpperCase() === 'ENV')) {
        if (value === undefined) variables.delete(name);
        else variables.set(name, value);
      }
      continue;
    }
    const setWorkdir = /^\s*WORKDIR\s+(\S+)\s*$/i.exec(line);
    if (setWorkdir) {
      const path = setWorkdir[1].replace(/^["']|["']$/g, '');
      // BuildKit expands the stage's ENV and ARG in WORKDIR (the Dockerfile reference, "Environment replacement").
      const expanded = substitute(path, variables);
      workdir =
        expanded === undefined ? undefined : expanded.startsWith('/') ? nodePath.posix.normalize(expanded) : workdir && nodePath.posix.join(workdir, expanded);
      if (stage !== undefined) workdirsByStage.set(stage, workdir);
      // WORKDIR makes its directory and parents (BuildKit dispatchWorkdir: llb.Mkdir WithParents).
      if (workdir !== undefined) directories.make(workdir);
      continue;
    }
    const run = /^\s*RUN\s+(?:--\S+\s+)*(.*)$/i.exec(line);
    if (run) {
      for (const made of madeDirectories(run[1], workdir)) directories.make(made);
      const operations = fileOperations(run[1], workdir, variables).map(({ intoDirectory, ...operation }) => ({
        ...operation,
        into: intoDirectory ?? intoOf(operation.destination, directories, false),
      }));
      if (operations.length > 0) found.push({ kind: 'run', operations, start: start + line.length - line.trimStart().length, end });
      continue;
    }
    const match = /^\s*(?:COPY|ADD)\s+(.*)$/i.exec(line);
    if (!match) continue;
    let rest = match[1].trim();
    const flags: string[] = [];
    while (rest.startsWith('--')) {
      const flag = /^--\S+/.exec(rest)![0];
      flags.push(flag);
      rest = rest.slice(flag.length).trim();
    }
    const fromFlag = flags.find((flag) => flag.startsWith('--from='));
    let words: string[] | undefined;
    if (rest.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(rest);
        if (Array.isArray(parsed) && parsed.every((word) => typeof word === 'string')) words = parsed as string[];
      } catch {
        words = undefined;
      }
    } else words = rest.split(/\s+/).filter(Boolean);
    if (!words || words.length < 2 || words.some((word) => word.startsWith('<<'))) continue;
    const written = substitute(words[words.length - 1], variables);
    if (fromFlag !== undefined) {
      // From an earlier stage (its name or index), what it placed; from an image, none of the tree's files.
      const name = fromFlag.slice('--from='.length).toLowerCase();
      const from = /^\d+$/.test(name) ? Number(name) : stageIndexes.get(name);
      const destination = written === undefined ? undefined : written.startsWith('/') ? written : workdir && nodePath.posix.join(workdir, written);
      if (from === undefined || from >= stages - 1 || written === undefined || destination === undefined) continue;
      const stageSources = words
        .slice(0, -1)
        .map((word) => substitute(word, variables))
        .filter((word): word is string => word !== undefined && !/[*?[]/.test(word))
        .map((word) => ({ path: cleanPath(nodePath.posix.join('/', word)) }));
      const into =
        written.endsWith('/') || written === '.' || written.endsWith('/.') || words.length > 2
          ? 'directory'
          : intoOf(destination, directories, isLinked(flags));
      found.push({
        kind: 'copyFrom',
        from,
        sources: stageSources,
        destination: cleanPath(destination),
        into,
        start: start + line.length - line.trimStart().length,
        end,
      });
      continue;
    }
    // A glob, a variable or a URL among the sources leaves the literal ones placed as written
    // (DefectDojo: `COPY docker/entrypoint-uwsgi.sh … docker/certs/* /`).
    const sources = words.slice(0, -1).filter((word) => !/[$*?[]/.test(word) && !/^[a-z]+:\/\//i.test(word));
    if (sources.length === 0) continue;
    const at = start + line.length - line.trimStart().length;
    // A destination the Dockerfile does not spell out still names the sources in the context.
    if (written === undefined) {
      found.push({ kind: 'copy', sources, start: at, end });
      continue;
    }
    // `./`, `.` and `dir/` name a directory, which a joined path would no longer say; so does
    // the destination of several sources (Docker requires it to be one).
    const writtenAsDirectory = written.endsWith('/') || written === '.' || written.endsWith('/.') || words.length > 2;
    const joined = written.startsWith('/') ? written : workdir !== undefined ? nodePath.posix.join(workdir, written) : undefined;
    if (joined === undefined) {
      found.push({ kind: 'copy', sources, start: at, end });
      continue;
    }
    const path = nodePath.posix.normalize(joined).replace(/(.)\/+$/, '$1');
    const onEmptyLayer = isLinked(flags);
    const directory = writtenAsDirectory || (!onEmptyLayer && directories.holds(path));
    const mayBeDirectory = !directory && !onEmptyLayer && directories.mayHold(path);
    found.push({
      kind: 'copy',
      sources,
      destination: directory && !joined.endsWith('/') ? `${joined}/` : joined,
      ...(mayBeDirectory ? { mayBeDirectory } : {}),
      start: at,
      end,
    });
    for (const source of sources) directories.copied(source, path, directory, mayBeDirectory);
  }
  return found;
}

/** `--link` copies onto an empty layer (BuildKit's dispatchCopy: llb.Scratch, merged after), where no directory is there yet; `--chmod` turns it off. */
function isLinked(flags: string[]): boolean {
  return flags.some((flag) => flag === '--link' || flag === '--link=true') && !flags.some((flag) => flag.startsWith('--chmod'));
}

/** Whether a destination is a directory the stage holds (a file written there lands inside), may hold, or neither. */
function intoOf(destination: string, directories: StageDirectories, onEmptyLayer: boolean): Into {
  const path = cleanPath(destination);
  if (onEmptyLayer) return 'path';
  return directories.holds(path) ? 'directory' : directories.mayHold(path) ? 'either' : 'path';
}

/**
 * Directories every distribution's root file system holds: Debian's base-files (the package's
 * own directories, and those its postinst makes: /usr/local/*, /opt, /srv, /mnt, /media; Ubuntu's
 * is the same package) and Alpine's alpine-baselayout (aports main/alpine-baselayout/APKBUILD
 * `package()`, /bin from busybox), the roots of the official images. Not distroless: it unpacks
 * base-files without running its postinst (GoogleContainerTools/distroless static/static.bzl),
 * nor busybox's own image.
 */
const DISTRIBUTION_DIRECTORIES = new Set([
  '/',
  '/bin',
  '/etc',
  '/home',
  '/media',
  '/mnt',
  '/opt',
  '/root',
  '/sbin',
  '/srv',
  '/tmp',
  '/usr',
  '/usr/bin',
  '/usr/local',
  '/usr/local/bin',
  '/usr/local/lib',
  '/usr/local/share',
  '/usr/sbin',
  '/usr/share',
  '/var',
  '/var/cache',
  '/var/lib',
  '/var/log',
  '/var/spool',
  '/var/tmp',
]);

/** Docker Hub official images that are not built on a distribution's root file system. */
const NOT_DISTRIBUTION_IMAGES = new Set(['docker.io/library/busybox', 'docker.io/library/hello-world']);

/**
 * What a stage's image holds before its own instructions: a distribution's directories (a Docker
 * Hub official image: each is built on Debian, Ubuntu, Alpine or another distribution), nothing
 * (`scratch`), or what the tree does not say (another image, a variable).
 */
function imageBase(reference: string): 'distribution' | 'scratch' | 'unknown' {
  if (reference.toLowerCase() === 'scratch') return 'scratch';
  const repository = imageName(reference)?.repository;
  return repository !== undefined && repository.startsWith('docker.io/library/') && !NOT_DISTRIBUTION_IMAGES.has(repository) ? 'distribution' : 'unknown';
}

/** The directories a stage's image certainly holds at an instruction: its base's, and those its WORKDIR, RUN mkdir and COPY made. */
class StageDirectories {
  private readonly made = new Set<string>();
  /** Tree directories copied to a container path: their subdirectories are there too. */
  private readonly copiedTrees: { source: string; target: string }[] = [];

  constructor(
    private readonly base: 'distribution' | 'scratch' | 'unknown',
    private readonly sourceKind: (source: string) => 'file' | 'directory' | undefined,
  ) {}

  copy(): StageDirectories {
    const copied = new StageDirectories(this.base, this.sourceKind);
    for (const made of this.made) copied.made.add(made);
    copied.copiedTrees.push(...this.copiedTrees);
    return copied;
  }

  /** A directory and its parents. */
  make(path: string): void {
    for (let dir = path; !this.made.has(dir); dir = nodePath.posix.dirname(dir)) this.made.add(dir);
  }

  holds(path: string): boolean {
    if (this.made.has(path) || (this.base === 'distribution' && DISTRIBUTION_DIRECTORIES.has(path))) return true;
    return this.copiedTrees.some(
      ({ source, target }) => path.startsWith(target === '/' ? '/' : `${target}/`) && this.sourceKind(`${source}/${path.slice(target.length)}`) === 'directory',
    );
  }

  /** Whether a distribution's directory may be there: the base is an image the tree does not name. */
  mayHold(path: string): boolean {
    return this.base === 'unknown' && DISTRIBUTION_DIRECTORIES.has(path);
  }

  /** What a COPY of one source to `target` makes: the destination directory, or the file's own directory. */
  copied(source: string, target: string, intoDirectory: boolean, mayBeDirectory: boolean): void {
    const kind = this.sourceKind(source);
    if (kind === 'directory') {
      this.make(target);
      this.copiedTrees.push({ source, target });
    } else if (intoDirectory) this.make(target);
    else if (kind === 'file' || mayBeDirectory) this.make(nodePath.posix.dirname(target));
  }
}

/**
 * The directories a RUN's `mkdir` certainly makes: literal paths, absolute or under a literal
 * WORKDIR, in a command each run reaches (at the top level, not after `||`, `|` or `&`: not
 * inside `if` or a loop, nor one that runs only when another fails).
 */
function madeDirectories(command: string, workdir: string | undefined): string[] {
  if (command.trimStart().startsWith('[')) return [];
  const made: string[] = [];
  for (const { words, depth, after } of parseShell(MappedText.of(new SourceText('RUN', command))).commands) {
    if (words.length === 0 || depth > 0 || (after !== undefined && after !== '&&') || literalText(words[0]) !== 'mkdir') continue;
    for (let at = 1; at < words.length; at++) {
      const word = literalText(words[at]);
      if (word === '-m' || word === '--mode') at++;
      // A word with a variable, or a glob or brace the shell may expand, names no certain path.
      if (word === undefined || word.startsWith('-') || /[*?[{}~\\]/.test(word)) continue;
      const absolute = word.startsWith('/') ? word : workdir && nodePath.posix.join(workdir, word);
      if (absolute) made.push(nodePath.posix.normalize(absolute).replace(/(.)\/+$/, '$1'));
    }
  }
  return made;
}

/**
 * The `cp` and `mv` a RUN certainly runs (at the top level, as for `madeDirectories`: not inside
 * `if` or a loop, nor after `||`, `|` or `&`), with absolute paths: relative ones against the
 * WORKDIR, or the directory a top-level `cd` before it went to; a variable the Dockerfile's ENV or
 * ARG gives as a literal is expanded (unless the RUN itself sets it), any other leaves the command
 * out, as does a glob. `intoDirectory`: the destination is a directory (`-t`, several sources, a
 * trailing `/`) or certainly not one (`-T`); undefined where the image decides.
 */
function fileOperations(
  command: string,
  workdir: string | undefined,
  variables: Map<string, string>,
): (Omit<FileOperation, 'into'> & { intoDirectory: Into | undefined })[] {
  if (/^\s*(\[|<<)/.test(command)) return [];
  const source = new SourceText('RUN', command);
  const setHere = (name: string) =>
    new RegExp(`(^|[\\s;&|(])(export\\s+|local\\s+|readonly\\s+)?${name}=|\\b(read|for|unset|getopts)\\b[^;&|\\n]*\\b${name}\\b`).test(command);
  const lookup: Lookup = (name) => {
    const value = variables.get(name);
    return value !== undefined && !setHere(name) ? { value } : 'unknown';
  };
  const operations: (Omit<FileOperation, 'into'> & { intoDirectory: Into | undefined })[] = [];
  let cwd = workdir;
  for (const { words, depth, after, tested } of parseShell(MappedText.of(source)).commands) {
    const args = words.flatMap((word) => expandWord(word, source, lookup));
    const program = args[0]?.unresolved.length === 0 ? args[0].value : undefined;
    const certain = depth === 0 && !tested && (after === undefined || after === '&&');
    if (program === 'cd') {
      const to = args[1];
      // A cd that may not run, or to a place the tree does not give, leaves relative paths unknown.
      cwd =
        !certain || !to || to.unresolved.length > 0 || to.unquotedGlob || args.length > 2
          ? undefined
          : to.value.startsWith('/')
            ? cleanPath(to.value)
            : cwd && cleanPath(nodePath.posix.join(cwd, to.value));
      continue;
    }
    if (!certain || (program !== 'cp' && program !== 'mv')) continue;
    if (args.some((arg) => arg.unresolved.length > 0 || arg.unquotedGlob)) continue;
    const operands = copyOperands(program, args.slice(1));
    if (!operands) continue;
    const absolute = (path: string) => (path.startsWith('/') ? cleanPath(path) : cwd && cleanPath(nodePath.posix.join(cwd, path)));
    const destination = absolute(operands.target.value);
    const sources = operands.sources.map((arg) => ({ path: absolute(arg.value), contents: /(^|\/)\.\/*$/.test(arg.value) }));
    if (destination === undefined || sources.some((from) => from.path === undefined)) continue;
    const intoDirectory =
      operands.intoDirectory === false ? 'path' : operands.intoDirectory || sources.length > 1 || operands.target.value.endsWith('/') ? 'directory' : undefined;
    operations.push({
      command: program,
      recursive: operands.recursive,
      sources: sources.map(({ path, contents }) => ({ path: path!, contents })),
      destination,
      intoDirectory,
    });
  }
  return operations;
}
