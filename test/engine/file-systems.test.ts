/**
 * The run's caching file system reads each file once, and lets the bytes go when told: the
 * readers hold their texts by then, and a large tree would otherwise be kept twice.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { nodeFileSystem } from '../../src/discovery/fs';
import { decodeUtf8 } from '../../src/source/text';
import { cachingFileSystem } from '../../src/engine/file-systems';
import { writeTree } from '../disk-tree';

describe('cachingFileSystem', () => {
  it('gives the bytes first read until its contents are forgotten, then reads the disk again', () => {
    const root = writeTree({ 'nginx.conf': 'events {}\n' });
    const file = join(root, 'nginx.conf');
    const fs = cachingFileSystem(nodeFileSystem);
    expect(decodeUtf8(fs.read(file))).toBe('events {}\n');
    writeFileSync(file, 'worker_processes 2;\n');
    // One snapshot per run: every reader sees the file as it was first read.
    expect(decodeUtf8(fs.read(file))).toBe('events {}\n');
    fs.forgetContents();
    expect(decodeUtf8(fs.read(file))).toBe('worker_processes 2;\n');
  });

  it('keeps directory listings when the contents go', () => {
    const root = writeTree({ 'a.conf': 'events {}\n' });
    const fs = cachingFileSystem(nodeFileSystem);
    expect(fs.list(root)).toEqual(['a.conf']);
    writeFileSync(join(root, 'b.conf'), 'events {}\n');
    fs.forgetContents();
    expect(fs.list(root)).toEqual(['a.conf']);
  });
});
