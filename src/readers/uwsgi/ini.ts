/**
 * uWSGI's ini syntax, line by line as core/ini.c reads it (docs/servers/uwsgi.md#ini-line-format), and not a generic
 * ini library's: lines end at `\n`; spaces, tabs and `\r` are trimmed at both ends; a line whose
 * first character is `[` names a section (its last character is dropped, whatever it is); a line
 * starting with `;` or `#` is a comment; anything else is `key = value`, split at the first `=`
 * (no `=`: an empty value). Inline `; …` / `# …` stay part of the value, quotes are ordinary
 * characters, and every repeated key is kept. Only lines of the section asked for count.
 */
import type { SourceComment } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import type { MappedText } from './magic';

export interface IniLine {
  key: string;
  value: string;
  /** Offsets in the substituted text. */
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface IniScan {
  lines: IniLine[];
  /** Whether the section asked for appears (uWSGI only warns when it does not). */
  sectionFound: boolean;
  /** Every section header, for messages. */
  sections: string[];
}

const isTrimmed = (ch: string) => ch === ' ' || ch === '\t' || ch === '\r';

export function scanIni(mapped: MappedText, sectionAsked: string): IniScan {
  const text = mapped.text;
  const lines: IniLine[] = [];
  const sections: string[] = [];
  let section = '';
  let sectionFound = false;
  let lineStart = 0;
  // The next NUL and `=` at or after the current line, found again only once passed: a search
  // from every line to the end of the text would make the scan quadratic.
  const nextNul = new NextOccurrence(text, '\0');
  const nextEquals = new NextOccurrence(text, '=');
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    // C strings end at a NUL byte: the rest of such a line is invisible to uWSGI.
    const nul = nextNul.from(lineStart);
    const visibleEnd = nul < lineEnd ? nul : lineEnd;
    let start = lineStart;
    let end = visibleEnd;
    while (start < end && isTrimmed(text[start])) start++;
    while (end > start && isTrimmed(text[end - 1])) end--;
    if (start < end) {
      const first = text[start];
      if (first === '[') {
        section = text.slice(start + 1, end - 1);
        sections.push(section);
      } else if (first !== ';' && first !== '#') {
        const equals = nextEquals.from(start);
        const hasEquals = equals < end;
        let keyEnd = hasEquals ? equals : end;
        while (keyEnd > start && isTrimmed(text[keyEnd - 1])) keyEnd--;
        let valueStart = hasEquals ? equals + 1 : end;
        while (valueStart < end && isTrimmed(text[valueStart])) valueStart++;
        if (section === sectionAsked) {
          sectionFound = true;
          lines.push({
            key: text.slice(start, keyEnd),
            value: text.slice(valueStart, end),
            keyStart: start,
            keyEnd,
            valueStart,
            valueEnd: end,
          });
        }
      }
    }
    if (lineEnd === text.length) break;
    lineStart = lineEnd + 1;
  }
  return { lines, sectionFound, sections };
}

/** The first offset of a character at or after a position that only moves forward; text.length when there is none. */
class NextOccurrence {
  private found = -1;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  from(position: number): number {
    if (this.found < position) {
      const at = this.text.indexOf(this.char, position);
      this.found = at === -1 ? this.text.length : at;
    }
    return this.found;
  }
}

/** Whole-line `;` and `#` comments of the original text, for suppressions. */
export function iniComments(source: SourceText): SourceComment[] {
  const comments: SourceComment[] = [];
  const text = source.text;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let start = lineStart;
    while (start < lineEnd && isTrimmed(text[start])) start++;
    if (text[start] === ';' || text[start] === '#') {
      let end = lineEnd;
      while (end > start && isTrimmed(text[end - 1])) end--;
      let body = start;
      while (body < end && (text[body] === ';' || text[body] === '#')) body++;
      comments.push({ span: source.span(start, end), text: text.slice(body, end).trim() });
    }
    if (lineEnd === text.length) break;
    lineStart = lineEnd + 1;
  }
  return comments;
}
