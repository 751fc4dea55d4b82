/**
 * The Kubernetes pods an nginx config runs in, and what else runs beside it there. A pod is one
 * network namespace shared by its containers (Kubernetes' pod networking model: "containers within
 * a Pod share ... network namespaces, including the IP address and network ports"), so an nginx
 * sidecar's loopback reaches the pod's own containers and nothing outside the pod (not
 * `hostNetwork`, which puts the pod on the node's network).
 *
 * nginx is placed in a pod by the ConfigMap that carries its file into an nginx directory of a
 * container: one the manifest writes (`data: default.conf: |`, the entry that holds the
 * directive), or one a kustomization generates from a file of the tree (`configMapGenerator:
 * files:`) for the resources it builds.
 */
import type { Span } from '../source/span';
import type { Backend } from './backend';
import type { ConfigMapMount, ContainerObject, KubernetesModel, WorkloadObject } from '../readers/kubernetes/objects';
import { backendLaunches } from './listen-backlog';
import { inNginxDirectory } from './compose';
import type { Launch } from '../readers/launch/launch';
import { imageName, sameImage } from '../readers/docker/build-context';

/** A pod that runs an nginx config: its workload and the containers that mount the config. */
export interface NginxPod {
  workload: WorkloadObject;
  nginxContainers: ContainerObject[];
}

/** Where a ConfigMap entry is placed by a mount, or undefined when the mount leaves it out. */
function mountedAt(mount: ConfigMapMount, key: string): string | undefined {
  const relative = mount.items ? mount.items.get(key) : key;
  if (!relative) return undefined;
  if (mount.subPath !== undefined) return mount.subPath === relative ? mount.mountPath : undefined;
  return `${mount.mountPath.replace(/\/+$/, '')}/${relative}`;
}

function inResources(file: string, resources: string[]): boolean {
  return resources.some((resource) => file === resource || file.startsWith(`${resource}/`) || resource === '.');
}

/**
 * The pods whose containers mount, into one of nginx's directories, a ConfigMap entry that holds
 * one of `spans` (the directive that names an address, the pass, the includes that lead to it).
 */
export function podsRunningNginx(kubernetes: KubernetesModel, spans: Span[]): NginxPod[] {
  // The ConfigMaps (by name) and keys that hold the spans, with the workloads that may mount them.
  const entries: { configMap: string; key: string; mayMount: (workload: WorkloadObject) => boolean }[] = [];
  for (const span of spans) {
    for (const configMap of kubernetes.configMaps) {
      if (configMap.file !== span.file) continue;
      for (const [key, value] of configMap.data) {
        if (value.valueSpan.start.offset <= span.start.offset && span.start.offset < value.valueSpan.end.offset)
          entries.push({ configMap: configMap.name, key, mayMount: (workload) => workload.namespace === configMap.namespace });
      }
    }
    for (const generated of kubernetes.generatedConfigMapFiles) {
      if (generated.file === span.file)
        entries.push({ configMap: generated.configMap, key: generated.key, mayMount: (workload) => inResources(workload.file, generated.resources) });
    }
  }
  if (entries.length === 0) return [];
  const pods: NginxPod[] = [];
  for (const workload of kubernetes.workloads) {
    const nginxContainers = workload.containers.filter((container) =>
      container.configMapMounts.some((mount) =>
        entries.some((entry) => {
          if (mount.configMap !== entry.configMap || !entry.mayMount(workload)) return false;
          const at = mountedAt(mount, entry.key);
          return at !== undefined && inNginxDirectory(at);
        }),
      ),
    );
    if (nginxContainers.length > 0) pods.push({ workload, nginxContainers });
  }
  return pods;
}

/**
 * Whether a container runs, by its image's own command, the image a Dockerfile launch is built as
 * (`Launch.builtAs`). A tag the manifest leaves to a variable (`app:$TAG`, filled in before it is
 * applied) may be any of the repository's.
 */
function runsImageOf(container: ContainerObject, launch: Launch): boolean {
  if (container.hasCommand || !container.image || !launch.builtAs) return false;
  const name = imageName(container.image.value);
  if (!name) return false;
  const wanted = name.tag?.includes('$') ? { repository: name.repository } : name;
  return launch.builtAs.some((built) => sameImage(built, wanted));
}

/**
 * Whether the tree shows a backend running in one of the pods: a container's command starts it,
 * or the command of an image the tree builds that a container runs, or nothing starts it and its
 * config is a ConfigMap entry mounted into the pod (the image's own command reads it there).
 */
export function runsInPods(backend: Backend, pods: NginxPod[]): boolean {
  const launches = backendLaunches(backend);
  if (launches.length === 0) return pods.some(({ workload }) => backend.file.startsWith(`${workload.file}#${workload.name}/`));
  return launches.some((launch) => startsInPods(launch, pods));
}

/** Whether a launch starts its process in one of the pods: a container's command, or the command of the image a container runs. */
export function startsInPods(launch: Launch, pods: NginxPod[]): boolean {
  return pods.some(({ workload }) =>
    launch.kind === 'kubernetes'
      ? launch.file === workload.file && (launch.service ?? '') === workload.name
      : launch.kind === 'dockerfile' && workload.containers.some((container) => runsImageOf(container, launch)),
  );
}

/**
 * Whether a container of the pods runs what the tree does not show: one beside nginx with neither
 * a `command` nor an image the tree builds (its image's own entrypoint may serve any port).
 */
export function podsRunUnknown(pods: NginxPod[], launches: Launch[]): boolean {
  return pods.some(({ workload, nginxContainers }) =>
    workload.containers.some(
      (container) =>
        !nginxContainers.includes(container) &&
        !container.hasCommand &&
        !launches.some((launch) => launch.kind === 'dockerfile' && runsImageOf(container, launch)),
    ),
  );
}
