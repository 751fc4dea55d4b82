import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { NginxBlock, nginxVersionAt, UpstreamGroup, UpstreamPass } from '../src/model/nginx';
import { argValueOf, ExpandedDirective } from '../src/model/nginx-directives';
import { defaultFor } from '../src/reference/nginx/defaults';
import { describeRange, isKnownExactly, NginxVersionInfo, parseVersion, splitRange, VersionRange } from '../src/reference/nginx/version';
import { docsUrl } from '../src/source/meta';
import type { RelatedSpan } from '../src/source/span';
import type { Fix, TextEdit } from '../src/source/edit';
import { insertLinesBefore, replaceArg, writtenInBlock } from '../src/model/nginx-edits';
import { connectionSettings, lastConnection, LocationConnectionSettings, reuseBlockers, setsConnection } from '../src/model/upstream-keepalive';

const ID = 'upstream-keepalive-http10';
/** nginx 1.29.7 turned upstream keepalive on, HTTP/1.1 on and `Connection: close` off by default. */
const KEEPALIVE_DEFAULTS_CHANGED = parseVersion('1.29.7')!;

const HTTP11 = '`proxy_http_version 1.1;`';
const NO_CONNECTION_CLOSE = '`proxy_set_header Connection "";`';

interface Verdict {
  range: VersionRange;
  keepalive: string;
  problems: string[];
  fixes: string[];
}

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'performance',
  meta: {
    description: 'An upstream keeps idle connections, but the location still speaks HTTP/1.0 or sends "Connection: close", so none is ever reused',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      noReuse: {
        message: 'Upstream "{{upstream}}" keeps idle connections ({{keepalive}}), but this location {{problems}}{{versions}}',
        help: 'every request ends its connection, so the idle pool is never used and each request opens a new one; {{fix}}',
      },
    },
  },
  *check(model: Deployment) {
    // The same for every pass an nginx runs: the releases it may be, cut where the defaults changed.
    const piecesOf = new Map<NginxVersionInfo, VersionRange[]>();
    for (const pass of model.nginx.passes) {
      if (pass.module !== 'proxy' || pass.target.kind !== 'group' || !pass.target.group.block) continue;
      const version = nginxVersionAt(model, pass.location);
      let pieces = piecesOf.get(version);
      if (!pieces) piecesOf.set(version, (pieces = splitRange(version.range, [KEEPALIVE_DEFAULTS_CHANGED])));
      const finding = judgePass(version, pieces, pass, pass.target.group);
      if (finding) yield finding;
    }
  },
});

function judgePass(version: NginxVersionInfo, pieces: VersionRange[], pass: UpstreamPass, group: UpstreamGroup): FindingDraft | undefined {
  const upstream = group.block!;
  const location = pass.location;
  // What the blocks say is read once; only the defaults differ from one piece to the next.
  const written = writtenSettings(upstream, location);
  const verdicts = pieces.map((range) => judgeRange(range, written)).filter((v): v is Verdict => v !== undefined);
  if (verdicts.length === 0) return undefined;

  // Full severity only where the problem holds for every release the tree may run.
  const holdsEverywhere = verdicts.length === pieces.length;
  const first = verdicts[0];
  const versionHint = isKnownExactly(version) ? '' : '; the nginx version is not known: set it with --nginx-version or nginx.version';
  const versions = holdsEverywhere ? '' : ` (on ${verdicts.map((v) => describeRange(v.range)).join(', ')}${versionHint})`;

  const related: RelatedSpan[] = [];
  const keepalive = upstream.ownLast('keepalive');
  related.push(
    keepalive
      ? { span: keepalive.directive.span, label: `upstream "${group.name}" keeps idle connections here` }
      : {
          span: upstream.directive!.args[0]?.span ?? upstream.directive!.span,
          label: `upstream "${group.name}" keeps idle connections by default since nginx 1.29.7 (keepalive 32 local)`,
        },
  );
  for (const extra of explicitCulprits(location)) if (related.length < 3) related.push(extra);

  return {
    messageId: 'noReuse',
    data: {
      upstream: group.name,
      keepalive: first.keepalive,
      problems: first.problems.join(' and '),
      versions,
      fix: `add ${first.fixes.join(' and ')} to this location`,
    },
    primary: pass.entry.directive.args[0].span,
    related,
    modelPath: `${location.path}>proxy_pass`,
    maxSeverity: holdsEverywhere ? undefined : 'warning',
    fix: http11Fix(pass, group, verdicts),
  };
}

/**
 * The message's advice written into the location: its own `proxy_http_version 1.0` or
 * `proxy_set_header Connection close` rewritten in place, else the missing lines added right
 * before proxy_pass, indented like it. None where the location's text cannot take them exactly:
 * proxy_pass inside `if` (where neither directive is allowed) or brought by an include, or a
 * location that inherits its proxy_set_header list, which one header of its own would drop.
 */
function http11Fix(pass: UpstreamPass, group: UpstreamGroup, verdicts: Verdict[]): Fix | undefined {
  const location = pass.location;
  if (location.kind !== 'location' || !writtenInBlock(pass.entry, location)) return undefined;
  const fixes = new Set(verdicts.flatMap((verdict) => verdict.fixes));
  const edits: TextEdit[] = [];
  const added: string[] = [];
  if (fixes.has(HTTP11)) {
    const own = location.ownLast('proxy_http_version');
    if (own) {
      const edit = writtenInBlock(own, location) ? replaceArg(own, 0, '1.1') : undefined;
      if (!edit) return undefined;
      edits.push(edit);
    } else added.push('proxy_http_version 1.1;');
  }
  if (fixes.has(NO_CONNECTION_CLOSE)) {
    const headers = location.inheritedList('proxy_set_header');
    if (headers.entries.length > 0 && headers.block !== location) return undefined;
    const connection = lastConnection(headers.entries);
    if (connection) {
      const edit = writtenInBlock(connection, location) && connection.directive.args.length === 2 ? replaceArg(connection, 1, '""') : undefined;
      if (!edit) return undefined;
      edits.push(edit);
    } else added.push('proxy_set_header Connection "";');
  }
  if (added.length > 0) {
    const edit = insertLinesBefore(pass.entry, added);
    if (!edit) return undefined;
    edits.push(edit);
  }
  return edits.length === 0 ? undefined : { title: `speak HTTP/1.1 without "Connection: close" to upstream "${group.name}"`, edits };
}

/** The settings of the upstream and the location that judgeRange weighs against each release's defaults. */
interface WrittenSettings extends LocationConnectionSettings {
  keepaliveDirective: ExpandedDirective | undefined;
}

function writtenSettings(upstream: NginxBlock, location: NginxBlock): WrittenSettings {
  return { keepaliveDirective: upstream.ownLast('keepalive'), ...connectionSettings(location) };
}

const PROBLEMS: Record<ReturnType<typeof reuseBlockers>[number], string> = {
  http10: 'speaks HTTP/1.0 (proxy_http_version 1.0)',
  http10Default: 'speaks HTTP/1.0 (nginx default before 1.29.7)',
  close: 'sends "Connection: close" (proxy_set_header Connection close)',
  closeDefault: 'sends "Connection: close" (nginx default before 1.29.7)',
  closeDropped: 'sends "Connection: close" (its own proxy_set_header drops the inherited Connection "")',
};

function judgeRange(range: VersionRange, written: WrittenSettings): Verdict | undefined {
  const { keepaliveDirective } = written;
  let keepalive: string;
  if (keepaliveDirective) {
    const count = argValueOf(keepaliveDirective.directive, 0);
    if (count === undefined || count === '0') return undefined;
    keepalive = `keepalive ${count}`;
  } else {
    const byDefault = defaultFor('upstream:keepalive', range);
    if (!byDefault || byDefault.text === '') return undefined;
    keepalive = `keepalive ${byDefault.text}, the default since nginx 1.29.7`;
  }
  const blockers = reuseBlockers(written, range);
  if (blockers.length === 0) return undefined;
  const problems = blockers.map((blocker) => PROBLEMS[blocker]);
  const fixes = blockers.map((blocker) => (blocker.startsWith('http10') ? HTTP11 : NO_CONNECTION_CLOSE));
  return { range, keepalive, problems, fixes };
}

/** Directives outside the location that cause the problem: the dropped header, an outer 1.0. */
function explicitCulprits(location: NginxBlock): RelatedSpan[] {
  const related: RelatedSpan[] = [];
  const headers = location.inheritedList('proxy_set_header');
  if (!headers.entries.some(setsConnection)) {
    const dropped = headers.dropped.find(setsConnection);
    if (dropped) related.push({ span: dropped.directive.span, label: 'not inherited: the location sets its own proxy_set_header' });
  }
  const httpVersion = location.inherited('proxy_http_version');
  if (httpVersion && httpVersion.block !== location && httpVersion.entry.directive.args[0]?.value === '1.0') {
    related.push({ span: httpVersion.entry.directive.span, label: 'HTTP/1.0 is set here' });
  }
  return related;
}
