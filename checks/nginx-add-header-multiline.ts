import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argCountOf, argsMayHoldLineBreak, argValueOf, NginxDirective } from '../src/model/nginx-directives';
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
    // Most trees have no header line that can hold a line break: asked first, without use objects.
    const uses = [...HEADER_DIRECTIVES].filter((name) => index.someDirectiveNamed(name, argsMayHoldLineBreak)).flatMap((name) => index.usesNamed(name));
    for (const use of uses) {
      const name = use.directive.name;
      // add_header Name Value; more_set_headers [-s status] [-t type] "Name: Value" ...
      // Values are read first, and argument objects (with spans) built only for a finding.
      // Most header lines are on one line without a backslash: no value to build then.
      if (!argsMayHoldLineBreak(use.directive)) continue;
      const brokenAt = brokenValueIndex(use.directive, name === 'more_set_headers');
      if (brokenAt < 0) continue;
      const args = use.directive.args;
      const broken = args[brokenAt];
      const key = `${use.directive.file}\0${broken.span.start.offset}`;
      if (!first(key)) continue;
      const header = name === 'more_set_headers' ? broken.value.split(':')[0].trim() : args[0].value;
      yield { messageId: 'multiline', data: { directive: name, name: header }, primary: broken.span, modelPath: use.path };
    }
  },
});

/** The index of the header value that holds a line break, or -1. */
function brokenValueIndex(directive: NginxDirective, headerLines: boolean): number {
  const count = argCountOf(directive);
  for (let i = headerLines ? 0 : 1; i < (headerLines ? count : Math.min(count, 2)); i++) {
    const value = argValueOf(directive, i)!;
    if ((!headerLines || value.includes(':')) && /[\r\n]/.test(value)) return i;
  }
  return -1;
}
