/**
 * ../shared/corpus/templated/: configs with template placeholders (`{{ var }}`, `${VAR}`,
 * `%%TEST_GLOBALS%%`, ERB, Go templates). Its README says they must be rendered or stubbed before
 * a strict parser accepts them. cfglint reads the nginx ones tolerantly (formats nginx and
 * nginx-template: read, no crash) and leaves templates of other formats alone; over the whole
 * folder at most MAX_FINDINGS error or warning findings remain (issue 15; 4,339 before).
 */
import { corpusEntries, describeCorpus, describeFinding, lintCorpus } from './corpus';

const NGINX_FORMATS = new Set(['nginx', 'nginx-template']);
const MAX_FINDINGS = 10;
/** Formats another reader takes: their files are read (and listed), but never as nginx. */
const OTHER_READERS = new Set(['tomcat', 'uwsgi']);

describeCorpus('corpus: templated/', () => {
  const entries = corpusEntries().filter((entry) => entry.path.startsWith('templated/'));

  for (const { path, format } of entries) {
    const nginx = NGINX_FORMATS.has(format);
    test(`${path}: ${nginx ? 'read' : 'not read as nginx'}, no crash`, () => {
      const report = lintCorpus(path);
      if (nginx) expect(report.files).toContain(path);
      else if (OTHER_READERS.has(format)) expect(report.findings.filter((f) => f.ruleId === 'nginx-syntax').map(describeFinding)).toEqual([]);
      else expect(report.files).not.toContain(path);
      expect(report.findings.filter((f) => f.ruleId === 'internal-error' || f.ruleId === 'read-error').map(describeFinding)).toEqual([]);
    });
  }

  test(`the whole folder: at most ${MAX_FINDINGS} error or warning findings`, () => {
    const report = lintCorpus('templated');
    const serious = report.findings.filter((f) => f.severity !== 'info');
    process.stdout.write(
      `templated/: ${serious.length} error/warning findings over ${report.files.length} files read (${report.findings.length - serious.length} info)\n` +
        serious.map((f) => `  ${f.severity} ${describeFinding(f)}\n`).join(''),
    );
    expect(serious.length).toBeLessThanOrEqual(MAX_FINDINGS);
    expect(report.findings.filter((f) => f.ruleId === 'nginx-syntax').map(describeFinding)).toEqual([]);
  });
});
