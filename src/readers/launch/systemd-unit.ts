/**
 * systemd unit files (systemd.syntax(7)): `[Section]` headers, `Key=Value` lines, `#`/`;`
 * comment lines, and lines ending in `\` joined with the next (the backslash becomes a space;
 * comment lines inside a continuation are skipped). A unit is its file plus its drop-ins
 * (`<unit>.d/*.conf`, read after the unit in file-name order), so a drop-in's `LimitNOFILE=` or
 * an empty `ExecStart=` followed by a new one overrides the unit. Shared by the launch reader
 * (ExecStart=) and the system reader (LimitNOFILE=).
 */
import * as nodePath from 'path';
import type { ReaderDiagnostic, SourceComment } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import { diagnostic } from '../kit/files';
import { MappedText, MappedTextBuilder } from '../kit/mapped-text';

export interface UnitEntry {
  section: string;
  key: string;
  /** File offsets of the key. */
  keyStart: number;
  keyEnd: number;
  /** The value with continuations joined, blanks around it removed. */
  value: MappedText;
}

export interface UnitFile {
  source: SourceText;
  entries: UnitEntry[];
  comments: SourceComment[];
  problems: ReaderDiagnostic[];
}

export function parseUnitFile(source: SourceText): UnitFile {
  const text = source.text;
  const entries: UnitEntry[] = [];
  const comments: SourceComment[] = [];
  const problems: ReaderDiagnostic[] = [];
  let section = '';

  const lineAt = (start: number) => {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const contentEnd = end > start && text[end - 1] === '\r' ? end - 1 : end;
    return { end, contentEnd, next: end + 1 };
  };
  const isComment = (start: number, end: number) => {
    let k = start;
    while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
    return k < end && (text[k] === '#' || text[k] === ';') ? k : -1;
  };

  for (let start = 0; start < text.length;) {
    const line = lineAt(start);
    let k = start;
    while (k < line.contentEnd && /\s/.test(text[k])) k++;
    if (k >= line.contentEnd) {
      start = line.next;
      continue;
    }
    if (text[k] === '#' || text[k] === ';') {
      comments.push({ span: source.span(k, line.contentEnd), text: text.slice(k + 1, line.contentEnd).trim() });
      start = line.next;
      continue;
    }
    if (text[k] === '[') {
      const close = text.lastIndexOf(']', line.contentEnd);
      if (close > k && text.slice(close + 1, line.contentEnd).trim() === '') section = text.slice(k + 1, close);
      else problems.push(diagnostic(source, 'systemd-syntax', 'Invalid section header, ignoring line', k, line.contentEnd));
      start = line.next;
      continue;
    }

    // A logical line: this one and the lines its trailing backslashes join.
    const builder = new MappedTextBuilder(source);
    let segmentStart = k;
    let current = line;
    for (;;) {
      let segmentEnd = current.contentEnd;
      while (segmentEnd > segmentStart && /[ \t]/.test(text[segmentEnd - 1])) segmentEnd--;
      const continued = segmentEnd > segmentStart && text[segmentEnd - 1] === '\\' && current.next <= text.length;
      builder.push(text.slice(segmentStart, continued ? segmentEnd - 1 : current.contentEnd), segmentStart);
      if (!continued) break;
      builder.pushAt(' ', segmentEnd - 1);
      let nextStart = current.next;
      // Comment lines after a continuation are skipped; the value goes on after them.
      while (nextStart < text.length) {
        const next = lineAt(nextStart);
        const marker = isComment(nextStart, next.contentEnd);
        if (marker === -1) break;
        comments.push({ span: source.span(marker, next.contentEnd), text: text.slice(marker + 1, next.contentEnd).trim() });
        nextStart = next.next;
      }
      if (nextStart >= text.length) {
        current = { end: text.length, contentEnd: text.length, next: text.length + 1 };
        break;
      }
      current = lineAt(nextStart);
      segmentStart = nextStart;
    }
    const logical = builder.build(current.contentEnd);
    start = current.next;

    const equals = logical.text.indexOf('=');
    if (equals === -1) {
      problems.push(diagnostic(source, 'systemd-syntax', "Missing '=', ignoring line", logical.offsetAt(0), logical.endOffset));
      continue;
    }
    if (section === '') {
      problems.push(diagnostic(source, 'systemd-syntax', 'Assignment outside of section, ignoring', logical.offsetAt(0), logical.endOffset));
      continue;
    }
    let keyEnd = equals;
    while (keyEnd > 0 && /[ \t]/.test(logical.text[keyEnd - 1])) keyEnd--;
    let valueStart = equals + 1;
    while (valueStart < logical.text.length && /[ \t]/.test(logical.text[valueStart])) valueStart++;
    let valueEnd = logical.text.length;
    while (valueEnd > valueStart && /[ \t\r]/.test(logical.text[valueEnd - 1])) valueEnd--;
    entries.push({
      section,
      key: logical.text.slice(0, keyEnd),
      keyStart: logical.offsetAt(0),
      keyEnd: logical.endOffsetAt(keyEnd),
      value: logical.slice(valueStart, valueEnd),
    });
  }
  return { source, entries, comments, problems };
}

export interface Unit {
  /** `gunicorn.service`. */
  name: string;
  /** The unit file (when the tree has it) first, then its drop-ins in file-name order. */
  files: UnitFile[];
  /** Whether the unit file itself is in the tree (not only drop-ins). */
  hasUnitFile: boolean;
}

const UNIT_SUFFIX = /\.(service|socket|mount|timer|target|path|slice|scope|swap|device|automount)$/;

/** Which unit a path belongs to: `x/nginx.service` → the unit; `x/nginx.service.d/y.conf` → a drop-in of it. */
export function unitOf(path: string): { name: string; dropIn: boolean } | undefined {
  const base = nodePath.basename(path);
  if (UNIT_SUFFIX.test(base)) return { name: base, dropIn: false };
  const dir = nodePath.basename(nodePath.dirname(path));
  if (base.endsWith('.conf') && dir.endsWith('.d') && UNIT_SUFFIX.test(dir.slice(0, -2))) return { name: dir.slice(0, -2), dropIn: true };
  return undefined;
}

/** Which copy of a unit systemd loads when the tree has several: /etc before /run before /lib. */
function unitPrecedence(path: string): number {
  if (/(^|\/)etc\/systemd\//.test(path)) return 0;
  if (/(^|\/)run\/systemd\//.test(path)) return 1;
  if (/(^|\/)(usr\/)?lib\/systemd\//.test(path)) return 3;
  return 2;
}

/** Groups parsed files into units: the unit file that wins, then drop-ins sorted by file name. */
export function groupUnits(files: { path: string; file: UnitFile }[]): Unit[] {
  const byName = new Map<string, { unitFiles: { path: string; file: UnitFile }[]; dropIns: { path: string; file: UnitFile }[] }>();
  for (const entry of files) {
    const owner = unitOf(entry.path);
    if (!owner) continue;
    const group = byName.get(owner.name) ?? { unitFiles: [], dropIns: [] };
    byName.set(owner.name, group);
    (owner.dropIn ? group.dropIns : group.unitFiles).push(entry);
  }
  const units: Unit[] = [];
  for (const [name, group] of [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const unitFile = [...group.unitFiles].sort((a, b) => unitPrecedence(a.path) - unitPrecedence(b.path))[0];
    // A drop-in of the same name in several directories: the one with precedence wins.
    const dropIns = new Map<string, { path: string; file: UnitFile }>();
    for (const dropIn of [...group.dropIns].sort((a, b) => unitPrecedence(b.path) - unitPrecedence(a.path)))
      dropIns.set(nodePath.basename(dropIn.path), dropIn);
    const ordered = [...dropIns.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry.file);
    units.push({ name, files: unitFile ? [unitFile.file, ...ordered] : ordered, hasUnitFile: Boolean(unitFile) });
  }
  return units;
}

/** Every assignment of `key` in `section`, in the order systemd applies them. */
export function assignments(unit: Unit, section: string, key: string): { file: UnitFile; entry: UnitEntry }[] {
  return unit.files.flatMap((file) => file.entries.filter((entry) => entry.section === section && entry.key === key).map((entry) => ({ file, entry })));
}

/** The last assignment of a single-value setting (an empty one resets it to the default). */
export function lastAssignment(unit: Unit, section: string, key: string): { file: UnitFile; entry: UnitEntry } | undefined {
  const all = assignments(unit, section, key);
  const last = all[all.length - 1];
  return last && last.entry.value.text !== '' ? last : undefined;
}
