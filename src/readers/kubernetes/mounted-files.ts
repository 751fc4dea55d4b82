/**
 * Config files that Kubernetes manifests carry in ConfigMaps (`gunicorn.conf.py: |`) and mount
 * into containers. Each becomes a file of the tree at a virtual path that ends with where the
 * container sees it (`…/k8s/app.yaml#api/etc/gunicorn/gunicorn.conf.py`), so a command line's
 * `-c /etc/gunicorn/gunicorn.conf.py` finds it the way it finds any file of the tree, and its text
 * is an EmbeddedSourceText, so every position is a position in the manifest.
 */
import type { Document } from 'yaml';
import { classify, FileFormat } from '../../discovery/classify';
import { EmbeddedSourceText, embeddedLiteralBlock } from '../embedded-text';
import type { SourceText } from '../text';
import { POD_SPEC_PATHS } from '../launch/kubernetes';
import { entriesOf, isMap, isScalar, itemsOf, parseYaml, scalarArg, valueOf, YamlNode } from '../launch/yaml';

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
  format: FileFormat;
  source: EmbeddedSourceText;
  /** Absolute path of the manifest that holds the ConfigMap. */
  manifestPath: string;
}

interface Workload {
  name: string;
  namespace: string;
  source: SourceText;
  document: Document.Parsed;
  podSpec: YamlNode;
}

/** Every embeddable ConfigMap entry of the manifests, at each place a workload of its namespace mounts it. */
export function mountedFiles(manifests: { path: string; source: SourceText }[]): MountedFile[] {
  /** `namespace/name` → the ConfigMap's embeddable entries. */
  const configMaps = new Map<string, EmbeddedEntry[]>();
  const workloads: Workload[] = [];
  for (const { path, source } of manifests) collect(path, source, configMaps, workloads);
  if (configMaps.size === 0) return [];
  return placeFiles(configMaps, workloads);
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
        const format = classify(`/${entry.key}`, () => text);
        if (!format || !EMBEDDABLE.has(format)) continue;
        const embedded = embeddedLiteralBlock(source, node.range[0], text);
        if (embedded) entries.push({ key: entry.key, format, source: embedded, manifestPath });
      }
      if (entries.length > 0) configMaps.set(`${namespace}/${name}`, entries);
      return;
    }
    const podSpec = podSpecOf(kind, object, document);
    if (podSpec) workloads.push({ name, namespace, source, document, podSpec });
  };
  for (const document of documents) visit(document.contents ?? undefined, document, 0);
}

function placeFiles(configMaps: Map<string, EmbeddedEntry[]>, workloads: Workload[]): MountedFile[] {
  const files: MountedFile[] = [];
  const mounted = new Set<string>();
  for (const { name: workload, namespace, source, document, podSpec } of workloads) {
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
        ...(items.length > 0 ? { items: new Map(items.map((item) => [scalarArg(source, valueOf(item, 'key', document))?.value ?? '', scalarArg(source, valueOf(item, 'path', document))?.value ?? ''])) } : {}),
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
          const path = `${entry.manifestPath}#${workload}${inContainer.startsWith('/') ? '' : '/'}${inContainer}`;
          if (files.some((file) => file.path === path)) continue;
          files.push({ path, format: entry.format, source: entry.source });
          mounted.add(`${volume.configMap}/${entry.key}`);
        }
      }
    }
  }
  // A ConfigMap no workload of the file mounts is still read on its own.
  for (const [name, entries] of configMaps) {
    for (const entry of entries) {
      if (mounted.has(`${name}/${entry.key}`)) continue;
      files.push({ path: `${entry.manifestPath}#configmap/${name}/${entry.key}`, format: entry.format, source: entry.source });
    }
  }
  return files;
}


function podSpecOf(kind: string, object: YamlNode, document: Document.Parsed): YamlNode | undefined {
  const path = POD_SPEC_PATHS[kind];
  if (!path) return undefined;
  let node: YamlNode | undefined = object;
  for (const key of path) node = valueOf(node, key, document);
  return isMap(node) ? node : undefined;
}
