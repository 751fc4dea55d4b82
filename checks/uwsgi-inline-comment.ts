import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { spanWithin, uwsgiBackends, uwsgiEntryPath } from '../src/model/uwsgi';
import { UwsgiOptionEntry } from '../src/readers/uwsgi/uwsgi-backend';
import { Fix, holdsAt, insertLineAbove, plainSource, replaceEdit } from '../src/source/edit';
import { uwsgiOptionSpec } from '../src/reference/uwsgi/options';
import { isPlainUwsgiInteger, readUwsgiFlag } from '../src/reference/uwsgi/values';

const ID = 'uwsgi-inline-comment';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description: 'A "; …" or "# …" after a value in a uWSGI ini file: uWSGI keeps it as part of the value',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      commentInValue: {
        message: 'uWSGI does not strip "{{comment}}" after the value: {{option}} is "{{value}}"{{effect}}',
        help: 'put the comment on a line of its own',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const backend of uwsgiBackends(model.backends)) {
      for (const entry of backend.options) {
        if (entry.origin !== 'ini' || entry.text === null || runsAShell(entry)) continue;
        // A comment marker after whitespace; `app#1.log` or `#fff` glued to text is not one.
        const marker = /[ \t][;#]/.exec(entry.text);
        if (!marker) continue;
        const start = marker.index + 1;
        const comment = entry.text.slice(start);
        const value = typeof entry.value === 'string' ? entry.value : entry.text;
        // A name uWSGI does not know sets nothing: its value matters only where a %(name) reads it
        // (else uwsgi-unknown-option reports the name, and the comment changes nothing).
        if (!uwsgiOptionSpec(entry.key) && !backend.placeholderNames.has(entry.key)) continue;
        const effect = effectOf(entry.key, value, value.length - comment.length);
        if (effect === undefined) continue;
        const fix = commentOnItsOwnLine(model, entry, entry.text, start);
        yield {
          messageId: 'commentInValue',
          data: { comment, option: entry.key, value, effect },
          primary: spanWithin(entry.valueSpan, entry.text, start, entry.text.length),
          modelPath: uwsgiEntryPath(backend, entry),
          ...(fix ? { fix } : {}),
        };
      }
    }
  },
});

/**
 * The help's advice: the comment moved onto a line of its own above the option, indented as the
 * key, and the value ends where the comment began. Only where the file holds the value as written
 * at its span and the key starts its line.
 */
function commentOnItsOwnLine(model: Deployment, entry: UwsgiOptionEntry, text: string, commentStart: number): Fix | undefined {
  const source = plainSource(model.sourceTexts?.get(entry.file));
  if (!source || !holdsAt(source, entry.valueSpan, text) || entry.keySpan.file !== entry.file) return undefined;
  const kept = text.slice(0, commentStart).trimEnd().length;
  const above = insertLineAbove(source, entry.keySpan, text.slice(commentStart));
  if (!above || kept === 0) return undefined;
  const removed = replaceEdit(source, entry.valueSpan.start.offset + kept, entry.valueSpan.end.offset, '');
  return { title: `move the comment after ${entry.key} onto a line of its own`, edits: [above, removed] };
}

/**
 * What the comment changes, for the message; undefined when it changes nothing: a number read
 * by atoi/strtoul stops before the comment (`processes = 4 # four` is 4), and a switch that
 * reads the same with and without it (`master = true # on`). `master = false # off` is true.
 */
function effectOf(key: string, value: string, commentAt: number): string | undefined {
  const reader = uwsgiOptionSpec(key)?.reader;
  const before = value.slice(0, Math.max(0, commentAt)).trim();
  if ((reader === 'int' || reader === 'uint64' || reader === 'uint16' || reader === 'megabytes') && isPlainUwsgiInteger(before)) return undefined;
  if (reader === 'flag' || reader === 'flag-inverted') {
    const meant = readUwsgiFlag(before);
    if (readUwsgiFlag(value) === meant) return undefined;
    return `, which uWSGI reads as "${readUwsgiFlag(value)}", not "${meant}"`;
  }
  return '';
}

/**
 * Options whose value is a shell command: the shell itself treats ` # …` as a comment and `;` as
 * a separator, so there the text does what it says.
 */
function runsAShell(entry: UwsgiOptionEntry): boolean {
  const key = entry.key;
  // Hooks run a shell only through the exec/safeexec actions (`hook-asap = exec:…`).
  if (/^hook-|-hook$/.test(key)) return /^(exec|safeexec):/.test(entry.text ?? '');
  return (
    /^(exec-|worker-exec|touch-exec|emperor-(magic|on-demand)-exec)/.test(key) ||
    /(^|-)(cron|cron2|attach-daemon|attach-daemon2|attach-control-daemon|smart-attach-daemon|smart-attach-daemon2)$/.test(key) ||
    /^(unique-cron|cron|legion-cron|unique-legion-cron)(-legion)?$/.test(key)
  );
}
