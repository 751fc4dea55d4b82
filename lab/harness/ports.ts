/** Ports chosen free at run time, on every loopback address an experiment binds. */
import * as net from 'net';

const taken = new Set<number>();

function listenOnce(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const chosen = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(chosen));
    });
  });
}

/**
 * A port free on all of `hosts` (127.0.0.1 by default) and not handed out before in this
 * process. The relay trick needs one port on two loopback addresses (see relay.ts).
 */
export async function freePort(hosts: string[] = ['127.0.0.1']): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await listenOnce(hosts[0], 0);
    if (port === undefined || taken.has(port)) continue;
    let freeEverywhere = true;
    for (const host of hosts.slice(1)) if ((await listenOnce(host, port)) === undefined) freeEverywhere = false;
    if (!freeEverywhere) continue;
    taken.add(port);
    return port;
  }
  throw new Error(`no free port on ${hosts.join(', ')}`);
}
