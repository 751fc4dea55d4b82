/**
 * Text that a reader assembled from pieces of a file (continuation lines joined, escapes
 * decoded), with the file offset of each character, so that spans found in the joined text
 * point back at what is written.
 */
import type { Span } from '../../source/span';
import type { SourceText } from '../../source/text';

export class MappedText {
  constructor(
    readonly source: SourceText,
    readonly text: string,
    /** offsets[i] is the file offset of text[i]; same length as text. */
    readonly offsets: number[],
    /** File offset just after the last character (for empty text and spans at the end). */
    readonly endOffset: number,
  ) {}

  /** A slice of the file taken as it is. */
  static of(source: SourceText, start = 0, end = source.text.length): MappedText {
    const offsets: number[] = [];
    for (let i = start; i < end; i++) offsets.push(i);
    return new MappedText(source, source.text.slice(start, end), offsets, end);
  }

  /** File offset of text index `index` (the end when index is past the text). */
  offsetAt(index: number): number {
    return index < this.offsets.length ? this.offsets[index] : this.endOffset;
  }

  /** File offset just after text index `index - 1`, i.e. the exclusive end of text[..index). */
  endOffsetAt(index: number): number {
    if (index <= 0) return this.offsetAt(0);
    return index - 1 < this.offsets.length ? this.offsets[index - 1] + 1 : this.endOffset;
  }

  slice(start: number, end: number): MappedText {
    return new MappedText(this.source, this.text.slice(start, end), this.offsets.slice(start, end), this.endOffsetAt(end));
  }

  span(start: number, end: number): Span {
    const from = this.offsetAt(start);
    return this.source.span(from, Math.max(from, this.endOffsetAt(end)));
  }
}

/** Builds a MappedText character by character. */
export class MappedTextBuilder {
  private text = '';
  private readonly offsets: number[] = [];

  constructor(private readonly source: SourceText) {}

  push(chars: string, offset: number): void {
    for (let i = 0; i < chars.length; i++) {
      this.text += chars[i];
      this.offsets.push(offset + i);
    }
  }

  /** Characters that all stand for one place in the file (an escape, an expanded variable). */
  pushAt(chars: string, offset: number): void {
    for (let i = 0; i < chars.length; i++) {
      this.text += chars[i];
      this.offsets.push(offset);
    }
  }

  get length(): number {
    return this.text.length;
  }

  build(endOffset: number): MappedText {
    return new MappedText(this.source, this.text, this.offsets, endOffset);
  }
}
