/**
 * The build context of a Dockerfile no compose service of the tree builds (a service's own
 * `build.context` is read with the service). `COPY` and `ADD` name paths inside the context, so
 * the context decides which tree files the image holds. It is taken from evidence, in this order:
 *
 * - the GitHub Actions steps of the tree that build the Dockerfile with docker/build-push-action
 *   and a path `context:`. `file:` goes to `buildx build --file` as written, so it is relative to
 *   the workspace, the repository's root; without it buildx reads `<context>/Dockerfile`
 *   (build-push-action src/context.ts, getInputs and getBuildArgs). A step on the default Git
 *   context or a URL says nothing about the tree's directories, and steps that give one
 *   Dockerfile different contexts do not say which one runs.
 * - else the Dockerfile's own directory (`docker build dir/`), unless it lacks one of the
 *   literal COPY/ADD sources and an ancestor directory inside the lint root holds them all: the
 *   nearest such ancestor (doccano's docker/Dockerfile.nginx copies docker/nginx/default.conf,
 *   so it is built from the repository's root).
 *
 * A `docker build` in a workflow's `run:` step or a Makefile's recipe (readers/docker/build-commands.ts)
 * counts as such a step. Where nothing decides, the Dockerfile's directory stays the
 * context. The same builds say which stage they build and which images they tag, so a compose
 * `image:` the repository's CI publishes is tied to its Dockerfile (serviceBuilds in
 * readers/launch/docker.ts).
 */
import * as nodePath from 'path';
import { SourceText } from '../../source/text';
import { asMappedText, literalArg, RawArg } from '../kit/raw';
import { MappedText, MappedTextBuilder } from '../kit/mapped-text';
import { parseShell } from '../kit/shell-words';
import { entriesOf, isScalar, itemsOf, parseYaml, scalarArg, valueOf, YamlNode } from '../kit/yaml';
import { CommandBuild, commandBuilds, makefileCommands, UNKNOWN_TEXT } from './build-commands';
import { DEFAULT_MAKEFILE_NAMES } from '../make/makefile';
import { copiedSources, TreeKind } from './placed-files';

export interface BuildContextInput {
  /** Every file of the tree (absolute). */
  treeFiles: string[];
  /** The directories (or files) the user named: an ancestor context stays inside one. */
  lintRoots: string[];
  readText: (path: string) => string | undefined;
  displayPath: (path: string) => string;
}

/** The build context (absolute) of a Dockerfile no compose service builds, given its path and text. */
export function standaloneBuildContext(
  input: BuildContextInput,
  kindOf: TreeKind,
  builds: () => WorkflowBuild[] = lazyWorkflowBuilds(input),
): (dockerfile: string, text: string) => string {
  let fromWorkflows: Map<string, Set<string>> | undefined;
  return (dockerfile, text) => {
    fromWorkflows ??= workflowBuildContexts(builds());
    const built = fromWorkflows.get(dockerfile);
    if (built) return built.size === 1 ? [...built][0] : nodePath.dirname(dockerfile);
    return contextHoldingSources(dockerfile, copiedSources(text), kindOf, input.lintRoots);
  };
}

/** The Dockerfile's directory, or the nearest ancestor inside a lint root that holds every source when the directory does not. */
function contextHoldingSources(dockerfile: string, sources: string[], kindOf: TreeKind, lintRoots: string[]): string {
  const own = nodePath.dirname(dockerfile);
  const holdsAll = (dir: string) =>
    sources.every((source) => {
      const path = nodePath.resolve(dir, source);
      return (path === dir || path.startsWith(dir + nodePath.sep)) && kindOf(path) !== undefined;
    });
  if (sources.length === 0 || holdsAll(own)) return own;
  const inside = (dir: string) => lintRoots.some((root) => dir === root || dir.startsWith(root.endsWith(nodePath.sep) ? root : root + nodePath.sep));
  for (let dir = nodePath.dirname(own); inside(dir) && dir !== nodePath.dirname(dir); dir = nodePath.dirname(dir)) {
    if (holdsAll(dir)) return dir;
  }
  return own;
}

const WORKFLOW = /^(.*)[\\/]\.github[\\/]workflows[\\/][^\\/]+\.ya?ml$/;
const BUILD_PUSH_ACTION = /^docker\/build-push-action@/;
/** docker/metadata-action, and the name it had before (crazy-max/ghaction-docker-meta). */
const METADATA_ACTION = /^(docker\/metadata-action|crazy-max\/ghaction-docker-meta)@/;

/** An image name as Docker normalises it: the registry and repository, and the tag when one is fixed. */
export interface ImageName {
  /** `docker.io/library/nginx`, `ghcr.io/owner/app`. */
  repository: string;
  /** `latest` when none is written; undefined where the tree does not fix it (a digest, a tag a workflow computes). */
  tag?: string;
}

/**
 * A build of the repository's CI with a local context: a docker/build-push-action step of the
 * tree's GitHub Actions workflows, a `docker build` in a workflow's `run:` step or in a Makefile's
 * recipe (readers/docker/build-commands.ts).
 */
export interface WorkflowBuild {
  /** The repository's root (for a Makefile, its directory): only compose files below it run the images it tags. */
  workspace: string;
  dockerfile: string;
  context: string;
  /** `target:`, lower-cased as Docker matches stage names; undefined builds the last stage. */
  target?: string;
  /** Whether the stage is known: a `target:` an expression gives is not. */
  stageKnown: boolean;
  /** `build-args:` lines; an unresolved value is one an expression gives. */
  args: Map<string, RawArg>;
  /** The images it tags: literal `tags:`, or the `images:` of the metadata step whose tags it takes. */
  images: ImageName[];
}

/** The builds of the tree's workflows and Makefiles, read once on first use. */
export function lazyWorkflowBuilds(input: BuildContextInput): () => WorkflowBuild[] {
  let builds: WorkflowBuild[] | undefined;
  return () => (builds ??= workflowBuilds(input));
}

/** Dockerfile → the build contexts the tree's GitHub Actions workflows build it with (absolute paths). */
function workflowBuildContexts(builds: WorkflowBuild[]): Map<string, Set<string>> {
  const contexts = new Map<string, Set<string>>();
  for (const { dockerfile, context } of builds) contexts.set(dockerfile, (contexts.get(dockerfile) ?? new Set()).add(context));
  return contexts;
}

/**
 * Each docker/build-push-action step with a path `context:` and a literal `file:` (or none), with
 * the stage and images it builds. `tags:` is a list split at line breaks and commas
 * (build-push-action src/context.ts getInputs, Util.getInputList); an entry that is exactly
 * `${{ steps.ID.outputs.tags }}` names the images of the job's metadata-action step `ID`, with
 * tags that action computes (src/meta.ts getTags: each of `images:` lower-cased by
 * sanitizeImageName); any other expression names no image the tree shows.
 *
 * Then the `docker build` commands of each `run:` step (run by bash or sh, the default shell of
 * Linux runners) from its `working-directory:` (or the job's or workflow's `defaults.run`), an
 * expression standing for text the tree does not give; and those of the tree's Makefiles.
 */
function workflowBuilds(input: BuildContextInput): WorkflowBuild[] {
  const builds: WorkflowBuild[] = [];
  for (const path of input.treeFiles) {
    if (!DEFAULT_MAKEFILE_NAMES.includes(nodePath.basename(path))) continue;
    const text = input.readText(path);
    if (text === undefined || !text.includes('docker')) continue;
    const workspace = nodePath.dirname(path);
    const source = new SourceText(input.displayPath(path), text);
    for (const commands of makefileCommands(source))
      for (const build of commandBuilds(source, commands, workspace)) builds.push(commandBuild(workspace, build));
  }
  for (const path of input.treeFiles) {
    const workspace = WORKFLOW.exec(path)?.[1];
    const text = workspace !== undefined ? input.readText(path) : undefined;
    if (workspace === undefined || text === undefined || !text.includes('docker')) continue;
    const source = new SourceText(input.displayPath(path), text);
    for (const document of parseYaml(source).documents) {
      const literal = (node: YamlNode | undefined) => (isScalar(node) && typeof node.value === 'string' ? node.value : undefined);
      const workflowDirectory = valueOf(valueOf(valueOf(document.contents, 'defaults', document), 'run', document), 'working-directory', document);
      for (const { value: job } of entriesOf(valueOf(document.contents, 'jobs', document), document)) {
        const steps = itemsOf(valueOf(job, 'steps', document), document);
        const jobDirectory = valueOf(valueOf(valueOf(job, 'defaults', document), 'run', document), 'working-directory', document);
        for (const step of steps) {
          const script = scalarArg(source, valueOf(step, 'run', document));
          const shell =
            literal(valueOf(step, 'shell', document)) ?? literal(valueOf(valueOf(valueOf(job, 'defaults', document), 'run', document), 'shell', document));
          if (!script || !script.value.includes('docker') || (shell !== undefined && !/^(bash|sh)\b/.test(shell.trim()))) continue;
          const directoryNode = valueOf(step, 'working-directory', document) ?? jobDirectory ?? workflowDirectory;
          const directory = directoryNode === undefined ? '.' : localPath(literal(directoryNode));
          const cwd = directory === undefined ? undefined : nodePath.resolve(workspace, directory);
          const commands = parseShell(withoutExpressions(asMappedText(script))).commands;
          for (const build of commandBuilds(source, commands, cwd)) builds.push(commandBuild(workspace, build));
        }
        const metadataImages = new Map<string, ImageName[]>();
        for (const step of steps) {
          const id = literal(valueOf(step, 'id', document));
          if (id !== undefined && METADATA_ACTION.test(literal(valueOf(step, 'uses', document)) ?? ''))
            metadataImages.set(id, metadataImageNames(literal(valueOf(valueOf(step, 'with', document), 'images', document))));
        }
        for (const step of steps) {
          if (!BUILD_PUSH_ACTION.test(literal(valueOf(step, 'uses', document)) ?? '')) continue;
          const inputs = valueOf(step, 'with', document);
          const context = localPath(literal(valueOf(inputs, 'context', document)));
          const fileNode = valueOf(inputs, 'file', document);
          const file = fileNode === undefined ? undefined : localPath(literal(fileNode));
          if (context === undefined || (fileNode !== undefined && file === undefined)) continue;
          const contextDir = nodePath.resolve(workspace, context);
          const targetNode = valueOf(inputs, 'target', document);
          const target = literal(targetNode)?.trim();
          builds.push({
            workspace,
            dockerfile: file !== undefined ? nodePath.resolve(workspace, file) : nodePath.join(contextDir, 'Dockerfile'),
            context: contextDir,
            ...(target ? { target: target.toLowerCase() } : {}),
            stageKnown: targetNode === undefined || (target !== undefined && !target.includes('${{')),
            args: workflowBuildArgs(source, valueOf(inputs, 'build-args', document)),
            images: taggedImages(literal(valueOf(inputs, 'tags', document)), metadataImages),
          });
        }
      }
    }
  }
  return builds;
}

/** A `docker build` command's build: its stage is known, since one the tree does not give drops the command. */
function commandBuild(workspace: string, { dockerfile, context, target, args, tags }: CommandBuild): WorkflowBuild {
  const images = tags.flatMap((tag) => imageName(tag) ?? []);
  return { workspace, dockerfile, context, ...(target !== undefined ? { target } : {}), stageKnown: true, args, images };
}

/** A `run:` script with each `${{ … }}` (which the runner replaces before the shell starts) as UNKNOWN_TEXT. */
function withoutExpressions(script: MappedText): MappedText {
  const out = new MappedTextBuilder(script.source);
  const expression = /\$\{\{[\s\S]*?\}\}/g;
  let from = 0;
  for (let match = expression.exec(script.text); match; match = expression.exec(script.text)) {
    for (let i = from; i < match.index; i++) out.push(script.text[i], script.offsets[i]);
    out.pushAt(UNKNOWN_TEXT, script.offsets[match.index]);
    from = match.index + match[0].length;
  }
  for (let i = from; i < script.text.length; i++) out.push(script.text[i], script.offsets[i]);
  return out.build(script.endOffset);
}

/** `tags:` entries: literal image names, or a metadata step's images. */
function taggedImages(tags: string | undefined, metadataImages: Map<string, ImageName[]>): ImageName[] {
  if (tags === undefined) return [];
  // An expression may hold a comma: it is set aside before the list is split.
  const expressions: string[] = [];
  const masked = tags.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) => `\0${expressions.push(expression) - 1}\0`);
  return masked.split(/[\n,]/).flatMap((entry) => {
    const written = entry.trim();
    const whole = /^\0(\d+)\0$/.exec(written);
    if (whole) {
      const id = /^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.tags\s*\}\}$/.exec(expressions[Number(whole[1])])?.[1];
      return id !== undefined ? (metadataImages.get(id) ?? []) : [];
    }
    const name = written === '' || written.includes('\0') ? undefined : imageName(written);
    return name ? [name] : [];
  });
}

/**
 * metadata-action's `images:`: one per line (`#` starts a comment line), each a name or CSV
 * attributes (`name=…,enable=false`); a single line may list several names separated by commas
 * (src/image.ts Transform). A name with an expression is not known; `enable=false` drops it.
 */
function metadataImageNames(images: string | undefined): ImageName[] {
  if (images === undefined) return [];
  const lines = images
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const names: string[] = [];
  for (const line of lines) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.every((field) => !field.includes('='))) {
      if (lines.length === 1 || fields.length === 1) names.push(...fields);
      continue;
    }
    const attributes = new Map(fields.map((field) => [field.slice(0, field.indexOf('=')).trim().toLowerCase(), field.slice(field.indexOf('=') + 1).trim()]));
    const name = attributes.get('name');
    if (name !== undefined && attributes.get('enable') !== 'false') names.push(name);
  }
  return names.flatMap((name) => {
    const normalised = name.includes('${{') ? undefined : imageName(name.toLowerCase());
    // The action gives each image its own tags, which the tree does not fix.
    return normalised ? [{ repository: normalised.repository }] : [];
  });
}

/** `build-args:` lines `NAME=value`; a value with an expression is unresolved. */
function workflowBuildArgs(source: SourceText, node: YamlNode | undefined): Map<string, RawArg> {
  const args = new Map<string, RawArg>();
  const written = scalarArg(source, node);
  if (!written) return args;
  for (const line of written.value.split('\n')) {
    const equals = line.indexOf('=');
    const name = line.slice(0, equals === -1 ? line.length : equals).trim();
    if (name === '' || name.startsWith('#')) continue;
    const value = equals === -1 ? '' : line.slice(equals + 1).trim();
    const raw = literalArg(source, written.start, written.end, value);
    args.set(name, equals === -1 || value.includes('${{') ? { ...raw, unresolved: [value] } : raw);
  }
  return args;
}

/**
 * An image reference as Docker normalises it (distribution/reference normalize.go,
 * splitDockerDomain): the first path part is a registry when it holds `.` or `:`, is `localhost`,
 * or is not lower case; else the name is on Docker Hub (`docker.io`, which `index.docker.io` also
 * means), where a one-part name is an official image under `library/`. Undefined for a name
 * Docker refuses (an upper-case repository path).
 */
export function imageName(reference: string): ImageName | undefined {
  const [named, digest] = reference.trim().split('@');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const name = hasTag ? named.slice(0, colon) : named;
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isRegistry = first === 'localhost' || /[.:]/.test(first) || (first !== '' && first.toLowerCase() !== first);
  let registry = isRegistry ? first : 'docker.io';
  if (registry === 'index.docker.io') registry = 'docker.io';
  let path = isRegistry ? name.slice(slash + 1) : name;
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  // Lower-case path components joined by `/` (reference.go's grammar, loosely).
  if (!/^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/.test(path)) return undefined;
  const tag = hasTag ? named.slice(colon + 1) : digest === undefined ? 'latest' : undefined;
  return { repository: `${registry}/${path}`, ...(tag !== undefined ? { tag } : {}) };
}

/** The same image: one repository, and the same tag where both sides fix one. */
export function sameImage(a: ImageName, b: ImageName): boolean {
  return a.repository === b.repository && (a.tag === undefined || b.tag === undefined || a.tag === b.tag);
}

/** A path written literally: no expression (`${{ … }}`), no handlebars `{{defaultContext}}`, no URL. */
function localPath(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '' || /\$\{\{|\{\{|^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(value)) return undefined;
  return value.trim();
}
