/**
 * Every gunicorn config of ../shared/corpus (the gunicorn/ folder and the deploy sets, as
 * FORMATS.tsv lists them) is read without a crash and gives a backend, and the unknown-setting
 * findings are exactly the ones checked by hand (listed below with the reason each is right).
 */
import * as path from 'path';
import { nodeFileSystem } from '../../src/discovery/fs';
import { readGunicorn } from '../../src/readers/gunicorn';
import { CORPUS, corpusEntries, describeCorpus, describeFinding, lintCorpus } from './corpus';

const GUNICORN = corpusEntries().filter((entry) => entry.format === 'gunicorn');

/** Checked by hand; each one is a name gunicorn 20.1.0 ignores and the author meant as a setting. */
const EXPECTED_UNKNOWN_SETTINGS = [
  // `name = 'global_finprint'`, never read: `-n/--name` sets `proc_name`; the process keeps its default name.
  'gunicorn-unknown-setting deploy-sets/GlobalFinPrint__global_finprint/deploy/gunicorn.conf.py:1:1',
  // `worker = 3`, never read: gunicorn runs its default of one worker.
  'gunicorn-unknown-setting gunicorn/SuLab__mark2cure__gunicorn.conf.py:5:1',
];

describeCorpus('corpus: gunicorn configs', () => {
  test('the corpus has gunicorn configs to read', () => {
    expect(GUNICORN.length).toBeGreaterThanOrEqual(30);
  });

  const found: string[] = [];
  for (const entry of GUNICORN) {
    test(`${entry.path}: read without a crash or a syntax error, one backend`, () => {
      const report = lintCorpus(entry.path);
      const problems = report.findings.filter((f) => ['internal-error', 'read-error', 'gunicorn-syntax'].includes(f.ruleId));
      expect(problems.map(describeFinding)).toEqual([]);
      expect(report.files).toContain(entry.path);
      for (const finding of report.findings.filter((f) => f.ruleId === 'gunicorn-unknown-setting')) {
        found.push(`${finding.ruleId} ${finding.primary.file}:${finding.primary.start.line}:${finding.primary.start.column}`);
      }
      const absolute = path.join(CORPUS, entry.path);
      const output = readGunicorn([absolute], [], {
        fs: nodeFileSystem,
        displayPath: (file) => path.relative(CORPUS, file),
        treeFiles: [absolute],
        lintRoots: [absolute],
      });
      expect(output.backends).toHaveLength(1);
      expect(output.backends[0].listeners.length).toBeGreaterThan(0);
    });
  }

  test('gunicorn-unknown-setting reports exactly the names checked by hand', () => {
    expect(found.sort()).toEqual([...EXPECTED_UNKNOWN_SETTINGS].sort());
  });
});
