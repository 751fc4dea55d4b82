import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { uwsgiBackends, uwsgiEntryPath } from '../src/model/uwsgi';
import { closestUwsgiOption, uwsgiOptionSpec } from '../src/reference/uwsgi/options';

const ID = 'uwsgi-unknown-option';

/** Words add_exported_option reads itself to close an if/for block (core/config.c); not options. */
const BLOCK_ENDS = new Set(['end', 'endfor', 'endif', 'end-if', 'end-for']);

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description: 'A uWSGI option name that neither uWSGI nor its plugins know: without strict mode it silently becomes a placeholder',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      unknown: {
        message: 'Unknown uWSGI option "{{option}}"',
        help: 'without "strict = true" uWSGI accepts it silently as a placeholder and sets nothing{{suggestion}}',
      },
      unknownStrict: {
        message: 'Unknown uWSGI option "{{option}}"',
        help: 'in strict mode uWSGI stops at start with "[strict-mode] unknown config directive: {{option}}"{{suggestion}}',
      },
      unknownOnCommandLine: {
        message: 'Unknown uWSGI option "{{written}}"',
        help: 'uWSGI stops at start with "getopt_long() error"{{suggestion}}',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    // A tree may repeat one unknown name on thousands of lines: look each up once.
    const closeByKey = new Map<string, string | undefined>();
    for (const backend of uwsgiBackends(model.backends)) {
      for (const entry of backend.options) {
        if (entry.origin === 'declared-option' || entry.setBy === 'set-placeholder') continue;
        const key = entry.key;
        if (key === '' || BLOCK_ENDS.has(key) || uwsgiOptionSpec(key) || backend.declaredOptions.has(key)) continue;
        // A name that some value reads as %(name) is a placeholder on purpose (checked again below;
        // here first, so that a file of 100k placeholders does not pay for 100k suggestions).
        if (entry.origin !== 'command-line' && backend.strict !== true && backend.placeholderNames.has(key)) continue;
        if (!closeByKey.has(key)) closeByKey.set(key, closestUwsgiOption(key));
        const close = closeByKey.get(key);
        const suggestion = close && close !== key ? `; did you mean "${close}"?` : '';
        const modelPath = uwsgiEntryPath(backend, entry);
        if (entry.origin === 'command-line') {
          // getopt rejects it before any option is applied.
          const written = key.startsWith('-') ? key : `--${key}`;
          yield {
            messageId: 'unknownOnCommandLine',
            data: { written, suggestion: close ? `; did you mean "--${close}"?` : '' },
            primary: entry.keySpan,
            modelPath,
          };
          continue;
        }
        if (backend.strict === true) {
          yield { messageId: 'unknownStrict', data: { option: key, suggestion }, primary: entry.keySpan, modelPath };
          continue;
        }
        // A name that some value reads as %(name) is a placeholder on purpose.
        if (backend.placeholderNames.has(key)) continue;
        // With part of the config unread (a missing include), the name may be used there: only
        // a near miss of a real option is still worth a warning.
        if (backend.gaps.length > 0 && !suggestion) continue;
        yield { messageId: 'unknown', data: { option: key, suggestion }, primary: entry.keySpan, modelPath };
      }
    }
  },
});
