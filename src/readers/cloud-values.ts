/** Value shapes both AWS readers (Terraform, CloudFormation) decode the same way. */
import type { CloudValue, HealthCheck } from './cloud-balancers';

/**
 * A classic ELB health check target, `PROTOCOL:PORT[/PATH]` (`HTTP:80/index.html`, `TCP:22`):
 * its parts, each spanning the whole target string.
 */
export function classicHealthTarget(target: CloudValue<string> | undefined): Pick<HealthCheck, 'path' | 'port' | 'protocol'> {
  if (!target) return { path: undefined, port: undefined, protocol: undefined };
  if (!target.known) return { path: target, port: target, protocol: target };
  const match = /^([A-Za-z]+):(\d+)(\/.*)?$/.exec(target.value.trim());
  if (!match) {
    const unknown = { known: false as const, reason: `"${target.text}" is not PROTOCOL:PORT/PATH`, span: target.span };
    return { path: unknown, port: unknown, protocol: unknown };
  }
  const part = (value: string): CloudValue<string> => ({ known: true, value, text: value, span: target.span, ...(target.via ? { via: target.via } : {}) });
  const protocol = match[1].toUpperCase();
  return {
    protocol: part(protocol),
    port: part(match[2]),
    // TCP and SSL checks only connect: they have no path.
    path: match[3] !== undefined && (protocol === 'HTTP' || protocol === 'HTTPS') ? part(match[3]) : undefined,
  };
}
