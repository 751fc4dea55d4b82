import { rule } from '../../checks/upstream-socket-permission';
import { testRule } from '../harness';

// nginx.conf: line 1 is the `user` directive (col 1); the pass is on line 7.
const nginxConf = (user: string, pass = 'uwsgi_pass unix:/run/app/app.sock;') =>
  `${user}\nevents {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            ${pass}\n        }\n    }\n}\n`;

// app.ini: line 3 the socket (value at col 10), then one option per line from line 4.
const ini = (...lines: string[]) => `[uwsgi]\nmodule = app:application\nsocket = /run/app/app.sock\n${lines.map((l) => `${l}\n`).join('')}`;

const GUNICORN_PASS = 'proxy_pass http://unix:/run/app/gunicorn.sock;';

testRule(rule, {
  accept: [
    {
      name: 'chmod-socket = 666: everyone may write',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('uid = app', 'chmod-socket = 666') },
    },
    {
      name: '660 with gid app: www-data may be in group app (nginx calls initgroups), not decided',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('uid = app', 'gid = app', 'chmod-socket = 660') },
    },
    {
      name: '660 even when the user directive names a different group: supplementary groups still apply',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data www-data;'), 'app.ini': ini('uid = app', 'gid = app', 'chmod-socket = 660') },
    },
    {
      name: 'no user directive: the package default is not assumed',
      tree: { 'nginx/nginx.conf': nginxConf('worker_processes 1;'), 'app.ini': ini('uid = app', 'chmod-socket = 600') },
    },
    {
      name: 'no chmod-socket: the mode follows a umask the tree does not state',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('uid = app') },
    },
    {
      name: "the socket belongs to nginx's own user",
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('uid = www-data', 'chmod-socket = 600') },
    },
    {
      name: 'nginx workers run as root',
      tree: { 'nginx/nginx.conf': nginxConf('user root;'), 'app.ini': ini('uid = app', 'chmod-socket = 600') },
    },
    {
      name: 'a numeric uid cannot be compared with a user name',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('uid = 1000', 'chmod-socket = 600') },
    },
    {
      name: 'no owner known: no uid, no chown-socket, no launch user',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('chmod-socket = 600') },
    },
    {
      name: 'a snippet without its main config: the nginx user is not known',
      tree: { 'nginx/app.conf': 'server {\n    location / { uwsgi_pass unix:/run/app/app.sock; }\n}\n', 'app.ini': ini('uid = app', 'chmod-socket = 600') },
    },
    {
      name: "gunicorn's default umask 0 leaves the socket at 777",
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;', GUNICORN_PASS), 'gunicorn.conf.py': 'bind = "unix:/run/app/gunicorn.sock"\nuser = "app"\n' },
    },
    {
      name: 'gunicorn umask 0o007: group write, not decided',
      tree: {
        'nginx/nginx.conf': nginxConf('user www-data;', GUNICORN_PASS),
        'gunicorn.conf.py': 'bind = "unix:/run/app/gunicorn.sock"\numask = 0o007\nuser = "app"\n',
      },
    },
  ],
  reject: [
    {
      name: 'chmod-socket = 600 with uid = app while nginx runs as www-data',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('uid = app', 'gid = app', 'chmod-socket = 600') },
      findings: [
        {
          messageId: 'socketNotWritable',
          severity: 'warning',
          primary: { file: 'app.ini', line: 6, column: 16, endLine: 6, endColumn: 19 },
          related: [
            { file: 'nginx/nginx.conf', line: 1, column: 1, label: 'nginx workers run as www-data' },
            { file: 'app.ini', line: 4, column: 7, label: 'uWSGI drops to app before creating the socket' },
            { file: 'app.ini', line: 3, column: 10, label: 'uWSGI creates the socket here' },
          ],
          messageIncludes: ['nginx workers run as "www-data" but uWSGI creates /run/app/app.sock owned by "app" with mode 600 (chmod-socket = 600)'],
          helpIncludes: ['connect() to unix:/run/app/app.sock failed (13: Permission denied) while connecting to upstream', 'chown-socket = app:www-data'],
        },
      ],
    },
    {
      name: 'chown-socket gives the socket away; 644 lets nobody else write; the named group is used in the fix',
      tree: { 'nginx/nginx.conf': nginxConf('user nginx nginx;'), 'app.ini': ini('chown-socket = app:app', 'chmod-socket = 644') },
      findings: [
        {
          messageId: 'socketNotWritable',
          primary: { file: 'app.ini', line: 5, column: 16 },
          related: [
            { file: 'nginx/nginx.conf', line: 1, column: 1 },
            { file: 'app.ini', line: 4, column: 16, label: 'chown-socket gives the socket to app' },
            { file: 'app.ini', line: 3, column: 10 },
          ],
          messageIncludes: ['owned by "app" with mode 644'],
          helpIncludes: ['chown-socket = app:nginx'],
        },
      ],
    },
    {
      name: 'the owner itself has no write permission: chmod-socket = 400 for www-data',
      tree: { 'nginx/nginx.conf': nginxConf('user www-data;'), 'app.ini': ini('uid = www-data', 'chmod-socket = 400') },
      findings: [
        { messageId: 'socketNotWritable', primary: { file: 'app.ini', line: 5, column: 16 }, helpIncludes: ['the owner "www-data" has no write permission'] },
      ],
    },
    {
      name: 'gunicorn umask 0o077 and user app: mode 700',
      tree: {
        'nginx/nginx.conf': nginxConf('user www-data;', GUNICORN_PASS),
        'gunicorn.conf.py': 'bind = "unix:/run/app/gunicorn.sock"\numask = 0o077\nuser = "app"\n',
      },
      findings: [
        {
          messageId: 'socketNotWritable',
          primary: { file: 'gunicorn.conf.py', line: 2, column: 9 },
          related: [
            { file: 'nginx/nginx.conf', line: 1, column: 1 },
            { file: 'gunicorn.conf.py', line: 3, column: 8, label: 'gunicorn chowns the socket to app' },
            { file: 'gunicorn.conf.py', line: 1, column: 8, label: 'gunicorn creates the socket here' },
          ],
          messageIncludes: ['gunicorn creates /run/app/gunicorn.sock owned by "app" with mode 700 (gunicorn umask 0o077)'],
          helpIncludes: ['umask to 0o007'],
        },
      ],
    },
    {
      name: "no uid: the systemd unit's User= owns the socket",
      tree: {
        'nginx/nginx.conf': nginxConf('user www-data;'),
        'deploy/app.service': '[Service]\nUser=app\nExecStart=/usr/bin/uwsgi --ini /etc/uwsgi/app.ini\n',
        'deploy/app.ini': '[uwsgi]\nsocket = /run/app/app.sock\nchmod-socket = 640\n',
      },
      findings: [
        {
          messageId: 'socketNotWritable',
          primary: { file: 'deploy/app.ini', line: 3, column: 16 },
          related: [
            { file: 'nginx/nginx.conf', line: 1, column: 1 },
            { file: 'deploy/app.service', line: 2, column: 6, label: 'uWSGI runs as app' },
            { file: 'deploy/app.ini', line: 2, column: 10 },
          ],
          messageIncludes: ['owned by "app" with mode 640'],
        },
      ],
    },
    {
      name: 'two sockets, two findings',
      tree: {
        'nginx/nginx.conf': nginxConf(
          'user www-data;',
          'uwsgi_pass unix:/run/app/app.sock;\n        }\n        location /api {\n            uwsgi_pass unix:/run/api/api.sock;',
        ),
        'app/app.ini': ini('uid = app', 'chmod-socket = 600'),
        'api/api.ini': '[uwsgi]\nsocket = /run/api/api.sock\nchmod-socket = 640\nuid = api\n',
      },
      findings: [
        {
          messageId: 'socketNotWritable',
          primary: { file: 'app/app.ini', line: 5, column: 16 },
          messageIncludes: ['/run/app/app.sock owned by "app" with mode 600'],
        },
        {
          messageId: 'socketNotWritable',
          primary: { file: 'api/api.ini', line: 3, column: 16 },
          related: [
            { file: 'nginx/nginx.conf', line: 1, column: 1 },
            { file: 'api/api.ini', line: 4, column: 7 },
            { file: 'api/api.ini', line: 2, column: 10 },
          ],
          messageIncludes: ['/run/api/api.sock owned by "api" with mode 640'],
        },
      ],
    },
  ],
});
