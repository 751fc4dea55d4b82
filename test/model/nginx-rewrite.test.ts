/**
 * How nginx compiles a rewrite's replacement. Expected values are reasoned from ngx_http_rewrite
 * (ngx_http_rewrite_module.c) and ngx_http_script_compile (ngx_http_script.c), not from the output.
 */
import { memoryFileSystem } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/read-tree';
import { rewriteReplacement } from '../../src/model/nginx-rewrite';

/** The replacement of the one rewrite in `directive` (written without its `;`). */
function replacementOf(directive: string) {
  const tree = { 'a.conf': `server {\n    location / {\n        ${directive};\n    }\n}\n` };
  const scope = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} }).model.nginx.scopes[0];
  const block = [scope.http, ...scope.http.descendants()].find((b) => b.own('rewrite').length > 0);
  if (!block) throw new Error('no rewrite');
  return rewriteReplacement(block.own('rewrite')[0].directive);
}

const escapedIndexes = (directive: string) =>
  replacementOf(directive)
    ?.captures.filter((c) => c.escaped)
    .map((c) => c.index);

describe('rewriteReplacement', () => {
  it('makes a redirect from the flag or the scheme prefix, and escapes every capture of it', () => {
    for (const directive of [
      'rewrite ^/(a)(b)$ /x/$1/$2 redirect',
      'rewrite ^/(a)(b)$ /x/$1/$2 permanent',
      'rewrite ^/(a)(b)$ http://h/$1/$2',
      'rewrite ^/(a)(b)$ https://h/$1/$2 last',
    ]) {
      expect([directive, replacementOf(directive)?.redirect, escapedIndexes(directive)]).toEqual([directive, true, [1, 2]]);
    }
  });

  it('escapes only the captures after the first "?" of an internal rewrite, whatever the flag', () => {
    expect(escapedIndexes('rewrite ^/(a)(b)(c)$ /$1?x=$2&y=$3')).toEqual([2, 3]);
    expect(escapedIndexes('rewrite ^/(a)(b)$ /$1?x=$2 last')).toEqual([2]);
    expect(escapedIndexes('rewrite ^/(a)(b)$ /$1?x=$2 break')).toEqual([2]);
    expect(replacementOf('rewrite ^/(a)(b)$ /$1?x=$2')?.redirect).toBe(false);
  });

  it('drops a trailing "?" before compiling, so it starts no arguments', () => {
    expect(escapedIndexes('rewrite ^/(a)(b)$ /$1/$2?')).toEqual([]);
    expect(escapedIndexes('rewrite ^/(a)(b)$ /?x=$1&y=$2?')).toEqual([1, 2]);
  });

  it('sizes from the match only without variables and without a capture written twice', () => {
    expect(replacementOf('rewrite ^/(a)(b)$ /$1/$2')?.sizedFromMatch).toBe(true);
    expect(replacementOf('rewrite ^/(a)(b)$ /$1/$1')?.sizedFromMatch).toBe(false);
    expect(replacementOf('rewrite ^/(a)(b)$ /$1/$2$is_args$args')?.sizedFromMatch).toBe(false);
    // $scheme makes a redirect, and is a variable too.
    const scheme = replacementOf('rewrite ^/(a)(b)$ $scheme://h/$1$2');
    expect([scheme?.redirect, scheme?.sizedFromMatch]).toEqual([true, false]);
    // ngx_http_script_compile takes `${1}` as a variable named "1".
    expect(replacementOf('rewrite ^/(a)(b)$ /${1}/$2')?.sizedFromMatch).toBe(false);
  });

  it('keeps each capture with where it is written', () => {
    expect(replacementOf('rewrite ^/(a)(b)$ /x/$2?y=$1')?.captures).toEqual([
      { index: 2, start: 3, end: 5, escaped: false },
      { index: 1, start: 8, end: 10, escaped: true },
    ]);
  });
});
