/**
 * Whether a backend answers a client's `Upgrade: h2c` with 101 and then speaks HTTP/2 on that
 * connection, which nginx relays as an opaque tunnel when it passes the client's Upgrade and
 * Connection headers (nginx-h2c-smuggling). Each server's own code decides; see the rule's doc.
 */
import type { Listener } from '../readers/backend';
import type { Backend } from './backend';

/**
 * Why the backend never switches a connection to h2c at this listener (at any of its listeners
 * when none is given), or undefined when it may or the tree does not say.
 */
export function whyNoH2cUpgrade(backend: Backend, listener?: Listener): string | undefined {
  switch (backend.kind) {
    case 'gunicorn':
      // uvicorn's workers parse requests with uvicorn's protocol classes; a custom class is a server of its own.
      if (backend.workerKind === 'uvicorn' || backend.workerKind === 'uvicorn_h11') return `its uvicorn worker upgrades only to WebSocket`;
      if (backend.workerKind === undefined || backend.workerKind === 'custom') return undefined;
      return backend.noH2cUpgrade;
    case 'uwsgi':
      // No HTTP/2 anywhere in uWSGI: its http parsers switch only to WebSocket (core/websockets.c).
      return 'uWSGI has no HTTP/2';
    case 'uvicorn':
      // uvicorn/protocols/http/{h11,httptools}_impl.py `_should_upgrade`: `websocket` only.
      return 'uvicorn upgrades only to WebSocket';
    case 'tomcat': {
      const connectors = listener ? backend.listeners.filter((own) => own === listener).map((own) => own.connector) : backend.connectors;
      const none = connectors.length > 0 && connectors.every((connector) => connector.upgradeProtocols?.length === 0);
      return none ? 'its <Connector> has no <UpgradeProtocol>' : undefined;
    }
    case 'spring-boot':
      // server.http2.enabled or a connector customizer in Java code adds Http2Protocol.
      return undefined;
  }
}
