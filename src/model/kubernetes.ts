/**
 * Kubernetes objects that decide where a request goes: Services (which pods, which port),
 * workloads (pod labels, container ports), Ingresses and the ingress-nginx controller's
 * ConfigMap (src/readers/kubernetes/objects.ts holds their shape). Here: the questions asked of
 * them; src/model/ingress-nginx.ts turns the ingress side into nginx settings, and
 * src/model/links.ts follows Service → pod → container.
 */
import { KubernetesModel, ServiceObject, ServicePort, WorkloadObject } from '../readers/kubernetes/objects';

/** Whether every key of `selector` is a label with the same value. */
export function selectorMatches(selector: Map<string, string>, labels: Map<string, string>): boolean {
  if (selector.size === 0) return false;
  for (const [key, value] of selector) if (labels.get(key) !== value) return false;
  return true;
}

/**
 * The Services a host name can mean: `web`, `web.shop`, `web.shop.svc`,
 * `web.shop.svc.cluster.local`. A bare name resolves in the client's namespace, which the tree
 * may not say: it matches a Service of that name in any namespace when exactly one has it.
 */
export function servicesNamed(model: KubernetesModel, host: string, clientNamespace?: string): ServiceObject[] {
  const parts = host.toLowerCase().replace(/\.$/, '').split('.');
  const [name, namespace, svc, ...rest] = parts;
  if (svc !== undefined && svc !== 'svc') return [];
  if (rest.length > 0 && rest.join('.') !== 'cluster.local') return [];
  const named = indexOf(model).servicesByName.get(name) ?? [];
  if (namespace !== undefined) return named.filter((service) => service.namespace === namespace);
  if (clientNamespace !== undefined) return named.filter((service) => service.namespace === clientNamespace);
  return named.length === 1 ? named : [];
}

/** The workloads whose pods a Service selects (same namespace, labels match). */
export function workloadsSelectedBy(model: KubernetesModel, service: ServiceObject): WorkloadObject[] {
  const index = indexOf(model);
  let selected = index.selected.get(service);
  if (!selected) {
    const [first] = service.selector;
    const candidates = first ? (index.workloadsByLabel.get(labelKey(service.namespace, first[0], first[1])) ?? []) : [];
    selected = candidates.filter((workload) => selectorMatches(service.selector, workload.podLabels));
    index.selected.set(service, selected);
  }
  return selected;
}

/** Lookups built once per model: a tree can hold thousands of Services and workloads. */
interface KubernetesIndex {
  servicesByName: Map<string, ServiceObject[]>;
  /** namespace, label name and value → the workloads whose pods carry that label. */
  workloadsByLabel: Map<string, WorkloadObject[]>;
  selected: Map<ServiceObject, WorkloadObject[]>;
}

const indexes = new WeakMap<KubernetesModel, KubernetesIndex>();

function labelKey(namespace: string, name: string, value: string): string {
  return `${namespace}\0${name}\0${value}`;
}

function indexOf(model: KubernetesModel): KubernetesIndex {
  let index = indexes.get(model);
  if (!index) {
    index = { servicesByName: new Map(), workloadsByLabel: new Map(), selected: new Map() };
    for (const service of model.services) {
      const list = index.servicesByName.get(service.name);
      if (list) list.push(service);
      else index.servicesByName.set(service.name, [service]);
    }
    for (const workload of model.workloads) {
      for (const [name, value] of workload.podLabels) {
        const key = labelKey(workload.namespace, name, value);
        const list = index.workloadsByLabel.get(key);
        if (list) list.push(workload);
        else index.workloadsByLabel.set(key, [workload]);
      }
    }
    indexes.set(model, index);
  }
  return index;
}

/**
 * The pod port a Service port's targetPort means: the number as written, or the first port of
 * that name among the pod's containers, in order (Kubernetes' FindPort, pkg/api/v1/pod/util.go).
 * The containers of a pod share its network, so the name may be declared on another container
 * than the one that listens (TandoorRecipes/recipes names gunicorn's port on its nginx sidecar).
 */
export function resolveTargetPort(port: ServicePort, workload: WorkloadObject): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  for (const container of workload.containers) {
    const named = container.ports.find((candidate) => candidate.name === port.targetPort);
    if (named) return named.containerPort;
  }
  return undefined;
}

/** The Service port that `port` (a number or a port name, as an Ingress or a URL gives it) means. */
export function servicePort(service: ServiceObject, port: number | string): ServicePort | undefined {
  return typeof port === 'number' ? service.ports.find((candidate) => candidate.port === port) : service.ports.find((candidate) => candidate.name === port);
}
