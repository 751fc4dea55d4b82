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
 * Where nothing decides, the Dockerfile's directory stays the context.
 */
import * as nodePath from 'path';
import { SourceText } from '../../source/text';
import { entriesOf, isScalar, itemsOf, parseYaml, valueOf, YamlNode } from '../kit/yaml';
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
export function standaloneBuildContext(input: BuildContextInput, kindOf: TreeKind): (dockerfile: string, text: string) => string {
  let fromWorkflows: Map<string, Set<string>> | undefined;
  return (dockerfile, text) => {
    fromWorkflows ??= workflowBuildContexts(input);
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

/** Dockerfile → the build contexts the tree's GitHub Actions workflows build it with (absolute paths). */
function workflowBuildContexts(input: BuildContextInput): Map<string, Set<string>> {
  const contexts = new Map<string, Set<string>>();
  for (const path of input.treeFiles) {
    const workspace = WORKFLOW.exec(path)?.[1];
    const text = workspace !== undefined ? input.readText(path) : undefined;
    if (workspace === undefined || text === undefined || !text.includes('build-push-action')) continue;
    for (const document of parseYaml(new SourceText(input.displayPath(path), text)).documents) {
      for (const { value: job } of entriesOf(valueOf(document.contents, 'jobs', document), document)) {
        for (const step of itemsOf(valueOf(job, 'steps', document), document)) {
          const literal = (node: YamlNode | undefined) => (isScalar(node) && typeof node.value === 'string' ? node.value : undefined);
          if (!BUILD_PUSH_ACTION.test(literal(valueOf(step, 'uses', document)) ?? '')) continue;
          const inputs = valueOf(step, 'with', document);
          const context = localPath(literal(valueOf(inputs, 'context', document)));
          const fileNode = valueOf(inputs, 'file', document);
          const file = fileNode === undefined ? undefined : localPath(literal(fileNode));
          if (context === undefined || (fileNode !== undefined && file === undefined)) continue;
          const contextDir = nodePath.resolve(workspace, context);
          const dockerfile = file !== undefined ? nodePath.resolve(workspace, file) : nodePath.join(contextDir, 'Dockerfile');
          contexts.set(dockerfile, (contexts.get(dockerfile) ?? new Set()).add(contextDir));
        }
      }
    }
  }
  return contexts;
}

/** A path written literally: no expression (`${{ … }}`), no handlebars `{{defaultContext}}`, no URL. */
function localPath(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '' || /\$\{\{|\{\{|^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(value)) return undefined;
  return value.trim();
}
