/**
 * The backends behind nginx (Gunicorn, uWSGI, Tomcat, Spring Boot, uvicorn) and the system limits under
 * them, in one shape that every backend reader fills: listeners (where it accepts connections
 * and which protocol it speaks) and settings (each with a canonical value, a unit, and where it
 * came from). Cross-file rules compare these with the nginx model.
 */
import type { TemplateAddress } from '../discovery/template';
import { Setting } from '../source/setting';
import type { Span } from '../source/span';
import type { Launch } from './launch/launch';

export type BackendKind = 'gunicorn' | 'uwsgi' | 'tomcat' | 'spring-boot' | 'uvicorn';

/**
 * What a listener speaks: `http` (closes after each response unless `keepAlive` says otherwise),
 * `uwsgi` (binary protocol, no keep-alive), `fastcgi`, `scgi`, `ajp`, and `https` for TLS-only.
 */
export type ListenerProtocol = 'http' | 'https' | 'uwsgi' | 'fastcgi' | 'scgi' | 'ajp';

export type ListenAddress =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'unix'; path: string }
  /**
   * `fd://3`, an abstract socket, or an address built from something the tree does not say.
   * `ifUnset`: the address when `variables` (which only something outside the tree may set, as an
   * absent env_file) are unset and their defaults apply (`0.0.0.0:"${PORT:-8000}"`): a candidate,
   * never certain.
   */
  | {
      kind: 'other';
      text: string;
      ifUnset?: { address: { kind: 'tcp'; host: string; port: number }; variables: string[] };
      /** The address as a template of the tree writes it, where its tags leave it unknown. */
      template?: TemplateAddress;
    };

export interface Listener {
  backend: BackendBase;
  address: ListenAddress;
  protocol: ListenerProtocol;
  /** The option that created it (`socket`, `http-socket`, `bind`, `<Connector>`), for messages. */
  option: string;
  /** The address text, or the connector's element when the address is implied. */
  span: Span;
  /**
   * How long an idle keep-alive connection stays open, when the listener keeps connections at
   * all: `closesAfterResponse` for gunicorn sync workers, uWSGI http-socket, uwsgi protocol.
   */
  keepAlive: { kind: 'closesAfterResponse'; reason: string } | { kind: 'idleTimeout'; timeout: Setting<number>; maxRequests?: Setting<number> };
  /** Whether it speaks TLS is decided where the tree cannot see (a jar's own config): `http` may be `https`. */
  tlsUnknown?: true;
}

/**
 * A listener the config opens only under a condition the tree does not decide (uWSGI's `if-not-env
 * = DEV_ENV` where the launch's environment is not in the tree, as on Heroku): the server may
 * listen there, or not.
 */
export interface UndecidedListener extends Listener {
  /** The condition as written (`if-not-env = DEV_ENV`), at its line. */
  condition: { text: string; span: Span };
}

/** What every backend has; each kind adds its own details in src/readers/<kind>/<kind>-backend.ts. */
export interface BackendBase {
  kind: BackendKind;
  /** A readable name: the config file, or the unit/service that starts the server. */
  name: string;
  /** The file that configures it (display path). */
  file: string;
  listeners: Listener[];
  /**
   * Where it may listen: nothing links to these and no rule judges them, but none says that
   * nothing listens where one of them may (docs/design.md, "Links").
   */
  undecidedListeners?: UndecidedListener[];
  /** Canonical settings by name (see each reader for the names it fills). */
  settings: Map<string, Setting>;
  /** The command lines in the tree that start this server (systemd, Dockerfile, compose, …). */
  launchedBy?: Launch[];
  /**
   * The compose service whose image starts it with that image's own config (the official Tomcat
   * image's stock server.xml), when it has no config file in the tree.
   */
  imageContainer?: { project: string; service: string };
}

/** A limit of the operating system, and which processes it applies to. */
export interface SystemLimit {
  name: 'net.core.somaxconn' | 'nofile';
  /** The value a process gets; for nofile the soft limit (Infinity for `infinity`/`unlimited`). */
  setting: Setting<number>;
  /** For nofile: the hard limit, when the tree sets one. */
  hard?: Setting<number>;
  /**
   * `host` for sysctls of the host; a systemd `service` (unit name, `nginx.service`); a
   * `container` (compose service or Kubernetes workload name, in the file of `setting.source`);
   * `login-session` for limits.conf: pam_limits applies it to login sessions of the users its
   * domain matches (`www-data`, `@group`, `*`), never to systemd services or containers.
   * Queries in src/model/limits.ts pick the limit that applies to a launch.
   */
  appliesTo:
    | { kind: 'host' }
    | { kind: 'service'; name: string }
    | { kind: 'container'; name: string }
    | { kind: 'user'; name: string }
    | { kind: 'login-session'; domain: string }
    | { kind: 'nginx-workers' };
}
