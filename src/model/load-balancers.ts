/**
 * Layer-7 load balancers that Kubernetes manifests put in front of pods, with the idle timeout
 * after which they drop a pooled connection to a pod (sources: docs/servers/load-balancers.md). Only
 * balancers that reuse connections to the pods are listed: an NLB or a TCP listener passes each
 * client connection through, so no idle race exists there.
 */
import type { Span } from '../source/span';
import type { Setting } from '../source/setting';
import { servicesNamed, workloadsSelectedBy } from './kubernetes';
import { IngressBackend, IngressObject, KubernetesModel, ServiceObject, WorkloadObject } from '../readers/kubernetes/objects';

export interface KubernetesLoadBalancer {
  /** `AWS ALB of Ingress shop/web`, for messages. */
  description: string;
  /** Idle timeout towards the pods, in milliseconds, with where it comes from. */
  idleTimeout: Setting<number>;
  /** The Ingress or Service that creates it. */
  span: Span;
  /** The workloads whose pods it sends requests to. */
  targets: WorkloadObject[];
}

const AWS_ANNOTATION = 'service.beta.kubernetes.io/';
const ALB_ATTRIBUTES = 'alb.ingress.kubernetes.io/load-balancer-attributes';

export function kubernetesLoadBalancers(kubernetes: KubernetesModel): KubernetesLoadBalancer[] {
  const balancers: KubernetesLoadBalancer[] = [];
  for (const ingress of kubernetes.ingresses) {
    const ingressClass = ingress.ingressClass?.toLowerCase();
    const targets = ingressTargets(kubernetes, ingress);
    if (ingressClass === 'alb') {
      const attributes = ingress.annotations.get(ALB_ATTRIBUTES);
      const seconds = attributes ? /(?:^|,)\s*idle_timeout\.timeout_seconds\s*=\s*(\d+)\s*(?:,|$)/.exec(attributes.value)?.[1] : undefined;
      balancers.push({
        description: `the AWS ALB of Ingress ${ingress.namespace}/${ingress.name}`,
        idleTimeout: seconds !== undefined && attributes
          ? { name: 'idle_timeout.timeout_seconds', value: Number(seconds) * 1000, text: seconds, unit: 'ms', source: { kind: 'file', span: attributes.valueSpan } }
          : { name: 'idle_timeout.timeout_seconds', value: 60_000, text: '60', unit: 'ms', source: { kind: 'default', reference: 'AWS ALB connection idle timeout default 60 s (docs/servers/load-balancers.md)' } },
        span: attributes?.valueSpan ?? ingress.nameSpan,
        targets,
      });
    } else if (ingressClass === 'gce') {
      balancers.push({
        description: `the Google Cloud HTTP(S) load balancer of Ingress ${ingress.namespace}/${ingress.name}`,
        idleTimeout: { name: 'backend keepalive timeout', value: 600_000, text: '600', unit: 'ms', source: { kind: 'default', reference: 'Google Cloud external HTTP(S) load balancer: backend keepalive 600 s, fixed (docs/servers/load-balancers.md)' } },
        span: ingress.nameSpan,
        targets,
      });
    }
  }
  for (const service of kubernetes.services) {
    const balancer = classicElb(kubernetes, service);
    if (balancer) balancers.push(balancer);
  }
  return balancers.filter((balancer) => balancer.targets.length > 0);
}

/**
 * A Classic ELB with HTTP(S) listeners: what the AWS cloud provider builds for a LoadBalancer
 * Service that asks for `backend-protocol: http` (or `https` with a certificate) and names no
 * other load balancer type or class.
 */
function classicElb(kubernetes: KubernetesModel, service: ServiceObject): KubernetesLoadBalancer | undefined {
  if (service.type !== 'LoadBalancer' || service.loadBalancerClass) return undefined;
  const annotation = (name: string) => service.annotations.get(`${AWS_ANNOTATION}${name}`);
  if (annotation('aws-load-balancer-type')) return undefined;
  const backendProtocol = annotation('aws-load-balancer-backend-protocol')?.value.trim().toLowerCase();
  const layer7 = backendProtocol === 'http' || (backendProtocol === 'https' && annotation('aws-load-balancer-ssl-cert') !== undefined);
  if (!layer7) return undefined;
  const idle = annotation('aws-load-balancer-connection-idle-timeout');
  const seconds = idle && /^\s*\d+\s*$/.test(idle.value) ? Number(idle.value) : undefined;
  return {
    description: `the AWS Classic ELB of Service ${service.namespace}/${service.name} (HTTP listeners)`,
    idleTimeout: idle && seconds !== undefined
      ? { name: 'connection-idle-timeout', value: seconds * 1000, text: String(seconds), unit: 'ms', source: { kind: 'file', span: idle.valueSpan } }
      : { name: 'connection-idle-timeout', value: 60_000, text: '60', unit: 'ms', source: { kind: 'default', reference: 'AWS Classic ELB idle timeout default 60 s (docs/servers/load-balancers.md)' } },
    span: idle?.valueSpan ?? service.nameSpan,
    targets: workloadsSelectedBy(kubernetes, service),
  };
}

function ingressTargets(kubernetes: KubernetesModel, ingress: IngressObject): WorkloadObject[] {
  const backends: IngressBackend[] = [...ingress.rules.flatMap((rule) => rule.paths.map((path) => path.backend)), ...(ingress.defaultBackend ? [ingress.defaultBackend] : [])];
  const workloads = new Set<WorkloadObject>();
  for (const backend of backends) {
    for (const service of servicesNamed(kubernetes, `${backend.serviceName}.${ingress.namespace}`)) {
      for (const workload of workloadsSelectedBy(kubernetes, service)) workloads.add(workload);
    }
  }
  return [...workloads];
}
