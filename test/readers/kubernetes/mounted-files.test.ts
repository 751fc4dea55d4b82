/**
 * Config files held in ConfigMaps and mounted into containers: read like files of the tree, at
 * the positions of the manifest, and found by the command line's path inside the container.
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { lintSync } from '../../../src/engine/run';
import { lintTree } from '../../harness';

const GUNICORN_CONFIG = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: api-config',
  '  namespace: shop',
  'data:',
  '  gunicorn.conf.py: |',
  '    bind = "0.0.0.0:8000"',
  '    worker_class = "gthread"',
  '',
  '    keepalive = 2',
  '  unrelated.txt: |',
  '    not a config file',
  '',
].join('\n');

const deployment = (command: string, mount = '            - name: config\n              mountPath: /etc/gunicorn\n') =>
  [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n',
    '      volumes:\n        - name: config\n          configMap:\n            name: api-config\n',
    `      containers:\n        - name: api\n          command: ${command}\n          ports:\n            - containerPort: 8000\n          volumeMounts:\n${mount}`,
    '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n      targetPort: 8000\n',
    '---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  number: 80\n',
  ].join('');

const COMMAND = '["gunicorn", "-c", "/etc/gunicorn/gunicorn.conf.py", "shop.wsgi"]';

function keepaliveFindings(tree: MemoryTree) {
  return lintTree({ name: 'mounted', tree }).filter((f) => f.ruleId === 'upstream-keepalive-timeout');
}

describe('config files in ConfigMaps', () => {
  it("a mounted gunicorn.conf.py configures the container's gunicorn; its lines are the manifest's", () => {
    const findings = keepaliveFindings({ 'k8s/config.yaml': GUNICORN_CONFIG, 'k8s/api.yaml': deployment(COMMAND) });
    expect(findings).toHaveLength(1);
    // The other side is `keepalive = 2` on line 11 of the ConfigMap's file, column 17 (the value).
    expect(findings[0].related.map((r) => [r.span.file, r.span.start.line, r.span.start.column])).toEqual([['k8s/config.yaml', 11, 17]]);
    expect(findings[0].message).toContain("gunicorn's keepalive 2s");
  });

  it('mounted with subPath at the file itself', () => {
    const mount = '            - name: config\n              mountPath: /srv/gunicorn.conf.py\n              subPath: gunicorn.conf.py\n';
    const findings = keepaliveFindings({
      'k8s/config.yaml': GUNICORN_CONFIG,
      'k8s/api.yaml': deployment('["gunicorn", "-c", "/srv/gunicorn.conf.py", "shop.wsgi"]', mount),
    });
    expect(findings.map((f) => f.related[0].span.start.line)).toEqual([11]);
  });

  it('a ConfigMap no workload mounts is still read on its own, and suppressions inside it apply', () => {
    const typo = GUNICORN_CONFIG.replace('    keepalive = 2', '    keepalive = 2\n    worker_connection = 100');
    const findings = lintTree({ name: 'alone', tree: { 'k8s/config.yaml': typo } }).filter((f) => f.ruleId === 'gunicorn-unknown-setting');
    expect(findings.map((f) => [f.primary.file, f.primary.start.line, f.primary.start.column])).toEqual([['k8s/config.yaml', 12, 5]]);
    const suppressed = typo.replace(
      '    worker_connection',
      '    # cfglint-disable-next-line gunicorn-unknown-setting -- read by our wrapper\n    worker_connection',
    );
    expect(lintTree({ name: 'suppressed', tree: { 'k8s/config.yaml': suppressed } }).filter((f) => f.ruleId === 'gunicorn-unknown-setting')).toEqual([]);
  });

  it('code frames show the manifest, not the embedded text', () => {
    const result = lintSync({
      paths: ['.'],
      cwd: '/tree',
      fs: memoryFileSystem({ 'k8s/config.yaml': GUNICORN_CONFIG, 'k8s/api.yaml': deployment(COMMAND) }, '/tree'),
      config: {},
    });
    expect(result.readSource('k8s/config.yaml')).toBe(GUNICORN_CONFIG);
  });

  it("a uWSGI ini in a ConfigMap, judged against the pod's somaxconn", () => {
    const config =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: uwsgi\ndata:\n  app.ini: |\n    [uwsgi]\n    http-socket = 0.0.0.0:8000\n    listen = 4096\n';
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  securityContext:\n    sysctls:\n      - name: net.core.somaxconn\n        value: "1024"\n  volumes:\n    - name: ini\n      configMap:\n        name: uwsgi\n  containers:\n    - name: app\n      command: ["uwsgi", "--ini", "/etc/uwsgi/app.ini"]\n      volumeMounts:\n        - name: ini\n          mountPath: /etc/uwsgi\n';
    const findings = lintTree({ name: 'uwsgi', tree: { 'k8s/uwsgi.yaml': `${config}---\n${pod}` } }).filter((f) => f.ruleId === 'listen-backlog-somaxconn');
    expect(findings.map((f) => [f.primary.file, f.primary.start.line, f.primary.start.column])).toEqual([['k8s/uwsgi.yaml', 9, 14]]);
  });
});

describe('suppressions in a manifest that embeds a config file', () => {
  it('a comment both readers keep is one suppression: used once, never reported unused', () => {
    const typo = GUNICORN_CONFIG.replace(
      '    keepalive = 2',
      '    # cfglint-disable-next-line gunicorn-unknown-setting -- read by our wrapper\n    worker_connection = 100',
    );
    const result = lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem({ 'k8s/config.yaml': typo }, '/tree'), config: {}, reportUnusedDisables: true });
    expect(result.report.findings.map((f) => f.ruleId)).toEqual([]);
  });
});

describe('a Spring Boot application.properties in a ConfigMap', () => {
  it("mounted at the jar's config/ directory: its Tomcat limits are judged behind ingress-nginx", () => {
    const config =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\n  namespace: shop\ndata:\n  application.properties: |\n    server.port=8080\n    server.tomcat.keep-alive-timeout=120s\n    server.tomcat.max-keep-alive-requests=100\n';
    const app = deployment('["java", "-jar", "/app/shop.jar"]', '            - name: config\n              mountPath: /app/config\n')
      .replace('name: api-config', 'name: shop-config')
      .replace('containerPort: 8000', 'containerPort: 8080')
      .replace('targetPort: 8000', 'targetPort: 8080');
    const findings = lintTree({ name: 'spring', tree: { 'k8s/config.yaml': config, 'k8s/api.yaml': app } }).filter(
      (f) => f.ruleId === 'upstream-keepalive-requests',
    );
    // The other side is `max-keep-alive-requests=100` on line 10 of the manifest, the value at column 43.
    expect(findings.map((f) => f.related.map((r) => [r.span.file, r.span.start.line, r.span.start.column]))).toEqual([[['k8s/config.yaml', 10, 43]]]);
  });
});
