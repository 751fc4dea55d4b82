/**
 * Files the tree's scripts write where nginx reads them: an entrypoint that runs
 * `envsubst < /templates/site.conf.template > /etc/nginx/conf.d/site.conf`, `cp`, `ln -s`,
 * `install`, `tee`, `cat > file <<EOF`, `printf … > file`. nginx's include of such a file is
 * not missing from the deployment, only from the tree as written.
 *
 * Scripts are read with the launch reader's shell reading (runShell): variables the script sets
 * are substituted, anything else leaves the path unresolved. A path with an unresolved part is a
 * gap: only its literal directory is known. A relative path is read from where the script starts:
 * the working directory of the containers whose command names it (compose `working_dir`, else the
 * image's WORKDIR), when they all give the same one; else it is not known. Where the written
 * content is a file of the tree (cp, ln, envsubst or cat of a template, its path mapped through
 * COPY or a mount when needed), the write says which file that is.
 */
import * as nodePath from 'path';
import { parseCompose, treeComposeReader } from '../docker/compose';
import { DockerStage, parseDockerfile } from '../docker/dockerfile';
import { TreeKind, treeKinds } from '../docker/placed-files';
import type { IncludeMapping, WrittenPath } from '../nginx/include';
import { SourceText } from '../../source/text';
import { MappedText } from '../kit/mapped-text';
import { programPaths, RedirectedGroup, runShell, scriptWord, ShellStep, withoutRunPrefixes, writesFile } from './program';
import { SHELL_SHEBANG } from '../../discovery/classify';
import { ALL_UNKNOWN, RawArg } from '../kit/raw';
import { copyOperands } from '../kit/copy-operands';

export interface WrittenFilesInput {
  /** Files the discovery took for shell scripts (`*.sh`). */
  shellFiles: string[];
  dockerfiles: string[];
  composeFiles: string[];
  /** Every file of the tree (absolute). */
  treeFiles: string[];
  /** Where COPY and mounts put the tree's files (container path → tree path). */
  placed: IncludeMapping[];
  readText: (path: string) => string | undefined;
  displayPath: (path: string) => string;
}

/**
 * Where s6-overlay (the init of linuxserver.io's and many other images) keeps the scripts it runs
 * when the container starts: cont-init.d (v2), and each service's `run` (s6-rc in v3, services.d).
 */
const S6_SCRIPT = /(^|\/)etc\/(?:cont-init\.d\/[^/]+|s6-overlay\/s6-rc\.d\/[^/]+\/run|services\.d\/[^/]+\/run)$/;

/** Every write the tree's start-up scripts make, each with the script line that makes it. */
export function writtenFiles(input: WrittenFilesInput): WrittenPath[] {
  const treeKind = treeKinds(input.treeFiles);
  const placedTarget = (containerPath: string) => mapped(containerPath, input.placed);
  const services = composeServices(input);
  const writes: PendingWrite[] = [];
  for (const [script, startDirectory] of startupScripts(input, treeKind, services, placedTarget)) {
    const text = input.readText(script);
    if (text === undefined) continue;
    const source = new SourceText(input.displayPath(script), text);
    // The container the script runs in: the compose services that mount it (each has its own
    // mounts; the tree-wide map drops a path two services mount differently), else the image.
    const own = scriptMounts(script, services, treeKind);
    const resolve = (path: string) => (treeKind(path) !== undefined ? path : (mapped(path, own) ?? placedTarget(path)));
    try {
      for (const write of scriptWrites(source, startDirectory)) {
        const tree = write.sourcePath ? resolve(write.sourcePath) : undefined;
        writes.push({ ...write, ...(tree ? { sourcePath: tree } : {}) });
      }
    } catch {
      // A script the shell reading fails on (reported by the launch reader) writes nothing here.
      continue;
    }
  }
  return attachSources(writes, treeKind);
}

/** Where a container path lands in the tree under the longest mapping that covers it. */
function mapped(containerPath: string, mappings: IncludeMapping[]): string | undefined {
  const mapping = mappings
    .filter((m) => containerPath === m.from || containerPath.startsWith(`${m.from.replace(/\/$/, '')}/`))
    .sort((a, b) => b.from.length - a.from.length)[0];
  return mapping ? nodePath.join(mapping.to, containerPath.slice(mapping.from.replace(/\/$/, '').length)) : undefined;
}

type ComposeServiceMounts = { source: string; target: string }[];

function composeServices(input: WrittenFilesInput): ComposeServiceMounts[] {
  const services: ComposeServiceMounts[] = [];
  const readCompose = treeComposeReader(input.treeFiles, input.readText, input.displayPath);
  for (const path of input.composeFiles) {
    const text = input.readText(path);
    if (text === undefined) continue;
    try {
      for (const service of parseCompose(new SourceText(input.displayPath(path), text), path, readCompose).services) {
        services.push(service.volumes.map((mount) => ({ source: mount.source, target: nodePath.posix.normalize(mount.target).replace(/(.)\/+$/, '$1') })));
      }
    } catch {
      continue;
    }
  }
  return services;
}

/** The bind mounts of the services that mount this script (one target claimed twice is dropped). */
function scriptMounts(script: string, services: ComposeServiceMounts[], treeKind: TreeKind): IncludeMapping[] {
  const claims = new Map<string, Set<string>>();
  for (const mounts of services) {
    if (!mounts.some((mount) => script === mount.source || script.startsWith(`${mount.source.replace(/\/+$/, '')}/`))) continue;
    for (const mount of mounts) {
      const source = mount.source.replace(/(.)\/+$/, '$1');
      if (treeKind(source) !== undefined) claims.set(mount.target, (claims.get(mount.target) ?? new Set()).add(source));
    }
  }
  return [...claims].filter(([, sources]) => sources.size === 1).map(([from, sources]) => ({ from, to: [...sources][0] }));
}

/**
 * Shell files of the tree, files under a `docker-entrypoint.d/` (the nginx image runs them
 * before nginx), s6-overlay's start-up scripts, and the tree files that a Dockerfile's or compose
 * service's entrypoint or command names, when they are shell scripts; each with the directory it
 * starts in, where every command that names it starts it in one known directory.
 */
function startupScripts(
  input: WrittenFilesInput,
  treeKind: TreeKind,
  services: ComposeServiceMounts[],
  placedTarget: (path: string) => string | undefined,
): Map<string, string | undefined> {
  const scripts = new Set(input.shellFiles);
  /** The working directories of the commands that name each script (undefined: one the tree does not give). */
  const startedIn = new Map<string, Set<string | undefined>>();
  const isShellScript = (path: string) => {
    const head = input.readText(path)?.slice(0, 256);
    return head !== undefined && SHELL_SHEBANG.test(head);
  };
  for (const file of input.treeFiles) {
    if (/(^|\/)docker-entrypoint\.d\//.test(file) && (/\.(sh|envsh)$/.test(file) || isShellScript(file))) scripts.add(file);
    else if (S6_SCRIPT.test(file) && isShellScript(file)) scripts.add(file);
  }
  // Mounted where the nginx image runs it (`./init.sh:/docker-entrypoint.d/40-init.sh`).
  for (const mounts of services) {
    for (const mount of mounts) if (mount.target.startsWith('/docker-entrypoint.d/') && treeKind(mount.source) === 'file') scripts.add(mount.source);
  }
  const named = (program: string | undefined, cwd: string | undefined) => {
    if (!program) return;
    const candidate = programPaths(program, cwd)
      .map((path) => placedTarget(path))
      .find((path) => path !== undefined && treeKind(path) === 'file');
    if (!candidate || !isShellScript(candidate)) return;
    scripts.add(candidate);
    startedIn.set(candidate, (startedIn.get(candidate) ?? new Set()).add(cwd));
  };
  const stageCommands = (stage: DockerStage) =>
    [stage.entrypoint, stage.cmd].flatMap((command) =>
      command ? [command.form === 'exec' ? command.words.map((word) => word.value) : (command.text?.value ?? '').trim().split(/\s+/)] : [],
    );
  const stagesByDockerfile = new Map<string, DockerStage[]>();
  for (const path of input.dockerfiles) {
    const text = input.readText(path);
    if (text === undefined) continue;
    let parsed;
    try {
      parsed = parseDockerfile(new SourceText(input.displayPath(path), text));
    } catch {
      continue;
    }
    stagesByDockerfile.set(path, parsed.stages);
    for (const stage of parsed.stages) for (const words of stageCommands(stage)) named(scriptWord(words), knownDirectory(stage.workdir));
  }
  const readCompose = treeComposeReader(input.treeFiles, input.readText, input.displayPath);
  for (const path of input.composeFiles) {
    const text = input.readText(path);
    if (text === undefined) continue;
    let services;
    try {
      services = parseCompose(new SourceText(input.displayPath(path), text), path, readCompose).services;
    } catch {
      continue;
    }
    for (const service of services) {
      // The image's WORKDIR, where the service builds the image (its last stage or its `target:`).
      const stages = service.build ? stagesByDockerfile.get(service.build.dockerfile) : undefined;
      const stage = service.build?.target ? stages?.find((candidate) => candidate.name === service.build?.target) : stages?.[stages.length - 1];
      const cwd = service.workingDir ? knownDirectory(service.workingDir) : knownDirectory(stage?.workdir);
      for (const command of [service.entrypoint, service.command]) {
        if (command) named(scriptWord(command.args.filter((arg) => arg.unresolved.length === 0).map((arg) => arg.value)), cwd);
      }
      // The image's own command, run where the service's `working_dir` puts it.
      if (service.workingDir && stage && !service.entrypoint && !service.command) for (const words of stageCommands(stage)) named(scriptWord(words), cwd);
    }
  }
  return new Map(
    [...scripts].map((script) => {
      const directories = startedIn.get(script);
      return [script, directories?.size === 1 ? [...directories][0] : undefined];
    }),
  );
}

/** A working directory the tree gives as an absolute path. */
function knownDirectory(directory: RawArg | undefined): string | undefined {
  return directory && directory.unresolved.length === 0 && directory.value.startsWith('/') ? nodePath.posix.normalize(directory.value) : undefined;
}

/** A write before the tree's sources are known: `sourcePath` is the path as the script names it. */
export type PendingWrite = WrittenPath & { sourcePath?: string; certain: boolean };

/** The writes of one script, in order; `source` is attached later (it needs every script's writes). */
function scriptWrites(source: SourceText, startDirectory: string | undefined): PendingWrite[] {
  return stepWrites(source, runShell(MappedText.of(source), ALL_UNKNOWN), startDirectory);
}

/**
 * The writes of a script's steps, in order: `sourcePath` (as the script names it) is the path
 * whose content a write copies; `certain` when it runs whenever the script does. A relative path
 * is read from the step's `cd`, else from `startDirectory` (undefined: not known).
 */
export function stepWrites(
  source: SourceText,
  { steps, groups }: { steps: ShellStep[]; groups: RedirectedGroup[] },
  startDirectory: string | undefined,
): PendingWrite[] {
  const absolutePath = (arg: RawArg, step: Place) => absolutePathFrom(arg, step, startDirectory);
  /** `ln -s ../a /x/b`: a relative link target is relative to the link's directory, not the working one. */
  const linkSource = (program: string, symbolic: boolean, from: RawArg, link: RawArg, step: Place): RawArg => {
    if (program !== 'ln' || !symbolic || from.value.startsWith('/')) return from;
    const linkPath = absolutePath(link, step);
    if (!linkPath || 'gap' in linkPath) return { ...from, value: '' };
    return { ...from, value: nodePath.posix.join(nodePath.posix.dirname(linkPath.path), from.value) };
  };
  const writes: PendingWrite[] = [];
  const base = (step: Place, target: RawArg) => ({
    script: source.file,
    span: source.span(step.start, Math.max(step.end, target.end)),
    certain: step.depth === 0,
  });
  /** `from`: the path whose content the file gets, when the command copies one. */
  const record = (step: Place, target: RawArg, kind: 'file' | 'directory', from?: RawArg) => {
    const path = absolutePath(target, step);
    if (path === undefined) return;
    if ('gap' in path) {
      writes.push({ ...base(step, target), path: path.gap, kind: 'gap' });
      return;
    }
    const fromPath = from ? absolutePath(from, step) : undefined;
    const sourcePath = fromPath && 'path' in fromPath && !hasGlob(fromPath.path) ? fromPath.path : undefined;
    writes.push({ ...base(step, target), path: path.path, kind, ...(sourcePath ? { sourcePath } : {}) });
  };
  /** Files whose names the tree does not say land in this directory. */
  const recordGap = (step: Place, directory: RawArg) => {
    const path = absolutePath(directory, step);
    if (path) writes.push({ ...base(step, directory), path: 'gap' in path ? path.gap : path.path, kind: 'gap' });
  };

  for (let index = 0; index < steps.length; index++) {
    const step = steps[index];
    const args = withoutRunPrefixes(step.args);
    if (args.length === 0) continue;
    const program = args[0].unresolved.length === 0 ? nodePath.posix.basename(args[0].value) : '';
    const operands = args.slice(1);

    for (const redirect of step.redirects) {
      if (!writesFile(redirect)) continue;
      // What the file then holds, when it is a tree file as it is (cat) or with variables filled in (envsubst).
      let from: RawArg | undefined;
      const input = step.redirects.find((candidate) => candidate.operator === '<' && candidate.fd === undefined)?.target;
      const heredoc = step.redirects.some((candidate) => candidate.operator.startsWith('<<'));
      const previous = index > 0 && steps[index - 1].pipesInto ? withoutRunPrefixes(steps[index - 1].args) : undefined;
      const files = operands.filter((arg) => !arg.value.startsWith('-'));
      if (program === 'cat' && files.length === 1 && !input && !heredoc && !previous) from = files[0];
      else if (program === 'envsubst' && input && !heredoc) from = input;
      else if (program === 'envsubst' && !input && !heredoc && previous?.length === 2 && previous[0].value === 'cat') from = previous[1];
      record(step, redirect.target, 'file', from);
    }

    if (program === 'tee') {
      for (const arg of operands) if (!arg.value.startsWith('-')) record(step, arg, 'file');
      continue;
    }
    if (program !== 'cp' && program !== 'mv' && program !== 'install' && program !== 'ln') continue;
    const copy = copyOperands(program, operands);
    if (!copy) continue;
    const intoDirectory = copy.intoDirectory ?? (copy.target.value.endsWith('/') || copy.sources.length > 1 ? true : undefined);
    const kind = copy.recursive ? 'directory' : 'file';
    for (const from of copy.sources) {
      const known = from.unresolved.length === 0 && !hasGlob(from.value);
      // Without a trailing slash the target is the new file itself, or a directory it lands in.
      if (intoDirectory !== false) {
        if (known) {
          const landing = joinArg(copy.target, nodePath.posix.basename(from.value.replace(/\/+$/, '')));
          record(step, landing, kind, linkSource(program, copy.symbolic, from, landing, step));
        } else recordGap(step, copy.target);
      }
      // A directory copied onto a target that may exist lands inside it: which one is not certain.
      const certainlyItself = intoDirectory === false || !copy.recursive;
      if (intoDirectory !== true)
        record(step, copy.target, kind, known && certainlyItself ? linkSource(program, copy.symbolic, from, copy.target, step) : undefined);
    }
  }
  // `{ echo …; } > file`, `done > file`: what the commands print, never a copy of a tree file.
  for (const group of groups) for (const redirect of group.redirects) if (writesFile(redirect)) record(group, redirect.target, 'file');
  return writes;
}

/** Where a command runs and how surely: a step, or a compound command's redirections. */
type Place = Pick<ShellStep, 'start' | 'end' | 'depth' | 'cwd'>;

function joinArg(directory: RawArg, name: string): RawArg {
  return { ...directory, value: `${directory.value.replace(/\/+$/, '')}/${name}` };
}

function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * The absolute path a word names: resolved against the script's known working directory when
 * relative (the step's `cd`, else where the script starts); a gap (its literal directory) when a
 * variable the tree does not set is in it.
 */
function absolutePathFrom(arg: RawArg, step: Place, startDirectory: string | undefined): { path: string } | { gap: string } | undefined {
  if (arg.unresolved.length > 0) {
    const cut = Math.min(
      ...arg.unresolved.map((part) => {
        const at = arg.value.indexOf(part);
        return at === -1 ? 0 : at;
      }),
    );
    const prefix = arg.value.slice(0, cut);
    const directory = prefix.slice(0, prefix.lastIndexOf('/'));
    return prefix.startsWith('/') && directory.length > 1 ? { gap: nodePath.posix.normalize(directory) } : undefined;
  }
  let value = arg.value;
  if (value === '' || value.startsWith('/dev/') || value.startsWith('/proc/')) return undefined;
  if (!value.startsWith('/')) {
    const cwd = step.cwd ? (step.cwd.unresolved.length > 0 ? undefined : step.cwd.value) : startDirectory;
    if (!cwd?.startsWith('/')) return undefined;
    value = nodePath.posix.join(cwd, value);
  }
  return { path: nodePath.posix.normalize(value).replace(/(.)\/+$/, '$1') };
}

/**
 * Which tree file (or directory) a write copies, where that is certain: the write runs whenever
 * the script does (not inside `if`, a loop or a function), every write of that path copies the
 * same tree path.
 */
function attachSources(writes: PendingWrite[], treeKind: TreeKind): WrittenPath[] {
  const sourcesOf = new Map<string, Set<string | undefined>>();
  for (const write of writes) {
    if (write.kind === 'gap') continue;
    const tree = write.certain && write.sourcePath && treeKind(write.sourcePath) !== undefined ? write.sourcePath : undefined;
    sourcesOf.set(write.path, (sourcesOf.get(write.path) ?? new Set()).add(tree));
  }
  return writes.map(({ sourcePath, certain, ...write }) => {
    const sources = sourcesOf.get(write.path);
    if (!sourcePath || !certain || !sources || sources.size !== 1) return write;
    const kind = treeKind(sourcePath);
    // `cp -a site.conf …` copies a file even with the recursive flag.
    if (kind === undefined || (kind === 'directory' && write.kind !== 'directory')) return write;
    return { ...write, kind, source: sourcePath };
  });
}
