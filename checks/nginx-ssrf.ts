import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { CH, ExpandedPart, Facts, HOST_DELIMITERS, isInternalOnly, NginxVariables, partSpan, URI_VARIABLES, ValuePart } from '../src/model/nginx-variables';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-ssrf';

/** Values that always start with `/`: after a literal host they begin the path, not extend the host. */

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'security',
  meta: {
    description: 'A proxy_pass (or fastcgi/uwsgi/scgi/grpc_pass) whose host or scheme the client chooses, in a location reachable from outside',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      clientHost: {
        message: '{{directive}} takes its {{what}} from the request: "{{part}}" comes from {{origin}}',
        help:
          'Any client can make nginx connect to a host of its choice (cloud metadata at 169.254.169.254, an admin port on ' +
          'localhost, another internal service) and read the answer. Choose the upstream from a fixed list (a `map` with literal ' +
          'values, or named upstreams), or mark the location `internal` if only X-Accel-Redirect or error_page reach it',
      },
      hostHeader: {
        message: '{{directive}} takes its {{what}} from the Host the client sent: "{{part}}" comes from {{origin}}',
        help:
          'When this server is the default for its address, any Host reaches it, and nginx connects to the host the client ' +
          'named (with `Host: 127.0.0.1:6379` for example). Map the Host to a fixed list of upstreams instead',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      let variables: NginxVariables | undefined;
      for (let i = 0; i < scope.passes.length; i++) {
        const pass = scope.passes[i];
        if (pass.target.kind !== 'variable') continue;
        if (isInternalOnly(pass.location)) continue;
        variables ??= NginxVariables.of(scope);
        const arg = pass.entry.directive.args[0];
        const found = clientChosenPart(variables.expand(arg.value, pass.location), pass.module === 'proxy' || pass.module === 'grpc');
        if (!found) continue;
        const fromHostOnly = found.facts.origin.every((origin) => /\$(host|http_host)\b/.test(origin));
        yield {
          ...(fromHostOnly ? { messageId: 'hostHeader' } : { messageId: 'clientHost' }),
          data: {
            directive: pass.entry.directive.name,
            what: found.inScheme ? 'scheme and host' : 'host',
            part: arg.value.slice(found.top.start, found.top.end),
            origin: found.facts.origin.join(', '),
          },
          primary: partSpan(arg, found.top),
          modelPath: `${pass.location.path}>${pass.entry.directive.name}`,
          maxSeverity: fromHostOnly ? 'warning' : undefined,
        };
      }
    }
  },
});

/**
 * The first part of the scheme or host that the client chooses. A part inside a host name that can
 * hold no delimiter (`svc-$1.internal` with `$1` from `([a-z]+)`) only picks a name under the
 * config's own suffix or prefix and is not reported.
 */
function clientChosenPart(parts: ExpandedPart[], hasScheme: boolean): { top: ValuePart; facts: Facts; inScheme: boolean } | undefined {
  let state: 'scheme' | 'host' = hasScheme ? 'scheme' : 'host';
  let hostLiteral = '';
  const candidates: { top: ValuePart; facts: Facts; inScheme: boolean }[] = [];
  for (const { part, facts, top } of parts) {
    if (part.kind === 'text') {
      let text = part.text;
      if (state === 'scheme') {
        const end = text.indexOf('://');
        // A path before any `://`: the scheme and host came from what precedes (a template's URL).
        if (end === -1) {
          if (/[/?]/.test(text)) break;
          continue;
        }
        state = 'host';
        text = text.slice(end + 3);
      }
      const pathStart = text.search(/[/?]/);
      hostLiteral += pathStart === -1 ? text : text.slice(0, pathStart);
      if (pathStart !== -1) break;
      continue;
    }
    if (state === 'host' && hostLiteral !== '' && part.kind === 'variable' && URI_VARIABLES.has(part.name)) break;
    // An untraceable variable may hold a `/` that ends the host: nothing after it is judged.
    if (!facts) return undefined;
    if (facts.request) candidates.push({ top, facts, inScheme: state === 'scheme' });
    // A value that may hold `/` may end the host itself; what follows may be path.
    if (facts.mask & CH.SLASH) break;
  }
  if (candidates.length === 0) return undefined;
  const hostHasLiteral = hostLiteral.replace(/:\d*$/, '') !== '';
  return candidates.find((c) => c.inScheme || (c.facts.mask & HOST_DELIMITERS) !== 0 || !hostHasLiteral);
}
