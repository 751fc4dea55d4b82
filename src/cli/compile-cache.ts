/**
 * V8's code cache for the modules cfglint loads, where Node has it (22.1 and later): a second run
 * skips compiling them. The cache goes where Node puts it (NODE_COMPILE_CACHE, else
 * os.tmpdir()/node-compile-cache), never into the linted tree. On older Node nothing happens.
 * Imported first by main.ts, so that it covers every module after it.
 */
// Not `import * as`: tsc would copy every export of the module at start-up to make a namespace.
const nodeModule = require('module') as typeof import('module');

type WithCompileCache = { enableCompileCache?: (directory?: string) => unknown };

/** Whether the cache was asked for: false where Node lacks it or refuses. */
export function enableCompileCache(moduleApi: WithCompileCache = nodeModule as WithCompileCache): boolean {
  if (typeof moduleApi.enableCompileCache !== 'function') return false;
  try {
    // No directory: Node's own choice, outside the tree.
    moduleApi.enableCompileCache();
    return true;
  } catch {
    // A cache that cannot be set up only costs start-up time.
    return false;
  }
}

enableCompileCache();
