/**
 * Templates of configuration files: which template language a file is written in (by its name
 * and its content), what the file is once rendered (its name without the template suffix), and
 * a masked copy of its text that a reader of the rendered format can read with every offset
 * unchanged. Nothing is rendered: an expression becomes an opaque value (UNKNOWN_VALUE), a
 * statement (`if`, `for`, `end`, comments) becomes blanks, so both branches of an `if` are kept.
 */

export type TemplateDialect = 'jinja' | 'go-template' | 'mustache' | 'erb' | 'envsubst' | 'at-variables' | 'percent-variables';

/** Human names for messages. */
export const DIALECT_NAMES: Record<TemplateDialect, string> = {
  jinja: 'Jinja2',
  'go-template': 'Go text/template',
  mustache: 'Mustache',
  erb: 'ERB',
  envsubst: 'envsubst (${VAR})',
  'at-variables': '@VAR@ placeholders',
  'percent-variables': '%%VAR%% placeholders',
};

/**
 * Marks a value that only rendering would give. A masked expression reads `$` followed by this
 * character: nginx code already takes a value with `$` for a run-time variable it cannot know,
 * and the character tells a template's value from a real variable where that matters.
 */
export const UNKNOWN_MARK = '\uE000';

export function isUnknownValue(value: string): boolean {
  return value.includes(UNKNOWN_MARK);
}

/** Whether a masked value is one expression and nothing else (`{{ upstream }}`, `${APP_ADDRESS}`). */
export function isOnePlaceholder(masked: string): boolean {
  return /^\$\uE000+$/.test(masked);
}

/** A value of a template: masked (each tag `$` and UNKNOWN_MARKs) and as written, of one length. */
export interface WrittenTemplateValue {
  masked: string;
  written: string;
  dialect: TemplateDialect;
}

/**
 * An address as a template writes it (placeholder names and syntax kept), where a placeholder
 * leaves its value unknown: two templates of one deployment that write it with the same text in
 * the same language render it the same, whatever the variables hold. `unix`: a socket path;
 * `tcp`: host and port as written, one of them or both with tags; `whole`: one placeholder for
 * the whole address.
 */
export type TemplateAddress = { dialect: TemplateDialect } & (
  { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: string } | { kind: 'whole'; text: string }
);

/**
 * A value for a message or a label: each masked expression (`${` marks `}`, `$` marks) and each
 * run of marks a reader wrote for a value the tree does not give, shown as one `…`.
 */
export function withPlaceholdersShown(value: string): string {
  return value.includes(UNKNOWN_MARK) ? value.replace(/\$\{\uE000+\}|\$?\uE000+/g, '…') : value;
}

/** Suffixes that only template files carry, with the language they usually mean. */
const TEMPLATE_SUFFIXES: [suffix: string, dialect: TemplateDialect | undefined][] = [
  ['.j2', 'jinja'],
  ['.jinja2', 'jinja'],
  ['.jinja', 'jinja'],
  ['.gotmpl', 'go-template'],
  ['.ctmpl', 'go-template'], // consul-template
  ['.tmpl', undefined], // docker-gen and remco both use it, in different languages: the content says
  ['.tpl', undefined],
  ['.erb', 'erb'],
  ['.mustache', 'mustache'],
  ['.template', undefined], // the official nginx image's templates/*.template, or any generator's
  ['.in', undefined], // autoconf's @VAR@
];

export interface TemplateName {
  /** The file's name once rendered (`nginx.conf.j2` → `nginx.conf`, `app.template.conf` → `app.conf`). */
  rendered: string;
  /** What the suffix alone says; the content may say otherwise. */
  dialect: TemplateDialect | undefined;
}

/** The name a template renders to, when the name (lowercase base name) marks a template. */
export function templateName(lower: string): TemplateName | undefined {
  for (const [suffix, dialect] of TEMPLATE_SUFFIXES) {
    if (lower.endsWith(suffix) && lower.length > suffix.length) return { rendered: lower.slice(0, -suffix.length), dialect };
  }
  // `default.template.conf`, `nginx.tmpl.conf`: a generator that keeps the real extension last.
  const middle = /\.(template|tmpl|tpl)(\.[a-z0-9]+)$/.exec(lower);
  if (middle && middle.index > 0) return { rendered: lower.slice(0, middle.index) + middle[2], dialect: undefined };
  return undefined;
}

const GO_KEYWORDS = /^(?:if|else|end|range|with|define|template|block|break|continue)\b/;
/**
 * The dot or a `$variable` as an argument of a Go pipeline (Helm's `{{ include "app.fullname" . }}`,
 * `{{ toYaml .Values.x }}`): Jinja never starts a word with `.` or `$`.
 */
const GO_ARGUMENT = /[\s(][.$](?:[A-Za-z_]|\s|\)|$)/;
/** `${NAME}`, and the shell's `${NAME:-default}` forms that scripts rendering with `eval` or a heredoc use. */
const ENVSUBST_VARIABLE = /\$\{[A-Z][A-Z0-9_]*(?::?[-=+?][^}\n]*)?\}/;
const AT_VARIABLE = /@[A-Z][A-Z0-9_]+@/;
const PERCENT_VARIABLE = /%%[A-Z][A-Z0-9_]*%%/;

/**
 * The template language the text is written in, or undefined when it holds no placeholder.
 * `envsubst` is only looked for where `${NAME}` is not the format's own syntax (nginx, uWSGI).
 */
export function templateDialectOf(text: string, options: { envsubst: boolean } = { envsubst: true }): TemplateDialect | undefined {
  if (firstTag(text, '{%', '%}')) return 'jinja';
  const curly = firstTag(text, '{{', '}}');
  if (curly) {
    const body = tagBody(curly, 2);
    if (/^[.$]/.test(body) || GO_KEYWORDS.test(body) || body.startsWith('/*') || GO_ARGUMENT.test(body)) return 'go-template';
    if (/^[#^/!>]/.test(body)) return 'mustache';
    return 'jinja';
  }
  if (firstTag(text, '<%', '%>')) return 'erb';
  if (options.envsubst && text.includes('${') && ENVSUBST_VARIABLE.test(text)) return 'envsubst';
  if (text.includes('@') && AT_VARIABLE.test(text)) return 'at-variables';
  if (text.includes('%%') && PERCENT_VARIABLE.test(text)) return 'percent-variables';
  return undefined;
}

/**
 * The first `open`…`close` tag of the text. If the first opener has no closer after it, no later
 * one has either: two indexOf calls, where a lazy regex would rescan the rest from every opener.
 */
function firstTag(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  if (start === -1) return undefined;
  const end = text.indexOf(close, start + open.length);
  return end === -1 ? undefined : text.slice(start, end + close.length);
}

/** Delimiters of each language's tags; where two openers start at one offset the longer is listed first. */
const DELIMITERS: Partial<Record<TemplateDialect, [open: string, close: string][]>> = {
  jinja: [
    ['{{', '}}'],
    ['{%', '%}'],
    ['{#', '#}'],
  ],
  'go-template': [['{{', '}}']],
  mustache: [
    ['{{{', '}}}'],
    ['{{', '}}'],
  ],
  erb: [['<%', '%>']],
};

/** Placeholders that are one token each, found by a pattern that never crosses a line. */
const PLACEHOLDER_TAGS: Partial<Record<TemplateDialect, RegExp>> = {
  envsubst: /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=+?][^}\n]*)?\}|\$[A-Z][A-Z0-9_]*\b/g,
  'at-variables': /@[A-Z][A-Z0-9_]+@/g,
  'percent-variables': /%%[A-Z][A-Z0-9_]*%%/g,
};

/**
 * Every tag of the language, in order, as [start, end). Linear in the text: each opener's next
 * position is kept, and an opener without a closer after it is dropped for the rest of the text.
 */
function findTags(text: string, dialect: TemplateDialect): [number, number][] {
  const tags: [number, number][] = [];
  const placeholder = PLACEHOLDER_TAGS[dialect];
  if (placeholder) {
    const pattern = new RegExp(placeholder.source, 'g');
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) tags.push([match.index, match.index + match[0].length]);
    return tags;
  }
  const pairs = (DELIMITERS[dialect] ?? []).map(([open, close]) => ({ open, close, next: text.indexOf(open) }));
  let position = 0;
  for (;;) {
    let best: (typeof pairs)[number] | undefined;
    for (const pair of pairs) {
      if (pair.next !== -1 && pair.next < position) pair.next = text.indexOf(pair.open, position);
      if (pair.next !== -1 && (!best || pair.next < best.next)) best = pair;
    }
    if (!best) return tags;
    const end = text.indexOf(best.close, best.next + best.open.length);
    if (end === -1) {
      best.next = -1;
      continue;
    }
    tags.push([best.next, end + best.close.length]);
    position = end + best.close.length;
  }
}

/** Inside a tag, without its delimiters, whitespace-control marks (`{{-`, `-%}`) and spaces. */
function tagBody(tag: string, delimiter: number): string {
  return tag
    .slice(delimiter, tag.length - delimiter)
    .replace(/^[-+~]/, '')
    .replace(/[-+~]$/, '')
    .trim();
}

export interface MaskedTemplate {
  dialect: TemplateDialect;
  /** Same length and line breaks as the original; expressions are `$` + UNKNOWN_MARKs, statements blanks. */
  text: string;
  /** Offsets of the statements that were blanked (`if`, `else`, `end`, `for`, …), in order. */
  statements: number[];
  /**
   * Offsets of the tags that may write lines the masked text does not show, in order: an
   * expression blanked where it stands alone on its line or spans lines, an include, a loop, a
   * call (`{% include %}`, `{% for %}`, `{{ patch("uwsgi-config") }}`). Text written plainly
   * around them is read as it is; what they write, only rendering knows.
   */
  writers: number[];
  /** [start, end) of each `if` block (Jinja `if`, Go `if`/`with`): text there is written only on a condition. */
  conditionals: [number, number][];
  /**
   * [start, end) of the branches `firstBranchOnly` set aside, from the first later branch's tag to
   * the closing tag, outermost ones only, in order: text a reader does not see.
   */
  branchesSetAside: [number, number][];
}

function isStatement(dialect: TemplateDialect, tag: string): boolean {
  if (tag.startsWith('{%') || tag.startsWith('{#')) return true;
  if (tag.startsWith('{{{')) return false;
  if (tag.startsWith('{{')) {
    const body = tagBody(tag, 2);
    if (body.startsWith('/*') || GO_KEYWORDS.test(body)) return true;
    if (/^\$\w*\s*:?=[^=]/.test(body)) return true; // Go variable assignment: `{{ $x := .Env.X }}`
    return dialect === 'mustache' || dialect === 'jinja' ? /^[#^/!>=]/.test(body) : false;
  }
  if (tag.startsWith('<%')) return !/^<%=/.test(tag);
  return false;
}

/**
 * How a masked expression is written: `variable` (`$` and marks) for nginx and uWSGI, where a
 * value with `$` or the mark is one the reader cannot know; `property` (`${` marks `}`) for
 * Tomcat, whose reader leaves a value with an undefined `${name}` undetermined.
 */
export type ValueShape = 'variable' | 'property';

function maskedValue(length: number, shape: ValueShape): string {
  if (shape === 'property' && length >= 4) return '${' + UNKNOWN_MARK.repeat(length - 3) + '}';
  return '$' + UNKNOWN_MARK.repeat(length - 1);
}

/**
 * The text with every tag of `dialect` masked in place. An expression that stands alone on its
 * line most often expands to whole directives (`{{ .Snippet }}`, `%%TEST_GLOBALS%%`), not to a
 * value, so it is blanked like a statement; so is one that spans lines.
 */
export interface MaskOptions {
  /** Mask `${NAME}` besides the language's own tags (not where it is the format's own syntax). */
  envsubst: boolean;
  /**
   * Keep only the first branch of an `if` (and `for … else`): the fallback for a template whose
   * branches each open a block that the text after them closes. `true` does so for every `if`;
   * a BlockBalance only for each `if` with a branch that does not balance its own blocks.
   */
  firstBranchOnly?: true | BlockBalance;
}

/**
 * How many blocks the format's text in [start, end) of the masked text opens, less those it
 * closes (nginx's `{` and `}`): 0 for a branch that can be read beside another.
 */
export type BlockBalance = (start: number, end: number) => number;

export function maskTemplate(
  text: string,
  dialect: TemplateDialect,
  valueShape: ValueShape = 'variable',
  options: MaskOptions = { envsubst: true },
): MaskedTemplate {
  const first = maskTags(text, dialect, valueShape);
  let masked = first.text;
  const statements = first.statements;
  const writers = first.writers;
  // A file may mix a language with plain placeholders (`{{ project }}` and `${PORT}` in one ini):
  // those are masked too, where the format has no such syntax of its own.
  for (const extra of PLACEHOLDER_DIALECTS) {
    if (extra === dialect || (extra === 'envsubst' && !options.envsubst) || !PLACEHOLDER_PATTERNS[extra].test(masked)) continue;
    const more = maskTags(masked, extra, valueShape);
    masked = more.text;
    for (const offset of more.statements) statements.push(offset);
    for (const offset of more.writers) writers.push(offset);
  }
  statements.sort((a, b) => a - b);
  writers.sort((a, b) => a - b);
  // A Go `define` or a Jinja `macro` is written where it is called, in a context unknown here:
  // its body is set aside whole.
  const definitions = definitionBodies(text, dialect);
  // A file that is all one definition (a Helm `_nginx.conf.tpl`) is read as that definition,
  // like any file whose context is not known; definitions beside a whole config are set aside.
  const setAside = onlyDefinitions(masked, definitions) ? [] : definitions;
  const branches = options.firstBranchOnly ? outermost(laterBranches(text, dialect, options.firstBranchOnly)) : [];
  // Loops, not push(...): a hostile template may hold more tags than a call takes as arguments.
  for (const range of branches) setAside.push(range);
  return {
    dialect,
    text: blankRanges(masked, setAside),
    statements,
    // A writer inside a definition set aside writes where the definition is called, not here.
    writers: writers.filter((offset) => !setAside.some(([start, end]) => start <= offset && offset < end)),
    conditionals: conditionalBlocks(text, dialect),
    branchesSetAside: branches,
  };
}

/** The ranges that no other range holds, in order of their start. */
function outermost(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: [number, number][] = [];
  for (const range of sorted) if (out.length === 0 || range[0] >= out[out.length - 1][1]) out.push(range);
  return out;
}

/** The text with each range blanked (line breaks kept), in one pass however many ranges there are. */
function blankRanges(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let last = 0;
  for (const [start, end] of sorted) {
    if (end <= last) continue; // inside a range already blanked
    const from = Math.max(start, last);
    out.push(text.slice(last, from), text.slice(from, end).replace(/[^\r\n]/g, ' '));
    last = end;
  }
  out.push(text.slice(last));
  return out.join('');
}

/** Whether the text outside the definitions is nothing but blanks and comments. */
function onlyDefinitions(masked: string, definitions: [number, number][]): boolean {
  if (definitions.length === 0) return false;
  let outside = '';
  let last = 0;
  for (const [start, end] of definitions) {
    outside += masked.slice(last, start);
    last = end;
  }
  outside += masked.slice(last);
  return outside.split('\n').every((line) => /^\s*(?:[#;].*)?$/.test(line));
}

/**
 * [start, end) of every branch after the first of each Jinja `if`/`for` or Go `if`/`range`/`with`
 * (with `which` a BlockBalance: of each one with a branch that does not balance). A branch's
 * balance counts what is read of it: of an inner `if` whose later branches are set aside, only
 * the first branch (Mailu's front config opens `location /sso.php {` in one branch of an `if` and
 * `location {{ WEB_WEBMAIL }}/sso.php {` in the other, inside an `{% else %}` that stays balanced
 * and is read). One pass over the tags.
 */
function laterBranches(text: string, dialect: TemplateDialect, which: true | BlockBalance): [number, number][] {
  if (dialect !== 'go-template' && dialect !== 'jinja') return [];
  const balance: BlockBalance = which === true ? () => 0 : which;
  const ranges: [number, number][] = [];
  /** Open blocks, innermost last. */
  const open: {
    /** Where the later branches begin (the first `else` tag), or -1. */
    laterFrom: number;
    /** Where the branch being read begins (after its tag). */
    branchStart: number;
    /** What inner blocks set aside in this branch changes its balance by. */
    innerSetAside: number;
    /** Balance of the first branch as read, of all branches as read and as written. */
    first: number | undefined;
    read: number;
    written: number;
    /** Whether each branch as read balances. */
    balanced: boolean;
  }[] = [];
  const endBranch = (block: (typeof open)[number], tagStart: number) => {
    const written = balance(block.branchStart, tagStart);
    const read = written - block.innerSetAside;
    block.first ??= read;
    block.read += read;
    block.written += written;
    if (read !== 0) block.balanced = false;
    block.innerSetAside = 0;
  };
  for (const match of statementTags(text, dialect)) {
    const role = blockTagRole(dialect, tagBody(match[0], 2));
    const tagEnd = match.index + match[0].length;
    if (role === 'open' || role === 'open-conditional') {
      open.push({ laterFrom: -1, branchStart: tagEnd, innerSetAside: 0, first: undefined, read: 0, written: 0, balanced: true });
    } else if (role === 'else' && open.length > 0) {
      const block = open[open.length - 1];
      endBranch(block, match.index);
      if (block.laterFrom < 0) block.laterFrom = match.index;
      block.branchStart = tagEnd;
    } else if (role === 'close' && open.length > 0) {
      const block = open.pop()!;
      endBranch(block, match.index);
      const setAside = block.laterFrom >= 0 && (which === true || !block.balanced);
      if (setAside) ranges.push([block.laterFrom, match.index]);
      // The enclosing branch reads this block's first branch alone, or all its branches.
      if (open.length > 0) open[open.length - 1].innerSetAside += block.written - (setAside ? block.first! : block.read);
    }
  }
  // Nested ranges lie inside outer ones: blanking both is harmless.
  return ranges;
}

const GO_OPENS = new Set(['if', 'range', 'with', 'define', 'block']);
const JINJA_OPENS = new Set(['if', 'for', 'macro', 'block', 'call', 'filter', 'with', 'raw', 'autoescape', 'trans']);

/**
 * What a statement tag (its body, without delimiters) does to the block structure: opens a block
 * (`if` and Go's `with` conditionally), starts a later branch, closes a block, or nothing.
 * Jinja's `{% set x %}…{% endset %}` is a block but `{% set x = 1 %}` is not, and only `end` +
 * a block's own keyword closes one (the template designer docs, "Block Assignments"): a stray
 * `endset` counted as any `end…` closed the `if` around it.
 */
function blockTagRole(dialect: 'go-template' | 'jinja', body: string): 'open' | 'open-conditional' | 'else' | 'close' | undefined {
  const keyword = /^\w+/.exec(body)?.[0] ?? '';
  if (dialect === 'go-template') {
    if (GO_OPENS.has(keyword)) return keyword === 'if' || keyword === 'with' ? 'open-conditional' : 'open';
    if (keyword === 'else') return 'else';
    return keyword === 'end' ? 'close' : undefined;
  }
  if (JINJA_OPENS.has(keyword)) return keyword === 'if' ? 'open-conditional' : 'open';
  // A block assignment names its target and perhaps filters, never `=` (`{% set x | upper %}`).
  if (keyword === 'set') return body.split('|')[0].includes('=') ? undefined : 'open';
  if (keyword === 'else' || keyword === 'elif') return 'else';
  if (keyword.startsWith('end')) {
    const opened = keyword.slice(3);
    return JINJA_OPENS.has(opened) || opened === 'set' ? 'close' : undefined;
  }
  return undefined;
}

/** [start, end) of each Jinja `if` or Go `if`/`with` block, from its opening tag to the end of its closing one. */
function conditionalBlocks(text: string, dialect: TemplateDialect): [number, number][] {
  if (dialect !== 'go-template' && dialect !== 'jinja') return [];
  const blocks: [number, number][] = [];
  /** Open blocks, innermost last: the opening tag's offset for a conditional one, else -1. */
  const open: number[] = [];
  for (const match of statementTags(text, dialect)) {
    const role = blockTagRole(dialect, tagBody(match[0], 2));
    if (role === 'open' || role === 'open-conditional') open.push(role === 'open-conditional' ? match.index : -1);
    else if (role === 'close' && open.length > 0) {
      const from = open.pop()!;
      if (from >= 0) blocks.push([from, match.index + match[0].length]);
    }
  }
  return blocks;
}

/** Placeholders without statements, which any template may hold besides its own language. */
const PLACEHOLDER_DIALECTS = ['envsubst', 'at-variables', 'percent-variables'] as const;
const PLACEHOLDER_PATTERNS: Record<(typeof PLACEHOLDER_DIALECTS)[number], RegExp> = {
  envsubst: ENVSUBST_VARIABLE,
  'at-variables': AT_VARIABLE,
  'percent-variables': PERCENT_VARIABLE,
};

function maskTags(text: string, dialect: TemplateDialect, valueShape: ValueShape): { text: string; statements: number[]; writers: number[] } {
  const tags = findTags(text, dialect);
  const alone = tagsAloneOnTheirLines(text, tags);
  const out: string[] = [];
  const statements: number[] = [];
  const writers: number[] = [];
  let last = 0;
  tags.forEach(([start, end], index) => {
    const tag = text.slice(start, end);
    out.push(text.slice(last, start));
    last = end;
    const statement = isStatement(dialect, tag);
    if (statement || tag.includes('\n') || alone[index]) {
      statements.push(start);
      if (statement ? writesText(dialect, tag) : true) writers.push(start);
      out.push(tag.replace(/[^\r\n]/g, ' '));
    } else {
      out.push(maskedValue(tag.length, valueShape));
    }
  });
  out.push(text.slice(last));
  return { text: out.join(''), statements, writers };
}

/**
 * Statements whose output is not the text written between their tags: Jinja's include, extends
 * (the parent writes), block (a child may replace it), call, filter and for (its body 0 or more
 * times, with other values); Go's template, block and range; Mustache partials and sections
 * (a section repeats over a list). `if`/`else`/`end`, `set`, comments and macro definitions write
 * nothing of their own. ERB code is any Ruby: only `if`/`unless`/`elsif`/`else`/`end` and
 * comments are taken to write nothing.
 */
const JINJA_WRITERS = new Set(['include', 'extends', 'block', 'call', 'filter', 'for']);
const GO_WRITERS = new Set(['template', 'block', 'range']);

function writesText(dialect: TemplateDialect, tag: string): boolean {
  if (tag.startsWith('{#')) return false;
  if (tag.startsWith('<%')) {
    if (tag.startsWith('<%#')) return false;
    const code = tag.slice(2, -2).replace(/^[-=]/, '').replace(/-$/, '').trim();
    return !/^(?:if|unless|elsif|else|end)\b/.test(code);
  }
  const body = tagBody(tag, 2);
  if (tag.startsWith('{%')) return JINJA_WRITERS.has(/^\w+/.exec(body)?.[0] ?? '');
  if (dialect === 'go-template') return GO_WRITERS.has(/^\w+/.exec(body)?.[0] ?? '');
  return /^[#>]/.test(body);
}

/** For each tag, whether its line holds nothing but tags and blanks. */
function tagsAloneOnTheirLines(text: string, tags: [number, number][]): boolean[] {
  const alone = new Array<boolean>(tags.length).fill(false);
  let i = 0;
  while (i < tags.length) {
    const lineStart = text.lastIndexOf('\n', tags[i][0] - 1) + 1;
    let lineEnd = text.indexOf('\n', tags[i][0]);
    if (lineEnd === -1) lineEnd = text.length;
    // The tags that start on this line; one that runs past its end is blanked anyway.
    let j = i;
    let onlyTags = true;
    let cursor = lineStart;
    while (j < tags.length && tags[j][0] < lineEnd) {
      if (text.slice(cursor, tags[j][0]).trim() !== '') onlyTags = false;
      cursor = Math.max(cursor, tags[j][1]);
      j++;
    }
    if (cursor < lineEnd && text.slice(cursor, lineEnd).trim() !== '') onlyTags = false;
    for (let k = i; k < j; k++) alone[k] = onlyTags;
    i = j;
  }
  return alone;
}

/** The tags that can hold control flow (Go `{{ }}`, Jinja `{% %}`), as [text, start] with `index`. */
function statementTags(text: string, dialect: TemplateDialect): { 0: string; index: number }[] {
  const opener = dialect === 'go-template' ? '{{' : '{%';
  return findTags(text, dialect)
    .filter(([start]) => text.startsWith(opener, start))
    .map(([start, end]) => ({ 0: text.slice(start, end), index: start }));
}

/**
 * [start, end) of each outermost `{{ define }}…{{ end }}`, `{% macro %}…{% endmacro %}` or block
 * assignment `{% set x %}…{% endset %}`: text written where it is called or named, not here.
 */
function definitionBodies(text: string, dialect: TemplateDialect): [number, number][] {
  if (dialect !== 'go-template' && dialect !== 'jinja') return [];
  const bodies: [number, number][] = [];
  /** Open blocks, innermost last: true for a definition. */
  const open: boolean[] = [];
  let definitionStart = -1;
  for (const match of statementTags(text, dialect)) {
    const keyword = /^\w+/.exec(tagBody(match[0], 2))?.[0];
    if (dialect === 'go-template') {
      if (keyword === 'if' || keyword === 'range' || keyword === 'with' || keyword === 'block' || keyword === 'define') {
        if (keyword === 'define' && definitionStart < 0) definitionStart = match.index;
        open.push(keyword === 'define');
      } else if (keyword === 'end' && open.length > 0) {
        open.pop();
        if (definitionStart >= 0 && !open.includes(true)) {
          bodies.push([definitionStart, match.index + match[0].length]);
          definitionStart = -1;
        }
      }
    } else if (keyword === 'macro' || (keyword === 'set' && blockTagRole('jinja', tagBody(match[0], 2)) === 'open')) {
      if (definitionStart < 0) definitionStart = match.index;
      open.push(true);
    } else if ((keyword === 'endmacro' || keyword === 'endset') && open.length > 0) {
      open.pop();
      if (open.length === 0 && definitionStart >= 0) {
        bodies.push([definitionStart, match.index + match[0].length]);
        definitionStart = -1;
      }
    }
  }
  return bodies;
}
