/** Kept equal to package.json's version by test/meta.test.ts; read here to spare a JSON load at start-up. */
export const VERSION = '0.1.0';
export const HOMEPAGE = 'https://github.com/cfglint/cfglint';

/** Written next to the built meta.js by `scripts/package.js stamp` (npm run build, prepare, prepack). */
const BUILD_INFO_FILE = 'build-info.json';

let cachedSourceRef: string | undefined;

/**
 * The git revision the running code was built from: the commit `scripts/package.js stamp` recorded
 * beside the build, else the release tag. A commit exists before any release and never moves, so a
 * link pinned to it shows the same text `cfglint explain` reads from the package (docs/design.md,
 * "Docs links"). Run from src/ (tests, the Action's bundle) there is no stamp: the tag.
 */
export function sourceRef(): string {
  if (cachedSourceRef === undefined) {
    cachedSourceRef = `v${VERSION}`;
    try {
      const { readFileSync } = require('fs') as typeof import('fs');
      const { join } = require('path') as typeof import('path');
      const commit = (JSON.parse(readFileSync(join(__dirname, BUILD_INFO_FILE), 'utf8')) as { commit?: unknown }).commit;
      if (typeof commit === 'string' && /^[0-9a-f]{40}$/.test(commit)) cachedSourceRef = commit;
    } catch {
      // No stamp (a build outside git, or run from src/): the release tag.
    }
  }
  return cachedSourceRef;
}

/** A rule's doc in the repository at the revision the running code was built from (sourceRef). */
export function docsUrl(ruleId: string, folder: 'checks' | 'docs/rules' = 'checks'): string {
  return `${HOMEPAGE}/blob/${sourceRef()}/${folder}/${ruleId}.md`;
}

/** The config schema at the same revision, as raw JSON an editor can fetch from anywhere. */
export function configSchemaUrl(): string {
  return `https://raw.githubusercontent.com/cfglint/cfglint/${sourceRef()}/schemas/config.schema.json`;
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
