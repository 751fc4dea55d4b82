/** The CloudFormation reader: short tags and long forms, parameters, links, JSON, syntax errors. */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { readTree } from '../../../src/engine/read-tree';
import { cloudLoadBalancers } from '../../../src/model/load-balancers';
import { lintTree } from '../../harness';

function read(tree: MemoryTree) {
  const result = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
  return { resources: result.model.cloudBalancers![1], balancers: cloudLoadBalancers(result.model) };
}

const STACK = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  AppPort:
    Type: Number
    Default: 8080
  Path:
    Type: String
Resources:
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Split [',', !ImportValue 'vpc-subnets']
      LoadBalancerAttributes:
        - !If [HasLogs, {Key: access_logs.s3.enabled, Value: 'true'}, !Ref 'AWS::NoValue']
        - Key: idle_timeout.timeout_seconds
          Value: 120
  Group:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: !Ref AppPort
      Protocol: HTTP
      HealthCheckPath: !Ref Path
      Matcher:
        HttpCode: '200-299'
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 80
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref Group
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: {'Fn::GetAtt': [Listener, ListenerArn]}
      Actions:
        - Type: forward
          TargetGroupArn: !GetAtt Other.TargetGroupArn
  Other:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: !If [Prod, 80, 8080]
`;

describe('CloudFormation reader', () => {
  test('short tags, parameters with and without defaults, linked listener, rule and target groups', () => {
    const { resources, balancers } = read({ 'cfn/stack.yaml': STACK });
    expect(resources.balancers[0]).toMatchObject({
      id: 'Alb',
      idleTimeout: { known: true, value: 120, span: { file: 'cfn/stack.yaml', start: { line: 16, column: 18 } } },
    });
    const [group, other] = resources.targetGroups;
    expect(group.port).toMatchObject({ known: true, value: 8080, via: { what: 'the Default of parameter AppPort', span: { start: { line: 5, column: 14 } } } });
    expect(group.healthCheck.path).toMatchObject({ known: false, reason: expect.stringContaining('parameter Path has no literal Default') });
    expect(group.healthCheck.matcher).toMatchObject({ known: true, value: '200-299' });
    expect(other.port).toMatchObject({ known: false, reason: 'Fn::If is evaluated by CloudFormation, not read by cfglint' });
    expect(balancers[0].targetGroups.map((linked) => linked.group.id)).toEqual(['Group', 'Other']);
  });

  test('JSON templates with long forms and string numbers; a classic ELB with ConnectionSettings', () => {
    const json = JSON.stringify(
      {
        AWSTemplateFormatVersion: '2010-09-09',
        Parameters: { Idle: { Type: 'Number', Default: '3600' } },
        Resources: {
          Elb: {
            Type: 'AWS::ElasticLoadBalancing::LoadBalancer',
            Properties: {
              ConnectionSettings: { IdleTimeout: { Ref: 'Idle' } },
              Listeners: [{ LoadBalancerPort: '80', InstancePort: '8000', Protocol: 'HTTP' }],
              HealthCheck: { Target: 'HTTP:8000/status', Interval: '10' },
            },
          },
          Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network' } },
        },
      },
      null,
      2,
    );
    const { resources, balancers } = read({ 'stack.json': json });
    expect(resources.balancers[0]).toMatchObject({ classic: true, idleTimeout: { known: true, value: 3600, via: { what: 'the Default of parameter Idle' } } });
    expect(resources.balancers[0].classicHealthCheck).toMatchObject({ path: { value: '/status' }, port: { value: '8000' }, interval: { value: 10 } });
    expect(balancers.map((b) => [b.description, b.idleTimeout?.value])).toEqual([
      ['the AWS Classic ELB Elb', 3_600_000],
      ['the AWS NLB Nlb', undefined],
    ]);
  });

  test('a template whose name says nothing can be mapped with "files" in .cfglint.json', () => {
    const tree = { 'infra/stack.txt': 'Resources:\n  Alb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n' };
    const result = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: { files: { 'infra/stack.txt': 'cloudformation' } } });
    expect(result.model.cloudBalancers![1].balancers.map((b) => b.id)).toEqual(['Alb']);
    // Without the mapping the file is nobody's.
    expect(read({ ...tree, 'other.yaml': 'a: 1\n' }).resources.balancers).toEqual([]);
  });

  test('a template that is not valid YAML is a cloudformation-syntax finding with its position', () => {
    const findings = lintTree({
      name: 'broken',
      tree: {
        'stack.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties: [a, b\n",
      },
    });
    const syntax = findings.filter((f) => f.ruleId === 'cloudformation-syntax');
    expect(syntax.length).toBeGreaterThan(0);
    expect(syntax[0]).toMatchObject({ severity: 'error', primary: { file: 'stack.yaml' } });
    expect(syntax[0].primary.start.line).toBeGreaterThanOrEqual(5);
    expect(findings.filter((f) => f.ruleId === 'yaml-syntax')).toEqual([]);
  });
});
