/** A uWSGI instance as its ini file(s) and command line define it (filled by src/readers/uwsgi). */
import type { BackendBase } from './backend';

export interface UwsgiBackend extends BackendBase {
  kind: 'uwsgi';
}
