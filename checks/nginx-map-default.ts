import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { argCountOf, ExpandedDirective } from '../src/model/nginx-directives';
import { isUnknownValue } from '../src/discovery/template';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-map-default';

/** Lines of a map or geo block that set how it works, not an entry (ngx_http_map / ngx_http_geo). */
const PARAMETERS: Record<string, ReadonlySet<string>> = {
  map: new Set(['hostnames', 'volatile']),
  geo: new Set(['ranges', 'proxy', 'proxy_recursive', 'delete']),
};

/** Regex keys that match every value, so nothing falls through to the empty default. */
const MATCHES_EVERYTHING = new Set(['', '.*', '^', '^.*', '^.*$', '.*$', '(.*)', '^(.*)$']);

/** geo networks that cover every client address, which nginx's docs give as stand-ins for `default`. */
const EVERY_ADDRESS = new Set(['0.0.0.0/0', '::/0']);

export const rule = defineRule({
  id: ID,
  severity: 'info',
  category: 'correctness',
  meta: {
    description: 'A map or geo block without "default": a value that matches no entry gives the variable the empty string',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      noDefault: {
        message: '"{{head}}" has no "default": a value that matches no entry ({{entries}} in the block) sets "{{variable}}" to the empty string',
        help: 'nginx gives no warning: an unmatched value yields "" silently. Where the variable feeds proxy_pass, a header or a limit key, an empty value changes what happens. Add a `default` line with the value you mean (`default "";` says the empty string is intended)',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const index = model.nginx.directives;
    for (const uses of [index.checkedUsesNamed('map'), index.checkedUsesNamed('geo')]) {
      for (let i = 0; i < uses.length; i++) {
        const use = uses[i];
        const { directive, entry } = use;
        const name = directive.name;
        if (!entry.children || argCountOf(directive) === 0) continue;
        // An include that could not be read, or a template tag, may hold the default.
        const entries = uncoveredEntryCount(name, entry.children, PARAMETERS[name]);
        if (entries === undefined || entries === 0) continue;
        const args = directive.args.map((arg) => arg.value);
        const variable = args[args.length - 1];
        yield {
          messageId: 'noDefault',
          data: { head: `${name} ${args.join(' ')}`, variable, entries },
          primary: directive.nameSpan,
          modelPath: use.path,
        };
      }
    }
  },
});

/**
 * How many entries the block has, includes followed; undefined as soon as one key covers every
 * value (most blocks start with `default`) or one cannot be known: either way there is nothing to report.
 */
function uncoveredEntryCount(block: string, children: ExpandedDirective[], parameters: ReadonlySet<string>): number | undefined {
  let count = 0;
  for (const child of children) {
    const key = child.directive.name;
    if (key === 'include') {
      if (!child.children) return undefined;
      const inner = uncoveredEntryCount(block, child.children, parameters);
      if (inner === undefined) return undefined;
      count += inner;
      continue;
    }
    if (isUnknownValue(key)) return undefined;
    // `hostnames;`, `ranges;` take no argument; geo's `proxy` and `delete` take a network.
    if (parameters.has(key) && (argCountOf(child.directive) === 0 || key === 'proxy' || key === 'delete')) continue;
    if (coversEverything(block, key)) return undefined;
    count++;
  }
  return count;
}

function coversEverything(block: string, key: string): boolean {
  if (key === 'default') return true;
  if (block === 'geo') return EVERY_ADDRESS.has(key);
  const regex = /^~\*?(.*)$/.exec(key);
  return regex !== null && MATCHES_EVERYTHING.has(regex[1]);
}
