/**
 * The idle race of lb-idle-timeout with the balancer written in Terraform: the tree is
 * examples/alb-terraform-idle, and the stand-in's idle timeout is the one cfglint's Terraform
 * reader reads there (`idle_timeout = var.idle_timeout`, the variable's default), not a number
 * of the lab's. The example's minutes are scaled to seconds so that a run stays bounded.
 */
import type { Experiment, Outcome } from '../harness/experiment';
import { balancerAsRead, countedLines, startKeepAliveBalancer } from '../harness/balancer';
import { exampleTree } from '../harness/examples';
import { burstsAfterIdleGaps } from '../harness/load';
import { expectListening } from '../harness/process';
import { GAPS_MS, PARALLEL, RELAY_DELAY_MS } from './lb-idle-timeout';
import { nginxConfIncludingConfD } from './trees';

/** The example's 120 s, scaled; nginx's 75 s default and the fix's 125 s become 1 s and 4 s. */
const IDLE_TIMEOUT_SECONDS = 3;

export const lbIdleTimeoutTerraform: Experiment = {
  id: 'lb-idle-timeout-terraform',
  rule: 'lb-idle-timeout',
  backend: 'none',
  backendLogName: 'load balancer',
  expected: 'reproduces',
  // A race: a loaded machine can miss the window in one run.
  attempts: 3,
  setup: `examples/alb-terraform-idle scaled to seconds: variable "idle_timeout" default ${IDLE_TIMEOUT_SECONDS} (120 in the example); the keep-alive HTTP proxy standing in for the ALB takes its idle timeout from what cfglint's Terraform reader reads there; ${RELAY_DELAY_MS} ms relay before nginx; broken: keepalive_timeout 1s (for nginx's 75 s default), fixed: keepalive_timeout 4s (the example's 125s); ${GAPS_MS.length} rounds of ${PARALLEL} parallel POSTs, idle gaps ${GAPS_MS[0] / 1000}–${GAPS_MS[GAPS_MS.length - 1] / 1000} s`,
  async run(lab, variant): Promise<Outcome> {
    const nginxPort = await lab.port(['127.0.0.1', '127.0.0.2']);
    const lbPort = await lab.port();
    const site = 'nginx/conf.d/site.conf';
    lab.writeTree({
      ...exampleTree('alb-terraform-idle', variant, [
        { file: 'infra/variables.tf', find: /(variable "idle_timeout" \{[^}]*?default\s*=\s*)120\n/g, replace: `$1${IDLE_TIMEOUT_SECONDS}\n` },
        { file: 'infra/alb.tf', find: /(resource "aws_lb_target_group" "web" \{[^}]*?\n\s*port\s*=\s*)80\n/g, replace: `$1${nginxPort}\n` },
        // nginx behind the relay, which listens on 127.0.0.1 with the same port (see relay.ts).
        { file: site, find: 'listen 80;', replace: `listen 127.0.0.2:${nginxPort};` },
        // No backend runs: nginx answers itself, as in lb-idle-timeout.
        { file: site, find: /proxy_pass http:\/\/127\.0\.0\.1:8080;\n\s*proxy_set_header Host \$host;/g, replace: 'return 200 "ok\\n";' },
        variant === 'broken'
          ? { file: site, find: 'server_name shop.example.com;', replace: 'server_name shop.example.com;\n    keepalive_timeout 1s;' }
          : { file: site, find: 'keepalive_timeout 125s;', replace: 'keepalive_timeout 4s;' },
      ]),
      'nginx/nginx.conf': nginxConfIncludingConfD(),
    });
    const balancer = balancerAsRead(lab.model);
    if (balancer.idleTimeoutSeconds === undefined) throw new Error(`cfglint read no idle_timeout for ${balancer.id}`);
    const nginx = lab.startNginx();
    await lab.relay({ listenHost: '127.0.0.1', targetHost: '127.0.0.2', port: nginxPort, delayMs: RELAY_DELAY_MS });
    await expectListening(nginx, 'nginx', '127.0.0.2', nginxPort, 10000);

    const lbLog = await startKeepAliveBalancer(lab, {
      port: lbPort,
      targetPort: balancer.targetGroup.port,
      idleTimeoutMs: balancer.idleTimeoutSeconds * 1000,
      maxSockets: PARALLEL,
    });
    const post = { port: lbPort, method: 'POST', path: '/', body: 'x=1' };
    const { tally, failingGapsMs } = await burstsAfterIdleGaps(post, PARALLEL, GAPS_MS);
    return {
      requests: tally.requests,
      failures: tally.failures,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: countedLines(lbLog),
      measures: {
        balancerIdleTimeout: `${balancer.idleTimeoutSeconds} s (${balancer.id}${balancer.idleTimeoutVia ? `, ${balancer.idleTimeoutVia}` : ''}, as cfglint read it)`,
        idleGapsWithFailuresMs: failingGapsMs.join(', ') || 'none',
      },
    };
  },
};
