/** gunicorn kills a sync worker after `timeout` while nginx is still waiting for the answer. */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, WSGI_APP } from './trees';

const SLOW_SECONDS = 3;

export const proxyReadTimeoutBackend: Experiment = {
  id: 'proxy-read-timeout-backend',
  rule: 'proxy-read-timeout-backend',
  backend: 'gunicorn',
  expected: 'reproduces',
  setup: `gunicorn sync, 3 workers; an endpoint that takes ${SLOW_SECONDS} s; broken: gunicorn timeout 2 behind proxy_read_timeout 10s, fixed: timeout 6 behind proxy_read_timeout 5s; 6 slow GETs, 3 at a time`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port();
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        server: `location / {\n    proxy_read_timeout ${variant === 'broken' ? '10s' : '5s'};\n    proxy_pass http://127.0.0.1:${backendPort};\n}`,
      }),
      'gunicorn.conf.py': `bind = "127.0.0.1:${backendPort}"\nworkers = 3\ntimeout = ${variant === 'broken' ? 2 : 6}\n`,
      'app.py': WSGI_APP,
    });
    const gunicorn = lab.startGunicorn();
    const nginx = lab.startNginx();
    await expectListening(gunicorn, 'gunicorn', '127.0.0.1', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: `/slow?s=${SLOW_SECONDS}` }, 6, 3, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(gunicorn, [/WORKER TIMEOUT|\[ERROR\]/]),
    };
  },
};
