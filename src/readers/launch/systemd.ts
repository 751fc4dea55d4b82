/**
 * Launches from systemd service units (systemd.service(5), systemd.exec(5), systemd.syntax(7)):
 * the last `ExecStart=` list (an empty assignment resets it, as drop-ins do), split into words
 * the way systemd does (quotes anywhere in a word, C escapes, a lone `;` between commands, the
 * prefixes `@-:+!`), `${NAME}` and whole-word `$NAME` substituted from `Environment=`, `%n`/`%N`/
 * `%p`/`%i`/`%%` specifiers; plus `WorkingDirectory=`, `User=`, `Group=`, `KillSignal=`.
 */
import type { Launch } from './launch';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { MAX_VALUE_LENGTH } from '../expansion-budget';
import type { SourceText } from '../../source/text';
import { assembleLaunch } from './assemble';
import { diagnostic } from '../kit/files';
import type { MappedText } from '../kit/mapped-text';
import { Lookup, RawArg, sliceArg } from '../kit/raw';
import { assignments, lastAssignment, Unit, UnitEntry, UnitFile } from './systemd-unit';
import { append } from '../../source/append';

/** Variables systemd itself passes to services ("static configuration", systemd.exec(5)). */
const SYSTEMD_PROVIDED = new Set([
  'USER',
  'LOGNAME',
  'HOME',
  'SHELL',
  'PATH',
  'LANG',
  'INVOCATION_ID',
  'MAINPID',
  'MANAGERPID',
  'NOTIFY_SOCKET',
  'LISTEN_FDS',
  'LISTEN_PID',
  'LISTEN_FDNAMES',
  'RUNTIME_DIRECTORY',
  'STATE_DIRECTORY',
  'CACHE_DIRECTORY',
  'LOGS_DIRECTORY',
  'CONFIGURATION_DIRECTORY',
  'CREDENTIALS_DIRECTORY',
  'JOURNAL_STREAM',
  'WATCHDOG_PID',
  'WATCHDOG_USEC',
]);

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'" };

export interface SystemdWord extends RawArg {
  /** Written as a lone `;` (a command separator); `\;` is a literal semicolon. */
  separator: boolean;
}

/**
 * Splits a value into words as systemd's extract_first_word() does with unquoting and C
 * escapes: a quote opens anywhere in a word, backslash escapes work inside and outside quotes.
 * An unbalanced quote makes systemd ignore the whole line: returns `problem`.
 */
export function splitSystemdWords(value: MappedText): { words: SystemdWord[]; problem?: { message: string; start: number; end: number } } {
  const text = value.text;
  const words: SystemdWord[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    let word = '';
    const offsets: number[] = [];
    let quote = '';
    let quotedAny = false;
    while (i < text.length) {
      const c = text[i];
      if (!quote && /\s/.test(c)) break;
      if (c === '\\') {
        const decoded = unescapeAt(text, i + 1);
        if (!decoded) {
          if (i + 1 >= text.length) {
            word += '\\';
            offsets.push(value.offsetAt(i));
            i++;
            continue;
          }
          // Unknown escapes are kept as written (systemd warns and goes on).
          word += `\\${text[i + 1]}`;
          offsets.push(value.offsetAt(i), value.offsetAt(i + 1));
          i += 2;
          continue;
        }
        word += decoded.text;
        for (let k = 0; k < decoded.text.length; k++) offsets.push(value.offsetAt(i));
        i += 1 + decoded.length;
        continue;
      }
      if (quote) {
        if (c === quote) quote = '';
        else {
          word += c;
          offsets.push(value.offsetAt(i));
        }
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        quotedAny = true;
        i++;
        continue;
      }
      word += c;
      offsets.push(value.offsetAt(i));
      i++;
    }
    if (quote) {
      return { words, problem: { message: `Unbalanced quoting, ignoring: "${text}"`, start: value.offsetAt(start), end: value.endOffset } };
    }
    const written = text.slice(start, i);
    words.push({
      source: value.source,
      value: word,
      offsets,
      start: value.offsetAt(start),
      end: value.endOffsetAt(i),
      unresolved: [],
      separator: written === ';' && !quotedAny,
    });
  }
  return { words };
}

function unescapeAt(text: string, i: number): { text: string; length: number } | undefined {
  const c = text[i];
  if (c === undefined) return undefined;
  if (c in ESCAPES) return { text: ESCAPES[c], length: 1 };
  if (c === ';') return { text: ';', length: 1 };
  const hex = c === 'x' ? /^[0-9a-fA-F]{2}/.exec(text.slice(i + 1)) : null;
  if (hex) return { text: String.fromCharCode(parseInt(hex[0], 16)), length: 3 };
  const octal = /^[0-7]{3}/.exec(text.slice(i));
  if (octal) return { text: String.fromCharCode(parseInt(octal[0], 8)), length: 3 };
  const unicode = c === 'u' ? /^[0-9a-fA-F]{4}/.exec(text.slice(i + 1)) : c === 'U' ? /^[0-9a-fA-F]{8}/.exec(text.slice(i + 1)) : null;
  if (unicode) return { text: String.fromCodePoint(parseInt(unicode[0], 16)), length: 1 + unicode[0].length };
  return undefined;
}

/** `%n`, `%N`, `%p`, `%i`, `%%` of a unit name; other specifiers (and `%i` of a template) are left unresolved. */
function replaceSpecifiers(word: RawArg, unitName: string): RawArg {
  if (!word.value.includes('%')) return word;
  const stem = unitName.replace(/\.[a-z]+$/, '');
  const at = stem.indexOf('@');
  const known: Record<string, string> = { n: unitName, N: stem, p: at === -1 ? stem : stem.slice(0, at), '%': '%' };
  // A template (`app@.service`) runs once per instance: `%i` is only known in an instance's name.
  if (at === -1) known.i = '';
  else if (at < stem.length - 1) known.i = stem.slice(at + 1);
  let value = '';
  const offsets: number[] = [];
  const unresolved = [...word.unresolved];
  for (let k = 0; k < word.value.length; k++) {
    const c = word.value[k];
    if (c === '%' && k + 1 < word.value.length) {
      const specifier = word.value[k + 1];
      const replacement = known[specifier];
      if (replacement === undefined) unresolved.push(`%${specifier}`);
      const text = replacement ?? `%${specifier}`;
      value += text;
      for (let m = 0; m < text.length; m++) offsets.push(word.offsets[k]);
      k++;
      continue;
    }
    value += c;
    offsets.push(word.offsets[k]);
  }
  return { ...word, value, offsets, unresolved };
}

/**
 * Environment substitution at start-up (systemd.service(5), "Command lines"): a word that is
 * exactly `$NAME` becomes the value split at blanks; `${NAME}` anywhere becomes the exact
 * value; `$$` is a `$`. The program (first word) is never substituted.
 */
/** `${NAME}` where the scan stands (sticky: no copy of the rest of the word for each `$`). */
const BRACED = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/y;

function substitute(word: RawArg, lookup: Lookup): RawArg[] {
  const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word.value);
  if (whole) {
    const found = lookup(whole[1]);
    if (found === 'unknown') return [{ ...word, unresolved: [...word.unresolved, word.value] }];
    if (found === 'unset') return [];
    return found.value
      .split(/\s+/)
      .filter((piece) => piece !== '')
      .map((piece) => ({ ...word, value: piece.replace(/^(["'])(.*)\1$/, '$2'), offsets: [...piece].map(() => word.start) }));
  }
  if (!word.value.includes('$')) return [word];
  let value = '';
  const offsets: number[] = [];
  const unresolved = [...word.unresolved];
  for (let k = 0; k < word.value.length; k++) {
    if (word.value[k] === '$' && word.value[k + 1] === '$') {
      value += '$';
      offsets.push(word.offsets[k]);
      k++;
      continue;
    }
    BRACED.lastIndex = k;
    const braced = word.value[k] === '$' ? BRACED.exec(word.value) : null;
    if (braced) {
      let found = lookup(braced[1]);
      // `${A} ${A} …` with a long A: past the budget the variable is left unresolved.
      if (typeof found === 'object' && value.length + found.value.length > MAX_VALUE_LENGTH) found = 'unknown';
      const text = found === 'unknown' ? braced[0] : found === 'unset' ? '' : found.value;
      if (found === 'unknown') unresolved.push(braced[0]);
      value += text;
      for (let m = 0; m < text.length; m++) offsets.push(word.offsets[k]);
      k += braced[0].length - 1;
      continue;
    }
    value += word.value[k];
    offsets.push(word.offsets[k]);
  }
  return [{ ...word, value, offsets, unresolved }];
}

/** `Environment=` lines in order: several assignments per line, quoted or not; an empty line resets. */
function readEnvironment(unit: Unit, problems: ReaderDiagnostic[]): Map<string, RawArg> {
  const env = new Map<string, RawArg>();
  for (const { file, entry } of assignments(unit, 'Service', 'Environment')) {
    if (entry.value.text === '') {
      env.clear();
      continue;
    }
    const { words, problem } = splitSystemdWords(entry.value);
    if (problem) {
      problems.push(diagnostic(file.source, 'command-syntax', problem.message, problem.start, problem.end));
      continue;
    }
    for (const word of words) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word.value);
      if (!match) {
        problems.push(diagnostic(file.source, 'systemd-syntax', `Invalid environment assignment, ignoring: ${word.value}`, word.start, word.end, 'warning'));
        continue;
      }
      const cut = match[0].length;
      env.set(match[1], sliceArg(word, cut));
    }
  }
  return env;
}

function singleValue(entry: UnitEntry | undefined, source: SourceText | undefined, strip?: RegExp): RawArg | undefined {
  if (!entry || !source) return undefined;
  const text = entry.value.text.replace(strip ?? /^$/, '');
  const cut = entry.value.text.length - text.length;
  const value = entry.value.slice(cut, entry.value.text.length);
  return { source, value: value.text, offsets: value.offsets, start: value.offsetAt(0), end: value.endOffset, unresolved: [] };
}

/** `SIGTERM`, `TERM` or a number, as systemd accepts them; names get their `SIG` prefix. */
export function normalizeSignal(text: string): string {
  const trimmed = text.trim();
  return /^[A-Za-z][A-Za-z0-9+]*$/.test(trimmed) && !/^SIG/i.test(trimmed) ? `SIG${trimmed.toUpperCase()}` : trimmed.toUpperCase();
}

export function systemdLaunches(units: Unit[], problems: ReaderDiagnostic[]): Launch[] {
  const launches: Launch[] = [];
  for (const unit of units) {
    if (!unit.name.endsWith('.service')) continue;
    const execStarts = assignments(unit, 'Service', 'ExecStart');
    let commands: { file: SourceText; entry: UnitEntry }[] = [];
    for (const { file, entry } of execStarts) {
      if (entry.value.text === '') commands = [];
      else commands.push({ file: file.source, entry });
    }
    if (commands.length === 0) continue;

    const env = readEnvironment(unit, problems);
    // Both lists are reset by an empty assignment, as drop-ins do.
    const listed = (key: string) => {
      let list: { file: UnitFile; entry: UnitEntry }[] = [];
      for (const assignment of assignments(unit, 'Service', key)) list = assignment.entry.value.text === '' ? [] : [...list, assignment];
      return list;
    };
    const environmentFiles = listed('EnvironmentFile');
    const passed = new Set(listed('PassEnvironment').flatMap(({ entry }) => entry.value.text.split(/\s+/)));
    const externalEnv = [...environmentFiles, ...listed('PassEnvironment')].map(({ file, entry }) =>
      file.source.span(entry.value.offsetAt(0), entry.value.endOffset),
    );
    // EnvironmentFile= overrides Environment= (systemd.exec(5)): with one, no variable is known.
    const lookup: Lookup = (name) => {
      if (environmentFiles.length > 0 || passed.has(name)) return 'unknown';
      const found = env.get(name);
      if (found) return found.unresolved.length > 0 ? 'unknown' : { value: found.value };
      return SYSTEMD_PROVIDED.has(name) ? 'unknown' : 'unset';
    };
    const at = (key: string) => {
      const found = lastAssignment(unit, 'Service', key);
      return singleValue(found?.entry, found?.file.source, key === 'WorkingDirectory' ? /^-/ : undefined);
    };
    const killSignal = lastAssignment(unit, 'Service', 'KillSignal');
    // KillMode=control-group (the default) signals every process of the unit; `mixed` and
    // `process` only the main one (systemd.kill(5)).
    const killMode = lastAssignment(unit, 'Service', 'KillMode')?.entry.value.text.trim();

    for (const { file, entry } of commands) {
      const { words, problem } = splitSystemdWords(entry.value);
      if (problem) {
        problems.push(diagnostic(file, 'command-syntax', problem.message, problem.start, problem.end));
        continue;
      }
      // Several command lines in one assignment are separated by a lone `;`.
      const lines: SystemdWord[][] = [[]];
      for (const word of words) {
        if (word.separator) lines.push([]);
        else lines[lines.length - 1].push(word);
      }
      for (const line of lines) {
        if (line.length === 0) continue;
        const first = line[0];
        const prefix = /^[-@:+!]*/.exec(first.value)![0];
        const program = sliceArg(first, prefix.length);
        // `@`: the second word is only argv[0] for the process; the program is still the first.
        const rest = prefix.includes('@') ? line.slice(2) : line.slice(1);
        const noSubstitution = prefix.includes(':');
        const args: RawArg[] = [replaceSpecifiers(program, unit.name)];
        for (const word of rest) {
          const withSpecifiers = replaceSpecifiers(word, unit.name);
          if (noSubstitution) args.push(withSpecifiers);
          else append(args, substitute(withSpecifiers, lookup));
        }
        const launch = assembleLaunch({
          kind: 'systemd',
          file: file.file,
          args,
          env,
          lookup,
          service: unit.name,
          span: file.span(entry.value.offsetAt(0), entry.value.endOffset),
          stopSignal: killSignal
            ? {
                value: normalizeSignal(killSignal.entry.value.text),
                span: killSignal.file.source.span(killSignal.entry.value.offsetAt(0), killSignal.entry.value.endOffset),
              }
            : { value: 'SIGTERM' },
          signalsEveryProcess: killMode === undefined || killMode === '' || killMode === 'control-group',
          workingDirectory: at('WorkingDirectory'),
          user: at('User'),
          group: at('Group'),
          externalEnv,
          problems,
        });
        if (launch) launches.push({ ...launch, systemdInstall: { wantedBy: installTargets(unit) } });
      }
    }
  }
  return launches;
}

/** `WantedBy=` and `RequiredBy=` of `[Install]`: the targets `systemctl enable` links the unit into. */
function installTargets(unit: Unit): string[] {
  return ['WantedBy', 'RequiredBy']
    .flatMap((key) => assignments(unit, 'Install', key))
    .flatMap(({ entry }) => entry.value.text.split(/\s+/).filter((word) => word !== ''));
}
