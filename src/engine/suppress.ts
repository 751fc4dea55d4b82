/**
 * Inline suppressions, read from the comments every reader keeps:
 *   # cfglint-disable-next-line rule-a, rule-b -- why this is fine here
 *   # cfglint-disable rule-a -- why        …        # cfglint-enable rule-a
 * (`<!-- … -->` in XML). Without rule ids they cover every rule. A reason after `--` is
 * expected; a missing one, an unknown id and (on request) an unused comment are findings.
 */
import type { ReaderDiagnostic, SourceComment } from '../source/diagnostic';

export type { SourceComment } from '../source/diagnostic';
import type { Finding } from './findings';
import type { Span } from '../source/span';

type Kind = 'disable-next-line' | 'disable' | 'enable';

interface Suppression {
  kind: Kind;
  ruleIds: string[] | 'all';
  span: Span;
  reason: string;
  /** First and last line covered (inclusive). */
  fromLine: number;
  toLine: number;
  used: boolean;
  /** The range this one continues after an `enable` that named only some of its ids. */
  continues?: Suppression;
}

const DIRECTIVE = /^\s*cfglint-(disable-next-line|disable|enable)(?=\s|$)(.*)$/;

export class Suppressions {
  private readonly byFile = new Map<string, FileSuppressions>();
  readonly problems: ReaderDiagnostic[] = [];

  constructor(commentsByFile: Map<string, SourceComment[]>, knownRuleIds: Set<string>, suggest: (id: string) => string | undefined) {
    // A tree may repeat one unknown id in thousands of comments: look each up once.
    const suggestions = new Map<string, string | undefined>();
    const suggestOnce = (id: string) => {
      if (!suggestions.has(id)) suggestions.set(id, suggest(id));
      return suggestions.get(id);
    };
    for (const [file, comments] of commentsByFile) {
      const list: Suppression[] = [];
      const open = new OpenRanges();
      for (const comment of comments) {
        const match = DIRECTIVE.exec(comment.text);
        if (!match) continue;
        const kind = match[1] as Kind;
        const [idsPart, ...reasonParts] = match[2].split(/\s--(?:\s|$)/);
        const reason = reasonParts.join(' -- ').trim();
        const ids = idsPart.split(/[\s,]+/).filter(Boolean);
        for (const id of ids) {
          if (knownRuleIds.has(id)) continue;
          const suggestion = suggestOnce(id);
          this.problems.push({
            ruleId: 'suppression-unknown-rule',
            message: `Unknown rule "${id}" in cfglint-${kind}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
            primary: comment.span,
            related: [],
          });
        }
        // An unknown id can match no finding: it is reported above and nowhere else (not also as unused).
        const knownIds = ids.filter((id) => knownRuleIds.has(id));
        const ruleIds = ids.length === 0 ? 'all' : knownIds;
        const line = comment.span.start.line;
        if (kind !== 'enable' && !reason) {
          this.problems.push({
            ruleId: 'suppression-missing-reason',
            message: 'Missing reason',
            help: `write why after "--", e.g. "# cfglint-${kind} ${ids.join(', ') || '<rule-id>'} -- <reason>"`,
            primary: comment.span,
            related: [],
          });
        }
        if (ruleIds !== 'all' && ruleIds.length === 0) continue;
        if (kind === 'disable-next-line') {
          list.push({ kind, ruleIds, span: comment.span, reason, fromLine: line + 1, toLine: line + 1, used: false });
        } else if (kind === 'disable') {
          const range: Suppression = { kind, ruleIds, span: comment.span, reason, fromLine: line, toLine: Infinity, used: false };
          list.push(range);
          open.add(range);
        } else {
          // `enable` closes the open ranges it names (all of them without ids); the ids of a
          // range it does not name stay disabled in a range of their own.
          for (const range of open.closedBy(ruleIds)) {
            range.toLine = line;
            const remaining = ruleIds === 'all' || range.ruleIds === 'all' ? [] : range.ruleIds.filter((id) => !ruleIds.includes(id));
            if (remaining.length === 0) continue;
            const rest: Suppression = { ...range, ruleIds: remaining, fromLine: line + 1, toLine: Infinity, used: false, continues: range };
            list.push(rest);
            open.add(rest);
          }
        }
      }
      if (list.length > 0) this.byFile.set(file, new FileSuppressions(list));
    }
  }

  /**
   * Whether a finding is covered, at its primary location or at one of its related ones (so the
   * owners of the other side of a cross-file finding can suppress it in their own file); marks
   * the covering comments used.
   */
  covers(finding: Pick<Finding, 'ruleId' | 'primary'> & { related?: Finding['related'] }): boolean {
    if (this.byFile.get(finding.primary.file)?.covers(finding.ruleId, finding.primary) ?? false) return true;
    for (const related of finding.related ?? []) {
      if (this.byFile.get(related.span.file)?.covers(finding.ruleId, related.span) ?? false) return true;
    }
    return false;
  }

  unused(): ReaderDiagnostic[] {
    const out: ReaderDiagnostic[] = [];
    for (const file of this.byFile.values()) {
      for (const suppression of file.list) {
        if (suppression.used || suppression.continues) continue;
        const ids = suppression.ruleIds === 'all' ? 'any rule' : suppression.ruleIds.join(', ');
        out.push({
          ruleId: 'suppression-unused',
          message: `Unused cfglint-${suppression.kind}: nothing from ${ids} was reported ${suppression.kind === 'disable-next-line' ? 'on the next line' : 'in its range'}; remove the comment`,
          primary: suppression.span,
          related: [],
        });
      }
    }
    return out;
  }
}

function sameSpan(a: Span, b: Span): boolean {
  return a.file === b.file && a.start.offset === b.start.offset && a.end.offset === b.end.offset;
}

/** The `disable` ranges not yet closed, found by the ids an `enable` names without a scan of every open range. */
class OpenRanges {
  /** Each open range with its opening order. */
  private readonly order = new Map<Suppression, number>();
  private readonly byId = new Map<string, Set<Suppression>>();
  private opened = 0;

  add(range: Suppression): void {
    this.order.set(range, this.opened++);
    if (range.ruleIds === 'all') return;
    for (const id of range.ruleIds) {
      let ranges = this.byId.get(id);
      if (!ranges) this.byId.set(id, (ranges = new Set()));
      ranges.add(range);
    }
  }

  /**
   * The open ranges an `enable` with these ids closes, in opening order, no longer open. An
   * `enable` with ids leaves a range of every rule open.
   */
  closedBy(ids: string[] | 'all'): Suppression[] {
    let closing: Suppression[];
    if (ids === 'all') {
      closing = [...this.order.keys()];
    } else {
      const found = new Set<Suppression>();
      for (const id of ids) for (const range of this.byId.get(id) ?? []) found.add(range);
      closing = [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    }
    for (const range of closing) {
      this.order.delete(range);
      if (range.ruleIds !== 'all') for (const id of range.ruleIds) this.byId.get(id)?.delete(range);
    }
    return closing;
  }
}

/** One file's suppressions, indexed by the rule they name, so that a finding meets only those that cover its line. */
class FileSuppressions {
  private readonly byRule = new Map<string, LineIndex>();
  private readonly everyRule: LineIndex | undefined;

  constructor(readonly list: Suppression[]) {
    const byRule = new Map<string, Suppression[]>();
    const everyRule: Suppression[] = [];
    for (const suppression of list) {
      if (suppression.ruleIds === 'all') {
        everyRule.push(suppression);
        continue;
      }
      for (const id of new Set(suppression.ruleIds)) {
        let group = byRule.get(id);
        if (!group) byRule.set(id, (group = []));
        group.push(suppression);
      }
    }
    for (const [id, group] of byRule) this.byRule.set(id, new LineIndex(group));
    this.everyRule = everyRule.length > 0 ? new LineIndex(everyRule) : undefined;
  }

  covers(ruleId: string, where: Span): boolean {
    // A comment never silences what is reported about itself (a missing reason, an unknown id).
    const isSelf = (suppression: Suppression) => sameSpan(suppression.span, where);
    const line = where.start.line;
    const byId = this.byRule.get(ruleId)?.markCovering(line, isSelf) ?? false;
    const byAll = this.everyRule?.markCovering(line, isSelf) ?? false;
    return byId || byAll;
  }
}

/**
 * Line ranges ordered by first line, with two max-trees of their last lines (every range; the
 * ranges not yet used): the ranges that cover a line are found in O(log n) each, and a used
 * range leaves the second tree, so that marking costs each range one visit over the whole run.
 */
class LineIndex {
  private readonly ranges: Suppression[];
  private readonly firstLines: number[];
  private readonly size: number;
  private readonly every: Float64Array;
  private readonly unused: Float64Array;

  constructor(ranges: Suppression[]) {
    this.ranges = [...ranges].sort((a, b) => a.fromLine - b.fromLine);
    this.firstLines = this.ranges.map((range) => range.fromLine);
    let size = 1;
    while (size < this.ranges.length) size *= 2;
    this.size = size;
    this.every = new Float64Array(2 * size).fill(-Infinity);
    this.ranges.forEach((range, i) => (this.every[size + i] = range.toLine));
    for (let node = size - 1; node >= 1; node--) this.every[node] = Math.max(this.every[2 * node], this.every[2 * node + 1]);
    this.unused = this.every.slice();
  }

  /** Whether a range other than the finding's own comment covers the line; marks each such range used. */
  markCovering(line: number, isSelf: (suppression: Suppression) => boolean): boolean {
    let covered = false;
    this.search(this.every, line, (i) => {
      if (isSelf(this.ranges[i])) return true;
      covered = true;
      return false;
    });
    if (!covered) return false;
    this.search(this.unused, line, (i) => {
      if (isSelf(this.ranges[i])) return true;
      for (let part: Suppression | undefined = this.ranges[i]; part && !part.used; part = part.continues) part.used = true;
      this.removeUnused(i);
      return true;
    });
    return true;
  }

  /** Calls visit with each range of the tree that starts at or before the line and ends at or after it, until visit returns false. */
  private search(tree: Float64Array, line: number, visit: (index: number) => boolean): void {
    // Ranges are sorted by first line: those starting at or before the line are a prefix.
    let lo = 0;
    let hi = this.firstLines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.firstLines[mid] <= line) lo = mid + 1;
      else hi = mid;
    }
    const count = lo;
    const walk = (node: number, from: number, to: number): boolean => {
      if (from >= count || tree[node] < line) return true;
      if (node >= this.size) return visit(node - this.size);
      const middle = (from + to) >> 1;
      return walk(2 * node, from, middle) && walk(2 * node + 1, middle, to);
    };
    walk(1, 0, this.size);
  }

  private removeUnused(index: number): void {
    let node = this.size + index;
    this.unused[node] = -Infinity;
    for (node >>= 1; node >= 1; node >>= 1) this.unused[node] = Math.max(this.unused[2 * node], this.unused[2 * node + 1]);
  }
}
