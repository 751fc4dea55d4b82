/**
 * `.properties` files as java.util.Properties#load reads them (catalina.properties) and as Spring
 * Boot's OriginTrackedPropertiesLoader reads them (application.properties), with the offsets of
 * every key and value:
 * - a logical line ends at an unescaped line break; `\` at the end continues it, and the
 *   continuation's leading spaces, tabs and form feeds are dropped;
 * - a line whose first non-blank character is `#` or `!` is a comment;
 * - the key ends at the first unescaped `=`, `:` or blank; blanks and one `=`/`:` after it are
 *   skipped; the value is the rest of the line, trailing blanks included;
 * - escapes: `\t \n \r \f`, `\uXXXX`, and `\x` for any other x is x.
 * Spring Boot also splits a file into documents at a line `#---` or `!---` (2.4+).
 */

export interface PropertyEntry {
  key: string;
  value: string;
  keyStart: number;
  keyEnd: number;
  /** The value's first character to the end of its logical line (no line break). */
  valueStart: number;
  valueEnd: number;
  /** Index of the `#---` document the entry is in (always 0 for java.util.Properties). */
  document: number;
}

export interface PropertyComment {
  start: number;
  end: number;
  /** Without the `#` or `!`. */
  text: string;
}

export interface PropertyProblem {
  start: number;
  end: number;
  message: string;
}

export interface PropertiesFile {
  entries: PropertyEntry[];
  comments: PropertyComment[];
  problems: PropertyProblem[];
  /** Offsets where each document starts (the first is 0). */
  documentStarts: number[];
}

const BLANK = (c: string | undefined) => c === ' ' || c === '\t' || c === '\f';
const LINE_BREAK = (c: string | undefined) => c === '\n' || c === '\r';

export function parseProperties(text: string, options: { documents: boolean } = { documents: false }): PropertiesFile {
  const entries: PropertyEntry[] = [];
  const comments: PropertyComment[] = [];
  const problems: PropertyProblem[] = [];
  const documentStarts = [0];
  let i = 0;
  const n = text.length;

  const skipLineBreak = (at: number) => (text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : LINE_BREAK(text[at]) ? at + 1 : at);

  while (i < n) {
    const lineStart = i;
    while (i < n && BLANK(text[i])) i++;
    if (i >= n) break;
    if (LINE_BREAK(text[i])) {
      i = skipLineBreak(i);
      continue;
    }
    if (text[i] === '#' || text[i] === '!') {
      let end = i;
      while (end < n && !LINE_BREAK(text[end])) end++;
      const body = text.slice(i + 1, end);
      if (options.documents && i === lineStart && /^---[ \t\f]*$/.test(body)) {
        documentStarts.push(i);
      } else {
        comments.push({ start: i, end, text: body });
      }
      i = skipLineBreak(end);
      continue;
    }

    // Key: up to an unescaped `=`, `:` or blank.
    const keyStart = i;
    let key = '';
    let keyEnd = i;
    while (i < n && !LINE_BREAK(text[i])) {
      const c = text[i];
      if (c === '\\') {
        const escape = readEscape(text, i, problems);
        if (escape.continuation) {
          i = escape.next;
          continue;
        }
        key += escape.value;
        i = escape.next;
        keyEnd = i;
        continue;
      }
      if (c === '=' || c === ':' || BLANK(c)) break;
      key += c;
      i++;
      keyEnd = i;
    }
    // Separator: blanks, at most one `=` or `:`, blanks.
    while (i < n && BLANK(text[i])) i++;
    if (text[i] === '=' || text[i] === ':') i++;
    while (i < n && (BLANK(text[i]) || isContinuation(text, i))) {
      if (isContinuation(text, i)) i = skipContinuation(text, i);
      else i++;
    }

    const valueStart = i;
    let value = '';
    let valueEnd = i;
    while (i < n && !LINE_BREAK(text[i])) {
      if (text[i] === '\\') {
        const escape = readEscape(text, i, problems);
        i = escape.next;
        if (!escape.continuation) value += escape.value;
        valueEnd = i;
        continue;
      }
      value += text[i];
      i++;
      valueEnd = i;
    }
    entries.push({ key, value, keyStart, keyEnd, valueStart, valueEnd: Math.max(valueEnd, valueStart), document: documentStarts.length - 1 });
    i = skipLineBreak(i);
  }
  return { entries, comments, problems, documentStarts };
}

function isContinuation(text: string, at: number): boolean {
  return text[at] === '\\' && (LINE_BREAK(text[at + 1]) || at + 1 === text.length);
}

/** From a `\` that ends a line: past the line break and the next line's leading blanks. */
function skipContinuation(text: string, at: number): number {
  let j = at + 1;
  j = text[j] === '\r' && text[j + 1] === '\n' ? j + 2 : j + 1;
  while (j < text.length && BLANK(text[j])) j++;
  return j;
}

function readEscape(text: string, at: number, problems: PropertyProblem[]): { value: string; next: number; continuation: boolean } {
  const c = text[at + 1];
  if (c === undefined) return { value: '', next: at + 1, continuation: true };
  if (LINE_BREAK(c)) return { value: '', next: skipContinuation(text, at), continuation: true };
  if (c === 'u') {
    const hex = text.slice(at + 2, at + 6);
    if (/^[0-9A-Fa-f]{4}$/.test(hex)) return { value: String.fromCharCode(parseInt(hex, 16)), next: at + 6, continuation: false };
    problems.push({ start: at, end: Math.min(at + 6, text.length), message: 'Malformed \\uxxxx encoding' });
    return { value: '', next: at + 2, continuation: false };
  }
  const simple: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };
  return { value: simple[c] ?? c, next: at + 2, continuation: false };
}
