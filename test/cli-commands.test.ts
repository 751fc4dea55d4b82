/**
 * The subcommands and one-shot options of the built command: `cfglint rules`, `cfglint explain`,
 * `cfglint --init`, `cfglint --print-config`. Spawned as users run them (see test/cli.test.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../src/engine/config';
import { nodeFileSystem } from '../src/discovery/fs';
import { READER_RULES } from '../src/engine/reader-rules';
import { RULES } from '../checks';
import { writeFiles } from './disk-tree';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/src/cli/main.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cfglint(args: string[], cwd = ROOT): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let tmp: string;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  // As in test/cli.test.ts: build when there is no build, or an older one than the sources.
  const stale = !fs.existsSync(CLI) || fs.statSync(CLI).mtimeMs < Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'checks')));
  if (stale) {
    const build = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, encoding: 'utf8' });
    if (!fs.existsSync(CLI)) throw new Error(`npx tsc -p . did not build ${CLI}:\n${build.stdout}${build.stderr}`);
  }
  // The build records the commit it comes from (npm run build does; a bare tsc above does not):
  // record HEAD, so the links the tests expect are HEAD's.
  const stamp = spawnSync(process.execPath, [path.join(ROOT, 'scripts/package.js'), 'stamp'], { cwd: ROOT, encoding: 'utf8' });
  if (stamp.status !== 0) throw new Error(`scripts/package.js stamp failed:\n${stamp.stderr}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-commands-'));
}, 120000);

const HEAD = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
// eslint-disable-next-line no-control-regex -- matches the escape byte that starts an ANSI colour
const ANSI = /\x1b\[[0-9;]*m/;

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('cfglint rules', () => {
  test('lists every rule and reader id in aligned columns', () => {
    const run = cfglint(['rules']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + RULES.length + READER_RULES.length);
    expect(lines[0]).toMatch(/^ID +SEVERITY +CATEGORY +DESCRIPTION$/);
    const severityColumn = lines[0].indexOf('SEVERITY');
    const categoryColumn = lines[0].indexOf('CATEGORY');
    const descriptionColumn = lines[0].indexOf('DESCRIPTION');
    const keepalive = lines.find((line) => line.startsWith('upstream-keepalive-http10 '))!;
    expect(keepalive.slice(severityColumn, categoryColumn).trim()).toBe('error');
    expect(keepalive.slice(descriptionColumn)).toBe(RULES.find((r) => r.id === 'upstream-keepalive-http10')!.meta.description);
    const syntax = lines.find((line) => line.startsWith('nginx-syntax '))!;
    expect(syntax.slice(severityColumn, descriptionColumn).trim().split(/ +/)).toEqual(['error', 'reader']);
    expect(syntax.slice(descriptionColumn)).toBe('A syntax error nginx would stop at');
  });

  test('--format json', () => {
    const run = cfglint(['rules', '--format', 'json']);
    expect(run.status).toBe(0);
    const listed = JSON.parse(run.stdout) as { id: string; severity: string; category: string; description: string }[];
    expect(listed.map((l) => l.id)).toEqual([...RULES.map((r) => r.id), ...READER_RULES.map((r) => r.id)]);
    expect(listed.find((l) => l.id === 'include-missing')).toMatchObject({ severity: 'warning', category: 'reader' });
  });

  test("shows the severities the directory's .cfglint.json sets, and off for a rule turned off", () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'rules-config-'));
    fs.writeFileSync(
      path.join(dir, '.cfglint.json'),
      JSON.stringify({ rules: { 'upstream-keepalive-http10': 'info', 'include-missing': { severity: 'off' } } }),
    );
    const listed = JSON.parse(cfglint(['rules', '--format', 'json'], dir).stdout) as { id: string; severity: string }[];
    expect(listed.find((l) => l.id === 'upstream-keepalive-http10')!.severity).toBe('info');
    expect(listed.find((l) => l.id === 'include-missing')!.severity).toBe('off');
    // Untouched rules keep their own default.
    const untouched = RULES.find((r) => r.id === 'upstream-keepalive-timeout')!;
    expect(listed.find((l) => l.id === untouched.id)!.severity).toBe(untouched.severity);
    const text = cfglint(['rules'], dir).stdout;
    expect(text).toMatch(/^upstream-keepalive-http10 +info +/m);
    // --config names another file, whatever the directory holds.
    fs.writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ rules: { 'upstream-keepalive-http10': 'error' } }));
    const other = JSON.parse(cfglint(['rules', '--format', 'json', '--config', 'other.json'], dir).stdout) as { id: string; severity: string }[];
    expect(other.find((l) => l.id === 'upstream-keepalive-http10')!.severity).toBe('error');
  });

  test('a .cfglint.json it cannot use is one line and exit 2', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'rules-bad-config-'));
    fs.writeFileSync(path.join(dir, '.cfglint.json'), JSON.stringify({ rules: { 'upstream-keepalive-htp10': 'off' } }));
    const run = cfglint(['rules'], dir);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/rules\.upstream-keepalive-htp10 is not a known rule; did you mean "upstream-keepalive-http10"\?$/),
    ]);
  });

  test('an unknown format is exit 2', () => {
    const run = cfglint(['rules', '--format', 'yaml']);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('cfglint: unknown rules format "yaml"; expected one of: text, json');
  });
});

describe('cfglint explain', () => {
  test('--format markdown prints the doc of a rule and of a reader id as written', () => {
    const rule = cfglint(['explain', 'upstream-keepalive-http10', '--format', 'markdown']);
    expect(rule.status).toBe(0);
    expect(rule.stdout).toBe(fs.readFileSync(path.join(ROOT, 'checks/upstream-keepalive-http10.md'), 'utf8'));
    const reader = cfglint(['explain', 'include-cycle', '--format', 'markdown']);
    expect(reader.status).toBe(0);
    expect(reader.stdout).toBe(fs.readFileSync(path.join(ROOT, 'docs/rules/include-cycle.md'), 'utf8'));
  });

  test('renders the doc for the terminal by default: no Markdown markup, links listed with their files', () => {
    const markdown = fs.readFileSync(path.join(ROOT, 'checks/upstream-keepalive-http10.md'), 'utf8');
    const run = cfglint(['explain', 'upstream-keepalive-http10']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    // Not a terminal, no FORCE_COLOR: no colour.
    expect(run.stdout).not.toMatch(ANSI);
    // The title, underlined; every `## ` heading as its text over a rule of its length.
    expect(lines.slice(0, 2)).toEqual(['upstream-keepalive-http10', '═'.repeat('upstream-keepalive-http10'.length)]);
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings).toContain('What breaks');
    for (const heading of headings) expect(run.stdout).toContain(`\n${heading}\n${'─'.repeat(heading.length)}\n`);
    // No markup left: heading marks, fences, bold, link syntax.
    expect(lines.filter((line) => /^#{1,6} |^\s*```|\*\*|\]\(/.test(line))).toEqual([]);
    // A code block is indented by four, without its fence; a list item gets a bullet.
    expect(run.stdout).toContain('\n    upstream app {\n        server 127.0.0.1:8000;\n');
    expect(run.stdout).toMatch(/^ {2}• nginx ≥ 1\.29\.7 with the defaults\. /m);
    // An inline code span keeps a mark of its edges without colour.
    expect(run.stdout).toContain('‘proxy_http_version 1.1’');
    // Links become numbered references, listed at the end with the file inside the package.
    expect(run.stdout).toContain('nginx.md#what-upstream-keepalive-needs[1]');
    expect(run.stdout).toContain(`\nLinks\n─────\n\n  [1] ${ROOT}/docs/servers/nginx.md#what-upstream-keepalive-needs\n`);
    // The last line is the page online, the link every finding of the rule carries.
    expect(lines[lines.length - 2]).toBe(`Online: https://github.com/cfglint/cfglint/blob/${HEAD}/checks/upstream-keepalive-http10.md`);
  });

  test('colours the rendered doc as lint output is coloured: FORCE_COLOR=1, and --no-color over it', () => {
    const forced = spawnSync(process.execPath, [CLI, 'explain', 'nginx-syntax'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1' } });
    expect(forced.stdout).toMatch(ANSI);
    expect(forced.stdout.split('\n')[0]).toBe('\x1b[1;4mnginx-syntax\x1b[0m');
    const off = spawnSync(process.execPath, [CLI, 'explain', 'nginx-syntax', '--no-color'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '1' },
    });
    expect(off.stdout).not.toMatch(ANSI);
  });

  test('an unknown format is exit 2', () => {
    const run = cfglint(['explain', 'nginx-syntax', '--format', 'html']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe('cfglint: unknown explain format "html"; expected one of: text, markdown');
  });

  test('an unknown id is exit 2 with a suggestion', () => {
    const run = cfglint(['explain', 'upstream-keepalive-htp10']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('cfglint: unknown rule "upstream-keepalive-htp10"; did you mean "upstream-keepalive-http10"? (cfglint rules lists them all)\n');
  });

  test('an id without the prefix the user forgot is suggested when exactly one rule ends that way', () => {
    // Only upstream-keepalive-timeout holds "keepalive-timeout" as whole parts.
    const run = cfglint(['explain', 'keepalive-timeout']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('cfglint: unknown rule "keepalive-timeout"; did you mean "upstream-keepalive-timeout"? (cfglint rules lists them all)\n');
    // "timeout" is part of several rule ids: no guess among them.
    const several = cfglint(['explain', 'timeout']);
    expect(several.stderr).toBe('cfglint: unknown rule "timeout" (cfglint rules lists them all)\n');
    // The same for --select.
    const select = cfglint(['--select', 'keepalive-timeout', 'examples/keepalive-http10/broken']);
    expect(select.status).toBe(2);
    expect(select.stderr).toContain('did you mean "upstream-keepalive-timeout"?');
  });
});

describe('docs links', () => {
  // Every place a finding names its doc says the same URL: the page at the commit the build
  // records (here HEAD, stamped above), whose path is the file explain reads from the package.
  test('stylish, JSON, SARIF, rules and explain agree on the commit-pinned page', () => {
    const rule = 'upstream-keepalive-http10';
    const expected = `https://github.com/cfglint/cfglint/blob/${HEAD}/checks/${rule}.md`;
    expect(HEAD).toMatch(/^[0-9a-f]{40}$/);
    const tree = 'examples/keepalive-http10/broken';
    const stylish = cfglint([tree]);
    expect(stylish.stdout).toContain(`= docs: ${expected}\n`);
    const json = JSON.parse(cfglint([tree, '--format', 'json']).stdout) as { findings: { ruleId: string; docsUrl: string }[] };
    expect(json.findings.filter((f) => f.ruleId === rule).map((f) => f.docsUrl)).toEqual([expected, expected]);
    const sarif = JSON.parse(cfglint([tree, '--format', 'sarif']).stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } } }[] };
    expect(sarif.runs[0].tool.driver.rules.find((r) => r.id === rule)!.helpUri).toBe(expected);
    const listed = JSON.parse(cfglint(['rules', '--format', 'json']).stdout) as { id: string; docsUrl: string }[];
    expect(listed.find((l) => l.id === rule)!.docsUrl).toBe(expected);
    expect(listed.find((l) => l.id === 'nginx-syntax')!.docsUrl).toBe(`https://github.com/cfglint/cfglint/blob/${HEAD}/docs/rules/nginx-syntax.md`);
    // The path in the URL is the file explain prints.
    const inPackage = expected.slice(`https://github.com/cfglint/cfglint/blob/${HEAD}/`.length);
    expect(cfglint(['explain', rule, '--format', 'markdown']).stdout).toBe(fs.readFileSync(path.join(ROOT, inPackage), 'utf8'));
  });
});

describe('cfglint --init', () => {
  test('writes a valid starter config once, then refuses', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'init-'));
    const run = cfglint(['--init'], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe('cfglint: wrote .cfglint.json (JSON has no comments, so here is what each key is for):');
    const file = path.join(dir, '.cfglint.json');
    const { config } = loadConfig(file, nodeFileSystem);
    // By URL, pinned like the docs links, so it works wherever the file is; the package holds the same schema.
    expect(config.$schema).toBe(`https://raw.githubusercontent.com/cfglint/cfglint/${HEAD}/schemas/config.schema.json`);
    expect(run.stderr).toContain('node_modules/cfglint/schemas/config.schema.json');
    expect(Object.keys(config).sort()).toEqual(['$schema', 'environment', 'failOn', 'files', 'ignore', 'nginx', 'rules']);
    // The starter changes nothing: a tree of one clean nginx.conf still lints clean with it.
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\n');
    expect(cfglint(['.'], dir).status).toBe(0);

    const again = cfglint(['--init'], dir);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe('cfglint: .cfglint.json already exists here; not overwriting it\n');
  });
});

describe('cfglint --print-config', () => {
  function tree(name: string, files: Record<string, string>): string {
    return writeFiles(path.join(tmp, name), files);
  }

  test('an nginx file: each block it contributes to, with values and their sources', () => {
    const dir = tree('print-nginx', {
      'nginx.conf': 'events {}\nhttp {\n    keepalive_timeout 30s;\n    include conf.d/*.conf;\n}\n',
      'conf.d/app.conf': [
        'upstream app {',
        '    server 127.0.0.1:8000;',
        '    keepalive 8;',
        '}',
        'server {',
        '    listen 80;',
        '    proxy_read_timeout 2m;',
        '    location / {',
        '        proxy_http_version 1.1;',
        '        proxy_pass http://app;',
        '    }',
        '}',
        '',
      ].join('\n'),
    });
    const run = cfglint(['--nginx-version', '1.24.0', '--print-config', 'conf.d/app.conf'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'main>http>upstream[app] (conf.d/app.conf:1)',
        '  keepalive           8     conf.d/app.conf:3 (via nginx.conf:4)',
        '  keepalive_requests  1000  default, nginx ≥ 1.19.10',
        '  keepalive_time      1h    default, nginx ≥ 1.19.10',
        '  keepalive_timeout   60s   default',
        '',
        'main>http>server[80] (conf.d/app.conf:5)',
        '  keepalive_timeout      30s   nginx.conf:3',
        '  keepalive_requests     1000  default, nginx ≥ 1.19.10',
        '  client_max_body_size   1m    default',
        '  proxy_http_version     1.0   default',
        '  proxy_read_timeout     2m    conf.d/app.conf:7 (via nginx.conf:4)',
        '  proxy_send_timeout     60s   default',
        '  proxy_connect_timeout  60s   default',
        '  uwsgi_read_timeout     60s   default',
        '  fastcgi_read_timeout   60s   default',
        '',
        'main>http>server[80]>location[/] (conf.d/app.conf:8)',
        '  keepalive_timeout      30s   nginx.conf:3',
        '  keepalive_requests     1000  default, nginx ≥ 1.19.10',
        '  client_max_body_size   1m    default',
        '  proxy_http_version     1.1   conf.d/app.conf:9 (via nginx.conf:4)',
        '  proxy_read_timeout     2m    conf.d/app.conf:7 (via nginx.conf:4)',
        '  proxy_send_timeout     60s   default',
        '  proxy_connect_timeout  60s   default',
        '  uwsgi_read_timeout     60s   default',
        '  fastcgi_read_timeout   60s   default',
        '',
      ].join('\n'),
    );
  });

  test("a Jinja template's placeholders print as …, not as the marks cfglint reads them as; written values as they are", () => {
    const dir = tree('print-template', {
      'nginx.conf.j2': [
        'events {}',
        'http {',
        '  server {',
        '    listen 80;',
        '    client_max_body_size {{ LIMIT }};',
        '    location {{ content_path }} {',
        '      proxy_pass http://127.0.0.1:24816;',
        '    }',
        '    location /static/ {',
        '      client_max_body_size 10m;',
        '      proxy_pass http://127.0.0.1:24816;',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const run = cfglint(['--nginx-version', '1.24.0', '--print-config', 'nginx.conf.j2'], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('\uE000');
    const shown = run.stdout.split('\n').filter((line) => /^main|client_max_body_size/.test(line));
    expect(shown).toEqual([
      'main>http>server[80] (nginx.conf.j2:3)',
      '  client_max_body_size   …     nginx.conf.j2:5',
      'main>http>server[80]>location[…] (nginx.conf.j2:6)',
      '  client_max_body_size   …     nginx.conf.j2:5',
      'main>http>server[80]>location[/static/] (nginx.conf.j2:9)',
      '  client_max_body_size   10m   nginx.conf.j2:10',
    ]);
  });

  test('values from the tree are shown escaped, still in their columns', () => {
    // harakiri's value holds an OSC title sequence ended by BEL, a legacy ##[ command and an RLO.
    const dir = tree('print-hostile', { 'uwsgi.ini': '[uwsgi]\nhttp-socket = 127.0.0.1:8000\nharakiri = 5\x1b]0;t\x07 ##[add-mask]x\u202e\n' });
    const run = cfglint(['--print-config', 'uwsgi.ini'], dir);
    expect(run.status).toBe(0);
    // eslint-disable-next-line no-control-regex -- the output must hold no raw control character
    expect(run.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\u202e]|##\[/);
    const settings = run.stdout.split('\n').filter((line) => /^ {4}(buffer-size|harakiri) /.test(line));
    // The escaped value is 36 characters wide: `5`, `\x1b` (4), `]0;t`, `\x07` (4), ` ##\x5b` (7), `add-mask]x`, `\u202e` (6).
    // Names are padded to the longest uWSGI setting name, harakiri-graceful-timeout (25), and two spaces.
    expect(settings).toEqual([
      `    ${'buffer-size'.padEnd(27)}${'4096'.padEnd(36)}  4096 bytes  default`,
      `    ${'harakiri'.padEnd(27)}5\\x1b]0;t\\x07 ##\\x5badd-mask]x\\u202e  5000 ms     uwsgi.ini:3`,
    ]);
  });

  test('no nginx version known: a default that changed between releases gets a row per release range', () => {
    const dir = tree('print-nginx-unversioned', {
      'nginx.conf':
        'events {}\nhttp {\n    upstream app {\n        server 127.0.0.1:8000;\n    }\n    server {\n        listen 80;\n        proxy_http_version 1.1;\n        location / { proxy_pass http://app; }\n    }\n}\n',
    });
    const run = cfglint(['--print-config', 'nginx.conf'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const upstream = run.stdout.split('\n\n')[0].split('\n');
    // nginx-defaults.ts: keepalive is on by default from 1.29.7; keepalive_requests went from 100 to
    // 1000 and keepalive_time appeared in 1.19.10; keepalive_timeout never changed.
    expect(upstream).toEqual([
      'main>http>upstream[app] (nginx.conf:3)',
      '  keepalive           (none)    default, nginx ≤ 1.29.6',
      '  keepalive           32 local  default, nginx ≥ 1.29.7',
      '  keepalive_requests  100       default, nginx ≤ 1.19.9',
      '  keepalive_requests  1000      default, nginx ≥ 1.19.10',
      '  keepalive_time      (none)    default, nginx ≤ 1.19.9',
      '  keepalive_time      1h        default, nginx ≥ 1.19.10',
      '  keepalive_timeout   60s       default',
    ]);
    // A value set in the tree holds for every release: one row.
    expect(run.stdout).toContain('\n  proxy_http_version     1.1   nginx.conf:8\n');
    expect(run.stdout).not.toContain('proxy_http_version     1.0');
  });

  test('a gunicorn config: listeners and settings with value, unit and source', () => {
    const dir = tree('print-gunicorn', { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\ntimeout = 120\n' });
    const run = cfglint(['--print-config', 'gunicorn.conf.py'], dir);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['gunicorn gunicorn.conf.py', '  listeners:', '    bind  127.0.0.1:8000  http  gunicorn.conf.py:1', '  settings:']);
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}timeout +120 +120000 ms +gunicorn\.conf\.py:2$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}keepalive +2 +2000 ms +default$/));
  });

  test('a Tomcat server.xml: each connector with its settings', () => {
    const dir = tree('print-tomcat', {
      'conf/server.xml': [
        '<Server port="-1">',
        '  <Service name="Catalina">',
        '    <Connector port="8080" protocol="HTTP/1.1"',
        '               keepAliveTimeout="30000" />',
        '  </Service>',
        '</Server>',
        '',
      ].join('\n'),
    });
    const run = cfglint(['--print-config', 'conf/server.xml'], dir);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('tomcat conf/server.xml');
    expect(lines).toContain('  connector HTTP/1.1 0.0.0.0:8080 (conf/server.xml:3):');
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}keepAliveTimeout +30000 +30000 ms +conf\/server\.xml:4$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}maxThreads +200 +200 count +default$/));
  });

  test('an ingress-nginx ConfigMap: what the controller renders from it, key by key, defaults named', () => {
    const dir = tree('print-ingress', {
      'configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\ndata:\n  upstream-keepalive-timeout: "30"\n',
      'ingress.yaml':
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            backend:\n              service:\n                name: web\n                port:\n                  number: 80\n',
    });
    const run = cfglint(['--print-config', 'configmap.yaml'], dir);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('main>http>upstream[default-web-80] (ingress.yaml:11)');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}keepalive_timeout +30s +configmap\.yaml:6$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}keepalive_requests +10000 +default, ingress-nginx default of "upstream-keepalive-requests"$/));
  });

  test('a file outside the tree is exit 2; a file with nothing modelled says so', () => {
    const dir = tree('print-other', { 'sub/README.txt': 'hello\n', 'other/x.conf': 'events {}\n' });
    const outside = cfglint(['--print-config', 'other/x.conf', 'sub'], dir);
    expect(outside.status).toBe(2);
    expect(outside.stderr.split('\n')[0]).toBe('cfglint: other/x.conf is not inside the linted tree (sub)');
    const nothing = cfglint(['--print-config', 'sub/README.txt'], dir);
    expect(nothing.status).toBe(0);
    expect(nothing.stdout).toBe('sub/README.txt: cfglint models no setting from this file\n');
  });
});
