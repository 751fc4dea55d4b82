/**
 * The fix loop on in-memory trees: which fixes are offered (exact files only), how overlapping
 * ones wait for the next pass, that a fix which breaks a file is taken back, and that a dry run
 * and a write agree. The rules' own edits are tested with each rule (test/checks, `fixed`).
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import type { Finding, Report } from '../../src/engine/findings';
import { fixSync, MAX_PASSES, writeChanges } from '../../src/engine/fix';
import { fixIsExact } from '../../src/engine/fix-offer';
import { lintSync } from '../../src/engine/run';
import type { Fix } from '../../src/source/edit';
import type { Span } from '../../src/source/span';

const GUNICORN = 'bind = "127.0.0.1:8000"\nkeep_alive = 5\n';

function options(tree: MemoryTree) {
  return { paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} };
}

/** A span of `file` by offsets; line and column are not what the fixer reads. */
function span(file: string, start: number, end: number): Span {
  return { file, start: { line: 1, column: start + 1, offset: start }, end: { line: 1, column: end + 1, offset: end } };
}

describe('which fixes are offered', () => {
  test('a plain file: the rule fix is offered as it comes', () => {
    const findings = lintSync(options({ 'gunicorn.conf.py': GUNICORN })).report.findings;
    expect(findings.find((f) => f.ruleId === 'gunicorn-unknown-setting')?.fix?.title).toBe('rename "keep_alive" to "keepalive"');
  });

  test('bytes that are not UTF-8 would not survive the round trip: no fix', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('# caf'), 0xe9, ...new TextEncoder().encode('\n' + GUNICORN)]);
    const findings = lintSync(options({ 'gunicorn.conf.py': bytes })).report.findings;
    const finding = findings.find((f) => f.ruleId === 'gunicorn-unknown-setting');
    expect(finding).toBeDefined();
    expect(finding!.fix).toBeUndefined();
  });

  test('a file that changed on disk after it was read: its fix would edit another text, so none is offered', () => {
    const memory = memoryFileSystem({ 'gunicorn.conf.py': GUNICORN }, '/tree');
    let reads = 0;
    // The readers' read sees the file as written; any later one, a file someone has saved since.
    const changing = { ...memory, read: (path: string) => (reads++ === 0 ? memory.read(path) : new TextEncoder().encode(`# edited\n${GUNICORN}`)) };
    const findings = lintSync({ paths: ['.'], cwd: '/tree', fs: changing, config: {} }).report.findings;
    const finding = findings.find((f) => f.ruleId === 'gunicorn-unknown-setting');
    expect(finding).toBeDefined();
    expect(finding!.fix).toBeUndefined();
    expect(reads).toBe(2);
  });

  test('a fix whose own edits overlap, or that reaches past the end of its file, is not exact', () => {
    const result = lintSync(options({ 'gunicorn.conf.py': GUNICORN }));
    const file = 'gunicorn.conf.py';
    const editable = (name: string) => result.editableFile(name);
    const fix = (edits: [number, number, string][]): Fix => ({ title: 't', edits: edits.map(([a, b, text]) => ({ span: span(file, a, b), text })) });
    expect(fixIsExact(fix([[0, 4, 'x']]), editable)).toBe(true);
    expect(
      fixIsExact(
        fix([
          [0, 4, 'x'],
          [2, 6, 'y'],
        ]),
        editable,
      ),
    ).toBe(false);
    // Two insertions at one place: which comes first would be a guess.
    expect(
      fixIsExact(
        fix([
          [3, 3, 'x'],
          [3, 3, 'y'],
        ]),
        editable,
      ),
    ).toBe(false);
    expect(fixIsExact(fix([[0, GUNICORN.length + 1, '']]), editable)).toBe(false);
    expect(fixIsExact(fix([]), editable)).toBe(false);
    expect(fixIsExact({ title: 't', edits: [{ span: span('other.py', 0, 0), text: 'x' }] }, editable)).toBe(false);
  });
});

describe('the loop', () => {
  /** The report's findings plus made-up fixes on the first finding, to drive the loop directly. */
  const withFixes =
    (fixes: (report: Report) => Fix[]) =>
    (report: Report): Finding[] =>
      fixes(report).map((fix) => ({ ...report.findings[0], fix }));

  test('two fixes that insert at one place: the second waits a pass, and both are applied', () => {
    const tree = { 'gunicorn.conf.py': 'workers = 2\n' };
    let calls = 0;
    const run = fixSync(
      options(tree),
      withFixes(() => {
        calls++;
        // Pass 1 offers both (b waits: same place as a); pass 2 offers b again; then nothing.
        return calls === 1
          ? [
              { title: 'a', edits: [{ span: span('gunicorn.conf.py', 0, 0), text: 'timeout = 30\n' }] },
              { title: 'b', edits: [{ span: span('gunicorn.conf.py', 0, 0), text: 'threads = 4\n' }] },
            ]
          : calls === 2
            ? [{ title: 'b', edits: [{ span: span('gunicorn.conf.py', 0, 0), text: 'threads = 4\n' }] }]
            : [];
      }),
    );
    expect(run.passes).toBe(2);
    expect(run.applied).toBe(2);
    // Pass 1 wrote `a` at 0; pass 2 wrote `b` at 0, before it.
    expect(run.changes.map((change) => change.after)).toEqual(['threads = 4\ntimeout = 30\nworkers = 2\n']);
  });

  test('a fix that makes the file unreadable is taken back and named', () => {
    const tree = { 'nginx/app.conf': 'server {\n    listen 80;\n}\n' };
    const run = fixSync(
      options({ ...tree, 'gunicorn.conf.py': GUNICORN }),
      withFixes(() => [{ title: 'break it', edits: [{ span: span('nginx/app.conf', 0, 0), text: '}\n' }] }]),
    );
    expect(run.reverted).toEqual(['break it']);
    expect(run.changes).toEqual([]);
    expect(run.applied).toBe(0);
  });

  test('a fix that never settles stops after MAX_PASSES', () => {
    const run = fixSync(
      options({ 'gunicorn.conf.py': GUNICORN }),
      withFixes(() => [{ title: 'again', edits: [{ span: span('gunicorn.conf.py', 0, 0), text: '#\n' }] }]),
    );
    expect(run.passes).toBe(MAX_PASSES);
    expect(run.changes[0].after).toBe('#\n'.repeat(MAX_PASSES) + GUNICORN);
  });

  test('one file reached by two paths (a link in the tree) is one text: its fix is applied once', () => {
    const tree: MemoryTree = { 'gunicorn.conf.py': GUNICORN, 'current/gunicorn.conf.py': { symlink: '../gunicorn.conf.py' } };
    const before = lintSync(options(tree)).report.findings.filter((f) => f.ruleId === 'gunicorn-unknown-setting');
    // Both paths are read, so there are two findings with the same fix.
    expect(before.map((f) => f.primary.file).sort()).toEqual(['current/gunicorn.conf.py', 'gunicorn.conf.py']);
    const run = fixSync(options(tree), (report) => report.findings);
    // The second is the same range of the same file: it waits, and after the first nothing is left.
    expect(run.applied).toBe(1);
    expect(run.changes.map((change) => change.after)).toEqual(['bind = "127.0.0.1:8000"\nkeepalive = 5\n']);
  });

  test('the dry run writes nothing; writeChanges writes what it showed, and only that', () => {
    const tree: MemoryTree = { 'gunicorn.conf.py': GUNICORN, 'uwsgi.ini': '[uwsgi]\nhttp-socket = :9000\n' };
    const fs = memoryFileSystem(tree, '/tree');
    const opts = { paths: ['.'], cwd: '/tree', fs, config: {} };
    const run = fixSync(opts, (report) => report.findings);
    expect(new TextDecoder().decode(fs.read('/tree/gunicorn.conf.py'))).toBe(GUNICORN);
    expect(run.changes.map((change) => [change.file, change.after])).toEqual([['gunicorn.conf.py', 'bind = "127.0.0.1:8000"\nkeepalive = 5\n']]);
    expect(writeChanges(opts, run.changes)).toEqual([]);
    expect(new TextDecoder().decode(fs.read('/tree/gunicorn.conf.py'))).toBe('bind = "127.0.0.1:8000"\nkeepalive = 5\n');
    expect(new TextDecoder().decode(fs.read('/tree/uwsgi.ini'))).toBe('[uwsgi]\nhttp-socket = :9000\n');
  });

  test('a file that changed after it was read is not overwritten', () => {
    const fs = memoryFileSystem({ 'gunicorn.conf.py': GUNICORN }, '/tree');
    const opts = { paths: ['.'], cwd: '/tree', fs, config: {} };
    const run = fixSync(opts, (report) => report.findings);
    fs.write!('/tree/gunicorn.conf.py', new TextEncoder().encode('workers = 8\n'));
    expect(writeChanges(opts, run.changes)).toEqual(['cannot write gunicorn.conf.py: it changed while cfglint was fixing it']);
    expect(new TextDecoder().decode(fs.read('/tree/gunicorn.conf.py'))).toBe('workers = 8\n');
  });
});
