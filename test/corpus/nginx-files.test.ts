/**
 * Every nginx file of ../shared/corpus/nginx/ and of its deploy sets, linted on its own: read, no
 * syntax finding, no crash. FORMATS.tsv says which files are nginx.
 */
import { corpusEntries, describeCorpus, describeFinding, lintCorpus, READING_FAILED } from './corpus';

/**
 * Files FORMATS.tsv calls nginx that nginx itself rejects, so a syntax finding is right. Checked
 * with Debian's nginx 1.22.1: `nginx -t -p <tmp>/ -c <tmp>/nginx.conf` (timeout 10, no server).
 */
const REJECTED_BY_NGINX: Record<string, { line: number; message: string; how: string }> = {
  'nginx/nginxinc__crossplane__tests__configs__quote-behavior__nginx.conf': {
    line: 1,
    message: 'unexpected "-"',
    // crossplane's own quoting test: `"left"-quote` glues a letter to a closing quote, which
    // ngx_conf_read_token refuses. nginx -t on the file as the main config: `unexpected "-" in …:1`.
    how: 'nginx -t, the file as main config',
  },
  'nginx/tufanbarisyildirim__gonginx__testdata__issues__20.conf': {
    line: 33,
    message: 'unexpected end of file, expecting "}"',
    // `-- comment } }` on line 7 is a Lua line comment, so the content_by_lua_block opened on
    // line 6 ends at the `}` of line 24 and the location and server blocks never close. With the
    // Lua module (libnginx-mod-http-lua 0.10.23 loaded, file included from http {}), nginx first
    // stops at line 26 with `"server" directive is not allowed here` (a directive handler's
    // error, not the reader's); with lines 26-32 blanked it says `unexpected end of file,
    // expecting "}"` at line 33, the line cfglint reports.
    how: 'nginx -t with the Lua module, included from http {}',
  },
};

const byOffset = (a: { primary: { start: { offset: number } } }, b: { primary: { start: { offset: number } } }) =>
  a.primary.start.offset - b.primary.start.offset;

describeCorpus('corpus: every nginx file read on its own', () => {
  const files = corpusEntries().filter((entry) => entry.format === 'nginx' && (entry.path.startsWith('nginx/') || entry.path.startsWith('deploy-sets/')));

  test('FORMATS.tsv lists the nginx files', () => {
    expect(files.length).toBeGreaterThan(300);
    for (const file of Object.keys(REJECTED_BY_NGINX)) expect(files.map((entry) => entry.path)).toContain(file);
  });

  for (const { path } of files) {
    test(path, () => {
      const report = lintCorpus(path);
      expect(report.files).toContain(path);
      const failed = report.findings.filter((finding) => READING_FAILED.includes(finding.ruleId));
      const rejected = REJECTED_BY_NGINX[path];
      if (!rejected) {
        expect(failed.map(describeFinding)).toEqual([]);
        return;
      }
      expect(failed.filter((finding) => finding.ruleId !== 'nginx-syntax').map(describeFinding)).toEqual([]);
      const first = [...failed].sort(byOffset)[0];
      expect(first && [first.primary.start.line, first.message]).toEqual([rejected.line, rejected.message]);
    });
  }
});
