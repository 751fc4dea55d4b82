/**
 * Which Tomcat release a server.xml runs under, when the tree says: a Dockerfile `FROM
 * tomcat:10.1-jdk17`, a compose `image: tomcat:9.0.30`, or the release archive an install step
 * downloads (`apache-tomcat-7.0.61.tar.gz` in a Dockerfile, a shell script or an Ansible task).
 * An archive named through a variable counts where the tree settles the variable: in a
 * Dockerfile's RUN line, an ENV, or an ARG default no other file of the tree may pass instead, set
 * before it in its stage; in an Ansible role, its own `vars/main.yml` or `defaults/main.yml`, when
 * no other file of the tree sets the name (inventories, group_vars, playbooks and other roles rank
 * above role defaults). The evidence nearest the server.xml (same directory, then each parent)
 * wins; otherwise all of it in the tree must name the same line. Tags without a number
 * (`latest`, `jdk17`) pin nothing.
 */
import * as nodePath from 'path';
import { classify } from '../../discovery/classify';
import type { TomcatVersion } from '../../reference/tomcat/versions';
import { ImageReference, readImageReferences } from '../docker';
import { parseDockerfile } from '../docker/dockerfile';
import type { RawArg } from '../kit/raw';
import { parseYaml, scalarArg, valueOf } from '../kit/yaml';
import { decodeUtf8, SourceText } from '../../source/text';
import type { ReaderContext } from '../types';

type KnownVersion = TomcatVersion & { kind: 'known' };

export interface TomcatImage {
  /** Absolute path of the Dockerfile, compose file or install step. */
  path: string;
  version: KnownVersion;
}

/** `tomcat`, `bitnami/tomcat`, `library/tomcat`, a mirror's `…/tomcat`. */
const TOMCAT_IMAGE = /(^|\/)tomcat$/;

export function tomcatVersionOfImage(reference: ImageReference): KnownVersion | undefined {
  if (!TOMCAT_IMAGE.test(reference.image)) return undefined;
  const match = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:$|-)/.exec(reference.tag);
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1, 4).map((part) => (part === undefined ? undefined : Number(part)));
  if (major === undefined || major < 5 || major > 99) return undefined;
  return { kind: 'known', major, minor, patch, text: `${reference.image}:${reference.tag}`, span: reference.span };
}

/** The archive Apache publishes each release as: `apache-tomcat-9.0.85.tar.gz`, `.zip`. */
const RELEASE_ARCHIVE = /apache-tomcat-(\d{1,2})\.(\d{1,3})\.(\d{1,4})(?![\d.]*\d)/g;
/** The archive named through a shell variable, in a Dockerfile's RUN: `apache-tomcat-${TOMCAT_VERSION}`, `apache-tomcat-$TOMCAT_VERSION`. */
const SHELL_VARIABLE_ARCHIVE = /apache-tomcat-\$(?:\{(\w+)\}|(\w+))/g;
/** The archive named through one Jinja variable, in an Ansible role: `apache-tomcat-{{ tomcat_version }}`. */
const JINJA_VARIABLE_ARCHIVE = /apache-tomcat-\{\{\s*(\w+)\s*\}\}/g;
/** A variable's whole value when it is a release number. */
const RELEASE_NUMBER = /^(\d{1,2})\.(\d{1,3})\.(\d{1,4})$/;
/** Files that install software: a release archive named there is the one that runs. */
const INSTALL_STEP = /\.(ya?ml|sh)$/i;
/** Directories of an Ansible role whose files Ansible renders with the role's variables; the role is their parent. */
const ROLE_PARTS = new Set(['tasks', 'handlers', 'templates', 'defaults', 'vars']);
/** Where Ansible inventories set variables, above role defaults: group_vars/, host_vars/, `hosts`, `*.ini`. */
const INVENTORY = /(^|\/)(group_vars|host_vars)\/|(^|\/)(hosts|inventory)$|\.ini$/i;

interface ReadFile {
  path: string;
  format: string | undefined;
  text: string;
}

/**
 * Every Tomcat release the tree's Dockerfiles and compose files name as an image (the last one
 * per file), and that its Dockerfiles, scripts and YAML (Ansible tasks) download as an archive.
 */
export function findTomcatImages(context: ReaderContext): TomcatImage[] {
  const files: ReadFile[] = [];
  for (const path of context.treeFiles) {
    let text: string | undefined;
    const format = classify(path, () => {
      text ??= readText(context, path);
      return text?.slice(0, 65536);
    });
    if (format !== 'dockerfile' && format !== 'compose' && !INSTALL_STEP.test(path)) continue;
    text ??= readText(context, path);
    if (text !== undefined) files.push({ path, format, text });
  }
  const setElsewhere = assignmentsOf(context, files);
  const images: TomcatImage[] = [];
  for (const file of files) {
    const source = new SourceText(context.displayPath(file.path), file.text);
    const archive = file.format === 'compose' ? undefined : lastReleaseArchive(file, source, context, files, setElsewhere);
    if (archive) {
      images.push({ path: file.path, version: archive });
      continue;
    }
    if (file.format !== 'dockerfile' && file.format !== 'compose') continue;
    const versions = readImageReferences(source, file.format)
      .map(tomcatVersionOfImage)
      .filter((version): version is KnownVersion => version !== undefined);
    if (versions.length > 0) images.push({ path: file.path, version: versions[versions.length - 1] });
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

type SetElsewhere = (name: string, except: ReadonlySet<string>) => boolean;

/** The archive the file names last, literally or through a variable the tree settles. */
function lastReleaseArchive(
  file: ReadFile,
  source: SourceText,
  context: ReaderContext,
  files: ReadFile[],
  setElsewhere: SetElsewhere,
): KnownVersion | undefined {
  const found: { offset: number; version: KnownVersion }[] = [];
  RELEASE_ARCHIVE.lastIndex = 0;
  for (let match = RELEASE_ARCHIVE.exec(source.text); match; match = RELEASE_ARCHIVE.exec(source.text)) {
    const [major, minor, patch] = match.slice(1, 4).map(Number);
    found.push({
      offset: match.index,
      version: { kind: 'known', major, minor, patch, text: match[0], span: source.span(match.index, match.index + match[0].length) },
    });
  }
  if (file.format === 'dockerfile' && source.text.includes('apache-tomcat-$')) found.push(...dockerfileArchives(source, setElsewhere));
  if (file.format !== 'dockerfile' && source.text.includes('apache-tomcat-{{')) found.push(...roleArchives(file.path, source, context, files, setElsewhere));
  found.sort((a, b) => a.offset - b.offset);
  return found.length > 0 ? found[found.length - 1].version : undefined;
}

/**
 * `RUN curl …/apache-tomcat-${TOMCAT_VERSION}.tar.gz`: the shell sees the stage's ENV and ARG as
 * they stand at that RUN. A value built from other variables is left alone (an ARG in it may be
 * replaced), and so is an ARG the tree may pass otherwise (a compose `build.args`, a script's
 * `--build-arg NAME=…`).
 */
function dockerfileArchives(source: SourceText, setElsewhere: SetElsewhere): { offset: number; version: KnownVersion }[] {
  const found: { offset: number; version: KnownVersion }[] = [];
  const seen = new Set<number>();
  for (const stage of parseDockerfile(source).stages) {
    for (const run of stage.runs) {
      // A stage built on another repeats its RUNs.
      if (seen.has(run.start)) continue;
      seen.add(run.start);
      for (const match of run.text.matchAll(SHELL_VARIABLE_ARCHIVE)) {
        const name = match[1] ?? match[2];
        const variable = run.variable(name);
        if (!variable || source.text.slice(variable.value.start, variable.value.end).includes('$')) continue;
        if (variable.kind === 'arg' && setElsewhere(name, new Set())) continue;
        const version = releaseIn(variable.value, match[0]);
        if (version) found.push({ offset: run.start, version });
      }
    }
  }
  return found;
}

/**
 * `get_url: url=…/apache-tomcat-{{ tomcat_version }}.tar.gz` in a role whose `vars/main.yml` or
 * `defaults/main.yml` sets `tomcat_version` (role vars rank above role defaults).
 */
function roleArchives(
  path: string,
  source: SourceText,
  context: ReaderContext,
  files: ReadFile[],
  setElsewhere: SetElsewhere,
): { offset: number; version: KnownVersion }[] {
  const parts = path.split(nodePath.sep);
  let at = parts.length - 2;
  while (at > 0 && !ROLE_PARTS.has(parts[at])) at--;
  if (at <= 0) return [];
  const role = parts.slice(0, at).join(nodePath.sep);
  const variableFiles = ['vars/main.yml', 'vars/main.yaml', 'defaults/main.yml', 'defaults/main.yaml']
    .map((name) => files.find((file) => file.path === nodePath.join(role, name)))
    .filter((file): file is ReadFile => file !== undefined);
  const found: { offset: number; version: KnownVersion }[] = [];
  for (const match of source.text.matchAll(JINJA_VARIABLE_ARCHIVE)) {
    const name = match[1];
    const value = variableFiles.map((file) => roleVariable(file, name, context)).find((raw) => raw !== undefined);
    if (!value || setElsewhere(name, new Set(variableFiles.map((file) => file.path)))) continue;
    const version = releaseIn(value, match[0]);
    if (version) found.push({ offset: match.index, version });
  }
  return found;
}

function roleVariable(file: ReadFile, name: string, context: ReaderContext): RawArg | undefined {
  const source = new SourceText(context.displayPath(file.path), file.text);
  const document = parseYaml(source).documents[0];
  return document ? scalarArg(source, valueOf(document.contents, name, document)) : undefined;
}

/** The release a variable holds, pointing at its value; `mention` is the archive as the install step names it. */
function releaseIn(value: RawArg, mention: string): KnownVersion | undefined {
  const match = RELEASE_NUMBER.exec(value.value);
  if (!match || value.offsets.length === 0) return undefined;
  const [major, minor, patch] = match.slice(1, 4).map(Number);
  const span = value.source.span(value.offsets[0], value.offsets[value.offsets.length - 1] + 1);
  return { kind: 'known', major, minor, patch, text: mention, span };
}

/**
 * Whether a file of the tree other than `except` may set a variable: `NAME=` (a script, an
 * inventory, `--build-arg`, `-e`) or `NAME:` (compose build args, group_vars, a playbook's vars,
 * another role). Dockerfiles are left out: one Dockerfile's ARG does not reach another.
 */
function assignmentsOf(context: ReaderContext, files: ReadFile[]): SetElsewhere {
  let others: ReadFile[] | undefined;
  return (name, except) => {
    others ??= [
      ...files.filter((file) => file.format !== 'dockerfile'),
      ...context.treeFiles
        .filter((path) => INVENTORY.test(path) && !INSTALL_STEP.test(path))
        .flatMap((path) => {
          const text = readText(context, path);
          return text === undefined ? [] : [{ path, format: undefined, text }];
        }),
    ];
    const assignment = new RegExp(`(?<![\\w.$-])${name}(?:[ \\t]*=(?!=)|:(?:[ \\t]|$))`, 'm');
    return others.some((file) => !except.has(file.path) && assignment.test(file.text));
  };
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
