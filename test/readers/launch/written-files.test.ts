/**
 * Includes of files a start-up script writes (an entrypoint's envsubst, cp, ln -s, cat > …):
 * trees written to a temporary directory and linted by the real engine.
 */
import type { CfglintConfig } from '../../../src/engine/config';
import { lintSync } from '../../../src/engine/run';
import { writeTree } from '../../disk-tree';

function lint(tree: Record<string, string>, config: CfglintConfig = {}) {
  const dir = writeTree(tree);
  const { report } = lintSync({ paths: [dir], cwd: dir, config });
  const missing = report.findings.filter((f) => f.ruleId === 'include-missing');
  return {
    report,
    /** `severity file:line <- script:line` for each include-missing finding. */
    missing: missing.map(
      (f) => `${f.severity} ${f.primary.file}:${f.primary.start.line}${f.related.map((r) => ` <- ${r.span.file}:${r.span.start.line}`).join('')}`,
    ),
    messages: missing.map((f) => f.message),
  };
}

/** A site whose include nothing in the tree holds: only a script can put it there. */
const site = (path: string) => `server {\n    listen 80;\n    include ${path};\n}\n`;

describe('an include a script writes is at most info, naming the script line', () => {
  const forms: [string, string, string][] = [
    ['envsubst < template > file', '/etc/nginx/conf.d/extra.conf', "envsubst '$HOST' < /etc/nginx/templates/extra.template > /etc/nginx/conf.d/extra.conf"],
    ['cp into a directory', '/etc/nginx/conf.d/extra.conf', 'cp /defaults/extra.conf /etc/nginx/conf.d/'],
    ['cat > file with a here-document', '/etc/nginx/snippets/generated.conf', 'cat > /etc/nginx/snippets/generated.conf <<EOF\nadd_header X-Host $HOST;\nEOF'],
    ['ln -s', '/etc/nginx/sites-enabled/app', 'ln -sf /etc/nginx/sites-available/app /etc/nginx/sites-enabled/app'],
    ['sed … > file', '/etc/nginx/gen/headers.conf', "sed 's/HOST/example.org/' /defaults/headers.in > /etc/nginx/gen/headers.conf"],
    ['tee file', '/etc/nginx/gen/tee.conf', "echo 'add_header X-A 1;' | tee -a /etc/nginx/gen/tee.conf"],
    ['printf … > file', '/etc/nginx/gen/printed.conf', 'printf \'add_header X-B %s;\\n\' "$B" >> /etc/nginx/gen/printed.conf'],
    ['install -m mode src dst', '/etc/nginx/gen/installed.conf', 'install -D -m 0644 /defaults/installed.conf /etc/nginx/gen/installed.conf'],
    [
      "{ …; } > file (a compound command's output)",
      '/etc/nginx/gen/grouped.conf',
      '{ echo "add_header X-C 1;"; echo "add_header X-D 2;"; } > /etc/nginx/gen/grouped.conf',
    ],
  ];
  test.each(forms)('%s', (_form, include, command) => {
    const script = `#!/bin/sh\nset -e\n${command}\nexec nginx -g 'daemon off;'\n`;
    const result = lint({ 'deploy/nginx/site.conf': site(include), 'deploy/entrypoint.sh': script });
    // The command is on line 3 of the script.
    expect(result.missing).toEqual(['info deploy/nginx/site.conf:3 <- deploy/entrypoint.sh:3']);
    expect(result.messages[0]).toContain('"deploy/entrypoint.sh" writes it');
  });

  test('a loop whose output goes to a file: the line of `done > file`', () => {
    const script = 'for h in a b; do\n  echo "add_header X-$h 1;"\ndone > /etc/nginx/gen/loop.conf\n';
    expect(lint({ 'nginx/site.conf': site('/etc/nginx/gen/loop.conf'), 'entrypoint.sh': script }).missing).toEqual([
      'info nginx/site.conf:3 <- entrypoint.sh:3',
    ]);
  });

  test('variables the script sets are substituted; quoted words are one path', () => {
    const script = '#!/bin/bash\nCONF_DIR=/etc/nginx/gen\nenvsubst < /tpl/a.template > "${CONF_DIR}/a.conf"\n';
    expect(lint({ 'nginx/site.conf': site('/etc/nginx/gen/a.conf'), 'bin/start.sh': script }).missing).toEqual(['info nginx/site.conf:3 <- bin/start.sh:3']);
  });

  test("a relative include is matched under nginx's usual prefixes", () => {
    const script = 'envsubst < /tpl/b.template > /etc/nginx/gen/b.conf\n';
    expect(lint({ 'nginx/site.conf': site('gen/b.conf'), 'entrypoint.sh': script }).missing).toEqual(['info nginx/site.conf:3 <- entrypoint.sh:1']);
  });

  test('a write whose name is a variable downgrades an include in that directory only', () => {
    const script = 'for t in /tpl/*.template; do\n  NAME=$(basename "$t" .template)\n  envsubst < "$t" > /etc/nginx/gen/$NAME.conf\ndone\n';
    const same = lint({ 'nginx/site.conf': site('/etc/nginx/gen/x.conf'), 'entrypoint.sh': script });
    expect(same.missing).toEqual(['info nginx/site.conf:3 <- entrypoint.sh:3']);
    expect(same.messages[0]).toContain('writes files into "/etc/nginx/gen" whose names depend on variables');
    // The written directory differs from the include's: nothing says the file is there.
    expect(lint({ 'nginx/site.conf': site('/etc/nginx/other/x.conf'), 'entrypoint.sh': script }).missing).toEqual(['warning nginx/site.conf:3']);
    // A deeper directory is not the same directory either.
    expect(lint({ 'nginx/site.conf': site('/etc/nginx/gen/sub/x.conf'), 'entrypoint.sh': script }).missing).toEqual(['warning nginx/site.conf:3']);
  });

  test('a script that writes some other file leaves the include a warning', () => {
    const script = 'envsubst < /tpl/a.template > /etc/nginx/conf.d/a.conf\ncp /defaults/b.conf /etc/nginx/snippets/\nln -s /x /etc/nginx/other\n';
    expect(lint({ 'nginx/site.conf': site('/etc/nginx/snippets/c.conf'), 'entrypoint.sh': script }).missing).toEqual(['warning nginx/site.conf:3']);
  });

  test('stderr redirections and descriptor copies write nothing', () => {
    const script = 'nginx -t 2> /etc/nginx/gen/err.conf\nnginx -t >&2\n';
    expect(lint({ 'nginx/site.conf': site('/etc/nginx/gen/err.conf'), 'entrypoint.sh': script }).missing).toEqual(['warning nginx/site.conf:3']);
  });

  test('a configured severity does not lift it above info', () => {
    const script = 'envsubst < /tpl/a.template > /etc/nginx/gen/a.conf\n';
    const tree = { 'nginx/site.conf': site('/etc/nginx/gen/a.conf'), 'entrypoint.sh': script };
    expect(lint(tree, { rules: { 'include-missing': 'error' } }).missing).toEqual(['info nginx/site.conf:3 <- entrypoint.sh:1']);
    expect(lint(tree, { rules: { 'include-missing': 'off' } }).missing).toEqual([]);
  });
});

describe('which scripts count', () => {
  const script = '#!/bin/sh\nenvsubst < /tpl/a.template > /etc/nginx/gen/a.conf\nexec "$@"\n';

  test('an entrypoint without .sh that the Dockerfile copies and names', () => {
    const tree = {
      'nginx/site.conf': site('/etc/nginx/gen/a.conf'),
      'docker/start': script,
      'docker/Dockerfile': 'FROM nginx:1.27\nCOPY start /usr/local/bin/start\nENTRYPOINT ["start"]\nCMD ["nginx", "-g", "daemon off;"]\n',
    };
    expect(lint(tree).missing).toEqual(['info nginx/site.conf:3 <- docker/start:2']);
  });

  test('a compose entrypoint naming a mounted script', () => {
    const tree = {
      'nginx/site.conf': site('/etc/nginx/gen/a.conf'),
      'scripts/boot': script,
      'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    volumes:\n      - ./scripts/boot:/boot\n    entrypoint: ["/boot"]\n',
    };
    expect(lint(tree).missing).toEqual(['info nginx/site.conf:3 <- scripts/boot:2']);
  });

  test('a file under docker-entrypoint.d/, with a shebang and no .sh', () => {
    const tree = { 'nginx/site.conf': site('/etc/nginx/gen/a.conf'), 'nginx/docker-entrypoint.d/40-gen': script };
    expect(lint(tree).missing).toEqual(['info nginx/site.conf:3 <- nginx/docker-entrypoint.d/40-gen:2']);
  });

  // linuxserver.io's images start through s6-overlay: `COPY root/ /` puts these where s6 runs them.
  const s6 = (shebang: string) => `${shebang}\nif [[ ! -f /config/nginx/a.conf ]]; then\n    cp /defaults/a.conf.sample /config/nginx/a.conf\nfi\n`;
  test.each([
    ['s6-rc.d/<service>/run (s6-overlay 3), through /usr/bin/with-contenv', 'root/etc/s6-overlay/s6-rc.d/init-site/run', '#!/usr/bin/with-contenv bash'],
    ['cont-init.d (s6-overlay 2), through /command/with-contenv', 'root/etc/cont-init.d/50-site', '#!/command/with-contenv sh'],
    ['services.d/<service>/run', 'root/etc/services.d/nginx/run', '#!/usr/bin/env bash'],
    ["a Home Assistant add-on's services.d run, through bashio", 'rootfs/etc/services.d/nginx/run', '#!/usr/bin/with-contenv bashio'],
  ])("s6-overlay's start-up scripts: %s", (_where, path, shebang) => {
    const tree = {
      'root/defaults/site.conf': site('/config/nginx/a.conf'),
      [path]: s6(shebang),
      Dockerfile: 'FROM ghcr.io/linuxserver/baseimage-alpine-nginx:3.22\nCOPY root/ /\n',
    };
    // A copy made only when the file is absent is uncertain: the include is info, naming the cp line.
    expect(lint(tree).missing).toEqual([`info root/defaults/site.conf:3 <- ${path}:3`]);
  });

  test('a with-contenv file elsewhere, which s6 does not run, is not read', () => {
    const tree = { 'root/defaults/site.conf': site('/config/nginx/a.conf'), 'root/etc/scripts/run': s6('#!/usr/bin/with-contenv bash') };
    expect(lint(tree).missing).toEqual(['warning root/defaults/site.conf:3']);
  });

  test('a file without .sh that nothing runs is not read', () => {
    const tree = { 'nginx/site.conf': site('/etc/nginx/gen/a.conf'), 'scripts/boot': script };
    expect(lint(tree).missing).toEqual(['warning nginx/site.conf:3']);
  });
});

describe('a write copied from a tree file resolves to that file', () => {
  // client_max_body_size takes a size: "10Q" is rejected by nginx, so the error shows where the
  // include was read from.
  const template = 'client_max_body_size 10Q;\n';

  test("envsubst from a template the script's service mounts: the include reads the template", () => {
    const tree = {
      'compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/site.conf:/etc/nginx/conf.d/site.conf\n      - ./nginx/templates:/templates\n      - ./nginx/init.sh:/docker-entrypoint.d/40-init.sh\n',
      'nginx/site.conf': site('/etc/nginx/includes/limits.conf'),
      'nginx/templates/limits.conf.template': template,
      'nginx/init.sh': "#!/bin/sh\nmkdir -p /etc/nginx/includes\nenvsubst '$HOST' < /templates/limits.conf.template > /etc/nginx/includes/limits.conf\n",
    };
    const { report, missing } = lint(tree);
    expect(missing).toEqual([]);
    const invalid = report.findings.filter((f) => f.ruleId === 'invalid-value').map((f) => `${f.primary.file}:${f.primary.start.line}`);
    expect(invalid).toEqual(['nginx/templates/limits.conf.template:1']);
  });

  test('cat template | envsubst > file, and cp through a Dockerfile COPY', () => {
    const piped = lint({
      'compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/templates:/templates\n      - ./nginx/init.sh:/docker-entrypoint.d/40-init.sh\n',
      'nginx/site.conf': site('/etc/nginx/includes/limits.conf'),
      'nginx/templates/limits.tmpl': template,
      'nginx/init.sh': 'T=/templates\ncat $T/limits.tmpl | envsubst > /etc/nginx/includes/limits.conf\n',
    });
    expect(piped.missing).toEqual([]);
    expect(piped.report.files).toContain('nginx/templates/limits.tmpl');
    const copied = lint({
      Dockerfile: 'FROM nginx:1.27\nCOPY conf/ /opt/conf/\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n',
      'site.conf': site('/etc/nginx/includes/limits.conf'),
      'conf/limits.part': template,
      'entrypoint.sh': '#!/bin/sh\ncp /opt/conf/limits.part /etc/nginx/includes/limits.conf\nexec nginx\n',
    });
    expect(copied.missing).toEqual([]);
    expect(copied.report.files).toContain('conf/limits.part');
  });

  test("ln -s: an absolute target, and a relative one read from the link's directory", () => {
    const base = {
      'compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/available:/etc/nginx/available\n      - ./nginx/init.sh:/docker-entrypoint.d/40-init.sh\n',
      'nginx/site.conf': site('/etc/nginx/enabled/limits.conf'),
      'nginx/available/limits.conf': template,
    };
    for (const command of ['ln -sf /etc/nginx/available/limits.conf /etc/nginx/enabled/limits.conf', 'ln -s ../available/limits.conf /etc/nginx/enabled/']) {
      const { report, missing } = lint({ ...base, 'nginx/init.sh': `${command}\n` });
      expect(missing).toEqual([]);
      const invalid = report.findings.filter((f) => f.ruleId === 'invalid-value').map((f) => `${f.primary.file}:${f.primary.start.line}`);
      expect(invalid).toEqual(['nginx/available/limits.conf:1']);
    }
  });

  test('not where it is uncertain: a write inside if, or two writes from different files', () => {
    const base = {
      'compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/templates:/templates\n      - ./nginx/init.sh:/docker-entrypoint.d/40-init.sh\n',
      'nginx/site.conf': site('/etc/nginx/includes/limits.conf'),
      'nginx/templates/a.tmpl': template,
      'nginx/templates/b.tmpl': template,
    };
    const conditional = lint({ ...base, 'nginx/init.sh': 'if [ -n "$A" ]; then\n  cp /templates/a.tmpl /etc/nginx/includes/limits.conf\nfi\n' });
    expect(conditional.missing).toEqual(['info nginx/site.conf:3 <- nginx/init.sh:2']);
    expect(conditional.report.files).not.toContain('nginx/templates/a.tmpl');
    const twice = lint({
      ...base,
      'nginx/init.sh': 'cp /templates/a.tmpl /etc/nginx/includes/limits.conf\ncp /templates/b.tmpl /etc/nginx/includes/limits.conf\n',
    });
    expect(twice.missing).toEqual(['info nginx/site.conf:3 <- nginx/init.sh:1 <- nginx/init.sh:2']);
  });

  test('a file copied onto a path that may be a directory maps that path alone, not what is under it', () => {
    // `cp … /etc/nginx/conf.d` (conf.d exists in the image, so the file lands inside it): an
    // include of another file of conf.d must still find the tree's conf.d.
    const tree = {
      'compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./defaults:/defaults\n      - ./init.sh:/docker-entrypoint.d/40-init.sh\n',
      'nginx/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/app.conf;\n}\n',
      'nginx/conf.d/app.conf': `server {\n    listen 80;\n    ${template}}\n`,
      'defaults/extra.conf': 'add_header X-A 1;\n',
      'init.sh': 'cp /defaults/extra.conf /etc/nginx/conf.d\ncp -r /defaults /etc/nginx\n',
    };
    const { report, missing } = lint(tree);
    expect(missing).toEqual([]);
    const invalid = report.findings.filter((f) => f.ruleId === 'invalid-value').map((f) => `${f.primary.file}:${f.primary.start.line}`);
    expect(invalid).toEqual(['nginx/conf.d/app.conf:3']);
  });

  test('a path with a variable the tree does not set is not a source', () => {
    const tree = {
      'compose.yaml':
        'services:\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/templates:/templates\n      - ./nginx/init.sh:/docker-entrypoint.d/40-init.sh\n',
      'nginx/site.conf': site('/etc/nginx/includes/limits.conf'),
      'nginx/templates/a.tmpl': template,
      'nginx/init.sh': 'cp /templates/$VARIANT.tmpl /etc/nginx/includes/limits.conf\n',
    };
    expect(lint(tree).missing).toEqual(['info nginx/site.conf:3 <- nginx/init.sh:1']);
  });
});

describe("relative paths, from the working directory the container starts the script in (mediacms's prestart.sh: cp deploy/docker/nginx.conf /etc/nginx/)", () => {
  const files = {
    'start.sh': "#!/bin/sh\ncp nginx.conf /etc/nginx/nginx.conf\ncp site.conf /etc/nginx/sites-enabled/default\nexec nginx -g 'daemon off;'\n",
    'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/sites-enabled/default;\n}\n',
    'site.conf': 'server {\n    listen 80;\n}\n',
  };
  const dockerfile = (workdir: string, cmd: string) => `FROM python:3.12-slim\nCOPY . /srv/app\n${workdir}CMD ${cmd}\n`;

  test("the image's WORKDIR: the include finds the file copied there", () => {
    expect(lint({ ...files, Dockerfile: dockerfile('WORKDIR /srv/app\n', '["./start.sh"]') }).missing).toEqual([]);
    // A relative WORKDIR follows the one before it; the compose service that builds the image keeps it.
    expect(lint({ ...files, Dockerfile: dockerfile('WORKDIR /srv\nWORKDIR app\n', '["sh", "/srv/app/start.sh"]') }).missing).toEqual([]);
    expect(
      lint({ ...files, Dockerfile: dockerfile('WORKDIR /srv/app\n', '["./start.sh"]'), 'compose.yaml': 'services:\n  web:\n    build: .\n' }).missing,
    ).toEqual([]);
  });

  test('no WORKDIR, or containers that start the script in different directories: the copy is written, from a file not known', () => {
    const written = ['info nginx.conf:3 <- start.sh:3'];
    expect(lint({ ...files, Dockerfile: dockerfile('', '["/srv/app/start.sh"]') }).missing).toEqual(written);
    const elsewhere = 'services:\n  web:\n    build: .\n    working_dir: /srv\n';
    expect(lint({ ...files, Dockerfile: dockerfile('WORKDIR /srv/app\n', '["/srv/app/start.sh"]'), 'compose.yaml': elsewhere }).missing).toEqual(written);
  });
});

describe("a uWSGI config the script that starts uWSGI writes itself (openwisp/docker-openwisp's utils.sh)", () => {
  const template = '[uwsgi]\nhttp-socket = :8000\nmodule = app.wsgi\n';

  test('rendered by envsubst, or written by tee, just before `uwsgi --ini`: not missing', () => {
    expect(lint({ 'start.sh': '#!/bin/sh\nenvsubst <uwsgi.conf.ini >uwsgi.ini\nuwsgi --ini uwsgi.ini\n', 'uwsgi.conf.ini': template }).missing).toEqual([]);
    expect(lint({ 'run.sh': '#!/bin/sh\ncat base.ini | tee ./app.ini\nexec uwsgi --ini app.ini\n', 'base.ini': template }).missing).toEqual([]);
  });

  test('a script that does not write it: the config is missing', () => {
    expect(lint({ 'start.sh': '#!/bin/sh\nenvsubst <uwsgi.conf.ini >other.ini\nuwsgi --ini uwsgi.ini\n', 'uwsgi.conf.ini': template }).missing).toEqual([
      'warning start.sh:3',
    ]);
  });
});
