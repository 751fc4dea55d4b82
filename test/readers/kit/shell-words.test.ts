/** Shell words and commands as the launch readers see them (src/readers/kit/shell-words.ts, src/readers/launch/program.ts). */
import { MappedText } from '../../../src/readers/kit/mapped-text';
import { literalText, parseShell } from '../../../src/readers/kit/shell-words';
import { runShell } from '../../../src/readers/launch/program';
import { ALL_UNKNOWN, Lookup } from '../../../src/readers/kit/raw';
import { SourceText } from '../../../src/source/text';
import { valueIfUnset } from '../../../src/readers/kit/expand';

function steps(script: string, base: Lookup = ALL_UNKNOWN) {
  const source = new SourceText('run.sh', script);
  const result = runShell(MappedText.of(source), base);
  return {
    commands: result.steps.map((step) => step.args.map((arg) => (arg.unresolved.length > 0 ? `?${arg.value}` : arg.value))),
    problems: result.problems.map((problem) => `${problem.message} @${problem.start}-${problem.end}`),
  };
}

test("quotes: single, double, $'…', and an empty quoted argument", () => {
  expect(steps(`printf 'a b' "c $'d'" $'e\\tf' "" x\n`).commands).toEqual([['printf', 'a b', "c $'d'", 'e\tf', '', 'x']]);
});

test('redirections and their targets are not arguments, here-strings neither', () => {
  expect(steps('cmd a 2>&1 >>/var/log/x b <in c &>/dev/null <<<"text" d\n').commands).toEqual([['cmd', 'a', 'b', 'c', 'd']]);
});

test("redirections are kept beside the words: operator, descriptor and the target expanded with the script's variables", () => {
  const source = new SourceText('run.sh', 'DIR=/etc/nginx\ncat a.tmpl | envsubst \'$X\' > "$DIR/x.conf" 2>&1\ncat > /tmp/h <<EOF\nbody > /not/a/target\nEOF\n');
  const { steps: found } = runShell(MappedText.of(source), ALL_UNKNOWN);
  const shown = found.map((step) => ({
    args: step.args.map((arg) => arg.value),
    pipesInto: step.pipesInto,
    redirects: step.redirects.map((redirect) => `${redirect.fd ?? ''}${redirect.operator}${redirect.target.value}`),
  }));
  expect(shown).toEqual([
    { args: ['cat', 'a.tmpl'], pipesInto: true, redirects: [] },
    // `2>&1` duplicates a descriptor: kept with fd 2, target "1".
    { args: ['envsubst', '$X'], pipesInto: false, redirects: ['>/etc/nginx/x.conf', '2>&1'] },
    // The here-document's body is not read for redirections: only the delimiter is a target.
    { args: ['cat'], pipesInto: false, redirects: ['>/tmp/h', '<<EOF'] },
  ]);
  // The target keeps its place in the file (the quoted word as written).
  const target = found[1].redirects[0].target;
  expect(source.text.slice(target.start, target.end)).toBe('"$DIR/x.conf"');
});

test('redirections after a compound command belong to it, not to a command of its own', () => {
  const source = new SourceText('run.sh', 'D=/out\n{ echo a; echo b; } > "$D/1"\nfor x in 1; do echo $x; done >> $D/2\n(echo c) 2>/dev/null\n');
  const result = runShell(MappedText.of(source), ALL_UNKNOWN);
  expect(result.steps.map((step) => step.args.map((arg) => arg.value).join(' '))).toEqual(['echo a', 'echo b', 'echo $x', 'echo c']);
  expect(result.groups.map((group) => group.redirects.map((redirect) => `${redirect.fd ?? ''}${redirect.operator}${redirect.target.value}`))).toEqual([
    ['>/out/1'],
    ['>>/out/2'],
    ['2>/dev/null'],
  ]);
  // The loop ran at depth 1, its redirection is outside it.
  expect(result.groups.map((group) => group.depth)).toEqual([0, 0, 0]);
});

test('operators separate commands; a here-document body is skipped', () => {
  expect(steps('a && b || c; d | e &\ncat <<-END\n\tnot a command\n\tEND\nf\n').commands).toEqual([['a'], ['b'], ['c'], ['d'], ['e'], ['cat'], ['f']]);
});

test('each command keeps the control operator before it: && || & | |&, none after ; or a newline', () => {
  const { commands } = parseShell(MappedText.of(new SourceText('t.sh', 'a && b || c & d | e |& f; g\nh\n')));
  expect(commands.map((command) => `${literalText(command.words[0])}${command.after ? ` after ${command.after}` : ''}`)).toEqual([
    'a',
    'b after &&',
    'c after ||',
    'd after &',
    'e after |',
    'f after |&',
    'g',
    'h',
  ]);
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

test("$( … ) holding double quotes: a ' or ) inside them is a character (netdata's _lib.sh)", () => {
  for (const script of [
    'out=$(echo "it\'s")\nexec gunicorn app:app\n',
    `out+="$(printf '%%%02X' "'\${ch}")"\nexec gunicorn app:app\n`,
    'x=$(echo "a)b" "$(echo "c\'d")" `echo "e"`)\nexec gunicorn app:app\n',
  ]) {
    const result = steps(script);
    expect(result.problems).toEqual([]);
    expect(result.commands[result.commands.length - 1]).toEqual(['exec', 'gunicorn', 'app:app']);
  }
  // A double quote that never closes inside $( ) is still unterminated.
  expect(steps('x=$(echo "abc)\n').problems).toContain('unterminated "$(" @2-15');
});

test('unterminated constructs are problems with file offsets', () => {
  // The quote runs to the end of the file, newline included.
  expect(steps('echo "abc\n').problems).toEqual(['unterminated quoted string @5-10']);
  expect(steps('echo $(date\n').problems).toEqual(['unterminated "$(" @5-12']);
});

test('what a command gives that the script uses: an if/elif condition, and the command that reads its output through a pipe', () => {
  const script = [
    'if a && ! b; then c; elif d | e; then f; fi',
    'while g; do h; done',
    '( i; j > log; k | l ) | m -x',
    'n | while read x; do o; done',
    '{ p; } 2>&1 | q',
    '',
  ].join('\n');
  const result = runShell(MappedText.of(new SourceText('run.sh', script)), ALL_UNKNOWN);
  const shown = result.steps.map((step) => {
    const reader =
      step.outputReadBy === undefined || step.outputReadBy === 'compound' ? step.outputReadBy : step.outputReadBy.map((arg) => arg.value).join(' ');
    return `${step.args[0].value}${step.tested ? ' tested' : ''}${reader ? ` > ${reader}` : ''}`;
  });
  expect(shown).toEqual([
    'a tested',
    'b tested',
    'c',
    'd tested > e',
    'e tested',
    'f',
    // A loop's condition is not marked: `until server; do sleep 1; done` restarts a server.
    'g',
    'h',
    // The group's output is what i and l write; j writes a file, k writes into l.
    'i > m -x',
    'j',
    'k > l',
    'l > m -x',
    'm',
    'n > compound',
    'read',
    'o',
    'p > q',
    'q',
  ]);
});

test('the value an argument takes when its unknown variables are unset: each ${NAME:-word} its word (POSIX parameter expansion)', () => {
  const ifUnset = (script: string, base: Lookup = ALL_UNKNOWN) =>
    runShell(MappedText.of(new SourceText('run.sh', script)), base)
      .steps[0].args.slice(1)
      .map((arg) => {
        const found = valueIfUnset(arg);
        return found ? `${found.value} (${found.variables.join(',')})` : undefined;
      });
  expect(ifUnset('gunicorn --bind 0.0.0.0:"${PORT:-8000}" ${HOST-0.0.0.0}:${PORT:=80}\n')).toEqual([
    undefined,
    '0.0.0.0:8000 (PORT)',
    '0.0.0.0:80 (HOST,PORT)',
  ]);
  // Quoted, a default with a blank is one word; unquoted, the shell would split it.
  expect(ifUnset('x "${A:-a b}" ${A:-a b}\n')).toEqual(['a b (A)', undefined]);
  // No default, an alternative value, a command substitution, a default that expands: unknown either way.
  expect(ifUnset('x ${A} ${A:+y} $(port)${A:-1} ${A:-$B}\n')).toEqual([undefined, undefined, undefined, undefined]);
  // A variable the script knows is no unknown part: the argument is known, nothing to assume.
  expect(ifUnset('x ${A:-1}\n', (name) => (name === 'A' ? { value: '7' } : 'unknown'))).toEqual([undefined]);
});
