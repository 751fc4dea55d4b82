import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argCountOf, argValueOf, type NginxDirective } from '../src/model/nginx-directives';
import { DEPRECATIONS_BY_NAME, NginxDeprecation } from '../src/reference/nginx/deprecations';
import { compareVersions, describeRange, parseVersion, Version, VersionRange } from '../src/reference/nginx/version';
import type { Severity, Span } from '../src/source/span';
import { docsUrl } from '../src/source/meta';
import { spanWrittenConditionally } from '../src/model/template-values';

const ID = 'nginx-deprecated-directive';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'A directive or listen parameter that nginx deprecated, ignores, or removed in the releases the tree may run',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      removed: {
        message: '"{{what}}" was removed in nginx {{removed}} (deprecated since {{deprecated}}): on {{versions}} nginx refuses to start; use "{{replacement}}"',
        help: 'nginx stops at start with `unknown directive "ssl"`. Put `ssl` on the `listen` line instead (`listen 443 ssl;`); the certificate directives stay as they are',
      },
      removedLater: {
        message:
          '"{{what}}" is deprecated since nginx {{deprecated}} and removed in {{removed}}: on {{versions}} nginx refuses to start; use "{{replacement}}"',
        help: 'Older releases accept it with `[warn] the "ssl" directive is deprecated, use the "listen ... ssl" directive instead`; the first upgrade past the removal stops nginx with `unknown directive`. Move `ssl` onto the `listen` line',
      },
      ignored: {
        message: '"{{what}}" is obsolete since nginx {{deprecated}} and ignored on {{versions}}{{instead}}',
        help: 'nginx starts, logs `[warn] the "X" directive is obsolete`, and the value has no effect: the limit or timeout you set is not applied. Set the directive named in the message instead, or delete the line',
      },
      deprecated: {
        message: '"{{what}}" is deprecated since nginx {{deprecated}} (on {{versions}}); use "{{replacement}}"{{availability}}',
        help: 'nginx logs `[warn] the "listen ... http2" directive is deprecated, use the "http2" directive instead` at every start and reload. Write `http2 on;` in the server and drop `http2` from `listen`',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    const range = model.nginxVersion.range;
    for (const [name, entries] of DEPRECATIONS_BY_NAME) {
      for (const use of index.checkedUsesNamed(name)) {
        // Only where nginx's own directive stands: elsewhere the context rules speak.
        if (index.variantsHere(use).length === 0) continue;
        for (const entry of entries) {
          if (entry.parameter === undefined) {
            const draft = judge(entry, range, use.directive.name, use.directive.nameSpan, use.path);
            if (draft) yield draft;
            continue;
          }
          // A parameter of the http `listen` only (mail and stream have no http2 parameter).
          if (!use.contexts.includes('server') || !hasArgument(use.directive, entry.parameter)) continue;
          for (const arg of use.directive.args) {
            if (arg.value !== entry.parameter) continue;
            const draft = judge(entry, range, `${entry.name} ... ${entry.parameter}`, arg.span, use.path);
            // A template that writes the parameter only on a condition offers it, and may never use it.
            if (draft && spanWrittenConditionally(use.directive, arg.span)) yield { ...draft, maxSeverity: 'info' };
            else if (draft) yield draft;
          }
        }
      }
    }
  },
});

function judge(entry: NginxDeprecation, range: VersionRange, what: string, primary: Span, modelPath: string): FindingDraft | undefined {
  const deprecated = parseVersion(entry.deprecated)!;
  if (compareVersions(range.max, deprecated) < 0) return undefined;
  const base = { primary, modelPath };
  const replacement = entry.replacement ?? '';
  if (entry.removed) {
    const removed = parseVersion(entry.removed)!;
    const data = { what, deprecated: entry.deprecated, removed: entry.removed, replacement, versions: describeRange(from(range, removed)) };
    if (compareVersions(range.min, removed) >= 0) return { ...base, messageId: 'removed', data };
    if (compareVersions(range.max, removed) >= 0) return { ...base, messageId: 'removedLater', data, maxSeverity: 'warning' };
  }
  const versions = describeRange(from(range, deprecated));
  if (entry.effect === 'ignored') {
    const instead = entry.replacement ? `; set "${entry.replacement}" instead` : ': nothing replaces it, delete it';
    return { ...base, messageId: 'ignored', data: { what, deprecated: entry.deprecated, versions, instead }, maxSeverity: 'warning' };
  }
  // Where older releases the tree may run lack the replacement, the advice cannot apply to all of them.
  const replacementSince = entry.replacementSince ? parseVersion(entry.replacementSince)! : undefined;
  const missingSomewhere = replacementSince !== undefined && compareVersions(range.min, replacementSince) < 0;
  const availability = missingSomewhere ? ` (available from nginx ${entry.replacementSince}; older releases need "${what}")` : '';
  const maxSeverity: Severity = missingSomewhere ? 'info' : 'warning';
  return { ...base, messageId: 'deprecated', data: { what, deprecated: entry.deprecated, replacement, versions, availability }, maxSeverity };
}

/** The part of `range` from `start` on. */
function from(range: VersionRange, start: Version): VersionRange {
  return { min: compareVersions(range.min, start) >= 0 ? range.min : start, max: range.max };
}

/** Read without building argument objects: most listen lines carry no deprecated parameter. */
function hasArgument(directive: NginxDirective, value: string): boolean {
  for (let i = 0; i < argCountOf(directive); i++) if (argValueOf(directive, i) === value) return true;
  return false;
}
