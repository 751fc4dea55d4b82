import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import type { ExpandedDirective } from '../src/readers/nginx';
import { analyzeRegex, ESCAPED_IN_ARGS, NginxVariables, overlapMask, partSpan, valueParts } from '../src/model/nginx-variables';
import { RewriteCapture, rewriteReplacement } from '../src/model/nginx-rewrite';
import { compareVersions, describeRange, parseVersion, splitRange, Version, VersionRange } from '../src/reference/nginx/version';
import { append } from '../src/source/append';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-unsafe-capture';

const V1_30_1 = parseVersion('1.30.1')!;
const V1_30_2 = parseVersion('1.30.2')!;
const V1_30_4 = parseVersion('1.30.4')!;
const V1_31_0 = parseVersion('1.31.0')!;
const V1_31_1 = parseVersion('1.31.1')!;
const V1_31_3 = parseVersion('1.31.3')!;

/** CVE-2026-42945, fixed in 1.30.1 and 1.31.0 (ngx_http_script_regex_end_code left is_args set). */
const riftAffects = (v: Version) => compareVersions(v, V1_30_1) < 0;
/** CVE-2026-42533, fixed in 1.30.4 and 1.31.3 (a map's regex reallocated the captures mid-expression). */
const mapAffects = (v: Version) => compareVersions(v, V1_30_4) < 0 || (compareVersions(v, V1_31_0) >= 0 && compareVersions(v, V1_31_3) < 0);
/** CVE-2026-9256, fixed in 1.30.2 and 1.31.1 (ngx_http_script_regex_start_code counted the URI's escaping once for all captures). */
const overlapAffects = (v: Version) => compareVersions(v, V1_30_2) < 0 || (compareVersions(v, V1_31_0) >= 0 && compareVersions(v, V1_31_1) < 0);

/** Directives the rewrite module runs in one script, where a leaked is_args escapes captures. */
const SCRIPT_USERS = new Set(['set', 'if', 'rewrite']);

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'security',
  meta: {
    description: 'Unnamed regex captures used in the patterns of the published nginx heap overflows (CVE-2026-42945, CVE-2026-42533, CVE-2026-9256)',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      afterArgsRewrite: {
        message:
          '"{{capture}}" in {{directive}} follows a rewrite whose replacement has "?"{{versions}}: heap overflow CVE-2026-42945, fixed in nginx 1.30.1 and 1.31.0',
        help:
          "A rewrite whose replacement contains `?` left the script engine's is_args flag set; a later set, if or rewrite of the " +
          'same location then escapes `$1`..`$9` into a buffer sized without escaping. A crafted URL overflows the heap of the ' +
          'worker (a crash, or code execution without ASLR). Upgrade nginx, or use named captures (`(?<id>…)` and `$id`), ' +
          'which take another code path',
      },
      mapAfterCapture: {
        message:
          '"${{map}}" comes after "{{capture}}" in this value, and map "${{map}}" matches a regex with captures{{versions}}: heap overflow CVE-2026-42533, fixed in nginx 1.30.4 and 1.31.3',
        help:
          'nginx sizes the value with `$1` from the current captures, then evaluates the map, whose regex replaces the captures, ' +
          'then copies `$1` again: the copy no longer fits the buffer. Upgrade nginx, or use named captures in the map ' +
          '(`~^(?<lang>de|fr)` and `$lang`), or put the map variable before the capture',
      },
      overlappingCaptures: {
        message:
          '"{{first}}" and "{{second}}" are overlapping groups of "{{regex}}", both escaped {{context}}{{versions}}: heap overflow CVE-2026-9256, fixed in nginx 1.30.2 and 1.31.1',
        help:
          'With no variable in the replacement, nginx sizes the new URI from the match: each group once, plus the escaping of the ' +
          'URI once. It then escapes every capture it copies, so two groups over the same text count its escapes twice, and a ' +
          'URL full of `+` or `%`-encoded characters overflows the heap of the worker (a crash, or code execution). Upgrade ' +
          'nginx, or write only one of the nested groups (make the others `(?:…)`), or use named captures (`(?<path>…)` and ' +
          '`$path`), which nginx sizes exactly',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      // Each scope by the nginx that runs it.
      const range = scope.version.range;
      const rift = affected(range, [V1_30_1], riftAffects);
      const mapped = affected(range, [V1_30_4, V1_31_0, V1_31_3], mapAffects);
      const overlapped = affected(range, [V1_30_2, V1_31_0, V1_31_1], overlapAffects);
      if (!rift && !mapped && !overlapped) continue;
      const variables = NginxVariables.of(scope);
      if (rift) for (const block of variables.rewriteBlocks) yield* afterArgsRewrite(block, rift);
      if (!mapped && !overlapped) continue;
      for (const { entry, block } of variables.withCaptures) {
        const overlap = overlapped && entry.directive.name === 'rewrite' ? overlappingCaptures(block, entry, overlapped) : undefined;
        if (overlap) yield overlap;
        const mapFinding = mapped ? mapAfterCapture(variables, block, entry, mapped) : undefined;
        if (mapFinding) yield mapFinding;
      }
    }
  },
});

interface Affected {
  versions: string;
  maxSeverity?: 'warning';
}

/** Undefined when no release the tree may run is affected; a warning when only some are. */
function affected(range: VersionRange, boundaries: Version[], affects: (v: Version) => boolean): Affected | undefined {
  const pieces = splitRange(range, boundaries);
  const bad = pieces.filter((piece) => affects(piece.min));
  if (bad.length === 0) return undefined;
  if (bad.length === pieces.length) return { versions: '' };
  return { versions: ` (on ${bad.map(describeRange).join(', ')}; set the nginx version to know)`, maxSeverity: 'warning' };
}

function* afterArgsRewrite(block: NginxBlock, versions: Affected): Generator<FindingDraft> {
  let leaking: ExpandedDirective | undefined;
  // Directives of an `if` run in the same script as the block around it.
  const ordered = flattenIfs(block);
  for (const entry of ordered) {
    const { name, args } = entry.directive;
    if (leaking && SCRIPT_USERS.has(name)) {
      const checked = name === 'set' ? args.slice(1) : name === 'rewrite' ? args.slice(1, 2) : args;
      for (const arg of checked) {
        const capture = valueParts(arg.value).find((part) => part.kind === 'capture');
        if (!capture) continue;
        yield {
          messageId: 'afterArgsRewrite',
          data: { capture: arg.value.slice(capture.start, capture.end), directive: name, versions: versions.versions },
          primary: partSpan(arg, capture),
          related: [{ span: leaking.directive.args[1].span, label: 'this replacement has "?"' }],
          modelPath: `${block.path}>${name}`,
          maxSeverity: versions.maxSeverity,
        };
        break;
      }
    }
    if (name === 'rewrite' && args.length === 2 && valueParts(args[1].value).some((part) => part.kind === 'text' && part.text.includes('?'))) leaking = entry;
  }
}

/** The block's directives with those of its `if` blocks in place, in the order the script runs them. */
function flattenIfs(block: NginxBlock): ExpandedDirective[] {
  const out: ExpandedDirective[] = [];
  for (const entry of block.directives) {
    out.push(entry);
    if (entry.directive.name !== 'if') continue;
    const child = block.children.find((c) => c.node === entry);
    if (child) append(out, flattenIfs(child));
  }
  return out;
}

/** Two escaped captures of one rewrite whose groups may match the same escapable characters. */
function overlappingCaptures(block: NginxBlock, entry: ExpandedDirective, versions: Affected): FindingDraft | undefined {
  const replacement = rewriteReplacement(entry.directive);
  if (!replacement?.sizedFromMatch) return undefined;
  const pattern = entry.directive.args[0];
  const regex = analyzeRegex(pattern.value);
  if (regex.groupCount === undefined) return undefined;
  const escaped = replacement.captures.filter((capture) => capture.escaped && capture.index <= regex.groups.length);
  for (let j = 1; j < escaped.length; j++) {
    const first = escaped.slice(0, j).find((earlier) => (overlapMask(regex, earlier.index, escaped[j].index) & ESCAPED_IN_ARGS) !== 0);
    if (!first) continue;
    const arg = entry.directive.args[1];
    const text = (capture: RewriteCapture) => arg.value.slice(capture.start, capture.end);
    return {
      messageId: 'overlappingCaptures',
      data: {
        first: text(first),
        second: text(escaped[j]),
        regex: pattern.value,
        context: replacement.redirect ? 'for a redirect' : 'after "?"',
        versions: versions.versions,
      },
      primary: partSpan(arg, escaped[j]),
      related: [{ span: partSpan(arg, first), label: 'overlaps this capture' }],
      modelPath: `${block.path}>rewrite`,
      maxSeverity: versions.maxSeverity,
    };
  }
  return undefined;
}

function mapAfterCapture(variables: NginxVariables, block: NginxBlock, entry: ExpandedDirective, versions: Affected): FindingDraft | undefined {
  for (const arg of entry.directive.args) {
    let capture: string | undefined;
    for (const part of valueParts(arg.value)) {
      if (part.kind === 'capture') capture ??= arg.value.slice(part.start, part.end);
      if (part.kind !== 'variable' || !capture) continue;
      const mapEntry = variables.capturingMapEntry(part.name);
      if (!mapEntry) continue;
      return {
        messageId: 'mapAfterCapture',
        data: { map: part.name, capture, versions: versions.versions },
        primary: partSpan(arg, part),
        related: [{ span: mapEntry.directive.nameSpan, label: 'this map regex has captures' }],
        modelPath: `${block.path}>${entry.directive.name}`,
        maxSeverity: versions.maxSeverity,
      };
    }
  }
  return undefined;
}
