/** Gunicorn: gunicorn.conf.py read as Python syntax (never run), merged with command lines and GUNICORN_CMD_ARGS. */
import type { GunicornBackend } from '../../model/gunicorn';
import type { Launch } from '../../model/launch';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';

export function readGunicorn(files: string[], launches: Launch[], context: ReaderContext): ReaderOutput & { backends: GunicornBackend[] } {
  return { ...emptyOutput(), ...{ backends: [] } };
}
