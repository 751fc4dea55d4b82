/** Tomcat: server.xml connectors with catalina.properties substitution. */
import type { TomcatBackend } from '../../model/tomcat';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../types';

export function readTomcat(serverXmls: string[], catalinaProperties: string[], context: ReaderContext): ReaderOutput & { backends: TomcatBackend[] } {
  return { ...emptyOutput(), ...{ backends: [] } };
}
