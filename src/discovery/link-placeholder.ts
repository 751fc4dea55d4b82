/**
 * Symlink placeholders: git checks a symbolic link out as a small regular file holding the
 * link's target (no trailing newline) when symlinks are off (core.symlinks=false, the default on
 * Windows, and what some copy tools produce). The confinement point (confine.ts) treats such a
 * file as the link it stands for; this module only says whether a file is one.
 *
 * Detection is strict, because taking a real config for a link would hide it: a one-word or
 * one-line config must never qualify. What a real link target almost never holds, and a config
 * line almost always does, decides.
 */
import * as nodePath from 'path';
import type { FileSystem } from './fs';

/** PATH_MAX on Linux is 4096 bytes with the terminating NUL: no link target is longer. */
export const PLACEHOLDER_MAX_BYTES = 4095;

/**
 * Characters that rule a file out. Whitespace: every config statement separates a name from its
 * value (`include conf.d/*.conf;`, `web: gunicorn app`). `=` assignments (env, INI, systemd,
 * sysctl, properties); `;` nginx's statement end; `{` `}` blocks and template tags; `"` `'`
 * quoted values; `#` comments; `<` `>` XML and redirections; `:` YAML and Procfile keys and
 * URLs (`http://host/path` would otherwise be a relative link); `$` and backquote variables and
 * substitutions; `\` escapes and Windows paths; `*` `?` `[` `]` globs; `|` `&` `(` `)` `,`
 * shell and list syntax. A link target may hold any of these in principle; in repositories
 * none of them appears in one (they are paths to sibling or system files), so the cost of
 * refusing them is a link read as the file it is, as before.
 */
const REFUSED = /[\s=;{}"'#<>:$`\\*?[\]|&(),]/u;

/** Control characters (C0, DEL, C1): no path typed by a person holds one. */
const CONTROL = /\p{Cc}/u;

/**
 * The link target a placeholder file holds, or undefined when `bytes` cannot be one. `hasSibling`
 * answers whether an entry of that name exists beside the file: a bare name (`mailcow.conf`)
 * counts only then, since a one-word file (`oneshot`, `main`) is common and a link to a
 * missing sibling indistinguishable from it.
 */
export function placeholderTarget(bytes: Uint8Array, hasSibling: (name: string) => boolean): string | undefined {
  if (bytes.length === 0 || bytes.length > PLACEHOLDER_MAX_BYTES) return undefined;
  let text: string;
  try {
    // git writes the target's bytes as they are; a target that is not UTF-8 is not worth the
    // risk. A byte-order mark is kept, to be refused below as the whitespace it is to \s.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  // \s also refuses a trailing newline: what an editor leaves in a real one-line file, and git
  // never writes after a link target.
  if (REFUSED.test(text) || CONTROL.test(text)) return undefined;
  if (text.includes('/')) return text;
  if (text === '.' || text === '..') return undefined;
  return hasSibling(text) ? text : undefined;
}

/**
 * Files of patterns for a tool (`.gitignore`, `.dockerignore`, `.prettierignore`, `.helmignore`):
 * one that names a single sibling (plane's `nginx/.prettierignore` holds `nginx.conf.template`,
 * without a newline) is that list, not a link to the sibling.
 */
const IGNORE_FILE = /^\..*ignore$/;

/**
 * The target held by the regular file at `path` (its directory already resolved) when the file
 * is a placeholder; `size` is its size, from FileSystem.size. Only a file under PATH_MAX bytes
 * is read, so a large file costs nothing here.
 */
export function readPlaceholder(fs: FileSystem, path: string, size: number): string | undefined {
  if (size === 0 || size > PLACEHOLDER_MAX_BYTES || IGNORE_FILE.test(nodePath.basename(path))) return undefined;
  // One byte more than a target may hold: a file that grew since its size was taken is refused.
  const bytes = fs.readHead(path, PLACEHOLDER_MAX_BYTES + 1);
  if (bytes === undefined) return undefined;
  const dir = nodePath.dirname(path);
  return placeholderTarget(bytes, (name) => {
    // A file holding its own name is a one-word file, not a link to itself.
    if (name === nodePath.basename(path)) return false;
    const sibling = nodePath.join(dir, name);
    // lstat first: a sibling that is itself a link exists whatever it points at, and is not followed.
    return fs.isSymlink(sibling) || fs.kind(sibling) !== undefined;
  });
}
