#!/usr/bin/env node
/**
 * Kubernetes manifests benchmark (docs/performance.md, "Kubernetes manifests"):
 *
 *   npm run bench:kubernetes        (builds first; this file requires the compiled dist/)
 *
 * Generates one manifest file of N applications (Deployment running gunicorn, Service, Ingress)
 * plus the ingress-nginx controller's ConfigMap, for N = 200 and 2,000, and times on the same
 * file in the same run: cfglint end to end (a child process, start to exit) and the `yaml`
 * package parsing the file alone (`parseAllDocuments`, in a child, the file already read), the
 * least any YAML-reading linter pays. Median of 3; the load average is printed with the figures.
 */
'use strict';

const nodeFs = require('fs');
const nodeOs = require('os');
const nodePath = require('path');
const { spawnSync } = require('child_process');

const root = nodePath.resolve(__dirname, '..');
const cli = nodePath.join(root, 'dist', 'src', 'cli', 'main.js');

if (process.argv[2] === '--child-yaml') {
  const text = nodeFs.readFileSync(process.argv[3], 'utf8');
  const { parseAllDocuments } = require('yaml');
  const started = process.hrtime.bigint();
  const documents = parseAllDocuments(text);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify({ ms, documents: documents.length }));
  process.exit(0);
}

function application(i) {
  const namespace = `team${i % 20}`;
  return [
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${i}\n  namespace: ${namespace}\nspec:\n  template:\n    metadata:\n      labels:\n        app: app${i}\n    spec:\n      containers:\n        - name: web\n          command: ["gunicorn", "-k", "gthread", "--bind", "0.0.0.0:8000", "app:app"]\n          ports:\n            - name: http\n              containerPort: 8000\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: app${i}\n  namespace: ${namespace}\nspec:\n  selector:\n    app: app${i}\n  ports:\n    - port: 80\n      targetPort: http\n`,
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: app${i}\n  namespace: ${namespace}\nspec:\n  ingressClassName: nginx\n  rules:\n    - host: app${i}.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: app${i}\n                port:\n                  number: 80\n`,
  ].join('---\n');
}

const CONTROLLER = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\ndata:\n  keep-alive: "75"\n';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeCfglint(dir) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [cli, '-f', 'json', dir], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0 && result.status !== 1) throw new Error(`cfglint exited ${result.status}: ${result.stderr}`);
  return { ms, findings: JSON.parse(result.stdout).findings.length };
}

function timeYaml(file) {
  const result = spawnSync(process.execPath, [__filename, '--child-yaml', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout).ms;
}

const runs = 3;
const temp = nodeFs.mkdtempSync(nodePath.join(nodeOs.tmpdir(), 'cfglint-bench-k8s-'));
const rows = [];
try {
  console.log(`load average ${nodeOs.loadavg()[0].toFixed(2)} at start; node ${process.version}`);
  for (const apps of [200, 2000]) {
    const dir = nodePath.join(temp, `apps-${apps}`);
    nodeFs.mkdirSync(dir);
    const file = nodePath.join(dir, 'all.yaml');
    nodeFs.writeFileSync(file, [CONTROLLER, ...Array.from({ length: apps }, (_, i) => application(i))].join('---\n'));
    const lines = nodeFs.readFileSync(file, 'utf8').split('\n').length;
    const cfglint = Array.from({ length: runs }, () => timeCfglint(dir));
    const yamlMs = Array.from({ length: runs }, () => timeYaml(file));
    const row = {
      apps,
      lines,
      cfglintMs: Math.round(median(cfglint.map((run) => run.ms))),
      findings: cfglint[0].findings,
      yamlParseMs: Math.round(median(yamlMs)),
    };
    row.ratio = Number((row.cfglintMs / row.yamlParseMs).toFixed(2));
    rows.push(row);
    console.log(
      `${apps} applications (${lines} lines): cfglint end to end ${row.cfglintMs} ms (${row.findings} findings), yaml parse alone ${row.yamlParseMs} ms, ratio ${row.ratio}`,
    );
  }
  console.log(`load average ${nodeOs.loadavg()[0].toFixed(2)} at end`);
} finally {
  nodeFs.rmSync(temp, { recursive: true, force: true });
}
