/**
 * Third-party nginx modules an image installs from its distribution's packages. Alpine's
 * `nginx-mod-http-set-misc` puts a `load_module` line in /etc/nginx/modules/, which Alpine's
 * nginx.conf includes; Debian's `libnginx-mod-http-set-misc` links one into
 * /etc/nginx/modules-enabled/, which Debian's includes. Either way the nginx of that image has
 * the module although no file of the tree loads it (linuxserver/docker-swag installs set-misc
 * this way and uses `set_escape_uri`).
 *
 * Read from the `RUN` lines of each Dockerfile's last stage (and the stages it is built on): a
 * package installed only in a build stage is not in the image. The package name is matched, not
 * the command: `apk add`, `apt-get install` and their variants all name it as a word.
 */
import type { Dockerfile } from './dockerfile';

/** A package of a distribution's nginx module: Alpine's `nginx-mod-…`, Debian's `libnginx-mod-…`. */
const MODULE_PACKAGE = /(?<![\w.-])(?:lib)?nginx-mod-([a-z0-9][a-z0-9-]*)/g;

/** Package names whose module key is not the name with its `http-`/`stream-` prefix and `-filter` suffix dropped. */
const PACKAGE_MODULES: Record<string, string> = {
  'devel-kit': 'ndk',
  ndk: 'ndk',
};

/** The keys (in cfglint's table of third-party directives, `set-misc`) of the known modules the Dockerfiles' images install. */
export function installedNginxModules(dockerfiles: Dockerfile[], known: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const dockerfile of dockerfiles) {
    const last = dockerfile.stages[dockerfile.stages.length - 1];
    for (const run of last?.runs ?? []) {
      for (const match of run.text.matchAll(MODULE_PACKAGE)) {
        const module = moduleOf(match[1], known);
        if (module) found.add(module);
      }
    }
  }
  return [...found];
}

/** `http-set-misc` → `set-misc`, `http-headers-more-filter` → `headers-more`, `http-brotli-static` → `brotli`. */
function moduleOf(packageSuffix: string, known: ReadonlySet<string>): string | undefined {
  const name = packageSuffix.replace(/^(?:http|stream|mail)-/, '');
  const candidates = [name, name.replace(/-(?:filter|static)$/, ''), PACKAGE_MODULES[name]];
  return candidates.find((candidate): candidate is string => candidate !== undefined && known.has(candidate));
}
