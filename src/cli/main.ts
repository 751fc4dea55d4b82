#!/usr/bin/env node
/**
 * The cfglint command's entry. The build (scripts/build-cli.js) bundles cli.ts and everything of
 * cfglint's it imports into one file, dist/src/bundle/cli.js, with a V8 code cache made by running
 * it once at build time: loading that skips resolving, reading and compiling some 200 modules
 * (docs/performance.md, "Start-up"). Packages from node_modules stay outside the bundle and load on
 * first use. Without a bundle (a build by tsc alone), or with one older than this build, the modules
 * run as compiled. Nothing here writes a file: the cache is the build's, never made at lint time.
 */
import './compile-cache';
// Named imports: a namespace import (`* as fs`) makes tsc copy every export of the module at start-up.
import { readFileSync, statSync } from 'fs';
import { createRequire } from 'module';
import { dirname, join } from 'path';
import { Script } from 'vm';

type Cli = typeof import('./cli');

/** Where the build puts the bundle, relative to this file's compiled twin (dist/src/cli/main.js). */
export const BUNDLE_FILE = join(__dirname, '..', 'bundle', 'cli.js');
/** V8's code cache for the bundle, from vm.Script#createCachedData after a run at build time. */
export const BUNDLE_CACHE_FILE = `${BUNDLE_FILE}.cache`;

/**
 * The bundle's text as a script: CommonJS's module wrapper around it, compiled with the cache when
 * one is given. V8 checks the cache against the text and its own version and flags; one it rejects
 * (another Node, a rebuilt bundle) only means compiling as without it.
 */
export function bundleScript(source: string, cachedData?: Buffer): Script {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return new Script(wrapped, { filename: BUNDLE_FILE, cachedData });
}

/** Runs the bundle's top level, as require() would, and returns what it exports: cli.ts's exports. */
export function evaluateBundle(script: Script): Cli {
  const bundleModule = { exports: {} as Cli };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  // The packages it leaves out resolve from the bundle's own place, as its modules' did.
  wrapper.call(bundleModule.exports, bundleModule.exports, createRequire(BUNDLE_FILE), bundleModule, BUNDLE_FILE, dirname(BUNDLE_FILE));
  return bundleModule.exports;
}

/**
 * The bundle the build made with this very build, or undefined. A `tsc` after the bundle rewrites
 * cli.js (tsc writes every output): then the bundle is older and would run stale code. npm pack
 * gives every file the same time, so equal times count as current.
 */
function currentBundleText(): string | undefined {
  try {
    if (statSync(BUNDLE_FILE).mtimeMs < statSync(join(__dirname, 'cli.js')).mtimeMs) return undefined;
    // The build checks that the bundle is ASCII: read as one-byte text, with no UTF-8 decoding.
    return readFileSync(BUNDLE_FILE, 'latin1');
  } catch {
    return undefined;
  }
}

function loadCli(): Cli {
  const source = currentBundleText();
  if (source === undefined) return require('./cli') as Cli;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(BUNDLE_CACHE_FILE);
  } catch {
    // No cache: V8 compiles the bundle as it would any module.
  }
  try {
    return evaluateBundle(bundleScript(source, cachedData));
  } catch {
    // A damaged bundle (a cut-short copy): its top level only defines, so the modules can still run.
    return require('./cli') as Cli;
  }
}

if (require.main === module) loadCli().run(process.argv.slice(2));
