/**
 * A rule's doc (Markdown) as terminal text for `cfglint explain`: headings without `#`, code
 * blocks indented without fences, lists with bullets, tables aligned, inline markup dropped (or
 * painted when colour is on), and links as numbered references listed at the end. Only the
 * Markdown the docs use is handled; anything else passes through as written.
 */

interface Style {
  title(text: string): string;
  heading(text: string): string;
  code(text: string): string;
  strong(text: string): string;
  emphasis(text: string): string;
  link(text: string): string;
  dim(text: string): string;
}

const sgr = (code: string) => (text: string) => (text === '' ? text : `\x1b[${code}m${text}\x1b[0m`);
const plain = (text: string) => text;
const COLOUR: Style = {
  title: sgr('1;4'),
  heading: sgr('1;36'),
  code: sgr('33'),
  strong: sgr('1'),
  emphasis: sgr('3'),
  link: sgr('4'),
  dim: sgr('2'),
};
// Without colour a code span keeps a mark of its edges (‘proxy_http_version 1.1;’: …), as man pages
// without bold would otherwise run it into the sentence.
const NO_COLOUR: Style = { title: plain, heading: plain, code: (text) => `‘${text}’`, strong: plain, emphasis: plain, link: plain, dim: plain };

// eslint-disable-next-line no-control-regex -- matches the escape byte that starts an SGR sequence
const SGR = /\x1b\[[0-9;]*m/g;
const visibleLength = (text: string) => text.replace(SGR, '').length;

export interface TerminalMarkdownOptions {
  color: boolean;
  /** How a relative link target is shown, e.g. as a path inside the installed package. */
  resolveLink(target: string): string;
}

/** Numbered link targets, one number per distinct target. */
class LinkList {
  readonly targets: string[] = [];
  number(target: string): number {
    const index = this.targets.indexOf(target);
    if (index >= 0) return index + 1;
    this.targets.push(target);
    return this.targets.length;
  }
}

/**
 * Inline markup of one block (its lines joined with `\n`, so a span may cross a line break): code
 * spans first, their text kept as is; then links, bold, emphasis.
 */
function renderInline(text: string, style: Style, links: LinkList, resolveLink: (target: string) => string): string {
  const codes: string[] = [];
  // Private-use characters stand in for code spans, so later patterns cannot look inside them.
  const protectedText = text.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_whole, _ticks: string, code: string) => {
    codes.push(code.replace(/^ (.*) $/, '$1'));
    return `\u{E000}${codes.length - 1}\u{E001}`;
  });
  const rendered = protectedText
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, (_whole, char: string) => `\u{E002}${char.codePointAt(0)}\u{E003}`)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_whole, label: string, target: string) => {
      const shown = /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') ? target : resolveLink(target);
      return `${style.link(label)}${style.dim(`[${links.number(shown)}]`)}`;
    })
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, (_whole, inner: string) => style.strong(inner))
    .replace(/(^|[^\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/g, (_whole, before: string, inner: string) => `${before}${style.emphasis(inner)}`)
    .replace(/(^|[^\w])_(?=\S)([^_\n]*?\S)_(?!\w)/g, (_whole, before: string, inner: string) => `${before}${style.emphasis(inner)}`);
  return rendered
    .replace(/\u{E002}(\d+)\u{E003}/gu, (_whole, code: string) => String.fromCodePoint(Number(code)))
    .replace(/\u{E000}(\d+)\u{E001}/gu, (_whole, index: string) => style.code(codes[Number(index)]));
}

const FENCE = /^(\s*)(```+|~~~+)(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

function tableCells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

export function renderMarkdownForTerminal(markdown: string, options: TerminalMarkdownOptions): string {
  const style = options.color ? COLOUR : NO_COLOUR;
  const links = new LinkList();
  const inline = (text: string) => renderInline(text, style, links, options.resolveLink);
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  // One blank line between blocks, never two: blank source lines only mark where blocks end.
  const blank = () => {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
  };

  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      blank();
      const closing = new RegExp(`^\\s*${fence[2][0] === '`' ? '`' : '~'}{${fence[2].length},}\\s*$`);
      i += 1;
      while (i < lines.length && !closing.test(lines[i])) {
        const code = lines[i].slice(Math.min(fence[1].length, lines[i].length - lines[i].trimStart().length));
        // Blocks are shown as they are: no quote marks even without colour.
        out.push(code.trim() === '' ? '' : `    ${options.color ? style.code(code) : code}`);
        i += 1;
      }
      i += 1;
      blank();
      continue;
    }
    if (line.trim() === '') {
      blank();
      i += 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blank();
      const text = inline(heading[2]);
      // Underlined with box drawing, so a heading stands out in a terminal without colour too.
      const rule = (heading[1].length === 1 ? '═' : '─').repeat(visibleLength(text));
      out.push(heading[1].length === 1 ? style.title(text) : style.heading(text), style.dim(rule));
      blank();
      i += 1;
      continue;
    }
    if (TABLE_ROW.test(line) && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1])) {
      blank();
      const rows = [tableCells(line).map(inline)];
      i += 2;
      while (i < lines.length && TABLE_ROW.test(lines[i])) rows.push(tableCells(lines[i++]).map(inline));
      const columns = Math.max(...rows.map((row) => row.length));
      const widths = Array.from({ length: columns }, (_, column) => Math.max(...rows.map((row) => visibleLength(row[column] ?? ''))));
      const format = (row: string[]) =>
        row
          .map((cell, column) => (column < row.length - 1 ? cell + ' '.repeat(widths[column] - visibleLength(cell)) : cell))
          .join('  ')
          .trimEnd();
      out.push(`  ${style.strong(format(rows[0]))}`);
      out.push(`  ${style.dim('─'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (columns - 1)))}`);
      for (const row of rows.slice(1)) out.push(`  ${format(row)}`);
      blank();
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*> ?/, ''));
      blank();
      for (const quotedLine of inline(quoted.join('\n')).split('\n')) out.push(`  ${style.dim('│')} ${quotedLine}`.trimEnd());
      blank();
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      // An item and the lines that continue it (indented, or plain text until a blank line).
      const indent = item[1].length;
      const marker = /\d/.test(item[2]) ? item[2] : '•';
      const body = [item[3]];
      i += 1;
      while (i < lines.length && lines[i].trim() !== '' && !LIST_ITEM.test(lines[i]) && !FENCE.test(lines[i]) && !HEADING.test(lines[i])) {
        body.push(lines[i].trim());
        i += 1;
      }
      const pad = ' '.repeat(indent + 2);
      const hang = ' '.repeat(marker.length + 1);
      inline(body.join('\n'))
        .split('\n')
        .forEach((text, index) => out.push(index === 0 ? `${pad}${marker} ${text}` : `${pad}${hang}${text}`));
      continue;
    }
    // A paragraph: lines up to a blank line or the start of another block, line breaks kept.
    const paragraph = [line];
    i += 1;
    while (
      i < lines.length &&
      lines[i].trim() !== '' &&
      !FENCE.test(lines[i]) &&
      !HEADING.test(lines[i]) &&
      !LIST_ITEM.test(lines[i]) &&
      !/^\s*>/.test(lines[i]) &&
      !(TABLE_ROW.test(lines[i]) && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]))
    ) {
      paragraph.push(lines[i]);
      i += 1;
    }
    out.push(...inline(paragraph.join('\n')).split('\n'));
  }

  if (links.targets.length > 0) {
    blank();
    out.push(style.heading('Links'), style.dim('─'.repeat('Links'.length)), '');
    links.targets.forEach((target, index) => out.push(`  ${style.dim(`[${index + 1}]`)} ${target}`));
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
