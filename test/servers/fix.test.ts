/**
 * `--fix` against the real nginx (`npm run test:servers`): every nginx file that fixing an
 * examples/* /broken tree changes must pass `nginx -t`. Each example is fixed in a temp copy
 * (never in the project); each changed file is then checked in a directory of its own, confined
 * to 127.0.0.1: a file that is not a main config is included from a minimal one (`events {}`,
 * `http { include …; }`), `listen` addresses become 127.0.0.1 ports of their own and upstream
 * host names (compose services, which do not resolve here) become 127.0.0.1, each on the line it
 * was on; a main config loses its pid, user, log and absolute include lines (see confined).
 * Then nginx-deprecated-directive's fixes on a config this nginx warns about (`ssl on`, an
 * obsolete http2_* directive): accepted after the fix, without the warnings. nginx is never started: only `nginx -t -p <tmp>/ -c … -e … -g 'pid …;'`, 10 s each.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixSync, writeChanges } from '../../src/engine/fix';
import { listFiles } from '../../src/engine/run';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '../..');
const NGINX_TIMEOUT_MS = 10_000;
const NGINX = ['nginx', '/usr/sbin/nginx'].find((candidate) => {
  const result = spawnSync(candidate, ['-v'], { encoding: 'utf8', timeout: NGINX_TIMEOUT_MS });
  return !result.error && result.status === 0;
});

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-fix-nginx-'));
});
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

let nextPort = 18300;

/**
 * The file as nginx -t can check it here, every line where it was: addresses changed; in a main
 * config, `pid` (given with -g), `user`, logs and absolute includes (the machine's, not the
 * tree's) blanked.
 */
function confined(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s*(user|pid|error_log|access_log)\s[^;]*;\s*$/, '')
        .replace(/^\s*include\s+\/[^;]*;\s*$/, '')
        // `listen 80;`, `listen [::]:443 ssl;` → a loopback port of its own, parameters kept.
        .replace(/^(\s*listen\s+)(\S+?)(?=[\s;])/, (_whole, head: string) => `${head}127.0.0.1:${nextPort++}`)
        // An upstream server by host name (a compose service) → loopback, port kept.
        .replace(
          /^(\s*server\s+)(?!unix:)(?!\d+\.\d+\.\d+\.\d+)([A-Za-z][\w.-]*)(:\d+)?/,
          (_whole, head: string, _host: string, port = '') => `${head}127.0.0.1${port}`,
        ),
    )
    .join('\n');
}

function nginxAccepts(file: string, text: string): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(tmp, 'check-'));
  const isMain = /^\s*(events|http)\s*\{/m.test(text);
  const conf = path.join(dir, isMain ? 'nginx.conf' : path.basename(file));
  fs.writeFileSync(conf, confined(text));
  const main = isMain ? conf : path.join(dir, 'nginx.conf');
  if (!isMain) fs.writeFileSync(main, `events {}\nhttp {\n    include ${conf};\n}\n`);
  const result = spawnSync(NGINX!, ['-t', '-q', '-e', path.join(dir, 'error.log'), '-p', dir + '/', '-c', main, '-g', `pid ${path.join(dir, 'nginx.pid')};`], {
    encoding: 'utf8',
    timeout: NGINX_TIMEOUT_MS,
  });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((name) => fs.existsSync(path.join(ROOT, 'examples', name, 'broken')));
const touched: string[] = [];

(NGINX ? describe : describe.skip)('nginx -t accepts every nginx file --fix touched', () => {
  test.each(examples)('%s', (example) => {
    const dir = path.join(tmp, example);
    fs.cpSync(path.join(ROOT, 'examples', example, 'broken'), dir, { recursive: true });
    const options = { paths: ['.'], cwd: dir };
    const run = fixSync(options, (report) => report.findings);
    expect(writeChanges(options, run.changes)).toEqual([]);
    const nginxFiles = new Set(
      listFiles(options)
        .filter((entry) => entry.format === 'nginx')
        .map((entry) => entry.file),
    );
    for (const change of run.changes.filter((c) => nginxFiles.has(c.file))) {
      touched.push(`${example}/${change.file}`);
      const verdict = nginxAccepts(change.file, fs.readFileSync(path.join(dir, change.file), 'utf8'));
      if (!verdict.ok) throw new Error(`nginx -t refuses ${example}/${change.file} after --fix:\n${verdict.output}`);
    }
  });

  test('the check is real: nginx -t here refuses what it does not know', () => {
    // Debian's nginx 1.22.1 has no `http2` directive (1.25.1): why that fix waits for the version.
    const version = /nginx\/(\d+)\.(\d+)\./.exec(spawnSync(NGINX!, ['-v'], { encoding: 'utf8' }).stderr);
    const before1251 = version !== null && Number(version[1]) === 1 && Number(version[2]) < 25;
    expect(nginxAccepts('h2.conf', 'server {\n    listen 443;\n    http2 on;\n}\n').ok).toBe(!before1251);
    expect(nginxAccepts('ok.conf', 'server {\n    listen 443;\n}\n').ok).toBe(true);
  });

  test('the fixes touched the nginx files of the keep-alive examples', () => {
    // One each: the upstream's keepalive_timeout (gunicorn, Tomcat, uvicorn, compose), the
    // HTTP/1.1 lines, the server's keepalive_timeout above the ALB's, worker_rlimit_nofile in a
    // main config; envsubst-template and ingress have no exact fix (see test/cli-fix.test.ts).
    expect(touched.sort()).toEqual([
      'alb-terraform-idle/nginx/conf.d/site.conf',
      'compose-keepalive-gunicorn/nginx/conf.d/app.conf',
      'keepalive-http10/nginx/conf.d/app.conf',
      'keepalive-timeout-gunicorn/nginx/conf.d/app.conf',
      'keepalive-timeout-tomcat/nginx/conf.d/app.conf',
      'nginx-nofile/etc/nginx/nginx.conf',
      'uvicorn-keepalive/etc/nginx/conf.d/app.conf',
    ]);
  });
});

(NGINX ? describe : describe.skip)('nginx-deprecated-directive fixes against this nginx', () => {
  test('ssl on → listen … ssl and an ignored http2_* line deleted: nginx -t accepts it and warns no more', () => {
    const version = /nginx\/(\d+\.\d+\.\d+)/.exec(spawnSync(NGINX!, ['-v'], { encoding: 'utf8' }).stderr)![1];
    const dir = fs.mkdtempSync(path.join(tmp, 'ssl-'));
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-subj',
        '/CN=fix.test',
        '-days',
        '1',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.stderr}`);
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(
      conf,
      [
        'events {}',
        'http {',
        '    http2_idle_timeout 30s;',
        '    server {',
        `        listen 127.0.0.1:${nextPort++};`,
        '        server_name fix.test;',
        '        ssl on;',
        `        ssl_certificate ${path.join(dir, 'cert.pem')};`,
        `        ssl_certificate_key ${path.join(dir, 'key.pem')};`,
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const check = () =>
      spawnSync(NGINX!, ['-t', '-e', path.join(dir, 'error.log'), '-p', dir + '/', '-c', conf, '-g', `pid ${path.join(dir, 'nginx.pid')};`], {
        encoding: 'utf8',
        timeout: NGINX_TIMEOUT_MS,
      });
    const before = check();
    expect(before.status).toBe(0);
    expect(before.stderr).toContain('the "ssl" directive is deprecated');
    expect(before.stderr).toContain('the "http2_idle_timeout" directive is obsolete');

    const options = { paths: ['.'], cwd: dir, nginxVersion: version };
    const run = fixSync(options, (report) => report.findings.filter((finding) => finding.ruleId === 'nginx-deprecated-directive'));
    expect(writeChanges(options, run.changes)).toEqual([]);
    const fixed = fs.readFileSync(conf, 'utf8');
    expect(fixed).not.toMatch(/ssl on|http2_idle_timeout/);
    expect(fixed).toMatch(/listen 127\.0\.0\.1:\d+ ssl;/);

    const after = check();
    expect(after.status).toBe(0);
    expect(after.stderr).not.toContain('directive is deprecated');
    expect(after.stderr).not.toContain('directive is obsolete');
  });
});
