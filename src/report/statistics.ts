/**
 * `--statistics`: how many findings each rule has, instead of the findings (ruff's
 * `--statistics`), so a first run on a large tree shows where the work is.
 */
import type { Report } from '../engine/findings';
import { SEVERITY_RANK, type Severity } from '../source/span';
import { jsonText, terminalText } from './escape';

export interface RuleCount {
  ruleId: string;
  severity: Severity;
  count: number;
}

/** One row per rule and severity (a rule capped below its severity counts apart), most severe and most frequent first. */
export function countByRule(report: Report): RuleCount[] {
  const rows = new Map<string, RuleCount>();
  for (const finding of report.findings) {
    const key = `${finding.severity}\u0000${finding.ruleId}`;
    const row = rows.get(key);
    if (row) row.count++;
    else rows.set(key, { ruleId: finding.ruleId, severity: finding.severity, count: 1 });
  }
  return [...rows.values()].sort(
    (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.count - a.count || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

export function formatStatistics(report: Report, format: 'text' | 'json'): string {
  const rows = countByRule(report);
  if (format === 'json') return `${jsonText(rows)}\n`;
  if (rows.length === 0) return 'No findings.\n';
  const countWidth = Math.max(...rows.map((row) => String(row.count).length));
  const severityWidth = Math.max(...rows.map((row) => row.severity.length));
  const lines = rows.map((row) => `${String(row.count).padStart(countWidth)}  ${row.severity.padEnd(severityWidth)}  ${terminalText(row.ruleId)}`);
  const total = rows.reduce((sum, row) => sum + row.count, 0);
  const rules = new Set(rows.map((row) => row.ruleId)).size;
  return `${lines.join('\n')}\n${total} finding${total === 1 ? '' : 's'} from ${rules} rule${rules === 1 ? '' : 's'}\n`;
}
