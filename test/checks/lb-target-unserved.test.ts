import { rule } from '../../checks/lb-target-unserved';
import { testRule } from '../harness';

/** A target group with `port = <port>` on line 2 (value at column 10), forwarded to by an ALB listener. */
const stack = (port: string, extra = '') => `resource "aws_lb_target_group" "app" {
  port = ${port}
  protocol = "HTTP"
${extra}}
resource "aws_lb" "web" {}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port = 80
  default_action {
    type = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}
`;

// `listen 80;` is line 2, column 5.
const SITE = 'server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:8080; }\n}\n';
const TWO = 'server {\n    listen 80;\n    listen 443 ssl;\n    location / { return 200; }\n}\n';

testRule(rule, {
  accept: [
    { name: 'the target group port is the one nginx listens on', tree: { 'infra/lb.tf': stack('80'), 'nginx/site.conf': SITE } },
    { name: 'port 443 of a listen with ssl', tree: { 'infra/lb.tf': stack('443'), 'nginx/site.conf': TWO } },
    { name: 'a listen with an address', tree: { 'infra/lb.tf': stack('8080'), 'nginx/site.conf': 'server {\n    listen 0.0.0.0:8080 default_server;\n}\n' } },
    {
      name: 'the port is a variable without default: unknown',
      tree: { 'infra/lb.tf': stack('var.port'), 'infra/vars.tf': 'variable "port" {}\n', 'nginx/site.conf': SITE },
    },
    {
      name: 'a listen with a variable makes what nginx serves unknown',
      tree: { 'infra/lb.tf': stack('8080'), 'nginx/site.conf': 'server {\n    listen ${PORT};\n}\n' },
    },
    {
      name: 'an ECS service registers containers: the host nginx is not the target',
      tree: {
        'infra/lb.tf': `${stack('8080')}resource "aws_ecs_service" "s" {\n  load_balancer {\n    target_group_arn = aws_lb_target_group.app.arn\n    container_port = 80\n  }\n}\n`,
        'nginx/site.conf': SITE,
      },
    },
    { name: 'lambda targets have no port to serve', tree: { 'infra/lb.tf': stack('8080', '  target_type = "lambda"\n'), 'nginx/site.conf': SITE } },
    { name: 'nothing in the tree listens: nothing to compare with', tree: { 'infra/lb.tf': stack('8080') } },
    {
      name: 'compose publishes the target port to nginx inside the container',
      tree: {
        'infra/lb.tf': stack('8080'),
        'nginx/site.conf': SITE,
        'docker-compose.yml':
          'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n    volumes:\n      - ./nginx/site.conf:/etc/nginx/conf.d/default.conf\n',
      },
    },
    {
      name: 'a second target group on another port goes to other hosts when the first is served',
      tree: {
        'infra/lb.tf': `${stack('80')}resource "aws_lb_target_group" "conan" {\n  port = 1080\n}\nresource "aws_lb_listener_rule" "conan" {\n  listener_arn = aws_lb_listener.http.arn\n  action {\n    target_group_arn = aws_lb_target_group.conan.arn\n  }\n}\n`,
        'nginx/site.conf': SITE,
      },
    },
    {
      name: 'a cfglint-disable comment with a reason above the port line suppresses it',
      tree: {
        'infra/lb.tf': stack('8080').replace(
          '  port = 8080',
          '  # cfglint-disable-next-line lb-target-unserved -- the app tier, not this nginx\n  port = 8080',
        ),
        'nginx/site.conf': SITE,
      },
    },
    { name: 'without nginx, gunicorn binds the target port', tree: { 'infra/lb.tf': stack('8000'), 'gunicorn.conf.py': 'bind = "0.0.0.0:8000"\n' } },
  ],
  reject: [
    {
      name: 'report 003: the target group sends to 8080, nginx listens on 80 only',
      tree: { 'infra/lb.tf': stack('8080'), 'nginx/site.conf': SITE },
      findings: [
        {
          messageId: 'nothingListens',
          severity: 'error',
          primary: { file: 'infra/lb.tf', line: 2, column: 10, endColumn: 14 },
          related: [{ file: 'nginx/site.conf', line: 2, column: 5, label: 'nginx listens on 80' }],
          messageIncludes: ['port 8080 (target group aws_lb_target_group.app)', 'nginx and published ports: 80'],
        },
      ],
    },
    {
      name: 'the port comes from a variable default, which the finding names',
      tree: { 'infra/lb.tf': stack('var.app_port'), 'infra/variables.tf': 'variable "app_port" {\n  default = 3000\n}\n', 'nginx/site.conf': TWO },
      findings: [
        {
          messageId: 'nothingListens',
          primary: { file: 'infra/lb.tf', line: 2, column: 10 },
          related: [
            { file: 'infra/variables.tf', line: 2, column: 13, label: 'the default of variable "app_port": 3000' },
            { file: 'nginx/site.conf', line: 2, column: 5 },
            { file: 'nginx/site.conf', line: 3, column: 5 },
          ],
          messageIncludes: ['port 3000 (target group aws_lb_target_group.app, the default of variable "app_port")', ': 80, 443'],
        },
      ],
    },
    {
      name: 'a target group whose balancer lives in another stack is judged too (CloudFormation)',
      tree: {
        'stack.yaml': 'Resources:\n  Group:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      Port: 9000\n      Protocol: HTTP\n',
        'nginx/site.conf': SITE,
      },
      findings: [
        {
          messageId: 'nothingListens',
          primary: { file: 'stack.yaml', line: 5, column: 13, endColumn: 17 },
          messageIncludes: ['port 9000 (target group Group)'],
        },
      ],
    },
    {
      name: 'a classic ELB listener instance port nobody serves',
      tree: {
        'elb.tf':
          'resource "aws_elb" "front" {\n  listener {\n    lb_port = 80\n    lb_protocol = "http"\n    instance_port = 8080\n    instance_protocol = "http"\n  }\n}\n',
        'nginx/site.conf': SITE,
      },
      findings: [{ messageId: 'nothingListens', primary: { file: 'elb.tf', line: 5, column: 21 }, messageIncludes: ['(the AWS Classic ELB aws_elb.front)'] }],
    },
    {
      name: 'without nginx: gunicorn binds 8000, the attachment sends to 8001',
      tree: {
        'infra/lb.tf': `${stack('8000')}resource "aws_lb_target_group_attachment" "one" {\n  target_group_arn = aws_lb_target_group.app.arn\n  target_id = "i-123"\n  port = 8001\n}\n`,
        'gunicorn.conf.py': 'bind = "0.0.0.0:8000"\n',
      },
      findings: [{ messageId: 'nothingListens', primary: { file: 'infra/lb.tf', line: 17, column: 10 }, messageIncludes: ['the backends: 8000'] }],
    },
  ],
});
