/**
 * Checkstyle XML, the form hadolint and ruff write and Jenkins (warnings-ng) and reviewdog
 * read: one `<file>` per file with findings, one `<error>` per finding. Checkstyle's severities
 * are cfglint's (error, warning, info); `source` carries the rule id. The format has no place for
 * related locations, help or a docs link, and an `<error>` has no body, so the related locations
 * and the help are folded into the message: without the help a reader would lose the fix.
 */
import { xmlText } from '../escape';
import type { Finding, Report } from '../../engine/findings';
import { findingsByFile, messageWithRelatedAndHelp, type FormatContext } from './index';

/** The version hadolint and ruff declare; readers check only the element names. */
export const CHECKSTYLE_VERSION = '4.3';

function errorElement(finding: Finding): string {
  const { start } = finding.primary;
  return (
    `<error line="${start.line}" column="${start.column}" severity="${finding.severity}"` +
    ` message="${xmlText(messageWithRelatedAndHelp(finding))}" source="${xmlText(finding.ruleId)}"/>`
  );
}

export function format(report: Report, _ctx: FormatContext): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<checkstyle version="${CHECKSTYLE_VERSION}">`];
  for (const [file, findings] of findingsByFile(report.findings)) {
    lines.push(`  <file name="${xmlText(file)}">`);
    for (const finding of findings) lines.push(`    ${errorElement(finding)}`);
    lines.push('  </file>');
  }
  lines.push('</checkstyle>');
  return `${lines.join('\n')}\n`;
}
