/**
 * What a variable can hold, and what a regex captures. Expected values are reasoned from nginx's
 * source (ngx_http_variables.c, ngx_http_script.c) and PCRE's defaults, not from the output.
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/read-tree';
import type { NginxBlock } from '../../src/model/nginx';
import {
  analyzeRegex,
  CH,
  ESCAPED_IN_ARGS,
  ifCondition,
  isInternalOnly,
  NginxVariables,
  overlapMask,
  partSpan,
  valueParts,
} from '../../src/model/nginx-variables';

const scopeOf = (tree: MemoryTree) => readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} }).model.nginx.scopes[0];

/** The innermost block whose directives include `name`. */
function blockWith(tree: MemoryTree, name: string): { block: NginxBlock; variables: NginxVariables } {
  const scope = scopeOf(tree);
  const block = [scope.http, ...scope.http.descendants()].reverse().find((b) => b.own(name).length > 0);
  if (!block) throw new Error(`no ${name}`);
  return { block, variables: NginxVariables.of(scope) };
}

describe('analyzeRegex', () => {
  it('counts capturing groups, named ones included, and skips non-capturing and lookarounds', () => {
    expect(analyzeRegex('^/(a)(?:b)(?<c>d)(?=e)(?!f)(?<=g)(?<!h)$').groupCount).toBe(2);
    expect(analyzeRegex("^/(?P<x>a)(?'y'b)\\((c)[(]$").groupCount).toBe(3);
    expect(analyzeRegex('^/static/').groupCount).toBe(0);
  });

  it('tells whether the regex pins the whole subject, and what the whole match holds', () => {
    // PCRE's `$` (and `\\Z`) also match before a final LF; `\\z` only at the very end.
    expect(analyzeRegex('^/d/[0-9a-f]+$').wholeSubject).toBe('finalLf');
    expect(analyzeRegex('^/d/[0-9a-f]+\\Z').wholeSubject).toBe('finalLf');
    expect(analyzeRegex('\\A/d/[0-9a-f]+\\z').wholeSubject).toBe('end');
    expect(analyzeRegex('/d/[0-9a-f]+$').wholeSubject).toBeUndefined();
    expect(analyzeRegex('^/d/[0-9a-f]+\\$').wholeSubject).toBeUndefined();
    expect(analyzeRegex('^/a$|^/b/.*').wholeSubject).toBeUndefined();
    expect(analyzeRegex('^(?m)/a$').wholeSubject).toBeUndefined();
    expect(analyzeRegex('^/(?:a|b)$').wholeSubject).toBe('finalLf');
    expect(analyzeRegex('^/d/[0-9a-f]+$').matchMask & (CH.LF | CH.CR)).toBe(0);
    expect(analyzeRegex('^/d/[^/]+$').matchMask & CH.LF).toBe(CH.LF);
    // A lookahead looks at text it does not match.
    expect(analyzeRegex('^/d(?=[^/]+)$').matchMask & CH.LF).toBe(0);
  });

  it('gives up on branch resets and recursion, whose numbering it does not follow', () => {
    expect(analyzeRegex('(?|(a)|(b))').groupCount).toBeUndefined();
    expect(analyzeRegex('(a(?R)?b)').groupCount).toBeUndefined();
  });

  it('knows that `.` matches CR but not LF, and that `[^/]` matches both', () => {
    const [dot, notSlash] = analyzeRegex('^/(.*)/([^/]+)$').groups;
    expect(dot.mask & CH.CR).toBeTruthy();
    expect(dot.mask & CH.LF).toBeFalsy();
    expect(notSlash.mask & CH.LF).toBeTruthy();
    expect(notSlash.mask & CH.SLASH).toBeFalsy();
  });

  it('treats (?s) as making `.` match LF, and \\s, \\D, \\W, \\v as matching it', () => {
    for (const group of ['(?s)(.*)', '(\\s+)', '(\\D+)', '([\\W]+)', '(\\v)', '(\\x0a)', '([\\x00-\\x1f])']) {
      expect([group, analyzeRegex(group).groups[0].mask & CH.LF]).toEqual([group, CH.LF]);
    }
    for (const group of ['(\\d+)', '(\\w+)', '([a-z0-9-]+)', '([^\\s/]+)', '(\\S+)']) {
      expect([group, analyzeRegex(group).groups[0].mask & CH.LF]).toEqual([group, 0]);
    }
  });

  it('marks groups that only choose among literal words', () => {
    const [words, open, quantified] = analyzeRegex('^/(api|www)/([a-z]+)/(ab+)').groups;
    expect(words.fixedWords).toBe(true);
    expect(open.fixedWords).toBe(false);
    expect(quantified.fixedWords).toBe(false);
  });

  it('lets an outer group hold what its inner groups match, but not what a lookahead sees', () => {
    const [outer] = analyzeRegex('^((?:[^/]*/)*)(.*)$').groups;
    expect(outer.mask & CH.LF).toBeTruthy();
    const [guarded] = analyzeRegex('^(a(?=[^/]))').groups;
    expect(guarded.mask & CH.LF).toBeFalsy();
  });
});

describe('overlapMask', () => {
  it('finds nested groups overlapping, at any depth and through non-capturing groups', () => {
    const regex = analyzeRegex('^/((?:x(.*))/(\\d+))$');
    // $2 (.*) and $3 (\d+) both lie inside $1.
    expect(overlapMask(regex, 1, 2) & CH.SPACE).toBe(CH.SPACE);
    expect(overlapMask(regex, 2, 1) & CH.SPACE).toBe(CH.SPACE);
    // The overlap of $1 and $3 is digits only: nothing nginx escapes.
    expect(overlapMask(regex, 1, 3) & ESCAPED_IN_ARGS).toBe(0);
  });

  it('keeps groups in sequence apart, and a group from itself', () => {
    const regex = analyzeRegex('^/(.*)/(.*)$');
    expect(overlapMask(regex, 1, 2)).toBe(0);
    expect(overlapMask(regex, 1, 1)).toBe(0);
    expect(overlapMask(regex, 1, 3)).toBe(0);
  });

  it('lets a group in a lookahead overlap the group that then consumes the same text', () => {
    const regex = analyzeRegex('^/(?=(.*))(.+)$');
    expect(overlapMask(regex, 1, 2) & CH.ESCAPED).toBe(CH.ESCAPED);
  });

  it('knows which characters argument escaping grows: `+`, `%`, controls, bytes past ASCII, not `-` or `~`', () => {
    for (const group of ['([+])', '(\\+)', '(%)', '([&;])', '(\\t)', '([\\x80-\\xff])', '([!-/])', '([[:punct:]])', '(\\p{L})', '([^a-z])']) {
      expect([group, analyzeRegex(group).groups[0].mask & CH.ESCAPED]).toEqual([group, CH.ESCAPED]);
    }
    for (const group of ['([a-z0-9._~-]+)', '(\\d+)', '(\\w+)', "([!$'()*,=@:/])", '([0-9A-F]{2})']) {
      expect([group, analyzeRegex(group).groups[0].mask & ESCAPED_IN_ARGS]).toEqual([group, 0]);
    }
  });
});

describe('valueParts', () => {
  it('splits literal text, $name, ${name} and $1..$9 as nginx does ($10 is $1 then "0")', () => {
    expect(
      valueParts('http://$host${uri}x/$10').map((p) =>
        p.kind === 'text' ? p.text : p.kind === 'variable' ? `var:${p.name}` : p.kind === 'capture' ? `cap:${p.index}` : p.kind,
      ),
    ).toEqual(['http://', 'var:host', 'var:uri', 'x/', 'cap:1', '0']);
    expect(valueParts('${1}').map((p) => p.kind)).toEqual(['capture']);
    expect(valueParts('100$').map((p) => p.kind)).toEqual(['text']);
  });
});

describe('NginxVariables', () => {
  it('sees request data in headers, args and cookies, but CR/LF only in decoded ones', () => {
    const { block, variables } = blockWith({ 'a.conf': 'server { location / { return 200; } }' }, 'return');
    for (const name of ['http_x_target', 'arg_url', 'cookie_a', 'request_uri', 'args', 'host']) {
      const facts = variables.variableFacts(name, block)!;
      expect([name, facts.request, facts.mask & (CH.LF | CH.CR)]).toEqual([name, true, 0]);
    }
    for (const name of ['uri', 'document_uri']) expect(variables.variableFacts(name, block)!.mask & CH.LF).toBe(CH.LF);
    expect(variables.variableFacts('scheme', block)!.request).toBe(false);
    expect(variables.variableFacts('lua_made', block)).toBeUndefined();
  });

  it('follows the captures of a regex location, over the decoded $uri', () => {
    const { block, variables } = blockWith({ 'a.conf': 'server { location ~ ^/u/([^/]+)/(\\d+)$ { return 302 /$1/$2; } }' }, 'return');
    const first = variables.factsOf('$1', block)!;
    const second = variables.factsOf('$2', block)!;
    expect(first.request && (first.mask & CH.LF) !== 0).toBe(true);
    expect(second.request && (second.mask & CH.LF) === 0).toBe(true);
  });

  it('takes captures from an if over $request_uri as raw, so without CR/LF', () => {
    const { block, variables } = blockWith({ 'a.conf': 'server { location / { if ($request_uri ~ ^/e/(.*)$) { return 301 $1; } } }' }, 'return');
    const facts = variables.factsOf('$1', block)!;
    expect(facts.request).toBe(true);
    expect(facts.mask & (CH.LF | CH.CR)).toBe(0);
  });

  it('does not know the captures after a rewrite in the location', () => {
    const { block, variables } = blockWith({ 'a.conf': 'server { location ~ ^/(.*)$ { rewrite ^/x(.*)$ /y$1; return 302 /$1; } }' }, 'return');
    expect(variables.factsOf('$1', block)).toBeUndefined();
  });

  it('traces set and map variables to what they are built from', () => {
    const tree = {
      'a.conf': [
        'map $http_x_pool $pool { default a.internal; beta b.internal; }',
        'map $http_x_dest $dest { default $http_x_dest; }',
        'server {',
        '  location / {',
        '    set $target $arg_host;',
        '    set $fixed backend;',
        '    return 200 "$pool $dest $target $fixed";',
        '  }',
        '}',
      ].join('\n'),
    };
    const { block, variables } = blockWith(tree, 'return');
    expect(variables.factsOf('$pool', block)!.request).toBe(false);
    expect(variables.factsOf('$dest', block)!.request).toBe(true);
    expect(variables.factsOf('$target', block)!.origin).toEqual(['$arg_host']);
    expect(variables.factsOf('$fixed', block)!.request).toBe(false);
    expect(variables.factsOf('$unknown_set_elsewhere', block)).toBeUndefined();
  });

  it('resolves a named capture of the location regex', () => {
    const { block, variables } = blockWith({ 'a.conf': 'server { location ~ ^/(?<svc>[^/]+)/ { return 200 $svc; } }' }, 'return');
    expect(variables.factsOf('$svc', block)!.request).toBe(true);
  });
});

describe('ifCondition', () => {
  it('drops the parentheses whether they stand alone or touch the words', () => {
    expect(ifCondition(['(', '$a', '~', '^/x', ')'])).toEqual(['$a', '~', '^/x']);
    expect(ifCondition(['($a', '~', '^/(x)$)'])).toEqual(['$a', '~', '^/(x)$']);
    expect(ifCondition(['($c)'])).toEqual(['$c']);
  });
});

describe('partSpan', () => {
  const span = (line: number, column: number, length: number) => ({
    file: 'a.conf',
    start: { line, column, offset: column - 1 },
    end: { line, column: column + length, offset: column - 1 + length },
  });
  it('points inside a plain or quoted argument', () => {
    expect(partSpan({ value: 'http://$h/', quoted: false, span: span(1, 5, 10) }, { start: 7, end: 9 }).start.column).toBe(12);
    expect(partSpan({ value: 'http://$h/', quoted: true, span: span(1, 5, 12) }, { start: 7, end: 9 }).start.column).toBe(13);
  });
  it('falls back to the whole argument when escapes make the text longer than the value', () => {
    const arg = { value: 'a"$h', quoted: true, span: span(1, 5, 7) };
    expect(partSpan(arg, { start: 2, end: 4 })).toBe(arg.span);
  });
});

describe('isInternalOnly and expand', () => {
  it('knows internal and named locations, but not a location nested in an internal one', () => {
    const scope = scopeOf({ 'a.conf': 'server { location /a/ { internal; location /a/b/ { return 200; } } location @n { return 200; } }' });
    const byPath = (path: string) => scope.locations.find((l) => l.directive?.args[0].value === path)!;
    expect(isInternalOnly(byPath('/a/'))).toBe(true);
    expect(isInternalOnly(byPath('/a/b/'))).toBe(false);
    expect(isInternalOnly(byPath('@n'))).toBe(true);
  });

  it('writes out a variable set once, keeping the part it was written as', () => {
    const { block, variables } = blockWith({ 'a.conf': 'server { location ~ ^/(a|b)/(.*)$ { set $u "http://$1/$2"; return 200 $u; } }' }, 'return');
    const parts = variables.expand('$u', block);
    expect(parts.map(({ part }) => (part.kind === 'text' ? part.text : part.kind))).toEqual(['http://', 'capture', '/', 'capture']);
    expect(parts.every(({ top }) => top.kind === 'variable')).toBe(true);
    // (a|b) is the config's choice; (.*) is the client's.
    expect(parts.map(({ facts }) => facts?.request)).toEqual([false, false, false, true]);
  });
});

describe('mayHoldLineBreak', () => {
  const tree = {
    'a.conf': [
      'map $http_x_tenant $tenant { default none; "~^t-(?<rest>.+)$" "tenant $rest"; }',
      'map $uri $section { default none; "~^/(?<s>[^/]+)" $s; }',
      'server { location / { return 200; } }',
    ].join('\n'),
  };
  it('rules out values built only from header captures, literals and safe built-ins', () => {
    const { variables } = blockWith(tree, 'return');
    expect(variables.mayHoldLineBreak('$host $tenant')).toBe(false);
    expect(variables.mayHoldLineBreak('prefix-$request_uri')).toBe(false);
  });
  it('keeps decoded paths, captures and maps over them as maybe', () => {
    const { variables } = blockWith(tree, 'return');
    expect(variables.mayHoldLineBreak('$uri')).toBe(true);
    expect(variables.mayHoldLineBreak('/$1')).toBe(true);
    expect(variables.mayHoldLineBreak('$section')).toBe(true);
    expect(variables.mayHoldLineBreak('$made_by_lua')).toBe(true);
  });
  // ngx_http_map: `hostnames` and `volatile` are parameters only alone on their line.
  it('reads "hostnames" with a value as a key, and a lone "hostnames" as a parameter', () => {
    const { variables } = blockWith(
      {
        'a.conf': [
          'map $http_host $keyed { default none; hostnames $uri; }',
          'map $http_host $flagged { hostnames; volatile; default none; *.example.com site; }',
          'server { location / { return 200; } }',
        ].join('\n'),
      },
      'return',
    );
    expect(variables.mayHoldLineBreak('$keyed')).toBe(true);
    expect(variables.mayHoldLineBreak('$flagged')).toBe(false);
  });
});
