import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { docsUrl } from '../src/source/meta';
import { argumentsUnknown } from '../src/model/template-values';

const ID = 'nginx-version-disclosure';

/** ngx_conf_set_enum_slot compares without case: `ON` and `Build` are accepted as written. */
const DISCLOSING = new Set(['on', 'build']);

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'server_tokens on or build written in the tree: every response names the exact nginx version',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      disclosed: {
        message: '"server_tokens {{value}}" puts the nginx version in every Server header and error page',
        help: 'Every response then carries "Server: nginx/1.24.0" (with build: the build name too) and nginx\'s own error pages end in "nginx/1.24.0": a scanner matches that against the CVE list without sending one probe. Write "server_tokens off;" in the http block',
      },
      reEnabled: {
        message: '"server_tokens {{value}}" turns the version back on under the {{outer}} level\'s "server_tokens off"',
        help: 'An outer level turns the version off; this level turns it back on, for the responses it serves. Remove this line',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('server_tokens')) continue;
      for (const block of [scope.http, ...scope.http.descendants()]) {
        for (const entry of block.own('server_tokens')) {
          // The controller's own default is not written in the tree.
          if (entry.generated?.kind === 'default') continue;
          const arg = entry.directive.args[0];
          // `server_tokens {{ if .Show }}on{{ else }}off{{ end }};`: the template decides, not the tree.
          if (!arg || argumentsUnknown(entry.directive) || !DISCLOSING.has(arg.value.toLowerCase())) continue;
          const outerOff = block.parent ? offAbove(block.parent, entry.via[0]?.file ?? entry.directive.file) : undefined;
          const data = { value: arg.value, outer: outerOff ? outerOff.block.kind : '' };
          const base = { data, primary: arg.span, modelPath: `${block.path}>server_tokens` };
          if (outerOff) yield { ...base, messageId: 'reEnabled', related: [{ span: outerOff.span, label: 'turned off here' }] };
          else yield { ...base, messageId: 'disclosed' };
        }
      }
    }
  },
});

/** The nearest outer `server_tokens`, when it is `off`. */
function offAbove(block: NginxBlock, file: string) {
  const found = block.inherited('server_tokens');
  if (!found || found.entry.directive.args[0]?.value.toLowerCase() !== 'off') return undefined;
  // Snippets no main config includes share an http level in the model only: another file's is no parent.
  if (!found.block.node && found.block.kind === 'http' && (found.entry.via[0]?.file ?? found.entry.directive.file) !== file) return undefined;
  return { block: found.block, span: found.entry.directive.span };
}
