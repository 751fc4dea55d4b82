import { closest } from '../src/source/suggest';
import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { nginxVersionAt } from '../src/model/nginx';
import { compareVersions, describeRange, NginxVersionInfo, parseVersion, VersionRange } from '../src/reference/nginx/version';
import { docsUrl } from '../src/source/meta';
import { writtenConditionally } from '../src/model/template-values';
import { removedAfterDeprecation } from '../src/reference/nginx/deprecations';
import { isNginxPlusOnly } from '../src/reference/nginx/directives';
import type { NginxDirectiveIndex } from '../src/model/nginx-directives';
import type { NginxConfigRoot } from '../src/readers/nginx';

const ID = 'nginx-unknown-directive';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'A directive that no enabled nginx module knows: nginx refuses to start',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      unknown: {
        message: 'Unknown directive "{{name}}"',
        help: 'nginx refuses to start (unknown directive "{{name}}"){{suggestion}}',
      },
      thirdParty: {
        message: 'Unknown directive "{{name}}" for stock nginx: it comes from the third-party module "{{module}}"{{others}}',
        help: 'if your nginx is built with it, add "{{module}}" to "nginx.modules" in .cfglint.json',
      },
      besideUnknownModule: {
        message: 'Directive "{{name}}" is unknown to nginx and to the modules cfglint knows; the tree loads "{{loaded}}", which may provide it',
        help: 'cfglint cannot list that module\'s directives; if "{{name}}" is not one of them, nginx refuses to start{{suggestion}}',
      },
      notYet: {
        message: 'Unknown directive "{{name}}" on {{versions}}: it appeared in nginx {{since}}',
        help: 'this nginx refuses to start (unknown directive "{{name}}"); run nginx {{since}} or later, or remove it',
      },
      removed: {
        message: 'Unknown directive "{{name}}" on {{versions}}: it was removed in nginx {{removed}}',
        help: 'this nginx refuses to start (unknown directive "{{name}}"); remove it, or run an nginx older than {{removed}}',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    let names: string[] | undefined;
    // What is known about a name depends on the nginx that runs it only: judge each name once per nginx.
    const releaseVerdicts = new Map<NginxVersionInfo, Map<string, 'notYet' | 'removed' | undefined>>();
    const thirdParty = new Map<string, { draft: FindingDraft; others: number }>();
    const suggestions = new Map<string, string | undefined>();
    let plusRoots: Set<NginxConfigRoot> | undefined;
    const verdictOf = (name: string, version: NginxVersionInfo) => {
      let verdicts = releaseVerdicts.get(version);
      if (!verdicts) releaseVerdicts.set(version, (verdicts = new Map()));
      if (!verdicts.has(name)) verdicts.set(name, releaseVerdict(index.table.lookup(name), version.range));
      return verdicts.get(name);
    };
    // Judged per kind of use (a name in its contexts): only the uses of flagged kinds are read.
    const { versions } = model.nginx;
    const flagged = index.checkedKinds.filter(
      (kind) => index.table.lookup(kind.name).length === 0 || versions.some((version) => verdictOf(kind.name, version) !== undefined),
    );
    for (const use of index.usesOfKinds(flagged)) {
      const { directive } = use;
      const specs = index.table.lookup(directive.name);
      if (specs.length === 0) {
        const base = { primary: directive.nameSpan, modelPath: use.path };
        const module = index.table.disabledModuleOf(directive.name);
        if (module) {
          // A template that writes a module's directive only on a condition decides at rendering
          // whether the module is there (openwisp: `{% if nginx_brotli_static_available %}`).
          if (writtenConditionally(directive)) continue;
          // A main-context include the tree does not hold (modules-enabled) may load it, and so may
          // a module cfglint does not know (under another file name): cannot tell.
          if (index.unreadModuleInclude || index.unknownModuleLoad) continue;
          // One finding per module and file: enabling the module settles all its directives.
          const key = `${directive.nameSpan.file}\0${module}`;
          const seen = thirdParty.get(key);
          if (seen) seen.others++;
          else thirdParty.set(key, { draft: { ...base, messageId: 'thirdParty', data: { name: directive.name, module }, maxSeverity: 'warning' }, others: 0 });
          continue;
        }
        names ??= [...index.table.names()];
        if (!suggestions.has(directive.name)) suggestions.set(directive.name, closest(directive.name, names));
        const suggestion = suggestions.get(directive.name);
        const data = { name: directive.name, suggestion: suggestion ? `; did you mean "${suggestion}"?` : '' };
        const loaded = index.unknownModuleLoad;
        if (loaded) {
          // The tree loads a module whose directives cfglint cannot see (nginx-opentracing before it
          // was listed): the name may be one of them, so it is only worth a look.
          const file = loaded.args[0];
          const related = [{ span: file.span, label: 'a module cfglint does not know is loaded here' }];
          yield { ...base, related, messageId: 'besideUnknownModule', data: { ...data, loaded: file.value }, maxSeverity: 'info' };
        } else yield { ...base, messageId: 'unknown', data };
        continue;
      }
      const version = nginxVersionAt(model, use.level.root);
      const verdict = verdictOf(directive.name, version);
      // A config with NGINX Plus's own directives runs NGINX Plus: nginx's releases do not say what it has.
      if (verdict === 'notYet' && !(plusRoots ??= rootsUsingNginxPlus(index)).has(use.level.root)) {
        yield {
          primary: directive.nameSpan,
          modelPath: use.path,
          messageId: 'notYet',
          data: { name: directive.name, since: specs[0].since!, versions: describeRange(version.range) },
        };
      } else if (verdict === 'removed' && !removedAfterDeprecation(directive.name)) {
        // A directive removed after a deprecation (`ssl`) is nginx-deprecated-directive's, with its replacement.
        yield {
          primary: directive.nameSpan,
          modelPath: use.path,
          messageId: 'removed',
          data: { name: directive.name, removed: specs[0].removed!, versions: describeRange(version.range) },
        };
      }
    }
    for (const { draft, others } of thirdParty.values()) {
      yield { ...draft, data: { ...draft.data, others: others === 0 ? '' : ` (as do ${others} more directive${others === 1 ? '' : 's'} in this file)` } };
    }
  },
});

/** Known, but not in any release the tree may run: not yet added, or already removed. */
function releaseVerdict(specs: readonly { since?: string; removed?: string }[], range: VersionRange): 'notYet' | 'removed' | undefined {
  const since = specs.map((spec) => (spec.since ? parseVersion(spec.since) : undefined));
  if (since.every((v) => v !== undefined && compareVersions(range.max, v) < 0)) return 'notYet';
  const removed = specs.map((spec) => (spec.removed ? parseVersion(spec.removed) : undefined));
  if (removed.every((v) => v !== undefined && compareVersions(range.min, v) >= 0)) return 'removed';
  return undefined;
}

/** The config roots (a main config with its includes, or a file read on its own) that use a directive of NGINX Plus alone. */
function rootsUsingNginxPlus(index: NginxDirectiveIndex): Set<NginxConfigRoot> {
  const roots = new Set<NginxConfigRoot>();
  const plusKinds = index.checkedKinds.filter((kind) => isNginxPlusOnly(index.table.lookup(kind.name)));
  for (const use of index.usesOfKinds(plusKinds)) roots.add(use.level.root);
  return roots;
}
