import { format } from '../../src/report/formatters/checkstyle';
import { type CheckstyleXml, expectWellFormedXml, parseXml, xmlProblems } from './xml-check';
import { makeContext, makeReport } from './fixture';

// Written by hand: files in order, findings by line and column; `"` as &quot;; the fixture's
// line break shown as `\n`; related locations folded into the message; the rule id as source.
const EXPECTED = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<checkstyle version="4.3">',
  '  <file name="app server/gunicorn.conf.py">',
  '    <error line="2" column="11" severity="info" message="Only one worker: 100% of requests wait on a single process,\\nso one slow request blocks all others" source="gunicorn-single-worker"/>',
  '  </file>',
  '  <file name="nginx/conf.d/app.conf">',
  '    <error line="2" column="12" severity="error" message="Nothing listens on &quot;127.0.0.1:8000&quot;; gunicorn binds &quot;127.0.0.1:8001&quot;' +
    ' (related: app server/gunicorn.conf.py:1:8: gunicorn binds here; nginx/conf.d/app.conf:10:20: proxied from here)" source="upstream-port-mismatch"/>',
  '    <error line="7" column="20" severity="warning" message="Expected &quot;keepalive_timeout&quot; to be at most &quot;75s&quot;, found &quot;650s&quot;" source="keepalive-timeout-mismatch"/>',
  '    <error line="9" column="5" severity="warning" message="Missing &quot;proxy_set_header Host&quot; in &quot;location /&quot;" source="location-missing-proxy-headers"/>',
  '  </file>',
  '  <file name="uwsgi/app:v2,old.ini">',
  '    <error line="3" column="12" severity="error" message="Invalid &quot;harakiri&quot; value &quot;thirty&quot;" source="invalid-value"/>',
  '  </file>',
  '</checkstyle>',
  '',
].join('\n');

describe('checkstyle formatter', () => {
  it('renders the fixture exactly', () => {
    expect(format(makeReport(), makeContext())).toBe(EXPECTED);
  });

  it('is well-formed XML', () => {
    expectWellFormedXml(format(makeReport(), makeContext()));
  });

  it('does not depend on the order findings arrive in, nor on colour', () => {
    const report = makeReport();
    report.findings.reverse();
    expect(format(report, makeContext(true))).toBe(EXPECTED);
  });

  it('writes an empty checkstyle element for a clean run', () => {
    const report = makeReport();
    report.findings = [];
    const out = format(report, makeContext());
    expect(out).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n</checkstyle>\n');
    expectWellFormedXml(out);
  });

  it('escapes hostile messages, labels, paths and rule ids, and the parsed values are the escaped text', () => {
    const report = makeReport();
    report.findings = [report.findings[2]];
    const finding = report.findings[0];
    finding.message = 'Bad "5x\n::add-mask::s" \x1b]0;t\x07 ]]> <b> & \'q\' 100%';
    finding.related = [{ span: finding.related[0].span, label: 'set\x1b[2J ]]> "here"\r\n' }];
    finding.primary.file = 'evil"<x>&\n.conf';
    finding.ruleId = 'a"b<c>';
    const out = format(report, makeContext());
    expectWellFormedXml(out);
    expect(out).toContain(
      '  <file name="evil&quot;&lt;x&gt;&amp;\\n.conf">\n' +
        '    <error line="2" column="12" severity="error" message="Bad &quot;5x\\n::add-mask::s&quot; \\x1b]0;t\\x07 ]]&gt; &lt;b&gt; &amp; \'q\' 100%' +
        ' (related: app server/gunicorn.conf.py:1:8: set\\x1b[2J ]]&gt; &quot;here&quot;\\r\\n)" source="a&quot;b&lt;c&gt;"/>\n',
    );
    const parsed = parseXml<CheckstyleXml>(out).checkstyle;
    expect(parsed.file[0].name).toBe('evil"<x>&\\n.conf');
    expect(parsed.file[0].error[0].message).toBe(
      'Bad "5x\\n::add-mask::s" \\x1b]0;t\\x07 ]]> <b> & \'q\' 100% (related: app server/gunicorn.conf.py:1:8: set\\x1b[2J ]]> "here"\\r\\n)',
    );
  });

  it('has a check that would catch a raw control, a < in an attribute and ]]> in text', () => {
    expect(xmlProblems('<a b="x\x1by"/>')).toEqual(['U+1b is not an XML 1.0 character']);
    expect(xmlProblems('<a b="<"/>')).toEqual(['"<" in attribute value <']);
    expect(xmlProblems('<a>]]></a>')).toEqual(['"]]>" outside a CDATA section']);
  });

  it('folds the help into the message after the related locations, escaped like it', () => {
    const report = makeReport();
    report.findings = [{ ...report.findings[2], help: 'bind gunicorn to "127.0.0.1:8000" <now>\x1b[2J' }];
    const out = format(report, makeContext());
    expectWellFormedXml(out);
    expect(parseXml<CheckstyleXml>(out).checkstyle.file[0].error[0].message).toBe(
      'Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"' +
        ' (related: app server/gunicorn.conf.py:1:8: gunicorn binds here; nginx/conf.d/app.conf:10:20: proxied from here)' +
        '; help: bind gunicorn to "127.0.0.1:8000" <now>\\x1b[2J',
    );
  });
});
