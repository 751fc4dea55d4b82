/** "Did you mean …?" for names the user misspelt: rule ids, config keys, directives, options. */

/**
 * Names longer than this get no suggestion. No directive, option, setting or rule id is half as
 * long, so nothing could be near; and a hostile tree's 20,000-character name costs no time.
 */
export const MAX_SUGGESTED_NAME_LENGTH = 100;

export function isPlausibleName(word: string): boolean {
  return word.length <= MAX_SUGGESTED_NAME_LENGTH;
}

/**
 * Levenshtein distance, or with `transpositions` the optimal string alignment distance (two
 * adjacent letters swapped count once: `bakclog` → `backlog`). Past `limit` the answer is
 * Infinity: only the band of 2·limit+1 cells around the diagonal is computed, and a row whose
 * every cell is past the limit ends the computation, so the cost is O(length · limit).
 */
/** The rows of editDistance, kept between calls: thousands of candidates are compared per name. */
let rows = new Float64Array(0);

export function editDistance(a: string, b: string, limit = Infinity, transpositions = false): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > limit) return Infinity;
  const band = Math.min(limit, Math.max(n, m));
  // Three rows of one reused array (the one before the previous for transpositions), rotated by
  // their offsets. Only cells inside a row's band and the one just outside each end are written,
  // and only those are read: no row is cleared.
  const width = m + 1;
  if (rows.length < 3 * width) rows = new Float64Array(3 * width);
  let before = 0;
  let previous = width;
  let current = 2 * width;
  for (let j = 0; j <= Math.min(m, band); j++) rows[previous + j] = j;
  if (band < m) rows[previous + band + 1] = Infinity;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(m, i + band);
    const ai = a.charCodeAt(i - 1);
    const aBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    let rowMin = (rows[current + from - 1] = from === 1 ? i : Infinity);
    for (let j = from; j <= to; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + (ai === bj ? 0 : 1));
      if (transpositions && j > 1 && ai === b.charCodeAt(j - 2) && aBefore === bj) value = Math.min(value, rows[before + j - 2] + 1);
      rows[current + j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (to < m) rows[current + to + 1] = Infinity;
    if (rowMin > limit) return Infinity;
    const oldest = before;
    before = previous;
    previous = current;
    current = oldest;
  }
  const distance = rows[previous + m];
  return distance <= limit ? distance : Infinity;
}

/** The candidate within a small edit distance of `word` (case-insensitive), or undefined. */
export function closest(word: string, candidates: string[]): string | undefined {
  if (!isPlausibleName(word)) return undefined;
  const wanted = word.toLowerCase();
  let best: string | undefined;
  // Only a candidate nearer than the best so far can win (the first of equals wins).
  let limit = Math.max(2, Math.floor(word.length / 4));
  for (const candidate of candidates) {
    const distance = editDistance(wanted, candidate.toLowerCase(), limit);
    if (distance <= limit) {
      best = candidate;
      limit = distance - 1;
    }
  }
  return best;
}

/**
 * For hyphenated ids (rule ids): the near spelling, else the one id that holds `word` as whole
 * parts (`keepalive-timeout` → `upstream-keepalive-timeout`): users drop the prefix they do not
 * remember. Undefined when several ids hold it.
 */
export function closestId(word: string, ids: string[]): string | undefined {
  const near = closest(word, ids);
  if (near !== undefined || !isPlausibleName(word) || word === '') return near;
  const wanted = word.toLowerCase();
  const holding = ids.filter((id) => `-${id.toLowerCase()}-`.includes(`-${wanted}-`));
  return holding.length === 1 ? holding[0] : undefined;
}
