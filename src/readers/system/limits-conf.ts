/**
 * limits.conf(5) and limits.d/*.conf (Linux-PAM pam_limits): `<domain> <type> <item> <value>`,
 * `#` starts a comment anywhere. Only `nofile` is kept. `-` sets soft and hard; `-1`,
 * `unlimited` and `infinity` mean the kernel's fs.nr_open for nofile. limits.conf is read first,
 * then limits.d/*.conf in file-name order; for each domain the last line of each type wins.
 */
import * as nodePath from 'path';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { diagnostic } from '../kit/files';
import type { SourceText } from '../../source/text';

export interface NofileLine {
  domain: string;
  type: 'soft' | 'hard' | '-';
  /** Infinity for `-1`/`unlimited`/`infinity`; undefined when the value is invalid. */
  value: number | undefined;
  text: string;
  source: SourceText;
  valueStart: number;
  valueEnd: number;
}

const UNLIMITED = new Set(['-1', 'unlimited', 'infinity']);

export function parseLimitsConf(source: SourceText, problems: ReaderDiagnostic[]): NofileLine[] {
  const text = source.text;
  const lines: NofileLine[] = [];
  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const next = lineEnd + 1;
    // Searched within the line only: a search to the end of the text from every line is quadratic.
    const line = text.slice(lineStart, lineEnd);
    const hash = line.indexOf('#');
    const fields: { text: string; start: number; end: number }[] = [];
    for (const match of (hash === -1 ? line : line.slice(0, hash)).matchAll(/\S+/g)) {
      fields.push({ text: match[0], start: lineStart + match.index!, end: lineStart + match.index! + match[0].length });
    }
    if (fields.length > 0) {
      const lineSpanEnd = fields[fields.length - 1].end;
      if (fields.length < 4) {
        problems.push(
          diagnostic(source, 'limits-syntax', `invalid line '${text.slice(fields[0].start, lineSpanEnd)}' - skipped`, fields[0].start, lineSpanEnd),
        );
      } else {
        const [domain, type, item, value] = fields;
        if (type.text !== 'soft' && type.text !== 'hard' && type.text !== '-') {
          problems.push(diagnostic(source, 'limits-syntax', `unknown limit type '${type.text}'`, type.start, type.end));
        } else if (item.text === 'nofile') {
          let number: number | undefined;
          if (UNLIMITED.has(value.text.toLowerCase())) number = Infinity;
          else if (/^\d+$/.test(value.text)) number = Number(value.text);
          else problems.push(diagnostic(source, 'limits-syntax', `wrong limit value '${value.text}' for limit type '${type.text}'`, value.start, value.end));
          lines.push({ domain: domain.text, type: type.text, value: number, text: value.text, source, valueStart: value.start, valueEnd: value.end });
        }
      }
    }
    lineStart = next;
  }
  return lines;
}

/** limits.conf first, then limits.d/*.conf by file name. */
export function limitsOrder(paths: string[]): string[] {
  const main = paths.filter((path) => nodePath.basename(path) === 'limits.conf').sort();
  const dropIns = paths
    .filter((path) => nodePath.basename(path) !== 'limits.conf')
    .sort((a, b) => {
      const x = nodePath.basename(a);
      const y = nodePath.basename(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  return [...main, ...dropIns];
}
