/**
 * The server.xml scanner: attribute offsets, comments, the element tree, and the
 * well-formedness errors Tomcat's parser (Xerces) stops at, with Xerces's wording. The messages
 * and columns of `<` in an attribute value and `--` in a comment were recorded from Tomcat
 * 10.1.60 (see test/servers/tomcat.test.ts, which checks them again).
 */
import { decodeAttribute, readXml, XmlElement } from '../../../src/readers/tomcat/xml';
import { SourceText } from '../../../src/source/text';
import { HANG_GUARD_MS } from '../../hang-guard';

const at = (text: string, offset: number) => {
  const pos = new SourceText('x', text).pos(offset);
  return `${pos.line}:${pos.column}`;
};

const find = (roots: XmlElement[], name: string): XmlElement[] => {
  const out: XmlElement[] = [];
  const walk = (elements: XmlElement[]) => {
    for (const element of elements) {
      if (element.name === name) out.push(element);
      walk(element.children);
    }
  };
  walk(roots);
  return out;
};

describe('readXml: elements and attributes', () => {
  const text = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Server port="8005" shutdown="SHUTDOWN">',
    '  <Service name="Catalina">',
    "    <Connector port='8080'",
    '               protocol = "HTTP/1.1"/>',
    '    <Connector port="8009" protocol="AJP/1.3"></Connector>',
    '  </Service>',
    '</Server>',
    '',
  ].join('\n');
  const document = readXml(text);

  test('is well-formed and its tree comes from fast-xml-parser', () => {
    expect(document.problems).toEqual([]);
    expect(document.treeFrom).toBe('fast-xml-parser');
    expect(document.roots.map((e) => e.name)).toEqual(['Server']);
    expect(document.roots[0].children.map((e) => e.name)).toEqual(['Service']);
  });

  test('connectors have their parent and attributes with value offsets', () => {
    const connectors = find(document.roots, 'Connector');
    expect(connectors).toHaveLength(2);
    expect(connectors[0].parent?.name).toBe('Service');
    const [port, protocol] = connectors[0].attributes;
    expect(port.name).toBe('port');
    expect(port.raw).toBe('8080');
    expect(at(text, port.nameStart)).toBe('4:16');
    expect(at(text, port.valueStart)).toBe('4:22');
    expect(protocol.raw).toBe('HTTP/1.1');
    // Blanks around `=` are allowed.
    expect(at(text, protocol.valueStart)).toBe('5:28');
    expect(at(text, connectors[1].start)).toBe('6:5');
    expect(text.slice(connectors[1].start, connectors[1].startTagEnd)).toBe('<Connector port="8009" protocol="AJP/1.3">');
    expect(text.slice(connectors[1].start, connectors[1].end)).toBe('<Connector port="8009" protocol="AJP/1.3"></Connector>');
    expect(text.slice(connectors[0].startTagEnd - 2, connectors[0].end)).toBe('/>');
    expect(at(text, document.roots[0].end)).toBe('8:10');
  });

  test('CRLF line ends and a byte order mark keep offsets right', () => {
    const crlf = '\uFEFF<Server>\r\n  <Service>\r\n    <Connector port="1"/>\r\n  </Service>\r\n</Server>\r\n';
    const read = readXml(crlf);
    expect(read.problems).toEqual([]);
    const [connector] = find(read.roots, 'Connector');
    expect(at(crlf, connector.attributes[0].valueStart)).toBe('3:22');
  });
});

describe('readXml: comments', () => {
  test('keeps each comment with its text, including commented-out connectors', () => {
    const text = '<Server>\n  <!-- one -->\n  <!--\n  <Connector port="8009"/>\n  -->\n</Server>\n';
    const document = readXml(text);
    expect(document.comments.map((c) => c.text)).toEqual([' one ', '\n  <Connector port="8009"/>\n  ']);
    expect(at(text, document.comments[0].start)).toBe('2:3');
    expect(find(document.roots, 'Connector')).toEqual([]);
  });

  test('"--" inside a comment is an error at the first dash, as Xerces reports it', () => {
    const text = '<Server>\n  <!-- cfglint-disable-next-line tomcat-ajp-secret -- reason -->\n</Server>\n';
    const [problem] = readXml(text).problems;
    expect(problem.message).toBe('The string "--" is not permitted within comments');
    expect(at(text, problem.start)).toBe('2:52');
    expect(problem.end - problem.start).toBe(2);
  });

  test('a comment ending in "--->" is an error too', () => {
    expect(readXml('<a><!-- x ---></a>').problems.map((p) => p.message)).toEqual(['The string "--" is not permitted within comments']);
  });

  test('a file cut off inside a comment that ends in "-" is the unclosed comment only, with spans in the file (fuzz)', () => {
    const text = '<Server>\n  <!-- x -';
    const { problems } = readXml(text);
    expect(problems.map((p) => p.message)).toContain('The comment is not closed: "-->" is missing');
    expect(problems.map((p) => p.message)).not.toContain('The string "--" is not permitted within comments');
    for (const p of problems) {
      expect(p.start).toBeGreaterThanOrEqual(0);
      expect(p.end).toBeLessThanOrEqual(text.length);
    }
  });
});

describe('readXml: errors Xerces stops at', () => {
  const messages = (text: string) => readXml(text).problems.map((p) => `${at(text, p.start)} ${p.message}`);

  test('"<" in an attribute value (the corpus case), at the "<"', () => {
    expect(messages('<Server>\n  <Connector keystorePass="<changeit>"/>\n</Server>')).toEqual([
      '2:28 The value of attribute "keystorePass" associated with an element type "Connector" must not contain the \'<\' character',
    ]);
  });

  test('an end tag that does not match names the open element, with a related span', () => {
    const text = '<Server>\n  <Service>\n</Server>';
    const [problem] = readXml(text).problems;
    expect(`${at(text, problem.start)} ${problem.message}`).toBe('3:1 The element type "Service" must be terminated by the matching end-tag "</Service>"');
    expect(problem.related && at(text, problem.related.start)).toBe('2:3');
  });

  test('a file that ends inside an element', () => {
    const text = '<Server>\n  <Service>\n';
    expect(messages(text)).toEqual(['3:1 XML document structures must start and end within the same entity: <Server>, <Service> are never closed']);
  });

  test('end tags that match nothing among 50,000 open elements: each named once, in bounded time', () => {
    // Before, each end tag walked the whole stack of open elements: 2.5·10^9 steps here.
    const depth = 50_000;
    const text = `<Server>\n${'<a>\n'.repeat(depth)}${'</b>\n'.repeat(depth)}</Server>\n`;
    const problems = readXml(text).problems;
    const unmatched = problems.filter((p) => p.message === 'The element type "a" must be terminated by the matching end-tag "</a>"');
    // Every </b> is reported against the innermost <a>; </Server> then closes all 50,000 <a> (one problem each).
    expect(unmatched).toHaveLength(2 * depth);
    expect(problems.some((p) => /never closed/.test(p.message))).toBe(false);
  });

  test('an end tag closes the innermost open element of its name', () => {
    const text = '<Server><a><b><a></a><c></b></a></Server>';
    expect(messages(text)).toEqual(['1:25 The element type "c" must be terminated by the matching end-tag "</c>"']);
  });

  test('thousands of elements never closed: the message names the outermost ten', () => {
    const text = `<Server>${'<Service>'.repeat(5000)}`;
    const never = readXml(text).problems.find((p) => /never closed/.test(p.message));
    expect(never?.message).toBe(
      `XML document structures must start and end within the same entity: <Server>, ${Array(9).fill('<Service>').join(', ')} and 4991 more are never closed`,
    );
  });

  test('an "&" later in the file does not belong to an earlier attribute or text', () => {
    expect(messages('<a x="1" y="2">text</a>\n<!-- & -->')).toEqual([]);
    expect(messages('<a x="1"><b y="&amp;"/>&lt;</a>')).toEqual([]);
  });

  test('an undeclared entity, a bare "&" and a reference without ";"', () => {
    expect(messages('<a x="&foo;"/>')).toEqual(['1:7 The entity "foo" was referenced, but not declared']);
    expect(messages('<a x="a & b"/>')).toEqual(["1:9 The entity name must immediately follow the '&' in the entity reference"]);
    expect(messages('<a x="&amp"/>')).toEqual(['1:7 The reference to entity "amp" must end with the \';\' delimiter']);
  });

  test('a repeated attribute, an attribute without quotes, a second root, text before the root', () => {
    expect(messages('<a x="1" x="2"/>')).toEqual(['1:10 Attribute "x" was already specified for element "a"']);
    expect(messages('<a x=1/>')).toEqual(['1:6 Open quote is expected for attribute "x" associated with an element type "a"']);
    expect(messages('<a/>\n<b/>')).toEqual(['2:1 The markup in the document following the root element must be well-formed']);
    expect(messages('junk<a/>')).toEqual(['1:1 Content is not allowed in prolog']);
  });

  test('an empty file has no root element', () => {
    expect(messages('')).toEqual(['1:1 Premature end of file: no root element']);
  });

  test('errors only the validator finds are kept, with its line and column', () => {
    expect(messages('<a>\n  <1b/>\n</a>')).toHaveLength(1);
    expect(messages('<a>\n  <1b/>\n</a>')[0]).toMatch(/^2:/);
  });

  test('an unterminated start tag: the parser throws, the scan still gives the tree', () => {
    const text = '<Server><Service><Connector port="8080" protocol="HTTP/1.1></Service></Server>';
    const document = readXml(text);
    expect(document.problems.length).toBeGreaterThan(0);
    expect(document.treeFrom).toBe('scan');
    expect(find(document.roots, 'Connector')).toHaveLength(1);
  });
});

describe('readXml: entities are never expanded', () => {
  test('an external entity is neither fetched nor expanded; the scan gives the tree', () => {
    const text = '<!DOCTYPE Server [<!ENTITY connectors SYSTEM "file:///etc/passwd">]>\n<Server><Service>&connectors;<Connector port="1"/></Service></Server>';
    const document = readXml(text);
    expect(document.problems).toEqual([]);
    expect(document.declaredEntities).toEqual(new Set(['connectors']));
    expect(find(document.roots, 'Connector')).toHaveLength(1);
  });

  test(
    'a "billion laughs" DOCTYPE is read at once and its values are undetermined',
    () => {
      const levels = ['<!ENTITY l0 "ha">'];
      for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
      const text = `<!DOCTYPE Server [${levels.join('')}]>\n<Server><Service><Connector port="8080" secret="&l9;"/></Service></Server>`;
      // Expanding it would build 10^9 characters; reading it at once leaves the hang guard idle.
      const document = readXml(text);
      const [connector] = find(document.roots, 'Connector');
      const secret = connector.attributes.find((a) => a.name === 'secret')!;
      expect(secret.raw).toBe('&l9;');
      expect(decodeAttribute(secret.raw)).toBeUndefined();
    },
    HANG_GUARD_MS,
  );
});

describe('decodeAttribute', () => {
  test('decodes the predefined and numeric references and normalizes literal line breaks and tabs', () => {
    expect(decodeAttribute('a&amp;b&lt;&gt;&quot;&apos;')).toBe('a&b<>"\'');
    expect(decodeAttribute('&#65;&#x42;')).toBe('AB');
    expect(decodeAttribute('a\tb\nc')).toBe('a b c');
    expect(decodeAttribute('${http.port}')).toBe('${http.port}');
  });
});
