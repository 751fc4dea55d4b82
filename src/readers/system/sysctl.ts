/**
 * sysctl.conf(5) and sysctl.d(5): `key = value` lines, `#`/`;` comment lines, `.` or `/` as
 * separators, a leading `-` (failures ignored). Files are applied in the order of their file
 * names across directories (the same name in /etc hides /run, /usr/local/lib, /usr/lib and /lib);
 * /etc/sysctl.conf comes last (`sysctl --system`; Debian links it as 99-sysctl.conf). The last
 * assignment wins.
 */
import * as nodePath from 'path';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { diagnostic } from '../kit/files';
import type { SourceText } from '../../source/text';

export interface SysctlAssignment {
  /** With dots: `net.core.somaxconn`. */
  key: string;
  value: string;
  source: SourceText;
  /** File offsets of the value, and of the whole line. */
  valueStart: number;
  valueEnd: number;
  lineStart: number;
  lineEnd: number;
}

/** `net/core/somaxconn` → `net.core.somaxconn`; with a dot first, slashes and dots are swapped. */
export function normalizeSysctlKey(key: string): string {
  const firstSlash = key.indexOf('/');
  const firstDot = key.indexOf('.');
  if (firstSlash === -1 || (firstDot !== -1 && firstDot < firstSlash)) return key;
  return key.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

export function parseSysctl(source: SourceText, problems: ReaderDiagnostic[]): SysctlAssignment[] {
  const text = source.text;
  const assignments: SysctlAssignment[] = [];
  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const next = lineEnd + 1;
    if (text[lineEnd - 1] === '\r') lineEnd--;
    let k = lineStart;
    while (k < lineEnd && /\s/.test(text[k])) k++;
    if (k < lineEnd && text[k] !== '#' && text[k] !== ';') {
      const line = text.slice(k, lineEnd);
      const equals = line.indexOf('=');
      if (equals === -1) {
        // `-key` alone excludes a key from glob assignments (systemd-sysctl); anything else is an error.
        if (!line.startsWith('-')) problems.push(diagnostic(source, 'sysctl-syntax', `Line is not an assignment, ignoring: ${line.trim()}`, k, lineEnd));
      } else {
        const key = line.slice(0, equals).trim().replace(/^-/, '');
        let valueStart = k + equals + 1;
        while (valueStart < lineEnd && /[ \t]/.test(text[valueStart])) valueStart++;
        let valueEnd = lineEnd;
        while (valueEnd > valueStart && /[ \t]/.test(text[valueEnd - 1])) valueEnd--;
        if (key === '') problems.push(diagnostic(source, 'sysctl-syntax', 'Empty key, ignoring line', k, lineEnd));
        else assignments.push({ key: normalizeSysctlKey(key), value: text.slice(valueStart, valueEnd), source, valueStart, valueEnd, lineStart: k, lineEnd });
      }
    }
    lineStart = next;
  }
  return assignments;
}

const DIRECTORY_PRECEDENCE: [RegExp, number][] = [
  [/(^|\/)etc\/sysctl\.d\//, 0],
  [/(^|\/)run\/sysctl\.d\//, 1],
  [/(^|\/)usr\/local\/lib\/sysctl\.d\//, 2],
  [/(^|\/)usr\/lib\/sysctl\.d\//, 3],
  [/(^|\/)lib\/sysctl\.d\//, 4],
];

function precedence(path: string): number {
  for (const [pattern, rank] of DIRECTORY_PRECEDENCE) if (pattern.test(path)) return rank;
  // A sysctl.d directory outside a root file system layout (deploy/sysctl.d/): taken as /etc's.
  return 0;
}

/**
 * The order in which files apply: sysctl.d files by name (only the highest-precedence file of
 * each name), then sysctl.conf files.
 */
export function sysctlOrder(paths: string[]): string[] {
  const byName = new Map<string, string>();
  const confFiles: string[] = [];
  for (const path of paths) {
    const name = nodePath.basename(path);
    if (name === 'sysctl.conf') {
      confFiles.push(path);
      continue;
    }
    const known = byName.get(name);
    if (!known || precedence(path) < precedence(known)) byName.set(name, path);
  }
  const dropIns = [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, path]) => path);
  return [...dropIns, ...confFiles.sort()];
}
