/**
 * Queries on uWSGI's option table (uwsgi-option-table.ts): is a name an option, how is its value
 * read, which option was probably meant.
 */
import { editDistance, isPlausibleName } from '../../source/suggest';
import { OPTION_TABLE } from './option-table';
import type { UwsgiNumberReader } from './values';

export interface UwsgiOptionSpec {
  name: string;
  /** Whether the option takes a value on the command line (getopt's has_arg). */
  argument: 'required' | 'none' | 'optional';
  /** One-letter command-line form. */
  shortcut?: string;
  reader: UwsgiNumberReader | 'flag' | 'flag-inverted' | 'other';
  /** Turns the master process on just by being set (UWSGI_OPT_MASTER and the log-master flags). */
  impliesMaster: boolean;
  /** Applied while the config is read, with the value as written (no placeholder expansion). */
  immediate: boolean;
  /** `core`, or the plugin that declares it. */
  plugin: string;
  /** Present in 2.0.30 but not in 2.0.21. */
  newerThan2021: boolean;
}

let specs: Map<string, UwsgiOptionSpec> | undefined;
/** Options in the order uWSGI builds its getopt table: core first, then plugins. */
let ordered: UwsgiOptionSpec[] | undefined;

function load(): Map<string, UwsgiOptionSpec> {
  if (specs) return specs;
  specs = new Map();
  ordered = [];
  for (const [plugin, block] of Object.entries(OPTION_TABLE)) {
    for (const line of block.split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields.length !== 5) continue;
      const [name, argument, shortcut, reader, flags] = fields;
      const spec: UwsgiOptionSpec = {
        name,
        argument: argument === 'r' ? 'required' : argument === 'o' ? 'optional' : 'none',
        shortcut: shortcut === '-' ? undefined : shortcut,
        reader: reader === '-' ? 'other' : (reader as UwsgiOptionSpec['reader']),
        impliesMaster: flags.includes('m'),
        immediate: flags.includes('i'),
        plugin,
        newerThan2021: flags.includes('v'),
      };
      if (!specs.has(name)) {
        specs.set(name, spec);
        ordered.push(spec);
      }
    }
  }
  return specs;
}

export function uwsgiOptionSpec(name: string): UwsgiOptionSpec | undefined {
  return load().get(name);
}

export function allUwsgiOptions(): readonly UwsgiOptionSpec[] {
  load();
  return ordered!;
}

/** The option a short flag stands for: the first one in the table with that letter, as uWSGI picks it. */
export function uwsgiOptionByShortcut(letter: string): UwsgiOptionSpec | undefined {
  return allUwsgiOptions().find((spec) => spec.shortcut === letter);
}

/**
 * The known option nearest to a misspelt name (edit distance, case-insensitive; `_` and `-`
 * treated alike), or undefined when nothing is close enough to be a likely typo.
 */
export function closestUwsgiOption(name: string): string | undefined {
  const wanted = name.toLowerCase().replace(/_/g, '-');
  if (uwsgiOptionSpec(wanted)) return wanted;
  if (!isPlausibleName(wanted)) return undefined;
  const limit = Math.max(1, Math.min(3, Math.floor(wanted.length / 4)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const spec of allUwsgiOptions()) {
    if (Math.abs(spec.name.length - wanted.length) > limit) continue;
    const distance = editDistance(wanted, spec.name, limit);
    // Ties go to core options, then to the table's order.
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && spec.plugin === 'core' && uwsgiOptionSpec(best)!.plugin !== 'core')) {
      best = spec.name;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** What the number of an integer option counts, for messages (`harakiri = 1m` is 1 second). */
export function uwsgiOptionQuantity(name: string): 'seconds' | 'bytes' | 'count' {
  if (SECONDS.has(name)) return 'seconds';
  if (BYTES.has(name)) return 'bytes';
  return 'count';
}

// From the option help texts in core/uwsgi.c and plugins/http/http.c, and docs/servers/uwsgi.md#harakiri
// (harakiri, socket-timeout and http-timeout are seconds; buffer-size, limit-post and
// post-buffering are bytes).
const SECONDS = new Set([
  'harakiri',
  'mule-harakiri',
  'spooler-harakiri',
  'harakiri-graceful-timeout',
  'socket-timeout',
  'so-send-timeout',
  'http-timeout',
  'http-headers-timeout',
  'http-connect-timeout',
  'fastrouter-timeout',
  'rawrouter-timeout',
  'sslrouter-timeout',
  'worker-reload-mercy',
  'reload-mercy',
  'mule-reload-mercy',
  'min-worker-lifetime',
  'max-worker-lifetime',
  'idle',
]);
const BYTES = new Set([
  'buffer-size',
  'limit-post',
  'post-buffering',
  'post-buffering-bufsize',
  'socket-sndbuf',
  'socket-rcvbuf',
  'cache-blocksize',
  'http-buffer-size',
  'fastrouter-buffer-size',
  'rawrouter-buffer-size',
  'sslrouter-buffer-size',
]);
