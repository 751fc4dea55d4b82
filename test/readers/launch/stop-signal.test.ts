/**
 * Whether a launch's stop signal reaches the server (Launch.stopSignalReaches), for trees
 * written to disk and read through the engine. Expected values follow what the processes do:
 * Docker and Kubernetes signal PID 1 alone; a shell that does not `exec` the server stays its
 * parent and gets the signal (bash 5.2 and dash 0.5.12 fork a script's commands, its last one
 * too; `sh -c` is the image's shell: Debian's dash forks even one command, bash and BusyBox ash
 * exec it); systemd signals the whole control group unless KillMode= says otherwise.
 */
import { readDiskTree } from '../../disk-tree';

const INI = '[uwsgi]\nmaster = true\nhttp-socket = :8000\nmodule = app:application\n';

/** stopSignalReaches of every uWSGI launch of the tree. */
function reaches(files: Record<string, string>): (boolean | undefined)[] {
  const { model } = readDiskTree(files);
  return model.launches.filter((launch) => launch.program === 'uwsgi').map((launch) => launch.stopSignalReaches);
}

/** A Dockerfile that copies the ini and the script and runs `command` (JSON words). */
const image = (command: string) =>
  `FROM python:3.12-slim\nRUN pip install uwsgi\nCOPY uwsgi.ini /etc/uwsgi.ini\nCOPY run.sh /run.sh\nCOPY serve.sh /serve.sh\n${command}\n`;

describe('a container that starts uWSGI from a script', () => {
  test('without exec the script stays PID 1 and gets the signal; exec hands PID 1 to uWSGI', () => {
    const script = (line: string) => ({ Dockerfile: image('CMD ["/run.sh"]'), 'uwsgi.ini': INI, 'run.sh': `#!/bin/bash\necho starting\n${line}\n` });
    expect(reaches(script('uwsgi /etc/uwsgi.ini'))).toEqual([false]);
    expect(reaches(script('exec uwsgi /etc/uwsgi.ini'))).toEqual([true]);
    expect(reaches(script('exec gosu app uwsgi /etc/uwsgi.ini'))).toEqual([true]);
  });

  test("through an entrypoint's exec \"$@\" to a compose command's script (indico's run_indico.sh)", () => {
    const tree = (line: string) => ({
      'docker-compose.yml': 'services:\n  web:\n    build: .\n    command: /run.sh\n',
      Dockerfile: 'FROM python:3.12-slim\nCOPY uwsgi.ini /etc/uwsgi.ini\nCOPY run.sh entrypoint.sh /\nENTRYPOINT ["/entrypoint.sh"]\n',
      'entrypoint.sh': '#!/bin/bash\nsource /venv/bin/activate\nexec "$@"\n',
      'run.sh': `#!/bin/bash\nindico db prepare\n${line}\n`,
      'uwsgi.ini': INI,
    });
    expect(reaches(tree('uwsgi /etc/uwsgi.ini'))).toEqual([false]);
    expect(reaches(tree('exec uwsgi /etc/uwsgi.ini'))).toEqual([true]);
  });

  test('a script that runs another: every hop must exec', () => {
    const tree = (call: string) => ({
      Dockerfile: image('CMD ["/run.sh"]'),
      'uwsgi.ini': INI,
      'run.sh': `#!/bin/sh\n${call}\n`,
      'serve.sh': '#!/bin/sh\nexec uwsgi /etc/uwsgi.ini\n',
    });
    expect(reaches(tree('/serve.sh'))).toEqual([false]);
    expect(reaches(tree('exec /serve.sh'))).toEqual([true]);
  });

  test("an init in front forwards the signal to its child, which is the script's shell", () => {
    const tree = (line: string) => ({ Dockerfile: image('ENTRYPOINT ["tini", "--"]\nCMD ["/run.sh"]'), 'uwsgi.ini': INI, 'run.sh': `#!/bin/sh\n${line}\n` });
    expect(reaches(tree('uwsgi /etc/uwsgi.ini'))).toEqual([false]);
    expect(reaches(tree('exec uwsgi /etc/uwsgi.ini'))).toEqual([true]);
  });
});

describe('a container command run by sh -c', () => {
  const tree = (words: string) => ({ Dockerfile: image(`CMD ${words}`), 'uwsgi.ini': INI });

  test('a command after uWSGI, a pipe or a trap: every shell forks it and stays PID 1', () => {
    expect(reaches(tree('["sh", "-c", "echo hi; uwsgi --ini /etc/uwsgi.ini; echo done"]'))).toEqual([false]);
    expect(reaches(tree('["bash", "-c", "uwsgi --ini /etc/uwsgi.ini || echo failed"]'))).toEqual([false]);
    expect(reaches(tree('["sh", "-c", "uwsgi --ini /etc/uwsgi.ini | cat"]'))).toEqual([false]);
    expect(reaches(tree('["sh", "-c", "trap \'echo bye\' TERM; uwsgi --ini /etc/uwsgi.ini"]'))).toEqual([false]);
  });

  test('exec in the string: every shell hands over', () => {
    expect(reaches(tree('["sh", "-c", "cd /app && exec uwsgi --ini /etc/uwsgi.ini"]'))).toEqual([true]);
  });

  test('bash runs one simple command in its own place, without a redirection', () => {
    expect(reaches(tree('["bash", "-c", "uwsgi --ini /etc/uwsgi.ini"]'))).toEqual([true]);
    expect(reaches(tree('["bash", "-c", "uwsgi --ini /etc/uwsgi.ini >> /var/log/uwsgi.log"]'))).toEqual([false]);
  });

  test("sh is the image's shell (Debian's dash forks, BusyBox ash execs): unknown, the shell form of CMD too", () => {
    expect(reaches(tree('["sh", "-c", "uwsgi --ini /etc/uwsgi.ini"]'))).toEqual([undefined]);
    expect(reaches(tree('uwsgi --ini /etc/uwsgi.ini'))).toEqual([undefined]);
    // bash execs the last of several commands only from 5.1.
    expect(reaches(tree('["bash", "-c", "cd /app && uwsgi --ini /etc/uwsgi.ini"]'))).toEqual([undefined]);
  });

  test('started directly, or through wrappers that exec or forward', () => {
    expect(reaches(tree('["uwsgi", "--ini", "/etc/uwsgi.ini"]'))).toEqual([true]);
    expect(reaches(tree('["dumb-init", "gosu", "app", "uwsgi", "--ini", "/etc/uwsgi.ini"]'))).toEqual([true]);
  });
});

describe('other supervisors', () => {
  test('supervisord signals the process it starts: a sh -c that runs more after uWSGI keeps it', () => {
    const tree = (command: string) => ({ 'deploy/supervisor-app.conf': `[program:app]\ncommand = ${command}\n`, 'deploy/uwsgi.ini': INI });
    expect(reaches(tree('/usr/local/bin/uwsgi --ini /webapp/deploy/uwsgi.ini'))).toEqual([true]);
    expect(reaches(tree('sh -c "uwsgi --ini /webapp/deploy/uwsgi.ini; sleep 5"'))).toEqual([false]);
  });

  test("systemd signals the unit's whole control group, unless KillMode= limits it to the main process", () => {
    const unit = (extra: string) => ({
      'deploy/app.service': `[Service]\n${extra}ExecStart=/bin/sh -c 'uwsgi --ini /etc/uwsgi/app.ini; echo stopped'\n`,
      'deploy/app.ini': INI,
    });
    expect(reaches(unit(''))).toEqual([true]);
    expect(reaches(unit('KillMode=control-group\n'))).toEqual([true]);
    expect(reaches(unit('KillMode=mixed\n'))).toEqual([false]);
  });

  test('a Procfile: Heroku signals every process of the dyno', () => {
    expect(reaches({ Procfile: 'web: uwsgi --ini uwsgi.ini --http-socket :$PORT\n', 'uwsgi.ini': INI })).toEqual([true]);
  });

  test('a script on the host: with exec, whatever stops the script stops uWSGI; without, the tree cannot say', () => {
    expect(reaches({ 'bin/start.sh': '#!/bin/sh\nexec uwsgi --ini uwsgi.ini\n', 'uwsgi.ini': INI })).toEqual([true]);
    expect(reaches({ 'bin/start.sh': '#!/bin/sh\nuwsgi --ini uwsgi.ini\n', 'uwsgi.ini': INI })).toEqual([undefined]);
  });
});

describe('servers that something other than Docker stops', () => {
  test('a runit service: runsvdir, not the server, is PID 1, and stops its services its own way', () => {
    const tree = (run: string) => ({
      Dockerfile: 'FROM python:3.12-slim\nCOPY uwsgi.ini /etc/uwsgi.ini\nCOPY service /etc/service\nCMD ["runsvdir", "-P", "/etc/service"]\n',
      'uwsgi.ini': INI,
      'service/app/run': `#!/bin/sh\n${run}\n`,
    });
    // Found (the run script is followed), but whether SIGTERM reaches uWSGI is not Docker's to say.
    expect(reaches(tree('exec uwsgi /etc/uwsgi.ini'))).toEqual([undefined]);
  });

  test("su's command string: su waits for the user's shell, which the tree does not name", () => {
    const tree = { Dockerfile: image('CMD ["/run.sh"]'), 'uwsgi.ini': INI, 'run.sh': '#!/bin/sh\nexec su app -c "uwsgi /etc/uwsgi.ini"\n' };
    expect(reaches(tree)).toEqual([undefined]);
  });
});
