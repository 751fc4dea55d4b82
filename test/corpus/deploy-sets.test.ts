/**
 * Each deploy set of ../shared/corpus/deploy-sets/ (nginx and its backends from one repository,
 * kept intact) linted as a whole directory, the way a user runs cfglint on a checkout: every
 * nginx file is found and read, nothing else is read as nginx, and nothing fails to read.
 * Other findings (include-missing, rules) are not asserted here; they are reviewed by hand.
 */
import { corpusEntries, describeCorpus, describeFinding, lintCorpus, READING_FAILED } from './corpus';

/** Formats another reader takes, so they may appear among the files read. */
const OTHER_READERS = new Set(['dockerfile', 'yaml', 'gunicorn', 'tomcat', 'uwsgi', 'systemd']);

describeCorpus('corpus: deploy sets linted as directories', () => {
  const entries = corpusEntries().filter((entry) => entry.path.startsWith('deploy-sets/'));
  const sets = [...new Set(entries.map((entry) => entry.path.split('/')[1]))].sort();

  test('FORMATS.tsv lists the deploy sets', () => {
    expect(sets.length).toBeGreaterThan(10);
  });

  for (const set of sets) {
    test(set, () => {
      const members = entries.filter((entry) => entry.path.startsWith(`deploy-sets/${set}/`));
      const report = lintCorpus(`deploy-sets/${set}`);
      const nginxFiles = members.filter((entry) => entry.format === 'nginx').map((entry) => entry.path);
      const notNginx = members.filter((entry) => entry.format !== 'nginx' && !OTHER_READERS.has(entry.format)).map((entry) => entry.path);
      expect(nginxFiles.filter((file) => !report.files.includes(file))).toEqual([]);
      expect(report.files.filter((file) => notNginx.includes(file))).toEqual([]);
      expect(report.findings.filter((finding) => READING_FAILED.includes(finding.ruleId)).map(describeFinding)).toEqual([]);
    });
  }
});
