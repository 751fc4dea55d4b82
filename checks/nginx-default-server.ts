import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock, NginxHttpScope } from '../src/model/nginx';
import type { ExpandedDirective } from '../src/model/nginx-directives';
import { IMPLICIT_LISTEN, listenSocket } from '../src/model/nginx-listen';
import { argumentsUnknown, writtenConditionally } from '../src/model/template-values';
import type { RelatedSpan, Span } from '../src/source/span';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-default-server';

interface OnSocket {
  key: string;
  server: NginxBlock;
  /** The listen line; undefined for a server without one (it listens on *:80). */
  listen: ExpandedDirective | undefined;
  defaultServer: boolean;
}

/** The listen line's address, or the server's name for one without listen; built only for findings. */
function spanOf(onSocket: OnSocket): Span {
  return onSocket.listen ? onSocket.listen.directive.args[0].span : onSocket.server.directive!.nameSpan;
}

export const rule = defineRule({
  id: ID,
  severity: 'info',
  category: 'reliability',
  meta: {
    description: 'Several servers listen on one socket and none is marked default_server: the first in configuration order answers every unknown Host',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      implicitDefault: {
        message: '{{count}} servers listen on {{socket}} and none is marked "default_server": requests with an unknown Host go to the first, {{first}}',
        help: 'nginx makes the first server listed for an address:port its default (ngx_http_add_address). Which one is first depends on include order (conf.d/*.conf is read alphabetically), so adding or renaming a file changes which site answers requests by IP address, by a stale DNS name or from scanners. Mark the intended one: `listen 80 default_server;` (often a catch-all `server_name _; return 444;`)',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    // Only listen lines nginx reads: one that nginx-syntax reports (no `;`) leaves its server unjudged.
    const checked = new Set<unknown>(model.nginx.directives.checkedUsesNamed('listen').map((use) => use.directive));
    for (const scope of model.nginx.scopes) {
      for (const servers of loadedTogether(scope)) {
        const bySocket = new Map<string, OnSocket[]>();
        for (const server of servers) {
          const sockets = socketsOf(server, checked);
          if (!sockets) continue;
          for (const onSocket of sockets) {
            const list = bySocket.get(onSocket.key);
            if (list) list.push(onSocket);
            else bySocket.set(onSocket.key, [onSocket]);
          }
        }
        for (const [socket, list] of bySocket) {
          if (list.length < 2 || list.some((entry) => entry.defaultServer)) continue;
          const [first, ...others] = list;
          const related: RelatedSpan[] = others.slice(0, 3).map((entry) => ({ span: spanOf(entry), label: `also on ${socket}: ${describe(entry.server)}` }));
          yield {
            messageId: 'implicitDefault',
            data: { count: list.length, socket, first: describe(first.server) },
            primary: spanOf(first),
            related,
            modelPath: `${first.server.path}>listen[${socket}]`,
          };
        }
      }
    }
  },
});

/**
 * Groups of servers nginx certainly loads together: all of a main config's, and for files read on
 * their own (snippets) the servers of one file, since which snippets one nginx includes is not known.
 */
function loadedTogether(scope: NginxHttpScope): NginxBlock[][] {
  const servers = scope.servers.filter((server) => server.node && !server.node.generated && server.parent === scope.http);
  if (scope.roots.every((root) => root.kind === 'main')) return [unique(servers)];
  const byFile = new Map<string, NginxBlock[]>();
  for (const server of servers) {
    const file = server.directive!.file;
    const list = byFile.get(file);
    if (list) list.push(server);
    else byFile.set(file, [server]);
  }
  return [...byFile.values()].map(unique);
}

/** A file included twice brings the same server twice: it is one server. */
function unique(servers: NginxBlock[]): NginxBlock[] {
  const seen = new Set<unknown>();
  return servers.filter((server) => !seen.has(server.directive) && seen.add(server.directive));
}

/** Each socket the server listens on (once per socket); undefined when one of its listen lines cannot be read. */
function socketsOf(server: NginxBlock, checked: ReadonlySet<unknown>): OnSocket[] | undefined {
  const directive = server.directive!;
  // A template may leave the server out when rendered.
  if (writtenConditionally(directive)) return undefined;
  const listens = server.own('listen');
  if (listens.length === 0) return [{ key: IMPLICIT_LISTEN.key, server, listen: undefined, defaultServer: false }];
  const sockets: OnSocket[] = [];
  for (const entry of listens) {
    if (!checked.has(entry.directive) || argumentsUnknown(entry.directive) || writtenConditionally(entry.directive)) return undefined;
    const socket = listenSocket(entry.directive);
    if (!socket) return undefined;
    // A server has a listen line or two: a scan beats a map per server.
    const known = sockets.find((onSocket) => onSocket.key === socket.key);
    if (known) known.defaultServer ||= socket.defaultServer;
    else sockets.push({ key: socket.key, server, listen: entry, defaultServer: socket.defaultServer });
  }
  return sockets;
}

function describe(server: NginxBlock): string {
  const name = server.ownLast('server_name')?.directive.args[0]?.value;
  const directive = server.directive!;
  return name !== undefined && name !== '' ? `server_name ${name}` : `the server at ${directive.file}:${directive.nameSpan.start.line}`;
}
