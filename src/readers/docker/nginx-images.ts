/**
 * Which image each tree file placed in a container runs in, so that an nginx config is judged by
 * the nginx of its own container: a compose service's bind mounts run in its `image:` (or, when
 * it builds a Dockerfile, in the image of the stage it runs), and a Dockerfile's COPY in the image
 * the copying stage starts from (through earlier stages: `FROM base AS web`), with the nginx that
 * stage installs from its distribution's packages (distribution-nginx.ts). The same services
 * and Dockerfiles as envsubst-templates.ts: a Dockerfile a service builds is read with the
 * service's build context, and not again on its own.
 */
import * as nodePath from 'path';
import { projectServices } from '../launch/docker';
import { SourceText } from '../../source/text';
import { ComposeFile, parseCompose, treeComposeReader } from './compose';
import { Dockerfile, dockerfilesByPath, DockerStage, stageAt } from './dockerfile';
import { packagedNginxOf, PackagedNginx } from './distribution-nginx';
import { copiedFiles, PlacedFilesInput, treeKinds } from './placed-files';
import { ImageReference, imageReferenceOf, readImageReferences } from './index';

/** A tree file or directory a container sees at `target`, with the image that container runs. */
export interface PlacedInImage {
  /** The tree path as a display path, like the files of spans. */
  display: string;
  target: string;
  /** Undefined where the tree does not say (a variable, a Dockerfile it does not hold). */
  image: ImageReference | undefined;
  /** The nginx the image's Dockerfile stage installs as a distribution package (`apt-get install nginx`), if any. */
  packagedNginx?: PackagedNginx;
}

export function filesPlacedInImages(input: PlacedFilesInput): PlacedInImage[] {
  const kindOf = treeKinds(input.treeFiles);
  const dockerfile = dockerfilesByPath(input);
  const placed: PlacedInImage[] = [];
  // A stage's RUN lines are read once, however many files it copies.
  const stageNginxes = new Map<DockerStage, ReturnType<typeof stageNginx>>();
  const nginxOfStage = (file: Dockerfile, stage: DockerStage | undefined) => {
    if (!stage) return { image: undefined };
    const known = stageNginxes.get(stage) ?? stageNginx(file, stage);
    stageNginxes.set(stage, known);
    return known;
  };
  const copiedBy = (file: Dockerfile, context: string) => {
    for (const copied of copiedFiles(file.source.text, context, kindOf)) {
      placed.push({ display: input.displayPath(copied.source), target: copied.target, ...nginxOfStage(file, stageAt(file, copied.start)) });
    }
  };

  const composeFiles: ComposeFile[] = [];
  const readCompose = treeComposeReader(input.treeFiles, input.readText, input.displayPath);
  for (const path of input.composeFiles) {
    const text = input.readText(path);
    if (text !== undefined) composeFiles.push(parseCompose(new SourceText(input.displayPath(path), text), path, readCompose));
  }
  const built = new Set<string>();
  for (const { service } of projectServices(composeFiles)) {
    let container: Pick<PlacedInImage, 'image' | 'packagedNginx'> = { image: undefined };
    if (service.build) {
      built.add(service.build.dockerfile);
      const file = dockerfile(service.build.dockerfile);
      const target = service.build.target;
      const stage = file && (target ? file.stages.find((candidate) => candidate.name === target) : file.stages[file.stages.length - 1]);
      if (file && stage) container = nginxOfStage(file, stage);
      if (file) copiedBy(file, service.build.context);
    } else if (service.image && service.image.unresolved.length === 0) {
      container = { image: imageReferenceOf(service.image.value, service.image.source.span(service.image.start, service.image.end)) };
    }
    for (const mount of service.volumes) placed.push({ display: mount.display, target: mount.target, ...container });
  }
  for (const path of input.dockerfiles) {
    if (built.has(path)) continue;
    const file = dockerfile(path);
    if (file) copiedBy(file, nodePath.dirname(path));
  }
  return placed;
}

/** The image a stage starts from and the nginx package it installs, if any. */
function stageNginx(file: Dockerfile, stage: DockerStage): Pick<PlacedInImage, 'image' | 'packagedNginx'> {
  const image = stageImage(file, stage);
  const packagedNginx = packagedNginxOf(file, stage, image ?? baseOfArgs(file, stage));
  return packagedNginx ? { image, packagedNginx } : { image };
}

/**
 * The base a stage's root FROM names with the Dockerfile's ARG defaults (cvat's `ARG
 * BASE_IMAGE=ubuntu:22.04` and `FROM ${BASE_IMAGE}`): which distribution release the stage
 * installs packages from when no build argument replaces it. Undefined where a variable stays.
 */
function baseOfArgs(file: Dockerfile, stage: DockerStage): ImageReference | undefined {
  let root = stage;
  while (root.baseStage) root = root.baseStage;
  if (root.base === '' || root.base.includes('$')) return undefined;
  return imageReferenceOf(root.base, file.source.span(root.start, root.end));
}

/** The image a stage starts from, through the stages it is built on; undefined for a base the tree does not say. */
function stageImage(file: Dockerfile, stage: DockerStage | undefined): ImageReference | undefined {
  if (!stage) return undefined;
  let root = stage;
  while (root.baseStage) root = root.baseStage;
  const reference = readImageReferences(file.source, 'dockerfile').find(
    (candidate) => candidate.span.start.offset >= root.start && candidate.span.end.offset <= root.end,
  );
  return reference && !reference.tag.includes('$') && !reference.image.includes('$') ? reference : undefined;
}
