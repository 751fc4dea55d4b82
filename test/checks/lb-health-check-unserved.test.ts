import { rule } from '../../checks/lb-health-check-unserved';
import { testRule } from '../harness';

/** A target group on port 80; its health_check block starts on line 4 and `path` is line 5 (value at column 15). */
const stack = (health: string, port = '80') => `resource "aws_lb_target_group" "app" {
  port = ${port}
  protocol = "HTTP"
  health_check {
${health}  }
}
`;
const path = (value: string, more = '') => `    path = "${value}"\n${more}`;

const server = (body: string, listen = 'listen 80;') => `server {\n    ${listen}\n${body}}\n`;
// Locations start on line 3.
const HEALTH_OK = server('    location = /health { return 200 "ok"; }\n    location / { proxy_pass http://127.0.0.1:8080; }\n');

testRule(rule, {
  accept: [
    { name: 'an exact location returns 200', tree: { 'lb.tf': stack(path('/health')), 'nginx/site.conf': HEALTH_OK } },
    { name: "a proxied path is the backend's answer: unknown", tree: { 'lb.tf': stack(path('/api/health')), 'nginx/site.conf': HEALTH_OK } },
    {
      name: 'no location matches: a file under root, unknown',
      tree: { 'lb.tf': stack(path('/status')), 'nginx/site.conf': server('    root /srv/www;\n    location /app { return 404; }\n') },
    },
    {
      name: 'the matcher accepts the redirect',
      tree: { 'lb.tf': stack(path('/', '    matcher = "200-399"\n')), 'nginx/site.conf': server('    return 301 https://$host$request_uri;\n') },
    },
    {
      name: "a health check on another port than nginx's is not judged here",
      tree: { 'lb.tf': stack(path('/health', '    port = "9000"\n')), 'nginx/site.conf': server('    location / { return 404; }\n') },
    },
    {
      name: 'a disabled health check',
      tree: { 'lb.tf': stack(path('/x', '    enabled = false\n')), 'nginx/site.conf': server('    location / { return 404; }\n') },
    },
    {
      name: 'a TCP target group checks by connecting',
      tree: { 'lb.tf': stack(path('/x')).replace('"HTTP"', '"TCP"').replace(path('/x'), ''), 'nginx/site.conf': server('    location / { return 404; }\n') },
    },
    {
      name: 'an if in the location makes the answer unknown',
      tree: { 'lb.tf': stack(path('/x')), 'nginx/site.conf': server('    location / {\n        if ($http_x) { return 200; }\n        return 404;\n    }\n') },
    },
    {
      name: 'the default server answers, not the first one (204 is in 200-299)',
      tree: {
        'lb.tf': stack(path('/health', '    matcher = "200-299"\n')),
        'nginx/site.conf': `${server('    location / { return 404; }\n')}${server('    location = /health { return 204; }\n', 'listen 80 default_server;')}`,
      },
    },
  ],
  reject: [
    {
      name: 'the health path falls into a location that returns 404',
      tree: { 'lb.tf': stack(path('/healthz')), 'nginx/site.conf': HEALTH_OK.replace('proxy_pass http://127.0.0.1:8080;', 'return 404;') },
      findings: [
        {
          messageId: 'statusOutsideMatcher',
          severity: 'warning',
          primary: { file: 'lb.tf', line: 5, column: 12, endColumn: 22 },
          related: [{ file: 'nginx/site.conf', line: 4, column: 18, label: 'nginx answers 404 here' }],
          messageIncludes: [
            '"/healthz" on port 80 (target group aws_lb_target_group.app) gets 404',
            'location "/" of the default server on port 80',
            'matcher "200 (AWS default)"',
          ],
        },
      ],
    },
    {
      name: 'AWS default path / against an HTTP-to-HTTPS redirect server',
      tree: { 'lb.tf': stack(''), 'nginx/site.conf': server('    return 301 https://$host$request_uri;\n') },
      findings: [
        {
          messageId: 'statusOutsideMatcher',
          primary: { file: 'lb.tf', line: 4, column: 3 },
          messageIncludes: ['"/" on port 80', 'gets 301', 'server-level return'],
        },
      ],
    },
    {
      name: 'deny all answers 403; the written matcher is the related span',
      tree: { 'lb.tf': stack(path('/status', '    matcher = "200-299"\n')), 'nginx/site.conf': server('    location /status {\n        deny all;\n    }\n') },
      findings: [
        {
          messageId: 'statusOutsideMatcher',
          primary: { file: 'lb.tf', line: 5, column: 12 },
          related: [
            { file: 'nginx/site.conf', line: 4, column: 9, label: 'nginx answers 403 here' },
            { file: 'lb.tf', line: 6, column: 15, label: 'matcher 200-299' },
          ],
          messageIncludes: ['gets 403', 'deny all'],
        },
      ],
    },
    {
      name: 'regex locations win over a shorter prefix, as in nginx',
      tree: {
        'lb.tf': stack(path('/health.json')),
        'nginx/site.conf': server('    location /health { return 200; }\n    location ~ \\.json$ { return 403; }\n'),
      },
      findings: [{ messageId: 'statusOutsideMatcher', primary: { file: 'lb.tf', line: 5, column: 12 }, messageIncludes: ['gets 403'] }],
    },
    {
      name: 'CloudFormation: HealthCheckPath with a query string, classic-free ALB target group',
      tree: {
        'stack.yaml':
          'Resources:\n  Group:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      Port: 80\n      Protocol: HTTP\n      HealthCheckPath: /ping?full=1\n',
        'nginx/site.conf': server('    location = /ping { return 404; }\n'),
      },
      findings: [{ messageId: 'statusOutsideMatcher', primary: { file: 'stack.yaml', line: 7, column: 24 }, messageIncludes: ['"/ping?full=1"', 'gets 404'] }],
    },
    {
      name: 'a classic ELB health check target HTTP:80/index.html',
      tree: {
        'elb.tf':
          'resource "aws_elb" "front" {\n  listener {\n    lb_port = 80\n    lb_protocol = "http"\n    instance_port = 80\n    instance_protocol = "http"\n  }\n  health_check {\n    target = "HTTP:80/index.html"\n  }\n}\n',
        'nginx/site.conf': server('    location / { return 444; }\n'),
      },
      findings: [
        {
          messageId: 'statusOutsideMatcher',
          primary: { file: 'elb.tf', line: 9, column: 14 },
          messageIncludes: ['"/index.html" on port 80 (the AWS Classic ELB aws_elb.front) gets 444'],
        },
      ],
    },
  ],
});
