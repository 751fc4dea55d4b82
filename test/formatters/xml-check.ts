/**
 * Well-formedness of the XML formats (junit, checkstyle). fast-xml-parser's XMLValidator checks
 * tags, nesting, quotes and `&`, but accepts a raw ESC, a `<` inside an attribute and `]]>` in
 * text, all of which XML 1.0 forbids; those are checked here by hand.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Outside XML 1.0's Char production: C0 controls but tab, LF, CR; U+FFFE, U+FFFF; unpaired surrogates. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const validation = XMLValidator.validate(text);
  if (validation !== true) problems.push(`${validation.err.code}: ${validation.err.msg} at ${validation.err.line}:${validation.err.col}`);
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) problems.push(`U+${bad[0].charCodeAt(0).toString(16)} is not an XML 1.0 character`);
  // Attribute values are double-quoted here; `<` may not appear in one.
  for (const [, value] of text.matchAll(/="([^"]*)"/g)) if (value.includes('<')) problems.push(`"<" in attribute value ${value}`);
  if (text.includes(']]>')) problems.push('"]]>" outside a CDATA section');
  return problems;
}

export function expectWellFormedXml(text: string): void {
  expect(xmlProblems(text)).toEqual([]);
}

/** The document as objects, entities decoded; attributes keep their names (no prefix). */
export function parseXml(text: string): any {
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, isArray: (name) => ['testsuite', 'testcase', 'file', 'error'].includes(name) }).parse(text);
}
