import type { Finding, Report } from '../engine/findings';

/** The report with only these findings, its counts recomputed (suppressed and baselined kept). */
export function withFindings(report: Report, findings: Finding[]): Report {
  const count = (severity: Finding['severity']) => findings.filter((finding) => finding.severity === severity).length;
  return { ...report, findings, summary: { ...report.summary, errors: count('error'), warnings: count('warning'), infos: count('info') } };
}
