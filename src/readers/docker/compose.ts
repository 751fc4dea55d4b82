/**
 * Compose files (compose-spec 05-services.md), as far as processes and their limits go: per
 * service `build` (which Dockerfile in the tree), `command`/`entrypoint` (a string split like a
 * shell without running one, or a list), `environment` (list or map), `env_file`, `stop_signal`,
 * `working_dir`, `user`, `network_mode: host`, `sysctls` (list or map), `ulimits.nofile` (a number
 * or `{soft, hard}`), `depends_on` (list or map, with `restart` and `required`), `profiles`.
 * Values go through Compose interpolation: `$$` is a `$`, `${VAR}` comes from the shell or `.env` and stays unresolved, except in bind mounts, where a
 * `${VAR:-default}` takes its default (mounts), in `build:`'s `context`, `dockerfile` and `target`,
 * which take defaults here and the project's `.env` where callers have it (buildWithVariables),
 * and in `environment:`, which callers interpolate with the project's `.env` and the defaults
 * (serviceEnvironment). Files without
 * `services:` are read as version 1 files.
 */
import * as nodePath from 'path';
import type { Document } from 'yaml';
import type { Span } from '../../source/span';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { expandWord } from '../kit/expand';
import { ALL_UNKNOWN, asMappedText, literalArg, RawArg, sliceArg } from '../kit/raw';
import { splitWords } from '../kit/shell-words';
import { entriesOf, isMap, isNull, isScalar, isSeq, itemsOf, pairOf, parseYaml, rangeOf, scalarArg, valueOf, YamlNode } from '../kit/yaml';
import { SourceText } from '../../source/text';
import { isJinjaTemplateText } from '../../discovery/classify';
import { parsedComposeByPath } from '../parse-cache';

export interface ComposeCommand {
  /** The written words; empty for `''` or `[]` (the image's default is dropped). */
  args: RawArg[];
  /** The compose file it is written in (an override file's command replaces the base's). */
  source: SourceText;
  start: number;
  end: number;
}

export interface ServiceBuild {
  dockerfile: string;
  context: string;
  /**
   * Interpolated, then lower-cased, as BuildKit matches stage names (dockerfile2llb/convert.go
   * `findStateByName`); undefined (or empty) builds the last stage. One a variable leaves open
   * keeps its `$`, which no stage name holds: no stage is chosen.
   */
  target?: string;
  /** Build arguments by name; an unresolved value is one the tree does not give. */
  args?: Map<string, RawArg>;
  /**
   * `context`, `dockerfile` and `target` as written: buildWithVariables reads them again with the
   * project's `.env`, and mergeService merges them key by key. Absent on a build made by hand.
   */
  asWritten?: BuildAsWritten;
}

/** A `build:` mapping's paths and target as written, and the compose file's directory they are relative to. */
export interface BuildAsWritten {
  dir: string;
  context?: RawArg;
  dockerfile?: RawArg;
  target?: RawArg;
}

export interface ComposeService {
  name: string;
  /** File offsets of the service's key. */
  start: number;
  end: number;
  /** The Dockerfile `build:` names (absolute path), its build context (absolute), its `target:` stage and its `args`. */
  build?: ServiceBuild;
  command?: ComposeCommand;
  entrypoint?: ComposeCommand;
  /** `environment:` by name as written, before interpolation: serviceEnvironment interpolates it. */
  environmentAsWritten: Map<string, RawArg>;
  /** `env_file:` entries: where each is written and the file it names (absolute). */
  envFiles: { span: Span; path?: string }[];
  stopSignal?: RawArg;
  workingDir?: RawArg;
  user?: RawArg;
  /** `network_mode: host`. */
  hostNetwork?: Span;
  /** `network_mode:` as written (`host`, `service:web`, `container:x`, `none`), when known. */
  networkMode?: { value: string; span: Span };
  /** `image:` as written (its presence matters when override files are merged). */
  image?: RawArg;
  /** `restart:` as written, or `deploy.restart_policy` (value `deploy.restart_policy`). */
  restart?: { value: string; span: Span };
  /** Bind mounts of paths beside the compose file (named volumes and host paths are not the tree's). */
  volumes: ComposeMount[];
  /** `ports:` entries that publish a container port on a known host port. */
  ports: ComposePort[];
  /** `container_name` and the `aliases` of its networks: names other services reach it by. */
  aliases: string[];
  /** `links: ["app:backend"]`: names this service's containers (and no other) reach another service by. */
  links: ComposeLink[];
  /** `extra_hosts:` lines of its /etc/hosts. */
  extraHosts: ComposeExtraHost[];
  /** `depends_on:`, the short list or the long map: the services it starts after. */
  dependsOn: ComposeDependency[];
  /**
   * `profiles:` (compose-spec 15-profiles.md), each name as written, before interpolation: a
   * service that lists any is started only when one of them is active.
   */
  profiles?: { names: RawArg[]; span: Span };
  /**
   * The networks it joins that other compose projects can join too: an `external` network, or one
   * given a fixed `name:`, by the name Docker knows it by ('*' where the tree does not say it).
   * Service names of another project resolve only over such a network.
   */
  sharedNetworks: string[];
  sysctls: { name: string; value: RawArg }[];
  nofile?: { soft?: RawArg; hard?: RawArg; span: Span };
}

/** One `links` entry, `SERVICE:ALIAS` (or `SERVICE`, its own name as the alias). */
export interface ComposeLink {
  service: string;
  alias: string;
}

/**
 * One `extra_hosts` entry: a line of the container's /etc/hosts, fixed while it runs. `address`
 * is `host-gateway` (the Docker host, as the daemon's host-gateway-ip), an IP, or undefined where
 * a variable leaves it open.
 */
export interface ComposeExtraHost {
  name: string;
  address?: string;
}

/**
 * One `depends_on` entry. `restart: true` (long syntax only, Compose 2.17+): Compose restarts this
 * service after it recreates or restarts that one (compose-spec 05-services.md `depends_on`).
 */
export interface ComposeDependency {
  service: string;
  /** `restart:` as Compose reads it; undefined where not written (the short syntax has none), which is false. */
  restart?: boolean;
  /**
   * `required: false`: Compose starts without that service when it is not there (a profile not
   * active); undefined where not written, which is true (compose-go transform/dependson.go).
   */
  required?: boolean;
  /** The service's name as written in `depends_on`. */
  span: Span;
}

/** A bind mount: `./gunicorn.conf.py:/app/gunicorn.conf.py` or the long syntax with `type: bind`. */
export interface ComposeMount {
  /** Absolute path on the machine that runs compose (resolved against the compose file's directory). */
  source: string;
  /** The source as a display path, like the files of spans. */
  display: string;
  /** Absolute path inside the container. */
  target: string;
  span: Span;
}

/** A published port: connections to `hostPort` on the host reach `containerPort` in the container. */
export interface ComposePort {
  /** Host address it is published on; '' for every address (the default). */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  span: Span;
}

export interface ComposeFile {
  /** Absolute path, for grouping a project's files (the base file and its overrides). */
  path: string;
  source: SourceText;
  services: ComposeService[];
  problems: ReaderDiagnostic[];
}

/**
 * What the project gives a Compose variable: its value, 'unknown' (set to what the tree does not
 * say), or undefined (unset).
 */
export type ProjectVariables = (name: string) => string | 'unknown' | undefined;

/**
 * Compose interpolation of one value: `$$` → `$`. Without `variables`, `${VAR}`/`$VAR` are
 * unresolved. With them (the project's `.env`, the shell setting nothing else), a variable takes
 * its value, `${VAR:-default}` and `${VAR-default}` their default when it is unset (`:-` also when
 * empty), `${VAR:?message}` and `${VAR?message}` the value when there is one; what they leave
 * open (an unknown value, `:+`, a default that holds another variable) stays unresolved. A value
 * put in place has the positions of the variable as written (compose-spec 12-interpolation.md).
 */
export function interpolate(raw: RawArg, variables?: ProjectVariables): RawArg {
  if (!raw.value.includes('$')) return raw;
  let value = '';
  const offsets: number[] = [];
  const unresolved = [...raw.unresolved];
  for (let k = 0; k < raw.value.length; k++) {
    const rest = raw.value.slice(k);
    if (rest.startsWith('$$')) {
      value += '$';
      offsets.push(raw.offsets[k]);
      k++;
      continue;
    }
    const variable = /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (variable) {
      const resolved = variables ? resolvedVariable(variable[0], variables) : undefined;
      if (resolved === undefined) {
        unresolved.push(variable[0]);
        value += variable[0];
        for (let m = 0; m < variable[0].length; m++) offsets.push(raw.offsets[k + m]);
      } else {
        value += resolved.text;
        for (let m = 0; m < resolved.text.length; m++) offsets.push(raw.offsets[k + (resolved.from === undefined ? 0 : resolved.from + m)]);
      }
      k += variable[0].length - 1;
      continue;
    }
    value += raw.value[k];
    offsets.push(raw.offsets[k]);
  }
  return { ...raw, value, offsets, unresolved };
}

/**
 * The text a written variable (`$VAR`, `${VAR}`, `${VAR:-default}`…) becomes with the project's
 * variables; `from` is where a default starts in the written text (its characters keep their
 * positions). Undefined when the project leaves it open.
 */
function resolvedVariable(written: string, variables: ProjectVariables): { text: string; from?: number } | undefined {
  const braced = written.startsWith('${');
  const parts = (braced ? /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])(.*))?$/s : /^([A-Za-z_][A-Za-z0-9_]*)$/).exec(
    written.slice(braced ? 2 : 1, braced ? -1 : undefined),
  );
  if (!parts) return undefined;
  const [, name, colon = '', operator, operand = ''] = parts;
  const set = variables(name);
  if (set === 'unknown') return undefined;
  const missing = set === undefined || (colon === ':' && set === '');
  if (operator === undefined) return set === undefined ? undefined : { text: set };
  if (operator === '-') {
    if (!missing) return { text: set };
    // A default that holds another variable (or `$$`) is nested interpolation: left open.
    return operand.includes('$') ? undefined : { text: operand, from: 2 + name.length + colon.length + 1 };
  }
  if (operator === '?') return missing ? undefined : { text: set };
  return undefined;
}

/** The Compose variables of a project whose `.env` the tree does not hold: every name unset. */
const NO_VARIABLES: ProjectVariables = () => undefined;

/**
 * `context`, `dockerfile` and `target` of a `build:` with the project's variables: Compose
 * interpolates every value of the file before it reads it (compose-spec 12-interpolation.md), so
 * `${VAR:-default}` gives its default when neither the shell nor `.env` sets VAR
 * (DefectDojo's `dockerfile: Dockerfile.django-${DEFECT_DOJO_OS:-debian}`, tasking-manager's
 * `target: ${TARGET_TAG:-debug}`). A variable left open stays as written: a path the tree does not
 * hold, a target no stage is named.
 */
function buildFields(written: BuildAsWritten, variables: ProjectVariables): Pick<ServiceBuild, 'dockerfile' | 'context' | 'target'> {
  const context = written.context ? interpolate(written.context, variables).value : '.';
  const dockerfile = written.dockerfile ? interpolate(written.dockerfile, variables).value : 'Dockerfile';
  const target = written.target && interpolate(written.target, variables);
  // Lower-cased after interpolation: a variable's name keeps its case.
  const stage = target && (target.unresolved.length > 0 ? target.value : target.value.toLowerCase());
  return {
    dockerfile: nodePath.resolve(written.dir, context, dockerfile),
    context: nodePath.resolve(written.dir, context),
    ...(stage ? { target: stage } : {}),
  };
}

/**
 * The build with its paths and target read with the project's variables (its `.env`,
 * projectVariablesOf) instead of none; the reader, which sees one file, gives every name unset.
 */
export function buildWithVariables(build: ServiceBuild, variables: ProjectVariables): ServiceBuild {
  if (!build.asWritten) return build;
  const { target: _unset, ...rest } = build;
  return { ...rest, ...buildFields(build.asWritten, variables) };
}

/**
 * A value with each `${VAR:-default}` (or `${VAR-default}`) given its default and `$$` as `$`, as
 * Compose interpolates it when neither the shell nor `.env` sets the names. Another variable gives
 * `unknown` in its place, or, without `unknown`, makes the whole value undefined.
 */
export function withComposeDefaults(text: string, unknown?: string): string | undefined {
  let resolved = '';
  for (let k = 0; k < text.length; k++) {
    if (text.startsWith('$$', k)) {
      resolved += '$';
      k++;
      continue;
    }
    if (text[k] !== '$') {
      resolved += text[k];
      continue;
    }
    const withDefault = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}$]*)\}/.exec(text.slice(k));
    const variable = withDefault ?? /^\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(k));
    if (!variable || (!withDefault && unknown === undefined)) return undefined;
    resolved += withDefault ? withDefault[1] : unknown;
    k += variable[0].length - 1;
  }
  return resolved;
}

/**
 * `build.args` (a map, or a list of `NAME=value`): each value with Compose's defaults taken
 * (withComposeDefaults); a value the tree does not give (`- NAME`, `NAME:` with no value, a
 * variable without a default) is unresolved, so the Dockerfile's ARG stays unknown.
 */
function buildArgs(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): Map<string, RawArg> {
  const args = new Map<string, RawArg>();
  const arg = (raw: RawArg, name: string, value: RawArg | undefined) => {
    const resolved = value ? withComposeDefaults(value.value) : undefined;
    if (value && resolved !== undefined) args.set(name, resolved === value.value ? value : literalArg(source, value.start, value.end, resolved));
    else args.set(name, { ...(value ?? raw), unresolved: [`$${name}`] });
  };
  if (isSeq(node)) {
    for (const item of itemsOf(node, document)) {
      const raw = scalarArg(source, item);
      if (!raw) continue;
      const equals = raw.value.indexOf('=');
      arg(raw, equals === -1 ? raw.value : raw.value.slice(0, equals), equals === -1 ? undefined : sliceArg(raw, equals + 1));
    }
    return args;
  }
  for (const entry of entriesOf(node, document)) {
    const [start, end] = rangeOf(entry.keyNode) ?? [0, 0];
    arg(literalArg(source, start, end, entry.key), entry.key, scalarArg(source, entry.value));
  }
  return args;
}

function command(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): ComposeCommand | undefined {
  if (isNull(node)) return undefined;
  const [start, end] = rangeOf(node) ?? [0, 0];
  if (isSeq(node)) {
    const args = itemsOf(node, document).flatMap((item) => {
      const raw = scalarArg(source, item);
      return raw ? [interpolate(raw)] : [];
    });
    return { args, source, start, end };
  }
  const raw = scalarArg(source, node);
  if (!raw) return undefined;
  // A string is split like a shell would, without a shell; `$VAR` is Compose interpolation.
  const words = splitWords(asMappedText(raw), 'compose').words;
  return { args: words.flatMap((word) => expandWord(word, source, ALL_UNKNOWN, false)), source, start, end };
}

/** `environment:` (a list of `NAME=value` or a map) by name, each value as written, before interpolation. */
function environmentAsWritten(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): Map<string, RawArg> {
  const env = new Map<string, RawArg>();
  if (isSeq(node)) {
    for (const item of itemsOf(node, document)) {
      const raw = scalarArg(source, item);
      if (!raw) continue;
      const equals = raw.value.indexOf('=');
      if (equals === -1) {
        // `- NAME` without a value: taken from the shell that runs compose.
        env.set(raw.value, { ...raw, unresolved: [`$${raw.value}`] });
        continue;
      }
      env.set(raw.value.slice(0, equals), sliceArg(raw, equals + 1));
    }
    return env;
  }
  for (const { key, keyNode, value } of entriesOf(node, document)) {
    const raw = scalarArg(source, value);
    if (raw) env.set(key, raw);
    else if (keyNode.range) env.set(key, { source, value: key, offsets: [], start: keyNode.range[0], end: keyNode.range[1], unresolved: [`$${key}`] });
  }
  return env;
}

/**
 * The service's `environment:` as Compose interpolates it with the project's variables (its
 * `.env`, read by the caller): what the container's processes see.
 */
export function serviceEnvironment(service: ComposeService, variables: ProjectVariables): Map<string, RawArg> {
  const values = new Map<string, RawArg>();
  // A name without a value (`- NAME`) is the shell's, already unresolved.
  for (const [name, raw] of service.environmentAsWritten) values.set(name, raw.unresolved.length > 0 ? raw : interpolate(raw, variables));
  return values;
}

function text(source: SourceText, node: YamlNode | undefined): RawArg | undefined {
  const raw = scalarArg(source, node);
  return raw ? interpolate(raw) : undefined;
}

function span(source: SourceText, node: YamlNode | undefined): Span {
  const [start, end] = rangeOf(node) ?? [0, 0];
  return source.span(start, end);
}

/** A node's span without the line break and indentation a block mapping's range ends with. */
function trimmedSpan(source: SourceText, node: YamlNode | undefined): Span {
  const [start, end] = rangeOf(node) ?? [0, 0];
  let last = end;
  while (last > start && /\s/.test(source.text[last - 1])) last--;
  return source.span(start, last);
}

/**
 * A compose file is read by several readers in one run (placed files, written files, envsubst
 * templates, launches, limits): each is parsed once per run (src/readers/parse-cache.ts), keyed
 * by its path and shown name. Each reader makes its own SourceText of the same text; a result
 * serves another only when both are plain texts (spans the same) or the same one. Readers only
 * read the result (an override or `extends` merges into new objects: mergeService).
 */
export function parseCompose(source: SourceText, path: string, readFile: ComposeFileReader): ComposeFile {
  const key = `${path}\0${source.file}`;
  const known = parsedComposeByPath.get(key) as ComposeFile | undefined;
  const plain = (text: SourceText) => text.constructor === SourceText;
  if (known && known.source.text === source.text && (known.source === source || (plain(known.source) && plain(source)))) return known;
  const parsed = withExtends(parseComposeText(source, path), readFile);
  parsedComposeByPath.set(key, parsed);
  return parsed;
}

/**
 * Reads the compose file an `extends.file` names (an absolute path): undefined where the tree
 * does not hold it (outside the tree, ignored, missing), which cfglint never opens.
 */
export type ComposeFileReader = (path: string) => SourceText | undefined;

/** A ComposeFileReader over the tree's files; a compose template (a line with a Jinja statement) is not read, as the readers skip it. */
export function treeComposeReader(
  treeFiles: readonly string[],
  readText: (path: string) => string | undefined,
  displayPath: (path: string) => string,
): ComposeFileReader {
  const inTree = new Set(treeFiles);
  return (path) => {
    const text = inTree.has(path) ? readText(path) : undefined;
    return text === undefined || isJinjaTemplateText(text) ? undefined : new SourceText(displayPath(path), text);
  };
}

/** `extends:` as written: the service a service builds on, in its own file or in `file` (absolute). */
interface ExtendsReference {
  service: string;
  file?: string;
}

/** A compose file as written: its services before `extends`, and what each extends, by name. */
interface WrittenComposeFile {
  compose: ComposeFile;
  extendsOf: Map<string, ExtendsReference>;
}

/**
 * `extends:` (compose-spec 05-services.md `extends`; compose-go loader/extends.go
 * `applyServiceExtends`): each service that extends another is that service, itself resolved
 * first, with its own settings merged over it by the rules of an override file
 * (override/extends.go `ExtendService` merges with override/merge.go `MergeYaml`, as for `-f`
 * files: mergeService). Nothing is left out: `depends_on`, `links`, `volumes_from` and
 * `network_mode` are inherited too (compose-go's TestExtendsWithServiceRef; Compose v1 dropped
 * them). `file:` is read relative to the extending file's directory (compose-go gives the
 * extended file's loader its own directory, and the project's is the top file's), and the
 * extended service keeps the paths and positions of its own file: its build context, mounts and
 * env files were resolved against that file's directory, as compose-go's `ResolveRelativePaths`
 * with the extended file's directory does. Where compose refuses the project (a service or file
 * not found, a file the tree does not hold, a cycle), the service stays as written: the tree
 * does not say what runs.
 */
function withExtends(written: WrittenComposeFile, readFile: ComposeFileReader): ComposeFile {
  if (written.extendsOf.size === 0) return written.compose;
  const files = new Map<string, WrittenComposeFile | undefined>([[written.compose.path, written]]);
  const writtenFile = (path: string) => {
    if (!files.has(path)) {
      const source = readFile(path);
      files.set(path, source ? parseComposeText(source, path) : undefined);
    }
    return files.get(path);
  };
  // `chain` holds each (file, service) on the way: compose-go's cycleTracker refuses a repeat.
  const resolved = (file: WrittenComposeFile, name: string, chain: string[]): ComposeService | undefined => {
    const service = file.compose.services.find((candidate) => candidate.name === name);
    const reference = file.extendsOf.get(name);
    if (!service || !reference) return service;
    const key = `${file.compose.path}\0${name}`;
    if (chain.includes(key)) return undefined;
    const baseFile = reference.file === undefined ? file : writtenFile(reference.file);
    const base = baseFile && resolved(baseFile, reference.service, [...chain, key]);
    return base ? { ...mergeService(base, service), name: service.name, start: service.start, end: service.end } : undefined;
  };
  return { ...written.compose, services: written.compose.services.map((service) => resolved(written, service.name, []) ?? service) };
}

/**
 * `extends: {service: app, file: base.yml}` or `extends: app` (compose-go transform/extends.go);
 * undefined where a variable without a default leaves a name open.
 */
function extendsReference(source: SourceText, node: YamlNode | undefined, document: Document.Parsed, dir: string): ExtendsReference | undefined {
  const written = (value: YamlNode | undefined) => {
    const raw = scalarArg(source, value)?.value;
    return raw === undefined ? undefined : withComposeDefaults(raw);
  };
  const service = written(isMap(node) ? valueOf(node, 'service', document) : node);
  const fileNode = isMap(node) ? valueOf(node, 'file', document) : undefined;
  if (!service) return undefined;
  // No `file` (or an empty one) names a service of the same file.
  if (fileNode === undefined || isNull(fileNode)) return { service };
  const file = written(fileNode);
  return file ? { service, file: nodePath.resolve(dir, file) } : undefined;
}

function parseComposeText(source: SourceText, path: string): WrittenComposeFile {
  const { documents, problems } = parseYaml(source);
  const services: ComposeService[] = [];
  const extendsOf = new Map<string, ExtendsReference>();
  const dir = nodePath.dirname(path);
  for (const document of documents) {
    const root = document.contents;
    if (!isMap(root)) continue;
    const servicesNode = valueOf(root, 'services', document);
    // Version 1 files have the services at the top level.
    const entries =
      servicesNode !== undefined
        ? entriesOf(servicesNode, document)
        : entriesOf(root, document).filter((entry) => isMap(entry.value) && (pairOf(entry.value, 'image', document) || pairOf(entry.value, 'build', document)));
    const networkNames = sharedNetworkNames(source, valueOf(root, 'networks', document), document);
    for (const { key, keyNode, value } of entries) {
      if (!isMap(value) || key.startsWith('x-')) continue;
      const [start, end] = rangeOf(keyNode) ?? [0, 0];
      const service: ComposeService = {
        name: key,
        start,
        end,
        environmentAsWritten: environmentAsWritten(source, valueOf(value, 'environment', document), document),
        envFiles: [],
        sysctls: [],
        image: text(source, valueOf(value, 'image', document)),
        volumes: mounts(source, valueOf(value, 'volumes', document), document, dir),
        ports: ports(source, valueOf(value, 'ports', document), document),
        aliases: aliases(source, value, document),
        links: links(source, valueOf(value, 'links', document), document),
        extraHosts: extraHosts(source, valueOf(value, 'extra_hosts', document), document),
        dependsOn: dependsOn(source, valueOf(value, 'depends_on', document), document),
        sharedNetworks: [],
      };
      const profiles = valueOf(value, 'profiles', document);
      if (isSeq(profiles))
        service.profiles = { names: itemsOf(profiles, document).flatMap((item) => scalarArg(source, item) ?? []), span: trimmedSpan(source, profiles) };

      const restart = text(source, valueOf(value, 'restart', document));
      const restartPolicy = pairOf(valueOf(value, 'deploy', document), 'restart_policy', document);
      if (restart) service.restart = { value: restart.value, span: source.span(restart.start, restart.end) };
      else if (restartPolicy) service.restart = { value: 'deploy.restart_policy', span: source.span(...(rangeOf(restartPolicy.key) ?? [0, 0])) };

      const buildNode = valueOf(value, 'build', document);
      const written: BuildAsWritten | undefined =
        isScalar(buildNode) && typeof buildNode.value === 'string'
          ? { dir, context: scalarArg(source, buildNode) }
          : isMap(buildNode)
            ? {
                dir,
                context: scalarArg(source, valueOf(buildNode, 'context', document)),
                dockerfile: scalarArg(source, valueOf(buildNode, 'dockerfile', document)),
                target: scalarArg(source, valueOf(buildNode, 'target', document)),
              }
            : undefined;
      if (written) {
        const args = isMap(buildNode) ? buildArgs(source, valueOf(buildNode, 'args', document), document) : new Map<string, RawArg>();
        service.build = { ...buildFields(written, NO_VARIABLES), ...(args.size > 0 ? { args } : {}), asWritten: written };
      }
      if (pairOf(value, 'command', document)) service.command = command(source, valueOf(value, 'command', document), document);
      if (pairOf(value, 'entrypoint', document)) service.entrypoint = command(source, valueOf(value, 'entrypoint', document), document);

      const envFile = valueOf(value, 'env_file', document);
      for (const item of isSeq(envFile) ? itemsOf(envFile, document) : envFile ? [envFile] : []) {
        const node = isMap(item) ? (valueOf(item, 'path', document) ?? item) : item;
        const named = text(source, node);
        const path = named && named.unresolved.length === 0 && named.value !== '' ? nodePath.resolve(dir, named.value) : undefined;
        service.envFiles.push({ span: span(source, node), ...(path !== undefined ? { path } : {}) });
      }
      service.stopSignal = text(source, valueOf(value, 'stop_signal', document));
      service.workingDir = text(source, valueOf(value, 'working_dir', document));
      service.user = text(source, valueOf(value, 'user', document));
      const networkMode = valueOf(value, 'network_mode', document);
      const mode = text(source, networkMode);
      if (mode && mode.unresolved.length === 0) service.networkMode = { value: mode.value, span: span(source, networkMode) };
      if (mode?.value === 'host') service.hostNetwork = span(source, networkMode);
      // A service in another's network namespace (or the host's) joins no network of its own.
      if (!networkMode) service.sharedNetworks = joinedNetworks(valueOf(value, 'networks', document), document).flatMap((name) => networkNames.get(name) ?? []);

      const sysctls = valueOf(value, 'sysctls', document);
      if (isSeq(sysctls)) {
        for (const item of itemsOf(sysctls, document)) {
          const raw = scalarArg(source, item);
          const equals = raw?.value.indexOf('=') ?? -1;
          if (!raw || equals === -1) continue;
          let from = equals + 1;
          while (from < raw.value.length && raw.value[from] === ' ') from++;
          service.sysctls.push({ name: raw.value.slice(0, equals).trim(), value: interpolate(sliceArg(raw, from, raw.value.trimEnd().length)) });
        }
      } else {
        for (const entry of entriesOf(sysctls, document)) {
          const raw = text(source, entry.value);
          if (raw) service.sysctls.push({ name: entry.key, value: raw });
        }
      }

      const nofile = valueOf(valueOf(value, 'ulimits', document), 'nofile', document);
      if (nofile && isMap(nofile)) {
        service.nofile = {
          soft: text(source, valueOf(nofile, 'soft', document)),
          hard: text(source, valueOf(nofile, 'hard', document)),
          span: span(source, nofile),
        };
      } else if (nofile) {
        const both = text(source, nofile);
        service.nofile = { soft: both, hard: both, span: span(source, nofile) };
      }
      services.push(service);
      const reference = pairOf(value, 'extends', document) ? extendsReference(source, valueOf(value, 'extends', document), document, dir) : undefined;
      if (reference) extendsOf.set(key, reference);
    }
  }
  return { compose: { path, source, services, problems }, extendsOf };
}

/**
 * compose-spec 13-merge.md: single values are replaced, `environment` and `sysctls` merged by
 * name, `volumes` by target, `ports` and `env_file` appended. An override file's service merges
 * so over the base file's, and a service over the one it `extends` (withExtends).
 */
export function mergeService(base: ComposeService, overlay: ComposeService): ComposeService {
  const networkMode = overlay.networkMode ?? base.networkMode;
  return {
    ...base,
    build: mergedBuild(base.build, overlay.build),
    image: overlay.image ?? base.image,
    restart: overlay.restart ?? base.restart,
    command: overlay.command ?? base.command,
    entrypoint: overlay.entrypoint ?? base.entrypoint,
    environmentAsWritten: new Map([...base.environmentAsWritten, ...overlay.environmentAsWritten]),
    envFiles: [...base.envFiles, ...overlay.envFiles],
    stopSignal: overlay.stopSignal ?? base.stopSignal,
    workingDir: overlay.workingDir ?? base.workingDir,
    user: overlay.user ?? base.user,
    networkMode,
    hostNetwork: networkMode?.value === 'host' ? networkMode.span : undefined,
    volumes: [...base.volumes.filter((mount) => !overlay.volumes.some((other) => other.target === mount.target)), ...overlay.volumes],
    ports: [...base.ports, ...overlay.ports],
    aliases: [...new Set([...base.aliases, ...overlay.aliases])],
    // A sequence: the override's entries are appended (compose-spec 13-merge.md).
    links: [...base.links, ...overlay.links],
    extraHosts: [...base.extraHosts, ...overlay.extraHosts],
    // Merged by service name, each entry's fields too (compose-go override/merge.go
    // `mergeDependsOn` makes both lists maps first): a `restart` the override leaves out stays.
    dependsOn: mergedDependencies(base.dependsOn, overlay.dependsOn),
    // Merged by key (compose-spec 13-merge.md); an override's network_mode leaves none.
    sharedNetworks: overlay.networkMode ? [] : [...new Set([...base.sharedNetworks, ...overlay.sharedNetworks])],
    // A sequence, appended without repeats (compose-go override/uncity.go `services.*.profiles`).
    profiles: overlay.profiles
      ? {
          names: [
            ...(base.profiles?.names ?? []),
            ...overlay.profiles.names.filter((name) => !base.profiles?.names.some((other) => other.value === name.value)),
          ],
          span: overlay.profiles.span,
        }
      : base.profiles,
    sysctls: [...base.sysctls.filter((entry) => !overlay.sysctls.some((other) => other.name === entry.name)), ...overlay.sysctls],
    nofile: overlay.nofile ?? base.nofile,
  };
}

/**
 * `build:` of a base file and an override, key by key: compose reads `build: ./dir` as
 * `{context: ./dir}` and merges the mappings (compose-spec 13-merge.md; compose-go
 * override/merge.go), so an override that writes only `target:` keeps the base's context and
 * Dockerfile, and `args` merge by name. A build written by hand (no asWritten) replaces the base's.
 */
function mergedBuild(base: ServiceBuild | undefined, overlay: ServiceBuild | undefined): ServiceBuild | undefined {
  if (!base || !overlay) return overlay ?? base;
  const under = base.asWritten;
  const over = overlay.asWritten;
  if (!under || !over) return overlay;
  // The Dockerfile is relative to the context, and the context to the file that writes it.
  const written: BuildAsWritten = {
    dir: over.context ? over.dir : under.dir,
    context: over.context ?? under.context,
    dockerfile: over.dockerfile ?? under.dockerfile,
    target: over.target ?? under.target,
  };
  const args = new Map([...(base.args ?? []), ...(overlay.args ?? [])]);
  return { ...buildFields(written, NO_VARIABLES), ...(args.size > 0 ? { args } : {}), asWritten: written };
}

/** `depends_on` of a base file and an override, by service (see mergeService). */
function mergedDependencies(base: ComposeDependency[], overlay: ComposeDependency[]): ComposeDependency[] {
  const merged = new Map(base.map((dependency) => [dependency.service, dependency]));
  for (const dependency of overlay) {
    const earlier = merged.get(dependency.service);
    merged.set(dependency.service, { ...dependency, restart: dependency.restart ?? earlier?.restart });
  }
  return [...merged.values()];
}

/**
 * Bind mounts whose source is a relative path (`./x`, `../x`, `.`): the files the tree holds.
 * Short syntax `SOURCE:TARGET[:MODE]`; a source not starting with `.` is a named volume and an
 * absolute one is a host path, neither of them the tree's. Compose interpolates the entry before
 * splitting it: like a build path, `${VAR:-default}` gives its default (bookwyrm mounts
 * `./nginx/${NGINX_SETUP:-https}.conf`), and an entry with a variable without one is left out.
 */
function mounts(source: SourceText, node: YamlNode | undefined, document: Document.Parsed, dir: string): ComposeMount[] {
  const found: ComposeMount[] = [];
  const written = (node: YamlNode | undefined) => {
    const raw = scalarArg(source, node)?.value;
    return raw === undefined ? undefined : withComposeDefaults(raw);
  };
  for (const item of itemsOf(node, document)) {
    let from: string | undefined;
    let to: string | undefined;
    if (isMap(item)) {
      const type = text(source, valueOf(item, 'type', document));
      if (type && type.value !== 'bind') continue;
      [from, to] = [written(valueOf(item, 'source', document)), written(valueOf(item, 'target', document))];
    } else {
      const raw = written(item);
      if (raw === undefined) continue;
      const parts = raw.split(':');
      if (parts.length < 2) continue;
      [from, to] = parts;
    }
    if (from === undefined || to === undefined || !(from === '.' || from === '..' || from.startsWith('./') || from.startsWith('../')) || !to.startsWith('/'))
      continue;
    const display = nodePath.posix.normalize(nodePath.posix.join(nodePath.posix.dirname(source.file), from));
    found.push({
      source: nodePath.resolve(dir, from),
      display,
      target: nodePath.posix.normalize(to).replace(/(.)\/+$/, '$1'),
      span: trimmedSpan(source, item),
    });
  }
  return found;
}

/**
 * Published ports with a host port: `"8080:8000"`, `"127.0.0.1:8080:8000/tcp"`, `"[::1]:8080:8000"`,
 * the long syntax (`target`, `published`, `host_ip`). A bare `"8000"` publishes on a random host
 * port and ranges are left out: neither names one host port.
 */
function ports(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): ComposePort[] {
  const found: ComposePort[] = [];
  const number = (text: string | undefined) => (text !== undefined && /^\d{1,5}$/.test(text) ? Number(text) : undefined);
  for (const item of itemsOf(node, document)) {
    let hostIp: string;
    let hostPort: number | undefined;
    let containerPort: number | undefined;
    if (isMap(item)) {
      const protocol = text(source, valueOf(item, 'protocol', document))?.value;
      if (protocol !== undefined && protocol !== 'tcp') continue;
      containerPort = number(text(source, valueOf(item, 'target', document))?.value);
      const published = text(source, valueOf(item, 'published', document));
      hostPort = published && published.unresolved.length === 0 ? number(published.value) : undefined;
      hostIp = text(source, valueOf(item, 'host_ip', document))?.value ?? '';
    } else {
      const raw = text(source, item);
      if (!raw || raw.unresolved.length > 0) continue;
      const [mapping, protocol] = raw.value.split('/');
      if (protocol !== undefined && protocol !== 'tcp') continue;
      const match = /^(?:(\[[^\]]*\]|[^:]*):)?(\d+):(\d+)$/.exec(mapping);
      if (!match) continue;
      hostIp = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
      [hostPort, containerPort] = [number(match[2]), number(match[3])];
    }
    if (hostPort !== undefined && containerPort !== undefined) found.push({ hostIp, hostPort, containerPort, span: trimmedSpan(source, item) });
  }
  return found;
}

/**
 * The top-level `networks:` that other projects can join, by key: `external: true` (named by its
 * `name:`, else its key), the older `external: {name: x}`, and a network given a fixed `name:`
 * (compose does not prefix it with the project). A network of the project alone is left out.
 */
function sharedNetworkNames(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): Map<string, string> {
  const shared = new Map<string, string>();
  const written = (raw: RawArg | undefined) => (raw === undefined ? undefined : raw.unresolved.length > 0 || raw.value === '' ? '*' : raw.value);
  for (const { key, value } of entriesOf(node, document)) {
    if (!isMap(value)) continue;
    const external = valueOf(value, 'external', document);
    const name = written(text(source, valueOf(value, 'name', document)));
    if (isMap(external)) shared.set(key, written(text(source, valueOf(external, 'name', document))) ?? name ?? key);
    else if (external !== undefined && !isNull(external)) {
      const flag = text(source, external);
      // `external: ${X}` may be true.
      if (flag && (flag.unresolved.length > 0 || flag.value === 'true')) shared.set(key, name ?? key);
      else if (name) shared.set(key, name);
    } else if (name) shared.set(key, name);
  }
  return shared;
}

/** The keys of the networks a service joins: its `networks:` (list or map), else the project's `default`. */
function joinedNetworks(node: YamlNode | undefined, document: Document.Parsed): string[] {
  if (node === undefined || isNull(node)) return ['default'];
  if (isSeq(node)) return itemsOf(node, document).flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value] : []));
  return entriesOf(node, document).map(({ key }) => key);
}

/**
 * `links: [app, "app:backend"]` (compose-spec 05-services.md `links`): compose gives the declaring
 * container the link, so the alias resolves there only (docker/compose pkg/compose/convergence.go
 * `getLinks`, set on that container's endpoints). An entry with a variable is left out.
 */
function links(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): ComposeLink[] {
  const found: ComposeLink[] = [];
  for (const item of itemsOf(node, document)) {
    const raw = text(source, item);
    if (!raw || raw.unresolved.length > 0) continue;
    const [service, alias = service] = raw.value.split(':', 2);
    if (service !== '' && alias !== '') found.push({ service, alias });
  }
  return found;
}

/**
 * `extra_hosts: ["name:ip"]`, `["name=ip"]` (compose 2.24.1 and later) or `{name: ip}`
 * (compose-spec 05-services.md `extra_hosts`). An entry whose name has a variable is left out (in
 * the list form, one with a variable anywhere).
 */
function extraHosts(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): ComposeExtraHost[] {
  const found: ComposeExtraHost[] = [];
  const add = (name: RawArg | undefined, address: RawArg | undefined) => {
    if (!name || name.unresolved.length > 0 || name.value === '') return;
    found.push({ name: name.value, ...(address && address.unresolved.length === 0 ? { address: address.value } : {}) });
  };
  if (isMap(node)) {
    for (const { keyNode, value } of entriesOf(node, document)) add(text(source, keyNode), text(source, value));
    return found;
  }
  for (const item of itemsOf(node, document)) {
    const raw = text(source, item);
    if (!raw) continue;
    const at = raw.value.includes('=') ? raw.value.indexOf('=') : raw.value.indexOf(':');
    if (at <= 0) continue;
    add(sliceArg(raw, 0, at), sliceArg(raw, at + 1, raw.value.length));
  }
  return found;
}

/**
 * `depends_on: [db, redis]` or `depends_on: {db: {condition: …, restart: true, required: false}}`
 * (compose-spec 05-services.md `depends_on`). `restart` and `required` are booleans as compose-go
 * reads them (loader/interpolate.go `toBoolean`: `true`, and `yes`, `y`, `on` with a warning, in
 * any case; `false`, `no`, `n`, `off`); a variable the tree does not give counts as false for
 * `restart` and leaves `required` at its default, true.
 */
function dependsOn(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): ComposeDependency[] {
  if (isSeq(node)) {
    return itemsOf(node, document).flatMap((item) => {
      const raw = text(source, item);
      return raw && raw.unresolved.length === 0 && raw.value !== '' ? [{ service: raw.value, span: span(source, item) }] : [];
    });
  }
  return entriesOf(node, document).map(({ key, keyNode, value }) => {
    const restart = text(source, valueOf(value, 'restart', document));
    const required = text(source, valueOf(value, 'required', document));
    const dependency: ComposeDependency = { service: key, span: span(source, keyNode) };
    if (restart) dependency.restart = restart.unresolved.length === 0 && ['true', 'yes', 'y', 'on'].includes(restart.value.toLowerCase());
    if (required && required.unresolved.length === 0 && ['false', 'no', 'n', 'off'].includes(required.value.toLowerCase())) dependency.required = false;
    return dependency;
  });
}

/** `container_name: x` and `networks: {net: {aliases: [a, b]}}` (the list form of networks has none). */
function aliases(source: SourceText, service: YamlNode, document: Document.Parsed): string[] {
  const names: string[] = [];
  const literal = (node: YamlNode | undefined) => {
    const raw = text(source, node);
    if (raw && raw.unresolved.length === 0 && raw.value !== '') names.push(raw.value);
  };
  literal(valueOf(service, 'container_name', document));
  for (const { value } of entriesOf(valueOf(service, 'networks', document), document)) {
    for (const item of itemsOf(valueOf(value, 'aliases', document), document)) literal(item);
  }
  return names;
}
