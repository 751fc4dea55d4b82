#!/usr/bin/env node
// After tsc (npm run build, and scripts/package.js for prepare and prepack): bundles src/cli/cli.ts
// and the cfglint modules it reaches into dist/src/bundle/cli.js, then makes V8's code cache for it
// (dist/src/bundle/cli.js.cache) by linting the example tree below once in a child process with the
// bundle loaded exactly as dist/src/cli/main.js loads it. main.js runs the bundle with the cache;
// cfglint itself never writes the cache.
// Silent on success: scripts/package.js runs this while `npm pack` reads standard output.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const LAUNCHER = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
// The tree the cache is made on: nginx with includes and a Dockerfile, what most runs read.
const WARM_TREE = path.join(ROOT, 'examples', 'keepalive-http10', 'broken');
// Read by src/source/meta.ts (sourceRef) beside the code that runs: in the bundle, the bundle's folder.
const BUILD_INFO = path.join(ROOT, 'dist', 'src', 'source', 'build-info.json');

function fail(message) {
  process.stderr.write(`scripts/build-cli.js: ${message}\n`);
  process.exit(1);
}

// Packages read on every run, small enough to bundle; the others (yargs for the options the
// common path leaves to it, yaml, Ajv, the XML and Python parsers) load from node_modules on first use.
const BUNDLED_PACKAGES = ['ignore'];

function externalPackages() {
  const { dependencies } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return Object.keys(dependencies)
    .filter((name) => !BUNDLED_PACKAGES.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
}

async function bundle() {
  const { BUNDLE_FILE, BUNDLE_CACHE_FILE } = require(LAUNCHER);
  fs.rmSync(BUNDLE_CACHE_FILE, { force: true });
  await require('esbuild').build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'src', 'cli', 'cli.ts')],
    outfile: BUNDLE_FILE,
    bundle: true,
    external: externalPackages(),
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // main.js reads the bundle as one-byte text; esbuild escapes anything else.
    charset: 'ascii',
    // config.ts requires the schema by a path found at run time (packagePath): left to Node.
    logOverride: { 'unsupported-require-call': 'silent' },
    logLevel: 'error',
    // Comments out: they are most of what is not ASCII, and text V8 need not read.
    minifyWhitespace: true,
  });
  const bytes = fs.readFileSync(BUNDLE_FILE);
  if (bytes.some((byte) => byte > 0x7f)) fail(`${path.relative(ROOT, BUNDLE_FILE)} is not ASCII`);
  const bundleInfo = path.join(path.dirname(BUNDLE_FILE), path.basename(BUILD_INFO));
  if (fs.existsSync(BUILD_INFO)) fs.copyFileSync(BUILD_INFO, bundleInfo);
  else fs.rmSync(bundleInfo, { force: true });
  const warm = spawnSync(process.execPath, [__filename, 'cache'], { cwd: ROOT, encoding: 'utf8' });
  if (warm.status !== 0) fail(`making the code cache failed (exit ${warm.status}):\n${warm.stderr}`);
}

/** In the child: run the bundle's common path (the CLI, discovery, nginx, the model, every rule, two formatters), then save what V8 compiled. */
function makeCache() {
  const { BUNDLE_FILE, BUNDLE_CACHE_FILE, bundleScript, evaluateBundle } = require(LAUNCHER);
  const script = bundleScript(fs.readFileSync(BUNDLE_FILE, 'latin1'));
  const cli = evaluateBundle(script);
  for (const format of ['stylish', 'json']) cli.main(['--format', format, '--output', os.devNull, WARM_TREE]);
  fs.writeFileSync(BUNDLE_CACHE_FILE, script.createCachedData());
  // The example's findings set exit code 1: not a failure of the build.
  process.exitCode = 0;
}

if (process.argv[2] === 'cache') makeCache();
else bundle().catch((error) => fail(error.message));
