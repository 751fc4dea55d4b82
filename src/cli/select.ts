/** --select and --ignore: which findings a run reports, by rule id or by category. */
import { RULE_CATEGORIES } from '../rule';
import { closestId } from '../source/suggest';
import { ruleListings } from './commands';

/**
 * The words of --select/--ignore values (each may repeat and hold a comma-separated list), each
 * checked against the rule ids and categories `cfglint rules` lists. Returns a test for a
 * finding's rule id, or the one-line error for the first unknown word.
 */
export function ruleFilter(select: string[], ignore: string[]): { keeps(ruleId: string): boolean } | { error: string } {
  const listings = ruleListings();
  const categoryOf = new Map(listings.map((listing) => [listing.id, listing.category]));
  // Every category a rule may have, even one no rule has yet (selecting it reports nothing).
  const names = [...new Set([...listings.map((listing) => listing.id), ...RULE_CATEGORIES, ...listings.map((listing) => listing.category)])];
  const parse = (values: string[], option: string): Set<string> | string => {
    const words = new Set<string>();
    for (const word of values
      .flatMap((value) => value.split(','))
      .map((word) => word.trim())
      .filter((word) => word !== '')) {
      if (!names.includes(word)) {
        const near = closestId(word, names);
        return `unknown rule or category "${word}" in ${option}${near ? `; did you mean "${near}"?` : ''} (cfglint rules lists them all)`;
      }
      words.add(word);
    }
    return words;
  };
  const selected = parse(select, '--select');
  if (typeof selected === 'string') return { error: selected };
  const ignored = parse(ignore, '--ignore');
  if (typeof ignored === 'string') return { error: ignored };
  const namesOf = (ruleId: string) => [ruleId, categoryOf.get(ruleId) ?? ''];
  return {
    // An id and its category both name the rule; --ignore wins over --select, as in ruff.
    keeps: (ruleId) => (selected.size === 0 || namesOf(ruleId).some((name) => selected.has(name))) && !namesOf(ruleId).some((name) => ignored.has(name)),
  };
}
