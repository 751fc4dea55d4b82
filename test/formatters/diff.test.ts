/**
 * The unified diff --fix-dry-run prints: exact output for small cases worked out by hand, and for
 * random edits, a patch that turns the old text into the new one when applied as `patch` does.
 */
import fc from 'fast-check';
import { unifiedDiff } from '../../src/report/diff';

/** Applies a unified diff of one file to `before`, strictly: every context and removed line must match. */
function applyPatch(before: string, diff: string): string {
  const old = before.split(/(?<=\n)/).filter((line) => line !== '');
  const out: string[] = [];
  let at = 0;
  const lines = diff.split('\n');
  lines.pop(); // the text after the last line break
  let i = 2; // past the --- and +++ lines
  while (i < lines.length) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i++]);
    if (!header) throw new Error(`not a hunk header: ${lines[i - 1]}`);
    const oldStart = Number(header[2]) === 0 ? Number(header[1]) : Number(header[1]) - 1;
    while (at < oldStart) out.push(old[at++]);
    while (i < lines.length && !lines[i].startsWith('@@')) {
      const kind = lines[i][0];
      const text = lines[i].slice(1);
      const ended = lines[i + 1] !== '\\ No newline at end of file';
      const line = ended ? `${text}\n` : text;
      i += ended ? 1 : 2;
      if (kind === '+') out.push(line);
      else {
        if (old[at] !== line) throw new Error(`line ${at + 1} is ${JSON.stringify(old[at])}, the diff says ${JSON.stringify(line)}`);
        if (kind === ' ') out.push(line);
        at++;
      }
    }
  }
  while (at < old.length) out.push(old[at++]);
  return out.join('');
}

describe('unifiedDiff', () => {
  test('nothing changed: no output', () => {
    expect(unifiedDiff('a.conf', 'x\n', 'x\n')).toBe('');
  });

  test('one line added in the middle of five: three lines of context each side', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\n';
    const after = 'a\nb\nc\nd\nX\ne\nf\ng\n';
    // X goes after line 4; context is lines 2-4 before and 5-7 after: 6 old lines from 2, 7 new.
    expect(unifiedDiff('a.conf', before, after)).toBe('--- a/a.conf\n+++ b/a.conf\n@@ -2,6 +2,7 @@\n b\n c\n d\n+X\n e\n f\n g\n');
  });

  test('changes more than six lines apart are two hunks', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i + 1}\n`);
    const after = [...lines];
    after[1] = 'two\n';
    after[17] = 'eighteen\n';
    const diff = unifiedDiff('f', lines.join(''), after.join(''));
    // Line 2 with lines 1 and 3-5 around it; line 18 with 15-17 and 19-20.
    expect(diff.split('\n').filter((line) => line.startsWith('@@'))).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
  });

  test('a last line without a line break says so, as diff does', () => {
    expect(unifiedDiff('f', 'a\nb', 'a\nc')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });

  test('CRLF line breaks are kept; other control characters are shown escaped', () => {
    expect(unifiedDiff('f', 'a\r\n', 'a\r\nb\x1b[31m\r\n')).toBe('--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n a\r\n+b\\x1b[31m\r\n');
  });

  test('a line-break or escape in the file name cannot start a line of its own', () => {
    expect(unifiedDiff('evil\n+++ x', 'a\n', 'b\n').split('\n')[0]).toBe('--- a/evil\\n+++ x');
  });

  test('applied line by line, the diff turns the old text into the new one', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'listen 80;', '');
    const text = fc.array(line, { maxLength: 30 }).map((lines) => lines.map((l) => `${l}\n`).join(''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff('f', before, after);
        expect(before === after ? before : applyPatch(before, diff)).toBe(after);
      }),
      { numRuns: 300 },
    );
  });
});
