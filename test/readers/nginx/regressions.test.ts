/**
 * Reader bugs found by the corpus suite (test/corpus/), each reproduced with a few lines of our
 * own. The expected verdicts were checked with Debian's nginx 1.22.1 (`nginx -t`).
 */
import { classify } from '../../../src/discovery/classify';
import { parseNginx } from '../../../src/readers/nginx/parse';
import { SourceText } from '../../../src/source/text';

const parse = (text: string) => parseNginx(new SourceText('t.conf', text));
const at = (span: { start: { line: number; column: number }; end: { line: number; column: number } }) =>
  `${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;
const syntax = (text: string) =>
  parse(text)
    .diagnostics.filter((d) => d.ruleId === 'nginx-syntax')
    .map((d) => [d.message, at(d.primary)]);

describe('a "{" inside a block read by a module handler (map, geo, types, split_clients, charset_map)', () => {
  // ngx_conf_parse: when cf->handler is set, NGX_CONF_BLOCK_START is `unexpected "{"`.
  test.each([
    ['map', 'map $a $b {\n    default 0;\n    x {}\n}\n'],
    ['geo', 'geo $g {\n    default 0;\n    10.0.0.0/8 {}\n}\n'],
    ['types', 'types {\n    text/html html;\n    text/css {}\n}\n'],
    ['split_clients', 'split_clients $a $s {\n    50% one;\n    * {}\n}\n'],
    ['charset_map', 'charset_map koi8-r utf-8 {\n    C0 D0B0;\n    C1 {}\n}\n'],
  ])('%s: nginx says unexpected "{" on the line of the brace', (_name, text) => {
    const found = syntax(`http {\n${text}}\n`);
    expect(found).toHaveLength(1);
    expect(found[0][0]).toBe('unexpected "{"');
    expect(found[0][1]).toMatch(/^4:/);
  });

  test('the brace is pointed at, the handler block is named, and the rest of the file still parses', () => {
    const { diagnostics, directives } = parse('map $a $b {\n    i_am_lost { return 500; }\n}\nserver_tokens off;\n');
    expect(diagnostics.map((d) => [d.message, at(d.primary), d.related[0]?.label])).toEqual([
      ['unexpected "{"', '2:15-2:16', '"map" lines cannot open a block'],
    ]);
    expect(directives.map((d) => d.name)).toEqual(['map', 'server_tokens']);
  });

  test('ordinary blocks may nest', () => {
    expect(syntax('upstream u {\n    server 127.0.0.1;\n}\nserver {\n    location / {\n        location /a { }\n        if ($a) { }\n    }\n}\n')).toEqual([]);
  });
});

describe('end of file is reported once, as nginx stops at the first error', () => {
  test('inside a directive within open blocks: only "expecting \\";\\" or \\"}\\""', () => {
    expect(syntax('http {\n    server {\n        listen')).toEqual([['unexpected end of file, expecting ";" or "}"', '3:15-3:15']]);
  });

  test('an unclosed Lua block within an open server block: only the Lua message', () => {
    const found = syntax('server {\n    content_by_lua_block {\n        ngx.say("x")\n');
    expect(found).toHaveLength(1);
    expect(found[0][0]).toMatch(/^unexpected end of file, expecting terminating characters for lua code block/);
    expect(found[0][1]).toBe('2:26-2:27');
  });

  test('an open block alone still gets "expecting \\"}\\""', () => {
    expect(syntax('http {\n    server_tokens off;\n')).toEqual([['unexpected end of file, expecting "}"', '3:1-3:1']]);
  });
});

describe('classify: nginx fragments that start with a directive outside the short list', () => {
  const head = (text: string) => () => text;

  test.each([
    ['ssl.conf', '# TLS settings\n\nssl_protocols TLSv1.2 TLSv1.3;\nssl_ciphers HIGH:!aNULL;\n'],
    ['hsts.conf', '    add_header Strict-Transport-Security "max-age=31536000" always;\n'],
    ['env.conf', 'env PATH; # keep PATH\n'],
    ['zone.conf', 'fastcgi_cache_path /var/cache levels=1:2 keys_zone=z:10m;\n'],
  ])('%s is nginx', (name, text) => {
    expect(classify(`/tree/snippets-x/${name}`, head(text))).toBe('nginx');
  });

  test.each([
    ['sysctl.conf', 'net.core.somaxconn = 1024\n'],
    ['limits.conf', '* soft nofile 65535\n'],
    ['app.conf', 'key = value;\n'],
    ['keepalived.conf', 'global_defs {\n    router_id a;\n}\n'],
    ['notes.conf', 'just some words\nserver_tokens off;\n'],
  ])('%s is not nginx', (name, text) => {
    expect(classify(`/tree/etc/${name}`, head(text))).not.toBe('nginx');
  });
});

describe('classify: a file named on the command line', () => {
  const head = (text: string) => () => text;

  test('is read as nginx even when neither its name nor its content says so', () => {
    expect(classify('/tree/conf.d/broken.conf', head('# oops\nasdfasdf\n'), true)).toBe('nginx');
    expect(classify('/tree/naxsi_core.rules', head('MainRule "str:x" "msg:x" id:1;\n'), true)).toBe('nginx');
    expect(classify('/tree/conf.d/broken.conf', head('# oops\nasdfasdf\n'))).toBeUndefined();
  });

  test('unless it is clearly another format', () => {
    expect(classify('/tree/uwsgi.ini', head('[uwsgi]\nsocket = :8000\n'), true)).toBe('uwsgi');
    expect(classify('/tree/server.xml', head('<Server port="8005"/>\n'), true)).toBe('tomcat');
    expect(classify('/tree/app.ini.template', head('[uwsgi]\nuid = <user>\n'), true)).toBeUndefined();
    expect(classify('/tree/sysctl.conf', head('net.core.somaxconn = 1024\n'), true)).toBe('sysctl');
  });
});

import { memoryFileSystem } from '../../../src/discovery/fs';
import { walk } from '../../../src/discovery/walk';
import { readNginxTree } from '../../../src/readers/nginx';
import type { ExpandedDirective } from '../../../src/readers/nginx';

describe('a glob that matches a directory (found with test/servers/nginx.test.ts)', () => {
  // nginx opens every match of the glob. nginx -t 1.22.1 on this tree:
  // [crit] pread() "…/sites-enabled/old" failed (21: Is a directory) … test failed.
  const tree = {
    'nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
    'sites-enabled/app': 'server { listen 80; }\n',
    'sites-enabled/old/app': 'server { listen 81; }\n',
  };
  const read = () => {
    const fs = memoryFileSystem(tree, '/tree');
    const walked = walk(['/tree'], fs);
    return readNginxTree(walked.files, {
      fs,
      treeFiles: walked.files,
      lintRoots: ['/tree'],
      includeMappings: [],
      displayPath: (p) => p.slice('/tree/'.length),
    });
  };
  const files = (nodes: ExpandedDirective[], out = new Set<string>()): Set<string> => {
    for (const node of nodes) {
      out.add(node.directive.file);
      if (node.children) files(node.children, out);
    }
    return out;
  };

  test('is a read-error on the include argument', () => {
    const found = read().diagnostics.map((d) => [d.ruleId, d.primary.file, at(d.primary), d.message, d.help]);
    expect(found).toEqual([
      [
        'read-error',
        'nginx.conf',
        '3:13-3:28',
        'Include "sites-enabled/*" matches the directory "sites-enabled/old"',
        'nginx reads every match as a file and refuses to start (nginx -t 1.22.1: pread() failed (21: Is a directory)); move the directory or narrow the pattern',
      ],
    ]);
  });

  test('the file beside it is still included, and nothing below the directory', () => {
    const main = read().roots.find((root) => root.kind === 'main')!;
    expect([...files(main.directives)]).toEqual(['nginx.conf', 'sites-enabled/app']);
  });
});
