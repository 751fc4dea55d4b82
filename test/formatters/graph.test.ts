/**
 * `cfglint graph`: a small tree (nginx + gunicorn gthread, a load balancer in the config) drawn
 * as Mermaid and DOT, with the expected text written out in full, and the label escaping.
 */
import { memoryFileSystem } from '../../src/discovery/fs';
import type { CfglintConfig } from '../../src/engine/config';
import { RULES } from '../../checks';
import { lintSync } from '../../src/engine/run';
import { writeTree } from '../disk-tree';
import { buildTopology, fitTopology, GraphEdge, MERMAID_MAX_TEXT, renderDot, renderGraph, renderMermaid, Topology, wrapLine } from '../../src/report/graph';

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
        // Only the two values in conflict, the sender's first: the balancer's 90s against nginx's default 75s,
        // the upstream's keepalive_timeout 30s against gunicorn's keepalive 5s; nothing on the clean edges but the route.
        '  lb -.->|"⚠ lb-idle-timeout<br/>load balancer 90s ≥ nginx 75s"| server1',
        '  server1 -->|"location /: proxy_pass"| upstream1',
        '  server1 -->|"location /static/: proxy_pass"| upstream2',
        '  upstream1 -.->|"⚠ upstream-keepalive-timeout<br/>nginx 30s ≥ gunicorn 5s"| backend1',
        '  linkStyle 0,3 stroke:#d00,color:#d00,stroke-dasharray:6 4',
        '',
      ].join('\n'),
    );
  });

  it('draws DOT with the same nodes and edges, marked edges red and dashed', () => {
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
        '  lb -> server1 [label="⚠ lb-idle-timeout\\nload balancer 90s ≥ nginx 75s", color=red, fontcolor=red, style=dashed];',
        '  server1 -> upstream1 [label="location /: proxy_pass"];',
        '  server1 -> upstream2 [label="location /static/: proxy_pass"];',
        '  upstream1 -> backend1 [label="⚠ upstream-keepalive-timeout\\nnginx 30s ≥ gunicorn 5s", color=red, fontcolor=red, style=dashed];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('has no load-balancer node without environment.loadBalancerIdleTimeout, and unlabelled edges without findings', () => {
    const plain = lintTree();
    const text = renderGraph(plain.model, plain.links, [], 'mermaid');
    expect(text).not.toContain('lb');
    expect(text).not.toContain('⚠');
    expect(text).not.toContain('linkStyle');
    // The upstream → backend edge lists no keep-alive setting of either side.
    expect(text).toContain('  upstream1 --> backend1\n');
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
    edges: [
      {
        from: 'server1',
        to: 'backend1',
        lines: ['location ~ \\.php$: fastcgi_pass'],
        marks: [
          { ruleId: 'rule-a', severity: 'error', conflict: 'a "1" < b', fingerprints: ['f1'] },
          { ruleId: 'rule-b', severity: 'info', fingerprints: ['f2'] },
        ],
      },
    ],
    groups: [],
  };

  // Each label goes through src/report/escape.ts; test/formatters/escape.test.ts covers the escapers themselves.
  it('Mermaid: # " < > & as numeric entities, a newline shown as \\n', () => {
    expect(renderMermaid(topology)).toBe(
      [
        'flowchart LR',
        '  server1["server #34;quoted#34; #35;1 #60;b#62;#38;<br/>C:\\path"]',
        '  backend1["two\\nlines"]',
        '  server1 -.->|"⚠ rule-a<br/>a #34;1#34; #60; b<br/>ℹ rule-b<br/>location ~ \\.php$: fastcgi_pass"| backend1',
        '  linkStyle 0 stroke:#d00,color:#d00,stroke-dasharray:6 4',
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
        '  server1 -> backend1 [label="⚠ rule-a\\na \\"1\\" < b\\nℹ rule-b\\nlocation ~ \\\\.php$: fastcgi_pass", color=red, fontcolor=red, style=dashed];',
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

  it('with deployments declared in .cfglint.json, one frame per deployment holds all its nodes, linked or not', () => {
    // staging's nginx has no gunicorn: nothing links there, but its server and upstream are still staging's.
    const result = lintSync({
      paths: ['.'],
      cwd: '/tree',
      fs: memoryFileSystem({ 'envs/prod/nginx.conf': nginx, 'envs/prod/gunicorn.conf.py': gunicorn, 'envs/staging/nginx.conf': nginx }, '/tree'),
      config: { deployments: ['envs/*'] },
    });
    const graph = renderGraph(result.model, result.links, result.report.findings, 'mermaid');
    const frames = graph
      .split('\n  end')
      .slice(0, -1)
      .map((frame) => frame.slice(frame.indexOf('subgraph')).split('\n'));
    expect(frames.map((frame) => frame[0])).toEqual(['subgraph scope1["deployment envs/prod/"]', 'subgraph scope2["deployment envs/staging/"]']);
    expect(frames.map((frame) => frame.slice(1).map((line) => line.trim().replace(/\d*\[.*$/, '')))).toEqual([
      ['server', 'upstream', 'backend'],
      ['server', 'upstream'],
    ]);
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
    expect(edges).toEqual(['  cloudlb1 -->|"port 80"| server1']);
  });

  it('marks the edge when the balancer outlasts nginx', () => {
    const lowered = { ...files, 'nginx/site.conf': files['nginx/site.conf'].replace('150s', '100s') };
    const marked = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(lowered, '/tree'), config: {} });
    const text = renderGraph(marked.model, marked.links, marked.report.findings, 'mermaid');
    // 2m is the balancer's 120 seconds, as its node says.
    expect(text).toContain('  cloudlb1 -.->|"⚠ lb-idle-timeout<br/>load balancer 2m ≥ nginx 100s<br/>port 80"| server1');
  });
});

describe('an edge label says only what conflicts', () => {
  const upstream = (body: string) =>
    `upstream app {\n    server 127.0.0.1:8000;\n${body}}\nserver {\n    listen 80;\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app;\n    }\n}\n`;
  const graphOf = (nginx: string, gunicorn: string) => {
    const config = { rules: Object.fromEntries(RULES.filter((rule) => !ENABLED.has(rule.id)).map((rule) => [rule.id, 'off'])) } as CfglintConfig;
    // No nginx version: each rule judges every range of releases the tree may run.
    const result = lintSync({ cwd: '/tree', fs: memoryFileSystem({ 'nginx.conf': nginx, 'gunicorn.conf.py': gunicorn }, '/tree'), paths: ['.'], config });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };

  it('ranges of nginx releases that agree are one value (keepalive_requests, which differs by release, is not shown)', () => {
    // keepalive 16 keeps connections on every release; keepalive_timeout 30s is the same on all of them.
    const graph = graphOf(upstream('    keepalive 16;\n    keepalive_timeout 30s;\n'), 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\nkeepalive = 5\n');
    expect(graph).toContain('  upstream1 -.->|"⚠ upstream-keepalive-timeout<br/>nginx 30s ≥ gunicorn 5s"| backend1\n');
    expect(graph).not.toContain('keepalive_requests');
  });

  it('a conflict that holds only on some releases names them', () => {
    // Without `keepalive`, only nginx ≥ 1.29.7 keeps upstream connections (its default), for the default 60s.
    const graph = graphOf(upstream(''), 'bind = "127.0.0.1:8000"\nworker_class = "gthread"\n');
    expect(graph).toContain('  upstream1 -.->|"⚠ upstream-keepalive-timeout<br/>nginx 60s #40;nginx ≥ 1.29.7#41; ≥ gunicorn 2s"| backend1\n');
  });
});

describe('an edge where only an info fires is a note, not an alarm', () => {
  // nginx-stale-dns is an info for a compose service name (a recreated container may get a new
  // address); proxy_read_timeout above gunicorn's 30s timeout is a warning on the same pass.
  const compose = [
    'services:',
    '  nginx:',
    '    image: nginx:1.27',
    '    ports:',
    '      - "80:80"',
    '    restart: always',
    '    volumes:',
    '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro',
    '  web:',
    '    build: .',
    '    command: gunicorn --bind 0.0.0.0:8000 app.wsgi',
    '    restart: always',
    '',
  ].join('\n');
  const site = (extra: string) => `server {\n    listen 80;\n    location / {\n${extra}        proxy_pass http://web:8000;\n    }\n}\n`;
  const graphsOf = (extra: string) => {
    const dir = writeTree({ 'docker-compose.yml': compose, Dockerfile: 'FROM python:3.12\n', 'nginx/default.conf': site(extra) });
    const result = lintSync({ cwd: dir, paths: [dir], config: {} });
    return {
      severities: result.report.findings.map((f) => `${f.ruleId} ${f.severity}`).sort(),
      mermaid: renderGraph(result.model, result.links, result.report.findings, 'mermaid'),
      dot: renderGraph(result.model, result.links, result.report.findings, 'dot'),
    };
  };

  it('an info alone: a plain arrow labelled ℹ, neither red nor dashed', () => {
    const { severities, mermaid, dot } = graphsOf('');
    // Both sides at their defaults: nginx's 8k header buffers against gunicorn's 4094-byte line, an info too.
    expect(severities).toEqual(['header-size-backend info', 'nginx-stale-dns info']);
    expect(mermaid).toContain('  server1 -->|"ℹ nginx-stale-dns<br/>location /: proxy_pass"| upstream1\n');
    expect(mermaid).not.toContain('linkStyle');
    expect(mermaid).not.toContain('⚠');
    expect(dot).toContain('  server1 -> upstream1 [label="ℹ nginx-stale-dns\\nlocation /: proxy_pass"];\n');
    expect(dot).not.toContain('color=red');
  });

  it('a warning on the same path is still red and dashed, the info beside it still marked ℹ', () => {
    const { severities, mermaid } = graphsOf('        proxy_read_timeout 300s;\n');
    expect(severities).toContain('proxy-read-timeout-backend warning');
    expect(mermaid).toContain('⚠ proxy-read-timeout-backend');
    expect(mermaid).toContain('ℹ nginx-stale-dns');
    expect(mermaid).toMatch(/ -\.->\|"[^"]*⚠ proxy-read-timeout-backend/);
    expect(mermaid).toContain('linkStyle');
  });
});

describe('a target served by a compose service that only runs an image (taigaio/taiga-docker)', () => {
  const compose = (backend: string) =>
    [
      'services:',
      '  gateway:',
      '    image: nginx:1.27',
      '    volumes:',
      '      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro',
      '  back:',
      backend,
      '',
    ].join('\n');
  const site =
    'upstream api { server back:8000; }\nserver {\n    listen 80;\n    location /api/ { proxy_pass http://api; }\n    location /media/ { proxy_pass http://back:8003; }\n    location /other/ { proxy_pass http://elsewhere.example.com:8000; }\n}\n';
  const mermaidOf = (tree: Record<string, string>) => {
    const dir = writeTree(tree);
    const result = lintSync({ cwd: dir, paths: [dir], config: {} });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };

  it('names the service and its image instead of "no backend in the tree", for an upstream and a direct address', () => {
    const mermaid = mermaidOf({ 'docker-compose.yml': compose('    image: example/back:1.4'), 'nginx/default.conf': site });
    expect(mermaid).toContain('  upstream1["upstream api<br/>compose service back runs image example/back:1.4; no backend of the tree"]');
    expect(mermaid).toContain('  upstream2["back:8003<br/>compose service back runs image example/back:1.4; no backend of the tree"]');
    // A host no compose service has is still nothing the tree shows.
    expect(mermaid).toContain('  upstream3["elsewhere.example.com:8000<br/>no backend in the tree"]');
  });

  it('a service that starts a server of the tree is not "only an image": with nothing on that port, no backend in the tree', () => {
    const mermaid = mermaidOf({
      'docker-compose.yml': compose('    image: example/back:1.4\n    command: gunicorn --bind 0.0.0.0:9000 app.wsgi'),
      'nginx/default.conf': site,
    });
    expect(mermaid).toContain('  upstream1["upstream api<br/>no backend in the tree"]');
    expect(mermaid).not.toContain('runs image');
  });

  it('a service of another project, which the nginx container cannot resolve, is not named', () => {
    const mermaid = mermaidOf({
      'docker-compose.yml': 'services:\n  gateway:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n',
      'other/docker-compose.yml': 'services:\n  back:\n    image: example/back:1.4\n',
      'nginx/default.conf': site,
    });
    expect(mermaid).toContain('  upstream1["upstream api<br/>no backend in the tree"]');
    expect(mermaid).not.toContain('runs image');
  });
});

describe('backends of one kind and name', () => {
  const ini = (port: number) => `[uwsgi]\nhttp-socket = 127.0.0.1:${port}\nmodule = app.wsgi\n`;
  const mermaidOf = (tree: Record<string, string>) => {
    const dir = writeTree(tree);
    const result = lintSync({ cwd: dir, paths: [dir], config: {} });
    return renderGraph(result.model, result.links, result.report.findings, 'mermaid');
  };

  it('two copies of searxng.ini (searxng/searxng) are told apart by their file', () => {
    const mermaid = mermaidOf({ 'apps-available/searxng.ini': ini(8888), 'apps-archlinux/searxng.ini': ini(8889) });
    expect(mermaid).toContain('uWSGI searxng.ini #40;apps-available/searxng.ini#41;<br/>http-socket 127.0.0.1:8888');
    expect(mermaid).toContain('uWSGI searxng.ini #40;apps-archlinux/searxng.ini#41;<br/>http-socket 127.0.0.1:8889');
  });

  it('one of them keeps its short name', () => {
    const mermaid = mermaidOf({ 'apps-available/searxng.ini': ini(8888), 'other/app.ini': ini(8889) });
    expect(mermaid).toContain('["uWSGI searxng.ini<br/>http-socket 127.0.0.1:8888');
    expect(mermaid).toContain('["uWSGI app.ini<br/>http-socket 127.0.0.1:8889');
  });
});

describe('a conflict is named only where it holds', () => {
  it("a location's own keepalive_timeout under the balancer's: the edge names the rule, not the server's 120s", () => {
    const nginx = 'server {\n    listen 80;\n    keepalive_timeout 120s;\n    location /slow {\n        keepalive_timeout 30s;\n    }\n}\n';
    const config = {
      rules: Object.fromEntries(RULES.filter((rule) => rule.id !== 'lb-idle-timeout').map((rule) => [rule.id, 'off'])),
      environment: { loadBalancerIdleTimeout: '90s' },
    } as CfglintConfig;
    const result = lintSync({ cwd: '/tree', fs: memoryFileSystem({ 'nginx.conf': nginx }, '/tree'), paths: ['.'], nginxVersion: '1.24.0', config });
    expect(result.report.findings.map((f) => `${f.ruleId} ${f.primary.start.line}`)).toEqual(['lb-idle-timeout 5']);
    expect(renderGraph(result.model, result.links, result.report.findings, 'mermaid')).toContain('  lb -.->|"⚠ lb-idle-timeout"| server1\n');
  });
});

describe('DOT labels wrap', () => {
  it('wrapLine breaks at spaces before the width; a longer word keeps a line of its own', () => {
    expect(wrapLine('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrapLine('a very-long-word b', 5)).toEqual(['a', 'very-long-word', 'b']);
    expect(wrapLine('', 5)).toEqual(['']);
  });

  it('a node line longer than 40 characters is drawn on several lines', () => {
    const topology: Topology = {
      nodes: [{ id: 'backend1', lines: ['gunicorn deploy/services/billing/gunicorn.conf.py', 'bind 127.0.0.1:8000 (http)'] }],
      edges: [],
      groups: [],
    };
    // The path is one word of 41 characters: a line of its own.
    expect(renderDot(topology)).toContain('  backend1 [label="gunicorn\\ndeploy/services/billing/gunicorn.conf.py\\nbind 127.0.0.1:8000 (http)"];\n');
  });
});

describe('a picture too long for Mermaid keeps only the edges where a rule fires', () => {
  const node = (id: string) => ({ id, lines: [`node ${id}`] });
  const edge = (from: string, to: string, severity?: 'error' | 'warning'): GraphEdge => ({
    from,
    to,
    lines: [],
    marks: severity ? [{ ruleId: `rule-${severity}`, severity, fingerprints: [`${from}${to}`] }] : [],
  });
  // a → b clean, b → c warning, c → d error, d → e clean; a and e have long labels, so the whole is 2,000+ characters.
  const topology: Topology = {
    nodes: [{ id: 'a', lines: ['a'.repeat(1000)] }, node('b'), node('c'), node('d'), { id: 'e', lines: ['e'.repeat(1000)] }],
    edges: [edge('a', 'b'), edge('b', 'c', 'warning'), edge('c', 'd', 'error'), edge('d', 'e')],
    groups: [{ label: 'scope', nodeIds: ['a', 'b', 'c', 'd', 'e'] }],
  };
  const full = renderMermaid(topology);

  it('draws everything when it fits', () => {
    expect(fitTopology(topology, renderMermaid, full.length)).toBe(topology);
  });

  const twoEdges = fitTopology(topology, renderMermaid, 1000);

  it('too long: both marked edges and the nodes they join, in their frame, and a note saying so', () => {
    expect(full.length).toBeGreaterThan(2000);
    expect(twoEdges.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['b>c', 'c>d']);
    expect(twoEdges.nodes.map((n) => n.id)).toEqual(['b', 'c', 'd']);
    expect(twoEdges.groups).toEqual([{ label: 'scope', nodeIds: ['b', 'c', 'd'] }]);
    expect(twoEdges.omitted).toBe(
      'Only the 2 edges where a rule fires are drawn, of 4: the whole graph is longer than Mermaid draws (1,000 characters); cfglint graph --format dot draws it all',
    );
    const text = renderMermaid(twoEdges);
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text).toContain('  omitted["Only the 2 edges where a rule fires are drawn, of 4: ');
  });

  it('when even those do not fit, the error edge is kept first', () => {
    // Ten characters less than the two marked edges take (the note names the limit, so its length moves with it):
    // node b and its edge, some 45 characters, go; the note grows by about 20 and still fits.
    const fitted = fitTopology(topology, renderMermaid, renderMermaid(twoEdges).length - 10);
    expect(fitted.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['c>d']);
    expect(fitted.omitted).toMatch(/^Only 1 of the 2 edges where a rule fires are drawn \(errors first\), of 4: /);
  });
});

describe('400 servers, each with an upstream and a gunicorn', () => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 400; i++) {
    // Every second upstream keeps connections past gunicorn's 2s: 200 error edges.
    files[`nginx/conf.d/site${i}.conf`] = upstream(i, i % 2 === 0 ? '' : '    keepalive_timeout 1s;\n');
    files[`apps/site${i}/gunicorn.conf.py`] = `bind = "127.0.0.1:${8000 + i}"\nworker_class = "gthread"\n`;
  }
  function upstream(i: number, extra: string): string {
    return `upstream app${i} {\n    server 127.0.0.1:${8000 + i};\n    keepalive 16;\n${extra}}\nserver {\n    listen 80;\n    server_name site${i}.example.com;\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Connection "";\n        proxy_pass http://app${i};\n    }\n}\n`;
  }
  const result = lintSync({ cwd: '/tree', fs: memoryFileSystem(files, '/tree'), paths: ['.'], nginxVersion: '1.24.0', config: {} });
  const topology = buildTopology(result.model, result.links, result.report.findings);

  it('has 800 edges, 200 of them marked; DOT draws them all', () => {
    expect(topology.edges).toHaveLength(800);
    expect(topology.edges.filter((e) => e.marks.length > 0)).toHaveLength(200);
    expect(renderGraph(result.model, result.links, result.report.findings, 'dot').match(/ -> /g)).toHaveLength(800);
  });

  it('Mermaid stays under 50,000 characters and says what it left out', () => {
    expect(renderMermaid(topology).length).toBeGreaterThan(MERMAID_MAX_TEXT);
    const text = renderGraph(result.model, result.links, result.report.findings, 'mermaid');
    expect(text.length).toBeLessThanOrEqual(MERMAID_MAX_TEXT);
    expect(text).toContain('Only the 200 edges where a rule fires are drawn, of 800: the whole graph is longer than Mermaid draws #40;50,000 characters#41;');
    const edges = text.split('\n').filter((line) => /^ {2}\w+ -\.?->/.test(line));
    expect(edges).toHaveLength(200);
    for (const line of edges) expect(line).toMatch(/^ {2}upstream\d+ -\.->\|"⚠ upstream-keepalive-timeout<br\/>nginx 60s ≥ gunicorn 2s"\| backend\d+$/);
  });
});

describe("a template's placeholders in labels", () => {
  test('shown as … rather than the marks cfglint reads them as (openmrs-distro-referenceapplication)', () => {
    const tree = {
      'gateway/default.conf.template':
        'server {\n    listen 443 ssl;\n    server_name ${CERT_WEB_DOMAIN_COMMON_NAME};\n    location / {\n        proxy_pass http://${BACKEND_HOST}:8080;\n    }\n}\n',
    };
    const { model, report } = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
    const topology = buildTopology(model, [], report.findings);
    const lines = topology.nodes.flatMap((node) => node.lines);
    expect(lines.filter((line) => line.includes('\uE000'))).toEqual([]);
    expect(lines).toContain('server …');
  });

  test("a location's placeholder on the edge to its upstream: …, and a written location as it is (read from disk)", () => {
    const root = writeTree({
      'nginx.conf.j2': [
        'events {}',
        'http {',
        '  server {',
        '    listen 80;',
        '    location {{ content_path }} {',
        '      proxy_pass http://127.0.0.1:24816;',
        '    }',
        '    location = /health {',
        '      proxy_pass http://127.0.0.1:24816;',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    });
    const { model, report } = lintSync({ paths: ['.'], cwd: root, config: {} });
    const edgeLines = buildTopology(model, [], report.findings).edges.flatMap((edge) => edge.lines);
    expect(edgeLines).toEqual(['location …: proxy_pass', 'location = /health: proxy_pass']);
  });

  test("a uWSGI option from an envsubst template shows one … for its placeholder (openwisp/docker-openwisp's socket=0.0.0.0:${CONTAINER_PORT})", () => {
    const tree = {
      'uwsgi.conf.ini': '[uwsgi]\nmodule = app\nsocket = 0.0.0.0:${CONTAINER_PORT}\n',
      'start.sh': '#!/bin/sh\nenvsubst <uwsgi.conf.ini >uwsgi.ini\nuwsgi --ini uwsgi.ini\n',
    };
    const { model, report } = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
    const lines = buildTopology(model, [], report.findings).nodes.flatMap((node) => node.lines);
    expect(lines).toContain('socket 0.0.0.0:… (uwsgi)');
  });
});
