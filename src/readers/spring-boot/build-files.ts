/**
 * What the Spring Boot reader's build readers share (the module graph, Maven's resource
 * filtering): one cached reading of each build file per run, and the few XML and path questions
 * they ask of it.
 */
import * as nodePath from 'path';
import { decodeUtf8 } from '../../source/text';
import type { ReaderContext } from '../types';

/** The text of a build file, read once per run; undefined where there is none or it cannot be read. */
export function cachedBuildFileReader(context: ReaderContext): (path: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (path) => {
    if (!cache.has(path)) {
      let text: string | undefined;
      try {
        text = context.fs.kind(path) === 'file' ? decodeUtf8(context.fs.read(path)) : undefined;
      } catch {
        text = undefined;
      }
      cache.set(path, text);
    }
    return cache.get(path);
  };
}

/** Whether `path` is `dir` or lies below it. */
export function isWithin(path: string, dir: string): boolean {
  const relative = nodePath.relative(dir, path);
  return relative === '' || (!relative.startsWith('..') && !nodePath.isAbsolute(relative));
}

/** XML comments blanked, lengths kept. */
export function xmlWithoutComments(xml: string): string {
  return xml.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

/** The text of the first `<name>` element, trimmed; undefined without one. */
export function xmlTag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(xml)?.[1];
}

/**
 * The parent POM the tree holds for a POM in `dir` (its text with comments out): `<relativePath>`,
 * `../pom.xml` by default, taken only when it is the parent named (Maven otherwise gets it from
 * a repository); undefined for none, `<relativePath/>`, or a parent outside the tree.
 */
export function mavenParentInTree(dir: string, pom: string, readText: (path: string) => string | undefined): { dir: string; pom: string } | undefined {
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(pom)?.[1];
  if (parent === undefined) return undefined;
  const relative = xmlTag(parent, 'relativePath') ?? (/<relativePath\s*\/>/.test(parent) ? '' : '../pom.xml');
  if (relative === '') return undefined;
  const parentPath = nodePath.resolve(dir, relative.endsWith('.xml') ? relative : nodePath.join(relative, 'pom.xml'));
  const parentPom = readText(parentPath);
  const artifactId = xmlTag(parent, 'artifactId');
  if (parentPom === undefined || artifactId === undefined || ownArtifactId(parentPom) !== artifactId) return undefined;
  return { dir: nodePath.dirname(parentPath), pom: parentPom };
}

function ownArtifactId(pom: string): string | undefined {
  const own = xmlWithoutComments(pom).replace(/<(parent|dependencies|dependencyManagement|build|profiles|modules|properties|reporting)>[\s\S]*?<\/\1>/g, '');
  return xmlTag(own, 'artifactId');
}
