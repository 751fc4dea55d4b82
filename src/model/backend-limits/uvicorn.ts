/** uvicorn's limits, from its own setting keys (see ../backend-limits.ts). */
import type { BackendLimits } from '../backend-limits';
import type { UvicornBackend } from '../../readers/uvicorn/uvicorn-backend';
import { h11HeadLimits } from './h11';

/** httptools has no head limit of its own; nor body or worker limits in uvicorn; sockets follow the umask, which the tree does not state. */
export function uvicornLimits(backend: UvicornBackend): BackendLimits {
  const requestHead =
    backend.httpParser === 'h11'
      ? h11HeadLimits(backend.settings.get('h11_max_incomplete_event_size'), (needed) => `set --h11-max-incomplete-event-size ${needed}`)
      : [];
  return { requestHead, requestBody: [] };
}
