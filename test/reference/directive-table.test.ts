/**
 * DirectiveTable makes a name's specs on its first lookup: what it answers must not depend on
 * which names were asked before, nor on which table asks; and the order of a name's variants
 * and of names() is the table's order (nginx's rows, third-party modules', extraDirectives').
 */
import { DirectiveTable } from '../../src/reference/nginx/directives';
import { THIRD_PARTY_DIRECTIVES } from '../../src/reference/nginx/third-party-directives';

/** A spec as plain data, its context set as a list, to compare tables made apart. */
const plain = (table: DirectiveTable, name: string) => table.lookup(name).map((spec) => ({ ...spec, contexts: [...spec.contexts] }));

test('a name looks up the same first, after every other name, and in another table', () => {
  const fresh = plain(new DirectiveTable(), 'listen');
  const busy = new DirectiveTable();
  for (const name of busy.names()) busy.lookup(name);
  expect(plain(busy, 'listen')).toEqual(fresh);
  // The three listen rows of the reference: http, mail and stream, in that order.
  expect(fresh.map((spec) => spec.module)).toEqual(['http_core', 'mail_core', 'stream_core']);
});

test('variants come nginx first, then an enabled module’s, then extraDirectives’ block and non-block forms', () => {
  const table = new DirectiveTable({ modules: ['lua'], extraDirectives: { lua_code_cache: ['http'], server: ['stream_server'] } });
  expect(table.lookup('lua_code_cache').map((spec) => `${spec.origin}:${spec.block}`)).toEqual(['third-party:false', 'config:true', 'config:false']);
  const server = table.lookup('server');
  expect(server.slice(0, -2).every((spec) => spec.origin === 'nginx')).toBe(true);
  expect(server.slice(-2).map((spec) => `${spec.origin}:${spec.block}`)).toEqual(['config:true', 'config:false']);
});

test('names() lists each known name once, nginx’s before the others, and nothing lookup does not know', () => {
  const table = new DirectiveTable({ modules: ['lua'], extraDirectives: { my_directive: ['http'] } });
  const names = [...table.names()];
  expect(new Set(names).size).toBe(names.length);
  expect(names.filter((name) => table.lookup(name).length === 0)).toEqual([]);
  const firstOther = names.findIndex((name) => table.lookup(name).every((spec) => spec.origin !== 'nginx'));
  expect(names.slice(firstOther).every((name) => table.lookup(name).every((spec) => spec.origin !== 'nginx'))).toBe(true);
  expect(names).toContain('lua_code_cache');
  expect(names[names.length - 1]).toBe('my_directive');
});

test('an unknown name has no variants, and a disabled module’s directive names its module until declared', () => {
  const table = new DirectiveTable();
  expect(table.lookup('no_such_directive')).toEqual([]);
  expect(table.disabledModuleOf('lua_code_cache')).toBe(
    Object.keys(THIRD_PARTY_DIRECTIVES).find((module) => THIRD_PARTY_DIRECTIVES[module].some((row) => row[0] === 'lua_code_cache')),
  );
  expect(table.lookup('lua_code_cache')).toEqual([]);
  expect(new DirectiveTable({ extraDirectives: { lua_code_cache: ['http'] } }).disabledModuleOf('lua_code_cache')).toBeUndefined();
});
