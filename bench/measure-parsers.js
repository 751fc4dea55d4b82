#!/usr/bin/env node
/**
 * Measures the third-party parsers the user asked for (nginx-conf, ini, fast-xml-parser)
 * against what cfglint needs: a position for every directive, argument and repeated key, the
 * values the server itself would see, and recovery after a syntax error. The figures quoted in
 * docs/design.md ("Dependencies") come from this script.
 *
 *   npm run measure:parsers            (builds first; this file requires the compiled dist/)
 *   node bench/measure-parsers.js [--quick] [--no-corpus]
 *
 * Every input is generated here. When ../shared/corpus is present (next to the project), its
 * nginx, uWSGI and Tomcat files are READ (never copied) for the corpus part of each section.
 */
'use strict';

const nodeFs = require('fs');
const nodePath = require('path');

const root = nodePath.resolve(__dirname, '..');
const dist = (p) => nodePath.join(root, 'dist', 'src', p);
if (!nodeFs.existsSync(dist('readers/nginx/parse.js'))) {
  console.error('measure-parsers: dist/ is missing; run `npm run build` first (or `npm run measure:parsers`).');
  process.exit(2);
}
const { parseNginx } = require(dist('readers/nginx/parse'));
const { readNginxTree } = require(dist('readers/nginx'));
const { SourceText } = require(dist('source/text'));
const { NginxParser, NginxConfFile } = require('nginx-conf');
const ini = require('ini');
const { XMLParser, XMLValidator } = require('fast-xml-parser');

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const CORPUS = nodePath.resolve(root, '..', 'shared', 'corpus');
const useCorpus = !args.has('--no-corpus') && nodeFs.existsSync(nodePath.join(CORPUS, 'FORMATS.tsv'));

const version = (name) => require(nodePath.join(root, 'node_modules', name, 'package.json')).version;
const heading = (text) => console.log(`\n${'='.repeat(text.length)}\n${text}\n${'='.repeat(text.length)}`);
const sub = (text) => console.log(`\n-- ${text}`);
const show = (value) => JSON.stringify(value);
const where = (span) => `${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;

console.log(`node ${process.version}; nginx-conf ${version('nginx-conf')}, ini ${version('ini')}, fast-xml-parser ${version('fast-xml-parser')}`);

// ---------------------------------------------------------------------------------------------
// Adapters: one call per parser, never throwing.

/** nginx-conf's parser is synchronous behind a callback; it can also throw (stray `}`). */
function nginxConfParse(text) {
  let result = { error: null, tree: null, threw: null };
  try {
    new NginxParser().parse(text, (error, tree) => {
      result = { error, tree: tree ?? null, threw: null };
    });
  } catch (error) {
    result = { error: null, tree: null, threw: error.message };
  }
  return result;
}

/** Every node of an nginx-conf tree in document order (the root itself excluded). */
function nginxConfNodes(tree) {
  const out = [];
  const visit = (node) => {
    for (const child of node.children || []) {
      out.push(child);
      visit(child);
    }
  };
  if (tree) visit(tree);
  return out;
}

function cfglintParse(text, file = 'bench.conf') {
  return parseNginx(new SourceText(file, text));
}

function cfglintDirectives(list) {
  const out = [];
  const visit = (directives, parent) => {
    for (const directive of directives) {
      out.push({ directive, parent });
      if (directive.block) visit(directive.block, directive);
    }
  };
  visit(list, undefined);
  return out;
}

/** A full collection before each timed run, so that no parser pays for the other's garbage. */
const collectGarbage = (() => {
  if (typeof global.gc === 'function') return global.gc;
  try {
    require('v8').setFlagsFromString('--expose-gc');
    return require('vm').runInNewContext('gc');
  } catch {
    return () => {};
  }
})();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const timeMs = (fn) => {
  collectGarbage();
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

/** FORMATS.tsv rows of one format: absolute paths of corpus files. */
function corpusFiles(format) {
  const rows = nodeFs.readFileSync(nodePath.join(CORPUS, 'FORMATS.tsv'), 'utf8').split('\n').slice(1);
  return rows
    .map((row) => row.split('\t'))
    .filter((cols) => cols[1] === format)
    .map((cols) => nodePath.join(CORPUS, cols[0]))
    .filter((path) => nodeFs.existsSync(path));
}
const readText = (path) => new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(nodeFs.readFileSync(path));

const summary = {};

// =============================================================================================
heading('A. nginx fidelity: nginx-conf vs cfglint parseNginx');

const FIDELITY_CONF = [
  '# main config',
  'user www-data;',
  'http {',
  '    include mime.types;',
  `    log_format main '$remote_addr "$request" ; {braces} #not-a-comment';`,
  '    add_header X-A "a b; c";',
  '    server {',
  '        listen 80;',
  '        set $p "/srv/${host}/x";',
  '        if ($request_uri ~* "^/(a|b){2}\\.php$") { return 404; }',
  "        add_header X-B 'd { e }';",
  '        access_by_lua_block {',
  '            if ngx.var.x == "}" then ngx.exit(403) end',
  '        }',
  '        add_header X-C c;   # trailing comment',
  '        listen [::]:80;',
  '    }',
  '}',
  '',
].join('\n');

console.log('Input (generated):');
FIDELITY_CONF.split('\n').forEach((line, i) => line && console.log(`  ${String(i + 1).padStart(2)} | ${line}`));

const nc = nginxConfParse(FIDELITY_CONF);
const cf = cfglintParse(FIDELITY_CONF);
const ncNodes = nginxConfNodes(nc.tree);
const cfNodes = cfglintDirectives(cf.directives);
const ncFind = (name, value) => ncNodes.find((n) => n.name === name && (value === undefined || n.value.startsWith(value)));
const cfFind = (name, arg0) => cfNodes.find((d) => d.directive.name === name && (arg0 === undefined || d.directive.args[0]?.value === arg0))?.directive;

sub('positions');
const ncFields = Object.keys(ncFind('add_header', 'X-A')).filter((k) => k !== 'parent' && k !== 'children');
console.log(`nginx-conf node fields: ${ncFields.join(', ')} (+ parent, children): no line, column or offset on any node`);
const cfA = cfFind('add_header', 'X-A');
console.log(`cfglint   add_header X-A: directive ${where(cfA.span)}, name ${where(cfA.nameSpan)}, args ${cfA.args.map((a) => where(a.span)).join(' ')}`);
const cfWithSpans = cfNodes.filter(({ directive }) => directive.span && directive.nameSpan && directive.args.every((a) => a.span)).length;
console.log(`cfglint   directives with a span on the directive, its name and every argument: ${cfWithSpans}/${cfNodes.length}`);
summary.fidelityPositions = { nginxConf: 'none', cfglint: `${cfWithSpans}/${cfNodes.length}` };

sub('arguments (quotes, `;` `{` `#` inside quotes, ${var}, if-regex)');
for (const [name, first] of [
  ['log_format', 'main'],
  ['add_header', 'X-A'],
  ['add_header', 'X-B'],
  ['set', '$p'],
  ['if', undefined],
]) {
  const n = ncFind(name, first);
  const c = cfFind(name, first);
  console.log(`${name.padEnd(10)} nginx-conf value: ${show(n ? n.value : null)}`);
  console.log(`${''.padEnd(10)} cfglint args:     ${show(c ? c.args.map((a) => a.value) : null)}`);
}
console.log('nginx-conf keeps all arguments as one raw string with the quotes; splitting it needs an nginx tokenizer anyway.');

sub('Lua block holding "}" in a Lua string');
const ncLua = ncFind('access_by_lua_block');
const cfLua = cfFind('access_by_lua_block');
console.log(`nginx-conf value: ${show(ncLua && ncLua.value)} (error: ${show(nc.error)})`);
console.log(`cfglint    value: ${show(cfLua && cfLua.args[0].value)}`);
const ncAfter = ncFind('add_header', 'X-C');
const cfAfter = cfNodes.find(({ directive }) => directive.name === 'add_header' && directive.args[0].value === 'X-C');
console.log(
  `"add_header X-C" (inside server on line 15) is under: nginx-conf "${ncAfter ? ncAfter.parent.name : '(missing)'}", cfglint "${cfAfter.parent.name}"`,
);
const ncListen = ncNodes.filter((n) => n.name === 'listen').map((n) => `${n.value} under ${n.parent.name}`);
console.log(
  `"listen" directives: nginx-conf ${show(ncListen)}; cfglint ${show(cfNodes.filter(({ directive }) => directive.name === 'listen').map(({ directive, parent }) => `${directive.args[0].value} under ${parent.name}`))}`,
);
summary.luaBrace = { nginxConfMisnests: !ncAfter || ncAfter.parent.name !== 'server', nginxConfError: nc.error };

sub('comments');
const ncComments = ncNodes.flatMap((n) => n.comments.map((c) => `${show(c)} on ${n.name}`));
console.log(`nginx-conf: ${ncComments.length} comment(s) kept, attached to a node, no position: ${ncComments.join('; ') || '-'}`);
console.log(`cfglint:    ${cf.comments.length} comment(s) with offsets: ${cf.comments.map((c) => `${show(c.text)} at offset ${c.start}`).join('; ')}`);

sub('repeated directives and order (a second, clean input)');
const ORDER_CONF = 'server {\n    listen 80;\n    set $a 1;\n    add_header A a;\n    set $a 2;\n    add_header B b;\n    listen 81;\n}\n';
console.log(`input: ${show(ORDER_CONF)}`);
const orderNc = nginxConfNodes(nginxConfParse(ORDER_CONF).tree).find((n) => n.name === 'server');
console.log(`nginx-conf parse tree, server children: ${orderNc.children.map((n) => `${n.name} ${n.value}`).join('; ')}`);
let confObjectKeys = '(createFromSource failed)';
NginxConfFile.createFromSource(ORDER_CONF, (error, conf) => {
  const server = !error && conf ? conf.nginx.server?.[0] : undefined;
  if (server) {
    confObjectKeys = Object.keys(server)
      .filter((k) => !k.startsWith('_') && Array.isArray(server[k]))
      .map((k) => `${k}: [${server[k].map((item) => item._value).join(', ')}]`)
      .join('; ');
  }
});
console.log(
  `nginx-conf NginxConfFile (its documented API), server: ${confObjectKeys}: every occurrence kept, but grouped by name, so the order across names (set/add_header interleaving) is gone`,
);
const orderCf = cfglintParse(ORDER_CONF).directives[0];
console.log(`cfglint server block: ${orderCf.block.map((d) => `${d.name} ${d.args.map((a) => a.value).join(' ')} @${d.nameSpan.start.line}`).join('; ')}`);

sub('include');
{
  // An in-memory tree: nginx.conf includes conf.d/*.conf inside http.
  const files = {
    '/demo/nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
    '/demo/conf.d/app.conf': 'server {\n    listen 8080;\n}\n',
  };
  const dirs = { '/demo': ['conf.d', 'nginx.conf'], '/demo/conf.d': ['app.conf'] };
  const fs = {
    kind: (p) => (p in files ? 'file' : p in dirs ? 'directory' : undefined),
    isSymlink: () => false,
    size: (p) => (p in files ? Buffer.byteLength(files[p]) : undefined),
    readHead: (p, n) => (p in files ? Buffer.from(files[p]).subarray(0, n) : undefined),
    list: (p) => {
      if (!(p in dirs)) throw new Error(`cannot list ${p}`);
      return dirs[p];
    },
    read: (p) => {
      if (!(p in files)) throw new Error(`cannot read ${p}`);
      return Buffer.from(files[p]);
    },
    realpath: (p) => {
      if (!(p in files) && !(p in dirs)) throw new Error(`no such file ${p}`);
      return p;
    },
  };
  const result = readNginxTree(Object.keys(files), {
    fs,
    treeFiles: Object.keys(files),
    lintRoots: ['/demo'],
    includeMappings: [],
    displayPath: (p) => nodePath.relative('/demo', p),
  });
  const main = result.roots.find((r) => r.kind === 'main');
  const http = main?.directives.find((e) => e.directive.name === 'http');
  const include = (http?.children ?? []).find((e) => e.directive.name === 'include');
  const expanded = (include?.children ?? []).map(
    (e) =>
      `${e.directive.name} (${e.directive.file}:${e.directive.nameSpan.start.line}, via include at ${e.via.map((v) => `${v.file}:${v.nameSpan.start.line}`).join(' > ')})`,
  );
  console.log(
    `nginx-conf: "include" is an ordinary node (value ${show(nginxConfNodes(nginxConfParse(files['/demo/nginx.conf']).tree).find((n) => n.name === 'include').value)}); the package reads one file and never follows it`,
  );
  console.log(`cfglint readNginxTree: the include in http expands to ${expanded.join('; ') || '(nothing)'}; diagnostics: ${result.diagnostics.length}`);
}

sub('syntax errors');
const ERROR_CASES = [
  ['missing "}" at end of file', 'http {\n    server {\n        listen 80;\n    }\n'],
  ['unbalanced quote', 'http {\n    add_header X "abc;\n    listen 80;\n}\n'],
  ['missing ";" before "}"', 'http {\n    server { listen 80 }\n    server { listen 81; }\n}\n'],
  ['stray "}" then more directives', 'server { listen 80; } }\nserver { listen 81; }\n'],
];
summary.errors = [];
for (const [label, text] of ERROR_CASES) {
  const n = nginxConfParse(text);
  const c = cfglintParse(text);
  const ncSays = n.threw
    ? `threw ${show(n.threw)} (an exception, no tree)`
    : n.error
      ? `error ${show(n.error.message)} line ${n.error.line} (index ${n.error.index}, no column); parsing stopped, ${nginxConfNodes(n.tree).length} node(s) kept`
      : `no error; ${nginxConfNodes(n.tree).length} node(s)`;
  const cfSays = `${c.diagnostics.map((d) => `${show(d.message)} at ${d.primary.start.line}:${d.primary.start.column}${d.related.length ? ` (+ ${d.related.map((r) => `${show(r.label)} at ${r.span.start.line}:${r.span.start.column}`).join(', ')})` : ''}`).join('; ')}; ${cfglintDirectives(c.directives).length} directive(s) kept`;
  console.log(`${label}:\n  nginx-conf: ${ncSays}\n  cfglint:    ${cfSays}`);
  summary.errors.push({
    label,
    nginxConf: n.threw ? 'throws' : n.error ? `line ${n.error.line}, stops` : 'no error',
    cfglint: c.diagnostics.map((d) => `${d.primary.start.line}:${d.primary.start.column}`).join(', '),
  });
}

if (useCorpus) {
  sub('corpus: every file FORMATS.tsv marks "nginx" (read, not copied)');
  const files = corpusFiles('nginx');
  let ncOk = 0;
  let ncError = 0;
  let ncThrew = 0;
  let cfClean = 0;
  let cfDirectives = 0;
  let cfSpanned = 0;
  let spanTextMatches = 0;
  let spanTextChecked = 0;
  let splitWouldBreak = 0;
  let bothClean = 0;
  let disagree = 0;
  const causes = { 'comment read as a directive': [], 'quotes kept in a directive name': [], 'other (Lua blocks, escapes)': [] };
  for (const path of files) {
    const text = readText(path);
    const n = nginxConfParse(text);
    const c = cfglintParse(text, path);
    const syntax = c.diagnostics.filter((d) => d.ruleId === 'nginx-syntax');
    if (n.threw) ncThrew++;
    else if (n.error) ncError++;
    else ncOk++;
    if (syntax.length === 0) cfClean++;
    const all = cfglintDirectives(c.directives);
    cfDirectives += all.length;
    for (const { directive } of all) {
      if (directive.span && directive.nameSpan && directive.args.every((a) => a.span)) cfSpanned++;
      for (const arg of directive.args) {
        if (!arg.quoted && !arg.value.includes('\\') && !directive.name.endsWith('_by_lua_block')) {
          spanTextChecked++;
          if (text.slice(arg.span.start.offset, arg.span.end.offset) === arg.value) spanTextMatches++;
        }
        if (arg.quoted && /[\s;{}#]|^$/.test(arg.value)) splitWouldBreak++;
      }
    }
    if (!n.threw && !n.error && syntax.length === 0) {
      bothClean++;
      const ncNames = nginxConfNodes(n.tree)
        .map((node) => node.name)
        .join(' ');
      const cfNames = all.map(({ directive }) => directive.name).join(' ');
      if (ncNames !== cfNames) {
        disagree++;
        // Classify by the first directive where the two sequences part.
        const ncList = nginxConfNodes(n.tree).map((node) => node.name);
        const cfList = all.map(({ directive }) => directive.name);
        let i = 0;
        while (ncList[i] === cfList[i]) i++;
        const theirs = ncList[i] ?? '';
        const cause = theirs.startsWith('#')
          ? 'comment read as a directive'
          : /^(["']).*\1$/s.test(theirs) && theirs.slice(1, -1) === cfList[i]
            ? 'quotes kept in a directive name'
            : 'other (Lua blocks, escapes)';
        causes[cause].push(`${nodePath.basename(path)} (${show(theirs)} vs ${show(cfList[i] ?? '')})`);
      }
    }
  }
  const texts = files.map(readText);
  const corpusLines = texts.reduce((sum, text) => sum + text.split('\n').length, 0);
  const cfCorpusMs = median([0, 1, 2].map(() => timeMs(() => texts.forEach((text) => cfglintParse(text)))));
  const ncCorpusMs = median([0, 1, 2].map(() => timeMs(() => texts.forEach((text) => nginxConfParse(text)))));
  console.log(
    `files: ${files.length}, ${corpusLines.toLocaleString('en-US')} lines; parsing all of them takes cfglint ${cfCorpusMs.toFixed(0)} ms, nginx-conf ${ncCorpusMs.toFixed(0)} ms (median of 3)`,
  );
  console.log(`nginx-conf: ${ncOk} parsed without error, ${ncError} reported an error (line only, then stopped), ${ncThrew} threw an exception`);
  console.log(`cfglint:    ${cfClean} without nginx-syntax diagnostics, ${files.length - cfClean} with (each at line:column, parsing went on)`);
  console.log(
    `cfglint:    ${cfSpanned}/${cfDirectives} directives carry spans on directive, name and every argument; ${spanTextMatches}/${spanTextChecked} unquoted argument spans slice back to the argument text`,
  );
  console.log(
    `quoted arguments holding whitespace, ";", "{", "}", "#" or nothing (a whitespace split of nginx-conf's raw string gets these wrong): ${splitWouldBreak}`,
  );
  console.log(`files both parse without error where the directive-name sequence differs: ${disagree}/${bothClean}; first difference:`);
  for (const [cause, list] of Object.entries(causes)) console.log(`  ${cause}: ${list.length}${list.length ? `, e.g. ${list.slice(0, 2).join('; ')}` : ''}`);
  summary.nginxCorpus = {
    files: files.length,
    lines: corpusLines,
    cfCorpusMs: Math.round(cfCorpusMs),
    ncCorpusMs: Math.round(ncCorpusMs),
    ncOk,
    ncError,
    ncThrew,
    cfClean,
    cfSpanned,
    cfDirectives,
    splitWouldBreak,
    disagree,
    bothClean,
    causes: Object.fromEntries(Object.entries(causes).map(([k, v]) => [k, v.length])),
  };
}

// =============================================================================================
heading('B. nginx speed: N upstream + server pairs, median of runs after a warm-up');

function generateNginx(pairs) {
  const parts = ['worker_processes auto;\nevents { worker_connections 1024; }\nhttp {\n'];
  for (let i = 0; i < pairs; i++) {
    const id = String(i).padStart(5, '0');
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    parts.push(
      `upstream app_${id} { server ${ip}:8000 fail_timeout=10s; keepalive 16; }\n`,
      'server {\n',
      `    listen 80; server_name app-${id}.example.com "w-${id}.example.com"; # ${i}\n`,
      `    location / { proxy_pass http://app_${id}; proxy_http_version 1.1; proxy_set_header Connection ""; }\n`,
      `    location /s/ { root /srv/${id}; expires 7d; }\n`,
      `    location ~ \\.php$ { return 404; }\n`,
      '}\n',
    );
  }
  parts.push('}\n');
  return parts.join('');
}

const os = require('os');
console.log(
  `${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? 'unknown CPU'}; load average ${os.loadavg()[0].toFixed(2)} at start (other processes skew timings; compare the ratio, rerun when the machine is idle)`,
);
const sizes = QUICK ? [2000] : [2000, 20000];
const RUNS = QUICK ? 3 : 5;
summary.speed = [];
for (const pairs of sizes) {
  const text = generateNginx(pairs);
  const lines = text.split('\n').length - 1;
  const mb = Buffer.byteLength(text) / 1e6;
  // Both must have read the whole input, or the timing means nothing. These calls are also the warm-up.
  const cfCount = cfglintDirectives(cfglintParse(text).directives).length;
  const ncResult = nginxConfParse(text);
  const ncCount = nginxConfNodes(ncResult.tree).length;
  const cfTimes = [];
  const ncTimes = [];
  for (let run = 0; run < RUNS; run++) {
    cfTimes.push(timeMs(() => cfglintParse(text)));
    ncTimes.push(timeMs(() => nginxConfParse(text)));
  }
  const cfMs = median(cfTimes);
  const ncMs = median(ncTimes);
  const row = (name, ms) =>
    `${name.padEnd(10)} ${ms.toFixed(1).padStart(9)} ms  ${Math.round(lines / (ms / 1000))
      .toLocaleString('en-US')
      .padStart(12)} lines/s  ${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s`;
  console.log(
    `\n${pairs.toLocaleString('en-US')} pairs: ${lines.toLocaleString('en-US')} lines, ${mb.toFixed(2)} MB; directives read: cfglint ${cfCount}, nginx-conf ${ncCount}${ncResult.error ? ` (error ${show(ncResult.error.message)})` : ''}`,
  );
  console.log(row('cfglint', cfMs));
  console.log(row('nginx-conf', ncMs));
  console.log(
    `ratio nginx-conf / cfglint: ${(ncMs / cfMs).toFixed(2)} (cfglint also builds a span for every directive and argument); load average now ${os.loadavg()[0].toFixed(2)}`,
  );
  summary.speed.push({
    pairs,
    lines,
    mb: Number(mb.toFixed(2)),
    cfglintMs: Number(cfMs.toFixed(1)),
    nginxConfMs: Number(ncMs.toFixed(1)),
    ratio: Number((ncMs / cfMs).toFixed(2)),
  });
}

// =============================================================================================
heading('C. uWSGI INI: ini.parse vs what uWSGI reads (docs/servers/uwsgi.md#ini-line-format)');

const UWSGI_INI = [
  '; uWSGI config',
  '# also a comment',
  '[uwsgi]',
  'module = app.wsgi:application',
  'socket = 127.0.0.1:8001',
  'socket = /run/app.sock   ; inline comment',
  'env = DJANGO_SETTINGS_MODULE=app.settings',
  'env = LANG=C.UTF-8',
  'base = /srv/app',
  'chdir = %(base)/src',
  'processes = 2',
  'processes = 4',
  'master = true',
  'logto = /var/log/app#1.log',
  'pidfile = "/run/app.pid"',
  'enable-threads',
  '',
].join('\n');

/**
 * What uWSGI's core/ini.c reads (docs/servers/uwsgi.md#ini-line-format): whole lines starting with ";" or "#" are
 * comments, inline comments are NOT stripped, split at the first "=", trim, quotes are not
 * special, a bare key has an empty value, every occurrence is kept in order.
 */
function uwsgiEntries(text, wanted = 'uwsgi') {
  const entries = [];
  let section;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line[0] === ';' || line[0] === '#') return;
    if (line[0] === '[') {
      section = line.slice(1, line.indexOf(']') === -1 ? undefined : line.indexOf(']'));
      return;
    }
    if (section !== wanted) return;
    const eq = line.indexOf('=');
    const key = (eq === -1 ? line : line.slice(0, eq)).trim();
    const value = eq === -1 ? '' : line.slice(eq + 1).trim();
    entries.push({ line: index + 1, key, value });
  });
  return entries;
}

console.log('Input (generated):');
UWSGI_INI.split('\n').forEach((line, i) => line && console.log(`  ${String(i + 1).padStart(2)} | ${line}`));
const parsedDefault = ini.parse(UWSGI_INI);
const parsedArrays = ini.parse(UWSGI_INI, { bracketedArray: false });
console.log(`\nini.parse(text).uwsgi:\n  ${show(parsedDefault.uwsgi)}`);
console.log(`ini.parse(text, { bracketedArray: false }).uwsgi:\n  ${show(parsedArrays.uwsgi)}`);
const hasPositions = (obj) => Object.getOwnPropertySymbols(obj).length > 0 || Object.keys(obj).some((k) => /line|pos|offset/i.test(k));
console.log(
  `positions: ${hasPositions(parsedDefault.uwsgi) || hasPositions(parsedArrays.uwsgi) ? 'some' : 'none (plain values, no line numbers, no symbols)'}`,
);
const entries = uwsgiEntries(UWSGI_INI);
console.log('\nkey        uWSGI reads (line: value, every occurrence)                 ini.parse            ini bracketedArray:false');
for (const key of [...new Set(entries.map((e) => e.key))]) {
  const mine = entries
    .filter((e) => e.key === key)
    .map((e) => `${e.line}: ${show(e.value)}`)
    .join(', ');
  console.log(`${key.padEnd(10)} ${mine.padEnd(60)} ${show(parsedDefault.uwsgi[key]).padEnd(20)} ${show(parsedArrays.uwsgi[key])}`);
}
const repeatedKeys = entries.filter((e, i) => entries.findIndex((o) => o.key === e.key) !== i).length;
console.log(
  `\nrepeated occurrences uWSGI keeps (list options like socket/env are additive): ${repeatedKeys}; ini.parse default keeps ${Object.keys(parsedDefault.uwsgi).length} keys for ${entries.length} lines (one value per key, the last)`,
);
console.log(
  'ini also strips "; inline" and "#..." from values, removes surrounding quotes and turns true/false/null into JSON values; uWSGI does none of this.',
);

if (useCorpus) {
  sub('corpus: every file FORMATS.tsv marks "uwsgi", section [uwsgi]');
  const files = corpusFiles('uwsgi');
  let withUwsgi = 0;
  let filesLosing = 0;
  let lost = 0;
  const changed = { 'cut at ";" or "#"': 0, 'quotes removed': 0, 'true/false/null or bare key turned into a JSON value': 0, other: 0 };
  const changedFiles = new Set();
  const repeatedByKey = new Map();
  let total = 0;
  for (const path of files) {
    const text = readText(path);
    const mine = uwsgiEntries(text);
    if (mine.length === 0) continue;
    withUwsgi++;
    total += mine.length;
    let parsed;
    try {
      parsed = ini.parse(text).uwsgi || {};
    } catch {
      parsed = {};
    }
    const counts = new Map();
    for (const e of mine) counts.set(e.key, (counts.get(e.key) || 0) + 1);
    const fileLost = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    if (fileLost > 0) filesLosing++;
    lost += fileLost;
    for (const [key, n] of counts) if (n > 1) repeatedByKey.set(key, (repeatedByKey.get(key) || 0) + n);
    for (const [key] of counts) {
      const last = [...mine].reverse().find((e) => e.key === key).value;
      const theirs = parsed[key];
      if (theirs === last) continue;
      let cause = 'other';
      if (typeof theirs !== 'string') cause = 'true/false/null or bare key turned into a JSON value';
      else if (/^(["']).*\1$/.test(last) && theirs.length < last.length) cause = 'quotes removed';
      else if (last.startsWith(theirs) && /[;#]/.test(last.slice(theirs.length))) cause = 'cut at ";" or "#"';
      changed[cause]++;
      if (cause !== 'true/false/null or bare key turned into a JSON value') changedFiles.add(path);
    }
  }
  console.log(`files with a [uwsgi] section: ${withUwsgi}/${files.length}; lines in [uwsgi]: ${total}`);
  console.log(`repeated keys: ${filesLosing} files, ${lost} occurrences that ini.parse drops (it keeps the last)`);
  console.log(
    `most repeated keys (occurrences in files that repeat them): ${[...repeatedByKey]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  console.log(
    `values ini.parse reports differently from what uWSGI reads (last occurrence per key): ${Object.entries(changed)
      .map(([k, n]) => `${k}: ${n}`)
      .join('; ')}`,
  );
  console.log(`files where ini.parse changes a string value (cut, quotes, other): ${changedFiles.size}`);
  summary.uwsgiCorpus = { files: files.length, withUwsgi, total, filesLosing, lost, changed, changedFiles: changedFiles.size };
}

// =============================================================================================
heading('D. Tomcat server.xml: fast-xml-parser with captureMetaData');

const SERVER_XML = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<!-- a comment -->',
  '<Server port="8005" shutdown="SHUTDOWN">',
  '  <Service name="Catalina">',
  '    <Executor name="tomcatThreadPool" maxThreads="150"/>',
  '    <Connector port="8080" protocol="HTTP/1.1"',
  '               connectionTimeout="20000"',
  '               keepAliveTimeout="${ka.timeout}" />',
  '    <Connector port="8009" protocol="AJP/1.3" secretRequired="false"></Connector>',
  '    <Engine name="Catalina" defaultHost="localhost">',
  '      <Valve className="org.apache.catalina.valves.AccessLogValve"/>',
  '      <Host name="localhost" appBase="webapps"/>',
  '      <Realm/>',
  '    </Engine>',
  '  </Service>',
  '</Server>',
  '',
].join('\n');

const META = XMLParser.getMetaDataSymbol();
function xmlElements(nodes, out = []) {
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name === '#text' || name === '#comment' || name.startsWith('?')) continue;
    out.push({ name, attrs: node[':@'] || {}, meta: node[META] });
    if (Array.isArray(node[name])) xmlElements(node[name], out);
  }
  return out;
}
/** Line and column of an offset (1-based), for printing. */
function lineCol(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}
/**
 * The small exact piece fast-xml-parser leaves to us: the offset of each attribute's raw value
 * inside the start tag at `startIndex` (quote-aware, so a ">" inside a value does not end it).
 */
function attributeOffsets(text, startIndex) {
  const out = {};
  const name = /<[^\s/>]+/y;
  name.lastIndex = startIndex;
  if (!name.exec(text)) return out;
  const attribute = /\s*([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
  attribute.lastIndex = name.lastIndex;
  for (let m = attribute.exec(text); m; m = attribute.exec(text)) {
    out[m[1]] = attribute.lastIndex - (m[2] ?? m[3]).length - 1;
  }
  return out;
}

const xmlOptions = { ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, captureMetaData: true, parseAttributeValue: false };
for (const [label, text] of [
  ['LF', SERVER_XML],
  ['CRLF', SERVER_XML.replace(/\n/g, '\r\n')],
]) {
  const elements = xmlElements(new XMLParser(xmlOptions).parse(text));
  const withStart = elements.filter((e) => e.meta && typeof e.meta.startIndex === 'number');
  const startOk = withStart.filter((e) => text.startsWith(`<${e.name}`, e.meta.startIndex));
  const withEnd = elements.filter((e) => e.meta && typeof e.meta.endIndex === 'number');
  const endOk = withEnd.filter((e) => text[e.meta.endIndex - 1] === '>');
  console.log(
    `\n${label} input, preserveOrder + captureMetaData: ${elements.length} elements; startIndex on ${withStart.length}, pointing at "<name" on ${startOk.length}; endIndex on ${withEnd.length}, just after ">" on ${endOk.length}`,
  );
  if (label === 'LF') {
    for (const e of elements.filter((x) => x.name === 'Connector')) {
      const offsets = attributeOffsets(text, e.meta.startIndex);
      console.log(
        `  Connector at ${lineCol(text, e.meta.startIndex)} (startIndex ${e.meta.startIndex}, endIndex ${e.meta.endIndex}); attributes ${show(e.attrs)}`,
      );
      console.log(
        `    attribute objects carry no metadata (symbols: ${Object.getOwnPropertySymbols(e.attrs).length}); own scan of the start tag gives values at ${Object.entries(
          offsets,
        )
          .map(([k, o]) => `${k} ${lineCol(text, o)}`)
          .join(', ')}`,
      );
    }
    summary.xml = { elements: elements.length, startIndex: startOk.length, endIndex: endOk.length };
  } else {
    summary.xmlCrlf = { elements: elements.length, startIndex: startOk.length };
  }
}
{
  const plain = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', captureMetaData: true }).parse(SERVER_XML);
  const connectors = plain.Server.Service.Connector;
  const realm = plain.Server.Service.Engine.Realm;
  console.log(
    `\ndefault (object) mode: Connector[0] metadata ${show(connectors[0][META])}; <Realm/> without attributes becomes ${show(realm)}, which can hold no metadata`,
  );
}
{
  const broken = SERVER_XML.replace('secretRequired="false"', 'secret="<changeit>"').replace('</Engine>', '');
  let parsed;
  try {
    new XMLParser(xmlOptions).parse(broken);
    parsed = 'parsed without error';
  } catch (error) {
    parsed = `threw ${show(error.message)}`;
  }
  console.log(
    `\nmalformed server.xml ("<" in an attribute value, </Engine> missing): XMLParser ${parsed}; XMLValidator.validate: ${show(XMLValidator.validate(broken))}`,
  );
}

if (useCorpus) {
  sub('corpus: every file FORMATS.tsv marks "tomcat"');
  const files = corpusFiles('tomcat');
  let parsedFiles = 0;
  let threw = 0;
  let invalid = 0;
  let connectors = 0;
  let connectorsPositioned = 0;
  let attrsChecked = 0;
  let attrsFound = 0;
  let attrsDecoded = 0;
  const missedIn = new Set();
  for (const path of files) {
    const text = readText(path);
    if (XMLValidator.validate(text) !== true) invalid++;
    let tree;
    try {
      tree = new XMLParser(xmlOptions).parse(text);
      parsedFiles++;
    } catch {
      threw++;
      continue;
    }
    for (const e of xmlElements(tree).filter((x) => x.name === 'Connector')) {
      connectors++;
      if (e.meta && text.startsWith('<Connector', e.meta.startIndex)) {
        connectorsPositioned++;
        const offsets = attributeOffsets(text, e.meta.startIndex);
        for (const [name, value] of Object.entries(e.attrs)) {
          attrsChecked++;
          if (offsets[name] === undefined) {
            missedIn.add(nodePath.relative(CORPUS, path));
            continue;
          }
          attrsFound++;
          if (!text.startsWith(value, offsets[name])) attrsDecoded++;
        }
      }
    }
  }
  console.log(`files: ${files.length}; parsed: ${parsedFiles}; XMLParser threw: ${threw}; XMLValidator reports an error: ${invalid}`);
  console.log(
    `active <Connector> elements: ${connectors}; startIndex at "<Connector": ${connectorsPositioned}; attribute values located by the start-tag scan: ${attrsFound}/${attrsChecked} (${attrsDecoded} differ from the parsed value because entities such as &lt; are decoded)${missedIn.size ? `; not located in: ${[...missedIn].join(', ')}` : ''}`,
  );
  summary.tomcatCorpus = { files: files.length, parsedFiles, threw, invalid, connectors, connectorsPositioned, attrsFound, attrsChecked, attrsDecoded };
}

heading('Summary (JSON)');
console.log(JSON.stringify(summary, null, 2));
