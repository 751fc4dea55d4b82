import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { contextName, DirectiveSpec, DirectiveUse, SHARED_SETTING } from '../src/model/nginx-directives';
import { docsUrl } from '../src/source/meta';
import { maySeparateInTemplate } from '../src/model/template-values';

const ID = 'nginx-duplicate-directive';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'A directive that nginx allows once per block appears twice in the same block: nginx refuses to start',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      duplicate: {
        message: 'Duplicate "{{name}}" in this {{block}}',
        help: 'nginx refuses to start ("{{name}}" directive is duplicate); keep one',
      },
      sharedSetting: {
        message: '"{{name}}" after "{{first}}" in this {{block}}',
        help: 'nginx refuses to start ("{{name}}" directive is duplicate, "{{first}}" directive was specified earlier); keep one of them',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    // Whether every variant rejects a duplicate depends on the variants only (shared per name and context).
    const rejects = new Map<readonly DirectiveSpec[], boolean>();
    for (const level of index.levels) {
      let firstBySetting: Map<string, DirectiveUse> | undefined;
      for (const use of level.uses) {
        if (!use.terminated || use.contexts.length === 0) continue;
        const variants = index.variantsHere(use);
        if (variants.length === 0) continue;
        let rejected = rejects.get(variants);
        if (rejected === undefined) rejects.set(variants, (rejected = variants.every((spec) => spec.rejectsDuplicate)));
        if (!rejected) continue;
        firstBySetting ??= new Map();
        const name = use.directive.name;
        const setting = SHARED_SETTING[name] ?? name;
        const first = firstBySetting.get(setting);
        if (!first) {
          firstBySetting.set(setting, use);
          continue;
        }
        // `{% if tls %}root /a;{% else %}root /b;{% endif %}`: a template renders one of them.
        if (maySeparateInTemplate(first.directive, use.directive)) {
          firstBySetting.set(setting, use); // the branch this one is in starts here
          continue;
        }
        // One file included twice reaches the same directive twice: report the include then.
        const block = level.owner ? `"${level.owner.directive.name}" block` : level.root.kind === 'main' ? 'main level' : `file (${level.contexts.map(contextName).join(' or ')} level)`;
        const samePlace = first.directive === use.directive;
        const primary = samePlace && use.entry.via.length > 0 ? use.entry.via[use.entry.via.length - 1].span : use.directive.nameSpan;
        const firstName = first.directive.name;
        const firstAt = samePlace && first.entry.via.length > 0 ? first.entry.via[first.entry.via.length - 1] : first.directive;
        const draft = {
          data: { name, first: firstName, block },
          primary,
          related: [{ span: firstAt.nameSpan, label: `first "${firstName}" here` }],
          modelPath: use.path,
        };
        yield firstName === name ? { ...draft, messageId: 'duplicate' } : { ...draft, messageId: 'sharedSetting' };
      }
    }
  },
});
