/**
 * The keep-alive race with Tomcat: its connector closes idle connections after
 * `keepAliveTimeout`, which defaults to `connectionTimeout` (1 s here), while nginx keeps them
 * 60 s. Same traffic as the gunicorn experiment, behind the same delaying relay.
 */
import type { Experiment, Outcome } from '../harness/experiment';
import { burstsAfterIdleGaps } from '../harness/load';
import { expectListening, waitForPort } from '../harness/process';
import { nginxConf, tomcatServerXml } from './trees';

const PARALLEL = 16;
/** Idle gaps around Tomcat's close, about 1 s after the last response (its poller checks once a second). */
const GAPS_MS = [750, 800, 850, 900, 950, 1000, 1050];
const RELAY_DELAY_MS = 100;

export const upstreamKeepaliveTimeoutTomcat: Experiment = {
  id: 'upstream-keepalive-timeout-tomcat',
  rule: 'upstream-keepalive-timeout',
  backend: 'tomcat',
  expected: 'reproduces',
  // A race: a loaded machine can miss the window in one run.
  attempts: 3,
  timeLimitMs: 90_000,
  setup: `Tomcat connector connectionTimeout="1000" (keepAliveTimeout follows it) behind a ${RELAY_DELAY_MS} ms relay; nginx upstream keepalive 16, HTTP/1.1; broken: keepalive_timeout 60s (default), fixed: keepalive_timeout 500ms; ${GAPS_MS.length} rounds of ${PARALLEL} parallel POSTs, idle gaps ${GAPS_MS[0] / 1000}–${GAPS_MS[GAPS_MS.length - 1] / 1000} s`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port(['127.0.0.1', '127.0.0.2']);
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        http: `upstream app {\n    server 127.0.0.1:${backendPort};\n    keepalive 16;${variant === 'fixed' ? '\n    keepalive_timeout 500ms;' : ''}\n}`,
        server: 'location / {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    proxy_pass http://app;\n}',
      }),
      'tomcat/conf/server.xml': tomcatServerXml(`address="127.0.0.2" port="${backendPort}" protocol="HTTP/1.1" connectionTimeout="1000"`),
    });
    const tomcat = lab.startTomcat();
    await lab.relay({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port: backendPort, delayMs: RELAY_DELAY_MS });
    const nginx = lab.startNginx();
    if (!(await waitForPort(tomcat, '127.0.0.2', backendPort, 40000))) throw new Error(`Tomcat did not start:\n${tomcat.output.slice(-3000)}`);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);

    const post = { port: nginxPort, method: 'POST', path: '/', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    // Opens the pooled connections, then a burst after each idle gap.
    const { tally, failingGapsMs: failingGaps } = await burstsAfterIdleGaps(post, PARALLEL, GAPS_MS);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(tomcat, [/SEVERE/]),
      measures: { idleGapsWithFailuresMs: failingGaps.join(', ') || 'none' },
    };
  },
};
