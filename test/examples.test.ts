/**
 * The runnable trees in examples/: every broken tree reports exactly the rules its README names
 * (listed here by hand), and every fixed tree lints with no finding at warning or above.
 */
import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { lintSync } from '../src/engine/run';
import { SEVERITY_RANK } from '../src/source/span';

const ROOT = join(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');

/** Rule ids each broken tree must report, one entry per finding, sorted. */
const BROKEN: Record<string, string[]> = {
  // `/` and `/api/` both drop Connection "" (nginx 1.26, before 1.29.7).
  'keepalive-http10': ['upstream-keepalive-http10', 'upstream-keepalive-http10'],
  // nginx's 60s default against gunicorn gthread's 2s keepalive.
  'keepalive-timeout-gunicorn': ['upstream-keepalive-timeout'],
  // The same race in a compose project: `server web:8000;` names the service whose command runs gunicorn gthread.
  'compose-keepalive-gunicorn': ['upstream-keepalive-timeout'],
  // The seed 001 story on Kubernetes: ingress-nginx's upstream-keepalive-timeout default (60) against gunicorn gthread's 2s.
  'ingress-keepalive-gunicorn': ['upstream-keepalive-timeout'],
  // Tomcat's stock connector: keepAliveTimeout 20s < 60s (nginx 1.24). Its maxKeepAliveRequests
  // 100 < 1000 is reported too, but as info since the lab found it harmless (docs/evidence.md).
  'keepalive-timeout-tomcat': ['upstream-keepalive-timeout'],
  // The seed 000 story: proxy_read_timeout 600s in front of gunicorn sync workers killed at 30s.
  'read-timeout-gunicorn': ['proxy-read-timeout-backend'],
  // proxy_pass to a uWSGI `socket`.
  'protocol-mismatch-uwsgi': ['upstream-protocol-mismatch'],
  // worker_connections 10000 under the nginx.service drop-in's LimitNOFILE=1024.
  'nginx-nofile': ['worker-connections-nofile'],
  // The seed 002 story: uWSGI listen = 2000 over net.core.somaxconn = 128 in /etc/sysctl.conf.
  'uwsgi-listen-somaxconn': ['listen-backlog-somaxconn'],
  // nginx's 60s default against uvicorn's --timeout-keep-alive default of 5s (issue 14).
  'uvicorn-keepalive': ['upstream-keepalive-timeout'],
  // The official image renders templates/default.conf.template with the compose environment:
  // keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT} becomes 60s against gunicorn gthread's 2s (issue 15).
  'envsubst-template': ['upstream-keepalive-timeout'],
  // Terraform ALB idle_timeout = var.idle_timeout (default 120) against nginx's default 75s (issue 19).
  'alb-terraform-idle': ['lb-idle-timeout'],
  // The ALB's health check reaches the catch-all default server, which returns 444 (issue 19).
  'alb-health-check': ['lb-health-check-unserved'],
  // The seed 003 story: the compose nginx behind the ALB has no restart policy, the app has one.
  'compose-restart': ['service-restart-policy'],
};

const examples = readdirSync(EXAMPLES)
  .filter((name) => statSync(join(EXAMPLES, name)).isDirectory())
  .sort();

function lint(dir: string) {
  // An empty config: what the tree says, not a .cfglint.json that happens to be above it.
  return lintSync({ paths: [dir], cwd: ROOT, config: {} }).report.findings;
}

describe('examples', () => {
  it('lists every example here, and each has a README, broken/ and fixed/', () => {
    expect(examples).toEqual(Object.keys(BROKEN).sort());
    for (const name of examples) {
      for (const part of ['README.md', 'broken', 'fixed']) expect([name, existsSync(join(EXAMPLES, name, part))]).toEqual([name, true]);
    }
  });

  describe.each(examples)('%s', (name) => {
    it('broken/ reports the rules its README names (info findings on untouched defaults aside)', () => {
      const findings = lint(`examples/${name}/broken`).filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning);
      expect(findings.map((f) => f.ruleId).sort()).toEqual(BROKEN[name]);
    });

    it('fixed/ has no finding at warning or above', () => {
      const findings = lint(`examples/${name}/fixed`);
      const serious = findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning);
      expect(serious.map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}: ${f.message}`)).toEqual([]);
    });
  });
});

describe('compose-keepalive-gunicorn', () => {
  it("reports the race at the upstream's keepalive line, naming the gunicorn command of the web service", () => {
    const [finding] = lint('examples/compose-keepalive-gunicorn/broken').filter((f) => f.ruleId === 'upstream-keepalive-timeout');
    // app.conf line 4 is `keepalive 16;`; docker-compose.yml line 14 is the web service's command.
    expect(`${finding.primary.file}:${finding.primary.start.line}`).toBe('examples/compose-keepalive-gunicorn/broken/nginx/conf.d/app.conf:4');
    expect(finding.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toContain('examples/compose-keepalive-gunicorn/broken/docker-compose.yml:14');
  });
});

describe('envsubst-template', () => {
  it("reports the race at the template's placeholder line, with the value the compose environment gives", () => {
    const [finding] = lint('examples/envsubst-template/broken').filter((f) => f.ruleId === 'upstream-keepalive-timeout');
    // default.conf.template line 6 is `keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT};`, which
    // docker-compose.yml sets to 60s; line 18 there is the web service's gunicorn command.
    expect(`${finding.primary.file}:${finding.primary.start.line}`).toBe('examples/envsubst-template/broken/templates/default.conf.template:6');
    expect(finding.message).toContain('60s');
    expect(finding.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toContain('examples/envsubst-template/broken/docker-compose.yml:18');
  });
});

describe('compose-restart', () => {
  it("reports the nginx service's key as a warning, naming the balancer that sends to its port", () => {
    const [finding] = lint('examples/compose-restart/broken').filter((f) => f.ruleId === 'service-restart-policy');
    // docker-compose.yml line 2 is `  nginx:`; the app service (line 11) has `restart: always` and is not reported.
    expect(`${finding.primary.file}:${finding.primary.start.line}:${finding.primary.start.column}`).toBe(
      'examples/compose-restart/broken/docker-compose.yml:2:3',
    );
    expect(finding.severity).toBe('warning');
    expect(finding.message).toContain('behind the AWS ALB aws_lb.web');
  });
});

describe('alb-terraform-idle', () => {
  it('names the variable whose default gives the idle timeout, and points at it', () => {
    const [finding] = lint('examples/alb-terraform-idle/broken').filter((f) => f.ruleId === 'lb-idle-timeout');
    expect(finding.message).toContain('120s (the AWS ALB aws_lb.web, the default of variable "idle_timeout")');
    // alb.tf line 6 is `idle_timeout = var.idle_timeout`.
    expect(finding.related.map((r) => `${r.span.file}:${r.span.start.line}`)).toContain('examples/alb-terraform-idle/broken/infra/alb.tf:6');
  });
});
