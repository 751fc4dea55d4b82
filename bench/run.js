#!/usr/bin/env node
/**
 * Speed benchmark (docs/performance.md quotes its output):
 *
 *   npm run bench                (builds first; this file requires the compiled dist/)
 *   node bench/run.js [--full] [--runs N] [--only TREE[,TREE]] [--compare DIR]
 *
 * Generates nginx trees in a temp dir (1k, 10k, 140k lines in one file; 140k lines in 501 files,
 * an nginx.conf including conf.d/*.conf; 1.37M lines in one file with --full, or named with
 * --only) and times, on the same files in the same run: cfglint end to end (a child process,
 * start to exit), its nginx reader alone (parseNginx per file; and again reading every argument
 * value and every span, which the reader builds on demand), the nginx-conf package's parser
 * (in process, warm: one untimed parse first), and `nginx -t` where nginx is installed (which
 * checks more than syntax; not above 500k lines, where it takes minutes). Median over several
 * runs; peak RSS of each child. Each tree's summary line puts cfglint end to end against
 * nginx-conf's warm parse (issue 20 asks for at most 2×).
 * Also times `cfglint examples/keepalive-http10/broken` against `node -e 0` (median of 15,
 * interleaved), and the nginx security and best-practice rules of issue 17 on against off on the
 * 140k-line tree in 501 files (interleaved): their ratio, and the ms they add (which, unlike the
 * ratio, does not move when the rest of the run gets faster).
 * With --compare DIR (another checkout of cfglint, built), also times that build's CLI on the
 * 140k-line tree, interleaved run by run with this one, so that a change's cost is measured
 * against the code before it under the same load.
 * Prints a table and writes the same figures to bench/results.json.
 */
'use strict';

const nodeFs = require('fs');
const nodeOs = require('os');
const nodePath = require('path');
const { spawnSync } = require('child_process');

const root = nodePath.resolve(__dirname, '..');
const cli = nodePath.join(root, 'dist', 'src', 'cli', 'main.js');

// ---------------------------------------------------------------------------------------------
// Child mode: time one parser in-process on files read beforehand; print JSON.
if (process.argv[2] === '--child') {
  const [, , , parser, runsText, ...files] = process.argv;
  const texts = files.map((file) => [file, nodeFs.readFileSync(file, 'utf8')]);
  const warmUp = () => {
    for (const [file, text] of texts) parse(file, text);
  };
  let parse;
  if (parser === 'reader' || parser === 'reader-all-spans') {
    const { parseNginx } = require(nodePath.join(root, 'dist', 'src', 'readers', 'nginx', 'parse'));
    const { SourceText } = require(nodePath.join(root, 'dist', 'src', 'source', 'text'));
    parse = (file, text) => parseNginx(new SourceText(file, text));
    if (parser === 'reader-all-spans') {
      // The reader keeps offsets and builds argument objects, values and spans when read; this
      // reads every one of them once, the most any run of cfglint could ask for.
      // eslint-disable-next-line @typescript-eslint/no-unused-vars -- summed only so that every span is read
      let sink = 0;
      const touch = (directives) => {
        for (const directive of directives) {
          sink += directive.nameSpan.end.line + directive.span.end.column + (directive.blockOpen?.start.line ?? 0);
          for (const arg of directive.args) sink += arg.value.length + arg.span.end.column;
          if (directive.block) touch(directive.block);
        }
      };
      parse = (file, text) => {
        const parsed = parseNginx(new SourceText(file, text));
        touch(parsed.directives);
        return parsed;
      };
    }
  } else {
    // As bench/measure-parsers.js calls it: synchronous behind a callback, and it can throw.
    const { NginxParser } = require('nginx-conf');
    parse = (_file, text) => {
      let result;
      try {
        new NginxParser().parse(text, (error, tree) => (result = error ?? tree));
      } catch (error) {
        result = error;
      }
      return result;
    };
  }
  // Warm: the first parse compiles and optimises the parser; the figures are of the ones after.
  warmUp();
  const times = [];
  for (let run = 0; run < Number(runsText); run++) {
    const started = process.hrtime.bigint();
    for (const [file, text] of texts) parse(file, text);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  process.stdout.write(JSON.stringify({ times, maxRssKb: process.resourceUsage().maxRSS }));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
const args = process.argv.slice(2);
const FULL = args.includes('--full');
const runsAt = args.indexOf('--runs');
const RUNS = runsAt === -1 ? undefined : Number(args[runsAt + 1]);
const compareAt = args.indexOf('--compare');
const onlyAt = args.indexOf('--only');
const ONLY = onlyAt === -1 ? null : new Set((args[onlyAt + 1] ?? '').split(','));
const COMPARE_CLI = compareAt === -1 ? null : nodePath.resolve(args[compareAt + 1] ?? '', 'dist', 'src', 'cli', 'main.js');
if (COMPARE_CLI && !nodeFs.existsSync(COMPARE_CLI)) {
  console.error(`bench: --compare needs a built checkout: ${COMPARE_CLI} not found`);
  process.exit(2);
}

if (!nodeFs.existsSync(cli)) {
  console.error('bench: dist/ is missing; run `npm run build` first (or `npm run bench`).');
  process.exit(2);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const TIME = nodeFs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const which = (name) => {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const candidate = nodePath.join(dir, name);
    if (dir && nodeFs.existsSync(candidate)) return candidate;
  }
  return null;
};
const NGINX = which('nginx');

/** Runs a command `runs` times; wall time from spawn to exit, peak RSS via /usr/bin/time -v. */
function timeCommand(command, commandArgs, runs, options = {}) {
  const times = [];
  let maxRssKb = null;
  let status = null;
  let stderr = '';
  for (let run = 0; run < runs; run++) {
    const [cmd, argv] = TIME ? [TIME, ['-v', command, ...commandArgs]] : [command, commandArgs];
    const started = process.hrtime.bigint();
    const result = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, ...options });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    status = result.status;
    const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? '');
    if (match) maxRssKb = Math.max(maxRssKb ?? 0, Number(match[1]));
    stderr = (result.stderr ?? '')
      .split('\n')
      .filter((line) => !/^\t/.test(line) && !/Command (being timed|exited)/.test(line))
      .join('\n');
  }
  return { ms: median(times), times, maxRssKb, status, stderr: stderr.slice(0, 500) };
}

function timeParser(parser, files, runs) {
  const result = spawnSync(process.execPath, [__filename, '--child', parser, String(runs), ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) return { ms: null, error: (result.stderr || '').slice(0, 300) };
  const { times, maxRssKb } = JSON.parse(result.stdout);
  return { ms: median(times), times, maxRssKb };
}

// ---------------------------------------------------------------------------------------------
// Generated trees: upstream + server pairs with prefix and regex locations, maps, quoted strings.

function pair(i) {
  const a = (i >> 8) & 255;
  const b = i & 255;
  return `upstream app${i} {
    server 10.${(i >> 16) & 255}.${a}.${b}:8000 max_fails=3 fail_timeout=10s;
    keepalive 16;
}
map $http_x_tenant $tenant${i} {
    default "none";
    "~^t${i}-(?<rest>.+)$" "tenant $rest";
    t${i} 'plain value';
}
server {
    listen 80;
    server_name s${i}.example.com www.s${i}.example.com;
    root /srv/site${i};
    location / {
        proxy_pass http://app${i};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Tenant "$tenant${i} ; {quoted}";
    }
    location ~* \\.(?:png|jpe?g|gif|css|js)$ {
        expires 30d;
        add_header Cache-Control "public, max-age=2592000" always;
    }
    location /api/ {
        proxy_pass http://app${i};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_read_timeout 30s;
    }
}
`;
}
const PAIR_LINES = pair(0).split('\n').length - 1;

const HEAD = `worker_processes 1;
events {
    worker_connections 1024;
}
http {
    server_names_hash_max_size 1048576;
    server_names_hash_bucket_size 128;
    map_hash_max_size 1048576;
    variables_hash_max_size 1048576;
    variables_hash_bucket_size 128;
    access_log off;
`;
const HEAD_LINES = HEAD.split('\n').length - 1;

/**
 * One file of about `lines` lines; or, with `includedFiles`, nginx.conf including that many
 * conf.d/*.conf files that share the groups evenly.
 */
function generate(dir, lines, includedFiles) {
  nodeFs.mkdirSync(dir, { recursive: true });
  const pairs = Math.max(1, Math.round((lines - HEAD_LINES - 1) / PAIR_LINES));
  const files = [nodePath.join(dir, 'nginx.conf')];
  if (!includedFiles) {
    const parts = [HEAD];
    for (let i = 0; i < pairs; i++) parts.push(pair(i));
    parts.push('}\n');
    nodeFs.writeFileSync(files[0], parts.join(''));
  } else {
    nodeFs.writeFileSync(files[0], `${HEAD}    include conf.d/*.conf;\n}\n`);
    nodeFs.mkdirSync(nodePath.join(dir, 'conf.d'));
    for (let n = 0; n < includedFiles; n++) {
      const file = nodePath.join(dir, 'conf.d', `site${String(n).padStart(5, '0')}.conf`);
      const parts = [];
      const end = Math.floor(((n + 1) * pairs) / includedFiles);
      for (let i = Math.floor((n * pairs) / includedFiles); i < end; i++) parts.push(pair(i));
      nodeFs.writeFileSync(file, parts.join(''));
      files.push(file);
    }
  }
  let totalLines = 0;
  let bytes = 0;
  for (const file of files) {
    const text = nodeFs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    totalLines += text.split('\n').length - 1;
  }
  return { dir, files, lines: totalLines, bytes };
}

// ---------------------------------------------------------------------------------------------

const loadavg = nodeOs.loadavg();
const machine = {
  node: process.version,
  cpus: `${nodeOs.cpus().length} × ${nodeOs.cpus()[0]?.model ?? '?'}`,
  memoryGb: +(nodeOs.totalmem() / 2 ** 30).toFixed(1),
  loadBefore: loadavg.map((x) => +x.toFixed(2)),
  nginx: NGINX ? (spawnSync(NGINX, ['-v'], { encoding: 'utf8' }).stderr || '').trim() : null,
  nginxConf: require(nodePath.join(root, 'node_modules', 'nginx-conf', 'package.json')).version,
  date: new Date().toISOString(),
};
console.log(
  `node ${machine.node}; ${machine.cpus}; ${machine.memoryGb} GB; load ${machine.loadBefore.join(' ')}; ${machine.nginx ?? 'nginx not installed'}; nginx-conf ${machine.nginxConf}`,
);

const work = nodeFs.mkdtempSync(nodePath.join(nodeOs.tmpdir(), 'cfglint-bench-'));
const ALL_SIZES = [
  { name: '1k', lines: 1_000 },
  { name: '10k', lines: 10_000 },
  { name: '140k', lines: 140_000 },
  { name: '140k-501', lines: 140_000, includedFiles: 500 },
  // Behind --full: a few seconds and ~700 MB per cfglint run (docs/performance.md).
  { name: '1.37M', lines: 1_370_000, full: true },
];
const sizes = ALL_SIZES.filter((size) => (ONLY ? ONLY.has(size.name) : FULL || !size.full));
if (ONLY && sizes.length !== ONLY.size) {
  console.error(`bench: --only takes tree names among ${ALL_SIZES.map((size) => size.name).join(', ')}`);
  process.exit(2);
}
/**
 * Pairs of runs for the issue-17 line: one pair's ratio moves by ±0.1 on a shared VM, and the
 * median's 95% interval narrows with the square root of their number (15 pairs: ±0.1; 31: ±0.05).
 */
const ISSUE_17_PAIRS = 31;
/** The tree of the issue-17 line and of --compare. */
const MANY_FILES = '140k-501';

/**
 * Issue 17's nginx security and best-practice rules (gixy's and nginx-lint's checks): the line
 * "issue-17 rules" times the 140k-line tree with them on and off, run by run.
 */
const ISSUE_17_RULES = [
  'nginx-alias-traversal',
  'nginx-ssrf',
  'nginx-host-spoofing',
  'nginx-http-splitting',
  'nginx-header-redefinition',
  'nginx-add-header-multiline',
  'nginx-add-header-content-type',
  'nginx-origins-regex',
  'nginx-valid-referers-none',
  'nginx-resolver-external',
  'nginx-version-disclosure',
  'nginx-allow-without-deny',
  'nginx-return-bypasses-access',
  'nginx-status-page-exposed',
  'nginx-autoindex',
  'nginx-weak-tls',
  'nginx-unsafe-capture',
  'nginx-h2c-smuggling',
  'nginx-if-is-evil',
  'nginx-try-files-proxy',
  'nginx-map-default',
  'nginx-default-server',
  'nginx-unreachable-location',
  'nginx-error-log-off',
  'nginx-stale-dns',
  'nginx-deprecated-directive',
  'nginx-proxy-pass-uri',
  'nginx-capture-reference',
  'nginx-keepalive-requests-low',
];

/**
 * The tree linted with the issue-17 rules on (an empty config) and off (a config turning each
 * off), alternating run by run so that both see the same load.
 */
function issue17OnOff(tree, runs) {
  const onConfig = nodePath.join(work, 'rules-on.json');
  const offConfig = nodePath.join(work, 'rules-off.json');
  nodeFs.writeFileSync(onConfig, '{}\n');
  nodeFs.writeFileSync(offConfig, JSON.stringify({ rules: Object.fromEntries(ISSUE_17_RULES.map((id) => [id, 'off'])) }) + '\n');
  const lint = (config) => {
    const run = timeCommand(process.execPath, [cli, '--config', config, '-f', 'json', '-o', nodePath.join(work, 'out.json'), tree.dir], 1);
    // A rule id the build does not know is a usage error (exit 2): no figure then, but the reason.
    if (run.status > 1) throw new Error(`bench: cfglint --config ${config} exited ${run.status}: ${run.stderr}`);
    return run.ms;
  };
  const on = [];
  const off = [];
  for (let run = 0; run < runs; run++) {
    // Which goes first alternates too: the second of a pair may find the files in the page cache.
    const order = run % 2 ? ['off', 'on'] : ['on', 'off'];
    for (const mode of order) (mode === 'on' ? on : off).push(lint(mode === 'on' ? onConfig : offConfig));
  }
  // Each pair ran under the same load: their ratios' spread shows how much one figure can be trusted.
  const pairs = on.map((ms, i) => ms / off[i]).sort((a, b) => a - b);
  // What the rules add in ms, pair by pair: a ratio also moves when the rest of the run gets faster.
  const added = on.map((ms, i) => ms - off[i]).sort((a, b) => a - b);
  const quartile = (q) => +pairs[Math.min(pairs.length - 1, Math.floor(q * pairs.length))].toFixed(3);
  const interval = medianInterval(pairs.length);
  return {
    tree: MANY_FILES,
    runs,
    rules: ISSUE_17_RULES.length,
    onMs: +median(on).toFixed(1),
    offMs: +median(off).toFixed(1),
    ratio: +(median(on) / median(off)).toFixed(3),
    addedMs: +added[Math.floor(added.length / 2)].toFixed(1),
    pairRatios: {
      lowerQuartile: quartile(0.25),
      median: quartile(0.5),
      upperQuartile: quartile(0.75),
      // Distribution-free: the median pair ratio lies between these two order statistics with at least 95% confidence.
      median95: interval && { low: +pairs[interval.low].toFixed(3), high: +pairs[interval.high].toFixed(3), coverage: +interval.coverage.toFixed(3) },
    },
  };
}

/**
 * The order statistics (0-based, of n sorted values) that bound the median with at least 95%
 * confidence, whatever the distribution: the widest k with P(Binomial(n, 1/2) < k) ≤ 2.5%, giving
 * [x(k), x(n-k+1)] in 1-based terms. Undefined below 6 values, where no such pair exists.
 */
function medianInterval(n) {
  let below = 0; // P(X < k) for X ~ Binomial(n, 1/2)
  let coefficient = 1; // C(n, k)
  let k = 0;
  for (; k < n; k++) {
    const next = below + coefficient / 2 ** n;
    if (next > 0.025) break;
    below = next;
    coefficient = (coefficient * (n - k)) / (k + 1);
  }
  if (k === 0) return undefined;
  return { low: k - 1, high: n - k, coverage: 1 - 2 * below };
}

/**
 * This build against another one on the same tree, alternating run by run so that both see the
 * same load; the ratio is of the medians.
 */
function compareBuilds(tree, runs) {
  const thisTimes = [];
  const otherTimes = [];
  const lint = (cliPath) => timeCommand(process.execPath, [cliPath, '-f', 'json', '-o', nodePath.join(work, 'out.json'), tree.dir], 1);
  for (let run = 0; run < runs; run++) {
    thisTimes.push(lint(cli).ms);
    otherTimes.push(lint(COMPARE_CLI).ms);
  }
  const thisMs = median(thisTimes);
  const otherMs = median(otherTimes);
  return {
    tree: tree.dir.split(nodePath.sep).pop(),
    runs,
    other: nodePath.dirname(nodePath.dirname(nodePath.dirname(nodePath.dirname(COMPARE_CLI)))),
    thisMs: +thisMs.toFixed(1),
    otherMs: +otherMs.toFixed(1),
    ratio: +(thisMs / otherMs).toFixed(3),
  };
}

let compared = null;
let issue17 = null;
const rows = [];
try {
  for (const size of sizes) {
    const tree = generate(nodePath.join(work, size.name), size.lines, size.includedFiles);
    const runs = RUNS ?? (tree.lines >= 500_000 ? 3 : 5);
    process.stderr.write(`bench: ${size.name}: ${tree.files.length} file(s), ${tree.lines} lines, ${(tree.bytes / 2 ** 20).toFixed(2)} MB, ${runs} runs\n`);
    const reader = timeParser('reader', tree.files, runs);
    const readerAllSpans = timeParser('reader-all-spans', tree.files, runs);
    const nginxConf = timeParser('nginx-conf', tree.files, runs);
    const cfglint = timeCommand(process.execPath, [cli, '-f', 'json', '-o', nodePath.join(work, 'out.json'), tree.dir], runs);
    const nginx =
      NGINX && tree.lines <= 500_000
        ? timeCommand(NGINX, ['-t', '-q', '-p', tree.dir, '-c', tree.files[0], '-e', '/dev/null', '-g', `pid ${nodePath.join(work, 'nginx.pid')};`], runs)
        : null;
    const entry = (label, measured, extra = {}) => ({
      tool: label,
      ms: measured?.ms == null ? null : +measured.ms.toFixed(1),
      ratioToReader: measured?.ms == null || !reader.ms ? null : +(measured.ms / reader.ms).toFixed(2),
      ratioToNginxConf: measured?.ms == null || !nginxConf.ms ? null : +(measured.ms / nginxConf.ms).toFixed(2),
      linesPerSec: measured?.ms ? Math.round(tree.lines / (measured.ms / 1000)) : null,
      mbPerSec: measured?.ms ? +(tree.bytes / 2 ** 20 / (measured.ms / 1000)).toFixed(1) : null,
      usPerLine: measured?.ms ? +((measured.ms * 1000) / tree.lines).toFixed(3) : null,
      maxRssMb: measured?.maxRssKb ? +(measured.maxRssKb / 1024).toFixed(0) : null,
      ...extra,
    });
    const row = {
      size: size.name,
      files: tree.files.length,
      lines: tree.lines,
      mb: +(tree.bytes / 2 ** 20).toFixed(2),
      runs,
      results: [
        entry('cfglint end to end', cfglint, { exitCode: cfglint.status }),
        entry('cfglint nginx reader (parseNginx)', reader),
        entry('  + every value and span read', readerAllSpans),
        entry('nginx-conf parser (warm, in process)', nginxConf, nginxConf.error ? { error: nginxConf.error } : {}),
        ...(nginx ? [entry('nginx -t (checks more than syntax)', nginx, { exitCode: nginx.status, ...(nginx.status ? { stderr: nginx.stderr } : {}) })] : []),
      ],
    };
    rows.push(row);
    if (COMPARE_CLI && size.name === MANY_FILES) compared = compareBuilds(tree, Math.max(runs, 9));
    if (size.name === MANY_FILES) issue17 = issue17OnOff(tree, Math.max(runs, ISSUE_17_PAIRS));
  }

  // Small-tree latency: what a pre-commit hook pays.
  const small = nodePath.join(root, 'examples', 'keepalive-http10', 'broken');
  // Interleaved, run by run, so that both see the same load.
  const smallRuns = { cfglint: [], nodeE0: [] };
  let smallRssKb = null;
  for (let run = 0; run < 15; run++) {
    smallRuns.nodeE0.push(timeCommand(process.execPath, ['-e', '0'], 1).ms);
    const linted = timeCommand(process.execPath, [cli, small], 1, { cwd: root });
    smallRuns.cfglint.push(linted.ms);
    smallRssKb = Math.max(smallRssKb ?? 0, linted.maxRssKb ?? 0) || null;
  }
  const latency = {
    runs: 15,
    cfglint: { ms: median(smallRuns.cfglint), maxRssKb: smallRssKb },
    nodeE0: { ms: median(smallRuns.nodeE0) },
  };
  machine.loadAfter = nodeOs.loadavg().map((x) => +x.toFixed(2));

  // ------------------------------------------------------------------------------------------
  const pad = (text, width) => String(text).padEnd(width);
  const padL = (text, width) => String(text).padStart(width);
  const header = `${pad('tree', 10)} ${pad('tool', 36)} ${padL('median ms', 10)} ${padL('× reader', 9)} ${padL('× n-conf', 9)} ${padL('lines/s', 11)} ${padL('MB/s', 7)} ${padL('µs/line', 8)} ${padL('peak RSS MB', 12)}`;
  console.log(`\n${header}\n${'-'.repeat(header.length)}`);
  for (const row of rows) {
    console.log(`${row.size}: ${row.files} file(s), ${row.lines} lines, ${row.mb} MB, median of ${row.runs}`);
    for (const r of row.results) {
      const ms = r.ms == null ? `failed` : r.ms.toFixed(1);
      console.log(
        `${pad('', 10)} ${pad(r.tool, 36)} ${padL(ms, 10)} ${padL(r.ratioToReader ?? '', 9)} ${padL(r.ratioToNginxConf ?? '', 9)} ${padL(r.linesPerSec ?? '', 11)} ${padL(r.mbPerSec ?? '', 7)} ${padL(r.usPerLine ?? '', 8)} ${padL(r.maxRssMb ?? '', 12)}${r.exitCode ? ` (exit ${r.exitCode})` : ''}`,
      );
    }
  }
  console.log('');
  for (const row of rows) {
    const [cfglint, , , nginxConf] = row.results;
    console.log(
      `${row.size} (${row.files} file(s), ${row.lines} lines): cfglint end to end ${cfglint.ms ?? 'failed'} ms, peak RSS ${cfglint.maxRssMb ?? '?'} MB${cfglint.exitCode > 1 ? ` (exit ${cfglint.exitCode})` : ''}; nginx-conf warm parse ${nginxConf.ms ?? 'failed'} ms: ${cfglint.ratioToNginxConf ?? '?'}×`,
    );
  }
  const ratio = latency.cfglint.ms / latency.nodeE0.ms;
  console.log(
    `\nsmall tree (examples/keepalive-http10/broken), median of 15 interleaved: cfglint ${latency.cfglint.ms.toFixed(1)} ms (peak RSS ${((latency.cfglint.maxRssKb ?? 0) / 1024).toFixed(0)} MB), node -e 0 ${latency.nodeE0.ms.toFixed(1)} ms: ${ratio.toFixed(2)}×`,
  );
  if (issue17) {
    console.log(
      `issue-17 rules: on ${issue17.onMs} ms / off ${issue17.offMs} ms = ${issue17.ratio} (${issue17.rules} rules, ${issue17.tree}, median of ${issue17.runs} interleaved; run by run ${issue17.pairRatios.lowerQuartile}–${issue17.pairRatios.upperQuartile}, median ${issue17.pairRatios.median}${
        issue17.pairRatios.median95
          ? `, ${Math.floor(issue17.pairRatios.median95.coverage * 100)}% interval ${issue17.pairRatios.median95.low}–${issue17.pairRatios.median95.high}`
          : ''
      }); the rules add ${issue17.addedMs} ms (median of the pairs' differences)`,
    );
  }
  if (compared) {
    console.log(
      `\nthis build against ${compared.other} on ${compared.tree}, interleaved, median of ${compared.runs}: ${compared.thisMs} ms against ${compared.otherMs} ms: ${compared.ratio}×`,
    );
  }
  console.log(`load average before ${machine.loadBefore.join(' ')}, after ${machine.loadAfter.join(' ')}`);

  const results = {
    command: `node bench/run.js${FULL ? ' --full' : ''}${RUNS ? ` --runs ${RUNS}` : ''}${ONLY ? ` --only ${[...ONLY].join(',')}` : ''}`,
    machine,
    trees: rows,
    ...(compared ? { compared } : {}),
    ...(issue17 ? { issue17 } : {}),
    smallTree: {
      path: 'examples/keepalive-http10/broken',
      runs: 15,
      cfglintMs: +latency.cfglint.ms.toFixed(1),
      cfglintMaxRssMb: latency.cfglint.maxRssKb ? +(latency.cfglint.maxRssKb / 1024).toFixed(0) : null,
      nodeE0Ms: +latency.nodeE0.ms.toFixed(1),
      ratio: +ratio.toFixed(2),
    },
  };
  nodeFs.writeFileSync(nodePath.join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('\nwritten: bench/results.json');
} finally {
  nodeFs.rmSync(work, { recursive: true, force: true });
}
