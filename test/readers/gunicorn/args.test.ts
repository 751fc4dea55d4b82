/**
 * Gunicorn's command line as argparse (Python 3.11) reads it, GUNICORN_CMD_ARGS as shlex.split
 * reads it, and Python's int() rules. Expected values follow the Python documentation of
 * argparse (allow_abbrev, `-xVALUE`, `--opt=value`), shlex (posix mode) and int().
 */
import { ArgToken, gunicornAutoInt, parseGunicornArgs, pythonIntBase0, shlexSplit } from '../../../src/readers/gunicorn/args';
import { pythonIntBase10 } from '../../../src/readers/kit/python/values';

const tokens = (...words: string[]): ArgToken[] => words.map((value, index) => ({ value, from: 0, to: value.length, index }));
const settings = (...words: string[]) => {
  const parsed = parseGunicornArgs(tokens(...words));
  return {
    options: parsed.options.map((o) => [o.setting.name, o.value?.value ?? true]),
    positionals: parsed.positionals.map((p) => p.value),
    error: parsed.error?.message,
  };
};

describe('argparse', () => {
  test('200,000 words after "--" are all positionals (more than a call takes as arguments)', () => {
    // Built as arrays: spreading them into tokens(...) would itself overflow.
    const words: ArgToken[] = Array.from({ length: 200_000 }, (_, i) => ({ value: `app${i}:app`, from: 0, to: 0, index: i + 3 }));
    const parsed = parseGunicornArgs([...tokens('-w', '2', '--'), ...words]);
    expect(parsed.positionals.length).toBe(200_000);
    expect(parsed.positionals[199_999].value).toBe('app199999:app');
  });

  test('long and short options, separate and attached values, the app as positional', () => {
    expect(settings('-b', '0.0.0.0:80', '--workers=3', '-k', 'gevent', '-t90', '--keep-alive', '75', 'app:app')).toEqual({
      options: [
        ['bind', '0.0.0.0:80'],
        ['workers', '3'],
        ['worker_class', 'gevent'],
        ['timeout', '90'],
        ['keepalive', '75'],
      ],
      positionals: ['app:app'],
      error: undefined,
    });
  });

  test('a unique prefix of a long option is accepted; an ambiguous one is an error', () => {
    expect(settings('--keep', '5', 'app').options).toEqual([['keepalive', '5']]);
    expect(settings('--limit-request-field_s', '100', 'app').options).toEqual([['limit_request_field_size', '100']]);
    expect(settings('--limit-request-f', '1', 'app').error).toBe(
      'ambiguous option: --limit-request-f could match --limit-request-fields, --limit-request-field_size',
    );
  });

  test('--keepalive is not a flag of gunicorn: argparse rejects the command line', () => {
    expect(settings('--keepalive', '5', 'app').error).toBe('unrecognized arguments: --keepalive');
  });

  test('flags take no value; a cluster of short flags is split', () => {
    expect(settings('--preload', '-Dw4', 'app').options).toEqual([
      ['preload_app', true],
      ['daemon', true],
      ['workers', '4'],
    ]);
    expect(settings('--preload=yes', 'app').error).toBe("argument --preload: ignored explicit argument 'yes'");
  });

  test('-b is repeatable; a missing value is an error; -- ends the options', () => {
    expect(settings('-b', 'a', '-b', 'b', 'app').options).toEqual([
      ['bind', 'a'],
      ['bind', 'b'],
    ]);
    expect(settings('-w', '--timeout', '5').error).toBe('argument -w: expected one argument');
    expect(settings('app', '--', '-w', '3').positionals).toEqual(['app', '-w', '3']);
  });

  test('the value of --bind=x points inside the token', () => {
    const parsed = parseGunicornArgs([{ value: '--bind=unix:/run/a.sock', from: 10, to: 33, index: 1 }]);
    expect(parsed.options[0].value).toEqual({ value: 'unix:/run/a.sock', from: 17, to: 33, index: 1 });
  });
});

describe('shlex.split', () => {
  test('quotes and escapes, with the offsets of each word', () => {
    expect(shlexSplit(`--bind=0.0.0.0:80  -w 3 --access-logformat '%(h)s "x"' "a\\"b" c\\ d`)).toEqual([
      { value: '--bind=0.0.0.0:80', from: 0, to: 17 },
      { value: '-w', from: 19, to: 21 },
      { value: '3', from: 22, to: 23 },
      { value: '--access-logformat', from: 24, to: 42 },
      { value: '%(h)s "x"', from: 43, to: 54 },
      { value: 'a"b', from: 55, to: 61 },
      { value: 'c d', from: 62, to: 66 },
    ]);
  });

  test('an unclosed quote is an error, as in Python', () => {
    expect(shlexSplit('--bind "0.0.0.0:80')).toBeUndefined();
  });
});

describe('Python int()', () => {
  test.each([
    ['4', 4],
    [' 4 ', 4],
    ['010', 10],
    ['1_000', 1000],
    ['-3', -3],
    ['+7', 7],
    ['4.0', undefined],
    ['0x10', undefined],
    ['1__0', undefined],
    ['', undefined],
    ['75s', undefined],
  ])('int(%j) = %j', (text, expected) => {
    expect(pythonIntBase10(text)).toBe(expected);
  });

  test.each([
    ['4', 4],
    ['0x10', 16],
    ['0o22', 18],
    ['0b11', 3],
    ['0', 0],
    ['00', 0],
    ['0_0', 0],
    [' 12 ', 12],
    ['010', undefined],
    ['022', undefined],
    ['75s', undefined],
    ['0x', undefined],
  ])('int(%j, 0) = %j', (text, expected) => {
    expect(pythonIntBase0(text)).toBe(expected);
  });

  test('--umask takes octal with a leading zero (auto_int)', () => {
    expect(gunicornAutoInt('022')).toBe(18);
    expect(gunicornAutoInt('0o22')).toBe(18);
    expect(gunicornAutoInt('18')).toBe(18);
    expect(gunicornAutoInt('0')).toBe(0);
  });
});
