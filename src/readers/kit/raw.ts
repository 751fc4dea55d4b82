/**
 * Arguments and environment values while a launch is being assembled: the value with the file
 * offset of each of its characters (so that a `sh -c '…'` string can be parsed again with exact
 * positions), the word as written, and what the value depends on that the tree does not say.
 */
import type { SourceText } from '../../source/text';
import { MappedText } from './mapped-text';

export interface RawArg {
  source: SourceText;
  value: string;
  /** File offset of each character of `value`. */
  offsets: number[];
  /** The written word, quotes included. */
  start: number;
  end: number;
  /** Variables, specifiers or substitutions the tree does not determine; empty when known. */
  unresolved: string[];
  /** A glob character outside quotes (`*`, `?`, `[`): pathname expansion may replace the word. */
  unquotedGlob?: true;
}

/** What a variable holds: a value, nothing (unset), or something the tree does not say. */
/**
 * What a name holds: its value (with where it is written, when the text there is the value
 * itself: a fix may then edit it), unknown, or not set.
 */
export type VariableValue = { value: string; writtenAt?: { source: SourceText; start: number; end: number } } | 'unknown' | 'unset';
export type Lookup = (name: string) => VariableValue;

export const ALL_UNKNOWN: Lookup = () => 'unknown';

export function writtenText(raw: RawArg): string {
  return raw.source.text.slice(raw.start, raw.end);
}

/** The value as text that can be parsed again (an inner shell command) with file positions. */
export function asMappedText(raw: RawArg): MappedText {
  return new MappedText(raw.source, raw.value, raw.offsets, raw.end);
}

/** A value that is exactly the written text between start and end. */
export function literalArg(source: SourceText, start: number, end: number, value = source.text.slice(start, end)): RawArg {
  const offsets: number[] = [];
  for (let i = 0; i < value.length; i++) offsets.push(Math.min(start + i, Math.max(start, end - 1)));
  return { source, value, offsets, start, end, unresolved: [] };
}

/**
 * A new argument that holds part of another one's value (`--bind=x` → `x`, `A=b` → `b`); its
 * span covers that part as written (without the quote that closes the whole word).
 */
export function sliceArg(raw: RawArg, from: number, to = raw.value.length): RawArg {
  const offsets = raw.offsets.slice(from, to);
  if (from === 0 && to === raw.value.length) return raw;
  const start = offsets.length > 0 ? offsets[0] : from > 0 ? raw.end : raw.start;
  // Not Math.max(...offsets): a long value's offsets overflow the stack as arguments.
  const end = offsets.length > 0 ? offsets.reduce((a, b) => Math.max(a, b)) + 1 : start;
  return { ...raw, value: raw.value.slice(from, to), offsets, start, end };
}

/** A lookup over a map of values; names missing from it get `missing`. */
export function lookupIn(values: Map<string, RawArg>, missing: 'unknown' | 'unset' | Lookup): Lookup {
  return (name) => {
    const found = values.get(name);
    if (found) return found.unresolved.length > 0 ? 'unknown' : { value: found.value };
    return typeof missing === 'function' ? missing(name) : missing;
  };
}
