/**
 * Config text a command writes instead of a file of the tree: `echo "uwsgi_pass $PASS;" >
 * /run/app/uwsgi_pass` in an entrypoint, `RUN echo "server { … }" > /etc/nginx/conf.d/default.conf`
 * in a Dockerfile. Only output that is certain counts:
 * - `echo` with operands that hold no backslash (dash's echo always reads escapes, bash's only
 *   with -e: dash `bltin/printf.c` echocmd, bash `builtins/echo.def`), no option but `-n`, which
 *   both read alike, and no unquoted glob character (pathname expansion);
 * - `printf '%s\n' …`, which prints each operand as it is, each on its own line.
 * Variables are the launch's (unknown stays unknown: an opaque value no rule judges, blanked where
 * it stands alone on its line, as an envsubst template's). `>` starts the file, `>>` appends to it;
 * a write inside `if`, a loop or a function no call surely runs, by any other command, or naming the file in any other
 * way leaves its text unknown, and nothing is read for it.
 *
 * The text is a RenderedSourceText over the script (or the Dockerfile, or the compose file holding
 * `sh -c`), so every position is where the user wrote it.
 */
import { UNKNOWN_MARK } from '../../discovery/template';
import { RenderedSourceText } from '../rendered-text';
import type { SourceText } from '../../source/text';
import type { RawArg } from '../kit/raw';
import { programName, scriptPath, writesFile, type RedirectedGroup, type ShellStep } from './program';

/** Rendered characters with the source offsets they come from, [startAt, endAt) each. */
interface Written {
  source: SourceText;
  text: string;
  startAt: number[];
  endAt: number[];
  /** [start, end) in `text` of each value the tree does not give. */
  unknown: [number, number][];
}

/**
 * The files a sequence of shell runs (a script, or a Dockerfile's RUN instructions one after the
 * other) writes with certain text, in the order it writes them.
 */
export class WrittenTexts {
  private readonly files = new Map<string, Written | 'unknown'>();

  /**
   * Read one shell run. `cwd`: its working directory (relative paths are skipped where it is not
   * known). `untilServer`: stop at the command that replaces the shell or starts nginx, after which
   * nothing the script writes is there when the server reads its config.
   */
  run(steps: readonly ShellStep[], groups: readonly RedirectedGroup[], cwd: string | undefined, untilServer: boolean): void {
    const at = (arg: RawArg, stepCwd: RawArg | undefined) => scriptPath(arg, stepCwd, cwd);
    for (const step of steps) {
      const program = programName(step.args[0]);
      if (untilServer && step.depth === 0 && (program === 'exec' || program === 'nginx' || program === 'nginx-debug')) break;
      const printedText = step.depth === 0 && !step.undecided ? printed(step.args) : undefined;
      for (const redirect of step.redirects) {
        if (!writesFile(redirect)) continue;
        const path = at(redirect.target, step.cwd);
        if (path === undefined) continue;
        const appends = redirect.operator === '>>' || redirect.operator === '&>>';
        const before = appends ? this.files.get(path) : undefined;
        // Appended to a file it did not write: what the image or the tree put there comes first.
        if (!printedText || (appends && before === undefined) || before === 'unknown' || (before && before.source !== printedText.source))
          this.files.set(path, 'unknown');
        else this.files.set(path, before ? join(before, printedText) : printedText);
      }
      // Any other mention (`sed -i … file`, `cp x file`, `tee file`) may change it.
      for (const arg of step.args.slice(1)) {
        const path = at(arg, step.cwd);
        if (path !== undefined && this.files.has(path)) this.files.set(path, 'unknown');
      }
    }
    // `{ echo …; } > file`: not followed.
    for (const group of groups)
      for (const redirect of group.redirects) {
        const path = writesFile(redirect) ? at(redirect.target, group.cwd) : undefined;
        if (path !== undefined) this.files.set(path, 'unknown');
      }
  }

  /** Each file written with certain text, as the reader reads it. */
  texts(): Map<string, RenderedSourceText> {
    const texts = new Map<string, RenderedSourceText>();
    for (const [path, written] of this.files) if (written !== 'unknown') texts.set(path, rendered(written));
    return texts;
  }
}

/** What a command prints, where that is certain. */
function printed(args: RawArg[]): Written | undefined {
  const [head, ...operands] = args;
  if (!head || head.unresolved.length > 0) return undefined;
  if (head.value === 'echo') {
    const noNewline = operands[0]?.unresolved.length === 0 && operands[0].value === '-n';
    const words = noNewline ? operands.slice(1) : operands;
    // bash takes `-e`, `-E`, `-neE` (and another `-n`) as options, dash prints them.
    if (words[0]?.value.startsWith('-') || words.some((word) => word.value.includes('\\') || word.unquotedGlob)) return undefined;
    const out = new Builder(head.source);
    words.forEach((word, index) => {
      if (index > 0) out.add(' ', words[index - 1].end);
      out.word(word);
    });
    if (!noNewline) out.add('\n', words.length > 0 ? words[words.length - 1].end : head.end);
    return out.written;
  }
  if (head.value === 'printf' && operands[0]?.unresolved.length === 0 && operands[0].value === '%s\\n') {
    const words = operands.slice(1);
    if (words.some((word) => word.unquotedGlob)) return undefined;
    const out = new Builder(head.source);
    // The format is used again for each operand, and once with none.
    for (const word of words) {
      out.word(word);
      out.add('\n', word.end);
    }
    if (words.length === 0) out.add('\n', operands[0].end);
    return out.written;
  }
  return undefined;
}

class Builder {
  readonly written: Written;
  constructor(source: SourceText) {
    this.written = { source, text: '', startAt: [], endAt: [], unknown: [] };
  }

  /** A character the command adds (a space between operands, a newline at the end), at `offset`. */
  add(char: string, offset: number): void {
    this.push(char, offset, offset);
  }

  word(word: RawArg): void {
    // The parts the tree does not give are in the value as written, at their own offsets.
    const unknown = new Array<boolean>(word.value.length).fill(false);
    let from = 0;
    for (const part of word.unresolved) {
      const found = word.value.indexOf(part, from);
      if (found === -1) continue;
      unknown.fill(true, found, found + part.length);
      from = found + part.length;
    }
    for (let i = 0; i < word.value.length; i++) {
      if (!unknown[i]) {
        this.push(word.value[i], word.offsets[i], word.offsets[i] + 1);
        continue;
      }
      let end = i;
      while (end < word.value.length && unknown[end]) end++;
      const start = this.written.text.length;
      const mark = '$' + UNKNOWN_MARK.repeat(Math.max(1, end - i - 1));
      for (const char of mark) this.push(char, word.offsets[i], word.offsets[end - 1] + 1);
      this.written.unknown.push([start, this.written.text.length]);
      i = end - 1;
    }
  }

  private push(char: string, start: number, end: number): void {
    this.written.text += char;
    this.written.startAt.push(start);
    this.written.endAt.push(end);
  }
}

function join(first: Written, second: Written): Written {
  const shift = first.text.length;
  return {
    source: first.source,
    text: first.text + second.text,
    startAt: [...first.startAt, ...second.startAt],
    endAt: [...first.endAt, ...second.endAt],
    unknown: [...first.unknown, ...second.unknown.map(([start, end]): [number, number] => [start + shift, end + shift])],
  };
}

function rendered(written: Written): RenderedSourceText {
  let text = written.text;
  const statements: number[] = [];
  // A value alone on its line most often writes whole directives (as in an envsubst template).
  for (const [start, end] of written.unknown) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
    if (text.slice(lineStart, start).trim() !== '' || text.slice(end, lineEnd).trim() !== '') continue;
    statements.push(written.startAt[start]);
    text = text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
  }
  const source = written.source;
  return new RenderedSourceText(
    source.file,
    source.text,
    text,
    Int32Array.from([...written.startAt, source.text.length]),
    Int32Array.from([0, ...written.endAt]),
    statements,
    source,
  );
}
