/**
 * The balancer's side of the lab without any server: the matcher the health checker grades
 * with, the checker against an in-process HTTP server on loopback, what the stand-ins take from
 * cfglint's reading of a Terraform tree, and the example trees adapted for a run.
 */
import * as http from 'http';
import { balancerAsRead, countedLines, matcherAcceptsStatus, runHealthChecks } from '../../lab/harness/balancer';
import { exampleTree } from '../../lab/harness/examples';
import { lintLabRun } from '../../lab/harness/lint';
import { freePort } from '../../lab/harness/ports';
import { writeTree } from '../disk-tree';

describe('matcherAcceptsStatus', () => {
  it('reads single codes, ranges and lists as an ALB matcher', () => {
    expect(matcherAcceptsStatus('200', 200)).toBe(true);
    expect(matcherAcceptsStatus('200', 204)).toBe(false);
    expect(matcherAcceptsStatus('200-299', 299)).toBe(true);
    expect(matcherAcceptsStatus('200-299', 300)).toBe(false);
    expect(matcherAcceptsStatus('200,302', 302)).toBe(true);
    expect(matcherAcceptsStatus('200, 301-302', 301)).toBe(true);
    expect(matcherAcceptsStatus('200,302', 301)).toBe(false);
  });
});

describe('countedLines', () => {
  it('counts repeats in first-seen order', () => {
    expect(countedLines(['b', 'a', 'b', 'b'])).toEqual(['b (3×)', 'a']);
  });
});

describe('runHealthChecks', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A target that answers by Host: only requests for shop.example.com get 200. */
  async function target(): Promise<{ port: number; seen: { host?: string; agent?: string; path?: string }[] }> {
    const port = await freePort();
    const seen: { host?: string; agent?: string; path?: string }[] = [];
    server = http.createServer((req, res) => {
      seen.push({ host: req.headers.host, agent: req.headers['user-agent'], path: req.url });
      if (req.headers.host === 'shop.example.com') res.writeHead(200).end('ok');
      else req.socket.destroy(); // as nginx's `return 444`
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    return { port, seen };
  }

  it("sends the target's address as Host and the checker's agent, and fails a check without an answer", async () => {
    const { port, seen } = await target();
    const result = await runHealthChecks({ port, path: '/health', matcher: '200', targetAddress: '127.0.0.1', count: 2, intervalMs: 10, timeoutMs: 2000 });
    expect(seen).toEqual([
      { host: '127.0.0.1', agent: 'ELB-HealthChecker/2.0', path: '/health' },
      { host: '127.0.0.1', agent: 'ELB-HealthChecker/2.0', path: '/health' },
    ]);
    expect(result.failed).toBe(2);
    expect(result.tally.statuses).toEqual({ error: 2 });
    expect(result.log).toEqual([
      'GET /health (Host: 127.0.0.1): no answer (connection closed), fails matcher "200"',
      'GET /health (Host: 127.0.0.1): no answer (connection closed), fails matcher "200"',
    ]);
  });

  it('passes a check whose status the matcher accepts, and fails one it does not', async () => {
    const { port } = await target();
    const passing = await runHealthChecks({ port, path: '/', matcher: '200-399', targetAddress: 'shop.example.com', count: 1, intervalMs: 0, timeoutMs: 2000 });
    expect(passing.failed).toBe(0);
    expect(passing.log).toEqual(['GET / (Host: shop.example.com): status 200, passes matcher "200-399"']);
    const strict = await runHealthChecks({ port, path: '/', matcher: '204', targetAddress: 'shop.example.com', count: 1, intervalMs: 0, timeoutMs: 2000 });
    expect(strict.failed).toBe(1);
  });
});

describe('balancerAsRead', () => {
  const alb = (idle: string) => `resource "aws_lb" "web" {
  load_balancer_type = "application"
${idle}}

resource "aws_lb_target_group" "web" {
  port     = 8081
  protocol = "HTTP"
  health_check {
    path    = "/up"
    matcher = "200-299"
  }
}
`;

  it("takes the idle timeout from a variable's default, with the variable named, and the target group's health check", () => {
    const dir = writeTree({
      'infra/alb.tf': alb('  idle_timeout = var.idle\n'),
      'infra/variables.tf': 'variable "idle" {\n  default = 7\n}\n',
    });
    expect(balancerAsRead(lintLabRun(dir, 'lb-idle-timeout').model)).toEqual({
      id: 'aws_lb.web',
      idleTimeoutSeconds: 7,
      idleTimeoutVia: 'the default of variable "idle"',
      targetGroup: { id: 'aws_lb_target_group.web', port: 8081, healthPath: '/up', healthMatcher: '200-299' },
    });
  });

  it('leaves an idle timeout the tree does not write undefined (AWS default), and refuses one it cannot know', () => {
    expect(balancerAsRead(lintLabRun(writeTree({ 'alb.tf': alb('') }), 'lb-idle-timeout').model).idleTimeoutSeconds).toBeUndefined();
    const unknown = writeTree({ 'alb.tf': alb('  idle_timeout = local.idle\n') });
    expect(() => balancerAsRead(lintLabRun(unknown, 'lb-idle-timeout').model)).toThrow('could not read aws_lb.web idle_timeout in the lab tree');
  });

  it('refuses a tree without exactly one balancer and one target group', () => {
    const dir = writeTree({ 'nginx/nginx.conf': 'events {}\nhttp { server { listen 8080; } }\n' });
    expect(() => balancerAsRead(lintLabRun(dir, 'lb-idle-timeout').model)).toThrow('cfglint read 0 and 0');
  });
});

describe('exampleTree', () => {
  it('reads an example variant and applies each adaptation the stated number of times', () => {
    const files = exampleTree('alb-health-check', 'fixed', [
      { file: 'nginx/conf.d/default.conf', find: 'listen 80 default_server;', replace: 'listen 127.0.0.1:9 default_server;' },
    ]);
    expect(Object.keys(files).sort()).toEqual(['infra/alb.tf', 'nginx/conf.d/default.conf', 'nginx/conf.d/shop.conf']);
    expect(files['nginx/conf.d/default.conf']).toContain('listen 127.0.0.1:9 default_server;');
    expect(files['nginx/conf.d/default.conf']).not.toContain('listen 80');
  });

  it('fails when an adaptation no longer matches the example, or matches more often than stated', () => {
    expect(() => exampleTree('alb-health-check', 'broken', [{ file: 'nginx/conf.d/shop.conf', find: 'listen 81;', replace: '' }])).toThrow(
      'examples/alb-health-check/broken/nginx/conf.d/shop.conf: listen 81; found 0 times, expected 1',
    );
    expect(() => exampleTree('alb-health-check', 'broken', [{ file: 'infra/alb.tf', find: '= 80', replace: '= 1' }])).toThrow('found 2 times, expected 1');
    expect(() => exampleTree('alb-health-check', 'broken', [{ file: 'missing.conf', find: 'x', replace: '' }])).toThrow('has no missing.conf');
  });
});
