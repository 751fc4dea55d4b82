import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { contextName, DirectiveSpec, DirectiveUse, SHARED_SETTING } from '../src/model/nginx-directives';
import { docsUrl } from '../src/source/meta';
import { maySeparateInTemplate } from '../src/model/template-values';
import { loadedTogether } from '../src/model/nginx-processes';

/** Directives that pick an upstream's load-balancing method (each sets peer.init_upstream). */
const BALANCING_METHODS = new Set(['ip_hash', 'hash', 'least_conn', 'least_time', 'random']);

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
      balancingRedefined: {
        message: '"{{name}}" after "{{first}}" in this upstream',
        help: 'nginx warns "load balancing method redefined" and uses only the last one; keep one',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    // Whether every variant rejects a duplicate depends on the variants only (shared per name and
    // context): judged once per kind of use. Only a level with two uses of such kinds (or two
    // balancing methods) can hold a duplicate, and only those uses are read.
    const rejects = new Map<readonly DirectiveSpec[], boolean>();
    const rejecting = index.kinds.filter((kind) => {
      if (!kind.terminated || kind.contexts.length === 0) return false;
      const variants = index.variantsHere(kind);
      if (variants.length === 0) return false;
      let rejected = rejects.get(variants);
      if (rejected === undefined) rejects.set(variants, (rejected = variants.every((spec) => spec.rejectsDuplicate)));
      return rejected;
    });
    const rejectingByLevel = index.usesOfKindsByLevel(rejecting, 2);
    const methodsByLevel = index.usesOfKindsByLevel(
      index.kinds.filter((kind) => kind.terminated && BALANCING_METHODS.has(kind.name)),
      2,
    );
    const { levels } = index;
    for (let l = 0; l < levels.length; l++) {
      const level = levels[l];
      const methods = methodsByLevel.get(level);
      if (methods && level.owner?.directive.name === 'upstream') yield* balancingRedefined(methods);
      const uses = rejectingByLevel.get(level);
      if (!uses) continue;
      let firstBySetting: Map<string, DirectiveUse> | undefined;
      for (let u = 0; u < uses.length; u++) {
        const use = uses[u];
        firstBySetting ??= new Map();
        const name = use.directive.name;
        const setting = SHARED_SETTING[name] ?? name;
        let first = firstBySetting.get(setting);
        if (!first) {
          firstBySetting.set(setting, use);
          continue;
        }
        // Files that different containers add to one main config (each its own site) are never
        // read by one nginx: the duplicate is of an earlier use this use's process reads too.
        if (!loadedTogether(first.entry, use.entry)) first = earlierLoadedWith(uses, u, setting);
        if (!first) continue;
        // `{% if tls %}root /a;{% else %}root /b;{% endif %}`: a template renders one of them.
        if (maySeparateInTemplate(first.directive, use.directive)) {
          firstBySetting.set(setting, use); // the branch this one is in starts here
          continue;
        }
        // One file included twice reaches the same directive twice: report the include then.
        const block = level.owner
          ? `"${level.owner.directive.name}" block`
          : level.root.kind === 'main'
            ? 'main level'
            : `file (${level.contexts.map(contextName).join(' or ')} level)`;
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

/** The first use before `uses[u]` of the same setting that some nginx process reads with it. */
function earlierLoadedWith(uses: readonly DirectiveUse[], u: number, setting: string): DirectiveUse | undefined {
  const use = uses[u];
  for (let k = 0; k < u; k++) {
    const other = uses[k];
    if ((SHARED_SETTING[other.directive.name] ?? other.directive.name) === setting && loadedTogether(other.entry, use.entry)) return other;
  }
  return undefined;
}

/**
 * A second load-balancing method in one upstream (`ip_hash` twice, `ip_hash` then `least_conn`):
 * not fatal, nginx logs a warning and the last one replaces the first (ngx_http_upstream_ip_hash
 * and the others: "load balancing method redefined").
 */
function* balancingRedefined(methods: readonly DirectiveUse[]): Generator<FindingDraft> {
  let first: DirectiveUse | undefined;
  for (const use of methods) {
    // The same line reached twice (a file included twice) names the same method again: nothing changes.
    if (use.directive === first?.directive) continue;
    if (!first || maySeparateInTemplate(first.directive, use.directive)) {
      first = use;
      continue;
    }
    yield {
      messageId: 'balancingRedefined',
      data: { name: use.directive.name, first: first.directive.name },
      primary: use.directive.nameSpan,
      related: [{ span: first.directive.nameSpan, label: `first method "${first.directive.name}" here` }],
      modelPath: use.path,
      maxSeverity: 'warning',
    };
  }
}
