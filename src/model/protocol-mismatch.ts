/**
 * What a server itself logs when nginx speaks another protocol to its listener, where
 * docs/servers/uwsgi.md#protocol-mismatch-symptoms has it from real runs. A kind without an entry
 * gets the rule's general wording, so a new backend kind needs none.
 */
import type { Backend } from './backend';
import type { ListenerProtocol } from '../readers/backend';

export function observedMismatchSymptom(kind: Backend['kind'], spoken: ListenerProtocol | 'grpc', served: ListenerProtocol): string | undefined {
  if (kind === 'uwsgi') {
    if (spoken === 'http' && served === 'uwsgi')
      return 'uWSGI logs "invalid request block size: 21573 (max 4096)...skip" and nginx answers 502 ("upstream prematurely closed connection")';
    if (spoken === 'uwsgi' && served === 'http') return 'nginx answers 502 ("upstream prematurely closed connection") and uWSGI logs nothing';
    if (spoken === 'fastcgi' && served === 'uwsgi') return 'uWSGI logs "-- unavailable modifier requested: 1 --" and nginx answers 502';
  }
  return undefined;
}
