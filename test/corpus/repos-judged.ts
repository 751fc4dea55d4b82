/**
 * Every error and warning cfglint reports on ../shared/corpus/repos/, checked by hand against the
 * files: `"<rule> <file in the tree>:<line>": why it is true`. A tree that is not listed must lint
 * with no error or warning. Add an entry only after reading the files; a false finding is fixed in
 * cfglint instead.
 */
const SEAFILE =
  'ssl_ciphers names ECDH+3DES, DH+3DES and RSA+3DES and removes only aNULL, MD5 and DSS: triple-DES suites (64-bit blocks, Sweet32) stay enabled';

export const JUDGED: Record<string, Record<string, string>> = {
  'UF-CSU__club-portal-backend': {
    'gunicorn-unknown-setting app/gunicorn.conf.py:18':
      "`preload = True`: gunicorn's setting is preload_app (--preload is only the flag); gunicorn ignores the unknown name, so the app is not preloaded as the comment on that line intends",
  },
  RocHack__etc: {
    'nginx-alias-traversal nginx/sites-available/default:184':
      '`location /assets { alias /usr/local/src/subway/assets/; autoindex on; }`: /assets../ maps to /usr/local/src/subway/, the whole source checkout of the IRC client, listed by autoindex',
    'nginx-weak-tls nginx/nginx.conf:40': '`ssl_protocols SSLv3 TLSv1 TLSv1.1 TLSv1.2`: SSLv3 (POODLE) and TLS 1.0/1.1 enabled',
    'nginx-weak-tls nginx/nginx.conf:41': '`ssl_ciphers RC4:HIGH:!aNULL:!MD5` puts RC4 first and never removes it',
  },
  'haiwen__seafile-docker': {
    'nginx-weak-tls image/pro_seafile_7.1/templates/seafile.nginx.conf.template:28': SEAFILE,
    'nginx-weak-tls image/pro_seafile_8.0/templates/seafile.nginx.conf.template:28': SEAFILE,
    'nginx-weak-tls image/pro_seafile_9.0/templates/seafile.nginx.conf.template:27': SEAFILE,
    'nginx-weak-tls image/pro_seafile_9.0_arm/templates/seafile.nginx.conf.template:27': SEAFILE,
    'nginx-weak-tls image/seafile_7.1/templates/seafile.nginx.conf.template:28': SEAFILE,
    'nginx-weak-tls image/seafile_8.0/templates/seafile.nginx.conf.template:28': SEAFILE,
    'nginx-weak-tls image/seafile_9.0/templates/seafile.nginx.conf.template:27': SEAFILE,
    'nginx-weak-tls image/seafile_9.0_arm/templates/seafile.nginx.conf.template:27': SEAFILE,
    'nginx-weak-tls templates/seafile.nginx.conf.template:29': SEAFILE,
    'nginx-deprecated-directive image/pro_seafile_7.1/templates/seafile.nginx.conf.template:24':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-deprecated-directive image/pro_seafile_8.0/templates/seafile.nginx.conf.template:24':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-deprecated-directive image/seafile_7.1/templates/seafile.nginx.conf.template:24':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-deprecated-directive image/seafile_8.0/templates/seafile.nginx.conf.template:24':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-error-log-off services/nginx.conf:20':
      '`error_log off;` in the http block: nginx has no "off" for error_log (ngx_log_set_log), so it opens <prefix>/off and keeps logging errors there, unrotated',
  },
  huginn__huginn: {
    'nginx-host-spoofing doc/deployment/nginx/production.conf:61':
      'the 443 server www.your-domain.com is the second server on port 443 (your-domain.com comes first, no default_server), so it is reached only by that name, yet the @app location sends the raw $http_host: `GET https://www.your-domain.com/` with `Host: evil.example` reaches it and the Rails app builds links to evil.example',
    'nginx-weak-tls deployment/nginx/huginn-ssl:51':
      'the list names ECDHE-RSA-DES-CBC3-SHA, EDH-RSA-DES-CBC3-SHA and DES-CBC3-SHA; its !DES removes single DES only (OpenSSL: "DES ... not triple DES"), so 3DES stays',
    'nginx-weak-tls deployment/nginx/huginn-ssl:52': '`ssl_protocols TLSv1 TLSv1.1 TLSv1.2`',
    'nginx-deprecated-directive deployment/nginx/huginn-ssl:47':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-deprecated-directive doc/deployment/nginx/production.conf:26':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-deprecated-directive doc/deployment/nginx/production.conf:36':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
  },
  'jitsi__docker-jitsi-meet': {
    'nginx-header-redefinition web/rootfs/defaults/meet.conf:69':
      'the static location (libs, css, fonts, .well-known...) adds its own Access-Control-Allow-Origin, so the server-level X-Content-Type-Options nosniff, Permissions-Policy and (when CSP_HEADER is set) Content-Security-Policy are not sent with the JavaScript and CSS it serves',
    'nginx-header-redefinition web/rootfs/defaults/meet.conf:220':
      'same as line 69 for the load-test libs location: its Access-Control-Allow-Origin drops the server-level nosniff and Permissions-Policy',
  },
  'junkor-1011__fastapi_nginx_template': {
    'upstream-keepalive-timeout web/conf.d/app.conf:1':
      'nginx:alpine (docker-compose.yml) tracks mainline: from 1.29.7 upstream backend keeps idle connections by default, 60s, while uvicorn (app/Dockerfile CMD, no --timeout-keep-alive) closes them after 5s; the finding holds only for >= 1.29.7 and says so',
  },
  'kobotoolbox__kobo-docker': {
    'nginx-http-splitting nginx/kobo-docker-scripts/templates/nginx_site_default.conf.tmpl:26':
      '`location ~ /elb/([^/]*)/(.*)$` puts $1 into `proxy_set_header Host`: `[^/]` matches LF and nginx decodes the path, so /elb/a%0d%0aX-Injected:%201/ adds a header to the request sent to 127.0.0.1',
    'nginx-host-spoofing nginx/kobo-docker-scripts/templates/nginx_site_default.conf.tmpl:26':
      '`location ~ /elb/([^/]*)/(.*)$` sends `Host $1` to 127.0.0.1: any client names the virtual host of the local nginx it reaches (/elb/<any-host>/...), including servers meant only for internal names',
    'nginx-resolver-external nginx/kobo-docker-scripts/include.protected_directive.conf:14':
      "`resolver 8.8.8.8 8.8.4.4`: Google's public DNS over UDP for the names proxy_pass resolves at run time, although the container has Docker's 127.0.0.11",
    'nginx-add-header-content-type nginx/kobo-docker-scripts/include.schemas_directive.conf:10':
      'the location serves a file (root + try_files), so nginx sends the type from types/default_type, and `add_header Content-Type $schema_type always` adds a second one',
    'nginx-add-header-content-type nginx/kobo-docker-scripts/include.schemas_directive.conf:16': 'same as line 10 for the openrosa schema file',
  },
  'mailcow__mailcow-dockerized': {
    'nginx-deprecated-directive data/conf/nginx/templates/nginx.conf.j2:179':
      '`listen 9082 ssl http2;` while docker-compose.yml runs ghcr.io/mailcow/nginx:1.30.4-1 (nginx 1.30.4): from 1.25.1 nginx logs "the listen ... http2 directive is deprecated, use the http2 directive instead" at every start; `http2 on;` exists on that release',
    'nginx-http-splitting data/conf/nginx/templates/nginx.conf.j2:75':
      '`return 301 https://$host$uri$is_args$args;` in the mta-sts server: $uri is the decoded path, so /%0d%0aSet-Cookie:%20a=b ends the Location header and sets a cookie (the classic $uri-in-redirect splitting)',
    'nginx-header-redefinition data/conf/nginx/templates/sites-default.conf.j2:40':
      'lines 15-21 set HSTS, nosniff, X-Frame-Options and Referrer-Policy for the server; the /(fonts|js|css|img)/ location adds Cache-Control and so sends none of them with its scripts and styles',
    'nginx-header-redefinition data/conf/nginx/templates/sites-default.conf.j2:230':
      "the SOGo location for .xml/.js/.html/.xhtml adds Content-Type and so drops the server's HSTS, nosniff and X-Frame-Options from SOGo pages (html included)",
  },
  'umap-project__umap': {
    'nginx-resolver-external docker/umap-snippet.conf:50': '`resolver 8.8.8.8;` for the proxied tile/ajax-proxy lookups: a public resolver over UDP',
    'nginx-resolver-external docker/umap-snippet.conf:64': 'same `resolver 8.8.8.8;` in the second proxy location',
  },
  ryuichiroshibuya__ansible: {
    'uwsgi-unknown-option roles/django/templates/uwsgi.sh:3':
      '`--grunt` is not an option of uWSGI 2.0 (absent from `uwsgi --dump-options` of 2.0.21 and from the 2.0 core table); the role installs uWSGI with pip, which gives 2.0, and uWSGI stops at the unknown option',
  },
  'NginxProxyManager__nginx-proxy-manager': {
    'nginx-h2c-smuggling backend/templates/_location.conf:20':
      'with "websocket upgrade" on, each custom location passes `Upgrade $http_upgrade` and `Connection $http_connection`: a client sending Upgrade: h2c with HTTP2-Settings gets a tunnel to any h2c-capable backend, past the access list of _access.conf',
  },
  'boschkundendienst__guacamole-docker-compose': {
    'nginx-h2c-smuggling nginx/templates/guacamole.conf.template:25':
      "location / passes `Upgrade $http_upgrade` and `Connection $http_connection` to guacamole:8080 (Tomcat): with Tomcat's h2c upgrade enabled, Upgrade: h2c turns the connection into a tunnel that skips nginx",
  },
  'nightblure__django-site-docker': {
    'nginx-alias-traversal nginx-conf.d:22':
      "`location /media { alias /app/media/; }`: /media../ maps to /app/, the nginx image's WORKDIR (Dockerfile_nginx); today it holds only static/ and media/, so nothing secret is served yet, but any file placed in /app is",
  },
};
