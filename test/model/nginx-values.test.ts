import { formatMilliseconds, parseNginxNumber, parseNginxSize, parseNginxTime } from '../../src/model/nginx-values';

// Expected values follow nginx's ngx_parse_time/ngx_parse_size as docs/servers/nginx.md#time-values records them;
// every valid/invalid verdict below was checked with `nginx -t` (Debian nginx 1.22.1) on
// proxy_read_timeout, proxy_buffer_size and client_max_body_size.
describe('nginx time values', () => {
  test.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['30', 30_000],
    ['5m', 300_000],
    ['1h 30m', 5_400_000],
    ['1h30m', 5_400_000],
    ['2w', 1_209_600_000],
    ['1d 2h 3m 4s 5ms', 93_784_005],
    ['1h  ', 3_600_000],
    ['1h 30', 3_630_000],
    ['30 ', 30_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseNginxTime(text)).toBe(ms);
  });

  test.each(['1.5s', '1y', '1M', '30s1m', '1mb', '', 's', '-1s', '10 s', ' 30s'])('%s is invalid for a msec directive', (text) => {
    expect(parseNginxTime(text)).toBeUndefined();
  });

  test('second-type directives reject ms but take years', () => {
    expect(parseNginxTime('500ms', 'sec')).toBeUndefined();
    expect(parseNginxTime('1y', 'sec')).toBe(365 * 24 * 3600 * 1000);
  });
});

describe('nginx size values', () => {
  test.each([
    ['8k', 8192],
    ['8K', 8192],
    ['1m', 1_048_576],
    ['4096', 4096],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseNginxSize(text)).toBe(bytes);
  });

  test('g only for offsets such as client_max_body_size', () => {
    expect(parseNginxSize('1g')).toBeUndefined();
    expect(parseNginxSize('1g', true)).toBe(1_073_741_824);
  });

  test.each(['10mb', '10MB', '1.5m', '', 'k', '1 k'])('%s is invalid', (text) => {
    expect(parseNginxSize(text, true)).toBeUndefined();
  });

  test('counts and formatting', () => {
    expect(parseNginxNumber('1000')).toBe(1000);
    expect(parseNginxNumber('1k')).toBeUndefined();
    expect(formatMilliseconds(60_000)).toBe('60s');
    expect(formatMilliseconds(7_200_000)).toBe('2h');
    expect(formatMilliseconds(1500)).toBe('1500ms');
  });
});
