/**
 * Which directives one nginx process loads together. A main config that several containers run
 * is read once; its includes may find different files in each (compose services that mount one
 * nginx.conf and each its own site into sites-enabled/). Every directive carries the containers
 * that read it (the reader narrows them at each include a mount or COPY answers), and two
 * directives are loaded together when some container reads both, or where the tree does not say.
 * Rules that compare servers across files (which is the default server of a socket, which names
 * nginx chose a server by) ask here, never the containers themselves.
 */
import type { ExpandedDirective } from '../readers/nginx';

/** Whether some nginx process reads both directives (true where the tree does not say which). */
export function loadedTogether(a: ExpandedDirective, b: ExpandedDirective): boolean {
  if (!a.containers || !b.containers) return true;
  for (const container of a.containers) if (b.containers.has(container)) return true;
  return false;
}

/**
 * The items split into the sets one nginx process loads, in their order: one set where every item
 * is read by one process (nearly every tree), else one per container that reads some of them,
 * each with the items read anywhere (or by no directive: a snippet's own server). An item may be in
 * several sets; a set inside another is left out.
 */
export function groupsLoadedTogether<T>(items: readonly T[], entryOf: (item: T) => ExpandedDirective | undefined): T[][] {
  const containers = new Set<string>();
  let shared: Set<string> | undefined;
  for (const item of items) {
    const read = entryOf(item)?.containers;
    if (!read) continue;
    for (const container of read) containers.add(container);
    shared = shared ? new Set([...shared].filter((container) => read.has(container))) : new Set(read);
  }
  if (!shared || shared.size > 0) return [items.slice()];
  const groups = [...containers].map((container) =>
    items.filter((item) => {
      const read = entryOf(item)?.containers;
      return !read || read.has(container);
    }),
  );
  const members = groups.map((group) => new Set(group));
  return groups.filter(
    (group, i) =>
      !groups.some(
        (other, j) => j !== i && (other.length > group.length || (other.length === group.length && j < i)) && group.every((item) => members[j].has(item)),
      ),
  );
}
