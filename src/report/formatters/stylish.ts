/**
 * The default, human-readable format, after ruff: a header per finding, its
 * location, a code frame for the primary span and one per related span, the
 * help (`= help: …`) and a link to the rule's docs; then a one-line summary.
 */
import type { Finding, Report } from '../../engine/findings';
import type { Severity, Span } from '../../source/span';
import { terminalText } from '../escape';
import { gutterWidthFor, renderSpanFrameInLines, splitLines, type Paint } from '../snippet';
import { formatLocation, sortFindings, type FormatContext } from './index';

const SEVERITY_SGR: Record<Severity, string> = { error: '1;31', warning: '1;33', info: '1;36' };
const GUTTER_SGR = '1;34';
const BOLD_SGR = '1';
const SUCCESS_SGR = '1;32';

interface Palette {
  severity(severity: Severity): Paint;
  gutter: Paint;
  bold: Paint;
  success: Paint;
}

function makePalette(color: boolean): Palette {
  const sgr =
    (code: string): Paint =>
    (text) =>
      color && text !== '' ? `\x1b[${code}m${text}\x1b[0m` : text;
  return {
    severity: (severity) => sgr(SEVERITY_SGR[severity]),
    gutter: sgr(GUTTER_SGR),
    bold: sgr(BOLD_SGR),
    success: sgr(SUCCESS_SGR),
  };
}

/** Reads each file once per report; undefined means "no frame". */
function makeLineSource(ctx: FormatContext): (file: string) => string[] | undefined {
  const cache = new Map<string, string[] | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      const source = ctx.readSource(file);
      cache.set(file, source === undefined ? undefined : splitLines(source));
    }
    return cache.get(file);
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function renderFinding(finding: Finding, linesOf: (file: string) => string[] | undefined, palette: Palette): string[] {
  const spans: Span[] = [finding.primary, ...finding.related.map((r) => r.span)];
  // One gutter width for every frame of the finding keeps their bars in one column.
  const gutterWidth = gutterWidthFor(spans.map((span) => span.start.line));
  const indent = ' '.repeat(gutterWidth);
  const paintSeverity = palette.severity(finding.severity);

  const frameFor = (span: Span, marker: '^' | '-', label: string | undefined, paintMarker: Paint) => {
    const lines = linesOf(span.file);
    return lines && renderSpanFrameInLines(lines, span, { gutterWidth, marker, label, paintGutter: palette.gutter, paintMarker });
  };

  const out = [
    `${paintSeverity(`${finding.severity}[${terminalText(finding.ruleId)}]`)}${palette.bold(`: ${terminalText(finding.message)}`)}`,
    `${indent}${palette.gutter('-->')} ${terminalText(formatLocation(finding.primary))}`,
  ];
  out.push(...(frameFor(finding.primary, '^', undefined, paintSeverity) ?? []));

  for (const { span, label } of finding.related) {
    const frame = frameFor(span, '-', label, palette.gutter);
    if (frame) {
      out.push(`${indent}${palette.gutter(':::')} ${terminalText(formatLocation(span))}`, ...frame);
    } else {
      // Without a frame the label would be lost; keep it on the location line.
      const suffix = label ? ` (${terminalText(label)})` : '';
      out.push(`${indent}${palette.gutter(':::')} ${terminalText(formatLocation(span))}${suffix}`);
    }
  }

  // As ruff: the one-line message heads the finding, what breaks and the fix follow the frames.
  if (finding.help) out.push(`${indent} ${palette.gutter('=')} help: ${terminalText(finding.help)}`);
  if (finding.docsUrl) out.push(`${indent} ${palette.gutter('=')} docs: ${terminalText(finding.docsUrl)}`);
  return out;
}

function renderSummary(report: Report, palette: Palette, hiddenDefaultInfos: number): string {
  const count: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of report.findings) count[finding.severity] += 1;
  const suppressed = report.summary.suppressed;
  const baselined = report.summary.baselined;
  const notes = [
    suppressed > 0 ? `${suppressed} suppressed` : '',
    baselined > 0 ? `${baselined} baselined` : '',
    hiddenDefaultInfos > 0
      ? `${plural(hiddenDefaultInfos, 'info')} at documented defaults hidden, --show-info lists ${hiddenDefaultInfos === 1 ? 'it' : 'them'}`
      : '',
  ].filter((note) => note !== '');

  if (report.findings.length === 0) {
    const note = notes.length > 0 ? ` (${notes.join(', ')})` : '';
    return palette.success(`No problems found in ${plural(report.files.length, 'file')}${note}.`);
  }

  // Counted from the findings shown, so the summary always agrees with the list above it.
  const worst: Severity = count.error > 0 ? 'error' : count.warning > 0 ? 'warning' : 'info';
  const breakdown = [plural(count.error, 'error'), plural(count.warning, 'warning'), plural(count.info, 'info')].join(', ');
  const extraNotes = notes.map((note) => `, ${note}`).join('');
  return palette.severity(worst)(`✖ ${plural(report.findings.length, 'problem')} (${breakdown})${extraNotes}`);
}

export function format(report: Report, ctx: FormatContext): string {
  const palette = makePalette(ctx.color);
  const linesOf = makeLineSource(ctx);
  const blocks = sortFindings(report.findings).map((finding) => renderFinding(finding, linesOf, palette).join('\n'));
  blocks.push(renderSummary(report, palette, ctx.hiddenDefaultInfos ?? 0));
  return `${blocks.join('\n\n')}\n`;
}
