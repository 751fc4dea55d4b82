/**
 * Shell functions in start scripts: a function runs where the script calls it (POSIX XCU 2.9.5),
 * so what a body the script surely calls does (render a template, set a variable, hand over to
 * the image's entrypoint) is as certain as the script; a body no call surely runs stays possible.
 * Each tree is written to disk and read by the real engine.
 */
import { linkDeployment } from '../../../src/model/links';
import { lintDiskTree, readDiskTree } from '../../disk-tree';
import { MappedText } from '../../../src/readers/kit/mapped-text';
import { ALL_UNKNOWN } from '../../../src/readers/kit/raw';
import { runShell } from '../../../src/readers/launch/program';
import { SourceText } from '../../../src/source/text';

function links(tree: Record<string, string>): string[] {
  return linkDeployment(readDiskTree(tree).model).map(
    (link) => `${link.target.span.file}:${link.target.span.start.line} ${link.target.address.text} -> ${link.backend.kind}`,
  );
}

/** openwisp/docker-openwisp's shape: nginx's start script renders its site with envsubst, then starts nginx. */
const openwisp = (script: string[]) => ({
  'compose.yml': [
    'services:',
    '  dashboard:',
    '    image: python:3.12-slim',
    '    command: uwsgi --socket 0.0.0.0:8000 --module app.wsgi',
    '  nginx:',
    '    image: nginx:1.27-alpine',
    '    command: ["sh", "/etc/nginx/start.sh"]',
    '    environment:',
    '      APP_SERVICE: dashboard',
    '      APP_PORT: "8000"',
    '      DEBUG: ""',
    '    volumes:',
    '      - ./nginx/app.template:/etc/nginx/app.template',
    '      - ./nginx/start.sh:/etc/nginx/start.sh',
    '',
  ].join('\n'),
  'nginx/app.template': 'server {\n    listen 80;\n    location / {\n        uwsgi_pass ${APP_SERVICE}:${APP_PORT};\n        include uwsgi_params;\n    }\n}\n',
  'nginx/start.sh': ['#!/bin/sh', ...script, "nginx -g 'daemon off;'", ''].join('\n'),
});
const render = 'envsubst < /etc/nginx/app.template > /etc/nginx/conf.d/app.conf';

describe('an envsubst render inside a function', () => {
  test('a call that surely runs renders the template: uwsgi_pass links to the uWSGI service', () => {
    // APP_SERVICE and APP_PORT from compose make `uwsgi_pass dashboard:8000`; uWSGI's --socket 0.0.0.0:8000 runs in dashboard.
    const linked = ['nginx/app.template:4 dashboard:8000 -> uwsgi'];
    expect(links(openwisp(['render() {', `\t${render}`, '}', 'render']))).toEqual(linked);
    // One line, the POSIX form with `function`'s bash spelling, a call with arguments, after `&` runs another command.
    expect(links(openwisp([`render() { ${render}; }`, 'render conf']))).toEqual(linked);
    expect(links(openwisp([`function render { ${render}; }`, 'sleep 1 & render']))).toEqual(linked);
    // A call inside a function that is itself surely called, and a definition after another function's.
    expect(links(openwisp([`main() { prepare; render; }`, 'prepare() { mkdir -p /etc/nginx/conf.d; }', `render() { ${render}; }`, 'main']))).toEqual(linked);
    // Called in the branch the container's environment picks (DEBUG is empty).
    expect(links(openwisp([`render() { ${render}; }`, 'if [ -z "$DEBUG" ]; then', '  render', 'fi']))).toEqual(linked);
  });

  test('a call that may not run, or none, renders nothing: uwsgi_pass stays unlinked', () => {
    const cases: [string, string[]][] = [
      ['never called', [`render() { ${render}; }`]],
      ['called under a test the tree does not decide', [`render() { ${render}; }`, 'if [ -f /etc/nginx/custom.conf ]; then render; fi']],
      ['called after ||', [`render() { ${render}; }`, 'test -f /etc/nginx/conf.d/app.conf || render']],
      ['called after &&', [`render() { ${render}; }`, 'test -f /etc/nginx/app.template && render']],
      ['called in the background', [`render() { ${render}; }`, 'render &']],
      ['called before it is defined', ['render', `render() { ${render}; }`]],
      ['called after the script exits', [`render() { ${render}; }`, 'exit 0', 'render']],
      ['called after another body returns', [`main() { return; render; }`, `render() { ${render}; }`, 'main']],
      ['defined only in a branch that may not run', ['if [ -f /etc/nginx/custom.conf ]; then', `  render() { ${render}; }`, 'fi', 'render']],
      ['called only from a function never called', [`render() { ${render}; }`, 'main() { render; }']],
      ['calling itself', [`render() { render; ${render}; }`, 'true']],
    ];
    for (const [why, script] of cases) expect([why, links(openwisp(script))]).toEqual([why, []]);
  });
});

describe('an echo into a file nginx includes, inside a function', () => {
  // DefectDojo's shape: the start script writes the uwsgi_pass line that the site includes.
  const tree = (script: string[]): Record<string, string> => {
    const files: Record<string, string> = {
      ...openwisp(script),
      'nginx/site.conf': 'server {\n    listen 80;\n    location / {\n        include /run/app/uwsgi_pass;\n        include uwsgi_params;\n    }\n}\n',
    };
    delete files['nginx/app.template'];
    files['compose.yml'] = files['compose.yml'].replace('./nginx/app.template:/etc/nginx/app.template', './nginx/site.conf:/etc/nginx/conf.d/default.conf');
    return files;
  };
  const write = 'echo "uwsgi_pass ${APP_SERVICE}:${APP_PORT};" > /run/app/uwsgi_pass';

  test('a call that surely runs writes it: read at the echo, linked to the uWSGI service', () => {
    // start.sh line 2 holds the echo; compose's APP_SERVICE and APP_PORT make dashboard:8000.
    expect(links(tree([`write_pass() { ${write}; }`, 'write_pass']))).toEqual(['nginx/start.sh:2 dashboard:8000 -> uwsgi']);
  });

  test('a function never called, or called only under a test the tree does not decide, writes nothing certain', () => {
    expect(links(tree([`write_pass() { ${write}; }`]))).toEqual([]);
    expect(links(tree([`write_pass() { ${write}; }`, '[ -d /run/app ] && write_pass']))).toEqual([]);
  });
});

/** A gunicorn service started by a script of the tree, behind nginx's `proxy_pass http://web:8000`. */
const gunicornStack = (script: string[]) => ({
  'compose.yml': [
    'services:',
    '  web:',
    '    image: python:3.12-slim',
    '    command: ["sh", "/app/start.sh"]',
    '    volumes:',
    '      - ./start.sh:/app/start.sh',
    '  nginx:',
    '    image: nginx:1.27',
    '    volumes:',
    '      - ./nginx.conf:/etc/nginx/conf.d/default.conf',
    '',
  ].join('\n'),
  'nginx.conf': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://web:8000;\n    }\n}\n',
  'start.sh': ['#!/bin/sh', ...script, ''].join('\n'),
});

describe('variables a called function sets', () => {
  test("an assignment in a body the script surely runs gives the server's bind", () => {
    // gunicorn -b 0.0.0.0:8000 in the web service: nginx's web:8000 reaches it.
    const linked = ['nginx.conf:4 web:8000 -> gunicorn'];
    expect(links(gunicornStack(['setup() { BIND=0.0.0.0:8000; }', 'setup', 'exec gunicorn -b "$BIND" app:app']))).toEqual(linked);
    // The call's arguments are the body's positional parameters.
    expect(links(gunicornStack(['start() { exec gunicorn -b "$1" app:app; }', 'BIND=0.0.0.0:8000', 'start "$BIND"']))).toEqual(linked);
    expect(links(gunicornStack(['start() { exec gunicorn -b "$2" app:app; }', 'start web 0.0.0.0:8000']))).toEqual(linked);
    expect(links(gunicornStack(['start() { exec gunicorn -b "$BIND" app:app; }', 'BIND=0.0.0.0:8000', 'start "$@"']))).toEqual(linked);
  });

  test('an assignment no call surely runs leaves the bind unknown; a `local` one ends with the call', () => {
    const cases: [string, string[]][] = [
      ['never called', ['setup() { BIND=0.0.0.0:8000; }', 'exec gunicorn -b "$BIND" app:app']],
      ['called under a test the tree does not decide', ['setup() { BIND=0.0.0.0:8000; }', '[ -f /app/.env ] && setup', 'exec gunicorn -b "$BIND" app:app']],
      // `$1` of a body called with the script's arguments, which the container does not give, or after an unquoted unknown that may be any number of words.
      ["$1 the script's", ['start() { exec gunicorn -b "$1" app:app; }', 'start "$@"']],
      ['$2 after a word split unknown', ['start() { exec gunicorn -b "$2" app:app; }', 'start $(cat /app/opts) 0.0.0.0:8000']],
      // After the call BIND is the script's own again: a unix socket, which web:8000 does not reach.
      ['local to the call', ['BIND=unix:/tmp/app.sock', 'setup() { local BIND=0.0.0.0:8000; }', 'setup', 'exec gunicorn -b "$BIND" app:app']],
    ];
    for (const [why, script] of cases) expect([why, links(gunicornStack(script))]).toEqual([why, []]);
  });
});

describe("a called function that hands the script's arguments to the official image's entrypoint", () => {
  // docker-nginx's /docker-entrypoint.sh renders /etc/nginx/templates when its first argument is nginx.
  const wrapped = (script: string[]) => ({
    'nginx/Dockerfile': [
      'FROM nginx:1.27-alpine',
      'COPY site.conf.template /etc/nginx/templates/',
      'COPY entrypoint.sh /usr/local/bin/',
      'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]',
      'CMD ["nginx", "-g", "daemon off;"]',
      '',
    ].join('\n'),
    'nginx/site.conf.template': 'server {\n    listen 80;\n    location / {\n        proxy_pass http://${APP_HOST}:8000;\n    }\n}\n',
    'nginx/entrypoint.sh': ['#!/bin/sh', ...script, ''].join('\n'),
    'docker-compose.yml': [
      'services:',
      '  nginx:',
      '    build: ./nginx',
      '  web:',
      '    image: python:3.12-slim',
      '    command: gunicorn -b 0.0.0.0:8000 app:app',
      '',
    ].join('\n'),
  });
  const main = ['main() {', '  export APP_HOST=web', '  exec /docker-entrypoint.sh "$@"', '}'];

  test('`main "$@"` hands them over with what the body exported: the template is rendered and linked', () => {
    expect(links(wrapped([...main, 'main "$@"']))).toEqual(['nginx/site.conf.template:4 web:8000 -> gunicorn']);
  });

  test('a call with other arguments hands over those, not the container command: nothing is rendered', () => {
    // `main` alone gives /docker-entrypoint.sh no arguments: it runs no template step.
    expect(links(wrapped([...main, 'main']))).toEqual([]);
    expect(lintDiskTree(wrapped([...main, 'main'])).filter((finding) => finding.severity !== 'info')).toEqual([]);
  });
});

describe('runShell follows calls with bounded work', () => {
  const stepsOf = (text: string) => runShell(MappedText.of(new SourceText('start.sh', text)), ALL_UNKNOWN).steps;

  test('a body runs at each call, its depth counted from the body; recursion is not followed', () => {
    const steps = stepsOf('f() {\n  a\n  if x; then b; fi\n  f\n}\nf\nf\n');
    // `x` is tested (depth 1 in the `if`), `b` in its branch, `f` calling itself stays a plain command.
    expect(steps.map((step) => `${step.args[0].value}@${step.depth}`)).toEqual(['a@0', 'x@1', 'b@1', 'f@0', 'a@0', 'x@1', 'b@1', 'f@0']);
  });

  test("the call's arguments are the body's $1, $2 …: unset past the last, unknown from a word whose fields are not known", () => {
    const shown = (text: string) => stepsOf(text).map((step) => step.args.map((arg) => (arg.unresolved.length > 0 ? '?' : arg.value)).join(','));
    expect(shown('f() { echo "$1" "${2}" "$3"; }\nf a "b c"\n')).toEqual(['echo,a,b c,']);
    // A nested call passes the caller's own.
    expect(shown('g() { echo "$1"; }\nf() { g "$2"; }\nf a b\n')).toEqual(['echo,b']);
    expect(shown('f() { echo "$1" "$2"; }\nf "$@" x\nf $UNKNOWN x\n')).toEqual(['echo,?,?', 'echo,?,?']);
  });

  test("`local` (and bash's `declare`, `typeset`) variables end with the call; `declare -g` and plain assignments stay", () => {
    const shown = (text: string) => stepsOf(text).map((step) => step.args.map((arg) => (arg.unresolved.length > 0 ? '?' : arg.value)).join(','));
    expect(shown('f() { local A=1; declare B=2; declare -g C=3; D=4; echo "$A$B$C$D"; }\nf\necho "$A" "$B" "$C" "$D"\n')).toEqual([
      'echo,1234',
      'echo,?,?,3,4',
    ]);
  });

  test('calls that double at each level stop at the budget', () => {
    const lines = ['f0() { echo leaf; }'];
    for (let i = 1; i <= 20; i++) lines.push(`f${i}() { f${i - 1}; f${i - 1}; }`);
    const started = Date.now();
    const steps = stepsOf([...lines, 'f20', ''].join('\n'));
    expect(Date.now() - started).toBeLessThan(2000);
    // 2^20 leaves if every call were followed; the nesting bound (8 calls deep) and the command budget cut it short.
    expect(steps.length).toBeLessThan(5000);
  });
});
