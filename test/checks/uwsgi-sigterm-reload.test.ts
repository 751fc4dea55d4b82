import { rule } from '../../checks/uwsgi-sigterm-reload';
import { testRule } from '../harness';
import { lintDiskTree } from '../disk-tree';

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

/** The rule's findings, as `file:line`, for a tree written to disk and read by the engine. */
function flagged(files: Record<string, string>): string[] {
  return lintDiskTree(files)
    .filter((finding) => finding.ruleId === 'uwsgi-sigterm-reload')
    .map((finding) => `${finding.primary.file}:${finding.primary.start.line}`);
}

describe('only where the stop signal reaches uWSGI', () => {
  const image = (command: string) => `FROM python:3.12-slim\nRUN pip install uwsgi\nCOPY uwsgi.ini /etc/uwsgi.ini\nCOPY run.sh /run.sh\n${command}\n`;
  const ini = '[uwsgi]\nmaster = true\nhttp-socket = :8000\nmodule = app:application\n';

  test('a start script that execs uWSGI hands it PID 1: reported at the script line', () => {
    expect(flagged({ Dockerfile: image('CMD ["/run.sh"]'), 'run.sh': '#!/bin/bash\necho starting\nexec uwsgi /etc/uwsgi.ini\n', 'uwsgi.ini': ini })).toEqual([
      'run.sh:3',
    ]);
  });

  test('a start script that runs uWSGI without exec: its shell is PID 1 and ignores SIGTERM, uWSGI never reloads', () => {
    expect(flagged({ Dockerfile: image('CMD ["/run.sh"]'), 'run.sh': '#!/bin/bash\necho starting\nuwsgi /etc/uwsgi.ini\n', 'uwsgi.ini': ini })).toEqual([]);
  });

  test('the same behind an entrypoint\'s exec "$@" and a compose command (indico)', () => {
    const tree = (line: string) => ({
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: /run.sh\n',
      Dockerfile: 'FROM python:3.12-slim\nCOPY uwsgi.ini /etc/uwsgi.ini\nCOPY run.sh entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n',
      'entrypoint.sh': '#!/bin/bash\nexec "$@"\n',
      'run.sh': `#!/bin/bash\necho 'Starting Indico...'\n${line}\n`,
      'uwsgi.ini': ini,
    });
    expect(flagged(tree('uwsgi /etc/uwsgi.ini'))).toEqual([]);
    expect(flagged(tree('exec uwsgi /etc/uwsgi.ini'))).toEqual(['run.sh:3']);
  });

  test('sh -c with a command after uWSGI keeps the shell as PID 1; bash -c with uWSGI alone execs it', () => {
    expect(flagged({ Dockerfile: image('CMD ["sh", "-c", "echo hi; uwsgi --ini /etc/uwsgi.ini; echo done"]'), 'run.sh': '', 'uwsgi.ini': ini })).toEqual([]);
    expect(flagged({ Dockerfile: image('CMD ["bash", "-c", "uwsgi --ini /etc/uwsgi.ini"]'), 'run.sh': '', 'uwsgi.ini': ini })).toEqual(['Dockerfile:5']);
  });

  test("sh -c 'uwsgi …' depends on the image's sh (Debian's dash forks, BusyBox ash execs): nothing", () => {
    expect(flagged({ Dockerfile: image('CMD ["sh", "-c", "uwsgi --ini /etc/uwsgi.ini"]'), 'run.sh': '', 'uwsgi.ini': ini })).toEqual([]);
  });

  test('systemd signals the whole control group: a shell in ExecStart= does not shield uWSGI', () => {
    expect(
      flagged({ 'deploy/app.service': "[Service]\nExecStart=/bin/sh -c 'uwsgi --ini /etc/uwsgi/app.ini; echo stopped'\n", 'deploy/app.ini': ini }),
    ).toEqual(['deploy/app.service:2']);
  });

  test('supervisord signals the process it started: reported when that is uWSGI, not when it is a shell', () => {
    const tree = (command: string) => ({ 'deploy/supervisor-app.conf': `[program:app]\ncommand = ${command}\n`, 'deploy/uwsgi.ini': ini });
    expect(flagged(tree('/usr/local/bin/uwsgi --ini /webapp/deploy/uwsgi.ini'))).toEqual(['deploy/supervisor-app.conf:2']);
    expect(flagged(tree('sh -c "uwsgi --ini /webapp/deploy/uwsgi.ini; sleep 5"'))).toEqual([]);
  });
});
