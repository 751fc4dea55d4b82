import { defineRule, FindingDraft, onceEach } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { ExpandedDirective } from '../src/readers/nginx';
import type { NginxBlock } from '../src/model/nginx';
import { accessList, authentication, isInternal } from '../src/model/nginx-access';
import { argumentsUnknown } from '../src/model/template-values';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-return-bypasses-access';

const AUTH_DIRECTIVES = ['auth_basic', 'auth_request', 'auth_jwt'];

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'security',
  meta: {
    description: 'return answers in the rewrite phase, before allow/deny and authentication run: the restriction of its location never applies to it',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      answersBeforeAccess: {
        message: '"return {{code}}" answers every client before "{{restriction}}" of this {{level}} is checked',
        help: 'nginx runs the rewrite phase (return, rewrite, set, if) before the access phase (allow/deny, auth_basic, auth_request): a location that both restricts and returns answers everyone, and "curl" from anywhere gets the body. Serve the content another way (a file with try_files, proxy_pass), or check the client in the rewrite phase yourself (a geo/map variable tested by an if that returns 403)',
      },
      redirectsBeforeAccess: {
        message: '"return {{code}}" redirects every client before the {{level}} level\'s "{{restriction}}" is checked',
        help: 'The redirect is sent before allow/deny or authentication run, so every client learns the target; the target is protected only if its own location is. Usually harmless, noted so that nobody relies on the restriction here',
      },
      answersBeforeOuterAccess: {
        message: '"return {{code}}" answers every client: the {{outer}} level\'s "{{restriction}}" runs after it',
        help: 'The restriction is inherited from an outer level, and nginx checks it only in the access phase, after return has answered. If this answer must stay public, say so with "auth_basic off;" / "allow all;"; if not, serve it without return',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    const first = onceEach();
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('return')) continue;
      if (!scope.setsAnywhere('deny') && !AUTH_DIRECTIVES.some((name) => scope.setsAnywhere(name))) continue;
      for (const block of [...scope.servers, ...scope.http.descendants().filter((b) => b.kind === 'location' || b.kind === 'if')]) {
        for (const entry of block.own('return')) {
          const kind = answerKind(entry);
          if (!kind) continue;
          const restriction = restrictionOf(block);
          // Only nginx's own redirects reach an internal location.
          if (!restriction || isInternal(block)) continue;
          const key = `${entry.directive.file}\0${entry.directive.span.start.offset}`;
          if (!first(key)) continue;
          const home = homeOf(block);
          const local = onChain(block, home, restriction.block);
          const code = entry.directive.args[0]?.value ?? '';
          const text = restrictionText(restriction.entry);
          const base = {
            primary: entry.directive.span,
            related: [{ span: restriction.entry.directive.span, label: 'checked only after return has answered (access phase)' }],
            modelPath: `${block.path}>return`,
          };
          if (kind === 'redirect') {
            yield { ...base, messageId: 'redirectsBeforeAccess', data: { code, restriction: text, level: levelName(restriction.block) }, maxSeverity: 'info' };
          } else if (local) {
            yield { ...base, messageId: 'answersBeforeAccess', data: { code, restriction: text, level: levelName(home) } };
          } else {
            // Inherited: maybe meant to be public (a health check under a site-wide password).
            yield {
              ...base,
              messageId: 'answersBeforeOuterAccess',
              data: { code, restriction: text, outer: levelName(restriction.block) },
              maxSeverity: 'info',
            };
          }
        }
      }
    }
  },
});

/** What a return sends: content (2xx, with or without text), a redirect, or nothing that matters (4xx/5xx). */
function answerKind(entry: ExpandedDirective): 'content' | 'redirect' | undefined {
  const first = entry.directive.args[0]?.value;
  // `return {{ code }} ...` in a template: the answer is not known.
  if (first === undefined || argumentsUnknown(entry.directive)) return undefined;
  if (!/^\d{3}$/.test(first)) return 'redirect'; // `return https://...;` is a 302
  const code = Number(first);
  if (code >= 300 && code < 400) return 'redirect';
  if (code >= 200 && code < 300) return 'content';
  return undefined;
}

/** The restriction in force in `block`: the first deny of its access list, else its authentication. */
function restrictionOf(block: NginxBlock): { entry: ExpandedDirective; block: NginxBlock } | undefined {
  const list = accessList(block);
  const deny = list?.rules.find((entry) => entry.directive.name === 'deny');
  if (list && deny) return { entry: deny, block: list.block };
  return authentication(block);
}

function restrictionText(entry: ExpandedDirective): string {
  const first = entry.directive.args[0]?.value ?? '';
  // A template tag stands for the address: name the directive only.
  return entry.directive.name === 'deny' && !argumentsUnknown(entry.directive) ? `deny ${first}` : entry.directive.name;
}

/** The location (or server) a block belongs to: `if` blocks answer for the location around them. */
function homeOf(block: NginxBlock): NginxBlock {
  let home = block;
  while (home.kind === 'if' && home.parent) home = home.parent;
  return home;
}

/** Whether `target` is `from`, `home`, or a level between them. */
function onChain(from: NginxBlock, home: NginxBlock, target: NginxBlock): boolean {
  for (let level: NginxBlock | undefined = from; level; level = level.parent) {
    if (level === target) return true;
    if (level === home) return false;
  }
  return false;
}

function levelName(block: NginxBlock): string {
  return block.kind === 'location' ? `location ${block.directive?.args.map((arg) => arg.value).join(' ') ?? ''}` : block.kind;
}
