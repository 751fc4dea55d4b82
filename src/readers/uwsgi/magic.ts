/**
 * uWSGI's magic variables (`%d`, `%n`, `%p`, …). uWSGI replaces them in the whole text of a config
 * file as it reads it, before it looks at lines (magic_sub in core/utils.c, table filled by
 * config_magic_table_fill in core/uwsgi.c; docs/servers/uwsgi.md#magic-variables). Every `%` takes the next character
 * with it: `%%` is `%`, `%(` stays `%(` (placeholders come later), a letter with a value gives the
 * value, and any other character gives nothing (so `%z` vanishes, and a `%` at the end of a line
 * joins it with the next one). The result keeps a map back to the original text for spans.
 */

/** Stands for a piece of text that depends on the machine (host name, the file's real path). */
export const UNKNOWN = '\uE000';

export function isKnown(text: string | null | undefined): text is string {
  return typeof text === 'string' && !text.includes(UNKNOWN);
}

/** Text after substitution, with where each character came from in the original. */
export class MappedText {
  constructor(
    readonly text: string,
    /** For each character of `text`: offset of the original text it came from. */
    private readonly starts: number[],
    /** For each character of `text`: offset just after the original text it came from. */
    private readonly ends: number[],
    private readonly sourceLength: number,
  ) {}

  /** Original offsets of the substituted range [start, end). */
  sourceRange(start: number, end: number): [number, number] {
    const from = start < this.starts.length ? this.starts[start] : this.sourceLength;
    const to = end > start ? this.ends[end - 1] : from;
    return [from, to];
  }
}

/** Values of the magic variables for one file; UNKNOWN where the tree cannot say. */
export type MagicTable = Map<string, string>;

export function substituteMagic(source: string, table: MagicTable): MappedText {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const n = source.length;
  let i = 0;
  while (i < n) {
    const ch = source[i];
    if (ch !== '%') {
      text += ch;
      starts.push(i);
      ends.push(i + 1);
      i++;
      continue;
    }
    // uWSGI reads the file with a terminating NUL, so a final `%` eats that NUL and vanishes.
    let width = i + 1 < n ? 2 : 1;
    let next = i + 1 < n ? source[i + 1] : '\0';
    // uWSGI works on bytes: `%` followed by a non-ASCII character loses that character's first
    // byte. Here the whole character goes (the rest would be an invalid byte sequence anyway).
    const code = next.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdbff && i + 2 < n) {
      width = 3;
      next = source.slice(i + 1, i + 3);
    }
    const value = table.get(next) ?? '';
    for (const piece of value) {
      for (let k = 0; k < piece.length; k++) {
        text += piece[k];
        starts.push(i);
        ends.push(i + width);
      }
    }
    i += width;
  }
  return new MappedText(text, starts, ends, n);
}

/** What is known about the file being read, for its magic variables. */
export interface MagicFileInfo {
  /** The name as given to uWSGI (`%o`), without `:section`; undefined when the tree cannot say. */
  given: string | undefined;
  /** The absolute path uWSGI resolves (`%p`); undefined when the tree cannot say where it is on the server. */
  fullPath: string | undefined;
  /** The file's base name (`%s`), known even when its directory is not. */
  baseName: string;
  /** The section asked for with `file:section` (`%x`), or ''. */
  section: string;
}

/** What is known about the machine uWSGI runs on; undefined fields are unknown. */
export interface MagicMachineInfo {
  binaryPath?: string;
  cwd?: string;
  hostname?: string;
  cpus?: number;
  uid?: number;
  user?: string;
  gid?: number;
  group?: string;
  version?: string;
  inode?(path: string): number | undefined;
}

const FILE_LETTERS = ['o', 'p', 's', 'd', 'c', 'e', 'n', 'x', 'i', 'j', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Letters whose uppercase form repeats the first config file's value. */
const FIRST_FILE_LETTERS = ['o', 'd', 's', 'p', 'c', 'e', 'n', 'x', 'i', 'j'];

const known = (value: string | undefined) => value ?? UNKNOWN;

/**
 * The magic table as uWSGI fills it for a file, starting from the previous table (values the
 * new file does not set, such as `%i` when the file cannot be stat'ed, stay as they were).
 */
export function fillMagicTable(previous: MagicTable | undefined, file: MagicFileInfo, machine: MagicMachineInfo, firstRound: boolean): MagicTable {
  const table: MagicTable = previous ? new Map(previous) : baseMagicTable(machine);
  table.set('o', known(file.given));
  table.set('b', known(machine.binaryPath));
  const full = file.fullPath;
  table.set('p', known(full));
  table.set('s', file.baseName);
  let directory: string | undefined;
  if (full !== undefined) {
    directory = full.slice(0, full.length - file.baseName.length);
    table.set('d', directory);
    table.set('j', djb33xHex(full));
    const inode = machine.inode?.(full);
    if (inode !== undefined) table.set('i', String(inode));
  } else {
    table.set('d', UNKNOWN);
    table.set('j', UNKNOWN);
    table.set('i', UNKNOWN);
  }
  for (let digit = 0; digit <= 9; digit++) table.set(String(digit), directory === undefined ? UNKNOWN : '');
  table.set('c', directory === undefined ? UNKNOWN : '');
  if (directory !== undefined) {
    const withoutSlash = directory.endsWith('/') ? directory.slice(0, -1) : directory;
    const slash = withoutSlash.lastIndexOf('/');
    if (slash !== -1) table.set('c', withoutSlash.slice(slash + 1));
    // strtok on '/': empty components are skipped; at most ten are numbered.
    withoutSlash
      .split('/')
      .filter((part) => part !== '')
      .slice(0, 10)
      .forEach((part, index) => table.set(String(index), part));
  }
  const dot = file.baseName.lastIndexOf('.');
  table.set('e', dot === -1 ? '' : file.baseName.slice(dot + 1));
  table.set('n', dot === -1 ? file.baseName : file.baseName.slice(0, dot));
  table.set('x', file.section);
  if (firstRound) for (const letter of FIRST_FILE_LETTERS) table.set(letter.toUpperCase(), table.get(letter)!);
  return table;
}

/** The table before any file: `%%`, `%(`, the machine's values, and empty first-file values. */
export function baseMagicTable(machine: MagicMachineInfo): MagicTable {
  const table: MagicTable = new Map();
  table.set('%', '%');
  table.set('(', '%(');
  table.set('v', known(machine.cwd));
  table.set('h', known(machine.hostname));
  // Start time in seconds and microseconds: never the same twice.
  table.set('t', UNKNOWN);
  table.set('T', UNKNOWN);
  table.set('V', known(machine.version));
  table.set('k', machine.cpus === undefined ? UNKNOWN : String(machine.cpus));
  table.set('[', '\u001b');
  table.set('u', machine.uid === undefined ? UNKNOWN : String(machine.uid));
  table.set('U', known(machine.user ?? (machine.uid === undefined ? undefined : String(machine.uid))));
  table.set('g', machine.gid === undefined ? UNKNOWN : String(machine.gid));
  table.set('G', known(machine.group ?? (machine.gid === undefined ? undefined : String(machine.gid))));
  for (const letter of FIRST_FILE_LETTERS) table.set(letter.toUpperCase(), '');
  for (const letter of FILE_LETTERS) if (!table.has(letter)) table.set(letter, '');
  return table;
}

/**
 * `%j`: uWSGI's djb33x hash of the full path (hash = hash * 33 ^ byte, bytes as signed chars),
 * printed in upper-case hex of its four bytes in memory order (little-endian on the usual machines).
 */
function djb33xHex(path: string): string {
  let hash = 5381;
  for (const byte of Buffer.from(path, 'utf8')) {
    const signed = byte >= 128 ? byte - 256 : byte;
    hash = (Math.imul(hash, 33) ^ signed) >>> 0;
  }
  let hex = '';
  for (let shift = 0; shift < 32; shift += 8) hex += ((hash >>> shift) & 0xff).toString(16).padStart(2, '0').toUpperCase();
  return hex;
}
