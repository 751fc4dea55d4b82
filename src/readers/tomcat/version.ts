/**
 * Which Tomcat release a server.xml runs under, when the tree says: a Dockerfile `FROM
 * tomcat:10.1-jdk17`, a compose `image: tomcat:9.0.30`, or the release archive an install step
 * downloads (`apache-tomcat-7.0.61.tar.gz` in a Dockerfile, a shell script or an Ansible task).
 * The evidence nearest the server.xml (same directory, then each parent) wins; otherwise all of
 * it in the tree must name the same line. Tags without a number (`latest`, `jdk17`) pin nothing.
 */
import * as nodePath from 'path';
import { classify } from '../../discovery/classify';
import type { TomcatVersion } from '../../reference/tomcat/versions';
import { ImageReference, readImageReferences } from '../docker';
import { decodeUtf8, SourceText } from '../../source/text';
import type { ReaderContext } from '../types';

export interface TomcatImage {
  /** Absolute path of the Dockerfile or compose file. */
  path: string;
  version: TomcatVersion & { kind: 'known' };
}

/** `tomcat`, `bitnami/tomcat`, `library/tomcat`, a mirror's `…/tomcat`. */
const TOMCAT_IMAGE = /(^|\/)tomcat$/;

export function tomcatVersionOfImage(reference: ImageReference): (TomcatVersion & { kind: 'known' }) | undefined {
  if (!TOMCAT_IMAGE.test(reference.image)) return undefined;
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:$|-)/.exec(reference.tag);
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1, 4).map((part) => (part === undefined ? undefined : Number(part)));
  if (major === undefined || major < 5 || major > 99) return undefined;
  return { kind: 'known', major, minor, patch, text: `${reference.image}:${reference.tag}`, span: reference.span };
}

/** The archive Apache publishes each release as: `apache-tomcat-9.0.85.tar.gz`, `.zip`. */
const RELEASE_ARCHIVE = /apache-tomcat-(\d{1,2})\.(\d{1,3})\.(\d{1,4})(?![\d.]*\d)/g;
/** Files that install software: a release archive named there is the one that runs. */
const INSTALL_STEP = /\.(ya?ml|sh)$/i;

/**
 * Every Tomcat release the tree's Dockerfiles and compose files name as an image (the last one
 * per file), and that its Dockerfiles, scripts and YAML (Ansible tasks) download as an archive.
 */
export function findTomcatImages(context: ReaderContext): TomcatImage[] {
  const images: TomcatImage[] = [];
  for (const path of context.treeFiles) {
    let text: string | undefined;
    const format = classify(path, () => {
      text ??= readText(context, path);
      return text?.slice(0, 65536);
    });
    if (format !== 'dockerfile' && format !== 'compose' && !INSTALL_STEP.test(path)) continue;
    text ??= readText(context, path);
    if (text === undefined) continue;
    const archive = format === 'compose' ? undefined : lastReleaseArchive(new SourceText(context.displayPath(path), text));
    if (archive) {
      images.push({ path, version: archive });
      continue;
    }
    if (format !== 'dockerfile' && format !== 'compose') continue;
    const versions = readImageReferences(new SourceText(context.displayPath(path), text), format)
      .map(tomcatVersionOfImage)
      .filter((version): version is TomcatVersion & { kind: 'known' } => version !== undefined);
    if (versions.length > 0) images.push({ path, version: versions[versions.length - 1] });
  }
  return images;
}

export function tomcatVersionFor(serverXml: string, images: TomcatImage[]): TomcatVersion {
  for (let dir = nodePath.dirname(serverXml); ; dir = nodePath.dirname(dir)) {
    const here = images.filter((image) => nodePath.dirname(image.path) === dir);
    if (here.length > 0 && sameLine(here)) return here[0].version;
    if (nodePath.dirname(dir) === dir) break;
  }
  return images.length > 0 && sameLine(images) ? images[0].version : { kind: 'unknown' };
}

function lastReleaseArchive(source: SourceText): (TomcatVersion & { kind: 'known' }) | undefined {
  let last: RegExpExecArray | undefined;
  RELEASE_ARCHIVE.lastIndex = 0;
  for (let match = RELEASE_ARCHIVE.exec(source.text); match; match = RELEASE_ARCHIVE.exec(source.text)) last = match;
  if (!last) return undefined;
  const [major, minor, patch] = last.slice(1, 4).map(Number);
  return { kind: 'known', major, minor, patch, text: last[0], span: source.span(last.index, last.index + last[0].length) };
}

function sameLine(images: TomcatImage[]): boolean {
  const line = (image: TomcatImage) => `${image.version.major}.${image.version.minor ?? ''}.${image.version.patch ?? ''}`;
  return images.every((image) => line(image) === line(images[0]));
}

function readText(context: ReaderContext, path: string): string | undefined {
  try {
    return decodeUtf8(context.fs.read(path));
  } catch {
    return undefined;
  }
}
