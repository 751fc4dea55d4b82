/**
 * `target.push(...items)` passes every item as an argument on the stack: past about 120,000
 * items (a hostile file's diagnostics, a long word's offsets) it throws "Maximum call stack size
 * exceeded". This appends one by one.
 */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
