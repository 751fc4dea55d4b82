/**
 * Entrypoint scripts that pick what to run by their first argument (redash's
 * bin/docker-entrypoint, superset's docker-bootstrap.sh, label-studio's docker-entrypoint.sh):
 * each container runs only the branch its arguments pick, as the shell does. Trees are written
 * to disk and read by the real engine.
 */
import { linkDeployment } from '../../../src/model/links';
import type { Finding } from '../../../src/engine/findings';
import { lintDiskTree, readDiskTree } from '../../disk-tree';
import { MappedText } from '../../../src/readers/kit/mapped-text';
import { parseShell } from '../../../src/readers/kit/shell-words';
import { SourceText } from '../../../src/source/text';

/** nginx in compose, sending `/` to `address` with upstream keep-alive switched on properly. */
const nginxConf = (address: string) =>
  `upstream app {\n    server ${address};\n    keepalive 16;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n`;
const nginxService = '  nginx:\n    image: nginx:1.24\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf\n';
const dockerfile = 'FROM python:3.12-slim\nCOPY . /app\nENTRYPOINT ["/app/bin/docker-entrypoint"]\nCMD ["server"]\n';
/** Compose services that build the image, each with its `command:` (none: the image's CMD). */
const compose = (commands: Record<string, string | undefined>) =>
  'services:\n' +
  Object.entries(commands)
    .map(([service, command]) => `  ${service}:\n    build: .\n${command === undefined ? '' : `    command: ${command}\n`}`)
    .join('') +
  nginxService;

const gunicorn = 'exec gunicorn -b 0.0.0.0:5000 --worker-class gthread --threads 4 app.wsgi:app';

/** `service: bind` of every gunicorn launch. */
function gunicornLaunches(tree: Record<string, string>): string[] {
  return readDiskTree(tree)
    .model.launches.filter((launch) => launch.program === 'gunicorn')
    .map((launch) => `${launch.service ?? launch.file}: ${launch.argv[launch.argv.findIndex((arg) => arg.value === '-b') + 1]?.value}`);
}
function links(tree: Record<string, string>): string[] {
  return linkDeployment(readDiskTree(tree).model).map((link) => `${link.target.address.text} -> ${link.backend.kind} ${link.backend.name}`);
}
const serious = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`);

describe('an entrypoint that dispatches on "$1" runs, in each container, the branch its arguments pick', () => {
  // redash's layout: a function per role, called from the arm of `case "$1"` that names it.
  const caseScript = [
    '#!/bin/bash',
    'server() {',
    `  ${gunicorn}`,
    '}',
    'worker() {',
    '  exec ./manage.py rq worker',
    '}',
    'case "$1" in',
    '  server) shift; server ;;',
    '  worker) shift; worker ;;',
    '  *) exec "$@" ;;',
    'esac',
    '',
  ].join('\n');
  const ifScript = [
    '#!/bin/bash',
    'if [[ "${1}" == "server" ]]; then',
    `  ${gunicorn}`,
    'elif [ "$1" = worker ]; then',
    '  exec celery --app=app.tasks worker',
    'fi',
    '',
  ].join('\n');
  const stack = (script: string, upstream: string) => ({
    'compose.yaml': compose({ server: 'server', worker: 'worker' }),
    Dockerfile: dockerfile,
    'bin/docker-entrypoint': script,
    'nginx/default.conf': nginxConf(upstream),
  });

  test.each([
    ['case "$1" with functions', caseScript],
    ['if [[ "${1}" == … ]] / elif [ "$1" = … ]', ifScript],
  ])('%s: gunicorn runs in the server container only', (_, script) => {
    expect(gunicornLaunches(stack(script, 'server:5000'))).toEqual(['server: 0.0.0.0:5000']);
    // nginx → server: gunicorn's gthread keep-alive (2 s by default) is shorter than nginx's 60 s.
    expect(links(stack(script, 'server:5000'))).toEqual(['server:5000 -> gunicorn server']);
    expect(serious(lintDiskTree(stack(script, 'server:5000')))).toEqual(['upstream-keepalive-timeout nginx/default.conf:3']);
    // nginx → worker: the worker runs no HTTP server, so nothing is linked or judged.
    expect(links(stack(script, 'worker:5000'))).toEqual([]);
    expect(serious(lintDiskTree(stack(script, 'worker:5000')))).toEqual([]);
  });

  test('the first arm whose pattern matches wins; `*)` is the fallback; patterns are globs, quoted characters literal', () => {
    const script = [
      '#!/bin/sh',
      'case "$1" in',
      '  worker|beat) exec celery -A app worker ;;',
      '  [Ss]erve*) exec gunicorn -b 0.0.0.0:5000 app.wsgi:app ;;',
      '  "debug*") exec gunicorn -b 0.0.0.0:5001 app.wsgi:app ;;',
      '  *) exec gunicorn -b 0.0.0.0:6000 app.wsgi:app ;;',
      'esac',
      '',
    ].join('\n');
    const tree = {
      'compose.yaml': compose({ beat: 'beat', api: 'Serve', debug: 'debugger', other: 'migrate', default: undefined }),
      Dockerfile: dockerfile,
      'bin/docker-entrypoint': script,
      'nginx/default.conf': nginxConf('api:5000'),
    };
    // `default` runs the image's CMD, `server`: it matches `[Ss]erve*`.
    expect(gunicornLaunches(tree).sort()).toEqual(['api: 0.0.0.0:5000', 'debug: 0.0.0.0:6000', 'default: 0.0.0.0:5000', 'other: 0.0.0.0:6000']);
    // No argument at all: `$1` is empty and only `*)` matches it.
    expect(gunicornLaunches({ ...tree, Dockerfile: dockerfile.replace('CMD ["server"]\n', ''), 'compose.yaml': compose({ bare: undefined }) })).toEqual([
      'bare: 0.0.0.0:6000',
    ]);
  });

  test('an argument the tree does not give leaves the branches undecided: no launch from them, nothing judged', () => {
    const unknown = { ...stack(caseScript, 'server:5000'), 'compose.yaml': compose({ server: '${ROLE}' }) };
    expect(gunicornLaunches(unknown)).toEqual([]);
    expect(links(unknown)).toEqual([]);
    expect(serious(lintDiskTree(unknown))).toEqual([]);
    // A script no container runs is read on its own, its arguments unknown; a server it starts
    // outside the dispatch, or under a test of something else, is still its launch.
    const onTheHost = (script: string) => gunicornLaunches({ 'deploy/entrypoint.sh': script });
    expect(onTheHost(caseScript)).toEqual([]);
    expect(onTheHost(ifScript)).toEqual([]);
    expect(onTheHost(`#!/bin/sh\nif [ -n "$DEBUG" ]; then\n  exec flask run\nelse\n  ${gunicorn}\nfi\n`)).toEqual(['deploy/entrypoint.sh: 0.0.0.0:5000']);
    expect(onTheHost(`#!/bin/sh\ncase "$1" in\n  migrate) ./manage.py migrate ;;\nesac\n${gunicorn}\n`)).toEqual(['deploy/entrypoint.sh: 0.0.0.0:5000']);
  });

  test('an image with an ENTRYPOINT and no CMD that nothing in the tree runs gets its arguments from `docker run`: undecided', () => {
    const script = [
      '#!/bin/sh',
      'case "$1" in',
      '  server) exec gunicorn -b 0.0.0.0:5000 app.wsgi:app ;;',
      '  *) exec gunicorn -b 0.0.0.0:6000 app.wsgi:app ;;',
      'esac',
      '',
    ].join('\n');
    const image = (file: string) => ({ Dockerfile: file, 'bin/docker-entrypoint': script });
    // ENTRYPOINT resets a base image's CMD: `docker run IMAGE production` is how such an image is
    // meant to run, so the tree does not say what `$1` is (alexisbellido/dockerize-django).
    expect(gunicornLaunches(image(dockerfile.replace('CMD ["server"]\n', '')))).toEqual([]);
    // With a CMD, `docker run IMAGE` runs it: the branch it picks.
    expect(gunicornLaunches(image(dockerfile))).toEqual(['Dockerfile: 0.0.0.0:5000']);
    // A compose service that runs the image with no command gives it none: only `*)` matches.
    expect(gunicornLaunches({ ...image(dockerfile.replace('CMD ["server"]\n', '')), 'compose.yaml': compose({ bare: undefined }) })).toEqual([
      'bare: 0.0.0.0:6000',
    ]);
  });

  test("`==` in `[` is bash's: under sh (dash rejects it) the branch is undecided", () => {
    const script = (shell: string) => `#!${shell}\nif [ "$1" == server ]; then\n  ${gunicorn}\nfi\n`;
    expect(gunicornLaunches(stack(script('/bin/bash'), 'server:5000'))).toEqual(['server: 0.0.0.0:5000']);
    expect(gunicornLaunches(stack(script('/bin/sh'), 'server:5000'))).toEqual([]);
  });

  test("`set` options leave the arguments as they are (superset's `set -eo pipefail`); `set --` or plain words replace them", () => {
    const withSet = (line: string) => caseScript.replace('#!/bin/bash\n', `#!/bin/bash\n${line}\n`);
    for (const options of ['set -e', 'set -o pipefail', 'set -eo pipefail', 'set -euo pipefail', 'set +o nounset -x']) {
      expect([options, gunicornLaunches(stack(withSet(options), 'server:5000'))]).toEqual([options, ['server: 0.0.0.0:5000']]);
    }
    // `set -- worker` (or `set worker`) makes $1 "worker" in every container: gunicorn runs in none.
    expect(gunicornLaunches(stack(withSet('set -- worker'), 'server:5000'))).toEqual([]);
    expect(gunicornLaunches(stack(withSet('set -e worker'), 'server:5000'))).toEqual([]);
    // and `set -- server` in every container, the worker's too.
    expect(gunicornLaunches(stack(withSet('set -- server'), 'server:5000'))).toEqual(['server: 0.0.0.0:5000', 'worker: 0.0.0.0:5000']);
    // Words the tree does not know make $1 unknown: no branch is taken for sure.
    expect(gunicornLaunches(stack(withSet('set -- $EXTRA'), 'server:5000'))).toEqual([]);
  });

  test('control: a script that does not dispatch runs the same in every container that runs it', () => {
    const worker = { ...stack('#!/bin/bash\nexec ./manage.py rq worker\n', 'worker:5000') };
    expect(links(worker)).toEqual([]);
    expect(serious(lintDiskTree(worker))).toEqual([]);
    expect(gunicornLaunches(stack(`#!/bin/bash\n${gunicorn}\n`, 'worker:5000'))).toEqual(['server: 0.0.0.0:5000', 'worker: 0.0.0.0:5000']);
  });
});

describe("a test of a variable the container's environment gives, and the script never sets, picks the branch as the shell does (mediacms's ENABLE_UWSGI)", () => {
  /** Two services of one image, each with its own environment (YAML map lines under `environment:`). */
  const roles = (script: string, web: string, worker: string, dockerEnv = '') => ({
    'compose.yaml': `services:\n  web:\n    build: .\n    environment:\n${web}  worker:\n    build: .\n    environment:\n${worker}${nginxService}`,
    Dockerfile: `FROM python:3.12-slim\nCOPY . /app\n${dockerEnv}CMD ["/app/bin/start"]\n`,
    'bin/start': script,
    'nginx/default.conf': nginxConf('web:5000'),
  });
  const ifEnabled = (test: string) => `#!/bin/sh\nif ${test}; then\n  ${gunicorn}\nfi\nexec celery -A app worker\n`;
  const enabled = '      ENABLE_WEB: "yes"\n';
  const disabled = '      ENABLE_WEB: "no"\n';

  test.each([['[ X"$ENABLE_WEB" = X"yes" ]'], ['[ "${ENABLE_WEB}" = yes ]'], ['test "$ENABLE_WEB" != no'], ['[ "${ENABLE_WEB:-no}" = "yes" ]']])(
    '%s: gunicorn runs where the variable enables it, and only there',
    (test) => {
      expect(gunicornLaunches(roles(ifEnabled(test), enabled, disabled))).toEqual(['web: 0.0.0.0:5000']);
      expect(links(roles(ifEnabled(test), enabled, disabled))).toEqual(['web:5000 -> gunicorn web']);
    },
  );

  test('`case "$ROLE" in`, `-n`/`-z`, and a value from the image\'s ENV that compose leaves alone', () => {
    const caseRole = `#!/bin/sh\ncase "$ROLE" in\n  web) ${gunicorn} ;;\n  *) exec celery -A app worker ;;\nesac\n`;
    expect(gunicornLaunches(roles(caseRole, '      ROLE: web\n', '      ROLE: worker\n'))).toEqual(['web: 0.0.0.0:5000']);
    const ifSet = `#!/bin/sh\nif [ -n "$WEB" ]; then\n  ${gunicorn}\nfi\n`;
    expect(gunicornLaunches(roles(ifSet, '      WEB: "1"\n', '      WEB: ""\n'))).toEqual(['web: 0.0.0.0:5000']);
    // The image enables it (ENV), the worker's compose environment switches it off.
    expect(gunicornLaunches(roles(ifEnabled('[ "$ENABLE_WEB" = yes ]'), '      OTHER: x\n', disabled, 'ENV ENABLE_WEB=yes\n'))).toEqual(['web: 0.0.0.0:5000']);
  });

  test('undecided as before where the script may set the variable, runs text it does not show, or the value is not known', () => {
    const both = ['web: 0.0.0.0:5000', 'worker: 0.0.0.0:5000'];
    const test = '[ "$ENABLE_WEB" = yes ]';
    // The script gives it a default, reads it, or sources a file that may set it.
    expect(gunicornLaunches(roles(`#!/bin/sh\nENABLE_WEB=\${ENABLE_WEB:-yes}\n${ifEnabled(test).slice(10)}`, enabled, disabled))).toEqual(both);
    expect(gunicornLaunches(roles(`#!/bin/sh\n: \${ENABLE_WEB:=yes}\n${ifEnabled(test).slice(10)}`, enabled, disabled))).toEqual(both);
    expect(gunicornLaunches(roles(`#!/bin/sh\n. /app/.env\n${ifEnabled(test).slice(10)}`, enabled, disabled))).toEqual(both);
    expect(gunicornLaunches(roles(`#!/bin/sh\neval "$SETUP"\n${ifEnabled(test).slice(10)}`, enabled, disabled))).toEqual(both);
    // Interpolated from the shell that runs compose, or from an env_file outside the tree.
    expect(gunicornLaunches(roles(ifEnabled(test), enabled, '      ENABLE_WEB: ${WORKER_WEB}\n'))).toEqual(both);
    const envFile = roles(ifEnabled(test), enabled, '      OTHER: x\n');
    envFile['compose.yaml'] = envFile['compose.yaml'].replace('  worker:\n    build: .\n', '  worker:\n    build: .\n    env_file: /etc/app/worker.env\n');
    expect(gunicornLaunches(envFile)).toEqual(both);
  });
});

describe('the shell parser keeps the branches a command is in', () => {
  test('case arms with `a|b)` and `(pattern)`, if/elif/else conditions, and function bodies are no commands of their own', () => {
    const text = [
      'serve() { exec gunicorn app:app; }',
      'case "$1" in',
      '  web|api) serve ;;',
      '  (jobs) exec celery worker ;;',
      'esac',
      'if [ "$1" = a ]; then one; elif test "$2" != b; then two; else three; fi',
      '',
    ].join('\n');
    const { commands } = parseShell(MappedText.of(new SourceText('script.sh', text)));
    const show = (word: { start: number; end: number }) => text.slice(word.start, word.end);
    expect(
      commands.map((command) => {
        const branches = (command.branches ?? []).map((branch) =>
          branch.kind === 'case'
            ? `case ${show(branch.subject)} ${branch.patterns.map(show).join('|')} not ${branch.earlier.map(show).join('|')}`
            : `if ${branch.when.map((c) => c?.words.map(show).join(' ')).join(';')} unless ${branch.unless.map((c) => c?.words.map(show).join(' ')).join(';')}`,
        );
        return [command.words.map(show).join(' '), command.inFunction ?? '', ...branches].join(' / ');
      }),
    ).toEqual([
      'exec gunicorn app:app / serve',
      'serve /  / case "$1" web|api not ',
      'exec celery worker /  / case "$1" jobs not web|api',
      '[ "$1" = a ] / ',
      'one /  / if [ "$1" = a ] unless ',
      'test "$2" != b / ',
      'two /  / if test "$2" != b unless [ "$1" = a ]',
      'three /  / if  unless [ "$1" = a ];test "$2" != b',
    ]);
  });
});
