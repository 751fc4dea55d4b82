/**
 * --list-files: what cfglint read each file of the tree as, and why. Text is one file a line,
 * `path  format  reason`, sorted by path, with `-` for a file not read; paths and reasons quote
 * the tree, so they are escaped to stay one line. JSON is an array of {file, format, reason},
 * written as the report's JSON is (controls and bidi characters as \u escapes).
 */
import { ListedFile } from '../engine/findings';
import { jsonText, terminalText } from './escape';

export type FileListFormat = 'text' | 'json';
export const FILE_LIST_FORMATS: FileListFormat[] = ['text', 'json'];

export function isFileListFormat(name: string): name is FileListFormat {
  return (FILE_LIST_FORMATS as string[]).includes(name);
}

export function formatFileList(files: ListedFile[], format: FileListFormat): string {
  if (format === 'json') return `${jsonText(files)}\n`;
  const rows = files.map((entry) => [terminalText(entry.file), entry.format ?? '-', terminalText(entry.reason)]);
  // Columns line up within a run; two spaces apart, as `cfglint rules` prints them.
  const widths = [0, 1].map((column) => Math.max(0, ...rows.map((row) => row[column].length)));
  return rows.map((row) => `${row[0].padEnd(widths[0])}  ${row[1].padEnd(widths[1])}  ${row[2]}`).join('\n') + (rows.length > 0 ? '\n' : '');
}
