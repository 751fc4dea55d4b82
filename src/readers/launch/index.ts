/** Command lines from systemd units, Dockerfiles, compose services, Procfiles, shell scripts and Kubernetes containers. */
import type { Launch } from '../../model/launch';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';

export function readLaunches(files: FilesByFormat, context: ReaderContext): ReaderOutput & { launches: Launch[] } {
  return { ...emptyOutput(), ...{ launches: [] } };
}
