/**
 * `cfglint graph`: a small tree (nginx + gunicorn gthread, a load balancer in the config) drawn
 * as Mermaid and DOT, with the expected text written out in full, and the label escaping.
 */
import { memoryFileSystem } from '../../src/discovery/fs';
import type { CfglintConfig } from '../../src/engine/config';
import { RULES } from '../../checks';
import { lintSync } from '../../src/engine/run';
import { renderDot, renderGraph, renderMermaid, Topology } from '../../src/report/graph';

// Only the rules whose findings this test expects on the edges, so new rules cannot move it.
const ENABLED = new Set(['upstream-keepalive-timeout', 'lb-idle-timeout']);

const TREE = {
  'nginx/conf.d/app.conf': [
    'upstream app {',
    '    server 127.0.0.1:8000;',
    '    keepalive 16;',
    '    keepalive_timeout 30s;', // line 4: not shorter than gunicorn's 5s
    '}',
    '',
    'server {',
    '    listen 80;', // line 8: where lb-idle-timeout points when keepalive_timeout is the default
    '    server_name app.example.com;',
    '    location / {',
    '        proxy_http_version 1.1;',
    '        proxy_set_header Connection "";',
    '        proxy_pass http://app;',
    '    }',
    '    location /static/ {',
    '        proxy_pass http://127.0.0.1:9000;',
    '    }',
    '}',
    '',
  ].join('\n'),
  'gunicorn.conf.py': 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nkeepalive = 5\n',
};

function lintTree(loadBalancerIdleTimeout?: string) {
  const config: CfglintConfig = {
    rules: Object.fromEntries(RULES.filter((rule) => !ENABLED.has(rule.id)).map((rule) => [rule.id, 'off'])),
    ...(loadBalancerIdleTimeout ? { environment: { loadBalancerIdleTimeout } } : {}),
  } as CfglintConfig;
  return lintSync({ cwd: '/tree', fs: memoryFileSystem(TREE, '/tree'), paths: ['.'], nginxVersion: '1.24.0', config });
}

describe('graph of a linked tree', () => {
  const result = lintTree('90s');

  it('finds the two findings that mark edges', () => {
    expect(result.report.findings.map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}:${f.primary.start.column}`)).toEqual([
      'upstream-keepalive-timeout nginx/conf.d/app.conf:4:5',
      'lb-idle-timeout nginx/conf.d/app.conf:8:5',
    ]);
  });

  it('draws Mermaid: load balancer, server, upstream and direct address, gunicorn; marked edges dashed and red', () => {
    expect(renderGraph(result.model, result.links, result.report.findings, 'mermaid')).toBe(
      [
        'flowchart LR',
        '  lb["load balancer<br/>idle timeout 90s"]',
        '  server1["server app.example.com<br/>listen 80"]',
        '  upstream1["upstream app"]',
        '  upstream2["127.0.0.1:9000<br/>no backend in the tree"]',
        // Mermaid labels carry brackets and quotes as entity codes: ( is #40;, ) is #41;, ' is #39;.
        '  backend1["gunicorn gunicorn.conf.py<br/>bind 127.0.0.1:8000 #40;http#41;"]',
        '  lb -.->|"⚠ lb-idle-timeout<br/>load balancer idle 90s<br/>nginx keepalive_timeout 75s #40;nginx default#41;"| server1',
        '  server1 -->|"location /: proxy_pass"| upstream1',
        '  server1 -->|"location /static/: proxy_pass"| upstream2',
        '  upstream1 -.->|"⚠ upstream-keepalive-timeout' +
          '<br/>nginx: keepalive 16, keepalive_timeout 30s, keepalive_requests 1000 #40;nginx default#41;' +
          '<br/>gunicorn#39;s keepalive 5s #40;gthread worker#41;' +
          '<br/>same-address: port 8000 on loopback"| backend1',
        '  linkStyle 0,3 stroke:#d00,color:#d00',
        '',
      ].join('\n'),
    );
  });

  it('draws DOT with the same nodes and edges, marked edges red', () => {
    expect(renderGraph(result.model, result.links, result.report.findings, 'dot')).toBe(
      [
        'digraph cfglint {',
        '  rankdir=LR;',
        '  node [shape=box];',
        '  lb [label="load balancer\\nidle timeout 90s"];',
        '  server1 [label="server app.example.com\\nlisten 80"];',
        '  upstream1 [label="upstream app"];',
        '  upstream2 [label="127.0.0.1:9000\\nno backend in the tree"];',
        '  backend1 [label="gunicorn gunicorn.conf.py\\nbind 127.0.0.1:8000 (http)"];',
        '  lb -> server1 [label="⚠ lb-idle-timeout\\nload balancer idle 90s\\nnginx keepalive_timeout 75s (nginx default)", color=red, fontcolor=red, style=dashed];',
        '  server1 -> upstream1 [label="location /: proxy_pass"];',
        '  server1 -> upstream2 [label="location /static/: proxy_pass"];',
        '  upstream1 -> backend1 [label="⚠ upstream-keepalive-timeout' +
          '\\nnginx: keepalive 16, keepalive_timeout 30s, keepalive_requests 1000 (nginx default)' +
          "\\ngunicorn's keepalive 5s (gthread worker)" +
          '\\nsame-address: port 8000 on loopback", color=red, fontcolor=red, style=dashed];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('has no load-balancer node without environment.loadBalancerIdleTimeout, and plain edges without findings', () => {
    const plain = lintTree();
    const text = renderGraph(plain.model, plain.links, [], 'mermaid');
    expect(text).not.toContain('lb');
    expect(text).not.toContain('⚠');
    expect(text).not.toContain('linkStyle');
    expect(text).toContain('  upstream1 -->|"nginx: keepalive 16, keepalive_timeout 30s');
  });

  it('puts the link in the report', () => {
    expect(result.report.links).toEqual([
      {
        nginx: {
          address: '127.0.0.1:8000',
          span: { file: 'nginx/conf.d/app.conf', start: { line: 2, column: 12, offset: 26 }, end: { line: 2, column: 26, offset: 40 } },
        },
        backend: {
          kind: 'gunicorn',
          name: 'gunicorn.conf.py',
          protocol: 'http',
          option: 'bind',
          span: { file: 'gunicorn.conf.py', start: { line: 1, column: 8, offset: 7 }, end: { line: 1, column: 24, offset: 23 } },
        },
        reason: 'same-address',
        detail: 'port 8000 on loopback',
        // Both files sit at the tree's root: no directory to name.
        scope: "one host's loopback",
        alternatives: [],
      },
    ]);
  });
});

describe('graph labels are escaped for each format', () => {
  const topology: Topology = {
    nodes: [
      { id: 'server1', lines: ['server "quoted" #1 <b>&', 'C:\\path'] },
      { id: 'backend1', lines: ['two\nlines'] },
    ],
    edges: [{ from: 'server1', to: 'backend1', lines: ['location ~ \\.php$: fastcgi_pass'], marks: ['rule-a', 'rule-b'] }],
    groups: [],
  };

  // Each label goes through src/report/escape.ts; test/formatters/escape.test.ts covers the escapers themselves.
  it('Mermaid: # " < > & as numeric entities, a newline shown as \\n', () => {
    expect(renderMermaid(topology)).toBe(
      [
        'flowchart LR',
        '  server1["server #34;quoted#34; #35;1 #60;b#62;#38;<br/>C:\\path"]',
        '  backend1["two\\nlines"]',
        '  server1 -.->|"⚠ rule-a, rule-b<br/>location ~ \\.php$: fastcgi_pass"| backend1',
        '  linkStyle 0 stroke:#d00,color:#d00',
        '',
      ].join('\n'),
    );
  });

  it('DOT: backslash and quote escaped, a newline in a label shown as \\n (its backslash doubled)', () => {
    expect(renderDot(topology)).toBe(
      [
        'digraph cfglint {',
        '  rankdir=LR;',
        '  node [shape=box];',
        '  server1 [label="server \\"quoted\\" #1 <b>&\\nC:\\\\path"];',
        '  backend1 [label="two\\\\nlines"];',
        '  server1 -> backend1 [label="⚠ rule-a, rule-b\\nlocation ~ \\\\.php$: fastcgi_pass", color=red, fontcolor=red, style=dashed];',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('one subgraph per scope', () => {
  // Two environments side by side: each nginx linked to the gunicorn of its own directory.
  const nginx = 'upstream app {\n    server 127.0.0.1:8000;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n    }\n}\n';
  const gunicorn = 'bind = "127.0.0.1:8000"\n';
  const lintEnvs = (files: Record<string, string>) => {
    const fs = memoryFileSystem(files, '/tree');
    const result = lintSync({ paths: ['.'], cwd: '/tree', fs, config: {} });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };

  it('frames each environment with its servers, upstreams and backends', () => {
    const graph = lintEnvs({
      'envs/prod/nginx.conf': nginx,
      'envs/prod/gunicorn.conf.py': gunicorn,
      'envs/staging/nginx.conf': nginx,
      'envs/staging/gunicorn.conf.py': gunicorn,
    });
    const frames = graph
      .split('\n  end')
      .slice(0, -1)
      .map((frame) => frame.slice(frame.indexOf('subgraph')));
    expect(frames.map((frame) => frame.split('\n')[0])).toEqual([
      'subgraph scope1["one host#39;s loopback #40;files under envs/prod/#41;"]',
      'subgraph scope2["one host#39;s loopback #40;files under envs/staging/#41;"]',
    ]);
    // Each frame holds one server, one upstream and one backend.
    for (const frame of frames)
      expect(
        frame
          .split('\n')
          .slice(1)
          .map((line) => line.trim().replace(/\d*\[.*$/, '')),
      ).toEqual(['server', 'upstream', 'backend']);
  });

  it('draws no frame when the tree is one scope', () => {
    expect(lintEnvs({ 'nginx.conf': nginx, 'gunicorn.conf.py': gunicorn })).not.toContain('subgraph');
  });
});

describe('a balancer from Terraform', () => {
  // aws_lb.web (idle_timeout 120) → target group port 80 → the nginx server that listens on 80;
  // the server on 8081 is not one of its targets.
  const files = {
    'infra/lb.tf': [
      'resource "aws_lb" "web" {',
      '  idle_timeout = 120',
      '}',
      'resource "aws_lb_target_group" "app" {',
      '  port = 80',
      '}',
      'resource "aws_lb_listener" "http" {',
      '  load_balancer_arn = aws_lb.web.arn',
      '  default_action {',
      '    target_group_arn = aws_lb_target_group.app.arn',
      '  }',
      '}',
      '',
    ].join('\n'),
    'nginx/site.conf':
      'server {\n    listen 80;\n    server_name a.example;\n    keepalive_timeout 150s;\n}\nserver {\n    listen 8081;\n    server_name admin.example;\n}\n',
  };
  const result = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(files, '/tree'), config: {} });
  const graph = renderGraph(result.model, result.links, result.report.findings, 'mermaid').split('\n');

  it('is the first node, with its idle timeout and target port', () => {
    expect(graph[1]).toBe('  cloudlb1["AWS ALB aws_lb.web<br/>idle timeout 2m<br/>targets port 80"]');
  });

  it('sends only to the server on the target port; 150s > 120s, so the edge is not marked', () => {
    const edges = graph.filter((line) => line.includes('cloudlb1 -'));
    expect(edges).toEqual(['  cloudlb1 -->|"port 80<br/>load balancer idle 2m<br/>nginx keepalive_timeout 150s"| server1']);
  });

  it('marks the edge when the balancer outlasts nginx', () => {
    const lowered = { ...files, 'nginx/site.conf': files['nginx/site.conf'].replace('150s', '100s') };
    const marked = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(lowered, '/tree'), config: {} });
    const text = renderGraph(marked.model, marked.links, marked.report.findings, 'mermaid');
    expect(text).toContain('  cloudlb1 -.->|"⚠ lb-idle-timeout<br/>port 80');
  });
});
