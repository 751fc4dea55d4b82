/**
 * Every backend kind cfglint models, as one union of the shapes their readers fill
 * (src/readers/backend.ts has what they share). Rules ask the model's questions about them
 * (links, limits, keep-alive) rather than branching on the kind.
 */
import type { GunicornBackend } from '../readers/gunicorn/gunicorn-backend';
import type { SpringBootBackend, TomcatBackend } from '../readers/tomcat/tomcat-backend';
import type { UvicornBackend } from '../readers/uvicorn/uvicorn-backend';
import type { UwsgiBackend } from '../readers/uwsgi/uwsgi-backend';

export type Backend = GunicornBackend | UwsgiBackend | TomcatBackend | SpringBootBackend | UvicornBackend;
