import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { blockMayMentionCapture, mentionsCapture } from '../src/model/nginx-census';
import { analyzeRegex, NginxArg, NginxVariables, partSpan, RegexInfo, valueParts } from '../src/model/nginx-variables';
import type { Span } from '../src/source/span';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-capture-reference';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description: 'A $N names a capture group that the regex in force does not have: nginx substitutes an empty string',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      missingGroup: {
        message: '"{{capture}}" refers to group {{n}}, but regex "{{regex}}" has {{count}}: nginx puts an empty string there',
        help:
          'nginx fills `$N` from the last regex that matched; a group it does not have gives an empty value ' +
          '(ngx_http_script_copy_capture_code copies nothing when N is past the captures), so a redirect or path loses ' +
          'that part without any error. Add the group to the regex, or use the right number',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      const variables = NginxVariables.of(scope);
      // A map's regex keys and the values that use their captures.
      const maps = variables.withVariablesNamed('map');
      for (let i = 0; i < maps.length; i++) {
        const { entry, block } = maps[i];
        // Most maps use no capture: the file's `$` table says so without reading their lines.
        if (!blockMayMentionCapture(entry.directive)) continue;
        for (const item of entry.children ?? []) {
          if (!item.directive.name.startsWith('~') || !mentionsCapture(item.directive)) continue;
          const regex = analyzeRegex(item.directive.name.replace(/^~\*?/, ''));
          const finding = judge([item.directive.args[0]], regex, item.directive.nameSpan, `${block.path}>map[${entry.directive.args[1]?.value ?? ''}]`);
          if (finding) yield finding;
        }
      }
      for (const { entry, block } of variables.withCaptures) {
        const name = entry.directive.name;
        if (name === 'map' && entry.children) continue;
        const args = entry.directive.args;
        const checked = name === 'rewrite' ? args.slice(1, 2) : args;
        if (!checked.some((arg) => /\$\{?[1-9]/.test(arg.value))) continue;
        const source = name === 'rewrite' ? variables.rewriteRegex(entry) : variables.capturesFor(block);
        if (!source) continue;
        const finding = judge(checked, source.regex, regexArg(source.entry?.directive.args ?? [], source.regex.source)?.span, `${block.path}>${name}`);
        if (finding) yield finding;
      }
    }
  },
});

/** The argument that holds the regex: `^/(x)$` in `location ~ ^/(x)$`, `($a ~ ^/(x)$)`, `~^(.+)\.example$`. */
function regexArg(args: NginxArg[], source: string): NginxArg | undefined {
  return args.find((arg) => arg.value.replace(/^\(|\)$/g, '').replace(/^~\*?/, '') === source) ?? args[args.length - 1];
}

function judge(args: NginxArg[], regex: RegexInfo, regexSpan: Span | undefined, modelPath: string): FindingDraft | undefined {
  const count = regex.groupCount;
  // A regex without groups empties them too: ngx_http_regex_exec sets r->ncaptures from every
  // match (`rc * 2`, 0 or 2 then), so `$1` after it copies nothing.
  if (count === undefined) return undefined;
  for (const arg of args) {
    for (const part of valueParts(arg.value)) {
      if (part.kind !== 'capture' || part.index <= count) continue;
      return {
        messageId: 'missingGroup',
        data: { capture: arg.value.slice(part.start, part.end), n: part.index, regex: regex.source, count: count === 1 ? '1 group' : `${count} groups` },
        primary: partSpan(arg, part),
        related: regexSpan ? [{ span: regexSpan, label: 'the regex in force' }] : [],
        modelPath,
      };
    }
  }
  return undefined;
}
