/** Every experiment, in the order `npm run lab` runs them. */
import type { Experiment } from '../harness/experiment';
import { bodySizeBackend } from './body-size-backend';
import { headerSizeBackend } from './header-size-backend';
import { lbHealthCheckUnserved } from './lb-health-check-unserved';
import { lbIdleTimeout } from './lb-idle-timeout';
import { lbIdleTimeoutTerraform } from './lb-idle-timeout-terraform';
import { listenBacklogSomaxconn } from './listen-backlog-somaxconn';
import { proxyReadTimeoutBackend } from './proxy-read-timeout-backend';
import { upstreamKeepaliveHttp10 } from './upstream-keepalive-http10';
import { upstreamKeepaliveRequests } from './upstream-keepalive-requests';
import { upstreamKeepaliveTimeout } from './upstream-keepalive-timeout';
import { upstreamKeepaliveTimeoutTomcat } from './upstream-keepalive-timeout-tomcat';
import { upstreamKeepaliveTimeoutUvicorn } from './upstream-keepalive-timeout-uvicorn';
import { upstreamSocketPermission } from './upstream-socket-permission';
import { upstreamProtocolMismatch } from './upstream-protocol-mismatch';
import { upstreamUnreachable } from './upstream-unreachable';
import { uwsgiValueUnits } from './uwsgi-value-units';
import { workerConnectionsNofile } from './worker-connections-nofile';

export const EXPERIMENTS: Experiment[] = [
  upstreamKeepaliveTimeout,
  upstreamProtocolMismatch,
  upstreamUnreachable,
  listenBacklogSomaxconn,
  headerSizeBackend,
  uwsgiValueUnits,
  bodySizeBackend,
  proxyReadTimeoutBackend,
  upstreamKeepaliveHttp10,
  upstreamSocketPermission,
  workerConnectionsNofile,
  lbIdleTimeout,
  upstreamKeepaliveTimeoutTomcat,
  upstreamKeepaliveTimeoutUvicorn,
  upstreamKeepaliveRequests,
  lbIdleTimeoutTerraform,
  lbHealthCheckUnserved,
];
