/**
 * The first index in [from, to) of an ascending list whose value is at least `value`, or `to`
 * when none is: a binary search.
 */
export function firstAtLeast(sorted: ArrayLike<number>, value: number, from = 0, to = sorted.length): number {
  let low = from;
  let high = to;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether a list of offsets in ascending order holds one in [start, end). */
export function holdsOffsetWithin(sorted: readonly number[], start: number, end: number): boolean {
  const at = firstAtLeast(sorted, start);
  return at < sorted.length && sorted[at] < end;
}
