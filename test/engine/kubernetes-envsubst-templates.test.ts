/**
 * envsubst templates held in a ConfigMap and mounted into an official nginx container: rendered
 * with the container's `env` where the image's entrypoint writes them, read and linked as nginx,
 * every position in the manifest.
 */
import { memoryFileSystem, MemoryTree } from '../../src/discovery/fs';
import { isUnknownValue } from '../../src/discovery/template';
import { lintSync } from '../../src/engine/run';
import { readTree } from '../../src/engine/read-tree';
import type { NginxDirective } from '../../src/readers/nginx';

const lint = (tree: MemoryTree) => lintSync({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree), config: {} }).report.findings;
const keepaliveFindings = (tree: MemoryTree) => lint(tree).filter((finding) => finding.ruleId === 'upstream-keepalive-timeout');

/** The arguments of the keepalive_timeout read from the rendered template shown as the manifest; undefined when not read. */
function keepaliveTimeoutArgs(memoryTree: MemoryTree): string[] | undefined {
  const { nginx } = readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(memoryTree), config: {} });
  const parsed = [...nginx.files.values()].find((candidate) => candidate.source.file === 'k8s/proxy.yaml');
  const find = (list: NginxDirective[]): NginxDirective | undefined => {
    for (const directive of list) {
      const found = directive.name === 'keepalive_timeout' ? directive : find(directive.block ?? []);
      if (found) return found;
    }
    return undefined;
  };
  return parsed ? find(parsed.directives)?.args.map((arg) => arg.value) : undefined;
}

const CONFIG_MAP = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: nginx-templates',
  'data:',
  '  default.conf.template: |',
  '    upstream app {',
  '        server api:8000;',
  '        keepalive 16;',
  '        keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT};',
  '    }',
  '    server {',
  '        listen 80;',
  '        location / {',
  '            proxy_http_version 1.1;',
  '            proxy_set_header Connection "";',
  '            proxy_set_header Host $host;',
  '            proxy_pass http://app;',
  '        }',
  '    }',
  '',
];
/** Line of the manifest where the template's keepalive_timeout is (1-based). */
const KEEPALIVE_LINE = CONFIG_MAP.indexOf('        keepalive_timeout ${UPSTREAM_KEEPALIVE_TIMEOUT};') + 1;

interface NginxOptions {
  env?: string[];
  envFrom?: boolean;
  image?: string;
  mountPath?: string;
  mount?: string[];
  command?: string;
}

function nginxDeployment(options: NginxOptions = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: proxy',
    'spec:',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: proxy',
    '    spec:',
    '      volumes:',
    '        - name: templates',
    '          configMap:',
    '            name: nginx-templates',
    '      containers:',
    '        - name: nginx',
    `          image: ${options.image ?? 'nginx:1.27'}`,
    ...(options.command ? [`          command: ${options.command}`] : []),
    ...(options.env ? ['          env:', ...options.env] : []),
    ...(options.envFrom ? ['          envFrom:', '            - secretRef:', '                name: proxy-env'] : []),
    '          volumeMounts:',
    ...(options.mount ?? ['            - name: templates', `              mountPath: ${options.mountPath ?? '/etc/nginx/templates'}`]),
    '',
  ].join('\n');
}

/** gunicorn gthread closes idle connections after 2s, behind the Service `api`. */
const GUNICORN = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: api',
  'spec:',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: api',
  '    spec:',
  '      containers:',
  '        - name: api',
  '          image: python:3.12',
  '          command: ["gunicorn", "--worker-class", "gthread", "--bind", "0.0.0.0:8000", "shop.wsgi"]',
  '          ports:',
  '            - containerPort: 8000',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: api',
  'spec:',
  '  selector:',
  '    app: api',
  '  ports:',
  '    - port: 8000',
  '      targetPort: 8000',
  '',
].join('\n');

const withTimeout = (value: string) => ['            - name: UPSTREAM_KEEPALIVE_TIMEOUT', `              value: "${value}"`];
const tree = (options: NginxOptions, configMap = CONFIG_MAP): MemoryTree => ({
  'k8s/proxy.yaml': [...configMap, '---', nginxDeployment(options)].join('\n'),
  'k8s/api.yaml': GUNICORN,
});

describe('templates of a ConfigMap the official nginx image renders', () => {
  it("judges the container's env value at the manifest line of the template's directive", () => {
    const findings = keepaliveFindings(tree({ env: withTimeout('60s') }));
    expect(findings).toHaveLength(1);
    expect(findings[0].primary.file).toBe('k8s/proxy.yaml');
    expect(findings[0].primary.start.line).toBe(KEEPALIVE_LINE);
    expect(findings[0].message).toContain('60s');
    // gunicorn's side is the api manifest.
    expect(findings[0].related.some((related) => related.span.file === 'k8s/api.yaml')).toBe(true);
  });

  it("is clean when the value is below gunicorn's 2s", () => {
    expect(keepaliveFindings(tree({ env: withTimeout('1s') }))).toEqual([]);
  });

  it('points a finding on the substituted value at the placeholder in the manifest', () => {
    const findings = lint(tree({ env: withTimeout('banana') })).filter((finding) => finding.message.includes('banana'));
    expect(findings.length).toBeGreaterThan(0);
    const line = CONFIG_MAP[KEEPALIVE_LINE - 1];
    expect(findings[0].primary.file).toBe('k8s/proxy.yaml');
    expect(findings[0].primary.start.line).toBe(KEEPALIVE_LINE);
    // The placeholder starts after `keepalive_timeout ` in the indented block (1-based column).
    expect(findings[0].primary.start.column).toBe(line.indexOf('${') + 1);
    expect(findings[0].primary.end.column).toBe(line.indexOf('};') + 2);
  });

  it('leaves a valueFrom value unknown: nothing is judged', () => {
    const env = [
      '            - name: UPSTREAM_KEEPALIVE_TIMEOUT',
      '              valueFrom:',
      '                configMapKeyRef:',
      '                  name: settings',
      '                  key: timeout',
    ];
    const findings = lint(tree({ env }));
    expect(findings.filter((finding) => finding.ruleId === 'upstream-keepalive-timeout')).toEqual([]);
    const args = keepaliveTimeoutArgs(tree({ env }));
    expect(args).toHaveLength(1);
    expect(isUnknownValue(args![0])).toBe(true);
    // Read rendered, not as a template with a raw `${…}`: no syntax or value finding on the line.
    expect(findings.filter((finding) => finding.primary.file === 'k8s/proxy.yaml' && finding.primary.start.line === KEEPALIVE_LINE)).toEqual([]);
  });

  it('with envFrom, a name env does not give may be defined: unknown, not left as written', () => {
    const args = keepaliveTimeoutArgs(tree({ envFrom: true }));
    expect(args).toHaveLength(1);
    expect(isUnknownValue(args![0])).toBe(true);
    const findings = lint(tree({ envFrom: true }));
    expect(findings.filter((finding) => finding.primary.file === 'k8s/proxy.yaml' && finding.primary.start.line === KEEPALIVE_LINE)).toEqual([]);
  });

  it('renders from NGINX_ENVSUBST_TEMPLATE_DIR, and with items and subPath', () => {
    const dir = [...withTimeout('60s'), '            - name: NGINX_ENVSUBST_TEMPLATE_DIR', '              value: /templates'];
    expect(keepaliveFindings(tree({ env: dir, mountPath: '/templates' }))).toHaveLength(1);
    const subPath = [
      '            - name: templates',
      '              mountPath: /etc/nginx/templates/site.conf.template',
      '              subPath: default.conf.template',
    ];
    expect(keepaliveFindings(tree({ env: withTimeout('60s'), mount: subPath }))).toHaveLength(1);
    const items = CONFIG_MAP.join('\n');
    const withItems = (path: string): MemoryTree => ({
      'k8s/proxy.yaml': [
        items,
        '---',
        nginxDeployment({ env: withTimeout('60s') }).replace(
          '            name: nginx-templates\n',
          `            name: nginx-templates\n            items:\n              - key: default.conf.template\n                path: ${path}\n`,
        ),
      ].join('\n'),
      'k8s/api.yaml': GUNICORN,
    });
    expect(keepaliveFindings(withItems('site.conf.template'))).toHaveLength(1);
    // Renamed without the suffix, the script does not pick it up.
    expect(keepaliveFindings(withItems('site.conf'))).toEqual([]);
  });

  it('leaves a name no env gives and no envFrom may give as written', () => {
    expect(keepaliveTimeoutArgs(tree({}))).toEqual(['${UPSTREAM_KEEPALIVE_TIMEOUT}']);
  });

  it("does not render where the image's scripts do not run it", () => {
    // Mounted elsewhere than the template dir, or a command that bypasses the entrypoint, or another image.
    expect(keepaliveFindings(tree({ env: withTimeout('60s'), mountPath: '/srv/templates' }))).toEqual([]);
    expect(keepaliveFindings(tree({ env: withTimeout('60s'), command: '["nginx", "-g", "daemon off;"]' }))).toEqual([]);
    expect(keepaliveFindings(tree({ env: withTimeout('60s'), image: 'bitnami/nginx:1.27' }))).toEqual([]);
    // The entrypoint named again with nginx: rendered.
    expect(keepaliveFindings(tree({ env: withTimeout('60s'), command: '["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]' }))).toHaveLength(1);
  });
});

describe("plain nginx files of a ConfigMap mounted into an official nginx container's conf.d", () => {
  const plain = CONFIG_MAP.map((line) => line.replace('default.conf.template', 'default.conf').replace('${UPSTREAM_KEEPALIVE_TIMEOUT}', '60s'));

  it('are read as nginx, linked and judged at the manifest line', () => {
    const findings = keepaliveFindings(tree({ mountPath: '/etc/nginx/conf.d' }, plain));
    expect(findings.map((finding) => [finding.primary.file, finding.primary.start.line])).toEqual([['k8s/proxy.yaml', KEEPALIVE_LINE]]);
  });

  it('are not read as nginx anywhere else, nor in another image', () => {
    expect(keepaliveFindings(tree({ mountPath: '/etc/nginx/sites' }, plain))).toEqual([]);
    expect(keepaliveFindings(tree({ mountPath: '/etc/nginx/conf.d', image: 'python:3.12' }, plain))).toEqual([]);
    // An unmounted ConfigMap's nginx text is not read at all.
    const alone = { 'k8s/proxy.yaml': plain.join('\n'), 'k8s/api.yaml': GUNICORN };
    expect(lint(alone).filter((finding) => finding.primary.file === 'k8s/proxy.yaml')).toEqual([]);
  });
});
