/**
 * The nginx reader against the real nginx (Debian's nginx 1.22.1; `npm run test:servers`).
 *
 * Main configs (a file with a top-level `http` or `events` block) in five groups: `fixture`, the
 * trees written below; `nginx`, `invalid` and `deploy-sets`, the corpus files read in place from
 * ../shared/corpus (a single file alone, a deploy set as a directory); `repos`, the nginx/ and
 * invalid/ files of each repository with two or more of them, put back at their paths in the
 * repository (SOURCES.tsv) in a temp dir, since the single files lost the directories their
 * includes name. Two comparisons:
 *
 * 1. Include expansion and order. `nginx -T` prints every file it read, in the order it first
 *    opened it: a file included twice is listed once, an empty file is listed. cfglint's order is
 *    the order in which a depth-first walk of the root's expanded directives first meets each
 *    file. Files are compared by real path (nginx lists sites-enabled/x, cfglint shows the
 *    sites-available/x it links to). A file without a single directive brings nothing into an
 *    expansion and cannot be seen there, so it is dropped from nginx's list; so are the empty
 *    stubs this suite puts in for includes missing from the tree (both counted in the summary).
 *    Compared only when nginx accepts, since -T prints nothing otherwise.
 * 2. Syntax verdict. nginx accepts ⇔ cfglint has no `nginx-syntax` finding in any file nginx read.
 *    nginx stops with a tokenizer error (`unexpected "…"`, `unexpected end of file`, `too long
 *    parameter`) in file F at line L ⇔ cfglint has an `nginx-syntax` finding in F, and none
 *    before line L of F (nginx read every byte before it without complaint), except one that
 *    carries nginx's message (an unclosed quote is reported where it opens). A finding in F at
 *    another line than L is listed as a line difference, not counted as a disagreement. When
 *    nginx stops for any other reason at F:L, a cfglint syntax finding before L in F is a
 *    disagreement too.
 *
 * nginx reads a copy of the tree in a temp dir (never in the project), prepared so that it gets
 * to the end for reasons of syntax only. Rewrites keep every line where it was:
 * - absolute includes → where cfglint maps them in the copy (so the order comparison is
 *   conditional on cfglint's mapping of absolute paths; nginx judges the globbing, the sorting,
 *   relative resolution against the main config's directory and the depth-first order);
 *   includes missing from the tree → an empty stub outside the copy (a glob → a directory that
 *   does not exist);
 * - `user` → the current user; `pid` → blanked (given with -g); `error_log`, `access_log`,
 *   `*_temp_path`, `*_cache_path` → temp paths (nginx -t opens logs and creates these dirs);
 *   the five http temp paths are also set on the `http {` line, so that nothing under
 *   /var/lib/nginx is created or chowned;
 * - certificates, keys, CAs, `ssl_dhparam`, `ssl_session_ticket_key` → files made here with
 *   openssl; a certificate and key are also set on the `http {` line when a `listen … ssl` or
 *   `ssl on` needs one and the http level has none;
 * - host names in `upstream { server … }` and in `*_pass` (not upstream names) → 127.0.0.1;
 * - `load_module` → Debian's module of that name, or the config is not comparable.
 * No rewrite touches a directive where cfglint reports a syntax error: nginx sees the original.
 * Then, by what nginx says:
 * - `unknown directive` of a Lua directive (OpenResty has the module built in) → Debian's lua
 *   module through -g, unless init_by_lua* code, which nginx -t runs, touches os/io/require/ffi;
 * - `no "events" section` (said after everything was read) → `events {}` after the last line;
 * - any other stop at file:line (unknown directive, not allowed here, invalid value, host not
 *   found, …) → that directive is blanked and nginx runs again, but only a directive without a
 *   block, all of whose tokens nginx has read. Anything else makes the config "not comparable",
 *   counted and listed with nginx's message; a blanked include makes the order not comparable.
 * Two more tests show what cfglint says where nginx cannot read a glob's match (a directory, a
 * dangling symlink).
 *
 * nginx is never started: only `nginx -T` / `nginx -t` with -p/-c/-e/-g, 10 s each. nginx -t
 * does bind the listen sockets for a moment, as it always does.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileSystem } from '../../src/discovery/fs';
import { walk } from '../../src/discovery/walk';
import { readTree, ReadTree } from '../../src/engine/read-tree';
import type { ExpandedDirective, NginxConfigRoot, NginxDirective, ParsedNginxFile } from '../../src/readers/nginx';
import { hasGlob, IncludeResolver } from '../../src/readers/nginx/include';
import { parseNginx } from '../../src/readers/nginx/parse';
import { decodeUtf8, SourceText } from '../../src/source/text';
import type { ReaderDiagnostic } from '../../src/source/diagnostic';
import { CORPUS, corpusEntries } from '../corpus/corpus';

jest.setTimeout(120_000);

const NGINX_TIMEOUT_MS = 10_000;
const DEBIAN_MODULES = '/usr/lib/nginx/modules';
const LUA_MODULES = [`${DEBIAN_MODULES}/ndk_http_module.so`, `${DEBIAN_MODULES}/ngx_http_lua_module.so`];
/** Heavily patched configs need one run per third-party directive; each run takes a few ms. */
const MAX_ATTEMPTS = 200;

function findBinary(candidates: string[], args: string[]): string | undefined {
  for (const candidate of candidates) {
    const result = spawnSync(candidate, args, { encoding: 'utf8', timeout: NGINX_TIMEOUT_MS });
    if (!result.error && result.status === 0) return candidate;
  }
  return undefined;
}

const NGINX = findBinary(['nginx', '/usr/sbin/nginx'], ['-v']);

// ---------------------------------------------------------------------------------------------
// Cases

/** `repos`: the nginx/ and invalid/ files of one repository, put back at their paths in a temp dir. */
const GROUPS = ['fixture', 'nginx', 'invalid', 'deploy-sets', 'repos'] as const;
type Group = (typeof GROUPS)[number];

interface Case {
  name: string;
  group: Group;
  /** cfglint's cwd; the copy for nginx keeps the layout below it. */
  treeDir: string;
  /** What cfglint reads: a file or a directory. */
  lintPath: string;
  /** The main config, absolute. */
  main: string;
}

/** Fixture trees: include order and syntax, each with what it is about. */
const FIXTURES: { name: string; main: string; tree: Record<string, string | { symlink: string }> }[] = [
  {
    name: 'include order: globs, nested, location, empty glob, absolute, twice',
    main: 'nginx.conf',
    tree: {
      'nginx.conf': [
        'user nobody;',
        'pid /run/nginx.pid;',
        'error_log /var/log/nginx/error.log;',
        'events {}',
        'http {',
        '    access_log /var/log/nginx/access.log;',
        '    include conf.d/*.conf;',
        '    include nothing/*.conf;',
        '    include /etc/nginx/sites-enabled/*;',
        '    server {',
        '        listen 127.0.0.1:18081;',
        '        location / {',
        '            include snippets/location.conf;',
        '        }',
        '    }',
        '    include conf.d/10-a.conf;',
        '    include /etc/nginx/snippets/http-tail.conf;',
        '}',
        '',
      ].join('\n'),
      // glob(3) in the C locale: byte order, `*` skips dotfiles and does not cross `/`.
      'conf.d/10-a.conf': 'include nested/inner.conf;\nadd_header X-10a 1;\n',
      'conf.d/9-b.conf': 'add_header X-9b 1;\n',
      'conf.d/B.conf': 'add_header X-B 1;\n',
      'conf.d/_u.conf': 'add_header X-u 1;\n',
      'conf.d/a.conf': '# comments only are no directive\n',
      'conf.d/b.conf': 'add_header X-b 1;\n',
      'conf.d/.hidden.conf': 'add_header X-hidden 1;\n',
      'conf.d/not-conf.txt': 'add_header X-txt 1;\n',
      // Relative to the main config's directory, not to conf.d/: the decoy is never read.
      'nested/inner.conf': 'add_header X-inner 1;\n',
      'conf.d/nested/inner.conf': 'this is not read;\n',
      'sites-enabled/default': 'server {\n    listen 127.0.0.1:18082;\n    server_name a.test;\n    include snippets/location.conf;\n}\n',
      'sites-enabled/zz-site': 'server {\n    listen 127.0.0.1:18083;\n    server_name z.test;\n    location /z { include snippets/z.conf; }\n}\n',
      'snippets/location.conf': 'add_header X-location 1;\n',
      'snippets/z.conf': 'add_header X-z 1;\n',
      'snippets/http-tail.conf': 'add_header X-tail 1;\n',
    },
  },
  {
    name: 'include order: main config below the tree root, upstreams and a sibling main',
    main: 'deploy/nginx/nginx.conf',
    tree: {
      'deploy/nginx/nginx.conf': [
        'worker_processes 1;',
        'events { worker_connections 64; }',
        'http {',
        '    include mime.types;',
        '    include upstreams/*.conf;',
        '    server {',
        '        listen 127.0.0.1:18084 ssl;',
        '        ssl_certificate /etc/letsencrypt/live/app/fullchain.pem;',
        '        ssl_certificate_key /etc/letsencrypt/live/app/privkey.pem;',
        '        location / { proxy_pass http://app; include /etc/nginx/proxy.conf; }',
        '        location /static { proxy_pass http://static-host:8080; }',
        '    }',
        '}',
        '',
      ].join('\n'),
      'deploy/nginx/upstreams/app.conf': 'upstream app {\n    server web:8000;\n    include upstreams/servers.inc;\n}\n',
      'deploy/nginx/upstreams/servers.inc': 'server web2:8000 backup;\n',
      'deploy/nginx/proxy.conf': 'proxy_set_header Host $host;\nproxy_read_timeout "1m 30s";\n',
      'deploy/other/nginx.conf': 'events {}\nhttp { include ../nginx/proxy.conf; }\n',
    },
  },
  {
    name: 'include order: sites-enabled links to sites-available (nginx lists the link, cfglint the file)',
    main: 'etc/nginx/nginx.conf',
    tree: {
      'etc/nginx/nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n    include /etc/nginx/conf.d/*.conf;\n}\n',
      'etc/nginx/sites-available/shop': 'server {\n    listen 127.0.0.1:18087;\n    include snippets/common.conf;\n}\n',
      'etc/nginx/sites-available/blog': 'server {\n    listen 127.0.0.1:18088;\n}\n',
      'etc/nginx/sites-available/disabled': 'server {\n    listen 127.0.0.1:18089;\n}\n',
      'etc/nginx/sites-enabled/shop': { symlink: '../sites-available/shop' },
      'etc/nginx/sites-enabled/blog': { symlink: '../sites-available/blog' },
      'etc/nginx/snippets/common.conf': 'add_header X-common 1;\n',
      'etc/nginx/conf.d/upstream.conf': 'upstream shop { server shop-backend:8000; }\n',
    },
  },
  {
    name: 'syntax: missing ";" at the end of an included file',
    main: 'nginx.conf',
    tree: {
      'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
      'conf.d/a.conf': 'add_header X-A 1;\n',
      'conf.d/b.conf': 'add_header X-B 1;\nadd_header X-C 1\n',
    },
  },
  {
    name: 'syntax: stray "}" in a file included in a location',
    main: 'nginx.conf',
    tree: {
      'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 127.0.0.1:18085;\n        location / { include loc.conf; }\n    }\n}\n',
      'loc.conf': 'add_header X-A 1;\n}\nadd_header X-B 1;\n',
    },
  },
  {
    name: 'syntax: text right after a closing quote',
    main: 'nginx.conf',
    tree: { 'nginx.conf': 'events {}\nhttp {\n    add_header X-A "a"b;\n}\n' },
  },
  {
    name: 'syntax: a quote that never closes',
    main: 'nginx.conf',
    tree: { 'nginx.conf': 'events {}\nhttp {\n    add_header X-A "a;\n}\n' },
  },
  {
    name: 'syntax: a block inside map',
    main: 'nginx.conf',
    tree: { 'nginx.conf': 'events {}\nhttp {\n    map $uri $x {\n        default 0;\n        /a { }\n    }\n}\n' },
  },
  {
    name: 'syntax: accepted tricky tokens',
    main: 'nginx.conf',
    tree: {
      'nginx.conf': [
        'events {}',
        'http {',
        '    add_header X-A a#b;',
        '    add_header X-B "a;b{c}";',
        "    add_header X-C 'it\\'s';",
        '    server {',
        '        listen 127.0.0.1:18086;',
        '        location ~ "^/a{2}$" { return 200 "}"; }',
        '        location /b { if ($request_uri ~* "x") { return 404; } }',
        '        location /c { set $x 1; return 200 ${x}y\\;z; }',
        '    }',
        '}',
        '',
      ].join('\n'),
    },
  },
];

function writeTree(dir: string, tree: Record<string, string | { symlink: string }>): void {
  for (const [relative, content] of Object.entries(tree)) {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof content === 'string') fs.writeFileSync(target, content);
    else fs.symlinkSync(content.symlink, target);
  }
}

function corpusCases(tmp: string): Case[] {
  if (!fs.existsSync(path.join(CORPUS, 'FORMATS.tsv'))) return [];
  const cases: Case[] = [];
  const entries = corpusEntries();
  for (const entry of entries) {
    if (entry.format !== 'nginx') continue;
    const group = entry.path.split('/')[0];
    if (group !== 'nginx' && group !== 'deploy-sets' && group !== 'invalid') continue;
    const main = path.join(CORPUS, entry.path);
    if (!hasTopLevelHttpOrEvents(main)) continue;
    if (group === 'deploy-sets') {
      const setDir = path.join(CORPUS, 'deploy-sets', entry.path.split('/')[1]);
      cases.push({ name: entry.path, group, treeDir: setDir, lintPath: setDir, main });
    } else {
      cases.push({ name: entry.path, group, treeDir: path.dirname(main), lintPath: main, main });
    }
  }
  // The single files of nginx/ and invalid/ lost their directories, so their includes find
  // nothing. Put each repository's files back at their paths (SOURCES.tsv) to compare real trees.
  const nginxFiles = new Set(entries.filter((e) => e.format === 'nginx' && /^(nginx|invalid)\//.test(e.path)).map((e) => e.path));
  const byRepo = new Map<string, { local: string; inRepo: string }[]>();
  for (const line of fs.readFileSync(path.join(CORPUS, 'SOURCES.tsv'), 'utf8').split('\n').slice(1)) {
    const [local, repo, inRepo] = line.split('\t');
    if (!nginxFiles.has(local) || !repo || !inRepo) continue;
    if (!byRepo.has(repo)) byRepo.set(repo, []);
    byRepo.get(repo)!.push({ local, inRepo });
  }
  for (const [repo, files] of byRepo) {
    if (files.length < 2) continue;
    const repoDir = path.join(tmp, 'repos', repo.replace('/', '__'));
    for (const file of files) {
      const target = path.join(repoDir, file.inRepo);
      if (!target.startsWith(repoDir + path.sep) || fs.existsSync(target)) continue;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(CORPUS, file.local), target);
    }
    for (const file of files) {
      const main = path.join(repoDir, file.inRepo);
      if (hasTopLevelHttpOrEvents(main)) cases.push({ name: `${repo}: ${file.inRepo}`, group: 'repos', treeDir: repoDir, lintPath: repoDir, main });
    }
  }
  return cases;
}

/** A top-level `http {` or `events {`, read with cfglint's own parser (it only picks the files). */
function hasTopLevelHttpOrEvents(file: string): boolean {
  const parsed = parseNginx(new SourceText(file, decodeUtf8(fs.readFileSync(file))));
  return parsed.directives.some((d) => (d.name === 'http' || d.name === 'events') && d.block !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Comparison

type Status = 'agree' | 'differ' | 'not comparable';

interface Outcome {
  order: { status: Status; reason: string; nginx?: string[]; cfglint?: string[] };
  syntax: { status: Status; reason: string };
  /** What was blanked or set up, and line differences. */
  notes: string[];
  /** Files nginx listed that this comparison dropped: [stubs, files without directives]. */
  dropped: [number, number];
  lineDifference?: string;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const TOKENIZER_ERRORS = [/^unexpected "/, /^unexpected end of file/, /^too long parameter/];
const CERT_DIRECTIVE = /^(ssl|proxy_ssl|grpc_ssl|uwsgi_ssl)_certificate$/;
const KEY_DIRECTIVE = /^(ssl|proxy_ssl|grpc_ssl|uwsgi_ssl)_certificate_key$/;
const CA_DIRECTIVE = /^(ssl|proxy_ssl|grpc_ssl|uwsgi_ssl)_(trusted|client)_certificate$/;
const PASS_DIRECTIVE = /^(proxy|fastcgi|uwsgi|scgi|grpc|memcached)_pass$/;
const PATH_DIRECTIVE = /^((client_body|proxy|fastcgi|uwsgi|scgi)_temp_path|(proxy|fastcgi|uwsgi|scgi)_cache_path)$/;
const HTTP_TEMP_PATHS = ['client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path'];
const UNSAFE_LUA = /\b(os|io|ffi)\.|\brequire\b|\bloadstring\b|\bdofile\b|\bloadfile\b/;

interface Secrets {
  cert: string;
  key: string;
  dh: string;
  ticket: string;
}

function makeSecrets(dir: string): Secrets | undefined {
  fs.mkdirSync(dir, { recursive: true });
  const secrets = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), dh: path.join(dir, 'dh.pem'), ticket: path.join(dir, 'ticket.key') };
  const run = (args: string[]) => spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 });
  const cert = run([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    secrets.key,
    '-out',
    secrets.cert,
    '-subj',
    '/CN=cfglint.test',
    '-days',
    '2',
  ]);
  const dh = run(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'dh_param:ffdhe2048', '-out', secrets.dh]);
  if (cert.error || cert.status !== 0 || dh.error || dh.status !== 0) return undefined;
  fs.writeFileSync(secrets.ticket, Buffer.alloc(80, 7));
  return secrets;
}

function currentUser(): string {
  return os.userInfo().username;
}

/** First `[emerg]` (or `[alert]`) line of nginx's stderr, with its file and line when it has them. */
function nginxError(stderr: string): { message: string; file?: string; line?: number } | undefined {
  for (const raw of stderr.split('\n')) {
    const match = /^nginx: \[(emerg|alert|crit)\] (.*?)(?: in (\/.*):(\d+))?$/.exec(raw.trim());
    if (match) return { message: match[2], file: match[3], line: match[4] ? Number(match[4]) : undefined };
  }
  return undefined;
}

function dumpedFiles(stdout: string): string[] {
  const files: string[] = [];
  for (const match of stdout.matchAll(/^# configuration file (\/.*):$/gm)) files.push(match[1]);
  return files;
}

function cfglintOrder(root: NginxConfigRoot): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const note = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    order.push(file);
  };
  note(root.file);
  const visit = (nodes: ExpandedDirective[]) => {
    for (const node of nodes) {
      note(node.directive.file);
      if (node.children) visit(node.children);
    }
  };
  visit(root.directives);
  return order;
}

/** `scheme://host:port/…` or `host:port` with the host replaced by 127.0.0.1; undefined to keep it. */
function localHost(value: string, upstreams: Set<string>): string | undefined {
  if (value.includes('$')) return undefined;
  const match = /^([a-z][a-z0-9+.-]*:\/\/)?([^/:[\]]+)(.*)$/i.exec(value);
  if (!match) return undefined;
  const [, scheme = '', host, rest] = match;
  if (host === 'unix' && rest.startsWith(':')) return undefined;
  if (upstreams.has(host) && !rest.startsWith(':')) return undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host === 'localhost') return undefined;
  return `${scheme}127.0.0.1${rest}`;
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

function blankText(text: string): string {
  return text.replace(/[^\n\r]/g, ' ');
}

function allDirectives(directives: NginxDirective[], out: NginxDirective[] = []): NginxDirective[] {
  for (const directive of directives) {
    out.push(directive);
    if (directive.block) allDirectives(directive.block, out);
  }
  return out;
}

class Comparison {
  private readonly trees = new Map<string, { tree: ReadTree; walked: string[] }>();
  private runs = 0;

  constructor(
    private readonly nginx: string,
    private readonly tmp: string,
    private readonly secrets: Secrets | undefined,
  ) {}

  private read(c: Case) {
    let entry = this.trees.get(c.lintPath);
    if (!entry) {
      const tree = readTree({ paths: [c.lintPath], cwd: c.treeDir, config: {} });
      entry = { tree, walked: walk([c.lintPath], nodeFileSystem).files };
      this.trees.set(c.lintPath, entry);
    }
    return entry;
  }

  compare(c: Case): Outcome {
    const { tree, walked } = this.read(c);
    const outcome: Outcome = {
      order: { status: 'not comparable', reason: '' },
      syntax: { status: 'not comparable', reason: '' },
      notes: [],
      dropped: [0, 0],
    };
    // Files are compared by real path: nginx lists sites-enabled/app, cfglint shows the file a link names.
    const absolute = (display: string) => realPath(path.resolve(c.treeDir, display));
    const root = tree.nginx.roots.find((r) => r.kind === 'main' && absolute(r.file) === realPath(c.main));
    if (!root) {
      const reason = 'cfglint does not read it as a main config';
      outcome.order = { status: 'differ', reason };
      outcome.syntax = { status: 'differ', reason };
      return outcome;
    }

    const parsedByFile = new Map<string, ParsedNginxFile>();
    for (const parsed of tree.nginx.files.values()) parsedByFile.set(absolute(parsed.source.file), parsed);
    const syntaxFindings = tree.diagnostics.filter((d) => d.ruleId === 'nginx-syntax');
    const findingsIn = (file: string) => syntaxFindings.filter((d) => absolute(d.primary.file) === file);
    const describe = (d: ReaderDiagnostic) => `${d.primary.file}:${d.primary.start.line}:${d.primary.start.column} ${d.message}`;

    // The copy nginx reads, and where the stubs, logs and caches go (outside the copy).
    const base = path.join(this.tmp, `run-${++this.runs}`);
    const runDir = path.join(base, 'tree');
    const stubDir = path.join(base, 'stubs');
    const varDir = path.join(base, 'var');
    fs.mkdirSync(varDir, { recursive: true });
    fs.mkdirSync(stubDir, { recursive: true });
    const inTree = (file: string) => file.startsWith(c.treeDir + path.sep);
    const toRun = (file: string) => path.join(runDir, path.relative(c.treeDir, file));
    const toTree = (file: string) => (file.startsWith(runDir + path.sep) ? realPath(path.join(c.treeDir, path.relative(runDir, file))) : undefined);
    for (const file of walked) {
      if (!inTree(file)) continue;
      fs.mkdirSync(path.dirname(toRun(file)), { recursive: true });
      if (fs.lstatSync(file).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(file), toRun(file));
      else fs.copyFileSync(file, toRun(file));
    }

    const edits = new Map<string, Map<number, Edit>>();
    const overlapsSyntaxError = (directive: NginxDirective) =>
      findingsIn(absolute(directive.file)).some(
        (d) => d.primary.start.offset < directive.span.end.offset && d.primary.end.offset >= directive.span.start.offset,
      );
    /** A later edit that covers earlier ones (a blanked directive) replaces them; one inside an earlier one is dropped. */
    const addEdit = (file: string, start: number, end: number, text: string) => {
      if (!edits.has(file)) edits.set(file, new Map());
      const fileEdits = edits.get(file)!;
      for (const [at, other] of fileEdits) {
        if (end > start && other.end > other.start && other.start >= start && other.end <= end) fileEdits.delete(at);
        else if (end > start && other.end > other.start && start >= other.start && end <= other.end) return;
      }
      fileEdits.set(start, { start, end, text });
    };
    const edit = (directive: NginxDirective, start: number, end: number, text: string) => {
      if (!overlapsSyntaxError(directive)) addEdit(absolute(directive.file), start, end, text);
    };
    const replaceArg = (directive: NginxDirective, index: number, text: string) =>
      edit(directive, directive.args[index].span.start.offset, directive.args[index].span.end.offset, text);
    let counter = 0;
    const fresh = (stem: string) => path.join(varDir, `${stem}-${++counter}`);
    const stub = (pattern: string, glob: boolean) => {
      const dir = path.join(stubDir, String(++counter));
      const file = path.join(dir, path.basename(pattern) || 'stub');
      if (!glob) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, '');
      }
      return file;
    };

    const resolver = new IncludeResolver(nodeFileSystem, walked, [c.lintPath], []);
    const prefixDir = path.dirname(realPath(c.main));
    const upstreams = new Set<string>();
    let needsCertificate = false;
    let notComparable: string | undefined;
    let luaCode = '';
    let usesLua = false;
    const visitAll = (nodes: ExpandedDirective[], visit: (node: ExpandedDirective, parents: string[]) => void, parents: string[] = []) => {
      for (const node of nodes) {
        visit(node, parents);
        if (node.children) visitAll(node.children, visit, node.directive.name === 'include' ? parents : [...parents, node.directive.name]);
      }
    };
    visitAll(root.directives, ({ directive }) => {
      if (directive.name === 'upstream' && directive.args[0]) upstreams.add(directive.args[0].value);
      if (directive.name === 'listen' && directive.args.some((a) => a.value === 'ssl')) needsCertificate = true;
      if (directive.name === 'ssl' && directive.args[0]?.value === 'on') needsCertificate = true;
      if (/_by_lua/.test(directive.name) || directive.name.startsWith('lua_')) usesLua = true;
      if (/^init_by_lua/.test(directive.name)) luaCode += directive.args.map((a) => a.value).join(' ');
    });
    visitAll(root.directives, ({ directive }, parents) => {
      const { name, args } = directive;
      const arg0 = args[0]?.value;
      if (name === 'include' && args.length === 1) {
        const pattern = arg0!;
        const glob = hasGlob(pattern);
        if (pattern.includes('$')) return replaceArg(directive, 0, stub(pattern, glob));
        const resolution = resolver.resolve(pattern, absolute(directive.file), prefixDir);
        if (resolution.files.length > 0) {
          if (!path.isAbsolute(pattern)) return;
          const target = resolution.mappedTo ?? pattern;
          return replaceArg(directive, 0, inTree(target) ? toRun(target) : stub(pattern, glob));
        }
        if (glob && !path.isAbsolute(pattern)) return;
        return replaceArg(directive, 0, stub(pattern, glob));
      }
      if (parents.length === 0 && name === 'user' && args.length > 0) {
        return edit(directive, args[0].span.start.offset, args[args.length - 1].span.end.offset, currentUser());
      }
      if (parents.length === 0 && name === 'pid') return;
      if ((name === 'error_log' || name === 'access_log') && arg0 !== undefined) {
        if (arg0 === 'off' || arg0 === 'stderr' || /^(syslog|memory):/.test(arg0) || arg0.includes('$')) return;
        return replaceArg(directive, 0, fresh('log') + '.log');
      }
      if (PATH_DIRECTIVE.test(name) && arg0 !== undefined && !arg0.includes('$')) return replaceArg(directive, 0, fresh('path'));
      if (parents.length === 0 && name === 'load_module' && arg0 !== undefined) {
        const module = path.join(DEBIAN_MODULES, path.basename(arg0));
        if (!fs.existsSync(module)) notComparable = `load_module ${path.basename(arg0)}: not in Debian's nginx`;
        return replaceArg(directive, 0, module);
      }
      const certificate =
        CERT_DIRECTIVE.test(name) || CA_DIRECTIVE.test(name)
          ? 'cert'
          : KEY_DIRECTIVE.test(name)
            ? 'key'
            : name === 'ssl_dhparam'
              ? 'dh'
              : name === 'ssl_session_ticket_key'
                ? 'ticket'
                : undefined;
      if (certificate && arg0 !== undefined && !arg0.includes('$') && !/^(data|engine):/.test(arg0)) {
        if (!this.secrets) notComparable = 'openssl is not available to make a certificate';
        else replaceArg(directive, 0, this.secrets[certificate]);
        return;
      }
      const local =
        (name === 'server' && parents[parents.length - 1] === 'upstream') || PASS_DIRECTIVE.test(name)
          ? arg0 !== undefined
            ? localHost(arg0, upstreams)
            : undefined
          : undefined;
      if (local !== undefined) replaceArg(directive, 0, local);
    });
    // pid: blank the whole directive (the -g pid would be a duplicate).
    visitAll(root.directives, ({ directive }, parents) => {
      if (parents.length === 0 && directive.name === 'pid') {
        const text = parsedByFile.get(absolute(directive.file))!.source.text;
        edit(directive, directive.span.start.offset, directive.span.end.offset, blankText(text.slice(directive.span.start.offset, directive.span.end.offset)));
      }
    });
    // The http level: temp paths, and a certificate when a server needs one.
    for (const node of root.directives) {
      if (node.directive.name !== 'http' || !node.directive.blockOpen || !node.children) continue;
      const direct = new Set<string>();
      const collect = (nodes: ExpandedDirective[]) => {
        for (const child of nodes) {
          direct.add(child.directive.name);
          if (child.directive.name === 'include' && child.children) collect(child.children);
        }
      };
      collect(node.children);
      let text = '';
      for (const name of HTTP_TEMP_PATHS) if (!direct.has(name)) text += ` ${name} ${fresh('temp')};`;
      if (needsCertificate && this.secrets && !direct.has('ssl_certificate') && !direct.has('ssl_certificate_key')) {
        text += ` ssl_certificate ${this.secrets.cert}; ssl_certificate_key ${this.secrets.key};`;
      }
      const at = node.directive.blockOpen.end.offset;
      edit(node.directive, at, at, text + ' ');
    }
    if (notComparable) return this.notComparable(outcome, notComparable);

    // Run nginx until it accepts, stops at a syntax error, or stops for a reason that cannot be set aside.
    const mainRun = toRun(c.main);
    const params = [`pid ${path.join(varDir, 'nginx.pid')};`];
    let includeBlanked = false;
    let addedEvents = false;
    let accepted: string[] | undefined;
    let syntaxError: { message: string; file: string; line: number } | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !accepted && !syntaxError; attempt++) {
      for (const [file, fileEdits] of edits) {
        const parsed = parsedByFile.get(file);
        if (!parsed || !inTree(file)) continue;
        const original = fs.readFileSync(file);
        if (!Buffer.from(parsed.source.text, 'utf8').equals(original)) {
          return this.notComparable(outcome, `${path.relative(c.treeDir, file)} needs rewriting but is not plain UTF-8`);
        }
        let text = parsed.source.text;
        for (const e of [...fileEdits.values()].sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
        fs.writeFileSync(toRun(file), text);
      }
      const result = spawnSync(this.nginx, ['-T', '-e', path.join(varDir, 'error.log'), '-p', runDir + '/', '-c', mainRun, '-g', params.join(' ')], {
        encoding: 'utf8',
        timeout: NGINX_TIMEOUT_MS,
        maxBuffer: 256 * 1024 * 1024,
      });
      if (result.error || result.signal) return this.notComparable(outcome, `nginx -T did not finish: ${result.error?.message ?? result.signal}`);
      if (result.status === 0) {
        accepted = dumpedFiles(result.stdout);
        break;
      }
      const error = nginxError(result.stderr);
      if (!error) return this.notComparable(outcome, `nginx failed without an [emerg] line: ${result.stderr.trim().split('\n').pop()}`);
      const file = error.file ? toTree(error.file) : undefined;
      if (TOKENIZER_ERRORS.some((re) => re.test(error.message)) && file && error.line) {
        syntaxError = { message: error.message, file, line: error.line };
        break;
      }
      if (
        /^unknown directive "[^"]*lua[^"]*"/.test(error.message) &&
        usesLua &&
        !params.some((p) => p.startsWith('load_module')) &&
        LUA_MODULES.every((m) => fs.existsSync(m))
      ) {
        if (UNSAFE_LUA.test(luaCode)) return this.notComparable(outcome, 'OpenResty config whose init_by_lua code would run under nginx -t');
        params.push(...LUA_MODULES.map((m) => `load_module ${m};`));
        outcome.notes.push("OpenResty config: Debian's lua module loaded with -g");
        continue;
      }
      if (error.message === 'no "events" section in configuration' && !addedEvents) {
        // Said after everything was read: an `events {}` after the last line changes no verdict.
        const text = parsedByFile.get(realPath(c.main))!.source.text;
        addEdit(realPath(c.main), text.length, text.length, `${text.endsWith('\n') ? '' : '\n'}events {}\n`);
        addedEvents = true;
        outcome.notes.push('no events block: "events {}" added after the last line');
        continue;
      }
      // nginx read every byte of this file before the error: a cfglint syntax finding there is wrong.
      const earlier = file && error.line ? findingsIn(file).filter((d) => d.primary.start.line < error.line!) : [];
      if (earlier.length > 0) {
        const reason = `nginx read past ${earlier.map(describe).join('; ')} and stopped later: ${error.message} at line ${error.line}`;
        outcome.syntax = { status: 'differ', reason };
        outcome.order = { status: 'not comparable', reason: 'nginx did not accept it' };
        return outcome;
      }
      const where = `${error.message}${error.file ? ` (${file ? path.relative(c.treeDir, file) : error.file}:${error.line})` : ''}`;
      if (!file || !error.line) return this.notComparable(outcome, where);
      const parsed = parsedByFile.get(file);
      const onLine = parsed ? allDirectives(parsed.directives).filter((d) => (d.blockOpen ? d.blockOpen.start.line : d.span.end.line) === error.line) : [];
      const quoted = [...error.message.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
      const named = onLine.filter((d) => quoted.includes(d.name));
      const target = named.length === 1 ? named[0] : onLine.length === 1 ? onLine[0] : undefined;
      if (!target || target.blockOpen) return this.notComparable(outcome, where);
      if (target.name === 'include') includeBlanked = true;
      edit(target, target.span.start.offset, target.span.end.offset, blankText(parsed!.source.text.slice(target.span.start.offset, target.span.end.offset)));
      if (overlapsSyntaxError(target)) return this.notComparable(outcome, where);
      outcome.notes.push(`blanked: ${where}`);
    }

    if (syntaxError) {
      const { file, line, message } = syntaxError;
      const found = findingsIn(file);
      const shown = path.relative(c.treeDir, file);
      outcome.order = { status: 'not comparable', reason: 'nginx did not accept it' };
      // A quote or Lua block that never closes is reported where it opens; nginx reads on to the end.
      const earlier = found.filter((d) => d.primary.start.line < line && !d.message.includes(message));
      if (found.length === 0) {
        outcome.syntax = { status: 'differ', reason: `nginx: ${message} at ${shown}:${line}; cfglint: no nginx-syntax finding in ${shown}` };
      } else if (earlier.length > 0) {
        outcome.syntax = { status: 'differ', reason: `nginx: ${message} at ${shown}:${line}; cfglint also before it: ${earlier.map(describe).join('; ')}` };
      } else {
        outcome.syntax = { status: 'agree', reason: `rejected: ${message} at ${shown}:${line}` };
        if (!found.some((d) => d.primary.start.line === line)) {
          outcome.lineDifference = `nginx ${shown}:${line} (${message}); cfglint ${found.map(describe).join('; ')}`;
        }
      }
      return outcome;
    }
    if (!accepted) return this.notComparable(outcome, `still rejected after ${MAX_ATTEMPTS} runs`);

    // Accepted: the files nginx read, back in the tree.
    const read: string[] = [];
    for (const file of accepted) {
      if (file.startsWith(stubDir + path.sep)) {
        outcome.dropped[0]++;
        continue;
      }
      read.push(toTree(file) ?? file);
    }
    const inSyntax = read.flatMap(findingsIn);
    outcome.syntax =
      inSyntax.length === 0
        ? { status: 'agree', reason: 'accepted' }
        : { status: 'differ', reason: `nginx accepts; cfglint: ${inSyntax.map(describe).join('; ')}` };

    const nginxOrder = read.filter((file) => {
      const parsed = parsedByFile.get(file);
      if (parsed && parsed.directives.length === 0) {
        outcome.dropped[1]++;
        return false;
      }
      return true;
    });
    const cfglintFiles = cfglintOrder(root).map(absolute);
    const rel = (files: string[]) => files.map((f) => path.relative(c.treeDir, f));
    if (includeBlanked) {
      outcome.order = { status: 'not comparable', reason: 'an include had to be blanked' };
    } else {
      const same = nginxOrder.length === cfglintFiles.length && nginxOrder.every((f, i) => f === cfglintFiles[i]);
      outcome.order = {
        status: same ? 'agree' : 'differ',
        reason: same ? `${nginxOrder.length} files` : `nginx [${rel(nginxOrder).join(', ')}] vs cfglint [${rel(cfglintFiles).join(', ')}]`,
        nginx: rel(nginxOrder),
        cfglint: rel(cfglintFiles),
      };
    }
    return outcome;
  }

  private notComparable(outcome: Outcome, reason: string): Outcome {
    outcome.order = { status: 'not comparable', reason };
    outcome.syntax = { status: 'not comparable', reason };
    return outcome;
  }
}

// ---------------------------------------------------------------------------------------------
// The suite

if (!NGINX) {
  process.stdout.write('nginx server suite skipped: no nginx binary (looked for nginx on PATH and /usr/sbin/nginx)\n');
  describe.skip('nginx reader against nginx -T', () => test('needs nginx', () => undefined));
} else {
  describe('nginx reader against nginx -T (include order, syntax verdict)', () => {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cfglint-nginx-')));
    const fixtureCases: Case[] = FIXTURES.map((fixture, index) => {
      const dir = path.join(tmp, 'fixtures', String(index));
      writeTree(dir, fixture.tree);
      return { name: fixture.name, group: 'fixture', treeDir: dir, lintPath: dir, main: path.join(dir, fixture.main) };
    });
    const corpus = corpusCases(path.join(tmp, 'corpus'));
    if (corpus.length === 0)
      process.stdout.write(`nginx server suite: corpus part skipped: ../shared/corpus not found (looked for ${path.join(CORPUS, 'FORMATS.tsv')})\n`);
    const secrets = makeSecrets(path.join(tmp, 'secrets'));
    const comparison = new Comparison(NGINX, path.join(tmp, 'runs'), secrets);
    const results: { c: Case; outcome: Outcome }[] = [];

    afterAll(() => {
      const line = (group: string | undefined, key: 'order' | 'syntax') => {
        const rows = results.filter((r) => group === undefined || r.c.group === group);
        const compared = rows.filter((r) => r.outcome[key].status !== 'not comparable');
        return `${compared.filter((r) => r.outcome[key].status === 'agree').length}/${compared.length}`;
      };
      const perGroup = (key: 'order' | 'syntax') => GROUPS.map((g) => `${g} ${line(g, key)}`).join(', ');
      const notComparable = results.filter((r) => r.outcome.syntax.status === 'not comparable');
      const orderOnly = results.filter((r) => r.outcome.syntax.status !== 'not comparable' && r.outcome.order.status === 'not comparable');
      const dropped = results.reduce((sum, r) => [sum[0] + r.outcome.dropped[0], sum[1] + r.outcome.dropped[1]], [0, 0]);
      const multi = results.filter((r) => r.outcome.order.status !== 'not comparable' && (r.outcome.order.nginx?.length ?? 0) > 1);
      let text =
        `nginx differential (${results.length} main configs): include order agree ${line(undefined, 'order')} (${perGroup('order')}; ` +
        `${multi.filter((r) => r.outcome.order.status === 'agree').length}/${multi.length} with more than one file); ` +
        `syntax verdicts agree ${line(undefined, 'syntax')} (${perGroup('syntax')}); not comparable: ${notComparable.length}; ` +
        `dropped from nginx's lists: ${dropped[0]} stubs, ${dropped[1]} files without directives\n`;
      for (const r of results) {
        for (const key of ['order', 'syntax'] as const) {
          if (r.outcome[key].status === 'differ') text += `  DIFFER ${key}: ${r.c.name}: ${r.outcome[key].reason}\n`;
        }
      }
      for (const r of results) if (r.outcome.lineDifference) text += `  line differs: ${r.c.name}: ${r.outcome.lineDifference}\n`;
      for (const r of notComparable) text += `  not comparable: ${r.c.name}: ${r.outcome.syntax.reason}\n`;
      for (const r of orderOnly) text += `  order not comparable: ${r.c.name}: ${r.outcome.order.reason}\n`;
      for (const r of results) {
        // One line per config: what was set aside, by nginx's message without its place.
        const counts = new Map<string, number>();
        for (const note of r.outcome.notes) {
          const general = note.replace(/ \([^()]*:\d+\)$/, '');
          counts.set(general, (counts.get(general) ?? 0) + 1);
        }
        if (counts.size > 0) text += `  set up: ${r.c.name}: ${[...counts].map(([note, n]) => (n > 1 ? `${note} ×${n}` : note)).join('; ')}\n`;
      }
      for (const r of multi) text += `  ${r.outcome.order.status === 'agree' ? 'same order' : 'order'}: ${r.c.name}: ${r.outcome.order.nginx!.join(', ')}\n`;
      process.stdout.write(text);
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    test.each([...fixtureCases, ...corpus].map((c) => [`${c.group}: ${c.name}`, c] as const))('%s', (_label, c) => {
      const outcome = comparison.compare(c);
      results.push({ c, outcome });
      const differences = (['order', 'syntax'] as const).filter((key) => outcome[key].status === 'differ').map((key) => `${key}: ${outcome[key].reason}`);
      expect(differences).toEqual([]);
      if (c.group === 'fixture') {
        // Every fixture is comparable on both counts where nginx accepts, and on the verdict otherwise.
        expect(outcome.syntax.status).toBe('agree');
        if (outcome.syntax.reason === 'accepted') expect(outcome.order.status).toBe('agree');
      }
    });

    test('the fixtures cover what they are about', () => {
      const byName = new Map(results.map((r) => [r.c.name, r.outcome]));
      const order = byName.get(FIXTURES[0].name)!.order;
      expect(order.status).toBe('agree');
      expect(order.nginx).toEqual([
        'nginx.conf',
        'conf.d/10-a.conf',
        'nested/inner.conf',
        'conf.d/9-b.conf',
        'conf.d/B.conf',
        'conf.d/_u.conf',
        'conf.d/b.conf',
        'sites-enabled/default',
        'snippets/location.conf',
        'sites-enabled/zz-site',
        'snippets/z.conf',
        'snippets/http-tail.conf',
      ]);
      expect(byName.get(FIXTURES[1].name)!.order.nginx).toEqual([
        'deploy/nginx/nginx.conf',
        'deploy/nginx/upstreams/app.conf',
        'deploy/nginx/upstreams/servers.inc',
        'deploy/nginx/proxy.conf',
      ]);
      expect(byName.get(FIXTURES[2].name)!.order).toMatchObject({
        status: 'agree',
        nginx: [
          'etc/nginx/nginx.conf',
          'etc/nginx/sites-available/blog',
          'etc/nginx/sites-available/shop',
          'etc/nginx/snippets/common.conf',
          'etc/nginx/conf.d/upstream.conf',
        ],
      });
      for (const fixture of FIXTURES.filter((f) => f.name.startsWith('syntax: ') && !f.name.includes('accepted'))) {
        expect(byName.get(fixture.name)!.syntax.reason).toMatch(/^rejected: /);
      }
    });

    /** nginx -t on a tree as written (these fail while reading, before any path is used). */
    const rawTest = (name: string, tree: Record<string, string | { symlink: string }>) => {
      const dir = path.join(tmp, 'raw', name);
      writeTree(dir, tree);
      const result = spawnSync(
        NGINX,
        ['-t', '-e', path.join(dir, 'error.log'), '-p', dir + '/', '-c', path.join(dir, 'nginx.conf'), '-g', `pid ${path.join(dir, 'nginx.pid')};`],
        {
          encoding: 'utf8',
          timeout: NGINX_TIMEOUT_MS,
        },
      );
      const read = readTree({ paths: [dir], cwd: dir, config: {} });
      return {
        status: result.status,
        error: nginxError(result.stderr),
        diagnostics: read.diagnostics.map((d) => `${d.ruleId} ${d.primary.file}:${d.primary.start.line}:${d.primary.start.column}`),
      };
    };

    test('a glob that matches a directory: nginx stops, cfglint reports the include', () => {
      const { status, error, diagnostics } = rawTest('glob-directory', {
        'nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
        'sites-enabled/app': 'add_header X-app 1;\n',
        'sites-enabled/old/app': 'add_header X-old 1;\n',
      });
      expect(status).toBe(1);
      expect(error?.message).toMatch(/^pread\(\) ".*\/sites-enabled\/old" failed \(21: Is a directory\)$/);
      expect(diagnostics).toEqual(['read-error nginx.conf:3:13']);
    });

    test('a glob that matches a dangling symlink: nginx stops, cfglint reports the link', () => {
      const { status, error, diagnostics } = rawTest('glob-dangling-link', {
        'nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n',
        'sites-enabled/app': 'add_header X-app 1;\n',
        'sites-enabled/gone': { symlink: '../sites-available/gone' },
      });
      expect(status).toBe(1);
      expect(error).toMatchObject({ message: expect.stringMatching(/^open\(\) ".*\/sites-enabled\/gone" failed \(2: No such file or directory\)$/), line: 3 });
      expect(diagnostics).toEqual(['read-error sites-enabled/gone:1:1']);
    });

    test('most corpus main configs are compared', () => {
      if (corpus.length === 0) return;
      const corpusResults = results.filter((r) => r.c.group !== 'fixture');
      const compared = corpusResults.filter((r) => r.outcome.syntax.status !== 'not comparable');
      // Most of the rest need modules Debian's nginx lacks (njs, NGINX Plus, app protect, rtmp).
      expect(compared.length).toBeGreaterThanOrEqual(Math.floor(corpusResults.length * 0.5));
    });
  });
}
