/**
 * One uWSGI instance's list of options, built the way uWSGI builds it (core/uwsgi.c uwsgi_init,
 * core/config.c add_exported_option, core/ini.c), so that it equals what `--show-config` prints:
 *
 * 1. `UWSGI_*` environment variables (`UWSGI_HTTP_SOCKET` is `http-socket`);
 * 2. command-line options in the order written; `--ini file` splices that file's options in at
 *    that point (as does `ini = file` inside a file: "top-bottom, expand asap");
 * 3. config files given as plain arguments (`uwsgi app.ini`), after every option;
 * 4. the `$(ENV)`, `@(file)` and `%(placeholder)` passes over every value, except the values of
 *    immediate options (`ini`, `listen`, `set`, …), which were used as written;
 * 5. `inherit = file`, whose options are appended at the very end and not expanded.
 *
 * Scalar options take the last value in this order (verified on Debian's uWSGI 2.0.21: with
 * `processes = 2` in the ini, `--processes 4 --ini app.ini` gives 2 and `--ini app.ini
 * --processes 4` gives 4; `uwsgi app.ini --processes 4` gives 2; an `inherit`ed `processes = 9`
 * beats both and spawns 9 workers). List options (`socket`, `env`, `route`) keep every value.
 *
 * What the tree cannot decide stays unknown: the machine's host name, the file's real directory
 * (`%d`), environment variables no launch sets, `@(file)`, and `if-*` blocks on any of those.
 */
import * as nodePath from 'path';
import type { CommandLine } from './command-line';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import type { Span } from '../../source/span';
import type { UwsgiGap, UwsgiOptionEntry, UwsgiOptionOrigin } from './uwsgi-backend';
import { uwsgiOptionSpec } from '../../reference/uwsgi/options';
import { readUwsgiFlag, uwsgiAtoi } from '../../reference/uwsgi/values';
import { applyPass, newPassBudget, placeholderNames, referencedKeys, resolvePlaceholder } from './expand';
import { scanIni } from './ini';
import { fillMagicTable, isKnown, MagicMachineInfo, MagicTable, substituteMagic, UNKNOWN } from './magic';
import { DIALECT_NAMES, withPlaceholdersShown, WrittenTemplateValue } from '../../discovery/template';
import { TemplateSourceText } from '../template-text';

/** What is known about the machine and the process environment. */
export interface UwsgiMachine extends MagicMachineInfo {
  /** Environment of the process; `complete` when no variable outside `vars` is set. */
  env: { vars: Map<string, string>; complete: boolean };
  /** The files' paths here are their paths on the server (so `%d`, `%p` are known). */
  realPaths: boolean;
  /** Whether uWSGI starts as a reload (`if-reload`); unknown when undefined. */
  isReload?: boolean;
  /** For `if-exists`/`if-file`/`if-dir`; unknown when undefined. */
  pathKind?(path: string): 'file' | 'directory' | 'other' | undefined;
  /** For `@(file)`; unknown when undefined. */
  readFile?(path: string): string | undefined;
}

/** Where config files named by the instance are, and their text. */
export interface UwsgiFiles {
  /**
   * Absolute path of the file a name refers to, or undefined when it is not available.
   * `from` is the file holding the `ini =` line (undefined on the command line).
   */
  resolve(name: string, from: string | undefined, main: string | undefined): string | { ambiguous: string[] } | undefined;
  read(path: string): SourceText | undefined;
  /** The path uWSGI would compute for `%p` (its realpath), when known. */
  serverPath(path: string): string | undefined;
}

/** An option while the list is built: values change during the passes. */
interface Entry {
  key: string;
  value: string | null;
  rawValue: string | null;
  text: string | null;
  keySpan: Span;
  valueSpan: Span;
  origin: UwsgiOptionOrigin;
  file: string;
  via: Span[];
  condition?: { text: string; span: Span };
  /** Immediate or placeholder-only: skipped by the passes, as uWSGI's `configured` flag. */
  configured: boolean;
  immediate: boolean;
  setBy?: 'set' | 'set-placeholder';
  /** Absolute path of the file it is in, for `inherit` names relative to it. */
  sourcePath?: string;
  /** The value as a template writes it, where its tags leave it unknown. */
  template?: WrittenTemplateValue;
}

export interface BuiltInstance {
  options: UwsgiOptionEntry[];
  /** Absolute paths of the ini files read, in order. */
  files: string[];
  sources: SourceText[];
  strict: boolean | undefined;
  placeholderNames: Set<string>;
  declaredOptions: Set<string>;
  gaps: UwsgiGap[];
  diagnostics: ReaderDiagnostic[];
}

export interface InstanceStart {
  /** `UWSGI_*` variables, in the environment's order (`text`: as written, when it differs). */
  environment?: { name: string; value: string; text?: string; span: Span }[];
  commandLine?: CommandLine;
  /** A config file read on its own, as `--ini file` would read it. */
  iniFile?: string;
  /** What is known to be missing before reading starts (an environment file outside the tree). */
  gaps?: UwsgiGap[];
  /** Whether the script that starts uWSGI writes this path itself (`envsubst <a.ini >uwsgi.ini`). */
  writtenByLauncher?: (path: string) => boolean;
}

const END_KEYS = new Set(['end', 'endfor', 'endif', 'end-if', 'end-for']);
const SCHEMES = ['emperor', 'http', 'data', 'sym', 'section', 'fd', 'exec', 'call', 'callint'];
/** parse_sys_envs skips the variables uWSGI sets for itself. */
const INTERNAL_ENV = new Set([
  'UWSGI_RELOADS',
  'UWSGI_VASSALS_DIR',
  'UWSGI_EMPEROR_FD',
  'UWSGI_BROODLORD_NUM',
  'UWSGI_EMPEROR_FD_CONFIG',
  'UWSGI_EMPEROR_PROXY',
  'UWSGI_JAIL_PID',
  'UWSGI_ORIGINAL_PROC_NAME',
]);
const MAX_DEPTH = 32;

type LogicOutcome = { kind: 'apply'; data: (string | null)[] } | { kind: 'unknown'; data: string | null };

class InstanceBuilder {
  private readonly entries: Entry[] = [];
  private readonly derived = new Map<Entry, Entry[]>();
  private readonly files: string[] = [];
  private readonly sources = new Map<string, SourceText>();
  readonly gaps: UwsgiGap[] = [];
  readonly diagnostics: ReaderDiagnostic[] = [];
  private readonly declared = new Map<string, string>();
  private strict: boolean | undefined = false;
  private logic: { kind: string; arg: string | null; span: Span } | undefined;
  private logicRunning = false;
  private magic: MagicTable | undefined;
  /** Uppercase magic variables are set once, by the first file read with `ini`/`--ini`. */
  private firstRoundDone = false;
  private insideOptLoad = false;
  private lastFile: string | undefined;
  private mainFile: string | undefined;
  /** Files being read, innermost last (for relative names). */
  private readonly chain: string[] = [];
  /** File and section pairs being read, to stop cycles (`ini = :other` of the same file is fine). */
  private readonly reading: string[] = [];
  private via: Span[] = [];

  private writtenByLauncher: ((path: string) => boolean) | undefined;

  constructor(
    private readonly machine: UwsgiMachine,
    private readonly fileAccess: UwsgiFiles,
    private readonly displayPath: (absolute: string) => string,
  ) {}

  build(start: InstanceStart): BuiltInstance {
    this.gaps.push(...(start.gaps ?? []));
    this.writtenByLauncher = start.writtenByLauncher;
    for (const variable of start.environment ?? []) {
      if (!variable.name.startsWith('UWSGI_') || INTERNAL_ENV.has(variable.name)) continue;
      // env_to_arg: lower case, `_` becomes `-` (core/utils.c).
      const key = variable.name.slice(6).toLowerCase().replace(/_/g, '-');
      this.add(this.entry(key, variable.value, variable.text ?? variable.value, variable.span, variable.span, 'environment', variable.span.file));
    }
    for (const option of start.commandLine?.options ?? []) {
      const file = option.keySpan.file;
      if (option.problem) this.gaps.push({ reason: `uWSGI stops at "${option.key}": ${option.problem}`, span: option.keySpan });
      this.add(this.entry(option.key, option.value, option.value, option.keySpan, option.valueSpan, 'command-line', file));
    }
    for (const file of start.commandLine?.files ?? []) {
      if (file.value.startsWith('[')) continue; // uWSGI skips these (core/init.c)
      this.loadByExtension(file.value, file.span, undefined);
    }
    if (start.iniFile) this.loadIni(start.iniFile, 'uwsgi', undefined, { reuse: false, given: undefined, section: '' }, true);

    this.runPasses();
    this.configure();
    return this.finish();
  }

  private entry(key: string, value: string | null, text: string | null, keySpan: Span, valueSpan: Span, origin: UwsgiOptionOrigin, file: string): Entry {
    return { key, value, rawValue: value, text, keySpan, valueSpan, origin, file, via: [...this.via], configured: false, immediate: false };
  }

  /** add_exported_option_do: logic blocks, the list, and immediate options. */
  private add(entry: Entry, placeholderOnly = false) {
    if (!this.logicRunning) {
      if (END_KEYS.has(entry.key)) this.logic = undefined;
      if (this.logic) {
        this.runLogic(entry);
        return;
      }
    }
    this.entries.push(entry);
    if (placeholderOnly) {
      entry.configured = true;
      return;
    }
    const spec = uwsgiOptionSpec(entry.key);
    if (!spec || !spec.immediate) return;
    entry.configured = true;
    entry.immediate = true;
    this.applyImmediate(entry);
  }

  private runLogic(entry: Entry) {
    const logic = this.logic!;
    const outcome = this.evaluateLogic(logic.kind, logic.arg);
    this.logicRunning = true;
    try {
      const substitute = (value: string | null, data: string | null) => (value === null || data === null ? value : value.split('%(_)').join(data));
      if (outcome.kind === 'apply') {
        for (const data of outcome.data) {
          this.add({ ...entry, value: substitute(entry.value, data), rawValue: substitute(entry.value, data) });
        }
      } else {
        const condition = { text: `${logic.kind}${logic.arg === null ? '' : ` = ${logic.arg}`}`, span: logic.span };
        this.undecidedCondition++;
        try {
          this.add({ ...entry, value: substitute(entry.value, outcome.data), rawValue: substitute(entry.value, outcome.data), condition });
        } finally {
          this.undecidedCondition--;
        }
      }
    } finally {
      this.logicRunning = false;
    }
  }

  /** The config/logic functions of core/config.c: which entries a block adds, and with what `%(_)`. */
  private evaluateLogic(kind: string, arg: string | null): LogicOutcome {
    const unknownData: LogicOutcome = { kind: 'unknown', data: UNKNOWN };
    const skip: LogicOutcome = { kind: 'apply', data: [] };
    const once = (data: string | null): LogicOutcome => ({ kind: 'apply', data: [data] });
    const text = arg ?? '';
    if (!isKnown(text)) return unknownData;
    switch (kind) {
      case 'for':
        return { kind: 'apply', data: text.split(' ').filter((token) => token !== '') };
      case 'for-times': {
        const count = uwsgiAtoi(text);
        return { kind: 'apply', data: Array.from({ length: Math.max(0, Math.min(count, 10000)) }, (_, i) => String(i + 1)) };
      }
      case 'for-glob':
      case 'for-readline':
        return unknownData;
      case 'if-opt':
      case 'if-not-opt': {
        const [name, expected] = splitCondition(text);
        const found = this.entries.find((entry) => entry.key === name);
        if (found && (found.condition || !isKnown(found.value ?? ''))) return unknownData;
        if (!found && this.gaps.length > 0) return unknownData;
        return decide(kind === 'if-opt', found?.value ?? null, expected, once, skip);
      }
      case 'if-env':
      case 'ifenv':
      case 'if-not-env': {
        const [name, expected] = splitCondition(text);
        const value = this.machine.env.vars.get(name);
        if (value === undefined && !this.machine.env.complete) return unknownData;
        return decide(kind !== 'if-not-env', value ?? null, expected, once, skip);
      }
      case 'if-reload':
      case 'if-not-reload':
        if (this.machine.isReload === undefined) return { kind: 'unknown', data: null };
        return this.machine.isReload === (kind === 'if-reload') ? once(null) : skip;
      case 'if-exists':
      case 'ifexists':
      case 'if-not-exists':
      case 'if-file':
      case 'if-not-file':
      case 'if-dir':
      case 'ifdir':
      case 'if-directory':
      case 'if-not-dir': {
        if (!this.machine.pathKind) return { kind: 'unknown', data: text };
        const found = this.machine.pathKind(text);
        const holds = kind.includes('exists') ? found !== undefined : kind.includes('file') ? found === 'file' : found === 'directory';
        return holds !== kind.includes('not') ? once(text) : skip;
      }
      case 'if-hostname':
      case 'if-not-hostname':
        if (this.machine.hostname === undefined) return { kind: 'unknown', data: text };
        return (this.machine.hostname === text) !== kind.includes('not') ? once(text) : skip;
      default:
        // if-plugin, if-hostname-match: what is loaded, what the host is called.
        return { kind: 'unknown', data: text };
    }
  }

  private applyImmediate(entry: Entry) {
    const value = entry.value;
    switch (entry.key) {
      case 'ini':
        if (value !== null) this.loadIniOption(value, entry.valueSpan);
        return;
      case 'include':
        if (value !== null) this.loadByExtension(value, entry.valueSpan, this.chain[this.chain.length - 1]);
        return;
      case 'xml':
      case 'xmlconfig':
      case 'yaml':
      case 'yml':
      case 'json':
      case 'js':
      case 'config':
      case 'inject-before':
      case 'inject-after':
        this.gaps.push({ reason: `"${entry.key} = ${value ?? ''}" is not read by cfglint`, span: entry.valueSpan });
        return;
      case 'set':
      case 'set-placeholder':
      case 'set-ph':
        this.setPlaceholder(entry, entry.key !== 'set');
        return;
      case 'resolve': {
        // A DNS answer: the name becomes a placeholder whose value the tree cannot know.
        const equals = value?.indexOf('=') ?? -1;
        if (value !== null && equals > 0)
          this.add(
            { ...this.entry(value.slice(0, equals), UNKNOWN, value, entry.valueSpan, entry.valueSpan, entry.origin, entry.file), setBy: 'set-placeholder' },
            true,
          );
        return;
      }
      case 'strict':
        this.strict = value === null || isKnown(value) ? readUwsgiFlag(value ?? undefined) : undefined;
        return;
      case 'declare-option': {
        const equals = value?.indexOf('=') ?? -1;
        if (value !== null && equals > 0) this.declared.set(value.slice(0, equals), value.slice(equals + 1));
        return;
      }
      default:
        if (LOGIC_OPTIONS.has(entry.key)) {
          // A block inside a block makes uWSGI stop ("recursive logic ... not supported").
          if (!this.logic) this.logic = { kind: entry.key, arg: value, span: entry.keySpan };
        }
    }
  }

  private setPlaceholder(entry: Entry, placeholderOnly: boolean) {
    const value = entry.value;
    const equals = value?.indexOf('=') ?? -1;
    if (value === null || equals === -1) {
      this.gaps.push({ reason: `"${entry.key}" needs name=value; uWSGI stops with "invalid placeholder/--set value"`, span: entry.valueSpan });
      return;
    }
    const created = this.entry(value.slice(0, equals), value.slice(equals + 1), entry.text, entry.valueSpan, entry.valueSpan, entry.origin, entry.file);
    created.condition = entry.condition;
    created.setBy = placeholderOnly ? 'set-placeholder' : 'set';
    this.add(created, placeholderOnly);
  }

  /** `ini = file[:section]` and `--ini`: always read as ini, whatever the extension. */
  private loadIniOption(name: string, span: Span) {
    if (!this.checkLoadable(name, span)) return;
    let file = name;
    let section = 'uwsgi';
    // `%x` is whatever follows the last `:` of the name as given (empty without one).
    let sectionText = '';
    const colon = name.lastIndexOf(':');
    if (colon !== -1) {
      sectionText = name.slice(colon + 1);
      if (sectionText !== '') section = sectionText;
      file = name.slice(0, colon);
      if (file === '') {
        // `ini = :section`: another section of the file read last; the magic table is kept.
        if (this.lastFile === undefined) return;
        this.loadIni(this.lastFile, section, span, { reuse: true, given: '', section: sectionText }, false);
        return;
      }
    }
    const resolved = this.fileAccess.resolve(file, this.chain[this.chain.length - 1], this.mainFile);
    if (typeof resolved !== 'string') {
      this.reportMissing(name, file, span, resolved);
      return;
    }
    this.loadIni(resolved, section, span, { reuse: false, given: file, section: sectionText }, !this.insideOptLoad && !this.firstRoundDone);
  }

  /** uwsgi_opt_load (`include`, `inherit`, plain arguments): by extension, never setting %D & co. */
  private loadByExtension(name: string, span: Span, from: string | undefined) {
    if (!this.checkLoadable(name, span)) return;
    if (!name.endsWith('.ini')) {
      const reason = /\.(xml|ya?ml|json|js)$/.test(name)
        ? `"${name}" is not an ini file; cfglint reads only uWSGI's ini format`
        : `uWSGI loads "${name}" only through a config plugin (it stops with "unable to load configuration"); cfglint does not read it`;
      this.gaps.push({ reason, span });
      return;
    }
    const resolved = this.fileAccess.resolve(name, from, this.mainFile);
    if (typeof resolved !== 'string') {
      this.reportMissing(name, name, span, resolved);
      return;
    }
    const outer = this.insideOptLoad;
    this.insideOptLoad = true;
    try {
      this.loadIni(resolved, 'uwsgi', span, { reuse: false, given: name, section: '' }, false);
    } finally {
      this.insideOptLoad = outer;
    }
  }

  /** Depth of `if-*` blocks whose outcome depends on the machine, not on the tree. */
  private undecidedCondition = 0;

  private checkLoadable(name: string, span: Span): boolean {
    if (!isKnown(name)) {
      this.gaps.push({ reason: 'a config file whose name depends on the machine', span });
      return false;
    }
    if (name === '-' || SCHEMES.some((scheme) => name.startsWith(`${scheme}://`))) {
      this.gaps.push({ reason: `"${name}" is not a file in the tree`, span });
      return false;
    }
    if (/(^|[^%])[%$@]\(/.test(name)) {
      // Immediate options see their value as written: uWSGI opens a file with "%(" in its name.
      this.gaps.push({ reason: `uWSGI does not expand placeholders in "${name}" here and stops: realpath() of it fails`, span });
      return false;
    }
    return true;
  }

  private reportMissing(written: string, file: string, span: Span, found: { ambiguous: string[] } | undefined) {
    // docker-openwisp's start script renders uwsgi.ini from a template, then runs `uwsgi --ini uwsgi.ini`.
    if (this.writtenByLauncher?.(file)) {
      this.gaps.push({ reason: `"${written}" is written by the script that starts uWSGI; cfglint does not read what it writes`, span });
      return;
    }
    if (found) {
      const names = found.ambiguous.map((path) => this.displayPath(path));
      this.gaps.push({ reason: `"${written}" could be ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}; cfglint reads neither`, span });
      return;
    }
    this.gaps.push({ reason: `"${written}" is not in the linted tree`, span });
    // Under `if-file` and friends the include may never happen (the condition is about the
    // machine, not the tree): a gap, not a finding.
    if (this.undecidedCondition > 0) return;
    this.diagnostics.push({
      ruleId: 'include-missing',
      message: `Missing uWSGI config "${file}"`,
      help: 'no such file in the linted tree (uWSGI opens it relative to its working directory and stops if it cannot)',
      primary: span,
      related: [],
    });
  }

  /** uwsgi_ini_config: magic variables over the whole text, then its lines, each added in turn. */
  loadIni(
    path: string,
    section: string,
    viaSpan: Span | undefined,
    naming: { reuse: boolean; given: string | undefined; section: string },
    firstRound: boolean,
  ) {
    const reading = `${path}\0${section}`;
    if (this.reading.includes(reading) || this.reading.length >= MAX_DEPTH) {
      if (viaSpan) {
        this.diagnostics.push({
          ruleId: 'include-cycle',
          message: `uWSGI config "${this.displayPath(path)}" includes itself${this.reading.length >= MAX_DEPTH ? ' (or nests too deeply)' : ''}`,
          help: 'uWSGI would read it again and again',
          primary: viaSpan,
          related: [],
        });
      }
      return;
    }
    const source = this.source(path);
    if (!source) {
      this.gaps.push({ reason: `"${this.displayPath(path)}" cannot be read`, span: viaSpan });
      return;
    }
    this.mainFile ??= path;
    if (!this.files.includes(path)) this.files.push(path);
    if (source instanceof TemplateSourceText) this.templateWriterGaps(source);
    if (naming.reuse && this.magic) {
      this.magic = new Map(this.magic);
      this.magic.set('o', naming.given ?? UNKNOWN);
      this.magic.set('x', naming.section);
    } else {
      const serverPath = this.machine.realPaths ? this.fileAccess.serverPath(path) : undefined;
      this.magic = fillMagicTable(
        this.magic,
        { given: naming.given, fullPath: serverPath, baseName: nodePath.basename(serverPath ?? path), section: naming.section },
        this.machine,
        firstRound,
      );
    }
    if (firstRound) this.firstRoundDone = true;
    const mapped = substituteMagic(source.text, this.magic);
    const scan = scanIni(mapped, section);
    this.lastFile = path;
    const outerVia = this.via;
    this.chain.push(path);
    this.reading.push(reading);
    if (viaSpan) this.via = [...outerVia, viaSpan];
    try {
      for (const line of scan.lines) {
        const [keyStart, keyEnd] = mapped.sourceRange(line.keyStart, line.keyEnd);
        const keySpan = source.span(keyStart, keyEnd);
        if (!isKnown(line.key)) {
          // `{{ key }} = {{ value }}`: any option, which only rendering names.
          this.gaps.push({ reason: 'an option whose name the tree does not give', span: keySpan });
          continue;
        }
        let valueSpan = keySpan;
        let text = '';
        if (line.valueEnd > line.valueStart) {
          const [valueStart, valueEnd] = mapped.sourceRange(line.valueStart, line.valueEnd);
          valueSpan = source.span(valueStart, valueEnd);
          text = source.text.slice(valueStart, valueEnd);
        }
        const entry: Entry = { ...this.entry(line.key, line.value, text, keySpan, valueSpan, 'ini', source.file), sourcePath: path };
        // Offsets of the masked text are the template's own: the value as written is at the same place.
        if (source instanceof TemplateSourceText && line.value === text && !isKnown(text)) {
          entry.template = { masked: text, written: source.original.slice(valueSpan.start.offset, valueSpan.end.offset), dialect: source.dialect };
        }
        this.add(entry);
      }
    } finally {
      this.chain.pop();
      this.reading.pop();
      this.via = outerVia;
    }
  }

  /**
   * A template's tags that may write lines cfglint does not see (`{% include %}`, a loop,
   * `{{ patch("uwsgi-config") }}` alone on its line): each is a gap, so no option the file leaves
   * unstated is taken at its default. What the file writes plainly is read as written.
   */
  private templateWriterGaps(source: TemplateSourceText) {
    for (const offset of source.writers) {
      let end = source.original.indexOf('\n', offset);
      if (end === -1) end = source.original.length;
      while (end > offset && /\s/.test(source.original[end - 1])) end--;
      this.gaps.push({ reason: `a ${DIALECT_NAMES[source.dialect]} tag may write options here; cfglint does not render it`, span: source.span(offset, end) });
    }
  }

  private source(path: string): SourceText | undefined {
    let source = this.sources.get(path);
    if (!source) {
      source = this.fileAccess.read(path);
      if (source) this.sources.set(path, source);
    }
    return source;
  }

  /** The `$`, `@` and `%` passes, in that order, over every value not used yet. */
  private runPasses() {
    const env = (name: string): string | null => {
      const value = this.machine.env.vars.get(name);
      if (value !== undefined) return value;
      return this.machine.env.complete ? null : UNKNOWN;
    };
    const file = (name: string): string | null => {
      if (!this.machine.readFile) return UNKNOWN;
      return this.machine.readFile(name) ?? null;
    };
    // The first entry of each name (a Map, not a find per reference: a file can hold 100k entries).
    const first = new Map<string, Entry>();
    for (const entry of this.entries) if (!first.has(entry.key)) first.set(entry.key, entry);
    const budget = newPassBudget();
    const lookup = (name: string): string | null | undefined => {
      const found = first.get(name);
      if (!found) return this.gaps.length > 0 ? UNKNOWN : undefined;
      if (found.condition) return UNKNOWN;
      return found.value;
    };
    const placeholder = (key: string): string | null => {
      if (!isKnown(key)) return UNKNOWN;
      const value = resolvePlaceholder(key, lookup);
      return value === undefined ? null : value;
    };
    for (const [symbol, hook] of [
      ['$', env],
      ['@', file],
      ['%', placeholder],
    ] as const) {
      for (const entry of this.entries) {
        if (entry.configured || entry.value === null) continue;
        entry.value = applyPass(entry.value, symbol, hook, budget);
      }
    }
  }

  /** uwsgi_configure: `inherit` files and options made with `declare-option`. */
  private configure() {
    for (let i = 0; i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (entry.configured) continue;
      entry.configured = true;
      if (entry.key === 'inherit' && entry.value !== null) {
        this.via = [...entry.via];
        this.loadByExtension(entry.value, entry.valueSpan, entry.sourcePath);
        this.via = [];
      } else if (entry.key === 'declare-option2' && entry.value !== null) {
        const equals = entry.value.indexOf('=');
        if (equals > 0) this.declared.set(entry.value.slice(0, equals), entry.value.slice(equals + 1));
      } else if (this.declared.has(entry.key) && !uwsgiOptionSpec(entry.key)) {
        this.derived.set(entry, this.expandDeclared(entry, this.declared.get(entry.key)!));
      }
    }
  }

  /** uwsgi_opt_custom: `$1`, `$2`, … of the template take the space-separated words of the value. */
  private expandDeclared(entry: Entry, template: string): Entry[] {
    const args = entry.value === null || entry.value === '' ? [''] : entry.value.split(' ').filter((word) => word !== '');
    const fill = (text: string) => args.reduce((result, arg, i) => result.split(`$${i + 1}`).join(arg), text);
    const created: Entry[] = [];
    for (const part of template.split(';')) {
      if (part === '') continue;
      const equals = part.indexOf('=');
      if (equals === -1) break;
      const made = this.entry(
        fill(part.slice(0, equals)),
        fill(part.slice(equals + 1)),
        entry.text,
        entry.keySpan,
        entry.valueSpan,
        'declared-option',
        entry.file,
      );
      made.via = entry.via;
      made.condition = entry.condition;
      made.configured = true;
      created.push(made);
    }
    return created;
  }

  private finish(): BuiltInstance {
    const known = (text: string | null) => (text === null ? null : isKnown(text) ? text : undefined);
    const options: BuiltInstance['options'] = [];
    const names = new Set<string>();
    const push = (entry: Entry) => {
      const used = entry.rawValue === null || !isKnown(entry.rawValue) ? [] : referencedKeys(entry.rawValue, '%').flatMap(placeholderNames);
      if ((entry.key === 'if-opt' || entry.key === 'if-not-opt') && entry.rawValue) used.push(splitCondition(entry.rawValue)[0]);
      for (const name of used) names.add(name);
      if (entry.setBy === 'set-placeholder') names.add(entry.key);
      options.push({
        key: entry.key,
        value: known(entry.value),
        rawValue: known(entry.rawValue),
        // A command-line word the tree does not determine is shown as written, less its variable.
        text: entry.text === null ? null : withPlaceholdersShown(entry.text),
        keySpan: entry.keySpan,
        valueSpan: entry.valueSpan,
        origin: entry.origin,
        file: entry.file,
        via: entry.via,
        condition: entry.condition,
        immediate: entry.immediate,
        placeholders: used,
        setBy: entry.setBy,
        // Only a value uWSGI takes as written: an expansion (`$(VAR)`, `%(name)`) makes it another.
        ...(entry.template && entry.value === entry.template.masked ? { template: entry.template } : {}),
      });
    };
    for (const entry of this.entries) {
      push(entry);
      for (const made of this.derived.get(entry) ?? []) push(made);
    }
    return {
      options,
      files: this.files,
      sources: [...this.sources.values()],
      strict: this.strict,
      placeholderNames: names,
      declaredOptions: new Set(this.declared.keys()),
      gaps: this.gaps,
      diagnostics: this.diagnostics,
    };
  }
}

/** `name=value` of if-opt/if-env: the name, and the value to compare when there is one. */
function splitCondition(text: string): [string, string | undefined] {
  const equals = text.indexOf('=');
  return equals === -1 ? [text, undefined] : [text.slice(0, equals), text.slice(equals + 1)];
}

/** The if-opt/if-env family: `p` is the value found (null: none); `expected` the `=value` asked. */
function decide(
  positive: boolean,
  found: string | null,
  expected: string | undefined,
  once: (data: string | null) => LogicOutcome,
  skip: LogicOutcome,
): LogicOutcome {
  if (positive) {
    if (found === null) return skip;
    if (expected !== undefined && expected !== found) return skip;
    return once(found);
  }
  if (found !== null && (expected === undefined || expected === found)) return skip;
  return once(found);
}

/** The options that open an `if`/`for` block (core/uwsgi.c, handler uwsgi_opt_logic). */
const LOGIC_OPTIONS = new Set([
  'for',
  'for-glob',
  'for-times',
  'for-readline',
  'if-opt',
  'if-not-opt',
  'if-env',
  'if-not-env',
  'ifenv',
  'if-reload',
  'if-not-reload',
  'if-hostname',
  'if-not-hostname',
  'if-hostname-match',
  'if-not-hostname-match',
  'if-exists',
  'if-not-exists',
  'ifexists',
  'if-plugin',
  'if-not-plugin',
  'ifplugin',
  'if-file',
  'if-not-file',
  'if-dir',
  'if-not-dir',
  'ifdir',
  'if-directory',
]);

export function buildInstance(start: InstanceStart, machine: UwsgiMachine, files: UwsgiFiles, displayPath: (absolute: string) => string): BuiltInstance {
  return new InstanceBuilder(machine, files, displayPath).build(start);
}
