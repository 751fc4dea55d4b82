/** Tomcat's and Spring Boot's limits, from their own attribute and property names (see ../backend-limits.ts). */
import { sizeLimit } from '../backend-limits';
import type { BackendLimits, RequestBodyLimit, RequestHeadLimit } from '../backend-limits';
import type { Listener } from '../../readers/backend';
import type { SpringBootBackend, TomcatBackend, TomcatConnector } from '../../readers/tomcat/tomcat-backend';
import { formatNginxSize } from '../nginx-client-limits';
import { connectorFor } from '../tomcat';

/** Tomcat does not kill a running request, and its sockets are TCP: head and body limits only. */
export function tomcatLimits(_backend: TomcatBackend, listener: Listener): BackendLimits {
  return { requestHead: requestHead('tomcat', listener), requestBody: connectorBody('tomcat', listener) };
}

export function springBootLimits(backend: SpringBootBackend, listener: Listener): BackendLimits {
  // Reactor Netty has limits of its own (server.netty.*), not modelled: none is compared.
  if (backend.reactive) return { requestHead: [], requestBody: [] };
  return { requestHead: requestHead('spring-boot', listener), requestBody: [...multipartBody(backend), ...connectorBody('spring-boot', listener)] };
}

/** The connector behind an HTTP listener; AJP connectors are not reached by nginx's passes. */
function httpConnector(listener: Listener): TomcatConnector | undefined {
  const connector = connectorFor(listener);
  return connector && (listener.protocol === 'http' || listener.protocol === 'https') ? connector : undefined;
}

const springSize = (bytes: number) => (bytes === Infinity ? '-1' : `${formatNginxSize(bytes).toUpperCase()}B`);

function requestHead(kind: 'tomcat' | 'spring-boot', listener: Listener): RequestHeadLimit[] {
  const connector = httpConnector(listener);
  if (!connector) return [];
  const setting = connector.settings.get('maxHttpRequestHeaderSize');
  if (!sizeLimit(setting)) return [];
  // Named as the user writes it: the Spring property, or the attribute the server.xml sets.
  const property =
    kind === 'spring-boot'
      ? 'server.max-http-request-header-size'
      : connector.attributes.has('maxHttpRequestHeaderSize')
        ? 'maxHttpRequestHeaderSize'
        : 'maxHttpHeaderSize';
  return [
    {
      setting: { ...setting, name: property },
      limit: setting.value as number,
      measure: 'total',
      admitted: 'request line and headers',
      symptom: `a request whose request line and headers together exceed ${setting.value} bytes gets 400 from Tomcat ("Request header is too large")`,
      raise: (needed) => (kind === 'spring-boot' ? `set ${property}=${formatNginxSize(needed).toUpperCase()}B` : `set ${property}="${needed}"`),
      nginxSizeWithin: (limit) => limit,
    },
  ];
}

/** Spring's multipart limits (MultipartProperties: 1MB per file, 10MB per request by default). */
function multipartBody(backend: SpringBootBackend): RequestBodyLimit[] {
  const out: RequestBodyLimit[] = [];
  for (const [name, scope] of [
    ['spring.servlet.multipart.max-file-size', 'each uploaded file'],
    ['spring.servlet.multipart.max-request-size', 'a whole multipart request'],
  ] as const) {
    const setting = backend.settings.get(name);
    if (!sizeLimit(setting)) continue;
    out.push({
      setting,
      bytes: setting.value as number,
      scope,
      symptom: 'Spring rejects the upload (MaxUploadSizeExceededException) after nginx has accepted it',
      raise: (bytes) => `set ${name}=${springSize(bytes)}`,
    });
  }
  return out;
}

function connectorBody(kind: 'tomcat' | 'spring-boot', listener: Listener): RequestBodyLimit[] {
  const connector = httpConnector(listener);
  const maxPostSize = connector?.settings.get('maxPostSize');
  if (!sizeLimit(maxPostSize)) return [];
  const name = kind === 'spring-boot' ? 'server.tomcat.max-http-form-post-size' : 'maxPostSize';
  return [
    {
      setting: { ...maxPostSize, name },
      bytes: maxPostSize.value as number,
      scope: 'form posts (application/x-www-form-urlencoded)',
      symptom: 'Tomcat does not parse the parameters of a larger form post, so the application sees none',
      raise: (bytes) =>
        kind === 'spring-boot' ? `set ${name}=${springSize(bytes)}` : bytes === Infinity ? 'set maxPostSize="-1"' : `set maxPostSize="${bytes}"`,
    },
  ];
}
