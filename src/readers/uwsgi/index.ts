/**
 * uWSGI: ini files by uWSGI's own rules, merged with the command lines that start them.
 *
 * Each launch whose program is uWSGI (`uwsgi --ini app.ini --processes 4`, from systemd, a
 * Dockerfile, compose, a Procfile or a script) is one instance: its `UWSGI_*` environment, its
 * options and the ini files it names, in uWSGI's order (instance.ts). Each uWSGI ini file that no
 * launch starts and no other file includes is an instance of its own, read as `uwsgi --ini file`.
 * Emperor launches (`--emperor`) are not instances: their vassals are, through their own files.
 *
 * Files are found in the linted tree only. uWSGI opens a relative `ini =` name against its working
 * directory, which the tree does not say: cfglint tries the directory of the instance's main ini,
 * then that of the including file. A name on a command line is tried against the launch file's
 * directory, then as a path mirrored in the tree (`/etc/uwsgi/app.ini` → `deploy/etc/uwsgi/app.ini`),
 * then by file name when exactly one tree file fits best.
 */
import * as nodePath from 'path';
import { append } from '../../source/append';
import { closestByTail, pathComponents } from '../../source/path-tails';
import { Launch, LaunchArg, LaunchEnvValue, mountedSource, serverName } from '../launch/launch';
import type { UwsgiBackend } from './uwsgi-backend';
import type { ReaderDiagnostic, SourceComment } from '../../source/diagnostic';
import { decodeUtf8, SourceText } from '../../source/text';
import { emptyOutput, ReaderContext, ReaderOutput, sourceFor } from '../types';
import { buildBackend } from './backend';
import { readCommandLine } from './command-line';
import { guarded } from '../kit/failure';
import { iniComments } from './ini';
import { maskTemplate, templateDialectOf } from '../../discovery/template';
import { TemplateSourceText } from '../template-text';
import { UNKNOWN } from './magic';
import { BuiltInstance, buildInstance, InstanceStart, UwsgiFiles, UwsgiMachine } from './instance';

export { buildInstance } from './instance';
export type { UwsgiMachine, UwsgiFiles } from './instance';

/** `uwsgi`, and the per-language builds Debian ships as `uwsgi_python3`, `uwsgi-core`. */
export function isUwsgiProgram(program: string): boolean {
  return /^uwsgi(?:[-_][a-z0-9.]+)?$/i.test(program);
}

export function readUwsgi(files: string[], launches: Launch[], context: ReaderContext): ReaderOutput & { backends: UwsgiBackend[] } {
  const output = emptyOutput();
  const backends: UwsgiBackend[] = [];
  const sources = new Map<string, SourceText>();
  const treeFiles = new Set(context.treeFiles);
  const reading = new TreeFiles(context, treeFiles, new Set(files), sources);
  const diagnostics: ReaderDiagnostic[] = [];

  const startedFiles = new Set<string>();
  for (const launch of launches) {
    if (!isUwsgiProgram(launch.program)) continue;
    guarded(diagnostics, 'uWSGI reader', launch.span, () => {
      const commandLine = readCommandLine(launch.argv.slice(1).map(withUnknownParts));
      if (commandLine.options.some((option) => option.key === 'emperor')) return;
      const envValue = (value: LaunchEnvValue) => (value.unresolved ? UNKNOWN : value.value);
      const environment = [...launch.env].map(([name, value]) => ({ name, value: envValue(value), text: value.value, span: value.span }));
      const workingDirectory = launch.workingDirectory && !launch.workingDirectory.unresolved ? launch.workingDirectory.value : undefined;
      const machine: UwsgiMachine = {
        env: { vars: new Map([...launch.env].map(([name, value]) => [name, envValue(value)])), complete: false },
        realPaths: false,
        cwd: workingDirectory,
      };
      // UWSGI_* variables from an EnvironmentFile=/env_file: set options the tree does not show.
      const gaps = (launch.externalEnv ?? []).map((span) => ({ reason: 'environment from outside the tree may set UWSGI_* options', span }));
      const writtenByLauncher = launcherWrites(launch, context);
      const instance = buildInstance({ environment, commandLine, gaps, writtenByLauncher }, machine, reading.forLaunch(launch), context.displayPath);
      instance.files.forEach((file) => startedFiles.add(file));
      append(diagnostics, instance.diagnostics);
      const main = instance.files[0];
      backends.push(
        finishBackend(
          instance,
          serverName(launch, main ? nodePath.basename(main) : undefined),
          main ? context.displayPath(main) : launch.file,
          launch,
          context,
        ),
      );
    });
  }

  // Files no launch starts: each on its own, unless another such file includes it.
  const standalone: { file: string; instance: BuiltInstance }[] = [];
  for (const file of files) {
    if (startedFiles.has(file)) continue;
    const start = { line: 1, column: 1, offset: 0 };
    guarded(diagnostics, 'uWSGI reader', { file: context.displayPath(file), start, end: start }, () => {
      const machine: UwsgiMachine = { env: { vars: new Map(), complete: false }, realPaths: false };
      const request: InstanceStart = { iniFile: file };
      standalone.push({ file, instance: buildInstance(request, machine, reading.forFiles(), context.displayPath) });
    });
  }
  const included = new Set(standalone.flatMap(({ instance }) => instance.files.slice(1)));
  const kept = standalone.filter(({ file }) => !included.has(file));
  for (const { file, instance } of kept.length > 0 ? kept : standalone) {
    append(diagnostics, instance.diagnostics);
    backends.push(finishBackend(instance, nodePath.basename(file), context.displayPath(file), undefined, context));
  }
  // Every file classified as uWSGI is part of the report, even when nothing else reads it.
  for (const file of files) reading.read(file);

  append(output.diagnostics, diagnostics);
  for (const source of sources.values()) {
    output.sources.push(source);
    const comments: SourceComment[] = iniComments(source);
    if (comments.length > 0) output.comments.set(source.file, comments);
  }
  return { ...output, backends };
}

/**
 * An argument the tree does not determine (`--processes $WORKERS`): its value becomes unknown,
 * keeping a literal `--name=` in front so the option is still recognised.
 */
function withUnknownParts(arg: LaunchArg): LaunchArg {
  if (!arg.unresolved) return arg;
  const named = /^(--?[A-Za-z0-9][\w-]*=)/.exec(arg.value);
  return { ...arg, value: named && !named[1].includes('$') ? named[1] + UNKNOWN : UNKNOWN };
}

function finishBackend(instance: BuiltInstance, name: string, file: string, launch: Launch | undefined, context: ReaderContext): UwsgiBackend {
  const backend = buildBackend(instance, name, file, launch);
  backend.iniFiles = instance.files.map((path) => context.displayPath(path));
  return backend;
}

/** Config files as the linted tree holds them. */
class TreeFiles {
  constructor(
    private readonly context: ReaderContext,
    private readonly treeFiles: Set<string>,
    /** The files classify() gave uWSGI: it has said whether each is a template. */
    private readonly classified: Set<string>,
    private readonly sources: Map<string, SourceText>,
  ) {}

  read(path: string): SourceText | undefined {
    let source = this.sources.get(path);
    if (source) return source;
    if (!this.treeFiles.has(path)) return undefined;
    let text: string;
    try {
      text = decodeUtf8(this.context.fs.read(path));
    } catch {
      // walk() reports files it cannot read as read-error already.
      return undefined;
    }
    source = sourceFor(this.context, path, text);
    // A file only a launch names (tutor's uwsgi.ini, all `{% include %}` and `{{ patch(…) }}`, has
    // no [uwsgi] section to be classified by): its tags are found here, as classify() finds them.
    const dialect = this.classified.has(path) || this.context.embedded?.has(path) ? undefined : templateDialectOf(text);
    if (dialect) source = new TemplateSourceText(source.file, text, maskTemplate(text, dialect));
    this.sources.set(path, source);
    return source;
  }

  /** Names inside ini files: the main ini's directory, then the including file's. */
  forFiles(): UwsgiFiles {
    return {
      resolve: (name, from, main) => this.resolveInTree(name, [main, from]),
      read: (path) => this.read(path),
      serverPath: () => undefined,
    };
  }

  /** Names on a launch's command line: its file's directory, a mirrored path, then the file name. */
  forLaunch(launch: Launch): UwsgiFiles {
    const launchPath = this.absoluteOf(launch.file);
    const workingDirectory = launch.workingDirectory && !launch.workingDirectory.unresolved ? launch.workingDirectory.value : undefined;
    return {
      resolve: (name, from, main) => {
        // A path the container sees through a bind mount is that tree file, wherever it is.
        const mounted = nodePath.isAbsolute(name) ? mountedSource(launch, nodePath.normalize(name)) : undefined;
        if (mounted !== undefined && this.treeFiles.has(mounted)) return mounted;
        if (from !== undefined) return this.resolveInTree(name, [main, from]);
        // On the server the name is relative to the working directory, when the launch says it.
        const serverName =
          !nodePath.isAbsolute(name) && workingDirectory && nodePath.isAbsolute(workingDirectory) ? nodePath.join(workingDirectory, name) : name;
        const mountedFromDirectory = serverName !== name ? mountedSource(launch, nodePath.normalize(serverName)) : undefined;
        if (mountedFromDirectory !== undefined && this.treeFiles.has(mountedFromDirectory)) return mountedFromDirectory;
        return this.resolveInTree(name, [launchPath]) ?? this.resolveInTree(serverName, []) ?? this.byFileName(serverName, launchPath);
      },
      read: (path) => this.read(path),
      serverPath: () => undefined,
    };
  }

  private absoluteOf(displayPath: string): string | undefined {
    for (const file of this.treeFiles) if (this.context.displayPath(file) === displayPath) return file;
    return undefined;
  }

  private resolveInTree(name: string, nextTo: (string | undefined)[]): string | undefined {
    if (nodePath.isAbsolute(name)) {
      const normal = nodePath.normalize(name);
      if (this.treeFiles.has(normal)) return normal;
      const mirrored = [...this.treeFiles].filter((file) => file.endsWith(normal));
      return mirrored.length === 1 ? mirrored[0] : undefined;
    }
    for (const file of nextTo) {
      if (file === undefined) continue;
      const candidate = nodePath.join(nodePath.dirname(file), name);
      if (this.treeFiles.has(candidate)) return candidate;
    }
    return undefined;
  }

  /**
   * The tree file with the same name that shares the most trailing path components with the
   * name (`/app/conf/uwsgi.ini` prefers `deploy/conf/uwsgi.ini` over `docs/uwsgi.ini`); on a tie,
   * the one nearest the launch file; still tied, none.
   */
  private byFileName(name: string, launchPath: string | undefined): string | { ambiguous: string[] } | undefined {
    const wanted = pathComponents(nodePath.normalize(name));
    if (wanted.length === 0) return undefined;
    // Without a launch file every tie stays a tie.
    const best = closestByTail(this.treeFiles, wanted, launchPath === undefined ? undefined : nodePath.dirname(launchPath));
    if (best.length > 1) return { ambiguous: best };
    return best[0];
  }
}

/**
 * For a uWSGI a shell script starts: whether that script writes a path itself, by a redirection
 * (`> uwsgi.ini`, `>> …`) or `tee`, as written (relative paths compared as written: both are
 * relative to the script's working directory).
 */
function launcherWrites(launch: Launch, context: ReaderContext): ((path: string) => boolean) | undefined {
  // The file the command is written in: a script, also when a container runs it.
  const shown = launch.span.file;
  const script = context.treeFiles.find((file) => context.displayPath(file) === shown);
  if (!script) return undefined;
  let text: string;
  try {
    text = decodeUtf8(context.fs.read(script));
  } catch {
    return undefined;
  }
  if (!shown.endsWith('.sh') && !text.startsWith('#!')) return undefined;
  return (path) => {
    const name = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(>>?|\\btee(\\s+-a)?)\\s*["']?(\\./)?${name}["']?(?=[\\s;&|)]|$)`, 'm').test(text);
  };
}
