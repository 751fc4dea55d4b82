/** A Gunicorn server as its config file and command line define it (filled by src/readers/gunicorn). */
import type { BackendBase } from './backend';

export interface GunicornBackend extends BackendBase {
  kind: 'gunicorn';
}
