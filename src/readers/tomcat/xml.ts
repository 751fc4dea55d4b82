/**
 * server.xml as text: elements with their parents, every attribute with the span of its name and
 * of its value, the comments (for suppressions), and the well-formedness errors Tomcat's parser
 * (Xerces) stops at.
 *
 * fast-xml-parser gives the element tree and where each element starts (`captureMetaData`), and
 * its validator finds many well-formedness errors with a line and column. Neither gives attribute
 * positions, both miss errors Xerces rejects (a `<` in an attribute value, `--` inside a comment,
 * an undeclared entity), and the parser throws on some broken input. So this file also scans the
 * raw text once: start tags and attributes with offsets, comments, tag balance and those errors,
 * in Xerces's words. The element tree comes from the parser when it reads the file, else from the
 * scan. Entities are never expanded: DOCTYPE entities are not read by the parser
 * (`processEntities: false`), and a value that uses one is "not determined" (see decodeAttribute).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlAttribute {
  name: string;
  nameStart: number;
  nameEnd: number;
  /** Offsets of the value between the quotes. */
  valueStart: number;
  valueEnd: number;
  /** The value as written (entity references not decoded). */
  raw: string;
}

export interface XmlElement {
  name: string;
  /** Offset of `<`. */
  start: number;
  /** Offset just after the start tag's `>` (or where the scan of a broken tag stopped). */
  startTagEnd: number;
  /** Offset just after the end tag (the start tag's end when self-closing; the file's end when never closed). */
  end: number;
  attributes: XmlAttribute[];
  parent?: XmlElement;
  children: XmlElement[];
}

export interface XmlComment {
  /** Offsets of `<!--` and just after `-->`. */
  start: number;
  end: number;
  /** Between the markers. */
  text: string;
}

export interface XmlProblem {
  start: number;
  end: number;
  message: string;
  related?: { start: number; end: number; label: string };
}

export interface XmlDocument {
  roots: XmlElement[];
  comments: XmlComment[];
  problems: XmlProblem[];
  /** Entity names declared in the DOCTYPE's internal subset (never expanded). */
  declaredEntities: Set<string>;
  /** Where the element tree came from: fast-xml-parser, or the scan when the parser refused the text. */
  treeFrom: 'fast-xml-parser' | 'scan';
}

const PREDEFINED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]/;
const WHITESPACE = /[ \t\r\n]/;

const PARSER_OPTIONS = {
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  // No entity is ever expanded, so neither an external entity nor a "billion laughs" can run.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
} as const;

/** Reads one file's text; never throws. */
export function readXml(text: string): XmlDocument {
  const scan = scanXml(text);
  const problems = [...scan.problems];
  addValidatorProblem(text, problems);
  problems.sort((a, b) => a.start - b.start);

  let roots = scan.roots;
  let treeFrom: XmlDocument['treeFrom'] = 'scan';
  try {
    const parsed = new XMLParser(PARSER_OPTIONS).parse(text) as unknown;
    const fromParser = treeFromParser(parsed, scan.byStart);
    if (fromParser) {
      roots = fromParser;
      treeFrom = 'fast-xml-parser';
    }
  } catch {
    // The parser refuses some broken input (an unterminated tag, an external entity): the scan's tree stands.
  }
  return { roots, comments: scan.comments, problems, declaredEntities: scan.declaredEntities, treeFrom };
}

/**
 * The parser's element tree, with each element matched to the scanned start tag at its
 * `startIndex`. Undefined when some element cannot be matched (then the scan's tree is used).
 */
function treeFromParser(parsed: unknown, byStart: Map<number, XmlElement>): XmlElement[] | undefined {
  const meta = XMLParser.getMetaDataSymbol() as unknown as symbol;
  let matched = true;
  const build = (nodes: unknown, parent: XmlElement | undefined): XmlElement[] => {
    const out: XmlElement[] = [];
    if (!Array.isArray(nodes)) return out;
    for (const node of nodes as Record<string | symbol, unknown>[]) {
      const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#comment');
      if (name === undefined) continue;
      const startIndex = (node[meta] as { startIndex?: number } | undefined)?.startIndex;
      const scanned = startIndex === undefined ? undefined : byStart.get(startIndex);
      if (!scanned || scanned.name !== name) {
        matched = false;
        continue;
      }
      const element: XmlElement = { ...scanned, parent, children: [] };
      element.children = build(node[name], element);
      out.push(element);
    }
    return out;
  };
  const roots = build(parsed, undefined);
  return matched ? roots : undefined;
}

/** The validator's first error, unless the scan already reported one on that line. */
function addValidatorProblem(text: string, problems: XmlProblem[]) {
  let result: ReturnType<typeof XMLValidator.validate>;
  try {
    result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  } catch {
    return;
  }
  if (result === true) return;
  const { line, col, msg } = result.err;
  // "Invalid '[ "Server" ]' found." lists unclosed elements: the scan reports those at the end of the file.
  if (/^Invalid '\[/.test(msg)) return;
  const offset = offsetOf(text, line, col ?? 1);
  const lineStart = offsetOf(text, line, 1);
  const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
  if (problems.some((p) => p.start >= lineStart && p.start <= lineEnd)) return;
  problems.push({ start: offset, end: Math.min(offset + 1, text.length), message: msg.replace(/\.$/, '') });
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + Math.max(column - 1, 0), text.length);
}

interface Scan {
  roots: XmlElement[];
  byStart: Map<number, XmlElement>;
  comments: XmlComment[];
  problems: XmlProblem[];
  declaredEntities: Set<string>;
}

/** One pass over the text: tags, attributes, comments, balance; each error in Xerces's words. */
function scanXml(text: string): Scan {
  const roots: XmlElement[] = [];
  const byStart = new Map<number, XmlElement>();
  const comments: XmlComment[] = [];
  const problems: XmlProblem[] = [];
  const declaredEntities = new Set<string>();
  const open: XmlElement[] = [];
  /** Where each name stands in `open`, innermost last: an end tag finds its start tag without a walk down the stack. */
  const openByName = new Map<string, number[]>();
  let rootClosed = false;
  let i = 0;

  const textContent = (from: number, to: number) => {
    checkReferences(text, from, to, declaredEntities, problems);
    if (open.length === 0 && /\S/.test(text.slice(from, to))) {
      const at = from + text.slice(from, to).search(/\S/);
      problems.push({
        start: at,
        end: at + 1,
        message: rootClosed || roots.length > 0 ? 'Content is not allowed in trailing section' : 'Content is not allowed in prolog',
      });
    }
  };

  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt === -1) {
      textContent(i, text.length);
      break;
    }
    if (lt > i) textContent(i, lt);
    i = lt;
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      const end = close === -1 ? text.length : close + 3;
      const inner = text.slice(i + 4, close === -1 ? text.length : close);
      const doubleDash = inner.indexOf('--');
      if (doubleDash !== -1) {
        problems.push({ start: i + 4 + doubleDash, end: i + 6 + doubleDash, message: 'The string "--" is not permitted within comments' });
      } else if (close !== -1 && inner.endsWith('-')) {
        // `--->` closes with a `--`; an unclosed comment ending in `-` is only the unclosed problem below.
        problems.push({ start: close - 1, end: close + 1, message: 'The string "--" is not permitted within comments' });
      }
      if (close === -1) problems.push({ start: i, end: i + 4, message: 'The comment is not closed: "-->" is missing' });
      comments.push({ start: i, end, text: inner });
      i = end;
    } else if (text.startsWith('<![CDATA[', i)) {
      const close = text.indexOf(']]>', i);
      if (close === -1) problems.push({ start: i, end: i + 9, message: 'The CDATA section is not closed: "]]>" is missing' });
      i = close === -1 ? text.length : close + 3;
    } else if (text.startsWith('<?', i)) {
      const close = text.indexOf('?>', i);
      i = close === -1 ? text.length : close + 2;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      i = skipDoctype(text, i, declaredEntities);
    } else if (text.startsWith('</', i)) {
      let j = i + 2;
      while (j < text.length && NAME_CHAR.test(text[j])) j++;
      const name = text.slice(i + 2, j);
      const close = text.indexOf('>', j);
      const end = close === -1 ? text.length : close + 1;
      const openIndex = openByName.get(name)?.at(-1) ?? -1;
      if (openIndex === -1) {
        const top = open[open.length - 1];
        problems.push(
          top
            ? {
                start: i,
                end,
                message: `The element type "${top.name}" must be terminated by the matching end-tag "</${top.name}>"`,
                related: { start: top.start, end: top.start + 1 + top.name.length, label: `<${top.name}> opens here` },
              }
            : { start: i, end, message: `The end-tag "</${name}>" has no start tag` },
        );
      } else {
        for (let k = open.length - 1; k > openIndex; k--) {
          const unclosed = open[k];
          unclosed.end = i;
          problems.push({
            start: i,
            end,
            message: `The element type "${unclosed.name}" must be terminated by the matching end-tag "</${unclosed.name}>"`,
            related: { start: unclosed.start, end: unclosed.start + 1 + unclosed.name.length, label: `<${unclosed.name}> opens here` },
          });
        }
        open[openIndex].end = end;
        for (let k = open.length - 1; k >= openIndex; k--) openByName.get(open[k].name)!.pop();
        open.length = openIndex;
        if (open.length === 0) rootClosed = true;
      }
      i = end;
    } else if (i + 1 < text.length && NAME_START.test(text[i + 1])) {
      const { element, end, selfClosing } = scanStartTag(text, i, declaredEntities, problems);
      const parent = open[open.length - 1];
      element.parent = parent;
      if (parent) parent.children.push(element);
      else {
        if (roots.length > 0)
          problems.push({ start: i, end: i + 1 + element.name.length, message: 'The markup in the document following the root element must be well-formed' });
        roots.push(element);
      }
      byStart.set(i, element);
      if (selfClosing) element.end = end;
      else {
        let indexes = openByName.get(element.name);
        if (!indexes) openByName.set(element.name, (indexes = []));
        indexes.push(open.length);
        open.push(element);
      }
      i = end;
    } else {
      problems.push({ start: i, end: i + 1, message: 'The content of elements must consist of well-formed character data or markup' });
      i++;
    }
  }
  if (open.length > 0) {
    const outer = open[0];
    problems.push({
      start: text.length,
      end: text.length,
      // The outermost ones name the problem; thousands more would only make the message huge.
      message: `XML document structures must start and end within the same entity: ${open
        .slice(0, 10)
        .map((e) => `<${e.name}>`)
        .join(', ')}${open.length > 10 ? ` and ${open.length - 10} more` : ''} ${open.length === 1 ? 'is' : 'are'} never closed`,
      related: { start: outer.start, end: outer.start + 1 + outer.name.length, label: `<${outer.name}> opens here` },
    });
  }
  if (roots.length === 0 && !problems.some((p) => /prolog/.test(p.message))) {
    problems.push({ start: text.length, end: text.length, message: 'Premature end of file: no root element' });
  }
  return { roots, byStart, comments, problems, declaredEntities };
}

/** A start tag from `<`: its name and attributes; stops at `>` or `/>`, or where it breaks. */
function scanStartTag(text: string, start: number, entities: Set<string>, problems: XmlProblem[]): { element: XmlElement; end: number; selfClosing: boolean } {
  let j = start + 1;
  while (j < text.length && NAME_CHAR.test(text[j])) j++;
  const element: XmlElement = { name: text.slice(start + 1, j), start, startTagEnd: j, end: text.length, attributes: [], children: [] };
  const seen = new Set<string>();
  for (;;) {
    while (j < text.length && WHITESPACE.test(text[j])) j++;
    if (j >= text.length) {
      problems.push({
        start,
        end: start + 1 + element.name.length,
        message: `Element type "${element.name}" must be followed by either attribute specifications, ">" or "/>"`,
      });
      element.startTagEnd = j;
      return { element, end: j, selfClosing: true };
    }
    if (text[j] === '>') {
      element.startTagEnd = j + 1;
      return { element, end: j + 1, selfClosing: false };
    }
    if (text.startsWith('/>', j)) {
      element.startTagEnd = j + 2;
      return { element, end: j + 2, selfClosing: true };
    }
    const nameStart = j;
    while (j < text.length && !WHITESPACE.test(text[j]) && !'=/><"\''.includes(text[j])) j++;
    const name = text.slice(nameStart, j);
    let k = j;
    while (k < text.length && WHITESPACE.test(text[k])) k++;
    if (name === '' || text[k] !== '=') {
      problems.push({
        start: nameStart,
        end: Math.max(j, nameStart + 1),
        message:
          name === ''
            ? `Element type "${element.name}" must be followed by either attribute specifications, ">" or "/>"`
            : `Attribute name "${name}" associated with an element type "${element.name}" must be followed by the ' = ' character`,
      });
      return giveUp(text, element, nameStart);
    }
    k++;
    while (k < text.length && WHITESPACE.test(text[k])) k++;
    const quote = text[k];
    if (quote !== '"' && quote !== "'") {
      problems.push({
        start: k,
        end: Math.min(k + 1, text.length),
        message: `Open quote is expected for attribute "${name}" associated with an element type "${element.name}"`,
      });
      return giveUp(text, element, k);
    }
    const valueStart = k + 1;
    const valueEnd = text.indexOf(quote, valueStart);
    if (valueEnd === -1) {
      problems.push({
        start: k,
        end: k + 1,
        message: `The value of attribute "${name}" associated with an element type "${element.name}" is not closed by ${quote === '"' ? 'a double' : 'a single'} quote`,
      });
      element.startTagEnd = text.length;
      return { element, end: text.length, selfClosing: true };
    }
    const raw = text.slice(valueStart, valueEnd);
    const lessThan = raw.indexOf('<');
    if (lessThan !== -1) {
      problems.push({
        start: valueStart + lessThan,
        end: valueStart + lessThan + 1,
        message: `The value of attribute "${name}" associated with an element type "${element.name}" must not contain the '<' character`,
      });
    }
    checkReferences(text, valueStart, valueEnd, entities, problems);
    if (seen.has(name)) {
      problems.push({ start: nameStart, end: nameStart + name.length, message: `Attribute "${name}" was already specified for element "${element.name}"` });
    } else {
      seen.add(name);
      element.attributes.push({ name, nameStart, nameEnd: nameStart + name.length, valueStart, valueEnd, raw });
    }
    j = valueEnd + 1;
    if (j < text.length && !WHITESPACE.test(text[j]) && text[j] !== '>' && !text.startsWith('/>', j)) {
      problems.push({ start: j, end: j + 1, message: `Element type "${element.name}" must be followed by either attribute specifications, ">" or "/>"` });
      return giveUp(text, element, j);
    }
  }
}

/** After a broken tag: skip to its `>` (outside quotes is not knowable any more; the first one will do). */
function giveUp(text: string, element: XmlElement, from: number): { element: XmlElement; end: number; selfClosing: boolean } {
  const close = text.indexOf('>', from);
  const end = close === -1 ? text.length : close + 1;
  element.startTagEnd = end;
  return { element, end, selfClosing: close > 0 && text[close - 1] === '/' };
}

/** `&name;`, `&#10;`, `&#x0A;` between from and to: each must be complete and known. */
function checkReferences(text: string, from: number, to: number, entities: Set<string>, problems: XmlProblem[]) {
  // Searched within the slice only: a search to the end of the text from every attribute and text
  // run makes the scan quadratic.
  const part = text.slice(from, to);
  for (let at = part.indexOf('&'); at !== -1; at = part.indexOf('&', at + 1)) {
    const amp = from + at;
    const match = /^&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_:][\w.:-]*)(;?)/.exec(text.slice(amp, Math.min(to, amp + 256)));
    if (!match) {
      problems.push({ start: amp, end: amp + 1, message: "The entity name must immediately follow the '&' in the entity reference" });
      continue;
    }
    const name = match[1];
    if (!match[2]) {
      problems.push({ start: amp, end: amp + match[0].length, message: `The reference to entity "${name}" must end with the ';' delimiter` });
    } else if (!name.startsWith('#') && !(name in PREDEFINED_ENTITIES) && !entities.has(name)) {
      // A declared DOCTYPE entity is allowed but never expanded (decodeAttribute leaves the value undetermined).
      problems.push({ start: amp, end: amp + match[0].length, message: `The entity "${name}" was referenced, but not declared` });
    }
  }
}

/** Skips `<!DOCTYPE … [ … ]>` and records the entity names its internal subset declares. */
function skipDoctype(text: string, start: number, entities: Set<string>): number {
  let j = start + 9;
  let quote: string | undefined;
  let depth = 0;
  for (; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === '>' && depth === 0) break;
    else if (depth > 0 && text.startsWith('<!--', j)) {
      const close = text.indexOf('-->', j + 4);
      j = close === -1 ? text.length : close + 2;
    }
  }
  const body = text.slice(start, j);
  for (const match of body.matchAll(/<!ENTITY\s+([A-Za-z_:][\w.:-]*)/g)) entities.add(match[1]);
  return Math.min(j + 1, text.length);
}

/**
 * An attribute's value as the XML parser hands it to Tomcat: literal tabs and line breaks become
 * spaces (XML 1.0 §3.3.3), predefined and numeric references are decoded. A DOCTYPE entity is
 * never expanded: the value is then undefined (not determined by what is read here).
 */
export function decodeAttribute(raw: string): string | undefined {
  let undetermined = false;
  const normalized = raw.replace(/[\t\r\n]/g, ' ');
  const decoded = normalized.replace(/&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_:][\w.:-]*);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return safeFromCodePoint(parseInt(name.slice(2), 16), whole);
    if (name.startsWith('#')) return safeFromCodePoint(parseInt(name.slice(1), 10), whole);
    if (name in PREDEFINED_ENTITIES) return PREDEFINED_ENTITIES[name];
    undetermined = true;
    return whole;
  });
  return undetermined ? undefined : decoded;
}

function safeFromCodePoint(code: number, fallback: string): string {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}
