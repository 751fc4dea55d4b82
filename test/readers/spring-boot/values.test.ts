/**
 * Spring Boot's value syntax: DurationStyle (SIMPLE and ISO-8601), Spring Framework's
 * DataSize.parse (case-sensitive units, powers of 1024), ints, relaxed names. Expected values are
 * worked out by hand from those classes' documented rules.
 */
import { readSpringFile } from '../../../src/readers/spring-boot/documents';
import { parseSpringDataSize, parseSpringDuration, parseSpringInt, relaxedKey, relaxedKeyOfEnvironment } from '../../../src/readers/spring-boot/values';

describe('parseSpringDuration', () => {
  test.each([
    ['20s', 20000],
    ['20S', 20000],
    ['20000', 20000],
    ['500ms', 500],
    ['2m', 120000],
    ['1h', 3600000],
    ['1d', 86400000],
    ['-1', -1],
    ['+5s', 5000],
    ['1500us', 1],
    ['PT20S', 20000],
    ['pt1m30s', 90000],
    ['PT0.5S', 500],
    ['P1DT1H', 90000000],
    ['-PT1S', -1000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseSpringDuration(text)).toBe(ms);
  });

  test('seconds as the default unit when the property says so', () => {
    expect(parseSpringDuration('30', 's')).toBe(30000);
  });

  test.each(['20 s', '20sec', '1.5s', '', 's', ' 20s', 'PT', 'P1S'])('"%s" is rejected', (text) => {
    expect(parseSpringDuration(text)).toBeUndefined();
  });
});

describe('parseSpringDataSize', () => {
  test.each([
    ['10MB', 10485760],
    ['1KB', 1024],
    ['8192', 8192],
    ['2GB', 2147483648],
    ['1TB', 1099511627776],
    ['512B', 512],
    ['-1', -1],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSpringDataSize(text)).toBe(bytes);
  });

  test.each(['10mb', '10Mb', '10 MB', '1.5MB', '10M', 'MB'])('"%s" is rejected (units are case-sensitive: B KB MB GB TB)', (text) => {
    expect(parseSpringDataSize(text)).toBeUndefined();
  });
});

describe('parseSpringInt', () => {
  test('digits with a sign, surrounding blanks trimmed', () => {
    expect(parseSpringInt(' 8080 ')).toBe(8080);
    expect(parseSpringInt('-1')).toBe(-1);
    expect(parseSpringInt('80a')).toBeUndefined();
    expect(parseSpringInt('99999999999')).toBeUndefined();
  });
});

describe('relaxed names', () => {
  test('kebab-case, camelCase and snake_case name one property', () => {
    expect(relaxedKey('server.tomcat.keep-alive-timeout')).toBe('server.tomcat.keepalivetimeout');
    expect(relaxedKey('server.tomcat.keepAliveTimeout')).toBe('server.tomcat.keepalivetimeout');
    expect(relaxedKey('server.tomcat.keep_alive_timeout')).toBe('server.tomcat.keepalivetimeout');
  });

  test('environment variables: underscores separate elements', () => {
    expect(relaxedKeyOfEnvironment('SERVER_PORT')).toBe('server.port');
    expect(relaxedKeyOfEnvironment('SERVER_TOMCAT_KEEPALIVETIMEOUT')).toBe(relaxedKey('server.tomcat.keep-alive-timeout'));
    expect(relaxedKeyOfEnvironment('SPRING_PROFILES_ACTIVE')).toBe('spring.profiles.active');
  });
});

describe('YAML keys given twice (SnakeYAML refuses the file)', () => {
  const problems = (text: string) => readSpringFile(text, 'yaml').problems.map((p) => `${p.start}-${p.end} ${p.message}`);

  test('in block and flow mappings, equal by value; merge keys and timestamps are not compared', () => {
    // "c" again at offset 17, "a" again at 22; "1" the int and "1" the string differ, 1 twice does not.
    expect(problems('a: 1\nb:\n  c: 1\n  c: 2\na: 3\n')).toEqual(['17-18 Map keys must be unique', '22-23 Map keys must be unique']);
    expect(problems('a:\n  - {b: 1, b: 2}\n')).toEqual(['14-15 Map keys must be unique']);
    expect(problems('1: a\n"1": b\n1: c\n')).toEqual(['12-13 Map keys must be unique']);
    expect(problems('~: 1\nnull: 2\n')).toEqual(['5-6 Map keys must be unique']);
    expect(problems('<<: {a: 1}\n<<: {b: 2}\n')).toEqual([]);
    expect(problems('2001-01-01: a\n2001-01-01: b\n')).toEqual([]);
    // Each document is its own mapping.
    expect(problems('x: 1\n---\nx: 1\nx: 2\n')).toEqual(['14-15 Map keys must be unique']);
  });

  test('40,000 keys in one mapping are checked in linear time', () => {
    // The yaml package's own check compared each key with every earlier one: 8·10^8 comparisons here.
    const text = `${Array.from({ length: 40_000 }, (_, i) => `k${i}:\n  v: ${i}`).join('\n')}\nk5: again\n`;
    const read = readSpringFile(text, 'yaml');
    expect(read.problems.map((p) => [text.slice(p.start, p.start + 3), p.message])).toEqual([['k5:', 'Map keys must be unique']]);
    expect(read.documents[0].entries).toHaveLength(40_001);
  });
});
