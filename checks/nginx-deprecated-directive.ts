import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { nginxVersionAt } from '../src/model/nginx';
import { someArgEquals } from '../src/model/nginx-directives';
import { DEPRECATIONS_BY_NAME, NginxDeprecation } from '../src/reference/nginx/deprecations';
import { compareVersions, describeRange, parseVersion, Version, VersionRange } from '../src/reference/nginx/version';
import type { Severity, Span } from '../src/source/span';
import { docsUrl } from '../src/source/meta';
import { spanWrittenConditionally } from '../src/model/template-values';
import type { DirectiveUse, NginxDirectiveIndex } from '../src/model/nginx-directives';
import { deleteLine, insertAfterArg, insertLinesAfter, removeArg, writtenBeside } from '../src/model/nginx-edits';
import type { Fix, TextEdit } from '../src/source/edit';

const ID = 'nginx-deprecated-directive';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'A directive or listen parameter that nginx deprecated, ignores, or removed in the releases the tree may run',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      removed: {
        message: '"{{what}}" was removed in nginx {{removed}} (deprecated since {{deprecated}}): on {{versions}} nginx refuses to start; use "{{replacement}}"',
        help: 'nginx stops at start with `{{refusal}}`. {{advice}}',
      },
      removedLater: {
        message:
          '"{{what}}" is deprecated since nginx {{deprecated}} and removed in {{removed}}: on {{versions}} nginx refuses to start; use "{{replacement}}"',
        help: 'Older releases accept it with `[warn] {{logLine}}`; the first upgrade past the removal stops nginx with `{{refusal}}`. {{advice}}',
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
    for (const [name, entries] of DEPRECATIONS_BY_NAME) {
      // A deprecated parameter needs a line with more than its address (`listen 80;` has none):
      // the kinds of use say which lines have, without reading every listen of a large tree.
      const uses = entries.every((entry) => entry.parameter !== undefined)
        ? index.usesOfKinds(index.checkedKinds.filter((kind) => kind.name === name && kind.argCount > 1))
        : index.checkedUsesNamed(name);
      for (const use of uses) {
        // Only where nginx's own directive stands: elsewhere the context rules speak. Asked last:
        // most uses (every listen of a large tree) carry nothing deprecated.
        for (const entry of entries) {
          if (entry.parameter === undefined) {
            if (index.variantsHere(use).length === 0) continue;
            const range = nginxVersionAt(model, use.level.root).range;
            const draft = judge(entry, range, use.directive.name, use.directive.nameSpan, use.path);
            const fix = draft && directiveFix(index, use, entry, range);
            if (draft) yield fix ? { ...draft, fix } : draft;
            continue;
          }
          // A parameter of the http `listen` only (mail and stream have no http2 parameter).
          // After the address (`listen http2;` names a host), compared in the text: most listen lines carry no deprecated parameter.
          if (!someArgEquals(use.directive, 1, [entry.parameter]) || !use.contexts.includes('server') || index.variantsHere(use).length === 0) continue;
          const range = nginxVersionAt(model, use.level.root).range;
          for (const arg of use.directive.args.slice(1)) {
            if (arg.value !== entry.parameter) continue;
            const draft = judge(entry, range, `${entry.name} ... ${entry.parameter}`, arg.span, use.path);
            // A template that writes the parameter only on a condition offers it, and may never use it.
            if (draft && spanWrittenConditionally(use.directive, arg.span)) yield { ...draft, maxSeverity: 'info' };
            else if (draft) {
              const fix = entry.parameter === 'http2' ? http2Fix(index, use, entry, range) : undefined;
              yield fix ? { ...draft, fix } : draft;
            }
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
    // What the release that refuses it prints: an unknown directive, or an invalid listen parameter.
    const refusal = entry.parameter ? `invalid parameter "${entry.parameter}"` : `unknown directive "${entry.name}"`;
    const data = {
      what,
      deprecated: entry.deprecated,
      removed: entry.removed,
      replacement,
      versions: describeRange(from(range, removed)),
      refusal,
      logLine: entry.logLine,
      advice: entry.advice ?? `Write "${replacement}" instead`,
    };
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

/** The port a `listen` address names (`[::]:443`, `443`, `*:443` → `443`), or the address itself (a unix socket). */
function portOf(address: string | undefined): string {
  return /(?:^|:)(\d+)$/.exec(address ?? '')?.[1] ?? address ?? '';
}

/**
 * Whether a listen parameter written on these ports would change only this server. `ssl` and
 * `http2` on a `listen` apply to the socket, so to every server on the port, while `ssl on;`
 * and `http2 on;` apply to their server alone: the move is exact only when no other server
 * listens on the same port.
 */
function portsAreOwn(index: NginxDirectiveIndex, use: DirectiveUse, listens: readonly DirectiveUse[]): boolean {
  const ports = new Set(listens.map((listen) => portOf(listen.directive.args[0]?.value)));
  return !index.checkedUsesNamed('listen').some((other) => other.level !== use.level && ports.has(portOf(other.directive.args[0]?.value)));
}

/**
 * `listen ... http2` → `http2 on;`, where every release the tree may run has the `http2`
 * directive. The first such listen of a server carries the fix for all of them: `http2` dropped
 * from each, `http2 on;` written once after the last.
 */
function http2Fix(index: NginxDirectiveIndex, use: DirectiveUse, entry: NginxDeprecation, range: VersionRange): Fix | undefined {
  const since = entry.replacementSince ? parseVersion(entry.replacementSince) : undefined;
  const owner = use.level.owner;
  if (!since || compareVersions(range.min, since) < 0 || owner?.directive.name !== 'server') return undefined;
  const listens = use.level.uses.filter((other) => other.directive.name === 'listen' && other.directive.args.some((arg) => arg.value === 'http2'));
  if (listens[0]?.ordinal !== use.ordinal || use.level.uses.some((other) => other.directive.name === 'http2') || !portsAreOwn(index, use, listens))
    return undefined;
  const edits: (TextEdit | undefined)[] = listens.map((listen) =>
    writtenBeside(listen.entry, owner.entry)
      ? removeArg(
          listen.entry,
          listen.directive.args.findIndex((arg) => arg.value === 'http2'),
        )
      : undefined,
  );
  edits.push(insertLinesAfter(listens[listens.length - 1].entry, ['http2 on;']));
  if (edits.some((edit) => edit === undefined)) return undefined;
  return { title: 'replace "listen ... http2" with "http2 on;"', edits: edits as TextEdit[] };
}

/**
 * A deprecated directive rewritten where that changes nothing else: `ssl off;` deleted (the
 * default); `ssl on;` deleted and `ssl` added to each `listen` of its server; a directive nginx
 * ignores on every release the tree may run deleted.
 */
function directiveFix(index: NginxDirectiveIndex, use: DirectiveUse, entry: NginxDeprecation, range: VersionRange): Fix | undefined {
  if (entry.effect === 'ignored') {
    // Ignored by every release the tree may run: deleting it changes nothing, in a shared include too.
    if (compareVersions(range.min, parseVersion(entry.deprecated)!) < 0) return undefined;
    const edit = deleteLine(use.entry);
    return edit && { title: `delete "${use.directive.name}", which nginx ignores`, edits: [edit] };
  }
  const owner = use.level.owner;
  if (use.directive.name !== 'ssl' || use.directive.args.length !== 1 || owner?.directive.name !== 'server') return undefined;
  if (!writtenBeside(use.entry, owner.entry)) return undefined;
  const value = use.directive.args[0].value;
  const removal = deleteLine(use.entry);
  if (!removal) return undefined;
  if (value === 'off') return { title: 'delete "ssl off;" (the default)', edits: [removal] };
  if (value !== 'on') return undefined;
  const listens = use.level.uses.filter((other) => other.directive.name === 'listen');
  if (listens.length === 0 || !portsAreOwn(index, use, listens)) return undefined;
  const edits: (TextEdit | undefined)[] = listens
    .filter((listen) => !listen.directive.args.some((arg) => arg.value === 'ssl'))
    .map((listen) => (writtenBeside(listen.entry, owner.entry) ? insertAfterArg(listen.entry, 0, 'ssl') : undefined));
  if (edits.some((edit) => edit === undefined)) return undefined;
  return { title: 'replace "ssl on;" with "ssl" on each listen of the server', edits: [removal, ...(edits as TextEdit[])] };
}
