/**
 * Output sanitising, one function per channel. Every byte of a linted tree may come from an
 * attacker (a pull request from a stranger), and values, names and paths from it reach terminals,
 * CI logs that a GitHub runner scans for workflow commands, job-summary Markdown, Mermaid and DOT.
 * Each channel has its own syntax, so each has its own escaper; formatters, the graph, the Action
 * and the CLI's stderr all go through this module and never print tree text any other way.
 *
 * Channels:
 * - terminalText: stylish, code frames, print-config, stderr. Control characters shown escaped.
 * - escapeCommandData / escapeCommandProperty: GitHub workflow commands (`::error …::data`).
 * - markdownCell: a cell of a GitHub-flavoured Markdown table (the job summary).
 * - urlPath: a relative path inside a URL (the job summary's links to lines).
 * - mermaidLabel / dotLabel: text inside a quoted Mermaid or Graphviz label.
 * - jsonText: JSON and SARIF documents (and the GitLab Code Quality report).
 * - xmlText: attribute values and text of the JUnit and Checkstyle XML documents.
 * - githubOutputEntry: one `name=value` entry of the GITHUB_OUTPUT file.
 */
/** Loads node:crypto only when asked: a lint that writes no GitHub output does not need it. */
function randomDelimiter(): string {
  return `ghadelimiter_${(require('crypto') as typeof import('crypto')).randomUUID()}`;
}

/**
 * Code points that must never reach a terminal or a runner log raw: C0 and C1 controls and DEL
 * (cursor moves, OSC title and clipboard sequences, the 8-bit CSI), the Unicode line and paragraph
 * separators, and the bidirectional formatting characters that reorder what a reader sees
 * ("Trojan Source").
 */
export function isUnsafeCodePoint(codePoint: number): boolean {
  return (
    codePoint < 0x20 ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    codePoint === 0x061c ||
    codePoint === 0x200e ||
    codePoint === 0x200f ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0x2066 && codePoint <= 0x2069)
  );
}

/** The same set as isUnsafeCodePoint, as a character class, so whole strings are escaped by one regex pass. */
const UNSAFE = '\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';

const NAMED_ESCAPES: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

/** The visible form of an unsafe code point, as a JavaScript string literal would write it: `\n`, `\x1b`, `\u202e`. */
export function visibleEscape(codePoint: number): string {
  const named = NAMED_ESCAPES[codePoint];
  if (named) return named;
  return codePoint <= 0xff ? `\\x${codePoint.toString(16).padStart(2, '0')}` : `\\u${codePoint.toString(16).padStart(4, '0')}`;
}

/**
 * The runner also obeys the legacy `##[command]` form anywhere in a line (not only at its start),
 * so `[` right after `##` is shown as `\x5b`. `lineSoFar` is the text before the `[`.
 */
export function breaksLegacyCommand(lineSoFar: string): boolean {
  return lineSoFar.endsWith('##');
}

/** What `[` is shown as after `##`. */
export const LEGACY_COMMAND_BRACKET = '\\x5b';

// `##[` whole rather than a lookbehind, which makes the scan several times slower.
const TERMINAL_UNSAFE = new RegExp(`[${UNSAFE}]|##\\[`, 'g');

/**
 * Text for a terminal or a CI log, on one line: every unsafe code point (newlines and tabs
 * included) shown as its escape, and the legacy `##[` command prefix broken. Backslashes are left
 * alone, so Windows paths and regular expressions stay readable; the escapes can therefore be
 * mistaken for the same characters typed literally, which is harmless. Idempotent.
 */
export function terminalText(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (match) => (match === '##[' ? `##${LEGACY_COMMAND_BRACKET}` : visibleEscape(match.charCodeAt(0))));
}

const COMMAND_DATA_UNSAFE = new RegExp(`[%${UNSAFE}]`, 'g');
const COMMAND_DATA_ESCAPES: Record<string, string> = { '%': '%25', '\r': '%0D', '\n': '%0A' };

/**
 * The message of a GitHub workflow command (after the second `::`). `%`, CR and LF are
 * percent-encoded as the runner decodes them (an attacker's `%0A` stays text: its `%` is encoded);
 * other unsafe code points are dropped: the runner shows the message as it is, escapes and all.
 */
export function escapeCommandData(text: string): string {
  return text.replace(COMMAND_DATA_UNSAFE, (ch) => COMMAND_DATA_ESCAPES[ch] ?? '');
}

/** A `key=value` property of a workflow command, where `:` ends the properties and `,` separates them. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/[:,]/g, (ch) => (ch === ':' ? '%3A' : '%2C'));
}

/**
 * Characters with a meaning in a GitHub Markdown table cell, written as a backslash escape
 * (CommonMark lets any ASCII punctuation be escaped): `\` so no escape of ours can be undone,
 * `|` (the cell's end), backtick (code spans), `*` `_` `~` (emphasis), `[` `]` (links and
 * images, which would load an attacker's URL), `$` (math).
 */
const MARKDOWN_SPECIAL = new RegExp(`\\r\\n?|[\\\\|\`*_~[\\]$&<>${UNSAFE}]`, 'g');
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * One cell of a Markdown table: line breaks (CRLF, CR or LF) become `<br>` so the row stays one
 * line, other unsafe code points are shown escaped, HTML is entity-encoded and Markdown
 * punctuation backslash-escaped, so the cell renders as the text it was given.
 */
export function markdownCell(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, (ch) => {
    if (ch === '\n' || ch[0] === '\r') return '<br>';
    const entity = HTML_ENTITIES[ch];
    if (entity) return entity;
    const codePoint = ch.charCodeAt(0);
    return isUnsafeCodePoint(codePoint) ? `\\${visibleEscape(codePoint)}` : `\\${ch}`;
  });
}

/**
 * A relative path as the path part of a URL: each segment percent-encoded, and also `(`, `)`,
 * `!`, `'` and `*`, which encodeURIComponent leaves and which could end a Markdown link target.
 */
export function urlPath(file: string): string {
  return file
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/**
 * Characters written as Mermaid entity codes (`#34;`) inside a quoted label. Mermaid reads labels
 * as HTML and decodes `#…;` codes, so `#` itself must be encoded; `%` so no `%%{init: …}%%`
 * directive or `%%` comment can form; quotes and brackets so nothing ends the label or opens a
 * shape; `|` ends an edge label; backtick starts a Markdown string.
 */
const MERMAID_ENCODED = /[#"'<>&|%`[\]{}()]/g;

/** Text inside a quoted Mermaid label (node or edge), one line: unsafe code points shown escaped. */
export function mermaidLabel(text: string): string {
  return terminalText(text).replace(MERMAID_ENCODED, (ch) => `#${ch.charCodeAt(0)};`);
}

/**
 * Text inside a quoted DOT string, one line: unsafe code points shown escaped (their backslash
 * doubled like any other, so Graphviz prints it rather than reading `\n`, `\N` or `\G`), and `"` escaped.
 */
export function dotLabel(text: string): string {
  return terminalText(text).replace(/[\\"]/g, (ch) => `\\${ch}`);
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|##\[/g;

/**
 * A JSON document (the json and sarif formats). JSON.stringify escapes C0 controls but leaves
 * DEL, C1 controls, the line separators and bidi controls raw, and a log line can hold a legacy
 * `##[` command; those are written as `\u` escapes, which decode to the same strings.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (match) =>
    match === '##[' ? '##\\u005b' : `\\u${match.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Code points XML 1.0 cannot carry at all, not even as a character reference (`&#27;` is as
 * ill-formed as a raw ESC): the non-characters U+FFFE and U+FFFF, and a surrogate without its pair
 * (which a JavaScript string can hold). The C0 controls are also outside XML 1.0; they are among
 * the unsafe code points that terminalText already shows escaped.
 */
const XML_UNREPRESENTABLE = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// The formatters write every attribute in double quotes, so `'` needs no entity.
const XML_SPECIAL = /[&<>"]/g;
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/**
 * Text for an XML attribute value or element content (the junit and checkstyle formats), on one
 * line. Most control characters cannot appear in an XML 1.0 document in any form, so every unsafe
 * code point is shown as the visible escape the terminal uses (`\n`, `\x1b`, `\u202e`), as are
 * the code points XML cannot hold: a reader sees the same text as in stylish output, and the
 * document stays well-formed. Then `&`, `<`, `>` and `"` become entities (so no `]]>` can form),
 * the same in attributes and content. The legacy runner command `##[` is broken as in
 * terminalText, because the report may be printed to a CI log.
 */
export function xmlText(text: string): string {
  return terminalText(text)
    .replace(XML_UNREPRESENTABLE, (ch) => visibleEscape(ch.charCodeAt(0)))
    .replace(XML_SPECIAL, (ch) => XML_ENTITIES[ch]);
}

/**
 * One entry for the GITHUB_OUTPUT file. A value without line breaks is written `name=value`;
 * one with them in the multi-line form `name<<DELIMITER`, the delimiter random so that the value
 * cannot end the entry and add outputs of its own. Throws for a name that cannot be written.
 */
export function githubOutputEntry(name: string, value: string, delimiter = randomDelimiter()): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`invalid output name "${terminalText(name)}"`);
  if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
  // Cannot happen with a random delimiter; checked so that a chosen one is never trusted blindly.
  if (value.includes(delimiter)) throw new Error(`the value of output ${name} contains its delimiter`);
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}
