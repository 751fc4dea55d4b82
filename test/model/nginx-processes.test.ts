/**
 * Which servers one nginx process loads, where containers run one main config with different
 * files in it (internetarchive/openlibrary: two compose services mount the same nginx.conf, with
 * `include /etc/nginx/sites-enabled/*;`, and each its own site there). Trees are written to disk
 * and read by the real engine.
 */
import { linkDeployment } from '../../src/model/links';
import type { Finding } from '../../src/engine/findings';
import { lintDiskTree, readDiskTree } from '../disk-tree';

const mainConf = 'events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n';

/** A site on 443 named `name` whose `/` goes to the compose service `backend` through `upstream app`. */
const site = (name: string, backend: string, extra = '') =>
  `upstream app { server ${backend}:8000; }\n${extra}server {\n    listen 443 ssl;\n    server_name ${name};\n    ssl_certificate /etc/ssl/${name}.pem;\n    ssl_certificate_key /etc/ssl/${name}.key;\n    location / { proxy_pass http://app; }\n}\n`;

const backends =
  '  aapp:\n    image: python:3.12\n    command: gunicorn -b 0.0.0.0:8000 app:app\n  bapp:\n    image: python:3.12\n    command: gunicorn -b 0.0.0.0:8000 app:app\n';

/** Two nginx services with one nginx.conf; `aSites`/`bSites` are the site files each mounts into sites-enabled/. */
function composeTree(aSites: string[], bSites: string[], sites: Record<string, string>): Record<string, string> {
  const mounts = (files: string[]) => files.map((file) => `      - ./docker/${file}:/etc/nginx/sites-enabled/${file}:ro\n`).join('');
  const service = (name: string, files: string[], port: number) =>
    `  ${name}:\n    image: nginx:1.27\n    volumes:\n      - ./docker/nginx.conf:/etc/nginx/nginx.conf:ro\n${mounts(files)}    ports: ["${port}:443"]\n`;
  const tree: Record<string, string> = {
    'compose.yaml': `services:\n${service('a_nginx', aSites, 443)}${service('b_nginx', bSites, 8443)}${backends}`,
    'docker/nginx.conf': mainConf,
  };
  for (const [file, text] of Object.entries(sites)) tree[`docker/${file}`] = text;
  return tree;
}

/** Findings above info, as `rule file:line`. */
const serious = (findings: Finding[]) => findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId} ${f.primary.file}:${f.primary.start.line}`);

const ofRule = (findings: Finding[], ruleId: string) =>
  findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.primary.file}:${f.primary.start.line} ${f.related.map((r) => `${r.span.file}:${r.span.start.line}`).join(' ')}`);

describe('a main config that containers run with different sites', () => {
  const sites = { 'a.conf': site('a.example', 'aapp'), 'b.conf': site('b.example', 'bapp') };

  test('each container loads its own site: no default-server finding, each pass links to its own upstream', () => {
    const tree = composeTree(['a.conf'], ['b.conf'], sites);
    expect(ofRule(lintDiskTree(tree), 'nginx-default-server')).toEqual([]);
    // `upstream app` of each file names that container's backend: aapp's gunicorn binds on
    // compose.yaml line 16, bapp's on line 19 (two nginx services of six lines each come first).
    const links = linkDeployment(readDiskTree(tree).model).map((l) => `${l.target.span.file} -> ${l.listener.span.file}:${l.listener.span.start.line}`);
    expect(links).toEqual(['docker/a.conf -> compose.yaml:16', 'docker/b.conf -> compose.yaml:19']);
  });

  test('one container that mounts both sites loads both: its first server (a.conf, glob order) is the default of *:443', () => {
    const findings = ofRule(lintDiskTree(composeTree(['a.conf', 'b.conf'], ['b.conf'], sites)), 'nginx-default-server');
    expect(findings).toEqual([expect.stringMatching(/docker\/a\.conf:3 .*docker\/b\.conf:3$/)]);
  });

  test('a host nginx (no containers) with both sites in sites-enabled/ loads both', () => {
    const tree = { 'nginx/nginx.conf': mainConf, 'nginx/sites-enabled/a.conf': sites['a.conf'], 'nginx/sites-enabled/b.conf': sites['b.conf'] };
    expect(ofRule(lintDiskTree(tree), 'nginx-default-server')).toEqual([expect.stringMatching(/sites-enabled\/a\.conf:3 .*sites-enabled\/b\.conf:3$/)]);
  });

  test("a server of the shared nginx.conf is in every container's nginx: reported once, with the site of one of them", () => {
    const tree = composeTree(['a.conf'], ['b.conf'], sites);
    tree['docker/nginx.conf'] =
      'events {}\nhttp {\n    server {\n        listen 443 ssl;\n        server_name shared.example;\n    }\n    include /etc/nginx/sites-enabled/*;\n}\n';
    expect(ofRule(lintDiskTree(tree), 'nginx-default-server')).toEqual([expect.stringMatching(/docker\/nginx\.conf:4 .*docker\/a\.conf:3$/)]);
  });

  test("each container loads its own site also when they run an image the tree may build (openlibrary's ${OLIMAGE:-…})", () => {
    // A bind mount is in its service's container whatever the image; only the image's own files
    // (its COPYs, which an image built on it would hold too) are open to any container.
    const tree = composeTree(['a.conf'], ['b.conf'], sites);
    tree['compose.yaml'] = tree['compose.yaml'].replace(/image: nginx:1\.27/g, 'image: "${OLIMAGE:-myorg/olbase:latest}"');
    expect(tree['compose.yaml']).toContain('OLIMAGE');
    expect(ofRule(lintDiskTree(tree), 'nginx-default-server')).toEqual([]);
  });

  // ngx_conf_set_msec_slot refuses a second proxy_read_timeout at one level ("is duplicate").
  const timeout = 'proxy_read_timeout 120s;\n';
  const timed = { 'a.conf': site('a.example', 'aapp', timeout), 'b.conf': site('b.example', 'bapp', timeout) };

  test('an http-level setting in each site is set once in each nginx', () => {
    expect(ofRule(lintDiskTree(composeTree(['a.conf'], ['b.conf'], timed)), 'nginx-duplicate-directive')).toEqual([]);
  });

  test('the same setting in both sites of one nginx is a duplicate', () => {
    expect(ofRule(lintDiskTree(composeTree(['a.conf', 'b.conf'], ['b.conf'], timed)), 'nginx-duplicate-directive')).toEqual([
      expect.stringMatching(/docker\/b\.conf:2 .*docker\/a\.conf:2$/),
    ]);
  });

  // $http_host differs from the name nginx chose only on a server that is not its port's default
  // (the first on it, ngx_http_add_addrs, unless another says default_server).
  const rawHost = (name: string, backend: string) =>
    `server {\n    listen 80;\n    server_name ${name};\n    location / {\n        proxy_pass http://${backend}:8000;\n        proxy_set_header Host $http_host;\n    }\n}\n`;
  const raw = { 'a.conf': rawHost('a.example', 'aapp'), 'b.conf': rawHost('b.example', 'bapp') };

  test("b.conf's server alone in its nginx is the default of port 80 and takes every Host", () => {
    expect(ofRule(lintDiskTree(composeTree(['a.conf'], ['b.conf'], raw)), 'nginx-host-spoofing')).toEqual([]);
  });

  test("b.conf's server after a.conf's in one nginx was chosen by its name", () => {
    expect(ofRule(lintDiskTree(composeTree(['a.conf', 'b.conf'], ['b.conf'], raw)), 'nginx-host-spoofing')).toEqual([
      expect.stringMatching(/docker\/b\.conf:6 $/),
    ]);
  });

  // An ALB target group on port 80 checks /health; the checker's Host is an IP address, so each
  // nginx answers from the default server of port 80: a.conf's returns 404, b.conf's 200.
  const lb = 'resource "aws_lb_target_group" "app" {\n  port = 80\n  protocol = "HTTP"\n  health_check {\n    path = "/health"\n  }\n}\n';
  const health = {
    'a.conf': 'server {\n    listen 80;\n    server_name a.example;\n    location / { return 404; }\n}\n',
    'b.conf': 'server {\n    listen 80;\n    server_name b.example;\n    location = /health { return 200; }\n}\n',
  };

  test("a balancer's health check: which container's default server answers is not known, nothing is said", () => {
    const tree = { ...composeTree(['a.conf'], ['b.conf'], health), 'lb.tf': lb };
    expect(ofRule(lintDiskTree(tree), 'lb-health-check-unserved')).toEqual([]);
  });

  test("a balancer's health check on one nginx with both sites: a.conf's server answers 404", () => {
    const tree = { ...composeTree(['a.conf', 'b.conf'], ['b.conf'], health), 'lb.tf': lb };
    expect(ofRule(lintDiskTree(tree), 'lb-health-check-unserved')).toEqual([expect.stringMatching(/^lb\.tf:5 docker\/a\.conf:4$/)]);
  });
});

/**
 * A relative include names a file in nginx's prefix, the directory of its main config
 * (`conf_prefix`, ngx_process_options in src/core/nginx.c): in a container that mounts nginx.conf
 * at /etc/nginx/nginx.conf, `include includes/app_upstream.conf;` opens
 * /etc/nginx/includes/app_upstream.conf there, which that container's own mount may fill with a
 * file other than the one beside nginx.conf in the tree (hypothesis/via's dev compose).
 */
describe('a relative include that a container mounts its own file over', () => {
  const nginxConf =
    'events {}\nhttp {\n    include includes/app_upstream.conf;\n    server {\n        listen 80;\n        location / { proxy_pass http://web; }\n    }\n}\n';
  const files = {
    'conf/nginx/nginx.conf': nginxConf,
    'conf/nginx/includes/app_upstream.conf': 'upstream web { server prodapp:8000; }\n',
    'conf/nginx/includes.dev/app_upstream.conf': 'upstream web { server devapp:9082; }\n',
  };
  const apps =
    '  devapp:\n    image: python:3.12\n    command: gunicorn --bind 0.0.0.0:9082 app:app\n' +
    '  prodapp:\n    image: python:3.12\n    command: gunicorn --bind 0.0.0.0:8000 app:app\n';
  const devNginx =
    '  dev_nginx:\n    image: nginx:1.26.3-alpine\n    volumes:\n      - ./conf/nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n' +
    '      - ./conf/nginx/includes.dev/app_upstream.conf:/etc/nginx/includes/app_upstream.conf:ro\n';
  const prodNginx = '  prod_nginx:\n    image: nginx:1.26.3-alpine\n    volumes:\n      - ./conf/nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n';
  const compose = (...services: string[]) => `services:\n${services.join('')}${apps}`;
  /** The line of compose.yaml where gunicorn binds `bind`: the listener a link must end at. */
  const bindLine = (yaml: string, bind: string) => yaml.split('\n').findIndex((line) => line.includes(`--bind ${bind}`)) + 1;
  const linksOf = (tree: Record<string, string>) =>
    linkDeployment(readDiskTree(tree).model).map(
      (l) => `${l.target.span.file}: ${l.target.address.text} -> ${l.listener.span.file}:${l.listener.span.start.line}`,
    );
  const dev = (yaml: string) => `conf/nginx/includes.dev/app_upstream.conf: devapp:9082 -> compose.yaml:${bindLine(yaml, '0.0.0.0:9082')}`;
  const prod = (yaml: string) => `conf/nginx/includes/app_upstream.conf: prodapp:8000 -> compose.yaml:${bindLine(yaml, '0.0.0.0:8000')}`;

  test('the container reads the file it mounts there, not the one beside nginx.conf: devapp:9082 links to its gunicorn', () => {
    const yaml = compose(devNginx);
    const tree = { ...files, 'compose.yaml': yaml };
    expect(linksOf(tree)).toEqual([dev(yaml)]);
    expect(serious(lintDiskTree(tree))).toEqual([]);
  });

  test('with only the mounted file in the tree, the include is not missing', () => {
    const yaml = compose(devNginx);
    const { 'conf/nginx/includes/app_upstream.conf': _beside, ...onlyMounted } = files;
    const tree = { ...onlyMounted, 'compose.yaml': yaml };
    expect(lintDiskTree(tree).filter((f) => f.ruleId === 'include-missing')).toEqual([]);
    expect(linksOf(tree)).toEqual([dev(yaml)]);
  });

  test('a container that mounts only nginx.conf reads the file beside it, as before', () => {
    const yaml = compose(prodNginx);
    expect(linksOf({ ...files, 'compose.yaml': yaml })).toEqual([prod(yaml)]);
  });

  test("a container that mounts nginx.conf's whole directory reads the file beside it", () => {
    const yaml = compose('  prod_nginx:\n    image: nginx:1.26.3-alpine\n    volumes:\n      - ./conf/nginx:/etc/nginx:ro\n');
    expect(linksOf({ ...files, 'compose.yaml': yaml })).toEqual([prod(yaml)]);
  });

  test('the deeper mount of a file over that directory mount wins in its container', () => {
    const withDir = devNginx.replace('./conf/nginx/nginx.conf:/etc/nginx/nginx.conf:ro', './conf/nginx:/etc/nginx:ro');
    const yaml = compose(withDir);
    expect(linksOf({ ...files, 'compose.yaml': yaml })).toEqual([dev(yaml)]);
  });

  test("two containers run nginx.conf: each reads its own upstream web, and the pass links to each container's backend", () => {
    const yaml = compose(devNginx, prodNginx);
    const tree = { ...files, 'compose.yaml': yaml };
    const { model } = readDiskTree(tree);
    const readers = model.nginx.upstreams.flatMap((group) =>
      group.servers.map((server) => `${server.entry.directive.file}: ${[...(server.entry.containers ?? [])].map((key) => key.split('\0')[1]).join(' ')}`),
    );
    expect(readers.sort()).toEqual(['conf/nginx/includes.dev/app_upstream.conf: dev_nginx', 'conf/nginx/includes/app_upstream.conf: prod_nginx']);
    expect(linksOf(tree).sort()).toEqual([dev(yaml), prod(yaml)].sort());
    expect(serious(lintDiskTree(tree))).toEqual([]);
  });

  test('a mask names the files of the directory the container mounts there', () => {
    const tree = {
      'conf/nginx/nginx.conf': nginxConf.replace('includes/app_upstream.conf', 'sites/*.conf'),
      'conf/nginx/sites/web.conf': files['conf/nginx/includes/app_upstream.conf'],
      'conf/nginx/sites.dev/web.conf': files['conf/nginx/includes.dev/app_upstream.conf'],
      'compose.yaml': compose(
        '  dev_nginx:\n    image: nginx:1.26.3-alpine\n    volumes:\n      - ./conf/nginx/nginx.conf:/etc/nginx/nginx.conf:ro\n      - ./conf/nginx/sites.dev:/etc/nginx/sites:ro\n',
      ),
    };
    expect(linksOf(tree)).toEqual([`conf/nginx/sites.dev/web.conf: devapp:9082 -> compose.yaml:${bindLine(tree['compose.yaml'], '0.0.0.0:9082')}`]);
  });
});
