/**
 * TargetGroupBindings (AWS Load Balancer Controller, elbv2.k8s.aws) as the Kubernetes reader
 * reads them, and how the model links each to a target group of the tree (by the name in its
 * ARN) and to a Service (serviceRef, in the binding's namespace). Trees are written to disk and
 * read through the engine.
 */
import { join } from 'path';
import { readTree } from '../../../src/engine/read-tree';
import { targetGroupBindings } from '../../../src/model/load-balancers';
import { readDiskTree } from '../../disk-tree';

const FIXTURE = join(__dirname, '..', '..', 'checks', 'target-group-binding', 'accept', 'served');

const binding = (spec: string, apiVersion = 'elbv2.k8s.aws/v1beta1', namespace = 'shop') =>
  `apiVersion: ${apiVersion}\nkind: TargetGroupBinding\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n${spec}`;
const ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web/6d0ecf831eec9f09';
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n  namespace: shop\nspec:\n  ports:\n    - port: 80\n';
const group = (label: string, name: string) => `resource "aws_lb_target_group" "${label}" {\n  name = ${name}\n  port = 8000\n}\n`;

describe('the Kubernetes reader', () => {
  it('reads the binding of a fixture tree with the spans of its values', () => {
    const { model } = readTree({ paths: ['.'], cwd: FIXTURE, config: {} });
    const [read] = model.kubernetes.targetGroupBindings;
    expect(model.kubernetes.targetGroupBindings).toHaveLength(1);
    expect({ kind: read.kind, name: read.name, namespace: read.namespace, file: read.file }).toEqual({
      kind: 'TargetGroupBinding',
      name: 'shop-web',
      namespace: 'shop',
      file: 'k8s/shop.yaml',
    });
    // The binding is the third document: `spec:` is line 41 of k8s/shop.yaml, serviceRef.port line 44, the ARN line 45.
    expect(read.targetGroupArn?.value).toBe(ARN);
    expect(read.targetGroupArn?.valueSpan.start).toMatchObject({ line: 45, column: 19 });
    expect(read.targetType?.value).toBe('ip');
    expect({ name: read.serviceRef?.name, port: read.serviceRef?.port, portLine: read.serviceRef?.portSpan.start.line }).toEqual({
      name: 'shop',
      port: 80,
      portLine: 44,
    });
  });

  it('keeps a named port as a name, and no serviceRef without a port', () => {
    const { model } = readDiskTree({
      'a.yaml': binding(`  serviceRef:\n    name: shop\n    port: http\n  targetGroupARN: ${ARN}\n`),
      'b.yaml': binding('  serviceRef:\n    name: shop\n'),
    });
    const [named, portless] = model.kubernetes.targetGroupBindings;
    expect(named.serviceRef?.port).toBe('http');
    expect(portless.serviceRef).toBeUndefined();
    expect(portless.targetGroupArn).toBeUndefined();
  });

  it('ignores a TargetGroupBinding kind of another API group', () => {
    const { model } = readDiskTree({ 'a.yaml': binding(`  targetGroupARN: ${ARN}\n`, 'example.com/v1') });
    expect(model.kubernetes.targetGroupBindings).toEqual([]);
  });

  it('reads bindings inside a List', () => {
    const item = binding(`  targetGroupARN: ${ARN}\n`)
      .split('\n')
      .map((line, i) => (i === 0 ? `  - ${line}` : line ? `    ${line}` : line))
      .join('\n');
    const { model } = readDiskTree({ 'list.yaml': `apiVersion: v1\nkind: List\nitems:\n${item}` });
    expect(model.kubernetes.targetGroupBindings.map((read) => read.targetGroupArn?.value)).toEqual([ARN]);
  });
});

describe('targetGroupBindings', () => {
  const link = (files: Record<string, string>) =>
    targetGroupBindings(readDiskTree(files).model).map((bound) => ({ group: bound.group?.id, service: bound.service?.name }));

  it('links the group whose literal name the ARN carries, and the Service of the same namespace', () => {
    expect(
      link({
        'lb.tf': group('web', '"shop-web"') + group('api', '"shop-api"'),
        'k8s.yaml': `${SERVICE}---\n${binding(`  serviceRef:\n    name: shop\n    port: 80\n  targetGroupARN: ${ARN}\n`)}`,
      }),
    ).toEqual([{ group: 'aws_lb_target_group.web', service: 'shop' }]);
  });

  it('reads the ARN of another partition and a CloudFormation Name', () => {
    const cfn =
      'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      Name: shop-web\n      Port: 8000\n';
    const china = ARN.replace('arn:aws:', 'arn:aws-cn:');
    expect(link({ 'stack.yaml': cfn, 'k8s.yaml': binding(`  targetGroupARN: ${china}\n`) })).toEqual([{ group: 'Web', service: undefined }]);
  });

  it("links nothing when the name is not literal, is another group's, is written twice, or the ARN is no ARN", () => {
    const spec = `  targetGroupARN: ${ARN}\n`;
    expect(link({ 'lb.tf': group('web', 'var.name') + 'variable "name" {}\n', 'k8s.yaml': binding(spec) })).toEqual([{ group: undefined, service: undefined }]);
    expect(link({ 'lb.tf': group('web', '"shop-api"'), 'k8s.yaml': binding(spec) })).toEqual([{ group: undefined, service: undefined }]);
    expect(link({ 'lb.tf': group('web', '"shop-web"') + group('copy', '"shop-web"'), 'k8s.yaml': binding(spec) })).toEqual([
      { group: undefined, service: undefined },
    ]);
    expect(link({ 'lb.tf': group('web', '"shop-web"'), 'k8s.yaml': binding('  targetGroupARN: shop-web\n') })).toEqual([
      { group: undefined, service: undefined },
    ]);
  });

  it("takes the Service only from the binding's namespace", () => {
    const spec = `  serviceRef:\n    name: shop\n    port: 80\n  targetGroupARN: ${ARN}\n`;
    expect(link({ 'lb.tf': group('web', '"shop-web"'), 'k8s.yaml': `${SERVICE}---\n${binding(spec, undefined, 'other')}` })).toEqual([
      { group: 'aws_lb_target_group.web', service: undefined },
    ]);
  });
});
