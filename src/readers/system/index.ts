/** Linux limits: sysctl, limits.conf, systemd LimitNOFILE, compose sysctls/ulimits. */
import type { SystemLimit } from '../../model/backend';
import type { Launch } from '../../model/launch';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';

export function readSystemLimits(files: FilesByFormat, launches: Launch[], context: ReaderContext): ReaderOutput & { limits: SystemLimit[] } {
  return { ...emptyOutput(), ...{ limits: [] } };
}
