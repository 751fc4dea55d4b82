/**
 * ../shared/corpus/templated/: configs with template placeholders (`{{ var }}`, `${VAR}`,
 * `%%TEST_GLOBALS%%`, ERB, Go templates). Its README says they must be rendered or stubbed before
 * a strict parser accepts them, so syntax findings are expected and not asserted: the nginx ones
 * (formats nginx and nginx-template) must be read without crashing, and files of other formats
 * must not be taken for nginx.
 */
import { corpusEntries, describeCorpus, describeFinding, lintCorpus } from './corpus';

const NGINX_FORMATS = new Set(['nginx', 'nginx-template']);
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
});
