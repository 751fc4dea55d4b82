/**
 * A load balancer in front of nginx reuses idle connections for longer than nginx keeps them.
 * The stand-in is an HTTP proxy in the lab's process (harness/balancer.ts) with a keep-alive pool
 * and an idle timeout of 3 s, answering 502 when the connection to nginx fails, as ALB does; between it and nginx
 * the delaying relay stands for the network hop.
 */
import type { Experiment, Outcome } from '../harness/experiment';
import { countedLines, startKeepAliveBalancer } from '../harness/balancer';
import { burstsAfterIdleGaps } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf } from './trees';

const LB_IDLE_TIMEOUT_MS = 3000;
export const PARALLEL = 16;
/** Idle gaps around nginx's close at 1 s, as the stand-in sees them (the relay's delay shifts it). */
export const GAPS_MS = [750, 800, 850, 900, 950, 1000];
export const RELAY_DELAY_MS = 100;

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

    const lbLog = await startKeepAliveBalancer(lab, { port: lbPort, targetPort: nginxPort, idleTimeoutMs: LB_IDLE_TIMEOUT_MS, maxSockets: PARALLEL });

    const post = { port: lbPort, method: 'POST', path: '/', body: 'x=1' };
    // Opens the pooled connections, then a burst after each idle gap.
    const { tally, failingGapsMs: failingGaps } = await burstsAfterIdleGaps(post, PARALLEL, GAPS_MS);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: countedLines(lbLog),
      measures: { idleGapsWithFailuresMs: failingGaps.join(', ') || 'none' },
    };
  },
};
