/**
 * Procfiles (Heroku, foreman, honcho): `type: command` lines, each run by a shell (`/bin/sh -c`)
 * with `$PORT` and the rest of the environment set by the platform, so unresolved here.
 */
import type { Launch } from './launch';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import type { SourceText } from '../../source/text';
import { assembleLaunch } from './assemble';
import type { PassThrough } from './program';
import { ALL_UNKNOWN, literalArg } from '../kit/raw';

const PROCESS_LINE = /^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(\S.*?)[ \t]*\r?$/;

/** `passThrough`: scripts of the tree that run their arguments (`exec "$@"`), as a Docker entrypoint. */
export function procfileLaunches(source: SourceText, problems: ReaderDiagnostic[], passThrough?: PassThrough): Launch[] {
  const launches: Launch[] = [];
  const text = source.text;
  for (let lineStart = 0; lineStart < text.length;) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const match = PROCESS_LINE.exec(text.slice(lineStart, lineEnd));
    if (match) {
      const nameStart = lineStart;
      const nameEnd = lineStart + match[1].length;
      const commandStart = lineStart + match[0].indexOf(match[2], match[1].length + 1);
      const commandEnd = commandStart + match[2].length;
      const shell = [literalArg(source, nameStart, nameEnd, '/bin/sh'), literalArg(source, nameStart, nameEnd, '-c')];
      const launch = assembleLaunch({
        kind: 'procfile',
        file: source.file,
        args: [...shell, literalArg(source, commandStart, commandEnd)],
        env: new Map(),
        lookup: ALL_UNKNOWN,
        service: match[1],
        span: source.span(commandStart, commandEnd),
        stopSignal: { value: 'SIGTERM' },
        // Heroku sends SIGTERM to every process of the dyno, the shell's children included.
        signalsEveryProcess: true,
        externalEnv: [],
        passThrough,
        problems,
      });
      // The platform (Heroku, foreman, honcho) sets PORT for every process, unless the command
      // does (`env PORT=…`): gunicorn then binds 0.0.0.0:$PORT.
      if (launch && !launch.env.has('PORT')) launch.env.set('PORT', { value: '$PORT', span: source.span(nameStart, nameEnd), unresolved: ['$PORT'] });
      if (launch) launches.push(launch);
    }
    lineStart = lineEnd + 1;
  }
  return launches;
}
