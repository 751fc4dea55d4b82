import { rule } from '../../checks/proxy-read-timeout-backend';
import { testRule } from '../harness';
import { lintDiskTree } from '../disk-tree';

// One location: its body starts on line 3 at col 9, so a `proxy_read_timeout` (or
// `uwsgi_read_timeout`, both 18 characters) value on line 3 starts at col 28.
const location = (...body: string[]) => `server {\n    location / {\n${body.map((line) => `        ${line};\n`).join('')}    }\n}\n`;
const PASS = 'proxy_pass http://127.0.0.1:8000';
// gunicorn with every default: sync workers, timeout 30s; the bind value is at line 1 col 8.
const GUNICORN = 'bind = "127.0.0.1:8000"\n';

testRule(rule, {
  accept: [
    { name: 'nginx keeps its default read timeout: nothing was raised', tree: { 'nginx/app.conf': location(PASS), 'gunicorn.conf.py': GUNICORN } },
    { name: "equal to gunicorn's 30s default", tree: { 'nginx/app.conf': location('proxy_read_timeout 30s', PASS), 'gunicorn.conf.py': GUNICORN } },
    { name: "below gunicorn's timeout", tree: { 'nginx/app.conf': location('proxy_read_timeout 20', PASS), 'gunicorn.conf.py': GUNICORN } },
    {
      name: 'the fixed tree: gunicorn raised above nginx',
      tree: { 'nginx/app.conf': location('proxy_read_timeout 600s', PASS), 'gunicorn.conf.py': GUNICORN + 'timeout = 620\n' },
    },
    {
      name: 'threads > 1 runs gthread workers, which timeout does not kill mid-request',
      tree: { 'nginx/app.conf': location('proxy_read_timeout 600s', PASS), 'gunicorn.conf.py': GUNICORN + 'threads = 4\n' },
    },
    {
      name: 'gevent workers are not killed by timeout mid-request',
      tree: { 'nginx/app.conf': location('proxy_read_timeout 600s', PASS), 'gunicorn.conf.py': GUNICORN + 'worker_class = "gevent"\n' },
    },
    {
      name: 'gunicorn timeout = 0 turns the kill off',
      tree: { 'nginx/app.conf': location('proxy_read_timeout 600s', PASS), 'gunicorn.conf.py': GUNICORN + 'timeout = 0\n' },
    },
    {
      name: 'uWSGI without harakiri has no hard limit',
      tree: { 'nginx/app.conf': location('uwsgi_read_timeout 600', 'uwsgi_pass 127.0.0.1:3031'), 'app.ini': '[uwsgi]\nsocket = 127.0.0.1:3031\n' },
    },
    {
      name: 'Tomcat has no hard limit in the model',
      tree: {
        'nginx/app.conf': location('proxy_read_timeout 600s', 'proxy_pass http://127.0.0.1:8080'),
        'conf/server.xml':
          '<Server port="8005" shutdown="SHUTDOWN">\n  <Service name="Catalina">\n    <Connector port="8080" protocol="HTTP/1.1" />\n  </Service>\n</Server>\n',
      },
    },
    {
      name: 'the raised timeout is in another location, which sends outside the tree',
      tree: {
        'nginx/app.conf':
          'server {\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n' +
          '    location /reports/ {\n        proxy_read_timeout 600s;\n        proxy_pass http://reports.internal:8000;\n    }\n}\n',
        'gunicorn.conf.py': GUNICORN,
      },
    },
  ],
  reject: [
    {
      name: 'seed 000: proxy_read_timeout 600s raised in nginx, gunicorn sync workers with the default 30s',
      tree: { 'nginx/app.conf': location('proxy_connect_timeout 300s', 'proxy_read_timeout 600s', PASS), 'gunicorn.conf.py': GUNICORN },
      findings: [
        {
          messageId: 'backendKillsFirst',
          severity: 'warning',
          primary: { file: 'nginx/app.conf', line: 4, column: 28, endLine: 4, endColumn: 32 },
          related: [{ file: 'gunicorn.conf.py', line: 1, column: 8, endColumn: 24, label: 'gunicorn kills requests after 30s by default' }],
          messageIncludes: ["proxy_read_timeout 600s is longer than gunicorn's timeout 30s (default, sync worker) behind 127.0.0.1:8000"],
          helpIncludes: [
            '"[CRITICAL] WORKER TIMEOUT (pid:N)"',
            '502 "upstream prematurely closed connection while reading response header from upstream"',
            'keep proxy_read_timeout at or below it',
          ],
        },
      ],
    },
    {
      name: 'both explicit, the timeout inherited from the server level',
      tree: {
        'nginx/app.conf':
          'server {\n    proxy_read_timeout 120s;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n' +
          '    location /api/ {\n        proxy_pass http://127.0.0.1:8000/api/;\n    }\n}\n',
        'gunicorn.conf.py': GUNICORN + 'worker_class = "sync"\ntimeout = 60\n',
      },
      findings: [
        {
          messageId: 'backendKillsFirst',
          primary: { file: 'nginx/app.conf', line: 2, column: 24, endColumn: 28 },
          related: [{ file: 'gunicorn.conf.py', line: 3, column: 11, endColumn: 13, label: 'gunicorn kills requests after 60s' }],
          messageIncludes: ["proxy_read_timeout 120s (set at server level) is longer than gunicorn's timeout 60s (sync worker)"],
          helpIncludes: ['kills a request after 60s'],
        },
      ],
    },
    {
      name: 'http level in nginx.conf, the location in an included file',
      tree: {
        'nginx/nginx.conf': 'events {}\nhttp {\n    proxy_read_timeout 10m;\n    include conf.d/*.conf;\n}\n',
        'nginx/conf.d/app.conf': location(PASS),
        'gunicorn.conf.py': GUNICORN + 'timeout = 90\n',
      },
      findings: [
        {
          messageId: 'backendKillsFirst',
          primary: { file: 'nginx/nginx.conf', line: 3, column: 24, endColumn: 27 },
          related: [{ file: 'gunicorn.conf.py', line: 2, column: 11 }],
          messageIncludes: ['proxy_read_timeout 10m (set at http level)', 'timeout 90s'],
        },
      ],
    },
    {
      name: 'uwsgi_read_timeout 300 against harakiri = 60 on a socket file',
      tree: {
        'nginx/app.conf': location('include uwsgi_params', 'uwsgi_read_timeout 300', 'uwsgi_pass unix:/run/app.sock'),
        'nginx/uwsgi_params': 'uwsgi_param QUERY_STRING $query_string;\n',
        'app.ini': '[uwsgi]\nsocket = /run/app.sock\nmaster = true\nharakiri = 60\n',
      },
      findings: [
        {
          messageId: 'backendKillsFirst',
          primary: { file: 'nginx/app.conf', line: 4, column: 28, endColumn: 31 },
          related: [{ file: 'app.ini', line: 4, column: 12, endColumn: 14, label: 'uwsgi kills requests after 60s' }],
          messageIncludes: ["uwsgi_read_timeout 300 is longer than uWSGI's harakiri 60s behind unix:/run/app.sock"],
          helpIncludes: ['"*** HARAKIRI ON WORKER 1 (pid: N, try: 1) ***"', 'keep uwsgi_read_timeout at or below it'],
        },
      ],
    },
    {
      name: 'two locations, two backends: proxy to gunicorn, fastcgi to uWSGI',
      tree: {
        'nginx/app.conf':
          'server {\n    location / {\n        proxy_read_timeout 5m;\n        proxy_pass http://127.0.0.1:8000;\n    }\n' +
          '    location /legacy/ {\n        fastcgi_read_timeout 180s;\n        fastcgi_pass 127.0.0.1:9000;\n    }\n}\n',
        'web/gunicorn.conf.py': GUNICORN + 'timeout = 120\n',
        'legacy/app.ini': '[uwsgi]\nfastcgi-socket = 127.0.0.1:9000\nharakiri = 120\n',
      },
      findings: [
        {
          messageId: 'backendKillsFirst',
          primary: { file: 'nginx/app.conf', line: 3, column: 28 },
          related: [{ file: 'web/gunicorn.conf.py', line: 2, column: 11 }],
          messageIncludes: ["proxy_read_timeout 5m is longer than gunicorn's timeout 2m"],
        },
        {
          messageId: 'backendKillsFirst',
          primary: { file: 'nginx/app.conf', line: 7, column: 30, endColumn: 34 },
          related: [{ file: 'legacy/app.ini', line: 3, column: 12 }],
          messageIncludes: ["fastcgi_read_timeout 180s is longer than uWSGI's harakiri 2m behind 127.0.0.1:9000"],
        },
      ],
    },
  ],
});

// uWSGI 2.0.22 added graceful harakiri (core/master_checks.c uwsgi_master_check_harakiri,
// core/master_utils.c trigger_harakiri): the first harakiri sends harakiri-graceful-signal, and
// SIGKILL follows harakiri-graceful-timeout seconds later. Trees read from disk by the real engine.
describe('graceful harakiri, read from disk', () => {
  const nginx = (readTimeout: string) =>
    `events {}\nhttp {\n    server {\n        listen 80;\n        location / {\n            include uwsgi_params;\n            uwsgi_read_timeout ${readTimeout};\n            uwsgi_pass 127.0.0.1:8050;\n        }\n    }\n}\n`;
  const ini = (...lines: string[]) =>
    `[uwsgi]\nsocket = 127.0.0.1:8050\nmaster = true\nmodule = app.wsgi:application\n${lines.map((line) => `${line}\n`).join('')}`;
  const findings = (readTimeout: string, ...lines: string[]) =>
    lintDiskTree({
      'nginx/nginx.conf': nginx(readTimeout),
      'nginx/uwsgi_params': 'uwsgi_param QUERY_STRING $query_string;\n',
      'uwsgi.ini': ini(...lines),
    }).filter((finding) => finding.ruleId === 'proxy-read-timeout-backend');
  // ansible/awx's uwsgi.ini: its app logs the stack on SIGABRT and lets the request run on.
  const AWX = ['harakiri = 115', 'harakiri-graceful-timeout = 110', 'harakiri-graceful-signal = 6'];

  test('SIGABRT, which the app may catch: nginx waiting 120s is within the SIGKILL at 115 + 110 s', () => {
    expect(findings('120s', ...AWX)).toEqual([]);
  });

  test('SIGABRT: nginx waiting past the SIGKILL at 115 + 110 s is reported against the graceful timeout', () => {
    const [finding, ...more] = findings('240s', ...AWX);
    expect(more).toEqual([]);
    expect(finding.message).toContain("uwsgi_read_timeout 240s is longer than uWSGI's harakiri + harakiri-graceful-timeout 225s behind 127.0.0.1:8050");
    // The second try is the SIGKILL.
    expect(finding.message + finding.help).toContain('(pid: N, try: 2, graceful: no)');
    expect(finding.related).toEqual([
      expect.objectContaining({ label: 'uwsgi kills requests after 225s', span: expect.objectContaining({ file: 'uwsgi.ini' }) }),
    ]);
    expect(finding.related[0].span.start).toMatchObject({ line: 6, column: 29 });
  });

  test('SIGTERM, the default signal, ends the worker at once (end_me): still killed at harakiri', () => {
    const [finding, ...more] = findings('120s', 'harakiri = 115', 'harakiri-graceful-timeout = 110');
    expect(more).toEqual([]);
    expect(finding.message).toContain("uwsgi_read_timeout 120s is longer than uWSGI's harakiri 115s");
    expect(finding.related[0]).toMatchObject({ label: 'uwsgi kills requests after 115s', span: { start: { line: 5, column: 12 } } });
  });

  test('SIGTERM written as 15, and SIGINT (2), end the worker at harakiri as well', () => {
    expect(findings('120s', 'harakiri = 115', 'harakiri-graceful-timeout = 110', 'harakiri-graceful-signal = 15')).toHaveLength(1);
    expect(findings('120s', 'harakiri = 115', 'harakiri-graceful-timeout = 110', 'harakiri-graceful-signal = 2')).toHaveLength(1);
  });

  test('no graceful timeout (or 0): the harakiri is a SIGKILL, today’s warning stays', () => {
    expect(findings('120s', 'harakiri = 115', 'harakiri-graceful-signal = 6').map((finding) => finding.message)).toEqual([
      expect.stringContaining("uWSGI's harakiri 115s"),
    ]);
    expect(findings('120s', 'harakiri = 115', 'harakiri-graceful-timeout = 0', 'harakiri-graceful-signal = 6')).toHaveLength(1);
  });

  test('a graceful timeout the tree does not know: silent unless the signal ends the worker', () => {
    expect(findings('240s', 'harakiri = 115', 'harakiri-graceful-timeout = $(GRACE)', 'harakiri-graceful-signal = 6')).toEqual([]);
    expect(findings('120s', 'harakiri = 115', 'harakiri-graceful-timeout = $(GRACE)')).toHaveLength(1);
  });

  test('harakiri-queue-threshold: a request is killed only while the listen queue is that long, which the tree cannot say', () => {
    expect(findings('240s', 'harakiri = 115', 'harakiri-queue-threshold = 10')).toEqual([]);
    expect(findings('240s', 'harakiri = 115', 'harakiri-queue-threshold = 0')).toHaveLength(1);
  });
});
