#!/usr/bin/env node
// The package's build steps, one per npm lifecycle script (package.json "scripts"):
//   stamp    after tsc (npm run build): record the commit the build comes from, for docs links
//   prepare  npm ci / npm install in a clone, and installs from git: build (skipped while packing,
//            where prepack builds)
//   prepack  npm pack / npm publish: a clean build, then `check`
//   check    refuse to pack what users could not run: a promised file missing, an install script
// Nothing is written to standard output: pre-commit takes the tarball's name from `npm pack`'s
// stdout (.npmrc keeps npm from echoing scripts there), so tsc's output goes to stderr too.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
// Read by src/source/meta.ts (sourceRef) from beside the built meta.js.
const BUILD_INFO = path.join(ROOT, 'dist', 'src', 'source', 'build-info.json');
// What npm runs on install for a dependency; none of them may reach users (npm 11 warns about
// them, pnpm 10 asks for approval). binding.gyp alone makes npm run `node-gyp rebuild`.
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

function fail(message) {
  process.stderr.write(`scripts/package.js ${process.argv[2] ?? ''}: ${message}\n`);
  process.exit(1);
}

/** The commit HEAD names, when ROOT is the top of a git work tree; undefined otherwise. */
function headCommit() {
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const top = git(['rev-parse', '--show-toplevel']);
  // A package unpacked inside some other repository must not take that repository's commit.
  if (top.status !== 0 || path.resolve(top.stdout.trim()) !== fs.realpathSync(ROOT)) return undefined;
  const head = git(['rev-parse', 'HEAD']);
  const commit = head.stdout.trim();
  return head.status === 0 && /^[0-9a-f]{40}$/.test(commit) ? commit : undefined;
}

/** Records HEAD beside the build, or removes an older record when there is no commit to name. */
function stamp() {
  const commit = headCommit();
  if (commit === undefined) {
    fs.rmSync(BUILD_INFO, { force: true });
    return;
  }
  fs.mkdirSync(path.dirname(BUILD_INFO), { recursive: true });
  fs.writeFileSync(BUILD_INFO, `${JSON.stringify({ commit })}\n`);
}

function build() {
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
  } catch {
    fail('cannot build: TypeScript is not installed (run `npm ci` first, with the devDependencies)');
  }
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) fail(`the build failed (tsc -p tsconfig.json exited ${result.status}); nothing was packed`);
  stamp();
}

/** Everything package.json promises must exist, and nothing may run when users install the tarball. */
function checkPackable() {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const problems = [];
  const promised = [...Object.values(manifest.bin ?? {}), manifest.main, manifest.types, ...(manifest.files ?? []).filter((entry) => !/[*?]/.test(entry))];
  for (const file of promised) if (file && !fs.existsSync(path.join(ROOT, file))) problems.push(`${file} is missing`);
  for (const script of INSTALL_SCRIPTS) if (manifest.scripts?.[script]) problems.push(`scripts.${script} would run on every user's install`);
  if (fs.existsSync(path.join(ROOT, 'binding.gyp'))) problems.push('binding.gyp would make npm run node-gyp on every install');
  if (problems.length > 0) fail(`refusing to pack: ${problems.join('; ')}`);
}

const step = process.argv[2];
if (step === 'stamp') {
  stamp();
} else if (step === 'prepare') {
  if (!['pack', 'publish'].includes(process.env.npm_command)) build();
} else if (step === 'prepack') {
  // Clean first: tsc never deletes the output of a source that is gone, and it would ship.
  for (const dir of ['src', 'checks']) fs.rmSync(path.join(ROOT, 'dist', dir), { recursive: true, force: true });
  build();
  checkPackable();
} else if (step === 'check') {
  checkPackable();
} else {
  fail('expected one of: stamp, prepare, prepack, check');
}
