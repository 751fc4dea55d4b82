/**
 * uvicorn behind nginx, end to end from files on disk: the rules judge uvicorn through the
 * listener's normalised settings like any other backend, and gunicorn's uvicorn workers are
 * judged by uvicorn's parser, not gunicorn's limits.
 */
import { printConfig } from '../../src/cli/print-config';
import { lintSync } from '../../src/engine/run';
import { renderGraph } from '../../src/report/graph';
import { lintDiskTree, writeTree } from '../disk-tree';
import { NGINX_KEEPALIVE_UPSTREAM } from '../nginx-fixtures';

const PROXY = 'server {\n    listen 80;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n';
const dockerfile = (args: string[]) => `FROM python:3.12-slim\nCMD ${JSON.stringify(['uvicorn', 'app:app', ...args])}\n`;

const ofRule = (findings: ReturnType<typeof lintDiskTree>, id: string) => findings.filter((f) => f.ruleId === id);

describe('upstream-keepalive-timeout with uvicorn', () => {
  test('`uvicorn app:app --port 8000` behind upstream keepalive: nginx 60 s against uvicorn 5 s', () => {
    const findings = ofRule(
      lintDiskTree({ 'nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM, Dockerfile: dockerfile(['--port', '8000']) }),
      'upstream-keepalive-timeout',
    );
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding.severity).toBe('error');
    // The upstream's `keepalive 16;` (line 3) is what to change; uvicorn's port is the related span.
    expect(finding.primary).toMatchObject({ file: 'nginx/app.conf', start: { line: 3, column: 5 } });
    expect(finding.message).toContain("uvicorn's timeout_keep_alive 5s (default)");
    expect(finding.message).toContain('keepalive_timeout 60s (nginx default)');
    expect(finding.related[0]).toMatchObject({ span: { file: 'Dockerfile', start: { line: 2 } } });
  });

  test("a compose service name: nginx's `server api:8000` reaches the service that runs uvicorn", () => {
    const compose = [
      'services:',
      '  api:',
      '    image: python:3.12-slim',
      '    command: ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]',
      '  web:',
      '    image: nginx:1.24',
      '    volumes:',
      '      - ./nginx/app.conf:/etc/nginx/conf.d/default.conf:ro',
      '',
    ].join('\n');
    const findings = lintDiskTree({ 'nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM.replace('127.0.0.1:8000', 'api:8000'), 'compose.yaml': compose });
    const keepalive = ofRule(findings, 'upstream-keepalive-timeout');
    expect(keepalive).toHaveLength(1);
    expect(keepalive[0].related[0].span.file).toBe('compose.yaml');
  });

  test('silent when uvicorn keeps connections longer than nginx (--timeout-keep-alive 75)', () => {
    const findings = lintDiskTree({ 'nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM, Dockerfile: dockerfile(['--port', '8000', '--timeout-keep-alive', '75']) });
    expect(ofRule(findings, 'upstream-keepalive-timeout')).toEqual([]);
  });

  test('UVICORN_TIMEOUT_KEEP_ALIVE in the environment counts like the flag', () => {
    const docker = 'FROM python:3.12-slim\nENV UVICORN_TIMEOUT_KEEP_ALIVE=75\nCMD ["uvicorn", "app:app"]\n';
    expect(ofRule(lintDiskTree({ 'nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM, Dockerfile: docker }), 'upstream-keepalive-timeout')).toEqual([]);
  });

  test('--limit-max-requests does not make upstream-keepalive-requests fire: it is per process', () => {
    const findings = lintDiskTree({
      'nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM,
      Dockerfile: dockerfile(['--timeout-keep-alive', '75', '--limit-max-requests', '10']),
    });
    expect(ofRule(findings, 'upstream-keepalive-requests')).toEqual([]);
  });
});

describe('header-size-backend with uvicorn parsers', () => {
  const GUNICORN_LIMITED = 'bind = "127.0.0.1:8000"\nlimit_request_line = 4094\n';

  test("gunicorn's sync worker is judged by its limit_request_line (the comparison case)", () => {
    const findings = ofRule(lintDiskTree({ 'nginx/app.conf': PROXY, 'gunicorn.conf.py': GUNICORN_LIMITED }), 'header-size-backend');
    expect(findings.map((f) => f.severity)).toEqual(['warning']);
  });

  test("UvicornWorker: gunicorn's limit_request_line does not apply, and uvicorn's parser is unknown", () => {
    const config = `${GUNICORN_LIMITED}worker_class = "uvicorn.workers.UvicornWorker"\n`;
    expect(ofRule(lintDiskTree({ 'nginx/app.conf': PROXY, 'gunicorn.conf.py': config }), 'header-size-backend')).toEqual([]);
  });

  test("UvicornH11Worker: h11's 16 KiB against nginx's 4 × 8k, info since h11 enforces it only on a split head", () => {
    const config = `${GUNICORN_LIMITED}worker_class = "uvicorn.workers.UvicornH11Worker"\n`;
    const findings = ofRule(lintDiskTree({ 'nginx/app.conf': PROXY, 'gunicorn.conf.py': config }), 'header-size-backend');
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('info');
    // 4 × 8192 bytes admitted against 16384.
    expect(findings[0].message).toContain('32768');
    expect(findings[0].message).toContain('16384');
  });

  test('uvicorn --http auto (the default) or httptools: no known limit', () => {
    for (const http of ['auto', 'httptools']) {
      const findings = lintDiskTree({ 'nginx/app.conf': PROXY, Dockerfile: dockerfile(['--http', http, '--h11-max-incomplete-event-size', '1024']) });
      expect([http, ofRule(findings, 'header-size-backend')]).toEqual([http, []]);
    }
  });

  test('uvicorn --http h11 with a smaller buffer: info, pointing at the option', () => {
    const findings = ofRule(
      lintDiskTree({ 'nginx/app.conf': PROXY, Dockerfile: dockerfile(['--http', 'h11', '--h11-max-incomplete-event-size', '8192']) }),
      'header-size-backend',
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('info');
    expect(findings[0].primary.file).toBe('Dockerfile');
    expect(findings[0].help).toContain('set --h11-max-incomplete-event-size 32768');
  });
});

describe('other rules with uvicorn', () => {
  test("upstream-unreachable names uvicorn's port when nginx sends elsewhere", () => {
    const findings = ofRule(lintDiskTree({ 'nginx/app.conf': PROXY, Dockerfile: dockerfile(['--port', '8001']) }), 'upstream-unreachable');
    expect(findings).toHaveLength(1);
    expect(findings[0].help).toContain("uvicorn's --port");
    expect(findings[0].message).toContain('127.0.0.1:8001');
  });

  test('listen-backlog-somaxconn judges an explicit --backlog', () => {
    const files = {
      'nginx/app.conf': PROXY,
      'app.service': '[Service]\nExecStart=/srv/venv/bin/uvicorn app:app --backlog 8192\n',
      'etc/sysctl.conf': 'net.core.somaxconn = 1024\n',
    };
    const findings = ofRule(lintDiskTree(files), 'listen-backlog-somaxconn');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain("uvicorn's backlog 8192");
  });
});

describe('uvicorn in --print-config and the graph', () => {
  const files = { 'nginx/app.conf': NGINX_KEEPALIVE_UPSTREAM, Dockerfile: dockerfile(['--port', '8000', '--limit-max-requests', '500']) };

  test('--print-config Dockerfile lists the listener and each setting with its source', () => {
    const root = writeTree(files);
    const text = printConfig('Dockerfile', { paths: ['.'], cwd: root, config: {} });
    expect(text).toContain('uvicorn Dockerfile');
    expect(text).toMatch(/--port\s+127\.0\.0\.1:8000\s+http\s+Dockerfile:2/);
    expect(text).toMatch(/timeout_keep_alive\s+5\s+5000 ms\s+default/);
    expect(text).toMatch(/limit_max_requests\s+500\s+500 count\s+Dockerfile:2/);
  });

  test('the graph links the upstream to uvicorn, the edge naming the two keep-alive timeouts in conflict', () => {
    const root = writeTree(files);
    const result = lintSync({ paths: ['.'], cwd: root, config: {}, nginxVersion: '1.24.0' });
    const graph = renderGraph(result.model, result.links, result.report.findings, 'mermaid');
    expect(graph).toContain('uvicorn Dockerfile');
    // nginx's default keepalive_timeout 60s against uvicorn's default timeout_keep_alive 5s.
    expect(graph).toContain('|"⚠ upstream-keepalive-timeout<br/>nginx 60s ≥ uvicorn 5s"| backend1');
  });
});
