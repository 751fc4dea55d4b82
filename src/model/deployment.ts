/**
 * The deployment model: everything the rules may read. Readers fill it; rules never see a
 * file or a parser.
 */
import type { Backend } from './backend';
import type { SystemLimit } from '../readers/backend';
import type { ComposeContainer } from '../readers/launch/launch';
import type { KubernetesModel } from '../readers/kubernetes/objects';
import type { CloudBalancerResources } from '../readers/cloud-balancers';
import type { Launch } from '../readers/launch/launch';
import type { NginxModel } from './nginx';
import type { NginxVersionInfo } from '../reference/nginx/version';
import type { SourceText } from '../source/text';

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
  /** Every process start the tree describes (systemd, Dockerfile, compose, Procfile, scripts). */
  launches: Launch[];
  /** Every compose service, started from the tree or not, with its project, mounts and ports. */
  compose: ComposeContainer[];
  /** Every Gunicorn, uWSGI, uvicorn, Tomcat and Spring Boot server the tree configures. */
  backends: Backend[];
  /** somaxconn and open-file limits, with whom they apply to. */
  limits: SystemLimit[];
  /** Services, workloads, Ingresses and the ingress-nginx controller's configuration. */
  kubernetes: KubernetesModel;
  /** AWS load-balancer resources from Terraform and CloudFormation, one set per reader (src/model/load-balancers.ts links them). */
  cloudBalancers?: CloudBalancerResources[];
  /**
   * Server configs the tree holds in a form cfglint does not read (a uWSGI config in YAML): a
   * server runs there, where it listens is unknown, so no address is called unserved.
   */
  unreadServerConfigs: { server: string; file: string }[];
  /**
   * Display paths of the deployments the user declared (`deployments` in .cfglint.json): an
   * address never links from one to another.
   */
  deploymentRoots?: string[];
  /**
   * Where the tree leaves it open which of several backends serves an address, which one this
   * view of the model links (0-based; see src/model/scopes.ts). The engine runs the rules once per
   * alternative.
   */
  linkAlternative?: number;
  /**
   * The text of each backend and system file read, by display path: only for fixes, which write a
   * line next to a setting with its indentation and line break (src/source/edit.ts).
   */
  sourceTexts?: ReadonlyMap<string, SourceText>;
}
