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
  // Three rows (the one before the previous for transpositions), reused: cells outside the band
  // read as Infinity because the cells just outside each row's band are written as such.
  if (rows.length < 3 * (m + 1)) rows = new Float64Array(3 * (m + 1));
  let before = rows.subarray(0, m + 1).fill(Infinity);
  let previous = rows.subarray(m + 1, 2 * (m + 1)).fill(Infinity);
  let current = rows.subarray(2 * (m + 1), 3 * (m + 1)).fill(Infinity);
  for (let j = 0; j <= Math.min(m, band); j++) previous[j] = j;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(m, i + band);
    current[from - 1] = from === 1 ? i : Infinity;
    let rowMin = current[from - 1];
    for (let j = from; j <= to; j++) {
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2] + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (to < m) current[to + 1] = Infinity;
    if (rowMin > limit) return Infinity;
    [before, previous, current] = [previous, current, before];
  }
  return previous[m] <= limit ? previous[m] : Infinity;
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
