/** Where each line starts, and the positions and line texts read from it. */
import { SourceText } from '../../src/source/text';

describe('SourceText lines', () => {
  it('starts a line after each LF, the last one too', () => {
    expect([...new SourceText('a.conf', 'a\nbc\n\nd').lineStarts]).toEqual([0, 2, 5, 6]);
    expect([...new SourceText('a.conf', 'a;\n').lineStarts]).toEqual([0, 3]);
    expect([...new SourceText('a.conf', '').lineStarts]).toEqual([0]);
  });

  it('gives 1-based lines and columns for offsets, in any order', () => {
    const source = new SourceText('a.conf', 'events {}\nhttp {\n  server {}\n}\n');
    expect(source.pos(21)).toEqual({ line: 3, column: 5, offset: 21 });
    expect(source.pos(0)).toEqual({ line: 1, column: 1, offset: 0 });
    expect(source.pos(10)).toEqual({ line: 2, column: 1, offset: 10 });
    expect(source.pos(31)).toEqual({ line: 5, column: 1, offset: 31 });
  });

  it('reads a line without its CR LF, and nothing past the last line', () => {
    const source = new SourceText('a.conf', 'listen 80;\r\nroot /srv;');
    expect(source.lineText(1)).toBe('listen 80;');
    expect(source.lineText(2)).toBe('root /srv;');
    expect(source.lineText(3)).toBeUndefined();
    expect(source.lineText(0)).toBeUndefined();
  });
});
