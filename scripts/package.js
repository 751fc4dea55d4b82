#!/usr/bin/env node
// The package's build steps, one per npm lifecycle script (package.json "scripts"):
//   stamp     after tsc (npm run build): record the commit the build comes from, for docs links
//   prepare   npm ci / npm install in a clone, and installs from git: build (tsc, stamp, bundle)
//   prepack   npm pack / npm publish: a clean build, `check`, then package.json without its
//             scripts for the tarball (the original is kept aside until postpack)
//   postpack  put the original package.json back
//   check     refuse to pack what users could not run: a promised file missing, a binding.gyp
//   manifest  print the package.json the tarball would hold
// Every script needs this clone (scripts/, tsconfig.json, the tests), which the package does not
// hold; and npm counts `prepare` of a tarball or git dependency as an install script (npm 11
// warns about it on every install, pnpm 10 asks for approval). So the tarball has none.
// Nothing is written to standard output while packing: pre-commit takes the tarball's name from
// `npm pack`'s stdout (.npmrc keeps npm from echoing scripts there), so tsc's output goes to stderr.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
// Read by src/source/meta.ts (sourceRef) from beside the built meta.js.
const BUILD_INFO = path.join(ROOT, 'dist', 'src', 'source', 'build-info.json');
const MANIFEST = path.join(ROOT, 'package.json');
// The clone's package.json while the tarball is made; not in "files", so never packed.
const KEPT_ASIDE = path.join(ROOT, 'package.json.before-pack');

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
  // The bundle main.js runs, with its code cache (scripts/build-cli.js); it reads the stamp.
  const bundle = spawnSync(process.execPath, [path.join(__dirname, 'build-cli.js')], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (bundle.status !== 0) fail(`bundling the command failed (scripts/build-cli.js exited ${bundle.status}); nothing was packed`);
}

/** Everything package.json promises must exist, and nothing may make npm build on users' machines. */
function checkPackable() {
  const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  const problems = [];
  const promised = [...Object.values(manifest.bin ?? {}), manifest.main, manifest.types, ...(manifest.files ?? []).filter((entry) => !/[*?]/.test(entry))];
  for (const file of promised) if (file && !fs.existsSync(path.join(ROOT, file))) problems.push(`${file} is missing`);
  // Without an install script of its own, npm runs `node-gyp rebuild` for a binding.gyp.
  if (fs.existsSync(path.join(ROOT, 'binding.gyp'))) problems.push('binding.gyp would make npm run node-gyp on every install');
  if (problems.length > 0) fail(`refusing to pack: ${problems.join('; ')}`);
}

/** The package.json the tarball holds: the clone's, without its scripts, in npm's own layout. */
function packedManifestText(text) {
  const { scripts: _clonesOnly, ...manifest } = JSON.parse(text);
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A pack that stopped between prepack and postpack left the original aside: put it back. */
function restoreManifest() {
  if (fs.existsSync(KEPT_ASIDE)) fs.renameSync(KEPT_ASIDE, MANIFEST);
}

const step = process.argv[2];
if (step === 'stamp') {
  stamp();
} else if (step === 'prepare') {
  build();
} else if (step === 'prepack') {
  restoreManifest();
  // Clean first: tsc never deletes the output of a source that is gone, and it would ship.
  for (const dir of ['src', 'checks']) fs.rmSync(path.join(ROOT, 'dist', dir), { recursive: true, force: true });
  build();
  checkPackable();
  // npm reads package.json again after prepack, for the files and the tarball's copy.
  const original = fs.readFileSync(MANIFEST, 'utf8');
  fs.writeFileSync(KEPT_ASIDE, original);
  fs.writeFileSync(MANIFEST, packedManifestText(original));
} else if (step === 'postpack') {
  restoreManifest();
} else if (step === 'check') {
  checkPackable();
} else if (step === 'manifest') {
  process.stdout.write(packedManifestText(fs.readFileSync(MANIFEST, 'utf8')));
} else {
  fail('expected one of: stamp, prepare, prepack, postpack, check, manifest');
}
