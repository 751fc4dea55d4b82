import type { Pos, Span } from './span';

/**
 * Decoded text of one file with a line index, shared by every reader so that offsets turn
 * into line/column the same way everywhere (binary search, never a re-scan of the text).
 */
export class SourceText {
  constructor(
    /** Path shown to the user (relative to the current directory). */
    readonly file: string,
    readonly text: string,
  ) {}

  /**
   * Offsets (UTF-16 units) at which each line starts; lineStarts[0] === 0. Built on first use:
   * a file with nothing to report never needs it (the nginx reader keeps offsets only).
   */
  get lineStarts(): Uint32Array {
    if (!this.builtLineStarts) {
      // Counted first, then filled: four bytes a line at its exact length, where an array grown
      // by push holds eight and up to half as many again (a 140k-line file's took 1.35 MB).
      const text = this.text;
      let lines = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      const starts = new Uint32Array(lines);
      let line = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
      this.builtLineStarts = starts;
    }
    return this.builtLineStarts;
  }

  private builtLineStarts: Uint32Array | undefined;

  /** The line index of the last lookup: readers ask in increasing order, so most hit it or the next. */
  private lastLine = 0;

  pos(offset: number): Pos {
    const starts = this.lineStarts;
    const hint = this.lastLine;
    if (offset >= starts[hint] && (hint + 1 >= starts.length || offset < starts[hint + 1])) {
      return { line: hint + 1, column: offset - starts[hint] + 1, offset };
    }
    if (hint + 2 < starts.length && offset >= starts[hint + 1] && offset < starts[hint + 2]) {
      this.lastLine = hint + 1;
      return { line: hint + 2, column: offset - starts[hint + 1] + 1, offset };
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    this.lastLine = low;
    return { line: low + 1, column: offset - starts[low] + 1, offset };
  }

  span(startOffset: number, endOffset: number): Span {
    return { file: this.file, start: this.pos(startOffset), end: this.pos(endOffset) };
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string | undefined {
    if (line < 1 || line > this.lineStarts.length) return undefined;
    const start = this.lineStarts[line - 1];
    const next = line < this.lineStarts.length ? this.lineStarts[line] - 1 : this.text.length;
    let end = next;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }
}

/** One decoder for every file: decode() without `stream` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Decode bytes as UTF-8 the way a reader should see them: invalid bytes become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return UTF8.decode(bytes);
}
