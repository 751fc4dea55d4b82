import { rule } from '../../checks/nginx-stale-dns';
import { testRule } from '../harness';
import { lintDiskTree, readDiskTree } from '../disk-tree';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n';
const COMPOSE =
  'services:\n  web:\n    image: example/web\n    networks:\n      default:\n        aliases: [app-backend]\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n';

testRule(rule, {
  accept: [
    {
      name: 'IP addresses, localhost and unix sockets',
      tree: {
        'conf.d/app.conf':
          'upstream app {\n    server 10.0.0.5:8000;\n    server [::1]:8000;\n    server localhost:8001;\n    server unix:/run/app.sock;\n}\nserver {\n    location / { proxy_pass http://app; }\n    location /b/ { proxy_pass http://127.0.0.1:9000; }\n}\n',
      },
    },
    {
      name: 'a Kubernetes Service name: its ClusterIP is stable',
      tree: { 'k8s/api.yaml': SERVICE, 'conf.d/app.conf': 'server {\n    location / { proxy_pass http://api.shop.svc.cluster.local:80; }\n}\n' },
    },
    {
      name: 'a variable resolved at run time with a resolver',
      tree: { 'conf.d/app.conf': 'resolver 10.0.0.2 valid=10s;\nserver {\n    set $api https://api.example.com;\n    location / { proxy_pass $api; }\n}\n' },
    },
    {
      name: 'an upstream server marked resolve',
      tree: {
        'conf.d/app.conf':
          'resolver 10.0.0.2;\nupstream api {\n    zone api 64k;\n    server api.example.com:443 resolve;\n}\nserver {\n    location / { proxy_pass https://api; }\n}\n',
      },
    },
    {
      name: 'an extra_hosts name of the nginx container: a line of its /etc/hosts, fixed while it runs',
      tree: {
        'docker-compose.yml':
          'services:\n  nginx:\n    image: nginx:1.27\n    extra_hosts:\n      - "host.docker.internal:host-gateway"\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n',
        'nginx/default.conf': 'server {\n    location / {\n        proxy_pass http://host.docker.internal:8088;\n    }\n}\n',
      },
    },
    {
      name: 'a bare name that may be an upstream defined elsewhere',
      tree: { 'conf.d/app.conf': 'server {\n    location / { proxy_pass http://backend; }\n}\n' },
    },
  ],
  reject: [
    {
      name: 'an external name in proxy_pass',
      tree: { 'conf.d/app.conf': 'server {\n    location /api/ {\n        proxy_pass https://api.example.com/v1/;\n    }\n}\n' },
      findings: [
        {
          messageId: 'hostName',
          severity: 'info',
          primary: { file: 'conf.d/app.conf', line: 3, column: 20 },
          messageIncludes: ['"api.example.com" is resolved once'],
        },
      ],
    },
    {
      name: 'a compose service by name and by alias: two findings',
      tree: {
        'docker-compose.yml': COMPOSE,
        'nginx/default.conf':
          'server {\n    listen 80;\n    location / {\n        proxy_pass http://web:8000;\n    }\n    location /b/ {\n        proxy_pass http://app-backend:8000;\n    }\n}\n',
      },
      findings: [
        {
          messageId: 'composeService',
          severity: 'info',
          primary: { file: 'nginx/default.conf', line: 4, column: 20 },
          messageIncludes: ['"web" is the compose service "web"'],
        },
        {
          messageId: 'composeService',
          primary: { file: 'nginx/default.conf', line: 7, column: 20 },
          messageIncludes: ['"app-backend" is the compose service "web"'],
        },
      ],
    },
    {
      name: "a links alias of the nginx service's own container is the linked compose service",
      tree: {
        'docker-compose.yml':
          'services:\n  api:\n    image: example/api\n  nginx:\n    image: nginx:1.27\n    links:\n      - api:smapi\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n',
        'nginx/default.conf': 'server {\n    location / {\n        proxy_pass http://smapi:5000;\n    }\n}\n',
      },
      findings: [
        {
          messageId: 'composeService',
          primary: { file: 'nginx/default.conf', line: 3, column: 20 },
          messageIncludes: ['"smapi" is the compose service "api"'],
        },
      ],
    },
    {
      name: "a links alias another service declares does not resolve in nginx's container: not the compose service",
      tree: {
        'docker-compose.yml':
          'services:\n  api:\n    image: example/api\n  worker:\n    image: example/worker\n    links:\n      - api:smapi\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n',
        'nginx/default.conf': 'server {\n    location / {\n        proxy_pass http://smapi;\n    }\n}\n',
      },
      findings: [{ messageId: 'hostName', primary: { file: 'nginx/default.conf', line: 3, column: 20 } }],
    },
    {
      name: 'a compose service without a port in proxy_pass',
      tree: { 'docker-compose.yml': COMPOSE, 'nginx/default.conf': 'server {\n\tlocation / { proxy_pass http://web; }\n}\n' },
      findings: [{ messageId: 'composeService', primary: { file: 'nginx/default.conf', line: 2, column: 26 } }],
    },
    {
      name: 'an upstream server line with a name, through an include',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    include upstreams.conf;\n    server {\n        location / { proxy_pass http://pool; }\n    }\n}\n',
        'upstreams.conf': 'upstream pool {\n    server 10.0.0.1:8000;\n    server app2.internal.example:8000 max_fails=3;\n}\n',
      },
      findings: [{ messageId: 'hostName', primary: { file: 'upstreams.conf', line: 3, column: 12 }, messageIncludes: ['"app2.internal.example"'] }],
    },
    {
      name: 'a name in another namespace than the Service is not the Service',
      tree: { 'k8s/api.yaml': SERVICE, 'conf.d/app.conf': 'server {\n    location / { proxy_pass http://api.billing.svc:80; }\n}\n' },
      findings: [{ messageId: 'hostName', primary: { file: 'conf.d/app.conf', line: 2, column: 29 } }],
    },
  ],
});

describe('a compose service nginx restarts with (depends_on restart: true), read from disk', () => {
  const nginxConf =
    'events {}\nhttp {\n  upstream app {\n    server web:9000;\n  }\n  server {\n    listen 80;\n    location / {\n      proxy_pass http://app;\n    }\n    location /relay/ {\n      proxy_pass http://relay:3000;\n    }\n  }\n}\n';
  /** A project whose nginx service mounts nginx.conf and has `dependsOn` as its depends_on. */
  const project = (dependsOn: string, more = '') => ({
    'docker-compose.yml': `services:\n  web:\n    image: example/web\n  relay:\n    image: example/relay\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n${dependsOn}${more}`,
    'nginx.conf': nginxConf,
  });
  const staleDns = (tree: Record<string, string>) =>
    lintDiskTree(tree)
      .filter((f) => f.ruleId === 'nginx-stale-dns')
      .map((f) => `${f.messageId} ${f.primary.file}:${f.primary.start.line}`);
  const dependenciesOfNginx = (tree: Record<string, string>) =>
    readDiskTree(tree)
      .model.compose.find((container) => container.service === 'nginx')
      ?.dependsOn.map((dependency) => `${dependency.service} ${dependency.restart} ${dependency.span.start.line}`);
  // Without restart: true, both names are judged as before: web in the upstream (line 4), relay in proxy_pass (line 12).
  const both = ['composeService nginx.conf:4', 'composeService nginx.conf:12'];

  test('restart: true on both services: Compose restarts nginx after recreating either, so nothing is said', () => {
    const tree = project(
      '    depends_on:\n      web:\n        condition: service_healthy\n        restart: true\n      relay:\n        condition: service_started\n        restart: true\n',
    );
    expect(staleDns(tree)).toEqual([]);
    // The model keeps depends_on with the restart flag, at the service names (lines 11 and 14 of the compose file).
    expect(dependenciesOfNginx(tree)).toEqual(['web true 11', 'relay true 14']);
  });

  test('restart: true on one service only: the other is still said', () => {
    expect(
      staleDns(
        project('    depends_on:\n      web:\n        condition: service_started\n        restart: true\n      relay:\n        condition: service_started\n'),
      ),
    ).toEqual(['composeService nginx.conf:12']);
  });

  test('the short syntax, the long one without restart, and restart: false do not restart nginx', () => {
    expect(staleDns(project('    depends_on:\n      - web\n      - relay\n'))).toEqual(both);
    expect(staleDns(project('    depends_on:\n      web:\n        condition: service_healthy\n      relay:\n        condition: service_started\n'))).toEqual(
      both,
    );
    expect(staleDns(project('    depends_on:\n      web:\n        restart: false\n      relay:\n        restart: false\n'))).toEqual(both);
    expect(dependenciesOfNginx(project('    depends_on:\n      - web\n      - relay\n'))).toEqual(['web undefined 11', 'relay undefined 12']);
  });

  test('web depending on nginx with restart: true is the other way round: still said', () => {
    const tree = project('');
    tree['docker-compose.yml'] = tree['docker-compose.yml'].replace(
      '    image: example/web\n',
      '    image: example/web\n    depends_on:\n      nginx:\n        restart: true\n',
    );
    expect(staleDns(tree)).toEqual(both);
  });

  test("an override's entry keeps the base file's restart unless it writes its own (compose-go mergeDependsOn)", () => {
    const base = project('    depends_on:\n      web:\n        restart: true\n      relay:\n        restart: true\n');
    expect(
      staleDns({ ...base, 'docker-compose.override.yml': 'services:\n  nginx:\n    depends_on:\n      web:\n        condition: service_healthy\n' }),
    ).toEqual([]);
    expect(staleDns({ ...base, 'docker-compose.override.yml': 'services:\n  nginx:\n    depends_on:\n      web:\n        restart: false\n' })).toEqual([
      'composeService nginx.conf:4',
    ]);
  });

  test('a second service that runs the same nginx file without restart: true keeps the finding', () => {
    const tree = project(
      '    depends_on:\n      web:\n        restart: true\n      relay:\n        restart: true\n',
      '  nginx-debug:\n    image: nginx:1.27\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n',
    );
    expect(staleDns(tree)).toEqual(both);
  });
});
