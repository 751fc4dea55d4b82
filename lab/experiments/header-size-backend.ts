/** A cookie that nginx admits (a header line under 8k) but uWSGI's 4096-byte buffer does not. */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening } from '../harness/process';
import { nginxConf, UWSGI_PARAMS, uwsgiIni, WSGI_APP } from './trees';

const COOKIE_BYTES = 6000;

export const headerSizeBackend: Experiment = {
  id: 'header-size-backend',
  rule: 'header-size-backend',
  backend: 'uwsgi',
  expected: 'reproduces',
  setup: `nginx defaults (large_client_header_buffers 4 8k) before a uWSGI \`socket\`; broken: buffer-size default 4096, fixed: buffer-size = 32768; 20 GETs with a ${COOKIE_BYTES}-byte cookie and 20 without`,
  async run(lab, variant): Promise<Outcome> {
    const backendPort = await lab.port();
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        listenPort: nginxPort,
        server: `location / {\n    include uwsgi_params;\n    uwsgi_param HTTP_COOKIE $http_cookie;\n    uwsgi_pass 127.0.0.1:${backendPort};\n}`,
      }),
      'nginx/uwsgi_params': UWSGI_PARAMS,
      'uwsgi.ini': uwsgiIni([`socket = 127.0.0.1:${backendPort}`, ...(variant === 'fixed' ? ['buffer-size = 32768'] : [])]),
      'app.py': WSGI_APP,
    });
    const uwsgi = lab.startUwsgi();
    const nginx = lab.startNginx();
    await expectListening(uwsgi, 'uWSGI', '127.0.0.1', backendPort, 15000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const large = new Tally();
    const small = new Tally();
    await burst({ port: nginxPort, path: '/', headers: { cookie: `session=${'a'.repeat(COOKIE_BYTES)}` } }, 20, 10, large);
    await burst({ port: nginxPort, path: '/' }, 20, 10, small);
    const statuses: Record<string, number> = {};
    for (const tally of [large, small]) for (const [status, count] of Object.entries(tally.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
    return {
      requests: large.requests + small.requests,
      failures: large.failures + small.failures,
      statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(uwsgi, [/invalid request block size|invalid HTTP request size/]),
      measures: { failuresWithCookie: large.failures, failuresWithoutCookie: small.failures },
    };
  },
};
