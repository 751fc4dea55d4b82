/**
 * `.properties` as java.util.Properties#load and Spring Boot's OriginTrackedPropertiesLoader read
 * them (their Javadoc and source): separators, blanks, comments, continuations, escapes, and
 * Spring's `#---` documents. Offsets are checked through line:column.
 */
import { parseProperties } from '../../../src/readers/tomcat/properties';
import { SourceText } from '../../../src/source/text';

const entries = (text: string) => parseProperties(text).entries.map((e) => [e.key, e.value]);

describe('parseProperties', () => {
  test('key=value, key: value, key value, blanks around the separator', () => {
    expect(entries('a=1\nb: 2\nc 3\nd   =   4\n  e\t:\tfive six\n')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', 'five six'],
    ]);
  });

  test('the value keeps its trailing blanks and a second separator', () => {
    expect(entries('a = = b  \n')).toEqual([['a', '= b  ']]);
  });

  test('# and ! start comments only at the start of a line; blank lines are skipped', () => {
    const parsed = parseProperties('# one\n  ! two\n\nx=1 # not a comment\n');
    expect(parsed.comments.map((c) => c.text)).toEqual([' one', ' two']);
    expect(parsed.entries.map((e) => [e.key, e.value])).toEqual([['x', '1 # not a comment']]);
  });

  test("a backslash at the end continues the line; the next line's leading blanks go", () => {
    const text = 'list = a,\\\n       b,\\\r\n   c\nnext=1\n';
    const parsed = parseProperties(text);
    expect(parsed.entries.map((e) => [e.key, e.value])).toEqual([
      ['list', 'a,b,c'],
      ['next', '1'],
    ]);
    const source = new SourceText('x', text);
    const list = parsed.entries[0];
    expect(source.pos(list.valueStart)).toMatchObject({ line: 1, column: 8 });
    expect(source.pos(list.valueEnd)).toMatchObject({ line: 3, column: 5 });
  });

  test('an even number of backslashes does not continue', () => {
    expect(entries('a=x\\\\\nb=2\n')).toEqual([
      ['a', 'x\\'],
      ['b', '2'],
    ]);
  });

  test('escapes in keys and values, \\uXXXX', () => {
    expect(entries('my\\ key=tab\\there\\u0041\\:\n')).toEqual([['my key', 'tab\there' + 'A:']]);
  });

  test('a malformed \\u escape is reported where it is', () => {
    const parsed = parseProperties('a=\\u12G4\n');
    expect(parsed.problems.map((p) => [p.start, p.message])).toEqual([[2, 'Malformed \\uxxxx encoding']]);
  });

  test('key and value offsets', () => {
    const text = 'x=1\n  http.port = 18080\n';
    const [, entry] = parseProperties(text).entries;
    expect(text.slice(entry.keyStart, entry.keyEnd)).toBe('http.port');
    expect(text.slice(entry.valueStart, entry.valueEnd)).toBe('18080');
  });

  test('Spring Boot documents: #--- and !--- on their own line split the file', () => {
    const parsed = parseProperties('a=1\n#---\nspring.config.activate.on-profile=prod\na=2\n!---\nb=3\n#--- not a separator\n', { documents: true });
    expect(parsed.entries.map((e) => [e.key, e.value, e.document])).toEqual([
      ['a', '1', 0],
      ['spring.config.activate.on-profile', 'prod', 1],
      ['a', '2', 1],
      ['b', '3', 2],
    ]);
    expect(parsed.comments.map((c) => c.text)).toEqual(['--- not a separator']);
  });

  test('java.util.Properties has no documents: #--- is a comment', () => {
    const parsed = parseProperties('a=1\n#---\na=2\n');
    expect(parsed.entries.map((e) => e.document)).toEqual([0, 0]);
  });
});
