import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { accessList, authenticationIn, catchAllRule, deniesTheRest, isInternal, listensOnlyLocally, refusesOnCondition } from '../src/model/nginx-access';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-status-page-exposed';

/** stub_status (open source), status (NGINX Plus before R13) and api (NGINX Plus). */
const STATUS_DIRECTIVES = ['stub_status', 'status', 'api'];

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'stub_status, status or api served to any client: no allow/deny ending in deny all, no authentication, not internal, not loopback only',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      exposed: {
        message: '"{{directive}}" in {{where}} answers any client: no "deny all", no authentication, not internal',
        help: 'Anyone who finds the URL reads the server\'s live counters (stub_status: connections, requests; the NGINX Plus API: every upstream address, zone and health check). Restrict it: "allow 127.0.0.1; allow 10.0.0.0/8; deny all;" in the location, or authentication, or a server that listens on 127.0.0.1 only',
      },
      openList: {
        message: '"{{directive}}" in {{where}} answers any client: the allow/deny list in force has no "deny all" to close it',
        help: 'nginx\'s access list lets through every address that no rule matches: without a final "deny all" the allow lines restrict nothing. Add "deny all;" after them',
      },
      writable: {
        message: '"api write=on" in {{where}} lets any client change upstreams and key-value zones',
        help: 'With write=on the API accepts POST/PATCH/DELETE: anyone can take upstream servers out, add their own, or rewrite key-value maps. Restrict the location ("allow 127.0.0.1; deny all;" and authentication) or drop write=on',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    for (const scope of model.nginx.scopes) {
      if (!STATUS_DIRECTIVES.some((name) => scope.setsAnywhere(name))) continue;
      for (const block of [...scope.servers, ...scope.locations]) {
        for (const name of STATUS_DIRECTIVES) {
          const entry = block.ownLast(name);
          if (!entry) continue;
          // One file included by several servers is one line to change.
          const key = `${entry.directive.file}\0${entry.directive.span.start.offset}`;
          const server = block.kind === 'server' ? block : block.enclosing('server');
          if (!server || listensOnlyLocally(server) !== false) continue;
          if (isInternal(block) || authenticationIn(block) || refusesOnChain(block)) continue;
          const list = accessList(block);
          if (list && deniesTheRest(list.rules)) continue;
          if (!first(key)) continue;
          const where = block.kind === 'server' ? 'this server' : `location ${block.directive?.args.map((arg) => arg.value).join(' ') ?? ''}`;
          const base = { data: { directive: name, where }, primary: entry.directive.nameSpan, modelPath: `${block.path}>${name}` };
          const writable = name === 'api' && entry.directive.args.some((arg) => arg.value.toLowerCase() === 'write=on');
          if (writable) yield { ...base, messageId: 'writable' };
          else if (list) {
            const catchAll = catchAllRule(list.rules);
            const label = catchAll ? '"allow all" lets every other address in' : 'this list ends without "deny all"';
            yield { ...base, messageId: 'openList', related: [{ span: (catchAll ?? list.rules[list.rules.length - 1]).directive.span, label }] };
          } else yield { ...base, messageId: 'exposed' };
        }
      }
    }
  },
});

/** An `if` that refuses on a condition, in the block or a level around it up to the server. */
function refusesOnChain(block: NginxBlock): boolean {
  for (let level: NginxBlock | undefined = block; level; level = level.parent) {
    if (refusesOnCondition(level)) return true;
    if (level.kind === 'server') break;
  }
  return false;
}
