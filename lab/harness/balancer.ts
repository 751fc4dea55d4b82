/**
 * The load balancer's side, on loopback: a keep-alive HTTP proxy that stands in for an ALB
 * towards its targets, and a health checker that sends what an ALB's checker sends. What they
 * are configured with comes from the tree through cfglint's readers (balancerAsRead), so an
 * experiment fed from Terraform runs the values cfglint judged, not a second copy of them.
 */
import * as http from 'http';
import type { Deployment } from '../../src/model/deployment';
import type { CloudValue } from '../../src/readers/cloud-balancers';
import type { LabRun } from './experiment';
import { request, Tally } from './load';
import { sleep } from './process';

export interface KeepAliveBalancerOptions {
  /** Where the stand-in accepts clients, on 127.0.0.1. */
  port: number;
  /** nginx (or the relay before it), on 127.0.0.1. */
  targetPort: number;
  /** How long a pooled connection to the target may stay idle before the stand-in closes it. */
  idleTimeoutMs: number;
  /** Pooled connections to the target at most. */
  maxSockets: number;
}

/**
 * Starts the stand-in: each client request is sent on a pooled keep-alive connection to the
 * target (the most recently used first, as a busy balancer reuses its warm connections), and a
 * failed upstream connection is answered with 502, as ALB does. Returns the stand-in's log,
 * one line per 502; the lab run closes it.
 */
export async function startKeepAliveBalancer(lab: LabRun, options: KeepAliveBalancerOptions): Promise<string[]> {
  const pool = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets, timeout: options.idleTimeoutMs, scheduling: 'lifo' });
  const log: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: options.targetPort,
          method: req.method,
          path: req.url,
          agent: pool,
          headers: { 'content-length': String(body.length) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502);
          answer.pipe(res);
        },
      );
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        log.push(`502: ${error.code ?? error.message} on a reused connection to nginx`);
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', () => resolve()));
  lab.onCleanup(
    () =>
      new Promise<void>((resolve) => {
        pool.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return log;
}

/** `line (3×)` for repeated lines, in first-seen order. */
export function countedLines(lines: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].map(([line, count]) => (count > 1 ? `${line} (${count}×)` : line));
}

/** The one AWS balancer of a lab tree and its one target group, as cfglint's readers read them. */
export interface BalancerAsRead {
  /** `aws_lb.web`. */
  id: string;
  /** Seconds; undefined when the tree does not write it (AWS's default would apply). */
  idleTimeoutSeconds: number | undefined;
  /** `variable "idle_timeout"` when the value is a variable's default. */
  idleTimeoutVia: string | undefined;
  targetGroup: {
    id: string;
    port: number;
    healthPath: string | undefined;
    healthMatcher: string | undefined;
  };
}

/**
 * Reads the balancer from the model cfglint built for the tree. A lab tree holds exactly one
 * balancer and one target group with literal values: anything else is a mistake in the
 * experiment, not a finding, and ends the run.
 */
export function balancerAsRead(model: Deployment | undefined): BalancerAsRead {
  const resources = (model?.cloudBalancers ?? []).filter((found) => found.balancers.length > 0 || found.targetGroups.length > 0);
  const balancers = resources.flatMap((found) => found.balancers);
  const groups = resources.flatMap((found) => found.targetGroups);
  if (balancers.length !== 1 || groups.length !== 1)
    throw new Error(`the lab tree must define one balancer and one target group; cfglint read ${balancers.length} and ${groups.length}`);
  const [balancer] = balancers;
  const [group] = groups;
  const idle = balancer.idleTimeout;
  return {
    id: balancer.id,
    idleTimeoutSeconds: idle ? known(idle, `${balancer.id} idle_timeout`) : undefined,
    idleTimeoutVia: idle?.known ? idle.via?.what : undefined,
    targetGroup: {
      id: group.id,
      port: known(group.port, `${group.id} port`),
      healthPath: group.healthCheck.path ? known(group.healthCheck.path, `${group.id} health check path`) : undefined,
      healthMatcher: group.healthCheck.matcher ? known(group.healthCheck.matcher, `${group.id} health check matcher`) : undefined,
    },
  };
}

function known<T>(value: CloudValue<T> | undefined, what: string): T {
  if (!value) throw new Error(`cfglint read no ${what} in the lab tree`);
  if (!value.known) throw new Error(`cfglint could not read ${what} in the lab tree: ${value.reason}`);
  return value.value;
}

/**
 * Whether an ALB matcher (`200`, `200-299`, `200,302`) accepts a status. Written here, apart from
 * cfglint's own reading of matchers, so that the lab does not grade cfglint with cfglint.
 */
export function matcherAcceptsStatus(matcher: string, status: number): boolean {
  return matcher.split(',').some((part) => {
    const range = /^\s*(\d{3})\s*-\s*(\d{3})\s*$/.exec(part);
    if (range) return status >= Number(range[1]) && status <= Number(range[2]);
    return /^\s*\d{3}\s*$/.test(part) && Number(part) === status;
  });
}

export interface HealthCheckOptions {
  port: number;
  path: string;
  matcher: string;
  /** The target's IP address, which the checker sends as Host. */
  targetAddress: string;
  count: number;
  intervalMs: number;
  timeoutMs: number;
}

/**
 * `count` health checks as an ALB's checker runs them: a GET of the path on a new connection,
 * the target's IP address as Host, the checker's User-Agent, a timeout; a check passes when the
 * status is one the matcher accepts. No answer at all (nginx's `return 444` closes the
 * connection) fails it too.
 */
export async function runHealthChecks(options: HealthCheckOptions): Promise<{ tally: Tally; failed: number; log: string[] }> {
  const tally = new Tally();
  const log: string[] = [];
  let failed = 0;
  for (let check = 0; check < options.count; check++) {
    if (check > 0) await sleep(options.intervalMs);
    const { outcome } = await request({
      port: options.port,
      path: options.path,
      headers: { host: options.targetAddress, 'user-agent': 'ELB-HealthChecker/2.0' },
      timeoutMs: options.timeoutMs,
    });
    tally.add(outcome);
    const passed = typeof outcome === 'number' && matcherAcceptsStatus(options.matcher, outcome);
    if (!passed) failed++;
    const got =
      outcome === 'error' ? 'no answer (connection closed)' : outcome === 'timeout' ? `no answer within ${options.timeoutMs / 1000} s` : `status ${outcome}`;
    log.push(`GET ${options.path} (Host: ${options.targetAddress}): ${got}, ${passed ? 'passes' : 'fails'} matcher "${options.matcher}"`);
  }
  return { tally, failed, log };
}
