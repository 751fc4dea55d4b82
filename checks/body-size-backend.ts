import { defineRule, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import { describeBackendSetting } from '../src/model/backend-describe';
import { backendLimits, RequestBodyLimit } from '../src/model/backend-limits';
import type { Deployment } from '../src/model/deployment';
import { linkDeployment } from '../src/model/links';
import { explicitClientMaxBodySize, formatNginxSize } from '../src/model/nginx-client-limits';

const ID = 'body-size-backend';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: "An explicit client_max_body_size larger than the backend's own body limit: large uploads pass nginx and fail in the application",
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      backendRejectsBody: {
        message: 'client_max_body_size {{nginxValue}}{{level}} is larger than {{backendSetting}} behind {{address}}, which limits {{scope}}',
        help: 'a body between the two passes nginx and {{symptom}}; {{raise}}, or lower client_max_body_size to {{backendValue}}',
      },
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
    for (const link of linkDeployment(model)) {
      const limits = backendLimits(link.backend, link.listener).requestBody;
      if (limits.length === 0) continue;
      for (const pass of link.target.passes) {
        const nginx = explicitClientMaxBodySize(pass);
        if (!nginx) continue;
        // One finding per backend: a limit the tree sets before a default (the user raised that one
        // for uploads), then the tightest, which the first large body hits.
        const explicit = (limit: RequestBodyLimit) => (limit.setting.source.kind === 'file' ? 0 : 1);
        const exceeded = limits.filter((limit) => nginx.bytes > limit.bytes).sort((a, b) => explicit(a) - explicit(b) || a.bytes - b.bytes)[0];
        if (!exceeded) continue;
        if (!first(nginx.span, link.backend.kind, link.backend.name)) continue;
        const fromFile = exceeded.setting.source.kind === 'file';
        yield {
          messageId: 'backendRejectsBody',
          data: {
            nginxValue: nginx.bytes === Infinity ? '0 (no limit)' : nginx.text,
            level: nginx.block === pass.location ? '' : ` (set at ${nginx.block.kind} level)`,
            backendSetting: describeBackendSetting(link.backend, exceeded.setting),
            address: link.target.address.text,
            scope: exceeded.scope,
            symptom: exceeded.symptom,
            raise: exceeded.raise(nginx.bytes),
            backendValue: formatNginxSize(exceeded.bytes),
          },
          primary: nginx.span,
          related: [
            {
              span: exceeded.setting.source.kind === 'file' ? exceeded.setting.source.span : link.listener.span,
              label: `${exceeded.setting.name} ${exceeded.setting.text}${fromFile ? '' : ' by default'}`,
            },
          ],
          modelPath: `${nginx.block.path}>client_max_body_size>${link.backend.kind}:${link.target.address.text}`,
        };
      }
    }
  },
});
