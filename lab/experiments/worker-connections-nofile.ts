/**
 * nginx with worker_connections 1024 under a 256 open-file limit (the tree's systemd drop-in
 * says LimitNOFILE=256; the lab applies it with prlimit, as systemd would): every proxied
 * request needs two descriptors, so a burst of parallel requests runs out. The fix raises
 * LimitNOFILE: `worker_rlimit_nofile` above the hard limit needs CAP_SYS_RESOURCE, which a
 * container's root may lack (it does on the lab's machine: setrlimit fails with EPERM).
 */
import * as http from 'http';
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf } from './trees';

const NOFILE = { broken: 256, fixed: 4096 };
const PARALLEL = 400;

export const workerConnectionsNofile: Experiment = {
  id: 'worker-connections-nofile',
  rule: 'worker-connections-nofile',
  backend: 'none',
  expected: 'reproduces',
  setup: `nginx worker_connections 1024 proxying to a stub that answers after 1 s; broken: systemd LimitNOFILE=${NOFILE.broken}, fixed: LimitNOFILE=${NOFILE.fixed} (applied with prlimit); ${PARALLEL} parallel GETs`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port();
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        workerConnections: 1024,
        listenPort: nginxPort,
        server: `location / {\n    proxy_pass http://127.0.0.1:${backendPort};\n}`,
      }),
      'etc/systemd/system/nginx.service.d/override.conf': `[Service]\nLimitNOFILE=${NOFILE[variant]}\n`,
    });
    // The backend is not what is judged: a stub in the lab's process that holds each request 1 s.
    const stub = http.createServer((req, res) => {
      req.resume();
      setTimeout(() => res.end('ok\n'), 1000);
    });
    stub.maxConnections = 2000;
    await new Promise<void>((resolve) => stub.listen(backendPort, '127.0.0.1', 2048, () => resolve()));
    lab.onCleanup(
      () =>
        new Promise<void>((resolve) => {
          stub.closeAllConnections();
          stub.close(() => resolve());
        }),
    );
    const nginx = lab.startNginx(['prlimit', `--nofile=${NOFILE[variant]}:${NOFILE[variant]}`, '--']);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/', timeoutMs: 10000 }, PARALLEL, PARALLEL, tally);
    return { requests: tally.requests, failures: tally.failures, statuses: tally.statuses, nginxLog: lab.nginxLog(), backendLog: [] };
  },
};
