import { defineRule } from '../src/rule';
import { docsUrl } from '../src/source/meta';
import type { Backend } from '../src/model/backend';
import type { Listener } from '../src/readers/backend';
import type { Setting } from '../src/source/setting';
import { describeBackendSetting } from '../src/model/backend-describe';
import type { Deployment } from '../src/model/deployment';
import { linkDeployment } from '../src/model/links';
import { explicitClientMaxBodySize, formatNginxSize } from '../src/model/nginx-client-limits';
import { connectorFor } from '../src/model/tomcat';

const ID = 'body-size-backend';

/** A body limit of the backend, what happens past it, and how to raise it (docs/servers/uwsgi.md#limit-post, docs/servers/tomcat.md#maxpostsize, docs/servers/nginx.md#client_max_body_size). */
interface BodyLimitOfBackend {
  setting: Setting;
  bytes: number;
  /** Which bodies it applies to. */
  scope: string;
  symptom: string;
  raise: (bytes: number) => string;
}

const springSize = (bytes: number) => (bytes === Infinity ? '-1' : `${formatNginxSize(bytes).toUpperCase()}B`);

function limitsOf(backend: Backend, listener: Listener): BodyLimitOfBackend[] {
  const out: BodyLimitOfBackend[] = [];
  const sized = (setting: Setting | undefined) => setting && typeof setting.value === 'number' && setting.value > 0 && Number.isFinite(setting.value);
  if (backend.kind === 'uwsgi') {
    const limitPost = backend.settings.get('limit-post');
    // 0 (the default) is no limit.
    if (sized(limitPost)) {
      out.push({
        setting: limitPost!,
        bytes: limitPost!.value as number,
        scope: 'every request body',
        symptom: 'uWSGI logs "Invalid (too big) CONTENT_LENGTH. skip." and drops the connection, and nginx answers 502',
        raise: (bytes) => (bytes === Infinity ? 'remove limit-post' : `raise limit-post to at least ${bytes}`),
      });
    }
    return out;
  }
  if (backend.kind === 'spring-boot') {
    // Spring's multipart limits (MultipartProperties: 1MB per file, 10MB per request by default).
    for (const [name, scope] of [['spring.servlet.multipart.max-file-size', 'each uploaded file'], ['spring.servlet.multipart.max-request-size', 'a whole multipart request']] as const) {
      const setting = backend.settings.get(name);
      if (!sized(setting)) continue;
      out.push({
        setting: setting!,
        bytes: setting!.value as number,
        scope,
        symptom: 'Spring rejects the upload (MaxUploadSizeExceededException) after nginx has accepted it',
        raise: (bytes) => `set ${name}=${springSize(bytes)}`,
      });
    }
  }
  if (backend.kind === 'tomcat' || backend.kind === 'spring-boot') {
    const connector = connectorFor(listener);
    if (!connector || (listener.protocol !== 'http' && listener.protocol !== 'https')) return out;
    const maxPostSize = connector.settings.get('maxPostSize');
    if (sized(maxPostSize)) {
      const name = backend.kind === 'spring-boot' ? 'server.tomcat.max-http-form-post-size' : 'maxPostSize';
      out.push({
        setting: { ...maxPostSize!, name },
        bytes: maxPostSize!.value as number,
        scope: 'form posts (application/x-www-form-urlencoded)',
        symptom: 'Tomcat does not parse the parameters of a larger form post, so the application sees none',
        raise: (bytes) => (backend.kind === 'spring-boot' ? `set ${name}=${springSize(bytes)}` : bytes === Infinity ? 'set maxPostSize="-1"' : `set maxPostSize="${bytes}"`),
      });
    }
  }
  return out;
}

export const rule = defineRule({
  id: ID,
  severity: 'warning',
  category: 'reliability',
  meta: {
    description: 'An explicit client_max_body_size larger than the backend\'s own body limit: large uploads pass nginx and fail in the application',
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
    const seen = new Set<string>();
    for (const link of linkDeployment(model)) {
      const limits = limitsOf(link.backend, link.listener);
      if (limits.length === 0) continue;
      for (const pass of link.target.passes) {
        const nginx = explicitClientMaxBodySize(pass);
        if (!nginx) continue;
        // One finding per backend: a limit the tree sets before a default (the user raised that one
        // for uploads), then the tightest, which the first large body hits.
        const explicit = (limit: BodyLimitOfBackend) => (limit.setting.source.kind === 'file' ? 0 : 1);
        const exceeded = limits.filter((limit) => nginx.bytes > limit.bytes).sort((a, b) => explicit(a) - explicit(b) || a.bytes - b.bytes)[0];
        if (!exceeded) continue;
        const key = `${nginx.span.file}:${nginx.span.start.offset}:${link.backend.kind}:${link.backend.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
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
          related: [{
            span: exceeded.setting.source.kind === 'file' ? exceeded.setting.source.span : link.listener.span,
            label: `${exceeded.setting.name} ${exceeded.setting.text}${fromFile ? '' : ' by default'}`,
          }],
          modelPath: `${nginx.block.path}>client_max_body_size>${link.backend.kind}:${link.target.address.text}`,
        };
      }
    }
  },
});
