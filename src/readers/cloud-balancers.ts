/**
 * The AWS load-balancer resources the Terraform and CloudFormation readers fill, as written:
 * each value known (a literal, or a variable's / parameter's literal default, which says so) or
 * unknown with the reason. src/model/load-balancers.ts links them (listener → target group →
 * balancer) and applies AWS's defaults.
 */
import type { Span } from '../source/span';

/** Where a known value came from when it is not written in place. */
export interface ValueVia {
  /** `variable "server_port"` / `parameter LoadBalancerIdleTimeout`. */
  what: string;
  /** The default's value, in the variable or parameter. */
  span: Span;
}

export type CloudValue<T> = { known: true; value: T; text: string; span: Span; via?: ValueVia } | { known: false; reason: string; span: Span };

export type CloudOrigin = 'terraform' | 'cloudformation';

interface CloudResource {
  origin: CloudOrigin;
  /** `aws_lb.main` (Terraform address) or `LoadBalancer` (CloudFormation logical id). */
  id: string;
  file: string;
  /** The resource's name label or logical id. */
  span: Span;
  /** Set when `count`/`for_each`/`Condition` may create it zero or many times. */
  conditional?: boolean;
}

export interface CloudBalancer extends CloudResource {
  /** `application` (ALB), `network`, `gateway`, or `classic` (ELB). */
  type: CloudValue<string> | undefined;
  classic: boolean;
  /** Seconds, as written; undefined when not written (AWS's default applies). */
  idleTimeout: CloudValue<number> | undefined;
  /** Classic ELB: listeners carry the instance port; its one health check is the balancer's. */
  classicListeners: ClassicListener[];
  classicHealthCheck?: HealthCheck;
}

export interface ClassicListener {
  port: CloudValue<number> | undefined;
  protocol: CloudValue<string> | undefined;
  instancePort: CloudValue<number> | undefined;
  instanceProtocol: CloudValue<string> | undefined;
  span: Span;
}

export interface CloudListener extends CloudResource {
  /** The balancer it belongs to: a resource id, or undefined when it comes from elsewhere. */
  balancer: string | undefined;
  port: CloudValue<number> | undefined;
  protocol: CloudValue<string> | undefined;
  /** Target groups its default actions forward to (resource ids). */
  targetGroups: string[];
}

/** A listener rule: more target groups reached through a listener. */
export interface CloudListenerRule extends CloudResource {
  listener: string | undefined;
  targetGroups: string[];
}

export interface HealthCheck {
  /** The `health_check` / `HealthCheck*` keys, or the balancer's name when none is written. */
  span: Span;
  enabled: CloudValue<boolean> | undefined;
  path: CloudValue<string> | undefined;
  /** A port number, or `traffic-port`. */
  port: CloudValue<string> | undefined;
  protocol: CloudValue<string> | undefined;
  /** `200`, `200-299`, `200,302`. */
  matcher: CloudValue<string> | undefined;
  interval: CloudValue<number> | undefined;
}

export interface CloudTargetGroup extends CloudResource {
  /** `name` / `Name`: the name part of its ARN (`…:targetgroup/<name>/<id>`); absent, AWS makes one up. */
  name: CloudValue<string> | undefined;
  port: CloudValue<number> | undefined;
  protocol: CloudValue<string> | undefined;
  /** `instance` (AWS's default), `ip`, `lambda`, `alb`. */
  targetType: CloudValue<string> | undefined;
  healthCheck: HealthCheck;
}

/** A registered target (`aws_lb_target_group_attachment`, `Targets:`), with its own port if it has one. */
export interface CloudTarget {
  origin: CloudOrigin;
  targetGroup: string;
  port: CloudValue<number> | undefined;
  span: Span;
}

/**
 * What else sends a target group's traffic somewhere cfglint cannot see: an ECS service
 * (container port mapping) or an Auto Scaling group (instances).
 */
export interface CloudTargetUser {
  targetGroup: string;
  kind: 'ecs-service' | 'autoscaling-group';
  /** ECS: the container port the balancer reaches. */
  containerPort?: CloudValue<number>;
  span: Span;
}

export interface CloudBalancerResources {
  balancers: CloudBalancer[];
  listeners: CloudListener[];
  listenerRules: CloudListenerRule[];
  targetGroups: CloudTargetGroup[];
  targets: CloudTarget[];
  targetUsers: CloudTargetUser[];
}

export function emptyCloudResources(): CloudBalancerResources {
  return { balancers: [], listeners: [], listenerRules: [], targetGroups: [], targets: [], targetUsers: [] };
}
