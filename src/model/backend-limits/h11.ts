/** uvicorn's h11 parser, behind uvicorn itself and gunicorn's UvicornH11Worker (docs/servers/uvicorn.md#request-head-limits). */
import type { RequestHeadLimit } from '../backend-limits';
import type { Setting } from '../../source/setting';

/**
 * h11 refuses a head only when, after a read, the part of it still incomplete in its buffer is
 * larger than max_incomplete_event_size (h11/_connection.py next_event; docs/servers/uvicorn.md
 * has the run): a head that arrives in one read passes whatever its size. So it bites only
 * sometimes, and is reported as info.
 */
export function h11HeadLimits(setting: Setting | undefined, raise: (needed: number) => string): RequestHeadLimit[] {
  if (!setting || typeof setting.value !== 'number' || setting.value <= 0) return [];
  return [
    {
      setting,
      limit: setting.value,
      measure: 'total',
      admitted: 'request line and headers',
      symptom: `a request whose head is still incomplete after more than ${setting.value} bytes have been read gets 400 "Invalid HTTP request received." from uvicorn's h11 parser (it depends on how the bytes arrive, so it comes and goes)`,
      raise,
      nginxSizeWithin: (limit) => limit,
      maxSeverity: 'info',
    },
  ];
}
