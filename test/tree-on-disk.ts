/**
 * Trees written to disk, for tests that must read real files: the readers and the linker judged
 * together, or the built CLI run on them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Writes each file under `dir` (relative paths, parents created) and returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [file, text] of Object.entries(files)) {
    const absolute = path.join(dir, file);
    fs.mkdirSync(path.dirname(absolute), { recursive: true });
    fs.writeFileSync(absolute, text);
  }
  return dir;
}

/**
 * A maker of trees, each in a fresh temporary directory (its real path: the tree is compared
 * with paths the engine resolves), all removed after the test file. Call it at a file's top level.
 */
export function tempTrees(prefix: string): (files: Record<string, string>) => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    made.push(dir);
    return writeFiles(dir, files);
  };
}
