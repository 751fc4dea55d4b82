import { gutterWidthFor, renderLineFrame, renderSpanFrame, splitLines } from '../../src/report/snippet';

const span = (line: number, column: number, endLine: number, endColumn: number) => ({
  file: 'f',
  start: { line, column, offset: 0 },
  end: { line: endLine, column: endColumn, offset: 0 },
});

describe('code frames', () => {
  it('counts a surrogate pair as one column on screen', () => {
    // "😀" is two UTF-16 units, so `x` is column 4.
    expect(renderLineFrame('😀 x;', 1, 4, 5, { gutterWidth: 1, marker: '^' })).toEqual(['1 | 😀 x;', '  |   ^']);
  });

  it('marks a multi-line span to the end of its first line, with a label', () => {
    expect(renderSpanFrame('ab {\n  c;\n}\n', span(1, 4, 3, 2), { gutterWidth: 2, marker: '-', label: 'here' })).toEqual([' 1 | ab {', '   |    - here']);
  });

  it('keeps one marker for a span starting past the end of the line', () => {
    expect(renderSpanFrame('ab\n', span(1, 9, 1, 12), { gutterWidth: 1, marker: '^' })).toEqual(['1 | ab', '  |   ^']);
  });

  it('prints an empty line without a trailing space', () => {
    expect(renderSpanFrame('\n', span(1, 1, 1, 1), { gutterWidth: 1, marker: '^' })).toEqual(['1 |', '  | ^']);
  });

  it('returns undefined for a line that does not exist', () => {
    expect(renderSpanFrame('a\nb', span(3, 1, 3, 2), { gutterWidth: 1, marker: '^' })).toBeUndefined();
    expect(renderSpanFrame('a\nb', span(0, 1, 0, 2), { gutterWidth: 1, marker: '^' })).toBeUndefined();
  });

  it('applies paint to the gutter and the markers only', () => {
    const frame = renderLineFrame('a b', 7, 3, 4, {
      gutterWidth: 1,
      marker: '^',
      label: 'x',
      paintGutter: (t) => `<${t}>`,
      paintMarker: (t) => `[${t}]`,
    });
    expect(frame).toEqual(['<7 |> a b', '<  |>   [^ x]']);
  });

  it('has small helpers that behave', () => {
    expect(gutterWidthFor([3, 120, 9])).toBe(3);
    expect(gutterWidthFor([])).toBe(1);
    expect(splitLines('a\r\nb\nc')).toEqual(['a', 'b', 'c']);
  });

  it('shows control characters escaped and widens the markers under them to match', () => {
    // `\x07` and `\x9b` take four columns each; the span is `b\x9bc` (columns 3 to 6), which starts
    // after "a", BEL (4 columns): display column 5, and covers b, CSI (4) and c: 6 markers.
    expect(renderLineFrame('a\x07b\x9bc;', 1, 3, 6, { gutterWidth: 1, marker: '^' })).toEqual(['1 | a\\x07b\\x9bc;', '  |      ^^^^^^']);
    // A lone CR, a line separator and an RLO mid-line; the label is escaped too.
    expect(renderLineFrame('x\ry\u2028\u202ez', 1, 1, 2, { gutterWidth: 1, marker: '-', label: 'l\nm' })).toEqual(['1 | x\\ry\\u2028\\u202ez', '  | - l\\nm']);
  });

  it('breaks a legacy ##[command] in a source line, keeping later carets in place', () => {
    // `[` after `##` is shown as `\x5b` (4 columns): the span `add` (columns 4 to 7) starts at display column 6.
    expect(renderLineFrame('##[add]', 1, 4, 7, { gutterWidth: 1, marker: '^' })).toEqual(['1 | ##\\x5badd]', '  |       ^^^']);
  });
});

describe('long lines', () => {
  test('a line longer than the frame width is cut to a window around the span', () => {
    const line = 'a'.repeat(1000) + 'TARGET' + 'b'.repeat(1000);
    const [source, marker] = renderLineFrame(line, 7, 1001, 1007, { gutterWidth: 1, marker: '^' });
    // 40 characters of context before the span, an ellipsis on each side, 160 characters in all.
    expect(source).toBe('7 | …' + 'a'.repeat(40) + 'TARGET' + 'b'.repeat(114) + '…');
    expect(marker).toBe('  | ' + ' '.repeat(41) + '^^^^^^');
  });
});
