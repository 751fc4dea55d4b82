/**
 * A TCP relay that stands in for a network hop between nginx and a backend.
 *
 * On loopback nginx sees the backend's FIN within microseconds, so it never reuses a connection
 * the backend has just closed and the keep-alive race stays hidden. Across a real network the
 * FIN takes a while to arrive, and a request nginx sends in that window meets a closed socket.
 * The relay delays every chunk, the FIN and a reset by `delayMs` in each direction. Node fires
 * timers of equal delay in the order they were set, so bytes and the close keep their order.
 *
 * It listens on one loopback address and forwards to the same port on another (127.0.0.1 →
 * 127.0.0.2): the configs nginx and the backend run name the same port, so cfglint links them
 * just as it would without the relay.
 */
import * as net from 'net';

export interface RelayOptions {
  listenHost: string;
  targetHost: string;
  port: number;
  delayMs: number;
}

export class Relay {
  /** Connections accepted from nginx: one per upstream connection nginx opened. */
  connections = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly options: RelayOptions) {
    // Half-open kept: a request sent after the backend's FIN must still reach the backend, which
    // answers it with a reset, as across a network.
    this.server = net.createServer({ allowHalfOpen: true }, (client) => this.accept(client));
  }

  static async start(options: RelayOptions): Promise<Relay> {
    const relay = new Relay(options);
    await new Promise<void>((resolve, reject) => {
      relay.server.once('error', reject);
      relay.server.listen(options.port, options.listenHost, () => resolve());
    });
    return relay;
  }

  private accept(client: net.Socket): void {
    this.connections++;
    const backend = net.connect({ host: this.options.targetHost, port: this.options.port, allowHalfOpen: true });
    this.sockets.add(client);
    this.sockets.add(backend);
    client.once('close', () => this.sockets.delete(client));
    backend.once('close', () => this.sockets.delete(backend));
    this.pipe(client, backend);
    this.pipe(backend, client);
  }

  /** Copies `from` to `to`, each chunk and the end (FIN or reset) `delayMs` later. */
  private pipe(from: net.Socket, to: net.Socket): void {
    const later = (action: () => void) => {
      setTimeout(() => {
        if (!to.destroyed) action();
      }, this.options.delayMs);
    };
    from.on('data', (chunk) => later(() => to.write(chunk)));
    from.once('end', () => later(() => to.end()));
    // A reset (or a refused connect) on one side becomes a reset on the other.
    from.once('error', () => later(() => to.resetAndDestroy()));
    to.on('error', () => undefined);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
