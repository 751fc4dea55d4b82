/**
 * The contract between the engine and the backend and system readers: each gets the files
 * classify() gave its format, reads them through the run's FileSystem, and returns its part of
 * the model with the problems it found, the comments it kept and the text it read.
 */
import type { FileSystem } from '../discovery/fs';
import type { FileFormat } from '../discovery/classify';
import type { ReaderDiagnostic, SourceComment } from '../source/diagnostic';
import type { MaskedTemplate } from '../discovery/template';
import { SourceText } from '../source/text';
import { TemplateSourceText } from './template-text';

export interface ReaderContext {
  fs: FileSystem;
  /** Absolute path → the path findings use (relative to the current directory). */
  displayPath(absolute: string): string;
  /** Every file discovered in the tree (absolute). */
  treeFiles: string[];
  lintRoots: string[];
  /**
   * Files embedded in others (config files in Kubernetes ConfigMaps) by their virtual path: a
   * reader takes this SourceText, whose positions are in the manifest, instead of making its own.
   */
  embedded?: ReadonlyMap<string, SourceText>;
  /**
   * Templates of the reader's format by path: `fs` gives their masked text, and the reader reads
   * them as a TemplateSourceText, which says where a tag may write lines it does not see.
   */
  templates?: ReadonlyMap<string, { original: string; masked: MaskedTemplate }>;
}

/** The SourceText for a file the reader has read: the embedded one for a virtual path, a template's with its tags. */
export function sourceFor(context: ReaderContext, path: string, text: string): SourceText {
  const embedded = context.embedded?.get(path);
  if (embedded) return embedded;
  const template = context.templates?.get(path);
  if (template && template.masked.text === text) return new TemplateSourceText(context.displayPath(path), template.original, template.masked);
  return new SourceText(context.displayPath(path), text);
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
