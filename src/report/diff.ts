/**
 * Unified diffs (as `diff -u` and `git diff` write them) of the files `--fix-dry-run` would
 * change. Lines are compared with Myers' O(ND) algorithm, which stays fast when a large file
 * differs in a few places, as a fixed file does.
 */
import { terminalText } from './escape';

const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines with their line breaks, so that a missing final break shows as a difference. */
function splitLines(text: string): string[] {
  const lines = text.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/** The edit script from `a` to `b`: every line kept, removed or added, in order. */
function diffLines(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v);
  // Walk back through the saved frontiers, from the end to the start.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0; d--) {
    const frontier = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1]);
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : frontier[offset + previousK];
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY && x > 0 && y > 0 && a[x - 1] === b[y - 1]) {
      ops.push({ kind: ' ', line: a[x - 1] });
      x--;
      y--;
    }
    if (d === 0) break;
    if (down) ops.push({ kind: '+', line: b[--y] });
    else ops.push({ kind: '-', line: a[--x] });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: ' ', line: a[--x] });
    y--;
  }
  return ops.reverse();
}

/**
 * A line as the patch carries it: tabs and a CRLF's CR kept (the diff must apply), any other
 * control character shown as an escape, so that printing a diff cannot drive the terminal.
 */
function lineText(line: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what is escaped
  return line.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x9b]|\r(?!$)/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** One file's unified diff, with `a/` and `b/` prefixes as git writes them; empty when nothing differs. */
export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const ops = diffLines(splitLines(before), splitLines(after));
  const shown = terminalText(file);
  let out = `--- a/${shown}\n+++ b/${shown}\n`;
  let i = 0;
  // Line numbers (1-based) in the old and new file of ops[i].
  const oldLine: number[] = [];
  const newLine: number[] = [];
  let o = 1;
  let w = 1;
  for (const op of ops) {
    oldLine.push(o);
    newLine.push(w);
    if (op.kind !== '+') o++;
    if (op.kind !== '-') w++;
  }
  while (i < ops.length) {
    if (ops[i].kind === ' ') {
      i++;
      continue;
    }
    // A hunk: the change, its context, and any change close enough to share that context.
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    while (end < ops.length) {
      if (ops[end].kind !== ' ') {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run].kind === ' ') run++;
      if (run === ops.length || run - end > 2 * CONTEXT) {
        end = Math.min(run, end + CONTEXT);
        break;
      }
      end = run;
    }
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    // An empty side is numbered by the line before it, as diff does.
    const oldStart = oldCount === 0 ? oldLine[start] - 1 : oldLine[start];
    const newStart = newCount === 0 ? newLine[start] - 1 : newLine[start];
    out += `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@\n`;
    for (const op of hunk) {
      const ended = op.line.endsWith('\n');
      out += `${op.kind}${lineText(ended ? op.line.slice(0, -1) : op.line)}\n`;
      if (!ended) out += '\\ No newline at end of file\n';
    }
    i = end;
  }
  return out;
}
