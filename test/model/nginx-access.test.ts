/** Who may reach a location: the allow/deny list in force (inherited only when a level has none), auth, listen addresses. */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { readTree } from '../../src/engine/read-tree';
import { accessList, authenticationIn, deniesTheRest, listensOnlyLocally } from '../../src/model/nginx-access';
import type { NginxBlock } from '../../src/model/nginx';

const locations = (tree: MemoryTree): Map<string, NginxBlock> => {
  const { model } = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
  return new Map(model.nginx.scopes.flatMap((scope) => scope.locations).map((block) => [block.directive!.args.map((arg) => arg.value).join(' '), block]));
};
const conf = (...lines: string[]) => ({ 'nginx.conf': ['events {}', 'http {', ...lines, '}'].join('\n') });
const ruleTexts = (block: NginxBlock) => accessList(block)?.rules.map((entry) => `${entry.directive.name} ${entry.directive.args[0].value}`);

describe('accessList', () => {
  const tree = conf(
    'server {',
    '  listen 80;',
    '  allow 10.0.0.0/8;',
    '  deny all;',
    '  location /inherits { }',
    '  location /own { allow 192.168.0.0/16; }',
    '  location /nested { location /nested/deeper { } }',
    '}',
  );
  const found = locations(tree);

  test('a location without rules uses the nearest outer list, nested ones too', () => {
    expect(ruleTexts(found.get('/inherits')!)).toEqual(['allow 10.0.0.0/8', 'deny all']);
    expect(ruleTexts(found.get('/nested/deeper')!)).toEqual(['allow 10.0.0.0/8', 'deny all']);
    expect(deniesTheRest(accessList(found.get('/inherits')!)!.rules)).toBe(true);
  });

  test('one rule of its own replaces the whole outer list', () => {
    expect(ruleTexts(found.get('/own')!)).toEqual(['allow 192.168.0.0/16']);
    expect(deniesTheRest(accessList(found.get('/own')!)!.rules)).toBe(false);
  });

  test('the first catch-all decides: allow all before deny all opens', () => {
    const open = locations(conf('server { location /x { allow 1.2.3.4; allow all; deny all; } }')).get('/x')!;
    expect(deniesTheRest(accessList(open)!.rules)).toBe(false);
  });
});

describe('authenticationIn and listensOnlyLocally', () => {
  test('auth_basic off in the location undoes the server', () => {
    const found = locations(conf('server {', '  auth_basic "x";', '  location /a { }', '  location /b { auth_basic off; }', '}'));
    expect(authenticationIn(found.get('/a')!)?.directive.name).toBe('auth_basic');
    expect(authenticationIn(found.get('/b')!)).toBeUndefined();
  });

  test('loopback, [::1], localhost and unix sockets are local; a bare port or 0.0.0.0 is not', () => {
    const server = (listen: string) => locations(conf(`server { ${listen} location /s { } }`)).get('/s')!.parent!;
    expect(listensOnlyLocally(server('listen 127.0.0.1:81; listen [::1]:81; listen localhost:82; listen unix:/run/s.sock;'))).toBe(true);
    expect(listensOnlyLocally(server('listen 8080;'))).toBe(false);
    expect(listensOnlyLocally(server('listen 0.0.0.0:80;'))).toBe(false);
    expect(listensOnlyLocally(server(''))).toBe(false);
  });
});

describe('snippets no main config includes', () => {
  test("another snippet's http-level deny all is no parent of this one's locations", () => {
    const found = locations({
      'templates/access.conf': 'allow 10.0.0.0/8;\ndeny all;\n',
      'templates/site.conf': 'server {\n  listen 80;\n  location /x { }\n}\n',
    });
    expect(accessList(found.get('/x')!)).toBeUndefined();
  });

  test("a snippet's own http-level lines are", () => {
    const found = locations({ 'site.conf': 'auth_basic "x";\nserver {\n  listen 80;\n  location /x { }\n}\n' });
    expect(authenticationIn(found.get('/x')!)?.directive.name).toBe('auth_basic');
  });
});
