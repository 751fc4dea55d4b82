/**
 * The tree as the containers see it at start: files a Dockerfile copies or compose mounts, files
 * the start-up scripts write, config files held in ConfigMaps, and the templates the official
 * nginx image renders. The readers these need are loaded only when the tree has their formats.
 */
import * as nodePath from 'path';
import type { IncludeMapping } from '../readers/nginx/include';
import type { EnvsubstTemplate } from '../readers/docker/envsubst-templates';
import type { FilesByFormat } from '../readers/types';
import type { PlacedFilesInput } from '../readers/docker/placed-files';
import { SourceText } from '../source/text';
import { inNginxDirectory } from '../model/compose';

/**
 * Where nginx's includes lead in the tree: `nginx.includeMap` first, then what the start-up
 * scripts copy, then what a Dockerfile copies or compose mounts.
 */
export function includeMappingsOf(input: {
  filesByFormat: FilesByFormat;
  treeFiles: string[];
  /** The Dockerfiles and compose files (imageInput); undefined when the tree has none. */
  images: PlacedFilesInput | undefined;
  configuredMappings: IncludeMapping[];
  readText: (path: string) => string | undefined;
  displayPath: (path: string) => string;
}) {
  const { filesByFormat, treeFiles, images, configuredMappings, readText, displayPath } = input;
  // Files a Dockerfile copies or compose mounts where nginx includes them; nginx.includeMap wins.
  // Each file with its containers for the includes; a path several images fill, each with its own file, not for the rest.
  let placedInContainers: IncludeMapping[] = [];
  let placed: IncludeMapping[] = [];
  if (images) {
    const { placedFiles, placedOnce } = require('../readers/docker/placed-files') as typeof import('../readers/docker/placed-files');
    placedInContainers = placedFiles(images);
    placed = placedOnce(placedInContainers);
  }
  // Files the tree's start-up scripts write (envsubst, cp, ln -s …): one copied from a tree file
  // maps like a placed file (the script runs after COPY and the mounts, so it wins); the others
  // tell the nginx reader that an include it cannot find is written at start-up.
  const writtenPaths =
    (filesByFormat.shell?.length ?? 0) > 0 || placed.length > 0 || treeFiles.some((file) => file.includes('/docker-entrypoint.d/'))
      ? (require('../readers/launch/written-files') as typeof import('../readers/launch/written-files')).writtenFiles({
          shellFiles: filesByFormat.shell ?? [],
          dockerfiles: filesByFormat.dockerfile ?? [],
          composeFiles: filesByFormat.compose ?? [],
          treeFiles,
          placed,
          readText,
          displayPath,
        })
      : [];
  const scripted = writtenPaths.flatMap((write) =>
    write.source ? [{ from: write.path, to: write.source, ...(write.kind === 'file' ? { exact: true } : {}) }] : [],
  );
  const configured = (path: string) => configuredMappings.some((mapping) => path === mapping.from || path.startsWith(`${mapping.from.replace(/\/$/, '')}/`));
  const scriptedFrom = new Set(scripted.map((mapping) => mapping.from));
  const includeMappings = [
    ...configuredMappings,
    ...scripted.filter((mapping) => !configured(mapping.from)),
    ...placedInContainers.filter((mapping) => !configured(mapping.from) && !scriptedFrom.has(mapping.from)),
  ];
  return { placed, writtenPaths, includeMappings };
}

/**
 * ConfigMap entries that are config files, by virtual path, added to `files` under their format,
 * and the envsubst templates an official nginx container renders from them.
 */
export function embedConfigMapFiles(
  files: FilesByFormat,
  readText: (path: string) => string | undefined,
  displayPath: (path: string) => string,
): { embedded: Map<string, SourceText>; templates: EnvsubstTemplate[] } {
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

/**
 * Templates the official nginx image renders: from the tree's files (compose, Dockerfiles) and from
 * ConfigMaps; and the nginx files a container's start-up script edits in place, read as edited.
 */
export function renderImageTemplates(
  images: PlacedFilesInput | undefined,
  readText: (path: string) => string | undefined,
  displayPath: (path: string) => string,
  configMapTemplates: EnvsubstTemplate[],
  nginxFiles: ReadonlySet<string>,
  /** Where the images and mounts put the tree's files, with their containers (includeMappingsOf). */
  placements: IncludeMapping[],
) {
  const { envsubstTemplates } = require('../readers/docker/envsubst-templates') as typeof import('../readers/docker/envsubst-templates');
  const { renderTemplates } = require('../readers/nginx/rendered-templates') as typeof import('../readers/nginx/rendered-templates');
  // An edited file of another server (a gunicorn config a script seds) is not read as nginx.
  const fromTree = images ? envsubstTemplates(images).filter((template) => !template.edit || nginxFiles.has(template.template)) : [];
  const templates = [...fromTree, ...configMapTemplates];
  if (templates.length === 0) return undefined;
  const rendered = renderTemplates(templates, readText, displayPath);
  // An edited file that a container which does not edit it also holds is read as it is as well.
  for (const file of rendered.edited.keys()) {
    // A Dockerfile no service builds runs as its image, named as placed-files.ts names it.
    const named = fromTree
      .filter((template) => template.template === file && template.edit)
      .map((template) => template.containers ?? (images?.dockerfiles.includes(template.definedIn) ? [`${template.definedIn}\0image`] : undefined));
    if (named.some((containers) => containers === undefined)) continue;
    const editors = new Set(named.flatMap((containers) => containers!));
    // Only a container that puts it where nginx reads it: an app image's `COPY . /app` holds every file of the repository.
    const holders = placements.filter(
      (mapping) =>
        (mapping.to === file || (!mapping.exact && file.startsWith(`${mapping.to.replace(/\/+$/, '')}/`))) &&
        inNginxDirectory(nodePath.posix.join(mapping.from, nodePath.relative(mapping.to, file))),
    );
    if (holders.some((mapping) => mapping.containers?.some((container) => !editors.has(container)))) rendered.templates.delete(file);
  }
  return rendered;
}

/**
 * Third-party nginx modules the tree's images install as packages (readers/docker/nginx-module-packages.ts):
 * enabled like a `load_module` of the tree.
 */
export function installedNginxModulesOf(imageSources: { source: SourceText; kind: 'dockerfile' | 'compose' }[]): string[] {
  const sources = imageSources.filter((image) => image.kind === 'dockerfile' && image.source.text.includes('nginx-mod-'));
  if (sources.length === 0) return [];
  const { parseDockerfile } = require('../readers/docker/dockerfile') as typeof import('../readers/docker/dockerfile');
  const { installedNginxModules } = require('../readers/docker/nginx-module-packages') as typeof import('../readers/docker/nginx-module-packages');
  const { THIRD_PARTY_DIRECTIVES } = require('../reference/nginx/third-party-directives') as typeof import('../reference/nginx/third-party-directives');
  const dockerfiles = sources.flatMap(({ source }) => {
    try {
      return [parseDockerfile(source)];
    } catch {
      // Its reader reports it.
      return [];
    }
  });
  return installedNginxModules(dockerfiles, new Set(Object.keys(THIRD_PARTY_DIRECTIVES)));
}

/** What the readers of Dockerfiles and compose files take; undefined when the tree has neither. */
export function imageInput(
  filesByFormat: FilesByFormat,
  treeFiles: string[],
  lintRoots: string[],
  readText: (path: string) => string | undefined,
  displayPath: (path: string) => string,
): PlacedFilesInput | undefined {
  const dockerfiles = filesByFormat.dockerfile ?? [];
  const composeFiles = filesByFormat.compose ?? [];
  if (dockerfiles.length + composeFiles.length === 0) return undefined;
  return { dockerfiles, composeFiles, treeFiles, lintRoots, readText, displayPath };
}
