/**
 * A file embedded in another one, such as a `gunicorn.conf.py` held in a Kubernetes ConfigMap as
 * a literal block (`gunicorn.conf.py: |`). Readers see the file's own text; every position they
 * compute is the position in the manifest, so findings, code frames and suppressions point at
 * the lines the user wrote.
 */
import type { Pos } from './span';
import { SourceText } from './text';

export class EmbeddedSourceText extends SourceText {
  constructor(
    /** The manifest that holds the text. */
    readonly host: SourceText,
    text: string,
    /** 0-based line of the host where the embedded text's first line is. */
    private readonly firstLine: number,
    /** Columns of indentation the host adds to every embedded line. */
    private readonly indent: number,
  ) {
    super(host.file, text);
  }

  override pos(offset: number): Pos {
    const local = super.pos(offset);
    const hostLine = this.firstLine + local.line - 1;
    const lineStart = this.host.lineStarts[hostLine] ?? this.host.text.length;
    // The end of the text can fall on the line after the block, which may be shorter than the indentation.
    const lineLength = (this.host.lineText(hostLine + 1) ?? '').length;
    const column = Math.min(this.indent + local.column, lineLength + 1);
    return { line: hostLine + 1, column, offset: Math.min(lineStart + column - 1, this.host.text.length) };
  }
}

/**
 * The literal block scalar that starts at `start` (its `|` header) in `host`, as an embedded
 * source, when every line of `value` is found at one indentation below the header: then each
 * position maps exactly. undefined otherwise (folded or quoted text, an explicit indentation the
 * lines do not follow), and the caller does not read it.
 */
export function embeddedLiteralBlock(host: SourceText, start: number, value: string): EmbeddedSourceText | undefined {
  const headerEnd = host.text.indexOf('\n', start);
  if (headerEnd === -1) return undefined;
  const firstLine = host.pos(headerEnd + 1).line - 1;
  const lines = value.split('\n');
  const firstContent = lines.findIndex((line) => line !== '');
  if (firstContent === -1) return undefined;
  const hostFirst = host.lineText(firstLine + firstContent + 1) ?? '';
  const leading = (text: string) => text.length - text.trimStart().length;
  const indent = leading(hostFirst) - leading(lines[firstContent]);
  if (indent < 0) return undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const hostLine = host.lineText(firstLine + i + 1);
    if (hostLine === undefined || hostLine.replace(/\r$/, '').slice(indent) !== lines[i]) return undefined;
  }
  return new EmbeddedSourceText(host, value, firstLine, indent);
}
