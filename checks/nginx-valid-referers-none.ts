import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-valid-referers-none';

export const rule = defineRule({
  id: ID,
  severity: 'info',
  category: 'security',
  meta: {
    description: 'valid_referers none: a request without a Referer passes the referer check, and any page can send one',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      none: {
        message: '"valid_referers none" lets every request without a Referer through, and any page can make the browser send none',
        help: 'A page with <meta name="referrer" content="no-referrer"> (or rel="noreferrer", or a redirect from https to http) makes the browser omit Referer; with "none" listed, $invalid_referer is then empty and the check passes. That is fine for hotlink protection (direct visits should work), not for anything the referer check guards against a deliberate attacker: use a token, a cookie with SameSite, or authentication there',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    for (const use of model.nginx.directives.usesNamed('valid_referers')) {
      // ngx_http_valid_referers compares with strcmp: only the lower-case word is the keyword.
      const none = use.directive.args.find((arg) => arg.value === 'none');
      if (!none) continue;
      const key = `${use.directive.file}\0${none.span.start.offset}`;
      if (!first(key)) continue;
      yield { messageId: 'none', primary: none.span, modelPath: use.path };
    }
  },
});
