/**
 * The nginx directive table: generated from @nginx/reference-lib and kept in step with it, the
 * facts written from nginx's command tables, and the nginx.modules / nginx.extraDirectives
 * settings of .cfglint.json (a bad entry is a ConfigError: exit 2).
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { memoryFileSystem } from '../../../src/discovery/fs';
import { ConfigError } from '../../../src/engine/config';
import { lintSync } from '../../../src/engine/run';
import {
  acceptsCount,
  describeArgs,
  DirectiveTable,
  isKnownModule,
  MODULE_ALIASES,
  isNginxModuleLoadPath,
  moduleOfLoadPath,
  THIRD_PARTY_MODULES,
} from '../../../src/reference/nginx/directives';
import { REFERENCE_DIRECTIVES } from '../../../src/reference/nginx/directives.generated';

const ROOT = join(__dirname, '..', '..', '..');

describe('reference-directives.ts', () => {
  test('matches the installed @nginx/reference-lib (scripts/generate-nginx-directives.js --check)', () => {
    // The package is ESM: the script runs in plain node, which can import it.
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts', 'generate-nginx-directives.js'), '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/^up to date with @nginx\/reference-lib /);
  });

  test('holds every documented directive', () => {
    expect(REFERENCE_DIRECTIVES.length).toBeGreaterThanOrEqual(972);
    expect(new Set(REFERENCE_DIRECTIVES.map((row) => row[1])).size).toBeGreaterThanOrEqual(99);
  });

  test('reads argument counts from syntax lines', () => {
    const { countsOf } = require(join(ROOT, 'scripts', 'generate-nginx-directives.js')) as { countsOf(s: string): Set<number> };
    const counts = (syntax: string) => [...countsOf(syntax)].sort((a, b) => a - b);
    expect(counts('*`number`* *`size`*')).toEqual([2]);
    expect(counts('*`timeout`* [*`header_timeout`*]')).toEqual([1, 2]);
    expect(counts('*`module.js`* | *`export_name from module.js`*')).toEqual([1, 3]);
    expect(counts('*`code`* ... [`=`[*`response`*]] *`uri`*')).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(counts('*`address`*[:*`port`*] [`default_server`]')).toEqual([1, 2]);
    expect(counts('')).toEqual([0]);
  });
});

describe('the directive table', () => {
  const table = new DirectiveTable();
  const spec = (name: string, context: string) => table.allowedIn(name, context)[0];

  test('contexts, block-ness and arguments of common directives', () => {
    expect(spec('proxy_pass', 'location')).toMatchObject({ block: false, args: 1 << 1, rejectsDuplicate: true });
    expect(table.allowedIn('proxy_pass', 'http')).toEqual([]);
    expect(table.allowedIn('proxy_pass', 'sif')).toEqual([]);
    expect(spec('return', 'sif')).toBeDefined();
    expect(spec('keepalive', 'upstream')).toMatchObject({ rejectsDuplicate: true });
    expect(spec('worker_connections', 'events')).toBeDefined();
    expect(spec('server', 'upstream')).toMatchObject({ block: false, rejectsDuplicate: false });
    expect(spec('server', 'http')).toMatchObject({ block: true });
    expect(spec('server', 'stream')).toMatchObject({ block: true });
    expect(spec('proxy_buffering', 'location')).toMatchObject({ flag: true });
    expect(spec('add_header', 'location')).toMatchObject({ rejectsDuplicate: false });
    expect(spec('include', 'upstream')).toBeDefined();
  });

  test('facts from nginx command tables correct ambiguous syntax lines', () => {
    expect(acceptsCount(spec('if', 'location')!.args, 3)).toBe(true);
    expect(acceptsCount(spec('error_log', 'http')!.args, 4)).toBe(true);
    expect(acceptsCount(spec('server', 'upstream')!.args, 6)).toBe(true);
    expect(acceptsCount(spec('error_log', 'stream_server')!.args, 2)).toBe(true);
    expect(spec('open_file_cache_events', 'http')).toBeDefined();
  });

  test('releases from nginx tags', () => {
    expect(table.lookup('http2')[0].since).toBe('1.25.1');
    expect(table.lookup('ssl').every((s) => s.removed === '1.25.1')).toBe(true);
  });

  test('describes argument counts in words', () => {
    expect(describeArgs(1 << 1)).toBe('1');
    expect(describeArgs((1 << 1) | (1 << 2))).toBe('1 or 2');
    expect(describeArgs(0x1fe)).toBe('1 or more');
    expect(describeArgs(0x1ff)).toBe('any number');
    expect(describeArgs((1 << 1) | (1 << 3))).toBe('1 or 3');
  });

  test('third-party modules: known but off until enabled', () => {
    expect(table.lookup('more_set_headers')).toEqual([]);
    expect(table.disabledModuleOf('more_set_headers')).toBe('headers-more');
    const enabled = new DirectiveTable({ modules: ['openresty'] });
    expect(enabled.allowedIn('content_by_lua_block', 'location')[0]).toMatchObject({ block: true, origin: 'third-party' });
    expect(enabled.allowedIn('more_set_headers', 'server')).toHaveLength(1);
    expect(enabled.allowedIn('brotli', 'http')).toEqual([]);
  });

  test('load_module file names map to modules', () => {
    expect(moduleOfLoadPath('modules/ngx_http_headers_more_filter_module.so')).toBe('headers-more');
    expect(moduleOfLoadPath('/usr/lib/nginx/modules/ngx_http_brotli_static_module.so')).toBe('brotli');
    expect(moduleOfLoadPath('/etc/nginx/modules/otel_ngx_module.so')).toBe('opentelemetry');
    expect(moduleOfLoadPath('/etc/nginx/modules/ngx_http_opentracing_module.so')).toBe('opentracing');
    expect(moduleOfLoadPath('modules/ngx_stream_module.so')).toBeUndefined();
    expect(isNginxModuleLoadPath('modules/ngx_stream_module.so')).toBe(true);
    expect(isNginxModuleLoadPath('/usr/lib/nginx/modules/ngx_http_js_module-debug.so')).toBe(true);
    expect(isNginxModuleLoadPath('modules/ngx_http_auth_spnego_module.so')).toBe(false);
  });

  test('the config schema lists exactly the module names the table knows', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8'));
    const listed: string[] = schema.properties.nginx.properties.modules.items.enum;
    expect([...listed].sort()).toEqual([...new Set([...THIRD_PARTY_MODULES, ...Object.keys(MODULE_ALIASES)])].sort());
    expect(listed.every(isKnownModule)).toBe(true);
  });
});

describe('nginx.modules and nginx.extraDirectives in .cfglint.json', () => {
  const lintWith = (config: string) =>
    lintSync({
      cwd: '/tree',
      paths: ['.'],
      fs: memoryFileSystem({ '.cfglint.json': config, 'conf.d/app.conf': 'server {\n    more_set_headers "A: b";\n    my_waf on;\n}\n' }, '/tree'),
    });

  test('good entries are used', () => {
    const ids = lintWith(JSON.stringify({ nginx: { modules: ['headers-more'], extraDirectives: { my_waf: ['server'] } } })).report.findings.map(
      (f) => f.ruleId,
    );
    expect(ids).not.toContain('nginx-unknown-directive');
  });

  test.each([
    ['an unknown module', { nginx: { modules: ['headers_more'] } }, /nginx\.modules\[0\] must be equal to one of the allowed values/],
    ['a module that is not a string', { nginx: { modules: [3] } }, /nginx\.modules\[0\]/],
    ['an unknown context', { nginx: { extraDirectives: { my_waf: ['locaton'] } } }, /nginx\.extraDirectives\.my_waf\[0\]/],
    ['no context at all', { nginx: { extraDirectives: { my_waf: [] } } }, /nginx\.extraDirectives\.my_waf must NOT have fewer than 1 items/],
    ['a name with a space', { nginx: { extraDirectives: { 'my waf': ['server'] } } }, /nginx\.extraDirectives\["my waf"\] key/],
  ])('%s is a ConfigError (exit 2)', (_name, config, message) => {
    let error: unknown;
    try {
      lintWith(JSON.stringify(config));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('what nginx-syntax already reports is not reported again', () => {
  const lint = (text: string) =>
    lintSync({ cwd: '/tree', paths: ['.'], fs: memoryFileSystem({ 'conf.d/app.conf': text }, '/tree'), config: {} }).report.findings.map(
      (f) => `${f.ruleId} ${f.primary.start.line}`,
    );

  test('a directive cut off by the end of the file', () => {
    expect(lint('server {\n    listen 80;\n}\nproxy_passs http://a')).toEqual(['nginx-syntax 4']);
  });

  test('a directive cut off by a stray }', () => {
    expect(lint('server {\n    location / {\n        proxy_passs http://a\n    }\n}\n')).toEqual(['nginx-syntax 4']);
  });
});
