import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { nginxVersionAt } from '../src/model/nginx';
import { compareVersions, NginxVersionInfo, parseVersion } from '../src/reference/nginx/version';
import { contextName, DirectiveSpec } from '../src/model/nginx-directives';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-directive-context';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'A known directive in a block where nginx does not allow it: nginx refuses to start',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      notAllowed: {
        message: '"{{name}}" is not allowed in {{here}}',
        help: 'nginx refuses to start ("{{name}}" directive is not allowed here); it is allowed in {{allowed}}',
      },
      notAllowedInSnippet: {
        message: '"{{name}}" is not allowed where the rest of this file belongs ({{here}})',
        help: 'wherever the file is included, nginx refuses to start ("{{name}}" directive is not allowed here); it is allowed in {{allowed}}',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    // The variants that exist in the releases an nginx runs depend on the name only.
    const existingIn = new Map<NginxVersionInfo, Map<string, DirectiveSpec[]>>();
    // Judged per kind of use (a name in its contexts): only the uses of kinds allowed nowhere here are read.
    const misplaced = index.checkedKinds.filter((kind) => index.variantsHere(kind).length === 0 && index.table.lookup(kind.name).length > 0);
    for (const use of index.usesOfKinds(misplaced)) {
      const specs = index.table.lookup(use.directive.name);
      // Known only in releases this nginx does not run: nginx-unknown-directive says so.
      const version = nginxVersionAt(model, use.level.root);
      const range = version.range;
      let existing = existingIn.get(version);
      if (!existing) existingIn.set(version, (existing = new Map()));
      let exists = existing.get(use.directive.name);
      if (!exists) {
        exists = specs.filter((spec) => {
          const since = spec.since ? parseVersion(spec.since) : undefined;
          const removed = spec.removed ? parseVersion(spec.removed) : undefined;
          return (!since || compareVersions(range.max, since) >= 0) && (!removed || compareVersions(range.min, removed) < 0);
        });
        existing.set(use.directive.name, exists);
      }
      if (exists.length === 0) continue;
      const allowed = [...new Set(exists.flatMap((spec) => [...spec.contexts]))].map(contextName);
      const owner = use.level.owner;
      const draft = {
        data: {
          name: use.directive.name,
          here: use.contexts.map(contextName).join(' or '),
          allowed: allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} and ${allowed[allowed.length - 1]}` : allowed[0],
        },
        primary: use.directive.nameSpan,
        related: owner ? [{ span: owner.directive.nameSpan, label: `the enclosing "${owner.directive.name}" block` }] : [],
        modelPath: use.path,
      };
      // Inside a block the block says where it is; only a snippet's top level is inferred.
      yield use.certain || owner ? { ...draft, messageId: 'notAllowed' } : { ...draft, messageId: 'notAllowedInSnippet' };
    }
  },
});
