/** Tomcat servers (server.xml) and Spring Boot's embedded Tomcat (filled by src/readers/tomcat and src/readers/spring-boot). */
import type { BackendBase } from './backend';

export interface TomcatBackend extends BackendBase {
  kind: 'tomcat';
}

export interface SpringBootBackend extends BackendBase {
  kind: 'spring-boot';
}
