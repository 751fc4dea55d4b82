/**
 * The limits a backend listener puts on a request's head (request line and headers), normalised
 * so that checks/header-size-backend compares them with nginx's large_client_header_buffers
 * without knowing which server it is (docs/servers/uwsgi.md#buffer-size, docs/servers/gunicorn.md#limit_request_line,
 * docs/servers/uvicorn.md#request-head-limits, docs/servers/tomcat.md#maxhttpheadersize).
 */
import type { Backend } from './backend';
import type { Listener } from '../readers/backend';
import type { Setting } from '../source/setting';
import { effectiveRequestLineLimit } from './gunicorn';
import { formatNginxSize } from './nginx-client-limits';
import { connectorFor } from './tomcat';
import { H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE } from '../reference/uvicorn';

/** The most uWSGI's 16-bit buffer-size can hold (docs/servers/uwsgi.md#buffer-size). */
const UWSGI_MAX_BUFFER = 65535;

export interface RequestHeadLimit {
  setting: Setting;
  limit: number;
  /** `line`: one request line or header line (nginx admits `size` − 2 bytes, without CRLF); `total`: request line and all headers (number × size). */
  measure: 'line' | 'total';
  /** What nginx admits that the limit applies to: `request lines`, `header lines`, `request line and headers`. */
  admitted: string;
  symptom: string;
  raise: (needed: number) => string;
  /** The largest nginx buffer size that keeps `measure` within the limit. */
  nginxSizeWithin: (limit: number) => number;
  /** `info` for a limit that bites only sometimes (h11: only when a read leaves an incomplete head over it). */
  maxSeverity?: 'info';
}

export function requestHeadLimits(backend: Backend, listener: Listener): RequestHeadLimit[] {
  switch (backend.kind) {
    case 'uwsgi':
      return uwsgiLimits(backend.settings.get('buffer-size'), listener);
    case 'gunicorn':
      // uvicorn's workers parse requests with uvicorn's parser: gunicorn's limit_request_* do not apply.
      if (backend.workerKind === 'uvicorn') return [];
      if (backend.workerKind === 'uvicorn_h11') {
        const setting: Setting = {
          name: 'h11 max_incomplete_event_size',
          value: H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE,
          text: String(H11_DEFAULT_MAX_INCOMPLETE_EVENT_SIZE),
          unit: 'bytes',
          source: { kind: 'default', reference: 'h11/_connection.py DEFAULT_MAX_INCOMPLETE_EVENT_SIZE', note: 'UvicornH11Worker' },
        };
        return h11Limits(setting, () => 'subclass UvicornH11Worker with h11_max_incomplete_event_size in its CONFIG_KWARGS');
      }
      return gunicornLimits(backend.settings.get('limit_request_line'), backend.settings.get('limit_request_field_size'));
    case 'uvicorn': {
      if (backend.httpParser !== 'h11') return [];
      return h11Limits(backend.settings.get('h11_max_incomplete_event_size'), (needed) => `set --h11-max-incomplete-event-size ${needed}`);
    }
    case 'tomcat':
    case 'spring-boot':
      return tomcatLimits(backend.kind, listener);
  }
}

function uwsgiLimits(setting: Setting | undefined, listener: Listener): RequestHeadLimit[] {
  if (!setting || typeof setting.value !== 'number' || setting.value <= 0) return [];
  const log = listener.protocol === 'uwsgi'
    ? `invalid request block size: N (max ${setting.value})...skip`
    : `invalid HTTP request size (max ${setting.value})...skip`;
  return [{
    setting,
    limit: setting.value,
    measure: 'total',
    admitted: 'request line and headers',
    symptom: `a request whose headers do not fit makes uWSGI log "${log}" and nginx answers 502 "recv() failed (104: Connection reset by peer) while reading response header from upstream"`,
    raise: (needed) => needed <= UWSGI_MAX_BUFFER
      ? `set buffer-size = ${needed} (plain bytes: "32k" means 32)`
      : `set buffer-size = ${UWSGI_MAX_BUFFER} (its maximum)`,
    nginxSizeWithin: (limit) => limit,
  }];
}

function gunicornLimits(line: Setting | undefined, field: Setting | undefined): RequestHeadLimit[] {
  const out: RequestHeadLimit[] = [];
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
  return out;
}

/**
 * h11 refuses a head only when, after a read, the part of it still incomplete in its buffer is
 * larger than max_incomplete_event_size (h11/_connection.py next_event; docs/servers/uvicorn.md
 * has the run): a head that arrives in one read passes whatever its size. So it bites only
 * sometimes, and is reported as info.
 */
function h11Limits(setting: Setting | undefined, raise: (needed: number) => string): RequestHeadLimit[] {
  if (!setting || typeof setting.value !== 'number' || setting.value <= 0) return [];
  return [{
    setting,
    limit: setting.value,
    measure: 'total',
    admitted: 'request line and headers',
    symptom: `a request whose head is still incomplete after more than ${setting.value} bytes have been read gets 400 "Invalid HTTP request received." from uvicorn's h11 parser (it depends on how the bytes arrive, so it comes and goes)`,
    raise,
    nginxSizeWithin: (limit) => limit,
    maxSeverity: 'info',
  }];
}

function tomcatLimits(kind: 'tomcat' | 'spring-boot', listener: Listener): RequestHeadLimit[] {
  const connector = connectorFor(listener);
  if (!connector || (listener.protocol !== 'http' && listener.protocol !== 'https')) return [];
  const setting = connector.settings.get('maxHttpRequestHeaderSize');
  if (!setting || typeof setting.value !== 'number' || !Number.isFinite(setting.value) || setting.value <= 0) return [];
  // Named as the user writes it: the Spring property, or the attribute the server.xml sets.
  const property = kind === 'spring-boot'
    ? 'server.max-http-request-header-size'
    : connector.attributes.has('maxHttpRequestHeaderSize') ? 'maxHttpRequestHeaderSize' : 'maxHttpHeaderSize';
  return [{
    setting: { ...setting, name: property },
    limit: setting.value,
    measure: 'total',
    admitted: 'request line and headers',
    symptom: `a request whose request line and headers together exceed ${setting.value} bytes gets 400 from Tomcat ("Request header is too large")`,
    raise: (needed) => kind === 'spring-boot' ? `set ${property}=${formatNginxSize(needed).toUpperCase()}B` : `set ${property}="${needed}"`,
    nginxSizeWithin: (limit) => limit,
  }];
}
