/** The per-file cap on syntax findings (src/engine/syntax-cap.ts), on diagnostics as the engine sorts them. */
import { capSyntaxFindings, SYNTAX_FINDINGS_PER_FILE } from '../../src/engine/syntax-cap';
import type { ReaderDiagnostic } from '../../src/source/diagnostic';

const at = (ruleId: string, file: string, line: number): ReaderDiagnostic => ({
  ruleId,
  message: `problem on line ${line}`,
  primary: { file, start: { line, column: 1, offset: line * 10 }, end: { line, column: 2, offset: line * 10 + 1 } },
  related: [],
});

test('three per file and kind, then one info at the fourth that counts the rest', () => {
  const input = [1, 2, 3, 4, 5, 6, 7].map((line) => at('systemd-syntax', 'app.service', line));
  const out = capSyntaxFindings(input);
  expect(SYNTAX_FINDINGS_PER_FILE).toBe(3);
  expect(out.map((d) => `${d.primary.start.line} ${d.severity ?? 'default'}`)).toEqual(['1 default', '2 default', '3 default', '4 info']);
  expect(out[3].message).toMatch(/^4 more systemd-syntax problems in this file/);
});

test('files and kinds are counted apart; other findings pass untouched', () => {
  const input = [
    ...[1, 2, 3, 4].map((line) => at('nginx-syntax', 'a.conf', line)),
    at('include-missing', 'a.conf', 5),
    ...[1, 2].map((line) => at('nginx-syntax', 'b.conf', line)),
    ...[1, 2, 3].map((line) => at('invalid-value', 'b.conf', line + 2)),
  ];
  const out = capSyntaxFindings(input);
  expect(out.map((d) => `${d.ruleId} ${d.primary.file}:${d.primary.start.line}${d.severity ? ' ' + d.severity : ''}`)).toEqual([
    'nginx-syntax a.conf:1',
    'nginx-syntax a.conf:2',
    'nginx-syntax a.conf:3',
    'nginx-syntax a.conf:4 info',
    'include-missing a.conf:5',
    'nginx-syntax b.conf:1',
    'nginx-syntax b.conf:2',
    'invalid-value b.conf:3',
    'invalid-value b.conf:4',
    'invalid-value b.conf:5',
  ]);
  expect(out[3].message).toMatch(/^1 more nginx-syntax problem in this file/);
});
