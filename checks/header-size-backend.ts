import { defineRule } from '../src/engine/rule';
import { docsUrl } from '../src/meta';
import type { Backend, Listener, Setting } from '../src/model/backend';
import { describeBackendSetting } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { effectiveRequestLineLimit } from '../src/model/gunicorn';
import { linkDeployment } from '../src/model/links';
import { formatNginxSize, largeClientHeaderBuffers, serverOfPass } from '../src/model/nginx-client-limits';
import { connectorFor } from '../src/model/tomcat';
import type { Span } from '../src/report/finding';

const ID = 'header-size-backend';

/** The most uWSGI's 16-bit buffer-size can hold (SERVERS.md §2.3). */
const UWSGI_MAX_BUFFER = 65535;

/**
 * One backend limit on what nginx passes: `what` nginx admits of it, the limit in bytes, what
 * the user sees past it, and what to change on the backend (SERVERS.md §2.3, §3.2, §4, §9 rows 4, 17).
 */
interface HeaderLimit {
  setting: Setting;
  limit: number;
  /** `line`: one request line or header line (nginx admits `size` − 2 bytes, without CRLF); `total`: request line and all headers (number × size). */
  measure: 'line' | 'total';
  admitted: string;
  symptom: string;
  raise: (needed: number) => string;
  /** The largest nginx buffer size that keeps `measure` within the limit. */
  nginxSizeWithin: (limit: number) => number;
}

function limitsOf(backend: Backend, listener: Listener): HeaderLimit[] {
  const out: HeaderLimit[] = [];
  if (backend.kind === 'uwsgi') {
    const setting = backend.settings.get('buffer-size');
    if (!setting || typeof setting.value !== 'number' || setting.value <= 0) return out;
    const log = listener.protocol === 'uwsgi'
      ? `invalid request block size: N (max ${setting.value})...skip`
      : `invalid HTTP request size (max ${setting.value})...skip`;
    out.push({
      setting,
      limit: setting.value,
      measure: 'total',
      admitted: 'request line and headers',
      symptom: `a request whose headers do not fit makes uWSGI log "${log}" and nginx answers 502 "recv() failed (104: Connection reset by peer) while reading response header from upstream"`,
      raise: (needed) => needed <= UWSGI_MAX_BUFFER
        ? `set buffer-size = ${needed} (plain bytes: "32k" means 32)`
        : `set buffer-size = ${UWSGI_MAX_BUFFER} (its maximum)`,
      nginxSizeWithin: (limit) => limit,
    });
  } else if (backend.kind === 'gunicorn') {
    const line = backend.settings.get('limit_request_line');
    if (line && typeof line.value === 'number') {
      const limit = effectiveRequestLineLimit(line.value);
      if (limit !== undefined) {
        out.push({
          setting: line,
          limit,
          measure: 'line',
          admitted: 'request lines',
          symptom: `a longer request line gets 400 "Request Line is too large (N > ${limit})" from gunicorn, and nginx logs nothing`,
          raise: (needed) => needed <= 8190 ? `set limit_request_line = ${needed}` : 'set limit_request_line = 0 (no limit; gunicorn caps other values at 8190)',
          nginxSizeWithin: (limit) => limit + 2,
        });
      }
    }
    const field = backend.settings.get('limit_request_field_size');
    if (field && typeof field.value === 'number' && field.value > 0) {
      out.push({
        setting: field,
        limit: field.value,
        measure: 'line',
        admitted: 'header lines',
        symptom: 'a longer header gets 400 "Error parsing headers: \'limit request headers fields size\'" from gunicorn, and nginx logs nothing',
        raise: (needed) => `set limit_request_field_size = ${needed}`,
        nginxSizeWithin: (limit) => limit + 2,
      });
    }
  } else {
    const connector = connectorFor(listener);
    if (!connector || (listener.protocol !== 'http' && listener.protocol !== 'https')) return out;
    const setting = connector.settings.get('maxHttpRequestHeaderSize');
    if (!setting || typeof setting.value !== 'number' || !Number.isFinite(setting.value) || setting.value <= 0) return out;
    // Named as the user writes it: the Spring property, or the attribute the server.xml sets.
    const property = backend.kind === 'spring-boot'
      ? 'server.max-http-request-header-size'
      : connector.attributes.has('maxHttpRequestHeaderSize') ? 'maxHttpRequestHeaderSize' : 'maxHttpHeaderSize';
    out.push({
      setting: { ...setting, name: property },
      limit: setting.value,
      measure: 'total',
      admitted: 'request line and headers',
      symptom: `a request whose request line and headers together exceed ${setting.value} bytes gets 400 from Tomcat ("Request header is too large")`,
      raise: (needed) => backend.kind === 'spring-boot' ? `set ${property}=${formatNginxSize(needed).toUpperCase()}B` : `set ${property}="${needed}"`,
      nginxSizeWithin: (limit) => limit,
    });
  }
  return out;
}

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'nginx admits request lines or headers larger than the backend accepts, so such requests pass nginx and fail at the backend',
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      backendRejectsHeaders:
        'nginx admits {{admitted}} up to {{nginxBytes}} bytes ({{nginxSetting}}), more than {{backendSetting}} behind {{address}}: ' +
        '{{symptom}}; {{raise}}, or lower large_client_header_buffers to {{nginxFix}}',
    },
  },
  *check(model: Deployment) {
    const seen = new Set<string>();
    for (const link of linkDeployment(model)) {
      const limits = limitsOf(link.backend, link.listener);
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
          const key = `${primary.file}:${primary.start.offset}:${link.backend.kind}:${link.backend.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const kind = link.backend.kind === 'uwsgi' ? 'uWSGI' : link.backend.kind === 'gunicorn' ? 'gunicorn' : link.backend.kind === 'tomcat' ? 'Tomcat' : 'Spring Boot';
          const nginxLabel = nginxExplicit
            ? `nginx admits ${buffers.text}${buffers.block && buffers.block !== server ? ` (set at ${buffers.block.kind} level)` : ''}`
            : 'nginx admits 4 8k by default for this server';
          const backendLabel = `${kind} accepts ${limit.limit} bytes${backendExplicit ? '' : ' by default'}`;
          const fixSize = limit.nginxSizeWithin(limit.limit);
          const nginxFix = limit.measure === 'line'
            ? `a buffer size of ${formatNginxSize(fixSize)}`
            : `at most ${limit.limit} bytes in all (number × size)`;
          yield {
            messageId: 'backendRejectsHeaders',
            data: {
              admitted: limit.admitted,
              nginxBytes: admitted,
              nginxSetting: `large_client_header_buffers ${buffers.text}${nginxExplicit ? buffers.block && buffers.block !== server ? `, set at ${buffers.block.kind} level` : '' : ', default'}`,
              backendSetting: describeBackendSetting(link.backend, limit.setting),
              address: link.target.address.text,
              symptom: limit.symptom,
              raise: limit.raise(admitted),
              nginxFix,
            },
            primary,
            related: [primaryIsNginx ? { span: backendSpan, label: backendLabel } : { span: nginxSpan, label: nginxLabel }],
            modelPath: `${server.path}>large_client_header_buffers>${link.backend.kind}:${link.target.address.text}>${limit.setting.name}`,
            maxSeverity: nginxExplicit || backendExplicit ? undefined : 'info',
          };
        }
      }
    }
  },
});
