/**
 * Kubernetes manifests (multi-document files, Helm and kustomize output) and values files of the
 * ingress-nginx Helm chart: the objects that route a request (Ingress → Service → pod → container
 * port) and the controller's ConfigMap, each value with the span of its key and value. Container
 * command lines are the launch reader's; pod sysctls are the system reader's.
 */
import * as nodePath from 'path';
import type { Document } from 'yaml';
import {
  ConfigMapMount,
  ConfigMapObject,
  ContainerObject,
  emptyKubernetesModel,
  HelmControllerValues,
  IngressBackend,
  IngressObject,
  KubernetesModel,
  KubernetesObjectBase,
  ManifestValue,
  ServiceObject,
  TargetGroupBindingObject,
  WorkloadObject,
} from './objects';
import { append } from '../../source/append';
import type { SourceText } from '../../source/text';
import type { FilesByFormat, ReaderContext, ReaderOutput } from '../types';
import { emptyOutput } from '../types';
import { guarded } from '../kit/failure';
import { addComments, lineComments, readSource } from '../kit/files';
import { POD_SPEC_PATHS } from '../launch/kubernetes';
import { entriesOf, isMap, isScalar, itemsOf, parseYaml, rangeOf, scalarArg, valueOf, YamlNode } from '../kit/yaml';

export interface KubernetesReadResult extends ReaderOutput {
  kubernetes: KubernetesModel;
}

export function readKubernetes(files: FilesByFormat, context: ReaderContext): KubernetesReadResult {
  const output = emptyOutput();
  const kubernetes = emptyKubernetesModel();
  for (const path of files.kubernetes ?? []) {
    // The launch reader records these files, reports their YAML errors and keeps their comments.
    const source = readSource(path, context, { ...emptyOutput() }, false);
    if (!source || source.text.includes('{{')) continue;
    guarded(output.diagnostics, 'Kubernetes reader', source.file, () =>
      KUSTOMIZATION_NAMES.includes(nodePath.posix.basename(source.file)) ? readKustomization(source, kubernetes) : readManifests(source, kubernetes),
    );
  }
  for (const path of files['helm-values'] ?? []) {
    const source = readSource(path, context, output);
    if (!source) continue;
    // `# cfglint-disable-next-line …` above a key of controller.config.
    addComments(output, source.file, lineComments(source));
    guarded(output.diagnostics, 'Kubernetes reader', source.file, () => {
      const { documents, problems } = parseYaml(source);
      append(output.diagnostics, problems);
      for (const document of documents) {
        const values = readHelmValues(source, document);
        if (values) kubernetes.helmValues.push(values);
      }
    });
  }
  return { ...output, kubernetes };
}

/** The names kustomize looks for in a directory (kustomize api/konfig `RecognizedKustomizationFileNames`). */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * A kustomization's `configMapGenerator` entries made from files (`files: [nginx.conf]`, keyed by
 * the file's name, or `key=path`: kustomize's configMapGenerator reference, kubectl.docs.kubernetes.io),
 * paths relative to the kustomization's directory,
 * with the `resources` whose references to the generator's name kustomize rewrites. `literals`
 * and `envs` hold no config file.
 */
function readKustomization(source: SourceText, into: KubernetesModel): void {
  const { documents } = parseYaml(source);
  const document = documents[0];
  const root = document?.contents ?? undefined;
  if (!document || !isMap(root)) return;
  const text = (node: YamlNode | undefined) => scalarArg(source, node)?.value;
  const directory = nodePath.posix.dirname(source.file);
  const inTree = (relative: string) => nodePath.posix.normalize(nodePath.posix.join(directory, relative)).replace(/\/+$/, '');
  const resources = itemsOf(valueOf(root, 'resources', document), document).flatMap((item) => {
    const written = text(item);
    // A remote base (a URL, `github.com/…?ref=`) is not a file of the tree.
    return written && !/^[a-z][a-z0-9+.-]*:\/\/|^(github\.com|gitlab\.com|bitbucket\.org)\//i.test(written) ? [inTree(written)] : [];
  });
  for (const generator of itemsOf(valueOf(root, 'configMapGenerator', document), document)) {
    const configMap = text(valueOf(generator, 'name', document));
    if (!configMap) continue;
    for (const item of itemsOf(valueOf(generator, 'files', document), document)) {
      const written = text(item);
      if (!written) continue;
      const equals = written.indexOf('=');
      const path = equals === -1 ? written : written.slice(equals + 1);
      const key = equals === -1 ? nodePath.posix.basename(path) : written.slice(0, equals);
      into.generatedConfigMapFiles.push({ configMap, key, file: inTree(path), kustomization: source.file, resources });
    }
  }
}

/** Every object of interest in one manifest file, added to `into`. */
export function readManifests(source: SourceText, into: KubernetesModel): void {
  const { documents } = parseYaml(source);
  for (const document of documents) visit(source, document, document.contents ?? undefined, into, 0);
}

function visit(source: SourceText, document: Document.Parsed, object: YamlNode | undefined, into: KubernetesModel, depth: number): void {
  if (!isMap(object) || depth > 4) return;
  const text = (node: YamlNode | undefined) => scalarArg(source, node)?.value;
  const kind = text(valueOf(object, 'kind', document)) ?? '';
  if (kind === 'List' || kind.endsWith('List')) {
    for (const item of itemsOf(valueOf(object, 'items', document), document)) visit(source, document, item, into, depth + 1);
    return;
  }
  const base = objectBase(source, document, object, kind);
  if (kind === 'ConfigMap') {
    const dataNode = valueOf(object, 'data', document);
    const dataPair = entriesOf(object, document).find((entry) => entry.key === 'data');
    into.configMaps.push({
      ...base,
      kind: 'ConfigMap',
      data: stringMap(source, document, dataNode),
      ...(dataPair ? { dataSpan: spanOf(source, dataPair.keyNode) } : {}),
    } satisfies ConfigMapObject);
  } else if (kind === 'Service') {
    const spec = valueOf(object, 'spec', document);
    const loadBalancerClass = text(valueOf(spec, 'loadBalancerClass', document));
    into.services.push({
      ...base,
      kind: 'Service',
      type: text(valueOf(spec, 'type', document)) ?? 'ClusterIP',
      ...(loadBalancerClass ? { loadBalancerClass } : {}),
      selector: plainMap(stringMap(source, document, valueOf(spec, 'selector', document))),
      ports: itemsOf(valueOf(spec, 'ports', document), document).flatMap((item) => {
        const port = Number(text(valueOf(item, 'port', document)));
        if (!Number.isInteger(port)) return [];
        const target = manifestValue(source, document, item, 'targetPort');
        const name = text(valueOf(item, 'name', document));
        return [
          {
            ...(name ? { name } : {}),
            port,
            targetPort: target === undefined ? port : /^\d+$/.test(target.value) ? Number(target.value) : target.value,
            span: spanOf(source, item),
            ...(target ? { targetPortSpan: target.valueSpan } : {}),
          },
        ];
      }),
    } satisfies ServiceObject);
  } else if (kind === 'Ingress') {
    const spec = valueOf(object, 'spec', document);
    const className = text(valueOf(spec, 'ingressClassName', document)) ?? base.annotations.get('kubernetes.io/ingress.class')?.value;
    const defaultNode = valueOf(spec, 'defaultBackend', document) ?? valueOf(spec, 'backend', document);
    const defaultBackend = ingressBackend(source, document, defaultNode);
    into.ingresses.push({
      ...base,
      kind: 'Ingress',
      ...(className !== undefined ? { ingressClass: className } : {}),
      ...(defaultBackend ? { defaultBackend } : {}),
      rules: itemsOf(valueOf(spec, 'rules', document), document).map((rule) => {
        const host = text(valueOf(rule, 'host', document));
        return {
          ...(host ? { host } : {}),
          paths: itemsOf(valueOf(valueOf(rule, 'http', document), 'paths', document), document).flatMap((item) => {
            const backend = ingressBackend(source, document, valueOf(item, 'backend', document));
            if (!backend) return [];
            return [{ path: text(valueOf(item, 'path', document)) ?? '/', backend, span: spanOf(source, item) }];
          }),
        };
      }),
    } satisfies IngressObject);
  } else if (kind === 'TargetGroupBinding' && text(valueOf(object, 'apiVersion', document))?.startsWith('elbv2.k8s.aws/')) {
    const spec = valueOf(object, 'spec', document);
    const targetGroupArn = manifestValue(source, document, spec, 'targetGroupARN');
    const targetType = manifestValue(source, document, spec, 'targetType');
    const serviceRef = valueOf(spec, 'serviceRef', document);
    const refName = text(valueOf(serviceRef, 'name', document));
    const refPort = manifestValue(source, document, serviceRef, 'port');
    into.targetGroupBindings.push({
      ...base,
      kind: 'TargetGroupBinding',
      ...(targetGroupArn ? { targetGroupArn } : {}),
      ...(targetType ? { targetType } : {}),
      ...(refName && refPort
        ? {
            serviceRef: {
              name: refName,
              port: /^\d+$/.test(refPort.value) ? Number(refPort.value) : refPort.value,
              span: spanOf(source, serviceRef),
              portSpan: refPort.valueSpan,
            },
          }
        : {}),
    } satisfies TargetGroupBindingObject);
  } else if (kind in POD_SPEC_PATHS) {
    // The pod template: the pod spec's path without its last `spec` (a Pod is its own template).
    let template: YamlNode | undefined = object;
    for (const key of POD_SPEC_PATHS[kind].slice(0, -1)) template = valueOf(template, key, document);
    if (!isMap(template)) return;
    const podLabels =
      kind === 'Pod' ? base.labels : plainMap(stringMap(source, document, valueOf(valueOf(template, 'metadata', document), 'labels', document)));
    const podSpec = valueOf(template, 'spec', document);
    const volumes = configMapVolumes(source, document, podSpec);
    const containers = ['initContainers', 'containers']
      .flatMap((key) => itemsOf(valueOf(podSpec, key, document), document))
      .map((container) => readContainer(source, document, container, volumes));
    const hostNetworkNode = valueOf(podSpec, 'hostNetwork', document);
    const hostNetwork = isScalar(hostNetworkNode) && hostNetworkNode.value === true;
    into.workloads.push({ ...base, podLabels, containers, hostNetwork } satisfies WorkloadObject);
  }
}

/** The pod's ConfigMap volumes by volume name: the ConfigMap and the `items` it lists. */
function configMapVolumes(source: SourceText, document: Document.Parsed, podSpec: YamlNode | undefined): Map<string, Omit<ConfigMapMount, 'mountPath'>> {
  const text = (node: YamlNode | undefined) => scalarArg(source, node)?.value;
  const volumes = new Map<string, Omit<ConfigMapMount, 'mountPath'>>();
  for (const volume of itemsOf(valueOf(podSpec, 'volumes', document), document)) {
    const configMapNode = valueOf(volume, 'configMap', document);
    const configMap = text(valueOf(configMapNode, 'name', document));
    const name = text(valueOf(volume, 'name', document));
    if (!configMap || !name) continue;
    const items = itemsOf(valueOf(configMapNode, 'items', document), document);
    volumes.set(name, {
      configMap,
      ...(items.length > 0
        ? { items: new Map(items.map((item) => [text(valueOf(item, 'key', document)) ?? '', text(valueOf(item, 'path', document)) ?? ''])) }
        : {}),
    });
  }
  return volumes;
}

function readContainer(
  source: SourceText,
  document: Document.Parsed,
  container: YamlNode,
  volumes: Map<string, Omit<ConfigMapMount, 'mountPath'>>,
): ContainerObject {
  const text = (node: YamlNode | undefined) => scalarArg(source, node)?.value;
  const image = manifestValue(source, document, container, 'image');
  const configMapMounts = itemsOf(valueOf(container, 'volumeMounts', document), document).flatMap((mount): ConfigMapMount[] => {
    const volume = volumes.get(text(valueOf(mount, 'name', document)) ?? '');
    const mountPath = text(valueOf(mount, 'mountPath', document));
    const subPath = text(valueOf(mount, 'subPath', document));
    return volume && mountPath ? [{ ...volume, mountPath, ...(subPath !== undefined ? { subPath } : {}) }] : [];
  });
  return {
    name: text(valueOf(container, 'name', document)) ?? '',
    ...(image ? { image } : {}),
    hasCommand: itemsOf(valueOf(container, 'command', document), document).length > 0,
    configMapMounts,
    ports: itemsOf(valueOf(container, 'ports', document), document).flatMap((item) => {
      const containerPort = Number(text(valueOf(item, 'containerPort', document)));
      const name = text(valueOf(item, 'name', document));
      return Number.isInteger(containerPort) ? [{ ...(name ? { name } : {}), containerPort, span: spanOf(source, item) }] : [];
    }),
    args: [...itemsOf(valueOf(container, 'command', document), document), ...itemsOf(valueOf(container, 'args', document), document)].flatMap((node) => {
      const value = text(node);
      return value === undefined ? [] : [{ value, span: spanOf(source, node) }];
    }),
    span: spanOf(source, container),
  };
}

function ingressBackend(source: SourceText, document: Document.Parsed, node: YamlNode | undefined): IngressBackend | undefined {
  if (!isMap(node)) return undefined;
  const text = (value: YamlNode | undefined) => scalarArg(source, value)?.value;
  const service = valueOf(node, 'service', document);
  let serviceName: string | undefined;
  let port: string | undefined;
  if (isMap(service)) {
    serviceName = text(valueOf(service, 'name', document));
    const portNode = valueOf(service, 'port', document);
    port = text(valueOf(portNode, 'number', document)) ?? text(valueOf(portNode, 'name', document));
  } else {
    serviceName = text(valueOf(node, 'serviceName', document));
    port = text(valueOf(node, 'servicePort', document));
  }
  if (!serviceName || port === undefined) return undefined;
  return { serviceName, port: /^\d+$/.test(port) ? Number(port) : port, span: spanOf(source, node) };
}

function objectBase(source: SourceText, document: Document.Parsed, object: YamlNode, kind: string): KubernetesObjectBase {
  const metadata = valueOf(object, 'metadata', document);
  const nameNode = valueOf(metadata, 'name', document);
  const namespace = scalarArg(source, valueOf(metadata, 'namespace', document))?.value;
  return {
    kind,
    name: scalarArg(source, nameNode)?.value ?? '',
    namespace: namespace ?? 'default',
    namespaceWritten: namespace !== undefined,
    file: source.file,
    nameSpan: spanOf(source, isScalar(nameNode) ? nameNode : object),
    labels: plainMap(stringMap(source, document, valueOf(metadata, 'labels', document))),
    annotations: stringMap(source, document, valueOf(metadata, 'annotations', document)),
  };
}

/** A mapping of scalars (ConfigMap data, labels, annotations) with the span of every key and value. */
function stringMap(source: SourceText, document: Document.Parsed, node: YamlNode | undefined): Map<string, ManifestValue> {
  const out = new Map<string, ManifestValue>();
  for (const entry of entriesOf(node, document)) {
    const value = scalarArg(source, entry.value);
    const keySpan = spanOf(source, entry.keyNode);
    // A key with an empty value is the empty string to Kubernetes.
    out.set(entry.key, { value: value?.value ?? '', keySpan, valueSpan: value ? source.span(value.start, value.end) : keySpan });
  }
  return out;
}

function plainMap(values: Map<string, ManifestValue>): Map<string, string> {
  return new Map([...values].map(([key, entry]) => [key, entry.value]));
}

function manifestValue(source: SourceText, document: Document.Parsed, map: YamlNode | undefined, key: string): ManifestValue | undefined {
  const pair = entriesOf(map, document).find((entry) => entry.key === key);
  const value = scalarArg(source, pair?.value);
  if (!pair || !value) return undefined;
  return { value: value.value, keySpan: spanOf(source, pair.keyNode), valueSpan: source.span(value.start, value.end) };
}

function spanOf(source: SourceText, node: YamlNode | undefined) {
  const [start, end] = rangeOf(node) ?? [0, 0];
  return source.span(start, end);
}

/** `controller.config` and `controller.image.tag` of an ingress-nginx chart values file. */
function readHelmValues(source: SourceText, document: Document.Parsed): HelmControllerValues | undefined {
  const root = document.contents ?? undefined;
  const controller = valueOf(root, 'controller', document);
  if (!isMap(controller)) return undefined;
  const configPair = entriesOf(controller, document).find((entry) => entry.key === 'config');
  const imageTag = manifestValue(source, document, valueOf(controller, 'image', document), 'tag');
  if (!configPair && !imageTag) return undefined;
  return {
    file: source.file,
    config: stringMap(source, document, configPair?.value),
    ...(configPair ? { configSpan: spanOf(source, configPair.keyNode) } : {}),
    ...(imageTag ? { imageTag } : {}),
  };
}
