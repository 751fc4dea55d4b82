import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-error-log-off';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: '"error_log off" does not turn the error log off: nginx writes it to a file named "off"',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      fileNamedOff: {
        message: '"error_log off" writes the error log to a file named "off" under nginx\'s prefix, not nowhere; use "error_log /dev/null crit" to discard it',
        help: 'ngx_log_set_log knows only stderr, memory:, syslog: and file paths: "off" is a relative path, opened as <prefix>/off (/etc/nginx/off or /usr/share/nginx/off). Errors keep being written there, unrotated, where nobody looks, and nginx fails to start if the directory is read-only. `error_log /dev/null crit;` discards almost everything; `error_log stderr;` hands the log to the container runtime',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    for (const use of index.checkedUsesNamed('error_log')) {
      const target = use.directive.args[0];
      if (!target || target.value !== 'off' || index.variantsHere(use).length === 0) continue;
      yield { messageId: 'fileNamedOff', primary: target.span, modelPath: use.path };
    }
  },
});
