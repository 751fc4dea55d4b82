/**
 * JUnit XML as CI dashboards read it (GitLab's unit test reports, Jenkins' junit step):
 * `<testsuites>` → `<testsuite>` → `<testcase>` with a `<failure>` for each finding.
 *
 * One testsuite per file, as ESLint's and ruff's junit output: a finding is fixed in its file, so a
 * file's suite turns green when its problems are gone, and a suite per rule would scatter one
 * file's work across the dashboard. GitLab shows a testcase's `classname` as its suite (not the
 * testsuite's name), so `classname` is the file too, and `file` (which GitLab reads) as well.
 * GitLab keeps only the first testcase of a classname and name, so names are `<rule> at line:col`,
 * a repeat getting ` (2)`, … Every finding is a failure, whatever its severity, which the failure
 * text states; a run without findings is one passing testcase, so the dashboard shows a green run
 * rather than none. No times, hosts or dates: the same report gives the same bytes.
 */
import { xmlText } from '../escape';
import type { Finding, Report } from '../../engine/findings';
import { findingsByFile, formatLocation, messageWithRelated, type FormatContext } from './index';
import { append } from '../../source/append';

/** Suite and testcase of a run without findings; the same every run, so dashboards track it as one test. */
export const CLEAN_RUN = { classname: 'cfglint', name: 'no findings' } as const;

/**
 * GitLab shows the failure's text (not its `message` attribute), so the text holds everything:
 * `severity[rule]: message` as stylish writes it, then the location, related locations, help and
 * docs link, one per line; the `message` attribute is the one-line message. Each line starts with a word of ours, never with text from the tree.
 */
function failureText(finding: Finding): string {
  const lines = [`${finding.severity}[${finding.ruleId}]: ${finding.message}`, `at ${formatLocation(finding.primary)}`];
  for (const { span, label } of finding.related) lines.push(`related: ${formatLocation(span)}: ${label}`);
  if (finding.help) lines.push(`help: ${finding.help}`);
  if (finding.docsUrl) lines.push(`docs: ${finding.docsUrl}`);
  return lines.map(xmlText).join('\n');
}

function testcase(file: string, name: string, finding: Finding): string[] {
  return [
    `    <testcase classname="${xmlText(file)}" name="${xmlText(name)}" file="${xmlText(file)}" time="0">`,
    `      <failure message="${xmlText(messageWithRelated(finding))}" type="${xmlText(finding.ruleId)}">${failureText(finding)}</failure>`,
    '    </testcase>',
  ];
}

function testsuite(file: string, findings: Finding[]): string[] {
  const lines = [`  <testsuite name="${xmlText(file)}" tests="${findings.length}" failures="${findings.length}" errors="0" skipped="0" time="0">`];
  const seen = new Map<string, number>();
  for (const finding of findings) {
    const base = `${finding.ruleId} at ${finding.primary.start.line}:${finding.primary.start.column}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    lines.push(...testcase(file, count === 1 ? base : `${base} (${count})`, finding));
  }
  lines.push('  </testsuite>');
  return lines;
}

export function format(report: Report, _ctx: FormatContext): string {
  const count = report.findings.length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (count === 0) {
    lines.push(
      '<testsuites name="cfglint" tests="1" failures="0" errors="0" time="0">',
      `  <testsuite name="${CLEAN_RUN.classname}" tests="1" failures="0" errors="0" skipped="0" time="0">`,
      `    <testcase classname="${CLEAN_RUN.classname}" name="${CLEAN_RUN.name}" time="0"/>`,
      '  </testsuite>',
    );
  } else {
    lines.push(`<testsuites name="cfglint" tests="${count}" failures="${count}" errors="0" time="0">`);
    for (const [file, findings] of findingsByFile(report.findings)) append(lines, testsuite(file, findings));
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
