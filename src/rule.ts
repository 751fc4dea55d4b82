/**
 * What a rule is: data plus a pure function from the deployment model to finding drafts.
 * The engine adds severity, the message text, the docs link and the fingerprint.
 */
import type { Deployment } from './model/deployment';
import type { RelatedSpan, Severity, Span } from './source/span';

export const RULE_CATEGORIES = ['correctness', 'reliability', 'security', 'performance'] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

export interface RuleMeta {
  description: string;
  docsUrl: string;
  fixable: false;
  /** Message templates by id; `{{name}}` is filled from the draft's `data`. */
  messages: Record<string, string>;
  /** By message id: what breaks, the log line nginx prints, and the fix (the message itself is one line). */
  help?: Record<string, string>;
  deprecated?: { since: string; replacedBy: string[] };
}

export interface FindingDraft {
  messageId: string;
  data?: Record<string, string | number>;
  primary: Span;
  related?: RelatedSpan[];
  /** Model path of the thing reported, e.g. http>server[example.com]>location[/api]>proxy_pass. */
  modelPath: string;
  /** Caps the severity, e.g. `warning` while the nginx version is unknown. */
  maxSeverity?: Severity;
}

export interface Rule {
  id: string;
  severity: Severity;
  category: RuleCategory;
  meta: RuleMeta;
  check(model: Deployment): Iterable<FindingDraft>;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

export function renderMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}

/**
 * One draft per (reported place, other side), however many links lead there: two `server`
 * lines of one upstream reaching the same backend listener are one problem, not two.
 */
export function* oncePerPair(pairs: Iterable<{ draft: FindingDraft | undefined; other: Span }>): Generator<FindingDraft> {
  const seen = new Set<string>();
  for (const { draft, other } of pairs) {
    if (!draft) continue;
    const key = `${draft.primary.file}:${draft.primary.start.offset}:${other.file}:${other.start.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    yield draft;
  }
}
