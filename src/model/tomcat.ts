/** Questions about Tomcat and Spring Boot connectors that rules ask of the model. */
import type { Listener } from '../readers/backend';
import { SpringBootBackend, TomcatBackend, TomcatConnector, TomcatListener } from '../readers/tomcat/tomcat-backend';
import type { Deployment } from './deployment';

export function isTomcatListener(listener: Listener): listener is TomcatListener {
  return (listener as Partial<TomcatListener>).connector !== undefined;
}

/** The Tomcat connector behind a listener, when the listener is Tomcat's (server.xml or Spring Boot). */
export function connectorFor(listener: Listener): TomcatConnector | undefined {
  return isTomcatListener(listener) ? listener.connector : undefined;
}

/** Every Tomcat or Spring Boot connector whose TCP listener has this port. */
export function connectorsServingPort(model: Deployment, port: number): { backend: TomcatBackend | SpringBootBackend; connector: TomcatConnector }[] {
  const out: { backend: TomcatBackend | SpringBootBackend; connector: TomcatConnector }[] = [];
  for (const backend of model.backends) {
    if (backend.kind !== 'tomcat' && backend.kind !== 'spring-boot') continue;
    for (const listener of backend.listeners as TomcatListener[]) {
      if (listener.address.kind === 'tcp' && listener.address.port === port) out.push({ backend, connector: listener.connector });
    }
  }
  return out;
}
