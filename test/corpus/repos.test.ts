/**
 * The real repository trees of ../shared/corpus/repos/, each linted whole, the way a new user
 * runs `cfglint .` at a repository's root. Every finding at warning or above must be one a user
 * would agree with: it is listed, with the reason it is true, in repos-judged.ts beside this test.
 * A false finding is fixed in cfglint, never listed. The counts are printed for the record.
 */
import * as fs from 'fs';
import * as path from 'path';
import { lintSync } from '../../src/engine/run';
import { CORPUS, describeCorpus } from './corpus';
import { JUDGED } from './repos-judged';

const REPOS = path.join(CORPUS, 'repos');
const trees = fs.existsSync(REPOS)
  ? fs
      .readdirSync(REPOS)
      .filter((name) => fs.statSync(path.join(REPOS, name)).isDirectory())
      .sort()
  : [];

describeCorpus('corpus: real repositories linted whole', () => {
  const counts: string[] = [];
  afterAll(() => {
    process.stdout.write(`real repositories: ${counts.length} trees\n${counts.join('\n')}\n`);
  });

  test('the corpus holds the repository trees', () => {
    expect(trees.length).toBeGreaterThanOrEqual(30);
  });

  test('every judged tree is in the corpus', () => {
    expect(Object.keys(JUDGED).filter((tree) => !trees.includes(tree))).toEqual([]);
  });

  for (const tree of trees) {
    test(`${tree}: every error and warning is a judged one`, () => {
      // `config: {}`: what the tree says, whatever .cfglint.json lies above the corpus.
      const { report } = lintSync({ paths: [tree], cwd: REPOS, config: {} });
      const serious = report.findings
        .filter((finding) => finding.severity === 'error' || finding.severity === 'warning')
        .map((finding) => `${finding.ruleId} ${finding.primary.file.slice(tree.length + 1)}:${finding.primary.start.line}`);
      counts.push(`  ${tree}: ${serious.length} error/warning, ${report.summary.infos} info, ${report.files.length} files read, ${report.links.length} links`);
      expect(serious.sort()).toEqual(Object.keys(JUDGED[tree] ?? {}).sort());
    });
  }
});
