/**
 * nginx-http-splitting and `$uri` after the location's rewrites, on trees read from disk. A
 * rewrite copies its replacement into r->uri as written (ngx_http_script_regex_end_code decodes
 * nothing for an internal rewrite), so once `rewrite ^ $request_uri;` has run, `$uri` is the raw
 * request URI, which cannot hold CR or LF; a rewrite that may not run, or that writes a decoded
 * part back, leaves the decoded answer.
 */
import { lintDiskTree } from '../disk-tree';

const ID = 'nginx-http-splitting';

/** An nginx.conf whose one server holds `body` (lines of 8 spaces' indent). */
const nginxConf = (...body: string[]) =>
  ['events {}', 'http {', '    resolver 127.0.0.53;', '    server {', '        listen 80;', ...body.map((line) => `        ${line}`), '    }', '}', ''].join(
    '\n',
  );

/** The findings of the rule, as "line:column messageId". */
function splitting(files: Record<string, string>): string[] {
  return lintDiskTree(files)
    .filter((f) => f.ruleId === ID)
    .map((f) => `${f.primary.file}:${f.primary.start.line}:${f.primary.start.column} ${f.messageId}`);
}

/** Where `needle` starts in `text` (the `occurrence`-th time), as "file:line:column". */
function at(file: string, text: string, needle: string, occurrence = 1): string {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index === -1) throw new Error(`"${needle}" not in ${file}`);
  const before = text.slice(0, index).split('\n');
  return `${file}:${before.length}:${before[before.length - 1].length + 1}`;
}

describe('nginx-http-splitting: $uri after rewrites, read from disk', () => {
  test('rewrite ^ $request_uri, rewrites from its captures, then proxy_pass $uri: raw, silent', () => {
    const conf = nginxConf(
      'location /proxy/ {',
      '    rewrite ^ $request_uri;',
      '    rewrite ^/proxy/(.*)$ $1;',
      '    rewrite ^(.*)$ $1? break;',
      '    proxy_pass $uri$is_args$args;',
      '}',
    );
    expect(splitting({ 'nginx.conf': conf })).toEqual([]);
  });

  test('the rewrites in one include, the proxy in another, with returns in ifs after the raw rewrite: silent', () => {
    const conf = nginxConf('location ~ ^/proxy/static/ {', '    include includes/links.conf;', '    include includes/proxy.conf;', '}');
    const links = 'rewrite ^ $request_uri;\nrewrite ^/proxy/static/[^/]+/[^/]+/(.*)$ $1;\nif ($http_x_denied = "1") { return 403; }\n';
    const proxy = 'rewrite ^(.*)$ $1? break;\nproxy_pass $uri$is_args$args;\n';
    expect(splitting({ 'nginx.conf': conf, 'includes/links.conf': links, 'includes/proxy.conf': proxy })).toEqual([]);
  });

  test('a redirect in an if after the raw rewrite reads the raw $uri; a named capture of a later redirect is over it too: silent', () => {
    const conf = nginxConf(
      'location /old/ {',
      '    rewrite ^ $request_uri;',
      '    if ($http_x_moved) { return 301 https://example.com$uri; }',
      '    rewrite ^/old/(?<rest>[^/]+)$ https://example.com/$rest redirect;',
      '    rewrite ^(.*)$ $1 break;',
      '}',
    );
    expect(splitting({ 'nginx.conf': conf })).toEqual([]);
  });

  test('a rewrite that matches only some URIs: $uri may still be the decoded path', () => {
    const conf = nginxConf('location / {', '    rewrite ^/a $request_uri break;', '    proxy_pass http://127.0.0.1:8080$uri;', '}');
    expect(splitting({ 'nginx.conf': conf })).toEqual([`${at('nginx.conf', conf, '$uri;')} lineBreak`]);
  });

  test('a rewrite inside an if may not run', () => {
    const conf = nginxConf('location / {', '    if ($http_x_raw) { rewrite ^ $request_uri break; }', '    proxy_pass http://127.0.0.1:8080$uri;', '}');
    expect(splitting({ 'nginx.conf': conf })).toEqual([`${at('nginx.conf', conf, '$uri;')} lineBreak`]);
  });

  test('a later rewrite writes back a map of the decoded $uri', () => {
    const conf = nginxConf('location / {', '    rewrite ^ $request_uri;', '    rewrite ^ $decoded break;', '    add_header X-Path $uri;', '}').replace(
      'http {\n',
      'http {\n    map $http_host $decoded {\n        default $uri;\n    }\n',
    );
    expect(splitting({ 'nginx.conf': conf })).toEqual([`${at('nginx.conf', conf, '$uri;', 2)} lineBreak`]);
  });

  test('a later rewrite writes back the $uri a set kept before the raw rewrite', () => {
    const conf = nginxConf(
      'location / {',
      '    set $before $uri;',
      '    rewrite ^ $request_uri;',
      '    rewrite ^ $before break;',
      '    add_header X-Path $uri;',
      '}',
    );
    expect(splitting({ 'nginx.conf': conf })).toEqual([`${at('nginx.conf', conf, '$uri;', 2)} lineBreak`]);
  });

  test('a rewrite that matches every URI but writes a capture of the decoded one', () => {
    const conf = nginxConf('location / {', '    rewrite ^(.*) $1 break;', '    add_header X-Path $uri;', '}');
    expect(splitting({ 'nginx.conf': conf })).toEqual([`${at('nginx.conf', conf, '$uri;')} lineBreak`]);
  });

  test('the script may stop before the raw rewrite (a break in an if), and a redirect before it reads the decoded $uri', () => {
    const conf = nginxConf(
      'location / {',
      '    if ($http_x_skip) { break; }',
      '    if ($http_x_moved) { return 301 https://example.com$uri; }',
      '    rewrite ^ $request_uri break;',
      '    proxy_pass http://127.0.0.1:8080$uri;',
      '}',
    );
    expect(splitting({ 'nginx.conf': conf }).sort()).toEqual(
      [`${at('nginx.conf', conf, '$uri;')} lineBreak`, `${at('nginx.conf', conf, '$uri;', 2)} lineBreak`].sort(),
    );
  });

  test('$uri in another location, without the rewrite', () => {
    const conf = nginxConf(
      'location /proxy/ {',
      '    rewrite ^ $request_uri break;',
      '    proxy_pass http://127.0.0.1:8080$uri;',
      '}',
      'location /other/ {',
      '    proxy_pass http://127.0.0.1:8080$uri;',
      '}',
    );
    expect(splitting({ 'nginx.conf': conf })).toEqual([`${at('nginx.conf', conf, '$uri;', 2)} lineBreak`]);
  });
});
