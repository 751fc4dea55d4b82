/**
 * Files an image or a container gets from the tree, at the path the server opens them: Dockerfile
 * `COPY`/`ADD` (relative to the build context: compose's, or build-context.ts) and compose bind mounts. nginx's includes name the
 * container's paths (`include /etc/nginx/wsgi_params;`); these say which tree file that is, and
 * in which containers: a file one image copies is not in another image's container.
 *
 * Only literal paths of files the tree holds are kept (no globs, no `--from=` stages, no
 * variables, no relative destinations), and a container path that two sources claim is dropped:
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
 * instruction's offsets in the Dockerfile.
 */
export function copiedFiles(text: string, context: string, kindOf: TreeKind): { source: string; target: string; start: number; end: number }[] {
  const copied: { source: string; target: string; start: number; end: number }[] = [];
  /** The tree path a source names; undefined out of the context (`COPY ../x` is refused by docker build). */
  const pathOf = (source: string) => {
    const from = nodePath.resolve(context, source);
    return from === context || from.startsWith(context + nodePath.sep) ? from : undefined;
  };
  const sourceKind = (source: string) => {
    const from = pathOf(source);
    return from === undefined ? undefined : kindOf(from);
  };
  for (const copy of copyInstructions(text, sourceKind)) {
    if (copy.destination === undefined) continue;
    const destinationIsDirectory = copy.destination.endsWith('/') || copy.sources.length > 1;
    for (const source of copy.sources) {
      const from = pathOf(source);
      const kind = from === undefined ? undefined : kindOf(from);
      if (from === undefined || kind === undefined) continue;
      const inside = nodePath.posix.join(copy.destination, nodePath.basename(from));
      // A file lands in a directory the destination names, as that path otherwise; both where the image may hold one there.
      const targets =
        kind !== 'file' ? [copy.destination] : destinationIsDirectory ? [inside] : copy.mayBeDirectory ? [inside, copy.destination] : [copy.destination];
      for (const target of targets)
        copied.push({ source: from, target: nodePath.posix.normalize(target).replace(/(.)\/+$/, '$1'), start: copy.start, end: copy.end });
    }
  }
  return copied;
}

/** The literal paths every `COPY`/`ADD` of the tree's build context names (not those `--from` a stage or an image), as written. */
export function copiedSources(text: string): string[] {
  return [...new Set(copyInstructions(text).flatMap((copy) => copy.sources))];
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

/**
 * The literal sources of `COPY`/`ADD` (globs, variables and URLs left out) with their destination
 * where it is absolute or relative to a literal `WORKDIR` of the stage (Docker resolves it there;
 * undefined otherwise), continuation lines joined. A destination ends with `/` where it is
 * certainly a directory: written so, the destination of several sources, or a directory the
 * image holds by then (`StageDirectories`), into which BuildKit copies a file without the slash
 * (fsutil copy.go `prepareTargetDir`: an existing directory as destination takes the source's
 * name under it). `mayBeDirectory`: a distribution's directory in an image the tree does not name.
 */
function copyInstructions(
  text: string,
  sourceKind: (source: string) => 'file' | 'directory' | undefined = () => undefined,
): { sources: string[]; destination?: string; mayBeDirectory?: true; start: number; end: number }[] {
  const found: { sources: string[]; destination?: string; mayBeDirectory?: true; start: number; end: number }[] = [];
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
  for (const { line, start, end } of logical) {
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (from) {
      // A stage built on an earlier one starts in its working directory; an image's is unknown.
      workdir = workdirsByStage.get(from[1].toLowerCase());
      variables = new Map(variablesByStage.get(from[1].toLowerCase()) ?? []);
      directories = directoriesByStage.get(from[1].toLowerCase())?.copy() ?? new StageDirectories(imageBase(from[1]), sourceKind);
      stage = from[2]?.toLowerCase();
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
      workdir = path.includes('$') ? undefined : path.startsWith('/') ? nodePath.posix.normalize(path) : workdir && nodePath.posix.join(workdir, path);
      if (stage !== undefined) workdirsByStage.set(stage, workdir);
      // WORKDIR makes its directory and parents (BuildKit dispatchWorkdir: llb.Mkdir WithParents).
      if (workdir !== undefined) directories.make(workdir);
      continue;
    }
    const run = /^\s*RUN\s+(?:--\S+\s+)*(.*)$/i.exec(line);
    if (run) {
      for (const made of madeDirectories(run[1], workdir)) directories.make(made);
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
    // From another stage or image: not the tree's files.
    if (flags.some((flag) => flag.startsWith('--from'))) continue;
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
    // A glob, a variable or a URL among the sources leaves the literal ones placed as written
    // (DefectDojo: `COPY docker/entrypoint-uwsgi.sh … docker/certs/* /`).
    const sources = words.slice(0, -1).filter((word) => !/[$*?[]/.test(word) && !/^[a-z]+:\/\//i.test(word));
    if (sources.length === 0) continue;
    const at = start + line.length - line.trimStart().length;
    // A destination the Dockerfile does not spell out still names the sources in the context.
    if (written === undefined) {
      found.push({ sources, start: at, end });
      continue;
    }
    // `./`, `.` and `dir/` name a directory, which a joined path would no longer say; so does
    // the destination of several sources (Docker requires it to be one).
    const writtenAsDirectory = written.endsWith('/') || written === '.' || written.endsWith('/.') || words.length > 2;
    const joined = written.startsWith('/') ? written : workdir !== undefined ? nodePath.posix.join(workdir, written) : undefined;
    if (joined === undefined) {
      found.push({ sources, start: at, end });
      continue;
    }
    const path = nodePath.posix.normalize(joined).replace(/(.)\/+$/, '$1');
    // `--link` copies onto an empty layer (BuildKit's dispatchCopy: llb.Scratch, merged after), where no directory is there yet; `--chmod` turns it off.
    const onEmptyLayer = flags.some((flag) => flag === '--link' || flag === '--link=true') && !flags.some((flag) => flag.startsWith('--chmod'));
    const directory = writtenAsDirectory || (!onEmptyLayer && directories.holds(path));
    const mayBeDirectory = !directory && !onEmptyLayer && directories.mayHold(path);
    found.push({
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
