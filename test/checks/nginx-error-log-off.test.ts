import { rule } from '../../checks/nginx-error-log-off';
import { testRule } from '../harness';

testRule(rule, {
  accept: [
    { name: 'access_log off is a real switch', tree: { 'conf.d/app.conf': 'server {\n    listen 80;\n    access_log off;\n}\n' } },
    { name: 'error_log to /dev/null', tree: { 'nginx.conf': 'error_log /dev/null crit;\nevents {}\nhttp {}\n' } },
    {
      name: 'error_log to stderr and syslog',
      tree: { 'nginx.conf': 'error_log stderr warn;\nevents {}\nhttp {\n    error_log syslog:server=10.0.0.1 error;\n}\n' },
    },
    {
      name: 'a file whose name contains off',
      tree: { 'conf.d/app.conf': 'server {\n    error_log /var/log/nginx/off.log;\n    error_log logs/offline;\n}\n' },
    },
    { name: 'a variable-looking value is not "off"', tree: { 'conf.d/app.conf': 'server {\n    error_log "/var/log/nginx/$host-off";\n}\n' } },
  ],
  reject: [
    {
      name: 'error_log off at the main level',
      tree: { 'nginx.conf': 'error_log off;\nevents {}\nhttp {}\n' },
      findings: [
        {
          messageId: 'fileNamedOff',
          severity: 'warning',
          primary: { file: 'nginx.conf', line: 1, column: 11, endColumn: 14 },
          messageIncludes: ['a file named "off"', 'error_log /dev/null crit'],
        },
      ],
    },
    {
      name: 'error_log off with a level, in a location',
      tree: { 'conf.d/app.conf': 'server {\n    location /health {\n        access_log off;\n        error_log  off  crit;\n    }\n}\n' },
      findings: [{ messageId: 'fileNamedOff', primary: { file: 'conf.d/app.conf', line: 4, column: 20 } }],
    },
    {
      name: 'quoted "off" is the same file',
      tree: { 'conf.d/app.conf': 'server {\n\terror_log "off";\n}\n' },
      findings: [{ messageId: 'fileNamedOff', primary: { file: 'conf.d/app.conf', line: 2, column: 12 } }],
    },
    {
      name: 'through an include',
      tree: { 'nginx.conf': 'events {}\nhttp {\n    include quiet.conf;\n}\n', 'quiet.conf': '# silence\nerror_log off;\n' },
      findings: [{ messageId: 'fileNamedOff', primary: { file: 'quiet.conf', line: 2, column: 11 } }],
    },
    {
      name: 'in stream and in http: two findings',
      tree: { 'nginx.conf': 'events {}\nstream {\n    error_log off;\n}\nhttp {\n    server {\n        error_log off;\n    }\n}\n' },
      findings: [
        { messageId: 'fileNamedOff', primary: { file: 'nginx.conf', line: 3, column: 15 } },
        { messageId: 'fileNamedOff', primary: { file: 'nginx.conf', line: 7, column: 19 } },
      ],
    },
  ],
});
