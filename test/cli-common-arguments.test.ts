/**
 * parseCommonArguments reads a plain lint's command line without yargs: wherever it answers, its
 * answer must be yargs' own (cli.ts parseArguments, the parser of every other command line), and
 * wherever yargs might read the words otherwise, it must leave them to yargs.
 */
import { parseArguments } from '../src/cli/cli';
import { CliArguments, parseCommonArguments } from '../src/cli/common-arguments';

/** yargs' reading, without the short aliases and `$0` it adds: the names main() reads. */
function byYargs(argv: string[]): Record<string, unknown> {
  const { $0: _script, f: _f, o: _o, c: _c, q: _q, v: _v, h: _h, ...named } = parseArguments(argv) as CliArguments & Record<string, unknown>;
  return named;
}

describe('a plain lint is read as yargs reads it', () => {
  const commandLines: string[][] = [
    [],
    ['.'],
    ['deploy', 'nginx/app.conf'],
    ['-f', 'json', 'deploy'],
    ['--format', 'sarif', '-o', 'out.sarif', '.'],
    ['--output', 'report.txt', '--quiet', 'deploy'],
    ['-c', 'ci.cfglint.json', '--fail-on', 'error', '.'],
    ['--config', 'x.json', '--nginx-version', '1.24.0', '--max-warnings', '0', '.'],
    ['--select', 'security,correctness', '--ignore', 'nginx-server-tokens', 'deploy'],
    ['--baseline', '.cfglint-baseline.json', '--show-info', '--report-unused-disables', '--statistics', '-q'],
    ['-f', 'github', 'a b/c', 'ünïcode', 'x=y'],
    // Values that are numbers or booleans to the eye stay text for string options.
    ['--max-warnings', '010', '--nginx-version', '1.25', '-o', 'true'],
  ];
  test.each(commandLines.map((argv) => [argv.join(' '), argv]))('%s', (_line, argv) => {
    const common = parseCommonArguments(argv);
    expect(common).toBeDefined();
    expect(common).toEqual(byYargs(argv));
  });

  test('the defaults are yargs’: stylish, unused disables not reported, paths none', () => {
    expect(parseCommonArguments([])).toEqual({ _: [], format: 'stylish', 'report-unused-disables': false });
  });
});

describe('anything yargs might read otherwise is left to it', () => {
  const leftToYargs: string[][] = [
    ['--help'],
    ['-h'],
    ['--version'],
    ['graph', '.'],
    ['rules'],
    ['explain', 'upstream-keepalive-http10'],
    ['.', 'graph'],
    ['--format=json', '.'],
    ['-qf', 'json'],
    ['-f', 'json', '-f', 'sarif'],
    ['--select', 'a', '--select', 'b'],
    ['--quiet', '--quiet'],
    ['-f'],
    ['-o', '-'],
    ['-f', ''],
    ['--no-quiet'],
    ['--color'],
    ['--fix', '.'],
    ['--list-files'],
    ['--init'],
    ['--print-config', 'nginx.conf'],
    ['--formt', 'json'],
    ['--', '-odd-name'],
    // A number-like path becomes a number to yargs; `true` after a flag becomes the flag's value.
    ['1e3'],
    ['010'],
    ['.5'],
    ['--quiet', 'true'],
    ['false'],
    [''],
  ];
  test.each(leftToYargs.map((argv) => [JSON.stringify(argv), argv]))('%s', (_line, argv) => {
    expect(parseCommonArguments(argv)).toBeUndefined();
  });

  test('yargs does read a number-like path otherwise: the reason such words are left to it', () => {
    expect(byYargs(['1e3'])._).toEqual([1000]);
    expect(byYargs(['--quiet', 'true'])).toMatchObject({ _: [], quiet: true });
  });
});
