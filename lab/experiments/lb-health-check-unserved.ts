/**
 * The ALB's health check against nginx, from examples/alb-health-check: the target group's path
 * and matcher as cfglint reads them from alb.tf, sent as the ALB's checker sends them (the
 * target's IP address as Host), to nginx running the example's own server blocks.
 */
import type { Experiment, Outcome } from '../harness/experiment';
import { balancerAsRead, countedLines, runHealthChecks } from '../harness/balancer';
import { exampleTree } from '../harness/examples';
import { expectListening } from '../harness/process';
import { nginxConfIncludingConfD } from './trees';

/** The ALB's default healthy threshold: a target counts as healthy after this many passes in a row. */
const CHECKS = 5;
/** The example's interval is 15 s; only the spacing of the checks depends on it. */
const INTERVAL_MS = 200;
/** The ALB's default health check timeout. */
const TIMEOUT_MS = 5000;

export const lbHealthCheckUnserved: Experiment = {
  id: 'lb-health-check-unserved',
  rule: 'lb-health-check-unserved',
  backend: 'none',
  backendLogName: 'health checker',
  expected: 'reproduces',
  setup: `examples/alb-health-check with nginx on a loopback port (its listens and the target group's port moved there); a checker as the ALB's runs the target group's health check as cfglint reads it from alb.tf (path, matcher): GET on a new connection with the target's IP address as Host; ${CHECKS} checks (the ALB's healthy threshold) ${INTERVAL_MS} ms apart (15 s in the example)`,
  async run(lab, variant): Promise<Outcome> {
    const port = await lab.port();
    lab.writeTree({
      ...exampleTree('alb-health-check', variant, [
        { file: 'nginx/conf.d/default.conf', find: 'listen 80 default_server;', replace: `listen 127.0.0.1:${port} default_server;` },
        { file: 'nginx/conf.d/shop.conf', find: 'listen 80;', replace: `listen 127.0.0.1:${port};` },
        { file: 'infra/alb.tf', find: /(resource "aws_lb_target_group" "web" \{[^}]*?\n\s*port\s*=\s*)80\n/g, replace: `$1${port}\n` },
      ]),
      'nginx/nginx.conf': nginxConfIncludingConfD(),
    });
    const balancer = balancerAsRead(lab.model);
    const { port: targetPort, healthPath, healthMatcher } = balancer.targetGroup;
    // The example writes both; AWS's defaults ("/", "200") would be the checker's otherwise.
    if (healthPath === undefined || healthMatcher === undefined) throw new Error('alb.tf must write the health check path and matcher');
    const nginx = lab.startNginx();
    await expectListening(nginx, 'nginx', '127.0.0.1', targetPort, 10000);

    const { tally, failed, log } = await runHealthChecks({
      port: targetPort,
      path: healthPath,
      matcher: healthMatcher,
      targetAddress: '127.0.0.1',
      count: CHECKS,
      intervalMs: INTERVAL_MS,
      timeoutMs: TIMEOUT_MS,
    });
    return {
      requests: tally.requests,
      failures: failed,
      statuses: tally.statuses,
      nginxLog: lab.nginxLog(),
      backendLog: countedLines(log),
      measures: { healthCheck: `${balancer.targetGroup.id} path ${healthPath} matcher ${healthMatcher}`, targetHealthy: failed === 0 },
    };
  },
};
