/**
 * Load balancers in front: those Terraform and CloudFormation create (cloudLoadBalancers), and
 * layer-7 load balancers that Kubernetes manifests put in front of pods, with the idle timeout
 * after which they drop a pooled connection to a pod (sources: docs/servers/load-balancers.md). Only
 * balancers that reuse connections to the pods are listed: an NLB or a TCP listener passes each
 * client connection through, so no idle race exists there.
 */
import type { Span } from '../source/span';
import type { Setting } from '../source/setting';
import { servicesNamed, workloadsSelectedBy } from './kubernetes';
import type { Deployment } from './deployment';
import type { CloudBalancer, CloudBalancerResources, CloudTargetGroup, CloudTargetUser, CloudValue } from '../readers/cloud-balancers';
import { ALB_IDLE_TIMEOUT_SECONDS, AWS_LB_DOCS, CLB_IDLE_TIMEOUT_SECONDS } from '../reference/aws-load-balancers';
import { IngressBackend, IngressObject, KubernetesModel, ServiceObject, TargetGroupBindingObject, WorkloadObject } from '../readers/kubernetes/objects';

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
        idleTimeout:
          seconds !== undefined && attributes
            ? {
                name: 'idle_timeout.timeout_seconds',
                value: Number(seconds) * 1000,
                text: seconds,
                unit: 'ms',
                source: { kind: 'file', span: attributes.valueSpan },
              }
            : {
                name: 'idle_timeout.timeout_seconds',
                value: 60_000,
                text: '60',
                unit: 'ms',
                source: { kind: 'default', reference: 'AWS ALB connection idle timeout default 60 s (docs/servers/load-balancers.md)' },
              },
        span: attributes?.valueSpan ?? ingress.nameSpan,
        targets,
      });
    } else if (ingressClass === 'gce') {
      balancers.push({
        description: `the Google Cloud HTTP(S) load balancer of Ingress ${ingress.namespace}/${ingress.name}`,
        idleTimeout: {
          name: 'backend keepalive timeout',
          value: 600_000,
          text: '600',
          unit: 'ms',
          source: {
            kind: 'default',
            reference: 'Google Cloud external HTTP(S) load balancer: backend keepalive 600 s, fixed (docs/servers/load-balancers.md)',
          },
        },
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
    idleTimeout:
      idle && seconds !== undefined
        ? { name: 'connection-idle-timeout', value: seconds * 1000, text: String(seconds), unit: 'ms', source: { kind: 'file', span: idle.valueSpan } }
        : {
            name: 'connection-idle-timeout',
            value: 60_000,
            text: '60',
            unit: 'ms',
            source: { kind: 'default', reference: 'AWS Classic ELB idle timeout default 60 s (docs/servers/load-balancers.md)' },
          },
    span: idle?.valueSpan ?? service.nameSpan,
    targets: workloadsSelectedBy(kubernetes, service),
  };
}

function ingressTargets(kubernetes: KubernetesModel, ingress: IngressObject): WorkloadObject[] {
  const backends: IngressBackend[] = [
    ...ingress.rules.flatMap((rule) => rule.paths.map((path) => path.backend)),
    ...(ingress.defaultBackend ? [ingress.defaultBackend] : []),
  ];
  const workloads = new Set<WorkloadObject>();
  for (const backend of backends) {
    for (const service of servicesNamed(kubernetes, `${backend.serviceName}.${ingress.namespace}`)) {
      for (const workload of workloadsSelectedBy(kubernetes, service)) workloads.add(workload);
    }
  }
  return [...workloads];
}

/** The resource that creates it, in a Terraform or CloudFormation file. */
export interface CloudLoadBalancer {
  /** `the AWS ALB aws_lb.web`, for messages. */
  description: string;
  balancer: CloudBalancer;
  /** `application`, `network`, `gateway`, `classic`; undefined when written as something unknown. */
  type: string | undefined;
  /**
   * Idle timeout in milliseconds (AWS's default when not written); undefined when the value is
   * unknown (a local, a module output, a parameter without a default) or the balancer keeps no
   * HTTP connections to its targets (NLB, a classic ELB with TCP listeners only).
   */
  idleTimeout: Setting<number> | undefined;
  /** Where the idle timeout is written, else the balancer's name. */
  span: Span;
  targetGroups: LinkedTargetGroup[];
}

export interface LinkedTargetGroup {
  group: CloudTargetGroup;
  /** Ports the balancer sends to: each registered target's own, else the group's. */
  ports: CloudValue<number>[];
  /** ECS services or Auto Scaling groups that register targets in it. */
  users: CloudTargetUser[];
}

/**
 * The AWS balancers the Terraform and CloudFormation readers found, each with the target groups
 * its listeners and listener rules forward to. Links follow resource ids within one origin
 * (Terraform addresses, CloudFormation logical ids).
 */
export function cloudLoadBalancers(model: Pick<Deployment, 'cloudBalancers'>): CloudLoadBalancer[] {
  const balancers: CloudLoadBalancer[] = [];
  for (const resources of model.cloudBalancers ?? []) {
    for (const balancer of resources.balancers) {
      const listeners = resources.listeners.filter((listener) => listener.balancer === balancer.id);
      const listenerIds = new Set(listeners.map((listener) => listener.id));
      const groupIds = new Set([
        ...listeners.flatMap((listener) => listener.targetGroups),
        ...resources.listenerRules.filter((rule) => rule.listener && listenerIds.has(rule.listener)).flatMap((rule) => rule.targetGroups),
      ]);
      const targetGroups = resources.targetGroups.filter((group) => groupIds.has(group.id)).map((group) => linkGroup(resources, group));
      balancers.push({ ...describe(balancer), balancer, targetGroups });
    }
  }
  return balancers;
}

/** Target groups no balancer of the tree forwards to (the balancer is in another stack or module). */
export function unattachedTargetGroups(model: Pick<Deployment, 'cloudBalancers'>): LinkedTargetGroup[] {
  const attached = new Set(cloudLoadBalancers(model).flatMap((balancer) => balancer.targetGroups.map((linked) => linked.group)));
  return (model.cloudBalancers ?? []).flatMap((resources) =>
    resources.targetGroups.filter((group) => !attached.has(group)).map((group) => linkGroup(resources, group)),
  );
}

function linkGroup(resources: CloudBalancerResources, group: CloudTargetGroup): LinkedTargetGroup {
  const targets = resources.targets.filter((target) => target.targetGroup === group.id);
  const ports = targets.length > 0 && targets.every((target) => target.port) ? targets.map((target) => target.port!) : group.port ? [group.port] : [];
  return { group, ports, users: resources.targetUsers.filter((user) => user.targetGroup === group.id) };
}

function describe(balancer: CloudBalancer): Omit<CloudLoadBalancer, 'balancer' | 'targetGroups'> {
  const typeValue = balancer.classic
    ? 'classic'
    : balancer.type === undefined
      ? 'application'
      : balancer.type.known
        ? balancer.type.value.toLowerCase()
        : undefined;
  const name =
    typeValue === 'application' ? 'AWS ALB' : typeValue === 'network' ? 'AWS NLB' : typeValue === 'classic' ? 'AWS Classic ELB' : 'AWS load balancer';
  const description = `the ${name} ${balancer.id}`;
  const idle = balancer.idleTimeout;
  const span = idle?.span ?? balancer.span;
  // Only HTTP listeners keep connections to the targets open between requests.
  const keepsConnections =
    typeValue === 'application' ||
    (typeValue === 'classic' && balancer.classicListeners.some((listener) => listener.protocol?.known && /^https?$/i.test(listener.protocol.value)));
  if (!keepsConnections || (idle && !idle.known)) return { description, type: typeValue, idleTimeout: undefined, span };
  const classic = typeValue === 'classic';
  const idleTimeout: Setting<number> = idle?.known
    ? {
        name: classic ? 'idle_timeout' : 'idle_timeout.timeout_seconds',
        value: idle.value * 1000,
        text: idle.text,
        unit: 'ms',
        source: { kind: 'file', span: idle.span, ...(idle.via ? { via: [idle.via.span] } : {}) },
      }
    : {
        name: classic ? 'idle_timeout' : 'idle_timeout.timeout_seconds',
        value: (classic ? CLB_IDLE_TIMEOUT_SECONDS : ALB_IDLE_TIMEOUT_SECONDS) * 1000,
        text: String(classic ? CLB_IDLE_TIMEOUT_SECONDS : ALB_IDLE_TIMEOUT_SECONDS),
        unit: 'ms',
        source: {
          kind: 'default',
          reference: `AWS ${classic ? 'Classic ELB' : 'ALB'} idle timeout default ${classic ? CLB_IDLE_TIMEOUT_SECONDS : ALB_IDLE_TIMEOUT_SECONDS} s (${classic ? AWS_LB_DOCS.clbIdle : AWS_LB_DOCS.albIdle})`,
        },
      };
  return { description, type: typeValue, idleTimeout, span };
}

/** How an idle timeout came to be, for messages: `, the default of variable "idle"` / `, its default`. */
export function idleTimeoutOrigin(balancer: CloudLoadBalancer): string {
  const idle = balancer.balancer.idleTimeout;
  if (!idle) return ', its default';
  return idle.known && idle.via ? `, ${idle.via.what}` : '';
}

/** A TargetGroupBinding of the tree and what it links: a target group of the tree to a Service. */
export interface BoundTargetGroup {
  binding: TargetGroupBindingObject;
  /**
   * The target group whose name its ARN carries (`…:targetgroup/<name>/<id>`), when exactly one
   * target group of the tree has that literal name; undefined otherwise (an ARN from a template or
   * another stack, a target group whose name is a variable or AWS's invention).
   */
  group: CloudTargetGroup | undefined;
  /** The Service `serviceRef` names, in the binding's namespace, when the tree holds it. */
  service: ServiceObject | undefined;
}

const TARGET_GROUP_ARN = /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:[^:]*:targetgroup\/([^/]+)\/[0-9a-f]+$/i;

/**
 * The tree's TargetGroupBindings, each with its target group and Service where the tree says
 * which. Terraform and CloudFormation leave the ARN to AWS, but its name part is the group's
 * `name`, unique within an account and region: that is the link.
 */
export function targetGroupBindings(model: Pick<Deployment, 'cloudBalancers' | 'kubernetes'>): BoundTargetGroup[] {
  const groups = (model.cloudBalancers ?? []).flatMap((resources) => resources.targetGroups);
  return model.kubernetes.targetGroupBindings.map((binding) => {
    const name = binding.targetGroupArn ? TARGET_GROUP_ARN.exec(binding.targetGroupArn.value.trim())?.[1] : undefined;
    const named = name === undefined ? [] : groups.filter((group) => group.name?.known && group.name.value === name);
    const ref = binding.serviceRef;
    const services = ref ? model.kubernetes.services.filter((service) => service.name === ref.name && service.namespace === binding.namespace) : [];
    return { binding, group: named.length === 1 ? named[0] : undefined, service: services.length === 1 ? services[0] : undefined };
  });
}
