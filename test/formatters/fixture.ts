/**
 * The one report every formatter test renders. Findings are deliberately out of
 * order (stylish and github must sort; json and sarif must keep this order).
 */
import type { Finding, Report } from '../../src/engine/findings';
import type { Pos, Span } from '../../src/source/span';
import type { FormatContext } from '../../src/report/formatters';

export const NGINX = 'nginx/conf.d/app.conf';
/** A space in the path, for SARIF URI encoding. */
export const GUNICORN = 'app server/gunicorn.conf.py';
/** Source unavailable; `:` and `,` in the name for GitHub property escaping and SARIF encoding. */
export const UWSGI = 'uwsgi/app:v2,old.ini';

export const SOURCES: Readonly<Record<string, string>> = {
  [NGINX]: [
    'upstream app {',
    '    server 127.0.0.1:8000;',
    '}',
    '',
    'server {',
    '    listen 80;',
    '\tkeepalive_timeout\t650s;',
    '',
    '    location / {',
    '        proxy_pass http://app;',
    '        proxy_read_timeout 30s;',
    '    }',
    '}',
    '',
  ].join('\n'),
  [GUNICORN]: 'bind = "127.0.0.1:8001"\nworkers = 1\ntimeout = 30\n',
};

const DOCS = 'https://github.com/cfglint/cfglint/blob/v0.1.0';

function pos(file: string, line: number, column: number, fallbackOffset = 0): Pos {
  const source = SOURCES[file];
  if (source === undefined) return { line, column, offset: fallbackOffset };
  const lines = source.split('\n');
  const offset = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) + column - 1;
  return { line, column, offset };
}

function span(file: string, start: [number, number], end: [number, number]): Span {
  return { file, start: pos(file, ...start), end: pos(file, ...end) };
}

const keepaliveWarning: Finding = {
  ruleId: 'keepalive-timeout-mismatch',
  messageId: 'tooLong',
  message: 'Expected "keepalive_timeout" to be at most "75s", found "650s"',
  severity: 'warning',
  // `650s` follows a tab, so carets must account for tab expansion.
  primary: span(NGINX, [7, 20], [7, 24]),
  related: [],
  docsUrl: `${DOCS}/checks/keepalive-timeout-mismatch.md`,
  fingerprint: '5b0c2f1e9a7d4c3b',
};

const invalidValueError: Finding = {
  ruleId: 'invalid-value',
  messageId: 'invalidValue',
  message: 'Invalid "harakiri" value "thirty"',
  severity: 'error',
  primary: { file: UWSGI, start: { line: 3, column: 12, offset: 44 }, end: { line: 3, column: 18, offset: 50 } },
  related: [],
  docsUrl: `${DOCS}/docs/diagnostics.md#invalid-value`,
  fingerprint: 'c4d2a8e61f0b3975',
};

const portMismatchError: Finding = {
  ruleId: 'upstream-port-mismatch',
  messageId: 'noListener',
  message: 'Nothing listens on "127.0.0.1:8000"; gunicorn binds "127.0.0.1:8001"',
  severity: 'error',
  primary: span(NGINX, [2, 12], [2, 26]),
  related: [
    { span: span(GUNICORN, [1, 8], [1, 24]), label: 'gunicorn binds here' },
    { span: span(NGINX, [10, 20], [10, 30]), label: 'proxied from here' },
  ],
  docsUrl: `${DOCS}/checks/upstream-port-mismatch.md`,
  fingerprint: '0e9f3a71bd24c658',
};

const singleWorkerInfo: Finding = {
  ruleId: 'gunicorn-single-worker',
  messageId: 'singleWorker',
  // `%`, `:`, `,` and a newline exercise GitHub's escaping.
  message: 'Only one worker: 100% of requests wait on a single process,\nso one slow request blocks all others',
  severity: 'info',
  primary: span(GUNICORN, [2, 11], [2, 12]),
  related: [],
  docsUrl: `${DOCS}/checks/gunicorn-single-worker.md`,
  fingerprint: '9a8b7c6d5e4f3a2b',
};

const missingHeadersWarning: Finding = {
  ruleId: 'location-missing-proxy-headers',
  messageId: 'missingHost',
  message: 'Missing "proxy_set_header Host" in "location /"',
  severity: 'warning',
  // The whole block: a multi-line span.
  primary: span(NGINX, [9, 5], [12, 6]),
  related: [],
  docsUrl: `${DOCS}/checks/location-missing-proxy-headers.md`,
  fingerprint: '7f6e5d4c3b2a1908',
};

export function makeReport(): Report {
  return {
    tool: { name: 'cfglint', version: '0.1.0' },
    files: [GUNICORN, NGINX, UWSGI],
    findings: structuredClone([keepaliveWarning, invalidValueError, portMismatchError, singleWorkerInfo, missingHeadersWarning]),
    rules: [
      {
        id: 'upstream-port-mismatch',
        severity: 'error',
        category: 'correctness',
        description: 'nginx proxies to a port the app server does not listen on',
        docsUrl: `${DOCS}/checks/upstream-port-mismatch.md`,
      },
      {
        id: 'keepalive-timeout-mismatch',
        severity: 'warning',
        category: 'reliability',
        description: 'keepalive_timeout exceeds the idle timeout in front of nginx',
        docsUrl: `${DOCS}/checks/keepalive-timeout-mismatch.md`,
      },
      {
        id: 'location-missing-proxy-headers',
        severity: 'warning',
        category: 'correctness',
        description: 'A proxied location does not forward the Host header',
        docsUrl: `${DOCS}/checks/location-missing-proxy-headers.md`,
      },
      {
        id: 'gunicorn-single-worker',
        severity: 'info',
        category: 'performance',
        description: 'Gunicorn runs a single worker',
        docsUrl: `${DOCS}/checks/gunicorn-single-worker.md`,
      },
      {
        // Ran, found nothing: still listed.
        id: 'listen-backlog-somaxconn',
        severity: 'warning',
        category: 'performance',
        description: 'listen backlog exceeds net.core.somaxconn',
        docsUrl: `${DOCS}/checks/listen-backlog-somaxconn.md`,
      },
    ],
    links: [
      {
        // Formatters other than json ignore links; the uWSGI listener has no source text.
        nginx: { address: '127.0.0.1:8000', span: span(NGINX, [2, 12], [2, 26]) },
        backend: {
          kind: 'uwsgi',
          name: UWSGI,
          protocol: 'http',
          option: 'http-socket',
          span: { file: UWSGI, start: { line: 2, column: 15, offset: 22 }, end: { line: 2, column: 29, offset: 36 } },
        },
        reason: 'same-address',
        detail: 'port 8000 on loopback',
        scope: "one host's loopback (files under deploy/)",
        // The tree also configures gunicorn on the same port, just as close to the nginx file.
        alternatives: [{ kind: 'gunicorn', name: 'deploy/gunicorn.conf.py' }],
      },
    ],
    summary: { errors: 2, warnings: 2, infos: 1, suppressed: 1, baselined: 0 },
  };
}

export function makeContext(color = false, sources: Readonly<Record<string, string>> = SOURCES): FormatContext {
  return { readSource: (file) => sources[file], color };
}
