import { defineRule, FindingDraft } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Deployment } from '../src/model/deployment';
import { uwsgiBackends, uwsgiEntryPath } from '../src/model/uwsgi';
import type { UwsgiOptionEntry } from '../src/readers/uwsgi/uwsgi-backend';
import { Fix, holdsAt, plainSource } from '../src/source/edit';
import { uwsgiOptionQuantity, uwsgiOptionSpec } from '../src/reference/uwsgi/options';
import { intendedUwsgiQuantity, isPlainUwsgiInteger, readUwsgiNumber } from '../src/reference/uwsgi/values';

const ID = 'uwsgi-value-units';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'A uWSGI integer option written with a unit or other text: uWSGI reads it with atoi/strtoul and uses only the leading digits',
    docsUrl: docsUrl(ID),
    fixable: true,
    messages: {
      truncated: {
        message: '{{option}} is {{used}}{{intended}}',
        help: 'uWSGI reads "{{value}}" with {{parser}}, which stops at the first character that is not a digit{{fix}}',
      },
      noNumber: {
        message: '{{option}} is {{used}}',
        help: 'uWSGI reads "{{value}}" with {{parser}}, which finds no number in it{{reason}}',
      },
      capped: {
        message: '{{option}} is 65535 bytes, not {{value}}',
        help: 'uWSGI keeps it in 16 bits and caps it at 65535',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const backend of uwsgiBackends(model.backends)) {
      for (const entry of backend.options) {
        const spec = uwsgiOptionSpec(entry.key);
        if (!spec || spec.reader === 'flag' || spec.reader === 'flag-inverted' || spec.reader === 'other') continue;
        // Immediate options (`listen`) are applied with the value as written, placeholders and all.
        const value = spec.immediate ? entry.rawValue : entry.value;
        if (typeof value !== 'string') continue;
        const modelPath = uwsgiEntryPath(backend, entry);
        const used = readUwsgiNumber(spec.reader, value);
        const quantity = uwsgiOptionQuantity(entry.key);
        const parser = spec.reader === 'int' ? 'atoi' : 'strtoul';
        const shown = spec.reader === 'megabytes' ? `${used / (1024 * 1024)} MiB` : withUnit(used, quantity);
        if (isPlainUwsgiInteger(value)) {
          if (spec.reader === 'uint16' && used === 65535 && value.replace(/^\+/, '') !== '65535') {
            yield { messageId: 'capped', data: { option: entry.key, value }, primary: entry.valueSpan, modelPath };
          }
          continue;
        }
        const leading = /^\s*[+-]?[0-9]+/.exec(value);
        if (leading) {
          const intended = spec.reader === 'megabytes' ? undefined : intendedUwsgiQuantity(value, quantity);
          const differs = intended !== undefined && intended.value !== used;
          // `1024 # backlog` reads as 1024, as meant: the comment is uwsgi-inline-comment's concern.
          if (!differs && /^\s/.test(value.slice(leading[0].length))) continue;
          let fix = '; write a plain number';
          let number: number | undefined;
          if (differs && Number.isInteger(intended.value)) {
            number = spec.reader === 'uint16' ? Math.min(intended.value, 65535) : intended.value;
            fix = number !== intended.value ? '; write 65535, the most uWSGI allows' : `; write ${number}`;
          }
          yield {
            messageId: 'truncated',
            data: { option: entry.key, used: shown, intended: differs ? `, not ${withUnit(intended.value, quantity)}` : '', value, parser, fix },
            primary: entry.valueSpan,
            modelPath,
            ...(number !== undefined ? writeNumber(model, entry, number) : {}),
          };
          continue;
        }
        let placeholder = '';
        if (spec.immediate && /[%$@]\(/.test(value)) placeholder = `; ${entry.key} is applied while the file is read, before "${value}" would be expanded`;
        else if (value === '') placeholder = '; a key without "= value" has an empty value (only on the command line does a bare option mean 1)';
        yield {
          messageId: 'noNumber',
          data: { option: entry.key, used: shown, value, parser, reason: placeholder },
          primary: entry.valueSpan,
          modelPath,
        };
      }
    }
  },
});

/**
 * The number the message advises, written over the value: only in an ini file, where the value is
 * the text as written (no placeholder, no `$(ENV)` to expand) and the file holds it at its span.
 */
function writeNumber(model: Deployment, entry: UwsgiOptionEntry, number: number): { fix: Fix } | Record<string, never> {
  const source = plainSource(model.sourceTexts?.get(entry.file));
  if (
    entry.origin !== 'ini' ||
    !source ||
    entry.text === null ||
    entry.rawValue !== entry.text ||
    entry.value !== entry.text ||
    !holdsAt(source, entry.valueSpan, entry.text)
  )
    return {};
  return { fix: { title: `write ${entry.key} = ${number}`, edits: [{ span: entry.valueSpan, text: String(number) }] } };
}

function withUnit(value: number, quantity: 'seconds' | 'bytes' | 'count'): string {
  if (quantity === 'seconds') return `${value} ${value === 1 ? 'second' : 'seconds'}`;
  if (quantity === 'bytes') return `${value} ${value === 1 ? 'byte' : 'bytes'}`;
  return String(value);
}
