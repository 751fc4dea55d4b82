/**
 * Compose files (compose-spec 05-services.md), as far as processes and their limits go: per
 * service `build` (which Dockerfile in the tree), `command`/`entrypoint` (a string split like a
 * shell without running one, or a list), `environment` (list or map), `env_file`, `stop_signal`,
 * `working_dir`, `user`, `network_mode: host`, `sysctls` (list or map), `ulimits.nofile` (a number
 * or `{soft, hard}`). Values go through Compose interpolation: `$$` is a `$`, `${VAR}` comes from
 * the shell or `.env` and stays unresolved. Files without `services:` are read as version 1 files.
 */
import * as nodePath from 'path';
import type { Document } from 'yaml';
import type { Span } from '../../report/finding';
import type { ReaderDiagnostic } from '../diagnostic';
import { expandWord } from '../launch/expand';
import { ALL_UNKNOWN, asMappedText, RawArg, sliceArg } from '../launch/raw';
import { splitWords } from '../launch/shell-syntax';
import { entriesOf, isMap, isNull, isScalar, isSeq, itemsOf, pairOf, parseYaml, rangeOf, scalarArg, valueOf, YamlNode } from '../launch/yaml';
import type { SourceText } from '../text';

export interface ComposeCommand {
  /** The written words; empty for `''` or `[]` (the image's default is dropped). */
  args: RawArg[];
  start: number;
  end: number;
}

export interface ComposeService {
  name: string;
  /** File offsets of the service's key. */
  start: number;
  end: number;
  /** The Dockerfile `build:` names (absolute path) and its `target:` stage. */
  build?: { dockerfile: string; target?: string };
  command?: ComposeCommand;
  entrypoint?: ComposeCommand;
  environment: Map<string, RawArg>;
  envFiles: Span[];
  stopSignal?: RawArg;
  workingDir?: RawArg;
  user?: RawArg;
  /** `network_mode: host`. */
  hostNetwork?: Span;
  sysctls: { name: string; value: RawArg }[];
  nofile?: { soft?: RawArg; hard?: RawArg; span: Span };
}

export interface ComposeFile {
  source: SourceText;
  services: ComposeService[];
  problems: ReaderDiagnostic[];
}

/** Compose interpolation of one value: `$$` → `$`; `${VAR}`/`$VAR` are unresolved. */
export function interpolate(raw: RawArg): RawArg {
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
      unresolved.push(variable[0]);
      value += variable[0];
      for (let m = 0; m < variable[0].length; m++) offsets.push(raw.offsets[k + m]);
      k += variable[0].length - 1;
      continue;
    }
    value += raw.value[k];
    offsets.push(raw.offsets[k]);
  }
  return { ...raw, value, offsets, unresolved };
}

function command(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): ComposeCommand | undefined {
  if (isNull(node)) return undefined;
  const [start, end] = rangeOf(node) ?? [0, 0];
  if (isSeq(node)) {
    const args = itemsOf(node, document).flatMap((item) => {
      const raw = scalarArg(source, item);
      return raw ? [interpolate(raw)] : [];
    });
    return { args, start, end };
  }
  const raw = scalarArg(source, node);
  if (!raw) return undefined;
  // A string is split like a shell would, without a shell; `$VAR` is Compose interpolation.
  const words = splitWords(asMappedText(raw), 'compose').words;
  return { args: words.flatMap((word) => expandWord(word, source, ALL_UNKNOWN, false)), start, end };
}

function environment(source: SourceText, node: YamlNode | undefined, document: Document.Parsed): Map<string, RawArg> {
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
      env.set(raw.value.slice(0, equals), interpolate(sliceArg(raw, equals + 1)));
    }
    return env;
  }
  for (const { key, keyNode, value } of entriesOf(node, document)) {
    const raw = scalarArg(source, value);
    if (raw) env.set(key, interpolate(raw));
    else if (keyNode.range) env.set(key, { source, value: key, offsets: [], start: keyNode.range[0], end: keyNode.range[1], unresolved: [`$${key}`] });
  }
  return env;
}

function text(source: SourceText, node: YamlNode | undefined): RawArg | undefined {
  const raw = scalarArg(source, node);
  return raw ? interpolate(raw) : undefined;
}

function span(source: SourceText, node: YamlNode | undefined): Span {
  const [start, end] = rangeOf(node) ?? [0, 0];
  return source.span(start, end);
}

export function parseCompose(source: SourceText, path: string): ComposeFile {
  const { documents, problems } = parseYaml(source);
  const services: ComposeService[] = [];
  const dir = nodePath.dirname(path);
  for (const document of documents) {
    const root = document.contents;
    if (!isMap(root)) continue;
    const servicesNode = valueOf(root, 'services', document);
    // Version 1 files have the services at the top level.
    const entries = servicesNode !== undefined
      ? entriesOf(servicesNode, document)
      : entriesOf(root, document).filter((entry) => isMap(entry.value) && (pairOf(entry.value, 'image', document) || pairOf(entry.value, 'build', document)));
    for (const { key, keyNode, value } of entries) {
      if (!isMap(value) || key.startsWith('x-')) continue;
      const [start, end] = rangeOf(keyNode) ?? [0, 0];
      const service: ComposeService = { name: key, start, end, environment: environment(source, valueOf(value, 'environment', document), document), envFiles: [], sysctls: [] };

      const build = valueOf(value, 'build', document);
      if (isScalar(build) && typeof build.value === 'string') {
        service.build = { dockerfile: nodePath.resolve(dir, build.value, 'Dockerfile') };
      } else if (isMap(build)) {
        const context = scalarArg(source, valueOf(build, 'context', document))?.value ?? '.';
        const dockerfile = scalarArg(source, valueOf(build, 'dockerfile', document))?.value ?? 'Dockerfile';
        const target = scalarArg(source, valueOf(build, 'target', document))?.value;
        service.build = { dockerfile: nodePath.resolve(dir, context, dockerfile), ...(target ? { target: target.toLowerCase() } : {}) };
      }
      if (pairOf(value, 'command', document)) service.command = command(source, valueOf(value, 'command', document), document);
      if (pairOf(value, 'entrypoint', document)) service.entrypoint = command(source, valueOf(value, 'entrypoint', document), document);

      const envFile = valueOf(value, 'env_file', document);
      for (const item of isSeq(envFile) ? itemsOf(envFile, document) : envFile ? [envFile] : []) {
        service.envFiles.push(span(source, isMap(item) ? valueOf(item, 'path', document) ?? item : item));
      }
      service.stopSignal = text(source, valueOf(value, 'stop_signal', document));
      service.workingDir = text(source, valueOf(value, 'working_dir', document));
      service.user = text(source, valueOf(value, 'user', document));
      const networkMode = valueOf(value, 'network_mode', document);
      if (scalarArg(source, networkMode)?.value === 'host') service.hostNetwork = span(source, networkMode);

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
        service.nofile = { soft: text(source, valueOf(nofile, 'soft', document)), hard: text(source, valueOf(nofile, 'hard', document)), span: span(source, nofile) };
      } else if (nofile) {
        const both = text(source, nofile);
        service.nofile = { soft: both, hard: both, span: span(source, nofile) };
      }
      services.push(service);
    }
  }
  return { source, services, problems };
}
