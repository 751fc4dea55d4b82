/**
 * Fuzz suite (fast-check): mutated seed trees and corpus files through the whole pipeline.
 *
 * The pipeline is the CLI's minus the process: `lintSync` on an in-memory tree, then every
 * formatter, in-process for speed (the built CLI itself is exercised by test/hostile). With these
 * inputs a UsageError or ConfigError cannot happen, so the invariants are:
 *   - nothing throws (lint or any formatter);
 *   - `exitCodeFor(report, 'warning')` is 0 or 1 (the CLI adds 2 only for usage/config errors);
 *   - no `internal-error` finding (a rule or reader that crashed);
 *   - every finding's primary and related spans lie inside their file's text:
 *     1 ≤ line ≤ lines, 1 ≤ column ≤ line length + 1, end ≥ start.
 *   - every formatter's output is safe for a terminal and a CI runner (issue 13): no raw control
 *     character but the line feeds that end lines, no legacy `##[` command outside `github`
 *     annotations' data, every `github` line one annotation, no stylish line starting with `::`
 *     (but its own `::: file:line` marker), JSON and SARIF parse.
 *
 * Mutations: byte flips, truncation at any offset, deleting or duplicating a token or a line,
 * inserting `{`, `}`, `;`, `"`, `'`, `#`, `%(`, `<`, NUL or invalid UTF-8 bytes.
 *
 * Seeds: the small trees below, and a sample of ../shared/corpus read at test time (never copied
 * into this repository; that part is skipped with a printed reason when the corpus is absent).
 *
 *   npm run test:fuzz                      (~2000 cases in all)
 *   FUZZ_RUNS=50000 npm run test:fuzz      (on demand)
 *   FUZZ_SEED=123 npm run test:fuzz        (replay a run; a failure prints its seed and path)
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { exitCodeFor, lintSync } from '../../src/engine/run';
import { NothingToReadError } from '../../src/engine/options';
import type { Finding } from '../../src/engine/findings';
import type { Span } from '../../src/source/span';
import { FORMATTER_NAMES, getFormatter } from '../../src/report/formatters';
import { CORPUS, corpusEntries } from '../corpus/corpus';

const TOTAL_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 2000) || 2000);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;
/** How the total is shared: seed trees get most, the corpus sample the rest. */
const TREE_RUNS = Math.ceil(TOTAL_RUNS * 0.6);
const CORPUS_RUNS = TOTAL_RUNS - TREE_RUNS;
/** Corpus files sampled (spread over every format), to keep a run's set bounded. */
const CORPUS_SAMPLE = 120;

const counts = { trees: 0, corpus: 0, findings: 0, spans: 0, nothingToRead: 0 };
afterAll(() => {
  process.stdout.write(
    `fuzz cases run: ${counts.trees} on seed trees, ${counts.corpus} on corpus files (FUZZ_RUNS=${TOTAL_RUNS}); ${counts.findings} findings, ${counts.spans} spans checked; ${counts.nothingToRead} left nothing to read\n`,
  );
});

// ---------------------------------------------------------------------------------------------
// Seeds

const NGINX_MAIN = `user www-data;
worker_processes auto;
events { worker_connections 1024; }
http {
    include mime.types;
    upstream app { server 127.0.0.1:8000; keepalive 16; }
    server {
        listen 80 default_server;
        server_name example.com "quoted name" 'single';
        # a comment
        location / {
            proxy_pass http://app;
            proxy_set_header Host $host;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
        location ~ ^/api/(?<rest>.*)$ { uwsgi_pass unix:/run/uwsgi/app.sock; include uwsgi_params; }
        location /java/ { proxy_pass http://127.0.0.1:8080/; }
        if ($http_x = "y") { return 301 https://$host$request_uri; }
    }
    include conf.d/*.conf;
}
`;

const NGINX_INCLUDE = `server {
    listen 443 ssl;
    server_name www.example.com;
    ssl_certificate /etc/ssl/a.pem;
    client_max_body_size 10m;
    location /static/ { alias /srv/static/; expires 30d; }
    location /g/ { proxy_pass http://127.0.0.1:9000; proxy_read_timeout 120s; }
}
`;

const UWSGI_INI = `[uwsgi]
module = app:application
socket = /run/uwsgi/app.sock
chmod-socket = 660
processes = %(cores)
harakiri = 30
buffer-size = 32768
env = NAME=%(module)
@include = other.ini
[other]
master = true
`;

const GUNICORN_PY = `import multiprocessing
bind = "127.0.0.1:8000"
workers = multiprocessing.cpu_count() * 2 + 1
timeout = 60
keepalive = 5
worker_class = 'gevent'
raw_env = ["A=1", 'B=2']
def on_starting(server):
    pass
`;

const SERVER_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Server [ <!ENTITY port "8080"> ]>
<Server port="8005" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="&port;" protocol="HTTP/1.1" connectionTimeout="20000" maxPostSize="2097152" />
    <Connector port="8009" protocol="AJP/1.3" secretRequired="false" />
    <!-- a comment -->
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps"><![CDATA[ x ]]></Host>
    </Engine>
  </Service>
</Server>
`;

const COMPOSE = `services:
  web:
    image: nginx:1.25
    ports: ["80:80"]
    volumes:
      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
    depends_on: [app]
  app:
    build: .
    command: gunicorn -c gunicorn.conf.py app:app
    expose:
      - "8000"
    environment:
      WORKERS: "4"
`;

const SYSTEMD = `[Unit]
Description=App
After=network.target

[Service]
ExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/uwsgi.ini
LimitNOFILE=65536
TimeoutStopSec=30
Restart=always

[Install]
WantedBy=multi-user.target
`;

/** ingress-nginx in front of gunicorn, whose config file is a mounted ConfigMap entry. */
const KUBERNETES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: ingress-nginx-controller
  namespace: ingress-nginx
data:
  upstream-keepalive-timeout: "60"
  large-client-header-buffers: "4 16k"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  gunicorn.conf.py: |
    bind = "0.0.0.0:8000"
    worker_class = "gthread"
    keepalive = 2
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels:
        app: api
    spec:
      securityContext:
        sysctls:
          - name: net.core.somaxconn
            value: "1024"
      volumes:
        - name: config
          configMap:
            name: api-config
      containers:
        - name: api
          command: ["gunicorn", "-c", "/etc/gunicorn/gunicorn.conf.py", "app:app"]
          ports:
            - name: http
              containerPort: 8000
          volumeMounts:
            - name: config
              mountPath: /etc/gunicorn
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
      targetPort: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "120"
spec:
  ingressClassName: nginx
  rules:
    - host: api.example
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  number: 80
`;

const SEED_TREES: MemoryTree[] = [
  {
    'nginx/nginx.conf': NGINX_MAIN,
    'nginx/conf.d/site.conf': NGINX_INCLUDE,
    'uwsgi.ini': UWSGI_INI,
    'gunicorn.conf.py': GUNICORN_PY,
    'tomcat/conf/server.xml': SERVER_XML,
    'docker-compose.yml': COMPOSE,
    'app.service': SYSTEMD,
  },
  { 'nginx/nginx.conf': NGINX_MAIN, 'nginx/conf.d/site.conf': NGINX_INCLUDE },
  { 'nginx/nginx.conf': NGINX_MAIN, 'gunicorn.conf.py': GUNICORN_PY, 'docker-compose.yml': COMPOSE },
  { 'nginx/nginx.conf': NGINX_MAIN, 'uwsgi.ini': UWSGI_INI, 'app.service': SYSTEMD },
  { 'nginx/nginx.conf': NGINX_MAIN, 'tomcat/conf/server.xml': SERVER_XML },
  { 'k8s/all.yaml': KUBERNETES },
];

// ---------------------------------------------------------------------------------------------
// Mutations, on bytes (a latin1 string holds one byte per character, so any byte survives)

const INSERTS = ['{', '}', ';', '"', "'", '#', '%(', '<', '\0', '\xff', '\xc3', '\xe2\x82', '\xed\xa0\x80', '\xc0\xaf', '\n', '\r'];

type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete-token' | 'duplicate-token' | 'delete-line' | 'duplicate-line'; at: number }
  | { kind: 'insert'; at: number; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom('delete-token' as const, 'duplicate-token' as const, 'delete-line' as const, 'duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...INSERTS) }),
);

/** [start, end) of each token: a run of non-space, or one punctuation character. */
function pieces(text: string, pattern: RegExp): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const match of text.matchAll(pattern)) out.push([match.index, match.index + match[0].length]);
  return out;
}

function mutate(bytes: string, m: Mutation): string {
  const len = bytes.length;
  switch (m.kind) {
    case 'flip': {
      if (len === 0) return String.fromCharCode(m.byte);
      const i = m.at % len;
      return bytes.slice(0, i) + String.fromCharCode(m.byte) + bytes.slice(i + 1);
    }
    case 'truncate':
      return bytes.slice(0, m.at % (len + 1));
    case 'insert': {
      const i = m.at % (len + 1);
      return bytes.slice(0, i) + m.text + bytes.slice(i);
    }
    default: {
      const line = m.kind.endsWith('line');
      const list = pieces(bytes, line ? /[^\n]*\n|[^\n]+$/g : /[{};"'#=<>]|[^\s{};"'#=<>]+/g);
      if (list.length === 0) return bytes;
      const [start, end] = list[m.at % list.length];
      const piece = bytes.slice(start, end);
      return m.kind.startsWith('delete') ? bytes.slice(0, start) + bytes.slice(end) : bytes.slice(0, end) + (line ? '' : ' ') + piece + bytes.slice(end);
    }
  }
}

const toLatin1 = (content: string | Uint8Array): string =>
  typeof content === 'string' ? Buffer.from(content, 'utf8').toString('latin1') : Buffer.from(content).toString('latin1');
const fromLatin1 = (bytes: string): Uint8Array => new Uint8Array(Buffer.from(bytes, 'latin1'));

// ---------------------------------------------------------------------------------------------
// The pipeline and the invariants

function spanProblem(span: Span, readSource: (file: string) => string | undefined): string | undefined {
  const text = readSource(span.file);
  if (text === undefined) return `no source for ${span.file}`;
  const lines = text.split('\n');
  const where = (p: Span['start']) => `${span.file}:${p.line}:${p.column}`;
  for (const p of [span.start, span.end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.column)) return `non-integer position ${where(p)}`;
    if (p.line < 1 || p.line > lines.length) return `line out of range ${where(p)} (file has ${lines.length} lines)`;
    if (p.column < 1 || p.column > lines[p.line - 1].length + 1) return `column out of range ${where(p)} (line has ${lines[p.line - 1].length} code units)`;
  }
  if (span.end.line < span.start.line || (span.end.line === span.start.line && span.end.column < span.start.column)) {
    return `end before start ${where(span.start)}–${where(span.end)}`;
  }
  return undefined;
}

function describe1(f: Finding): string {
  return `${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column} ${f.message}`;
}

/** Lint a tree and format the report every way; throw with a description when an invariant fails. */
function checkPipeline(tree: MemoryTree): void {
  let result: ReturnType<typeof lintSync>;
  try {
    result = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
  } catch (error) {
    // A mutation can leave nothing cfglint reads (a file cut to one byte): the CLI says so in one
    // line and exits 2, as documented. Anything else thrown is a crash.
    if (error instanceof NothingToReadError && !/[\r\n]/.test(error.message)) {
      counts.nothingToRead++;
      return;
    }
    throw error;
  }
  const { report } = result;
  const code = exitCodeFor(report, 'warning');
  if (code !== 0 && code !== 1) throw new Error(`exit code ${String(code)}`);
  for (const finding of report.findings) {
    counts.findings++;
    if (finding.ruleId === 'internal-error') throw new Error(`internal error: ${describe1(finding)}`);
    for (const span of [finding.primary, ...finding.related.map((r) => r.span)]) {
      counts.spans++;
      const problem = spanProblem(span, result.readSource);
      if (problem) throw new Error(`bad span in ${describe1(finding)}: ${problem}`);
    }
  }
  for (const name of FORMATTER_NAMES) {
    const out = getFormatter(name)(report, { readSource: result.readSource, color: false });
    if (typeof out !== 'string') throw new Error(`formatter ${name} returned ${typeof out}`);
    const problem = outputProblem(name, out);
    if (problem) throw new Error(`unsafe ${name} output: ${problem}`);
  }
}

/** Raw controls but the line feed, DEL, C1, line separators and bidi controls. */
// eslint-disable-next-line no-control-regex -- the output must hold no raw control character
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// An annotation at a file, or the file-less notice that says how many of a level GitHub leaves
// unannotated past its 10 per step (its title is cfglint's, escaped like any property).
const ANNOTATION = /^::(?:(?:error|warning|notice) file=[^:\n]*|notice title=[^:\n]*)::/;

function outputProblem(name: string, out: string): string | undefined {
  const control = RAW_CONTROL.exec(out);
  if (control) return `raw U+${control[0].codePointAt(0)!.toString(16).padStart(4, '0')} at offset ${control.index}`;
  const lines = out.split('\n').filter((line) => line !== '');
  if (name === 'github') {
    const stray = lines.find((line) => !ANNOTATION.test(line));
    return stray === undefined ? undefined : `not an annotation: ${JSON.stringify(stray.slice(0, 200))}`;
  }
  const command = lines.find((line) => /^::(?!: )/.test(line.trimStart()) || line.includes('##['));
  if (command !== undefined) return `a workflow command: ${JSON.stringify(command.slice(0, 200))}`;
  if (name === 'json' || name === 'sarif') JSON.parse(out);
  return undefined;
}

const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED, endOnFailure: true });

// ---------------------------------------------------------------------------------------------

describe('fuzz: mutated seed trees', () => {
  test('the unmutated seeds pass the invariants', () => {
    for (const tree of SEED_TREES) checkPipeline(tree);
  });

  test(`${TREE_RUNS} mutated trees`, () => {
    const arb = fc.record({
      tree: fc.nat({ max: SEED_TREES.length - 1 }),
      file: fc.nat(),
      mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, ({ tree: t, file, mutations }) => {
        counts.trees++;
        const tree = SEED_TREES[t];
        const names = Object.keys(tree);
        const name = names[file % names.length];
        let bytes = toLatin1(tree[name] as string);
        for (const m of mutations) bytes = mutate(bytes, m);
        checkPipeline({ ...tree, [name]: fromLatin1(bytes) });
      }),
      params(TREE_RUNS),
    );
  });
});

const corpusPresent = fs.existsSync(path.join(CORPUS, 'FORMATS.tsv'));
if (!corpusPresent) {
  process.stdout.write(`fuzz corpus part skipped: ../shared/corpus not found (looked for ${path.join(CORPUS, 'FORMATS.tsv')})\n`);
}

(corpusPresent ? describe : describe.skip)('fuzz: mutated corpus files', () => {
  /** A deterministic sample spread over every format (every k-th file of each). */
  function sample(): Array<{ rel: string; content: Uint8Array }> {
    const byFormat = new Map<string, string[]>();
    for (const entry of corpusEntries()) {
      const list = byFormat.get(entry.format) ?? [];
      list.push(entry.path);
      byFormat.set(entry.format, list);
    }
    const perFormat = Math.max(2, Math.ceil(CORPUS_SAMPLE / Math.max(1, byFormat.size)));
    const out: Array<{ rel: string; content: Uint8Array }> = [];
    for (const list of byFormat.values()) {
      const step = Math.max(1, Math.floor(list.length / perFormat));
      for (let i = 0; i < list.length && out.length < CORPUS_SAMPLE * 2; i += step) {
        const abs = path.join(CORPUS, list[i]);
        const stat = fs.statSync(abs, { throwIfNoEntry: false });
        // Small files only: the point is many cases, and big ones are test:corpus's job.
        if (stat?.isFile() && stat.size <= 64 * 1024) out.push({ rel: list[i], content: new Uint8Array(fs.readFileSync(abs)) });
      }
    }
    return out;
  }

  test(`${CORPUS_RUNS} mutated corpus files`, () => {
    const files = sample();
    expect(files.length).toBeGreaterThan(0);
    const arb = fc.record({ file: fc.nat({ max: files.length - 1 }), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(arb, ({ file, mutations }) => {
        counts.corpus++;
        // Under its corpus path, so it is classified as the corpus suites classify it.
        const { rel, content } = files[file];
        let bytes = Buffer.from(content).toString('latin1');
        for (const m of mutations) bytes = mutate(bytes, m);
        checkPipeline({ [rel]: fromLatin1(bytes) });
      }),
      params(CORPUS_RUNS),
    );
  });
});
