/** nginx's workers (www-data) cannot connect to a uWSGI socket created with mode 600 by root. */
import type { Experiment, Outcome } from '../harness/experiment';
import { burst, Tally } from '../harness/load';
import { expectListening, waitFor } from '../harness/process';
import * as fs from 'fs';
import { nginxConf, UWSGI_PARAMS, uwsgiIni, WSGI_APP } from './trees';

/** Debian's nobody and nogroup. */
const NOBODY_UID = 65534;
const NOGROUP_GID = 65534;

export const upstreamSocketPermission: Experiment = {
  id: 'upstream-socket-permission',
  rule: 'upstream-socket-permission',
  backend: 'uwsgi',
  expected: 'reproduces',
  needsRoot: 'nginx workers switch to www-data and uWSGI to nobody',
  setup:
    'nginx `user www-data` → `uwsgi_pass unix:` socket of uWSGI started as root with uid/gid nobody/nogroup (the socket belongs to nobody); broken: chmod-socket = 600, fixed: chmod-socket = 666; 20 GETs, 10 at a time',
  async run(lab, variant): Promise<Outcome> {
    const nginxPort = await lab.port();
    const socket = lab.path('run/app.sock');
    // uWSGI binds after it has switched to nobody: the socket's directory is nobody's, as
    // /run/app is the app user's in a deploy.
    fs.mkdirSync(lab.path('run'), { mode: 0o755 });
    fs.chownSync(lab.path('run'), NOBODY_UID, NOGROUP_GID);
    lab.writeTree({
      'nginx/nginx.conf': nginxConf({
        main: 'user www-data;',
        listenPort: nginxPort,
        server: `location / {\n    include uwsgi_params;\n    uwsgi_pass unix:${socket};\n}`,
      }),
      'nginx/uwsgi_params': UWSGI_PARAMS,
      'uwsgi.ini': uwsgiIni([`socket = ${socket}`, 'uid = nobody', 'gid = nogroup', `chmod-socket = ${variant === 'broken' ? 600 : 666}`]),
      'app.py': WSGI_APP,
    });
    const uwsgi = lab.startUwsgi();
    const nginx = lab.startNginx();
    if (!(await waitFor(() => fs.existsSync(socket) || uwsgi.hasExited, 15000)) || uwsgi.hasExited) throw new Error(`uWSGI did not start:\n${uwsgi.output}`);
    await expectListening(nginx, 'nginx', '127.0.0.1', nginxPort, 10000);
    const mode = (fs.statSync(socket).mode & 0o777).toString(8);
    const tally = new Tally();
    await burst({ port: nginxPort, path: '/' }, 20, 10, tally);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: lab.backendLog(uwsgi, [/chmod|permission/i]),
      measures: { socketMode: mode },
    };
  },
};
