/**
 * Shell scripts (entrypoints, start scripts): every command that starts a server (`exec gunicorn
 * …`, `uwsgi --ini …`, `nginx -g 'daemon off;'`) is a launch, unless the script uses its result
 * (an `if` condition, output piped into `tr`: a tool, usesResult). Variables the script sets before
 * the command are substituted, others are unresolved; exported ones and `NAME=value` prefixes are
 * the launch's environment, and a top-level `cd` its working directory.
 */
import type { Launch } from './launch';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import { assembleLaunch } from './assemble';
import { diagnostic } from '../kit/files';
import { MappedText } from '../kit/mapped-text';
import { execsFromScript, runShell, startsServer, unwrap, usesResult } from './program';
import { ALL_UNKNOWN, Lookup, lookupIn, RawArg } from '../kit/raw';
import type { ScriptArguments } from './dispatch';

/**
 * `outside`: what a variable the script does not set holds (the environment it runs in; unknown
 * for a script read on its own). `args`: the arguments it is run with, when known (a container's
 * CMD); they pick the branches of a script that dispatches on them. A server started only in a
 * branch that an argument not known picks is no launch: the tree does not say it runs
 * (docs/servers/linux.md#scripts-that-dispatch-on-their-arguments).
 */
export function shellLaunches(source: SourceText, problems: ReaderDiagnostic[], outside: Lookup = ALL_UNKNOWN, args?: ScriptArguments): Launch[] {
  const launches: Launch[] = [];
  const { steps, problems: syntax } = runShell(MappedText.of(source), outside, args);
  for (const problem of syntax) problems.push(diagnostic(source, 'command-syntax', `Invalid shell command: ${problem.message}`, problem.start, problem.end));
  for (const step of steps) {
    if (step.undecided) continue;
    const env = new Map<string, RawArg>([...step.exported, ...step.prefixEnv]);
    const lookup = lookupIn(env, outside);
    const unwrapped = unwrap(step.args, lookup);
    if (!startsServer(unwrapped.program, unwrapped.argv) || usesResult(step, lookup)) continue;
    const launch = assembleLaunch({
      kind: 'shell',
      file: source.file,
      args: step.args,
      env,
      lookup,
      span: source.span(step.start, step.end),
      stopSignal: { value: 'SIGTERM' },
      workingDirectory: step.cwd,
      externalEnv: [],
      problems,
    });
    // Without `exec` the script's shell stays the program's parent: whether the stop signal
    // reaches the program depends on what stops the script, which a script alone does not say.
    if (launch) launches.push(execsFromScript(launch.wrappers) ? launch : { ...launch, stopSignalReaches: undefined });
  }
  return launches;
}
