import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { accessList, authenticationIn, deniesTheRest, isInternal } from '../src/model/nginx-access';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-autoindex';

export const rule = defineRule({
  id: ID,
  severity: 'info',
  category: 'security',
  meta: {
    description: 'autoindex on lists directory contents to any client',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      listing: {
        message: '"autoindex on" in this {{level}} lists every file under {{root}} to any client',
        help: 'A request for a directory without an index file gets the list of its files: backups (site.sql.gz), editor leftovers (config.php~), .git directories left by a deploy are then one click away. Keep it where listing is the point (a public download mirror), behind allow/deny or authentication otherwise',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('autoindex')) continue;
      for (const block of [scope.http, ...scope.http.descendants()]) {
        const entry = block.ownLast('autoindex');
        const value = entry?.directive.args[0];
        if (!entry || !value || value.value.toLowerCase() !== 'on') continue;
        const key = `${entry.directive.file}\0${value.span.start.offset}`;
        // A listing behind allow/deny, authentication or internal is meant for those who pass.
        const list = accessList(block);
        if ((list && deniesTheRest(list.rules)) || authenticationIn(block) || isInternal(block)) continue;
        if (neverLists(block)) continue;
        if (!first(key)) continue;
        const root = block.inherited('alias')?.entry ?? block.inherited('root')?.entry;
        const where = root ? `"${root.directive.args[0]?.value ?? ''}"` : 'the root';
        const level = block.kind === 'location' ? `location ${block.directive?.args.map((arg) => arg.value).join(' ') ?? ''}` : block.kind;
        yield { messageId: 'listing', data: { level, root: where }, primary: value.span, modelPath: `${block.path}>autoindex` };
      }
    }
  },
});

/** Directives that make the location's content handler theirs (clcf->handler): static files, index and autoindex never run. */
const CONTENT_HANDLERS = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass'];

/**
 * A location whose requests autoindex never answers: one a `*_pass` answers, one whose `return`
 * answers every request in the rewrite phase (no `rewrite` or `break` there that may stop it
 * first), or an exact-match location of a URI without a final "/" (ngx_http_autoindex_handler
 * declines such a URI) that no try_files or rewrite changes in place. Nested locations and `if`s
 * have configurations of their own, which a request may end in: such a location is kept.
 */
function neverLists(block: NginxBlock): boolean {
  if (block.kind !== 'location' || block.children.some((child) => child.kind === 'location' || child.kind === 'if')) return false;
  if (CONTENT_HANDLERS.some((name) => block.own(name).length > 0)) return true;
  if (block.own('rewrite').length > 0 || block.own('break').length > 0) return false;
  if (block.own('return').length > 0) return true;
  const args = block.directive?.args.map((arg) => arg.value) ?? [];
  const exact = args.length === 2 && args[0] === '=' ? args[1] : args.length === 1 && args[0].startsWith('=') ? args[0].slice(1) : undefined;
  return exact !== undefined && !exact.endsWith('/') && block.own('try_files').length === 0;
}
