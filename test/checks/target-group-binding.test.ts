/**
 * lb-target-unserved and lb-health-check-unserved on target groups that an AWS Load Balancer
 * Controller TargetGroupBinding fills with a Service's pods. Each case is a tree on disk under
 * target-group-binding/{accept,reject}/<case>/, linted as the CLI lints a directory; expected
 * positions are found in the case's own files.
 */
import { readFileSync, rmSync } from 'fs';
import { cpSync, mkdtempSync, realpathSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { lintSync } from '../../src/engine/run';
import type { Finding } from '../../src/engine/findings';

const FIXTURES = join(__dirname, 'target-group-binding');
const RULES = ['lb-target-unserved', 'lb-health-check-unserved'];
const READER_PROBLEMS = ['internal-error', 'read-error', 'yaml-syntax', 'terraform-syntax', 'cloudformation-syntax', 'nginx-syntax', 'invalid-value'];

function lintCase(dir: string): Finding[] {
  return lintSync({ paths: ['.'], cwd: dir, config: {} }).report.findings;
}

/** Line and column (1-based) where `value` starts in the first `<key><value>` of a case's file. */
function valueAt(caseDir: string, file: string, key: string, value: string): { line: number; column: number } {
  const text = readFileSync(join(caseDir, file), 'utf8');
  const offset = text.indexOf(`${key}${value}`);
  if (offset === -1) throw new Error(`"${key}${value}" not in ${file}`);
  const before = text.slice(0, offset + key.length).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function own(findings: Finding[]) {
  return findings.filter((finding) => RULES.includes(finding.ruleId));
}

function where(finding: Finding | { span: Finding['primary'] }) {
  const span = 'span' in finding ? finding.span : finding.primary;
  return { file: span.file, line: span.start.line, column: span.start.column };
}

describe.each(['served', 'served-by-port-name', 'arn-names-another-group', 'group-name-variable', 'instance-target-health-port', 'binding-only-host-nginx'])(
  'accepts %s',
  (name) => {
    it('gives no finding of either rule and reads cleanly', () => {
      const findings = lintCase(join(FIXTURES, 'accept', name));
      expect(findings.filter((finding) => READER_PROBLEMS.includes(finding.ruleId))).toEqual([]);
      expect(own(findings)).toEqual([]);
    });
  },
);

describe('what the accept cases stand for', () => {
  it('arn-names-another-group has the same broken targetPort as reject/target-port-unserved: only the ARN keeps it silent', () => {
    const broken = readFileSync(join(FIXTURES, 'reject/target-port-unserved/k8s/shop.yaml'), 'utf8');
    const unresolved = readFileSync(join(FIXTURES, 'accept/arn-names-another-group/k8s/shop.yaml'), 'utf8');
    expect(unresolved).toBe(broken.replace('targetgroup/shop-web/', 'targetgroup/shop-api/'));
  });

  it("group-name-variable has the broken targetPort too: the target group's name is unknown, so the ARN resolves to nothing", () => {
    const read = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
    expect(read('accept/group-name-variable/k8s/shop.yaml')).toBe(read('reject/target-port-unserved/k8s/shop.yaml'));
    expect(read('accept/group-name-variable/infra/alb.tf')).toContain('name        = var.target_group_name');
  });

  it('instance-target-health-port is reject/health-port-unserved with instance targets: the check goes to the node', () => {
    const read = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
    expect(read('accept/instance-target-health-port/infra/alb.tf')).toBe(
      read('reject/health-port-unserved/infra/alb.tf').replace('target_type = "ip"', 'target_type = "instance"'),
    );
    expect(read('accept/instance-target-health-port/k8s/shop.yaml')).toBe(read('reject/health-port-unserved/k8s/shop.yaml').replace('  targetType: ip\n', ''));
  });

  it('binding-only-host-nginx: without the binding, the host nginx is judged and port 8080 is unserved', () => {
    const copy = realpathSync(mkdtempSync(join(tmpdir(), 'cfglint-tgb-')));
    try {
      cpSync(join(FIXTURES, 'accept/binding-only-host-nginx'), copy, { recursive: true });
      rmSync(join(copy, 'k8s'), { recursive: true });
      const findings = own(lintCase(copy));
      expect(findings.map((finding) => [finding.ruleId, finding.messageId])).toEqual([['lb-target-unserved', 'nothingListens']]);
      expect(where(findings[0])).toEqual({ file: 'infra/alb.tf', ...valueAt(copy, 'infra/alb.tf', 'port        = ', '8080') });
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('rejects', () => {
  it('target-port-unserved: the Service sends to 8080, gunicorn in the pod binds 8000', () => {
    const dir = join(FIXTURES, 'reject/target-port-unserved');
    const findings = own(lintCase(dir));
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect([finding.ruleId, finding.messageId, finding.severity]).toEqual(['lb-target-unserved', 'nothingOnTargetPort', 'error']);
    expect(where(finding)).toEqual({ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', 'targetPort: ', '8080') });
    expect(finding.message).toBe(
      'The load balancer reaches port 8080 of Deployment shop (target group aws_lb_target_group.web through Service shop/shop port 80), but gunicorn in that pod listens on 0.0.0.0:8000',
    );
    expect(finding.help).toContain("Set the Service's targetPort to the port the backend binds, or bind port 8080");
    expect(finding.related.map((related) => [where(related), related.label])).toEqual([
      [{ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', '    port: ', '80\n  targetGroupARN') }, 'TargetGroupBinding shop-web uses this Service port'],
      [{ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', '"--bind", "', '0.0.0.0:8000') }, 'gunicorn listens on 0.0.0.0:8000'],
    ]);
  });

  it('service-port-missing: serviceRef names port 8080 of a Service that has only 80', () => {
    const dir = join(FIXTURES, 'reject/service-port-missing');
    const [finding, ...rest] = own(lintCase(dir));
    expect(rest).toEqual([]);
    expect([finding.ruleId, finding.messageId]).toEqual(['lb-target-unserved', 'serviceHasNoPort']);
    expect(where(finding)).toEqual({ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', '    port: ', '8080') });
    expect(finding.message).toBe(
      'The TargetGroupBinding shop/shop-web fills target group aws_lb_target_group.web from port 8080 of Service shop/shop, which has no such port (its ports: 80)',
    );
    expect(finding.related.map((related) => where(related))).toEqual([
      { file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', 'kind: Service\nmetadata:\n  name: ', 'shop') },
    ]);
  });

  it('target-port-unnamed: the Service targets a port name no container declares', () => {
    const dir = join(FIXTURES, 'reject/target-port-unnamed');
    const [finding, ...rest] = own(lintCase(dir));
    expect(rest).toEqual([]);
    expect([finding.ruleId, finding.messageId]).toEqual(['lb-target-unserved', 'targetPortUnnamed']);
    expect(where(finding)).toEqual({ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', 'targetPort: ', 'web-http') });
    expect(finding.message).toContain('targets the container port named "web-http", which no container of Deployment shop declares');
  });

  it('health-port-unserved: ip targets checked on port 9000, where the pods listen on nothing', () => {
    const dir = join(FIXTURES, 'reject/health-port-unserved');
    const [finding, ...rest] = own(lintCase(dir));
    expect(rest).toEqual([]);
    expect([finding.ruleId, finding.messageId, finding.severity]).toEqual(['lb-health-check-unserved', 'healthPortUnserved', 'warning']);
    expect(where(finding)).toEqual({ file: 'infra/alb.tf', ...valueAt(dir, 'infra/alb.tf', 'port    = ', '"9000"') });
    expect(finding.message).toBe(
      'The health check on port 9000 (target group aws_lb_target_group.web, filled with pods of Deployment shop by TargetGroupBinding shop/shop-web) gets no answer: gunicorn in those pods listens on 0.0.0.0:8000',
    );
    expect(finding.related.map((related) => [where(related), related.label])).toEqual([
      [{ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', 'targetType: ', 'ip') }, 'targetType ip: the checker connects to the pods'],
      [{ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', '"--bind", "', '0.0.0.0:8000') }, 'gunicorn listens here'],
    ]);
  });

  it('cloudformation-loopback: the group from a CloudFormation Name, gunicorn bound to the pod loopback', () => {
    const dir = join(FIXTURES, 'reject/cloudformation-loopback');
    const [finding, ...rest] = own(lintCase(dir));
    expect(rest).toEqual([]);
    expect([finding.ruleId, finding.messageId]).toEqual(['lb-target-unserved', 'nothingOnTargetPort']);
    // targetPort `http` is container port 8000: the port matches, the address does not.
    expect(where(finding)).toEqual({ file: 'k8s/shop.yaml', ...valueAt(dir, 'k8s/shop.yaml', 'targetPort: ', 'http') });
    expect(finding.message).toContain('(target group ShopWeb through Service shop/shop port 80), but gunicorn in that pod listens on 127.0.0.1:8000');
    expect(finding.help).toContain("Bind 0.0.0.0:8000 instead of 127.0.0.1:8000: a pod's loopback is not reachable from the balancer or the node");
  });
});
