/**
 * The reader keeps offsets and builds argument objects, values and spans when they are read
 * (src/readers/nginx/tree.ts). These pin that what it builds late is what an eager reader would
 * have built, and that the helpers that avoid building it agree with the objects.
 */
import {
  argCountOf,
  argEquals,
  argEqualsIgnoringCase,
  argsMayHoldLineBreak,
  argValueOf,
  blockMayMentionCapture,
  directiveEndOffset,
  lastTokenEndOffset,
  NginxDirective,
  notPlainFirstValues,
  opensBlock,
  parseNginx,
  someArgEquals,
} from '../../../src/readers/nginx/parse';
import { SourceText } from '../../../src/source/text';
import { FileTree } from '../../../src/readers/nginx/tree';

const parse = (text: string) => parseNginx(new SourceText('t.conf', text));
const all = (directives: NginxDirective[]): NginxDirective[] => directives.flatMap((d) => [d, ...all(d.block ?? [])]);

describe('values and spans built on demand', () => {
  // What a directive built is kept in a map while few have built anything, then in an array.
  test('what each directive built stays its own, before and after a large file keeps it in an array', () => {
    const lines = Array.from({ length: 64 }, (_, i) => `d${i} v${i} "w ${i}";`);
    const directives = parse(lines.join('\n')).directives;
    const first = directives[10].args;
    const spans = directives.slice(0, 3).map((d) => d.nameSpan);
    // 4 of 64 is past one in 16: from here on the file keeps them in an array.
    for (const directive of directives)
      expect(directive.args.map((arg) => arg.value)).toEqual([`v${directives.indexOf(directive)}`, `w ${directives.indexOf(directive)}`]);
    expect(directives[10].args).toBe(first);
    expect(directives.slice(0, 3).map((d) => d.nameSpan)).toEqual(spans);
    expect(directives[2].nameSpan).toBe(spans[2]);
    expect(directives[63].args[1].span.start).toEqual({ line: 64, column: 9, offset: lines.slice(0, 63).join('\n').length + 1 + 8 });
  });

  test('a span read twice is the same object, and a directive without arguments shares its name span', () => {
    const [server] = parse('server {\n  listen 80;\n  gzip on;\n}\n').directives;
    expect(server.span).toBe(server.span);
    expect(server.nameSpan).toBe(server.nameSpan);
    expect(server.args).toBe(server.args);
    const listen = server.block![0];
    expect(listen.args[0].span).toBe(listen.args[0].span);
    // The directive's span starts at its name's start position object.
    expect(listen.span.start).toBe(listen.nameSpan.start);
    // Line 2 starts at offset 9; its ";" is the 12th character, so the span ends at column 13, offset 21.
    expect(listen.span.end).toEqual({ line: 2, column: 13, offset: 21 });
  });

  test('values rebuilt from offsets: quotes removed, escapes processed, other pairs kept', () => {
    const [directive] = parse('a "x\\"y" \'q\\\'r\' w\\x\\"z "t\\tn\\n" "" \\\\ ;').directives;
    expect(directive.args.map((arg) => [arg.value, arg.quoted])).toEqual([
      ['x"y', true],
      ["q'r", true],
      ['w\\x"z', false],
      ['t\tn\n', true],
      ['', true],
      ['\\', false],
    ]);
    expect(directive.args.map((arg) => `${arg.span.start.column}-${arg.span.end.column}`)).toEqual(['3-9', '10-16', '17-23', '24-32', '33-35', '36-38']);
  });

  test('a quote that never closes keeps everything after it, with its span to the end of the file', () => {
    const { directives, diagnostics } = parse('a "b\\"c');
    expect(directives[0].args[0].value).toBe('b"c');
    expect(directives[0].args[0].span.end.offset).toBe(7);
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('unbalanced quote')]);
  });

  test('a Lua block body is its raw text, escapes and quotes untouched', () => {
    const [directive] = parse('content_by_lua_block { ngx.say("a\\"}") }').directives;
    expect(directive.args.map((arg) => [arg.value, arg.quoted])).toEqual([[' ngx.say("a\\"}") ', false]]);
  });

  test('the helpers read offsets and values without disagreeing with the built objects', () => {
    const text = 'http {\n  a 1 "two" three;\n  b;\n  c x }\n  location /p { d; }\n  content_by_lua_block { x() }\n}\ne';
    const directives = all(parse(text).directives);
    expect(directives.map((d) => d.name)).toEqual(['http', 'a', 'b', 'c', 'location', 'd', 'content_by_lua_block', 'e']);
    // Read the helpers first, on a fresh parse, so that nothing was built before them.
    const fresh = all(parse(text).directives);
    const viaHelpers = fresh.map((d) => [
      argCountOf(d),
      [...Array(argCountOf(d)).keys()].map((i) => argValueOf(d, i)),
      argValueOf(d, argCountOf(d)),
      opensBlock(d),
      directiveEndOffset(d),
      lastTokenEndOffset(d),
    ]);
    const viaObjects = directives.map((d) => [
      d.args.length,
      d.args.map((arg) => arg.value),
      undefined,
      d.blockOpen !== undefined,
      d.span.end.offset,
      d.args.length > 0 ? d.args[d.args.length - 1].span.end.offset : d.nameSpan.end.offset,
    ]);
    expect(viaHelpers).toEqual(viaObjects);
    // `c x }` is not terminated: its span stops at its name.
    const c = directives[3];
    expect(c.span).toBe(c.nameSpan);
  });

  test('the helpers accept directives built elsewhere (ingress-nginx annotations)', () => {
    const span = (offset: number) => ({ file: 'x', start: { line: 1, column: offset + 1, offset }, end: { line: 1, column: offset + 3, offset: offset + 2 } });
    const built: NginxDirective = {
      name: 'proxy_read_timeout',
      nameSpan: span(0),
      args: [{ value: '30s', quoted: false, span: span(3) }],
      span: span(9),
      file: 'x',
    };
    expect([argCountOf(built), argValueOf(built, 0), argValueOf(built, 1), opensBlock(built), directiveEndOffset(built), lastTokenEndOffset(built)]).toEqual([
      1,
      '30s',
      undefined,
      false,
      11,
      5,
    ]);
  });

  test('a large file grows its offset tables and keeps every position exact', () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `d${i % 7} ${'"v' + i + '"'} w${i};`);
    const directives = parse(lines.join('\n')).directives;
    expect(directives).toHaveLength(30_000);
    for (const i of [0, 1, 9_999, 29_999]) {
      const d = directives[i];
      expect([d.name, d.args[0].value, d.args[1].value, d.args[1].span.start.line, d.args[1].span.start.column]).toEqual([
        `d${i % 7}`,
        `v${i}`,
        `w${i}`,
        i + 1,
        lines[i].indexOf(' w') + 2,
      ]);
    }
  });
});

describe('argEqualsIgnoringCase', () => {
  test('compares plain words in the text, ignoring ASCII case only', () => {
    const [a, b] = parse('proxy_set_header HOST $host;\nproxy_set_header Hosts $host;\n').directives;
    expect(argEqualsIgnoringCase(a, 0, 'host')).toBe(true);
    expect(argEqualsIgnoringCase(b, 0, 'host')).toBe(false);
    // Past the last argument there is nothing to equal.
    expect(argEqualsIgnoringCase(a, 2, 'host')).toBe(false);
  });

  test('quoted and escaped words are compared by their value, as nginx reads them', () => {
    const [quoted, escaped, partly] = parse('h "Host" x;\nh Ho\\st x;\nh "Ho st" x;\n').directives;
    expect(argEqualsIgnoringCase(quoted, 0, 'host')).toBe(true);
    // `\s` is kept as two characters by nginx's reader (only quotes, backslash and \t \r \n are escapes).
    expect(argValueOf(escaped, 0)).toBe('Ho\\st');
    expect(argEqualsIgnoringCase(escaped, 0, 'ho\\st')).toBe(true);
    expect(argEqualsIgnoringCase(escaped, 0, 'host')).toBe(false);
    expect(argEqualsIgnoringCase(partly, 0, 'host')).toBe(false);
  });

  test('agrees with the value for a directive built elsewhere', () => {
    const built: NginxDirective = {
      ...parse('h HoSt;').directives[0],
      name: 'h',
      args: [{ value: 'HoSt', quoted: false, span: parse('h HoSt;').directives[0].span }],
    };
    expect(argEqualsIgnoringCase(built, 0, 'host')).toBe(true);
  });
});

describe('argEquals', () => {
  test('compares in the text, and by value wherever a backslash or a quote is involved', () => {
    const [plain, escaped, quoted] = parse('listen 80 default_server;\nx a\\\\b;\ny "default_server";\n').directives;
    expect(argEquals(plain, 1, 'default_server')).toBe(true);
    expect(argEquals(plain, 1, 'Default_server')).toBe(false);
    expect(argEquals(plain, 0, '8')).toBe(false);
    expect(argEquals(plain, 2, 'default_server')).toBe(false);
    // `a\\b` is the value `a\b`: the text's four characters are not what is compared.
    expect(argValueOf(escaped, 0)).toBe('a\\b');
    expect(argEquals(escaped, 0, 'a\\b')).toBe(true);
    expect(argEquals(escaped, 0, 'a\\\\b')).toBe(false);
    expect(argEquals(quoted, 0, 'default_server')).toBe(true);
  });

  // The file's text answers for its plain words unless it holds an escape nginx replaces; a
  // backslash it keeps elsewhere in the file (`\.`) must not hide one that it replaces.
  test.each([
    ['a\\"b', 'a"b'],
    ["a\\'b", "a'b"],
    ['a\\\\b', 'a\\b'],
    ['a\\tb', 'a\tb'],
    ['a\\rb', 'a\rb'],
    ['a\\nb', 'a\nb'],
  ])('%s in a file with regex locations equals its value %j, not its text', (written, value) => {
    const directives = all(parse(`location ~ \\.php$ {\n  x ${written};\n}\nlocation ~ \\.js$ {}\n`).directives);
    const x = directives.find((directive) => directive.name === 'x')!;
    expect(argValueOf(x, 0)).toBe(value);
    expect(argEquals(x, 0, value)).toBe(true);
    expect(argEquals(x, 0, written)).toBe(false);
    expect(argEqualsIgnoringCase(x, 0, value.toLowerCase())).toBe(true);
    expect(argsMayHoldLineBreak(x)).toBe(true);
  });

  test('someArgEquals looks from an argument on for any of the words', () => {
    const [listen, host] = parse('listen 443 ssl "default";\nlisten ssl;\n').directives;
    expect(someArgEquals(listen, 1, ['quic', 'ssl'])).toBe(true);
    expect(someArgEquals(listen, 1, ['default_server', 'default'])).toBe(true);
    expect(someArgEquals(listen, 1, ['443'])).toBe(false);
    // `listen ssl;` names a host: from argument 1 on there is nothing.
    expect(someArgEquals(host, 1, ['ssl'])).toBe(false);
    expect(someArgEquals(host, 0, ['ssl'])).toBe(true);
    expect(someArgEquals(host, 0, [])).toBe(false);
  });
});

describe('argsMayHoldLineBreak', () => {
  const holdsLineBreak = (directive: NginxDirective) =>
    Array.from({ length: argCountOf(directive) }, (_, i) => /[\r\n]/.test(argValueOf(directive, i)!)).some(Boolean);

  test('false for words on one line without a backslash, whatever follows the directive', () => {
    const directives = parse('add_header X-A "one two";\nadd_header X-B b; # a comment\n\nlocation / {\n  return 200;\n}\n').directives;
    for (const directive of directives) {
      expect(argsMayHoldLineBreak(directive)).toBe(false);
      expect(holdsLineBreak(directive)).toBe(false);
    }
  });

  test('true where a value can hold CR or LF: a quoted line break, an escape, a raw CR', () => {
    const directives = parse('add_header X-A "one\ntwo";\nadd_header X-B "a\\nb";\nadd_header X-C a\\rb;\nadd_header X-D "a\rb";\n').directives;
    expect(directives).toHaveLength(4);
    for (const directive of directives) {
      expect(argsMayHoldLineBreak(directive)).toBe(true);
      expect(holdsLineBreak(directive)).toBe(true);
    }
  });

  test('a backslash that escapes something else is only a maybe: the values decide', () => {
    const [quote] = parse('add_header X-A "say \\"hi\\"";\n').directives;
    expect(argsMayHoldLineBreak(quote)).toBe(true);
    expect(holdsLineBreak(quote)).toBe(false);
  });

  test('a backslash nginx keeps as written (`\\.` of a regex location) makes no maybe anywhere in the file', () => {
    const directives = all(parse('location ~ \\.php$ {\n  add_header X-A "one two";\n  add_header X-B a\\.b;\n}\n').directives);
    expect(directives.map((directive) => directive.name)).toEqual(['location', 'add_header', 'add_header']);
    for (const directive of directives) {
      expect(argsMayHoldLineBreak(directive)).toBe(false);
      expect(holdsLineBreak(directive)).toBe(false);
    }
  });

  test('a directive built elsewhere is a maybe', () => {
    const read = parse('add_header X-A b;').directives[0];
    const built: NginxDirective = { ...read, name: 'add_header', args: read.args.map((arg) => ({ ...arg })) };
    expect(argsMayHoldLineBreak(built)).toBe(true);
  });
});

describe('blockMayMentionCapture', () => {
  const mapOf = (text: string) => parse(text).directives.find((directive) => directive.name === 'map')!;

  test('false for a map whose lines mention no capture and include nothing, whatever the lines around it do', () => {
    const text = 'include a.conf;\nrewrite ^/(a)$ /$1;\nmap $uri $m {\n    default "none";\n    ~^/(?<x>.+)$ "x $x";\n}\nreturn 301 /$1;\ninclude b.conf;\n';
    expect(blockMayMentionCapture(mapOf(text))).toBe(false);
  });

  test('a file with no capture reference and no include answers for its blocks at once; one capture anywhere sends it back to the lines', () => {
    expect(blockMayMentionCapture(mapOf('map $uri $m {\n    default "none";\n    ~^/(?<x>.+)$ "x $x";\n}\n'))).toBe(false);
    const text = 'map $uri $m {\n    default "none";\n}\nmap $uri $n {\n    ~^/(.+)$ "/b/$1";\n}\n';
    const [first, second] = parse(text).directives;
    expect([blockMayMentionCapture(first), blockMayMentionCapture(second)]).toEqual([false, true]);
  });

  test('true for a map with a capture in a value, written either way', () => {
    expect(blockMayMentionCapture(mapOf('map $uri $m {\n    ~^/(.+)$ "/b/$1";\n}\n'))).toBe(true);
    expect(blockMayMentionCapture(mapOf('map $uri $m {\n    ~^/(.+)$ "/b/${1}";\n}\n'))).toBe(true);
  });

  test('true (maybe) where the lines are not all in the block: an include, a block never closed', () => {
    expect(blockMayMentionCapture(mapOf('map $uri $m {\n    include maps/m.map;\n}\n'))).toBe(true);
    expect(blockMayMentionCapture(mapOf('map $uri $m {\n    default a;\n'))).toBe(true);
  });

  test('an include is a line named include, written plainly or quoted; the word in a value is not one', () => {
    expect(blockMayMentionCapture(mapOf('map $uri $m {\n    "include" maps/m.map;\n}\n'))).toBe(true);
    expect(blockMayMentionCapture(mapOf('map $uri $m {\n    /a include;\n    /include b;\n}\n'))).toBe(false);
    expect(notPlainFirstValues(mapOf('map $uri $m {\n    /a include;\n    /b "$uri";\n}\n'))).toEqual(['$uri']);
    expect(notPlainFirstValues(mapOf("map $uri $m {\n    /a b;\n    'include' maps/m.map;\n}\n"))).toBeUndefined();
  });

  test('true (maybe) for a directive built elsewhere', () => {
    const read = mapOf('map $uri $m {\n    default a;\n}\n');
    expect(blockMayMentionCapture({ ...read, name: 'map', args: read.args, block: read.block })).toBe(true);
  });
});

describe('FileTree.trimToSize', () => {
  test('a large file read and trimmed gives every value and span it had', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `add_header X-${i} "v ${i}";\n`).join('');
    const directives = parse(text).directives;
    expect(directives).toHaveLength(3000);
    // The last directive sits past any first guess at the arrays' size.
    expect(argValueOf(directives[2999], 1)).toBe('v 2999');
    expect(directives[2999].args[0].span.start).toEqual(expect.objectContaining({ line: 3000, column: 12 }));
  });

  test('an array trimmed to an empty file still grows', () => {
    const tree = new FileTree(new SourceText('t.conf', 'a b;'));
    tree.trimToSize();
    const directive = tree.addDirective('a', 0, 1);
    tree.addArg(directive, 2, 3, false, true);
    expect(argValueOf(directive, 0)).toBe('b');
  });
});

describe('notPlainFirstValues', () => {
  const mapOf = (text: string) => parse(text).directives.find((directive) => directive.name === 'map')!;

  test('the values holding a $, a backslash or a line break, as the reader would build them; plain ones and bare parameters passed over', () => {
    const map = mapOf('map $uri $m {\n    hostnames;\n    default "none";\n    a "x $uri";\n    b \'tab\\there\';\n    c "two\nlines";\n    d plain;\n}\n');
    // The values as the argument objects give them: the tab and the line break are real ones.
    expect(map.block!.map((line) => line.args[0]?.value)).toEqual([undefined, 'none', 'x $uri', 'tab\there', 'two\nlines', 'plain']);
    expect(notPlainFirstValues(map)).toEqual(['x $uri', 'tab\there', 'two\nlines']);
  });

  test('without a backslash in the block, a quoted line break is still found; a $ in a later argument gives the line its first value too', () => {
    const map = mapOf('map $uri $m {\n    a "two\nlines";\n    b plain $later;\n    c "plain";\n}\n');
    expect(notPlainFirstValues(map)).toEqual(['two\nlines', 'plain']);
  });

  test('an empty list for a map of plain values: nothing to read', () => {
    expect(notPlainFirstValues(mapOf('map $uri $m {\n    default none;\n    /a "b c";\n}\n'))).toEqual([]);
  });

  test('undefined where the lines are not all in the block: an include, a nested block, a block never closed, a quote never closed', () => {
    expect(notPlainFirstValues(mapOf('map $uri $m {\n    include maps/m.map;\n}\n'))).toBeUndefined();
    expect(notPlainFirstValues(mapOf('map $uri $m {\n    a { b $c; }\n}\n'))).toBeUndefined();
    expect(notPlainFirstValues(mapOf('map $uri $m {\n    default a;\n'))).toBeUndefined();
    expect(notPlainFirstValues(mapOf('map $uri $m {\n    default a;\n}\nx "never closed;\n'))).toBeUndefined();
  });

  test('undefined for a directive built elsewhere', () => {
    const read = mapOf('map $uri $m {\n    default $uri;\n}\n');
    expect(notPlainFirstValues({ ...read, name: 'map', args: read.args, block: read.block })).toBeUndefined();
  });
});
