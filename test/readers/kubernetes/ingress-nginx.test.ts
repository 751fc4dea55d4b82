/**
 * The Kubernetes reader (objects with spans) and the nginx configuration ingress-nginx renders
 * from them: defaults by controller release, ConfigMap and Helm values, annotations, protocols.
 */
import { memoryFileSystem, MemoryTree } from '../../../src/discovery/fs';
import { readTree } from '../../../src/engine/read-tree';
import { findController, renderIngressNginx } from '../../../src/model/ingress-nginx';
import type { ExpandedDirective } from '../../../src/readers/nginx';
import { lintTree } from '../../harness';

function modelOf(tree: MemoryTree) {
  return readTree({ paths: ['.'], cwd: '/tree', fs: memoryFileSystem(tree, '/tree'), config: {} });
}

/** `name args…` of every directive at a level, in order. */
function lines(entries: ExpandedDirective[] | undefined): string[] {
  return (entries ?? []).map((entry) => [entry.directive.name, ...entry.directive.args.map((arg) => arg.value)].join(' '));
}

function rendered(tree: MemoryTree) {
  const root = renderIngressNginx(modelOf(tree).model.kubernetes).root;
  const http = root?.directives[0].children ?? [];
  return {
    http,
    upstream: http.find((entry) => entry.directive.name === 'upstream'),
    location: http.find((entry) => entry.directive.name === 'server')?.children?.find((entry) => entry.directive.name === 'location'),
  };
}

const INGRESS_V1BETA1 =
  'apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    kubernetes.io/ingress.class: nginx\nspec:\n  rules:\n  - host: a.example\n    http:\n      paths:\n      - path: /api\n        backend:\n          serviceName: web\n          servicePort: http\n';
const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: 8080\n    targetPort: 9000\n';
const controller = (tag: string) =>
  `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ingress\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: k8s.gcr.io/ingress-nginx/controller:${tag}\n`;
const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\ndata:\n${data}`;

describe('Kubernetes reader', () => {
  it('reads v1beta1 Ingresses, named Service ports, List items and the spans of names', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${SERVICE.trimEnd().split('\n').join('\n  ')}\n`;
    const { model } = modelOf({ 'ingress.yaml': INGRESS_V1BETA1, 'list.yaml': list });
    const [ingress] = model.kubernetes.ingresses;
    expect(ingress.ingressClass).toBe('nginx');
    expect(ingress.namespace).toBe('default');
    expect(ingress.rules.map((rule) => [rule.host, rule.paths.map((path) => [path.path, path.backend.serviceName, path.backend.port])])).toEqual([
      ['a.example', [['/api', 'web', 'http']]],
    ]);
    const [service] = model.kubernetes.services;
    expect(service.ports).toEqual([expect.objectContaining({ name: 'http', port: 8080, targetPort: 9000 })]);
    expect([service.nameSpan.file, service.nameSpan.start.line, service.nameSpan.start.column]).toEqual(['list.yaml', 7, 11]);
  });

  it('skips Helm templates, which are not YAML until rendered', () => {
    const { model, diagnostics } = modelOf({ 'templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n' });
    expect(model.kubernetes.services).toEqual([]);
    expect(diagnostics).toEqual([]);
  });

  it("reads controller.config and the image tag of the chart's values file", () => {
    const { model } = modelOf({ 'values.yaml': 'controller:\n  image:\n    tag: "v1.9.4"\n  config:\n    upstream-keepalive-timeout: "30"\n' });
    const found = findController(model.kubernetes);
    expect(found?.version?.numbers).toEqual([1, 9, 4]);
    expect(found?.helmValues?.config.get('upstream-keepalive-timeout')?.value).toBe('30');
  });
});

describe('the nginx configuration ingress-nginx renders', () => {
  const ingress =
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 8080\n';

  it("current releases: the keep-alive pool with the controller's defaults, HTTP/1.1, Connection cleared", () => {
    const { http, upstream, location } = rendered({ 'i.yaml': ingress });
    expect(lines(upstream?.children)).toEqual([
      'server web.default.svc:8080',
      'keepalive 320',
      'keepalive_timeout 60s',
      'keepalive_requests 10000',
      'keepalive_time 1h',
    ]);
    expect(lines(http)).toEqual(
      expect.arrayContaining(['keepalive_timeout 75s', 'proxy_connect_timeout 5s', 'proxy_http_version 1.1', 'large_client_header_buffers 4 8k']),
    );
    expect(lines(location?.children)).toEqual(['client_max_body_size 1m', 'proxy_set_header Connection ', 'proxy_pass http://default-web-8080']);
  });

  it('before 0.40: 32 connections and 100 requests; 0.20: no timeout or requests keys yet', () => {
    expect(lines(rendered({ 'i.yaml': ingress, 'c.yaml': controller('0.34.1') }).upstream?.children)).toEqual([
      'server web.default.svc:8080',
      'keepalive 32',
      'keepalive_timeout 60s',
      'keepalive_requests 100',
    ]);
    expect(lines(rendered({ 'i.yaml': ingress, 'c.yaml': controller('0.20.0') }).upstream?.children)).toEqual(['server web.default.svc:8080', 'keepalive 32']);
  });

  it('before 0.20: Connection: close upstream, so no pool whatever the ConfigMap says', () => {
    const { upstream, location } = rendered({
      'i.yaml': ingress,
      'c.yaml': controller('0.19.0'),
      'm.yaml': configMap('  upstream-keepalive-connections: "64"\n'),
    });
    expect(lines(upstream?.children)).toEqual(['server web.default.svc:8080', 'keepalive 0']);
    expect(lines(location?.children)).toContain('proxy_set_header Connection close');
  });

  it('keep-alive-requests was 100 before 1.6.4', () => {
    expect(lines(rendered({ 'i.yaml': ingress, 'c.yaml': controller('v1.6.3') }).http)).toContain('keepalive_requests 100');
    expect(lines(rendered({ 'i.yaml': ingress, 'c.yaml': controller('v1.6.4') }).http)).toContain('keepalive_requests 1000');
  });

  it("ConfigMap values win over defaults; annotations go into the Ingress's locations", () => {
    const annotated = ingress.replace(
      '  name: web\n',
      '  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: "600"\n    nginx.ingress.kubernetes.io/backend-protocol: "GRPC"\n',
    );
    const { http, upstream, location } = rendered({
      'i.yaml': annotated,
      'm.yaml': configMap('  proxy-read-timeout: "120"\n  upstream-keepalive-timeout: "30"\n'),
    });
    expect(lines(http)).toContain('proxy_read_timeout 120s');
    expect(lines(upstream?.children)).toContain('keepalive_timeout 30s');
    expect(lines(location?.children)).toEqual([
      'client_max_body_size 1m',
      'proxy_read_timeout 600s',
      'proxy_set_header Connection ',
      'grpc_pass grpc://default-web-8080',
    ]);
    const override = location?.children?.find((entry) => entry.directive.name === 'proxy_read_timeout');
    expect([override?.directive.args[0].span.file, override?.directive.args[0].span.start.line, override?.generated?.kind]).toEqual([
      'i.yaml',
      6,
      'annotation',
    ]);
  });

  it('AJP: before 1.9 a module this model does not know (no location); from 1.9 an unknown value, so HTTP', () => {
    const ajp = ingress.replace('  name: web\n', '  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/backend-protocol: "AJP"\n');
    expect(rendered({ 'i.yaml': ajp, 'c.yaml': controller('v1.8.5') }).location).toBeUndefined();
    expect(lines(rendered({ 'i.yaml': ajp, 'c.yaml': controller('v1.9.0') }).location?.children)).toContain('proxy_pass http://default-web-8080');
  });

  it('an annotation ingress-nginx rejects falls back to the ConfigMap, and is reported where it is written', () => {
    const bad = ingress.replace(
      '  name: web\n',
      '  name: web\n  annotations:\n    nginx.ingress.kubernetes.io/proxy-read-timeout: "90s"\n    nginx.ingress.kubernetes.io/connection-proxy-header: "keep-alive"\n',
    );
    const tree = { 'i.yaml': bad, 'm.yaml': configMap('  proxy-read-timeout: "120"\n  proxy-body-size: "10mb"\n') };
    const { http, location } = rendered(tree);
    expect(lines(http)).toContain('proxy_read_timeout 120s');
    // `10mb` is not an offset the template writes: no client_max_body_size, nginx's 1m applies.
    expect(lines(location?.children)).toEqual(['proxy_set_header Connection keep-alive', 'proxy_pass http://default-web-8080']);
    const problems = modelOf(tree).diagnostics.filter((d) => d.ruleId === 'invalid-value');
    expect(problems.map((d) => [d.primary.file, d.primary.start.line, d.message.includes('"90s" is not a whole number of seconds')])).toEqual([
      ['i.yaml', 6, true],
    ]);
  });

  it('a value the controller rejects is reported once, however many rules ask', () => {
    const tree = { 'i.yaml': ingress, 'm.yaml': configMap('  upstream-keepalive-connections: "many"\n') };
    expect(
      modelOf(tree)
        .diagnostics.filter((d) => d.ruleId === 'invalid-value')
        .map((d) => d.primary.start.line),
    ).toEqual([6]);
  });

  it("NGINX Inc.'s controller (another project, other keys) is not taken for ingress-nginx", () => {
    const other =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx-ingress\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx/nginx-ingress:3.4.0\n';
    expect(renderIngressNginx(modelOf({ 'i.yaml': ingress, 'c.yaml': other }).model.kubernetes).root).toBeUndefined();
  });

  it('two Ingresses with one host and path: the controller adds the path once (the first), never a duplicate location', () => {
    const v1 = (name: string, service: string, path: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: a.example\n    http:\n      paths:\n      - path: ${path}\n        pathType: Prefix\n        backend:\n          service:\n            name: ${service}\n            port:\n              number: 80\n`;
    // kubernetes/ingress-nginx's docs/examples: several examples' Ingresses for one host, all under "/".
    const tree = { 'examples/a.yaml': v1('a', 'dashboard', '/'), 'examples/b.yaml': `${v1('b', 'registry', '/')}---\n${v1('c', 'oauth', '/oauth2')}` };
    const server = rendered(tree).http.find((entry) => entry.directive.name === 'server');
    expect(lines(server?.children).filter((line) => line.startsWith('location'))).toEqual(['location /', 'location /oauth2']);
    const locationSlash = server?.children?.find((entry) => lines([entry])[0] === 'location /');
    expect(lines(locationSlash?.children).filter((line) => line.startsWith('proxy_pass'))).toEqual(['proxy_pass http://default-dashboard-80']);
    expect(lintTree({ name: 'examples', tree }).filter((finding) => finding.ruleId === 'nginx-unreachable-location')).toEqual([]);
  });

  it('an Ingress of another class renders nothing', () => {
    expect(renderIngressNginx(modelOf({ 'i.yaml': ingress.replace('spec:\n', 'spec:\n  ingressClassName: alb\n') }).model.kubernetes).root).toBeUndefined();
  });
});

describe("the chart's values file in a lint", () => {
  const values = 'controller:\n  config:\n    upstream-keepalive-timeout: "75"\n';
  const app =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        command: ["gunicorn", "-k", "gthread", "-b", "0.0.0.0:8000", "app:app"]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 8000\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n';

  it('a finding lands on the key in values.yaml, and a comment above it suppresses it', () => {
    const findings = lintTree({ name: 'values', tree: { 'helm/values.yaml': values, 'k8s/web.yaml': app } }).filter(
      (f) => f.ruleId === 'upstream-keepalive-timeout',
    );
    expect(
      findings.map((f) => [f.primary.file, f.primary.start.line, f.message.includes('Helm value controller.config "upstream-keepalive-timeout"')]),
    ).toEqual([['helm/values.yaml', 3, true]]);
    const suppressed = values.replace(
      '    upstream-keepalive-timeout',
      '    # cfglint-disable-next-line upstream-keepalive-timeout -- tested with our load balancer\n    upstream-keepalive-timeout',
    );
    expect(
      lintTree({ name: 'suppressed', tree: { 'helm/values.yaml': suppressed, 'k8s/web.yaml': app } }).filter((f) => f.ruleId === 'upstream-keepalive-timeout'),
    ).toEqual([]);
  });
});
