/**
 * One application.properties / application.yml → its documents (`#---` in properties, `---` in
 * YAML), each a list of flat `a.b.c` keys with the span of the value, plus the comments kept for
 * suppressions and the syntax errors Spring Boot would fail on.
 *
 * YAML is read as YAML 1.1, the version of SnakeYAML, which Spring Boot uses: `1_000` is 1000,
 * `yes` is true. Keys are taken as written (SnakeYAML would turn a key `on:` into true; no
 * Spring property is named like that).
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, Scalar } from 'yaml';
import { parseProperties } from '../tomcat/properties';
import { messageOf } from '../../source/thrown';
import { append } from '../../source/append';

export interface SpringEntry {
  /** Flat key as written (`server.tomcat.keep-alive-timeout`, `spring.profiles.active[0]`). */
  key: string;
  /** The value as Spring's binder gets it, in text form. */
  value: string;
  valueStart: number;
  valueEnd: number;
}

export interface SpringDocument {
  entries: SpringEntry[];
}

export interface SpringFileContent {
  documents: SpringDocument[];
  comments: { start: number; end: number; text: string }[];
  problems: { start: number; end: number; message: string }[];
}

export function readSpringFile(text: string, format: 'properties' | 'yaml'): SpringFileContent {
  return format === 'properties' ? readPropertiesFile(text) : readYamlFile(text);
}

function readPropertiesFile(text: string): SpringFileContent {
  const parsed = parseProperties(text, { documents: true });
  const documents: SpringDocument[] = parsed.documentStarts.map(() => ({ entries: [] }));
  for (const entry of parsed.entries) {
    // Spring's loader keeps trailing blanks in a value; its converters do not trim durations and sizes.
    documents[entry.document].entries.push({ key: entry.key.trim(), value: entry.value, valueStart: entry.valueStart, valueEnd: entry.valueEnd });
  }
  return {
    documents: documents.filter((document) => document.entries.length > 0),
    comments: parsed.comments,
    problems: parsed.problems,
  };
}

function readYamlFile(text: string): SpringFileContent {
  const documents: SpringDocument[] = [];
  const problems: SpringFileContent['problems'] = [];
  try {
    for (const document of parseAllDocuments(text, { version: '1.1', prettyErrors: false, uniqueKeys: false })) {
      const found = document.errors.map((error) => ({
        start: error.pos[0],
        end: Math.max(error.pos[1], error.pos[0]),
        message: error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      }));
      append(found, duplicateKeys(document.contents));
      append(
        problems,
        found.sort((a, b) => a.start - b.start),
      );
      const entries: SpringEntry[] = [];
      flatten(document.contents, '', entries, 0);
      documents.push({ entries });
    }
  } catch (error) {
    problems.push({ start: 0, end: 0, message: `YAML could not be read: ${messageOf(error)}` });
  }
  return { documents: documents.filter((document) => document.entries.length > 0), comments: yamlComments(text), problems };
}

const MAX_DEPTH = 64;

function flatten(node: unknown, prefix: string, entries: SpringEntry[], depth: number) {
  if (depth > MAX_DEPTH || node === null || node === undefined) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? keyText(pair.key) : undefined;
      if (key === undefined) continue;
      flatten(pair.value, prefix ? `${prefix}.${key}` : key, entries, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => flatten(item, `${prefix}[${index}]`, entries, depth + 1));
  } else if (isScalar(node)) {
    if (node.value === null || node.range === undefined || node.range === null) return;
    entries.push({ key: prefix, value: scalarText(node), valueStart: node.range[0], valueEnd: node.range[1] });
  } else if (isAlias(node)) {
    // An alias repeats an anchored node; server settings are never written that way, and not
    // following aliases keeps "billion laughs" documents harmless.
  }
}

/**
 * SnakeYAML refuses a mapping that has a key twice, and Spring does not start. The yaml
 * package's own check (`uniqueKeys`) compares each key with every earlier one: quadratic, a
 * minute for a file of 100k keys. The same check (keys equal by value, `<<` merge keys
 * excepted, in the same words) with a set per mapping. Aliases are not followed.
 */
function duplicateKeys(root: unknown): SpringFileContent['problems'] {
  const problems: SpringFileContent['problems'] = [];
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        // Keys that are objects (a timestamp's Date) compare by identity in the package: never equal.
        if (isScalar(key) && key.range && (key.value === null || typeof key.value !== 'object') && key.value !== '<<' && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) problems.push({ start: key.range[0], end: key.range[0] + 1, message: 'Map keys must be unique' });
          else seen.add(key.value);
        }
        pending.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
    }
  }
  return problems;
}

function keyText(key: Scalar): string {
  return typeof key.source === 'string' && key.type === 'PLAIN' ? key.source : String(key.value);
}

/** What SnakeYAML hands Spring, as text: strings as they are, numbers and booleans via toString. */
function scalarText(node: Scalar): string {
  return typeof node.value === 'string' ? node.value : String(node.value);
}

/** Whole-line `#` comments (the ones suppressions use), with their offsets. */
function yamlComments(text: string): SpringFileContent['comments'] {
  const comments: SpringFileContent['comments'] = [];
  const pattern = /^[ \t]*#([^\r\n]*)/gm;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const start = match.index + match[0].indexOf('#');
    comments.push({ start, end: match.index + match[0].length, text: match[1] });
  }
  return comments;
}
