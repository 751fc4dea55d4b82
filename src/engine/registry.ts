/** Every rule cfglint knows, in id order. Add a rule here after adding checks/<id>.ts and .md. */
import type { Rule } from './rule';
import { rule as upstreamKeepaliveHttp10 } from '../../checks/upstream-keepalive-http10';

export const RULES: Rule[] = [upstreamKeepaliveHttp10].sort((a, b) => a.id.localeCompare(b.id));

export function findRule(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
