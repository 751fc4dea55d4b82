/** uWSGI `listen` above this machine's net.core.somaxconn: uWSGI refuses to start. */
import * as fs from 'fs';
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening, waitFor, waitForPort } from '../harness/process';
import { nginxConf, UWSGI_PARAMS, uwsgiIni, WSGI_APP } from './trees';

/** The limit that applies to this network namespace (the tree states the same in sysctl.conf). */
function somaxconn(): number {
  return Number(fs.readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
}

export const listenBacklogSomaxconn: Experiment = {
  id: 'listen-backlog-somaxconn',
  rule: 'listen-backlog-somaxconn',
  backend: 'uwsgi',
  expected: 'reproduces',
  setup:
    "uWSGI `socket` behind `uwsgi_pass`, sysctl.conf stating this machine's somaxconn; broken: `listen` = somaxconn + 1, fixed: `listen` = somaxconn / 4; 20 GETs, 10 at a time",
  async run(lab, variant): Promise<Outcome> {
    const limit = somaxconn();
    const backendPort = await lab.port();
    const nginxPort = await lab.port();
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({ listenPort: nginxPort, server: `location / {\n    include uwsgi_params;\n    uwsgi_pass 127.0.0.1:${backendPort};\n}` }),
      'nginx/uwsgi_params': UWSGI_PARAMS,
      'sysctl.conf': `net.core.somaxconn = ${limit}\n`,
      'uwsgi.ini': uwsgiIni([`socket = 127.0.0.1:${backendPort}`, `listen = ${variant === 'broken' ? limit + 1 : Math.floor(limit / 4)}`]),
      'app.py': WSGI_APP,
    });
    const uwsgi = lab.startUwsgi();
    const nginx = lab.startNginx();
    // The broken uWSGI exits at once; the fixed one must be listening.
    const up = await waitForPort(uwsgi, '127.0.0.1', backendPort, 15000);
    if (variant === 'fixed' && !up) throw new Error(`uWSGI did not start:\n${uwsgi.output}`);
    if (!up) await waitFor(() => uwsgi.hasExited, 5000);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/' }, 20, 10, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(uwsgi, [/Listen queue size|listen backlog is limited/]),
      measures: { somaxconn: limit, uwsgiExited: uwsgi.hasExited, ...(uwsgi.hasExited ? { uwsgiExitCode: uwsgi.exitCode ?? 'signal' } : {}) },
    };
  },
};
