/**
 * uWSGI's number and switch reading (core/uwsgi.c uwsgi_opt_set_int/64bit/16bit, uwsgi_opt_true;
 * docs/servers/uwsgi.md#integers-have-no-units). Expected values follow C's atoi/strtoul by hand.
 */
import { isPlainUwsgiInteger, intendedUwsgiQuantity, readUwsgiFlag, readUwsgiNumber, uwsgiAtoi, uwsgiStrtoul } from '../../../src/reference/uwsgi/values';

describe('atoi (uwsgi_opt_set_int)', () => {
  test.each([
    ['32k', 32],
    ['1m', 1],
    ['64k', 64],
    ['true', 0],
    ['', 0],
    ['  12', 12],
    ['+7', 7],
    ['-3', -3],
    ['2.5', 2],
    ['0x10', 0],
    ['100 ; comment', 100],
    // strtol saturates at 2^63-1; the int cast keeps the low 32 bits: 0x7fffffffffffffff → -1.
    ['99999999999999999999', -1],
    // 4294967296 + 5 → low 32 bits are 5.
    ['4294967301', 5],
  ])('%j → %d', (text, expected) => {
    expect(uwsgiAtoi(text)).toBe(expected);
  });

  test('a switch without a value (command line) is 1', () => {
    expect(uwsgiAtoi(undefined)).toBe(1);
  });
});

describe('strtoul (uwsgi_opt_set_64bit)', () => {
  test.each([
    ['10M', 10n],
    ['4096', 4096n],
    ['-1', 18446744073709551615n],
    ['99999999999999999999', 18446744073709551615n],
    ['abc', 0n],
  ])('%j → %s', (text, expected) => {
    expect(uwsgiStrtoul(text)).toBe(expected);
  });
});

describe('buffer-size (uwsgi_opt_set_16bit)', () => {
  test.each([
    ['32k', 32],
    ['65535', 65535],
    ['65536', 65535],
    ['100000', 65535],
    ['-1', 65535],
    ['8192', 8192],
  ])('%j → %d', (text, expected) => {
    expect(readUwsgiNumber('uint16', text)).toBe(expected);
  });

  test('megabytes multiply by 1 MiB', () => {
    expect(readUwsgiNumber('megabytes', '512')).toBe(512 * 1024 * 1024);
    expect(readUwsgiNumber('megabytes', '1g')).toBe(1024 * 1024);
  });
});

describe('switches (uwsgi_opt_true)', () => {
  test.each([
    [undefined, true],
    ['', true],
    ['true', true],
    ['1', true],
    ['yes', true],
    ['anything', true],
    ['false', false],
    ['FALSE', false],
    ['off', false],
    ['No', false],
    ['0', false],
    ['00', true],
  ])('%j → %s', (text, expected) => {
    expect(readUwsgiFlag(text)).toBe(expected);
  });
});

describe('helpers for messages', () => {
  test('plain integers', () => {
    expect(isPlainUwsgiInteger('4096')).toBe(true);
    expect(isPlainUwsgiInteger('-1')).toBe(true);
    expect(isPlainUwsgiInteger('32k')).toBe(false);
    expect(isPlainUwsgiInteger(' 4')).toBe(false);
  });

  test('what a unit suffix probably meant', () => {
    expect(intendedUwsgiQuantity('32k', 'bytes')).toEqual({ value: 32768, unit: 'bytes' });
    expect(intendedUwsgiQuantity('10M', 'bytes')).toEqual({ value: 10485760, unit: 'bytes' });
    expect(intendedUwsgiQuantity('1m', 'seconds')).toEqual({ value: 60, unit: 'seconds' });
    expect(intendedUwsgiQuantity('30s', 'seconds')).toEqual({ value: 30, unit: 'seconds' });
    expect(intendedUwsgiQuantity('2h', 'seconds')).toEqual({ value: 7200, unit: 'seconds' });
    expect(intendedUwsgiQuantity('2.5', 'count')).toBeUndefined();
    expect(intendedUwsgiQuantity('10x', 'bytes')).toBeUndefined();
  });
});
