import { rule } from '../../checks/service-restart-policy';
import { testRule } from '../harness';

/** The service key `web` is line 2, column 3; `restart:` (when given) is line 6, its value at column 14. */
const compose = (image: string, restart?: string, ports = '"80:80"') =>
  `services:\n  web:\n    image: ${image}\n    ports:\n      - ${ports}\n${restart === undefined ? '' : `    restart: ${restart}\n`}`;

/** The same service with the policy --fix writes: the service's first key, indented like the others. */
const withPolicy = (image: string, ports = '"80:80"') => `services:\n  web:\n    restart: unless-stopped\n    image: ${image}\n    ports:\n      - ${ports}\n`;

const ALB_TO_80 = `resource "aws_lb" "web" {}
resource "aws_lb_target_group" "app" {
  port = 80
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  default_action {
    target_group_arn = aws_lb_target_group.app.arn
  }
}
`;

const NGINX_UNIT = (install: string) => `[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx -g 'daemon off;'\n${install}`;

testRule(rule, {
  accept: [
    { name: 'nginx with restart: unless-stopped', tree: { 'docker-compose.yml': compose('nginx:1.27', 'unless-stopped') } },
    { name: 'nginx with restart: always behind a balancer', tree: { 'docker-compose.yml': compose('nginx:1.27', 'always'), 'infra/lb.tf': ALB_TO_80 } },
    { name: 'nginx that publishes nothing is no front door', tree: { 'docker-compose.yml': 'services:\n  web:\n    image: nginx\n' } },
    {
      name: 'deploy.restart_policy counts as a policy',
      tree: { 'docker-compose.yml': `${compose('nginx')}    deploy:\n      restart_policy:\n        condition: any\n` },
    },
    {
      name: 'an application service behind nginx is not the front door',
      tree: { 'docker-compose.yml': `${compose('nginx', 'always')}  app:\n    image: python:3.12\n    ports:\n      - "8000:8000"\n` },
    },
    {
      name: 'without a balancer, a backend service publishing a port is not judged',
      tree: { 'docker-compose.yml': compose('python:3.12', undefined, '"8000:8000"') },
    },
    {
      name: 'a cfglint-disable comment above the service key suppresses it',
      tree: {
        'docker-compose.yml': compose('nginx:1.27').replace(
          '  web:',
          '  # cfglint-disable-next-line service-restart-policy -- started by an enabled unit\n  web:',
        ),
      },
    },
    {
      name: 'a systemd nginx unit enabled into multi-user.target',
      tree: { 'etc/systemd/system/nginx.service': NGINX_UNIT('[Install]\nWantedBy=multi-user.target\n') },
    },
  ],
  reject: [
    {
      // Tamarpe/docker-tomcat-postgres-nginx: one container runs nginx and Tomcat; the ports are the service's, not nginx's.
      name: 'several published ports are named as the service publishes them',
      tree: { 'docker-compose.yml': 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:8080"\n      - "80:80"\n' },
      findings: [
        {
          messageId: 'composeNoRestart',
          severity: 'info',
          primary: { file: 'docker-compose.yml', line: 2, column: 3 },
          messageIncludes: ['runs nginx, publishing ports 8080, 80, with no restart policy'],
        },
      ],
    },
    {
      name: 'nginx publishes 80 with no restart policy, and no balancer in the tree: info',
      tree: { 'docker-compose.yml': compose('nginx:1.27') },
      findings: [
        {
          messageId: 'composeNoRestart',
          severity: 'info',
          primary: { file: 'docker-compose.yml', line: 2, column: 3, endColumn: 6 },
          related: [],
          messageIncludes: ['Compose service "web" runs nginx, publishing port 80, with no restart policy (compose\'s default is "no")'],
        },
      ],
      fixed: { 'docker-compose.yml': withPolicy('nginx:1.27') },
    },
    {
      name: 'report 003: a balancer of the tree sends to that port: warning',
      tree: { 'docker-compose.yml': compose('nginx:1.27'), 'infra/lb.tf': ALB_TO_80 },
      findings: [
        {
          messageId: 'composeNoRestart',
          severity: 'warning',
          primary: { file: 'docker-compose.yml', line: 2, column: 3 },
          messageIncludes: ['behind the AWS ALB aws_lb.web'],
        },
      ],
    },
    {
      name: 'restart: "no" written out is shown beside the key',
      tree: { 'docker-compose.yml': compose('nginxinc/nginx-unprivileged:stable', '"no"', '"8080:8080"') },
      findings: [
        {
          messageId: 'composeNoRestart',
          primary: { file: 'docker-compose.yml', line: 2, column: 3 },
          related: [{ file: 'docker-compose.yml', line: 6, column: 14, label: 'restart: no' }],
          messageIncludes: ['with restart: "no"', 'port 8080'],
        },
      ],
      // The written "no" rewritten in place.
      fixed: { 'docker-compose.yml': compose('nginxinc/nginx-unprivileged:stable', 'unless-stopped', '"8080:8080"') },
    },
    {
      name: 'without nginx, the backend service the balancer sends to is the front door',
      tree: { 'docker-compose.yml': compose('python:3.12', undefined, '"80:8000"'), 'infra/lb.tf': ALB_TO_80 },
      findings: [
        {
          messageId: 'composeNoRestart',
          severity: 'warning',
          primary: { file: 'docker-compose.yml', line: 2, column: 3 },
          messageIncludes: ['runs the service the load balancer sends to, publishing port 80'],
        },
      ],
      fixed: { 'docker-compose.yml': withPolicy('python:3.12', '"80:8000"') },
    },
    {
      name: 'a systemd nginx unit without [Install] cannot be enabled',
      tree: { 'etc/systemd/system/nginx.service': NGINX_UNIT(''), 'infra/lb.tf': ALB_TO_80 },
      findings: [
        {
          messageId: 'systemdNotEnabled',
          severity: 'warning',
          primary: { file: 'etc/systemd/system/nginx.service', line: 4, column: 11 },
          messageIncludes: ['systemd unit nginx.service runs nginx behind the AWS ALB aws_lb.web'],
        },
      ],
      // Enabling is a command to run on the host, not only a line to write: no fix.
      fixed: {},
    },
    {
      name: 'no fix: a service in flow style',
      tree: { 'docker-compose.yml': 'services:\n  web: { image: "nginx:1.27", ports: ["80:80"] }\n' },
      findings: [{ messageId: 'composeNoRestart', primary: { file: 'docker-compose.yml', line: 2, column: 3 } }],
      fixed: {},
    },
  ],
});
