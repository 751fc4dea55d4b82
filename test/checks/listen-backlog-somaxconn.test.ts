import { rule } from '../../checks/listen-backlog-somaxconn';
import { testRule } from '../harness';

// `listen = ` is 9 characters: the value starts at column 10 of line 3.
const UWSGI = (listen: string) => `[uwsgi]\nsocket = 127.0.0.1:3031\nlisten = ${listen}\n`;
// `net.core.somaxconn = ` is 21 characters: the value starts at column 22 of line 2.
const SYSCTL = (value: number) => `# tuned for a 4.x kernel\nnet.core.somaxconn = ${value}\n`;
const SERVER_XML = (acceptCount: string) =>
  [
    '<Server port="8005" shutdown="SHUTDOWN">',
    '  <Service name="Catalina">',
    `    <Connector port="8080" protocol="HTTP/1.1" connectionTimeout="20000" acceptCount="${acceptCount}" />`,
    '    <Engine name="Catalina" defaultHost="localhost"><Host name="localhost" appBase="webapps"/></Engine>',
    '  </Service>',
    '</Server>',
    '',
  ].join('\n');
const NGINX = (listen: string) => `events {}\nhttp {\n    server {\n        listen ${listen};\n    }\n}\n`;
const COMPOSE = (listen: number, sysctls = '') => `services:\n  app:\n    image: python:3.12\n    command: uwsgi --socket :3031 --listen ${listen}\n${sysctls}`;

testRule(rule, {
  accept: [
    {
      name: 'uWSGI listen 1024 under somaxconn 4096',
      tree: { 'uwsgi.ini': UWSGI('1024'), 'etc/sysctl.conf': SYSCTL(4096) },
    },
    {
      name: 'equal is fine: gunicorn backlog 4096 against the kernel default 4096',
      tree: { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nbacklog = 4096\n' },
    },
    {
      name: "defaults are not judged: gunicorn's default backlog 2048 over somaxconn 128",
      tree: { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\n', 'etc/sysctl.conf': SYSCTL(128) },
    },
    {
      name: "a container has its own network namespace: the host's 128 does not apply",
      tree: { 'docker-compose.yml': COMPOSE(2000), 'etc/sysctl.conf': SYSCTL(128) },
    },
    {
      name: '.cfglint.json says the hosts run somaxconn 8192',
      tree: { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nbacklog = 5000\n' },
      config: { environment: { somaxconn: 8192 } },
    },
    {
      name: "Tomcat from a tomcat: image runs in a container: the host's sysctl does not apply",
      tree: {
        'conf/server.xml': SERVER_XML('1000'),
        Dockerfile: 'FROM tomcat:10.1-jdk17\nCOPY conf/server.xml /usr/local/tomcat/conf/\n',
        'etc/sysctl.conf': SYSCTL(128),
      },
    },
    {
      name: 'nginx listen without backlog= (511 by default) under somaxconn 128',
      tree: { 'nginx/nginx.conf': NGINX('80'), 'etc/sysctl.conf': SYSCTL(128) },
    },
  ],
  reject: [
    {
      name: 'seed 002: uWSGI listen 2000 over sysctl.conf somaxconn 128',
      tree: { 'uwsgi.ini': UWSGI('2000'), 'etc/sysctl.conf': SYSCTL(128) },
      findings: [
        {
          messageId: 'uwsgiRefusesToStart',
          severity: 'error',
          primary: { file: 'uwsgi.ini', line: 3, column: 10, endLine: 3, endColumn: 14 },
          related: [{ file: 'etc/sysctl.conf', line: 2, column: 22, endColumn: 25, label: 'net.core.somaxconn is 128 here' }],
          messageIncludes: ["uWSGI's listen 2000", 'net.core.somaxconn 128 (etc/sysctl.conf:2)'],
          helpIncludes: ['Listen queue size is greater than the system max net.core.somaxconn (128).', 'set listen to at most 128'],
        },
      ],
      // Down to the somaxconn the tree writes: the queue the kernel allows anyway.
      fixed: { 'uwsgi.ini': UWSGI('128') },
    },
    {
      name: 'gunicorn backlog 8192 over the kernel default: a warning without a related span',
      tree: { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nbacklog = 8192\n' },
      findings: [
        {
          messageId: 'silentlyCapped',
          severity: 'warning',
          primary: { file: 'gunicorn.conf.py', line: 2, column: 11, endColumn: 15 },
          related: [],
          messageIncludes: ["gunicorn's backlog 8192", 'net.core.somaxconn 4096 (the kernel default since Linux 5.4'],
          helpIncludes: ['silently caps the queue at 4096', 'set backlog to at most 4096'],
        },
      ],
      // 4096 is the kernel's default, not what the hosts are known to run: no fix.
      fixed: {},
    },
    {
      name: 'Tomcat acceptCount 10000 over a sysctl.d file',
      tree: { 'conf/server.xml': SERVER_XML('10000'), 'etc/sysctl.d/60-net.conf': 'net.core.somaxconn=1024\n' },
      findings: [
        {
          messageId: 'silentlyCapped',
          severity: 'warning',
          primary: { file: 'conf/server.xml', line: 3, column: 87, endColumn: 92 },
          related: [{ file: 'etc/sysctl.d/60-net.conf', line: 1, column: 20 }],
          messageIncludes: ["Tomcat's acceptCount 10000", 'net.core.somaxconn 1024 (etc/sysctl.d/60-net.conf:1)'],
          helpIncludes: ['set acceptCount to at most 1024'],
        },
      ],
      fixed: { 'conf/server.xml': SERVER_XML('1024') },
    },
    {
      name: "a compose service's own sysctls cap its uWSGI",
      tree: { 'docker-compose.yml': COMPOSE(1024, '    sysctls:\n      net.core.somaxconn: 512\n'), 'etc/sysctl.conf': SYSCTL(4096) },
      findings: [
        {
          messageId: 'uwsgiRefusesToStart',
          severity: 'error',
          primary: { file: 'docker-compose.yml', line: 4, column: 44 },
          related: [{ file: 'docker-compose.yml', line: 6, column: 27 }],
          messageIncludes: ['net.core.somaxconn 512 (docker-compose.yml:6)'],
        },
      ],
      // The number on the command line, as written there.
      fixed: { 'docker-compose.yml': COMPOSE(512, '    sysctls:\n      net.core.somaxconn: 512\n') },
    },
    {
      name: 'one ini run on the host and in a container: one finding, at the lower somaxconn',
      tree: {
        'uwsgi.ini': '[uwsgi]\nhttp-socket = 0.0.0.0:8000\nlisten = 8192\nmodule = app.wsgi\n',
        'app.service': '[Service]\nExecStart=/usr/bin/uwsgi --ini /srv/app/uwsgi.ini\n',
        'docker-compose.yml':
          'services:\n  app:\n    image: python:3.12\n    command: uwsgi --ini /app/uwsgi.ini\n    volumes:\n      - ./uwsgi.ini:/app/uwsgi.ini\n',
        'etc/sysctl.conf': SYSCTL(1024),
      },
      // The host's 1024 cuts it more than the container's own 4096: uWSGI refuses to start there.
      findings: [
        {
          messageId: 'uwsgiRefusesToStart',
          severity: 'error',
          primary: { file: 'uwsgi.ini', line: 3, column: 10 },
          messageIncludes: ['net.core.somaxconn 1024 (etc/sysctl.conf:2)'],
        },
      ],
    },
    {
      name: 'somaxconn from .cfglint.json',
      tree: { 'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nbacklog = 1024\n' },
      config: { environment: { somaxconn: 128 } },
      findings: [
        {
          messageId: 'silentlyCapped',
          severity: 'warning',
          primary: { file: 'gunicorn.conf.py', line: 2, column: 11 },
          related: [],
          messageIncludes: ['net.core.somaxconn 128 (.cfglint.json environment.somaxconn)'],
        },
      ],
      // The hosts' value is the user's statement, not the tree's: no fix.
      fixed: {},
    },
    {
      name: 'two findings: uWSGI refuses to start, nginx backlog= is capped',
      tree: { 'uwsgi.ini': UWSGI('2000'), 'nginx/nginx.conf': NGINX('80 backlog=8192'), 'etc/sysctl.conf': SYSCTL(1024) },
      findings: [
        {
          messageId: 'uwsgiRefusesToStart',
          severity: 'error',
          primary: { file: 'uwsgi.ini', line: 3, column: 10 },
          related: [{ file: 'etc/sysctl.conf', line: 2, column: 22 }],
        },
        {
          messageId: 'silentlyCapped',
          severity: 'warning',
          primary: { file: 'nginx/nginx.conf', line: 4, column: 19, endColumn: 31 },
          related: [{ file: 'etc/sysctl.conf', line: 2, column: 22 }],
          messageIncludes: ['nginx listen … backlog= 8192'],
          helpIncludes: ['set backlog= to at most 1024'],
        },
      ],
      // nginx's `backlog=8192` is one word with its name: left as reported.
      fixed: { 'uwsgi.ini': UWSGI('1024') },
    },
  ],
});
