/** The run's views of the FileSystem: read once, with embedded files, with templates masked. */
import type { FileSystem } from '../discovery/fs';
import type { SourceText } from '../source/text';

/** A FileSystem that keeps what it read until told to let the contents go. */
export interface CachingFileSystem extends FileSystem {
  /**
   * Drops the files' bytes (not the listings): once the readers hold their texts, keeping them
   * would double a large tree's memory. A later read goes to the disk again.
   */
  forgetContents(): void;
}

/** Reads each file and lists each directory once per run, however many readers and globs ask for it. */
export function cachingFileSystem(fs: FileSystem): CachingFileSystem {
  const cache = new Map<string, Uint8Array | Error>();
  const listings = new Map<string, string[] | Error>();
  return {
    ...fs,
    forgetContents: () => cache.clear(),
    list(path) {
      let entry = listings.get(path);
      if (!entry) {
        try {
          entry = fs.list(path);
        } catch (error) {
          entry = error as Error;
        }
        listings.set(path, entry);
      }
      if (entry instanceof Error) throw entry;
      return [...entry];
    },
    read(path) {
      let entry = cache.get(path);
      if (!entry) {
        try {
          entry = fs.read(path);
        } catch (error) {
          entry = error as Error;
        }
        cache.set(path, entry);
      }
      if (entry instanceof Error) throw entry;
      return entry;
    },
  };
}

/** The run's file system, with the embedded files readable at their virtual paths. */
export function withEmbeddedFiles(fs: FileSystem, embedded: Map<string, SourceText>): FileSystem {
  return {
    kind: (path) => (embedded.has(path) ? 'file' : fs.kind(path)),
    isSymlink: (path) => !embedded.has(path) && fs.isSymlink(path),
    size: (path) => {
      const source = embedded.get(path);
      return source ? new TextEncoder().encode(source.text).length : fs.size(path);
    },
    readHead: (path, maxBytes) => {
      const source = embedded.get(path);
      return source ? new TextEncoder().encode(source.text).subarray(0, maxBytes) : fs.readHead(path, maxBytes);
    },
    list: (path) => fs.list(path),
    read: (path) => {
      const source = embedded.get(path);
      return source ? new TextEncoder().encode(source.text) : fs.read(path);
    },
    realpath: (path) => (embedded.has(path) ? path : fs.realpath(path)),
  };
}

/** Templates of backend formats as their readers read them: tags masked, same length and lines. */
export function withMaskedTemplates(fs: FileSystem, templates: Map<string, { masked: { text: string } }>): FileSystem {
  return {
    ...fs,
    read: (path) => {
      const template = templates.get(path);
      return template ? new TextEncoder().encode(template.masked.text) : fs.read(path);
    },
  };
}
