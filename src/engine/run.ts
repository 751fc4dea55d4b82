/**
 * One lint run: files → readers → deployment model → rules → suppressions → report.
 * Bad input in the tree becomes findings; only unusable arguments or configuration throw
 * (UsageError / ConfigError), which the CLI turns into one line and exit code 2.
 */
import * as nodePath from 'path';
import { RULES } from '../../checks';
import { append } from '../source/append';
import { nodeFileSystem } from '../discovery/fs';
import { showPath } from '../discovery/path-bytes';
import { VERSION } from '../source/meta';
import type { Deployment } from '../model/deployment';
import { alternativeCount, Link, linkDeployment } from '../model/links';
import type { ReaderDiagnostic } from '../source/diagnostic';
import { internalError } from '../readers/kit/failure';
import { RenderedSourceText } from '../readers/rendered-text';
import { TemplateSourceText } from '../readers/template-text';
import { EmbeddedSourceText } from '../source/embedded-text';
import { Severity, SEVERITY_RANK } from '../source/span';
import { configuredSeverity } from './config';
import {
  compareFindings,
  dedupeFindings,
  diagnosticFindings,
  Finding,
  findingOfDraft,
  holdingForEveryAlternative,
  ListedFile,
  Report,
  reportLinks,
  RuleSummary,
} from './findings';
import { LintOptions, NothingToReadError, suggestRuleId } from './options';
import { readTree } from './read-tree';
import { findReaderRule, READER_RULES } from './reader-rules';
import { SourceComment, Suppressions } from './suppress';
import { capSyntaxFindings } from './syntax-cap';
import { EditableFile, editableFiles, fixIsExact } from './fix-offer';

export interface LintResult {
  report: Report;
  failOn: Severity | 'never';
  /** Text of a linted file by the path findings use, for code frames. */
  readSource(file: string): string | undefined;
  configPath?: string;
  /** The model the rules judged and its nginx → backend links, for `cfglint graph`. */
  model: Deployment;
  links: Link[];
  /** A file the findings' fixes may rewrite, by the path findings use (src/engine/fix-offer.ts). */
  editableFile(file: string): EditableFile | undefined;
}

export function lintSync(options: LintOptions = {}): LintResult {
  const { model, config, configPath, diagnostics, nginx, imageSources, readerOutputs, templateOriginals, roots, fileList, fs } = readTree(options);
  // As ESLint's "No files matching the pattern": a run that read nothing is no success. A tree
  // whose only configs could not be read (broken links, unreadable folders) has findings to say so.
  if (!fileList.some((entry) => entry.format !== null) && diagnostics.length === 0) {
    const cwd = options.cwd ?? process.cwd();
    const where = roots
      .map((root) => {
        const shown = showPath(nodePath.relative(cwd, root) || '.');
        return (options.fs ?? nodeFileSystem).kind(root) === 'directory' && !shown.endsWith('/') ? `${shown}/` : shown;
      })
      .join(', ');
    throw new NothingToReadError(
      `no file cfglint reads in ${where} (nginx, uWSGI, gunicorn, Tomcat, systemd, Dockerfile, compose, Procfile, Kubernetes, … configs); see --list-files`,
    );
  }

  const severityOf = (id: string, fallback: Severity): Severity | 'off' => configuredSeverity(config, id, fallback);

  const ranRules: RuleSummary[] = [];
  const runRules = (view: Deployment, errors: ReaderDiagnostic[] | undefined): Finding[] => {
    const out: Finding[] = [];
    for (const rule of RULES) {
      const severity = severityOf(rule.id, rule.severity);
      if (severity === 'off') continue;
      if (errors) ranRules.push({ id: rule.id, severity, category: rule.category, description: rule.meta.description, docsUrl: rule.meta.docsUrl });
      try {
        for (const draft of rule.check(view)) out.push(findingOfDraft(rule, draft, severity));
      } catch (error) {
        errors?.push(internalError(`rule "${rule.id}"`, nodePath.relative(options.cwd ?? process.cwd(), roots[0]) || '.', error));
      }
    }
    return out;
  };
  const findings = runRules(model, diagnostics);
  const alternatives = alternativeCount(model);
  if (alternatives > 1) {
    // The tree leaves open which of several backends serves some address: judge each in turn.
    const views = Array.from({ length: alternatives - 1 }, (_, i) => runRules({ ...model, linkAlternative: i + 1 }, undefined));
    const held = holdingForEveryAlternative([findings, ...views]);
    findings.length = 0;
    append(findings, held);
  }

  const comments = new Map<string, SourceComment[]>();
  for (const file of nginx.files.values()) {
    comments.set(
      file.source.file,
      file.comments.map((comment) => ({ span: file.source.span(comment.start, comment.end), text: comment.text })),
    );
  }
  for (const output of readerOutputs) {
    for (const [file, list] of output.comments) {
      // Two readers may keep the same comment (a manifest and the config file embedded in it).
      const known = comments.get(file) ?? [];
      const offsets = new Set(known.map((comment) => comment.span.start.offset));
      comments.set(file, [...known, ...list.filter((comment) => !offsets.has(comment.span.start.offset))]);
    }
  }
  const knownIds = new Set([...RULES.map((r) => r.id), ...READER_RULES.map((r) => r.id)]);
  const suppressions = new Suppressions(comments, knownIds, suggestRuleId);
  append(diagnostics, suppressions.problems);

  const usedReaderRules = new Map<string, RuleSummary>();
  const findingOf = diagnosticFindings();
  const toFinding = (diagnostic: ReaderDiagnostic): Finding | undefined => {
    const meta = findReaderRule(diagnostic.ruleId);
    const configured = severityOf(diagnostic.ruleId, diagnostic.severity ?? meta?.severity ?? 'error');
    if (configured === 'off') return undefined;
    if (meta && !usedReaderRules.has(meta.id)) {
      usedReaderRules.set(meta.id, { id: meta.id, severity: meta.severity, category: 'correctness', description: meta.description, docsUrl: meta.docsUrl });
    }
    return findingOf(diagnostic, configured, meta?.docsUrl ?? '');
  };
  // In file order, so that "the n-th" means the same thing from run to run.
  diagnostics.sort((a, b) => (a.primary.file < b.primary.file ? -1 : a.primary.file > b.primary.file ? 1 : a.primary.start.offset - b.primary.start.offset));
  for (const diagnostic of capSyntaxFindings(diagnostics)) {
    const finding = toFinding(diagnostic);
    if (finding) findings.push(finding);
  }

  let suppressed = 0;
  const kept: Finding[] = [];
  for (const finding of dedupeFindings(findings)) {
    if (suppressions.covers(finding)) suppressed++;
    else kept.push(finding);
  }
  if (options.reportUnusedDisables) {
    for (const diagnostic of suppressions.unused()) {
      const finding = toFinding(diagnostic);
      if (finding) kept.push(finding);
    }
  }
  kept.sort(compareFindings);

  const editableFile = editableFiles(
    [
      ...[...nginx.files].map(([path, file]) => ({ source: file.source, path })),
      ...readerOutputs.flatMap((output) => output.sources.map((source) => ({ source }))),
      ...imageSources.map(({ source }) => ({ source })),
    ],
    fs,
    options.cwd ?? process.cwd(),
  );
  for (let i = 0; i < kept.length; i++) {
    const fix = kept[i].fix;
    if (fix && !fixIsExact(fix, editableFile)) {
      const { fix: _inexact, ...unfixed } = kept[i];
      kept[i] = unfixed;
    }
  }

  const sources = new Map<string, string>();
  // A template is shown as written, not with its tags masked.
  for (const file of nginx.files.values())
    sources.set(
      file.source.file,
      file.source instanceof RenderedSourceText
        ? file.source.shown
        : file.source instanceof EmbeddedSourceText
          ? file.source.host.text
          : file.source instanceof TemplateSourceText
            ? file.source.original
            : file.source.text,
    );
  for (const { source } of imageSources) sources.set(source.file, source.text);
  // An embedded file (a ConfigMap entry) shows its manifest in code frames.
  for (const output of readerOutputs)
    for (const source of output.sources)
      if (!sources.has(source.file) || !(source instanceof EmbeddedSourceText))
        sources.set(source.file, source instanceof EmbeddedSourceText ? source.host.text : source.text);
  for (const [file, original] of templateOriginals) sources.set(file, original);

  const links = linkDeployment(model);
  const report: Report = {
    tool: { name: 'cfglint', version: VERSION },
    files: [...sources.keys()].sort(),
    findings: kept,
    rules: [...ranRules, ...usedReaderRules.values()],
    links: reportLinks(links),
    summary: {
      errors: kept.filter((f) => f.severity === 'error').length,
      warnings: kept.filter((f) => f.severity === 'warning').length,
      infos: kept.filter((f) => f.severity === 'info').length,
      suppressed,
      // Only the front doors read a baseline file (src/engine/baseline.ts applies it).
      baselined: 0,
    },
  };
  return {
    report,
    failOn: config.failOn ?? 'warning',
    readSource: (file) => sources.get(file),
    configPath,
    model,
    links,
    editableFile,
  };
}

/** The programmatic --list-files: every file of the tree with the format it is read as and why. */
export function listFiles(options: LintOptions = {}): ListedFile[] {
  return readTree({ ...options, listing: true }).fileList;
}

/** The programmatic API: lint paths and get the report the JSON schema describes. */
export async function lint(options: LintOptions = {}): Promise<Report> {
  return lintSync(options).report;
}

export function exitCodeFor(report: Report, failOn: Severity | 'never'): 0 | 1 {
  if (failOn === 'never') return 0;
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}
