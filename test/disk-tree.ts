/**
 * Trees written to disk and read through the real engine (no in-memory file system, no
 * hand-built model): for tests of readers and links end to end, and of the built CLI.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { lintSync } from '../src/engine/run';
import { readTree } from '../src/engine/read-tree';
import type { Finding } from '../src/engine/findings';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes each file under `dir` (relative paths, parents created) and returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/**
 * Writes `files` (relative path → text) under a new temporary directory, removed after the test
 * file, and returns its real path (the engine compares the paths it resolves with it).
 */
export function writeTree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cfglint-tree-')));
  made.push(root);
  return writeFiles(root, files);
}

/** The model of a tree on disk, with paths shown relative to its root. */
export function readDiskTree(files: Record<string, string>, nginxVersion?: string) {
  const root = writeTree(files);
  return readTree({ paths: ['.'], cwd: root, config: {}, nginxVersion });
}

/** Every finding for a tree on disk. */
export function lintDiskTree(files: Record<string, string>, nginxVersion = '1.24.0'): Finding[] {
  const root = writeTree(files);
  return lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion }).report.findings;
}
