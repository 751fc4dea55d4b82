/** A uWSGI instance as its ini file(s) and command line define it (filled by src/readers/uwsgi). */
import type { WrittenTemplateValue } from '../../discovery/template';
import type { Span } from '../../source/span';
import type { BackendBase } from '../backend';
import type { Launch } from '../launch/launch';

/** Where an option came from, in the order uWSGI reads them (docs/servers/uwsgi.md#repeated-options, docs/uwsgi-precedence in the reader). */
export type UwsgiOptionOrigin = 'environment' | 'command-line' | 'ini' | 'declared-option';

/**
 * One option in uWSGI's own list of options (what `--show-config` prints), in order. Repeated
 * keys are separate entries: list options (`socket`, `env`, `route`) use them all, scalar options
 * the last one.
 */
export interface UwsgiOptionEntry {
  /** The key after magic variables (`%n`, `%d`, …). */
  key: string;
  /**
   * The value uWSGI uses: after magic variables and, unless the option is immediate, after
   * `$(ENV)`, `@(file)` and `%(placeholder)` expansion. `null` when the option was given without
   * a value on the command line (`--master`); undefined when it depends on something the tree
   * does not say (an environment variable, the host name, a file outside the tree, a condition).
   */
  value: string | null | undefined;
  /** The value after magic variables but before placeholder expansion (what immediate options see). */
  rawValue: string | null | undefined;
  /** The value as written in the file or on the command line. */
  text: string | null;
  /** The key as written (`-s`, `--socket`, `UWSGI_SOCKET`, or the ini key). */
  keySpan: Span;
  /** The value as written; the key's span when there is no value. */
  valueSpan: Span;
  origin: UwsgiOptionOrigin;
  /** Display path of the file the entry is in. */
  file: string;
  /** The `ini =` / `--ini` / `inherit` lines that brought the file in, outermost first. */
  via: Span[];
  /**
   * The `if-*` or `for-*` block the entry sits in, when the tree cannot tell whether or how often
   * it applies (`if-env = DEBUG`, `if-exists = /etc/x`).
   */
  condition?: { text: string; span: Span };
  /** Applied while the config is read, with `rawValue` (UWSGI_OPT_IMMEDIATE). */
  immediate: boolean;
  /** Names this entry's value refers to as `%(name)`. */
  placeholders: string[];
  /** Made by `set = name=value` or `set-placeholder`/`set-ph` (then it is only a placeholder). */
  setBy?: 'set' | 'set-placeholder';
  /** The value as a template writes it, where its tags (and nothing of uWSGI's) leave it unknown. */
  template?: WrittenTemplateValue;
}

/** Something the reader could not read, so the instance may have options it does not see. */
export interface UwsgiGap {
  reason: string;
  span?: Span;
}

export interface UwsgiBackend extends BackendBase {
  kind: 'uwsgi';
  /** Every option, in the order uWSGI applies them. */
  options: UwsgiOptionEntry[];
  /** The ini files read for this instance (display paths), the main one first. */
  iniFiles: string[];
  /** The launch that starts this instance, when the tree has one. */
  launch?: Launch;
  /** `strict = true` is in effect (unknown options stop uWSGI instead of becoming placeholders). */
  strict: boolean | undefined;
  /** Every name used as `%(name)` in any value, and the names set with `set-placeholder`. */
  placeholderNames: Set<string>;
  /** Options declared with `declare-option`. */
  declaredOptions: Set<string>;
  /** Parts the reader could not read (missing include, other config formats, `@(file)`). */
  gaps: UwsgiGap[];
}
