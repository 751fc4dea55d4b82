/**
 * Code frames for terminal output: a numbered source line and a marker row
 * (`^^^^` for the primary span, `----` for related ones) lined up under it.
 */
import { breaksLegacyCommand, isUnsafeCodePoint, LEGACY_COMMAND_BRACKET, terminalText, visibleEscape } from './escape';
import type { Span } from '../source/span';

/** Tabs expand to the next multiple of this many columns, in the line and the marker row alike. */
export const TAB_STOP = 4;

export type Paint = (text: string) => string;

export interface FrameStyle {
  /** Width reserved for line numbers, so frames of one finding share one gutter. */
  gutterWidth: number;
  marker: '^' | '-';
  /** Printed after the marker run; omitted when empty. */
  label?: string;
  /** Colours the gutter (line number and bar). Identity when colour is off. */
  paintGutter?: Paint;
  /** Colours the marker run and its label. */
  paintMarker?: Paint;
}

const identity: Paint = (text) => text;

/** Widest source row printed; longer lines are cut to a window that starts a little before the span. */
export const MAX_FRAME_WIDTH = 160;
const FRAME_CONTEXT = 40;

/** Lines of `source` without terminators; a CRLF file yields the same lines as an LF one. */
export function splitLines(source: string): string[] {
  return source.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** Digits needed to print the largest of `lines`. */
export function gutterWidthFor(lines: readonly number[]): number {
  return String(Math.max(1, ...lines)).length;
}

interface LaidOutLine {
  /** What is printed: tabs expanded, unsafe code points shown escaped (`\x1b`). */
  text: string;
  /** Display column (0-based) of each UTF-16 index of the original line, plus one entry for the end. */
  displayColumn: number[];
}

/**
 * Expands tabs and maps UTF-16 indices to display columns. Each code point counts
 * as one column (a surrogate pair is one character on screen) and an escaped one as
 * the width of its escape; East Asian wide characters are not measured, so carets
 * after them may drift.
 */
function layOut(line: string): LaidOutLine {
  const displayColumn: number[] = new Array<number>(line.length + 1);
  let text = '';
  let column = 0;
  let index = 0;
  while (index < line.length) {
    const codePoint = line.codePointAt(index) as number;
    const units = codePoint > 0xffff ? 2 : 1;
    for (let k = 0; k < units; k++) displayColumn[index + k] = column;
    if (codePoint === 0x09) {
      const width = TAB_STOP - (column % TAB_STOP);
      text += ' '.repeat(width);
      column += width;
    } else {
      const shown = isUnsafeCodePoint(codePoint)
        ? visibleEscape(codePoint)
        : codePoint === 0x5b && breaksLegacyCommand(text)
          ? LEGACY_COMMAND_BRACKET
          : line.slice(index, index + units);
      text += shown;
      column += units === 2 ? 1 : shown.length;
    }
    index += units;
  }
  displayColumn[line.length] = column;
  return { text, displayColumn };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/**
 * The two rows of a frame for `lineText` (line `lineNumber`), marking the 1-based
 * UTF-16 columns [startColumn, endColumn). Always at least one marker, so an
 * empty span or one at the end of the line stays visible.
 */
export function renderLineFrame(lineText: string, lineNumber: number, startColumn: number, endColumn: number, style: FrameStyle): string[] {
  const paintGutter = style.paintGutter ?? identity;
  const paintMarker = style.paintMarker ?? identity;
  const laidOut = layOut(lineText);
  let start = laidOut.displayColumn[clamp(startColumn - 1, 0, lineText.length)];
  let end = laidOut.displayColumn[clamp(endColumn - 1, 0, lineText.length)];
  let text = laidOut.text;
  // A minified or generated line can be megabytes long: show a window around the span.
  const cells = text.length > MAX_FRAME_WIDTH ? Array.from(text) : undefined;
  if (cells && cells.length > MAX_FRAME_WIDTH) {
    const from = Math.max(0, start - FRAME_CONTEXT);
    const to = Math.min(cells.length, from + MAX_FRAME_WIDTH);
    const lead = from > 0 ? '…' : '';
    text = lead + cells.slice(from, to).join('') + (to < cells.length ? '…' : '');
    start = start - from + lead.length;
    end = Math.min(end - from, to - from) + lead.length;
  }
  const markers = style.marker.repeat(Math.max(1, end - start));
  const label = style.label ? ` ${terminalText(style.label)}` : '';

  const number = String(lineNumber).padStart(style.gutterWidth);
  const blank = ' '.repeat(style.gutterWidth);
  // An empty source line prints as `N |` so no row ends in a space.
  const sourceRow = text === '' ? paintGutter(`${number} |`) : `${paintGutter(`${number} |`)} ${text}`;
  const markerRow = `${paintGutter(`${blank} |`)} ${' '.repeat(start)}${paintMarker(markers + label)}`;
  return [sourceRow, markerRow];
}

/**
 * The frame for `span` in `source`, or undefined when its first line does not
 * exist. A span running over several lines is marked to the end of its first line.
 */
export function renderSpanFrame(source: string, span: Span, style: FrameStyle): string[] | undefined {
  return renderSpanFrameInLines(splitLines(source), span, style);
}

/** As `renderSpanFrame`, for a file already split with `splitLines` (callers cache the split). */
export function renderSpanFrameInLines(lines: readonly string[], span: Span, style: FrameStyle): string[] | undefined {
  const lineNumber = span.start.line;
  if (!Number.isInteger(lineNumber) || lineNumber < 1 || lineNumber > lines.length) return undefined;
  const lineText = lines[lineNumber - 1];
  const endColumn = span.end.line === lineNumber ? span.end.column : lineText.length + 1;
  return renderLineFrame(lineText, lineNumber, span.start.column, endColumn, style);
}
