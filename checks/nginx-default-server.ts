import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock, NginxHttpScope } from '../src/model/nginx';
import type { ExpandedDirective } from '../src/model/nginx-directives';
import { IMPLICIT_LISTEN, ListenSocket, listenSocket } from '../src/model/nginx-listen';
import { argumentsUnknown, writtenConditionally } from '../src/model/template-values';
import type { RelatedSpan, Span } from '../src/source/span';
import { docsUrl } from '../src/source/meta';
import { groupsLoadedTogether } from '../src/model/nginx-processes';

const ID = 'nginx-default-server';

/** The servers on one socket in configuration order, each with the listen line that puts it there. */
class SocketGroup {
  readonly servers: NginxBlock[] = [];
  /** listens[i] puts servers[i] here; undefined for a server without listen (it listens on *:80). */
  readonly listens: (ExpandedDirective | undefined)[] = [];
  /** Whether a listen line here marks its server default_server. */
  marked = false;

  add(server: NginxBlock, listen: ExpandedDirective | undefined, defaultServer: boolean) {
    this.marked ||= defaultServer;
    // A second line of the same server on this socket: the server is here once, by its first line.
    if (this.servers[this.servers.length - 1] === server) return;
    this.servers.push(server);
    this.listens.push(listen);
  }

  /** The listen line's address, or the server's name for one without listen; built only for findings. */
  spanAt(i: number): Span {
    const listen = this.listens[i];
    return listen ? listen.directive.args[0].span : this.servers[i].directive!.nameSpan;
  }
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
    const checked = model.nginx.directives.checkedDirectivesNamed('listen');
    for (const scope of model.nginx.scopes) {
      // A server that several processes of this config load may head a socket in each: reported once.
      const reported = new Map<NginxBlock, Set<string>>();
      for (const servers of loadedTogether(scope)) {
        const bySocket = new Map<string, SocketGroup>();
        for (let i = 0; i < servers.length; i++) addServer(bySocket, servers[i], checked);
        for (const [socket, group] of bySocket) {
          const count = group.servers.length;
          if (count < 2 || group.marked) continue;
          const related: RelatedSpan[] = [];
          for (let k = 1; k < Math.min(count, 4); k++) related.push({ span: group.spanAt(k), label: `also on ${socket}: ${describe(group.servers[k])}` });
          const first = group.servers[0];
          const sockets = reported.get(first) ?? new Set<string>();
          if (sockets.has(socket)) continue;
          reported.set(first, sockets.add(socket));
          yield {
            messageId: 'implicitDefault',
            data: { count, socket, first: describe(first) },
            primary: group.spanAt(0),
            related,
            modelPath: `${first.path}>listen[${socket}]`,
          };
        }
      }
    }
  },
});

/**
 * Groups of servers nginx certainly loads together: a main config's, as each nginx process that
 * runs it loads them (a container's own sites-enabled/ file is not another's), and for files read
 * on their own (snippets) the servers of one file, since which snippets one nginx includes is not known.
 */
function loadedTogether(scope: NginxHttpScope): NginxBlock[][] {
  // A file included twice brings the same server twice: it is one server.
  const seen = new Set<unknown>();
  const servers: NginxBlock[] = [];
  for (let i = 0; i < scope.servers.length; i++) {
    const server = scope.servers[i];
    if (!server.node || server.node.generated || server.parent !== scope.http || seen.has(server.directive)) continue;
    seen.add(server.directive);
    servers.push(server);
  }
  if (scope.roots.every((root) => root.kind === 'main')) return groupsLoadedTogether(servers, (server) => server.node);
  const byFile = new Map<string, NginxBlock[]>();
  for (const server of servers) {
    const file = server.directive!.file;
    const list = byFile.get(file);
    if (list) list.push(server);
    else byFile.set(file, [server]);
  }
  return [...byFile.values()];
}

/** The sockets of the server being added; reused, as nearly every server has one or two. */
const scratch: ListenSocket[] = [];

/**
 * Files the server under each socket it listens on (once per socket, with its first line there);
 * a server with a listen line that cannot be read is left out.
 */
function addServer(bySocket: Map<string, SocketGroup>, server: NginxBlock, checked: ReadonlySet<unknown>) {
  // A template may leave the server out when rendered.
  if (writtenConditionally(server.directive!)) return;
  const listens = server.own('listen');
  if (listens.length === 0) {
    groupOf(bySocket, IMPLICIT_LISTEN.key).add(server, undefined, false);
    return;
  }
  scratch.length = 0;
  for (let i = 0; i < listens.length; i++) {
    const directive = listens[i].directive;
    if (!checked.has(directive) || argumentsUnknown(directive) || writtenConditionally(directive)) return;
    const socket = listenSocket(directive);
    if (!socket) return;
    scratch.push(socket);
  }
  for (let i = 0; i < listens.length; i++) groupOf(bySocket, scratch[i].key).add(server, listens[i], scratch[i].defaultServer);
}

function groupOf(bySocket: Map<string, SocketGroup>, key: string): SocketGroup {
  let group = bySocket.get(key);
  if (!group) bySocket.set(key, (group = new SocketGroup()));
  return group;
}

function describe(server: NginxBlock): string {
  const name = server.ownLast('server_name')?.directive.args[0]?.value;
  const directive = server.directive!;
  return name !== undefined && name !== '' ? `server_name ${name}` : `the server at ${directive.file}:${directive.nameSpan.start.line}`;
}
