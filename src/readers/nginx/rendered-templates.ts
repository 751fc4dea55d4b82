/**
 * envsubst templates the official nginx image renders (src/readers/docker/envsubst-templates.ts),
 * rendered and placed where the image writes them, so that the nginx reader reads them like any
 * other file: each rendered file gets a virtual path in the tree that no real file can have (it
 * holds a NUL), the image's output directory is mapped there for includes
 * (`include /etc/nginx/conf.d/*.conf;`), and its positions are the template's.
 */
import * as nodePath from 'path';
import type { FileSystem } from '../../discovery/fs';
import type { EnvsubstTemplate } from '../docker/envsubst-templates';
import type { VariableValue } from '../kit/raw';
import type { SourceText } from '../../source/text';
import { renderEdited } from './edited-at-start';
import { renderEnvsubst } from './envsubst';
import type { IncludeMapping } from './include';

export interface RenderedTemplates {
  /** Rendered text by virtual path (and the files placed as they are: EmbeddedSourceTexts). */
  sources: Map<string, SourceText>;
  /** The templates rendered: not read on their own as well. */
  templates: Set<string>;
  /** Of those, the files a start-up script edits in place, with the command that edits each (`script:line`). */
  edited: Map<string, string>;
  /** Of those, the templates a container's own start-up command renders, with the commands that do (`file:line`). */
  renderedBy: Map<string, string[]>;
  /**
   * Each output directory → its virtual directory, where one deployment alone writes there, with
   * the containers that render into it (none named where one of them is not known).
   */
  mappings: IncludeMapping[];
  /** Virtual paths read only where an include names them (EnvsubstTemplate.includedOnly). */
  includedOnly: Set<string>;
}

const VIRTUAL_ROOT = '\0envsubst';

/**
 * Render each template once per deployment directory and output path. Two containers of one
 * project that render the same template agree where their environments agree; a value they
 * disagree on is unknown. Two templates written to one path leave the tree unsure which one nginx
 * reads: neither is rendered (each stays read as a template).
 */
export function renderTemplates(
  templates: EnvsubstTemplate[],
  readText: (path: string) => string | undefined,
  displayPath: (path: string) => string,
): RenderedTemplates {
  const groups = new Map<string, EnvsubstTemplate[]>();
  for (const template of templates) {
    const key = `${deploymentOf(template)}\0${template.output}`;
    groups.set(key, [...(groups.get(key) ?? []), template]);
  }
  const sources = new Map<string, SourceText>();
  const rendered = new Set<string>();
  const edited = new Map<string, string>();
  const renderedBy = new Map<string, string[]>();
  /** Virtual path → the template rendered there. */
  const renderedFrom = new Map<string, string>();
  const ambiguous = new Set<string>();
  const includedOnly = new Set<string>();
  const outputDirs = new Map<string, Set<string>>();
  /** Output "directories" that are one file: an edited file, one a start-up command renders, or a written one outside nginx's directories. */
  const singleFiles = new Set<string>();
  /** Of those, the ones a start-up command renders or edits (a written text may be a RUN's, made at build). */
  const startFiles = new Set<string>();
  /** Virtual output directory → the containers rendering there; undefined once one is not named. */
  const renderers = new Map<string, Set<string> | undefined>();
  for (const group of groups.values()) {
    const first = group[0];
    if (group.some((template) => template.template !== first.template)) {
      for (const template of group) ambiguous.add(template.template);
      continue;
    }
    const text = first.embedded?.text ?? readText(first.template);
    if (text === undefined) continue;
    const base = nodePath.join(deploymentOf(first), VIRTUAL_ROOT);
    const virtual = nodePath.join(base, first.output);
    const shown = first.embedded?.file ?? displayPath(first.template);
    const edits = group.flatMap((template) => (template.edit ? [template.edit] : []));
    sources.set(
      virtual,
      edits.length > 0
        ? renderEdited(shown, text, edits, first.embedded)
        : first.asIs && first.embedded
          ? first.embedded
          : renderEnvsubst(shown, text, agreed(group.map((template) => template.lookup)), first.embedded),
    );
    if (edits.length > 0) edited.set(first.template, `${edits[0].by.file}:${edits[0].by.start.line}`);
    const commands = group.flatMap((template) => (template.renderedBy ? [`${template.renderedBy.file}:${template.renderedBy.start.line}`] : []));
    if (commands.length > 0) renderedBy.set(first.template, [...new Set([...(renderedBy.get(first.template) ?? []), ...commands])]);
    renderedFrom.set(virtual, first.template);
    if (first.includedOnly) includedOnly.add(virtual);
    rendered.add(first.template);
    if (first.outputDir === first.output) singleFiles.add(first.outputDir);
    if (first.outputDir === first.output && !first.asIs) startFiles.add(first.outputDir);
    const dirs = outputDirs.get(first.outputDir) ?? new Set<string>();
    const virtualDir = nodePath.join(base, first.outputDir);
    outputDirs.set(first.outputDir, dirs.add(virtualDir));
    for (const template of group) {
      const known = renderers.has(virtualDir) ? renderers.get(virtualDir) : new Set<string>();
      renderers.set(virtualDir, known && template.containers ? new Set([...known, ...template.containers]) : undefined);
    }
  }
  // A template written to a path another template also claims is read as a template only.
  for (const template of ambiguous) {
    if (!rendered.has(template)) continue;
    rendered.delete(template);
    edited.delete(template);
    renderedBy.delete(template);
    for (const [virtual, from] of renderedFrom) if (from === template) sources.delete(virtual);
  }
  // The rendered files are in the containers that render them only: a file another container
  // holds (bookwyrm's web service mounts the whole project at /app) does not include them.
  const mappings = [...outputDirs]
    .filter(([, dirs]) => dirs.size === 1)
    .map(([from, dirs]) => {
      const to = [...dirs][0];
      const containers = renderers.get(to);
      return {
        from,
        to,
        ...(singleFiles.has(from) ? { exact: true } : {}),
        ...(startFiles.has(from) ? { atStart: true } : {}),
        ...(containers ? { containers: [...containers] } : {}),
      };
    });
  return { sources, templates: rendered, edited, renderedBy, mappings, includedOnly };
}

function deploymentOf(template: EnvsubstTemplate): string {
  return template.deployment ?? nodePath.dirname(template.definedIn);
}

/** What several environments say of a name: their value where they agree, else unknown. */
function agreed(lookups: ((name: string) => VariableValue)[]): (name: string) => VariableValue {
  if (lookups.length === 1) return lookups[0];
  return (name) => {
    const values = lookups.map((lookup) => lookup(name));
    const key = (value: VariableValue) => (typeof value === 'string' ? value : `=${value.value}`);
    if (!values.every((value) => key(value) === key(values[0]))) return 'unknown';
    const first = values[0];
    if (typeof first === 'string') return first;
    // Several environments with the same value: one place to edit only if they all name it.
    const place = (value: VariableValue) => (typeof value === 'string' || !value.writtenAt ? '' : `${value.writtenAt.source.file}\0${value.writtenAt.start}`);
    return values.every((value) => place(value) === place(first)) ? first : { value: first.value };
  };
}

/** The file system with the rendered files (and the directories that hold them) added. */
export function withRenderedFiles(fs: FileSystem, sources: Map<string, SourceText>): FileSystem {
  if (sources.size === 0) return fs;
  const children = new Map<string, Set<string>>();
  for (const path of sources.keys()) {
    for (let child = path, dir = nodePath.dirname(path); child.includes(VIRTUAL_ROOT) && dir !== child; child = dir, dir = nodePath.dirname(dir)) {
      if (!children.has(dir)) children.set(dir, new Set());
      children.get(dir)!.add(nodePath.basename(child));
    }
  }
  const isVirtualDir = (path: string) => path.includes(VIRTUAL_ROOT) && children.has(path);
  return {
    kind: (path) => (sources.has(path) ? 'file' : isVirtualDir(path) ? 'directory' : fs.kind(path)),
    isSymlink: (path) => !sources.has(path) && !isVirtualDir(path) && fs.isSymlink(path),
    size: (path) => {
      const source = sources.get(path);
      if (source) return new TextEncoder().encode(source.text).length;
      return isVirtualDir(path) ? undefined : fs.size(path);
    },
    readHead: (path, maxBytes) => {
      const source = sources.get(path);
      if (source) return new TextEncoder().encode(source.text).subarray(0, maxBytes);
      return isVirtualDir(path) ? undefined : fs.readHead(path, maxBytes);
    },
    list: (path) => (isVirtualDir(path) ? [...children.get(path)!].sort() : fs.list(path)),
    read: (path) => {
      const source = sources.get(path);
      return source ? new TextEncoder().encode(source.text) : fs.read(path);
    },
    realpath: (path) => (sources.has(path) || isVirtualDir(path) ? path : fs.realpath(path)),
  };
}
