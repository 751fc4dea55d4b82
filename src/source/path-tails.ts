/**
 * Finding the tree file a path written for another machine means (`/app/conf/gunicorn.py`,
 * `/etc/uwsgi/app.ini`, nginx's `-c /etc/nginx/nginx.conf`): the file sharing the longest tail of
 * path components with it, and among several alike (prod/…, staging/…) the one nearest the file
 * that names it. One rule for every reader and the model, so that they agree on which file is meant.
 */

/** The components of a path: `/app/./conf/x.ini` → `app`, `conf`, `x.ini`. */
export function pathComponents(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** The directories a file lies in, outermost first: `/app/conf/x.ini` → `app`, `conf`. */
export function directoryComponents(file: string): string[] {
  const parts = file.split('/');
  parts.pop();
  return parts.filter((part) => part !== '' && part !== '.');
}

/**
 * How many trailing components `parts` shares with `wanted`. `sameLast` may accept a last
 * component that differs in writing (a template by the name it renders to).
 */
export function sharedTailLength(parts: readonly string[], wanted: readonly string[], sameLast?: (part: string, wanted: string) => boolean): number {
  let shared = 0;
  while (shared < parts.length && shared < wanted.length) {
    const part = parts[parts.length - 1 - shared];
    const want = wanted[wanted.length - 1 - shared];
    if (part !== want && !(shared === 0 && sameLast?.(part, want))) break;
    shared++;
  }
  return shared;
}

/** How many leading directories two files share. */
export function sharedDirectoryDepth(a: string, b: string): number {
  return sharedLeadingLength(directoryComponents(a), directoryComponents(b));
}

/**
 * The candidates sharing the longest tail with `wanted` (at least its last component), and among
 * them those nearest `nearDirectory` (most leading directories shared). Several left: the caller
 * cannot tell which is meant. Without `nearDirectory`, every candidate with the longest tail.
 */
export function closestByTail(
  candidates: Iterable<string>,
  wanted: readonly string[],
  nearDirectory: string | undefined,
  sameLast?: (part: string, wanted: string) => boolean,
): string[] {
  let best: string[] = [];
  let bestShared = 0;
  for (const candidate of candidates) {
    const shared = sharedTailLength(pathComponents(candidate), wanted, sameLast);
    if (shared === 0 || shared < bestShared) continue;
    if (shared > bestShared) [best, bestShared] = [[], shared];
    best.push(candidate);
  }
  if (best.length <= 1 || nearDirectory === undefined) return best;
  const near = pathComponents(nearDirectory);
  const depths = best.map((candidate) => sharedLeadingLength(directoryComponents(candidate), near));
  const nearest = Math.max(...depths);
  return best.filter((_, i) => depths[i] === nearest);
}

function sharedLeadingLength(a: readonly string[], b: readonly string[]): number {
  let depth = 0;
  while (depth < a.length && depth < b.length && a[depth] === b[depth]) depth++;
  return depth;
}
