/** Reading a file for a reader: once, decoded, and never throwing; its comments and diagnostics. */
import type { ReaderDiagnostic, SourceComment } from '../../source/diagnostic';
import { decodeUtf8, SourceText } from '../../source/text';
import { messageOf } from '../../source/thrown';
import { ReaderContext, ReaderOutput, sourceFor } from '../types';

/**
 * The file's text (the embedded SourceText for a file a ConfigMap holds), recorded in
 * `output.sources` unless `record` is false (a file the reader then decides not to read, such as
 * a Helm template); a `read-error` diagnostic when it cannot be read.
 */
export function readSource(path: string, context: ReaderContext, output: ReaderOutput, record = true): SourceText | undefined {
  let source: SourceText;
  try {
    source = sourceFor(context, path, decodeUtf8(context.fs.read(path)));
  } catch (error) {
    const file = context.displayPath(path);
    const start = { line: 1, column: 1, offset: 0 };
    output.diagnostics.push({
      ruleId: 'read-error',
      message: messageOf(error).split(path).join(file),
      primary: { file, start, end: start },
      related: [],
    });
    return undefined;
  }
  if (record) recordSource(output, source);
  return source;
}

/** A file's text, or undefined: its own reading is no reader's to report (an s6-rc `type` file, the compose file an `extends` names). */
export function quietRead(path: string, context: ReaderContext): string | undefined {
  try {
    return decodeUtf8(context.fs.read(path));
  } catch {
    return undefined;
  }
}

export function recordSource(output: ReaderOutput, source: SourceText): void {
  if (!output.sources.some((known) => known.file === source.file)) output.sources.push(source);
}

export function addComments(output: ReaderOutput, file: string, comments: SourceComment[]): void {
  if (comments.length === 0) return;
  const known = output.comments.get(file) ?? [];
  // The same file may be read by two of these readers (a unit for launches and for limits).
  const fresh = comments.filter((comment) => !known.some((k) => k.span.start.offset === comment.span.start.offset));
  output.comments.set(file, [...known, ...fresh]);
}

export function diagnostic(
  source: SourceText,
  ruleId: string,
  message: string,
  start: number,
  end: number,
  severity?: ReaderDiagnostic['severity'],
): ReaderDiagnostic {
  return { ruleId, message, primary: source.span(start, Math.max(start, end)), related: [], ...(severity ? { severity } : {}) };
}

/**
 * `#` comments of line-based formats (Procfile, shell, sysctl, limits.conf) for suppressions:
 * a comment that starts its line (after blanks).
 */
export function lineComments(source: SourceText, markers = '#'): SourceComment[] {
  const comments: SourceComment[] = [];
  const text = source.text;
  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let k = lineStart;
    while (k < lineEnd && (text[k] === ' ' || text[k] === '\t')) k++;
    if (k < lineEnd && markers.includes(text[k])) {
      const end = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
      comments.push({ span: source.span(k, end), text: text.slice(k + 1, end).trim() });
    }
    lineStart = lineEnd + 1;
  }
  return comments;
}
