/**
 * Kubernetes manifests: the pod template of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController, Job or CronJob (also inside a `List`). Each container with a `command`
 * is a launch (`command` replaces the image's ENTRYPOINT, `args` its CMD; with `args` alone the
 * program is the image's, which the tree does not show). `$(NAME)` in command, args and env values
 * is substituted from the container's `env` (`$$(` stays literal); `valueFrom`/`envFrom` values are
 * unresolved. Kubernetes stops containers with SIGTERM. Pod `securityContext.sysctls` and
 * `hostNetwork` are read here for the system reader.
 */
import type { Document } from 'yaml';
import type { Launch } from './launch';
import type { Span } from '../../source/span';
import type { ReaderDiagnostic } from '../../source/diagnostic';
import { MAX_VALUE_LENGTH } from '../expansion-budget';
import type { SourceText } from '../../source/text';
import { assembleLaunch } from './assemble';
import { lookupIn, RawArg } from '../kit/raw';
import { isMap, isScalar, itemsOf, parseYaml, rangeOf, scalarArg, valueOf, YamlNode } from '../kit/yaml';

/** Where each workload kind keeps its pod spec (its pod template is the path without the last `spec`). */
export const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export interface KubernetesWorkload {
  kind: string;
  /** `metadata.name`. */
  name: string;
  document: Document.Parsed;
  podSpec: YamlNode;
  hostNetwork?: Span;
  sysctls: { name: string; value: RawArg }[];
}

export function kubernetesWorkloads(source: SourceText): { workloads: KubernetesWorkload[]; problems: ReaderDiagnostic[] } {
  const { documents, problems } = parseYaml(source);
  const workloads: KubernetesWorkload[] = [];
  const visit = (object: YamlNode | undefined, document: Document.Parsed, depth: number) => {
    if (!isMap(object) || depth > 4) return;
    const kind = scalarArg(source, valueOf(object, 'kind', document))?.value ?? '';
    if (kind === 'List') {
      for (const item of itemsOf(valueOf(object, 'items', document), document)) visit(item, document, depth + 1);
      return;
    }
    const path = POD_SPEC_PATHS[kind];
    if (!path) return;
    let podSpec: YamlNode | undefined = object;
    for (const key of path) podSpec = valueOf(podSpec, key, document);
    if (!isMap(podSpec)) return;
    const name = scalarArg(source, valueOf(valueOf(object, 'metadata', document), 'name', document))?.value ?? '';
    const hostNetworkNode = valueOf(podSpec, 'hostNetwork', document);
    const hostNetwork = isScalar(hostNetworkNode) && hostNetworkNode.value === true ? rangeOf(hostNetworkNode) : undefined;
    const sysctls: KubernetesWorkload['sysctls'] = [];
    for (const item of itemsOf(valueOf(valueOf(podSpec, 'securityContext', document), 'sysctls', document), document)) {
      const sysctlName = scalarArg(source, valueOf(item, 'name', document))?.value;
      const value = scalarArg(source, valueOf(item, 'value', document));
      if (sysctlName && value) sysctls.push({ name: sysctlName, value });
    }
    workloads.push({ kind, name, document, podSpec, sysctls, ...(hostNetwork ? { hostNetwork: source.span(hostNetwork[0], hostNetwork[1]) } : {}) });
  };
  for (const document of documents) visit(document.contents ?? undefined, document, 0);
  return { workloads, problems };
}

/** `$(NAME)` where the scan stands (sticky: no copy of the rest of the value for each character). */
const REFERENCE = /\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/y;

/**
 * `$(NAME)` references as Kubernetes expands them; `$$(NAME)` is the literal `$(NAME)`. A
 * reference whose value would take the result past 64 KiB (`B=$(A)$(A)`, `C=$(B)$(B)`, …) is
 * left unresolved.
 */
function expandReferences(raw: RawArg, env: Map<string, RawArg>, envFromOutside: boolean): RawArg {
  if (!raw.value.includes('$(')) return raw;
  let value = '';
  const offsets: number[] = [];
  const unresolved = [...raw.unresolved];
  for (let k = 0; k < raw.value.length; k++) {
    if (raw.value.startsWith('$$(', k)) {
      value += '$(';
      offsets.push(raw.offsets[k + 1], raw.offsets[k + 2]);
      k += 2;
      continue;
    }
    REFERENCE.lastIndex = k;
    const reference = raw.value[k] === '$' ? REFERENCE.exec(raw.value) : null;
    if (reference) {
      const found = env.get(reference[1]);
      if (found && found.unresolved.length === 0 && value.length + found.value.length <= MAX_VALUE_LENGTH) {
        value += found.value;
        for (let m = 0; m < found.value.length; m++) offsets.push(raw.offsets[k]);
      } else {
        // Not defined: Kubernetes leaves the reference as it is, unless envFrom may define it.
        // Defined but past the budget: not known here.
        if (found || envFromOutside) unresolved.push(reference[0]);
        value += reference[0];
        for (let m = 0; m < reference[0].length; m++) offsets.push(raw.offsets[k + m]);
      }
      k += reference[0].length - 1;
      continue;
    }
    value += raw.value[k];
    offsets.push(raw.offsets[k]);
  }
  return { ...raw, value, offsets, unresolved };
}

/**
 * A container's `env`, `$(NAME)` references expanded (a `valueFrom` value is defined but
 * unresolved), and its `envFrom` sources, which may define any other name.
 */
export function containerEnvironment(source: SourceText, container: YamlNode, document: Document.Parsed): { env: Map<string, RawArg>; externalEnv: Span[] } {
  const externalEnv = itemsOf(valueOf(container, 'envFrom', document), document).map((item) => {
    const [start, end] = rangeOf(item) ?? [0, 0];
    return source.span(start, end);
  });
  const env = new Map<string, RawArg>();
  for (const item of itemsOf(valueOf(container, 'env', document), document)) {
    const name = scalarArg(source, valueOf(item, 'name', document))?.value;
    if (!name) continue;
    const value = scalarArg(source, valueOf(item, 'value', document));
    const valueFrom = valueOf(item, 'valueFrom', document);
    if (value) env.set(name, expandReferences(value, env, externalEnv.length > 0));
    else if (valueFrom) {
      const [start, end] = rangeOf(valueFrom) ?? [0, 0];
      env.set(name, { source, value: '', offsets: [], start, end, unresolved: ['valueFrom'] });
    } else {
      const [start, end] = rangeOf(item) ?? [0, 0];
      env.set(name, { source, value: '', offsets: [], start, end, unresolved: [] });
    }
  }
  return { env, externalEnv };
}

export function kubernetesLaunches(source: SourceText, workloads: KubernetesWorkload[], problems: ReaderDiagnostic[]): Launch[] {
  const launches: Launch[] = [];
  for (const workload of workloads) {
    const { document } = workload;
    for (const container of itemsOf(valueOf(workload.podSpec, 'containers', document), document)) {
      const command = itemsOf(valueOf(container, 'command', document), document);
      if (command.length === 0) continue;
      const args = itemsOf(valueOf(container, 'args', document), document);

      const { env, externalEnv } = containerEnvironment(source, container, document);
      const words = [...command, ...args].flatMap((node) => {
        const raw = scalarArg(source, node);
        return raw ? [expandReferences(raw, env, externalEnv.length > 0)] : [];
      });
      const [start] = rangeOf(valueOf(container, 'command', document)) ?? [0, 0];
      const end = (rangeOf(valueOf(container, 'args', document)) ?? rangeOf(valueOf(container, 'command', document)) ?? [0, 0])[1];
      const containerName = scalarArg(source, valueOf(container, 'name', document))?.value;
      const workingDir = scalarArg(source, valueOf(container, 'workingDir', document));
      const launch = assembleLaunch({
        kind: 'kubernetes',
        file: source.file,
        args: words,
        env,
        lookup: lookupIn(env, 'unknown'),
        ...(workload.name ? { service: workload.name } : {}),
        span: source.span(start, Math.max(start, end)),
        stopSignal: { value: 'SIGTERM' },
        workingDirectory: workingDir,
        externalEnv,
        container: {
          hostNetwork: Boolean(workload.hostNetwork),
          ...(workload.hostNetwork ? { span: workload.hostNetwork } : {}),
          ...(containerName ? { name: containerName } : {}),
        },
        problems,
      });
      if (launch) launches.push(launch);
    }
  }
  return launches;
}
