/**
 * Entry point of the GitHub Action: esbuild bundles this file and everything it imports
 * into dist-action/index.js (`npm run build:action`), which action.yml runs with node20.
 */
import { internalErrorAnnotation, runAction } from './action';

try {
  process.exitCode = runAction(process.env);
} catch (error) {
  process.stdout.write(internalErrorAnnotation(error));
  process.exitCode = 2;
}
