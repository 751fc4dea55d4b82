import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { ExpandedDirective } from '../src/readers/nginx';
import type { NginxBlock } from '../src/model/nginx';
import { HeaderDrop, headerDrops, HeaderListDirective, headerName, OwnResponses, ownResponses } from '../src/model/nginx-header-inheritance';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-header-redefinition';

/** Response headers that protect the browser: losing one opens the page to framing, sniffing, downgrade, leaks. */
const SECURITY_HEADERS = new Set([
  'strict-transport-security',
  'content-security-policy',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'feature-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
]);

/**
 * Request headers a backend reads as the client's identity: its address and scheme, and the user an
 * auth proxy vouches for. nginx passes the client's own copy through when no proxy_set_header names
 * them, so losing the level that set (or cleared) them lets the client choose the value.
 */
const CLIENT_IDENTITY_HEADERS = new Set([
  'x-real-ip',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
  'remote-user',
  'x-remote-user',
  'x-forwarded-user',
  'x-forwarded-email',
  'x-auth-request-user',
  'x-auth-request-email',
  'x-authenticated-user',
  'x-webauth-user',
]);

/** Statuses that carry no page (no content, redirects): page-protecting headers do little there. */
const BODILESS_STATUS = /^(204|301|302|303|307|308)$/;

/** Losing `Connection ""` breaks upstream keep-alive: upstream-keepalive-http10 reports that, with the upstream. */
const REPORTED_ELSEWHERE = new Set(['connection']);

const LISTS: HeaderListDirective[] = ['add_header', 'add_trailer', 'proxy_set_header'];

const MAX_NAMES = 5;

const EVERY_RESPONSE: OwnResponses = { kind: 'every' };

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'An add_header, add_trailer or proxy_set_header in a nested block silently drops every one the outer level sets',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      dropsSecurityHeaders: {
        message: '"{{directive}}" in this {{level}} drops the {{outer}} level\'s security headers {{names}}{{others}}: not sent {{where}}',
        help: 'nginx inherits add_header from the outer level only when a level has none of its own, so one add_header here (a Cache-Control for static files) removes HSTS, CSP and the like from every response this block answers itself; a browser then frames, sniffs or downgrades these pages. (A request that try_files passes to a named location is answered with that location\'s headers.) Repeat the outer headers here (an include of one shared file in both places), or with nginx ≥ 1.29.3 write "add_header_inherit merge;", or use more_set_headers (headers-more appends to the outer list)',
      },
      dropsHeaders: {
        message: '"{{directive}}" in this {{level}} drops the {{outer}} level\'s {{names}}: not sent {{where}}',
        help: 'nginx inherits the list from the outer level only when a level has none of its own: the outer entries are not sent for requests this block answers itself (a request that try_files passes to a named location is answered with that location\'s list). Repeat them here (an include of one shared file in both places) or, for add_header/add_trailer with nginx ≥ 1.29.3, write "<directive>_inherit merge;"',
      },
      dropsIdentityHeaders: {
        message: '"proxy_set_header" in this {{level}} drops the {{outer}} level\'s {{names}}: the client\'s own values reach the backend',
        help: 'nginx sends no proxy_set_header of the outer level once a level has one of its own, and passes the client\'s request headers through unchanged: a client that sends "X-Forwarded-For: 127.0.0.1" or "X-Forwarded-Proto: https" decides what the backend logs, rate-limits or trusts. Repeat the outer proxy_set_header lines here (an include of one shared file in both places)',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    for (const scope of model.nginx.scopes) {
      for (const list of LISTS) {
        // Most trees never write add_trailer; many never write proxy_set_header.
        if (!scope.setsAnywhere(list)) continue;
        for (const found of headerDrops(scope, list)) {
          if (list === 'proxy_set_header' && !proxies(found.block)) continue;
          const dropped = list === 'proxy_set_header' ? found.dropped.filter((entry) => !REPORTED_ELSEWHERE.has(headerName(entry) ?? '')) : found.dropped;
          if (dropped.length === 0) continue;
          const drop = { ...found, dropped };
          // Request headers go with every pass of the level; response headers with what it answers itself.
          const answers = list === 'proxy_set_header' ? EVERY_RESPONSE : ownResponses(drop.block);
          // Only files under nginx's compiled-in root: nothing says the author serves any here.
          if (answers.kind === 'foundFiles' && !answers.files) continue;
          const primary = drop.own[0].directive.span;
          // A snippet included by several servers is one place to change.
          const key = `${primary.file}\0${primary.start.offset}`;
          if (!first(key)) continue;
          yield draftFor(list, drop, answers);
        }
      }
    }
  },
});

function draftFor(list: HeaderListDirective, drop: HeaderDrop, answers: OwnResponses): FindingDraft {
  const important = (entry: ExpandedDirective) => {
    const name = headerName(entry);
    // A header cleared with "" for another reason (Accept-Encoding for sub_filter) is not the client's identity.
    if (list === 'proxy_set_header') return name !== undefined && CLIENT_IDENTITY_HEADERS.has(name);
    return list === 'add_header' && name !== undefined && SECURITY_HEADERS.has(name);
  };
  const serious = drop.dropped.filter(important);
  const others = drop.dropped.filter((entry) => !important(entry));
  const level = levelName(drop.block);
  const files = answers.kind === 'foundFiles' ? answers.files : undefined;
  const where =
    answers.kind === 'foundFiles' && files
      ? `with the files "try_files" finds under "${files.directive.args[0]?.value ?? ''}" (the rest is answered by "${answers.fallback}")`
      : 'here';
  // The findings name what matters first; the related spans show where each was set, and where the files are.
  const ordered = [...serious, ...others];
  const related = ordered
    .slice(0, files ? 2 : 3)
    .map((entry) => ({ span: entry.directive.span, label: `"${entry.directive.args[0]?.value ?? ''}" set here is not sent in this ${level}` }));
  if (files) related.push({ span: files.directive.span, label: `files found under this ${files.directive.name} get only the ${level}'s own headers` });
  const base = { primary: drop.own[0].directive.span, related, modelPath: `${drop.block.path}>${list}` };
  const data = { directive: list, level, outer: levelName(drop.outer) };
  if (serious.length === 0)
    return { ...base, data: { ...data, names: shownNames(uniqueNames(others), MAX_NAMES), where }, messageId: 'dropsHeaders', maxSeverity: 'info' };
  if (list === 'proxy_set_header') return { ...base, data: { ...data, names: shownNames(uniqueNames(ordered), MAX_NAMES) }, messageId: 'dropsIdentityHeaders' };
  // Only security headers are called so; the rest of what is lost (a Cache-Control, a CORS header) is named after them.
  const securityNames = uniqueNames(serious);
  const otherNames = uniqueNames(others);
  const otherKind = otherNames.length === 1 ? 'another header' : 'other headers';
  const otherShown = otherNames.length > 0 ? ` and ${otherKind} ${shownNames(otherNames, Math.max(1, MAX_NAMES - securityNames.length))}` : '';
  const draft = { ...base, data: { ...data, names: shownNames(securityNames, MAX_NAMES), others: otherShown, where }, messageId: 'dropsSecurityHeaders' };
  return answersFixed(drop.block) ? { ...draft, maxSeverity: 'info' } : draft;
}

function shownNames(names: string[], max: number): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
}

/**
 * Whether the block answers with nginx's own fixed response (`return 204;`, a redirect, `return 200
 * "ok";`): no page, and nothing of the request in it, for framing, sniffing or a CSP to protect.
 */
function answersFixed(block: NginxBlock): boolean {
  return block.own('return').some((entry) => {
    const [code, text] = entry.directive.args.map((arg) => arg.value);
    if (code === undefined) return false;
    if (BODILESS_STATUS.test(code)) return true;
    return /^\d{3}$/.test(code) && (text === undefined || !text.includes('$'));
  });
}

function uniqueNames(entries: ExpandedDirective[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of entries) {
    const written = entry.directive.args[0]?.value ?? '';
    const key = written.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`"${written}"`);
  }
  return out;
}

function levelName(block: NginxBlock): string {
  if (block.kind === 'location' || block.kind === 'if')
    return block.directive ? `${block.kind} ${block.directive.args.map((arg) => arg.value).join(' ')}` : block.kind;
  return block.kind;
}

/** Whether requests this level's proxy headers apply to are proxied here or in a block inside. */
function proxies(block: NginxBlock): boolean {
  if (block.own('proxy_pass').length > 0) return true;
  return block.descendants().some((inner) => inner.own('proxy_pass').length > 0);
}
