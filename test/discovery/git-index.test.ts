/**
 * The paths a git index tracks, from index files built here byte by byte as
 * Documentation/gitformat-index.txt describes them (versions 2, 3 and 4), and the walk that keeps
 * a tracked file whatever .gitignore says.
 */
import { memoryFileSystem } from '../../src/discovery/fs';
import { trackedPaths } from '../../src/discovery/git-index';
import { walk } from '../../src/discovery/walk';

const encoder = new TextEncoder();

function u32(value: number): number[] {
  return [(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
}

/** One entry's fixed part: 40 bytes of stat data (zeros), a 20-byte object name, the flags. */
function fixed(nameLength: number, extended = false): number[] {
  const flags = Math.min(nameLength, 0xfff) | (extended ? 0x4000 : 0);
  return [...new Array(40).fill(0), ...new Array(20).fill(7), (flags >> 8) & 255, flags & 255, ...(extended ? [0, 0] : [])];
}

/** An index of version 2 or 3: each entry padded with 1 to 8 NULs to a multiple of 8 bytes. */
function indexV2(paths: string[], version = 2, extendedAt = -1): Uint8Array {
  const bytes = [...encoder.encode('DIRC'), ...u32(version), ...u32(paths.length)];
  paths.forEach((path, i) => {
    const name = [...encoder.encode(path)];
    const entry = [...fixed(name.length, i === extendedAt), ...name];
    const padding = 8 - (entry.length % 8);
    bytes.push(...entry, ...new Array(padding).fill(0));
  });
  return new Uint8Array([...bytes, ...new Array(20).fill(0)]);
}

/** Git's offset varint (varint.c encode_varint). */
function varint(value: number): number[] {
  const out = [value & 127];
  while ((value >>= 7)) out.unshift(128 | (--value & 127));
  return out;
}

/** An index of version 4: each name as the previous one less N bytes plus a NUL-terminated suffix. */
function indexV4(paths: string[]): Uint8Array {
  const bytes = [...encoder.encode('DIRC'), ...u32(4), ...u32(paths.length)];
  let previous = '';
  for (const path of paths) {
    let common = 0;
    while (common < previous.length && common < path.length && previous[common] === path[common]) common++;
    bytes.push(...fixed(path.length), ...varint(previous.length - common), ...encoder.encode(path.slice(common)), 0);
    previous = path;
  }
  return new Uint8Array(bytes);
}

const PATHS = ['.gitignore', 'docker/Dockerfile', 'docker/uwsgi.ini', 'nginx/default.conf'];

describe('trackedPaths', () => {
  test('versions 2, 3 (an extended entry) and 4 (prefix-compressed names)', () => {
    expect(trackedPaths(indexV2(PATHS))).toEqual(PATHS);
    expect(trackedPaths(indexV2(PATHS, 3, 1))).toEqual(PATHS);
    expect(trackedPaths(indexV4(PATHS))).toEqual(PATHS);
    // A long shared prefix needs a varint of two bytes.
    const long = ['a'.repeat(200) + '/x.conf', 'b.conf'];
    expect(trackedPaths(indexV4(long))).toEqual(long);
  });

  test('a file that is no index, another version, or a truncated one: what the bytes say for certain', () => {
    expect(trackedPaths(encoder.encode('not an index at all'))).toEqual([]);
    const v5 = indexV2(PATHS);
    v5[7] = 5;
    expect(trackedPaths(v5)).toEqual([]);
    const whole = indexV2(PATHS);
    // Cut inside the third entry: the first two are still known.
    expect(trackedPaths(whole.subarray(0, 12 + 72 + 80 + 30))).toEqual(PATHS.slice(0, 2));
    // An entry count far beyond the bytes stops at the end.
    const lying = indexV2(PATHS);
    lying.set(u32(1_000_000), 8);
    expect(trackedPaths(lying)).toEqual(PATHS);
  });
});

describe('the walk keeps tracked files that .gitignore lists (gitignore(5))', () => {
  // nautobot/nautobot: the root .gitignore lists uwsgi.ini, and docker/uwsgi.ini is committed.
  const tree = {
    '.gitignore': 'uwsgi.ini\nbuild/\n',
    '.git/index': indexV2(PATHS),
    'docker/Dockerfile': 'FROM python:3.12\n',
    'docker/uwsgi.ini': '[uwsgi]\nhttp = :8080\n',
    'nginx/default.conf': 'server { listen 80; }\n',
    'local/uwsgi.ini': '[uwsgi]\nhttp = :9090\n',
    'build/out.conf': 'server { listen 81; }\n',
  };
  const files = (entries: Record<string, string | Uint8Array>) =>
    walk(['/tree'], memoryFileSystem(entries, '/tree'))
      .files.map((file) => file.slice('/tree/'.length))
      .sort();

  test('the committed uwsgi.ini is walked; an untracked one, and an ignored directory, are not', () => {
    expect(files(tree)).toEqual(['.gitignore', 'docker/Dockerfile', 'docker/uwsgi.ini', 'nginx/default.conf']);
  });

  test('a tracked file inside an ignored directory is walked too', () => {
    expect(files({ ...tree, '.git/index': indexV2([...PATHS, 'build/out.conf'].sort()) })).toContain('build/out.conf');
  });

  test('without an index, .gitignore alone decides', () => {
    const { '.git/index': _index, ...withoutIndex } = tree;
    expect(files(withoutIndex)).toEqual(['.gitignore', 'docker/Dockerfile', 'nginx/default.conf']);
  });
});
