import { rule } from '../../checks/nginx-resolver-external';
import { testRule } from '../harness';

const lines = (...text: string[]) => text.join('\n') + '\n';
const main = (...httpBody: string[]) => ({ 'nginx.conf': lines('events {}', 'http {', ...httpBody, '    server { listen 80; }', '}') });

testRule(rule, {
  accept: [
    { name: "Docker's embedded DNS", tree: main('    resolver 127.0.0.11 valid=10s ipv6=off;') },
    { name: 'systemd-resolved and a private resolver with port', tree: main('    resolver 127.0.0.53 10.0.0.2:53;') },
    { name: "Kubernetes' kube-dns by name and by ClusterIP", tree: main('    resolver kube-dns.kube-system.svc.cluster.local 10.96.0.10 valid=5s;') },
    { name: 'the AWS VPC resolvers (link-local and IPv6 ULA)', tree: main('    resolver 169.254.169.253 [fd00:ec2::253];') },
    {
      name: 'a resolver from a variable or a template',
      tree: { 'templates/default.conf.template': lines('server {', '    resolver ${NGINX_RESOLVER};', '}') },
    },
    { name: 'a host name is not judged', tree: main('    resolver dns.internal.example;') },
  ],
  reject: [
    {
      name: "Google's public DNS",
      tree: main('    resolver 8.8.8.8;'),
      findings: [
        {
          messageId: 'publicResolver',
          severity: 'warning',
          primary: { file: 'nginx.conf', line: 3, column: 14, endLine: 3, endColumn: 21 },
          messageIncludes: ['"resolver 8.8.8.8"'],
        },
      ],
    },
    {
      name: 'a private resolver first, public ones after it',
      tree: main('    resolver 10.0.0.2 1.1.1.1 9.9.9.9:53 valid=300s;'),
      findings: [
        {
          messageId: 'publicResolver',
          primary: { file: 'nginx.conf', line: 3, column: 23, endColumn: 30 },
          messageIncludes: ['1.1.1.1 9.9.9.9:53', '2 public'],
        },
      ],
    },
    {
      name: 'an IPv6 public resolver in brackets, in a location',
      tree: {
        'conf.d/site.conf': lines(
          'server {',
          '    location / {',
          '        resolver [2001:4860:4860::8888] valid=30s;',
          '        proxy_pass http://$host;',
          '    }',
          '}',
        ),
      },
      findings: [{ messageId: 'publicResolver', primary: { file: 'conf.d/site.conf', line: 3, column: 18 } }],
    },
    {
      name: 'in a stream block',
      tree: { 'nginx.conf': lines('events {}', 'stream {', '    resolver 208.67.222.222;', '}') },
      findings: [{ messageId: 'publicResolver', primary: { file: 'nginx.conf', line: 3, column: 14 } }],
    },
    {
      name: 'two resolvers, two findings, one from an include',
      tree: {
        ...main('    include resolvers.conf;'),
        'conf.d/x.conf': '',
        'resolvers.conf': lines('resolver 8.8.4.4;'),
        'conf.d/site.conf': lines('server {', '  resolver 4.2.2.2;', '}'),
      },
      findings: [
        { messageId: 'publicResolver', primary: { file: 'resolvers.conf', line: 1, column: 10 } },
        { messageId: 'publicResolver', primary: { file: 'conf.d/site.conf', line: 2, column: 12 } },
      ],
    },
  ],
});
