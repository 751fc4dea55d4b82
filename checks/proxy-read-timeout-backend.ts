import { defineRule } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Backend } from '../src/model/backend';
import type { Setting } from '../src/source/setting';
import { describeBackendSetting } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { linkDeployment } from '../src/model/links';
import { formatMilliseconds } from '../src/model/nginx-values';

const ID = 'proxy-read-timeout-backend';

/** The limit after which the backend itself kills a request, and what it logs then (docs/servers/uwsgi.md#harakiri, docs/servers/gunicorn.md#timeout). */
function hardLimit(backend: Backend): { setting: Setting; log: string } | undefined {
  if (backend.kind === 'gunicorn') {
    // Only sync workers are killed by `timeout` while a request runs; threaded and async workers
    // keep notifying the arbiter.
    if (backend.settings.get('worker_class')?.value !== 'sync') return undefined;
    const timeout = backend.settings.get('timeout');
    return timeout ? { setting: timeout, log: '[CRITICAL] WORKER TIMEOUT (pid:N)' } : undefined;
  }
  if (backend.kind === 'uwsgi') {
    const harakiri = backend.settings.get('harakiri');
    return harakiri ? { setting: harakiri, log: '*** HARAKIRI ON WORKER 1 (pid: N, try: 1) ***' } : undefined;
  }
  return undefined;
}

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
    const seen = new Set<string>();
    for (const link of linkDeployment(model)) {
      const limit = hardLimit(link.backend);
      if (!limit || typeof limit.setting.value !== 'number' || limit.setting.value <= 0) continue;
      for (const pass of link.target.passes) {
        if (pass.module !== 'proxy' && pass.module !== 'uwsgi' && pass.module !== 'fastcgi') continue;
        const directive = `${pass.module}_read_timeout`;
        // Only an explicit setting: the 60s default is not something the user raised.
        const found = pass.location.inherited(directive);
        if (!found || found.entry.generated?.kind === 'default') continue;
        const readTimeout = pass.location.setting(directive, model.nginxVersion.range);
        if (!readTimeout || typeof readTimeout.value !== 'number' || readTimeout.value <= limit.setting.value) continue;
        const key = `${found.entry.directive.span.file}:${found.entry.directive.span.start.offset}:${link.listener.span.file}:${link.listener.span.start.offset}`;
        if (seen.has(key)) continue;
        seen.add(key);
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
          related: [{
            span: limit.setting.source.kind === 'file' ? limit.setting.source.span : link.listener.span,
            label: `${link.backend.kind} kills requests after ${formatMilliseconds(limit.setting.value)}${limit.setting.source.kind === 'default' ? ' by default' : ''}`,
          }],
          modelPath: `${found.block.path}>${directive}>${link.backend.kind}:${link.target.address.text}`,
        };
      }
    }
  },
});
