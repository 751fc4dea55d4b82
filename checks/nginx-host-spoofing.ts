import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { argEqualsIgnoringCase } from '../src/model/nginx-directives';
import { argText, NginxVariables, partSpan } from '../src/model/nginx-variables';
import { docsUrl } from '../src/source/meta';
import { groupsLoadedTogether } from '../src/model/nginx-processes';

const ID = 'nginx-host-spoofing';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'proxy_set_header Host sends upstream a Host that nginx neither validated nor chose the server by',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      unvalidatedHost: {
        message: 'proxy_set_header Host sends "{{part}}" upstream, which the client writes as it likes ({{origin}})',
        help:
          "nginx chose this server by the request's Host, but the backend sees another value the client picked freely " +
          '(`X-Forwarded-Host: evil.example`). Applications build absolute links from Host: password-reset mails and ' +
          "cached redirects then point at the attacker's site. Send `proxy_set_header Host $host;`",
      },
      rawHostHeader: {
        message: 'proxy_set_header Host sends "$http_host" upstream, not the host this server {{served}}',
        help:
          'A request line with an absolute URI (`GET http://shop.example/ HTTP/1.1` with `Host: evil.example`) makes nginx ' +
          'pick the server by shop.example, while $http_host still holds evil.example; the backend then builds links to it. ' +
          '$host is the name nginx matched. Send `proxy_set_header Host $host;` (add `:$server_port` if the backend needs the port)',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('proxy_set_header')) continue;
      const variables = NginxVariables.of(scope);
      const uses = variables.withVariablesNamed('proxy_set_header');
      for (let i = 0; i < uses.length; i++) {
        const { entry, block } = uses[i];
        if (!argEqualsIgnoringCase(entry.directive, 0, 'host')) continue;
        const text = argText(entry.directive, 1);
        // The commonest line of all, `proxy_set_header Host $host;`, is what this rule recommends:
        // nginx refuses `set` or `map` into $host ("the duplicate "host" variable"), so it is
        // always the built-in, and expanding it could only find the origin filtered out below.
        if (text === undefined || text === '$host') continue;
        for (const { facts, top } of variables.expand(text, block)) {
          if (!facts?.request) continue;
          const origins = facts.origin.filter((origin) => !/^\$host\b/.test(origin));
          if (origins.length === 0) continue;
          const written = text.slice(top.start, top.end);
          const value = entry.directive.args[1];
          const modelPath = `${block.path}>proxy_set_header[Host]`;
          if (origins.every((origin) => origin === '$http_host')) {
            // A server that several nginx processes load is judged in each: any that makes it a default takes every Host.
            let served: string | undefined;
            for (const servers of comparableServers(scope, block)) if ((served = restrictedNames(block, servers)) === undefined) break;
            if (!served) continue;
            yield { messageId: 'rawHostHeader', data: { served }, primary: partSpan(value, top), modelPath };
          } else {
            yield { messageId: 'unvalidatedHost', data: { part: written, origin: origins.join(', ') }, primary: partSpan(value, top), modelPath };
          }
          break;
        }
      }
    }
  },
});

/**
 * "was chosen by (a.example, b.example)" when the server answers only to exact names and is not
 * the default server of its port: then $http_host can differ from the name nginx matched. A
 * default or catch-all server takes any Host, so $host is no safer there and nothing is reported.
 */
function restrictedNames(block: NginxBlock, servers: NginxBlock[]): string | undefined {
  const server = block.kind === 'server' ? block : block.enclosing('server');
  if (!server) return undefined;
  const names = server.own('server_name').flatMap((entry) => entry.directive.args.map((arg) => arg.value));
  if (names.length === 0 || names.some((name) => name === '' || name === '_' || /[*~$]/.test(name) || name.startsWith('.'))) return undefined;
  const ports = listenPorts(server);
  if (ports.some((port) => port.isDefault)) return undefined;
  // A port a template fills in (`listen ${APP_PORT};`): which port it is, and so which server is its default, is not known.
  if (ports.some((port) => port.port === undefined)) return undefined;
  // Without default_server, the first server of a port is its default (ngx_http_add_addrs).
  const table = portTable(servers);
  for (const { port } of ports) {
    const onPort = table.get(port!);
    if (onPort && !onPort.explicitDefault && (onPort.first === server || onPort.unknownBefore)) return undefined;
  }
  return `was chosen by (${names.join(', ')})`;
}

interface PortEntry {
  first: NginxBlock;
  explicitDefault: boolean;
  /** A server before the first may listen on this port too: one whose port a template fills in. */
  unknownBefore: boolean;
}

/**
 * The servers whose order decides the default of a port, once for each nginx process that loads
 * this one. A main config's: those each process loads with it (containers that run one nginx.conf
 * with their own site each do not share them). Files read on their own (no main nginx.conf
 * includes them) may be one nginx's conf.d or alternatives copied into separate images
 * (allegro/ralph's three site files, each COPYed to its own image's default.conf): only the
 * servers of the same file are known to come before or after this one.
 */
function comparableServers(scope: { servers: NginxBlock[]; roots: readonly { kind: string }[] }, block: NginxBlock): NginxBlock[][] {
  const server = block.kind === 'server' ? block : block.enclosing('server');
  if (scope.roots.some((root) => root.kind === 'main')) {
    let groups = processGroups.get(scope.servers);
    if (!groups) processGroups.set(scope.servers, (groups = groupsLoadedTogether(scope.servers, (each) => each.node)));
    if (groups.length === 1 || !server) return groups;
    return groups.filter((group) => group.includes(server));
  }
  const file = server?.directive?.file;
  let byFile = serversByFile.get(scope.servers);
  if (!byFile) {
    byFile = new Map();
    for (const each of scope.servers) {
      const key = each.directive?.file ?? '';
      const list = byFile.get(key);
      if (list) list.push(each);
      else byFile.set(key, [each]);
    }
    serversByFile.set(scope.servers, byFile);
  }
  return [byFile.get(file ?? '') ?? []];
}

const serversByFile = new WeakMap<NginxBlock[], Map<string, NginxBlock[]>>();
const processGroups = new WeakMap<NginxBlock[], NginxBlock[][]>();

/**
 * Per port, its first server and whether one of its servers says default_server: read once per
 * scope (asking every server about every other was quadratic in a tree of thousands of servers).
 */
function portTable(servers: NginxBlock[]): Map<string, PortEntry> {
  let table = portTables.get(servers);
  if (!table) {
    table = new Map();
    let unknownBefore = false;
    for (const server of servers) {
      const ports = listenPorts(server);
      for (const { port, isDefault } of ports) {
        if (port === undefined) continue;
        const known = table.get(port);
        if (known) known.explicitDefault ||= isDefault;
        else table.set(port, { first: server, explicitDefault: isDefault, unknownBefore });
      }
      if (ports.some((port) => port.port === undefined)) unknownBefore = true;
    }
    portTables.set(servers, table);
  }
  return table;
}

const portTables = new WeakMap<NginxBlock[], Map<string, PortEntry>>();

/** Each listen's port; undefined where a template placeholder stands in the address (nginx expands no variable there). */
function listenPorts(server: NginxBlock): { port: string | undefined; isDefault: boolean }[] {
  const listens = server.own('listen');
  if (listens.length === 0) return [{ port: '80', isDefault: false }];
  return listens.map((entry) => {
    const address = entry.directive.args[0]?.value ?? '';
    const port = address.includes('$') ? undefined : (/(?:^|:)(\d+)$/.exec(address)?.[1] ?? (address.startsWith('unix:') ? address : '80'));
    return { port, isDefault: entry.directive.args.some((arg) => arg.value === 'default_server' || arg.value === 'default') };
  });
}
