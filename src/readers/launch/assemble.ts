/** The last step of every launch reader: wrappers peeled off, raw values turned into model values. */
import { placedSourceAt } from './launch';
import type { Launch, LaunchArg, LaunchEnvValue, LaunchKind } from './launch';
import type { Span } from '../../source/span';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { diagnostic } from '../kit/files';
import { PassThrough, programPaths, ProgramFiles, unwrap } from './program';
import { Lookup, RawArg, writtenText } from '../kit/raw';
import { valueIfUnset } from '../kit/expand';

export interface LaunchDraft {
  kind: LaunchKind;
  file: string;
  /** The whole command as the supervisor runs it, wrappers included. */
  args: RawArg[];
  env: Map<string, RawArg>;
  /** Variables in `sh -c` strings: the environment the process gets. */
  lookup: Lookup;
  service?: string;
  span: Span;
  stopSignal: Launch['stopSignal'];
  /**
   * The supervisor sends the stop signal to every process of the service (systemd's default
   * KillMode=control-group, a Heroku dyno), not only to the one it started: the program gets it
   * however it was started.
   */
  signalsEveryProcess?: boolean;
  workingDirectory?: RawArg;
  user?: RawArg;
  group?: RawArg;
  externalEnv: Span[];
  container?: Launch['container'];
  mounts?: Launch['mounts'];
  compose?: Launch['compose'];
  build?: Launch['build'];
  /** Scripts in the tree that run their arguments (`exec "$@"`), e.g. a Docker entrypoint. */
  passThrough?: PassThrough;
  problems: ReaderDiagnostic[];
}

export function assembleLaunch(draft: LaunchDraft): Launch | undefined {
  const unwrapped = unwrap(draft.args, draft.lookup, draft.passThrough, programFiles(draft));
  for (const problem of unwrapped.problems) {
    draft.problems.push(diagnostic(problem.source, 'command-syntax', `Invalid shell command: ${problem.message}`, problem.start, problem.end));
  }
  if (unwrapped.argv.length === 0) return undefined;
  const env = new Map<string, ReturnType<typeof toLaunchEnv>>();
  for (const [name, value] of draft.env) env.set(name, toLaunchEnv(value));
  for (const [name, value] of unwrapped.env) env.set(name, toLaunchEnv(value));
  const user = unwrapped.user ?? draft.user;
  return {
    kind: draft.kind,
    file: draft.file,
    program: unwrapped.program,
    argv: unwrapped.argv.map(toLaunchArg),
    env,
    ...(draft.service !== undefined ? { service: draft.service } : {}),
    span: draft.span,
    stopSignal: draft.stopSignal,
    stopSignalReaches: draft.signalsEveryProcess ? true : unwrapped.handsOver,
    wrappers: unwrapped.wrappers.map(toLaunchArg),
    ...(draft.workingDirectory ? { workingDirectory: toLaunchEnv(draft.workingDirectory) } : {}),
    ...(user ? { user: toLaunchEnv(user) } : {}),
    ...(draft.group ? { group: toLaunchEnv(draft.group) } : {}),
    externalEnv: draft.externalEnv,
    ...(draft.container ? { container: draft.container } : {}),
    ...(draft.mounts && draft.mounts.length > 0 ? { mounts: draft.mounts } : {}),
    ...(draft.compose ? { compose: draft.compose } : {}),
    ...(draft.build ? { build: draft.build } : {}),
  };
}

/**
 * What the launch's container puts where a word names a program: a script the image COPYs under
 * another name (`COPY resources/core/main-entrypoint.sh /usr/local/bin/entrypoint.sh`) is run
 * by the name it has there. A relative path needs the working directory the tree gives.
 */
function programFiles(draft: LaunchDraft): ProgramFiles | undefined {
  const mounts = draft.mounts ?? [];
  if (mounts.length === 0) return undefined;
  const directory = draft.workingDirectory;
  const cwd = directory && directory.unresolved.length === 0 && directory.value.startsWith('/') ? directory.value : undefined;
  return (word) => programPaths(word, cwd).flatMap((path) => placedSourceAt(path, mounts) ?? []);
}

function toLaunchArg(raw: RawArg): LaunchArg {
  const ifUnset = valueIfUnset(raw);
  return { ...toLaunchEnv(raw), ...(ifUnset ? { ifUnset } : {}) };
}

function toLaunchEnv(raw: RawArg): LaunchEnvValue {
  const span = raw.source.span(raw.start, raw.end);
  return raw.unresolved.length > 0 ? { value: writtenText(raw), span, unresolved: [...new Set(raw.unresolved)] } : { value: raw.value, span };
}
