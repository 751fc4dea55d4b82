/**
 * `keepalive 16` with nginx's HTTP/1.0 default: nothing fails, but every request opens a new
 * upstream connection. A relay without delay between nginx and gunicorn counts them.
 */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, WSGI_APP } from './trees';

const REQUESTS = 100;

export const upstreamKeepaliveHttp10: Experiment = {
  id: 'upstream-keepalive-http10',
  rule: 'upstream-keepalive-http10',
  backend: 'gunicorn',
  expected: 'reproduces',
  setup: `gunicorn gthread (keepalive 5 s) behind a counting relay; upstream keepalive 16; broken: no proxy_http_version (HTTP/1.0, Connection: close), fixed: proxy_http_version 1.1 and Connection ""; ${REQUESTS} GETs, 4 at a time; the measure is upstream connections opened`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port(['127.0.0.1', '127.0.0.2']);
    const nginxPort = await lab.port();
    const location =
      variant === 'broken'
        ? 'location / {\n    proxy_pass http://app;\n}'
        : 'location / {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    proxy_pass http://app;\n}';
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        http: `upstream app {\n    server 127.0.0.1:${backendPort};\n    keepalive 16;\n}`,
        server: location,
      }),
      'gunicorn.conf.py': `bind = "127.0.0.2:${backendPort}"\nworker_class = "gthread"\nthreads = 8\nkeepalive = 5\n`,
      'app.py': WSGI_APP,
    });
    const gunicorn = lab.startGunicorn();
    const relay = await lab.relay({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port: backendPort, delayMs: 0 });
    const nginx = lab.startNginx();
    await expectListening(gunicorn, 'gunicorn', '127.0.0.2', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/' }, REQUESTS, 4, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(gunicorn, [/\[(ERROR|CRITICAL)\]/]),
      measures: { upstreamConnections: relay.connections },
    };
  },
  // Nothing fails: the failure is one upstream connection per request.
  reproduced(broken, fixed) {
    const connections = (outcome: Outcome) => Number(outcome.measures?.upstreamConnections ?? 0);
    return broken.failures === 0 && connections(broken) >= broken.requests && connections(fixed) <= fixed.requests / 4;
  },
};
