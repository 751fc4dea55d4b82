/**
 * A load balancer in front of nginx reuses idle connections for longer than nginx keeps them.
 * The stand-in is an HTTP proxy in the lab's process with a keep-alive pool and an idle timeout
 * of 3 s, answering 502 when the connection to nginx fails, as ALB does; between it and nginx
 * the delaying relay stands for the network hop.
 */
import * as http from 'http';
import type { Experiment, Outcome } from '../harness/experiment';
import { burstsAfterIdleGaps } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf } from './trees';

const LB_IDLE_TIMEOUT_MS = 3000;
const PARALLEL = 16;
/** Idle gaps around nginx's close at 1 s, as the stand-in sees them (the relay's delay shifts it). */
const GAPS_MS = [750, 800, 850, 900, 950, 1000];
const RELAY_DELAY_MS = 100;

export const lbIdleTimeout: Experiment = {
  id: 'lb-idle-timeout',
  rule: 'lb-idle-timeout',
  backend: 'none',
  backendLogName: 'load balancer',
  expected: 'reproduces',
  // A race: a loaded machine can miss the window in one run.
  attempts: 3,
  lintConfig: { environment: { loadBalancerIdleTimeout: `${LB_IDLE_TIMEOUT_MS / 1000}s` } },
  setup: `a keep-alive HTTP proxy (idle timeout ${LB_IDLE_TIMEOUT_MS / 1000} s, 502 on a failed upstream connection) before nginx, ${RELAY_DELAY_MS} ms relay between; broken: nginx keepalive_timeout 1s, fixed: keepalive_timeout 4s; ${GAPS_MS.length} rounds of ${PARALLEL} parallel POSTs, idle gaps ${GAPS_MS[0] / 1000}–${GAPS_MS[GAPS_MS.length - 1] / 1000} s`,
  async run(lab, variant): Promise<Outcome> {
    const nginxPort = await lab.port(['127.0.0.1', '127.0.0.2']);
    const lbPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        server: `keepalive_timeout ${variant === 'broken' ? '1s' : '4s'};\nlocation / {\n    return 200 "ok\\n";\n}`,
      }).replace(`listen 127.0.0.1:${nginxPort};`, `listen 127.0.0.2:${nginxPort};`),
    });
    const nginx = lab.startNginx();
    await lab.relay({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port: nginxPort, delayMs: RELAY_DELAY_MS });
    await expectListening(nginx, 'nginx', '127.0.0.2', nginxPort, 10000);

    const pool = new http.Agent({ keepAlive: true, maxSockets: PARALLEL, timeout: LB_IDLE_TIMEOUT_MS, scheduling: 'lifo' });
    const lbLog: string[] = [];
    const lb = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const upstream = http.request(
          { host: '127.0.0.1', port: nginxPort, method: req.method, path: req.url, agent: pool, headers: { 'content-length': String(body.length) } },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502);
            answer.pipe(res);
          },
        );
        upstream.on('error', (error: NodeJS.ErrnoException) => {
          lbLog.push(`502: ${error.code ?? error.message} on a reused connection to nginx`);
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => lb.listen(lbPort, '127.0.0.1', () => resolve()));
    lab.onCleanup(
      () =>
        new Promise<void>((resolve) => {
          pool.destroy();
          lb.closeAllConnections();
          lb.close(() => resolve());
        }),
    );

    const post = { port: lbPort, method: 'POST', path: '/', body: 'x=1' };
    // Opens the pooled connections, then a burst after each idle gap.
    const { tally, failingGapsMs: failingGaps } = await burstsAfterIdleGaps(post, PARALLEL, GAPS_MS);
    const counts = new Map<string, number>();
    for (const line of lbLog) counts.set(line, (counts.get(line) ?? 0) + 1);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: [...counts].map(([line, count]) => (count > 1 ? `${line} (${count}×)` : line)),
      measures: { idleGapsWithFailuresMs: failingGaps.join(', ') || 'none' },
    };
  },
};
