/** uWSGI: ini files by uWSGI's own rules, merged with command lines. */
import type { Launch } from '../../model/launch';
import type { UwsgiBackend } from '../../model/uwsgi';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';

export function readUwsgi(files: string[], launches: Launch[], context: ReaderContext): ReaderOutput & { backends: UwsgiBackend[] } {
  return { ...emptyOutput(), ...{ backends: [] } };
}
