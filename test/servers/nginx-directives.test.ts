/**
 * The directive rules against nginx itself (`npm run test:servers`): for generated and curated
 * configs, cfglint's verdict must match `nginx -t`'s — accepted or rejected, and when rejected,
 * the line nginx names. No server is started: only `nginx -t -p <tmp>/ -c <tmp>/nginx.conf`,
 * bounded by a 10 s timeout.
 *
 * Generated cases come from cfglint's own directive table (so the table is what is tested): a
 * misspelt name, a directive in a block that does not allow it, a wrong number of arguments, a
 * flag that is not on/off, and a repeated flag. Values never matter for these: nginx checks the
 * name, the block and the argument count before a directive's handler reads its values.
 *
 * Marked, not counted as disagreements:
 * - version: the directive appeared after the nginx under test (cfglint runs with that version,
 *   so these usually agree as well; they are counted apart);
 * - module: the binary does not know a directive cfglint knows (a module Debian does not build,
 *   NGINX Plus, njs, stream and mail when their dynamic modules are not installed). Found by
 *   probing the binary: `unknown directive` for a name the table has.
 * cfglint's verdict for nginx-proxy-buffers is compared as accepted/rejected only: nginx names
 * the line where it merges the settings (the end of the block), cfglint the directive.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { memoryFileSystem } from '../../src/discovery/fs';
import { lintSync } from '../../src/engine/run';
import { acceptsCount, DirectiveSpec, DirectiveTable, MANY_ARGS } from '../../src/reference/nginx/directives';
import { compareVersions, parseVersion } from '../../src/reference/nginx/version';

const NGINX_TIMEOUT_MS = 10_000;

function findNginx(): { binary: string; version: string } | undefined {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    const result = spawnSync(candidate, ['-v'], { encoding: 'utf8', timeout: NGINX_TIMEOUT_MS });
    const version = /nginx\/(\d+\.\d+\.\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
    if (!result.error && result.status === 0 && version) return { binary: candidate, version };
  }
  return undefined;
}

const NGINX = findNginx();

/** The ids whose findings mean "nginx refuses to start". */
const STARTUP_IDS = new Set([
  'nginx-unknown-directive',
  'nginx-directive-context',
  'nginx-directive-args',
  'nginx-duplicate-directive',
  'nginx-proxy-buffers',
  'nginx-syntax',
  'invalid-value',
  'include-missing',
]);

interface Case {
  name: string;
  kind: 'generated' | 'curated';
  conf: string;
  /** Extra files next to nginx.conf. */
  files?: Record<string, string>;
  /** The directive the case is about, for version / module marking. */
  directive?: string;
}

interface Verdict {
  accepted: boolean;
  line?: number;
  message?: string;
}

function nginxVerdict(testCase: Case): Verdict {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-directives-'));
  try {
    fs.writeFileSync(path.join(dir, 'nginx.conf'), testCase.conf);
    for (const [name, text] of Object.entries(testCase.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    const result = spawnSync(
      NGINX!.binary,
      ['-t', '-q', '-e', path.join(dir, 'error.log'), '-p', dir + '/', '-c', path.join(dir, 'nginx.conf'), '-g', `pid ${path.join(dir, 'nginx.pid')};`],
      {
        encoding: 'utf8',
        timeout: NGINX_TIMEOUT_MS,
      },
    );
    if (result.status === 0) return { accepted: true };
    const emerg = `${result.stderr}`.split('\n').find((line) => line.includes('[emerg]')) ?? `${result.stderr}`.trim();
    const at = / in (\S+):(\d+)\s*$/.exec(emerg);
    return {
      accepted: false,
      line: at ? Number(at[2]) : undefined,
      message: emerg
        .replace(/^.*\[emerg\] (\d+#\d+: )?/, '')
        .split(dir + '/')
        .join(''),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function cfglintVerdict(testCase: Case): Verdict & { ruleId?: string } {
  const tree: Record<string, string> = { 'nginx.conf': testCase.conf, ...testCase.files };
  const findings = lintSync({
    paths: ['nginx.conf'],
    cwd: '/tree',
    fs: memoryFileSystem(tree, '/tree'),
    config: {},
    nginxVersion: NGINX!.version,
  }).report.findings.filter((f) => STARTUP_IDS.has(f.ruleId) && f.severity !== 'info');
  if (findings.length === 0) return { accepted: true };
  // nginx stops at the first problem in reading order; nginx.conf first, then what it includes.
  const first = [...findings].sort(
    (a, b) => (a.primary.file === 'nginx.conf' ? 0 : 1) - (b.primary.file === 'nginx.conf' ? 0 : 1) || a.primary.start.offset - b.primary.start.offset,
  )[0];
  return { accepted: false, line: first.primary.start.line, message: first.message, ruleId: first.ruleId };
}

// ---- generated cases ----------------------------------------------------------------------

/** Where a generated directive is put, and the line it lands on. */
const PLACES: Record<string, (line: string) => { conf: string; line: number }> = {
  main: (d) => ({ conf: `${d}\nevents {}\nhttp {}\n`, line: 1 }),
  events: (d) => ({ conf: `events {\n    ${d}\n}\nhttp {}\n`, line: 2 }),
  http: (d) => ({ conf: `events {}\nhttp {\n    ${d}\n}\n`, line: 3 }),
  server: (d) => ({ conf: `events {}\nhttp {\n    server {\n        ${d}\n    }\n}\n`, line: 4 }),
  location: (d) => ({ conf: `events {}\nhttp {\n    server {\n        location / {\n            ${d}\n        }\n    }\n}\n`, line: 5 }),
  upstream: (d) => ({
    conf: `events {}\nhttp {\n    upstream u {\n        server 127.0.0.1:8000;\n        ${d}\n    }\n    server { location / { proxy_pass http://u; } }\n}\n`,
    line: 5,
  }),
};
const PLACE_NAMES = Object.keys(PLACES);

/** A deterministic sample: every `step`-th entry. */
const sample = <T>(list: T[], count: number): T[] => {
  const step = Math.max(1, Math.floor(list.length / count));
  return list.filter((_, i) => i % step === 0).slice(0, count);
};

function generatedCases(table: DirectiveTable): Case[] {
  const names = [...table.names()].filter((name) => /^[a-z][a-z0-9_]+$/.test(name) && name !== 'include').sort();
  const specsOf = (name: string) => table.lookup(name).filter((spec) => spec.origin === 'nginx');
  const allowedPlaces = (specs: readonly DirectiveSpec[]) => PLACE_NAMES.filter((place) => specs.some((spec) => spec.contexts.has(place)));
  const cases: Case[] = [];

  // Misspelt names: one letter dropped from a known name (not itself a known name).
  for (const name of sample(names, 40)) {
    const wrong = name.slice(0, -2) + name.slice(-1);
    if (table.lookup(wrong).length > 0 || wrong === name) continue;
    const { conf } = PLACES.location(`${wrong} x;`);
    cases.push({ name: `unknown: ${wrong}`, kind: 'generated', conf });
  }

  // A directive in a block that does not allow it (one of the six places above).
  for (const name of sample(names, 120)) {
    const specs = specsOf(name);
    if (specs.length === 0) continue;
    const allowed = allowedPlaces(specs);
    const wrongPlace = PLACE_NAMES.find((place) => !allowed.includes(place) && !specs.some((spec) => spec.contexts.has('any')));
    if (!wrongPlace) continue;
    const block = specs.every((spec) => spec.block);
    const { conf } = PLACES[wrongPlace](block ? `${name} x { }` : `${name} x;`);
    cases.push({ name: `context: ${name} in ${wrongPlace}`, kind: 'generated', conf, directive: name });
  }

  // A wrong number of arguments, where the directive is allowed (non-block directives only).
  for (const name of sample(names, 120)) {
    const specs = specsOf(name).filter((spec) => !spec.block);
    const place = allowedPlaces(specs)[0];
    if (!place || specs.length === 0) continue;
    const here = specs.filter((spec) => spec.contexts.has(place));
    let count = -1;
    for (let n = 0; n < MANY_ARGS && count === -1; n++) if (!here.some((spec) => acceptsCount(spec.args, n))) count = n;
    if (count === -1) continue;
    const args = Array.from({ length: count }, (_, i) => `a${i}`).join(' ');
    const { conf } = PLACES[place](`${name}${args ? ' ' + args : ''};`);
    cases.push({ name: `args: ${name} with ${count}`, kind: 'generated', conf, directive: name });
  }

  // Flags: a value that is not on/off, a repeated flag, and a valid `off`.
  const flags = names.filter((name) => {
    const specs = specsOf(name);
    return specs.length > 0 && specs.every((spec) => spec.flag && spec.rejectsDuplicate) && allowedPlaces(specs).length > 0;
  });
  for (const name of sample(flags, 30)) {
    const place = allowedPlaces(specsOf(name))[0];
    cases.push({ name: `flag: ${name} maybe in ${place}`, kind: 'generated', conf: PLACES[place](`${name} maybe;`).conf, directive: name });
    cases.push({ name: `duplicate: ${name} twice in ${place}`, kind: 'generated', conf: PLACES[place](`${name} off;\n${name} off;`).conf, directive: name });
    cases.push({ name: `valid: ${name} off in ${place}`, kind: 'generated', conf: PLACES[place](`${name} off;`).conf, directive: name });
  }
  return cases;
}

// ---- curated cases ------------------------------------------------------------------------

const H = (http: string) => `events {\n    worker_connections 64;\n}\nhttp {\n${http}}\n`;
const LOC = (body: string) => H(`    server {\n        listen 127.0.0.1:8081;\n        location / {\n${body}        }\n    }\n`);

const CURATED: Omit<Case, 'kind'>[] = [
  {
    name: 'a plain reverse proxy',
    conf: LOC('            proxy_pass http://127.0.0.1:8000;\n            proxy_set_header Host $host;\n            proxy_read_timeout 30s;\n'),
  },
  {
    name: 'upstream with keepalive, HTTP/1.1',
    conf: H(
      '    upstream app {\n        server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;\n        keepalive 16;\n    }\n    server {\n        listen 127.0.0.1:8081;\n        location / {\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n            proxy_pass http://app;\n        }\n    }\n',
    ),
  },
  {
    name: 'if, return and rewrite in server and location',
    conf: H(
      '    server {\n        listen 127.0.0.1:8081;\n        if ($host = a) { return 301 https://b$request_uri; }\n        location / {\n            if ($arg_x) { rewrite ^ /y break; }\n            limit_except GET { deny all; }\n            root /tmp;\n        }\n    }\n',
    ),
  },
  {
    name: 'map, types, geo and split_clients are data',
    conf: H(
      '    map $http_upgrade $c { default upgrade; "" close; }\n    geo $g { default 0; 10.0.0.0/8 1; }\n    split_clients "${remote_addr}" $v { 50% a; * b; }\n    types { text/html html; }\n',
    ),
  },
  {
    name: 'events and main-level directives',
    conf: 'worker_processes 1;\nworker_rlimit_nofile 1024;\nevents {\n    worker_connections 64;\n    multi_accept on;\n}\nhttp {}\n',
  },
  { name: 'a misspelt directive in a location', conf: LOC('            proxy_read_timout 30s;\n') },
  {
    name: 'a misspelt directive in an included file',
    conf: H('    include conf.d/*.conf;\n'),
    files: { 'conf.d/app.conf': 'server {\n    listen 127.0.0.1:8081;\n    server_nam a;\n}\n' },
  },
  { name: 'proxy_pass in http', conf: H('    proxy_pass http://127.0.0.1:8000;\n') },
  { name: 'keepalive outside upstream', conf: LOC('            keepalive 16;\n') },
  { name: 'worker_connections outside events', conf: H('    worker_connections 64;\n') },
  {
    name: 'proxy_pass in an if in a server',
    conf: H('    server {\n        listen 127.0.0.1:8081;\n        if ($host = a) {\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n'),
  },
  {
    name: 'server block at the main level through an include',
    conf: 'events {}\ninclude sites/*.conf;\nhttp {}\n',
    files: { 'sites/a.conf': 'server {\n    listen 127.0.0.1:8081;\n}\n' },
  },
  { name: 'location in http', conf: H('    location / { }\n') },
  { name: 'a combined time without quotes', conf: LOC('            proxy_read_timeout 1h 30m;\n') },
  { name: 'a combined time quoted', conf: LOC('            proxy_read_timeout "1h 30m";\n') },
  { name: 'proxy_buffers with one argument', conf: LOC('            proxy_buffers 16k;\n') },
  { name: 'a flag that is not on/off', conf: LOC('            proxy_buffering yes;\n') },
  { name: 'a flag in capitals', conf: LOC('            proxy_buffering OFF;\n') },
  { name: 'user without arguments', conf: 'user;\nevents {}\nhttp {}\n' },
  { name: 'proxy_pass followed by a block', conf: LOC('            proxy_pass http://127.0.0.1:8000 {\n            }\n') },
  { name: 'location without a block', conf: H('    server {\n        listen 127.0.0.1:8081;\n        location /;\n    }\n') },
  { name: 'two proxy_pass in one location', conf: LOC('            proxy_pass http://127.0.0.1:8000;\n            proxy_pass http://127.0.0.1:8001;\n') },
  { name: 'root then alias', conf: LOC('            root /tmp;\n            alias /tmp/;\n') },
  {
    name: 'a timeout set twice through an include',
    conf: LOC('            include t.conf;\n            proxy_read_timeout 10s;\n'),
    files: { 't.conf': 'proxy_read_timeout 30s;\n' },
  },
  {
    name: 'repeatable directives',
    conf: LOC(
      '            add_header A 1;\n            add_header B 2;\n            proxy_set_header X 1;\n            proxy_set_header Y 2;\n            error_page 404 /a;\n            error_page 500 /b;\n',
    ),
  },
  {
    name: 'the same directive at two levels',
    conf: H(
      '    proxy_read_timeout 10s;\n    server {\n        listen 127.0.0.1:8081;\n        proxy_read_timeout 20s;\n        location / { proxy_read_timeout 30s; }\n    }\n',
    ),
  },
  { name: 'only proxy_buffer_size raised', conf: LOC('            proxy_buffer_size 64k;\n') },
  { name: 'proxy_buffer_size raised with proxy_buffers', conf: LOC('            proxy_buffer_size 64k;\n            proxy_buffers 4 64k;\n') },
  {
    name: 'uwsgi_buffer_size raised at server level',
    conf: H('    server {\n        listen 127.0.0.1:8081;\n        uwsgi_buffer_size 32k;\n        location / { }\n    }\n'),
  },
  { name: 'fewer than 2 proxy_buffers', conf: LOC('            proxy_buffers 1 8k;\n') },
  { name: 'busy buffers smaller than one buffer', conf: LOC('            fastcgi_buffers 8 16k;\n            fastcgi_busy_buffers_size 8k;\n') },
  { name: 'http2 on (1.25.1 and later)', conf: H('    server {\n        listen 127.0.0.1:8081;\n        http2 on;\n    }\n'), directive: 'http2' },
  { name: 'a third-party directive (headers-more) on stock nginx', conf: H('    more_set_headers "A: b";\n') },
  {
    name: 'stream server (needs the stream module)',
    conf: 'events {}\nstream {\n    server {\n        listen 127.0.0.1:5432;\n        proxy_pass 127.0.0.1:5433;\n    }\n}\n',
    directive: 'stream',
  },
];

// ---- the comparison -----------------------------------------------------------------------

if (!NGINX) {
  process.stdout.write('nginx directive suite skipped: no nginx binary (looked for nginx on PATH and /usr/sbin/nginx)\n');
  describe.skip('nginx directive rules against nginx -t', () => test('needs nginx', () => undefined));
} else {
  describe('nginx directive rules against nginx -t', () => {
    const table = new DirectiveTable();
    const binaryVersion = parseVersion(NGINX.version)!;
    const cases = [...generatedCases(table), ...CURATED.map((c): Case => ({ ...c, kind: 'curated' }))];

    /** Does the binary know `name` at all? `unknown directive` in a block nothing else fails in. */
    const known = new Map<string, boolean>();
    const binaryKnows = (name: string) => {
      if (!known.has(name)) {
        const verdict = nginxVerdict({ name, kind: 'generated', conf: `${name} x;\nevents {}\nhttp {}\n` });
        known.set(name, !(verdict.message ?? '').startsWith(`unknown directive "${name}"`));
      }
      return known.get(name)!;
    };
    const newer = (name: string | undefined) =>
      !!name &&
      table.lookup(name).length > 0 &&
      table.lookup(name).every((spec) => {
        const since = spec.since ? parseVersion(spec.since) : undefined;
        return since !== undefined && compareVersions(since, binaryVersion) > 0;
      });

    test(`cfglint agrees with nginx -t ${NGINX.version} on generated and curated configs`, () => {
      const rows: { testCase: Case; nginx: Verdict; cfglint: Verdict & { ruleId?: string }; mark?: string; agree: boolean }[] = [];
      for (const testCase of cases) {
        const nginx = nginxVerdict(testCase);
        const cfglint = cfglintVerdict(testCase);
        let mark: string | undefined;
        if (newer(testCase.directive)) mark = 'version';
        else if (testCase.directive && !binaryKnows(testCase.directive)) mark = 'module';
        else if (!nginx.accepted && /^unknown directive "([^"]+)"/.test(nginx.message ?? '')) {
          const name = /^unknown directive "([^"]+)"/.exec(nginx.message!)![1];
          if (table.lookup(name).length > 0 && !binaryKnows(name)) mark = 'module';
        }
        const lineMatters = !nginx.accepted && cfglint.ruleId !== 'nginx-proxy-buffers';
        const agree = nginx.accepted === cfglint.accepted && (!lineMatters || nginx.line === cfglint.line);
        rows.push({ testCase, nginx, cfglint, mark, agree });
      }
      const counted = rows.filter((row) => !row.mark);
      const disagreements = counted
        .filter((row) => !row.agree)
        .map(
          (row) =>
            `${row.testCase.name}: nginx ${row.nginx.accepted ? 'accepts' : `rejects at line ${row.nginx.line} (${row.nginx.message})`}; ` +
            `cfglint ${row.cfglint.accepted ? 'accepts' : `rejects at line ${row.cfglint.line} (${row.cfglint.ruleId}: ${row.cfglint.message})`}`,
        );
      const marked = rows.filter((row) => row.mark);
      const byKind = (kind: string) => counted.filter((row) => row.testCase.kind === kind);
      process.stdout.write(
        `nginx directive rules vs nginx -t ${NGINX.version}: ${counted.filter((r) => r.agree).length}/${counted.length} cases agree ` +
          `(generated ${byKind('generated').filter((r) => r.agree).length}/${byKind('generated').length}, curated ${byKind('curated').filter((r) => r.agree).length}/${byKind('curated').length}; ` +
          `${counted.filter((r) => r.nginx.accepted).length} accepted, ${counted.filter((r) => !r.nginx.accepted).length} rejected by nginx); ` +
          `marked, not counted: ${marked.filter((r) => r.mark === 'version').length} version difference (of which ${marked.filter((r) => r.mark === 'version' && r.agree).length} agree anyway), ` +
          `${marked.filter((r) => r.mark === 'module').length} module not in this build\n` +
          (marked.length > 0 ? `marked: ${marked.map((r) => `${r.testCase.name} [${r.mark}]`).join('; ')}\n` : ''),
      );
      expect(disagreements).toEqual([]);
      expect(counted.length).toBeGreaterThan(150);
    }, 300_000);
  });
}
