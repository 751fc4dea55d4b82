/**
 * Templates of nginx files (Jinja2, Go text/template, ERB, envsubst, …) read tolerantly: the tags
 * are masked in place (src/discovery/template.ts) and the result is parsed as nginx, so what the
 * template writes literally is linted at its own line and column. A placeholder is an unknown
 * value that no rule judges. Both branches of an `if` are read; where that does not parse, the
 * first branch alone is tried. A template that still does not parse is one `template-unreadable`
 * finding, not a syntax error per tag: its directives are not linted.
 */
import * as nodePath from 'path';
import { DIALECT_NAMES, maskTemplate, TemplateDialect, templateDialectOf, templateName } from '../../discovery/template';
import { RenderedSourceText } from '../rendered-text';
import { TemplateSourceText } from '../template-text';
import { parseNginx, ParsedNginxFile } from './parse';

/** The template language of an nginx file, by its content or else its name; undefined for a plain file. */
export function nginxTemplateDialect(path: string, text: string): TemplateDialect | undefined {
  const byName = templateName(nodePath.basename(path).toLowerCase());
  return templateDialectOf(text) ?? byName?.dialect ?? (byName ? 'envsubst' : undefined);
}

/** Parse a template with its tags masked; positions are the template's own. */
export function parseNginxTemplate(file: string, text: string, dialect: TemplateDialect): ParsedNginxFile {
  const both = parseNginx(new TemplateSourceText(file, text, maskTemplate(text, dialect)));
  if (!both.diagnostics.some((diagnostic) => diagnostic.ruleId === 'nginx-syntax')) return both;
  // `{% if tls %}server { listen 443 ssl;{% else %}server { listen 80;{% endif %} … }`: each
  // branch opens a block the text after it closes. The first branch alone may read.
  const first = parseNginx(new TemplateSourceText(file, text, maskTemplate(text, dialect, 'variable', { envsubst: true, firstBranchOnly: true })));
  return first.diagnostics.some((diagnostic) => diagnostic.ruleId === 'nginx-syntax') ? both : first;
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
