import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { acceptsCount, argValueOf, describeArgs, DirectiveSpec, DirectiveUseKind, isLuaBlockDirective } from '../src/model/nginx-directives';
import { docsUrl } from '../src/source/meta';
import { argumentsUnknown } from '../src/model/template-values';
import { invalidListenParameter } from '../src/model/nginx-listen';

const ID = 'nginx-directive-args';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description:
      'A directive with the wrong number of arguments, a block where none belongs (or none where one does), or a flag that is not on/off: nginx refuses to start',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      count: {
        message: 'Invalid number of arguments in "{{name}}": {{given}} given, {{expected}} expected{{syntax}}',
        help: 'nginx refuses to start (invalid number of arguments in "{{name}}" directive){{hint}}',
      },
      flag: {
        message: 'Invalid value "{{value}}" in "{{name}}"',
        help: 'nginx refuses to start (it must be "on" or "off")',
      },
      notTerminated: {
        message: '"{{name}}" takes no block',
        help: 'nginx refuses to start (directive "{{name}}" is not terminated by ";"); end it with ";"',
      },
      noOpeningBrace: {
        message: '"{{name}}" needs a block',
        help: 'nginx refuses to start (directive "{{name}}" has no opening "{")',
      },
      listenParameter: {
        message: 'Invalid parameter "{{value}}" in "listen"',
        help: 'nginx refuses to start (invalid parameter "{{value}}"){{hint}}',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    // The verdict depends only on the variants (one shared array per name and context), the
    // block and the count: judged once per kind, the uses read only where a kind may be wrong
    // (and for http's listen, whose parameters are read one by one).
    const verdicts = new Map<readonly DirectiveSpec[], Map<number, Verdict>>();
    const verdictOf = (kind: DirectiveUseKind): Verdict | undefined => {
      const variants = index.variantsHere(kind);
      if (variants.length === 0) return undefined; // unknown or not allowed here: the other rules say so
      let byShape = verdicts.get(variants);
      if (!byShape) verdicts.set(variants, (byShape = new Map()));
      const shapeKey = kind.argCount * 2 + (kind.opensBlock ? 1 : 0);
      let verdict = byShape.get(shapeKey);
      if (!verdict) byShape.set(shapeKey, (verdict = judge(variants, kind.name, kind.opensBlock, kind.argCount)));
      return verdict;
    };
    const flagged = index.checkedKinds.filter((kind) => {
      const verdict = verdictOf(kind);
      // `listen 80;` has no parameter to refuse.
      return verdict !== undefined && (verdict !== OK || (kind.name === 'listen' && kind.argCount > 1));
    });
    for (const use of index.usesOfKinds(flagged)) {
      const variants = index.variantsHere(use);
      const verdict = verdictOf(use.kind)!;
      if (verdict.kind === 'ok') {
        // http's listen, or a snippet's that may also be a stream or mail server's.
        if (use.directive.name === 'listen' && variants.some((spec) => spec.module === 'http_core') && !argumentsUnknown(use.directive)) {
          const args = use.directive.args;
          const bad = invalidListenParameter(
            args.map((arg) => arg.value),
            variants.some((spec) => spec.module === 'stream_core'),
          );
          if (bad !== -1) {
            const value = args[bad].value;
            const hint = index.table.lookup(value).length > 0 ? missingSemicolonHint(args[bad - 1].span.start.line, args[bad].span.start.line, value) : '';
            yield { modelPath: use.path, messageId: 'listenParameter', data: { value, hint }, primary: args[bad].span };
          }
        }
        continue;
      }
      const { directive } = use;
      // `listen {{ port }};`: a template's tag may write no word or several.
      if (verdict.kind !== 'shape' && argumentsUnknown(directive)) continue;
      const name = directive.name;
      if (verdict.kind === 'shape') {
        yield use.opensBlock
          ? { modelPath: use.path, messageId: 'notTerminated', data: { name }, primary: directive.blockOpen ?? directive.nameSpan }
          : { modelPath: use.path, messageId: 'noOpeningBrace', data: { name }, primary: directive.nameSpan };
        continue;
      }
      if (verdict.kind === 'count') {
        const { shaped } = verdict;
        const mask = shaped.reduce((all, spec) => all | spec.args, 0);
        const syntax = shaped.map((spec) => spec.syntax).filter((s): s is string => !!s);
        yield {
          modelPath: use.path,
          messageId: 'count',
          data: {
            name,
            given: use.argCount,
            expected: describeArgs(mask),
            syntax: syntax.length > 0 ? ` (${syntax.map((s) => `${name} ${s}`.trim()).join(' | ')})` : '',
            hint: hintFor(
              use.argCount,
              shaped,
              directive.args.map((arg) => arg.value),
            ),
          },
          primary: directive.args[Math.max(0, ...[...shaped.map((s) => maxCount(s.args))])]?.span ?? directive.nameSpan,
        };
        continue;
      }
      // A flag: its one argument must be on or off (read without building the argument objects).
      const value = argValueOf(directive, 0)!;
      const lower = value.toLowerCase();
      if (lower !== 'on' && lower !== 'off') yield { modelPath: use.path, messageId: 'flag', data: { name, value }, primary: directive.args[0].span };
    }
  },
});

/** What the variants say about a directive of this shape, before its values are looked at. */
type Verdict =
  | { kind: 'ok' }
  /** A block where none belongs, or none where one does. */
  | { kind: 'shape' }
  | { kind: 'count'; shaped: DirectiveSpec[] }
  /** The count is right; the value must be on or off. */
  | { kind: 'flag' };

const OK: Verdict = { kind: 'ok' };

function judge(variants: readonly DirectiveSpec[], name: string, opensBlock: boolean, argCount: number): Verdict {
  const shaped = variants.filter((spec) => spec.block === opensBlock || (isLuaBlockDirective(name) && spec.block));
  if (shaped.length === 0) return { kind: 'shape' };
  if (!shaped.some((spec) => acceptsCount(spec.args, argCount))) return { kind: 'count', shaped };
  if (shaped.every((spec) => spec.flag) && argCount === 1) return { kind: 'flag' };
  return OK;
}

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

/** `listen 80` with its `;` forgotten takes the next line's directive as parameters. */
function missingSemicolonHint(lineBefore: number, line: number, value: string): string {
  return line === lineBefore ? '' : `; "${value}" on line ${line} is a directive: the ";" at the end of line ${lineBefore} is missing`;
}
