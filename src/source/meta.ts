/** Kept equal to package.json's version by test/meta.test.ts; read here to spare a JSON load at start-up. */
export const VERSION = '0.1.0';
export const HOMEPAGE = 'https://github.com/cfglint/cfglint';

/** Rule docs live in the repository, pinned to the release tag (markdownlint's scheme). */
export function docsUrl(ruleId: string, folder: 'checks' | 'docs/rules' = 'checks'): string {
  return `${HOMEPAGE}/blob/v${VERSION}/${folder}/${ruleId}.md`;
}

let cachedPackageRoot: string | undefined;

/** A path inside the installed package (schemas, rule docs), from src/ or from dist/src/ alike. */
export function packagePath(...parts: string[]): string {
  if (!cachedPackageRoot) {
    const { existsSync } = require('fs') as typeof import('fs');
    const { dirname, join } = require('path') as typeof import('path');
    let dir = __dirname;
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    cachedPackageRoot = dir;
  }
  return [cachedPackageRoot, ...parts].join('/');
}
