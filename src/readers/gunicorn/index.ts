/**
 * Gunicorn: gunicorn.conf.py read as Python syntax (never run), merged with command lines and
 * GUNICORN_CMD_ARGS. One backend per launch that runs gunicorn, and one per config file that
 * no launch names. Precedence, lowest first (docs/servers/gunicorn.md#configuration-precedence; 20.1.0 gunicorn/app/base.py
 * load_config): defaults (PORT and WEB_CONCURRENCY from the environment) < config file <
 * GUNICORN_CMD_ARGS < command line. The config file is the one `-c` names on the command line,
 * else the one in GUNICORN_CMD_ARGS, else ./gunicorn.conf.py in the working directory.
 */
import * as nodePath from 'path';
import type { Listener, ListenAddress } from '../backend';
import type { Setting, ValueSource } from '../../source/setting';
import type { GunicornBackend, GunicornConfigFile, GunicornWorkerKind } from './gunicorn-backend';
import { isGunicornSetting } from '../../reference/gunicorn-settings';
import { knownValue, Launch, LaunchArg, LaunchEnvValue, mountedSource, serverName } from '../launch/launch';
import type { Span } from '../../source/span';
import type { SourceComment } from '../../source/diagnostic';
import { guarded } from '../kit/failure';
import { readSource } from '../kit/files';
import { closestByTail, pathComponents } from '../../source/path-tails';
import type { SourceText } from '../../source/text';
import { emptyOutput, ReaderContext, ReaderOutput } from '../types';
import { ArgToken, ParsedCommandLine, parseGunicornArgs, shlexSplit } from './args';
import { pythonIntBase10 } from '../kit/python/values';
import { PyBinding, readPythonModule, PythonModule } from '../kit/python/module';
import type { PythonEnvironment } from '../kit/python/evaluator';
import { CANONICAL, CanonicalSpec, Converted, fromCli, fromPython } from './values';

/** A config file as read: its text, its module, and the model's view of its names. */
interface ReadFile {
  absolute: string;
  source: SourceText;
  module: PythonModule;
  config: GunicornConfigFile;
}

const CONVENTIONAL_NAMES = new Set(['gunicorn.conf.py', 'gunicorn_config.py', 'gunicorn_conf.py', 'gunicorn.py', 'gunicorn.config.py']);
const SYNC_REASON = "gunicorn's sync worker closes every connection after one response (docs/servers/gunicorn.md#keepalive; 20.1.0 workers/sync.py:171-174)";

export function readGunicorn(files: string[], launches: Launch[], context: ReaderContext): ReaderOutput & { backends: GunicornBackend[] } {
  const output = { ...emptyOutput(), backends: [] as GunicornBackend[] };
  const cache = new Map<string, ReadFile | undefined>();
  const read = (absolute: string, linked: boolean): ReadFile | undefined => {
    if (cache.has(absolute)) {
      const known = cache.get(absolute);
      if (known && linked) known.config.looksLikeConfig = true;
      return known;
    }
    const file = readConfigFile(absolute, linked, context, output);
    cache.set(absolute, file);
    return file;
  };

  const linkedFiles = new Set<string>();
  for (const launch of launches) {
    guarded(output.diagnostics, 'gunicorn reader', launch.span, () => {
      const backend = backendForLaunch(launch, context, read);
      if (!backend) return;
      if (backend.config) linkedFiles.add(backend.config.file);
      output.backends.push(backend);
    });
  }
  for (const absolute of [...files].sort()) {
    guarded(output.diagnostics, 'gunicorn reader', context.displayPath(absolute), () => {
      const file = read(absolute, false);
      if (!file || linkedFiles.has(file.config.file) || !file.config.looksLikeConfig) return;
      output.backends.push(buildBackend({ file, launch: undefined, configReference: undefined }));
    });
  }
  return output;
}

function readConfigFile(absolute: string, linked: boolean, context: ReaderContext, output: ReaderOutput): ReadFile | undefined {
  const display = context.displayPath(absolute);
  const source = readSource(absolute, context, output);
  if (!source) return undefined;
  const module = readPythonModule(source.text);
  output.comments.set(
    display,
    module.comments.map((comment): SourceComment => ({ span: source.span(comment.from, comment.to), text: comment.text })),
  );
  const first = module.syntaxProblems[0];
  if (first) {
    output.diagnostics.push({
      ruleId: 'gunicorn-syntax',
      message: `${first.message}: gunicorn cannot load this config file ("Failed to read config file") and does not start`,
      primary: source.span(first.from, first.to),
      related: [],
    });
  }
  const names = module.bindings
    .filter((b) => b.kind === 'assign' || b.kind === 'augmented' || b.kind === 'def')
    .map((b) => ({
      name: b.name,
      span: source.span(b.nameFrom, b.nameTo),
      binding: b.kind === 'def' ? ('def' as const) : ('assign' as const),
      referenced: module.loadedNames.has(b.name),
    }));
  // A conventional name counts unless the file only defines classes (libretime's gunicorn.py
  // holds a UvicornWorker subclass that --worker-class imports; no config loads it).
  const onlyClasses = module.bindings.length > 0 && module.bindings.every((b) => b.kind === 'class' || b.kind === 'import');
  const looksLikeConfig =
    linked ||
    (CONVENTIONAL_NAMES.has(nodePath.basename(absolute).toLowerCase()) && !onlyClasses) ||
    module.bindings.some((b) => (b.kind === 'assign' || b.kind === 'def') && isGunicornSetting(b.name));
  return { absolute, source, module, config: { file: display, names, looksLikeConfig } };
}

// ---------------------------------------------------------------------------------------------
// Launches

interface BackendInput {
  file: ReadFile | undefined;
  launch: Launch | undefined;
  configReference: { text: string; span: Span; found: boolean } | undefined;
  cli?: Layer;
  envArgs?: Layer;
  env?: Map<string, LaunchEnvValue>;
  /** The launch may get variables from outside the tree (EnvironmentFile=, env_file:). */
  externalEnv?: boolean;
}

/** The launch's working directory when the tree determines it (systemd WorkingDirectory=, WORKDIR, working_dir:). */
function workingDirectoryOf(launch: Launch): string | undefined {
  return knownValue(launch.workingDirectory);
}

function backendForLaunch(
  launch: Launch,
  context: ReaderContext,
  read: (absolute: string, linked: boolean) => ReadFile | undefined,
): GunicornBackend | undefined {
  if (launch.program !== 'gunicorn') return undefined;
  // argv[0] names the program (`gunicorn`, `/venv/bin/gunicorn`, or `gunicorn` of `python -m gunicorn`).
  const argv = launch.argv;
  const cliTokens: ArgToken[] = [];
  for (let i = 1; i < argv.length; i++) cliTokens.push({ value: argv[i].value, from: 0, to: argv[i].value.length, index: i });
  const cliParsed = parseGunicornArgs(cliTokens);
  const cli = layerFromCommandLine(
    cliParsed,
    (token) => argSpan(argv[token.index!], token),
    'the command line',
    (token) => argv[token.index!].unresolved,
    (token) => tokenIfUnset(argv[token.index!], token, launch),
  );

  let envArgs: Layer | undefined;
  let envParsed: ParsedCommandLine | undefined;
  const cmdArgs = launch.env.get('GUNICORN_CMD_ARGS');
  if (cmdArgs) {
    const tokens = cmdArgs.unresolved ? undefined : shlexSplit(cmdArgs.value);
    if (!tokens) {
      const reason = cmdArgs.unresolved
        ? `GUNICORN_CMD_ARGS depends on ${cmdArgs.unresolved.join(', ')}`
        : 'shlex cannot split GUNICORN_CMD_ARGS (an unclosed quote)';
      envArgs = { entries: new Map(), allUnknown: { reason, span: cmdArgs.span, text: cmdArgs.value } };
    } else {
      envParsed = parseGunicornArgs(tokens);
      envArgs = layerFromCommandLine(
        envParsed,
        (token) => envSpan(cmdArgs, token),
        'GUNICORN_CMD_ARGS',
        () => undefined,
      );
    }
  }

  // -c on the command line wins over -c in GUNICORN_CMD_ARGS (base.py load_config).
  const configOption = lastOption(cliParsed, 'config') ?? (envParsed ? lastOption(envParsed, 'config') : undefined);
  let configReference: BackendInput['configReference'];
  let file: ReadFile | undefined;
  const launchDir = launchDirectory(launch, context);
  if (configOption) {
    const span = configOption.from === 'cli' ? argSpan(argv[configOption.token.index!], configOption.token) : envSpan(cmdArgs!, configOption.token);
    const target =
      mountedConfig(launch, configOption.token.value, context) ?? findConfigTarget(configOption.token.value, workingDirectoryOf(launch), launchDir, context);
    file = target ? read(target, true) : undefined;
    configReference = { text: configOption.token.value, span, found: file !== undefined };
  } else {
    // No -c: gunicorn reads ./gunicorn.conf.py when it exists in the working directory.
    const directory = workingDirectoryOf(launch);
    // The working directory is a path on the server: its tail is matched against the tree, among
    // the files under the launch file's directory (a Dockerfile's build context, a Procfile's app).
    const mounted = directory !== undefined ? mountedConfig(launch, 'gunicorn.conf.py', context) : undefined;
    const candidate =
      mounted ??
      (directory !== undefined
        ? findConfigTarget(nodePath.posix.join(directory, 'gunicorn.conf.py'), undefined, launchDir, context, launchDir)
        : launchDir !== undefined
          ? context.treeFiles.find((f) => f === nodePath.join(launchDir, 'gunicorn.conf.py'))
          : undefined);
    file = candidate ? read(candidate, true) : undefined;
    if (file) configReference = { text: './gunicorn.conf.py (read by default from the working directory)', span: launch.span, found: true };
  }
  // A config that reads os.getenv / os.environ is evaluated again with this launch's environment.
  if (file?.module.readsEnvironment) file = { ...file, module: readPythonModule(file.source.text, environmentOf(launch)) };
  return buildBackend({ file, launch, configReference, cli, envArgs, env: launch.env, externalEnv: launch.externalEnv.length > 0 });
}

/**
 * The environment gunicorn runs its config file in: the launch's variables; an unset one is
 * unset unless an environment file outside the tree may set it (as for PORT in defaultOf).
 */
function environmentOf(launch: Launch): PythonEnvironment {
  return (name) => {
    const variable = launch.env.get(name);
    if (variable?.unresolved) return { unknown: `${name} depends on ${variable.unresolved.join(', ')}` };
    if (variable) return { set: true, value: variable.value };
    if (launch.externalEnv.length > 0) return { unknown: `${name} may be set by an environment file outside the tree` };
    return { set: false };
  };
}

/**
 * The tree file a container reads at a config path, through the launch's bind mounts
 * (`./conf/prod.py:/app/gunicorn.conf.py`): exact where a mount covers the path.
 */
function mountedConfig(launch: Launch, reference: string, context: ReaderContext): string | undefined {
  if (!launch.mounts || reference.startsWith('python:')) return undefined;
  const path = reference.startsWith('file:') ? reference.slice(5) : reference;
  const directory = workingDirectoryOf(launch);
  const serverPath = nodePath.posix.isAbsolute(path)
    ? path
    : directory !== undefined && nodePath.posix.isAbsolute(directory)
      ? nodePath.posix.join(directory, path)
      : undefined;
  const source = serverPath === undefined || path.includes('$') ? undefined : mountedSource(launch, nodePath.posix.normalize(serverPath));
  return source !== undefined && context.treeFiles.includes(source) ? source : undefined;
}

function lastOption(parsed: ParsedCommandLine, setting: string): { token: ArgToken; from: 'cli' | 'env' } | undefined {
  const options = parsed.options.filter((o) => o.setting.name === setting && o.value);
  const last = options[options.length - 1];
  return last?.value ? { token: last.value, from: last.value.index !== undefined ? 'cli' : 'env' } : undefined;
}

function launchDirectory(launch: Launch, context: ReaderContext): string | undefined {
  const absolute = context.treeFiles.find((f) => context.displayPath(f) === launch.file);
  return absolute ? nodePath.dirname(absolute) : undefined;
}

/**
 * The tree file a `-c` path names: `file:` is dropped and `python:a.b` becomes `a/b.py`. A
 * relative path is taken from the working directory when the launch gives one, else from the
 * launch file's directory; failing that, the tree file sharing the longest tail of path
 * components with it (`/app/conf/gunicorn.py` → `deploy/conf/gunicorn.py`), if only one does.
 */
function findConfigTarget(
  reference: string,
  workingDirectory: string | undefined,
  launchDir: string | undefined,
  context: ReaderContext,
  within?: string,
): string | undefined {
  let path = reference.startsWith('file:') ? reference.slice(5) : reference;
  if (reference.startsWith('python:')) path = `${reference.slice(7).replace(/\./g, '/')}.py`;
  if (path === '' || path.includes('$')) return undefined;
  const joined = nodePath.posix.isAbsolute(path) ? path : workingDirectory !== undefined ? nodePath.posix.join(workingDirectory, path) : path;
  if (launchDir !== undefined && !nodePath.posix.isAbsolute(joined)) {
    const direct = nodePath.join(launchDir, joined);
    if (context.treeFiles.includes(direct)) return direct;
  }
  const wanted = pathComponents(nodePath.posix.normalize(joined));
  const inside = within === undefined ? context.treeFiles : context.treeFiles.filter((file) => file.startsWith(within + nodePath.sep));
  // Several files share the tail: the one nearest the launch file, if that settles it.
  const best = closestByTail(inside, wanted, launchDir);
  return best.length === 1 ? best[0] : undefined;
}

/**
 * A token's value when the variables it depends on are unset (LaunchArg.ifUnset): the whole
 * argument, or its tail after an option name written as is (`--bind=0.0.0.0:${PORT:-8000}`).
 * None when the launch's own environment sets one of them: then its default is not taken.
 */
function tokenIfUnset(arg: LaunchArg, token: ArgToken, launch: Launch): LaunchArg['ifUnset'] {
  const ifUnset = arg.ifUnset;
  if (!ifUnset || ifUnset.variables.some((name) => launch.env.has(name)) || token.to !== arg.value.length) return undefined;
  const prefix = arg.value.slice(0, token.from);
  return ifUnset.value.startsWith(prefix) ? { ...ifUnset, value: ifUnset.value.slice(prefix.length) } : undefined;
}

/** The span of a token inside an argv element (`--bind=x` → `x`) when the element was written without quotes. */
function argSpan(arg: LaunchArg, token: ArgToken): Span {
  return subSpan(arg.span, arg.value.length, token.from, token.to);
}

/** The span of a token inside GUNICORN_CMD_ARGS, when the value's span holds it unchanged (bare or quoted once). */
function envSpan(variable: { value: string; span: Span }, token: ArgToken): Span {
  return subSpan(variable.span, variable.value.length, token.from, token.to);
}

function subSpan(span: Span, valueLength: number, from: number, to: number): Span {
  const width = span.end.offset - span.start.offset;
  if (span.start.line !== span.end.line) return span;
  const shift = width === valueLength ? 0 : width === valueLength + 2 ? 1 : undefined;
  if (shift === undefined) return span;
  const at = (offset: number) => ({ line: span.start.line, column: span.start.column + shift + offset, offset: span.start.offset + shift + offset });
  return { file: span.file, start: at(from), end: at(to) };
}

// ---------------------------------------------------------------------------------------------
// Layers and settings

/** One value of a setting as one source gives it. */
interface LayerEntry {
  /** The values: several for `-b` given twice. */
  /** `ifUnset`: for a value that depends on variables with defaults, the value if they are unset. */
  items: { converted: Converted; text: string; span: Span; ifUnset?: LaunchArg['ifUnset'] }[];
  text: string;
  span: Span;
}

interface Layer {
  entries: Map<string, LayerEntry>;
  /** Every setting not in `entries` is unknown from here (a config file not in the tree, a command line gunicorn rejects). */
  allUnknown?: { reason: string; span: Span; text: string };
}

function layerFromCommandLine(
  parsed: ParsedCommandLine,
  spanOf: (token: ArgToken) => Span,
  where: string,
  unresolvedOf: (token: ArgToken) => string[] | undefined,
  ifUnsetOf: (token: ArgToken) => LaunchArg['ifUnset'] = () => undefined,
): Layer {
  // A word the tree does not determine and whose variable is named for options (`$GUNICORN_OPTS`,
  // `${EXTRA_ARGS}`) may hold any options: what comes before it may be overridden, and what it does
  // not override is unknown. Other variables in a free position (`$APP_MODULE`) are taken as the app.
  // An `append` setting (bind) is not overridden: argparse adds each -b to the list, which starts
  // empty (Setting.add_option: default None), and the command line's list replaces the config
  // file's and GUNICORN_CMD_ARGS' (app/base.py load_config sets the command line last, whatever -c
  // says): the known addresses stay, and the word may add others.
  const free = [...parsed.positionals, ...parsed.unrecognized]
    .filter((token) => (unresolvedOf(token) ?? []).some((variable) => /ARG|OPT|FLAG|PARAM/i.test(variable)))
    .sort((a, b) => a.index! - b.index!)[0];
  if (parsed.error && !(free && parsed.unrecognized.includes(parsed.error.token))) {
    return {
      entries: new Map(),
      allUnknown: { reason: `gunicorn rejects ${where} (${parsed.error.message})`, span: spanOf(parsed.error.token), text: parsed.error.token.value },
    };
  }
  const entries = new Map<string, LayerEntry>();
  for (const option of parsed.options) {
    const spec = CANONICAL[option.setting.name];
    if (!spec || !option.value) continue;
    const text = option.value.value;
    const span = spanOf(option.value);
    const unresolved = unresolvedOf(option.value);
    const overridable = free !== undefined && option.setting.action !== 'append' && option.option.index !== undefined && option.option.index < free.index!;
    const converted: Converted = unresolved
      ? { ok: false, reason: `"${text}" depends on ${unresolved.join(', ')}` }
      : overridable
        ? { ok: false, reason: `"${free!.value}" may override it` }
        : fromCli(spec.kind, option.setting.name, text);
    const ifUnset = unresolved ? ifUnsetOf(option.value) : undefined;
    const item = { converted, text, span, ...(ifUnset ? { ifUnset } : {}) };
    const previous = entries.get(option.setting.name);
    // argparse `append` collects every -b; `store` keeps the last.
    if (previous && option.setting.action === 'append') {
      previous.items.push(item);
      previous.text += ` ${text}`;
    } else entries.set(option.setting.name, { items: [item], text, span });
  }
  if (free) {
    const appended = new Set(parsed.options.filter((option) => option.setting.action === 'append').map((option) => option.setting.name));
    for (const [name, entry] of entries) {
      if (!appended.has(name)) continue;
      entry.items.push({ converted: { ok: false, reason: `"${free.value}" may add more` }, text: free.value, span: spanOf(free) });
    }
  }
  const allUnknown = free
    ? { reason: `"${free.value}" may hold any option (${unresolvedOf(free)!.join(', ')})`, span: spanOf(free), text: free.value }
    : undefined;
  return { entries, allUnknown };
}

function layerFromFile(file: ReadFile): Layer {
  const { module, source } = file;
  const entries = new Map<string, LayerEntry>();
  for (const [name, spec] of Object.entries(CANONICAL)) {
    const binding = module.finalBindings.get(name);
    if (binding) {
      entries.set(name, entryFromBinding(binding, spec, source));
    } else if (module.dynamicAfter) {
      const span = source.span(module.dynamicAfter.from, module.dynamicAfter.to);
      const text = source.text.slice(module.dynamicAfter.from, module.dynamicAfter.to);
      entries.set(name, { items: [{ converted: { ok: false, reason: `possibly set by ${module.dynamicAfter.what}` }, text, span }], text, span });
    }
  }
  return { entries };
}

function entryFromBinding(binding: PyBinding, spec: CanonicalSpec, source: SourceText): LayerEntry {
  const span = source.span(binding.valueFrom, binding.valueTo);
  const text = source.text.slice(binding.valueFrom, binding.valueTo);
  if (!binding.value.known) return { items: [{ converted: { ok: false, reason: binding.value.reason }, text, span }], text, span };
  const value = binding.value.value;
  const converted = fromPython(spec.kind, value);
  // A bind list gets one item per address, each pointing at its own string when written as a literal.
  if (spec.kind === 'list_string' && converted.ok && Array.isArray(converted.value) && (value.type === 'list' || value.type === 'tuple')) {
    const inside = binding.value.from >= binding.valueFrom && binding.value.to <= binding.valueTo;
    const items = value.items.map((item, i) => ({
      converted: { ok: true as const, value: [(converted.value as string[])[i]] },
      text: source.text.slice(item.from, item.to),
      span: inside ? source.span(item.from, item.to) : span,
    }));
    return { items, text, span };
  }
  return { items: [{ converted, text, span }], text, span };
}

/** The value of one setting after all layers: the highest layer that sets it wins. */
interface Resolved {
  items: { converted: Converted; text: string; span: Span | undefined; ifUnset?: LaunchArg['ifUnset'] }[];
  text: string;
  source: ValueSource;
}

function resolve(name: string, layers: Layer[], defaults: (name: string) => Resolved): Resolved {
  for (const layer of [...layers].reverse()) {
    const entry = layer.entries.get(name);
    if (entry) return { items: entry.items, text: entry.text, source: { kind: 'file', span: entry.span } };
    if (layer.allUnknown) {
      const unknown = layer.allUnknown;
      return {
        items: [{ converted: { ok: false, reason: unknown.reason }, text: unknown.text, span: unknown.span }],
        text: unknown.text,
        source: { kind: 'file', span: unknown.span },
      };
    }
  }
  return defaults(name);
}

function buildBackend(input: BackendInput): GunicornBackend {
  const layers: Layer[] = [];
  if (input.file) layers.push(layerFromFile(input.file));
  else if (input.configReference && !input.configReference.found) {
    layers.push({
      entries: new Map(),
      allUnknown: {
        reason: `the config file "${input.configReference.text}" is not in the linted tree`,
        span: input.configReference.span,
        // Shown as each setting's value (the graph's bind, --print-config): what it is, not the path alone.
        text: `set in ${input.configReference.text} (not in the tree)`,
      },
    });
  }
  if (input.envArgs) layers.push(input.envArgs);
  if (input.cli) layers.push(input.cli);

  const defaults = (name: string): Resolved => defaultOf(name, input.env, input.launch !== undefined, input.externalEnv === true);
  const resolved = new Map<string, Resolved>();
  for (const name of Object.keys(CANONICAL)) resolved.set(name, resolve(name, layers, defaults));

  const settings = new Map<string, Setting>();
  const single = (name: string): number | string | undefined => {
    const r = resolved.get(name)!;
    const item = r.items[r.items.length - 1];
    if (!item || !item.converted.ok) return undefined;
    const value = item.converted.value;
    return Array.isArray(value) ? undefined : value;
  };
  for (const [name, spec] of Object.entries(CANONICAL)) {
    if (name === 'certfile' || name === 'keyfile' || name === 'worker_class' || name === 'chdir' || name === 'http_protocols' || name === 'http2_cleartext')
      continue;
    const r = resolved.get(name)!;
    let value: number | string | undefined;
    if (spec.kind === 'list_string') {
      const addresses = r.items.map((item) => (item.converted.ok ? item.converted.value : undefined));
      value = addresses.every((a) => Array.isArray(a)) ? (addresses as string[][]).flat().join(', ') : undefined;
    } else {
      const raw = single(name);
      value = typeof raw === 'number' && spec.scale ? raw * spec.scale : raw;
    }
    settings.set(name, { name, value, text: r.text, unit: spec.unit, source: r.source });
  }

  const workerClass = resolved.get('worker_class')!;
  const threads = single('threads');
  const configuredClass = single('worker_class');
  const workerKind =
    configuredClass === undefined || typeof configuredClass !== 'string'
      ? undefined
      : effectiveWorker(configuredClass, typeof threads === 'number' ? threads : undefined);
  settings.set('worker_class', {
    name: 'worker_class',
    value: workerKind === 'custom' ? configuredClass : workerKind,
    text: workerClass.text,
    unit: 'text',
    source: workerClass.source,
  });

  const fileName = input.file?.config.file;
  const backend: GunicornBackend = {
    kind: 'gunicorn',
    name: serverName(input.launch, fileName),
    file: fileName ?? input.launch!.file,
    listeners: [],
    settings,
    launch: input.launch,
    config: input.file?.config,
    configReference: input.configReference,
    workerKind,
  };
  const https = [single('certfile'), single('keyfile')].some((v) => typeof v === 'string' && v !== '');
  backend.noH2cUpgrade = noH2cUpgrade(resolved, single, https);
  const keepAlive = keepAliveOf(workerKind, settings.get('keepalive')!);
  const bind = resolved.get('bind')!;
  const directory = bindDirectory(resolved.get('chdir')!, single('chdir'), input.launch ? workingDirectoryOf(input.launch) : undefined);
  const fallbackSpan = input.launch?.span ?? input.file!.source.span(0, 0);
  for (const item of bind.items) {
    const span = item.span ?? fallbackSpan;
    const addresses = item.converted.ok && Array.isArray(item.converted.value) ? item.converted.value : undefined;
    if (!addresses) {
      const address: ListenAddress = { kind: 'other', text: item.text, ...addressIfUnset(item.ifUnset) };
      backend.listeners.push({ backend, address, protocol: https ? 'https' : 'http', option: 'bind', span, keepAlive });
      continue;
    }
    for (const address of addresses) {
      backend.listeners.push({
        backend,
        address: againstDirectory(parseBindAddress(address), directory),
        protocol: https ? 'https' : 'http',
        option: 'bind',
        span,
        keepAlive,
      });
    }
  }
  return backend;
}

/** The one TCP address a bind value names when its variables are unset (`0.0.0.0:${PORT:-8000}`), as gunicorn reads it. */
function addressIfUnset(ifUnset: LaunchArg['ifUnset']): { ifUnset?: { address: ListenAddress & { kind: 'tcp' }; variables: string[] } } {
  const converted = ifUnset ? fromCli('list_string', 'bind', ifUnset.value) : undefined;
  if (!ifUnset || !converted?.ok || !Array.isArray(converted.value) || converted.value.length !== 1) return {};
  const address = parseBindAddress(converted.value[0]);
  return address.kind === 'tcp' ? { ifUnset: { address, variables: ifUnset.variables } } : {};
}

/** Why gunicorn's own server cannot switch a connection to h2c (negotiation.py `upgrade_allowed`), or undefined. */
function noH2cUpgrade(resolved: Map<string, Resolved>, single: (name: string) => number | string | undefined, https: boolean): string | undefined {
  if (https) return 'it serves TLS, where gunicorn offers HTTP/2 only by ALPN';
  const said = (name: string) => (resolved.get(name)!.source.kind === 'default' ? `${name} is "${single(name)}" by default` : `${name} is "${single(name)}"`);
  const cleartext = single('http2_cleartext');
  if (typeof cleartext === 'string' && !['upgrade', 'both'].includes(cleartext.toLowerCase())) return said('http2_cleartext');
  const protocols = single('http_protocols');
  if (typeof protocols === 'string' && !protocols.split(',').some((protocol) => protocol.trim().toLowerCase() === 'h2')) return said('http_protocols');
  return undefined;
}

/**
 * The directory gunicorn is in when it binds: `chdir` (itself relative to the working directory),
 * else the working directory the launch gives. Undefined when the tree does not say.
 */
function bindDirectory(chdir: Resolved, value: number | string | undefined, workingDirectory: string | undefined): string | undefined {
  const absolute = (path: string | undefined) => (path !== undefined && nodePath.posix.isAbsolute(path) ? path : undefined);
  if (chdir.source.kind === 'default') return absolute(workingDirectory);
  if (typeof value !== 'string') return undefined;
  return absolute(value) ?? (absolute(workingDirectory) !== undefined ? nodePath.posix.join(workingDirectory!, value) : undefined);
}

/** A relative socket path is a file in the directory the server binds from; unknown without one. */
function againstDirectory(address: ListenAddress, directory: string | undefined): ListenAddress {
  if (address.kind !== 'unix' || nodePath.posix.isAbsolute(address.path)) return address;
  return directory !== undefined ? { kind: 'unix', path: nodePath.posix.join(directory, address.path) } : { kind: 'other', text: `unix:${address.path}` };
}

/** Defaults, where PORT and WEB_CONCURRENCY from the launch's environment change bind and workers (config.py:582-589, 636-640). */
function defaultOf(name: string, env: Map<string, LaunchEnvValue> | undefined, launched: boolean, externalEnv: boolean): Resolved {
  const spec = CANONICAL[name];
  const fromDefault = (note?: string): Resolved => ({
    items: [
      {
        converted: { ok: true, value: spec.kind === 'list_string' ? [String(spec.defaultValue)] : spec.defaultValue },
        text: spec.defaultText,
        span: undefined,
      },
    ],
    text: spec.defaultText,
    source: { kind: 'default', reference: spec.reference, note },
  });
  if (name === 'bind' || name === 'workers') {
    const variableName = name === 'bind' ? 'PORT' : 'WEB_CONCURRENCY';
    const variable = env?.get(variableName);
    if (variable) {
      const source: ValueSource = { kind: 'file', span: variable.span };
      if (variable.unresolved) {
        return {
          items: [
            { converted: { ok: false, reason: `${variableName} depends on ${variable.unresolved.join(', ')}` }, text: variable.value, span: variable.span },
          ],
          text: variable.value,
          source,
        };
      }
      if (name === 'bind') {
        const address = `0.0.0.0:${variable.value}`;
        return { items: [{ converted: { ok: true, value: [address] }, text: address, span: variable.span }], text: address, source };
      }
      // int(os.environ.get("WEB_CONCURRENCY", 1)): a bad value stops gunicorn with a ValueError.
      const count = pythonIntBase10(variable.value);
      const converted: Converted =
        count === undefined
          ? { ok: false, reason: `int() rejects WEB_CONCURRENCY="${variable.value}"` }
          : count < 0
            ? { ok: false, reason: 'Value must be positive' }
            : { ok: true, value: count };
      return { items: [{ converted, text: variable.value, span: variable.span }], text: variable.value, source };
    }
    if (!launched) return fromDefault(`when ${variableName} is not set in the environment`);
    if (externalEnv) {
      const resolved = fromDefault(`unless ${variableName} comes from an environment file outside the tree`);
      return {
        ...resolved,
        items: [
          { converted: { ok: false, reason: `${variableName} may be set by an environment file outside the tree` }, text: resolved.text, span: undefined },
        ],
      };
    }
  }
  return fromDefault();
}

/** The worker class that runs (20.1.0 config.py `worker_class` property, util.load_class, workers/__init__.py). */
export function effectiveWorker(uri: string, threads: number | undefined): GunicornWorkerKind | undefined {
  // "sync" with more than one thread runs the threaded worker.
  if (uri.endsWith('SyncWorker') || uri === 'sync') {
    if (threads === undefined) return undefined;
    if (threads > 1) return 'gthread';
  }
  let name = uri.startsWith('egg:gunicorn#') ? uri.slice('egg:gunicorn#'.length) : uri;
  if (!name.includes('.')) name = name.replace(/^#+/, '');
  const kinds: Record<string, GunicornWorkerKind> = {
    sync: 'sync',
    'gunicorn.workers.sync.SyncWorker': 'sync',
    gthread: 'gthread',
    'gunicorn.workers.gthread.ThreadWorker': 'gthread',
    gevent: 'gevent',
    'gunicorn.workers.ggevent.GeventWorker': 'gevent',
    gevent_wsgi: 'gevent_pywsgi',
    gevent_pywsgi: 'gevent_pywsgi',
    'gunicorn.workers.ggevent.GeventPyWSGIWorker': 'gevent_pywsgi',
    eventlet: 'eventlet',
    'gunicorn.workers.geventlet.EventletWorker': 'eventlet',
    tornado: 'tornado',
    'gunicorn.workers.gtornado.TornadoWorker': 'tornado',
    'uvicorn.workers.UvicornWorker': 'uvicorn',
    'uvicorn.workers.UvicornH11Worker': 'uvicorn_h11',
    'uvicorn_worker.UvicornWorker': 'uvicorn',
    'uvicorn_worker.UvicornH11Worker': 'uvicorn_h11',
  };
  return kinds[name] ?? 'custom';
}

function keepAliveOf(kind: GunicornWorkerKind | undefined, keepalive: Setting): Listener['keepAlive'] {
  const unknownTimeout = (text: string): Listener['keepAlive'] => ({
    kind: 'idleTimeout',
    timeout: { name: 'keepalive', value: undefined, text, unit: 'ms', source: keepalive.source },
  });
  const seconds = typeof keepalive.value === 'number' ? keepalive.value : undefined;
  switch (kind) {
    case 'sync':
      return { kind: 'closesAfterResponse', reason: SYNC_REASON };
    case 'gthread':
    case 'gevent':
    case 'eventlet':
      if (seconds === 0)
        return {
          kind: 'closesAfterResponse',
          reason: `keepalive = 0 turns keep-alive off in the ${kind} worker (20.1.0 workers/gthread.py:318, base_async.py:105)`,
        };
      return { kind: 'idleTimeout', timeout: keepalive as Setting<number> };
    case 'uvicorn':
    case 'uvicorn_h11':
      return { kind: 'idleTimeout', timeout: keepalive as Setting<number> };
    case 'tornado':
      if (seconds === 0)
        return { kind: 'closesAfterResponse', reason: 'keepalive = 0 turns keep-alive off in the tornado worker (20.1.0 workers/gtornado.py:168)' };
      return unknownTimeout("tornado's own idle timeout (gunicorn passes only keep-alive on or off)");
    case 'gevent_pywsgi':
      return unknownTimeout("gevent pywsgi's own keep-alive handling (gunicorn does not pass keepalive)");
    default:
      return unknownTimeout('the worker class is not known');
  }
}

/** gunicorn's util.parse_address (20.1.0 util.py:215-243). */
export function parseBindAddress(netloc: string): ListenAddress {
  if (/^unix:/.test(netloc)) return { kind: 'unix', path: netloc.split(/unix:(?:\/\/)?/).pop()! };
  if (netloc.startsWith('fd://')) return { kind: 'other', text: netloc };
  const rest = netloc.startsWith('tcp://') ? netloc.split('tcp://')[1] : netloc;
  let host = rest;
  let port = '8000';
  if (rest.includes('[') && rest.includes(']')) {
    host = rest.split(']')[0].slice(1);
    port = [...rest.split(']:'), '8000'][1];
  } else if (rest.includes(':')) {
    [host, port] = [...rest.split(':'), '8000'];
  } else if (rest === '') {
    host = '0.0.0.0';
  }
  const number = pythonIntBase10(port);
  if (number === undefined) return { kind: 'other', text: netloc };
  return { kind: 'tcp', host: host.toLowerCase(), port: number };
}
