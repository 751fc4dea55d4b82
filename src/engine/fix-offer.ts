/**
 * Which fixes a run may offer: only those whose every edit lands on a file the tree holds as
 * plain text, exactly as its reader read it, without two edits of one fix on the same text.
 */
import * as nodePath from 'path';
import type { FileSystem } from '../discovery/fs';
import { hasEscapedBytes } from '../discovery/path-bytes';
import type { Fix, TextEdit } from '../source/edit';
import { decodeUtf8, SourceText } from '../source/text';

/** A file the run may rewrite: where it really is, and its text as read. */
export interface EditableFile {
  path: string;
  text: string;
}

/**
 * The files of a run that fixes may edit, by the path findings use: read as plain text by their
 * reader (not a masked template, not a file embedded in a manifest), and whose bytes decode to
 * exactly that text and encode back to the same bytes.
 */
export function editableFiles(sources: { source: SourceText; path?: string }[], fs: FileSystem, cwd: string): (file: string) => EditableFile | undefined {
  const plain = new Map<string, { source: SourceText; path?: string }>();
  const excluded = new Set<string>();
  for (const entry of sources) {
    // Subclasses map positions elsewhere (a template's, a manifest's): their text is not the file's.
    if (entry.source.constructor !== SourceText) excluded.add(entry.source.file);
    else if (!plain.has(entry.source.file)) plain.set(entry.source.file, entry);
  }
  const answers = new Map<string, EditableFile | undefined>();
  const check = (file: string): EditableFile | undefined => {
    const entry = plain.get(file);
    if (!entry || excluded.has(file) || hasEscapedBytes(file)) return undefined;
    try {
      const path = fs.realpath(entry.path ?? nodePath.resolve(cwd, file));
      const bytes = fs.read(path);
      const text = decodeUtf8(bytes);
      if (text !== entry.source.text || !sameBytes(new TextEncoder().encode(text), bytes)) return undefined;
      return { path, text };
    } catch {
      return undefined;
    }
  };
  return (file) => {
    if (!answers.has(file)) answers.set(file, check(file));
    return answers.get(file);
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether every edit of the fix lands inside an editable file and no two of them overlap. */
export function fixIsExact(fix: Fix, editable: (file: string) => EditableFile | undefined): boolean {
  if (fix.edits.length === 0) return false;
  for (const edit of fix.edits) {
    const file = editable(edit.span.file);
    const { offset: start } = edit.span.start;
    const { offset: end } = edit.span.end;
    if (!file || start < 0 || end < start || end > file.text.length) return false;
  }
  const taken = new Map<string, [number, number][]>();
  // By where each file really is: one file reached by two paths (a link in the tree) is one text.
  return fix.edits.every((edit) => claim(taken, edit, editable(edit.span.file)!.path));
}

/**
 * Records the edit's range in `taken` (by `file`, where the file really is) unless it overlaps one there. Two ranges overlap when they
 * share a character, or when they touch or start at one place and either inserts: which text
 * would come first is then up to the order the fixes were applied in.
 */
export function claim(taken: Map<string, [number, number][]>, edit: TextEdit, file: string): boolean {
  const start = edit.span.start.offset;
  const end = edit.span.end.offset;
  const ranges = taken.get(file) ?? [];
  if (ranges.some(([s, e]) => start < e && s < end)) return false;
  if (ranges.some(([s, e]) => (start === e || end === s || start === s) && (start === end || s === e))) return false;
  ranges.push([start, end]);
  taken.set(file, ranges);
  return true;
}
