/**
 * A file too large to read (MAX_FILE_BYTES) is reported where it stands, whatever its name: its
 * head still says what it is. The large files are sparse (truncateSync past a short head), so
 * nothing near 64 MiB is written to disk.
 */
import { truncateSync } from 'fs';
import { join } from 'path';
import { listFiles, lintSync } from '../../src/engine/run';
import { FileSystem, MAX_FILE_BYTES, memoryFileSystem } from '../../src/discovery/fs';
import { writeTree } from '../disk-tree';

/** Writes the tree, then stretches each file of `large` to one byte past the limit. */
function treeWithLargeFiles(files: Record<string, string>, large: string[]): string {
  const root = writeTree(files);
  for (const file of large) truncateSync(join(root, file), MAX_FILE_BYTES + 1);
  return root;
}

const readErrors = (root: string) =>
  lintSync({ paths: ['.'], cwd: root, config: {} })
    .report.findings.filter((finding) => finding.ruleId === 'read-error')
    .map((finding) => ({ file: finding.primary.file, line: finding.primary.start.line, message: finding.message }));

describe('a file over the size limit', () => {
  test('an nginx file known by its content and a Kubernetes manifest are each a read-error at their path', () => {
    const root = treeWithLargeFiles(
      {
        'nginx/conf.d/big.conf': 'server {\n    listen 80;\n}\n',
        'k8s/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
        Dockerfile: 'FROM nginx:1.27\n',
      },
      ['nginx/conf.d/big.conf', 'k8s/service.yaml'],
    );
    // Before: classification could not read the head either, and both were skipped (exit 0, no finding).
    expect(readErrors(root)).toEqual([
      { file: 'k8s/service.yaml', line: 1, message: `cannot read k8s/service.yaml: larger than ${MAX_FILE_BYTES} bytes` },
      { file: 'nginx/conf.d/big.conf', line: 1, message: `cannot read nginx/conf.d/big.conf: larger than ${MAX_FILE_BYTES} bytes` },
    ]);
    const formats = Object.fromEntries(listFiles({ paths: ['.'], cwd: root, config: {} }).map((entry) => [entry.file, entry.format]));
    expect(formats).toEqual({ Dockerfile: 'dockerfile', 'k8s/service.yaml': 'kubernetes', 'nginx/conf.d/big.conf': 'nginx' });
  });

  test('a large file whose head is no config is skipped, as a small one would be', () => {
    const root = treeWithLargeFiles({ 'nginx/nginx.conf': 'events {}\n', 'data/export.json': '{"rows": [' }, ['data/export.json']);
    expect(readErrors(root)).toEqual([]);
  });
});

/** A tree where `locked` cannot be read, not even its head (permission denied). */
function treeWithLockedFile(locked: string): FileSystem {
  const memory = memoryFileSystem({ 'nginx/nginx.conf': 'events {}\n', 'nginx/conf.d/locked.conf': 'server { listen 80; }\n' });
  return {
    ...memory,
    read: (path) => {
      if (path === locked) throw new Error(`cannot read ${path}: permission denied`);
      return memory.read(path);
    },
    readHead: (path, maxBytes) => (path === locked ? undefined : memory.readHead(path, maxBytes)),
  };
}

test('a file whose content cannot be read at all, when only its content tells, is a read-error, not skipped', () => {
  const fs = treeWithLockedFile('/tree/nginx/conf.d/locked.conf');
  const findings = lintSync({ paths: ['.'], cwd: '/tree', fs, config: {} }).report.findings.filter((finding) => finding.ruleId === 'read-error');
  expect(findings.map((finding) => [finding.primary.file, finding.message])).toEqual([
    ['nginx/conf.d/locked.conf', 'cannot read nginx/conf.d/locked.conf: permission denied; cfglint needs its content to tell whether it is a config it reads'],
  ]);
});

test('named on the command line and unreadable: the read-error is the answer, not a hint to map its format', () => {
  const fs = treeWithLockedFile('/tree/nginx/conf.d/locked.conf');
  const findings = lintSync({ paths: ['nginx/conf.d/locked.conf'], cwd: '/tree', fs, config: {} }).report.findings;
  expect(findings.map((finding) => [finding.ruleId, finding.primary.file])).toEqual([['read-error', 'nginx/conf.d/locked.conf']]);
});
