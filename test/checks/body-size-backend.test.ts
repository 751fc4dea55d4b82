import { rule } from '../../checks/body-size-backend';
import { testRule } from '../harness';

// client_max_body_size at server level: its value starts on line 2 at col 26.
const serverLevel = (size: string, pass: string) => `server {\n    client_max_body_size ${size};\n    location / {\n        ${pass};\n    }\n}\n`;
const UWSGI_PASS = 'uwsgi_pass 127.0.0.1:3031';
const TOMCAT_PASS = 'proxy_pass http://127.0.0.1:8080';
const uwsgiIni = (extra: string) => `[uwsgi]\nsocket = 127.0.0.1:3031\n${extra}`;
const serverXml = (attributes: string) =>
  `<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1"${attributes} />\n  </Service>\n</Server>\n`;
const SPRING = 'app/src/main/resources/application.properties';

testRule(rule, {
  accept: [
    {
      name: 'nginx keeps its 1m default: not reported even above limit-post',
      tree: { 'nginx/app.conf': `server {\n    location / {\n        ${UWSGI_PASS};\n    }\n}\n`, 'app.ini': uwsgiIni('limit-post = 1000\n') },
    },
    { name: 'uWSGI without limit-post takes any body', tree: { 'nginx/app.conf': serverLevel('100m', UWSGI_PASS), 'app.ini': uwsgiIni('') } },
    {
      name: 'client_max_body_size 10m equals limit-post 10485760',
      tree: { 'nginx/app.conf': serverLevel('10m', UWSGI_PASS), 'app.ini': uwsgiIni('limit-post = 10485760\n') },
    },
    { name: 'Tomcat: 2m equals the maxPostSize default', tree: { 'nginx/app.conf': serverLevel('2m', TOMCAT_PASS), 'conf/server.xml': serverXml('') } },
    {
      name: 'Tomcat maxPostSize="-1" takes any form post',
      tree: { 'nginx/app.conf': serverLevel('0', TOMCAT_PASS), 'conf/server.xml': serverXml(' maxPostSize="-1"') },
    },
    {
      name: 'Spring Boot with every limit raised to 50MB',
      tree: {
        'nginx/app.conf': serverLevel('50m', TOMCAT_PASS),
        [SPRING]: 'spring.servlet.multipart.max-file-size=50MB\nspring.servlet.multipart.max-request-size=50MB\nserver.tomcat.max-http-form-post-size=50MB\n',
      },
    },
  ],
  reject: [
    {
      name: 'client_max_body_size 100m at server level, uWSGI limit-post 10 MiB',
      tree: { 'nginx/app.conf': serverLevel('100m', UWSGI_PASS), 'app.ini': uwsgiIni('limit-post = 10485760\n') },
      findings: [
        {
          messageId: 'backendRejectsBody',
          severity: 'warning',
          primary: { file: 'nginx/app.conf', line: 2, column: 26, endLine: 2, endColumn: 30 },
          related: [{ file: 'app.ini', line: 3, column: 14, endColumn: 22, label: 'limit-post 10485760' }],
          messageIncludes: ["client_max_body_size 100m (set at server level) is larger than uWSGI's limit-post 10485760 bytes behind 127.0.0.1:3031"],
          helpIncludes: [
            '"Invalid (too big) CONTENT_LENGTH. skip."',
            'nginx answers 502',
            'raise limit-post to at least 104857600, or lower client_max_body_size to 10m',
          ],
        },
      ],
    },
    {
      name: "client_max_body_size 0 in the location, Tomcat's 2 MiB maxPostSize default",
      tree: {
        'nginx/app.conf': `server {\n    location / {\n        client_max_body_size 0;\n        ${TOMCAT_PASS};\n    }\n}\n`,
        'conf/server.xml': serverXml(''),
      },
      findings: [
        {
          messageId: 'backendRejectsBody',
          primary: { file: 'nginx/app.conf', line: 3, column: 30, endColumn: 31 },
          related: [{ file: 'conf/server.xml', line: 3, column: 22, endColumn: 26, label: 'maxPostSize 2097152 by default' }],
          messageIncludes: [
            "client_max_body_size 0 (no limit) is larger than Tomcat's maxPostSize 2097152 bytes (default)",
            'form posts (application/x-www-form-urlencoded)',
          ],
          helpIncludes: ['set maxPostSize="-1"', 'lower client_max_body_size to 2m'],
        },
      ],
    },
    {
      name: 'Spring Boot: the raised max-file-size is reported before the form-post default',
      tree: { 'nginx/app.conf': serverLevel('50m', TOMCAT_PASS), [SPRING]: 'spring.application.name=demo\nspring.servlet.multipart.max-file-size=20MB\n' },
      findings: [
        {
          messageId: 'backendRejectsBody',
          primary: { file: 'nginx/app.conf', line: 2, column: 26, endColumn: 29 },
          related: [{ file: SPRING, line: 2, column: 40, endColumn: 44, label: 'spring.servlet.multipart.max-file-size 20MB' }],
          messageIncludes: ["Spring Boot's spring.servlet.multipart.max-file-size 20971520 bytes", 'which limits each uploaded file'],
          helpIncludes: ['MaxUploadSizeExceededException', 'set spring.servlet.multipart.max-file-size=50MB, or lower client_max_body_size to 20m'],
        },
      ],
    },
    {
      name: 'Spring Boot defaults: the 1MB file limit, on the listener',
      tree: { 'nginx/app.conf': serverLevel('5m', TOMCAT_PASS), [SPRING]: 'spring.application.name=demo\n' },
      findings: [
        {
          messageId: 'backendRejectsBody',
          severity: 'warning',
          primary: { file: 'nginx/app.conf', line: 2, column: 26, endColumn: 28 },
          related: [{ file: SPRING, line: 1, column: 1, label: 'spring.servlet.multipart.max-file-size 1MB by default' }],
          messageIncludes: ['spring.servlet.multipart.max-file-size 1048576 bytes (default)'],
          helpIncludes: ['lower client_max_body_size to 1m'],
        },
      ],
    },
    {
      name: 'http level in nginx.conf, the server in an included file',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    client_max_body_size 64m;\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/app.conf': `server {\n    location / {\n        ${UWSGI_PASS};\n    }\n}\n`,
        'app.ini': uwsgiIni('limit-post = 33554432\n'),
      },
      findings: [
        {
          messageId: 'backendRejectsBody',
          primary: { file: 'nginx/nginx.conf', line: 3, column: 26, endColumn: 29 },
          related: [{ file: 'app.ini', line: 3, column: 14, endColumn: 22 }],
          messageIncludes: ['client_max_body_size 64m (set at http level)'],
          helpIncludes: ['lower client_max_body_size to 32m'],
        },
      ],
    },
    {
      name: 'set in an outer location, passed from a nested one',
      tree: {
        'nginx/app.conf':
          'server {\n    location /upload/ {\n        client_max_body_size 8m;\n        location /upload/big/ {\n            uwsgi_pass 127.0.0.1:3031;\n        }\n    }\n}\n',
        'app.ini': uwsgiIni('limit-post = 4m\n'),
      },
      findings: [
        {
          messageId: 'backendRejectsBody',
          primary: { file: 'nginx/app.conf', line: 3, column: 30, endColumn: 32 },
          related: [{ file: 'app.ini', line: 3, column: 14, endColumn: 16 }],
          messageIncludes: ["client_max_body_size 8m (set at location level) is larger than uWSGI's limit-post 4 bytes"],
          helpIncludes: ['raise limit-post to at least 8388608, or lower client_max_body_size to 4'],
        },
      ],
    },
    {
      name: 'two locations, two backends',
      tree: {
        'nginx/app.conf':
          'server {\n    location / {\n        client_max_body_size 20m;\n        uwsgi_pass 127.0.0.1:3031;\n    }\n' +
          `    location /files/ {\n        client_max_body_size 200m;\n        ${TOMCAT_PASS};\n    }\n}\n`,
        'app.ini': uwsgiIni('limit-post = 5242880\n'),
        'conf/server.xml': serverXml(' maxPostSize="104857600"'),
      },
      findings: [
        {
          messageId: 'backendRejectsBody',
          primary: { file: 'nginx/app.conf', line: 3, column: 30, endColumn: 33 },
          related: [{ file: 'app.ini', line: 3, column: 14, endColumn: 21 }],
          messageIncludes: ["client_max_body_size 20m is larger than uWSGI's limit-post 5242880 bytes"],
          helpIncludes: ['lower client_max_body_size to 5m'],
        },
        {
          messageId: 'backendRejectsBody',
          primary: { file: 'nginx/app.conf', line: 7, column: 30, endColumn: 34 },
          related: [{ file: 'conf/server.xml', line: 3, column: 61, endColumn: 70, label: 'maxPostSize 104857600' }],
          messageIncludes: ["client_max_body_size 200m is larger than Tomcat's maxPostSize 104857600 bytes"],
          helpIncludes: ['set maxPostSize="209715200", or lower client_max_body_size to 100m'],
        },
      ],
    },
  ],
});
