/**
 * Which reader takes a file. `.conf` is shared by nginx, supervisord, sysctl and many others:
 * the name proposes, the content decides.
 */
import { classify, classifyWithTemplate, explainClassification, FileFormat, readableByName } from '../../src/discovery/classify';
import { lintDiskTree } from '../disk-tree';

const as = (path: string, content = ''): FileFormat | undefined => classify(path, () => content);

describe('nginx', () => {
  test.each([
    ['/tree/nginx.conf', 'worker_processes auto;\nevents {}\nhttp { include conf.d/*.conf; }\n'],
    ['/tree/etc/nginx/nginx.conf', ''],
    ['/tree/deploy/nginx/conf.d/app.conf', 'server {\n    listen 80;\n    location / { proxy_pass http://app; }\n}\n'],
    ['/tree/conf.d/upstreams.conf', '# backends\nupstream app {\n    server 127.0.0.1:8000;\n}\n'],
    ['/tree/conf.d/gzip.conf', 'gzip on;\ngzip_types text/css application/json;\n'],
    ['/tree/conf.d/zones.conf', 'limit_req_zone $binary_remote_addr zone=one:10m rate=1r/s;\n'],
    ['/tree/conf.d/ws.conf', "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n"],
    ['/tree/sites-enabled/default', 'server {\n    listen 80 default_server;\n}\n'],
    ['/tree/sites-available/example.com', 'server { server_name example.com; }\n'],
    ['/tree/deploy/web.vhost', 'server { listen 443 ssl; }\n'],
    ['/tree/snippets/ssl-params', 'ssl_protocols TLSv1.2 TLSv1.3;\n'],
    ['/tree/nginx/mime.types', 'types {\n    text/html html;\n}\n'],
    ['/tree/nginx/fastcgi_params', 'fastcgi_param  QUERY_STRING $query_string;\n'],
    ['/tree/nginx/uwsgi_params', ''],
  ])('%s', (path, content) => {
    expect(as(path, content)).toBe('nginx');
  });
});

describe('not nginx', () => {
  test.each([
    ['redis.conf', '/tree/redis.conf', 'bind 127.0.0.1\nport 6379\n'],
    ['a README', '/tree/nginx/README.md', 'server {\n'],
    // kubernetes/ingress-nginx: a Go e2e test quoting an nginx.conf, and patches to nginx's sources.
    [
      'Go source quoting an nginx.conf',
      '/tree/test/e2e/nginx/nginx.go',
      'package nginx\n\nconst cfg = `\nevents {}\nhttp {\n    server { listen 80; }\n}\n`\n',
    ],
    [
      'a patch to nginx',
      '/tree/images/nginx/patches/13_nginx-1.27.1-thread_pool.patch',
      '--- a/src/core/ngx_thread_pool.c\n+++ b/src/core/ngx_thread_pool.c\n@@ -587,7 +587,8 @@\n     if (ngx_process != NGX_PROCESS_WORKER)\n     {\n         return NGX_OK;\n     }\n',
    ],
    ['a Lua module of an OpenResty tree', '/tree/nginx/lua/balancer.lua', 'local _M = {}\nreturn _M\n'],
    // zulip/docker-zulip's GitHub workflow, and BuildKit's per-Dockerfile ignore file.
    ['a workflow named dockerfile.yaml', '/tree/.github/workflows/dockerfile.yaml', 'name: Build\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n'],
    ['Dockerfile.dockerignore', '/tree/Dockerfile.dockerignore', 'node_modules\n.git\n'],
    // searxng/searxng's docs/admin/installation-nginx.rst: a Sphinx page quoting server and http blocks.
    ...['rst', 'adoc', 'markdown', 'mdx', 'org', 'tex'].map((extension) => [
      `a .${extension} guide quoting nginx`,
      `/tree/docs/installation-nginx.${extension}`,
      '.. _installation nginx:\n\n.. code:: nginx\n\n   server {\n       include /etc/nginx/default.d/*.conf;\n   }\n\n   http {\n       access_log /dev/null;\n       error_log  /dev/null;\n   }\n',
    ]),
  ])('%s', (_name, path, content) => {
    expect(as(path, content)).toBeUndefined();
  });
});

describe('backend and system files go to their own readers, never to nginx', () => {
  test.each([
    ['sysctl.conf', '/tree/etc/sysctl.conf', '# backlog for nginx\nnet.core.somaxconn = 4096\nnet.ipv4.tcp_max_syn_backlog = 8192\n', 'sysctl'],
    ['sysctl.d drop-in', '/tree/etc/sysctl.d/99-nginx.conf', 'net.core.somaxconn = 4096\nfs.file-max = 100000\n', 'sysctl'],
    ['gunicorn.conf.py', '/tree/gunicorn.conf.py', 'bind = "127.0.0.1:8000"\nworkers = 4\n', 'gunicorn'],
    ['gunicorn_config.py', '/tree/deploy/gunicorn_config.py', 'workers = 4\n', 'gunicorn'],
    // A config that sets only hooks and a logger class is still one (gunicorn keeps `def when_ready`).
    [
      'gunicorn.conf.py of hooks and a class',
      '/tree/gunicorn.conf.py',
      'from gunicorn import glogging\n\nclass Logger(glogging.Logger):\n    pass\n\ndef when_ready(server):\n    pass\n',
      'gunicorn',
    ],
    ['uwsgi.ini', '/tree/uwsgi.ini', '[uwsgi]\nsocket = 127.0.0.1:9000\n', 'uwsgi'],
    ['uwsgi.conf with a [uwsgi] section', '/tree/etc/uwsgi.conf', '# app server\n[uwsgi]\nsocket = 127.0.0.1:9000\n', 'uwsgi'],
    ['a .cfg with a [uwsgi] section', '/tree/deploy/app.cfg', '[uwsgi]\nmaster = true\n', 'uwsgi'],
    ['systemd unit named like nginx', '/tree/nginx.service', '[Unit]\nDescription=nginx\n', 'systemd'],
    ['systemd drop-in', '/tree/etc/systemd/system/nginx.service.d/limits.conf', '[Service]\nLimitNOFILE=65536\n', 'systemd'],
    // nginxinc/NGINX-Demos keeps runit run scripts as nginx.service, ADDed to /etc/service/nginx/run.
    [
      'a runit run script named .service',
      '/tree/consul-template-demo/nginx/nginx.service',
      '#!/bin/sh\n/usr/sbin/nginx -t \\\n&& exec /usr/sbin/nginx -g "daemon off;"\n',
      'shell',
    ],
    [
      'a unit with a #! comment line is still a unit',
      '/tree/app.service',
      '#!/bin/false -- a unit, not a script\n[Service]\nExecStart=/usr/bin/gunicorn app:app\n',
      'systemd',
    ],
    ['limits.conf', '/tree/etc/security/limits.conf', 'www-data soft nofile 65536\n', 'limits'],
    ['limits.d', '/tree/etc/security/limits.d/90-nginx.conf', 'www-data soft nofile 65536\n', 'limits'],
    ['server.xml', '/tree/tomcat/conf/server.xml', '<?xml version="1.0"?>\n<Server port="8005">\n', 'tomcat'],
    ['catalina.properties', '/tree/tomcat/conf/catalina.properties', 'http.port=8080\n', 'catalina-properties'],
    ['application.yml', '/tree/src/main/resources/application.yml', 'server:\n  port: 8080\n', 'spring-boot'],
    ['application-prod.properties', '/tree/config/application-prod.properties', 'server.port=8080\n', 'spring-boot'],
    // Spring Cloud's bootstrap context reads these from the classpath (yangzongzhuan/RuoYi-Cloud keeps server.port there).
    ['bootstrap.yml on the classpath', '/tree/gw/src/main/resources/bootstrap.yml', 'server:\n  port: 8080\n', 'spring-boot'],
    ['bootstrap-dev.properties in the classpath config/', '/tree/gw/src/main/resources/config/bootstrap-dev.properties', 'server.port=8080\n', 'spring-boot'],
    ['Procfile', '/tree/Procfile', 'web: gunicorn app:app\n', 'procfile'],
    ['Procfile.dev', '/tree/Procfile.dev', 'web: python manage.py runserver\n', 'procfile'],
    // babybuddy/babybuddy: `web: bash Procfile.sh`.
    ['a script named Procfile.sh', '/tree/Procfile.sh', '#!/bin/bash\nexec gunicorn babybuddy.wsgi -b :$PORT\n', 'shell'],
    ['a shell script', '/tree/docker/entrypoint.sh', '#!/bin/sh\nexec uwsgi --ini /app/uwsgi.ini\n', 'shell'],
    ['a Kubernetes manifest', '/tree/k8s/app.yaml', 'apiVersion: apps/v1\nkind: Deployment\n', 'kubernetes'],
    // A kustomization is read for the ConfigMaps it generates from files (which pods get an nginx config).
    ['a kustomization with a configMapGenerator', '/tree/k8s/kustomization.yaml', 'configMapGenerator:\n  - name: files\n', 'kubernetes'],
    ["the ingress-nginx chart's values", '/tree/helm/values-prod.yaml', 'controller:\n  config:\n    keep-alive: "75"\n', 'helm-values'],
    // uWSGI's --yaml, --json and --xml forms: known to be uWSGI, not read.
    ['a uWSGI YAML config', '/tree/deploy/uwsgi.yaml', 'uwsgi:\n  http-socket: 0.0.0.0:8000\n', 'uwsgi-unread'],
    ['a uWSGI JSON config', '/tree/deploy/uwsgi.json', '{\n  "uwsgi": { "socket": ":3031" }\n}\n', 'uwsgi-unread'],
    ['a uWSGI XML config', '/tree/deploy/uwsgi.xml', '<uwsgi>\n  <socket>:3031</socket>\n</uwsgi>\n', 'uwsgi-unread'],
    ['a Terraform file', '/tree/infra/alb.tf', 'resource "aws_lb" "web" {}\n', 'terraform'],
    ['a Terraform JSON file', '/tree/infra/alb.tf.json', '{"resource": {}}\n', 'terraform'],
    ['a CloudFormation template with its version', '/tree/cfn/stack.yaml', "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", 'cloudformation'],
    [
      'a nested-stack template: Resources of an AWS type, no version',
      '/tree/cfn/lb.yml',
      'Description: >\n  LB\nResources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n',
      'cloudformation',
    ],
    ['a CloudFormation JSON template', '/tree/cfn/stack.json', '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {}\n}\n', 'cloudformation'],
    [
      'a CloudFormation template named .template (YAML)',
      '/tree/templates/vault.template',
      "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
      'cloudformation',
    ],
  ])('%s', (_name, path, content, format) => {
    expect(as(path, content)).toBe(format);
  });

  test('compose files and Kubernetes manifests are never CloudFormation, whatever they hold', () => {
    expect(as('/tree/docker-compose.yml', 'services:\n  web:\n    image: nginx # Type: AWS::X\nResources:\n')).toBe('compose');
    expect(as('/tree/k8s/crd.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  t: |\n    AWSTemplateFormatVersion: x\n')).toBe('kubernetes');
    // Resources without an AWS type is some other YAML.
    expect(as('/tree/config/app.yaml', 'Resources:\n  cpu: 2\n')).toBeUndefined();
  });

  test("a manifest named like Spring's file is a manifest (hapifhir/hapi-fhir-jpaserver-starter's chart)", () => {
    expect(as('/tree/k8s/application-config.yaml', 'apiVersion: v1\nkind: ConfigMap\ndata:\n  application.yaml: |\n    server:\n      port: 8080\n')).toBe(
      'kubernetes',
    );
    // In a chart, with Go template tags: Helm's, skipped until rendered.
    const chart = '{{- if .Values.extraConfig -}}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\n{{- end }}\n';
    expect(classifyWithTemplate('/tree/charts/app/templates/application-config.yaml', () => chart)).toBeUndefined();
    // Spring's own files stay Spring's, properties whatever they hold.
    expect(as('/tree/src/main/resources/application.yaml', 'spring:\n  application:\n    name: app\nserver:\n  port: 8080\n')).toBe('spring-boot');
    expect(as('/tree/config/application.properties', 'apiVersion=v1\nkind=x\n')).toBe('spring-boot');
    // Linted from disk: the chart's template gives no YAML errors (it gave three, read as Spring's YAML).
    const findings = lintDiskTree({
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'charts/app/templates/application-config.yaml': chart,
      'src/main/resources/application.yaml': 'server:\n  port: 8080\n',
    });
    expect(findings.map((f) => `${f.ruleId} ${f.primary.file}`)).toEqual([]);
  });

  test('notes named after nginx that quote a config in a Markdown fence are not nginx', () => {
    const notes = '# Nginx setup\n\nServe the admin build:\n\n```nginx\nserver {\n    listen 80;\n    root /usr/share/nginx/admin;\n}\n```\n';
    expect(as('/tree/doc/NGINX_NOTES', notes)).toBeUndefined();
    expect(as('/tree/doc/nginx-setup.txt', notes.replace('```nginx', '~~~'))).toBeUndefined();
    // The same config without the fence is nginx's, by name and content.
    expect(as('/tree/doc/NGINX_NOTES', 'server {\n    listen 80;\n    root /usr/share/nginx/admin;\n}\n')).toBe('nginx');
  });

  test('build and dev tools that borrow the apiVersion/kind header are not Kubernetes', () => {
    // dhis2/dhis2-core's jib.yaml; Skaffold, kind and k3d cluster configs, a Backstage catalog entry.
    expect(as('/tree/dhis-web-server/jib.yaml', 'apiVersion: jib/v1alpha1\nkind: BuildFile\nfrom:\n  image: tomcat\n')).toBeUndefined();
    expect(as('/tree/skaffold.yaml', 'apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts: []\n')).toBeUndefined();
    expect(as('/tree/kind.yaml', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n')).toBeUndefined();
    expect(as('/tree/k3d.yaml', 'apiVersion: "k3d.io/v1alpha5"\nkind: Simple\n')).toBeUndefined();
    expect(as('/tree/catalog-info.yaml', 'apiVersion: backstage.io/v1alpha1\nkind: Component\n')).toBeUndefined();
    // A custom resource of a group that only starts like one of them is a manifest.
    expect(as('/tree/k8s/job.yaml', 'apiVersion: jobs.example.com/v1\nkind: Job\n')).toBe('kubernetes');
    expect(as('/tree/k8s/app.yaml', 'apiVersion: apps/v1\nkind: Deployment\n')).toBe('kubernetes');
  });

  test("a values file without a controller is some other chart's", () => {
    expect(as('/tree/helm/values.yaml', 'replicaCount: 2\nimage:\n  tag: v1\n')).toBeUndefined();
  });

  test("a bootstrap.yml outside a Java source tree is not Spring Cloud's", () => {
    expect(as('/tree/ansible/bootstrap.yml', '- hosts: all\n  roles: [base]\n')).toBeUndefined();
    expect(as('/tree/src/main/bootstrap.yaml', 'server:\n  port: 8080\n')).toBeUndefined();
  });

  test('a kustomization that generates no ConfigMap says nothing cfglint uses', () => {
    expect(as('/tree/k8s/kustomization.yaml', 'resources:\n  - app.yaml\n')).toBeUndefined();
  });

  test("an .ini without a [uwsgi] section and an .xml that is not Tomcat are nobody's", () => {
    expect(as('/tree/setup.ini', '[metadata]\nname = x\n')).toBeUndefined();
    expect(as('/tree/pom.xml', '<project>\n')).toBeUndefined();
  });

  test.each([
    ['a program in a conf.d .conf', '/tree/conf.d/app.conf', '[program:app]\ncommand=/usr/bin/gunicorn app:app\nautostart=true\n'],
    ['a program that runs nginx', '/tree/supervisor/nginx.supervisor.conf', '[program:nginx]\ncommand=/usr/sbin/nginx -g "daemon off;"\n'],
    // A program that runs uWSGI is supervisord's file, not uWSGI's.
    ['a program that runs uWSGI', '/tree/deploy/supervisor-app.conf', '[program:app]\ncommand = uwsgi --ini /app/uwsgi.ini\n'],
    ['supervisord.d .ini', '/tree/etc/supervisord.d/web.ini', '; web\n[program:web]\ncommand=gunicorn app:app\n'],
    ['supervisord.conf by its name', '/tree/docker/supervisord.conf', '[unix_http_server]\nfile=/tmp/supervisor.sock\n'],
  ])('supervisord: %s', (_name, path, content) => {
    expect(as(path, content)).toBe('supervisord');
  });

  // jumpserver's apps/common/management/commands/services/services/gunicorn.py: a module of the
  // application that builds a gunicorn command line. gunicorn loads a config outside any package,
  // where `from ..hands import *` cannot run, and it sets no setting.
  test.each([
    [
      'a class and a relative import',
      '/tree/apps/services/gunicorn.py',
      "from .base import BaseService\nfrom ..hands import *\n\n\nclass GunicornService(BaseService):\n    @property\n    def cmd(self):\n        return ['gunicorn', 'app.asgi:application']\n",
    ],
    ['a relative import only', '/tree/apps/gunicorn_service.py', 'from . import runner\n\nrunner.start()\n'],
  ])('a module named like a gunicorn config is not one: %s', (_name, path, content) => {
    expect(as(path, content)).toBeUndefined();
  });

  test.each([
    ['a setting beside a class', '/tree/gunicorn.conf.py', 'from .base import *\n\nclass Hooks:\n    pass\n\nworkers = 4\n'],
    ['a typed setting', '/tree/gunicorn_conf.py', 'from .settings import PORT\n\nbind: str = f"0.0.0.0:{PORT}"\n'],
    ['a hook', '/tree/conf/gunicorn.py', 'from .log import setup\n\ndef post_fork(server, worker):\n    setup()\n'],
  ])('a config named like one stays one: %s', (_name, path, content) => {
    expect(as(path, content)).toBe('gunicorn');
  });
});

describe('Dockerfile and compose files', () => {
  test.each([
    ['/tree/Dockerfile', 'dockerfile'],
    ['/tree/nginx/Dockerfile', 'dockerfile'],
    ['/tree/Dockerfile.prod', 'dockerfile'],
    ['/tree/Dockerfile.django-debian', 'dockerfile'],
    // mozilla/pontoon's docker/Dockerfile-mozcloud, djangopackages' Dockerfile-dev.
    ['/tree/docker/Dockerfile-mozcloud', 'dockerfile'],
    ['/tree/images/Containerfile.core.base', 'dockerfile'],
    ['/tree/web.dockerfile', 'dockerfile'],
    ['/tree/Containerfile', 'dockerfile'],
    ['/tree/docker-compose.yml', 'compose'],
    ['/tree/docker-compose.override.yml', 'compose'],
    ['/tree/compose.yaml', 'compose'],
    ['/tree/deploy/compose.prod.yaml', 'compose'],
  ])('%s', (path, format) => {
    expect(
      classify(path, () => {
        throw new Error('the name alone decides');
      }),
    ).toBe(format);
  });

  test('a sample of an override file is not read: compose loads it only once copied to its own name; a named one is read', () => {
    const compose = () => 'services:\n  web:\n    command: gunicorn app:app\n';
    for (const path of ['/tree/docker-compose.override.sample.yml', '/tree/compose.override.example.yaml', '/tree/docker-compose.sample.override.yml']) {
      expect(explainClassification(path, compose)).toEqual({
        reason: 'skipped: a sample of a compose override file (compose loads compose.override.yaml or docker-compose.override.yml, not this one)',
      });
      expect(classify(path, compose, true)).toBe('compose');
    }
    // Overrides given with -f, and samples of a whole file, which `-f` runs as they are.
    for (const path of [
      '/tree/docker-compose.override.dev.yml',
      '/tree/docker-compose.sample.yml',
      '/tree/docker-compose.example.yml',
      '/tree/docker-compose.overrides-sample.yml',
    ])
      expect(classify(path, compose)).toBe('compose');
  });

  test('a compose file under another name, by its top-level services with image or build', () => {
    // ansible/galaxy_ng's dev/compose/*.yaml, run with `docker compose -f`; JHipster's src/main/docker/app.yml.
    expect(as('/tree/dev/compose/standalone.yaml', 'services:\n  api:\n    build:\n      context: ../..\n    command: gunicorn app.wsgi\n')).toBe('compose');
    expect(as('/tree/src/main/docker/app.yml', '# app\nname: app\nservices:\n  app:\n    image: app\n')).toBe('compose');
  });

  test('other YAML is not a compose file', () => {
    expect(as('/tree/.github/workflows/ci.yml', 'services:\n  web:\n    image: nginx\n')).toBeUndefined();
    expect(as('/tree/ci/build.yml', 'jobs:\n  test:\n    services:\n      db:\n        image: postgres\n')).toBeUndefined();
    expect(as('/tree/docs/services.yml', 'services:\n  - name: web\n    port: 80\n')).toBeUndefined();
    expect(as('/tree/k8s/nginx-deployment.yaml', 'kind: Deployment\n')).toBeUndefined(); // no apiVersion
  });
});

describe('templates: classified by the name they render to and their content', () => {
  const jinjaSite = 'server {\n    listen {{ port }};\n{% if tls %}\n    ssl_certificate {{ cert }};\n{% endif %}\n}\n';
  test.each([
    ["an Ansible role's .j2", '/tree/roles/web/templates/site.conf.j2', jinjaSite, 'jinja'],
    ['a .j2 without an extension under it, in an nginx folder', '/tree/templates/nginx/site.j2', jinjaSite, 'jinja'],
    [
      'docker-gen',
      '/tree/nginx.tmpl',
      '{{ range $host, $c := groupByMulti $ "Env.VIRTUAL_HOST" "," }}\nserver {\n    server_name {{ $host }};\n}\n{{ end }}\n',
      'go-template',
    ],
    ['remco/pongo2 .tmpl', '/tree/templates/nginx/app.conf.tmpl', jinjaSite, 'jinja'],
    ['a Helm partial', '/tree/chart/templates/_nginx.conf.tpl', 'server {\n    listen {{ .Values.port }};\n}\n', 'go-template'],
    ["the official image's envsubst template", '/tree/templates/default.conf.template', 'server {\n    listen ${NGINX_PORT};\n}\n', 'envsubst'],
    ['envsubst with the real extension last', '/tree/nginx/app.template.conf', 'server {\n    server_name ${DOMAIN};\n}\n', 'envsubst'],
    ['Chef ERB', '/tree/templates/default/nginx.conf.erb', 'worker_processes <%= @workers %>;\nevents {}\n', 'erb'],
    ['a .conf with Jinja inside', '/tree/conf.d/app.conf', jinjaSite, 'jinja'],
    [
      'a .conf with consul-template inside',
      '/tree/nginx/nginx.conf',
      'upstream app {\n{{ range service "app" }}\n    server {{ .Address }}:{{ .Port }};\n{{ end }}\n}\n',
      'go-template',
    ],
    ['nginx-tests', '/tree/nginx.conf', '%%TEST_GLOBALS%%\n\ndaemon off;\nevents {\n}\n', 'percent-variables'],
  ])('%s is an nginx template', (_name, path, content, dialect) => {
    expect(classifyWithTemplate(path, () => content)).toEqual({ format: 'nginx', template: dialect });
  });

  test.each([
    ['a Django template', '/tree/templates/base.tpl', '<html>{% block body %}{% endblock %}</html>\n'],
    ['an HTML page', '/tree/roles/web/templates/index.html.j2', '<h1>{{ title }}</h1>\n'],
    ['a compose template (its reader would judge a placeholder as a value)', '/tree/docker-compose.yml.j2', 'services:\n  web:\n    image: "{{ image }}"\n'],
    ['a gunicorn config template', '/tree/roles/app/templates/gunicorn.conf.py.j2', 'workers = {{ workers }}\n'],
    // Terraform's templatefile() fills in ${x} and %{ if x }.
    ['a Terraform template of a script', '/tree/templates/init.sh.tpl', '#!/bin/bash\naws eks update-kubeconfig --region ${region}\n'],
  ])('%s is not read', (_name, path, content) => {
    expect(classifyWithTemplate(path, () => content)).toBeUndefined();
  });

  test.each([
    // spiral-project/ihatemoney's conf-templates/: no tag, so the rendered file is this text.
    ['a gunicorn config', '/tree/conf-templates/gunicorn.conf.py.j2', 'bind = "unix:/tmp/app.gunicorn.sock"\nworkers = 3\n', 'gunicorn'],
    ['a systemd unit', '/tree/templates/app.service.j2', '[Service]\nExecStart=/usr/bin/gunicorn app:app\n', 'systemd'],
  ])('a template name without a tag is read as what it renders to, unchanged: %s', (_name, path, content, format) => {
    expect(classifyWithTemplate(path, () => content)).toEqual({ format });
  });

  test.each([
    ['a uWSGI ini template', '/tree/roles/app/templates/uwsgi.ini.j2', '[uwsgi]\nprocesses = {{ workers }}\n', 'uwsgi', 'jinja'],
    ['an envsubst uWSGI .conf', '/tree/uwsgi/app.template.conf', '[uwsgi]\nprocesses = ${UWSGI_PROCESSES}\n', 'uwsgi', 'envsubst'],
    ['a uWSGI ini with a Django startproject placeholder', '/tree/uwsgiconf/alpha.ini', '[uwsgi]\nchdir = /srv/{{ project_name }}\n', 'uwsgi', 'jinja'],
    [
      'a Tomcat server.xml template',
      '/tree/templates/tomcat/server.xml.tmpl',
      '<Server port="8005">\n{% if ajp %}<Connector port="8009"/>{% endif %}\n</Server>\n',
      'tomcat',
      'jinja',
    ],
  ])('%s is read tolerantly by its own reader', (_name, path, content, format, dialect) => {
    expect(classifyWithTemplate(path, () => content)).toEqual({ format, template: dialect });
  });

  test("a uWSGI ini using uWSGI's own $(VAR) and %(name) is no template", () => {
    expect(classifyWithTemplate('/tree/uwsgi.ini', () => '[uwsgi]\nsocket = $(SOCKET)\nlogto = %(chdir)/log\n')).toEqual({ format: 'uwsgi' });
  });

  test('a manifest with a line that starts with a Jinja statement is a template of it, not YAML', () => {
    expect(classifyWithTemplate('/tree/k8s/deploy.yaml', () => `{%- if tls %}\napiVersion: v1\nkind: Secret\n{% endif %}\n`)).toBeUndefined();
    expect(classifyWithTemplate('/tree/k8s/deploy.yaml', () => 'apiVersion: v1\nkind: Secret\n')).toEqual({ format: 'kubernetes' });
  });

  test("a Helm chart's manifest is a template (the Kubernetes reader reads manifests only rendered)", () => {
    expect(
      classifyWithTemplate('/tree/chart/templates/service.yaml', () => 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-web\n'),
    ).toBeUndefined();
  });

  test('${NAME} in a compose file or a Tomcat server.xml is their own syntax, not a template', () => {
    expect(classifyWithTemplate('/tree/docker-compose.yml', () => 'services:\n  web:\n    image: ${IMAGE}\n')).toEqual({ format: 'compose' });
    expect(classifyWithTemplate('/tree/conf/server.xml', () => '<Server port="${shutdown.port}">\n<Connector port="8080"/>\n</Server>\n')).toEqual({
      format: 'tomcat',
    });
  });

  test('a plain nginx file is not a template', () => {
    expect(classifyWithTemplate('/tree/conf.d/app.conf', () => 'server {\n    return 301 https://$host${request_uri};\n}\n')).toEqual({ format: 'nginx' });
  });
});

describe('names cfglint would read, for a link whose content cannot be seen', () => {
  test.each([
    ['/tree/conf.d/app.conf', true],
    ['/tree/sites-enabled/shop', true],
    ['/tree/nginx.conf.j2', true],
    ['/tree/gunicorn.conf.py', true],
    ['/tree/app.service', true],
    ['/tree/Procfile', true],
    ['/tree/templates/base.tpl', false],
    ['/tree/static/app.js', false],
    ['/tree/README.md', false],
    ['/tree/settings.py', false],
  ])('%s: %s', (path, readable) => {
    expect(readableByName(path)).toBe(readable);
  });
});
