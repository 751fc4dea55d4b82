import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-add-header-multiline';

/** Directives that send a response header whose value is written in the config. */
const HEADER_DIRECTIVES = new Set(['add_header', 'add_trailer', 'more_set_headers']);

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'A header value written over several lines: nginx sends the line break inside the header',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      multiline: {
        message: 'The value of "{{directive}} {{name}}" holds a line break: nginx sends it inside the header',
        help: 'nginx copies the quoted string as written, newline and indentation included, so the response carries an obsolete folded header line (RFC 9112 §5.2): some clients reject the response, others read the rest as a new header or cut the value at the break (a Content-Security-Policy then loses every directive after the first line). Write the value on one line; split a long CSP with a map or set, e.g. set $csp "default-src \'self\'; "; set $csp "${csp}img-src \'self\'";',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    const index = model.nginx.directives;
    for (const use of [...HEADER_DIRECTIVES].flatMap((name) => index.usesNamed(name))) {
      const name = use.directive.name;
      const args = use.directive.args;
      // add_header Name Value; more_set_headers [-s status] [-t type] "Name: Value" ...
      const values = name === 'more_set_headers' ? args.filter((arg) => arg.value.includes(':')) : args.slice(1, 2);
      const broken = values.find((arg) => /[\r\n]/.test(arg.value));
      if (!broken) continue;
      const key = `${use.directive.file}\0${broken.span.start.offset}`;
      if (!first(key)) continue;
      const header = name === 'more_set_headers' ? broken.value.split(':')[0].trim() : args[0].value;
      yield { messageId: 'multiline', data: { directive: name, name: header }, primary: broken.span, modelPath: use.path };
    }
  },
});
