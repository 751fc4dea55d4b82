/**
 * A setting as a server will use it: its value in a canonical unit, the text as written, and its
 * source (a span in a file, or a documented default). Every reader fills these and every rule
 * reads them.
 */
import type { Span } from './span';

/** A value a controller renders rather than one written in the tree (ingress-nginx). */
export interface GeneratedOrigin {
  controller: 'ingress-nginx';
  /** The ConfigMap key or annotation that sets it (`upstream-keepalive-timeout`, `nginx.ingress.kubernetes.io/proxy-read-timeout`). */
  key: string;
  /** `configmap`/`annotation`: written in the tree; `default`: the controller's own default. */
  kind: 'configmap' | 'annotation' | 'default';
  /** For messages: `ingress-nginx ConfigMap key "keep-alive"`. */
  text: string;
}

export type Unit = 'ms' | 'bytes' | 'count' | 'flag' | 'text';

/** Where a value came from: text in a file (with the chain that brought it in), or a documented default. */
export type ValueSource =
  | { kind: 'file'; span: Span; via?: Span[] }
  | { kind: 'default'; reference: string; note?: string; /** Whose default, when not the server's own (`ingress-nginx`). */ by?: string };

/**
 * One setting as the server will really use it. `value` is undefined when the tree does not
 * say (a Python expression, an environment variable): rules stay silent on unknown values.
 */
export interface Setting<T = number | string | boolean> {
  name: string;
  value: T | undefined;
  /** The text as written (or the default's text). */
  text: string;
  unit: Unit;
  source: ValueSource;
  /** For a value a controller renders (ingress-nginx): the key or annotation it comes from. */
  origin?: GeneratedOrigin;
}
