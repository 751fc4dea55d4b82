import { parseNginx } from '../../../src/readers/nginx/parse';
import { SourceText } from '../../../src/source/text';

const parse = (text: string) => parseNginx(new SourceText('t.conf', text));
const at = (span: { start: { line: number; column: number }; end: { line: number; column: number } }) =>
  `${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;

describe('spans', () => {
  test('every directive and argument keeps its own span', () => {
    const { directives, diagnostics } = parse('server {\n    listen 127.0.0.1:80 default_server;\n}\n');
    expect(diagnostics).toEqual([]);
    const server = directives[0];
    expect(at(server.nameSpan)).toBe('1:1-1:7');
    expect(at(server.span)).toBe('1:1-3:2');
    expect(at(server.blockOpen!)).toBe('1:8-1:9');
    const listen = server.block![0];
    expect(at(listen.nameSpan)).toBe('2:5-2:11');
    expect(listen.args.map((a) => [a.value, at(a.span)])).toEqual([
      ['127.0.0.1:80', '2:12-2:24'],
      ['default_server', '2:25-2:39'],
    ]);
    expect(at(listen.span)).toBe('2:5-2:40');
    expect(listen.span.start.offset).toBe(13);
  });

  test('a quoted argument spans its quotes; its value has them removed and escapes processed', () => {
    const { directives } = parse('add_header X-A "a \\"b\\" ;{}";\n');
    const arg = directives[0].args[1];
    expect(arg.value).toBe('a "b" ;{}');
    expect(arg.quoted).toBe(true);
    expect(at(arg.span)).toBe('1:16-1:29');
  });

  test('a string over several lines ends on the right line and column', () => {
    const { directives } = parse('return 200 "one\ntwo\nthree";\nlisten 80;\n');
    expect(at(directives[0].args[1].span)).toBe('1:12-3:7');
    expect(at(directives[1].nameSpan)).toBe('4:1-4:7');
  });

  test('CRLF line endings count one line per CRLF and columns exclude the CR', () => {
    const { directives, diagnostics } = parse('events {\r\n}\r\nhttp {\r\n    gzip on;\r\n}\r\n');
    expect(diagnostics).toEqual([]);
    expect(at(directives[1].block![0].args[0].span)).toBe('4:10-4:12');
  });

  test('a UTF-8 BOM is reported (nginx reads it as part of the first name) and the file is still read', () => {
    const { directives, diagnostics } = parse('\ufeffevents {}\nhttp {}\n');
    expect(directives.map((d) => d.name)).toEqual(['events', 'http']);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].ruleId).toBe('nginx-syntax');
    expect(at(diagnostics[0].primary)).toBe('1:1-1:2');
  });

  test('columns count UTF-16 units after non-ASCII text', () => {
    const { directives } = parse('# café\nadd_header X-É "é" always;\n');
    expect(at(directives[0].args[2].span)).toBe('2:20-2:26');
  });

  test('comments are kept with their positions for suppressions', () => {
    const { comments } = parse('listen 80; # cfglint-disable-next-line x -- why\n  # second\n');
    expect(comments.map((c) => [c.text, c.start])).toEqual([
      [' cfglint-disable-next-line x -- why', 11],
      [' second', 50],
    ]);
  });

  test('an OpenResty Lua block is one raw argument spanning its content', () => {
    const { directives, diagnostics } = parse('content_by_lua_block {\n  ngx.say("}")\n}\nlisten 80;\n');
    expect(diagnostics).toEqual([]);
    expect(directives[0].args).toHaveLength(1);
    expect(directives[0].args[0].value).toBe('\n  ngx.say("}")\n');
    expect(directives[1].name).toBe('listen');
  });
});

describe('syntax errors: positioned, nginx wording, and reading goes on', () => {
  test('an extra "}" is reported where it stands and the next directives are kept', () => {
    const { directives, diagnostics } = parse('http {\n}\n}\nevents {}\n');
    expect(diagnostics.map((d) => [d.message, at(d.primary)])).toEqual([['unexpected "}"', '3:1-3:2']]);
    expect(directives.map((d) => d.name)).toEqual(['http', 'events']);
  });

  test('a missing ";" before "}" names the unterminated directive', () => {
    const { directives, diagnostics } = parse('server {\n    listen 80\n}\nhttp {}\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toBe('unexpected "}"');
    expect(at(diagnostics[0].primary)).toBe('3:1-3:2');
    expect(diagnostics[0].related[0].label).toContain('"listen" is not terminated by ";"');
    expect(directives.map((d) => d.name)).toEqual(['server', 'http']);
    expect(directives[0].block!.map((d) => d.name)).toEqual(['listen']);
  });

  test('an unclosed block at end of file points at the block that is never closed', () => {
    const { diagnostics } = parse('http {\n    server {\n        listen 80;\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toBe('unexpected end of file, expecting "}"');
    expect(diagnostics[0].related[0].label).toContain('"server" block');
    expect(at(diagnostics[0].related[0].span)).toBe('2:12-2:13');
  });

  test('each block holds exactly its own lines, in order, however the blocks nest, close or stay open', () => {
    const names = (list: readonly { name: string }[] | undefined) => (list ?? []).map((d) => d.name);
    const nested = parse('a;\nhttp {\n  b;\n  server {\n    c;\n    location / { d; e; }\n    f;\n  }\n  g;\n  events {}\n}\nh;\n');
    expect(names(nested.directives)).toEqual(['a', 'http', 'h']);
    const http = nested.directives[1];
    expect(names(http.block)).toEqual(['b', 'server', 'g', 'events']);
    expect(names(http.block![1].block)).toEqual(['c', 'location', 'f']);
    expect(names(http.block![1].block![1].block)).toEqual(['d', 'e']);
    expect(http.block![3].block).toEqual([]);
    // Never closed: the blocks keep what was read.
    const open = parse('http {\n  b;\n  server {\n    c;\n');
    expect(names(open.directives)).toEqual(['http']);
    expect(names(open.directives[0].block)).toEqual(['b', 'server']);
    expect(names(open.directives[0].block![1].block)).toEqual(['c']);
    // After an unexpected "{", the lines of the anonymous block are read but belong to no block.
    const stray = parse('http {\n  b;\n  { x; y; }\n  c;\n}\n');
    expect(names(stray.directives[0].block)).toEqual(['b', 'c']);
  });

  test('end of file inside a directive', () => {
    const { diagnostics } = parse('events {}\nworker_processes 4');
    expect(diagnostics.map((d) => d.message)).toEqual(['unexpected end of file, expecting ";" or "}"']);
    expect(at(diagnostics[0].primary)).toBe('2:19-2:19');
  });

  test('an unbalanced quote is reported at the quote, once', () => {
    const { diagnostics } = parse('server {\n    return 200 "oops;\n}\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toMatch(/^unbalanced quote/);
    expect(diagnostics[0].message).toContain('unexpected end of file, expecting ";" or "}"');
    expect(at(diagnostics[0].primary)).toBe('2:16-2:17');
  });

  test('a closing quote glued to a letter', () => {
    const { diagnostics } = parse('env "a"b;\n');
    expect(diagnostics.map((d) => [d.message, at(d.primary)])).toEqual([['unexpected "b"', '1:8-1:9']]);
  });

  test('";" and "{" without a directive', () => {
    const { diagnostics, directives } = parse(';\n{ listen 80; }\nevents {}\n');
    expect(diagnostics.map((d) => [d.message, at(d.primary)])).toEqual([
      ['unexpected ";"', '1:1-1:2'],
      ['unexpected "{"', '2:1-2:2'],
    ]);
    expect(directives.map((d) => d.name)).toEqual(['events']);
  });

  test('100,000 nested blocks: one finding, balanced braces, content past 200 levels dropped', () => {
    const depth = 100_000;
    const { diagnostics, directives } = parse('a {'.repeat(depth) + '}'.repeat(depth) + '\nevents {}\n');
    expect(diagnostics.map((d) => d.message)).toEqual(['blocks nested deeper than 200 levels; their content is not read']);
    expect(diagnostics[0].primary.start.column).toBe(200 * 3 + 3);
    let level = directives[0];
    let count = 1;
    while (level.block && level.block.length > 0) {
      level = level.block[0];
      count++;
    }
    expect(count).toBe(201);
    expect(directives.map((d) => d.name)).toEqual(['a', 'events']);
  });

  test('NUL bytes and U+FFFD from invalid UTF-8 are ordinary characters', () => {
    const { directives, diagnostics } = parse('env A\u0000B;\nenv \ufffd;\n');
    expect(diagnostics).toEqual([]);
    expect(directives.map((d) => d.args[0].value)).toEqual(['A\u0000B', '\ufffd']);
  });
});
