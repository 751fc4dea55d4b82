/**
 * The keep-alive race: nginx keeps idle upstream connections for 60 s, gunicorn's gthread
 * worker closes them after `keepalive`; a POST sent as the backend's FIN is on its way gets 502.
 * Behind the delaying relay (the network hop), rounds of parallel POSTs are separated by idle
 * gaps that sweep across the moment gunicorn closes, so some rounds land in the window.
 */
import type { Experiment, Outcome } from '../harness/experiment';
import { burstsAfterIdleGaps } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, WSGI_APP } from './trees';

const PARALLEL = 16;
/** Idle gaps between rounds, in ms: across gunicorn's close (keepalive 1 s, checked once a second). */
const GAPS_MS = [1100, 1300, 1500, 1700, 1900, 2100];
const RELAY_DELAY_MS = 100;

export const upstreamKeepaliveTimeout: Experiment = {
  id: 'upstream-keepalive-timeout',
  rule: 'upstream-keepalive-timeout',
  backend: 'gunicorn',
  expected: 'reproduces',
  // A race: a loaded machine can miss the window in one run.
  attempts: 3,
  setup: `gunicorn gthread keepalive 1 s behind a ${RELAY_DELAY_MS} ms relay; nginx upstream keepalive 16, HTTP/1.1; broken: keepalive_timeout 60s (default), fixed: keepalive_timeout 500ms; ${GAPS_MS.length} rounds of ${PARALLEL} parallel POSTs, idle gaps ${GAPS_MS[0] / 1000}–${GAPS_MS[GAPS_MS.length - 1] / 1000} s`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port(['127.0.0.1', '127.0.0.2']);
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        http: `upstream app {\n    server 127.0.0.1:${backendPort};\n    keepalive 16;${variant === 'fixed' ? '\n    keepalive_timeout 500ms;' : ''}\n}`,
        server: 'location / {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    proxy_pass http://app;\n}',
      }),
      'gunicorn.conf.py': `bind = "127.0.0.2:${backendPort}"
worker_class = "gthread"
workers = 1
threads = ${PARALLEL}
keepalive = 1
`,
      'app.py': WSGI_APP,
    });
    const gunicorn = lab.startGunicorn();
    await lab.relay({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port: backendPort, delayMs: RELAY_DELAY_MS });
    const nginx = lab.startNginx();
    await expectListening(gunicorn, 'gunicorn', '127.0.0.2', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);

    const post = { port: nginxPort, method: 'POST', path: '/', body: 'x=1' };
    // Opens the pooled connections, then a burst after each idle gap.
    const { tally, failingGapsMs: failingGaps } = await burstsAfterIdleGaps(post, PARALLEL, GAPS_MS);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(gunicorn, [/\[(ERROR|CRITICAL|WARNING)\]/]),
      measures: { idleGapsWithFailuresMs: failingGaps.join(', ') || 'none' },
    };
  },
};
