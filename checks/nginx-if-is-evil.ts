import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import { docsUrl } from '../src/source/meta';
import { argumentsUnknown } from '../src/model/template-values';
import { isUnknownValue } from '../src/discovery/template';

const ID = 'nginx-if-is-evil';

/**
 * Directives after which a request no longer runs in the `if` block's configuration, or gets a
 * content handler of the block's own: `return` ends it, a `rewrite` other than `break` may send it
 * to another location, a `*_pass` serves it from the block on purpose.
 */
const LEAVES_OR_SERVES = new Set(['return', 'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']);

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description:
      'An "if" in a location that has "try_files": when the condition holds, the request runs in the if block\'s configuration, which has no try_files',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      skipsTryFiles: {
        message:
          'When "if {{condition}}" holds, this location\'s "try_files {{tryFiles}}" is skipped: the if block has its own configuration and try_files is not inherited into it',
        help: "nginx serves the request from the if block's configuration, where try_files is unset: the URI is served as a static file from root (a 404 for a front controller's routes, or the PHP source for a .php URI) instead of the fallback. End the if with `return` or `rewrite ... last`, or move the condition into a map and test it outside the location",
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      for (let i = 0; i < scope.locations.length; i++) {
        const location = scope.locations[i];
        if (!holdsIf(location)) continue;
        const tryFiles = location.ownLast('try_files');
        if (!tryFiles) continue;
        for (const block of location.children) {
          if (block.kind !== 'if' || !staysInBlock(block)) continue;
          const directive = block.directive!;
          const condition = conditionText(directive.args.map((arg) => arg.value));
          // `if (-f $request_filename)`: the file exists, so the static file it serves is what try_files would serve too.
          if (/^\(\s*-[efd]\s/.test(condition)) continue;
          yield {
            messageId: 'skipsTryFiles',
            data: { condition, tryFiles: tryFiles.directive.args.map((arg) => arg.value).join(' ') },
            primary: directive.nameSpan,
            related: [{ span: tryFiles.directive.span, label: 'try_files of the location' }],
            modelPath: block.path,
          };
        }
      }
    }
  },
});

/** Whether the location holds an `if` block: a loop, not some() with a closure made per location. */
function holdsIf(location: NginxBlock): boolean {
  for (let i = 0; i < location.children.length; i++) if (location.children[i].kind === 'if') return true;
  return false;
}

/** Whether a request whose condition holds certainly stays in the block's configuration without a handler of its own. */
function staysInBlock(block: NginxBlock): boolean {
  // A template statement inside the block may write a `return` when rendered.
  if (argumentsUnknown(block.directive!)) return false;
  for (const entry of block.directives) {
    const { name, args } = entry.directive;
    if (LEAVES_OR_SERVES.has(name) || isUnknownValue(name)) return false;
    // An include cfglint could not read may hold a `return`.
    if (name === 'include' && !entry.children) return false;
    // `rewrite ... break` stays; any other rewrite may move the request on, which is not provable either way.
    if (name === 'rewrite' && args[args.length - 1]?.value !== 'break') return false;
  }
  return true;
}

/** `($a ~* "b")` is read as `($a`, `~*`, `b`, `)`: joined back as the condition reads. */
function conditionText(words: string[]): string {
  return words
    .join(' ')
    .replace(/^\(\s+/, '(')
    .replace(/\s+\)$/, ')');
}
