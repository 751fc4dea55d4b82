import { defineRule, FindingDraft } from '../src/engine/rule';
import type { Deployment } from '../src/model/deployment';
import { acceptsCount, describeArgs, DirectiveSpec, isLuaBlockDirective } from '../src/model/nginx-directives';
import { docsUrl } from '../src/meta';

const ID = 'nginx-directive-args';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: 'A directive with the wrong number of arguments, a block where none belongs (or none where one does), or a flag that is not on/off: nginx refuses to start',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      count:
        'Invalid number of arguments in "{{name}}": {{given}} given, {{expected}} expected{{syntax}}: ' +
        'nginx refuses to start (invalid number of arguments in "{{name}}" directive){{hint}}',
      flag: 'Invalid value "{{value}}" in "{{name}}": nginx refuses to start (it must be "on" or "off")',
      notTerminated: '"{{name}}" takes no block: nginx refuses to start (directive "{{name}}" is not terminated by ";"); end it with ";"',
      noOpeningBrace: '"{{name}}" needs a block: nginx refuses to start (directive "{{name}}" has no opening "{")',
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    for (const use of index.checkedUses()) {
      const variants = index.variantsHere(use);
      if (variants.length === 0) continue; // unknown or not allowed here: the other rules say so
      const { directive } = use;
      const name = directive.name;
      const base = { modelPath: use.path };
      const shaped = variants.filter((spec) => spec.block === use.opensBlock || (isLuaBlockDirective(name) && spec.block));
      if (shaped.length === 0) {
        yield use.opensBlock
          ? { ...base, messageId: 'notTerminated', data: { name }, primary: directive.blockOpen ?? directive.nameSpan }
          : { ...base, messageId: 'noOpeningBrace', data: { name }, primary: directive.nameSpan };
        continue;
      }
      if (!shaped.some((spec) => acceptsCount(spec.args, use.argCount))) {
        const mask = shaped.reduce((all, spec) => all | spec.args, 0);
        const syntax = shaped.map((spec) => spec.syntax).filter((s): s is string => !!s);
        yield {
          ...base,
          messageId: 'count',
          data: {
            name,
            given: use.argCount,
            expected: describeArgs(mask),
            syntax: syntax.length > 0 ? ` (${syntax.map((s) => `${name} ${s}`.trim()).join(' | ')})` : '',
            hint: hintFor(use.argCount, shaped, directive.args.map((arg) => arg.value)),
          },
          primary: directive.args[Math.max(0, ...[...shaped.map((s) => maxCount(s.args))])]?.span ?? directive.nameSpan,
        };
        continue;
      }
      if (shaped.every((spec) => spec.flag) && use.argCount === 1) {
        const arg = directive.args[0];
        const value = arg.value.toLowerCase();
        if (value !== 'on' && value !== 'off') yield { ...base, messageId: 'flag', data: { name, value: arg.value }, primary: arg.span };
      }
    }
  },
});

/** The highest count below 8 the directive takes (the first argument too many is the primary). */
function maxCount(mask: number): number {
  for (let n = 7; n >= 0; n--) if (mask & (1 << n)) return n;
  return 0;
}

/** A time written with a space (`1h 30m`) must be quoted; say so when that is the likely cause. */
function hintFor(given: number, specs: DirectiveSpec[], values: string[]): string {
  const takesOne = specs.every((spec) => spec.args === 2);
  if (takesOne && given > 1 && values.every((v) => /^\d+(ms|s|m|h|d|w|M|y)?$/.test(v))) return `; quote a combined time: "${values.join(' ')}"`;
  return '';
}
