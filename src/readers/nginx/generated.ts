/**
 * Files a script of the tree writes when the container or host starts (`envsubst < x.tmpl >
 * /etc/nginx/includes/y.conf`, `… | tee /etc/nginx/conf.d/app.conf`): an include of one is not
 * missing, only not in the tree until then. Found by the literal absolute path a shell script,
 * an entrypoint or a Dockerfile writes with `>`, `>>` or `tee`.
 */
import * as nodePath from 'path';
import type { FileSystem } from '../../discovery/fs';
import { decodeUtf8 } from '../text';

/** `> /abs/path`, `>> "/abs/path"`, `tee -a /abs/path`: the path written. */
const WRITE = /(?:>>?|\btee(?:\s+-a)?)\s*["']?(\/[^\s"';|&)<>]+)/g;

/** Scripts that run at start: shell scripts, entrypoints, Dockerfiles. */
function isStartScript(path: string): boolean {
  const base = nodePath.basename(path).toLowerCase();
  return base.endsWith('.sh') || base.includes('entrypoint') || base === 'dockerfile' || base.startsWith('dockerfile.') || base.endsWith('.dockerfile');
}

/** A lookup from an absolute path to the tree file of the first script that writes it; scripts are read on the first call. */
export function generatedFileLookup(treeFiles: string[], fs: FileSystem, displayPath: (absolute: string) => string): (path: string) => string | undefined {
  let writers: Map<string, string> | undefined;
  return (path) => {
    if (!writers) {
      writers = new Map();
      for (const file of treeFiles) {
        if (!isStartScript(file)) continue;
        let text: string;
        try {
          text = decodeUtf8(fs.read(file));
        } catch {
          continue; // unreadable: reported where it is read, if anywhere
        }
        for (const match of text.matchAll(WRITE)) if (!writers.has(match[1])) writers.set(match[1], displayPath(file));
      }
    }
    return writers.get(path);
  };
}
