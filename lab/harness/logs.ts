/**
 * Log lines as evidence: timestamps, pids, connection numbers, free ports and temp paths are
 * removed, so that two runs of an experiment give the same lines and a reader sees the message.
 */

/** `2026/11/22 02:30:00 [error] 12#12: *45 message, client: …` → `[error] message`. */
export function normalizeNginxLine(line: string, treeDir?: string): string | undefined {
  const match = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(\w+)\] (?:\d+#\d+: )?(?:\*\d+ )?(.*)$/.exec(line.trim());
  if (!match) return undefined;
  // What follows ", client:" names this run's client and ports, not the failure.
  const message = match[2].replace(/, client: .*$/, '');
  return `[${match[1]}] ${scrub(message, treeDir)}`;
}

/** Removes what differs between runs: the temp dir, loopback ports, pids. */
export function scrub(text: string, treeDir?: string): string {
  let result = text;
  if (treeDir) result = result.split(treeDir).join('<tree>');
  return (
    result
      .replace(/\/tmp\/cfglint-lab-[A-Za-z0-9]+/g, '<tree>')
      // nginx's temp files are numbered: one line per file would hide the count.
      .replace(/(<tree>\/\S*\/)\d{10}\b/g, '$1N')
      .replace(/(127\.0\.0\.\d+|localhost|\]):\d{2,5}/g, '$1:<port>')
      .replace(/\bpid[: ]\s*\d+/gi, (found) => found.replace(/\d+/, 'N'))
      .trim()
  );
}

/** Distinct lines in first-seen order, each with how often it appeared: `line (3×)`. */
export function distinctWithCounts(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, count]) => (count > 1 ? `${line} (${count}×)` : line));
}

/** The nginx error-log lines at `levels` (default: warn and worse), normalised and counted. */
export function nginxLogLines(text: string, treeDir?: string, levels = ['warn', 'error', 'crit', 'alert', 'emerg']): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = normalizeNginxLine(raw, treeDir);
    if (line && levels.some((level) => line.startsWith(`[${level}]`))) lines.push(line);
  }
  return distinctWithCounts(lines);
}

/**
 * The backend's lines that match one of `patterns`, with a leading timestamp and pid removed
 * (gunicorn's `[date] [pid] [LEVEL]`, Tomcat's `22-Nov-2026 02:30:00.000 LEVEL [thread]`).
 */
export function backendLogLines(text: string, patterns: RegExp[], treeDir?: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    if (!patterns.some((pattern) => pattern.test(raw))) continue;
    const line = raw
      .replace(/^\[\d{4}-\d\d-\d\d [\d:]+ [+-]\d{4}\] \[\d+\] /, '')
      .replace(/^\d\d-\w{3}-\d{4} [\d:.]+ /, '')
      .replace(/^\w{3} \w{3} +\d+ [\d:]+ \d{4} - /, '');
    lines.push(scrub(line, treeDir).slice(0, 300));
  }
  return distinctWithCounts(lines);
}
