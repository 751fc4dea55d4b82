/**
 * The deployment model: everything the rules may read. Readers fill it; rules never see a
 * file or a parser. Backend and system parts join it with the readers issue.
 */
import type { NginxModel } from './nginx';
import type { NginxVersionInfo } from './nginx-version';

/** Facts about the machines that the tree does not hold, from .cfglint.json. */
export interface Environment {
  /** net.core.somaxconn; when unknown, rules assume the most permissive real value. */
  somaxconn?: number;
  /** Open-file limit of the service processes. */
  nofile?: number;
  /** Idle timeout of a load balancer in front of nginx, in milliseconds. */
  loadBalancerIdleTimeoutMs?: number;
}

export interface Deployment {
  nginx: NginxModel;
  nginxVersion: NginxVersionInfo;
  environment: Environment;
}
