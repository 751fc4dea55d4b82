/** nginx admits a body that uWSGI's `limit-post` refuses. */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, UWSGI_PARAMS, uwsgiIni, WSGI_APP } from './trees';

const BODY_BYTES = 2 * 1024 * 1024;

export const bodySizeBackend: Experiment = {
  id: 'body-size-backend',
  rule: 'body-size-backend',
  backend: 'uwsgi',
  expected: 'reproduces',
  setup: `nginx client_max_body_size 10m before a uWSGI \`socket\`; broken: limit-post = 1048576 (1 MiB), fixed: limit-post = 10485760; 10 POSTs of ${BODY_BYTES / 1048576} MiB, 5 at a time`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port();
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        server: `client_max_body_size 10m;\nlocation / {\n    include uwsgi_params;\n    uwsgi_pass 127.0.0.1:${backendPort};\n}`,
      }),
      'nginx/uwsgi_params': UWSGI_PARAMS,
      'uwsgi.ini': uwsgiIni([`socket = 127.0.0.1:${backendPort}`, `limit-post = ${variant === 'broken' ? 1048576 : 10485760}`]),
      'app.py': WSGI_APP,
    });
    const uwsgi = lab.startUwsgi();
    const nginx = lab.startNginx();
    await expectListening(uwsgi, 'uWSGI', '127.0.0.1', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/', method: 'POST', body: Buffer.alloc(BODY_BYTES, 'a') }, 10, 5, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(uwsgi, [/CONTENT_LENGTH/]),
    };
  },
};
