/** The Terraform reader: balancer resources, values with spans, variables, links, syntax errors. */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { readTree } from '../../../src/engine/read-tree';
import { cloudLoadBalancers } from '../../../src/model/load-balancers';
import { lintTree } from '../../harness';

function read(tree: MemoryTree) {
  const result = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
  return { resources: result.model.cloudBalancers![0], balancers: cloudLoadBalancers(result.model), diagnostics: result.diagnostics };
}

const MAIN = `resource "aws_lb" "web" {
  name         = "web"
  idle_timeout = 300
}

resource "aws_lb_target_group" "app" {
  port     = var.app_port
  protocol = "HTTP"
  health_check {
    path    = "/healthz"
    matcher = "200-299"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
`;

describe('Terraform reader', () => {
  test('an ALB, its listener and target group, linked, with the variable default used and named', () => {
    const { resources, balancers } = read({ 'infra/main.tf': MAIN, 'infra/variables.tf': 'variable "app_port" {\n  default = 8080\n}\n' });
    expect(resources.balancers.map((b) => b.id)).toEqual(['aws_lb.web']);
    expect(resources.balancers[0].idleTimeout).toMatchObject({ known: true, value: 300, span: { file: 'infra/main.tf', start: { line: 3, column: 18 } } });
    const group = resources.targetGroups[0];
    expect(group.port).toMatchObject({
      known: true,
      value: 8080,
      via: { what: 'the default of variable "app_port"', span: { file: 'infra/variables.tf', start: { line: 2, column: 13 } } },
    });
    expect(group.healthCheck.path).toMatchObject({ known: true, value: '/healthz', span: { start: { line: 10, column: 15 } } });
    expect(group.healthCheck.matcher).toMatchObject({ value: '200-299' });
    expect(resources.listeners[0]).toMatchObject({ balancer: 'aws_lb.web', targetGroups: ['aws_lb_target_group.app'] });
    expect(balancers).toHaveLength(1);
    expect(balancers[0].idleTimeout).toMatchObject({ value: 300_000, source: { kind: 'file' } });
    expect(balancers[0].targetGroups.map((linked) => linked.group.id)).toEqual(['aws_lb_target_group.app']);
    expect(balancers[0].targetGroups[0].ports.map((port) => port.known && port.value)).toEqual([8080]);
  });

  test('unknown values say why: no default, a local, a function, a module passing the variable', () => {
    const { resources } = read({
      'modules/alb/main.tf':
        'resource "aws_lb" "a" {\n  idle_timeout = var.idle\n}\nresource "aws_lb_target_group" "t" {\n  port = local.port\n  protocol = coalesce(var.proto, "HTTP")\n}\n',
      'modules/alb/variables.tf': 'variable "idle" {\n  default = 60\n}\nvariable "proto" {}\n',
      'env/main.tf': 'module "alb" {\n  source = "../modules/alb"\n  idle   = 400\n}\n',
    });
    expect(resources.balancers[0].idleTimeout).toMatchObject({ known: false, reason: 'variable "idle": module "alb" in env/main.tf sets it' });
    expect(resources.targetGroups[0].port).toMatchObject({ known: false, reason: expect.stringContaining('local.port is not a literal') });
    expect(resources.targetGroups[0].protocol).toMatchObject({ known: false, reason: 'an expression cfglint does not evaluate' });
  });

  test('a classic ELB: listeners and the PROTOCOL:PORT/PATH health check', () => {
    const { resources, balancers } = read({
      'elb.tf':
        'resource "aws_elb" "front" {\n  listener {\n    lb_port = 80\n    lb_protocol = "http"\n    instance_port = 8000\n    instance_protocol = "http"\n  }\n  health_check {\n    target = "HTTP:8000/ping"\n    interval = 30\n  }\n}\n',
    });
    const elb = resources.balancers[0];
    expect(elb.classic).toBe(true);
    expect(elb.classicListeners[0].instancePort).toMatchObject({ value: 8000 });
    expect(elb.classicHealthCheck).toMatchObject({ path: { value: '/ping' }, port: { value: '8000' }, protocol: { value: 'HTTP' }, interval: { value: 30 } });
    expect(balancers[0].idleTimeout).toMatchObject({ value: 60_000, source: { kind: 'default' } });
  });

  test('legacy aws_alb names, 0.11 interpolation, attachments with their own port, dynamic health checks', () => {
    const { resources, balancers } = read({
      'lb.tf': [
        'resource "aws_alb" "main" {}',
        'resource "aws_alb_target_group" "app" {',
        '  port = "80"',
        '  dynamic "health_check" {',
        '    for_each = var.checks',
        '    content {',
        '      path = health_check.value.path',
        '    }',
        '  }',
        '}',
        'resource "aws_alb_listener" "front" {',
        '  load_balancer_arn = "${aws_alb.main.id}"',
        '  default_action {',
        '    target_group_arn = "${aws_alb_target_group.app.id}"',
        '  }',
        '}',
        'resource "aws_lb_target_group_attachment" "one" {',
        '  target_group_arn = aws_alb_target_group.app.arn',
        '  port = 8081',
        '}',
        '',
      ].join('\n'),
    });
    expect(resources.targetGroups[0].healthCheck.path).toMatchObject({ known: false, reason: 'written by a dynamic "health_check" block' });
    expect(balancers[0].targetGroups[0].ports.map((p) => p.known && p.value)).toEqual([8081]);
  });

  test('a .tf.json file is read like HCL', () => {
    const json = JSON.stringify({ resource: { aws_lb: { api: { idle_timeout: 90 } } }, variable: { x: { default: 1 } } }, null, 2);
    const { resources } = read({ 'main.tf.json': json });
    expect(resources.balancers[0]).toMatchObject({ id: 'aws_lb.api', idleTimeout: { known: true, value: 90 } });
  });

  test('syntax errors are terraform-syntax findings with positions; the file adds nothing', () => {
    const findings = lintTree({
      name: 'broken',
      tree: {
        'a.tf': 'resource "aws_lb" "x" {\n  idle_timeout =\n}\n',
        'b.tf': '{\n  "resource": {}\n}\n',
        'c.tf.json': '# HCL here\nresource "aws_lb" "y" {}\n',
        'd.tf.json': '{ "resource": ',
      },
    });
    const syntax = findings
      .filter((f) => f.ruleId === 'terraform-syntax')
      .map((f) => [f.primary.file, f.primary.start.line, f.primary.start.column, f.severity]);
    expect(syntax).toEqual([
      ['a.tf', 2, 17, 'error'],
      ['b.tf', 1, 1, 'error'],
      ['c.tf.json', 1, 1, 'error'],
      ['d.tf.json', 1, 15, 'error'],
    ]);
    expect(findings.find((f) => f.primary.file === 'b.tf')?.message).toContain('JSON syntax');
    expect(read({ 'a.tf': 'resource "aws_lb" "x" {\n  idle_timeout =\n}\n' }).resources.balancers).toEqual([]);
  });
});
