/**
 * YAML for compose files and Kubernetes manifests, through the `yaml` package (it keeps the
 * source range of every node): syntax errors as `yaml-syntax` diagnostics, lookups that follow
 * aliases and `<<` merge keys, and scalars as raw values with file offsets.
 */
import type { Alias, Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import { diagnostic } from './files';
import type { RawArg } from './raw';
import { parsedYamlByText } from '../parse-cache';
import { messageOf } from '../../source/thrown';
import { append } from '../../source/append';

/**
 * The `yaml` package, loaded on the first YAML file: a tree without compose files or manifests
 * (a Dockerfile and nginx) does not pay for it at start-up.
 */
let yamlPackage: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlPackage ??= require('yaml') as typeof import('yaml'));

// The package's type guards, through the lazy load (a node to ask about exists only once it is loaded).
export const isMap = (node: unknown): node is YAMLMap => yaml().isMap(node);
export const isSeq = (node: unknown): node is YAMLSeq => yaml().isSeq(node);
export const isScalar = (node: unknown): node is Scalar => yaml().isScalar(node);
const isPair = (node: unknown): node is Pair => yaml().isPair(node);
const isAlias = (node: unknown): node is Alias => yaml().isAlias(node);

export interface YamlDocuments {
  documents: Document.Parsed[];
  problems: ReaderDiagnostic[];
}

/**
 * Manifests are read by several readers in one run (launches, limits, Kubernetes objects, mounted
 * files): each text is parsed once per run (src/readers/parse-cache.ts). The documents are only
 * read, never changed; problems name a file, so a second file with the same text gets its own.
 */
export function parseYaml(source: SourceText): YamlDocuments {
  const known = parsedYamlByText.get(source.text) as YamlDocuments | undefined;
  if (known && known.problems.every((problem) => problem.primary.file === source.file)) return known;
  const result = parseYamlText(source);
  parsedYamlByText.set(source.text, result);
  return result;
}

function parseYamlText(source: SourceText): YamlDocuments {
  const problems: ReaderDiagnostic[] = [];
  let documents: Document.Parsed[];
  try {
    documents = yaml().parseAllDocuments(source.text, { prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
    if (!Array.isArray(documents)) documents = [];
  } catch (error) {
    problems.push(diagnostic(source, 'yaml-syntax', `Invalid YAML: ${messageOf(error)}`, 0, 0));
    return { documents: [], problems };
  }
  for (const document of documents) {
    for (const error of document.errors) {
      const [start, end] = error.pos;
      // The package appends " at line L, column C:" and a code frame; cfglint has its own.
      const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      problems.push(diagnostic(source, 'yaml-syntax', message, Math.min(start, source.text.length), Math.min(end, source.text.length)));
    }
  }
  return { documents, problems };
}

export type YamlNode = Node;

/**
 * What each alias of a document points at, found in one walk per document. The package's
 * `Alias.resolve(document)` walks the whole document on every call, which made a compose file
 * with many `<<: *base` merges quadratic (getsentry/self-hosted: seconds per run). The rule is
 * the package's (and YAML 1.2's, 3.2.2.2): an alias is the closest node before it, in document
 * order, with that anchor; the walk is the package's own `visit`, a node before its children and
 * a key before its value, so an anchor redefined later serves only the aliases after it.
 */
const aliasTargetsByDocument = new WeakMap<Document.Parsed, Map<Alias, Node | undefined>>();

function aliasTargets(document: Document.Parsed): Map<Alias, Node | undefined> {
  const known = aliasTargetsByDocument.get(document);
  if (known) return known;
  const targets = new Map<Alias, Node | undefined>();
  const anchored = new Map<string, Node>();
  yaml().visit(document, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchored.get(node.source));
      else if (node.anchor) anchored.set(node.anchor, node);
    },
  });
  aliasTargetsByDocument.set(document, targets);
  return targets;
}

/** The node itself, or what an alias (`*base`) points at. */
export function resolve(node: unknown, document: Document.Parsed): Node | undefined {
  if (!isAlias(node)) return (node as Node | undefined) ?? undefined;
  const targets = aliasTargets(document);
  // An alias the walk did not meet (one from another document) gets the package's own lookup.
  return targets.has(node) ? targets.get(node) : ((node.resolve(document) as Node | undefined) ?? undefined);
}

/** The pair for `key` in a mapping, looking into `<<` merge keys when the mapping lacks it. */
export function pairOf(map: unknown, key: string, document: Document.Parsed, depth = 0): { key: Scalar; value: Node | undefined } | undefined {
  const node = resolve(map, document);
  if (!isMap(node) || depth > 8) return undefined;
  let found: { key: Scalar; value: Node | undefined } | undefined;
  for (const item of (node as YAMLMap).items) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    if (String(item.key.value) === key) found = { key: item.key, value: resolve(item.value, document) };
  }
  if (found) return found;
  for (const item of (node as YAMLMap).items) {
    if (!isPair(item) || !isScalar(item.key) || item.key.value !== '<<') continue;
    const merged = resolve(item.value, document);
    const sources = isSeq(merged) ? (merged as YAMLSeq).items : [merged];
    for (const source of sources) {
      const inner = pairOf(source, key, document, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

export function valueOf(map: unknown, key: string, document: Document.Parsed): Node | undefined {
  return pairOf(map, key, document)?.value;
}

/** The entries of a mapping as [key text, key node, value node], merge keys expanded. */
export function entriesOf(map: unknown, document: Document.Parsed, depth = 0): { key: string; keyNode: Scalar; value: Node | undefined }[] {
  const node = resolve(map, document);
  if (!isMap(node) || depth > 8) return [];
  const own: { key: string; keyNode: Scalar; value: Node | undefined }[] = [];
  const merged: { key: string; keyNode: Scalar; value: Node | undefined }[] = [];
  for (const item of (node as YAMLMap).items) {
    if (!isPair(item) || !isScalar(item.key)) continue;
    if (item.key.value === '<<') {
      const target = resolve(item.value, document);
      for (const source of isSeq(target) ? (target as YAMLSeq).items : [target]) append(merged, entriesOf(source, document, depth + 1));
      continue;
    }
    own.push({ key: String(item.key.value), keyNode: item.key, value: resolve(item.value, document) });
  }
  // A key several merged mappings give comes from the first of them (yaml.org/type/merge.html:
  // "keys in mapping nodes earlier in the sequence override keys specified in later mapping nodes").
  const taken = new Set(own.map((mine) => mine.key));
  const kept: typeof merged = [];
  for (const entry of merged) {
    if (taken.has(entry.key)) continue;
    taken.add(entry.key);
    kept.push(entry);
  }
  return [...kept, ...own];
}

export function itemsOf(seq: unknown, document: Document.Parsed): Node[] {
  const node = resolve(seq, document);
  if (!isSeq(node)) return [];
  return (node as YAMLSeq).items.map((item) => resolve(item, document)).filter((item): item is Node => item !== undefined);
}

export function isNull(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null);
}

/**
 * A scalar as text, with each character's file offset found by walking the written text (it
 * differs from the value by quotes, escapes and folding; characters that cannot be matched get
 * the offset of the last one that could).
 */
export function scalarArg(source: SourceText, node: Node | undefined): RawArg | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined || !node.range) return undefined;
  const [start, end] = node.range;
  const written = source.text.slice(start, end);
  const value = node.type === 'PLAIN' || typeof node.value !== 'string' ? (typeof node.value === 'string' ? node.value : written) : node.value;
  const offsets: number[] = [];
  let p = start + (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0);
  let last = p;
  for (const ch of value) {
    let q = p;
    while (q < end && source.text[q] !== ch) q++;
    if (q < end) {
      last = q;
      p = q + 1;
    }
    offsets.push(last);
    if (ch.length === 2) offsets.push(last);
  }
  return { source, value, offsets, start, end, unresolved: [] };
}

export function rangeOf(node: Node | undefined): [number, number] | undefined {
  return node?.range ? [node.range[0], node.range[1]] : undefined;
}
