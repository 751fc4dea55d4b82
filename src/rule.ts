/**
 * What a rule is: data plus a pure function from the deployment model to finding drafts.
 * The engine adds severity, the message text, the docs link and the fingerprint.
 */
import type { Deployment } from './model/deployment';
import type { Fix } from './source/edit';
import type { RelatedSpan, Severity, Span } from './source/span';
import { withPlaceholdersShown } from './discovery/template';

export const RULE_CATEGORIES = ['correctness', 'reliability', 'security', 'performance'] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

export interface RuleMeta {
  description: string;
  docsUrl: string;
  /** Whether some of its drafts carry a fix (`--fix`); the doc's header line says the same. */
  fixable: boolean;
  /**
   * Message templates by id, each in two parts as ruff and rustc write them; `{{name}}` is filled
   * from the draft's `data` in both. One record of pairs rather than a parallel `help` record, so
   * a message cannot be written without its help, nor a help outlive its message.
   */
  messages: Record<string, MessageTemplate>;
  deprecated?: { since: string; replacedBy: string[] };
}

export interface MessageTemplate {
  /** One line: what is wrong, with both conflicting values quoted; no trailing period, no rule id. */
  message: string;
  /** What breaks (the log line the server writes) and the fix. */
  help: string;
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
  /**
   * Every value the finding compares is a documented default: nothing in the tree set it (both
   * sides of a stock setup). Such an info is left out of stylish's list unless asked for.
   */
  atDefaults?: boolean;
  /**
   * Text edits that make the finding go away, only where the rule knows the exact text to
   * write; the engine drops it unless every edit lands on a file it can rewrite exactly.
   */
  fix?: Fix;
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
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (key in data ? withPlaceholdersShown(String(data[key])) : whole));
}

/**
 * One finding per problem, however many links lead to it (two `server` lines of one upstream
 * reaching the same backend listener are one problem, not two): `first(...keys)` is true the
 * first time it sees these keys, false after. A span counts by its file and start.
 */
export function onceEach(): (...keys: (Span | string)[]) => boolean {
  const seen = new Set<string>();
  return (...keys) => {
    const key = keys.map((part) => (typeof part === 'string' ? part : `${part.file}:${part.start.offset}`)).join('\0');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}
