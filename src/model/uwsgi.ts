/** Questions about uWSGI instances that rules ask of the model. */
import type { BackendBase } from '../readers/backend';
import { UwsgiBackend, UwsgiOptionEntry } from '../readers/uwsgi/uwsgi-backend';
import type { Span } from '../source/span';

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
