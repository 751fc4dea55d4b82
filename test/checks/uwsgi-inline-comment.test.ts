import { rule } from '../../checks/uwsgi-inline-comment';
import { testRule } from '../harness';

testRule(rule, {
  accept: [
    { name: 'comments on lines of their own', tree: { 'uwsgi.ini': '[uwsgi]\n; the main socket\nsocket = /run/app.sock\n# workers\nprocesses = 4\n' } },
    { name: 'a # or ; inside a value, not after a space', tree: { 'uwsgi.ini': '[uwsgi]\nlogto = /var/log/app#1.log\nenv = COLOR=#fff\nenv = PATHS=/a;/b\n' } },
    {
      name: 'shell commands: the shell reads # as a comment and ; as a separator',
      tree: {
        'uwsgi.ini':
          '[uwsgi]\nattach-daemon = celery -A app worker # the queue\nexec-asap = mkdir -p /run/app ; chown app /run/app\nhook-asap = exec:echo hi ; echo there\ncron = -1 -1 -1 -1 -1 /usr/bin/backup # nightly\n',
      },
    },
    {
      name: 'a comment after a number or a switch that reads the same without it',
      tree: { 'uwsgi.ini': '[uwsgi]\nprocesses = 4 # four\nmax-requests = 1000   ; recycle\nstrict = true  # fail on unknown options\n' },
    },
    {
      name: 'suppressed with a reason on the line before',
      tree: {
        'uwsgi.ini': '[uwsgi]\n# cfglint-disable-next-line uwsgi-inline-comment -- the socket file really has this name\nsocket = /run/app.sock ; main\n',
      },
    },
    {
      // GeoNode/geonode-project: a misspelt option sets nothing, comment or not (uwsgi-unknown-option reports the name).
      name: 'a name uWSGI does not know, that no %(name) reads',
      tree: { 'uwsgi.ini': '[uwsgi]\npy-callos-afterfork = true ; allow workers to trap signals\n' },
    },
    { name: 'on the command line the shell has removed comments already', tree: { Dockerfile: 'FROM python:3.11\nCMD uwsgi --http-socket :8000 --master\n' } },
  ],
  reject: [
    {
      name: 'a placeholder of its own that a value reads: the comment goes into the socket path',
      tree: { 'uwsgi.ini': '[uwsgi]\nbase = /run/app ; the run dir\nsocket = %(base)/app.sock\n' },
      findings: [{ messageId: 'commentInValue', primary: { file: 'uwsgi.ini', line: 2, column: 17 } }],
    },
    {
      name: 'a socket named with its comment, and a switch turned on by one',
      tree: { 'uwsgi.ini': '[uwsgi]\nsocket = /run/app.sock ; main socket\nmaster = false # no master\n' },
      findings: [
        {
          messageId: 'commentInValue',
          primary: { file: 'uwsgi.ini', line: 2, column: 24, endLine: 2, endColumn: 37 },
          messageIncludes: ['uWSGI does not strip "; main socket"', 'socket is "/run/app.sock ; main socket"'],
        },
        {
          messageId: 'commentInValue',
          primary: { file: 'uwsgi.ini', line: 3, column: 16, endLine: 3, endColumn: 27 },
          messageIncludes: ['master is "false # no master", which uWSGI reads as "true", not "false"'],
        },
      ],
      // Each comment above its option, with its own marker; the value ends where the comment began.
      fixed: { 'uwsgi.ini': '[uwsgi]\n; main socket\nsocket = /run/app.sock\n# no master\nmaster = false\n' },
    },
    {
      name: 'a hook that is not a shell command',
      tree: { 'uwsgi.ini': '[uwsgi]\nhook-asap = mkdir:/run/app\t; for the socket\n' },
      findings: [
        {
          messageId: 'commentInValue',
          primary: { file: 'uwsgi.ini', line: 2, column: 28 },
          messageIncludes: ['hook-asap is "mkdir:/run/app\t; for the socket"'],
        },
      ],
      // The tab before the marker goes with the comment.
      fixed: { 'uwsgi.ini': '[uwsgi]\n; for the socket\nhook-asap = mkdir:/run/app\n' },
    },
    {
      name: 'in an included file, quoting the value after placeholders',
      tree: {
        'app.ini': '[uwsgi]\nname = shop\nini = base.ini\n',
        'base.ini': '[uwsgi]\nchdir = /srv/%(name) # app root\n',
      },
      findings: [{ messageId: 'commentInValue', primary: { file: 'base.ini', line: 2, column: 22 }, messageIncludes: ['chdir is "/srv/shop # app root"'] }],
      // The file as written: the placeholder stays.
      fixed: { 'base.ini': '[uwsgi]\n# app root\nchdir = /srv/%(name)\n' },
    },
    {
      name: 'an indented key in a CRLF file',
      tree: { 'uwsgi.ini': '[uwsgi]\r\n  buffer-size = 32k # big headers\r\n' },
      findings: [{ messageId: 'commentInValue', primary: { file: 'uwsgi.ini', line: 2, column: 21 }, messageIncludes: ['buffer-size is "32k # big headers"'] }],
      // Indented like the key, CRLF kept; 32k is then uwsgi-value-units' to fix.
      fixed: { 'uwsgi.ini': '[uwsgi]\r\n  # big headers\r\n  buffer-size = 32k\r\n' },
    },
  ],
});
