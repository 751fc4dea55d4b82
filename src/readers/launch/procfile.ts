/**
 * Procfiles (Heroku, foreman, honcho): `type: command` lines, each run by a shell (`/bin/sh -c`)
 * with `$PORT` and the rest of the environment set by the platform, so unresolved here. A
 * Procfile that a container's `honcho start` or `foreman start` reads is run there instead, each
 * process with the port the runner gives it (procfile-runner.ts).
 */
import type { Launch } from './launch';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import { assembleLaunch } from './assemble';
import { both, PassThrough } from './program';
import { ALL_UNKNOWN, literalArg, Lookup, lookupIn, RawArg } from '../kit/raw';
import type { ContainerProcfileRun } from './container-scripts';

const PROCESS_LINE = /^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(\S.*?)[ \t]*\r?$/;
/** A process line as honcho (environ.py `PROCFILE_LINE`) and foreman (procfile.rb `parse`) read it: no blank before the colon. */
const RUNNER_LINE = /^([A-Za-z0-9_-]+):\s*(.+)$/;

interface ProcessLine {
  type: string;
  nameStart: number;
  nameEnd: number;
  /** The command, without the blanks around it (empty for a runner's line of blanks). */
  commandStart: number;
  commandEnd: number;
}

/** `passThrough`: scripts of the tree that run their arguments (`exec "$@"`), as a Docker entrypoint. */
export function procfileLaunches(source: SourceText, problems: ReaderDiagnostic[], passThrough?: PassThrough): Launch[] {
  const launches: Launch[] = [];
  for (const line of processLines(source, PROCESS_LINE)) {
    const launch = processLaunch(source, line, problems, passThrough, ALL_UNKNOWN, new Map(), { signalsEveryProcess: true });
    // The platform (Heroku, foreman, honcho) sets PORT for every process, unless the command
    // does (`env PORT=…`): gunicorn then binds 0.0.0.0:$PORT.
    if (launch && !launch.env.has('PORT')) launch.env.set('PORT', { value: '$PORT', span: source.span(line.nameStart, line.nameEnd), unresolved: ['$PORT'] });
    if (launch) launches.push(launch);
  }
  return launches;
}

/**
 * The processes a container's runner starts of the Procfile it reads: in that container, each
 * with the PORT the runner gives it (unknown where the tree does not say the base port).
 */
export function runProcfileLaunches(source: SourceText, problems: ReaderDiagnostic[], placed: ContainerProcfileRun, passThrough?: PassThrough): Launch[] {
  const { container, run } = placed;
  const lines = processLines(source, RUNNER_LINE);
  const launches: Launch[] = [];
  for (const process of run.processes(lines.map((line) => line.type))) {
    const line = lines[process.line];
    if (line.commandEnd <= line.commandStart) continue;
    const name: [number, number] = [line.nameStart, line.nameEnd];
    for (let copy = 0; copy < process.count; copy++) {
      const port: RawArg =
        run.basePort === undefined
          ? { ...literalArg(source, ...name, '$PORT'), unresolved: ['$PORT'] }
          : literalArg(source, ...name, String(run.basePort + process.portOffset + copy));
      const env = new Map([['PORT', port]]);
      const launch = processLaunch(source, line, problems, passThrough, lookupIn(env, placed.environment), env, {
        // honcho stops each process's session (compat.py `terminate`: killpg); foreman signals the process it spawned.
        signalsEveryProcess: run.tool === 'honcho',
        service: container.service,
        container,
      });
      if (!launch) continue;
      // Where the runner starts it: the container's WORKDIR, or a directory the Procfile's first line stands for.
      const workingDirectory =
        container.workingDirectory?.value.replace(/(.)\/+$/, '$1') === run.cwd ? container.workingDirectory : { value: run.cwd, span: source.span(0, 0) };
      launches.push({
        ...launch,
        // The runner hands its own environment (the container's) on, and sets PORT over it.
        env: new Map([...container.env, ...launch.env]),
        stopSignalReaches: both(placed.reaches, launch.stopSignalReaches),
        workingDirectory,
        ...((launch.user ?? container.user) ? { user: launch.user ?? container.user } : {}),
      });
    }
  }
  return launches;
}

function processLines(source: SourceText, pattern: RegExp): ProcessLine[] {
  const lines: ProcessLine[] = [];
  const text = source.text;
  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const lineText = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    const match = pattern.exec(lineText);
    if (match) {
      const command = match[2].trim();
      const commandStart = lineStart + (command === '' ? match[0].length : match[0].indexOf(command, match[1].length + 1));
      lines.push({ type: match[1], nameStart: lineStart, nameEnd: lineStart + match[1].length, commandStart, commandEnd: commandStart + command.length });
    }
    lineStart = lineEnd + 1;
  }
  return lines;
}

function processLaunch(
  source: SourceText,
  line: ProcessLine,
  problems: ReaderDiagnostic[],
  passThrough: PassThrough | undefined,
  lookup: Lookup,
  env: Map<string, RawArg>,
  how: { signalsEveryProcess: boolean; service?: string; container?: Launch },
): Launch | undefined {
  const { nameStart, nameEnd, commandStart, commandEnd } = line;
  const shell = [literalArg(source, nameStart, nameEnd, '/bin/sh'), literalArg(source, nameStart, nameEnd, '-c')];
  const container = how.container;
  return assembleLaunch({
    kind: 'procfile',
    file: source.file,
    args: [...shell, literalArg(source, commandStart, commandEnd)],
    env,
    lookup,
    // In a container, the process answers to the container's name (a compose service).
    service: how.service ?? line.type,
    span: source.span(commandStart, commandEnd),
    stopSignal: { value: 'SIGTERM' },
    // Heroku sends SIGTERM to every process of the dyno, the shell's children included.
    signalsEveryProcess: how.signalsEveryProcess,
    externalEnv: container?.externalEnv ?? [],
    ...(container?.container ? { container: container.container } : {}),
    ...(container?.mounts ? { mounts: container.mounts } : {}),
    ...(container?.compose ? { compose: container.compose } : {}),
    ...(container?.build ? { build: container.build } : {}),
    passThrough,
    problems,
  });
}
