/**
 * Entry point of the GitHub Action: esbuild bundles this file and everything it imports
 * into dist-action/index.js (`npm run build:action`), which action.yml runs with node20.
 */
import { escapeCommandData } from '../report/escape';
import { runAction } from './action';

try {
  process.exitCode = runAction(process.env);
} catch (error) {
  // A bug, not bad input: one annotation and exit code 2.
  const message = escapeCommandData(String((error as Error)?.message ?? error));
  process.stdout.write(`::error::cfglint: internal error: ${message}; please report this at https://github.com/cfglint/cfglint/issues\n`);
  process.exitCode = 2;
}
