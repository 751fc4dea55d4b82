/**
 * What the built CLI really opens, seen by the kernel: cfglint runs under
 * `strace -f -e trace=openat,execve,connect` on a generated tree full of escape attempts (nginx
 * includes that climb, map, glob or follow links out of the tree; a uWSGI ini, a gunicorn launch
 * and a Tomcat server.xml that name /etc/passwd; a .cfglint.json whose include map points at /).
 * It may open the tree, the package (its dist/ and node_modules/) and the files Node itself
 * opens to start, each listed below with why; it must execute nothing after node itself and
 * connect nowhere. Skipped, with the reason printed, where strace is not installed
 * (.ci/run installs it as root).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
const hasStrace = strace.status === 0;
if (!hasStrace) process.stdout.write('test/servers/confinement.test.ts: skipped: strace is not on PATH (apt-get install strace)\n');
const maybe = hasStrace ? describe : describe.skip;

const realOrSelf = (p: string) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
};

/**
 * Paths Node opens for itself, whatever script it runs (seen with Debian 12's node 20 under
 * strace). Exact names, except where the name depends on the machine; nothing else under /etc,
 * /proc, /sys or /lib is allowed, so /etc/passwd and /proc/self/environ never are.
 */
const NODE_OWN: { exact?: string; prefix?: string; pattern?: RegExp; why: string }[] = [
  { exact: process.execPath, why: 'node opens its own binary at start (to map its code)' },
  { exact: realOrSelf(process.execPath), why: 'the same, when the binary is reached through a link' },
  { exact: '/etc/ld.so.cache', why: 'the dynamic loader looks up shared libraries, before node runs' },
  {
    pattern: /^\/(usr\/)?lib(64)?\/([\w-]+-linux-gnu\/)?[\w+.-]+\.so(\.\d+)*$/,
    why: 'the shared libraries node links against (libc, libm, libstdc++, libgcc_s …), opened by the loader',
  },
  { exact: '/etc/ssl/openssl.cnf', why: "OpenSSL's configuration, read when node initialises OpenSSL at start" },
  { exact: '/etc/ssl/certs/ca-certificates.crt', why: "the system CA bundle, which Debian's node loads at start" },
  { exact: '/proc/self/maps', why: "V8 and libuv read the process's own memory map (stack bounds, code range)" },
  { exact: '/proc/self/cgroup', why: "libuv finds the process's cgroup to size the heap by the container's memory limit" },
  { prefix: '/sys/fs/cgroup/', why: "libuv then reads that cgroup's memory limits; the path holds the cgroup's name" },
  { exact: '/proc/meminfo', why: 'libuv uv_get_total_memory, for the default heap size' },
  { exact: '/proc/sys/vm/overcommit_memory', why: 'V8 checks the overcommit policy before reserving memory' },
  {
    exact: '/dev/null',
    why: 'node opens it read-only for itself when its standard streams are pipes (seen as here, under spawnSync); a device with no content',
  },
];

interface Trace {
  opened: string[];
  execs: string[];
  connects: string[];
  status: number | null;
  stdout: string;
}

/** strace prints `\"` and octal or hex escapes in strings; the paths here are plain ASCII apart from those. */
const unescape = (s: string) =>
  s.replace(/\\(x[0-9a-f]{2}|[0-7]{1,3}|.)/g, (_m, e: string) =>
    e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : /^[0-7]+$/.test(e) ? String.fromCharCode(parseInt(e, 8)) : e,
  );

function traced(dir: string): Trace {
  const log = path.join(os.tmpdir(), `cfglint-strace-${process.pid}-${Date.now()}.log`);
  const result = spawnSync('strace', ['-f', '-qq', '-s', '65535', '-e', 'trace=openat,execve,connect', '-o', log, process.execPath, CLI, '-f', 'json', '.'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, SECRET_TOKEN: 'strace-secret' },
  });
  const lines = fs.readFileSync(log, 'utf8').split('\n');
  fs.rmSync(log, { force: true });
  const opened: string[] = [];
  const execs: string[] = [];
  const connects: string[] = [];
  for (const line of lines) {
    const open = /openat\((AT_FDCWD|\d+), "((?:[^"\\]|\\.)*)"/.exec(line);
    if (open) {
      const name = unescape(open[2]);
      // Relative names are relative to the working directory (AT_FDCWD), the tree; any other
      // directory descriptor is recorded as is, and fails the check unless the name is absolute.
      opened.push(path.isAbsolute(name) ? name : open[1] === 'AT_FDCWD' ? path.resolve(dir, name) : `fd ${open[1]}: ${name}`);
    }
    const exec = /execve\("((?:[^"\\]|\\.)*)"/.exec(line);
    if (exec) execs.push(unescape(exec[1]));
    if (/\bconnect\(/.test(line)) connects.push(line);
  }
  return { opened, execs, connects, status: result.status, stdout: result.stdout ?? '' };
}

maybe('cfglint under strace', () => {
  let work: string;
  let tree: string;
  let packageDirs: string[];

  const within = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
  const allowed = (p: string, trees: string[]) =>
    trees.some((dir) => within(p, dir) || within(p, realOrSelf(dir))) ||
    packageDirs.some((dir) => within(p, dir)) ||
    NODE_OWN.some((entry) => entry.exact === p || (entry.prefix !== undefined && p.startsWith(entry.prefix)) || (entry.pattern?.test(p) ?? false));

  beforeAll(() => {
    if (!fs.existsSync(CLI)) {
      const built = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
    }
    // The package: its own directory, and node_modules where it really is (a worktree may link it).
    const packageRoot = path.resolve(path.dirname(CLI), '..', '..', '..');
    packageDirs = [packageRoot, realOrSelf(path.join(packageRoot, 'node_modules'))];
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-strace-'));
    fs.writeFileSync(path.join(work, 'beside.conf'), 'server { listen 1; }\n');
    tree = path.join(work, 'tree');
    const write = (name: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(tree, name)), { recursive: true });
      fs.writeFileSync(path.join(tree, name), text);
    };
    write(
      'nginx/nginx.conf',
      [
        'events {}',
        'http {',
        '    include ../../../../../../../../etc/passwd;',
        '    include ../../../../../../../../proc/self/environ;',
        '    include ../../beside.conf;',
        '    include /etc/nginx/../../../../../etc/shadow;',
        '    include /etc/passwd;',
        '    include evil.conf;',
        '    include rootfs/etc/*;',
        '    include ../../../../../../../../etc/pass*;',
        '    include conf.d/*.conf;',
        '    include conf.d/[z-a].conf;',
        '    include loop/*/*/*/*.conf;',
        '    server { listen 8080; location / { uwsgi_pass 127.0.0.1:8000; } }',
        '}',
        '',
      ].join('\n'),
    );
    write('nginx/conf.d/ok.conf', 'server { listen 8081; }\n');
    fs.symlinkSync('/etc/passwd', path.join(tree, 'nginx/evil.conf'));
    fs.symlinkSync('/proc/self/environ', path.join(tree, 'nginx/conf.d/env.conf'));
    fs.symlinkSync('/', path.join(tree, 'nginx/rootfs'));
    fs.mkdirSync(path.join(tree, 'nginx/loop'));
    for (let i = 0; i < 5; i++) fs.symlinkSync('.', path.join(tree, 'nginx/loop', `l${i}`));
    fs.symlinkSync('/etc', path.join(tree, 'etc-link'));
    write('uwsgi.ini', '[uwsgi]\nini = /etc/passwd\ninclude = ../../../../../../etc/passwd\nsocket = 127.0.0.1:8000\nmodule = app\n');
    write('Procfile', 'web: gunicorn -c /etc/passwd --bind 127.0.0.1:9000 app:app\n');
    write(
      'server.xml',
      '<?xml version="1.0"?>\n<!DOCTYPE Server [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Server port="8005" shutdown="&x;"><Service name="Catalina"><Connector port="8080" protocol="HTTP/1.1"/></Service></Server>\n',
    );
    write(
      'k8s/deploy.yaml',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n          volumeMounts: [{name: etc, mountPath: /etc/nginx}]\n      volumes: [{name: etc, hostPath: {path: /etc}}]\n',
    );
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("a tree full of escape attempts: only the tree, the package and node's own files are opened; nothing executed or connected", () => {
    const trace = traced(tree);
    expect(trace.opened.length).toBeGreaterThan(0);
    expect(trace.opened.filter((p) => !allowed(p, [tree]))).toEqual([]);
    // The files the includes name, exactly: never asked for.
    expect(trace.opened.filter((p) => /^\/(etc\/(passwd|shadow)|proc\/self\/environ)$/.test(p) || p === path.join(work, 'beside.conf'))).toEqual([]);
    expect(trace.execs).toEqual([process.execPath]);
    expect(trace.connects).toEqual([]);
    expect([0, 1]).toContain(trace.status);
    expect(JSON.parse(trace.stdout).files).toContain('nginx/conf.d/ok.conf');
  });

  test('an include map that points at / is refused before anything outside is opened (exit 2)', () => {
    const mapped = path.join(work, 'mapped');
    fs.mkdirSync(mapped);
    fs.writeFileSync(path.join(mapped, 'nginx.conf'), 'events {}\nhttp { include /etc/nginx/passwd; }\n');
    fs.writeFileSync(path.join(mapped, '.cfglint.json'), JSON.stringify({ nginx: { includeMap: { '/etc/nginx': '/etc' } } }));
    const trace = traced(mapped);
    expect(trace.opened.filter((p) => !allowed(p, [mapped]))).toEqual([]);
    expect(trace.execs).toEqual([process.execPath]);
    expect(trace.connects).toEqual([]);
    expect(trace.status).toBe(2);
  });
});
