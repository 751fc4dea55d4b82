import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { ExpandedDirective } from '../src/readers/nginx';
import type { NginxBlock } from '../src/model/nginx';
import { accessList, deniesTheRest } from '../src/model/nginx-access';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-allow-without-deny';

/** Levels whose allow/deny lines form an http access list (ngx_http_access_module). */
const ACCESS_LEVELS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'allow lines with no deny after them at that level: every address is allowed, the allow lines restrict nothing',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      noDeny: {
        message: '"allow {{address}}" restricts nothing: no "deny" follows in this {{level}}, so every other address is allowed too',
        help: 'nginx checks allow/deny in order and lets through any address no rule matches: a list of allow lines alone admits everyone. Add "deny all;" after the last allow. With "satisfy any", the open list also lets everyone past auth_basic',
      },
      outerDenyNotInherited: {
        message:
          '"allow {{address}}" gives this {{level}} a list of its own, which replaces the {{outer}} level\'s "deny all": every other address is allowed here',
        help: 'A level inherits the outer allow/deny list only when it has no allow or deny of its own: the first allow here drops the outer list, its "deny all" included. Repeat "deny all;" after the allow lines here',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('allow')) continue;
      for (const block of [scope.http, ...scope.http.descendants()]) {
        // A snippet's top level is included somewhere the tree does not show, maybe before a deny all.
        if (!ACCESS_LEVELS.has(block.kind) || !block.node) continue;
        const rules = block.directives.filter((entry) => entry.directive.name === 'allow' || entry.directive.name === 'deny');
        const lastAllow = lastSpecificAllow(rules);
        if (!lastAllow) continue;
        const after = rules.slice(rules.indexOf(lastAllow) + 1);
        if (unreadIncludeAfter(block, lastAllow)) continue;
        // A deny after the allow lines gives them a meaning; `allow all` says so on purpose.
        if (after.some((entry) => entry.directive.name === 'deny') || rules.some(isAllowAll)) continue;
        const key = `${lastAllow.directive.file}\0${lastAllow.directive.span.start.offset}`;
        if (!first(key)) continue;
        const level = block.kind === 'location' ? `location ${block.directive?.args.map((arg) => arg.value).join(' ') ?? ''}` : block.kind;
        const base = { primary: lastAllow.directive.span, modelPath: `${block.path}>allow` };
        const outer = block.parent && block.kind !== 'http' ? accessList(block.parent) : undefined;
        const outerDenyAll =
          outer && deniesTheRest(outer.rules)
            ? outer.rules.find((entry) => entry.directive.name === 'deny' && entry.directive.args[0]?.value.toLowerCase() === 'all')
            : undefined;
        const address = lastAllow.directive.args[0]?.value ?? '';
        if (outerDenyAll && outer) {
          yield {
            ...base,
            messageId: 'outerDenyNotInherited',
            data: { address, level, outer: levelName(outer.block) },
            related: [{ span: outerDenyAll.directive.span, label: 'not inherited by a level with its own allow/deny' }],
          };
        } else yield { ...base, messageId: 'noDeny', data: { address, level } };
      }
    }
  },
});

/** An include after the allow lines that nothing in the tree answers: it may hold the deny. */
function unreadIncludeAfter(block: NginxBlock, allow: ExpandedDirective): boolean {
  const at = block.directives.indexOf(allow);
  return block.directives.slice(at + 1).some((entry) => entry.directive.name === 'include' && !entry.children);
}

function isAllowAll(entry: ExpandedDirective): boolean {
  return entry.directive.name === 'allow' && entry.directive.args[0]?.value.toLowerCase() === 'all';
}

function lastSpecificAllow(rules: ExpandedDirective[]): ExpandedDirective | undefined {
  for (let i = rules.length - 1; i >= 0; i--) if (rules[i].directive.name === 'allow' && !isAllowAll(rules[i])) return rules[i];
  return undefined;
}

function levelName(block: NginxBlock): string {
  return block.kind === 'location' ? `location ${block.directive?.args.map((arg) => arg.value).join(' ') ?? ''}` : block.kind;
}
