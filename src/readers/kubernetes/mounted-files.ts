/**
 * Config files that Kubernetes manifests carry in ConfigMaps (`gunicorn.conf.py: |`) and mount
 * into containers. Each becomes a file of the tree at a virtual path that ends with where the
 * container sees it (`…/k8s/app.yaml#api/etc/gunicorn/gunicorn.conf.py`), so a command line's
 * `-c /etc/gunicorn/gunicorn.conf.py` finds it the way it finds any file of the tree, and its text
 * is an EmbeddedSourceText, so every position is a position in the manifest.
 */
import type { Document } from 'yaml';
import { classify, FileFormat } from '../../discovery/classify';
import { EmbeddedSourceText, embeddedLiteralBlock } from '../../source/embedded-text';
import type { SourceText } from '../../source/text';
import { EnvsubstTemplate, imageEnvironment, isOfficialNginxImage, TemplateScript, templateScript } from '../docker/envsubst-templates';
import { containerEnvironment, POD_SPEC_PATHS } from '../launch/kubernetes';
import { entriesOf, isMap, isScalar, itemsOf, parseYaml, scalarArg, valueOf, YamlNode } from '../kit/yaml';

/** Formats read from ConfigMaps: the servers' own config files. */
const EMBEDDABLE = new Set<FileFormat>(['gunicorn', 'uwsgi', 'tomcat', 'spring-boot']);

export interface MountedFile {
  /** Virtual absolute path: the manifest's path, `#`, the workload, then the path in the container. */
  path: string;
  format: FileFormat;
  source: EmbeddedSourceText;
}

interface EmbeddedEntry {
  key: string;
  /** Its format by name and content; undefined for what only a mount makes a config (an nginx template). */
  format: FileFormat | undefined;
  source: EmbeddedSourceText;
  /** Absolute path of the manifest that holds the ConfigMap. */
  manifestPath: string;
}

interface Workload {
  /** Absolute path of the manifest. */
  manifestPath: string;
  name: string;
  namespace: string;
  source: SourceText;
  document: Document.Parsed;
  podSpec: YamlNode;
}

export interface MountedConfig {
  files: MountedFile[];
  /** ConfigMap entries the official nginx image renders at start (src/readers/docker/envsubst-templates.ts). */
  templates: EnvsubstTemplate[];
}

/**
 * Every embeddable ConfigMap entry of the manifests, at each place a workload of its namespace
 * mounts it, and the envsubst templates mounted where an official nginx container renders them.
 */
export function mountedConfig(manifests: { path: string; source: SourceText }[]): MountedConfig {
  /** `namespace/name` → the ConfigMap's embeddable entries. */
  const configMaps = new Map<string, EmbeddedEntry[]>();
  const workloads: Workload[] = [];
  for (const { path, source } of manifests) collect(path, source, configMaps, workloads);
  if (configMaps.size === 0) return { files: [], templates: [] };
  return { files: placeFiles(configMaps, workloads), templates: placeTemplates(configMaps, workloads) };
}

function collect(manifestPath: string, source: SourceText, configMaps: Map<string, EmbeddedEntry[]>, workloads: Workload[]): void {
  const { documents } = parseYaml(source);
  const visit = (object: YamlNode | undefined, document: Document.Parsed, depth: number) => {
    if (!isMap(object) || depth > 4) return;
    const kind = scalarArg(source, valueOf(object, 'kind', document))?.value ?? '';
    if (kind.endsWith('List')) {
      for (const item of itemsOf(valueOf(object, 'items', document), document)) visit(item, document, depth + 1);
      return;
    }
    const metadata = valueOf(object, 'metadata', document);
    const name = scalarArg(source, valueOf(metadata, 'name', document))?.value ?? '';
    const namespace = scalarArg(source, valueOf(metadata, 'namespace', document))?.value ?? 'default';
    if (kind === 'ConfigMap') {
      const entries: EmbeddedEntry[] = [];
      for (const entry of entriesOf(valueOf(object, 'data', document), document)) {
        const node = entry.value;
        if (!isScalar(node) || node.type !== 'BLOCK_LITERAL' || typeof node.value !== 'string' || !node.range) continue;
        const text = node.value;
        const classified = classify(`/${entry.key}`, () => text);
        const format = classified && EMBEDDABLE.has(classified) ? classified : undefined;
        const embedded = embeddedLiteralBlock(source, node.range[0], text);
        if (embedded) entries.push({ key: entry.key, format, source: embedded, manifestPath });
      }
      if (entries.length > 0) configMaps.set(`${namespace}/${name}`, entries);
      return;
    }
    const podSpec = podSpecOf(kind, object, document);
    if (podSpec) workloads.push({ manifestPath, name, namespace, source, document, podSpec });
  };
  for (const document of documents) visit(document.contents ?? undefined, document, 0);
}

interface Mount {
  workload: Workload;
  container: YamlNode;
  entry: EmbeddedEntry;
  /** `namespace/name` of the ConfigMap. */
  configMap: string;
  /** Where the container sees the entry. */
  inContainer: string;
}

/** Each ConfigMap entry each container of the workloads mounts, at its path in the container. */
function mountsOf(configMaps: Map<string, EmbeddedEntry[]>, workloads: Workload[]): Mount[] {
  const mounts: Mount[] = [];
  for (const workload of workloads) {
    const { namespace, source, document, podSpec } = workload;
    // volume name → the ConfigMap and the key → path remapping of its `items`.
    const volumes = new Map<string, { configMap: string; items?: Map<string, string> }>();
    for (const volume of itemsOf(valueOf(podSpec, 'volumes', document), document)) {
      const configMap = valueOf(volume, 'configMap', document);
      const configMapName = scalarArg(source, valueOf(configMap, 'name', document))?.value;
      const volumeName = scalarArg(source, valueOf(volume, 'name', document))?.value;
      if (!configMapName || !volumeName) continue;
      const items = itemsOf(valueOf(configMap, 'items', document), document);
      volumes.set(volumeName, {
        configMap: `${namespace}/${configMapName}`,
        ...(items.length > 0
          ? {
              items: new Map(
                items.map((item) => [
                  scalarArg(source, valueOf(item, 'key', document))?.value ?? '',
                  scalarArg(source, valueOf(item, 'path', document))?.value ?? '',
                ]),
              ),
            }
          : {}),
      });
    }
    for (const container of ['initContainers', 'containers'].flatMap((key) => itemsOf(valueOf(podSpec, key, document), document))) {
      for (const mount of itemsOf(valueOf(container, 'volumeMounts', document), document)) {
        const volume = volumes.get(scalarArg(source, valueOf(mount, 'name', document))?.value ?? '');
        const mountPath = scalarArg(source, valueOf(mount, 'mountPath', document))?.value;
        const entries = volume ? configMaps.get(volume.configMap) : undefined;
        if (!volume || !mountPath || !entries) continue;
        const subPath = scalarArg(source, valueOf(mount, 'subPath', document))?.value;
        for (const entry of entries) {
          // With `items`, only the listed keys appear, under their `path`.
          const relative = volume.items ? volume.items.get(entry.key) : entry.key;
          if (!relative) continue;
          if (subPath !== undefined && subPath !== relative) continue;
          const inContainer = subPath !== undefined ? mountPath : `${mountPath.replace(/\/+$/, '')}/${relative}`;
          mounts.push({ workload, container, entry, configMap: volume.configMap, inContainer: inContainer.startsWith('/') ? inContainer : `/${inContainer}` });
        }
      }
    }
  }
  return mounts;
}

function placeFiles(configMaps: Map<string, EmbeddedEntry[]>, workloads: Workload[]): MountedFile[] {
  const files: MountedFile[] = [];
  const mounted = new Set<string>();
  for (const { workload, entry, configMap, inContainer } of mountsOf(configMaps, workloads)) {
    if (!entry.format) continue;
    const path = `${entry.manifestPath}#${workload.name}${inContainer}`;
    if (files.some((file) => file.path === path)) continue;
    files.push({ path, format: entry.format, source: entry.source });
    mounted.add(`${configMap}/${entry.key}`);
  }
  // A ConfigMap no workload of the file mounts is still read on its own.
  for (const [name, entries] of configMaps) {
    for (const entry of entries) {
      if (!entry.format || mounted.has(`${name}/${entry.key}`)) continue;
      files.push({ path: `${entry.manifestPath}#configmap/${name}/${entry.key}`, format: entry.format, source: entry.source });
    }
  }
  return files;
}

/**
 * The ConfigMap entries mounted where an official nginx container's template script renders them
 * (and its plain `.conf` files mounted into /etc/nginx/conf.d, placed as they are),
 * with that container's `env`: a literal value is known, a `valueFrom` one (or a `$(NAME)`
 * Kubernetes cannot resolve here) is defined but unknown, and with `envFrom` any other name may be
 * defined too. Each workload is a deployment of its own: what two of them render is never merged.
 */
function placeTemplates(configMaps: Map<string, EmbeddedEntry[]>, workloads: Workload[]): EnvsubstTemplate[] {
  const templates: EnvsubstTemplate[] = [];
  const containers = new Map<YamlNode, { official: boolean; script?: TemplateScript }>();
  const containerOf = (workload: Workload, container: YamlNode) => {
    const known = containers.get(container);
    if (known) return known;
    const { source, document } = workload;
    const image = scalarArg(source, valueOf(container, 'image', document))?.value;
    const official = image !== undefined && isOfficialNginxImage(image);
    let script: TemplateScript | undefined;
    if (official && runsTemplateScripts(workload, container)) {
      const { env, externalEnv } = containerEnvironment(source, container, document);
      const values = imageEnvironment();
      for (const [name, raw] of env) values.set(name, raw.unresolved.length > 0 ? 'unknown' : { value: raw.value });
      script = templateScript(values, externalEnv.length > 0 ? 'unknown' : 'unset');
    }
    const found = { official, ...(script ? { script } : {}) };
    containers.set(container, found);
    return found;
  };
  for (const { workload, container, entry, inContainer } of mountsOf(configMaps, workloads)) {
    if (entry.format) continue;
    const { official, script } = containerOf(workload, container);
    const output = script?.outputOf(inContainer);
    // The image's nginx.conf includes /etc/nginx/conf.d/*.conf: a file mounted there is nginx's.
    const asIs = output === undefined && official && /^\/etc\/nginx\/conf\.d\/[^/]+\.conf$/.test(inContainer);
    if (output === undefined && !asIs) continue;
    const containerName = scalarArg(workload.source, valueOf(container, 'name', workload.document))?.value ?? '';
    templates.push({
      template: `${entry.manifestPath}#${workload.name}${inContainer}`,
      output: output ?? inContainer,
      outputDir: asIs ? '/etc/nginx/conf.d' : script!.outputDir,
      lookup: script?.lookup ?? (() => 'unset'),
      definedIn: entry.manifestPath,
      embedded: entry.source,
      deployment: `${workload.manifestPath}#${workload.namespace}/${workload.name}/${containerName}`,
      ...(asIs ? { asIs } : {}),
    });
  }
  return templates;
}

/**
 * Whether the image's docker-entrypoint.sh runs its scripts: `command` replaces the image's
 * ENTRYPOINT and, given alone, drops its CMD (`nginx -g 'daemon off;'`) too; the scripts run when
 * the entrypoint is the image's and the command starts with `nginx` or `nginx-debug`.
 */
function runsTemplateScripts({ source, document }: Workload, container: YamlNode): boolean {
  const words = (key: string) => {
    const node = valueOf(container, key, document);
    return node === undefined ? undefined : itemsOf(node, document).map((item) => scalarArg(source, item)?.value);
  };
  const command = words('command');
  let args = words('args');
  if (command) {
    if (command[0] !== '/docker-entrypoint.sh') return false;
    args = [...command.slice(1), ...(args ?? [])];
    if (args.length === 0) return false;
  }
  return !args || args.length === 0 || args[0] === 'nginx' || args[0] === 'nginx-debug';
}

function podSpecOf(kind: string, object: YamlNode, document: Document.Parsed): YamlNode | undefined {
  const path = POD_SPEC_PATHS[kind];
  if (!path) return undefined;
  let node: YamlNode | undefined = object;
  for (const key of path) node = valueOf(node, key, document);
  return isMap(node) ? node : undefined;
}
