import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { ExpandedDirective, NginxDirective } from '../src/model/nginx-directives';
import { docsUrl } from '../src/source/meta';
import { maySeparateInTemplate } from '../src/model/template-values';

const ID = 'nginx-try-files-proxy';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'correctness',
  meta: {
    description: 'try_files and proxy_pass in the same location: files that exist are proxied, not served from disk',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      proxiedAnyway: {
        message:
          '"try_files {{tryFiles}}" and "proxy_pass {{target}}" in one location: a file that exists is proxied with its path as the URI, not served from disk, and {{fallback}}',
        help: "try_files runs before the content phase; when a file exists it only rewrites the URI and lets the location's handler run, and proxy_pass is that handler (ngx_http_try_files_handler returns NGX_DECLINED). So static files never come from disk, and the last argument still applies to everything else. Serve files in one location and proxy from a named one: `location / { try_files $uri $uri/ @app; }  location @app { proxy_pass http://app; }`",
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    // Each scope's census lists its try_files lines: most trees have none, and their passes are not visited.
    if (!model.nginx.scopes.some((scope) => scope.setsAnywhere('try_files'))) return;
    for (const pass of model.nginx.passes) {
      if (pass.module !== 'proxy' || pass.location.kind !== 'location') continue;
      const tryFiles = renderedWith(pass.location.own('try_files'), pass.entry.directive);
      if (!tryFiles) continue;
      const args = tryFiles.directive.args.map((arg) => arg.value);
      const last = args[args.length - 1] ?? '';
      yield {
        messageId: 'proxiedAnyway',
        data: { tryFiles: args.join(' '), target: pass.entry.directive.args[0].value, fallback: describeFallback(last) },
        primary: tryFiles.directive.nameSpan,
        related: [{ span: pass.entry.directive.nameSpan, label: 'proxy_pass is the handler of this location' }],
        modelPath: `${pass.location.path}>try_files`,
      };
    }
  },
});

/**
 * The last try_files that a rendering of the template can hold together with the proxy_pass: in
 * `{% if s3 %}proxy_pass …;{% else %}try_files …;{% endif %}` none can (a plain file keeps all).
 */
function renderedWith(tryFiles: readonly ExpandedDirective[], proxyPass: NginxDirective): ExpandedDirective | undefined {
  for (let i = tryFiles.length - 1; i >= 0; i--) if (!maySeparateInTemplate(tryFiles[i].directive, proxyPass)) return tryFiles[i];
  return undefined;
}

function describeFallback(last: string): string {
  if (/^=\d+$/.test(last)) return `a URI with no file gets ${last.slice(1)} instead of being proxied`;
  if (last.startsWith('@')) return `a URI with no file goes to "${last}"`;
  return `a URI with no file is redirected internally to "${last}"`;
}
