/**
 * The backends behind nginx (Gunicorn, uWSGI, Tomcat, Spring Boot, uvicorn) and the system limits under
 * them, in one shape that every backend reader fills: listeners (where it accepts connections
 * and which protocol it speaks) and settings (each with a canonical value, a unit, and where it
 * came from). Cross-file rules compare these with the nginx model.
 */
import type { GunicornBackend } from '../readers/gunicorn/gunicorn-backend';
import type { SpringBootBackend, TomcatBackend } from '../readers/tomcat/tomcat-backend';
import type { UvicornBackend } from '../readers/uvicorn/uvicorn-backend';
import type { UwsgiBackend } from '../readers/uwsgi/uwsgi-backend';

export type Backend = GunicornBackend | UwsgiBackend | TomcatBackend | SpringBootBackend | UvicornBackend;
