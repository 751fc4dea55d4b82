/**
 * ../shared/corpus/invalid/: configs that are meant to fail (parser test suites) or that are
 * broken for real (see its README). No file may crash cfglint. Each file nginx's configuration
 * parser rejects (ngx_conf_parse / ngx_conf_read_token in src/core/ngx_conf_file.c) must give an
 * nginx-syntax finding on the line nginx reports.
 *
 * How the lines were found: Debian's nginx 1.22.1, `timeout 10 nginx -t -p <tmp>/ -c <tmp>/nginx.conf`
 * (no server started), on a copy of the file in a temporary directory, either as the main config
 * or included from a wrapper (`events {} http { include <file>; }`) when the file is a fragment.
 * nginx stops at its first error; where that error is not the parser's but a directive handler's
 * (a user or module Debian lacks, a missing include), the lines named below were blanked (or the
 * include given an empty file) in the copy, which keeps every line number, and nginx run again.
 * nginx reports no column: cfglint adds one (the offending token, or the end of the file for
 * end-of-file errors, with the unclosed block's `{` as a related span).
 */
import { corpusEntries, corpusText, describeCorpus, describeFinding, lintCorpus } from './corpus';

const PREFIX = 'invalid/';

/** Files nginx's parser rejects: the first nginx-syntax finding must be on `line`, with nginx's message. */
const SYNTAX_BROKEN: Record<string, { line: number; message: string; how: string }> = {
  '15b883__Ops__nginx__default.conf': {
    line: 30,
    message: 'unexpected end of file, expecting "}"',
    how: 'included from http {}; `server {` on line 1 is never closed, nginx reports the end of the file (line 30, after the last newline)',
  },
  'certbot__certbot__certbot__src__certbot___internal__tests__plugins__nginx__testdata__etc_nginx__broken.conf': {
    line: 13,
    message: 'unexpected end of file, expecting ";" or "}"',
    how: 'main config with an empty foo.conf beside it (otherwise nginx stops at line 10, open() "foo.conf" failed); `@@@` is never terminated',
  },
  'nginxinc__crossplane__tests__configs__includes-globbed__servers__locations__not-included.conf': {
    line: 3,
    message: 'unexpected end of file, expecting ";" or "}"',
    how: 'included from http {}; garbage text that crossplane says is never included',
  },
  'nginxinc__crossplane__tests__configs__includes-regular__conf.d__bar.conf': {
    line: 3,
    message: 'unexpected end of file, expecting ";" or "}"',
    how: 'included from http {}; garbage text',
  },
  'nginxinc__crossplane__tests__configs__includes-regular__conf.d__foo.conf': {
    line: 3,
    message: 'unexpected end of file, expecting ";" or "}"',
    how: 'included from http {}; garbage text',
  },
  'nginxinc__crossplane__tests__configs__missing-semicolon__broken-above.conf': {
    line: 5,
    message: 'unexpected "}"',
    how: 'main config, unmodified; the `}` after the unterminated proxy_pass',
  },
  'nginxinc__crossplane__tests__configs__missing-semicolon__broken-below.conf': {
    line: 8,
    message: 'unexpected "}"',
    how: 'main config, unmodified',
  },
  'nginxinc__nginx-go-crossplane__testdata__configs__braces__extra-brace.conf': {
    line: 11,
    message: 'unexpected "}"',
    how: 'main config with lines 2 and 4-6 blanked (user nginx: getpwnam failed; pid and a load_module Debian lacks); the second `}` of `}}`',
  },
  'nginxinc__nginx-go-crossplane__testdata__configs__braces__missing-brace.conf': {
    line: 23,
    message: 'unexpected end of file, expecting "}"',
    how: 'main config with lines 2, 4-6, 17 and 19 blanked (also f5_metrics and api, which Debian lacks)',
  },
  'nginxinc__nginx-go-crossplane__testdata__configs__invalid-map__nginx.conf': {
    line: 7,
    message: 'unexpected "{"',
    how: 'main config, unmodified; a `{` inside map {} (ngx_conf_parse refuses blocks under a handler)',
  },
  'nginxinc__nginx-go-crossplane__testdata__configs__premature-eof__nginx.conf': {
    line: 3,
    message: 'unexpected end of file, expecting ";" or "}"',
    how: 'main config, unmodified; the file ends in `listen` with no final newline',
  },
  'tufanbarisyildirim__gonginx__full-example__nginx-structure.conf': {
    line: 42,
    message: 'unexpected "}"',
    // nginx itself stops earlier: at line 10 with `unknown directive "//vhosts/tenta_com.conf"`
    // (with the includes of lines 4 and 6 blanked), a handler error the reader does not report.
    // Its parser's first error is at line 42: checked in a server {} wrapper with lines 1-35
    // blanked and lines 36-37 made `location /a {` and `location /a/b {`.
    how: 'first parser error; nginx -t first reports the unknown directive of line 10',
  },
  'tufanbarisyildirim__gonginx__testdata__include-glob__sites-enabled__conf.d__location-letsencrypt.conf': {
    line: 2,
    message: 'unexpected end of file, expecting ";" or "}"',
    how: 'included from http {}; "Hello World" with no final newline',
  },
  'tufanbarisyildirim__gonginx__testdata__issues__31.conf': {
    line: 115,
    message: 'unexpected end of file, expecting "}"',
    how: 'main config with an empty mime.types beside it; an unclosed server, no final newline',
  },
};

/**
 * nginx files whose parser accepts them: what nginx -t says comes from a directive handler
 * (unknown directive, argument count, `if` condition, a missing include), so no nginx-syntax
 * finding is right. They must still be read without crashing.
 */
const HANDLER_ERRORS: Record<string, string> = {
  'nginxinc__crossplane__tests__configs__bad-args__nginx.conf': 'invalid number of arguments in "user" directive (line 1)',
  'nginxinc__crossplane__tests__configs__spelling-mistake__nginx.conf': 'unknown directive "proxy_passs" (line 7)',
  'nginxinc__nginx-go-crossplane__testdata__configs__broken1__nginx.conf': 'nothing: nginx -t accepts `server_name ${url ;` (syntax is ok)',
  'nginxinc__nginx-go-crossplane__testdata__configs__broken1__nginx2.conf': 'unknown directive "server_name#" (line 5)',
  'nginxinc__nginx-go-crossplane__testdata__configs__if-expr__empty-parens.conf': 'invalid condition ")" (line 9)',
  'nginxinc__nginx-go-crossplane__testdata__configs__if-expr__empty-spaced-parens.conf': 'invalid condition ")" (line 9)',
  'nginxinc__nginx-go-crossplane__testdata__configs__if-expr__missing-closing-paren.conf': 'invalid condition "$slow" (line 9)',
  'nginxinc__nginx-go-crossplane__testdata__configs__if-expr__missing-opening-paren.conf': 'invalid condition "$slow)" (line 9)',
  'nginxinc__nginx-go-crossplane__testdata__configs__if-expr__no-parens.conf': 'invalid condition "$slow" (line 9)',
  'nginxinc__nginx-go-crossplane__testdata__configs__includes-cycle__invalid__location2.conf':
    'open() "location1.conf" failed (line 2, in server {}): the cycle needs a file the corpus lacks',
  'nginxinc__nginx-go-crossplane__testdata__configs__includes-cycle__invalid__nginx.conf': 'open() "location1.conf" failed (line 4)',
};

const byOffset = (a: { primary: { start: { offset: number } } }, b: { primary: { start: { offset: number } } }) =>
  a.primary.start.offset - b.primary.start.offset;

describeCorpus('corpus: invalid/', () => {
  const entries = corpusEntries().filter((entry) => entry.path.startsWith(PREFIX));

  test('every nginx file of invalid/ is in one of the two tables', () => {
    const names = entries
      .filter((entry) => entry.format === 'nginx')
      .map((entry) => entry.path.slice(PREFIX.length))
      .sort();
    expect(names).toEqual([...Object.keys(SYNTAX_BROKEN), ...Object.keys(HANDLER_ERRORS)].sort());
  });

  for (const { path } of entries) {
    test(`${path}: no crash`, () => {
      const report = lintCorpus(path);
      expect(report.findings.filter((f) => f.ruleId === 'internal-error' || f.ruleId === 'read-error').map(describeFinding)).toEqual([]);
    });
  }

  for (const [name, expected] of Object.entries(SYNTAX_BROKEN)) {
    const path = PREFIX + name;
    test(`${name}: nginx-syntax on line ${expected.line}`, () => {
      const report = lintCorpus(path);
      expect(report.files).toContain(path);
      const syntax = report.findings.filter((f) => f.ruleId === 'nginx-syntax').sort(byOffset);
      expect(syntax.length).toBeGreaterThan(0);
      const lines = corpusText(path).split('\n').length;
      for (const finding of syntax) {
        expect(finding.primary.file).toBe(path);
        expect(finding.primary.start.line).toBeGreaterThanOrEqual(1);
        expect(finding.primary.start.line).toBeLessThanOrEqual(lines);
      }
      expect([syntax[0].primary.start.line, syntax[0].message]).toEqual([expected.line, expected.message]);
    });
  }

  for (const name of Object.keys(HANDLER_ERRORS)) {
    const path = PREFIX + name;
    test(`${name}: read, and no nginx-syntax (nginx's parser accepts it)`, () => {
      const report = lintCorpus(path);
      expect(report.files).toContain(path);
      expect(report.findings.filter((f) => f.ruleId === 'nginx-syntax').map(describeFinding)).toEqual([]);
    });
  }
});
