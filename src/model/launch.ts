/**
 * How processes are started: a command line with its environment, from a systemd unit, a
 * Dockerfile, a compose service, a Procfile, a shell script or a Kubernetes container. The
 * Gunicorn and uWSGI readers take their command-line options from here.
 */
import type { Span } from '../report/finding';

export interface LaunchArg {
  /** After the shell or unit-file quoting is removed. */
  value: string;
  span: Span;
}

export interface LaunchEnvValue {
  value: string;
  span: Span;
}

export type LaunchKind = 'systemd' | 'dockerfile' | 'compose' | 'procfile' | 'shell' | 'kubernetes';

export interface Launch {
  kind: LaunchKind;
  /** Display path of the file holding the command. */
  file: string;
  /** Basename of the program that runs: `gunicorn`, `uwsgi`, `java`, … (after `exec`, `python -m`, env wrappers). */
  program: string;
  /** The whole command, program first. */
  argv: LaunchArg[];
  /** Environment the process gets from the same file (ENV, environment:, Environment=). */
  env: Map<string, LaunchEnvValue>;
  /** The unit, compose service or container name, when the file says. */
  service?: string;
  /** The command as written. */
  span: Span;
  /**
   * The signal the supervisor sends to stop the process: systemd `KillSignal=` (default SIGTERM),
   * Dockerfile `STOPSIGNAL` / compose `stop_signal` (default SIGTERM), Kubernetes (always SIGTERM).
   * `span` is undefined when it is the supervisor's default.
   */
  stopSignal: { value: string; span?: Span };
}
