/**
 * `honcho start` and `foreman start`: the two Procfile runners a container's command may be. Each
 * reads one Procfile and starts its processes, giving each a PORT of its own. Read from their
 * sources (docs/servers/procfile.md):
 * - honcho (honcho/command.py `command_start`, honcho/environ.py `expand_processes`): the base port
 *   is `-p`/`--port`, else PORT in its `.env`, else in the environment, else 5000; the processes
 *   named on its command line run, in that order, else every process type of the Procfile in file
 *   order; each type's port is 100 above the one before, and each of its `-c name=N` copies 1
 *   above the one before.
 * - foreman (lib/foreman/cli.rb `start`, lib/foreman/engine.rb `port_for`, `base_port`,
 *   `parse_formation`): the base port is `-p`/`--port`, else PORT in its `.env`, else in the
 *   environment, else 5000; a type's port is 100 times its position in the Procfile above it,
 *   whichever types run; `-m name=N,all=N` says how many of each run (`all=1` by default), and
 *   `foreman start NAME` runs NAME alone.
 */
import * as nodePath from 'path';
import type { Lookup } from '../kit/raw';

export interface ProcfileRun {
  tool: 'honcho' | 'foreman';
  /** The Procfile it reads, as a path in the container. */
  procfile: string;
  /** Where the processes start: honcho's own directory; foreman's root (`-d`, else the Procfile's directory). */
  cwd: string;
  /** The first process's port; undefined when the tree does not say. */
  basePort: number | undefined;
  /** The processes it starts of a Procfile that holds these types, in file order. */
  processes: (types: readonly string[]) => ProcfileProcess[];
}

export interface ProcfileProcess {
  /** Its line among the Procfile's process lines. */
  line: number;
  type: string;
  /** Its first copy's port, above the base port. */
  portOffset: number;
  /** How many copies run, each on the next port. */
  count: number;
}

/** The options of a runner's command line that change what runs where, and the process names it gives. */
interface Options {
  procfile?: string;
  root?: string;
  port?: string;
  envFiles?: string;
  counts?: string;
  names: string[];
}

/** An option's value: one of Options, or `ignored` (honcho's `-q`, foreman's `-t`: they change no port). */
type OptionKey = Exclude<keyof Options, 'names'> | 'ignored';

const HONCHO_WITH_VALUE: Record<string, OptionKey> = {
  '-e': 'envFiles',
  '--env': 'envFiles',
  '-d': 'root',
  '--app-root': 'root',
  '-f': 'procfile',
  '--procfile': 'procfile',
  '-p': 'port',
  '--port': 'port',
  '-c': 'counts',
  '--concurrency': 'counts',
  '-q': 'ignored',
  '--quiet': 'ignored',
};
const HONCHO_FLAGS = new Set(['--no-colour', '--no-prefix']);

const FOREMAN_WITH_VALUE: Record<string, OptionKey> = {
  '-e': 'envFiles',
  '--env': 'envFiles',
  '-d': 'root',
  '--root': 'root',
  '-f': 'procfile',
  '--procfile': 'procfile',
  '-p': 'port',
  '--port': 'port',
  '-m': 'counts',
  '--formation': 'counts',
  '-t': 'ignored',
  '--timeout': 'ignored',
};
const FOREMAN_FLAGS = new Set(['-c', '--color', '--no-color', '--timestamp', '--no-timestamp']);

/**
 * The run a runner's command line makes, or undefined where it starts no Procfile or the tree
 * does not say how (a word it does not give, an option it does not know, an env file or a
 * `.foreman` it may read). `placed`: whether the container holds a file at a path.
 */
export function procfileRun(
  words: readonly string[],
  known: readonly boolean[],
  program: string,
  cwd: string,
  environment: Lookup,
  placed: (path: string) => boolean,
): ProcfileRun | undefined {
  if (program !== 'honcho' && program !== 'foreman') return undefined;
  if (!known.every(Boolean)) return undefined;
  const tool = program;
  // The task is the first word that is no option: foreman takes its options after it, honcho its common ones before it too.
  const withValue = tool === 'honcho' ? HONCHO_WITH_VALUE : FOREMAN_WITH_VALUE;
  let start = 1;
  while (tool === 'honcho' && start < words.length && words[start].startsWith('-')) start += withValue[words[start]] !== undefined ? 2 : 1;
  if (words[start] !== 'start') return undefined;
  const options = readOptions(tool, [...words.slice(1, start), ...words.slice(start + 1)]);
  if (!options) return undefined;
  const at = (path: string) => nodePath.posix.resolve(cwd, path);
  if (tool === 'honcho') {
    const root = at(options.root ?? '.');
    // honcho reads PROCFILE and PORT from its .env too (command.py `map_from`), and its processes get every variable there.
    if (options.envFiles !== undefined || placed(nodePath.posix.join(root, '.env'))) return undefined;
    // honcho 2.0 takes PROCFILE from the environment too, 1.x does not (CHANGELOG 2.0.0): which one runs is not known.
    if (options.procfile === undefined && environment('PROCFILE') !== 'unset') return undefined;
    const procfile = options.procfile ?? 'Procfile';
    const counts = countsOf(options.counts, tool);
    const basePort = portOf(options.port, environment);
    if (!counts || basePort === false) return undefined;
    return {
      tool,
      procfile: nodePath.posix.resolve(root, procfile),
      cwd,
      basePort,
      processes: (types) => {
        // honcho refuses a Procfile that names a type twice, and a name it does not hold (environ.py `add_process`, command.py `command_start`).
        if (new Set(types).size !== types.length || options.names.some((name) => !types.includes(name))) return [];
        const runs = options.names.length > 0 ? [...new Set(options.names)] : types;
        return runs.map((type, index) => ({ line: types.indexOf(type), type, portOffset: 100 * index, count: counts(type) }));
      },
    };
  }
  // foreman reads a .foreman file of defaults for every option (cli.rb `options`) and .env for PORT.
  if (placed(at('.foreman')) || options.envFiles !== undefined || placed(nodePath.posix.join(at(options.root ?? '.'), '.env'))) return undefined;
  if (options.names.length > 1) return undefined;
  const procfile = options.procfile !== undefined ? at(options.procfile) : nodePath.posix.join(at(options.root ?? '.'), 'Procfile');
  const named = options.names[0];
  const counts = countsOf(named !== undefined ? `${named}=1` : (options.counts ?? 'all=1'), tool);
  const basePort = portOf(options.port, environment);
  if (!counts || basePort === false) return undefined;
  return {
    tool,
    procfile,
    cwd: options.root !== undefined ? at(options.root) : nodePath.posix.dirname(procfile),
    basePort,
    processes: (types) => types.map((type, index) => ({ line: index, type, portOffset: 100 * index, count: counts(type) })),
  };
}

/** The options and names after the program, or undefined for one the runner does not take. `names` holds the process names. */
function readOptions(tool: 'honcho' | 'foreman', words: readonly string[]): Options | undefined {
  const withValue = tool === 'honcho' ? HONCHO_WITH_VALUE : FOREMAN_WITH_VALUE;
  const flags = tool === 'honcho' ? HONCHO_FLAGS : FOREMAN_FLAGS;
  const options: Options = { names: [] };
  const set = (key: OptionKey, value: string) => {
    if (key !== 'ignored') options[key] = value;
  };
  for (let k = 0; k < words.length; k++) {
    const word = words[k];
    if (word === '--') {
      options.names.push(...words.slice(k + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      options.names.push(word);
      continue;
    }
    if (flags.has(word)) continue;
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    const key = withValue[name];
    if (key !== undefined && equals !== -1) {
      set(key, word.slice(equals + 1));
      continue;
    }
    if (key !== undefined) {
      if (k + 1 >= words.length) return undefined;
      set(key, words[++k]);
      continue;
    }
    // `-p6000`: a short option glued to its value.
    const glued = withValue[word.slice(0, 2)];
    if (glued === undefined || word.startsWith('--')) return undefined;
    set(glued, word.slice(2));
  }
  return options;
}

/**
 * How many copies of each type run: honcho's `-c a=2,b=0` (every other type once), foreman's
 * `-m a=2,all=1` (`all` for the rest, else none); undefined where a count is not a number.
 */
function countsOf(written: string | undefined, tool: 'honcho' | 'foreman'): ((type: string) => number) | undefined {
  const counts = new Map<string, number>();
  let rest = tool === 'honcho' ? 1 : 0;
  for (const pair of (written ?? '').replace(/\s/g, '').split(',')) {
    if (pair === '') continue;
    const match = /^([^=]+)=(\d+)$/.exec(pair);
    if (!match) return undefined;
    if (match[1] === 'all' && tool === 'foreman') rest = Number(match[2]);
    else counts.set(match[1], Number(match[2]));
  }
  return (type) => counts.get(type) ?? rest;
}

/** The base port: the option, else PORT, else 5000; undefined where the environment does not say, false where the runner would refuse it. */
function portOf(option: string | undefined, environment: Lookup): number | undefined | false {
  const fromEnvironment = environment('PORT');
  if (option === undefined && fromEnvironment === 'unknown') return undefined;
  const written = option ?? (typeof fromEnvironment === 'object' ? fromEnvironment.value : '5000');
  return /^\d+$/.test(written.trim()) ? Number(written.trim()) : false;
}
