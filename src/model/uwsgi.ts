/** A uWSGI instance as its ini file(s) and command line define it (filled by src/readers/uwsgi). */
import type { Span } from '../source/span';
import type { BackendBase } from './backend';
import type { Launch } from './launch';

/** Where an option came from, in the order uWSGI reads them (SERVERS.md §2.1, docs/uwsgi-precedence in the reader). */
export type UwsgiOptionOrigin = 'environment' | 'command-line' | 'ini' | 'declared-option';

/**
 * One option in uWSGI's own list of options (what `--show-config` prints), in order. Repeated
 * keys are separate entries: list options (`socket`, `env`, `route`) use them all, scalar options
 * the last one.
 */
export interface UwsgiOptionEntry {
  /** The key after magic variables (`%n`, `%d`, …). */
  key: string;
  /**
   * The value uWSGI uses: after magic variables and, unless the option is immediate, after
   * `$(ENV)`, `@(file)` and `%(placeholder)` expansion. `null` when the option was given without
   * a value on the command line (`--master`); undefined when it depends on something the tree
   * does not say (an environment variable, the host name, a file outside the tree, a condition).
   */
  value: string | null | undefined;
  /** The value after magic variables but before placeholder expansion (what immediate options see). */
  rawValue: string | null | undefined;
  /** The value as written in the file or on the command line. */
  text: string | null;
  /** The key as written (`-s`, `--socket`, `UWSGI_SOCKET`, or the ini key). */
  keySpan: Span;
  /** The value as written; the key's span when there is no value. */
  valueSpan: Span;
  origin: UwsgiOptionOrigin;
  /** Display path of the file the entry is in. */
  file: string;
  /** The `ini =` / `--ini` / `inherit` lines that brought the file in, outermost first. */
  via: Span[];
  /**
   * The `if-*` or `for-*` block the entry sits in, when the tree cannot tell whether or how often
   * it applies (`if-env = DEBUG`, `if-exists = /etc/x`).
   */
  condition?: { text: string; span: Span };
  /** Applied while the config is read, with `rawValue` (UWSGI_OPT_IMMEDIATE). */
  immediate: boolean;
  /** Names this entry's value refers to as `%(name)`. */
  placeholders: string[];
  /** Made by `set = name=value` or `set-placeholder`/`set-ph` (then it is only a placeholder). */
  setBy?: 'set' | 'set-placeholder';
}

/** Something the reader could not read, so the instance may have options it does not see. */
export interface UwsgiGap {
  reason: string;
  span?: Span;
}

export interface UwsgiBackend extends BackendBase {
  kind: 'uwsgi';
  /** Every option, in the order uWSGI applies them. */
  options: UwsgiOptionEntry[];
  /** The ini files read for this instance (display paths), the main one first. */
  iniFiles: string[];
  /** The launch that starts this instance, when the tree has one. */
  launch?: Launch;
  /** `strict = true` is in effect (unknown options stop uWSGI instead of becoming placeholders). */
  strict: boolean | undefined;
  /** Every name used as `%(name)` in any value, and the names set with `set-placeholder`. */
  placeholderNames: Set<string>;
  /** Options declared with `declare-option`. */
  declaredOptions: Set<string>;
  /** Parts the reader could not read (missing include, other config formats, `@(file)`). */
  gaps: UwsgiGap[];
}

/** The entries of the given options (aliases together, e.g. `processes` and `workers`), in order. */
export function uwsgiEntries(backend: UwsgiBackend, ...keys: string[]): UwsgiOptionEntry[] {
  return backend.options.filter((entry) => keys.includes(entry.key));
}

/** The entry that decides a scalar option (the last one), when there is one. */
export function lastUwsgiEntry(backend: UwsgiBackend, ...keys: string[]): UwsgiOptionEntry | undefined {
  const entries = uwsgiEntries(backend, ...keys);
  return entries[entries.length - 1];
}

export function isUwsgiBackend(backend: BackendBase): backend is UwsgiBackend {
  return backend.kind === 'uwsgi';
}

/**
 * The span of characters [from, to) of a value written on one line (`text` is the value as
 * written, `span` its span). A value that runs over several lines keeps its whole span.
 */
export function spanWithin(span: Span, text: string, from: number, to: number): Span {
  if (span.start.line !== span.end.line || span.end.offset - span.start.offset !== text.length) return span;
  const at = (index: number) => ({ line: span.start.line, column: span.start.column + index, offset: span.start.offset + index });
  return { file: span.file, start: at(from), end: at(to) };
}

/**
 * A path naming an entry that survives lines moving: the instance, the key, and which
 * occurrence of that key in its file it is.
 */
export function uwsgiEntryPath(backend: UwsgiBackend, entry: UwsgiOptionEntry): string {
  return `uwsgi[${backend.name}]>${entry.file}>${entry.key}[${occurrenceIndex(backend.options).get(entry) ?? -1}]`;
}

/** Each entry's index among the entries of the same key and file, computed once per options list. */
const occurrences = new WeakMap<readonly UwsgiOptionEntry[], Map<UwsgiOptionEntry, number>>();
function occurrenceIndex(options: readonly UwsgiOptionEntry[]): Map<UwsgiOptionEntry, number> {
  let index = occurrences.get(options);
  if (!index || index.size !== options.length) {
    index = new Map();
    const seen = new Map<string, number>();
    for (const other of options) {
      const id = `${other.file}\0${other.key}`;
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      index.set(other, n);
    }
    occurrences.set(options, index);
  }
  return index;
}

/** The uWSGI backends of a deployment. */
export function uwsgiBackends(backends: BackendBase[]): UwsgiBackend[] {
  return backends.filter(isUwsgiBackend);
}
