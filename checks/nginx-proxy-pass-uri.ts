import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argCountOf, argValueOf } from '../src/model/nginx-directives';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-proxy-pass-uri';

export const rule = defineRule({
  id: ID,
  severity: 'info',
  category: 'correctness',
  meta: {
    description: 'A URI part in proxy_pass makes nginx send the decoded and normalised path instead of the one the client sent',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      normalisedPath: {
        message: 'proxy_pass "{{target}}" has a URI part ("{{uri}}"): the backend gets the path nginx decoded and normalised, not the one the client sent',
        help:
          'nginx replaces the matched location prefix with the URI part and sends its own, decoded and normalised, copy of the ' +
          'path: `%2F` becomes `/`, `/a/../b` becomes `/b`, `//` becomes `/` (with merge_slashes). A backend that routes on ' +
          'encoded slashes or signs the path breaks, and a path the backend would refuse may be rewritten into one it accepts. ' +
          "Drop the URI part (`proxy_pass http://app;`) to pass the client's path unchanged",
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const { passes } = model.nginx;
    for (let i = 0; i < passes.length; i++) {
      const pass = passes[i];
      if (pass.module !== 'proxy' || pass.location.kind !== 'location') continue;
      const uri = pass.uri;
      if (uri === undefined) continue;
      // Values only: argument objects (with spans) are built for a finding.
      const location = pass.location.directive;
      const count = location ? argCountOf(location) : 0;
      const first = location ? (argValueOf(location, 0) ?? '') : '';
      // nginx refuses a URI part in regex and named locations; a rewrite changes what is sent.
      // An exact location sends proxy_pass's URI alone: nothing of the client's path is left to append.
      if (count > 1 && first !== '^~') continue;
      if (first.startsWith('@') || first.startsWith('~')) continue;
      if (pass.location.own('rewrite').length > 0) continue;
      const arg = pass.entry.directive.args[0];
      yield {
        messageId: 'normalisedPath',
        data: { target: arg.value, uri },
        primary: arg.span,
        modelPath: `${pass.location.path}>proxy_pass`,
      };
    }
  },
});
