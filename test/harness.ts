/**
 * Declarative rule tests (stylelint's testRule): each case is a tiny deploy tree held in
 * memory; accept cases must give no finding of the rule, reject cases exactly the findings
 * listed, with positions. Every case must read cleanly: a syntax or internal error fails it.
 */
import type { CfglintConfig } from '../src/engine/config';
import type { Rule } from '../src/rule';
import { lintSync } from '../src/engine/run';
import { memoryFileSystem, MemoryTree } from '../src/discovery/fs';
import type { Finding } from '../src/engine/findings';
import type { Severity } from '../src/source/span';
import { fixSync } from '../src/engine/fix';

export interface TreeCase {
  name: string;
  tree: MemoryTree;
  nginxVersion?: string;
  config?: CfglintConfig;
}

export interface ExpectedSpan {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface ExpectedFinding {
  messageId: string;
  severity?: Severity;
  primary: ExpectedSpan;
  related?: (ExpectedSpan & { label?: string })[];
  /** The whole one-line message, where a test must know that nothing follows. */
  message?: string;
  /** Fragments the one-line message must contain (the values quoted from both sides). */
  messageIncludes?: string[];
  /** The whole help, where a test must know that nothing follows. */
  help?: string;
  /** Fragments the help must contain (what breaks, the log line, the fix). */
  helpIncludes?: string[];
  /** Whether every value the finding compares is a documented default (Finding.atDefaults). */
  atDefaults?: boolean;
}

/**
 * The tree after `--fix` for the rule's findings only: every file it changed, by path relative to
 * the tree. The fixed tree must read without a reader problem (ESLint's autofix re-parse).
 */
export function fixTree(testCase: TreeCase, ruleId: string): Record<string, string> {
  const run = fixSync(
    { paths: ['.'], cwd: '/tree', fs: memoryFileSystem(testCase.tree, '/tree'), config: testCase.config ?? {}, nginxVersion: testCase.nginxVersion },
    (report) => report.findings.filter((finding) => finding.ruleId === ruleId),
  );
  expect(run.reverted).toEqual([]);
  expect(run.result.report.findings.filter((finding) => READER_PROBLEMS.includes(finding.ruleId))).toEqual([]);
  return Object.fromEntries(run.changes.map((change) => [change.file, change.after]));
}

const READER_PROBLEMS = ['nginx-syntax', 'internal-error', 'read-error', 'invalid-value', 'terraform-syntax', 'cloudformation-syntax', 'yaml-syntax'];

export function lintTree(testCase: TreeCase): Finding[] {
  const result = lintSync({
    paths: ['.'],
    cwd: '/tree',
    fs: memoryFileSystem(testCase.tree, '/tree'),
    config: testCase.config ?? {},
    nginxVersion: testCase.nginxVersion,
  });
  return result.report.findings;
}

function matchesSpan(actual: Finding['primary'], expected: ExpectedSpan): boolean {
  return (
    actual.file === expected.file &&
    actual.start.line === expected.line &&
    actual.start.column === expected.column &&
    (expected.endLine === undefined || actual.end.line === expected.endLine) &&
    (expected.endColumn === undefined || actual.end.column === expected.endColumn)
  );
}

/**
 * A reject case's `fixed`: the files `--fix` rewrites, with their whole new text (`{}` when no
 * fix may be offered). After the fix, only findings without a fix may be left.
 */
export interface RejectCase extends TreeCase {
  findings: ExpectedFinding[];
  fixed?: Record<string, string>;
}

export function testRule(rule: Rule, cases: { accept: TreeCase[]; reject: RejectCase[] }) {
  const names = [...cases.accept, ...cases.reject].map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`duplicate test case "${duplicate}" for ${rule.id}`);

  const readerProblems = (findings: Finding[]) => findings.filter((f) => f.ruleId !== rule.id && READER_PROBLEMS.includes(f.ruleId));

  describe(rule.id, () => {
    for (const testCase of cases.accept) {
      test(`accepts: ${testCase.name}`, () => {
        const findings = lintTree(testCase);
        expect(readerProblems(findings)).toEqual([]);
        expect(findings.filter((f) => f.ruleId === rule.id)).toEqual([]);
      });
    }
    for (const testCase of cases.reject) {
      test(`rejects: ${testCase.name}`, () => {
        const findings = lintTree(testCase);
        expect(readerProblems(findings)).toEqual([]);
        const own = findings.filter((f) => f.ruleId === rule.id);
        expect(own).toHaveLength(testCase.findings.length);
        for (const expected of testCase.findings) {
          const match = own.find((f) => matchesSpan(f.primary, expected.primary));
          if (!match) throw new Error(`no ${rule.id} finding at ${JSON.stringify(expected.primary)}; got ${JSON.stringify(own.map((f) => f.primary))}`);
          expect(match.messageId).toBe(expected.messageId);
          if (expected.severity) expect(match.severity).toBe(expected.severity);
          if (expected.atDefaults !== undefined) expect(match.atDefaults === true).toBe(expected.atDefaults);
          if (expected.message !== undefined) expect(match.message).toBe(expected.message);
          if (expected.help !== undefined) expect(match.help).toBe(expected.help);
          for (const fragment of expected.messageIncludes ?? []) expect(match.message).toContain(fragment);
          for (const fragment of expected.helpIncludes ?? []) expect(match.help).toContain(fragment);
          if (expected.related) {
            expect(match.related).toHaveLength(expected.related.length);
            expected.related.forEach((related, i) => {
              expect(matchesSpan(match.related[i].span, related)).toBe(true);
              if (related.label) expect(match.related[i].label).toContain(related.label);
            });
          }
        }
        if (testCase.fixed !== undefined) {
          if (!rule.meta.fixable) throw new Error(`${rule.id} is not fixable: a "fixed" case cannot apply`);
          const fixed = fixTree(testCase, rule.id);
          expect(fixed).toEqual(testCase.fixed);
          if (Object.keys(fixed).length > 0) {
            const left = lintTree({ ...testCase, tree: { ...testCase.tree, ...fixed } }).filter((f) => f.ruleId === rule.id);
            expect(left.filter((f) => f.fix)).toEqual([]);
            expect(left.length).toBeLessThan(own.length);
          } else expect(own.every((f) => f.fix === undefined)).toBe(true);
        }
      });
    }
  });
}
