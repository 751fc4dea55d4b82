/**
 * One lint run: files → readers → deployment model → rules → suppressions → report.
 * Bad input in the tree becomes findings; only unusable arguments or configuration throw
 * (UsageError / ConfigError), which the CLI turns into one line and exit code 2.
 */
import { createHash } from 'crypto';
import * as nodePath from 'path';
import { append } from '../source/append';
import ignore from 'ignore';
import { Classified, explainClassification, FILE_FORMATS, FileFormat, isFileFormat, readableByName } from '../discovery/classify';
import { confineFileSystem } from '../discovery/confine';
import { DIALECT_NAMES, maskTemplate, TemplateDialect } from '../discovery/template';
import { FileSystem, nodeFileSystem } from '../discovery/fs';
import { showPath } from '../discovery/path-bytes';
import { walk } from '../discovery/walk';
import { VERSION } from '../source/meta';
import type { Deployment } from '../model/deployment';
import { composeDeploymentOf } from '../model/compose';
import { bundledNginx, findController, renderIngressNginx } from '../model/ingress-nginx';
import { emptyKubernetesModel } from '../readers/kubernetes/objects';
import { emptyCloudResources } from '../readers/cloud-balancers';
import { alternativeCount, Link, linkDeployment } from '../model/links';
import { NginxModel } from '../model/nginx';
import { checkNginxValues } from '../model/nginx-value-check';
import { parseNginxTime } from '../model/nginx-values';
import { describeRange, NginxVersionInfo, UNKNOWN_VERSION, versionRangeOf, VersionRange, compareVersions } from '../reference/nginx/version';
import type { ReaderDiagnostic } from '../source/diagnostic';
import { nginxVersionOfImage, readImageReferences } from '../readers/docker';
import { NginxReadResult, readNginxTree } from '../readers/nginx';
import { withRenderedFiles } from '../readers/nginx/rendered-templates';
import { emptyOutput, FilesByFormat, ReaderContext, ReaderOutput } from '../readers/types';
import { decodeUtf8, SourceText } from '../source/text';
import { EmbeddedSourceText } from '../source/embedded-text';
import type { EnvsubstTemplate } from '../readers/docker/envsubst-templates';
import { RenderedSourceText } from '../readers/rendered-text';
import { TemplateSourceText } from '../readers/template-text';
import { clearParseCache } from '../readers/parse-cache';
import { Finding, Report, ReportLink, RuleSummary } from './findings';
import { Severity, SEVERITY_RANK, Span } from '../source/span';
import { compareFindings } from './findings';
import type { ListedFile } from './findings';
import { closest } from '../source/suggest';
import { CfglintConfig, checkFileFormats, ConfigError, findConfigFile, formatJsonPath, loadConfig, RuleSetting, validateConfig } from './config';
import { findReaderRule, READER_RULES } from './reader-rules';
import { RULES } from './registry';
import { FindingDraft, renderMessage, Rule } from '../rule';
import { SourceComment, Suppressions } from './suppress';
import { capSyntaxFindings } from './syntax-cap';

export class UsageError extends Error {}

/** The paths hold nothing cfglint reads, or a named file is not one: the message says all (no --help pointer). */
export class NothingToReadError extends UsageError {}


/** Formats a `files` mapping may name: every reader's (uwsgi-unread is a finding about a file, not a reader). */
export const MAPPABLE_FORMATS = FILE_FORMATS.filter((format) => format !== 'uwsgi-unread');

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
  /** For --list-files: a named file cfglint does not read is listed with the reason, not an error. */
  listing?: boolean;
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
  /** Templates other readers than nginx's read masked: their text as written, by shown path (for code frames). */
  templateOriginals: Map<string, string>;
  roots: string[];
  displayPath(absolute: string): string;
  /** Every file of the tree with its format and why, sorted by path (--list-files). */
  fileList: ListedFile[];
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
  const baseFs = options.fs ?? nodeFileSystem;
  const cwd = options.cwd ?? process.cwd();
  const roots = (options.paths && options.paths.length > 0 ? options.paths : ['.']).map((p) => nodePath.resolve(cwd, p));
  for (const root of roots) {
    const kind = baseFs.kind(root);
    if (kind === undefined) throw new UsageError(`no such file or directory: ${nodePath.relative(cwd, root) || root}`);
    if (kind === 'directory') {
      try {
        baseFs.list(root);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    } else if (kind !== 'file') throw new UsageError(`not a file or directory: ${root}`);
  }

  // A path named inside the working directory is part of the checkout, and whoever wrote the
  // checkout may have made it a link: `deploy -> /` would make the whole machine the tree.
  const realCwd = realpathOr(baseFs, cwd);
  for (const root of roots) {
    if (!isWithin(root, cwd)) continue; // named outside the checkout: the user chose it, links and all
    const real = realpathOr(baseFs, root);
    if (!isWithin(real, realCwd)) {
      throw new UsageError(`${nodePath.relative(cwd, root)} is a symbolic link out of the working directory (or passes through one); name the directory it points to, to lint that`);
    }
  }

  // The tree is what the user named: each directory, and for a file named on its own the
  // directory it sits in (nginx's prefix for it). Nothing outside is ever opened.
  const areas = roots.map((root) => (baseFs.kind(root) === 'directory' ? root : nodePath.dirname(root)));
  const fs = confineFileSystem(baseFs, areas);

  let config: CfglintConfig = options.config ?? {};
  let configPath: string | undefined;
  if (options.config) {
    // The API's config object gets the same checks as a file.
    const problem = validateConfig(options.config);
    if (problem) throw new ConfigError(`config: ${problem}`);
  } else if (options.configPath) {
    // Named by the user: read wherever it is.
    configPath = nodePath.resolve(cwd, options.configPath);
    const kind = baseFs.kind(configPath);
    if (kind === undefined) throw new ConfigError(`config file not found: ${options.configPath}`);
    if (kind !== 'file') throw new ConfigError(`cannot read config file ${options.configPath}: not a regular file`);
    config = loadConfig(configPath, baseFs).config;
  } else {
    // Found by looking upwards, so possibly written by whoever wrote the tree: it may not be a
    // link to a file elsewhere.
    configPath = findConfigFile(areas[0], baseFs);
    if (configPath) config = loadConfig(configPath, confineFileSystem(baseFs, [nodePath.dirname(configPath)])).config;
  }
  const configDir = configPath ? nodePath.dirname(configPath) : cwd;
  checkRuleIds(config, configPath ?? 'config');
  checkFileFormats(config, configPath ?? 'config', MAPPABLE_FORMATS);
  const mappedFormat = fileMapping(config, configDir);
  // A mapping is a path cfglint will open: it must lead into the tree like any other.
  const configuredMappings = Object.entries(config.nginx?.includeMap ?? {}).map(([from, to]) => {
    const target = nodePath.resolve(configDir, to);
    if (fs.locate(target) === undefined) {
      throw new ConfigError(`${configPath ?? 'config'}: ${formatJsonPath(['nginx', 'includeMap', from])} maps to ${JSON.stringify(to)}, which is outside the linted tree; lint a directory that holds it`);
    }
    return { from: from.replace(/\/+$/, '') || '/', to: target };
  });

  // A name that is not UTF-8 is shown with its bytes escaped (\xff).
  const displayPath = (absolute: string) => showPath(nodePath.relative(cwd, absolute) || nodePath.basename(absolute));
  const cachedFs = cachingFileSystem(fs);
  const walked = walk(roots, cachedFs, { ignorePatterns: { baseDir: configDir, patterns: config.ignore ?? [] } });
  const diagnostics: ReaderDiagnostic[] = [];
  for (const entry of walked.unreadable) {
    // A dangling link is a deploy-time link (to a file the image or the host provides) more often
    // than a mistake: a note, and only where cfglint would have read what it names.
    const danglingLink = cachedFs.kind(entry.path) === undefined && cachedFs.isSymlink(entry.path);
    if (danglingLink && !readableByName(entry.path)) continue;
    diagnostics.push({
      ruleId: 'read-error',
      message: entry.reason.replace(entry.path, displayPath(entry.path)),
      primary: { file: displayPath(entry.path), start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
      related: [],
      ...(danglingLink ? { severity: 'info' as const } : {}),
    });
  }

  const readText = (path: string): string | undefined => {
    try {
      return decodeUtf8(cachedFs.read(path));
    } catch {
      return undefined;
    }
  };
  const filesByFormat: FilesByFormat = {};
  const imageSources: { source: SourceText; kind: 'dockerfile' | 'compose' }[] = [];
  /** Templates of backend formats, read through `readerFs` with their tags masked. */
  const maskedTemplates = new Map<string, { original: string; masked: string; dialect: TemplateDialect; format: FileFormat }>();
  const explained = new Map<string, { format?: FileFormat; reason: string }>();
  const mappedToNginx = new Set<string>();
  for (const file of walked.files) {
    const named = roots.includes(file);
    const mapped = mappedFormat(file);
    // A file named on the command line is read as nginx unless it is clearly something else.
    const explanation = mapped
      ? { classified: { format: mapped.format } as Classified, reason: `"files" in .cfglint.json maps ${JSON.stringify(mapped.pattern)} to ${mapped.format}` }
      : explainClassification(file, () => readText(file)?.slice(0, 65536), named);
    const classified = explanation.classified;
    explained.set(file, { format: classified?.format, reason: explanation.reason });
    if (mapped?.format === 'nginx') mappedToNginx.add(file);
    if (!classified) {
      if (named && !options.listing) {
        const pattern = nodePath.relative(configDir, file).split(nodePath.sep).join('/');
        throw new NothingToReadError(`${displayPath(file)}: ${explanation.reason.replace(/^skipped: /, '')}; to read it anyway, give its format in "files" of .cfglint.json (e.g. {"files": {${JSON.stringify(pattern)}: ${JSON.stringify(likelyFormat(file))}}})`);
      }
      continue;
    }
    const { format } = classified;
    // The nginx reader masks its templates itself (includes may reach templates too).
    if (classified.template && format !== 'nginx') {
      const original = readText(file);
      if (original === undefined) continue;
      // Tomcat's own `${name}` is no placeholder: only the template language's tags are masked there.
      const masked = format === 'tomcat' ? maskTemplate(original, classified.template, 'property', { envsubst: false }) : maskTemplate(original, classified.template);
      maskedTemplates.set(file, { original, masked: masked.text, dialect: classified.template, format });
    }
    (filesByFormat[format] ??= []).push(file);
    if (format === 'dockerfile' || format === 'compose') {
      const text = readText(file);
      if (text !== undefined) imageSources.push({ source: new SourceText(displayPath(file), text), kind: format });
    }
  }
  const nginxFiles = filesByFormat.nginx ?? [];

  // Files a Dockerfile copies or compose mounts where nginx includes them; nginx.includeMap wins.
  const placed = (filesByFormat.dockerfile?.length ?? 0) + (filesByFormat.compose?.length ?? 0) > 0
    ? (require('../readers/docker/placed-files') as typeof import('../readers/docker/placed-files')).placedFiles({
      dockerfiles: filesByFormat.dockerfile ?? [], composeFiles: filesByFormat.compose ?? [], treeFiles: walked.files, readText, displayPath,
    })
    : [];
  // Files the tree's start-up scripts write (envsubst, cp, ln -s …): one copied from a tree file
  // maps like a placed file (the script runs after COPY and the mounts, so it wins); the others
  // tell the nginx reader that an include it cannot find is written at start-up.
  const writtenPaths = (filesByFormat.shell?.length ?? 0) > 0 || placed.length > 0 || walked.files.some((file) => file.includes('/docker-entrypoint.d/'))
    ? (require('../readers/launch/written-files') as typeof import('../readers/launch/written-files')).writtenFiles({
      shellFiles: filesByFormat.shell ?? [], dockerfiles: filesByFormat.dockerfile ?? [], composeFiles: filesByFormat.compose ?? [],
      treeFiles: walked.files, placed, readText, displayPath,
    })
    : [];
  const scripted = writtenPaths.flatMap((write) => (write.source ? [{ from: write.path, to: write.source, ...(write.kind === 'file' ? { exact: true } : {}) }] : []));
  const configured = (path: string) => configuredMappings.some((mapping) => path === mapping.from || path.startsWith(`${mapping.from.replace(/\/$/, '')}/`));
  const scriptedFrom = new Set(scripted.map((mapping) => mapping.from));
  const includeMappings = [
    ...configuredMappings,
    ...scripted.filter((mapping) => !configured(mapping.from)),
    ...placed.filter((mapping) => !configured(mapping.from) && !scriptedFrom.has(mapping.from)),
  ];
  const deploymentRoots = resolveDeployments(config.deployments ?? [], configDir, walked.files, configPath ?? 'config').map((dir) => nodePath.relative(cwd, dir));
  // Each reader (and the parsers it needs: yaml, @lezer/python, fast-xml-parser) is loaded only
  // when the tree has something for it, which keeps a small nginx-only run quick to start.
  const has = (...formats: FileFormat[]) => formats.some((format) => (filesByFormat[format]?.length ?? 0) > 0);
  // Config files held in ConfigMaps join the tree at virtual paths, read like any other file.
  const configMapped = has('kubernetes') ? embedConfigMapFiles(filesByFormat, readText, displayPath) : { embedded: new Map<string, SourceText>(), templates: [] };
  const { embedded } = configMapped;
  // Templates the official nginx image renders at start are read rendered, where it writes them.
  const rendered = has('dockerfile', 'compose') || configMapped.templates.length > 0
    ? renderImageTemplates(filesByFormat, walked.files, readText, displayPath, configMapped.templates)
    : undefined;
  const nginx = rendered && rendered.sources.size > 0
    ? readNginxTree([...nginxFiles.filter((file) => !rendered.templates.has(file)), ...rendered.sources.keys()], {
      fs: withRenderedFiles(cachedFs, rendered.sources),
      treeFiles: walked.files,
      lintRoots: roots,
      readAsNginx: mappedToNginx,
      // An output directory the tree also mounts or maps holds more than the rendered files: left to that mapping.
      includeMappings: [...includeMappings, ...rendered.mappings.filter((mapping) => !includeMappings.some((other) => other.from === mapping.from || mapping.from.startsWith(`${other.from}/`)))],
      writtenPaths,
      displayPath: (path) => rendered.sources.get(path)?.file ?? displayPath(path),
      rendered: rendered.sources,
    })
    : readNginxTree(nginxFiles, { fs: cachedFs, treeFiles: walked.files, lintRoots: roots, readAsNginx: mappedToNginx, includeMappings, writtenPaths, displayPath });
  append(diagnostics, nginx.diagnostics);
  let nginxVersion = chooseNginxVersion(options.nginxVersion, config, imageSources);
  append(diagnostics, checkNginxValues(nginx.files.values(), nginxVersion.range));

  // Backends and system limits: command lines first, since the servers take options from them.
  const readerFs = maskedTemplates.size === 0 ? cachedFs : withMaskedTemplates(cachedFs, maskedTemplates);
  const context: ReaderContext = embedded.size === 0
    ? { fs: readerFs, displayPath, treeFiles: walked.files, lintRoots: roots }
    : {
      fs: withEmbeddedFiles(readerFs, embedded),
      displayPath: (path) => embedded.get(path)?.file ?? displayPath(path),
      treeFiles: [...walked.files, ...embedded.keys()],
      lintRoots: roots,
      embedded,
    };
  const launch = has('dockerfile', 'compose', 'systemd', 'procfile', 'shell', 'kubernetes')
    ? (require('../readers/launch') as typeof import('../readers/launch')).readLaunches(filesByFormat, context)
    : { ...emptyOutput(), launches: [], composeContainers: [] };
  const launched = launch.launches.length > 0;
  const gunicorn = has('gunicorn') || launched
    ? (require('../readers/gunicorn') as typeof import('../readers/gunicorn')).readGunicorn(filesByFormat.gunicorn ?? [], launch.launches, context)
    : { ...emptyOutput(), backends: [] };
  const uwsgi = has('uwsgi') || launched
    ? (require('../readers/uwsgi') as typeof import('../readers/uwsgi')).readUwsgi(filesByFormat.uwsgi ?? [], launch.launches, context)
    : { ...emptyOutput(), backends: [] };
  const uvicorn = launch.launches.some((candidate) => candidate.program === 'uvicorn')
    ? (require('../readers/uvicorn') as typeof import('../readers/uvicorn')).readUvicorn(launch.launches)
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
  const terraform = has('terraform')
    ? (require('../readers/terraform') as typeof import('../readers/terraform')).readTerraform(filesByFormat, context)
    : { ...emptyOutput(), terraform: emptyCloudResources() };
  const cloudformation = has('cloudformation')
    ? (require('../readers/cloudformation') as typeof import('../readers/cloudformation')).readCloudFormation(filesByFormat, context)
    : { ...emptyOutput(), cloudformation: emptyCloudResources() };
  // The model module is small and the rules load it anyway; with no Ingress it renders nothing.
  const ingressNginx = renderIngressNginx(kubernetes.kubernetes);
  append(diagnostics, ingressNginx.diagnostics);
  if (ingressNginx.root && !nginxVersion.source && nginx.roots.length === 0) {
    // The only nginx in the tree is the ingress controller's: its release says which nginx runs.
    const controller = findController(kubernetes.kubernetes);
    const bundled = bundledNginx(controller?.version);
    nginxVersion = { range: bundled.range, ...(controller?.version ? { source: { kind: 'tree', text: bundled.text, span: controller.version.span } } : {}) };
  }
  const readerOutputs: ReaderOutput[] = [launch, gunicorn, uwsgi, uvicorn, tomcat, springBoot, system, kubernetes, terraform, cloudformation];
  const templateOriginals = new Map<string, string>();
  const templateByShownPath = new Map<string, { dialect: TemplateDialect; format: FileFormat }>();
  for (const [path, template] of maskedTemplates) {
    templateOriginals.set(displayPath(path), template.original);
    templateByShownPath.set(displayPath(path), template);
  }
  for (const output of readerOutputs) append(diagnostics, settleTemplateSyntax(output.diagnostics, templateByShownPath));

  const model: Deployment = {
    nginx: new NginxModel(nginx.roots, { range: nginxVersion.range, known: nginxVersion.source !== undefined }, {
      modules: config.nginx?.modules,
      extraDirectives: config.nginx?.extraDirectives,
    }, ingressNginx.root ? [ingressNginx.root] : [], composeDeploymentOf(launch.composeContainers)),
    nginxVersion,
    launches: launch.launches,
    compose: launch.composeContainers,
    backends: [...gunicorn.backends, ...uwsgi.backends, ...uvicorn.backends, ...tomcat.backends, ...springBoot.backends],
    limits: system.limits,
    kubernetes: kubernetes.kubernetes,
    cloudBalancers: [terraform.terraform, cloudformation.cloudformation],
    unreadServerConfigs: (filesByFormat['uwsgi-unread'] ?? []).map((path) => ({ server: 'uwsgi', file: displayPath(path) })),
    ...(deploymentRoots.length > 0 ? { deploymentRoots } : {}),
    environment: {
      somaxconn: config.environment?.somaxconn,
      nofile: config.environment?.nofile,
      loadBalancerIdleTimeoutMs: config.environment?.loadBalancerIdleTimeout === undefined
        ? undefined
        : parseNginxTime(config.environment.loadBalancerIdleTimeout),
    },
  };
  const fileList = buildFileList({
    walked, explained, nginx, displayPath, placed, renderedTemplates: rendered?.templates ?? new Set<string>(),
    gunicorn: gunicorn.backends, uwsgi: uwsgi.backends,
  });
  return { model, config, configPath, diagnostics, nginx, imageSources, readerOutputs, templateOriginals, roots, displayPath, fileList };
}

/** The format a refused file's extension makes likely, for the example in the message. */
function likelyFormat(path: string): FileFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.py')) return 'gunicorn';
  if (/\.(ini|cfg)$/.test(lower)) return 'uwsgi';
  if (lower.endsWith('.xml')) return 'tomcat';
  if (/\.ya?ml$/.test(lower)) return 'kubernetes';
  if (lower.endsWith('.properties')) return 'spring-boot';
  return 'nginx';
}

/**
 * The `files` mapping of .cfglint.json as a lookup: the format of the last pattern that matches
 * a path (relative to the config's directory, .gitignore syntax, as `ignore`), or undefined.
 */
function fileMapping(config: CfglintConfig, configDir: string): (path: string) => { pattern: string; format: FileFormat } | undefined {
  const entries = Object.entries(config.files ?? {}).map(([pattern, format]) => ({ pattern, format: format as FileFormat, matcher: ignore().add(pattern) }));
  if (entries.length === 0) return () => undefined;
  return (path) => {
    const relative = nodePath.relative(configDir, path);
    if (!relative || relative.startsWith('..') || nodePath.isAbsolute(relative)) return undefined;
    for (let i = entries.length - 1; i >= 0; i--) {
      if (entries[i].matcher.ignores(relative) && isFileFormat(entries[i].format)) return { pattern: entries[i].pattern, format: entries[i].format };
    }
    return undefined;
  };
}

/**
 * What each file of the tree was read as and why: classification's answer, refined by what the
 * readers decided (an include reached it, a launch names it, it read like another server's).
 */
function buildFileList(input: {
  walked: ReturnType<typeof walk>;
  explained: Map<string, { format?: FileFormat; reason: string }>;
  nginx: NginxReadResult;
  displayPath: (absolute: string) => string;
  placed: { from: string; to: string }[];
  /** envsubst templates the official nginx image renders at start: read rendered, under the path it writes. */
  renderedTemplates: Set<string>;
  gunicorn: { launch?: { file: string }; config?: { file: string }; configReference?: { text: string } }[];
  uwsgi: { launch?: { file: string }; iniFiles: string[] }[];
}): ListedFile[] {
  const { walked, explained, nginx, displayPath } = input;
  /** Config files a launch makes its server read, by shown path. */
  const startedBy = new Map<string, { format: FileFormat; reason: string }>();
  for (const backend of input.gunicorn) {
    if (!backend.launch || !backend.config || startedBy.has(backend.config.file)) continue;
    const reference = backend.configReference?.text ?? '';
    startedBy.set(backend.config.file, {
      format: 'gunicorn',
      reason: reference.startsWith('./gunicorn.conf.py (')
        ? `started by ${backend.launch.file} (gunicorn reads gunicorn.conf.py in its working directory)`
        : `started by ${backend.launch.file} (gunicorn -c ${reference})`,
    });
  }
  for (const backend of input.uwsgi) {
    if (!backend.launch) continue;
    for (const file of backend.iniFiles) if (!startedBy.has(file)) startedBy.set(file, { format: 'uwsgi', reason: `started by ${backend.launch.file} (uwsgi)` });
  }
  /** Where a COPY or a volume mount puts the file in the container, if one does. */
  const placedAt = (path: string): string | undefined => {
    for (const mapping of input.placed) {
      if (mapping.to === path) return mapping.from;
      if (path.startsWith(mapping.to + nodePath.sep)) return nodePath.posix.join(mapping.from, nodePath.relative(mapping.to, path).split(nodePath.sep).join('/'));
    }
    return undefined;
  };

  const out: ListedFile[] = [];
  for (const path of walked.files) {
    const file = displayPath(path);
    const explanation = explained.get(path);
    let format: FileFormat | null = explanation?.format ?? null;
    let reason = explanation?.reason ?? 'skipped: not a config cfglint reads';
    const includer = nginx.includedFrom.get(path);
    const started = startedBy.get(file);
    if (includer !== undefined) {
      reason = format === 'nginx' ? `${reason}; included from ${includer}` : `included from ${includer}`;
      format = 'nginx';
    } else if (format === 'nginx' && nginx.lookalikes.has(path)) {
      format = null;
      reason = "skipped: named like nginx, but reads like another server's config (a look-alike: FreeRADIUS, dhcpd, supervisor, …)";
    } else if (started !== undefined) {
      reason = format === started.format ? `${reason}; ${started.reason}` : started.reason;
      format = started.format;
    }
    if (input.renderedTemplates.has(path)) reason += '; rendered by the nginx image at start (envsubst with the container\'s environment) and read rendered';
    // Where a build file itself lands in the image says nothing about the deployment.
    const at = format !== null && format !== 'dockerfile' && format !== 'compose' ? placedAt(path) : undefined;
    if (at !== undefined) reason += `; copied or mounted to ${at}`;
    out.push({ file, format, reason });
  }
  for (const entry of walked.skipped) {
    const reason = entry.ignoreFile ? `${entry.reason} (${displayPath(entry.ignoreFile)})` : entry.reason;
    out.push({ file: displayPath(entry.path.replace(/[\\/]$/, '')) + (/[\\/]$/.test(entry.path) ? '/' : ''), format: null, reason });
  }
  for (const entry of walked.unreadable) {
    out.push({ file: displayPath(entry.path), format: null, reason: `skipped: ${entry.reason.replace(entry.path, displayPath(entry.path))}` });
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export function lintSync(options: LintOptions = {}): LintResult {
  const { model, config, configPath, diagnostics, nginx, imageSources, readerOutputs, templateOriginals, roots, fileList } = readTree(options);
  // As ESLint's "No files matching the pattern": a run that read nothing is no success. A tree
  // whose only configs could not be read (broken links, unreadable folders) has findings to say so.
  if (!fileList.some((entry) => entry.format !== null) && diagnostics.length === 0) {
    const cwd = options.cwd ?? process.cwd();
    const where = roots.map((root) => {
      const shown = showPath(nodePath.relative(cwd, root) || '.');
      return (options.fs ?? nodeFileSystem).kind(root) === 'directory' && !shown.endsWith('/') ? `${shown}/` : shown;
    }).join(', ');
    throw new NothingToReadError(`no file cfglint reads in ${where} (nginx, uWSGI, gunicorn, Tomcat, systemd, Dockerfile, compose, Procfile, Kubernetes, … configs); see --list-files`);
  }

  const severityOf = (id: string, fallback: Severity): Severity | 'off' => {
    const setting: RuleSetting | undefined = config.rules?.[id];
    if (setting === undefined) return fallback;
    const value = typeof setting === 'string' ? setting : setting.severity;
    return value ?? fallback;
  };

  const ranRules: RuleSummary[] = [];
  const runRules = (view: Deployment, errors: ReaderDiagnostic[] | undefined): Finding[] => {
    const out: Finding[] = [];
    for (const rule of RULES) {
      const severity = severityOf(rule.id, rule.severity);
      if (severity === 'off') continue;
      if (errors) ranRules.push({ id: rule.id, severity, category: rule.category, description: rule.meta.description, docsUrl: rule.meta.docsUrl });
      try {
        for (const draft of rule.check(view)) {
          const capped = draft.maxSeverity && SEVERITY_RANK[draft.maxSeverity] < SEVERITY_RANK[severity] ? draft.maxSeverity : severity;
          out.push({
            ruleId: rule.id,
            messageId: draft.messageId,
            ...renderedMessage(rule, draft),
            severity: capped,
            primary: draft.primary,
            related: (draft.related ?? []).slice(0, 3),
            docsUrl: rule.meta.docsUrl,
            fingerprint: fingerprint(rule.id, draft.primary.file, draft.modelPath),
          });
        }
      } catch (error) {
        errors?.push(internalError(rule, error, nodePath.relative(options.cwd ?? process.cwd(), roots[0]) || '.'));
      }
    }
    return out;
  };
  const findings = runRules(model, diagnostics);
  const alternatives = alternativeCount(model);
  if (alternatives > 1) {
    // The tree leaves open which of several backends serves some address: judge each in turn.
    const views = Array.from({ length: alternatives - 1 }, (_, i) => runRules({ ...model, linkAlternative: i + 1 }, undefined));
    findings.splice(0, findings.length, ...holdingForEveryAlternative([findings, ...views]));
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
    const configured = severityOf(diagnostic.ruleId, diagnostic.severity ?? meta?.severity ?? 'error');
    if (configured === 'off') return undefined;
    const severity = diagnostic.maxSeverity && SEVERITY_RANK[diagnostic.maxSeverity] < SEVERITY_RANK[configured] ? diagnostic.maxSeverity : configured;
    if (meta && !usedReaderRules.has(meta.id)) {
      usedReaderRules.set(meta.id, { id: meta.id, severity: meta.severity, category: 'correctness', description: meta.description, docsUrl: meta.docsUrl });
    }
    return {
      ruleId: diagnostic.ruleId,
      messageId: 'diagnostic',
      message: diagnostic.message,
      ...(diagnostic.help !== undefined ? { help: diagnostic.help } : {}),
      severity,
      primary: diagnostic.primary,
      related: diagnostic.related.slice(0, 3),
      docsUrl: meta?.docsUrl ?? '',
      fingerprint: fingerprint(diagnostic.ruleId, diagnostic.primary.file, oneSentence(diagnostic) + repeatSuffix(diagnostic)),
    };
  };
  const repeatSuffix = (diagnostic: ReaderDiagnostic): string => {
    const key = `${diagnostic.ruleId}\0${diagnostic.primary.file}\0${oneSentence(diagnostic)}`;
    const count = repeats.get(key) ?? 0;
    repeats.set(key, count + 1);
    return count === 0 ? '' : `\0${count}`;
  };
  // In file order, so that "the n-th" means the same thing from run to run.
  diagnostics.sort((a, b) => (a.primary.file < b.primary.file ? -1 : a.primary.file > b.primary.file ? 1 : a.primary.start.offset - b.primary.start.offset));
  for (const diagnostic of capSyntaxFindings(diagnostics)) {
    const finding = toFinding(diagnostic);
    if (finding) findings.push(finding);
  }

  // A file reached twice (two contexts, a symlink) reports each problem once.
  const seen = new Set<string>();
  let suppressed = 0;
  const kept: Finding[] = [];
  for (const finding of findings) {
    const key = `${finding.ruleId}\0${finding.primary.file}\0${finding.primary.start.offset}\0${finding.primary.end.offset}\0${finding.message}\0${finding.help ?? ''}`;
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
  // A template is shown as written, not with its tags masked.
  for (const file of nginx.files.values()) sources.set(file.source.file, file.source instanceof RenderedSourceText ? file.source.shown : file.source instanceof EmbeddedSourceText ? file.source.host.text : file.source instanceof TemplateSourceText ? file.source.original : file.source.text);
  for (const { source } of imageSources) sources.set(source.file, source.text);
  // An embedded file (a ConfigMap entry) shows its manifest in code frames.
  for (const output of readerOutputs) for (const source of output.sources) if (!sources.has(source.file) || !(source instanceof EmbeddedSourceText)) sources.set(source.file, source instanceof EmbeddedSourceText ? source.host.text : source.text);
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
  };
}

/**
 * Findings of the same rules run once per alternative backend (see src/model/scopes.ts). A
 * finding at the same place in every run holds whichever backend runs and keeps its severity;
 * one that only some runs report is at most `info`, and says why.
 */
function holdingForEveryAlternative(runs: Finding[][]): Finding[] {
  const placeOf = (finding: Finding) => `${finding.ruleId}\0${finding.primary.file}\0${finding.primary.start.offset}\0${finding.primary.end.offset}`;
  const seenIn = new Map<string, number>();
  for (const run of runs) for (const place of new Set(run.map(placeOf))) seenIn.set(place, (seenIn.get(place) ?? 0) + 1);
  const out: Finding[] = [];
  const kept = new Set<string>();
  for (const run of runs) {
    for (const finding of run) {
      const place = placeOf(finding);
      if ((seenIn.get(place) ?? 0) === runs.length) {
        if (run === runs[0]) out.push(finding);
        continue;
      }
      if (kept.has(place)) continue;
      kept.add(place);
      out.push({
        ...finding,
        severity: SEVERITY_RANK[finding.severity] > SEVERITY_RANK.info ? 'info' : finding.severity,
        message: `${finding.message} (if this backend is the one that runs)`,
        help: `the tree holds ${runs.length} equally close backends for the same address and does not say which; "deployments" in .cfglint.json can${finding.help ? `; ${finding.help}` : ''}`,
      });
    }
  }
  return out;
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
      scope: link.scope,
      alternatives: link.alternatives.map((backend) => ({ kind: backend.kind, name: backend.name })),
    });
  }
  const order = (a: Span, b: Span) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start.offset - b.start.offset);
  return out.sort((a, b) => order(a.nginx.span, b.nginx.span) || order(a.backend.span, b.backend.span));
}

function realpathOr(fs: FileSystem, path: string): string {
  try {
    return fs.realpath(path);
  } catch {
    return path;
  }
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(nodePath.sep) ? dir : dir + nodePath.sep);
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

/** A reader diagnostic as one sentence, as it was written before it had a help (see ReaderDiagnostic.help). */
function oneSentence(diagnostic: ReaderDiagnostic): string {
  return diagnostic.help === undefined ? diagnostic.message : `${diagnostic.message}: ${diagnostic.help}`;
}

/** The draft's message and help, filled in; an id without a template is shown as itself. */
function renderedMessage(rule: Rule, draft: FindingDraft): { message: string; help?: string } {
  const template = rule.meta.messages[draft.messageId];
  if (!template) return { message: draft.messageId };
  const message = renderMessage(template.message, draft.data);
  const help = renderMessage(template.help, draft.data);
  return help === '' ? { message } : { message, help };
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

/**
 * `deployments` entries as absolute directories: a path as it is, and `dir/*` as each directory
 * of dir/ that holds a file of the tree (read from the walk, so nothing outside the tree is listed).
 */
function resolveDeployments(patterns: string[], configDir: string, files: string[], where: string): string[] {
  const roots = new Set<string>();
  patterns.forEach((pattern, index) => {
    const wildcard = pattern.endsWith('/*');
    const base = wildcard ? pattern.slice(0, -2) : pattern;
    if (/[*?[\]]/.test(base)) {
      throw new ConfigError(`${where}: ${formatJsonPath(['deployments', String(index)])} may only end in "/*"; other wildcards are not supported`);
    }
    const dir = nodePath.resolve(configDir, base);
    if (!wildcard) {
      roots.add(dir);
      return;
    }
    for (const file of files) {
      const relative = nodePath.relative(dir, file);
      if (relative.startsWith('..') || nodePath.isAbsolute(relative) || !relative.includes(nodePath.sep)) continue;
      roots.add(nodePath.join(dir, relative.split(nodePath.sep)[0]));
    }
  });
  return [...roots];
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


/**
 * ConfigMap entries that are config files, by virtual path, added to `files` under their format,
 * and the envsubst templates an official nginx container renders from them.
 */
function embedConfigMapFiles(files: FilesByFormat, readText: (path: string) => string | undefined, displayPath: (path: string) => string): { embedded: Map<string, SourceText>; templates: EnvsubstTemplate[] } {
  const { mountedConfig } = require('../readers/kubernetes/mounted-files') as typeof import('../readers/kubernetes/mounted-files');
  const manifests = (files.kubernetes ?? []).flatMap((path) => {
    const text = readText(path);
    // Helm templates are not YAML until rendered.
    return text === undefined || text.includes('{{') ? [] : [{ path, source: new SourceText(displayPath(path), text) }];
  });
  const embedded = new Map<string, SourceText>();
  const mounted = mountedConfig(manifests);
  for (const file of mounted.files) {
    (files[file.format] ??= []).push(file.path);
    embedded.set(file.path, file.source);
  }
  return { embedded, templates: mounted.templates };
}

/** Templates the official nginx image renders: from the tree's files (compose, Dockerfiles) and from ConfigMaps. */
function renderImageTemplates(filesByFormat: FilesByFormat, treeFiles: string[], readText: (path: string) => string | undefined, displayPath: (path: string) => string, configMapTemplates: EnvsubstTemplate[]) {
  const { envsubstTemplates } = require('../readers/docker/envsubst-templates') as typeof import('../readers/docker/envsubst-templates');
  const { renderTemplates } = require('../readers/nginx/rendered-templates') as typeof import('../readers/nginx/rendered-templates');
  const fromTree = (filesByFormat.dockerfile?.length ?? 0) + (filesByFormat.compose?.length ?? 0) > 0
    ? envsubstTemplates({ dockerfiles: filesByFormat.dockerfile ?? [], composeFiles: filesByFormat.compose ?? [], treeFiles, readText, displayPath })
    : [];
  const templates = [...fromTree, ...configMapTemplates];
  return templates.length === 0 ? undefined : renderTemplates(templates, readText, displayPath);
}

/** The run's file system, with the embedded files readable at their virtual paths. */
function withEmbeddedFiles(fs: FileSystem, embedded: Map<string, SourceText>): FileSystem {
  return {
    kind: (path) => (embedded.has(path) ? 'file' : fs.kind(path)),
    isSymlink: (path) => !embedded.has(path) && fs.isSymlink(path),
    size: (path) => {
      const source = embedded.get(path);
      return source ? new TextEncoder().encode(source.text).length : fs.size(path);
    },
    readHead: (path, maxBytes) => {
      const source = embedded.get(path);
      return source ? new TextEncoder().encode(source.text).subarray(0, maxBytes) : fs.readHead(path, maxBytes);
    },
    list: (path) => fs.list(path),
    read: (path) => {
      const source = embedded.get(path);
      return source ? new TextEncoder().encode(source.text) : fs.read(path);
    },
    realpath: (path) => (embedded.has(path) ? path : fs.realpath(path)),
  };
}

/** Templates of backend formats as their readers read them: tags masked, same length and lines. */
function withMaskedTemplates(fs: FileSystem, templates: Map<string, { masked: string }>): FileSystem {
  return {
    ...fs,
    read: (path) => {
      const template = templates.get(path);
      return template ? new TextEncoder().encode(template.masked) : fs.read(path);
    },
  };
}

/**
 * A template whose masked text its reader still cannot parse gets one template-unreadable note
 * at the first syntax problem instead of a syntax finding per tag.
 */
function settleTemplateSyntax(diagnostics: ReaderDiagnostic[], templates: Map<string, { dialect: TemplateDialect; format: FileFormat }>): ReaderDiagnostic[] {
  if (templates.size === 0) return diagnostics;
  const out: ReaderDiagnostic[] = [];
  const syntaxByFile = new Map<string, ReaderDiagnostic[]>();
  for (const diagnostic of diagnostics) {
    const isTemplateSyntax = diagnostic.ruleId.endsWith('-syntax') && templates.has(diagnostic.primary.file);
    if (!isTemplateSyntax) out.push(diagnostic);
    else if (syntaxByFile.has(diagnostic.primary.file)) syntaxByFile.get(diagnostic.primary.file)!.push(diagnostic);
    else syntaxByFile.set(diagnostic.primary.file, [diagnostic]);
  }
  for (const [file, list] of syntaxByFile) {
    const template = templates.get(file)!;
    const first = list.reduce((a, b) => (b.primary.start.offset < a.primary.start.offset ? b : a));
    out.push({
      ruleId: 'template-unreadable',
      message: `${DIALECT_NAMES[template.dialect]} template that does not read as ${template.format} with its tags set aside (${first.message}` +
        `${list.length > 1 ? `, and ${list.length - 1} more` : ''}); lint the rendered file for what it says`,
      primary: first.primary,
      related: [],
    });
  }
  return out;
}

/** Reads each file and lists each directory once per run, however many readers and globs ask for it. */
function cachingFileSystem(fs: FileSystem): FileSystem {
  const cache = new Map<string, Uint8Array | Error>();
  const listings = new Map<string, string[] | Error>();
  return {
    ...fs,
    list(path) {
      let entry = listings.get(path);
      if (!entry) {
        try {
          entry = fs.list(path);
        } catch (error) {
          entry = error as Error;
        }
        listings.set(path, entry);
      }
      if (entry instanceof Error) throw entry;
      return [...entry];
    },
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
