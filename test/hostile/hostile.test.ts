/**
 * Hostile input: every case is generated in a temp dir (never committed) and run through the real
 * CLI with a timeout. Each must end in bounded time with a positioned finding or a clean result:
 * exit code 0, 1 or 2, no stack trace, no "internal error", every JSON span inside its file.
 *
 *   npm run test:hostile        (builds first; the CLI is dist/src/cli/main.js)
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { xmlProblems } from '../formatters/xml-check';

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
/** Each case must end within 20 s (issue 13), under the heap cap below. */
const TIMEOUT_MS = 20_000;
/** A heap cap for the CLI: an entity or placeholder expansion that runs away dies instead of eating the machine. */
const HEAP_MB = 1024;

const times: string[] = [];
let work: string;

beforeAll(() => {
  if (!fs.existsSync(cli)) {
    const built = spawnSync('npx', ['tsc', '-p', '.'], { cwd: root, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed:\n${built.stdout}${built.stderr}`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-hostile-'));
});

afterAll(() => {
  if (work) {
    // An unreadable directory must be made readable again before it can be removed.
    spawnSync('chmod', ['-R', 'u+rwx', work]);
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`hostile wall times: ${times.join(', ')}\n`);
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  report?: { findings: Array<Record<string, unknown>> };
}

function caseDir(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function lineCount(file: string, cache: Map<string, number>): number | undefined {
  if (cache.has(file)) return cache.get(file);
  let count: number | undefined;
  try {
    const stat = fs.statSync(file);
    if (stat.isFile()) count = fs.readFileSync(file, 'utf8').split('\n').length;
  } catch {
    count = undefined;
  }
  cache.set(file, count ?? -1);
  return count;
}

function collectSpans(value: unknown, out: Array<{ file: string; start: { line: number }; end: { line: number } }>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectSpans(item, out);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.file === 'string' && record.start && record.end) out.push(record as never);
    for (const child of Object.values(record)) collectSpans(child, out);
  }
}

/** Runs `cfglint -f json <dir>` and checks the invariants every case shares. */
function lint(name: string, dir: string, extra: string[] = []): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, cli, '-f', 'json', ...extra, dir], {
    cwd: dir,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  times.push(`${name} ${ms.toFixed(0)} ms`);
  const run: Run = { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', ms };
  const context = `${name}: status ${result.status} signal ${result.signal} error ${result.error?.message ?? ''}\nstderr: ${run.stderr.slice(0, 2000)}`;
  expect({ context, ok: result.error === undefined && result.signal === null }).toEqual({ context, ok: true });
  expect({ context, status: [0, 1, 2].includes(result.status ?? -1) }).toEqual({ context, status: true });
  expect({ context, stack: /^\s{4}at /m.test(run.stderr) }).toEqual({ context, stack: false });
  expect({ context, internal: /internal error/i.test(run.stderr + run.stdout) }).toEqual({ context, internal: false });
  if (result.status !== 2) {
    run.report = JSON.parse(run.stdout);
    const spans: Array<{ file: string; start: { line: number }; end: { line: number } }> = [];
    collectSpans(run.report!.findings, spans);
    const cache = new Map<string, number>();
    for (const span of spans) {
      const count = lineCount(path.resolve(dir, span.file), cache);
      if (count === undefined) continue; // a FIFO, /dev/null or a path the finding names but does not read
      const where = `${name}: ${span.file} ${span.start.line}-${span.end.line} of ${count} lines`;
      expect({ where, inside: span.start.line >= 1 && span.end.line <= count + 1 && span.start.line <= span.end.line }).toEqual({ where, inside: true });
    }
  }
  return run;
}

const ruleIds = (run: Run): string[] => (run.report?.findings ?? []).map((f) => String(f.ruleId));

describe('hostile input', () => {
  test('100k nested blocks', () => {
    const dir = caseDir('nested');
    const depth = 100_000;
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'http {\n' + 'location /a {\n'.repeat(depth) + '}\n'.repeat(depth) + '}\n');
    const run = lint('nested', dir);
    expect(ruleIds(run)).toContain('nginx-syntax'); // "blocks nested deeper than 200 levels", at line 201
  });

  test('Terraform and CloudFormation: deep nesting, unterminated strings and heredocs, NUL bytes, a 5 MB string', () => {
    const dir = caseDir('cloud');
    const depth = 100_000;
    fs.writeFileSync(path.join(dir, 'nested.tf'), `x = ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    fs.writeFileSync(path.join(dir, 'blocks.tf'), `${'a {\n'.repeat(depth)}${'}\n'.repeat(depth)}`);
    fs.writeFileSync(path.join(dir, 'interp.tf'), `x = ${'"${'.repeat(depth)}\n`);
    fs.writeFileSync(path.join(dir, 'heredoc.tf'), 'x = <<EOF\nnever closed\n');
    fs.writeFileSync(path.join(dir, 'nul.tf'), 'resource "aws_lb" "a\u0000" {\n  idle_timeout = 1\u0000\n}\n');
    fs.writeFileSync(path.join(dir, 'long.tf'), `resource "aws_lb" "a" {\n  name = "${'a'.repeat(5 * 1024 * 1024)}"\n}\n`);
    fs.writeFileSync(path.join(dir, 'deep.tf.json'), `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
    fs.writeFileSync(path.join(dir, 'stack.yaml'), `AWSTemplateFormatVersion: '2010-09-09'\nResources: ${'['.repeat(depth)}\n`);
    const run = lint('cloud', dir);
    expect(ruleIds(run)).toContain('terraform-syntax');
    expect(ruleIds(run)).not.toContain('internal-error');
  });

  test('a 10 MB line', () => {
    const dir = caseDir('longline');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `http { server { server_name ${'a'.repeat(10 * 1024 * 1024)}; } }\n`);
    lint('10MB-line', dir);
  });

  test('unbalanced quotes at EOF', () => {
    const dir = caseDir('quotes');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'http {\n  server {\n    add_header X-A "never closed;\n    }\n}\n' + 'x'.repeat(1000));
    const run = lint('unbalanced-quote', dir);
    expect(run.status).toBe(1);
    expect(run.report!.findings.length).toBeGreaterThan(0);
  });

  test('NUL bytes and invalid UTF-8', () => {
    const dir = caseDir('binary');
    const bytes = Buffer.concat([
      Buffer.from('http {\n  server {\n    listen 80\0;\n    server_name '),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x00, 0x00]),
      Buffer.from(';\n  }\n}\n'),
    ]);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), bytes);
    fs.writeFileSync(path.join(dir, 'uwsgi.ini'), Buffer.concat([Buffer.from('[uwsgi]\nsocket = '), Buffer.from([0, 0xff, 0xc0]), Buffer.from('\n')]));
    lint('nul-invalid-utf8', dir);
  });

  test('BOM + CRLF', () => {
    const dir = caseDir('bom');
    const text =
      '\ufeffhttp {\r\n  upstream app {\r\n    server 127.0.0.1:8000;\r\n  }\r\n  server {\r\n    listen 80;\r\n    location / {\r\n      proxy_pass http://app;\r\n    }\r\n  }\r\n}\r\n';
    fs.writeFileSync(path.join(dir, 'nginx.conf'), text);
    const run = lint('bom-crlf', dir);
    // nginx reads the BOM as part of the first name: one positioned finding at 1:1, and the CRLF
    // line ends cause nothing.
    const syntax = (run.report?.findings ?? []).filter((f) => String(f.ruleId) === 'nginx-syntax');
    expect(syntax.map((f) => (f.primary as { start: { line: number; column: number } }).start)).toEqual([expect.objectContaining({ line: 1, column: 1 })]);
  });

  test('an unreadable directory', () => {
    if (typeof process.getuid === 'function' && process.getuid() === 0) {
      process.stdout.write('hostile: unreadable-directory skipped: running as root, which reads a mode-000 directory anyway\n');
      times.push('unreadable-dir skipped (root)');
      return;
    }
    const dir = caseDir('unreadable');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'http { include locked/*.conf; }\n');
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked);
    fs.writeFileSync(path.join(locked, 'a.conf'), 'server { listen 80; }\n');
    fs.chmodSync(locked, 0o000);
    try {
      lint('unreadable-dir', dir);
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });

  test('an include cycle', () => {
    const dir = caseDir('cycle');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'http { include a.conf; include nginx.conf; }\n');
    fs.writeFileSync(path.join(dir, 'a.conf'), 'include b.conf;\nserver { listen 80; }\n');
    fs.writeFileSync(path.join(dir, 'b.conf'), 'include a.conf;\ninclude *.conf;\n');
    const run = lint('include-cycle', dir);
    expect(ruleIds(run)).toContain('include-cycle');
  });

  test('a symlink loop', () => {
    const dir = caseDir('symlinks');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'http { include sub/*.conf; include sub/loop/sub/loop/*.conf; include a.conf; }\n');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'sub', 'x.conf'), 'server { listen 80; }\n');
    fs.symlinkSync('..', path.join(dir, 'sub', 'loop'));
    fs.symlinkSync('b.conf', path.join(dir, 'a.conf'));
    fs.symlinkSync('a.conf', path.join(dir, 'b.conf'));
    lint('symlink-loop', dir);
  });

  test('a glob matching 10k files', () => {
    const dir = caseDir('glob');
    const inc = path.join(dir, 'inc');
    fs.mkdirSync(inc);
    for (let i = 0; i < 10_000; i++) fs.writeFileSync(path.join(inc, `s${i}.conf`), `server { listen ${1024 + (i % 60000)}; server_name s${i}.example; }\n`);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp { include inc/*.conf; }\n');
    lint('glob-10k', dir);
  });

  test('an entrypoint writing 10k includes and 10k files into one directory under variable names', () => {
    const dir = caseDir('written');
    let script = '#!/bin/sh\n';
    let site = 'server {\n    listen 80;\n';
    for (let i = 0; i < 10_000; i++) {
      script += `cp /defaults/f${i}.conf /etc/nginx/gen/f${i}.conf\nenvsubst < /tpl/x > "/etc/nginx/gen/$NAME${i}.conf"\n`;
      site += `    include /etc/nginx/gen/f${i}.conf;\n`;
    }
    fs.writeFileSync(path.join(dir, 'entrypoint.sh'), script);
    fs.writeFileSync(path.join(dir, 'site.conf'), `${site}}\n`);
    const run = lint('written-10k', dir);
    // Each include is written by the script: info, never a warning.
    const missing = (run.report?.findings ?? []).filter((f) => f.ruleId === 'include-missing');
    expect(missing.length).toBe(10_000);
    expect(missing.every((f) => f.severity === 'info')).toBe(true);
  });

  test('a FIFO and /dev/null in the tree', () => {
    const dir = caseDir('special');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'http { include fifo.conf; include null.conf; include conf.d/*.conf; }\n');
    fs.mkdirSync(path.join(dir, 'conf.d'));
    const made = spawnSync('mkfifo', [path.join(dir, 'fifo.conf')]);
    const madeInConfD = spawnSync('mkfifo', [path.join(dir, 'conf.d', 'pipe.conf')]);
    expect(made.status).toBe(0);
    expect(madeInConfD.status).toBe(0);
    fs.symlinkSync('/dev/null', path.join(dir, 'null.conf'));
    fs.symlinkSync('/dev/null', path.join(dir, 'conf.d', 'null.conf'));
    lint('fifo-devnull', dir);
  });

  test('an empty file', () => {
    const dir = caseDir('empty');
    fs.writeFileSync(path.join(dir, 'nginx.conf'), '');
    fs.writeFileSync(path.join(dir, 'uwsgi.ini'), '');
    fs.writeFileSync(path.join(dir, 'gunicorn.conf.py'), '');
    lint('empty', dir);
  });

  test('XML billion laughs in server.xml is not expanded', () => {
    const dir = caseDir('laughs');
    const entities = ['<!ENTITY lol0 "lollollollollollollollollollol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Server [\n${entities.join('\n')}\n]>\n<Server port="8005" shutdown="&lol9;">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1" server="&lol9;"/>\n  </Service>\n</Server>\n`;
    fs.writeFileSync(path.join(dir, 'server.xml'), xml);
    const run = lint('billion-laughs', dir);
    expect(run.stdout.length).toBeLessThan(1024 * 1024);
    expect(run.stdout).not.toContain('lollollollollollollollollollollollollollollollollollollollollollollollollollollollollol');
  });

  test('XML external entity in server.xml is neither fetched nor read', () => {
    const dir = caseDir('xxe');
    const secret = path.join(dir, 'secret.txt');
    fs.writeFileSync(secret, 'XXE-SECRET-CONTENT-4711\n');
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Server [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n<!ENTITY y SYSTEM "file://${secret}">\n<!ENTITY z SYSTEM "http://127.0.0.1:9/xxe">\n]>\n<Server port="8005" shutdown="&x;">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1" server="&y;" proxyName="&z;"/>\n  </Service>\n</Server>\n`;
    fs.writeFileSync(path.join(dir, 'server.xml'), xml);
    const run = lint('xxe', dir);
    const passwd = fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0] : 'root:x:0:0';
    expect(run.stdout + run.stderr).not.toContain(passwd);
    expect(run.stdout + run.stderr).not.toContain('root:x:0:0');
    expect(run.stdout + run.stderr).not.toContain('XXE-SECRET-CONTENT-4711');
  });

  test('gunicorn.conf.py is read, never executed', () => {
    const dir = caseDir('gunicorn');
    const marker = path.join(dir, 'EXECUTED-MARKER');
    fs.writeFileSync(
      path.join(dir, 'gunicorn.conf.py'),
      `import os\nos.system("touch ${marker}")\nopen(${JSON.stringify(marker)}, "w").write("x")\n__import__("os").system("touch ${marker}")\nbind = "127.0.0.1:8000"\nworkers = eval("__import__('os').system('touch ${marker}') or 2")\n`,
    );
    lint('gunicorn-exec', dir);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('1 MB of self-referencing uWSGI placeholders', () => {
    const dir = caseDir('uwsgi');
    const lines = ['[uwsgi]', 'a = %(a)', 'b = %(c)', 'c = %(b)', 'socket = 127.0.0.1:%(a)'];
    // A chain that doubles on every line: expanded naively it is 2^n characters long.
    lines.push('k0 = xx');
    let size = lines.join('\n').length;
    for (let i = 1; size < 1024 * 1024; i++) {
      const line = i % 3 === 0 ? `a = %(a)%(a)` : `k${i} = %(k${i - 1})%(k${i - 1})`;
      lines.push(line);
      size += line.length + 1;
    }
    lines.push('http-socket = :%(k100)');
    fs.writeFileSync(path.join(dir, 'uwsgi.ini'), lines.join('\n') + '\n');
    const run = lint('uwsgi-placeholders', dir);
    expect(run.stdout.length).toBeLessThan(16 * 1024 * 1024);
  });
});

/**
 * Output sanitising (issue 13): a tree whose values, names and paths carry line breaks, workflow
 * commands, terminal escapes, Markdown and a Mermaid directive, run through every output channel of
 * the built CLI and of the Action bundle. Nothing from the tree may start a line, reach the output
 * as a raw control character, or form a `##[` command, a `%%{` directive or a broken table row.
 */
describe('output sanitising', () => {
  const ESC = '\x1b';
  const BEL = '\x07';
  const SECRET = `s3cr3t-${process.pid}-${Date.now()}`;
  const action = path.join(root, 'dist-action', 'index.js');
  /** Raw controls other than the line feed that ends each line, and the Unicode ones terminals act on. */
  // eslint-disable-next-line no-control-regex -- the output must hold no raw control character
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  /** GitHub annotations: everything up to the second `::` is the command and its encoded properties. */
  const ANNOTATION = /^::(error|warning|notice) file=[^:\r\n]*::/;

  /** The hostile tree; returns the directory whose name holds a line break and a workflow command. */
  function writeHostileTree(dir: string): void {
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        'http {',
        '  upstream app { server 127.0.0.1:8000; keepalive 16; }',
        '  server {',
        '    listen 80;',
        `    server_name "%%{init: {'theme':'dark'}}%%" "a${ESC}]0;owned${BEL}b" "x\`|y\rz";`,
        '    keepalive_timeout "5x\n::add-mask::SECRETVALUE\n::stop-commands::x ##[add-mask]q";',
        `    send_timeout "1\`|x\ry<img src=x>${ESC}]52;c;AAAA${BEL}\u202e";`,
        '    location / { proxy_pass http://app; }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    // uWSGI's `%[` makes an ESC of its own.
    fs.writeFileSync(path.join(dir, 'uwsgi.ini'), '[uwsgi]\nhttp-socket = 127.0.0.1:8000\nharakiri = %[[31mthirty\n');
    const evil = path.join(dir, 'evil\n::error::dir');
    fs.mkdirSync(evil);
    fs.writeFileSync(path.join(evil, 'nginx.conf'), 'events {}\nhttp { server { listen 81; bogus_directive on; } }\n');
  }

  function run(name: string, file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, file, ...args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, SECRET_TOKEN: SECRET, ...options.env },
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    times.push(`${name} ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
    expect({ name, error: result.error?.message, signal: result.signal }).toEqual({ name, error: undefined, signal: null });
    expect({ name, stack: /^\s{4}at /m.test(result.stderr) }).toEqual({ name, stack: false });
    return result;
  }

  /**
   * Invariants of text a runner reads as a log: no raw control, no `##[`, no line starting with `::`
   * (after leading spaces, as the runner trims them), no secret. Stylish's own `::: file:line` marker
   * is allowed: the runner reads the third colon as the start of a command name, which no command has.
   */
  function expectSafeLog(name: string, text: string, lineStart: 'annotations' | 'no-commands'): void {
    expect({ name, control: RAW_CONTROL.exec(text)?.[0] }).toEqual({ name, control: undefined });
    expect({ name, secret: text.includes(SECRET) }).toEqual({ name, secret: false });
    for (const line of text.split('\n')) {
      if (lineStart === 'annotations') {
        if (line !== '') expect({ name, line, annotation: ANNOTATION.test(line) }).toEqual({ name, line, annotation: true });
      } else {
        expect({ name, line, command: /^::(?!: )/.test(line.trimStart()) || line.includes('##[') }).toEqual({ name, line, command: false });
      }
    }
  }

  let dir: string;
  beforeAll(() => {
    dir = caseDir('sanitise');
    writeHostileTree(dir);
  });

  test("stylish: hostile values, paths and uWSGI escapes shown escaped on cfglint's own lines", () => {
    const result = run('sanitise-stylish', cli, ['.'], { cwd: dir });
    expect(result.status).toBe(1);
    expectSafeLog('stylish', result.stdout + result.stderr, 'no-commands');
    // The hostile text is there, escaped: this is what proves the checks above saw it.
    expect(result.stdout).toContain('Invalid value "5x\\n::add-mask::SECRETVALUE\\n::stop-commands::x ##\\x5badd-mask]q"');
    expect(result.stdout).toContain(' --> evil\\n::error::dir/nginx.conf:2:28');
    expect(result.stdout).toContain('uWSGI reads "\\x1b[31mthirty"');
    // That value is in a help, printed on a `= help:` line of cfglint's own.
    expect(result.stdout).toMatch(/^ *= help: uWSGI reads "\\x1b\[31mthirty" with atoi/m);
    expect(result.stdout).toContain('\\x1b]52;c;AAAA\\x07\\u202e');
  });

  test('github: one annotation per line, data and properties encoded, controls dropped', () => {
    const result = run('sanitise-github', cli, ['-f', 'github', '.'], { cwd: dir });
    expect(result.status).toBe(1);
    expectSafeLog('github', result.stdout, 'annotations');
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('::error file=evil%0A%3A%3Aerror%3A%3Adir/nginx.conf,line=2,');
    expect(result.stdout).toContain('Invalid value "5x%0A::add-mask::SECRETVALUE%0A::stop-commands::x ##[add-mask]q"');
    expect(result.stdout).toContain('Invalid value "1`|x%0Dy<img src=x>]52;c;AAAA" in "send_timeout"');
    // The help follows an encoded blank line, its ESC dropped like the message's.
    expect(result.stdout).toContain('%0A%0Ahelp: uWSGI reads "[31mthirty" with atoi');
  });

  test('json and sarif: valid JSON that decodes to the hostile values, nothing raw in the text', () => {
    for (const format of ['json', 'sarif']) {
      const result = run(`sanitise-${format}`, cli, ['-f', format, '.'], { cwd: dir });
      expect(result.status).toBe(1);
      expectSafeLog(format, result.stdout, 'no-commands');
      const messages = JSON.stringify(JSON.parse(result.stdout));
      // Decoded, the values are intact: sanitising JSON changes its text, never its data.
      expect(messages).toContain(JSON.stringify('5x\n::add-mask::SECRETVALUE\n::stop-commands::x ##[add-mask]q').slice(1, -1));
      // So is the help's (json: its own field; sarif: the result text after the message).
      expect(messages).toContain(JSON.stringify('uWSGI reads "\x1b[31mthirty" with atoi').slice(1, -1));
    }
  });

  test('--list-files: paths from the tree shown escaped in text, intact once JSON is decoded', () => {
    const text = run('sanitise-list-files', cli, ['--list-files', '.'], { cwd: dir });
    expect(text.status).toBe(0);
    expectSafeLog('list-files', text.stdout + text.stderr, 'no-commands');
    // The file named `evil<LF>::error::dir` holds nginx.conf: its line starts with the escaped name.
    expect(text.stdout).toMatch(/^evil\\n::error::dir\/nginx\.conf +nginx /m);
    const json = run('sanitise-list-files-json', cli, ['--list-files', '--format', 'json', '.'], { cwd: dir });
    expect(json.status).toBe(0);
    expectSafeLog('list-files-json', json.stdout, 'no-commands');
    expect((JSON.parse(json.stdout) as { file: string }[]).map((entry) => entry.file)).toContain('evil\n::error::dir/nginx.conf');
  });

  test('gitlab: valid JSON, descriptions on one line with the escapes visible, paths kept as data', () => {
    const result = run('sanitise-gitlab', cli, ['-f', 'gitlab', '.'], { cwd: dir });
    expect(result.status).toBe(1);
    expectSafeLog('gitlab', result.stdout, 'no-commands');
    const issues = JSON.parse(result.stdout) as { description: string; location: { path: string } }[];
    const keepalive = issues.find((issue) => issue.description.includes('"keepalive_timeout"'));
    expect(keepalive?.description).toBe('Invalid value "5x\\n::add-mask::SECRETVALUE\\n::stop-commands::x ##\\x5badd-mask]q" in "keepalive_timeout"');
    expect(issues.map((issue) => issue.location.path)).toContain('evil\n::error::dir/nginx.conf');
    // The help goes to content.body as Markdown: the ESC shown escaped (its backslash escaped), `[` escaped.
    const units = (issues as { check_name?: string; content?: { body: string } }[]).find((issue) => issue.check_name === 'uwsgi-value-units');
    expect(units?.content?.body).toContain('uWSGI reads "\\\\x1b\\[31mthirty" with atoi');
  });

  test('junit and checkstyle: well-formed XML, control characters shown escaped, markup as entities', () => {
    for (const format of ['junit', 'checkstyle']) {
      const result = run(`sanitise-${format}`, cli, ['-f', format, '.'], { cwd: dir });
      expect(result.status).toBe(1);
      expectSafeLog(format, result.stdout, 'no-commands');
      expect({ format, problems: xmlProblems(result.stdout) }).toEqual({ format, problems: [] });
      expect(result.stdout).toContain('Invalid value &quot;5x\\n::add-mask::SECRETVALUE\\n::stop-commands::x ##\\x5badd-mask]q&quot;');
      expect(result.stdout).toContain('Invalid value &quot;1`|x\\ry&lt;img src=x&gt;\\x1b]52;c;AAAA\\x07\\u202e&quot;');
      expect(result.stdout).toContain(' name="evil\\n::error::dir/nginx.conf"');
      expect(result.stdout).toContain('help: uWSGI reads &quot;\\x1b[31mthirty&quot; with atoi');
    }
  });

  test('graph: Mermaid has no %% and no raw brackets or quotes from the tree; DOT strings stay closed', () => {
    const mermaid = run('sanitise-mermaid', cli, ['graph', '.'], { cwd: dir });
    expect(mermaid.status).toBe(0);
    expectSafeLog('mermaid', mermaid.stdout, 'no-commands');
    expect(mermaid.stdout).not.toContain('%%');
    expect(mermaid.stdout).toContain(
      'server #37;#37;#123;init: #123;#39;theme#39;:#39;dark#39;#125;#125;#37;#37; a\\x1b#93;0;owned\\x07b x#96;#124;y\\rz<br/>listen 80',
    );
    // Each node is one statement: an id, `["`, the label, `"]`.
    for (const line of mermaid.stdout.split('\n').filter((l) => /^ {2}\w+\["/.test(l))) expect(line).toMatch(/^ {2}\w+\["[^"]*"\]$/);

    const dot = run('sanitise-dot', cli, ['graph', '--format', 'dot', '.'], { cwd: dir });
    expect(dot.status).toBe(0);
    expectSafeLog('dot', dot.stdout, 'no-commands');
    // In a DOT string the escapes' backslashes are doubled, so Graphviz prints them.
    expect(dot.stdout).toContain('a\\\\x1b]0;owned\\\\x07b x`|y\\\\rz');
    // Every label's string ends where it should: an even number of unescaped quotes per line.
    for (const line of dot.stdout.split('\n')) expect(line.replace(/\\\\/g, '').replace(/\\"/g, '').split('"').length % 2).toBe(1);
  });

  test('the Action: annotations, a summary table that keeps its rows, Mermaid without %%, and outputs that a newline in sarif-file cannot extend', () => {
    const base = caseDir('sanitise-action');
    const workspace = path.join(base, 'workspace');
    fs.mkdirSync(workspace);
    writeHostileTree(workspace);
    const summaryFile = path.join(base, 'summary.md');
    const outputFile = path.join(base, 'output');
    fs.writeFileSync(summaryFile, '');
    fs.writeFileSync(outputFile, '');
    const sarifInput = 'results/x\nfindings=0\nsarif-file=/etc/passwd';
    const result = run('sanitise-action', action, [], {
      cwd: base,
      env: {
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: workspace,
        GITHUB_STEP_SUMMARY: summaryFile,
        GITHUB_OUTPUT: outputFile,
        INPUT_PATHS: '.',
        INPUT_FORMAT: 'github',
        'INPUT_FAIL-ON': '',
        INPUT_CONFIG: '',
        'INPUT_SARIF-FILE': sarifInput,
      },
    });
    expect(result.status).toBe(1);
    expectSafeLog('action-stdout', result.stdout, 'annotations');

    const summary = fs.readFileSync(summaryFile, 'utf8');
    expect({ control: RAW_CONTROL.exec(summary)?.[0] }).toEqual({ control: undefined });
    expect(summary).not.toContain(SECRET);
    const rows = summary.split('\n').filter((line) => line.startsWith('| '));
    expect(rows.length).toBe(2 + 6); // header, separator, one row per finding
    for (const row of rows) {
      // Four cells: five pipes that no backslash escapes, and no backtick that could open a code span.
      expect({ row, pipes: row.match(/(?<!\\)\|/g)?.length }).toEqual({ row, pipes: 5 });
      expect({ row, backtick: /(?<!\\)`/.test(row) }).toEqual({ row, backtick: false });
      expect({ row, html: /<(?!\/?code>|br>)/.test(row) }).toEqual({ row, html: false });
    }
    // Backtick, pipe, `]` and `_` backslash-escaped, CR as <br>, HTML as entities, controls shown escaped (their backslash escaped).
    expect(summary).toContain('Invalid value "1\\`\\|x<br>y&lt;img src=x&gt;\\\\x1b\\]52;c;AAAA\\\\x07\\\\u202e" in "send\\_timeout"');
    expect(summary).toContain('<br>help: uWSGI reads "\\\\x1b\\[31mthirty" with atoi');
    const mermaid = /```mermaid\n([^]*?)```/.exec(summary)![1];
    expect(mermaid).not.toContain('%%');

    // Read GITHUB_OUTPUT as the runner does: `name=value` lines, or `name<<DELIMITER` up to the delimiter line.
    const outputs: Record<string, string> = {};
    const lines = fs.readFileSync(outputFile, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
      if (heredoc) {
        const end = lines.indexOf(heredoc[2], i + 1);
        outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
        i = end;
      } else if (lines[i] !== '') {
        const [name, ...value] = lines[i].split('=');
        outputs[name] = value.join('=');
      }
    }
    expect(outputs).toEqual({ findings: '6', 'sarif-file': path.join(workspace, sarifInput) });
  });

  test('cfglint . | head -1: a reader that leaves early ends the run quietly, exit code as usual', async () => {
    const big = caseDir('sanitise-epipe');
    // ~1 MB of stylish output, far more than a pipe holds, so the write meets the closed pipe.
    // One port per server, so that the first line stays the invalid-value of the first server (3000 servers on one port would be an nginx-default-server info first).
    fs.writeFileSync(
      path.join(big, 'nginx.conf'),
      `http {\n${Array.from({ length: 3000 }, (_, i) => `  server { listen ${8000 + i}; send_timeout ${i}x; }\n`).join('')}}\n`,
    );
    for (const [failOn, expected] of [
      ['never', 0],
      ['error', 1],
    ] as const) {
      const child = spawn(process.execPath, [cli, '--fail-on', failOn, '.'], {
        cwd: big,
        env: { PATH: process.env.PATH, SECRET_TOKEN: SECRET },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      let first = '';
      child.stdout.once('data', (chunk: Buffer) => {
        first = chunk.toString('utf8').split('\n')[0];
        child.stdout.destroy();
      });
      const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      expect(first).toMatch(/^error\[invalid-value\]: Invalid value "0x" in "send_timeout"/);
      expect({ failOn, status, stderr }).toEqual({ failOn, status: expected, stderr: '' });
    }
  }, 60_000);
});

/**
 * Inputs of a few megabytes that once cost quadratic or exponential work: each tree also holds a
 * small uWSGI config with a misspelt option (the canary), which must still be reported, and each
 * run must end well within the 20 s budget.
 */
describe('bounded work', () => {
  const BUDGET_MS = 20_000;
  const CANARY = 'canary/uwsgi.ini';

  /** A case directory with the canary in it. */
  function boundedCase(name: string): string {
    const dir = caseDir(`bounded-${name}`);
    fs.mkdirSync(path.join(dir, 'canary'));
    fs.writeFileSync(path.join(dir, CANARY), '[uwsgi]\nhttp-socket = :8000\nprocesess = 4\n');
    return dir;
  }

  /** Lints, and checks the time budget and that the canary's misspelt option (line 3) is still reported. */
  function lintBounded(name: string, dir: string, extra: string[] = []): Run {
    const run = lint(`bounded-${name}`, dir, extra);
    expect({ name, withinBudget: run.ms < BUDGET_MS }).toEqual({ name, withinBudget: true });
    expect([0, 1]).toContain(run.status);
    const canary = run.report!.findings.filter((f) => f.ruleId === 'uwsgi-unknown-option' && (f.primary as { file: string }).file === CANARY);
    expect(canary.map((f) => (f.primary as { start: { line: number } }).start.line)).toEqual([3]);
    return run;
  }

  const findingsOf = (run: Run, ruleId: string, file: string) =>
    run.report!.findings.filter((f) => f.ruleId === ruleId && (f.primary as { file: string }).file === file) as Array<{
      message: string;
      help?: string;
      primary: { start: { line: number; column: number } };
    }>;

  test('did-you-mean on names of 100,000 characters', () => {
    const dir = boundedCase('suggest');
    const long = 'proxy_pass'.repeat(10_000);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), `events {}\nhttp {\n    ${long} on;\n}\n`);
    fs.writeFileSync(path.join(dir, 'uwsgi.ini'), `[uwsgi]\nhttp-socket = :9000\n${'harakiri'.repeat(12_500)} = 30\n`);
    fs.writeFileSync(path.join(dir, 'gunicorn.conf.py'), `${'workers'.repeat(14_000)} = 4\n`);
    const run = lintBounded('suggest', dir);
    const unknown = findingsOf(run, 'nginx-unknown-directive', 'nginx.conf');
    expect(unknown.map((f) => [f.primary.start.line, f.primary.start.column])).toEqual([[3, 5]]);
    expect(unknown[0].message).not.toContain('did you mean');
    expect(unknown[0].help).not.toContain('did you mean');
    expect(findingsOf(run, 'uwsgi-unknown-option', 'uwsgi.ini').map((f) => f.primary.start.line)).toEqual([3]);
  });

  test('an envsubst template of the official nginx image: 500,000 placeholders of a 4,000-character value', () => {
    const dir = boundedCase('envsubst');
    fs.mkdirSync(path.join(dir, 'templates'));
    // Written out, every placeholder would be 2 GB (each value below nginx's 4095-byte token limit):
    // past the rendering's budget values are unknown.
    fs.writeFileSync(
      path.join(dir, 'templates/default.conf.template'),
      `server {\n    listen 80;\n${'    add_header X-A $A;\n'.repeat(500_000)}    keepalive_timeout \${T};\n}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'docker-compose.yml'),
      `services:\n  nginx:\n    image: nginx\n    volumes:\n      - ./templates:/etc/nginx/templates\n    environment:\n      A: ${'a'.repeat(4_000)}\n      T: banana\n`,
    );
    const run = lintBounded('envsubst', dir);
    // The value substituted at the last line is still judged, at its placeholder in the template.
    const onValue = run.report!.findings.filter(
      (f) => (f.primary as { file: string }).file === 'templates/default.conf.template' && String(f.message).includes('banana'),
    ) as Array<{ primary: { start: { line: number; column: number } } }>;
    expect(onValue.map((f) => [f.primary.start.line, f.primary.start.column])).toEqual([[500_003, 23]]);
  });

  test('60,000 suppressions, each covering a finding', () => {
    const dir = boundedCase('suppressions');
    const lines = ['[uwsgi]', 'http-socket = :9000'];
    for (let i = 0; i < 60_000; i++) lines.push('# cfglint-disable-next-line uwsgi-unknown-option -- generated', `zz${i} = 1`);
    fs.writeFileSync(path.join(dir, 'uwsgi.ini'), lines.join('\n') + '\n');
    const run = lintBounded('suppressions', dir);
    expect(findingsOf(run, 'uwsgi-unknown-option', 'uwsgi.ini')).toEqual([]);
    expect((run.report as unknown as { summary: { suppressed: number } }).summary.suppressed).toBe(60_000);
  });

  test('line scans: a 4 MB uWSGI ini, a 300,000-line limits.conf, a 300,000-element server.xml', () => {
    const dir = boundedCase('scans');
    // Lines without NUL or "=" in another section: each once searched to the end of the file.
    fs.writeFileSync(path.join(dir, 'uwsgi.ini'), `[uwsgi]\nhttp-socket = :9000\n[other]\n${'novalue\n'.repeat(500_000)}`);
    fs.mkdirSync(path.join(dir, 'etc/security'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'etc/security/limits.conf'),
      `${Array.from({ length: 300_000 }, (_, i) => `user${i % 1000} soft nofile ${1024 + i}`).join('\n')}\nbad line\n`,
    );
    fs.mkdirSync(path.join(dir, 'conf'));
    fs.writeFileSync(
      path.join(dir, 'conf/server.xml'),
      `<Server port="8005" shutdown="SHUTDOWN">\n${'  <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>\n'.repeat(300_000)}  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="x"/>\n  </Service>\n</Server>\n`,
    );
    const run = lintBounded('scans', dir);
    // The one bad limits.conf line, at the end, is found in its place.
    expect(findingsOf(run, 'limits-syntax', 'etc/security/limits.conf').map((f) => f.primary.start.line)).toEqual([300_001]);
    expect(run.report!.findings.filter((f) => String(f.ruleId) === 'internal-error')).toEqual([]);
  });

  test('server.xml with 50,000 open elements and as many end tags that match none', () => {
    const dir = boundedCase('xml-nesting');
    fs.mkdirSync(path.join(dir, 'conf'));
    fs.writeFileSync(
      path.join(dir, 'conf/server.xml'),
      `<Server port="8005" shutdown="SHUTDOWN">\n${'<a>\n'.repeat(50_000)}${'</b>\n'.repeat(50_000)}</Server>\n`,
    );
    const run = lintBounded('xml-nesting', dir);
    expect(run.report!.findings.some((f) => (f.primary as { file: string }).file === 'conf/server.xml')).toBe(true);
  });

  test('value chains that double: gunicorn, Tomcat, Spring, Dockerfile, shell, Kubernetes', () => {
    const dir = boundedCase('chains');
    fs.mkdirSync(path.join(dir, 'gunicorn'));
    fs.writeFileSync(
      path.join(dir, 'gunicorn/gunicorn.conf.py'),
      `a = "x"\n${'a = a + a\n'.repeat(30)}b = ("x",)\n${'b = (b, b)\n'.repeat(30)}bind = a\nproc_name = a\nraw_env = b\n`,
    );
    fs.mkdirSync(path.join(dir, 'tomcat/conf'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'tomcat/conf/server.xml'),
      '<Server port="8005" shutdown="SHUTDOWN"><Service name="C"><Connector port="${p30}" protocol="HTTP/1.1"/></Service></Server>\n',
    );
    fs.writeFileSync(
      path.join(dir, 'tomcat/conf/catalina.properties'),
      `p0=8080\n${Array.from({ length: 30 }, (_, i) => `p${i + 1}=\${p${i}}\${p${i}}\${p${i}}`).join('\n')}\n`,
    );
    const spring = path.join(dir, 'spring/src/main/resources');
    fs.mkdirSync(spring, { recursive: true });
    const wide = Array.from({ length: 10 }, (_, i) => `p${i + 1}=${`\${p${i}}`.repeat(8)}`).join('\n');
    fs.writeFileSync(
      path.join(spring, 'application.properties'),
      `p0=8\n${wide}\nserver.port=\${p10}\nserver.address=${'${a:'.repeat(50_000)}x${'}'.repeat(50_000)}\n`,
    );
    fs.mkdirSync(path.join(dir, 'docker'));
    fs.writeFileSync(
      path.join(dir, 'docker/Dockerfile'),
      `FROM python:3.12\nENV A0=xx\n${Array.from({ length: 40 }, (_, i) => `ENV A${i + 1}=\${A${i}}\${A${i}}`).join('\n')}\nCMD gunicorn --bind 0.0.0.0:8000 --name $A40 app:app\n`,
    );
    fs.mkdirSync(path.join(dir, 'shell'));
    fs.writeFileSync(path.join(dir, 'shell/start.sh'), `#!/bin/sh\nA=xx\n${'A="$A$A"\n'.repeat(40)}exec gunicorn --bind 0.0.0.0:8001 --name "$A" app:app\n`);
    fs.mkdirSync(path.join(dir, 'k8s'));
    const k8sEnv = Array.from({ length: 40 }, (_, i) => `            - name: A${i + 1}\n              value: "$(A${i})$(A${i})"`).join('\n');
    fs.writeFileSync(
      path.join(dir, 'k8s/app.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          command: ["gunicorn", "--bind", "0.0.0.0:8002", "--name", "$(A40)", "--log-file", "${'$(X)x'.repeat(200_000)}"]\n          env:\n            - name: A0\n              value: "xx"\n${k8sEnv}\n`,
    );
    const run = lintBounded('chains', dir);
    expect(run.report!.findings.filter((f) => String(f.ruleId) === 'internal-error')).toEqual([]);
    // No value of 64 KiB or more reaches the output.
    expect(run.stdout.length).toBeLessThan(4 * 1024 * 1024);
  });

  test('a Spring YAML file of 100,000 keys', () => {
    const dir = boundedCase('yaml-keys');
    const resources = path.join(dir, 'app/src/main/resources');
    fs.mkdirSync(resources, { recursive: true });
    fs.writeFileSync(
      path.join(resources, 'application.yml'),
      `server:\n  port: 8080\n${Array.from({ length: 100_000 }, (_, i) => `k${i}:\n  v: ${i}`).join('\n')}\nserver: again\n`,
    );
    const run = lintBounded('yaml-keys', dir);
    // The key given twice (SnakeYAML refuses the file) is found at the end, line 200,003.
    const yaml = run.report!.findings.filter((f) => (f.primary as { file: string }).file === 'app/src/main/resources/application.yml');
    expect(yaml.map((f) => (f.primary as { start: { line: number } }).start.line)).toContain(200_003);
  });
});
