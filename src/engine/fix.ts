/**
 * `--fix` and `--fix-dry-run`, ESLint's way: lint, apply the fixes of the findings that do not
 * overlap (the others wait), lint the new text again, until no fix is left or after MAX_PASSES.
 * Every pass reads the tree through an overlay that holds the text fixed so far, so nothing is
 * written until the end, and a dry run writes nothing at all. A fix is offered only on a file
 * whose text on disk is exactly what its reader read (no template, no manifest-embedded file, no
 * lossy decoding), and only through the confined file system: never outside the tree.
 */
import { confineFileSystem } from '../discovery/confine';
import { FileSystem, nodeFileSystem } from '../discovery/fs';
import type { Fix, TextEdit } from '../source/edit';
import { decodeUtf8 } from '../source/text';
import type { Finding, Report } from './findings';
import { claim } from './fix-offer';
import { checkedRoots, LintOptions } from './options';
import { LintResult, lintSync } from './run';

/** ESLint stops after 10 passes too: a fix that keeps finding work is a bug, not a reason to loop. */
export const MAX_PASSES = 10;

/** One file a fix run changed: its text before the first fix and after the last. */
export interface FileChange {
  /** As findings show it. */
  file: string;
  /** Where it really is (what is written). */
  path: string;
  before: string;
  after: string;
}

export interface FixRun {
  /** The lint of the fixed text: what is left. */
  result: LintResult;
  changes: FileChange[];
  /** How many fixes were applied, over all passes. */
  applied: number;
  passes: number;
  /**
   * Fixes whose text the readers then read with a new problem (a syntax error, a value they
   * reject): taken back, and the run stopped there. Empty when all went well.
   */
  reverted: string[];
}

/**
 * Applies the fixes of the findings `choose` keeps (the findings the user sees: --select,
 * --ignore, --quiet and the baseline apply) until none is left. Writes nothing: see writeChanges.
 */
export function fixSync(options: LintOptions, choose: (report: Report) => Finding[]): FixRun {
  const base = options.fs ?? nodeFileSystem;
  const fixedText = new Map<string, string>();
  const overlay = overlayFileSystem(base, fixedText);
  const lint = () => lintSync({ ...options, fs: overlay });
  const originals = new Map<string, { file: string; text: string }>();
  let result = lint();
  let applied = 0;
  let passes = 0;
  const reverted: string[] = [];
  while (passes < MAX_PASSES) {
    const taken = new Map<string, [number, number][]>();
    const chosen: Fix[] = [];
    for (const finding of choose(result.report)) {
      if (!finding.fix) continue;
      // A fix is all its edits or nothing; an overlapping one waits for the next pass.
      const trial = new Map([...taken].map(([file, ranges]) => [file, [...ranges]]));
      if (!finding.fix.edits.every((edit) => claim(trial, edit, result.editableFile(edit.span.file)!.path))) continue;
      taken.clear();
      for (const [file, ranges] of trial) taken.set(file, ranges);
      chosen.push(finding.fix);
    }
    if (chosen.length === 0) break;
    passes++;

    const before = new Map(fixedText);
    // Grouped by where each file really is: two paths to one file are one text to edit.
    const edits = new Map<string, { file: string; list: TextEdit[] }>();
    for (const edit of chosen.flatMap((fix) => fix.edits)) {
      const path = result.editableFile(edit.span.file)!.path;
      const group = edits.get(path) ?? { file: edit.span.file, list: [] };
      group.list.push(edit);
      edits.set(path, group);
    }
    const touched = new Set<string>();
    for (const { file, list } of edits.values()) {
      const target = result.editableFile(file)!;
      if (!originals.has(target.path)) originals.set(target.path, { file, text: target.text });
      // From the end backwards, so that each edit's offsets still hold when it is applied.
      const sorted = [...list].sort((a, b) => b.span.start.offset - a.span.start.offset || b.span.end.offset - a.span.end.offset);
      let text = target.text;
      for (const edit of sorted) text = text.slice(0, edit.span.start.offset) + edit.text + text.slice(edit.span.end.offset);
      fixedText.set(target.path, text);
      for (const edit of list) touched.add(edit.span.file);
    }

    const next = lint();
    const problems = (report: Report) => report.findings.filter((finding) => finding.messageId === 'diagnostic' && touched.has(finding.primary.file)).length;
    if (problems(next.report) > problems(result.report)) {
      // A fix that makes a file unreadable is a bug in the fix: take the pass back and stop.
      fixedText.clear();
      for (const [path, text] of before) fixedText.set(path, text);
      reverted.push(...chosen.map((fix) => fix.title));
      break;
    }
    applied += chosen.length;
    result = next;
  }
  const changes: FileChange[] = [];
  for (const [path, original] of originals) {
    const after = fixedText.get(path);
    if (after !== undefined && after !== original.text) changes.push({ file: original.file, path, before: original.text, after });
  }
  changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { result, changes, applied, passes, reverted };
}

/** The run's file system with the text fixed so far in place of what is on disk. */
function overlayFileSystem(base: FileSystem, fixedText: Map<string, string>): FileSystem {
  const bytesOf = (path: string) => {
    const text = fixedText.get(path);
    return text === undefined ? undefined : new TextEncoder().encode(text);
  };
  return {
    ...base,
    size: (path) => bytesOf(path)?.length ?? base.size(path),
    readHead: (path, maxBytes) => bytesOf(path)?.subarray(0, maxBytes) ?? base.readHead(path, maxBytes),
    read: (path) => bytesOf(path) ?? base.read(path),
  };
}

/**
 * Writes the fixed files, each through the tree's confined file system (the one door reads go
 * through): a path outside the tree is refused. Returns one message per file that could not be
 * written.
 */
export function writeChanges(options: LintOptions, changes: FileChange[]): string[] {
  const base = options.fs ?? nodeFileSystem;
  const { areas } = checkedRoots(options, base, options.cwd ?? process.cwd());
  const confined = confineFileSystem(base, areas);
  const failures: string[] = [];
  for (const change of changes) {
    try {
      if (!confined.write) throw new Error(`cannot write ${change.file}: the file system is read-only`);
      // The fixes were made on the text read at the start: a file changed since is left alone.
      if (decodeUtf8(confined.read(change.path)) !== change.before) throw new Error(`cannot write ${change.file}: it changed while cfglint was fixing it`);
      confined.write(change.path, new TextEncoder().encode(change.after));
    } catch (error) {
      failures.push(error instanceof Error ? error.message.split(change.path).join(change.file) : String(error));
    }
  }
  return failures;
}
