/**
 * Each deploy set of ../shared/corpus/deploy-sets/ (nginx and its backends from one repository,
 * kept intact) linted as a whole directory, the way a user runs cfglint on a checkout: every
 * nginx file is found and read, nothing else is read as nginx, and nothing fails to read.
 * Other findings (include-missing, rules) are not asserted here; they are reviewed by hand.
 */
import { corpusEntries, describeCorpus, describeFinding, lintCorpus, READING_FAILED } from './corpus';

/** Formats another reader takes, so they may appear among the files read. */
const OTHER_READERS = new Set(['dockerfile', 'yaml', 'gunicorn', 'tomcat', 'uwsgi', 'systemd', 'supervisord']);

describeCorpus('corpus: deploy sets linted as directories', () => {
  const entries = corpusEntries().filter((entry) => entry.path.startsWith('deploy-sets/'));
  const sets = [...new Set(entries.map((entry) => entry.path.split('/')[1]))].sort();

  test('FORMATS.tsv lists the deploy sets', () => {
    expect(sets.length).toBeGreaterThan(10);
  });

  /**
   * Every finding at warning or above in the deploy sets, each checked by hand against the files
   * (the reason is beside it). A new finding here must be judged before it is added.
   */
  const JUDGED: Record<string, string[]> = {
    '1ibrary__1ibrary-gzhu': ['uwsgi-value-units uwsgi.ini:13'], // `threads = true` is atoi("true") = 0 threads
    GlobalFinPrint__global_finprint: ['gunicorn-unknown-setting deploy/gunicorn.conf.py:1'], // `name` is not a setting (proc_name is)
    'AlesRybak__tomcat-connector-performance': [
      'nginx-deprecated-directive nginx/tomcat.conf:24', // `ssl on;`, version unknown: deprecated, refused from nginx 1.25.1
      'nginx-weak-tls nginx/tomcat.conf:26', // ssl_protocols TLSv1 TLSv1.1 TLSv1.2 in a server that speaks TLS (ssl on)
    ],
    anehx__anonboard: ['uwsgi-value-units tools/uwsgi/anonboard.ini:13'], // `http-keepalive = True` is 0: keep-alive stays off
    'bookwyrm-social__bookwyrm': [
      // upstream web has keepalive 4; no location sets proxy_http_version 1.1 (nginx version unknown: warning)
      'upstream-keepalive-http10 nginx/locations:45',
      // /.within.website/ (Anubis) sets its own proxy headers but not the server's X-Forwarded-Proto https: the client's copy reaches Anubis
      'nginx-header-redefinition nginx/locations:51',
      'upstream-keepalive-http10 nginx/locations:79',
      'upstream-keepalive-http10 nginx/locations:85',
    ],
    // both /healthz locations (port 80, line 23; port 443, line 71) answer `return 200 "ok"` with add_header Content-Type text/plain: default_type is sent too
    ConesaLab__PaintOmics: ['nginx-add-header-content-type deploy/nginx/paintomics.conf:23', 'nginx-add-header-content-type deploy/nginx/paintomics.conf:71'],
    'PyNSK__pynsk.ru': [
      // `listen 443 ssl spdy;` (IPv4 and IPv6), version unknown: ignored with a warning until 1.19.6, invalid parameter from 1.19.7
      'nginx-deprecated-directive deploy/nginx.conf:8',
      'nginx-deprecated-directive deploy/nginx.conf:9',
      'nginx-weak-tls deploy/nginx.conf:15', // ssl_protocols TLSv1 TLSv1.1 TLSv1.2
    ],
    'ask-ar__carceropolis': [
      // `error_log off;` in two servers: nginx logs to a file named "off" under its prefix
      'nginx-error-log-off deploy/nginx/carceropolis.conf.prod:10',
      'nginx-error-log-off deploy/nginx/carceropolis.conf.prod:21',
      // both servers: ssl_protocols TLSv1.1 TLSv1.2, and resolver 1.1.1.1 8.8.4.4 (public resolvers) for OCSP stapling
      'nginx-weak-tls deploy/nginx/carceropolis.conf.prod:32',
      'nginx-resolver-external deploy/nginx/carceropolis.conf.prod:41',
      'nginx-weak-tls deploy/nginx/carceropolis.conf.prod:64',
      'nginx-resolver-external deploy/nginx/carceropolis.conf.prod:73',
    ],
    kiwitcms__Kiwi: ['header-size-backend etc/uwsgi.conf:11'], // nginx admits 4 x 10k of headers, uWSGI buffer-size 20480
    // supervisord stops app-uwsgi with SIGTERM (no stopsignal); uWSGI 2.0 with `master = true` and no die-on-term reloads on it, so the stop waits stopwaitsecs (10 s) and ends in SIGKILL
    'Fingel__sane-django-docker': ['uwsgi-sigterm-reload deploy/supervisor-app.conf:2'],
  };

  for (const set of sets) {
    test(`${set}: findings at warning or above are the judged ones`, () => {
      const report = lintCorpus(`deploy-sets/${set}`);
      const serious = report.findings
        .filter((f) => f.severity !== 'info')
        .map((f) => `${f.ruleId} ${f.primary.file.slice(`deploy-sets/${set}/`.length)}:${f.primary.start.line}`);
      expect(serious).toEqual(JUDGED[set] ?? []);
    });

    test(set, () => {
      const members = entries.filter((entry) => entry.path.startsWith(`deploy-sets/${set}/`));
      const report = lintCorpus(`deploy-sets/${set}`);
      const nginxFiles = members.filter((entry) => entry.format === 'nginx').map((entry) => entry.path);
      const notNginx = members.filter((entry) => entry.format !== 'nginx' && !OTHER_READERS.has(entry.format)).map((entry) => entry.path);
      expect(nginxFiles.filter((file) => !report.files.includes(file))).toEqual([]);
      expect(report.files.filter((file) => notNginx.includes(file))).toEqual([]);
      expect(report.findings.filter((finding) => READING_FAILED.includes(finding.ruleId)).map(describeFinding)).toEqual([]);
    });
  }
});
