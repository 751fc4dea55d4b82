/** `proxy_pass http://` to a uWSGI `socket`, which speaks the uwsgi protocol, not HTTP. */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, UWSGI_PARAMS, uwsgiIni, WSGI_APP } from './trees';

export const upstreamProtocolMismatch: Experiment = {
  id: 'upstream-protocol-mismatch',
  rule: 'upstream-protocol-mismatch',
  backend: 'uwsgi',
  expected: 'reproduces',
  setup: 'uWSGI `socket` (uwsgi protocol); broken: nginx `proxy_pass http://` to it, fixed: `uwsgi_pass` with uwsgi_params; 20 GETs and 20 POSTs, 10 at a time',
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port();
    const nginxPort = await lab.port();
    const location =
      variant === 'broken'
        ? `location / {\n    proxy_pass http://127.0.0.1:${backendPort};\n}`
        : `location / {\n    include uwsgi_params;\n    uwsgi_pass 127.0.0.1:${backendPort};\n}`;
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({ listenPort: nginxPort, server: location }),
      'nginx/uwsgi_params': UWSGI_PARAMS,
      'uwsgi.ini': uwsgiIni([`socket = 127.0.0.1:${backendPort}`]),
      'app.py': WSGI_APP,
    });
    const uwsgi = lab.startUwsgi();
    const nginx = lab.startNginx();
    await expectListening(uwsgi, 'uWSGI', '127.0.0.1', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/' }, 20, 10, tally);
    await burst({ port: nginxPort, path: '/', method: 'POST', body: 'x=1' }, 20, 10, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(uwsgi, [/invalid request block size/]),
    };
  },
};
