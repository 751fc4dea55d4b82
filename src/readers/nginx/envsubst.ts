/**
 * envsubst as the official nginx image runs it on its templates (docker-nginx
 * entrypoint/20-envsubst-on-templates.sh: `envsubst "$defined_envs" < "$template"`, where
 * defined_envs names only the variables of the container's environment). GNU gettext's envsubst,
 * checked against envsubst 0.21: it replaces `$NAME` and `${NAME}` (NAME is a letter or `_`, then
 * letters, digits, `_`) for the names it is given, and copies everything else as written:
 * `${NAME:-default}` and `${NAME` without its brace, `$1`, `${}`, a lone `$`. So an nginx
 * variable (`$host`) stays, unless the environment happens to define that very name.
 */
import { UNKNOWN_MARK } from '../../discovery/template';
import type { VariableValue } from '../kit/raw';
import { EnvsubstPlaceholder, RenderedSourceText } from '../rendered-text';
import type { SourceText } from '../../source/text';

const NAME_START = /[A-Za-z_]/;
/** Characters a rendering may add to its template at least (values longer than their placeholders). */
export const EXTRA_CHARACTERS = 1024 * 1024;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Render `template` with `lookup`: a name it says is `unset` is not in defined_envs and stays as
 * written; a known value is written; an `unknown` one becomes an opaque value no rule judges
 * (blanked where it stands alone on its line: there it most often writes whole directives).
 * `positions` gives the template's positions when they are not its text's (a ConfigMap entry).
 */
export function renderEnvsubst(file: string, template: string, lookup: (name: string) => VariableValue, positions?: SourceText): RenderedSourceText {
  const out: string[] = [];
  const startAt: number[] = [];
  const endAt: number[] = [0];
  const statements: number[] = [];
  const placeholders: EnvsubstPlaceholder[] = [];
  /** Characters copied from the template at [from, to). */
  const copy = (from: number, to: number) => {
    out.push(template.slice(from, to));
    for (let i = from; i < to; i++) {
      startAt.push(i);
      endAt.push(i + 1);
    }
  };
  /** Characters that all come from the placeholder at [from, to). */
  const write = (value: string, from: number, to: number) => {
    out.push(value);
    for (let i = 0; i < value.length; i++) {
      startAt.push(from);
      endAt.push(to);
    }
  };

  // One pass, no value is read again, but many placeholders of one long value still multiply
  // it: past this many characters more than the template, a value is written as unknown.
  let growthLeft = Math.max(EXTRA_CHARACTERS, template.length);
  let literalFrom = 0;
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar === -1) break;
    const braced = template[dollar + 1] === '{';
    const nameStart = dollar + (braced ? 2 : 1);
    if (!NAME_START.test(template[nameStart] ?? '')) {
      i = dollar + 1; // a `$` that starts no name is copied; what follows is read again
      continue;
    }
    let nameEnd = nameStart + 1;
    while (nameEnd < template.length && NAME_CHAR.test(template[nameEnd])) nameEnd++;
    if (braced && template[nameEnd] !== '}') {
      i = nameEnd; // `${NAME:-x}`, `${NAME`: copied as written
      continue;
    }
    const end = braced ? nameEnd + 1 : nameEnd;
    const value = lookup(template.slice(nameStart, nameEnd));
    if (value === 'unset') {
      i = end;
      continue;
    }
    copy(literalFrom, dollar);
    if (value === 'unknown') {
      if (aloneOnLine(template, dollar, end)) {
        statements.push(dollar);
        write(' '.repeat(end - dollar), dollar, end);
      } else write('$' + UNKNOWN_MARK.repeat(Math.max(1, end - dollar - 1)), dollar, end);
    } else if (value.value.length - (end - dollar) > growthLeft) {
      write('$' + UNKNOWN_MARK.repeat(Math.max(1, end - dollar - 1)), dollar, end);
    } else {
      growthLeft -= Math.max(0, value.value.length - (end - dollar));
      write(value.value, dollar, end);
      if (value.writtenAt) placeholders.push({ start: dollar, end, writtenAt: value.writtenAt });
    }
    literalFrom = end;
    i = end;
  }
  copy(literalFrom, template.length);
  startAt.push(template.length);
  return new RenderedSourceText(file, template, out.join(''), Int32Array.from(startAt), Int32Array.from(endAt), statements, positions, placeholders);
}

export function aloneOnLine(text: string, start: number, end: number): boolean {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd === -1) lineEnd = text.length;
  return text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).trim() === '';
}
