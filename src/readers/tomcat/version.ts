/**
 * Which Tomcat release a server.xml runs under, when the tree says: a Dockerfile `FROM
 * tomcat:10.1-jdk17` or a compose `image: tomcat:9.0.30`. The image nearest the server.xml
 * (same directory, then each parent) wins; otherwise every Tomcat image in the tree must name
 * the same line. Tags without a number (`latest`, `jdk17`) pin nothing.
 */
import * as nodePath from 'path';
import { classify } from '../../discovery/classify';
import type { TomcatVersion } from '../../model/tomcat';
import { ImageReference, readImageReferences } from '../docker';
import { decodeUtf8, SourceText } from '../text';
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

/** Every Tomcat image the tree's Dockerfiles and compose files name (the last one per file). */
export function findTomcatImages(context: ReaderContext): TomcatImage[] {
  const images: TomcatImage[] = [];
  for (const path of context.treeFiles) {
    let text: string | undefined;
    const format = classify(path, () => {
      text ??= readText(context, path);
      return text?.slice(0, 65536);
    });
    if (format !== 'dockerfile' && format !== 'compose') continue;
    text ??= readText(context, path);
    if (text === undefined) continue;
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
