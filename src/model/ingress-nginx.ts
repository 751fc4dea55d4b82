/**
 * ingress-nginx as nginx: the controller renders its ConfigMap, its defaults and each Ingress's
 * annotations into an nginx.conf (rootfs/etc/nginx/template/nginx.tmpl). This builds the part of
 * that configuration the cross-file rules ask about — one upstream per Ingress backend with the
 * controller's keep-alive settings, one server per host, one location per path (once per host) — as directives
 * whose spans point at the ConfigMap key, the annotation or (for a controller default) the place
 * the key would be written. The rules then judge it as they judge a hand-written nginx.conf.
 * Facts and sources: docs/servers/ingress-nginx.md.
 */
import type { ReaderDiagnostic } from '../source/diagnostic';
import type { ExpandedDirective, NginxConfigRoot, NginxDirective } from '../readers/nginx';
import type { GeneratedOrigin } from '../source/setting';
import type { Span } from '../source/span';
import { OLDEST_SUPPORTED, Version, VersionRange } from '../reference/nginx/version';
import {
  ConfigMapObject,
  HelmControllerValues,
  IngressBackend,
  IngressObject,
  KubernetesModel,
  ManifestValue,
  WorkloadObject,
} from '../readers/kubernetes/objects';

/** How a ConfigMap key or annotation becomes an nginx directive. */
interface KeyRendering {
  /** The nginx directive it renders to. */
  directive: string;
  /** The controller's default, as the ConfigMap would spell it. */
  defaultValue: string;
  /** `seconds`: a bare integer the template suffixes with `s`; `size`/`text`: copied as is. */
  type: 'seconds' | 'integer' | 'size' | 'text';
}

/** ConfigMap keys read into the http level (client side and proxy defaults). */
const HTTP_KEYS: Record<string, KeyRendering> = {
  'keep-alive': { directive: 'keepalive_timeout', defaultValue: '75', type: 'seconds' },
  'keep-alive-requests': { directive: 'keepalive_requests', defaultValue: '1000', type: 'integer' },
  'proxy-connect-timeout': { directive: 'proxy_connect_timeout', defaultValue: '5', type: 'seconds' },
  'proxy-read-timeout': { directive: 'proxy_read_timeout', defaultValue: '60', type: 'seconds' },
  'proxy-send-timeout': { directive: 'proxy_send_timeout', defaultValue: '60', type: 'seconds' },
  'proxy-body-size': { directive: 'client_max_body_size', defaultValue: '1m', type: 'size' },
  'client-header-buffer-size': { directive: 'client_header_buffer_size', defaultValue: '1k', type: 'size' },
  'large-client-header-buffers': { directive: 'large_client_header_buffers', defaultValue: '4 8k', type: 'text' },
  'proxy-buffer-size': { directive: 'proxy_buffer_size', defaultValue: '4k', type: 'size' },
  'proxy-http-version': { directive: 'proxy_http_version', defaultValue: '1.1', type: 'text' },
};

/** ConfigMap keys rendered into the main context and `events`. */
const MAIN_KEYS: Record<string, KeyRendering> = {
  'max-worker-open-files': { directive: 'worker_rlimit_nofile', defaultValue: '0', type: 'integer' },
  'max-worker-connections': { directive: 'worker_connections', defaultValue: '16384', type: 'integer' },
};

/** ConfigMap keys rendered into `upstream upstream_balancer { … }`. */
const UPSTREAM_KEYS: Record<string, KeyRendering> = {
  'upstream-keepalive-connections': { directive: 'keepalive', defaultValue: '320', type: 'integer' },
  'upstream-keepalive-timeout': { directive: 'keepalive_timeout', defaultValue: '60', type: 'seconds' },
  'upstream-keepalive-requests': { directive: 'keepalive_requests', defaultValue: '10000', type: 'integer' },
  'upstream-keepalive-time': { directive: 'keepalive_time', defaultValue: '1h', type: 'text' },
};

/** Per-Ingress annotations (`nginx.ingress.kubernetes.io/<name>`) rendered into each of its locations. */
const LOCATION_ANNOTATIONS: Record<string, KeyRendering> = {
  'proxy-connect-timeout': HTTP_KEYS['proxy-connect-timeout'],
  'proxy-read-timeout': HTTP_KEYS['proxy-read-timeout'],
  'proxy-send-timeout': HTTP_KEYS['proxy-send-timeout'],
  'proxy-body-size': HTTP_KEYS['proxy-body-size'],
  'proxy-buffer-size': HTTP_KEYS['proxy-buffer-size'],
  'proxy-http-version': HTTP_KEYS['proxy-http-version'],
};

const ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

const BACKEND_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'AUTO_HTTP', 'GRPC', 'GRPCS', 'FCGI']);

/** What the template accepts for client_max_body_size. */
const OFFSET = /^\d+[kKmMgG]?$/;

/** Why ingress-nginx rejects an annotation value (strconv.Atoi for timeouts, its size validator, 1.0/1.1). */
function invalidAnnotation(name: string, value: string, rendering: KeyRendering): string | undefined {
  if (rendering.type === 'seconds' || rendering.type === 'integer') {
    return /^[+-]?\d+$/.test(value) ? undefined : `"${value}" is not a whole number${rendering.type === 'seconds' ? ' of seconds (no unit)' : ''}`;
  }
  if (name === 'proxy-http-version') return value.trim() === '1.0' || value.trim() === '1.1' ? undefined : `"${value}" is neither "1.0" nor "1.1"`;
  if (rendering.type === 'size') return /^\d+[bkmgBKMG]?$/.test(value) ? undefined : `"${value}" is not a size such as 8k or 10m`;
  return undefined;
}

/**
 * Names under which manifests and the Helm chart create the controller's ConfigMap (the chart
 * prefixes its release name: `myrelease-ingress-nginx-controller`).
 */
const CONTROLLER_CONFIGMAP_NAME =
  /(?:^|-)(?:ingress-nginx-controller|nginx-ingress-controller)$|^(?:nginx-configuration|ingress-nginx|nginx-config|nginx-ingress-config)$/;

const CONTROLLER_IMAGE = /(?:^|\/)(?:ingress-nginx\/controller|nginx-ingress-controller)(?:[:@]|$)/;

/** NGINX Inc.'s Ingress controller (`nginx/nginx-ingress`, `nginx-plus-ingress`), a different project. */
const OTHER_NGINX_CONTROLLER = /(?:^|\/)(?:nginx\/nginx-ingress|nginx-plus-ingress)(?:[:@]|$)/;

/** A controller release as numbers, from an image tag such as `v1.9.4` or `0.19.0`. */
export interface ControllerVersion {
  numbers: number[];
  text: string;
  span: Span;
}

export interface IngressNginxController {
  /** The ConfigMap the controller reads, when the tree has it. */
  configMap?: ConfigMapObject;
  helmValues?: HelmControllerValues;
  version?: ControllerVersion;
  /** The controller's Deployment/DaemonSet, when the tree has it. */
  workload?: WorkloadObject;
}

/** A ConfigMap value as the controller takes it: from the ConfigMap, the chart values, or its default. */
interface ControllerValue {
  text: string;
  written?: ManifestValue;
  /** Where the user would write the key: a message anchor for defaults. */
  anchor: Span;
  origin: GeneratedOrigin;
}

/** Whether an Ingress is for ingress-nginx: its class names nginx, or it names none. */
export function servedByIngressNginx(ingress: IngressObject): boolean {
  return ingress.ingressClass === undefined || /nginx/i.test(ingress.ingressClass);
}

export function findController(kubernetes: KubernetesModel): IngressNginxController | undefined {
  const workload = kubernetes.workloads.find((candidate) => candidate.containers.some((container) => CONTROLLER_IMAGE.test(container.image?.value ?? '')));
  const container = workload?.containers.find((candidate) => CONTROLLER_IMAGE.test(candidate.image?.value ?? ''));
  let configMap: ConfigMapObject | undefined;
  const flag = container?.args.map((arg) => /^--configmap=(.+)$/.exec(arg.value)?.[1]).find((value) => value !== undefined);
  if (flag && workload) {
    const [namespaceText, name] = flag.includes('/') ? flag.split('/', 2) : [workload.namespace, flag];
    const namespace = namespaceText.includes('$(') ? workload.namespace : namespaceText;
    configMap =
      kubernetes.configMaps.find((candidate) => candidate.name === name && candidate.namespace === namespace) ??
      kubernetes.configMaps.find((candidate) => candidate.name === name);
  }
  configMap ??= kubernetes.configMaps.find(
    (candidate) =>
      CONTROLLER_CONFIGMAP_NAME.test(candidate.name) ||
      (candidate.labels.get('app.kubernetes.io/name') === 'ingress-nginx' && candidate.labels.get('app.kubernetes.io/component') === 'controller'),
  );
  const helmValues = kubernetes.helmValues[0];
  const imageTag = container?.image
    ? imageTagOf(container.image)
    : helmValues?.imageTag
      ? { text: helmValues.imageTag.value, span: helmValues.imageTag.valueSpan }
      : undefined;
  const numbers = imageTag ? /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(imageTag.text) : null;
  const version =
    imageTag && numbers
      ? {
          numbers: numbers
            .slice(1)
            .filter((n) => n !== undefined)
            .map(Number),
          text: imageTag.text,
          span: imageTag.span,
        }
      : undefined;
  if (!workload && !configMap && !helmValues) return undefined;
  return { ...(configMap ? { configMap } : {}), ...(helmValues ? { helmValues } : {}), ...(version ? { version } : {}), ...(workload ? { workload } : {}) };
}

function imageTagOf(image: ManifestValue): { text: string; span: Span } | undefined {
  const reference = image.value.split('@')[0];
  const colon = reference.lastIndexOf(':');
  if (colon === -1 || reference.indexOf('/', colon) !== -1) return undefined;
  return { text: reference.slice(colon + 1), span: image.valueSpan };
}

/** Whether the controller release is at least `major.minor.patch`; unknown releases count as current. */
function atLeast(version: ControllerVersion | undefined, major: number, minor: number, patch = 0): boolean {
  if (!version) return true;
  const [a = 0, b = 0, c = 0] = version.numbers;
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

/**
 * The nginx release the controller runs (docs/servers/ingress-nginx.md#5-bundled-nginx-version-per-controller-line): exact for a known release;
 * for an unknown one, any release up to 1.27.1, the newest any controller has bundled. Releases
 * before 1.18 (controllers before 0.33) are reasoned about as 1.18.0, whose defaults they share.
 */
export function bundledNginx(version: ControllerVersion | undefined): { range: VersionRange; text: string } {
  if (!version) return { range: { min: OLDEST_SUPPORTED, max: [1, 27, 1] }, text: 'nginx 1.27.1 or older (every ingress-nginx release)' };
  const [major = 0, minor = 0, patch = 0] = version.numbers;
  const release = major * 1_000_000 + minor * 1_000 + patch;
  const at = (a: number, b: number, c = 0) => release >= a * 1_000_000 + b * 1_000 + c;
  const nginx: Version = at(1, 13)
    ? [1, 27, 1]
    : at(1, 10)
      ? release === 1_010_000
        ? [1, 25, 3]
        : [1, 25, 5]
      : at(1, 5)
        ? [1, 21, 6]
        : at(1, 1, 3)
          ? [1, 19, 10]
          : at(1, 0, 1) || at(0, 49, 3)
            ? [1, 19, 9]
            : at(0, 47)
              ? [1, 20, 1]
              : at(0, 33)
                ? [1, 19, 6]
                : OLDEST_SUPPORTED;
  return { range: { min: nginx, max: nginx }, text: `ingress-nginx ${version.text} runs nginx ${nginx.join('.')}` };
}

/**
 * Before 0.20 requests without an Upgrade header went upstream with `Connection: close`, so no
 * upstream connection was ever reused whatever the keys said (docs/servers/ingress-nginx.md).
 */
export function upstreamKeepaliveHonoured(version: ControllerVersion | undefined): boolean {
  return atLeast(version, 0, 20);
}

/**
 * The controller's default for a key in a given release, or undefined where the release has no
 * such key (nginx's own default then applies). Changes: docs/servers/ingress-nginx.md#2-version-history.
 */
function releaseDefault(key: string, rendering: KeyRendering, version: ControllerVersion | undefined): string | undefined {
  switch (key) {
    case 'upstream-keepalive-connections':
      return atLeast(version, 0, 40) ? rendering.defaultValue : '32';
    case 'upstream-keepalive-timeout':
      return atLeast(version, 0, 21) ? rendering.defaultValue : undefined;
    case 'upstream-keepalive-requests':
      return !atLeast(version, 0, 21) ? undefined : atLeast(version, 0, 40) ? rendering.defaultValue : '100';
    case 'upstream-keepalive-time':
      return atLeast(version, 1, 2) ? rendering.defaultValue : undefined;
    case 'keep-alive-requests':
      return atLeast(version, 1, 6, 4) ? rendering.defaultValue : '100';
    default:
      return rendering.defaultValue;
  }
}

/**
 * The nginx configuration ingress-nginx renders for the tree's Ingresses, as one generated root;
 * undefined when the tree has no Ingress for ingress-nginx and no controller configuration.
 */
export function renderIngressNginx(kubernetes: KubernetesModel): { root?: NginxConfigRoot; diagnostics: ReaderDiagnostic[] } {
  const diagnostics: ReaderDiagnostic[] = [];
  const ingresses = kubernetes.ingresses.filter(servedByIngressNginx);
  const controller = findController(kubernetes);
  if (ingresses.length === 0 && !controller) return { diagnostics };
  // NGINX Inc.'s controller also takes class "nginx" but has its own keys and defaults: not modelled.
  if (
    !controller?.workload &&
    kubernetes.workloads.some((workload) => workload.containers.some((container) => OTHER_NGINX_CONTROLLER.test(container.image?.value ?? '')))
  )
    return { diagnostics };
  const fallbackAnchor =
    controller?.configMap?.dataSpan ??
    controller?.configMap?.nameSpan ??
    controller?.helmValues?.configSpan ??
    ingresses[0]?.nameSpan ??
    controller?.workload?.nameSpan;
  if (!fallbackAnchor) return { diagnostics };
  const file = fallbackAnchor.file;
  const version = controller?.version;

  /** The key's value as the controller takes it; undefined when this release neither has the key nor renders a default. */
  const values = new Map<string, ControllerValue | undefined>();
  const valueOf = (key: string, rendering: KeyRendering): ControllerValue | undefined => {
    // Once per key: a value the controller rejects is reported once.
    if (!values.has(key)) values.set(key, decide(key, rendering));
    return values.get(key);
  };
  const decide = (key: string, rendering: KeyRendering): ControllerValue | undefined => {
    const fallback = releaseDefault(key, rendering, version);
    const written = controller?.configMap?.data.get(key) ?? controller?.helmValues?.config.get(key);
    if (written && fallback !== undefined) {
      const where = controller?.configMap?.data.has(key) ? 'ConfigMap key' : 'Helm value controller.config';
      const problem = invalidNumber(written.value, rendering);
      if (!problem)
        return {
          text: written.value,
          written,
          anchor: written.keySpan,
          origin: { controller: 'ingress-nginx', key, kind: 'configmap', text: `ingress-nginx ${where} "${key}"` },
        };
      diagnostics.push({
        ruleId: 'invalid-value',
        message: `${where} "${key}": ${problem}; ingress-nginx logs "unexpected error merging defaults" and uses its default ${fallback} for this key (write a bare number${rendering.type === 'seconds' ? ' of seconds, e.g. "60"' : ''})`,
        primary: written.valueSpan,
        related: [],
      });
    }
    if (fallback === undefined) return undefined;
    return {
      text: fallback,
      anchor: fallbackAnchor,
      origin: { controller: 'ingress-nginx', key, kind: 'default', text: `ingress-nginx${version ? ` ${version.text}` : ''} default of "${key}"` },
    };
  };

  const http: ExpandedDirective[] = [];
  for (const [key, rendering] of Object.entries(HTTP_KEYS)) {
    // The template writes client_max_body_size into each location, not the http block.
    if (key === 'proxy-body-size') continue;
    const value = valueOf(key, rendering);
    if (value) http.push(generated(rendering, value, file));
  }
  const bodySize = valueOf('proxy-body-size', HTTP_KEYS['proxy-body-size']);
  // The template drops a value that is not `^\d+[kKmMgG]?$`: nginx's own 1m then applies.
  const perLocation = bodySize && OFFSET.test(bodySize.text.trim()) ? [generated(HTTP_KEYS['proxy-body-size'], bodySize, file)] : [];

  const keepaliveConnections = valueOf('upstream-keepalive-connections', UPSTREAM_KEYS['upstream-keepalive-connections']);
  // An empty value decodes to 0, which turns upstream keepalive off.
  const keepsUpstreamConnections = upstreamKeepaliveHonoured(version) && Number(keepaliveConnections?.text || '0') > 0;
  const upstreamSettings = keepsUpstreamConnections
    ? Object.entries(UPSTREAM_KEYS).flatMap(([key, rendering]) => {
        const value = valueOf(key, rendering);
        return value ? [generated(rendering, value, file)] : [];
      })
    : // No pool: said explicitly, so nginx's own default (a pool since 1.29.7) does not stand in for it.
      [
        generated(
          UPSTREAM_KEYS['upstream-keepalive-connections'],
          {
            text: '0',
            anchor: keepaliveConnections?.written?.keySpan ?? version?.span ?? fallbackAnchor,
            ...(keepaliveConnections?.written ? { written: keepaliveConnections.written } : {}),
            origin: upstreamKeepaliveHonoured(version)
              ? (keepaliveConnections?.origin ?? { controller: 'ingress-nginx', key: 'upstream-keepalive-connections', kind: 'default', text: 'ingress-nginx' })
              : {
                  controller: 'ingress-nginx',
                  key: 'upstream-keepalive-connections',
                  kind: 'default',
                  text: `ingress-nginx ${version?.text ?? ''} sends "Connection: close" upstream (before 0.20)`,
                },
          },
          file,
        ),
      ];

  const upstreams = new Map<string, ExpandedDirective>();
  const servers = new Map<string, ExpandedDirective[]>();
  /** The paths each host has a location for already. */
  const pathsByHost = new Map<string, Set<string>>();
  for (const ingress of ingresses) {
    const overrides = [...ingress.annotations].flatMap(([name, value]) => {
      const short = name.startsWith(ANNOTATION_PREFIX) ? name.slice(ANNOTATION_PREFIX.length) : '';
      const rendering = LOCATION_ANNOTATIONS[short];
      if (!rendering) return [];
      const problem = invalidAnnotation(short, value.value, rendering);
      if (problem) {
        // Only this field falls back to the ConfigMap's value (docs/servers/ingress-nginx.md#3-per-ingress-annotations).
        diagnostics.push({
          ruleId: 'invalid-value',
          message: `annotation ${name}: ${problem}; ingress-nginx ignores it and uses the ConfigMap's value for this Ingress`,
          primary: value.valueSpan,
          related: [],
        });
        return [];
      }
      return [
        generated(
          rendering,
          {
            text: value.value,
            written: value,
            anchor: value.keySpan,
            origin: { controller: 'ingress-nginx', key: name, kind: 'annotation', text: `annotation ${name}` },
          },
          file,
        ),
      ];
    });
    const connectionHeader = ingress.annotations.get(`${ANNOTATION_PREFIX}connection-proxy-header`);
    if (connectionHeader) overrides.push(simple('proxy_set_header', ['Connection', connectionHeader.value.trim()], connectionHeader.valueSpan, file));
    // Compared case-insensitively; anything else falls back to HTTP.
    const written = (ingress.annotations.get(`${ANNOTATION_PREFIX}backend-protocol`)?.value ?? 'HTTP').trim().toUpperCase();
    // AJP was accepted until 1.9 (removed in #10158).
    const protocol = BACKEND_PROTOCOLS.has(written) || (written === 'AJP' && version && !atLeast(version, 1, 9)) ? written : 'HTTP';
    const paths = ingress.rules.flatMap((rule) => rule.paths.map((path) => ({ host: rule.host ?? '_', path: path.path, backend: path.backend })));
    if (ingress.defaultBackend) paths.push({ host: '_', path: '/', backend: ingress.defaultBackend });
    for (const { host, path, backend } of paths) {
      // The controller adds a host's path once: a later Ingress with the same host and path is
      // skipped ("Location ... already configured", controller.go createServers), never a
      // duplicate location. Tree order stands for the controller's (oldest Ingress first).
      const written = pathsByHost.get(host) ?? pathsByHost.set(host, new Set()).get(host)!;
      if (written.has(path)) continue;
      written.add(path);
      const upstreamName = `${ingress.namespace}-${backend.serviceName}-${backend.port}`;
      if (!upstreams.has(upstreamName)) upstreams.set(upstreamName, upstreamBlock(upstreamName, ingress, backend, upstreamSettings, file));
      const defaults = perLocation.filter((entry) => !overrides.some((override) => override.directive.name === entry.directive.name));
      const location = locationBlock(path, upstreamName, protocol, backend, [...defaults, ...overrides], keepsUpstreamConnections, file);
      if (location) (servers.get(host) ?? servers.set(host, []).get(host)!).push(location);
    }
  }
  for (const upstream of upstreams.values()) http.push(upstream);
  for (const [host, locations] of servers) {
    const anchor = locations[0].directive.span;
    http.push(block('server', [], [simple('server_name', [host], anchor, file), simple('listen', ['80'], anchor, file), ...locations], anchor, file));
  }
  return {
    root: {
      kind: 'main',
      file,
      context: 'main',
      directives: [...workerLimits(valueOf, file), block('http', [], http, fallbackAnchor, file)],
      generatedBy: 'ingress-nginx',
    },
    diagnostics,
  };
}

/**
 * `worker_rlimit_nofile` and `worker_connections`, when the ConfigMap fixes the open-file limit:
 * by default (max-worker-open-files 0) the controller derives it from the container's hard limit,
 * which the tree does not show, so nothing is rendered and no rule judges it.
 */
function workerLimits(valueOf: (key: string, rendering: KeyRendering) => ControllerValue | undefined, file: string): ExpandedDirective[] {
  const openFiles = valueOf('max-worker-open-files', MAIN_KEYS['max-worker-open-files']);
  if (!openFiles?.written || !(Number(openFiles.text) > 0)) return [];
  const connections = valueOf('max-worker-connections', MAIN_KEYS['max-worker-connections']);
  // 0 means three quarters of the open files: never above them.
  if (!connections || !(Number(connections.text) > 0)) return [generated(MAIN_KEYS['max-worker-open-files'], openFiles, file)];
  return [
    generated(MAIN_KEYS['max-worker-open-files'], openFiles, file),
    block('events', [], [generated(MAIN_KEYS['max-worker-connections'], connections, file)], connections.anchor, file),
  ];
}

/**
 * Integer keys are decoded with Go's strconv (base 0, so `0x10` and `010` are numbers too); a
 * unit (`60s`) or a fraction fails for that key alone. An empty string decodes to 0.
 */
function invalidNumber(text: string, rendering: KeyRendering): string | undefined {
  if (rendering.type !== 'seconds' && rendering.type !== 'integer') return undefined;
  const trimmed = text.trim();
  if (trimmed === '' || /^[+-]?(\d+|0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+)$/.test(trimmed)) return undefined;
  return rendering.type === 'seconds' ? `"${text}" is not a whole number of seconds (the template appends the "s" itself)` : `"${text}" is not a whole number`;
}

function upstreamBlock(name: string, ingress: IngressObject, backend: IngressBackend, settings: ExpandedDirective[], file: string): ExpandedDirective {
  // ingress-nginx balances over the Service's endpoints (pod IP:targetPort); the address names the Service.
  const server = simple('server', [`${backend.serviceName}.${ingress.namespace}.svc:${backend.port}`], backend.span, file);
  return block('upstream', [name], [server, ...settings], backend.span, file);
}

function locationBlock(
  path: string,
  upstream: string,
  protocol: string,
  backend: IngressBackend,
  overrides: ExpandedDirective[],
  keepsUpstreamConnections: boolean,
  file: string,
): ExpandedDirective | undefined {
  const pass = {
    HTTP: ['proxy_pass', `http://${upstream}`],
    HTTPS: ['proxy_pass', `https://${upstream}`],
    AUTO_HTTP: ['proxy_pass', `$scheme://${upstream}`],
    GRPC: ['grpc_pass', `grpc://${upstream}`],
    GRPCS: ['grpc_pass', `grpcs://${upstream}`],
    FCGI: ['fastcgi_pass', upstream],
  }[protocol];
  // AJP (before 1.9) used a module this model does not know: no pass, so no rule judges it.
  if (!pass) return undefined;
  const ownConnection = overrides.some((entry) => entry.directive.name === 'proxy_set_header');
  return block(
    'location',
    [path],
    [
      ...overrides,
      // The template maps an absent Upgrade header to "" when upstream keepalive is on, else to
      // "close"; the connection-proxy-header annotation replaces it.
      ...(ownConnection ? [] : [simple('proxy_set_header', ['Connection', keepsUpstreamConnections ? '' : 'close'], backend.span, file)]),
      simple(pass[0], [pass[1]], backend.span, file),
    ],
    backend.span,
    file,
  );
}

/** One directive rendered from a ConfigMap value or annotation. */
function generated(rendering: KeyRendering, value: ControllerValue, file: string): ExpandedDirective {
  const text = rendering.type === 'seconds' && /^\d+$/.test(value.text.trim()) ? `${value.text.trim()}s` : value.text.trim();
  const args = rendering.type === 'text' ? text.split(/\s+/) : [text];
  const span = value.written ? { file: value.written.keySpan.file, start: value.written.keySpan.start, end: value.written.valueSpan.end } : value.anchor;
  const argSpan = value.written?.valueSpan ?? value.anchor;
  const directive: NginxDirective = {
    name: rendering.directive,
    nameSpan: value.written?.keySpan ?? value.anchor,
    args: args.map((arg) => ({ value: arg, quoted: false, span: argSpan })),
    span,
    file: span.file || file,
  };
  return { directive, via: [], generated: value.origin };
}

function simple(name: string, args: string[], span: Span, file: string): ExpandedDirective {
  return { directive: { name, nameSpan: span, args: args.map((value) => ({ value, quoted: value === '', span })), span, file: span.file || file }, via: [] };
}

function block(name: string, args: string[], children: ExpandedDirective[], span: Span, file: string): ExpandedDirective {
  const directive: NginxDirective = {
    name,
    nameSpan: span,
    args: args.map((value) => ({ value, quoted: false, span })),
    span,
    block: children.map((child) => child.directive),
    blockOpen: span,
    file: span.file || file,
  };
  return { directive, children, via: [] };
}
