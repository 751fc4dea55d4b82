/** The Kubernetes objects the manifest reader fills (src/model/kubernetes.ts asks questions of them). */
import type { Span } from '../../source/span';

/** A string value as written in a manifest, with the spans of its key and value. */
export interface ManifestValue {
  value: string;
  keySpan: Span;
  valueSpan: Span;
}

export interface KubernetesObjectBase {
  kind: string;
  name: string;
  /** `metadata.namespace`; `default` when the manifest does not say (kubectl's default). */
  namespace: string;
  namespaceWritten: boolean;
  file: string;
  /** `metadata.name` (or the object's start when it has no name). */
  nameSpan: Span;
  labels: Map<string, string>;
  annotations: Map<string, ManifestValue>;
}

export interface ConfigMapObject extends KubernetesObjectBase {
  kind: 'ConfigMap';
  data: Map<string, ManifestValue>;
  /** The `data:` key, where a missing key would go. */
  dataSpan?: Span;
}

export interface ServicePort {
  name?: string;
  port: number;
  /** A number, or the name of a container port; defaults to `port`. */
  targetPort: number | string;
  span: Span;
  /** The written targetPort's value; absent when it defaults to `port`. */
  targetPortSpan?: Span;
}

export interface ServiceObject extends KubernetesObjectBase {
  kind: 'Service';
  type: string;
  /** `spec.loadBalancerClass`: a controller other than the cloud provider's builds the load balancer. */
  loadBalancerClass?: string;
  /** Empty when the Service has no selector (its endpoints are managed by hand). */
  selector: Map<string, string>;
  ports: ServicePort[];
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  span: Span;
}

/** A ConfigMap volume a container mounts: all its keys under `mountPath`, or one (`subPath`) at it. */
export interface ConfigMapMount {
  /** The ConfigMap's name, as the pod's volume names it. */
  configMap: string;
  mountPath: string;
  subPath?: string;
  /** The volume's `items`: key → path under the mount; only these keys appear. */
  items?: Map<string, string>;
}

export interface ContainerObject {
  name: string;
  image?: ManifestValue;
  ports: ContainerPort[];
  /** Whether the container sets `command` (which replaces the image's entrypoint). */
  hasCommand: boolean;
  configMapMounts: ConfigMapMount[];
  /** `args` as written (the controller's `--configmap=…` flags). */
  args: { value: string; span: Span }[];
  span: Span;
}

export interface WorkloadObject extends KubernetesObjectBase {
  /** Deployment, StatefulSet, DaemonSet, Pod, … */
  podLabels: Map<string, string>;
  containers: ContainerObject[];
  /** `hostNetwork: true`: the pod's containers use the node's network namespace. */
  hostNetwork: boolean;
}

/**
 * A ConfigMap entry a kustomization generates from a file of the tree (`configMapGenerator:
 * files:`). kustomize rewrites the references to the generator's name in the resources it builds
 * (namePrefix and hash suffix added to both sides), so a workload of those resources that names
 * the ConfigMap gets this file.
 */
export interface GeneratedConfigMapFile {
  /** The generator's `name`, as the resources' volumes name it. */
  configMap: string;
  /** The key: the file's base name, or the `key=` written before the path. */
  key: string;
  /** Display path of the tree file. */
  file: string;
  /** The kustomization file. */
  kustomization: string;
  /** Display paths of the kustomization's `resources` (files, or directories holding them). */
  resources: string[];
}

/** `service: {name, port: {number | name}}` (networking.k8s.io/v1) or `serviceName`/`servicePort` (v1beta1). */
export interface IngressBackend {
  serviceName: string;
  port: number | string;
  span: Span;
}

export interface IngressPath {
  path: string;
  backend: IngressBackend;
  span: Span;
}

export interface IngressRule {
  host?: string;
  paths: IngressPath[];
}

export interface IngressObject extends KubernetesObjectBase {
  kind: 'Ingress';
  /** `spec.ingressClassName`, else the `kubernetes.io/ingress.class` annotation. */
  ingressClass?: string;
  defaultBackend?: IngressBackend;
  rules: IngressRule[];
}

/**
 * An AWS Load Balancer Controller TargetGroupBinding (`elbv2.k8s.aws`): the controller registers
 * the endpoints of a Service in a target group made elsewhere (Terraform, CloudFormation).
 */
export interface TargetGroupBindingObject extends KubernetesObjectBase {
  kind: 'TargetGroupBinding';
  /** `spec.targetGroupARN` as written. */
  targetGroupArn?: ManifestValue;
  /** `spec.targetType`: `ip` (pod addresses) or `instance` (node ports); else the target group's. */
  targetType?: ManifestValue;
  /** `spec.serviceRef`; `port` is a port number or name of the Service. */
  serviceRef?: { name: string; port: number | string; span: Span; portSpan: Span };
}

/** `controller.config` and `controller.image` of a values file for the ingress-nginx Helm chart. */
export interface HelmControllerValues {
  file: string;
  config: Map<string, ManifestValue>;
  configSpan?: Span;
  imageTag?: ManifestValue;
}

export interface KubernetesModel {
  configMaps: ConfigMapObject[];
  services: ServiceObject[];
  workloads: WorkloadObject[];
  ingresses: IngressObject[];
  targetGroupBindings: TargetGroupBindingObject[];
  helmValues: HelmControllerValues[];
  generatedConfigMapFiles: GeneratedConfigMapFile[];
}

export function emptyKubernetesModel(): KubernetesModel {
  return { configMaps: [], services: [], workloads: [], ingresses: [], targetGroupBindings: [], helmValues: [], generatedConfigMapFiles: [] };
}
