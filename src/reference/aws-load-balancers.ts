/**
 * AWS Elastic Load Balancing defaults that apply when a Terraform or CloudFormation resource does
 * not set a value (docs/servers/load-balancers.md, with the AWS pages).
 */
export const AWS_LB_DOCS = {
  albIdle: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout',
  clbIdle: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-idle-timeout.html',
  targetGroupHealth: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html',
  clbHealth: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-healthchecks.html',
} as const;

/** ALB idle timeout when `idle_timeout` / `idle_timeout.timeout_seconds` is absent. */
export const ALB_IDLE_TIMEOUT_SECONDS = 60;
/** Classic ELB idle timeout when `idle_timeout` / `ConnectionSettings.IdleTimeout` is absent. */
export const CLB_IDLE_TIMEOUT_SECONDS = 60;

/** Target group health check defaults (HTTP/HTTPS target groups of an ALB). */
export const TARGET_GROUP_HEALTH_DEFAULTS = {
  path: '/',
  port: 'traffic-port',
  /** ALB: 200; NLB with an HTTP check: 200-399. */
  albMatcher: '200',
  nlbMatcher: '200-399',
  /** Seconds, for instance/ip targets of an ALB. */
  interval: 30,
} as const;

/**
 * Whether `status` is accepted by a matcher: `200`, `200,302`, `200-299`. Undefined when the
 * matcher is not of that form.
 */
export function matcherAccepts(matcher: string, status: number): boolean | undefined {
  const parts = matcher.split(',').map((part) => part.trim());
  let accepted = false;
  for (const part of parts) {
    const range = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!range) return undefined;
    const low = Number(range[1]);
    const high = range[2] ? Number(range[2]) : low;
    if (status >= low && status <= high) accepted = true;
  }
  return accepted;
}
