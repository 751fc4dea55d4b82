/**
 * Inline suppressions, read from the comments every reader keeps:
 *   # cfglint-disable-next-line rule-a, rule-b -- why this is fine here
 *   # cfglint-disable rule-a -- why        …        # cfglint-enable rule-a
 * (`<!-- … -->` in XML). Without rule ids they cover every rule. A reason after `--` is
 * expected; a missing one, an unknown id and (on request) an unused comment are findings.
 */
import type { ReaderDiagnostic, SourceComment } from '../readers/diagnostic';

export type { SourceComment } from '../readers/diagnostic';
import type { Finding, Span } from '../report/finding';

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
  private readonly byFile = new Map<string, Suppression[]>();
  readonly problems: ReaderDiagnostic[] = [];

  constructor(commentsByFile: Map<string, SourceComment[]>, knownRuleIds: Set<string>, suggest: (id: string) => string | undefined) {
    for (const [file, comments] of commentsByFile) {
      const list: Suppression[] = [];
      const open: Suppression[] = [];
      for (const comment of comments) {
        const match = DIRECTIVE.exec(comment.text);
        if (!match) continue;
        const kind = match[1] as Kind;
        const [idsPart, ...reasonParts] = match[2].split(/\s--(?:\s|$)/);
        const reason = reasonParts.join(' -- ').trim();
        const ids = idsPart.split(/[\s,]+/).filter(Boolean);
        for (const id of ids) {
          if (knownRuleIds.has(id)) continue;
          const suggestion = suggest(id);
          this.problems.push({
            ruleId: 'suppression-unknown-rule',
            message: `Unknown rule "${id}" in cfglint-${kind}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
            primary: comment.span,
            related: [],
          });
        }
        const ruleIds = ids.length === 0 ? 'all' : ids;
        const line = comment.span.start.line;
        if (kind !== 'enable' && !reason) {
          this.problems.push({
            ruleId: 'suppression-missing-reason',
            message: `Missing reason: write why after "--", e.g. "# cfglint-${kind} ${ids.join(', ') || '<rule-id>'} -- <reason>"`,
            primary: comment.span,
            related: [],
          });
        }
        if (kind === 'disable-next-line') {
          list.push({ kind, ruleIds, span: comment.span, reason, fromLine: line + 1, toLine: line + 1, used: false });
        } else if (kind === 'disable') {
          const range: Suppression = { kind, ruleIds, span: comment.span, reason, fromLine: line, toLine: Infinity, used: false };
          list.push(range);
          open.push(range);
        } else {
          // `enable` closes the open ranges it names (all of them without ids); the ids of a
          // range it does not name stay disabled in a range of their own.
          for (const range of [...open]) {
            if (range.toLine !== Infinity) continue;
            if (ruleIds !== 'all' && (range.ruleIds === 'all' || !range.ruleIds.some((id) => ruleIds.includes(id)))) continue;
            range.toLine = line;
            const remaining = ruleIds === 'all' || range.ruleIds === 'all' ? [] : range.ruleIds.filter((id) => !ruleIds.includes(id));
            if (remaining.length === 0) continue;
            const rest: Suppression = { ...range, ruleIds: remaining, fromLine: line + 1, toLine: Infinity, used: false, continues: range };
            list.push(rest);
            open.push(rest);
          }
        }
      }
      if (list.length > 0) this.byFile.set(file, list);
    }
  }

  /** Whether a finding is covered; marks the covering comment used. */
  covers(finding: Pick<Finding, 'ruleId' | 'primary'>): boolean {
    const list = this.byFile.get(finding.primary.file);
    if (!list) return false;
    const line = finding.primary.start.line;
    let covered = false;
    for (const suppression of list) {
      if (line < suppression.fromLine || line > suppression.toLine) continue;
      // A comment never silences what is reported about itself (a missing reason, an unknown id).
      if (sameSpan(suppression.span, finding.primary)) continue;
      if (suppression.ruleIds !== 'all' && !suppression.ruleIds.includes(finding.ruleId)) continue;
      for (let part: Suppression | undefined = suppression; part; part = part.continues) part.used = true;
      covered = true;
    }
    return covered;
  }

  unused(): ReaderDiagnostic[] {
    const out: ReaderDiagnostic[] = [];
    for (const list of this.byFile.values()) {
      for (const suppression of list) {
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
