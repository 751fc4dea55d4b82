import { rule } from '../../checks/uwsgi-sigterm-reload';
import { testRule } from '../harness';

const masterIni = '[uwsgi]\nmaster = true\nsocket = /run/app.sock\n';
const unit = (extra = '') => `[Unit]\nDescription=app\n\n[Service]\n${extra}ExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/app.ini\n`;

testRule(rule, {
  accept: [
    { name: 'die-on-term = true', tree: { 'deploy/app.service': unit(), 'deploy/app.ini': '[uwsgi]\nmaster = true\ndie-on-term = true\n' } },
    {
      name: "KillSignal=SIGQUIT in the unit, as Debian's uwsgi-app@.service does",
      tree: { 'deploy/app.service': unit('KillSignal=SIGQUIT\n'), 'deploy/app.ini': masterIni },
    },
    {
      name: 'no master process: each process exits on SIGTERM',
      tree: { 'deploy/app.service': unit(), 'deploy/app.ini': '[uwsgi]\nprocesses = 4\nsocket = /run/app.sock\n' },
    },
    {
      name: 'STOPSIGNAL SIGINT in the Dockerfile',
      tree: { Dockerfile: 'FROM python:3.11\nSTOPSIGNAL SIGINT\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n', 'uwsgi.ini': masterIni },
    },
    { name: 'no launch in the tree starts uWSGI: nothing to decide', tree: { 'uwsgi.ini': masterIni } },
    {
      name: 'die-on-term on the command line',
      tree: { Dockerfile: 'FROM python:3.11\nCMD ["uwsgi", "--ini", "uwsgi.ini", "--die-on-term"]\n', 'uwsgi.ini': masterIni },
    },
    {
      name: 'the ini the command line names is not in the tree: die-on-term may be in it',
      tree: { Dockerfile: 'FROM python:3.11\nCMD ["uwsgi", "--master", "--ini", "/etc/uwsgi/app.ini"]\n' },
    },
    {
      name: 'die-on-term depends on an environment variable the tree does not set',
      tree: { Dockerfile: 'FROM python:3.11\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n', 'uwsgi.ini': '[uwsgi]\nmaster = true\ndie-on-term = $(DIE)\n' },
    },
  ],
  reject: [
    {
      name: 'a Dockerfile CMD with the default stop signal',
      tree: { Dockerfile: 'FROM python:3.11\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n', 'uwsgi.ini': masterIni },
      findings: [
        {
          messageId: 'reloadsOnStop',
          primary: { file: 'Dockerfile', line: 2, column: 5, endLine: 2, endColumn: 36 },
          related: [{ file: 'uwsgi.ini', line: 2, column: 10, label: 'the master process is on here' }],
          messageIncludes: ['docker stop stops it with SIGTERM (no STOPSIGNAL)'],
          helpIncludes: ['until docker sends SIGKILL', 'set "die-on-term = true", or STOPSIGNAL SIGQUIT in the Dockerfile'],
        },
      ],
    },
    {
      name: 'a unit that sets KillSignal=SIGTERM, and die-on-term switched off explicitly in a second unit',
      tree: {
        'deploy/app.service': unit('KillSignal=SIGTERM\n'),
        'deploy/app.ini': masterIni,
        'deploy/jobs.service': '[Service]\nExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/jobs.ini\n',
        'deploy/jobs.ini': '[uwsgi]\ntouch-reload = /srv/jobs/reload\ndie-on-term = false\n',
      },
      findings: [
        {
          messageId: 'reloadsOnStop',
          primary: { file: 'deploy/app.service', line: 5, column: 12, endLine: 5, endColumn: 19 },
          related: [
            { file: 'deploy/app.service', line: 6, column: 11, label: 'uWSGI is started here' },
            { file: 'deploy/app.ini', line: 2, column: 10, label: 'the master process is on here' },
          ],
          messageIncludes: ['systemd stops it with SIGTERM (SIGTERM is set here)'],
          helpIncludes: ['or KillSignal=SIGQUIT in the unit'],
        },
        {
          messageId: 'reloadsOnStop',
          primary: { file: 'deploy/jobs.service', line: 2, column: 11 },
          related: [
            { file: 'deploy/jobs.ini', line: 3, column: 15, label: 'die-on-term is off here' },
            { file: 'deploy/jobs.ini', line: 2, column: 1, label: 'touch-reload switches the master process on' },
          ],
          messageIncludes: ['systemd stops it with SIGTERM (KillSignal= is not set)'],
        },
      ],
    },
  ],
});
