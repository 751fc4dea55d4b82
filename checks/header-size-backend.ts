import { defineRule, onceEach } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import { backendKindName, describeBackendSetting } from '../src/model/backend-describe';
import { backendLimits } from '../src/model/backend-limits';
import type { Deployment } from '../src/model/deployment';
import { linkDeployment } from '../src/model/links';
import { formatNginxSize, largeClientHeaderBuffers, serverOfPass } from '../src/model/nginx-client-limits';
import type { Span } from '../src/source/span';

const ID = 'header-size-backend';

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'nginx admits request lines or headers larger than the backend accepts, so such requests pass nginx and fail at the backend',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      backendRejectsHeaders: {
        message: 'nginx admits {{admitted}} up to {{nginxBytes}} bytes ({{nginxSetting}}), more than {{backendSetting}} behind {{address}}',
        help: '{{symptom}}; {{raise}}, or lower large_client_header_buffers to {{nginxFix}}',
      },
    },
  },
  *check(model: Deployment) {
    const first = onceEach();
    for (const link of linkDeployment(model)) {
      const limits = backendLimits(link.backend, link.listener).requestHead;
      if (limits.length === 0) continue;
      for (const pass of link.target.passes) {
        const server = serverOfPass(pass);
        const buffers = largeClientHeaderBuffers(server);
        if (!buffers) continue;
        for (const limit of limits) {
          const admitted = limit.measure === 'line' ? buffers.size - 2 : buffers.number * buffers.size;
          if (admitted <= limit.limit) continue;
          const nginxExplicit = buffers.source.kind === 'file';
          const backendExplicit = limit.setting.source.kind === 'file';
          const backendSpan = limit.setting.source.kind === 'file' ? limit.setting.source.span : link.listener.span;
          const passSpan = pass.entry.directive.args[0]?.span ?? pass.entry.directive.span;
          const nginxSpan: Span = buffers.sizeSpan ?? passSpan;
          // The explicit side is the one to change; the backend when both are; its listener when neither is.
          const primaryIsNginx = nginxExplicit && !backendExplicit;
          const primary = primaryIsNginx ? nginxSpan : backendSpan;
          // One finding per thing to change and backend: the tightest limit (gunicorn's request line before its header lines).
          if (!first(primary, link.backend.kind, link.backend.name)) continue;
          const kind = backendKindName(link.backend.kind);
          const nginxLabel = nginxExplicit
            ? `nginx admits ${buffers.text}${buffers.block && buffers.block !== server ? ` (set at ${buffers.block.kind} level)` : ''}`
            : 'nginx admits 4 8k by default for this server';
          const backendLabel = `${kind} accepts ${limit.limit} bytes${backendExplicit ? '' : ' by default'}`;
          const fixSize = limit.nginxSizeWithin(limit.limit);
          const nginxFix = limit.measure === 'line' ? `a buffer size of ${formatNginxSize(fixSize)}` : `at most ${limit.limit} bytes in all (number × size)`;
          yield {
            messageId: 'backendRejectsHeaders',
            data: {
              admitted: limit.admitted,
              nginxBytes: admitted,
              nginxSetting: `large_client_header_buffers ${buffers.text}${nginxExplicit ? (buffers.block && buffers.block !== server ? `, set at ${buffers.block.kind} level` : '') : ', default'}`,
              backendSetting: describeBackendSetting(link.backend, limit.setting),
              address: link.target.address.text,
              symptom: limit.symptom,
              raise: limit.raise(admitted),
              nginxFix,
            },
            primary,
            related: [primaryIsNginx ? { span: backendSpan, label: backendLabel } : { span: nginxSpan, label: nginxLabel }],
            modelPath: `${server.path}>large_client_header_buffers>${link.backend.kind}:${link.target.address.text}>${limit.setting.name}`,
            maxSeverity: limit.maxSeverity ?? (nginxExplicit || backendExplicit ? undefined : 'info'),
            ...(nginxExplicit || backendExplicit ? {} : { atDefaults: true }),
          };
        }
      }
    }
  },
});
