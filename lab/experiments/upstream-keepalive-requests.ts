/**
 * Tomcat ends each connection after `maxKeepAliveRequests` (5 here) while nginx would reuse it
 * 1000 times. Does nginx ever send on a connection Tomcat has ended? Tomcat marks the last
 * response `Connection: close`, and nginx does not cache such a connection: the lab counts
 * failures and the upstream connections opened, behind the delaying relay.
 */
import * as http from 'http';
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening, waitForPort } from '../harness/process';
import { nginxConf, tomcatServerXml } from './trees';

const REQUESTS = 300;
const PARALLEL = 8;
const RELAY_DELAY_MS = 100;
const TOMCAT_MAX_REQUESTS = 5;

export const upstreamKeepaliveRequests: Experiment = {
  id: 'upstream-keepalive-requests',
  rule: 'upstream-keepalive-requests',
  backend: 'tomcat',
  expected: 'does-not-reproduce',
  timeLimitMs: 90_000,
  setup: `Tomcat maxKeepAliveRequests="${TOMCAT_MAX_REQUESTS}" behind a ${RELAY_DELAY_MS} ms relay; nginx upstream keepalive 16, HTTP/1.1; broken: keepalive_requests 1000 (default), fixed: keepalive_requests ${TOMCAT_MAX_REQUESTS - 2}; ${REQUESTS} POSTs, ${PARALLEL} at a time`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port(['127.0.0.1', '127.0.0.2']);
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        http: `upstream app {\n    server 127.0.0.1:${backendPort};\n    keepalive 16;${variant === 'fixed' ? `\n    keepalive_requests ${TOMCAT_MAX_REQUESTS - 2};` : ''}\n}`,
        server: 'location / {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    proxy_pass http://app;\n}',
      }),
      'tomcat/conf/server.xml': tomcatServerXml(
        `address="127.0.0.2" port="${backendPort}" protocol="HTTP/1.1" connectionTimeout="20000" maxKeepAliveRequests="${TOMCAT_MAX_REQUESTS}"`,
      ),
    });
    const tomcat = lab.startTomcat();
    const relay = await lab.relay({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port: backendPort, delayMs: RELAY_DELAY_MS });
    const nginx = lab.startNginx();
    if (!(await waitForPort(tomcat, '127.0.0.2', backendPort, 40000))) throw new Error(`Tomcat did not start:\n${tomcat.output.slice(-3000)}`);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const connectionsBefore = relay.connections;
    const tally = new Tally();
    await burst(
      { port: nginxPort, method: 'POST', path: '/', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      REQUESTS,
      PARALLEL,
      tally,
    );
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(tomcat, [/SEVERE/]),
      measures: {
        upstreamConnections: relay.connections - connectionsBefore,
        tomcatConnectionHeaders: await connectionHeaders(backendPort, TOMCAT_MAX_REQUESTS),
      },
    };
  },
};

/**
 * The `Connection` header of each of `count` requests sent straight to Tomcat on one kept-alive
 * connection ("-" when absent), e.g. "keep-alive,…,close": what tells nginx not to reuse it.
 */
async function connectionHeaders(port: number, count: number): Promise<string> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const seen: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      seen.push(
        await new Promise<string>((resolve) => {
          const req = http.get({ host: '127.0.0.2', port, path: '/', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.headers.connection ?? '-'));
          });
          req.setTimeout(5000, () => req.destroy());
          req.on('error', (error) => resolve(`error ${error.message}`));
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return seen.join(',');
}
