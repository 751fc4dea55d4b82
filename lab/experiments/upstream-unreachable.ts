/** nginx sends to a port the tree's backend does not listen on. */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, WSGI_APP } from './trees';

export const upstreamUnreachable: Experiment = {
  id: 'upstream-unreachable',
  rule: 'upstream-unreachable',
  backend: 'gunicorn',
  expected: 'reproduces',
  setup: 'gunicorn (sync) binds port A; broken: nginx `proxy_pass` to port B (free, nothing listens), fixed: to port A; 40 GETs, 10 at a time',
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port();
    const wrongPort = await lab.port();
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        server: `location / {\n    proxy_pass http://127.0.0.1:${variant === 'broken' ? wrongPort : backendPort};\n}`,
      }),
      'gunicorn.conf.py': `bind = "127.0.0.1:${backendPort}"\nworkers = 2\n`,
      'app.py': WSGI_APP,
    });
    const gunicorn = lab.startGunicorn();
    const nginx = lab.startNginx();
    await expectListening(gunicorn, 'gunicorn', '127.0.0.1', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/' }, 40, 10, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(gunicorn, [/\[(ERROR|CRITICAL)\]/]),
    };
  },
};
