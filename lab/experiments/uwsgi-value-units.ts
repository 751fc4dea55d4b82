/** `buffer-size = 32k` is 32 bytes to uWSGI (strtoul stops at the "k"): every request is refused. */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, UWSGI_PARAMS, uwsgiIni, WSGI_APP } from './trees';

export const uwsgiValueUnits: Experiment = {
  id: 'uwsgi-value-units',
  rule: 'uwsgi-value-units',
  backend: 'uwsgi',
  expected: 'reproduces',
  setup: 'uWSGI `socket` behind `uwsgi_pass`; broken: `buffer-size = 32k`, fixed: `buffer-size = 32768`; 20 plain GETs, 10 at a time',
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port();
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({ listenPort: nginxPort, server: `location / {\n    include uwsgi_params;\n    uwsgi_pass 127.0.0.1:${backendPort};\n}` }),
      'nginx/uwsgi_params': UWSGI_PARAMS,
      'uwsgi.ini': uwsgiIni([`socket = 127.0.0.1:${backendPort}`, `buffer-size = ${variant === 'broken' ? '32k' : '32768'}`]),
      'app.py': WSGI_APP,
    });
    const uwsgi = lab.startUwsgi();
    const nginx = lab.startNginx();
    await expectListening(uwsgi, 'uWSGI', '127.0.0.1', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/' }, 20, 10, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(uwsgi, [/invalid request block size|invalid HTTP request size/]),
    };
  },
};
