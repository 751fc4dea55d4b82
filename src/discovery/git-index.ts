/**
 * The paths a git repository tracks, from its index (`.git/index`, format versions 2 to 4; git's
 * Documentation/gitformat-index.txt). `.gitignore` does not apply to a tracked file (gitignore(5):
 * "Files already tracked by Git are not affected"), so the walk keeps such files: nautobot commits
 * `docker/uwsgi.ini` while its root `.gitignore` lists `uwsgi.ini`. Only what the bytes say for
 * certain is returned: a malformed or truncated index gives the entries read before the damage.
 */

/** At most this many entries are read: a larger index (a monorepo) is read that far. */
const MAX_ENTRIES = 2_000_000;

/** Paths (with `/`, relative to the repository's top) of the entries of an index file. */
export function trackedPaths(index: Uint8Array): string[] {
  const paths: string[] = [];
  if (index.length < 12 || index[0] !== 0x44 || index[1] !== 0x49 || index[2] !== 0x52 || index[3] !== 0x43) return paths; // "DIRC"
  const view = new DataView(index.buffer, index.byteOffset, index.byteLength);
  const version = view.getUint32(4);
  if (version < 2 || version > 4) return paths;
  const count = Math.min(view.getUint32(8), MAX_ENTRIES);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let offset = 12;
  let previous: Uint8Array = new Uint8Array(0);
  for (let entry = 0; entry < count; entry++) {
    const start = offset;
    // ctime, mtime (8 each), dev, ino, mode, uid, gid, size (4 each), object name (20), flags (2).
    let cursor = start + 62;
    if (cursor > index.length) break;
    const flags = view.getUint16(start + 60);
    if (version >= 3 && flags & 0x4000) cursor += 2;
    if (cursor > index.length) break;
    let name: Uint8Array;
    if (version === 4) {
      // The name is the previous one less N bytes, followed by a NUL-terminated suffix.
      let strip = 0;
      let byte: number;
      do {
        if (cursor >= index.length) return paths;
        byte = index[cursor++];
        strip = (strip << 7) | (byte & 0x7f);
        if (byte & 0x80) strip++;
      } while (byte & 0x80 && strip < 1 << 24);
      const end = index.indexOf(0, cursor);
      if (end === -1 || strip > previous.length) break;
      const suffix = index.subarray(cursor, end);
      name = new Uint8Array(previous.length - strip + suffix.length);
      name.set(previous.subarray(0, previous.length - strip));
      name.set(suffix, previous.length - strip);
      offset = end + 1;
    } else {
      const end = index.indexOf(0, cursor);
      if (end === -1) break;
      name = index.subarray(cursor, end);
      // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
      offset = start + ((end - start + 8) & ~7);
    }
    previous = name;
    paths.push(decoder.decode(name));
  }
  return paths;
}
