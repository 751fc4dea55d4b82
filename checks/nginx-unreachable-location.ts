import { defineRule, FindingDraft } from '../src/rule';
import type { Deployment } from '../src/model/deployment';
import type { NginxBlock } from '../src/model/nginx';
import type { ExpandedDirective, NginxDirective } from '../src/readers/nginx';
import { isRegexLocation, LocationMatch, locationMatch, matchesEveryUri } from '../src/model/nginx-location';
import { argumentsUnknown, maySeparateInTemplate } from '../src/model/template-values';
import { docsUrl } from '../src/source/meta';

const ID = 'nginx-unreachable-location';

/** A location line of the level, read from the census; its block is looked up only for a finding. */
class Sibling {
  constructor(
    readonly entry: ExpandedDirective,
    readonly match: LocationMatch,
    private readonly parent: NginxBlock,
  ) {}

  get directive(): NginxDirective {
    return this.entry.directive;
  }

  get block(): NginxBlock {
    return this.parent.children.find((child) => child.node === this.entry)!;
  }
}

export const rule = defineRule({
  id: ID,
  severity: 'error',
  category: 'correctness',
  meta: {
    description: "A location that nginx's matching order never selects, or a duplicate location that stops nginx",
    docsUrl: docsUrl(ID),
    fixable: false,
    messages: {
      duplicate: {
        message: 'Duplicate location "{{pattern}}" in this {{level}}: nginx refuses to start (duplicate location "{{pattern}}")',
        help: 'nginx stops at start (ngx_http_join_exact_locations). Merge the two blocks; `location /a` and `location ^~ /a` count as the same location',
      },
      sameRegex: {
        message:
          'Location "{{written}}" is never selected: the earlier "{{earlier}}" at the same level has the same regex{{caseless}}, and the first matching regex wins',
        help: 'Regex locations are tried in the order written and the first match wins, so the second block is dead configuration: its settings never apply. Merge it into the first, or change its regex',
      },
      afterCatchAll: {
        message: 'Location "{{written}}" is never selected: the earlier regex location "{{earlier}}" matches every URI, and the first matching regex wins',
        help: 'A regex that matches every URI ends the regex search for every request: the later regex blocks are dead configuration. Move the catch-all last, or make it a prefix location (`location /`)',
      },
      prefixUnderCatchAll: {
        message:
          'Location "{{written}}" is never selected: the regex location "{{earlier}}" at the same level matches every URI, and a regex match wins over a prefix without "^~"',
        help: 'nginx remembers the longest prefix match, then tries the regexes; a regex that matches every URI always wins, so this prefix block never serves a request. Use `^~` on the prefix (regexes are then skipped for it), or turn the catch-all regex into `location /`',
      },
    },
  },
  *check(model: Deployment): Generator<FindingDraft> {
    for (const scope of model.nginx.scopes) {
      // The census lists each level's location lines together: only a level with two or more has
      // anything to compare, and the others are never visited.
      const { entries, blocks: holders } = scope.census.named('location');
      for (let i = 0; i < holders.length;) {
        const parent = holders[i];
        const first = i;
        while (i < holders.length && holders[i] === parent) i++;
        if (i - first < 2 || (parent.kind !== 'server' && parent.kind !== 'location') || !mayShadow(entries, first, i)) continue;
        const siblings: Sibling[] = [];
        for (let k = first; k < i; k++) {
          const entry = entries[k];
          // A location without a block is nginx-syntax's to report; a file included twice brings
          // the same block twice, which is not a duplicate the user wrote.
          if (!entry.children || argumentsUnknown(entry.directive) || siblings.some((sibling) => sibling.directive === entry.directive)) continue;
          const match = locationMatch(entry.directive);
          if (match) siblings.push(new Sibling(entry, match, parent));
        }
        if (siblings.length > 1) for (const draft of judgeLevel(siblings, parent.kind === 'server' ? 'server' : '"location" block')) yield draft;
      }
    }
  },
});

/**
 * Whether a location of the level may hide another: two share a pattern, or a regex matches
 * every URI. Most levels have neither, and are left after reading each pattern once.
 */
function mayShadow(entries: readonly ExpandedDirective[], first: number, end: number): boolean {
  // The patterns seen so far go in a table reused from level to level: a large tree has thousands
  // of levels, and most are left here.
  let seen = 0;
  for (let k = first; k < end; k++) {
    const match = entries[k].children ? locationMatch(entries[k].directive) : undefined;
    if (!match) continue;
    if (matchesEveryUri(match)) return true;
    for (let j = 0; j < seen; j++) if (seenPatterns[j] === match.pattern) return true;
    seenPatterns[seen++] = match.pattern;
  }
  return false;
}

const seenPatterns: string[] = [];

/** The findings of one level (most levels have none, and allocate nothing more). */
function judgeLevel(unique: Sibling[], level: string): FindingDraft[] {
  const drafts: FindingDraft[] = [];
  const catchAll = unique.find((sibling) => matchesEveryUri(sibling.match));
  for (let j = 0; j < unique.length; j++) {
    const later = unique[j];
    let shadow: Sibling | undefined;
    for (let k = 0; k < j && !shadow; k++) if (shadows(unique[k].match, later.match) && together(unique[k], later)) shadow = unique[k];
    if (shadow) {
      const kind = shadowKind(shadow.match, later.match);
      const draft = finding(later, shadow, level);
      if (kind === 'duplicate') drafts.push({ ...draft, messageId: 'duplicate' });
      else if (kind === 'sameRegex') drafts.push({ ...draft, messageId: 'sameRegex', maxSeverity: 'warning' });
      else drafts.push({ ...draft, messageId: 'afterCatchAll', maxSeverity: 'warning' });
      continue;
    }
    // A prefix block with nested locations may still reach them: only a plain prefix is proven dead.
    if (catchAll && later.match.kind === 'prefix' && !later.block.children.some((child) => child.kind === 'location') && together(catchAll, later)) {
      drafts.push({ ...finding(later, catchAll, level), messageId: 'prefixUnderCatchAll', maxSeverity: 'warning' });
    }
  }
  return drafts;
}

/** Whether `later` can never be chosen, or collides with `earlier`, because of `earlier` alone. */
function shadows(earlier: LocationMatch, later: LocationMatch): boolean {
  if (isRegexLocation(earlier) && isRegexLocation(later)) {
    if (matchesEveryUri(earlier)) return true;
    return earlier.pattern === later.pattern && (earlier.kind === 'regexCaseless' || later.kind === 'regex');
  }
  if (earlier.pattern !== later.pattern) return false;
  if (earlier.kind === 'exact' && later.kind === 'exact') return true;
  const inclusive = (kind: string) => kind === 'prefix' || kind === 'prefixNoRegex';
  return inclusive(earlier.kind) && inclusive(later.kind);
}

function shadowKind(earlier: LocationMatch, later: LocationMatch): 'duplicate' | 'sameRegex' | 'afterCatchAll' {
  if (!isRegexLocation(later)) return 'duplicate';
  return matchesEveryUri(earlier) && earlier.pattern !== later.pattern ? 'afterCatchAll' : 'sameRegex';
}

/** A template statement between two blocks may render only one of them. */
function together(a: Sibling, b: Sibling): boolean {
  return !maySeparateInTemplate(a.directive, b.directive);
}

function finding(later: Sibling, earlier: Sibling, level: string): Omit<FindingDraft, 'messageId'> {
  const written = (sibling: Sibling) => sibling.directive.args.map((arg) => arg.value).join(' ');
  const args = later.directive.args;
  return {
    data: {
      pattern: later.match.pattern,
      level,
      written: written(later),
      earlier: written(earlier),
      caseless: earlier.match.kind === 'regexCaseless' && later.match.kind === 'regex' ? ' (case-insensitive there)' : '',
    },
    primary: args[args.length - 1].span,
    related: [{ span: earlier.directive.nameSpan, label: `"location ${written(earlier)}" here` }],
    modelPath: later.block.path,
  };
}
