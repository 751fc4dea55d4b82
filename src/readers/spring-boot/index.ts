/** Spring Boot: embedded Tomcat settings from application.properties / application.yml. */
import type { Launch } from '../../model/launch';
import type { SpringBootBackend } from '../../model/tomcat';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';

export function readSpringBoot(files: string[], launches: Launch[], context: ReaderContext): ReaderOutput & { backends: SpringBootBackend[] } {
  return { ...emptyOutput(), ...{ backends: [] } };
}
