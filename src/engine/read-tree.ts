/**
 * Reading a tree: the paths checked, the configuration found, the files walked and classified,
 * the deploy-time files placed, each reader run, and the deployment model built (no rules).
 */
import * as nodePath from 'path';
import { append } from '../source/append';
import { Classified, explainClassification, FileFormat, isExtensionlessShellScript, isGeneratorDirectoryName, readableByName } from '../discovery/classify';
import { confineFileSystem } from '../discovery/confine';
import { DIALECT_NAMES, MaskedTemplate, maskTemplate, TemplateDialect } from '../discovery/template';
import { FileSystem, nodeFileSystem } from '../discovery/fs';
import { showPath } from '../discovery/path-bytes';
import { walk } from '../discovery/walk';
import type { Deployment } from '../model/deployment';
import { composeDeploymentOf } from '../model/compose';
import { renderIngressNginx } from '../model/ingress-nginx';
import { NginxModel } from '../model/nginx';
import { placedTreeFiles } from '../readers/launch/launch';
import { checkNginxValues } from '../model/nginx-value-check';
import { parseNginxTime } from '../model/nginx-values';
import type { ReaderDiagnostic } from '../source/diagnostic';
import { NginxReadResult, readNginxTree } from '../readers/nginx';
import { withRenderedFiles } from '../readers/nginx/rendered-templates';
import type { IncludeMapping } from '../readers/nginx/include';
import { FilesByFormat, ReaderContext, ReaderOutput } from '../readers/types';
import { decodeUtf8, SourceText } from '../source/text';
import { clearParseCache } from '../readers/parse-cache';
import type { ListedFile } from './findings';
import type { CfglintConfig } from './config';
import { embedConfigMapFiles, imageInput, includeMappingsOf, installedNginxModulesOf, renderImageTemplates } from './deploy-time-files';
import { buildFileList } from './file-list';
import { cachingFileSystem, withEmbeddedFiles, withMaskedTemplates } from './file-systems';
import { chooseNginxVersion, ingressNginxVersion, nginxVersionOfFile } from './nginx-version-choice';
import { checkedRoots, likelyFormat, LintOptions, NothingToReadError, resolveDeployments, runConfig } from './options';
import { readBackendsAndSystem } from './reader-table';

/** Characters of a file's head that classification looks at. */
const HEAD_CHARS = 65536;
/**
 * Bytes decoded for them: a UTF-16 unit takes at most 3 UTF-8 bytes, so these give more than
 * HEAD_CHARS units and the ones kept decode as in the whole file (a cut sequence only changes the last).
 */
const HEAD_BYTES = 4 * HEAD_CHARS;
const headText = (bytes: Uint8Array): string => decodeUtf8(bytes.subarray(0, HEAD_BYTES)).slice(0, HEAD_CHARS);

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
  /** The run's file system, confined to the tree: what fixes check their files against. */
  fs: FileSystem;
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
  const { roots, areas } = checkedRoots(options, baseFs, cwd);
  const fs = confineFileSystem(baseFs, areas);
  const { config, configPath, configDir, mappedFormat, configuredMappings } = runConfig(options, baseFs, fs, cwd, areas);

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
  /** Why a file's head could not be read, by path: the file is then reported, not skipped in silence. */
  const headErrors = new Map<string, string>();
  const classificationHead = (path: string): string | undefined => {
    try {
      return headText(cachedFs.read(path));
    } catch (error) {
      // Too large to read whole (MAX_FILE_BYTES) is no reason to skip a file: its head still says
      // what it is, and its reader then reports the size.
      const head = cachedFs.readHead(path, HEAD_BYTES);
      if (head) return headText(head);
      headErrors.set(path, (error as Error).message);
      return undefined;
    }
  };
  const filesByFormat: FilesByFormat = {};
  const imageSources: { source: SourceText; kind: 'dockerfile' | 'compose' }[] = [];
  /** Templates of backend formats, read through `readerFs` with their tags masked. */
  const maskedTemplates = new Map<string, { original: string; masked: MaskedTemplate; dialect: TemplateDialect; format: FileFormat }>();
  const explained = new Map<string, { format?: FileFormat; reason: string }>();
  const mappedToNginx = new Set<string>();
  for (const file of walked.files) {
    const named = roots.includes(file);
    const mapped = mappedFormat(file);
    // A file named on the command line is read as nginx unless it is clearly something else.
    const explanation = mapped
      ? { classified: { format: mapped.format } as Classified, reason: `"files" in .cfglint.json maps ${JSON.stringify(mapped.pattern)} to ${mapped.format}` }
      : explainClassification(file, () => classificationHead(file), named, file.includes('{') && inGeneratorDirectory(file, roots));
    const classified = explanation.classified;
    const headError = headErrors.get(file);
    if (!classified && headError !== undefined) {
      diagnostics.push({
        ruleId: 'read-error',
        message: `${headError.replace(file, displayPath(file))}; cfglint needs its content to tell whether it is a config it reads`,
        primary: { file: displayPath(file), start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
        related: [],
      });
      explanation.reason = `skipped: ${headError.replace(file, displayPath(file))}`;
    }
    explained.set(file, { format: classified?.format, reason: explanation.reason });
    if (mapped?.format === 'nginx') mappedToNginx.add(file);
    if (!classified) {
      // A named file that cannot be read has its read-error above: the hint to map it would not help.
      if (named && !options.listing && headError === undefined) {
        const pattern = nodePath.relative(configDir, file).split(nodePath.sep).join('/');
        throw new NothingToReadError(
          `${displayPath(file)}: ${explanation.reason.replace(/^skipped: /, '')}; to read it anyway, give its format in "files" of .cfglint.json (e.g. {"files": {${JSON.stringify(pattern)}: ${JSON.stringify(likelyFormat(file))}}})`,
        );
      }
      continue;
    }
    const { format } = classified;
    // The nginx reader masks its templates itself (includes may reach templates too).
    if (classified.template && format !== 'nginx') {
      const original = readText(file);
      if (original === undefined) continue;
      // Tomcat's own `${name}` is no placeholder: only the template language's tags are masked there.
      const masked =
        format === 'tomcat' ? maskTemplate(original, classified.template, 'property', { envsubst: false }) : maskTemplate(original, classified.template);
      maskedTemplates.set(file, { original, masked, dialect: classified.template, format });
    }
    (filesByFormat[format] ??= []).push(file);
    if (format === 'dockerfile' || format === 'compose') {
      const text = readText(file);
      if (text !== undefined) imageSources.push({ source: new SourceText(displayPath(file), text), kind: format });
    }
  }
  // What the Dockerfile and compose readers take, built once for each of them.
  const images = imageInput(filesByFormat, walked.files, roots, readText, displayPath);
  const { placed, writtenPaths, includeMappings } = includeMappingsOf({
    filesByFormat,
    treeFiles: walked.files,
    images,
    configuredMappings,
    readText,
    displayPath,
  });
  // A file the name alone left unread is nginx's when an image or a mount puts it in nginx's
  // directories and its content is nginx (mattermost-docker copies web/mattermost to
  // /etc/nginx/sites-available/): classified again as the file it is there.
  for (const { file, target } of placedInNginxDirectories(placed, walked.files)) {
    if (explained.get(file)?.format !== undefined || !explained.has(file)) continue;
    const there = explainClassification(target, () => classificationHead(file), false);
    // The nginx reader masks a template's tags itself (mattermost's `{%APP_HOST%}`, filled by its entrypoint).
    if (there.classified?.format !== 'nginx') continue;
    (filesByFormat.nginx ??= []).push(file);
    explained.set(file, { format: 'nginx', reason: there.reason });
  }
  // A script without `.sh` that an image or a mount places by its own name is the shell script its
  // first line says (openfun/richie: COPY ./docker/files/usr/local/bin/entrypoint
  // /usr/local/bin/entrypoint, then ENTRYPOINT ["/usr/local/bin/entrypoint"]).
  for (const { to } of placed) {
    if (!explained.has(to) || explained.get(to)?.format !== undefined || !isExtensionlessShellScript(to, classificationHead(to))) continue;
    (filesByFormat.shell ??= []).push(to);
    explained.set(to, { format: 'shell', reason: 'by content: a #! line naming a shell, in a file placed by its own name' });
  }
  const nginxFiles = filesByFormat.nginx ?? [];

  const deploymentRoots = resolveDeployments(config.deployments ?? [], configDir, walked.files, configPath ?? 'config').map((dir) =>
    nodePath.relative(cwd, dir),
  );
  const has = (...formats: FileFormat[]) => formats.some((format) => (filesByFormat[format]?.length ?? 0) > 0);
  // Config files held in ConfigMaps join the tree at virtual paths, read like any other file.
  const configMapped = has('kubernetes')
    ? embedConfigMapFiles(filesByFormat, readText, displayPath)
    : { embedded: new Map<string, SourceText>(), templates: [] };
  const { embedded } = configMapped;
  // Templates the official nginx image renders at start are read rendered, where it writes them.
  const rendered =
    images || configMapped.templates.length > 0
      ? renderImageTemplates(images, readText, displayPath, configMapped.templates, new Set(nginxFiles), includeMappings)
      : undefined;
  const nginx =
    rendered && rendered.sources.size > 0
      ? readNginxTree(
          [...nginxFiles.filter((file) => !rendered.templates.has(file)), ...[...rendered.sources.keys()].filter((path) => !rendered.includedOnly.has(path))],
          {
            fs: withRenderedFiles(cachedFs, rendered.sources),
            treeFiles: walked.files,
            lintRoots: roots,
            readAsNginx: mappedToNginx,
            includeMappings: withRenderedMappings(includeMappings, rendered.mappings),
            writtenPaths,
            displayPath: (path) => rendered.sources.get(path)?.file ?? displayPath(path),
            rendered: rendered.sources,
          },
        )
      : readNginxTree(nginxFiles, {
          fs: cachedFs,
          treeFiles: walked.files,
          lintRoots: roots,
          readAsNginx: mappedToNginx,
          includeMappings,
          writtenPaths,
          displayPath,
        });
  append(diagnostics, nginx.diagnostics);
  let nginxVersion = chooseNginxVersion(options.nginxVersion, config, imageSources);
  // Each config runs in its own container where the tree says which: its image's nginx, unless the
  // user named one release for everything.
  const versionOfFile =
    nginxVersion.source?.kind !== 'option' && nginxVersion.source?.kind !== 'config' && images
      ? nginxVersionOfFile(
          (require('../readers/docker/nginx-images') as typeof import('../readers/docker/nginx-images')).filesPlacedInImages(images),
          nginxVersion,
        )
      : undefined;

  // Backends and system limits: command lines first, since the servers take options from them.
  const readerFs = maskedTemplates.size === 0 ? cachedFs : withMaskedTemplates(cachedFs, maskedTemplates);
  const templates = maskedTemplates.size === 0 ? undefined : maskedTemplates;
  const context: ReaderContext =
    embedded.size === 0
      ? { fs: readerFs, displayPath, treeFiles: walked.files, lintRoots: roots, templates }
      : {
          fs: withEmbeddedFiles(readerFs, embedded),
          displayPath: (path) => embedded.get(path)?.file ?? displayPath(path),
          treeFiles: [...walked.files, ...embedded.keys()],
          lintRoots: roots,
          embedded,
          templates,
        };
  const reads = readBackendsAndSystem(filesByFormat, context);
  const { launch, gunicorn, uwsgi, uvicorn, tomcat, springBoot, system, kubernetes, terraform, cloudformation } = reads;
  // The model module is small and the rules load it anyway; with no Ingress it renders nothing.
  const ingressNginx = renderIngressNginx(kubernetes.kubernetes);
  append(diagnostics, ingressNginx.diagnostics);
  if (ingressNginx.root && !nginxVersion.source && nginx.roots.length === 0) {
    nginxVersion = ingressNginxVersion(kubernetes.kubernetes);
  }
  const readerOutputs: ReaderOutput[] = Object.values(reads);
  const templateOriginals = new Map<string, string>();
  const templateByShownPath = new Map<string, { dialect: TemplateDialect; format: FileFormat }>();
  for (const [path, template] of maskedTemplates) {
    templateOriginals.set(displayPath(path), template.original);
    templateByShownPath.set(displayPath(path), template);
  }
  for (const output of readerOutputs) append(diagnostics, settleTemplateSyntax(output.diagnostics, templateByShownPath));

  const model: Deployment = {
    nginx: new NginxModel(
      nginx.roots,
      nginxVersion,
      {
        // The tree's images may install modules as packages: enabled like a load_module of the tree.
        modules: [...(config.nginx?.modules ?? []), ...installedNginxModulesOf(imageSources)],
        extraDirectives: config.nginx?.extraDirectives,
      },
      ingressNginx.root ? [ingressNginx.root] : [],
      composeDeploymentOf(
        launch.composeContainers,
        roots.map((root) => showPath(nodePath.relative(cwd, root))),
      ),
      new Set(
        launch.composeContainers.flatMap((container) =>
          [container.service, ...container.aliases, ...container.links.map((link) => link.alias)].map((name) => name.toLowerCase()),
        ),
      ),
      versionOfFile,
    ),
    nginxVersion,
    launches: launch.launches,
    compose: launch.composeContainers,
    backends: [...gunicorn.backends, ...uwsgi.backends, ...uvicorn.backends, ...tomcat.backends, ...springBoot.backends],
    limits: system.limits,
    kubernetes: kubernetes.kubernetes,
    cloudBalancers: [terraform.terraform, cloudformation.cloudformation],
    unreadServerConfigs: (filesByFormat['uwsgi-unread'] ?? []).map((path) => ({ server: 'uwsgi', file: displayPath(path) })),
    ...(deploymentRoots.length > 0 ? { deploymentRoots } : {}),
    sourceTexts: sourceTextsOf(readerOutputs),
    environment: {
      somaxconn: config.environment?.somaxconn,
      nofile: config.environment?.nofile,
      loadBalancerIdleTimeoutMs:
        config.environment?.loadBalancerIdleTimeout === undefined ? undefined : parseNginxTime(config.environment.loadBalancerIdleTimeout),
    },
  };
  append(
    diagnostics,
    checkNginxValues(nginx.files.values(), (directive) => model.nginx.versionOfFile(directive.file).range),
  );
  const fileList = buildFileList({
    walked,
    explained,
    nginx,
    displayPath,
    placed,
    renderedTemplates: rendered?.templates ?? new Set<string>(),
    editedAtStart: rendered?.edited ?? new Map<string, string>(),
    renderedAtStartBy: rendered?.renderedBy ?? new Map<string, string[]>(),
    gunicorn: gunicorn.backends,
    uwsgi: uwsgi.backends,
  });
  // Every reader holds its text now. What reads a file after this (whether a fix may edit it)
  // reads it again and compares it with that text.
  cachedFs.forgetContents();
  return { model, config, configPath, diagnostics, nginx, imageSources, readerOutputs, templateOriginals, roots, displayPath, fileList, fs: cachedFs };
}

/** Each file's text by display path; a plain reading wins over one embedded in a manifest at the same path. */
function sourceTextsOf(outputs: ReaderOutput[]): Map<string, SourceText> {
  const texts = new Map<string, SourceText>();
  for (const output of outputs) {
    for (const source of output.sources) {
      const known = texts.get(source.file);
      if (!known || (known.constructor !== SourceText && source.constructor === SourceText)) texts.set(source.file, source);
    }
  }
  return texts;
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
      message:
        `${DIALECT_NAMES[template.dialect]} template that does not read as ${template.format} with its tags set aside (${first.message}` +
        `${list.length > 1 ? `, and ${list.length - 1} more` : ''}); lint the rendered file for what it says`,
      primary: first.primary,
      related: [],
    });
  }
  return out;
}

/**
 * Whether a directory from the lint root (itself included) down to the file is named with a
 * template tag, like cookiecutter's `{{cookiecutter.project_slug}}`: the directories above the
 * root are the user's checkout, not the tree's.
 */
function inGeneratorDirectory(file: string, roots: string[]): boolean {
  const root = roots.find((candidate) => file.startsWith(candidate.endsWith(nodePath.sep) ? candidate : candidate + nodePath.sep));
  if (!root) return false;
  return [nodePath.basename(root), ...nodePath.relative(root, file).split(nodePath.sep).slice(0, -1)].some(isGeneratorDirectoryName);
}

/** Where nginx reads its configuration: the usual prefixes of its packages and images. */
const NGINX_CONFIG_DIRECTORY = /^\/(?:etc\/nginx|etc\/openresty|usr\/local\/nginx\/conf|usr\/local\/openresty\/nginx\/conf)\//;

/** The tree files an image or a mount puts under nginx's configuration directories, with the path they get there. */
function placedInNginxDirectories(placed: { from: string; to: string }[], treeFiles: string[]): { file: string; target: string }[] {
  const inNginx = placed.filter((mapping) => NGINX_CONFIG_DIRECTORY.test(`${mapping.from.replace(/\/+$/, '')}/`));
  return placedTreeFiles(
    inNginx.map((mapping) => ({ source: mapping.to, target: mapping.from })),
    treeFiles,
  );
}

/**
 * The tree's placements with the rendered files'. An output directory the tree also mounts or maps
 * holds more than the rendered files: left to that mapping. A single file a container's start-up
 * command renders or edits is that path, written after the image's COPY and the mounts (a text a
 * command writes is one path too): it replaces the file the tree places at that path, in those
 * containers (akvo-rsr's start.sh edits the default.conf its image COPYs, and conf.d/*.conf then
 * finds the edited one), and a
 * directory placed around it still holds the rest (hypothesis/via's `COPY . .` into the WORKDIR
 * where its CMD renders nginx_envsubst.conf). Where a container that does not write it places
 * another file at that path, the tree's file is kept.
 */
function withRenderedMappings(placements: IncludeMapping[], rendered: IncludeMapping[]): IncludeMapping[] {
  const replaced = (placement: IncludeMapping) =>
    rendered.some(
      (file) =>
        file.exact &&
        file.from === placement.from &&
        (file.containers === undefined ||
          (placement.containers !== undefined && placement.containers.every((container) => file.containers!.includes(container)))),
    );
  return [
    ...placements.filter((placement) => !replaced(placement)),
    ...rendered.filter((mapping) =>
      mapping.exact
        ? !placements.some((placement) => placement.from === mapping.from && !replaced(placement))
        : !placements.some((other) => other.from === mapping.from || mapping.from.startsWith(`${other.from}/`)),
    ),
  ];
}
