import { defineRule, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import { describeBackendSetting } from '../src/model/backend-describe';
import { backendLimits } from '../src/model/backend-limits';
import type { Deployment } from '../src/model/deployment';
import { linkDeployment } from '../src/model/links';
import { nginxVersionAt } from '../src/model/nginx';
import { formatMilliseconds } from '../src/model/nginx-values';

const ID = 'proxy-read-timeout-backend';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'A raised nginx read timeout that the backend never reaches: it kills the request first, so nginx answers 502 anyway',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      backendKillsFirst: {
        message: '{{nginxSetting}} is longer than {{backendSetting}} behind {{address}}',
        help: 'the backend kills a request after {{backendValue}} (it logs "{{log}}") and nginx answers 502 "upstream prematurely closed connection while reading response header from upstream", so waiting longer in nginx never helps; raise the backend\'s limit first, then keep {{directive}} at or below it',
      },
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
    for (const link of linkDeployment(model)) {
      const limit = backendLimits(link.backend, link.listener).workerTimeout;
      if (!limit || typeof limit.setting.value !== 'number' || limit.setting.value <= 0) continue;
      for (const pass of link.target.passes) {
        if (pass.module !== 'proxy' && pass.module !== 'uwsgi' && pass.module !== 'fastcgi') continue;
        const directive = `${pass.module}_read_timeout`;
        // Only an explicit setting: the 60s default is not something the user raised.
        const found = pass.location.inherited(directive);
        if (!found || found.entry.generated?.kind === 'default') continue;
        const readTimeout = pass.location.setting(directive, nginxVersionAt(model, pass.location).range);
        if (!readTimeout || typeof readTimeout.value !== 'number' || readTimeout.value <= limit.setting.value) continue;
        if (!first(found.entry.directive.span, link.listener.span)) continue;
        yield {
          messageId: 'backendKillsFirst',
          data: {
            nginxSetting: `${directive} ${found.entry.directive.args[0]?.value ?? formatMilliseconds(readTimeout.value)}${found.block === pass.location ? '' : ` (set at ${found.block.kind} level)`}`,
            backendSetting: describeBackendSetting(link.backend, limit.setting),
            address: link.target.address.text,
            backendValue: formatMilliseconds(limit.setting.value),
            log: limit.log,
            directive,
          },
          primary: found.entry.directive.args[0]?.span ?? found.entry.directive.span,
          related: [
            {
              span: limit.setting.source.kind === 'file' ? limit.setting.source.span : link.listener.span,
              label: `${link.backend.kind} kills requests after ${formatMilliseconds(limit.setting.value)}${limit.setting.source.kind === 'default' ? ' by default' : ''}`,
            },
          ],
          modelPath: `${found.block.path}>${directive}>${link.backend.kind}:${link.target.address.text}`,
        };
      }
    }
  },
});
