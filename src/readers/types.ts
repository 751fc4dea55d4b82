/**
 * The contract between the engine and the backend and system readers: each gets the files
 * classify() gave its format, reads them through the run's FileSystem, and returns its part of
 * the model with the problems it found, the comments it kept and the text it read.
 */
import type { FileSystem } from '../discovery/fs';
import type { FileFormat } from '../discovery/classify';
import type { ReaderDiagnostic, SourceComment } from './diagnostic';
import type { SourceText } from './text';

export interface ReaderContext {
  fs: FileSystem;
  /** Absolute path → the path findings use (relative to the current directory). */
  displayPath(absolute: string): string;
  /** Every file discovered in the tree (absolute). */
  treeFiles: string[];
  lintRoots: string[];
}

/** Absolute paths of the discovered files, by the format classify() gave them. */
export type FilesByFormat = Partial<Record<FileFormat, string[]>>;

export interface ReaderOutput {
  diagnostics: ReaderDiagnostic[];
  /** Every file read, for code frames and the report's file list. */
  sources: SourceText[];
  /** Comments by display path, for suppressions. */
  comments: Map<string, SourceComment[]>;
}

export function emptyOutput(): ReaderOutput {
  return { diagnostics: [], sources: [], comments: new Map() };
}
