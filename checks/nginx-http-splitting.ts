import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import type { ExpandedDirective } from '../src/readers/nginx';
import { argText, CH, NginxVariables, partSpan, RegexSource, valueParts, ValuePart } from '../src/model/nginx-variables';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-http-splitting';

const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308']);
const URL_START = /^(https?:\/\/|\$scheme)/;

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'security',
  meta: {
    description: 'A variable that can hold CR and LF is written into a response header, a redirect or the request sent upstream',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      lineBreak: {
        message: '"{{part}}" in {{directive}} can hold CR and LF ({{origin}}): the client can add headers to the {{target}}',
        help:
          'nginx decodes the path before it fills $uri, $document_uri and captures of it, so `/%0d%0aSet-Cookie:%20a=b` ' +
          "puts a real line break into the value and a header of the client's choice into the response (or the request sent upstream). Use " +
          '$request_uri (kept encoded), or a capture over $request_uri, or a regex group that cannot match a line break ' +
          '(`[^/\\r\\n]` instead of `[^/]`)',
      },
      carriageReturn: {
        message: '"{{part}}" in {{directive}} can hold a bare CR ({{origin}}), which some clients take for a line end in the {{target}}',
        help:
          "PCRE's `.` matches CR (nginx does not set DOTALL, so it stops at LF only): `(.*)` over the decoded path can hold " +
          '%0d. Clients and servers that end a header line at a bare CR then read what follows as a new header. ' +
          'Use `[^\\r\\n]*`, or $request_uri',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      const variables = NginxVariables.of(scope);
      for (const name of CHECKED_DIRECTIVES) {
        const uses = variables.withVariablesNamed(name);
        const same = SAME_FOR_EVERY_USE.get(name);
        for (let i = 0; i < uses.length; i++) {
          const { entry, block } = uses[i];
          const checked = same ?? checkedArgs(entry);
          if (!checked || !someArgMayHoldLineBreak(variables, entry, checked)) continue;
          const finding = judge(variables, block, entry, checked);
          if (finding) yield finding;
        }
      }
    }
  },
});

interface Checked {
  /** Indexes of the arguments written into a header or the request line. */
  indexes: number[];
  target: string;
  /** `rewrite`: its own `$N` are escaped by nginx in a redirect (ngx_http_script_copy_capture_code). */
  ownCaptures?: boolean;
}

/** The directives whose arguments checkedArgs may pick. */
const CHECKED_DIRECTIVES = ['add_header', 'add_trailer', 'more_set_headers', 'proxy_set_header', 'grpc_set_header', 'proxy_pass', 'return', 'rewrite'];

// Shared answers of checkedArgs: one object per kind, not one per directive of a large tree.
const RESPONSE_HEADER: Checked = { indexes: [1], target: 'response' };
const UPSTREAM_HEADER: Checked = { indexes: [1], target: 'request sent upstream' };
const UPSTREAM_LINE: Checked = { indexes: [0], target: 'request line sent upstream' };
const RETURN_URL: Checked = { indexes: [0], target: 'response (Location header)' };
const RETURN_CODE_URL: Checked = { indexes: [1], target: 'response (Location header)' };
const REWRITE_REDIRECT: Checked = { indexes: [1], target: 'response (Location header)', ownCaptures: true };

/** The directives whose answer does not depend on their arguments: asked once per name. */
const SAME_FOR_EVERY_USE = new Map<string, Checked>([
  ['add_header', RESPONSE_HEADER],
  ['add_trailer', RESPONSE_HEADER],
  ['proxy_set_header', UPSTREAM_HEADER],
  ['grpc_set_header', UPSTREAM_HEADER],
  ['proxy_pass', UPSTREAM_LINE],
]);

/** Which arguments land in a header, read without building argument objects (most directives are skipped). */
function checkedArgs(entry: ExpandedDirective): Checked | undefined {
  const directive = entry.directive;
  switch (directive.name) {
    case 'add_header':
    case 'add_trailer':
      return RESPONSE_HEADER;
    case 'more_set_headers':
      return { indexes: directive.args.map((arg, i) => (arg.value.startsWith('-') ? -1 : i)).filter((i) => i >= 0), target: 'response' };
    case 'proxy_set_header':
    case 'grpc_set_header':
      return UPSTREAM_HEADER;
    case 'proxy_pass':
      return UPSTREAM_LINE;
    case 'return': {
      const first = argText(directive, 0) ?? '';
      const second = argText(directive, 1);
      if (second === undefined && URL_START.test(first)) return RETURN_URL;
      if (second !== undefined && argText(directive, 2) === undefined && REDIRECT_CODES.has(first)) return RETURN_CODE_URL;
      return undefined;
    }
    case 'rewrite': {
      const replacement = argText(directive, 1);
      if (replacement === undefined) return undefined;
      const flag = argText(directive, 2);
      const redirect = flag === 'redirect' || flag === 'permanent' || URL_START.test(replacement);
      return redirect ? REWRITE_REDIRECT : undefined;
    }
  }
  return undefined;
}

/** The cheap bound first: most values ("$host", "$remote_addr") cannot hold CR or LF wherever they stand. */
function someArgMayHoldLineBreak(variables: NginxVariables, entry: ExpandedDirective, checked: Checked): boolean {
  const { indexes } = checked;
  for (let i = 0; i < indexes.length; i++) {
    const text = argText(entry.directive, indexes[i]);
    if (text !== undefined && text.includes('$') && variables.mayHoldLineBreak(text)) return true;
  }
  return false;
}

function judge(variables: NginxVariables, block: NginxBlock, entry: ExpandedDirective, checked: Checked): FindingDraft | undefined {
  const captures: RegexSource | undefined = checked.ownCaptures ? variables.rewriteRegex(entry, block) : undefined;
  let carriage: FindingDraft | undefined;
  for (const index of checked.indexes) {
    const text = argText(entry.directive, index);
    if (text === undefined || !text.includes('$') || !variables.mayHoldLineBreak(text)) continue;
    for (const expanded of variables.expand(text, block, captures)) {
      const { part, top } = expanded;
      // `$uri` written here holds what the location's rewrites left in it where this directive reads it.
      const facts = part === top && part.kind === 'variable' && URI_VARIABLES.has(part.name) ? variables.uriFactsAt(block, entry) : expanded.facts;
      if (!facts?.request) continue;
      // nginx escapes the rewrite's own captures in a redirect when the request had %-escapes
      // (the only way to get CR/LF in), and NGX_UNESCAPE_REDIRECT leaves control characters escaped.
      if (checked.ownCaptures && part.kind === 'capture' && top.kind === 'capture') continue;
      const mask =
        part === top && part.kind === 'variable' && URI_VARIABLES.has(part.name) ? uriMask(variables, block, facts.mask, text, part, checked) : facts.mask;
      const lineBreak = (mask & CH.LF) !== 0;
      if (!lineBreak && (mask & CH.CR) === 0) continue;
      const draft: FindingDraft = {
        ...(lineBreak ? { messageId: 'lineBreak' } : { messageId: 'carriageReturn' }),
        data: {
          part: text.slice(top.start, top.end),
          directive: entry.directive.name,
          origin: facts.origin.join(', '),
          target: checked.target,
        },
        primary: partSpan(entry.directive.args[index], top),
        modelPath: `${block.path}>${entry.directive.name}`,
        // A bare CR breaks only readers that end a line at CR; RFC 9112 tells them to reject or replace it.
        maxSeverity: lineBreak ? undefined : 'info',
      };
      if (lineBreak) return draft;
      carriage ??= draft;
    }
  }
  return carriage;
}

const URI_VARIABLES = new Set(['uri', 'document_uri']);

/**
 * What `$uri` written straight into the argument can hold when its regex location pins the whole
 * URI (`^…$`): only what the regex matches, and, as PCRE's `$` matches before a final LF, one LF
 * at its very end. That LF starts a new line whose text is the rest of the argument (then, in the
 * request line, " HTTP/1.x"): the client chooses no header when the config fixes how it begins.
 */
function uriMask(variables: NginxVariables, block: NginxBlock, mask: number, text: string, part: ValuePart, checked: Checked): number {
  const regex = variables.uriMatchedBy(block);
  if (!regex) return mask;
  const narrowed = mask & regex.matchMask;
  if (regex.wholeSubject !== 'finalLf' || (mask & CH.LF) === 0) return narrowed;
  const following = valueParts(text).filter((other) => other.start >= part.end);
  return lineStartIsFixed(following, checked === UPSTREAM_LINE) ? narrowed : narrowed | CH.LF;
}

/**
 * Whether the line after a final LF begins with a character the config wrote that no header name
 * may hold (a field name is a token, RFC 9110 §5.6.2), so the line cannot be a header at all.
 * `$is_args` is "?" or, with no arguments, empty (and so is `$args` after it). At the end of the
 * argument the request line goes on with " HTTP/1.x"; a header goes on with the CRLF that ends
 * it, which after the LF is an empty line that ends the header section: still reported.
 */
function lineStartIsFixed(following: ValuePart[], requestLine: boolean): boolean {
  for (let i = 0; i < following.length; i++) {
    const part = following[i];
    if (part.kind === 'text') return !TOKEN_CHAR.test(part.text[0]);
    if (part.kind !== 'variable' || part.name !== 'is_args') return false;
    const next = following[i + 1];
    if (next?.kind === 'variable' && (next.name === 'args' || next.name === 'query_string')) i++;
  }
  return requestLine;
}

const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
