/**
 * The cross-file rules on Kubernetes trees: ingress-nginx (ConfigMap, annotations, its defaults)
 * in front of workloads reached through a Service. Each tree is either one file of `---`
 * documents or a directory of manifests; expected positions are found in the input text.
 */
import { rule as bodySize } from '../../checks/body-size-backend';
import { rule as headerSize } from '../../checks/header-size-backend';
import { rule as lbIdle } from '../../checks/lb-idle-timeout';
import { rule as http10 } from '../../checks/upstream-keepalive-http10';
import { rule as keepaliveRequests } from '../../checks/upstream-keepalive-requests';
import { rule as keepaliveTimeout } from '../../checks/upstream-keepalive-timeout';
import { rule as protocolMismatch } from '../../checks/upstream-protocol-mismatch';
import { rule as unreachable } from '../../checks/upstream-unreachable';
import { rule as listenBacklog } from '../../checks/listen-backlog-somaxconn';
import { rule as workerConnections } from '../../checks/worker-connections-nofile';
import { rule as readTimeout } from '../../checks/proxy-read-timeout-backend';
import type { MemoryTree } from '../../src/discovery/fs';
import { ExpectedSpan, lintTree, testRule } from '../harness';

/** The controller's ConfigMap with these data keys (none: the controller's defaults). */
function controllerConfig(data: Record<string, string> = {}): string {
  const entries = Object.entries(data)
    .map(([key, value]) => `  ${key}: "${value}"\n`)
    .join('');
  return (
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\ndata:\n' +
    (entries || '  use-forwarded-headers: "true"\n')
  );
}

/** A Deployment running `command` with a named container port, its Service (port 80 → targetPort http) and an Ingress. */
function application(options: {
  command: string[];
  port?: number;
  env?: Record<string, string>;
  annotations?: Record<string, string>;
  sysctls?: Record<string, string>;
  ingressClass?: string;
}): string {
  const port = options.port ?? 8000;
  const env = Object.entries(options.env ?? {})
    .map(([name, value]) => `            - name: ${name}\n              value: "${value}"\n`)
    .join('');
  const sysctls = Object.entries(options.sysctls ?? {})
    .map(([name, value]) => `          - name: ${name}\n            value: "${value}"\n`)
    .join('');
  const annotations = Object.entries(options.annotations ?? {})
    .map(([key, value]) => `    ${key}: "${value}"\n`)
    .join('');
  return [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n' +
      (sysctls ? `      securityContext:\n        sysctls:\n${sysctls}` : '') +
      '      containers:\n        - name: api\n          image: example/api:1\n' +
      `          command: [${options.command.map((word) => JSON.stringify(word)).join(', ')}]\n` +
      (env ? `          env:\n${env}` : '') +
      `          ports:\n            - name: http\n              containerPort: ${port}\n`,
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n      targetPort: http\n',
    'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\n  namespace: shop\n' +
      (annotations ? `  annotations:\n${annotations}` : '') +
      `spec:\n  ingressClassName: ${options.ingressClass ?? 'nginx'}\n  rules:\n    - host: api.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  number: 80\n`,
  ].join('---\n');
}

/** Where `needle` starts in `file` of `tree` (1-based), optionally the n-th occurrence. */
function at(tree: MemoryTree, file: string, needle: string, occurrence = 1): ExpectedSpan {
  const text = tree[file] as string;
  let offset = -1;
  for (let k = 0; k < occurrence; k++) offset = text.indexOf(needle, offset + 1);
  if (offset === -1) throw new Error(`"${needle}" not in ${file}`);
  // A needle may start with a newline to say "at the start of a line".
  if (needle.startsWith('\n')) offset += 1;
  const before = text.slice(0, offset).split('\n');
  return { file, line: before.length, column: before[before.length - 1].length + 1 };
}

const GTHREAD = ['gunicorn', '-k', 'gthread', '--bind', '0.0.0.0:8000', 'shop.wsgi'];

/** One file of `---` documents. */
const singleFile = (config: string, app: string): MemoryTree => ({ 'k8s/all.yaml': `${config}---\n${app}` });
/** A directory of manifests. */
const directory = (config: string, app: string): MemoryTree => ({ 'k8s/ingress-nginx/configmap.yaml': config, 'k8s/shop/api.yaml': app });

const defaultsSingle = singleFile(controllerConfig(), application({ command: GTHREAD }));
const defaultsDirectory = directory(controllerConfig(), application({ command: GTHREAD }));
// nginx (not the ingress controller) in the cluster: `api.shop` is Service api in namespace shop.
const plainNginx: MemoryTree = {
  'nginx/nginx.conf':
    'events {}\nhttp {\n    upstream api {\n        server api.shop:80;\n        keepalive 16;\n    }\n    server {\n        location / {\n            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n            proxy_pass http://api;\n        }\n    }\n}\n',
  // The Ingress here is another controller's, so only the hand-written nginx sends to the Service.
  'k8s/shop/api.yaml': application({ command: GTHREAD, ingressClass: 'traefik' }),
};
const timeoutKey = directory(controllerConfig({ 'upstream-keepalive-timeout': '75' }), application({ command: GTHREAD }));

testRule(keepaliveTimeout, {
  accept: [
    {
      name: 'k8s: gunicorn keeps connections longer than the controller (--keep-alive 75)',
      tree: directory(controllerConfig(), application({ command: [...GTHREAD, '--keep-alive', '75'] })),
    },
    {
      name: 'k8s: the ConfigMap makes nginx close first (upstream-keepalive-timeout "1")',
      tree: directory(controllerConfig({ 'upstream-keepalive-timeout': '1' }), application({ command: GTHREAD })),
    },
    {
      name: 'k8s: upstream-keepalive-connections "0" turns upstream keepalive off',
      tree: directory(controllerConfig({ 'upstream-keepalive-connections': '0' }), application({ command: GTHREAD })),
    },
    {
      name: 'k8s: a controller before 0.20 never reused upstream connections',
      tree: {
        ...defaultsDirectory,
        'k8s/ingress-nginx/controller.yaml': controllerDeployment('quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.19.0'),
      },
    },
    { name: 'k8s: an Ingress for another controller class', tree: directory(controllerConfig(), application({ command: GTHREAD, ingressClass: 'traefik' })) },
    {
      name: 'k8s: the container binds loopback only: the Service cannot reach it',
      tree: directory(controllerConfig(), application({ command: ['gunicorn', '-k', 'gthread', '--bind', '127.0.0.1:8000', 'shop.wsgi'] })),
    },
    {
      name: 'k8s: the Service targets another port than gunicorn listens on',
      tree: directory(controllerConfig(), application({ command: GTHREAD, port: 9000 })),
    },
  ],
  reject: [
    {
      name: 'k8s, one file: the controller default 60 against gunicorn gthread 2s, reported at the ConfigMap data',
      tree: defaultsSingle,
      findings: [
        {
          messageId: 'backendClosesFirst',
          severity: 'error',
          primary: at(defaultsSingle, 'k8s/all.yaml', '\ndata:'),
          related: [{ ...at(defaultsSingle, 'k8s/all.yaml', '0.0.0.0:8000'), label: 'gunicorn listens here' }],
          messageIncludes: ['ingress-nginx default of "upstream-keepalive-timeout"'],
          helpIncludes: ['set "upstream-keepalive-timeout" in the ingress-nginx ConfigMap below 2'],
        },
      ],
      // The key the message names, as the first entry of data:, in whole seconds.
      fixed: {
        'k8s/all.yaml': singleFile(controllerConfig({ 'upstream-keepalive-timeout': '1', 'use-forwarded-headers': 'true' }), application({ command: GTHREAD }))[
          'k8s/all.yaml'
        ] as string,
      },
    },
    {
      name: 'k8s, a directory: the same through two files',
      tree: defaultsDirectory,
      findings: [{ messageId: 'backendClosesFirst', primary: at(defaultsDirectory, 'k8s/ingress-nginx/configmap.yaml', '\ndata:') }],
      fixed: { 'k8s/ingress-nginx/configmap.yaml': controllerConfig({ 'upstream-keepalive-timeout': '1', 'use-forwarded-headers': 'true' }) },
    },
    {
      name: 'k8s: a hand-written nginx.conf sends to the Service by its DNS name',
      tree: plainNginx,
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: at(plainNginx, 'nginx/nginx.conf', 'keepalive 16'),
          messageIncludes: ['keepalive_timeout 60s (nginx default)', 'behind api.shop:80'],
        },
      ],
      fixed: { 'nginx/nginx.conf': (plainNginx['nginx/nginx.conf'] as string).replace('keepalive 16;\n', 'keepalive 16;\n        keepalive_timeout 1s;\n') },
    },
    {
      name: 'k8s: a ConfigMap key that raises the timeout is the place to fix',
      tree: timeoutKey,
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: at(timeoutKey, 'k8s/ingress-nginx/configmap.yaml', 'upstream-keepalive-timeout'),
          messageIncludes: ['keepalive_timeout 75s (ingress-nginx ConfigMap key "upstream-keepalive-timeout")'],
        },
      ],
      // The written "75" becomes "1".
      fixed: { 'k8s/ingress-nginx/configmap.yaml': controllerConfig({ 'upstream-keepalive-timeout': '1' }) },
    },
  ],
});

function controllerDeployment(image: string): string {
  return (
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\nspec:\n  template:\n    spec:\n      containers:\n        - name: controller\n' +
    `          image: ${image}\n          args: ["/nginx-ingress-controller", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"]\n`
  );
}

const httpOne = directory(controllerConfig({ 'proxy-http-version': '1.0' }), application({ command: GTHREAD }));
testRule(http10, {
  accept: [{ name: 'k8s: the controller speaks HTTP/1.1 and clears Connection by default', tree: defaultsDirectory }],
  reject: [
    {
      name: 'k8s: proxy-http-version "1.0" in the ConfigMap',
      tree: httpOne,
      findings: [{ messageId: http10Message(), primary: at(httpOne, 'k8s/shop/api.yaml', 'service:') }],
    },
  ],
});

/** The rule's one message id (looked up, so a rename in the rule is not hidden here). */
function http10Message(): string {
  return Object.keys(http10.meta.messages)[0];
}

const uwsgiSocket = ['uwsgi', '--socket', '0.0.0.0:8000', '--module', 'shop.wsgi'];
const uwsgiTree = directory(controllerConfig(), application({ command: uwsgiSocket }));
testRule(protocolMismatch, {
  accept: [
    {
      name: 'k8s: uWSGI speaking HTTP (--http-socket)',
      tree: directory(controllerConfig(), application({ command: ['uwsgi', '--http-socket', '0.0.0.0:8000', '--module', 'shop.wsgi'] })),
    },
  ],
  reject: [
    {
      name: 'k8s: ingress-nginx speaks HTTP to a uWSGI --socket (uwsgi protocol)',
      tree: uwsgiTree,
      findings: [{ messageId: Object.keys(protocolMismatch.meta.messages)[0], primary: at(uwsgiTree, 'k8s/shop/api.yaml', 'service:') }],
    },
  ],
});

const slowAnnotation = directory(
  controllerConfig(),
  application({ command: ['gunicorn', '--bind', '0.0.0.0:8000', 'shop.wsgi'], annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '300' } }),
);
testRule(readTimeout, {
  accept: [
    {
      name: 'k8s: the controller default 60s is not something the user raised',
      tree: directory(controllerConfig(), application({ command: ['gunicorn', '--bind', '0.0.0.0:8000', 'shop.wsgi'] })),
    },
  ],
  reject: [
    {
      name: "k8s: an Ingress annotation raises proxy_read_timeout to 300 s over gunicorn's 30 s timeout",
      tree: slowAnnotation,
      findings: [{ messageId: 'backendKillsFirst', primary: at(slowAnnotation, 'k8s/shop/api.yaml', '"300"') }],
    },
  ],
});

const bigHeaders = directory(
  controllerConfig({ 'large-client-header-buffers': '4 32k' }),
  application({ command: uwsgiSocket.map((word) => (word === '--socket' ? '--http-socket' : word)) }),
);
testRule(headerSize, {
  accept: [
    {
      name: 'k8s: uWSGI buffer-size above what the controller admits',
      tree: directory(
        controllerConfig({ 'large-client-header-buffers': '2 16k' }),
        application({ command: ['uwsgi', '--http-socket', '0.0.0.0:8000', '--buffer-size', '32768', '--module', 'shop.wsgi'] }),
      ),
    },
  ],
  reject: [
    {
      name: 'k8s: large-client-header-buffers "4 32k" against uWSGI\'s 4096-byte buffer',
      tree: bigHeaders,
      findings: [{ messageId: Object.keys(headerSize.meta.messages)[0], primary: at(bigHeaders, 'k8s/ingress-nginx/configmap.yaml', '"4 32k"') }],
    },
  ],
});

const bigBodyAnnotation = directory(
  controllerConfig(),
  application({
    command: ['uwsgi', '--http-socket', '0.0.0.0:8000', '--limit-post', '1048576', '--module', 'shop.wsgi'],
    annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '50m' },
  }),
);
testRule(bodySize, {
  accept: [
    {
      name: "k8s: the controller's 1m default is nginx's",
      tree: directory(
        controllerConfig(),
        application({ command: ['uwsgi', '--http-socket', '0.0.0.0:8000', '--limit-post', '1048576', '--module', 'shop.wsgi'] }),
      ),
    },
  ],
  reject: [
    {
      name: 'k8s: a proxy-body-size annotation admits 50m, uWSGI limit-post 1 MiB',
      tree: bigBodyAnnotation,
      findings: [{ messageId: Object.keys(bodySize.meta.messages)[0], primary: at(bigBodyAnnotation, 'k8s/shop/api.yaml', '"50m"') }],
    },
  ],
});

describe('ingress-nginx ConfigMap values', () => {
  it('reports a timeout written with a unit at its value, and the rules use the default instead', () => {
    const tree = directory(controllerConfig({ 'upstream-keepalive-timeout': '60s' }), application({ command: GTHREAD }));
    const findings = lintTree({ name: 'unit', tree });
    const invalid = findings.filter((f) => f.ruleId === 'invalid-value');
    expect(invalid.map((f) => [f.primary.file, f.primary.start.line, f.primary.start.column])).toEqual([
      [
        at(tree, 'k8s/ingress-nginx/configmap.yaml', '"60s"').file,
        at(tree, 'k8s/ingress-nginx/configmap.yaml', '"60s"').line,
        at(tree, 'k8s/ingress-nginx/configmap.yaml', '"60s"').column,
      ],
    ]);
    expect(invalid[0].message).toContain('uses its default 60');
    const timeout = findings.filter((f) => f.ruleId === 'upstream-keepalive-timeout');
    expect(timeout.map((f) => f.message.includes('ingress-nginx default of "upstream-keepalive-timeout"'))).toEqual([true]);
  });
});

const loopbackOnly = directory(controllerConfig(), application({ command: ['gunicorn', '--bind', '127.0.0.1:8000', 'shop.wsgi'] }));
const wrongTarget = directory(controllerConfig(), application({ command: ['gunicorn', '--bind', '0.0.0.0:8000', 'shop.wsgi'], port: 9000 }));
const unnamed = directory(
  controllerConfig(),
  application({ command: ['gunicorn', '--bind', '0.0.0.0:8000', 'shop.wsgi'] }).replace(
    '- name: http\n              containerPort',
    '- name: web\n              containerPort',
  ),
);
const noSuchPort = directory(
  controllerConfig(),
  application({ command: ['gunicorn', '--bind', '0.0.0.0:8000', 'shop.wsgi'] }).replace('number: 80\n', 'number: 8080\n'),
);
testRule(unreachable, {
  accept: [
    { name: 'k8s: the Service reaches gunicorn on all interfaces', tree: defaultsDirectory },
    {
      name: 'k8s: a Service that selects no workload of the tree is not judged',
      tree: directory(controllerConfig(), application({ command: GTHREAD }).replace('    app: api\n  ports', '    app: elsewhere\n  ports')),
    },
    {
      name: "k8s: a container that runs its image's entrypoint is not judged",
      tree: directory(controllerConfig(), application({ command: GTHREAD }).replace(/ {10}command: .*\n/, '')),
    },
  ],
  reject: [
    {
      name: 'k8s: gunicorn binds loopback inside the pod',
      tree: loopbackOnly,
      findings: [{ messageId: 'nothingOnTargetPort', primary: at(loopbackOnly, 'k8s/shop/api.yaml', 'service:'), helpIncludes: ['bind 0.0.0.0:8000'] }],
    },
    {
      name: 'k8s: the named targetPort is 9000, gunicorn binds 8000',
      tree: wrongTarget,
      findings: [
        {
          messageId: 'nothingOnTargetPort',
          primary: at(wrongTarget, 'k8s/shop/api.yaml', 'service:'),
          related: [
            { ...at(wrongTarget, 'k8s/shop/api.yaml', 'port: 80'), label: 'targetPort http = 9000' },
            { ...at(wrongTarget, 'k8s/shop/api.yaml', '0.0.0.0:8000'), label: 'gunicorn listens on 0.0.0.0:8000' },
          ],
        },
      ],
    },
    {
      name: 'k8s: targetPort names a port no container declares',
      tree: unnamed,
      findings: [{ messageId: 'targetPortNotDeclared', primary: at(unnamed, 'k8s/shop/api.yaml', 'service:') }],
    },
    {
      name: 'k8s: the Ingress names a port the Service does not have',
      tree: noSuchPort,
      findings: [
        { messageId: 'serviceHasNoSuchPort', primary: at(noSuchPort, 'k8s/shop/api.yaml', 'service:'), messageIncludes: ['has no port 8080 (its ports: 80)'] },
      ],
    },
  ],
});

const backlog = (sysctl?: string) => ({
  'k8s/uwsgi.yaml': application({
    command: ['uwsgi', '--http-socket', '0.0.0.0:8000', '--listen', '4096', '--module', 'shop.wsgi'],
    ...(sysctl ? { sysctls: { 'net.core.somaxconn': sysctl } } : {}),
  }),
});
const backlogLow = backlog('1024');
testRule(listenBacklog, {
  accept: [{ name: "k8s: the pod's somaxconn admits uWSGI's listen 4096", tree: backlog('4096') }],
  reject: [
    {
      name: "k8s: uWSGI listen 4096 above the pod's net.core.somaxconn 1024",
      tree: backlogLow,
      findings: [{ messageId: Object.keys(listenBacklog.meta.messages)[0], primary: at(backlogLow, 'k8s/uwsgi.yaml', '"4096"') }],
    },
  ],
});

const fewFiles = directory(controllerConfig({ 'max-worker-open-files': '4096' }), application({ command: GTHREAD }));
testRule(workerConnections, {
  accept: [
    { name: "k8s: by default the controller derives the open-file limit from the container's", tree: defaultsDirectory },
    {
      name: 'k8s: max-worker-connections within max-worker-open-files',
      tree: directory(controllerConfig({ 'max-worker-open-files': '65536', 'max-worker-connections': '16384' }), application({ command: GTHREAD })),
    },
    {
      name: 'k8s: max-worker-connections 0 is three quarters of the open files',
      tree: directory(controllerConfig({ 'max-worker-open-files': '4096', 'max-worker-connections': '0' }), application({ command: GTHREAD })),
    },
  ],
  reject: [
    {
      name: 'k8s: max-worker-open-files 4096 under the default max-worker-connections 16384',
      tree: fewFiles,
      findings: [
        {
          messageId: 'exceedsWorkerRlimit',
          primary: at(fewFiles, 'k8s/ingress-nginx/configmap.yaml', '\ndata:'),
          messageIncludes: ['worker_connections 16384 is above worker_rlimit_nofile 4096'],
        },
      ],
    },
  ],
});

/** A Spring Boot application whose manifests live in its own tree (the jar's settings in application.properties). */
function springBootApp(properties: string, config = controllerConfig()): MemoryTree {
  return {
    'shop/pom.xml': '<project><parent><artifactId>spring-boot-starter-parent</artifactId></parent></project>\n',
    'shop/src/main/resources/application.properties': `server.port=8080\nserver.tomcat.keep-alive-timeout=120s\n${properties}`,
    'shop/k8s/ingress-nginx.yaml': config,
    'shop/k8s/app.yaml': application({ command: ['java', '-jar', '/app/app.jar'], port: 8080 }),
  };
}
const springDefaults = springBootApp('server.tomcat.max-keep-alive-requests=100\n');
// No application file: the container's environment configures the jar.
const springEnv = directory(
  controllerConfig(),
  application({
    command: ['java', '-jar', '/app/app.jar'],
    port: 8080,
    env: { SERVER_PORT: '8080', SERVER_TOMCAT_MAXKEEPALIVEREQUESTS: '50', SERVER_TOMCAT_KEEPALIVETIMEOUT: '120s' },
  }),
);
testRule(keepaliveRequests, {
  accept: [
    {
      name: "k8s: the ConfigMap keeps the controller under Tomcat's limit",
      tree: springBootApp('server.tomcat.max-keep-alive-requests=100\n', controllerConfig({ 'upstream-keepalive-requests': '90' })),
    },
    { name: 'k8s: Tomcat without a limit (-1)', tree: springBootApp('server.tomcat.max-keep-alive-requests=-1\n') },
    {
      name: 'k8s: a java -jar without Spring settings is not taken for Spring Boot',
      tree: directory(controllerConfig(), application({ command: ['java', '-jar', '/app/app.jar'], port: 8080 })),
    },
  ],
  reject: [
    {
      name: "k8s: a Spring Boot jar configured by its container's environment",
      tree: springEnv,
      findings: [
        {
          messageId: 'backendStopsFirst',
          primary: at(springEnv, 'k8s/ingress-nginx/configmap.yaml', '\ndata:'),
          // Spring's environment binding: SERVER_TOMCAT_MAXKEEPALIVEREQUESTS is server.tomcat.max-keep-alive-requests.
          related: [{ ...at(springEnv, 'k8s/shop/api.yaml', '"50"'), label: 'serves at most 50 requests per connection' }],
        },
      ],
      // Two below the 50 the environment sets, first in data:.
      fixed: { 'k8s/ingress-nginx/configmap.yaml': controllerConfig({ 'upstream-keepalive-requests': '48', 'use-forwarded-headers': 'true' }) },
    },
    {
      name: "k8s: the controller default 10000 against Spring Boot's max-keep-alive-requests 100",
      tree: springDefaults,
      findings: [
        {
          messageId: 'backendStopsFirst',
          primary: at(springDefaults, 'shop/k8s/ingress-nginx.yaml', '\ndata:'),
          related: [{ ...at(springDefaults, 'shop/src/main/resources/application.properties', '100'), label: 'serves at most 100 requests per connection' }],
          messageIncludes: ['keepalive_requests 10000 (ingress-nginx default of "upstream-keepalive-requests")'],
          helpIncludes: ['set "upstream-keepalive-requests" in the ingress-nginx ConfigMap to 98 or less'],
        },
      ],
      fixed: { 'shop/k8s/ingress-nginx.yaml': controllerConfig({ 'upstream-keepalive-requests': '98', 'use-forwarded-headers': 'true' }) },
    },
  ],
});

/** The controller's Deployment (pods labelled app: ingress-nginx) and its Service. */
const CONTROLLER =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\nspec:\n  template:\n    metadata:\n      labels:\n        app: ingress-nginx\n    spec:\n      containers:\n        - name: controller\n          image: registry.k8s.io/ingress-nginx/controller:v1.11.3\n          args: ["/nginx-ingress-controller", "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller"]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-nginx-controller\n  namespace: ingress-nginx\nspec:\n  selector:\n    app: ingress-nginx\n  ports:\n    - port: 80\n';
/** An AWS ALB (Ingress class alb) in front of the ingress-nginx controller. */
const albInFront = (attributes?: string) =>
  'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: edge\n  namespace: ingress-nginx\n' +
  (attributes ? `  annotations:\n    alb.ingress.kubernetes.io/load-balancer-attributes: "${attributes}"\n` : '') +
  'spec:\n  ingressClassName: alb\n  defaultBackend:\n    service:\n      name: ingress-nginx-controller\n      port:\n        number: 80\n';
const gceDirect = application({ command: GTHREAD, ingressClass: 'gce' });
const gceTree: MemoryTree = { 'k8s/shop/api.yaml': gceDirect };
const albLong: MemoryTree = {
  ...directory(controllerConfig(), application({ command: GTHREAD })),
  'k8s/ingress-nginx/controller.yaml': CONTROLLER,
  'k8s/edge.yaml': albInFront('idle_timeout.timeout_seconds=120'),
};
const elb = (annotations: Record<string, string>) =>
  application({ command: [...GTHREAD, '--keep-alive', '5'], ingressClass: 'traefik' }) +
  '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api-public\n  namespace: shop\n  annotations:\n' +
  Object.entries(annotations)
    .map(([key, value]) => `    service.beta.kubernetes.io/${key}: "${value}"\n`)
    .join('') +
  'spec:\n  type: LoadBalancer\n  selector:\n    app: api\n  ports:\n    - port: 80\n      targetPort: http\n';
const elbHttp: MemoryTree = { 'k8s/shop/api.yaml': elb({ 'aws-load-balancer-backend-protocol': 'http', 'aws-load-balancer-connection-idle-timeout': '60' }) };
testRule(lbIdle, {
  accept: [
    { name: "k8s: the ALB's default 60 s is below the controller's keep-alive 75 s", tree: { ...albLong, 'k8s/edge.yaml': albInFront() } },
    {
      name: 'k8s: a Classic ELB with TCP listeners passes connections through',
      tree: { 'k8s/shop/api.yaml': elb({ 'aws-load-balancer-connection-idle-timeout': '60' }) },
    },
    { name: 'k8s: an NLB is layer 4', tree: { 'k8s/shop/api.yaml': elb({ 'aws-load-balancer-type': 'nlb', 'aws-load-balancer-backend-protocol': 'http' }) } },
  ],
  reject: [
    {
      name: "k8s: GKE's load balancer keeps backend connections 600 s, gunicorn 2 s",
      tree: gceTree,
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: at(gceTree, 'k8s/shop/api.yaml', '0.0.0.0:8000'),
          messageIncludes: ['Google Cloud HTTP(S) load balancer of Ingress shop/api'],
        },
      ],
    },
    {
      name: "k8s: an ALB with a 120 s idle timeout in front of the controller's keep-alive 75 s",
      tree: albLong,
      findings: [
        {
          messageId: 'nginxClosesFirst',
          primary: at(albLong, 'k8s/ingress-nginx/configmap.yaml', '\ndata:'),
          related: [{ ...at(albLong, 'k8s/edge.yaml', '"idle_timeout'), label: 'idle timeout 120s' }],
          messageIncludes: ['keepalive_timeout 75s (ingress-nginx v1.11.3 default of "keep-alive")'],
          helpIncludes: ['set "keep-alive" in the ingress-nginx ConfigMap above 120'],
        },
      ],
    },
    {
      name: 'k8s: a Classic ELB with HTTP listeners and a 60 s idle timeout in front of gunicorn --keep-alive 5',
      tree: elbHttp,
      // gunicorn's value span is inside the quotes.
      findings: [
        {
          messageId: 'backendClosesFirst',
          primary: { ...at(elbHttp, 'k8s/shop/api.yaml', '"5"'), column: at(elbHttp, 'k8s/shop/api.yaml', '"5"').column + 1 },
        },
      ],
    },
  ],
});
