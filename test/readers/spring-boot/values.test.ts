/**
 * Spring Boot's value syntax: DurationStyle (SIMPLE and ISO-8601), Spring Framework's
 * DataSize.parse (case-sensitive units, powers of 1024), ints, relaxed names. Expected values are
 * worked out by hand from those classes' documented rules.
 */
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
