/**
 * SARIF 2.1.0, as read by GitHub code scanning and other SARIF viewers.
 * Kept free of clock, machine and cwd data so that the same report always
 * serialises to the same bytes.
 */
import { jsonText } from '../escape';
import type { Finding, Report, RuleSummary } from '../../engine/findings';
import type { Severity, Span } from '../../source/span';
import type { Fix, TextEdit } from '../../source/edit';
import type { FormatContext } from './index';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/cfglint/cfglint';
/** Versioned so a future change to how fingerprints are computed cannot be mistaken for the old ones. */
const FINGERPRINT_KEY = 'cfglint/v1';
const SRCROOT = '%SRCROOT%';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

interface SarifMessage {
  text: string;
}

interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  helpUri?: string;
  help: SarifMessage;
  defaultConfiguration: { level: SarifLevel };
  properties: { category: string };
}

interface SarifPhysicalLocation {
  artifactLocation: { uri: string; uriBaseId?: string };
  region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
}

interface SarifLocation {
  id?: number;
  physicalLocation: SarifPhysicalLocation;
  message?: SarifMessage;
}

/** SARIF 2.1.0 §3.55–3.57: a fix as the replacements it makes, grouped by file. */
interface SarifFix {
  description: SarifMessage;
  artifactChanges: {
    artifactLocation: SarifPhysicalLocation['artifactLocation'];
    replacements: { deletedRegion: SarifPhysicalLocation['region']; insertedContent?: { text: string } }[];
  }[];
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  fixes?: SarifFix[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: [
    {
      tool: { driver: { name: string; version: string; informationUri: string; rules: SarifReportingDescriptor[] } };
      columnKind: 'utf16CodeUnits';
      results: SarifResult[];
    },
  ];
}

/** Category given to ids that are not rules (reader diagnostics, internal errors). */
export const DIAGNOSTIC_CATEGORY = 'diagnostic';

// RFC 3986 pchar minus ":" (a colon in a relative reference's first segment would read as a scheme).
const URI_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=@]/;

function encodeSegment(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (URI_SAFE.test(ch)) {
      out += ch;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/**
 * A report path as a SARIF artifact location: relative paths become
 * percent-encoded relative references against %SRCROOT%; absolute ones (a file
 * outside the working directory) become file URIs.
 */
export function artifactLocation(file: string): SarifPhysicalLocation['artifactLocation'] {
  const slashed = file.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.exec(slashed);
  if (drive || slashed.startsWith('/')) {
    // A drive letter keeps its colon (`file:///C:/…`); every other segment is encoded.
    const prefix = drive ? `/${drive[0]}` : '';
    const rest = drive ? slashed.slice(drive[0].length) : slashed;
    return { uri: `file://${prefix}${rest.split('/').map(encodeSegment).join('/')}` };
  }
  const relative = slashed.replace(/^(\.\/)+/, '');
  return { uri: relative.split('/').map(encodeSegment).join('/'), uriBaseId: SRCROOT };
}

function physicalLocation(span: Span): SarifPhysicalLocation {
  return {
    artifactLocation: artifactLocation(span.file),
    region: {
      startLine: span.start.line,
      startColumn: span.start.column,
      endLine: span.end.line,
      endColumn: span.end.column,
    },
  };
}

/** An empty deleted region inserts; an absent insertedContent deletes (§3.57). */
function sarifFix(fix: Fix): SarifFix {
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of fix.edits) byFile.set(edit.span.file, [...(byFile.get(edit.span.file) ?? []), edit]);
  return {
    description: { text: fix.title },
    artifactChanges: [...byFile].map(([file, edits]) => ({
      artifactLocation: artifactLocation(file),
      replacements: edits.map((edit) => ({
        deletedRegion: physicalLocation(edit.span).region,
        ...(edit.text === '' ? {} : { insertedContent: { text: edit.text } }),
      })),
    })),
  };
}

function describeRule(rule: RuleSummary): SarifReportingDescriptor {
  // GitHub rejects empty strings in the description fields, so fall back to the id.
  const description = rule.description || rule.id;
  return {
    id: rule.id,
    name: rule.id,
    shortDescription: { text: description },
    fullDescription: { text: description },
    ...(rule.docsUrl ? { helpUri: rule.docsUrl } : {}),
    help: { text: rule.docsUrl ? `${description}\n\nDocumentation: ${rule.docsUrl}` : description },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { category: rule.category },
  };
}

/** Reader diagnostics and internal errors have no RuleSummary; build one from their first finding. */
function synthesiseRule(finding: Finding): RuleSummary {
  return {
    id: finding.ruleId,
    severity: finding.severity,
    category: DIAGNOSTIC_CATEGORY,
    description: `cfglint diagnostic "${finding.ruleId}" (reported by cfglint itself, not by a rule)`,
    docsUrl: finding.docsUrl,
  };
}

/** report.rules first, in order, then synthesised entries in order of first use; duplicate ids keep the first. */
function collectRules(report: Report): { rules: SarifReportingDescriptor[]; indexOf: Map<string, number> } {
  const summaries: RuleSummary[] = [];
  const indexOf = new Map<string, number>();
  const add = (rule: RuleSummary) => {
    if (indexOf.has(rule.id)) return;
    indexOf.set(rule.id, summaries.length);
    summaries.push(rule);
  };
  report.rules.forEach(add);
  for (const finding of report.findings) if (!indexOf.has(finding.ruleId)) add(synthesiseRule(finding));
  return { rules: summaries.map(describeRule), indexOf };
}

/**
 * The result's message: the one-line message as its first sentence, then the help. GitHub code
 * scanning reads only `message.text` of a result (not `markdown`), shows it as the alert's title
 * and, as the SARIF schema says of any viewer, only its first sentence where space is short.
 * The rule's own `help` cannot carry it: it is one text per rule, not per finding.
 */
function resultText(finding: Finding): string {
  return finding.help ? `${finding.message}.\n\n${finding.help}` : finding.message;
}

function toResult(finding: Finding, ruleIndex: number): SarifResult {
  const result: SarifResult = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVEL[finding.severity],
    message: { text: resultText(finding) },
    locations: [{ physicalLocation: physicalLocation(finding.primary) }],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
  };
  if (finding.related.length > 0) {
    // Ids start at 1 as in GitHub's examples; message links would be written `[text](1)`.
    result.relatedLocations = finding.related.map(({ span, label }, index) => ({
      id: index + 1,
      physicalLocation: physicalLocation(span),
      message: { text: label },
    }));
  }
  if (finding.fix) result.fixes = [sarifFix(finding.fix)];
  return result;
}

export function toSarif(report: Report): SarifLog {
  const { rules, indexOf } = collectRules(report);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: report.tool.name, version: report.tool.version, informationUri: INFORMATION_URI, rules },
        },
        // Spans count UTF-16 code units; stated so consumers do not assume code points.
        columnKind: 'utf16CodeUnits',
        // Report order is kept: the engine has already sorted the findings.
        results: report.findings.map((finding) => toResult(finding, indexOf.get(finding.ruleId) as number)),
      },
    ],
  };
}

export function format(report: Report, _ctx: FormatContext): string {
  return `${jsonText(toSarif(report))}\n`;
}
