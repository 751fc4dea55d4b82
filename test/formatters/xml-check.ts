/**
 * Well-formedness of the XML formats (junit, checkstyle). fast-xml-parser's XMLValidator checks
 * tags, nesting, quotes and `&`, but accepts a raw ESC, a `<` inside an attribute and `]]>` in
 * text, all of which XML 1.0 forbids; those are checked here by hand.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Outside XML 1.0's Char production: C0 controls but tab, LF, CR; U+FFFE, U+FFFF; unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters XML 1.0 forbids are what this looks for
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

/** The parts of a JUnit report the tests read; attribute values are strings, as XML has them. */
export interface JunitXml {
  testsuites: {
    tests: string;
    failures: string;
    testsuite: { name: string; failures: string; testcase: { name: string; classname: string; failure?: { type: string; message: string } }[] }[];
  };
}

/** The parts of a Checkstyle report the tests read. */
export interface CheckstyleXml {
  checkstyle: { version: string; file: { name: string; error: { line: string; column: string; severity: string; source: string; message: string }[] }[] };
}

/** The document as objects, entities decoded; attributes keep their names (no prefix). The caller names the format it expects. */
export function parseXml<Document extends JunitXml | CheckstyleXml>(text: string): Document {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => ['testsuite', 'testcase', 'file', 'error'].includes(name),
  }).parse(text);
}
