/**
 * Templates of nginx files (Jinja2, Go text/template, ERB, envsubst, …) read tolerantly: the tags
 * are masked in place (src/discovery/template.ts) and the result is parsed as nginx, so what the
 * template writes literally is linted at its own line and column. A placeholder is an unknown
 * value that no rule judges. Both branches of an `if` are read; where that does not parse, the
 * first branch alone of the `if`s whose branches open or close blocks, and a note says so. A
 * template that still does not parse is one `template-unreadable` finding, not a syntax error per
 * tag: its directives are not linted.
 */
import * as nodePath from 'path';
import {
  BlockBalance,
  DIALECT_NAMES,
  isUnknownValue,
  maskTemplate,
  TemplateDialect,
  templateDialectOf,
  templateName,
  WrittenTemplateValue,
} from '../../discovery/template';
import { firstAtLeast } from '../../source/sorted-offsets';
import { RenderedSourceText } from '../rendered-text';
import { TemplateSourceText } from '../template-text';
import { NginxLexer } from './lex';
import { NginxDirective, parseNginx, ParsedNginxFile, sourceOf } from './parse';

/** The template language of an nginx file, by its content or else its name; undefined for a plain file. */
export function nginxTemplateDialect(path: string, text: string): TemplateDialect | undefined {
  const byName = templateName(nodePath.basename(path).toLowerCase());
  return templateDialectOf(text) ?? byName?.dialect ?? (byName ? 'envsubst' : undefined);
}

/**
 * Parse a template with its tags masked; positions are the template's own. Where every branch
 * kept does not parse, the first branch alone is read of each `if` with a branch that opens or
 * closes a block (`{% if tls %}server { listen 443 ssl;{% else %}server { listen 80;{% endif %} … }`:
 * the text after the branches closes it); the other `if`s keep every branch. Only if that does not
 * parse either, of every `if`. A branch set aside is one `template-unreadable` note.
 */
export function parseNginxTemplate(file: string, text: string, dialect: TemplateDialect): ParsedNginxFile {
  const masked = maskTemplate(text, dialect);
  const every = parseNginx(new TemplateSourceText(file, text, masked));
  if (!hasSyntaxError(every)) return every;
  const unbalanced = parseFirstBranches(file, text, dialect, blockBalanceOf(masked.text));
  if (unbalanced && !hasSyntaxError(unbalanced)) return unbalanced;
  const first = parseFirstBranches(file, text, dialect, true);
  return first && !hasSyntaxError(first) ? first : every;
}

const WHY_SET_ASIDE = {
  unbalanced: 'each opens or closes a block that the text after them balances',
  every: 'their text together is not nginx',
};

const hasSyntaxError = (parsed: ParsedNginxFile) => parsed.diagnostics.some((diagnostic) => diagnostic.ruleId === 'nginx-syntax');

/** The template read with later branches set aside, with a note on them; undefined when none is. */
function parseFirstBranches(file: string, text: string, dialect: TemplateDialect, which: true | BlockBalance): ParsedNginxFile | undefined {
  const masked = maskTemplate(text, dialect, 'variable', { envsubst: true, firstBranchOnly: which });
  const setAside = masked.branchesSetAside;
  if (setAside.length === 0) return undefined;
  const source = new TemplateSourceText(file, text, masked);
  const parsed = parseNginx(source);
  const [start, end] = setAside[0];
  const more = setAside.length > 1 ? ` (and ${setAside.length - 1} more)` : '';
  parsed.diagnostics.push({
    ruleId: 'template-unreadable',
    message:
      `${DIALECT_NAMES[dialect]} branch not linted${more}: the branches of its if do not read as nginx together ` +
      `(${WHY_SET_ASIDE[which === true ? 'every' : 'unbalanced']}), so only the first is read: lint the rendered file for what it says`,
    primary: source.span(start, withoutTrailingBlanks(text, start, end)),
    related: [],
  });
  return parsed;
}

function withoutTrailingBlanks(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1])) end--;
  return end;
}

/**
 * How many blocks nginx would open less those it closes in [start, end) of the masked text, by
 * nginx's own tokens (a brace in a quoted string or a comment is none).
 */
function blockBalanceOf(masked: string): BlockBalance {
  const opens: number[] = [];
  const closes: number[] = [];
  const lexer = new NginxLexer(masked);
  for (let kind = lexer.next(); kind !== 'eof'; kind = lexer.next()) {
    if (kind === '{') opens.push(lexer.start);
    else if (kind === '}') closes.push(lexer.start);
  }
  const within = (offsets: number[], start: number, end: number) => firstAtLeast(offsets, end) - firstAtLeast(offsets, start);
  return (start, end) => within(opens, start, end) - within(closes, start, end);
}

/**
 * A template whose masked text has syntax errors keeps no directive (the rules would judge a
 * tree nginx never sees) and says so once, at the first error.
 */
export function settleTemplate(parsed: ParsedNginxFile): ParsedNginxFile {
  const source = parsed.source;
  // A rendering with every value known is what nginx reads: its syntax errors are nginx's.
  if (!(source instanceof TemplateSourceText) || (source instanceof RenderedSourceText && source.complete)) return parsed;
  const syntax = parsed.diagnostics.filter((diagnostic) => diagnostic.ruleId === 'nginx-syntax');
  if (syntax.length === 0) return parsed;
  const first = syntax[0];
  return {
    ...parsed,
    directives: [],
    diagnostics: [
      ...parsed.diagnostics.filter((diagnostic) => diagnostic.ruleId !== 'nginx-syntax'),
      {
        ruleId: 'template-unreadable',
        message:
          `${DIALECT_NAMES[source.dialect]} template that does not read as nginx with its tags set aside (${first.message}` +
          `${syntax.length > 1 ? `, and ${syntax.length - 1} more` : ''}); it is not linted: lint the rendered file instead`,
        primary: first.primary,
        related: [],
      },
    ],
  };
}

/**
 * Argument `index` of a directive read from a template, masked and as written, where its tags
 * leave its value unknown: the masked text keeps the template's offsets, so the written text is
 * at the argument's own. Undefined for a plain file, a known value, or one with escapes (then
 * the value is not the text between the quotes).
 */
export function writtenArgOf(directive: NginxDirective, index: number): WrittenTemplateValue | undefined {
  const source = sourceOf(directive);
  // Asked of every upstream server and pass: a plain file's directive builds no argument objects here.
  if (!(source instanceof TemplateSourceText)) return undefined;
  const arg = directive.args[index];
  if (!arg || !isUnknownValue(arg.value)) return undefined;
  const quote = arg.quoted ? 1 : 0;
  const [start, end] = [arg.span.start.offset + quote, arg.span.end.offset - quote];
  if (source.text.slice(start, end) !== arg.value) return undefined;
  return { masked: arg.value, written: source.original.slice(start, end), dialect: source.dialect };
}
