/** Shell words and commands as the launch readers see them (src/readers/launch/shell-syntax.ts, program.ts). */
import { MappedText } from '../../../src/readers/launch/mapped-text';
import { runShell } from '../../../src/readers/launch/program';
import { ALL_UNKNOWN, Lookup } from '../../../src/readers/launch/raw';
import { SourceText } from '../../../src/readers/text';

function steps(script: string, base: Lookup = ALL_UNKNOWN) {
  const source = new SourceText('run.sh', script);
  const result = runShell(MappedText.of(source), base);
  return {
    commands: result.steps.map((step) => step.args.map((arg) => (arg.unresolved.length > 0 ? `?${arg.value}` : arg.value))),
    problems: result.problems.map((problem) => `${problem.message} @${problem.start}-${problem.end}`),
  };
}

test('quotes: single, double, $\'…\', and an empty quoted argument', () => {
  expect(steps(`printf 'a b' "c $'d'" $'e\\tf' "" x\n`).commands).toEqual([['printf', 'a b', "c $'d'", 'e\tf', '', 'x']]);
});

test('redirections are dropped with their targets, here-strings too', () => {
  expect(steps('cmd a 2>&1 >>/var/log/x b <in c &>/dev/null <<<"text" d\n').commands).toEqual([['cmd', 'a', 'b', 'c', 'd']]);
});

test('operators separate commands; a here-document body is skipped', () => {
  expect(steps('a && b || c; d | e &\ncat <<-END\n\tnot a command\n\tEND\nf\n').commands).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['cat'], ['f']]);
});

test('parameter expansion: defaults, alternatives, unset, and what stays unknown', () => {
  const script = 'A=1\nE=\necho ${A:-x} ${E:-dflt} ${E-dflt} ${A:+alt} ${NOPE:-d} $(date) `id` $1\nunset A\necho ${A-gone}\n';
  expect(steps(script).commands).toEqual([
    // ${E-dflt}: E is set (to nothing), and an unquoted empty expansion is no argument at all.
    ['echo', '1', 'dflt', 'alt', '?${NOPE:-d}', '?$(date)', '?`id`', '?$1'],
    ['echo', 'gone'],
  ]);
});

test('an unquoted expansion is split at blanks, a quoted one is not', () => {
  expect(steps('OPTS="-w 4  -t 30"\nrun $OPTS "$OPTS"\n').commands).toEqual([['run', '-w', '4', '-t', '30', '-w 4  -t 30']]);
});

test('unterminated constructs are problems with file offsets', () => {
  // The quote runs to the end of the file, newline included.
  expect(steps('echo "abc\n').problems).toEqual(['unterminated quoted string @5-10']);
  expect(steps('echo $(date\n').problems).toEqual(['unterminated "$(" @5-12']);
});
