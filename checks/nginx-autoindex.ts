import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
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
        if (!first(key)) continue;
        const root = block.inherited('alias')?.entry ?? block.inherited('root')?.entry;
        const where = root ? `"${root.directive.args[0]?.value ?? ''}"` : 'the root';
        const level = block.kind === 'location' ? `location ${block.directive?.args.map((arg) => arg.value).join(' ') ?? ''}` : block.kind;
        yield { messageId: 'listing', data: { level, root: where }, primary: value.span, modelPath: `${block.path}>autoindex` };
      }
    }
  },
});
