/**
 * A baseline: the fingerprints of findings a team has accepted, so that a first run on an
 * existing tree fails only on new findings. Fingerprints do not change when lines move
 * (src/engine/findings.ts), so the file stays valid while the tree is edited around them.
 */
import type { Finding, Report } from './findings';
import { withFindings } from './findings';
import { messageOf } from '../source/thrown';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
}

export interface Baseline {
  version: typeof BASELINE_VERSION;
  entries: BaselineEntry[];
}

/** The baseline file is unusable: the message names the file and what is wrong, on one line. */
export class BaselineError extends Error {}

/** The accepted fingerprints of a baseline file's text, or a BaselineError saying why not. */
export function parseBaseline(text: string, file: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`invalid baseline ${file}: not JSON (${messageOf(error)})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new BaselineError(`invalid baseline ${file}: expected an object with "version" and "entries"`);
  const { version, entries } = data as { version?: unknown; entries?: unknown };
  if (version !== BASELINE_VERSION) throw new BaselineError(`invalid baseline ${file}: "version" must be ${BASELINE_VERSION}`);
  if (!Array.isArray(entries)) throw new BaselineError(`invalid baseline ${file}: "entries" must be an array`);
  const fingerprints = new Set<string>();
  entries.forEach((entry, index) => {
    const value = typeof entry === 'object' && entry !== null ? (entry as { fingerprint?: unknown }).fingerprint : undefined;
    if (typeof value !== 'string' || value === '') throw new BaselineError(`invalid baseline ${file}: entries[${index}] has no "fingerprint" string`);
    fingerprints.add(value);
  });
  return fingerprints;
}

/**
 * The baseline that accepts exactly these findings, as file text: one entry per fingerprint,
 * sorted by file, rule and fingerprint so that a change to it reads as a small diff.
 */
export function baselineText(findings: Finding[]): string {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    if (!byFingerprint.has(finding.fingerprint))
      byFingerprint.set(finding.fingerprint, { fingerprint: finding.fingerprint, ruleId: finding.ruleId, file: finding.primary.file });
  }
  const key = (entry: BaselineEntry) => [entry.file, entry.ruleId, entry.fingerprint];
  const entries = [...byFingerprint.values()].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
  });
  const baseline: Baseline = { version: BASELINE_VERSION, entries };
  // One entry per line: a finding fixed or accepted is a one-line change in review.
  const lines = entries.map((entry, i) => `    ${JSON.stringify(entry)}${i < entries.length - 1 ? ',' : ''}`);
  return entries.length === 0
    ? `${JSON.stringify({ ...baseline }, null, 2)}\n`
    : `{\n  "version": ${baseline.version},\n  "entries": [\n${lines.join('\n')}\n  ]\n}\n`;
}

/** The report without the accepted findings; the summary counts what is left and how many were accepted. */
export function applyBaseline(report: Report, accepted: Set<string>): Report {
  const findings = report.findings.filter((finding) => !accepted.has(finding.fingerprint));
  const kept = withFindings(report, findings);
  return { ...kept, summary: { ...kept.summary, baselined: report.summary.baselined + report.findings.length - findings.length } };
}
