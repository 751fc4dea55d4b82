/**
 * One lint run: files → readers → deployment model → rules → suppressions → report.
 * Bad input in the tree becomes findings; only unusable arguments or configuration throw
 * (UsageError / ConfigError), which the CLI turns into one line and exit code 2.
 */
import { createHash } from 'crypto';
import * as nodePath from 'path';
import { append } from '../append';
import { classify, FileFormat } from '../discovery/classify';
import { FileSystem, nodeFileSystem } from '../discovery/fs';
import { walk } from '../discovery/walk';
import { VERSION } from '../meta';
import type { Deployment } from '../model/deployment';
import { bundledNginx, findController, renderIngressNginx } from '../model/ingress-nginx';
import { emptyKubernetesModel } from '../model/kubernetes';
import { Link, linkDeployment } from '../model/links';
import { NginxModel } from '../model/nginx';
import { checkNginxValues } from '../model/nginx-value-check';
import { parseNginxTime } from '../model/nginx-values';
import { describeRange, NginxVersionInfo, UNKNOWN_VERSION, versionRangeOf, VersionRange, compareVersions } from '../model/nginx-version';
import type { ReaderDiagnostic } from '../readers/diagnostic';
import { nginxVersionOfImage, readImageReferences } from '../readers/docker';
import { NginxReadResult, readNginxTree } from '../readers/nginx';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../readers/types';
import { decodeUtf8, SourceText } from '../readers/text';
import { EmbeddedSourceText } from '../readers/embedded-text';
import { clearParseCache } from '../readers/parse-cache';
import { Finding, Report, ReportLink, RuleSummary, Severity, SEVERITY_RANK, Span } from '../report/finding';
import { compareFindings } from '../report/formatters';
import { closest } from '../suggest';
import { CfglintConfig, ConfigError, findConfigFile, formatJsonPath, loadConfig, RuleSetting, validateConfig } from './config';
import { findReaderRule, READER_RULES } from './reader-rules';
import { RULES } from './registry';
import { renderMessage, Rule } from './rule';
import { SourceComment, Suppressions } from './suppress';

export class UsageError extends Error {}

export interface LintOptions {
  /** Files or directories; default the current directory. */
  paths?: string[];
  cwd?: string;
  fs?: FileSystem;
  /** --config FILE; otherwise .cfglint.json is looked up from the first path upwards. */
  configPath?: string;
  /** A config object given directly (the API), used instead of any file. */
  config?: CfglintConfig;
  nginxVersion?: string;
  reportUnusedDisables?: boolean;
}

export interface LintResult {
  report: Report;
  failOn: Severity | 'never';
  /** Text of a linted file by the path findings use, for code frames. */
  readSource(file: string): string | undefined;
  configPath?: string;
  /** The model the rules judged and its nginx → backend links, for `cfglint graph`. */
  model: Deployment;
  links: Link[];
}

/** Everything read from a tree, before any rule runs. */
export interface ReadTree {
  model: Deployment;
  config: CfglintConfig;
  configPath?: string;
  /** Problems found while reading (syntax, includes, values, unreadable files). */
  diagnostics: ReaderDiagnostic[];
  nginx: NginxReadResult;
  imageSources: { source: SourceText; kind: 'dockerfile' | 'compose' }[];
  /** What the backend and system readers read: their sources and comments. */
  readerOutputs: ReaderOutput[];
  roots: string[];
  displayPath(absolute: string): string;
}

/** Discover, classify and read a tree into the deployment model (no rules). */
export function readTree(options: LintOptions = {}): ReadTree {
  clearParseCache();
  try {
    return readTreeUncached(options);
  } finally {
    clearParseCache();
  }
}

function readTreeUncached(options: LintOptions): ReadTree {
  const fs = options.fs ?? nodeFileSystem;
  const cwd = options.cwd ?? process.cwd();
  const roots = (options.paths && options.paths.length > 0 ? options.paths : ['.']).map((p) => nodePath.resolve(cwd, p));
  for (const root of roots) {
    const kind = fs.kind(root);
    if (kind === undefined) throw new UsageError(`no such file or directory: ${nodePath.relative(cwd, root) || root}`);
    if (kind === 'directory') {
      try {
        fs.list(root);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    } else if (kind !== 'file') throw new UsageError(`not a file or directory: ${root}`);
  }

  let config: CfglintConfig = options.config ?? {};
  let configPath: string | undefined;
  if (options.config) {
    // The API's config object gets the same checks as a file.
    const problem = validateConfig(options.config);
    if (problem) throw new ConfigError(`config: ${problem}`);
  } else {
    const firstDir = fs.kind(roots[0]) === 'directory' ? roots[0] : nodePath.dirname(roots[0]);
    configPath = options.configPath ? nodePath.resolve(cwd, options.configPath) : findConfigFile(firstDir, fs);
    if (options.configPath) {
      const kind = fs.kind(configPath!);
      if (kind === undefined) throw new ConfigError(`config file not found: ${options.configPath}`);
      if (kind !== 'file') throw new ConfigError(`cannot read config file ${options.configPath}: not a regular file`);
    }
    if (configPath) config = loadConfig(configPath, fs).config;
  }
  const configDir = configPath ? nodePath.dirname(configPath) : cwd;
  checkRuleIds(config, configPath ?? 'config');

  const displayPath = (absolute: string) => nodePath.relative(cwd, absolute) || nodePath.basename(absolute);
  const cachedFs = cachingFileSystem(fs);
  const walked = walk(roots, cachedFs, { ignorePatterns: { baseDir: configDir, patterns: config.ignore ?? [] } });
  const diagnostics: ReaderDiagnostic[] = walked.unreadable.map((entry) => ({
    ruleId: 'read-error',
    message: entry.reason.replace(entry.path, displayPath(entry.path)),
    primary: { file: displayPath(entry.path), start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
    related: [],
  }));

  const readText = (path: string): string | undefined => {
    try {
      return decodeUtf8(cachedFs.read(path));
    } catch {
      return undefined;
    }
  };
  const filesByFormat: FilesByFormat = {};
  const imageSources: { source: SourceText; kind: 'dockerfile' | 'compose' }[] = [];
  for (const file of walked.files) {
    // A file named on the command line is read as nginx unless it is clearly something else.
    const format = classify(file, () => readText(file)?.slice(0, 65536), roots.includes(file));
    if (!format) continue;
    (filesByFormat[format] ??= []).push(file);
    if (format === 'dockerfile' || format === 'compose') {
      const text = readText(file);
      if (text !== undefined) imageSources.push({ source: new SourceText(displayPath(file), text), kind: format });
    }
  }
  const nginxFiles = filesByFormat.nginx ?? [];

  const includeMappings = Object.entries(config.nginx?.includeMap ?? {}).map(([from, to]) => ({
    from: from.replace(/\/+$/, '') || '/',
    to: nodePath.resolve(configDir, to),
  }));
  const nginx = readNginxTree(nginxFiles, { fs: cachedFs, treeFiles: walked.files, lintRoots: roots, includeMappings, displayPath });
  append(diagnostics, nginx.diagnostics);
  let nginxVersion = chooseNginxVersion(options.nginxVersion, config, imageSources);
  append(diagnostics, checkNginxValues(nginx.files.values(), nginxVersion.range));

  // Each reader (and the parsers it needs: yaml, @lezer/python, fast-xml-parser) is loaded only
  // when the tree has something for it, which keeps a small nginx-only run quick to start.
  const has = (...formats: FileFormat[]) => formats.some((format) => (filesByFormat[format]?.length ?? 0) > 0);
  // Config files held in ConfigMaps join the tree at virtual paths, read like any other file.
  const embedded = has('kubernetes') ? embedConfigMapFiles(filesByFormat, readText, displayPath) : new Map<string, SourceText>();
  // Backends and system limits: command lines first, since the servers take options from them.
  const context: ReaderContext = embedded.size === 0
    ? { fs: cachedFs, displayPath, treeFiles: walked.files, lintRoots: roots }
    : {
      fs: withEmbeddedFiles(cachedFs, embedded),
      displayPath: (path) => embedded.get(path)?.file ?? displayPath(path),
      treeFiles: [...walked.files, ...embedded.keys()],
      lintRoots: roots,
      embedded,
    };
  const launch = has('dockerfile', 'compose', 'systemd', 'procfile', 'shell', 'kubernetes')
    ? (require('../readers/launch') as typeof import('../readers/launch')).readLaunches(filesByFormat, context)
    : { ...emptyOutput(), launches: [] };
  const launched = launch.launches.length > 0;
  const gunicorn = has('gunicorn') || launched
    ? (require('../readers/gunicorn') as typeof import('../readers/gunicorn')).readGunicorn(filesByFormat.gunicorn ?? [], launch.launches, context)
    : { ...emptyOutput(), backends: [] };
  const uwsgi = has('uwsgi') || launched
    ? (require('../readers/uwsgi') as typeof import('../readers/uwsgi')).readUwsgi(filesByFormat.uwsgi ?? [], launch.launches, context)
    : { ...emptyOutput(), backends: [] };
  const tomcat = has('tomcat', 'catalina-properties')
    ? (require('../readers/tomcat') as typeof import('../readers/tomcat')).readTomcat(filesByFormat.tomcat ?? [], filesByFormat['catalina-properties'] ?? [], context)
    : { ...emptyOutput(), backends: [] };
  const springBoot = has('spring-boot') || launch.launches.some((candidate) => candidate.program === 'java')
    ? (require('../readers/spring-boot') as typeof import('../readers/spring-boot')).readSpringBoot(filesByFormat['spring-boot'] ?? [], launch.launches, context)
    : { ...emptyOutput(), backends: [] };
  const system = has('sysctl', 'limits', 'systemd', 'compose', 'kubernetes') || launched
    ? (require('../readers/system') as typeof import('../readers/system')).readSystemLimits(filesByFormat, launch.launches, context)
    : { ...emptyOutput(), limits: [] };
  const kubernetes = has('kubernetes', 'helm-values')
    ? (require('../readers/kubernetes') as typeof import('../readers/kubernetes')).readKubernetes(filesByFormat, context)
    : { ...emptyOutput(), kubernetes: emptyKubernetesModel() };
  // The model module is small and the rules load it anyway; with no Ingress it renders nothing.
  const ingressNginx = renderIngressNginx(kubernetes.kubernetes);
  append(diagnostics, ingressNginx.diagnostics);
  if (ingressNginx.root && !nginxVersion.source && nginx.roots.length === 0) {
    // The only nginx in the tree is the ingress controller's: its release says which nginx runs.
    const controller = findController(kubernetes.kubernetes);
    const bundled = bundledNginx(controller?.version);
    nginxVersion = { range: bundled.range, ...(controller?.version ? { source: { kind: 'tree', text: bundled.text, span: controller.version.span } } : {}) };
  }
  const readerOutputs: ReaderOutput[] = [launch, gunicorn, uwsgi, tomcat, springBoot, system, kubernetes];
  for (const output of readerOutputs) append(diagnostics, output.diagnostics);

  const model: Deployment = {
    nginx: new NginxModel(nginx.roots, { range: nginxVersion.range, known: nginxVersion.source !== undefined }, {
      modules: config.nginx?.modules,
      extraDirectives: config.nginx?.extraDirectives,
    }, ingressNginx.root ? [ingressNginx.root] : []),
    nginxVersion,
    launches: launch.launches,
    backends: [...gunicorn.backends, ...uwsgi.backends, ...tomcat.backends, ...springBoot.backends],
    limits: system.limits,
    kubernetes: kubernetes.kubernetes,
    environment: {
      somaxconn: config.environment?.somaxconn,
      nofile: config.environment?.nofile,
      loadBalancerIdleTimeoutMs: config.environment?.loadBalancerIdleTimeout === undefined
        ? undefined
        : parseNginxTime(config.environment.loadBalancerIdleTimeout),
    },
  };
  return { model, config, configPath, diagnostics, nginx, imageSources, readerOutputs, roots, displayPath };
}

export function lintSync(options: LintOptions = {}): LintResult {
  const { model, config, configPath, diagnostics, nginx, imageSources, readerOutputs, roots } = readTree(options);

  const severityOf = (id: string, fallback: Severity): Severity | 'off' => {
    const setting: RuleSetting | undefined = config.rules?.[id];
    if (setting === undefined) return fallback;
    const value = typeof setting === 'string' ? setting : setting.severity;
    return value ?? fallback;
  };

  const findings: Finding[] = [];
  const ranRules: RuleSummary[] = [];
  for (const rule of RULES) {
    const severity = severityOf(rule.id, rule.severity);
    if (severity === 'off') continue;
    ranRules.push({ id: rule.id, severity, category: rule.category, description: rule.meta.description, docsUrl: rule.meta.docsUrl });
    try {
      for (const draft of rule.check(model)) {
        const capped = draft.maxSeverity && SEVERITY_RANK[draft.maxSeverity] < SEVERITY_RANK[severity] ? draft.maxSeverity : severity;
        findings.push({
          ruleId: rule.id,
          messageId: draft.messageId,
          message: renderMessage(rule.meta.messages[draft.messageId] ?? draft.messageId, draft.data),
          severity: capped,
          primary: draft.primary,
          related: (draft.related ?? []).slice(0, 3),
          docsUrl: rule.meta.docsUrl,
          fingerprint: fingerprint(rule.id, draft.primary.file, draft.modelPath),
        });
      }
    } catch (error) {
      diagnostics.push(internalError(rule, error, nodePath.relative(options.cwd ?? process.cwd(), roots[0]) || '.'));
    }
  }

  const comments = new Map<string, SourceComment[]>();
  for (const file of nginx.files.values()) {
    comments.set(file.source.file, file.comments.map((comment) => ({ span: file.source.span(comment.start, comment.end), text: comment.text })));
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
  // Reader diagnostics have no model path: the message stands in for it, and the n-th repeat of
  // the same message in a file gets its own fingerprint (the order survives lines moving).
  const repeats = new Map<string, number>();
  const toFinding = (diagnostic: ReaderDiagnostic): Finding | undefined => {
    const meta = findReaderRule(diagnostic.ruleId);
    const severity = severityOf(diagnostic.ruleId, diagnostic.severity ?? meta?.severity ?? 'error');
    if (severity === 'off') return undefined;
    if (meta && !usedReaderRules.has(meta.id)) {
      usedReaderRules.set(meta.id, { id: meta.id, severity: meta.severity, category: 'correctness', description: meta.description, docsUrl: meta.docsUrl });
    }
    return {
      ruleId: diagnostic.ruleId,
      messageId: 'diagnostic',
      message: diagnostic.message,
      severity,
      primary: diagnostic.primary,
      related: diagnostic.related.slice(0, 3),
      docsUrl: meta?.docsUrl ?? '',
      fingerprint: fingerprint(diagnostic.ruleId, diagnostic.primary.file, diagnostic.message + repeatSuffix(diagnostic)),
    };
  };
  const repeatSuffix = (diagnostic: ReaderDiagnostic): string => {
    const key = `${diagnostic.ruleId}\0${diagnostic.primary.file}\0${diagnostic.message}`;
    const count = repeats.get(key) ?? 0;
    repeats.set(key, count + 1);
    return count === 0 ? '' : `\0${count}`;
  };
  // In file order, so that "the n-th" means the same thing from run to run.
  diagnostics.sort((a, b) => (a.primary.file < b.primary.file ? -1 : a.primary.file > b.primary.file ? 1 : a.primary.start.offset - b.primary.start.offset));
  for (const diagnostic of diagnostics) {
    const finding = toFinding(diagnostic);
    if (finding) findings.push(finding);
  }

  // A file reached twice (two contexts, a symlink) reports each problem once.
  const seen = new Set<string>();
  let suppressed = 0;
  const kept: Finding[] = [];
  for (const finding of findings) {
    const key = `${finding.ruleId}\0${finding.primary.file}\0${finding.primary.start.offset}\0${finding.primary.end.offset}\0${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
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

  const sources = new Map<string, string>();
  for (const file of nginx.files.values()) sources.set(file.source.file, file.source.text);
  for (const { source } of imageSources) sources.set(source.file, source.text);
  // An embedded file (a ConfigMap entry) shows its manifest in code frames.
  for (const output of readerOutputs) for (const source of output.sources) if (!sources.has(source.file) || !(source instanceof EmbeddedSourceText)) sources.set(source.file, source instanceof EmbeddedSourceText ? source.host.text : source.text);

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
    },
  };
  return {
    report,
    failOn: config.failOn ?? 'warning',
    readSource: (file) => sources.get(file),
    configPath,
    model,
    links,
  };
}

/** The links as data, once each (a file reached twice links twice), in nginx file order. */
function reportLinks(links: Link[]): ReportLink[] {
  const seen = new Set<string>();
  const out: ReportLink[] = [];
  for (const link of links) {
    const { span } = link.target;
    const listener = link.listener.span;
    const key = `${span.file}\0${span.start.offset}\0${listener.file}\0${listener.start.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      nginx: { address: link.target.address.text, span },
      backend: { kind: link.backend.kind, name: link.backend.name, protocol: link.listener.protocol, option: link.listener.option, span: listener },
      reason: link.reason,
      detail: link.detail,
    });
  }
  const order = (a: Span, b: Span) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start.offset - b.start.offset);
  return out.sort((a, b) => order(a.nginx.span, b.nginx.span) || order(a.backend.span, b.backend.span));
}

/** The programmatic API: lint paths and get the report the JSON schema describes. */
export async function lint(options: LintOptions = {}): Promise<Report> {
  return lintSync(options).report;
}

export function exitCodeFor(report: Report, failOn: Severity | 'never'): 0 | 1 {
  if (failOn === 'never') return 0;
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
}

function fingerprint(ruleId: string, file: string, modelPath: string): string {
  return createHash('sha256').update(`${ruleId}\0${file}\0${modelPath}`).digest('hex').slice(0, 32);
}

function internalError(rule: Rule, error: unknown, where: string): ReaderDiagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  const start = { line: 1, column: 1, offset: 0 };
  return {
    ruleId: 'internal-error',
    message: `Rule "${rule.id}" failed and was skipped: ${reason}; please report this with the tree that causes it`,
    primary: { file: where, start, end: start },
    related: [],
  };
}

function chooseNginxVersion(option: string | undefined, config: CfglintConfig, images: { source: SourceText; kind: 'dockerfile' | 'compose' }[]): NginxVersionInfo {
  if (option !== undefined) {
    const range = versionRangeOf(option);
    if (!range) throw new UsageError(`invalid --nginx-version "${option}": expected a version such as 1.24.0 or 1.27`);
    return { range, source: { kind: 'option', text: `--nginx-version ${option}` } };
  }
  if (config.nginx?.version) {
    return { range: versionRangeOf(config.nginx.version)!, source: { kind: 'config', text: `nginx.version ${config.nginx.version} in .cfglint.json` } };
  }
  let union: VersionRange | undefined;
  let first: NginxVersionInfo['source'];
  for (const { source, kind } of images) {
    for (const reference of readImageReferences(source, kind)) {
      const version = nginxVersionOfImage(reference);
      const range = version ? versionRangeOf(version) : undefined;
      if (!range) continue;
      first = first ?? { kind: 'tree', text: `${reference.image}:${reference.tag}`, span: reference.span };
      union = union
        ? { min: compareVersions(range.min, union.min) < 0 ? range.min : union.min, max: compareVersions(range.max, union.max) > 0 ? range.max : union.max }
        : range;
    }
  }
  if (union && first) return { range: union, source: { ...first, text: `${first.text} (${describeRange(union)})` } };
  return UNKNOWN_VERSION;
}

function checkRuleIds(config: CfglintConfig, where: string) {
  for (const id of Object.keys(config.rules ?? {})) {
    if (RULES.some((rule) => rule.id === id) || READER_RULES.some((rule) => rule.id === id)) continue;
    const suggestion = suggestRuleId(id);
    throw new ConfigError(`${where}: ${formatJsonPath(['rules', id])} is not a known rule${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
  }
}

export function suggestRuleId(id: string): string | undefined {
  return closest(id, [...RULES.map((r) => r.id), ...READER_RULES.map((r) => r.id)]);
}


/** ConfigMap entries that are config files, by virtual path, added to `files` under their format. */
function embedConfigMapFiles(files: FilesByFormat, readText: (path: string) => string | undefined, displayPath: (path: string) => string): Map<string, SourceText> {
  const { mountedFiles } = require('../readers/kubernetes/mounted-files') as typeof import('../readers/kubernetes/mounted-files');
  const manifests = (files.kubernetes ?? []).flatMap((path) => {
    const text = readText(path);
    // Helm templates are not YAML until rendered.
    return text === undefined || text.includes('{{') ? [] : [{ path, source: new SourceText(displayPath(path), text) }];
  });
  const embedded = new Map<string, SourceText>();
  for (const file of mountedFiles(manifests)) {
    (files[file.format] ??= []).push(file.path);
    embedded.set(file.path, file.source);
  }
  return embedded;
}

/** The run's file system, with the embedded files readable at their virtual paths. */
function withEmbeddedFiles(fs: FileSystem, embedded: Map<string, SourceText>): FileSystem {
  return {
    kind: (path) => (embedded.has(path) ? 'file' : fs.kind(path)),
    isSymlink: (path) => !embedded.has(path) && fs.isSymlink(path),
    list: (path) => fs.list(path),
    read: (path) => {
      const source = embedded.get(path);
      return source ? new TextEncoder().encode(source.text) : fs.read(path);
    },
    realpath: (path) => (embedded.has(path) ? path : fs.realpath(path)),
  };
}

/** Reads each file from disk once per run, however many readers ask for it. */
function cachingFileSystem(fs: FileSystem): FileSystem {
  const cache = new Map<string, Uint8Array | Error>();
  return {
    ...fs,
    read(path) {
      let entry = cache.get(path);
      if (!entry) {
        try {
          entry = fs.read(path);
        } catch (error) {
          entry = error as Error;
        }
        cache.set(path, entry);
      }
      if (entry instanceof Error) throw entry;
      return entry;
    },
  };
}
