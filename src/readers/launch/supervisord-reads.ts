/**
 * Which of the tree's supervisord config files a supervisord in a container reads
 * (docs/servers/supervisord.md#which-files-it-reads). supervisord reads one config: the file
 * `-c` names, else the first of its search path that exists (supervisor/options.py,
 * `Options.__init__` and `default_configfile`); then the files that config's `[include] files=`
 * globs match, relative to its directory (`ServerOptions.read_config`). A config the image
 * places anywhere else (an application directory under `COPY . /app`) is never read.
 */
import * as nodePath from 'path';
import { compileGlobSegment, hasGlob, matchGlobSegment } from '../nginx/glob';
import { placedSourceAt, placedTreeFiles } from './launch';
import { PATH_DIRECTORIES } from './program';
import type { SupervisordRun } from './container-scripts';

/** What the config files of the tree say to the reading: their `[include] files=`, as written. */
export type IncludeFilesOf = (treeFile: string) => string | undefined;

/**
 * The config files of the tree (`configFiles`) this supervisord reads, each once; undefined when
 * the tree cannot tell which config it starts with (a `-c` it does not give, or one naming a file
 * the image holds, or an include glob with supervisord's own expansions): then every config the
 * container holds may be read.
 */
export function supervisordReads(run: SupervisordRun, configFiles: readonly string[], includeFilesOf: IncludeFilesOf): Set<string> | undefined {
  const mounts = run.container.mounts ?? [];
  // A copy at start replaces what the image holds there.
  const at = (path: string) => placedSourceAt(path, run.copies) ?? placedSourceAt(path, mounts);
  const configs = new Set(configFiles);
  const held = [...placedTreeFiles(mounts, configFiles), ...placedTreeFiles(run.copies, configFiles)].filter(({ file, target }) => at(target) === file);
  const option = configOption(run.words, run.known);
  if (option === 'unknown') return undefined;
  let main: { path: string; file: string } | undefined;
  if (option !== undefined) {
    const path = nodePath.posix.resolve(run.cwd, option);
    const file = at(path);
    // The packages' own config, named where they put it, is read as it is found without -c.
    if (file !== undefined && configs.has(file)) main = { path, file };
    else if (!PACKAGED_CONFIGS.includes(path)) return undefined;
  } else {
    for (const path of searchPath(run.words[0] ?? '', run.cwd)) {
      const file = at(path);
      if (file !== undefined && configs.has(file)) {
        main = { path, file };
        break;
      }
    }
  }
  const globs = main ? includeGlobs(main.path, includeFilesOf(main.file)) : PACKAGED_INCLUDES;
  if (globs === undefined) return undefined;
  const read = new Set<string>(main ? [main.file] : []);
  for (const { file, target } of held) if (globs.some((glob) => globMatches(glob, target))) read.add(file);
  return read;
}

/**
 * Where the configs of distribution packages include program files from, for a supervisord whose
 * own config the tree does not hold: Debian's and Ubuntu's `/etc/supervisor/supervisord.conf`
 * (supervisor 4.2.5-1, `[include] files = /etc/supervisor/conf.d/*.conf`), and the directories
 * Alpine's and Fedora's packages name.
 */
const PACKAGED_INCLUDES = ['/etc/supervisor/conf.d/*.conf', '/etc/supervisor.d/*.ini', '/etc/supervisord.d/*.ini'];

/** Where distribution packages put supervisord's config: the last two places it looks. */
const PACKAGED_CONFIGS = ['/etc/supervisord.conf', '/etc/supervisor/supervisord.conf'];

/** supervisord's short options that take a value (options.py, `ServerOptions.__init__`: `c:`, `u:`, …). */
const SHORT_WITH_VALUE = new Set([...'cumdlyzejiqa']);
/** Its long options, those taking a value with `=`; getopt takes any unique prefix. */
const LONG_OPTIONS = [
  'help',
  'configuration=',
  'version',
  'nodaemon',
  'user=',
  'umask=',
  'directory=',
  'logfile=',
  'logfile_maxbytes=',
  'logfile_backups=',
  'loglevel=',
  'pidfile=',
  'identifier=',
  'childlogdir=',
  'minfds=',
  'minprocs=',
  'nocleanup',
  'strip_ansi',
  'profile_options=',
  'silent',
];

/** The path `-c`/`--configuration` gives, as getopt reads supervisord's words; 'unknown' where a word the tree does not give may hold it. */
export function configOption(words: readonly string[], known: readonly boolean[]): string | undefined | 'unknown' {
  let config: string | undefined;
  for (let i = 1; i < words.length; i++) {
    if (!known[i]) return 'unknown';
    const word = words[i];
    // getopt stops at `--` and at the first word that is no option.
    if (word === '--' || !word.startsWith('-') || word === '-') break;
    if (word.startsWith('--')) {
      const [name, value] = word.slice(2).split(/=(.*)/s, 2);
      const matches = LONG_OPTIONS.filter((option) => option.replace(/=$/, '') === name || option.startsWith(name));
      const option = matches.find((candidate) => candidate.replace(/=$/, '') === name) ?? (matches.length === 1 ? matches[0] : undefined);
      if (option === undefined) return 'unknown';
      if (!option.endsWith('=')) continue;
      const given = value ?? words[++i];
      if (given === undefined || (value === undefined && !known[i])) return 'unknown';
      if (option === 'configuration=') config = given;
      continue;
    }
    for (let at = 1; at < word.length; at++) {
      if (!SHORT_WITH_VALUE.has(word[at])) continue;
      const given = at + 1 < word.length ? word.slice(at + 1) : words[++i];
      if (given === undefined || (at + 1 === word.length && !known[i])) return 'unknown';
      if (word[at] === 'c') config = given;
      break;
    }
  }
  return config;
}

/**
 * supervisord's search path without `-c`: `../etc/supervisord.conf` and `../supervisord.conf`
 * from the directory of its own program (each PATH directory's where it is named bare), then
 * `supervisord.conf` and `etc/supervisord.conf` where it starts, `/etc/supervisord.conf` and
 * `/etc/supervisor/supervisord.conf`.
 */
function searchPath(program: string, cwd: string): string[] {
  const directories = program.includes('/') ? [nodePath.posix.dirname(nodePath.posix.resolve(cwd, program))] : PATH_DIRECTORIES;
  const heres = [...new Set(directories.map((directory) => nodePath.posix.dirname(directory)))];
  return [
    ...heres.flatMap((here) => [nodePath.posix.join(here, 'etc', 'supervisord.conf'), nodePath.posix.join(here, 'supervisord.conf')]),
    nodePath.posix.join(cwd, 'supervisord.conf'),
    nodePath.posix.join(cwd, 'etc', 'supervisord.conf'),
    '/etc/supervisord.conf',
    '/etc/supervisor/supervisord.conf',
  ];
}

/**
 * The absolute globs of the main config's `[include] files=` (none without one), each joined to
 * the config's directory; `%(here)s` is that directory. Any other expansion (`%(ENV_X)s`,
 * `%(host_node_name)s`) is not known here: undefined.
 */
function includeGlobs(configPath: string, files: string | undefined): string[] | undefined {
  if (files === undefined) return [];
  const here = nodePath.posix.dirname(configPath);
  const expanded = files.replace(/%\(here\)s/g, here);
  if (expanded.includes('%')) return undefined;
  return expanded
    .split(/\s+/)
    .filter((pattern) => pattern !== '')
    .map((pattern) => nodePath.posix.normalize(nodePath.posix.join(pattern.startsWith('/') ? '' : here, pattern)));
}

/** Whether a container path matches an absolute glob, part by part (Python's glob, as glibc's for these masks). */
function globMatches(glob: string, path: string): boolean {
  const globParts = glob.split('/');
  const pathParts = path.split('/');
  if (globParts.length !== pathParts.length) return false;
  return globParts.every((part, index) => (hasGlob(part) ? matchGlobSegment(compileGlobSegment(part), pathParts[index]) : part === pathParts[index]));
}
