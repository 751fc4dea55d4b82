/**
 * supervisord's configuration (supervisord.conf, and the conf.d files it includes): each
 * `[program:NAME]` section is a process supervisord starts and keeps running. Its `command=` is
 * split like a shell would split it, without a shell (supervisor's options.py uses shlex);
 * `directory=`, `user=`, `environment=` and `stopsignal=` (TERM by default) come with it. A
 * program with `autostart=false` is not started, and `%(ENV_NAME)s` (supervisord's own
 * environment) is not known here. A `[fcgi-program:NAME]` section is read the same way, and its
 * `socket=` is where the program listens: supervisord opens it and hands it over as fd 0
 * (uvicorn's `--fd 0`). Sections and keys follow Python's ConfigParser: `key = value`
 * or `key: value`, an indented line continues the value, `;` and `#` start comments.
 */
import * as nodePath from 'path';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import { expandWord } from '../kit/expand';
import { ALL_UNKNOWN, asMappedText, literalArg, Lookup, lookupIn, RawArg } from '../kit/raw';
import { splitWords } from '../kit/shell-words';
import { assembleLaunch } from './assemble';
import type { Launch } from './launch';
import type { PassThrough } from './program';
import { normalizeSignal } from './systemd';

/** One `key = value` of a section, with the offsets of the value as written. */
interface Entry {
  key: string;
  start: number;
  end: number;
}

/** A `[program:NAME]` or `[fcgi-program:NAME]` section of a file. */
export interface SupervisorProgram {
  name: string;
  /** An `fcgi-program`: supervisord opens its `socket=` and hands it to each process as fd 0. */
  fcgi: boolean;
  source: SourceText;
  entries: Map<string, Entry>;
}

const SECTION = /^\[([^\]]*)\][ \t]*$/;
const KEY_VALUE = /^([^\s=:;#][^=:]*?)[ \t]*[=:][ \t]*/;

/** A section of a config file: its name as written between the brackets, and its keys. */
interface Section {
  name: string;
  entries: Map<string, Entry>;
}

/** The sections of a supervisord config file, in file order. */
function supervisorSections(source: SourceText): Section[] {
  const sections: Section[] = [];
  const text = source.text;
  let current: Section | undefined;
  let last: Entry | undefined;
  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const indented = /^[ \t]/.test(line);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed.startsWith('#')) {
      if (trimmed === '') last = undefined;
    } else if (indented && last) {
      // A continuation line: the value goes on (ConfigParser joins the lines with a newline).
      last.end = lineStart + valueEnd(line);
    } else {
      const section = SECTION.exec(line);
      if (section) {
        current = { name: section[1].trim(), entries: new Map() };
        sections.push(current);
        last = undefined;
      } else {
        const keyValue = KEY_VALUE.exec(line);
        last = undefined;
        if (keyValue && current) {
          last = { key: keyValue[1].trim().toLowerCase(), start: lineStart + keyValue[0].length, end: lineStart + valueEnd(line) };
          current.entries.set(last.key, last);
        }
      }
    }
    lineStart = lineEnd + 1;
  }
  return sections;
}

/** The `[program:NAME]` and `[fcgi-program:NAME]` sections of a supervisord config file, in file order. */
export function supervisorPrograms(source: SourceText): SupervisorProgram[] {
  return supervisorSections(source).flatMap(({ name, entries }) => {
    const kind = /^(fcgi-)?program:/.exec(name);
    return kind ? [{ name: name.slice(kind[0].length).trim(), fcgi: kind[1] !== undefined, source, entries }] : [];
  });
}

/**
 * The `files=` of the file's `[include]` section as written (undefined without one): the
 * whitespace-separated globs of the files supervisord reads after this one, when it is the
 * config supervisord starts with (options.py, `ServerOptions.read_config`).
 */
export function supervisorIncludeFiles(source: SourceText): string | undefined {
  const files = supervisorSections(source)
    .filter((section) => section.name === 'include')
    .map((section) => section.entries.get('files'))
    .pop();
  return files ? source.text.slice(files.start, files.end) : undefined;
}

/** Where a line's value ends: before an inline comment (` ;` or ` #`) and trailing blanks. */
function valueEnd(line: string): number {
  const comment = /[ \t][;#]/.exec(line);
  const end = comment ? comment.index : line.length;
  return line.slice(0, end).trimEnd().length;
}

/**
 * The processes the programs start: each a launch, in the container given (else where supervisord
 * runs). `passThrough`: scripts of the tree that run their arguments (`exec "$@"`), which
 * supervisord runs as it runs any program (`command=wait_for_deps.sh uvicorn …`).
 */
export function supervisorLaunches(programs: SupervisorProgram[], problems: ReaderDiagnostic[], container?: Launch, passThrough?: PassThrough): Launch[] {
  const launches: Launch[] = [];
  for (const program of programs) {
    const { entries, source } = program;
    const command = entries.get('command');
    if (!command || command.end <= command.start) continue;
    // supervisord refuses an fcgi-program without socket= (options.py, process_groups_from_parser).
    const socketEntry = entries.get('socket');
    if (program.fcgi && (!socketEntry || socketEntry.end <= socketEntry.start)) continue;
    const autostart = entries.get('autostart');
    if (autostart && /^(false|no|off|0)$/i.test(source.text.slice(autostart.start, autostart.end))) continue;
    const env = programEnvironment(source, entries.get('environment'));
    const lookup = containerLookup(container, env);
    const stop = entries.get('stopsignal');
    const written = (key: string) => {
      const entry = entries.get(key);
      return entry && entry.end > entry.start ? expanded(literalArg(source, entry.start, entry.end)) : undefined;
    };
    const launch = assembleLaunch({
      kind: 'supervisord',
      file: source.file,
      args: commandWords(source, command),
      env,
      lookup,
      // In a container, the program answers to the container's name (a compose service).
      service: container?.service ?? program.name,
      span: source.span(command.start, command.end),
      stopSignal: stop ? { value: normalizeSignal(source.text.slice(stop.start, stop.end)), span: source.span(stop.start, stop.end) } : { value: 'SIGTERM' },
      // Without directory=, the program starts where supervisord runs, which the config does not say.
      workingDirectory: written('directory'),
      user: written('user'),
      externalEnv: container?.externalEnv ?? [],
      ...(container?.container ? { container: container.container } : {}),
      ...(container?.mounts ? { mounts: container.mounts } : {}),
      ...(container?.compose ? { compose: container.compose } : {}),
      ...(container?.build ? { build: container.build } : {}),
      ...(passThrough ? { passThrough } : {}),
      problems,
    });
    if (!launch) continue;
    const socket = program.fcgi && socketEntry ? fcgiSocket(source, socketEntry, program.name) : undefined;
    // supervisord hands its own environment (the container's) on to the program.
    launches.push({ ...launch, ...(container ? { env: new Map([...container.env, ...launch.env]) } : {}), ...(socket ? { inheritedSocket: socket } : {}) });
  }
  return launches;
}

/**
 * An fcgi-program's `socket=` as supervisord reads it (options.py, parse_fcgi_socket):
 * `unix:///absolute/path` or `tcp://host:port`, after `%(program_name)s` is put in; undefined
 * for anything else (supervisord refuses it) or another expansion this reader does not know.
 */
function fcgiSocket(source: SourceText, entry: Entry, programName: string): Launch['inheritedSocket'] {
  const text = source.text.slice(entry.start, entry.end).replace(/%\(program_name\)s/g, programName);
  if (text.includes('%(')) return undefined;
  const span = source.span(entry.start, entry.end);
  if (text.startsWith('unix://')) {
    const path = text.slice('unix://'.length);
    return nodePath.posix.isAbsolute(path) ? { fd: 0, address: { kind: 'unix', path: nodePath.posix.normalize(path) }, span } : undefined;
  }
  const tcp = /^tcp:\/\/([^\s:]+):(\d+)$/.exec(text);
  const port = tcp ? Number(tcp[2]) : NaN;
  return tcp && port > 0 && port <= 65535 ? { fd: 0, address: { kind: 'tcp', host: tcp[1].toLowerCase(), port }, span } : undefined;
}

/** `command=` split into words without a shell; a `%(…)s` expansion makes its word unknown. */
function commandWords(source: SourceText, command: Entry): RawArg[] {
  const words = splitWords(asMappedText(literalArg(source, command.start, command.end)), 'compose').words;
  return words.flatMap((word) => expandWord(word, source, ALL_UNKNOWN, false)).map(expanded);
}

/** supervisord expands `%(ENV_X)s`, `%(here)s`, `%(program_name)s`…: values this reader leaves unknown. */
function expanded(raw: RawArg): RawArg {
  const expansions = raw.value.match(/%\([^)]*\)[sd]/g);
  return expansions ? { ...raw, unresolved: [...raw.unresolved, ...expansions] } : raw;
}

/** `environment=A="1",B=two`: supervisor's comma-separated KEY=value pairs, values quoted or not. */
function programEnvironment(source: SourceText, entry: Entry | undefined): Map<string, RawArg> {
  const env = new Map<string, RawArg>();
  if (!entry) return env;
  const text = source.text;
  let k = entry.start;
  while (k < entry.end) {
    while (k < entry.end && /[\s,]/.test(text[k])) k++;
    const equals = text.indexOf('=', k);
    if (equals === -1 || equals >= entry.end) break;
    const name = text.slice(k, equals).trim();
    let valueStart = equals + 1;
    let valueEnd: number;
    let next: number;
    const quote = text[valueStart];
    if (quote === '"' || quote === "'") {
      const close = text.indexOf(quote, valueStart + 1);
      valueEnd = close === -1 || close > entry.end ? entry.end : close;
      valueStart++;
      next = valueEnd + 1;
    } else {
      const comma = text.indexOf(',', valueStart);
      valueEnd = comma === -1 || comma > entry.end ? entry.end : comma;
      next = valueEnd;
    }
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) env.set(name, expanded(literalArg(source, valueStart, valueEnd)));
    k = next;
  }
  return env;
}

/** Variables of the program's own `environment=`, then supervisord's (the container's); others unknown. */
function containerLookup(container: Launch | undefined, env: Map<string, RawArg>): Lookup {
  return lookupIn(env, (name) => {
    const inherited = container?.env.get(name);
    return inherited && !inherited.unresolved ? { value: inherited.value } : 'unknown';
  });
}
