/**
 * lb-idle-timeout for balancers that Terraform and CloudFormation create (the Kubernetes and
 * .cfglint.json balancers are in lb-idle-timeout.test.ts).
 */
import { rule } from '../../checks/lb-idle-timeout';
import { testRule } from '../harness';

// Line 2 col 5 is `listen 80;` (10 characters, end column 15).
const SITE = 'server {\n    listen 80;\n    server_name example.com;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}\n';
// keepalive_timeout lands on line 4, column 5.
const siteWith = (extra: string) => SITE.replace('    location /', `${extra}    location /`);
const GTHREAD = 'bind = "0.0.0.0:8000"\nworker_class = "gthread"\nthreads = 4\n';

/** `idle_timeout = <value>` is line 2; its value starts at column 18. */
const alb = (idle?: string, extra = '') => `resource "aws_lb" "web" {\n${idle === undefined ? '  internal = false' : `  idle_timeout = ${idle}`}\n${extra}}\n`;

const CFN_ALB = (value: string) =>
  [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Resources:',
    '  LoadBalancer:',
    '    Type: AWS::ElasticLoadBalancingV2::LoadBalancer',
    '    Properties:',
    '      Subnets: !Ref Subnets',
    '      LoadBalancerAttributes:',
    '        - Key: idle_timeout.timeout_seconds',
    `          Value: ${value}`,
    '',
  ].join('\n');

const CFN_CLASSIC_JSON = (listenerProtocol: string) =>
  [
    '{',
    '  "Resources": {',
    '    "Elb": {',
    '      "Type": "AWS::ElasticLoadBalancing::LoadBalancer",',
    '      "Properties": {',
    `        "Listeners": [{ "LoadBalancerPort": "80", "InstancePort": "80", "Protocol": "${listenerProtocol}" }],`,
    '        "ConnectionSettings": { "IdleTimeout": 3600 }',
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

testRule(rule, {
  accept: [
    {
      name: 'Terraform ALB without idle_timeout (AWS default 60s) in front of nginx default 75s',
      tree: { 'infra/alb.tf': alb(), 'nginx/site.conf': SITE },
    },
    {
      name: 'a variable without a default is unknown: nothing is judged, even against 30s',
      tree: {
        'infra/alb.tf': alb('var.idle'),
        'infra/variables.tf': 'variable "idle" {\n  type = number\n}\n',
        'nginx/site.conf': siteWith('    keepalive_timeout 30s;\n'),
      },
    },
    {
      name: 'a local is unknown: nothing is judged',
      tree: { 'infra/alb.tf': alb('local.idle', '') + 'locals {\n  idle = 300\n}\n', 'nginx/site.conf': SITE },
    },
    {
      name: 'a variable default that terraform.tfvars overrides is not used',
      tree: {
        'infra/alb.tf': alb('var.idle'),
        'infra/variables.tf': 'variable "idle" {\n  default = 300\n}\n',
        'infra/terraform.tfvars': 'idle = 30\n',
        'nginx/site.conf': SITE,
      },
    },
    {
      name: 'an NLB passes connections through: not judged',
      tree: { 'infra/alb.tf': alb('350', '  load_balancer_type = "network"\n'), 'nginx/site.conf': SITE },
    },
    {
      name: 'CloudFormation ALB 60s below nginx 75s',
      tree: { 'stack.yaml': CFN_ALB("'60'"), 'nginx/site.conf': SITE },
    },
    {
      name: 'CloudFormation !Sub value is unknown',
      tree: { 'stack.yaml': CFN_ALB("!Sub '${Idle}'"), 'nginx/site.conf': SITE },
    },
    {
      name: 'a classic ELB with TCP listeners only keeps no HTTP connections',
      tree: { 'elb.json': CFN_CLASSIC_JSON('TCP'), 'nginx/site.conf': SITE },
    },
  ],
  reject: [
    {
      name: 'Terraform ALB idle_timeout 120 against nginx default 75s',
      tree: { 'infra/alb.tf': alb('120'), 'nginx/site.conf': SITE },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          severity: 'warning',
          primary: { file: 'nginx/site.conf', line: 2, column: 5, endColumn: 15 },
          related: [{ file: 'infra/alb.tf', line: 2, column: 18, endColumn: 21, label: 'the AWS ALB aws_lb.web: idle timeout 120s' }],
          messageIncludes: ["load balancer's idle timeout 120s (the AWS ALB aws_lb.web)", 'keepalive_timeout 75s (nginx default)'],
          helpIncludes: ['keepalive_timeout 125s;'],
        },
      ],
    },
    {
      name: 'a variable default in another file of the module is used, and named',
      tree: { 'infra/main.tf': alb('var.idle_timeout'), 'infra/variables.tf': 'variable "idle_timeout" {\n  default = 300\n}\n', 'nginx/site.conf': SITE },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/site.conf', line: 2, column: 5 },
          related: [{ file: 'infra/main.tf', line: 2, column: 18, endColumn: 34, label: 'idle timeout 300s' }],
          messageIncludes: ['idle timeout 300s (the AWS ALB aws_lb.web, the default of variable "idle_timeout")'],
        },
      ],
    },
    {
      name: 'AWS default 60s against nginx keepalive_timeout 60s: pointed at the balancer name',
      tree: { 'infra/alb.tf': alb(), 'nginx/site.conf': siteWith('    keepalive_timeout 60s;\n') },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/site.conf', line: 4, column: 5 },
          related: [{ file: 'infra/alb.tf', line: 1, column: 19, endColumn: 24, label: 'idle timeout 60s (AWS default)' }],
          messageIncludes: ['idle timeout 60s (the AWS ALB aws_lb.web, its default)'],
        },
      ],
    },
    {
      name: 'CloudFormation YAML ALB attribute 300 against nginx 75s',
      tree: { 'stack.yaml': CFN_ALB("'300'"), 'nginx/site.conf': SITE },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/site.conf', line: 2, column: 5 },
          related: [{ file: 'stack.yaml', line: 9, column: 18, endColumn: 23, label: 'the AWS ALB LoadBalancer: idle timeout 300s' }],
          messageIncludes: ['idle timeout 300s (the AWS ALB LoadBalancer)'],
        },
      ],
    },
    {
      name: 'CloudFormation JSON classic ELB with HTTP listeners, IdleTimeout 3600',
      tree: { 'elb.json': CFN_CLASSIC_JSON('HTTP'), 'nginx/site.conf': SITE },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/site.conf', line: 2, column: 5 },
          related: [{ file: 'elb.json', line: 7, column: 48, endColumn: 52, label: 'the AWS Classic ELB Elb: idle timeout 3600s' }],
          messageIncludes: ['idle timeout 3600s (the AWS Classic ELB Elb)'],
        },
      ],
    },
    {
      name: 'a parameter Default reached by !Ref is used, and named',
      tree: {
        'stack.yaml':
          'Parameters:\n  Idle:\n    Type: Number\n    Default: 600\nResources:\n  Alb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - Key: idle_timeout.timeout_seconds\n          Value: !Ref Idle\n',
        'nginx/site.conf': SITE,
      },
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: { file: 'nginx/site.conf', line: 2, column: 5 },
          messageIncludes: ['idle timeout 600s (the AWS ALB Alb, the Default of parameter Idle)'],
        },
      ],
    },
    {
      name: 'no nginx: the ALB default 60s sends to gunicorn gthread with keepalive 2s',
      tree: { 'infra/alb.tf': alb(), 'gunicorn.conf.py': GTHREAD },
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: { file: 'gunicorn.conf.py', line: 1, column: 8 },
          related: [{ file: 'infra/alb.tf', line: 1, column: 19, label: 'idle timeout 60s (AWS default)' }],
          messageIncludes: ["gunicorn's keepalive 2s (default, gthread worker)", '(the AWS ALB aws_lb.web, its default)'],
        },
      ],
    },
  ],
});
