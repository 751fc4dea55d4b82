/**
 * Trees written to a temporary directory and read through the real engine from disk (no
 * in-memory file system, no hand-built model): for tests of readers and links end to end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { lintSync, readTree } from '../src/engine/run';
import type { Finding } from '../src/report/finding';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (relative path → text) under a new temporary directory and returns it. */
export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cfglint-tree-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
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
