/**
 * The pieces of uWSGI's config reading: the ini line scanner (core/ini.c), magic variables
 * (core/utils.c magic_sub), the expansion passes (core/utils.c uwsgi_apply_config_pass,
 * core/config.c uwsgi_manage_placeholder) and the command line (getopt_long). Expected values
 * are worked out by hand from that code; the [RUN] ones were seen on Debian's uWSGI 2.0.21.
 */
import { readCommandLine } from '../../../src/readers/uwsgi/command-line';
import { applyPass, resolvePlaceholder } from '../../../src/readers/uwsgi/expand';
import { iniComments, scanIni } from '../../../src/readers/uwsgi/ini';
import { baseMagicTable, fillMagicTable, substituteMagic, UNKNOWN } from '../../../src/readers/uwsgi/magic';
import { SourceText } from '../../../src/source/text';
import type { Span } from '../../../src/source/span';

const noMagic = new Map([
  ['%', '%'],
  ['(', '%('],
]);
const lines = (text: string, section = 'uwsgi') => scanIni(substituteMagic(text, noMagic), section).lines.map((line) => [line.key, line.value]);

describe('ini lines', () => {
  test('keeps inline comments, quotes and every repeated key, in order', () => {
    const text = '[uwsgi]\nsocket = /run/app.sock ; main\nsocket = 127.0.0.1:3031\nenv = A="1"\nlogto = /var/log/app#1.log\n';
    expect(lines(text)).toEqual([
      ['socket', '/run/app.sock ; main'],
      ['socket', '127.0.0.1:3031'],
      ['env', 'A="1"'],
      ['logto', '/var/log/app#1.log'],
    ]);
  });

  test('whole-line ; and # comments, blank lines, tabs and CRLF', () => {
    expect(lines('[uwsgi]\r\n; a comment\r\n  # another\r\n\r\n\tmaster\t=\ttrue \r\n')).toEqual([['master', 'true']]);
  });

  test('splits at the first =, a bare key has an empty value, an empty key is kept', () => {
    expect(lines('[uwsgi]\nenv = DSN=postgres://u@h/db?x=1\nmaster\n= orphan\n')).toEqual([
      ['env', 'DSN=postgres://u@h/db?x=1'],
      ['master', ''],
      ['', 'orphan'],
    ]);
  });

  test('only the section asked for; a header loses its last character whatever it is', () => {
    const text = 'socket = :1\n[app]\nsocket = :2\n[uwsgi]\nsocket = :3\n[uwsgi] ; main\nsocket = :4\n[uwsgi]\nsocket = :5\n';
    expect(lines(text)).toEqual([
      ['socket', ':3'],
      ['socket', ':5'],
    ]);
    expect(lines(text, 'app')).toEqual([['socket', ':2']]);
    // `[uwsgi] ; main` names the section "uwsgi] ; mai".
    expect(lines(text, 'uwsgi] ; mai')).toEqual([['socket', ':4']]);
  });

  test('a byte-order mark hides the [uwsgi] header', () => {
    const scan = scanIni(substituteMagic('\uFEFF[uwsgi]\nsocket = :1\n', noMagic), 'uwsgi');
    expect(scan.sectionFound).toBe(false);
    expect(scan.lines).toEqual([]);
  });

  test('a NUL ends what uWSGI sees of a line', () => {
    expect(lines('[uwsgi]\nsocket = :1\0junk\nmaster = true')).toEqual([
      ['socket', ':1'],
      ['master', 'true'],
    ]);
  });

  test('a NUL or an = on a later line belongs to that line only', () => {
    expect(lines('[uwsgi]\nmaster\nsocket = :1\nlazy\nx\0=y\nenable-threads\n')).toEqual([
      ['master', ''],
      ['socket', ':1'],
      ['lazy', ''],
      ['x', ''],
      ['enable-threads', ''],
    ]);
  });

  test('lines without a NUL or an = in a 4 MB file: each found once, in order', () => {
    // Before, every line searched to the end of the text for both: minutes for this file.
    const count = 500_000;
    const text = `[uwsgi]\n${'master\n'.repeat(count)}socket = :1\n`;
    const scanned = lines(text);
    expect(scanned).toHaveLength(count + 1);
    expect(scanned[count]).toEqual(['socket', ':1']);
  });

  test('comments for suppressions', () => {
    const source = new SourceText('app.ini', '[uwsgi]\n# cfglint-disable-next-line uwsgi-inline-comment -- kept on purpose\nsocket = x\n  ;; note\n');
    expect(iniComments(source).map((c) => [c.text, c.span.start.line, c.span.start.column])).toEqual([
      ['cfglint-disable-next-line uwsgi-inline-comment -- kept on purpose', 2, 1],
      ['note', 4, 3],
    ]);
  });
});

describe('magic variables', () => {
  const machine = { hostname: 'web1', cpus: 4 };
  const table = fillMagicTable(undefined, { given: 'conf/app.ini', fullPath: '/srv/app/conf/app.ini', baseName: 'app.ini', section: '' }, machine, true);

  test('file values: %d with its trailing slash, %n, %e, %s, %p, %c, %0.., %o, %x; uppercase from the first file', () => {
    const text = '%d|%n|%e|%s|%p|%c|%0|%1|%2|%o|%x|%D|%N|%h|%k';
    expect(substituteMagic(text, table).text).toBe(
      '/srv/app/conf/|app|ini|app.ini|/srv/app/conf/app.ini|conf|srv|app|conf|conf/app.ini||/srv/app/conf/|app|web1|4',
    );
  });

  test('%% is %, %( stays for placeholders, any other letter vanishes, a final % vanishes', () => {
    expect(substituteMagic('100%% %(x) %z%q end%', table).text).toBe('100% %(x)  end');
  });

  test('a % at the end of a line joins it with the next one [RUN: uWSGI reads the whole file through magic_sub]', () => {
    const scan = scanIni(substituteMagic('[uwsgi]\nprint = 100%\nmaster = true\n', table), 'uwsgi');
    expect(scan.lines.map((line) => [line.key, line.value])).toEqual([['print', '100master = true']]);
  });

  test('an included file keeps the first file in the uppercase letters', () => {
    const second = fillMagicTable(table, { given: 'base.ini', fullPath: '/etc/uwsgi/base.ini', baseName: 'base.ini', section: 'dev' }, machine, false);
    expect(substituteMagic('%n %N %d %D %x %X %o', second).text).toBe('base app /etc/uwsgi/ /srv/app/conf/ dev  base.ini');
  });

  test('without the real path, directory-based values are unknown but the name is known', () => {
    const unknownPath = fillMagicTable(undefined, { given: undefined, fullPath: undefined, baseName: 'app.ini', section: '' }, {}, true);
    expect(substituteMagic('%n.sock', unknownPath).text).toBe('app.sock');
    expect(substituteMagic('%d/app.sock', unknownPath).text).toContain(UNKNOWN);
    expect(substituteMagic('%h', baseMagicTable({})).text).toBe(UNKNOWN);
  });

  test('spans map back through substitutions', () => {
    const mapped = substituteMagic('a = %n.sock', table);
    expect(mapped.text).toBe('a = app.sock');
    // "app" came from the two characters "%n" at offsets 4-6; ".sock" from 6-11.
    expect(mapped.sourceRange(4, 12)).toEqual([4, 11]);
    expect(mapped.sourceRange(5, 6)).toEqual([4, 6]);
  });
});

describe('expansion passes', () => {
  const options: Record<string, string | null> = { foo: 'bar', later: 'L%(foo)', processes: '4', cpu: '2', sw: null };
  const lookup = (name: string) => (name in options ? options[name] : undefined);
  const expand = (value: string) => applyPass(value, '%', (key) => resolvePlaceholder(key, lookup) ?? null);

  test('[RUN] a reference to a later option is expanded again; an undefined one stays literally', () => {
    expect(expand('%(foo)/x %(later) %(undefined)')).toBe('bar/x Lbar %(undefined)');
  });

  test('after a replacement the scan restarts at the second character', () => {
    // "%(later)" at the very start becomes "L%(foo)", whose reference starts at index 1: expanded.
    expect(expand('%(later)')).toBe('Lbar');
    // A value that starts with a reference to "%(foo)" text is not scanned again from index 0.
    expect(applyPass('%(a)', '%', (key) => (key === 'a' ? '%(b)' : key === 'b' ? 'B' : null))).toBe('%(b)');
    expect(applyPass('x%(a)', '%', (key) => (key === 'a' ? '%(b)' : key === 'b' ? 'B' : null))).toBe('xB');
  });

  test('a switch without a value leaves the reference as written; %() is not a reference', () => {
    expect(expand('%(sw) %()')).toBe('%(sw) %()');
  });

  test('arithmetic and concatenation', () => {
    expect(expand('%(processes + 1)')).toBe('5');
    expect(expand('%(processes cpu)')).toBe('42');
    expect(expand('%(processes * cpu - 3)')).toBe('5');
    expect(expand('%(processes / 0)')).toBe('0');
    expect(expand('%(processes ++)')).toBe('5');
    expect(expand('%(nothing + 2)')).toBe('2');
  });

  test('environment pass', () => {
    expect(applyPass('$(HOME)/app $(NOPE)', '$', (key) => (key === 'HOME' ? '/root' : null))).toBe('/root/app $(NOPE)');
  });

  test('runaway expansion gives the unknown value: past 1 MiB, or past the instance budget', () => {
    const big = 'x'.repeat(600 * 1024);
    expect(applyPass('%(a)%(a)', '%', (key) => (key === 'a' ? big : null))).toBe(UNKNOWN);
    expect(applyPass('%(a)', '%', (key) => (key === 'a' ? big : null))).toBe(big);
    expect(applyPass('x%(a)', '%', () => 'long enough', { chars: 10 })).toBe(UNKNOWN);
    expect(applyPass('x%(a)', '%', () => 'ok', { chars: 100 })).toBe('xok');
  });
});

describe('command line (getopt_long)', () => {
  const args = (...words: string[]) => {
    let offset = 0;
    return words.map((value) => {
      const span: Span = {
        file: 'cmd',
        start: { line: 1, column: offset + 1, offset },
        end: { line: 1, column: offset + 1 + value.length, offset: offset + value.length },
      };
      offset += value.length + 1;
      return { value, span };
    });
  };
  const read = (...words: string[]) => {
    const line = readCommandLine(args(...words));
    return { options: line.options.map((o) => [o.key, o.value, o.problem ?? '']), files: line.files.map((f) => f.value) };
  };

  test('200,000 files after "--" are all kept (more than a call takes as arguments)', () => {
    // Built as arrays: spreading them into args(...) would itself overflow.
    const [span] = args('x').map((arg) => arg.span);
    const files = Array.from({ length: 200_000 }, (_, i) => ({ value: `app${i}.ini`, span }));
    const line = readCommandLine([...args('--master', '--'), ...files]);
    expect(line.files.length).toBe(200_000);
    expect(line.files[199_999].value).toBe('app199999.ini');
  });

  test('long options with a separate or an attached value, switches, short options', () => {
    expect(read('--socket', ':3031', '--http-socket=:8000', '--master', '-p', '4', '-l128', '-M', '--ini', 'app.ini')).toEqual({
      options: [
        ['socket', ':3031', ''],
        ['http-socket', ':8000', ''],
        ['master', null, ''],
        ['processes', '4', ''],
        ['listen', '128', ''],
        ['master', null, ''],
        ['ini', 'app.ini', ''],
      ],
      files: [],
    });
  });

  test('bundled short switches, a value glued to the last one; optional values only when attached', () => {
    expect(read('-MTs', ':1', '--chmod-socket', 'x.ini', '-C660').options).toEqual([
      ['master', null, ''],
      ['enable-threads', null, ''],
      ['socket', ':1', ''],
      ['chmod-socket', null, ''],
      ['chmod-socket', '660', ''],
    ]);
  });

  test('plain arguments are config files, loaded after the options; -- ends the options', () => {
    expect(read('app.ini', '--processes', '2', '--', '--not-an-option').files).toEqual(['app.ini', '--not-an-option']);
  });

  test('a unique prefix is the option; unknown and ambiguous names stop uWSGI', () => {
    expect(read('--die-on-t', '--procesess', '2', '--http-so', ':1').options).toEqual([
      ['die-on-term', null, ''],
      ['procesess', null, "unrecognized option '--procesess'"],
      ['http-so', null, "option '--http-so' is ambiguous"],
    ]);
  });

  test('a switch given a value is rejected by getopt', () => {
    expect(read('--master=false').options).toEqual([['master', 'false', "option '--master' doesn't allow an argument"]]);
  });
});
