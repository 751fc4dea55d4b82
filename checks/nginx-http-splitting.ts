import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import type { ExpandedDirective, NginxArg } from '../src/readers/nginx';
import { CH, NginxVariables, partSpan, RegexSource } from '../src/model/nginx-variables';
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
      lineBreak: '"{{part}}" in {{directive}} can hold CR and LF ({{origin}}): the client can add headers to the {{target}}',
      carriageReturn: '"{{part}}" in {{directive}} can hold a bare CR ({{origin}}), which some clients take for a line end in the {{target}}',
    },
    help: {
      lineBreak:
        'nginx decodes the path before it fills $uri, $document_uri and captures of it, so `/%0d%0aSet-Cookie:%20a=b` ' +
        'puts a real line break into the value and a header of the client\'s choice into the response (or the request sent upstream). Use ' +
        '$request_uri (kept encoded), or a capture over $request_uri, or a regex group that cannot match a line break ' +
        '(`[^/\\r\\n]` instead of `[^/]`).',
      carriageReturn:
        'PCRE\'s `.` matches CR (nginx does not set DOTALL, so it stops at LF only): `(.*)` over the decoded path can hold ' +
        '%0d. Clients and servers that end a header line at a bare CR then read what follows as a new header. ' +
        'Use `[^\\r\\n]*`, or $request_uri.',
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      let variables: NginxVariables | undefined;
      for (const block of [scope.http, ...scope.http.descendants()]) {
        for (const entry of block.directives) {
          const checked = checkedArgs(entry);
          if (!checked) continue;
          variables ??= NginxVariables.of(scope);
          const finding = judge(variables, block, entry, checked);
          if (finding) yield finding;
        }
      }
    }
  },
});

interface Checked {
  args: NginxArg[];
  target: string;
  /** `rewrite`: its own `$N` are escaped by nginx in a redirect (ngx_http_script_copy_capture_code). */
  ownCaptures?: boolean;
}

function checkedArgs(entry: ExpandedDirective): Checked | undefined {
  const { name, args } = entry.directive;
  if (!args.some((arg) => arg.value.includes('$'))) return undefined;
  switch (name) {
    case 'add_header':
    case 'add_trailer':
      return args[1] ? { args: [args[1]], target: 'response' } : undefined;
    case 'more_set_headers':
      return { args: args.filter((arg) => !arg.value.startsWith('-')), target: 'response' };
    case 'proxy_set_header':
    case 'grpc_set_header':
      return args[1] ? { args: [args[1]], target: 'request sent upstream' } : undefined;
    case 'proxy_pass':
      return { args: [args[0]], target: 'request line sent upstream' };
    case 'return': {
      if (args.length === 1 && URL_START.test(args[0].value)) return { args: [args[0]], target: 'response (Location header)' };
      if (args.length === 2 && REDIRECT_CODES.has(args[0].value)) return { args: [args[1]], target: 'response (Location header)' };
      return undefined;
    }
    case 'rewrite': {
      const [, replacement, flag] = args;
      if (!replacement) return undefined;
      const redirect = flag?.value === 'redirect' || flag?.value === 'permanent' || URL_START.test(replacement.value);
      return redirect ? { args: [replacement], target: 'response (Location header)', ownCaptures: true } : undefined;
    }
  }
  return undefined;
}

function judge(variables: NginxVariables, block: NginxBlock, entry: ExpandedDirective, checked: Checked): FindingDraft | undefined {
  const captures: RegexSource | undefined = checked.ownCaptures ? variables.rewriteRegex(entry) : undefined;
  let carriage: FindingDraft | undefined;
  for (const arg of checked.args) {
    for (const { part, facts, top } of variables.expand(arg.value, block, captures)) {
      if (!facts?.request) continue;
      // nginx escapes the rewrite's own captures in a redirect when the request had %-escapes
      // (the only way to get CR/LF in), and NGX_UNESCAPE_REDIRECT leaves control characters escaped.
      if (checked.ownCaptures && part.kind === 'capture' && top.kind === 'capture') continue;
      const lineBreak = (facts.mask & CH.LF) !== 0;
      if (!lineBreak && (facts.mask & CH.CR) === 0) continue;
      const draft: FindingDraft = {
        ...(lineBreak ? { messageId: 'lineBreak' } : { messageId: 'carriageReturn' }),
        data: {
          part: arg.value.slice(top.start, top.end),
          directive: entry.directive.name,
          origin: facts.origin.join(', '),
          target: checked.target,
        },
        primary: partSpan(arg, top),
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
