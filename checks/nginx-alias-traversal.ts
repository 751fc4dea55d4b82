import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import { docsUrl } from '../src/source/meta';
import { isInternal } from '../src/model/nginx-access';

const ID = 'nginx-alias-traversal';

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'security',
  meta: {
    description: 'alias ends with a slash in a prefix location that does not: "/prefix../" reads the directory above the alias',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      parentReadable: {
        message: 'Location "{{prefix}}" has no trailing slash but its alias "{{alias}}" has one: "{{prefix}}../" reads "{{parent}}"{{reach}}',
        help:
          'nginx replaces the matched prefix with the alias: a request for `{{prefix}}../secret` becomes `{{alias}}../secret`, ' +
          'and the path is not normalised again (`i..` is not a `..` segment when nginx checks the URI). End both with a slash ' +
          '(`location /i/ { alias /data/w/; }`), or drop both slashes',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      if (!scope.setsAnywhere('alias')) continue;
      for (const location of scope.locations) {
        const aliasEntry = location.ownLast('alias');
        if (!aliasEntry) continue;
        const args = location.directive?.args ?? [];
        // Only prefix locations: `=` matches one URI, a regex location's alias uses captures.
        const uriArg = args.length === 1 ? args[0] : args.length === 2 && args[0].value === '^~' ? args[1] : undefined;
        if (!uriArg) continue;
        const prefix = uriArg.value;
        if (prefix === '' || prefix.endsWith('/') || prefix.startsWith('@') || prefix.startsWith('~') || prefix.startsWith('=') || prefix.includes('$'))
          continue;
        const alias = aliasEntry.directive.args[0];
        if (!alias || !alias.value.endsWith('/')) continue;
        const trimmed = alias.value.replace(/\/+$/, '');
        // An internal location answers clients 404: only a redirect the backend builds
        // (X-Accel-Redirect) reaches it, and the path is the backend's to get right.
        const internal = isInternal(location);
        yield {
          messageId: 'parentReadable',
          data: {
            prefix,
            alias: alias.value,
            parent: `${trimmed.slice(0, trimmed.lastIndexOf('/') + 1) || '/'}`,
            reach: internal ? ' when a redirect of the backend (X-Accel-Redirect) builds such a path: the location is internal, clients get 404' : '',
          },
          primary: uriArg.span,
          related: [{ span: alias.span, label: 'the alias ends with a slash' }],
          modelPath: `${location.path}>alias`,
          ...(internal ? { maxSeverity: 'info' as const } : {}),
        };
      }
    }
  },
});
