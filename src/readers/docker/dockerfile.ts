/**
 * Dockerfiles, as far as the process they start is concerned (Dockerfile reference): parser
 * directives (`# escape=`), continuation lines, here-documents (skipped), build stages
 * (`FROM … AS name`, a stage built on an earlier one inherits its settings), `ARG`, `ENV` in both
 * forms (`ENV A=b C=d`, legacy `ENV A b c`), `CMD`/`ENTRYPOINT` in exec form (a JSON array) and
 * shell form (run by `SHELL`, `/bin/sh -c` by default), `STOPSIGNAL`, `WORKDIR`, `USER`. Setting
 * `ENTRYPOINT` drops a `CMD` inherited from the base, not one set in the same stage.
 */
import * as nodePath from 'path';
import type { SourceComment } from '../../source/diagnostic';
import { expandWord } from '../kit/expand';
import { MappedText, MappedTextBuilder } from '../kit/mapped-text';
import { literalArg, Lookup, RawArg, sliceArg } from '../kit/raw';
import { splitWords, wholeWord } from '../kit/shell-words';
import { SourceText } from '../../source/text';
import { parsedDockerfileByFile } from '../parse-cache';

export interface DockerCommand {
  /** `exec`: the JSON array's strings; `shell`: `text` run by `shell`. */
  form: 'exec' | 'shell';
  words: RawArg[];
  text?: RawArg;
  /** The `SHELL` in effect (`/bin/sh -c` by default), pointing at the instruction. */
  shell: RawArg[];
  source: SourceText;
  /** File offsets of the instruction's arguments. */
  start: number;
  end: number;
}

export interface DockerStage {
  /** `AS name`, lower-cased as Docker matches it. */
  name?: string;
  /** The image or stage after FROM. */
  base: string;
  baseStage?: DockerStage;
  env: Map<string, RawArg>;
  args: Map<string, RawArg | undefined>;
  cmd?: DockerCommand;
  entrypoint?: DockerCommand;
  stopSignal?: RawArg;
  workdir?: RawArg;
  user?: RawArg;
  /** A `SHELL` instruction's; else commands in shell form run `/bin/sh -c`. */
  shell?: RawArg[];
  /** The `RUN` instructions' text (continuation lines joined), this stage's after its base stage's. */
  runs: DockerRun[];
  /** File offsets of the FROM instruction. */
  start: number;
  end: number;
}

export interface DockerRun {
  text: string;
  /** The same text with the file offset of each character. */
  script: MappedText;
  start: number;
  end: number;
  /** The variables its shell sees from this Dockerfile: ENV and ARG as they stand at this instruction. */
  variable: (name: string) => DockerVariable | undefined;
}

/** A variable whose value the Dockerfile determines. */
export interface DockerVariable {
  /** `env`, or `arg`, whose default a `--build-arg` may replace. */
  kind: 'env' | 'arg';
  value: RawArg;
}

export interface Dockerfile {
  source: SourceText;
  stages: DockerStage[];
  comments: SourceComment[];
}

interface Instruction {
  keyword: string;
  keywordStart: number;
  keywordEnd: number;
  args: MappedText;
}

/** Logical instructions with continuation lines joined and here-document bodies skipped. */
function instructions(source: SourceText, comments: SourceComment[]): { list: Instruction[]; escape: string } {
  const text = source.text;
  const list: Instruction[] = [];
  let escape = '\\';
  let directivesAllowed = true;
  const lineAt = (start: number) => {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    return { contentEnd: end > start && text[end - 1] === '\r' ? end - 1 : end, next: end + 1 };
  };
  const firstNonBlank = (start: number, end: number) => {
    let k = start;
    while (k < end && (text[k] === ' ' || text[k] === '\t')) k++;
    return k;
  };

  for (let start = 0; start < text.length;) {
    const line = lineAt(start);
    const k = firstNonBlank(start, line.contentEnd);
    if (k >= line.contentEnd) {
      directivesAllowed = false;
      start = line.next;
      continue;
    }
    if (text[k] === '#') {
      const body = text.slice(k + 1, line.contentEnd);
      const directive = directivesAllowed ? /^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(body) : null;
      if (directive && directive[1].toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escape = directive[2];
      else if (!directive) directivesAllowed = false;
      comments.push({ span: source.span(k, line.contentEnd), text: body.trim() });
      start = line.next;
      continue;
    }
    directivesAllowed = false;

    const builder = new MappedTextBuilder(source);
    let segmentStart = k;
    let current = line;
    for (;;) {
      let segmentEnd = current.contentEnd;
      while (segmentEnd > segmentStart && (text[segmentEnd - 1] === ' ' || text[segmentEnd - 1] === '\t')) segmentEnd--;
      const continued = segmentEnd > segmentStart && text[segmentEnd - 1] === escape;
      builder.push(text.slice(segmentStart, continued ? segmentEnd - 1 : current.contentEnd), segmentStart);
      if (!continued || current.next > text.length) break;
      // Comment lines and empty lines inside a continuation are dropped.
      let nextStart = current.next;
      while (nextStart < text.length) {
        const next = lineAt(nextStart);
        const first = firstNonBlank(nextStart, next.contentEnd);
        if (first < next.contentEnd && text[first] !== '#') break;
        if (first < next.contentEnd) comments.push({ span: source.span(first, next.contentEnd), text: text.slice(first + 1, next.contentEnd).trim() });
        nextStart = next.next;
      }
      if (nextStart >= text.length) break;
      current = lineAt(nextStart);
      segmentStart = nextStart;
    }
    const logical = builder.build(current.contentEnd);
    start = current.next;

    const keyword = /^\S+/.exec(logical.text)?.[0] ?? '';
    let argsStart = keyword.length;
    while (argsStart < logical.text.length && /\s/.test(logical.text[argsStart])) argsStart++;
    const instruction: Instruction = {
      keyword: keyword.toUpperCase(),
      keywordStart: logical.offsetAt(0),
      keywordEnd: logical.endOffsetAt(keyword.length),
      args: logical.slice(argsStart, logical.text.replace(/\s+$/, '').length),
    };
    list.push(instruction);

    // Here-documents (`RUN <<EOF`): their bodies are not instructions.
    const heredocs = [...instruction.args.text.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)];
    if (['RUN', 'COPY', 'ADD'].includes(instruction.keyword)) {
      for (const heredoc of heredocs) {
        while (start < text.length) {
          const body = lineAt(start);
          let content = text.slice(start, body.contentEnd);
          if (heredoc[1] === '-') content = content.replace(/^\t+/, '');
          start = body.next;
          if (content === heredoc[3]) break;
        }
      }
    }
  }
  return { list, escape };
}

/** A JSON array of strings with each character's file offset, or undefined when it is not one. */
export function parseJsonStringArray(input: MappedText): RawArg[] | undefined {
  const text = input.text;
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skip();
  if (text[i] !== '[') return undefined;
  i++;
  const items: RawArg[] = [];
  skip();
  if (text[i] === ']') {
    i++;
    skip();
    return i === text.length ? items : undefined;
  }
  for (;;) {
    skip();
    if (text[i] !== '"') return undefined;
    const open = i;
    i++;
    let value = '';
    const offsets: number[] = [];
    for (;;) {
      if (i >= text.length) return undefined;
      const c = text[i];
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e in simple) {
          value += simple[e];
          offsets.push(input.offsetAt(i));
          i += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          offsets.push(input.offsetAt(i));
          i += 6;
          continue;
        }
        return undefined;
      }
      if (c < ' ') return undefined;
      value += c;
      offsets.push(input.offsetAt(i));
      i++;
    }
    i++;
    items.push({ source: input.source, value, offsets, start: input.offsetAt(open), end: input.endOffsetAt(i), unresolved: [] });
    skip();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === ']') {
      i++;
      skip();
      return i === text.length ? items : undefined;
    }
    return undefined;
  }
}

function lookupFor(stage: DockerStage | undefined, globalArgs: Map<string, RawArg | undefined>): Lookup {
  return (name) => {
    const found = variableIn(stage ? stage.env : NO_ENV, stage ? stage.args : globalArgs, name);
    return found ? { value: found.value.value } : 'unknown';
  };
}

/** Before the first FROM only ARGs are in scope. */
const NO_ENV = new Map<string, RawArg>();

/** ENV before ARG, as Docker expands them; undefined when the Dockerfile does not determine the name. */
function variableIn(env: Map<string, RawArg>, args: Map<string, RawArg | undefined>, name: string): DockerVariable | undefined {
  const [kind, value] = env.has(name) ? (['env', env.get(name)] as const) : (['arg', args.get(name)] as const);
  // An ARG without a default is whatever `--build-arg` passes; base-image variables are not known.
  if (!value || value.unresolved.length > 0) return undefined;
  return { kind, value };
}

/** The stage an instruction at `offset` belongs to. */
export function stageAt(file: Dockerfile, offset: number): DockerStage | undefined {
  let found: DockerStage | undefined;
  for (const stage of file.stages) if (stage.start <= offset) found = stage;
  return found;
}

/**
 * The Dockerfile at a tree path, read and parsed on first ask (undefined where the tree cannot be
 * read there), for a reader that meets the same Dockerfile from several images or services.
 */
export function dockerfilesByPath(input: {
  readText: (path: string) => string | undefined;
  displayPath: (path: string) => string;
}): (path: string) => Dockerfile | undefined {
  const dockerfiles = new Map<string, Dockerfile | undefined>();
  return (path) => {
    if (!dockerfiles.has(path)) {
      const text = input.readText(path);
      dockerfiles.set(path, text === undefined ? undefined : parseDockerfile(new SourceText(input.displayPath(path), text)));
    }
    return dockerfiles.get(path);
  };
}

/**
 * A Dockerfile's stages, parsed once per run (src/readers/parse-cache.ts): a result serves another
 * reader's copy of the same plain text under the same name. Readers only read it. With build
 * arguments (a compose service's `build.args`) it is parsed again for that build: an argument
 * replaces the default of each ARG that declares its name, before the first FROM (which the FROM
 * lines expand: `FROM ${TARGET}`) or in a stage, and is ignored where no ARG declares it
 * (Dockerfile reference, "ARG" and "Understand how ARG and FROM interact").
 */
export function parseDockerfile(source: SourceText, buildArgs?: ReadonlyMap<string, RawArg>): Dockerfile {
  if (buildArgs && buildArgs.size > 0) return parseDockerfileText(source, buildArgs);
  const known = parsedDockerfileByFile.get(source.file) as Dockerfile | undefined;
  const plain = (text: SourceText) => text.constructor === SourceText;
  if (known && known.source.text === source.text && (known.source === source || (plain(known.source) && plain(source)))) return known;
  const parsed = parseDockerfileText(source);
  parsedDockerfileByFile.set(source.file, parsed);
  return parsed;
}

function parseDockerfileText(source: SourceText, buildArgs: ReadonlyMap<string, RawArg> = new Map()): Dockerfile {
  const comments: SourceComment[] = [];
  const { list, escape } = instructions(source, comments);
  const stages: DockerStage[] = [];
  const globalArgs = new Map<string, RawArg | undefined>();
  let stage: DockerStage | undefined;
  let cmdSetInStage = false;

  const expandOne = (args: MappedText): RawArg | undefined => {
    const { word } = wholeWord(args, escape);
    if (word.parts.length === 0) return undefined;
    return expandWord(word, source, lookupFor(stage, globalArgs), false)[0];
  };
  const command = (instruction: Instruction): DockerCommand => {
    const words = parseJsonStringArray(instruction.args);
    const start = instruction.args.offsetAt(0);
    const end = instruction.args.endOffset;
    const shell = stage?.shell ?? defaultShell(source, instruction);
    if (words) return { form: 'exec', words, shell, source, start, end };
    const text: RawArg = { source, value: instruction.args.text, offsets: instruction.args.offsets, start, end, unresolved: [] };
    return { form: 'shell', words: [], text, shell, source, start, end };
  };

  for (const instruction of list) {
    const { keyword, args } = instruction;
    if (keyword === 'FROM') {
      const words = splitWords(args, 'docker', escape).words.map((word) => expandWord(word, source, lookupFor(undefined, globalArgs), false)[0]);
      const operands = words.filter((word) => !word.value.startsWith('--'));
      const base = operands[0]?.value ?? '';
      const name = operands.length >= 3 && operands[1].value.toLowerCase() === 'as' ? operands[2].value.toLowerCase() : undefined;
      const baseStage = stages.find((earlier) => earlier.name === base.toLowerCase());
      stage = {
        name,
        base,
        baseStage,
        env: new Map(baseStage?.env ?? []),
        args: new Map(),
        cmd: baseStage?.cmd,
        entrypoint: baseStage?.entrypoint,
        stopSignal: baseStage?.stopSignal,
        workdir: baseStage?.workdir,
        user: baseStage?.user,
        shell: baseStage?.shell,
        runs: [...(baseStage?.runs ?? [])],
        start: instruction.keywordStart,
        end: args.endOffset,
      };
      stages.push(stage);
      cmdSetInStage = false;
      continue;
    }
    if (keyword === 'ARG') {
      for (const word of splitWords(args, 'docker', escape).words) {
        const raw = expandWord(word, source, lookupFor(stage, globalArgs), false)[0];
        const equals = raw.value.indexOf('=');
        const name = equals === -1 ? raw.value : raw.value.slice(0, equals);
        const value = buildArgs.has(name) ? buildArgs.get(name) : equals === -1 ? (stage ? globalArgs.get(name) : undefined) : sliceArg(raw, equals + 1);
        (stage ? stage.args : globalArgs).set(name, value);
      }
      continue;
    }
    if (!stage) continue;
    if (keyword === 'ENV') {
      const { words } = splitWords(args, 'docker', escape);
      const first = words[0] ? expandWord(words[0], source, lookupFor(stage, globalArgs), false)[0] : undefined;
      if (first && !first.value.includes('=')) {
        // Legacy `ENV NAME value with blanks`: one variable, the rest of the line is its value.
        const afterName = args.offsets.findIndex((offset) => offset >= words[0].end);
        let restStart = afterName === -1 ? args.text.length : afterName;
        while (restStart < args.text.length && /\s/.test(args.text[restStart])) restStart++;
        const rest = args.slice(restStart, args.text.length);
        const value = expandWord(wholeWord(rest, escape).word, source, lookupFor(stage, globalArgs), false)[0];
        stage.env.set(first.value, value);
        continue;
      }
      // All values of one ENV are expanded with the environment from before it.
      const lookup = lookupFor(stage, globalArgs);
      const updates: [string, RawArg][] = [];
      for (const word of words) {
        const raw = expandWord(word, source, lookup, false)[0];
        const equals = raw.value.indexOf('=');
        if (equals <= 0) continue;
        updates.push([raw.value.slice(0, equals), sliceArg(raw, equals + 1)]);
      }
      for (const [name, value] of updates) stage.env.set(name, value);
      continue;
    }
    if (keyword === 'RUN') {
      // The variables as they stand here: a later ENV or ARG does not reach this RUN.
      const env = new Map(stage.env);
      const stageArgs = new Map(stage.args);
      stage.runs.push({
        text: args.text,
        script: args,
        start: instruction.keywordStart,
        end: args.endOffset,
        variable: (name) => variableIn(env, stageArgs, name),
      });
      continue;
    }
    if (keyword === 'CMD') {
      stage.cmd = command(instruction);
      cmdSetInStage = true;
      continue;
    }
    if (keyword === 'ENTRYPOINT') {
      stage.entrypoint = command(instruction);
      if (!cmdSetInStage) stage.cmd = undefined;
      continue;
    }
    if (keyword === 'SHELL') {
      const words = parseJsonStringArray(args);
      if (words && words.length > 0) stage.shell = words;
      continue;
    }
    if (keyword === 'STOPSIGNAL') {
      stage.stopSignal = expandOne(args);
      continue;
    }
    if (keyword === 'USER') {
      stage.user = expandOne(args);
      continue;
    }
    if (keyword === 'WORKDIR') {
      const dir = expandOne(args);
      if (!dir) continue;
      // A relative WORKDIR is relative to the previous one.
      if (!dir.value.startsWith('/') && dir.unresolved.length === 0) {
        const joined = nodePath.posix.join(stage.workdir && stage.workdir.unresolved.length === 0 ? stage.workdir.value : '/', dir.value);
        stage.workdir = { ...dir, value: joined, offsets: [...joined].map(() => dir.start) };
      } else stage.workdir = dir;
    }
  }
  return { source, stages, comments };
}

/** `/bin/sh -c`, located at the instruction that uses it. */
function defaultShell(source: SourceText, instruction: Instruction): RawArg[] {
  return [
    literalArg(source, instruction.keywordStart, instruction.keywordEnd, '/bin/sh'),
    literalArg(source, instruction.keywordStart, instruction.keywordEnd, '-c'),
  ];
}

/**
 * The command a stage's container runs, as ENTRYPOINT and CMD combine (Dockerfile reference,
 * "Understand how CMD and ENTRYPOINT interact"); `cmd` and `entrypoint` may be overridden
 * (compose `command:`/`entrypoint:`, Kubernetes `args`/`command`). Undefined when neither is set.
 */
export function combineCommand(entrypoint: DockerCommand | undefined, cmd: DockerCommand | undefined): { args: RawArg[]; from: DockerCommand } | undefined {
  const run = (part: DockerCommand) => (part.form === 'exec' ? part.words : [...part.shell, part.text!]);
  if (entrypoint) {
    const args = entrypoint.form === 'shell' ? run(entrypoint) : [...entrypoint.words, ...(cmd ? run(cmd) : [])];
    return args.length > 0 ? { args, from: entrypoint } : undefined;
  }
  if (!cmd) return undefined;
  const args = run(cmd);
  return args.length > 0 ? { args, from: cmd } : undefined;
}
