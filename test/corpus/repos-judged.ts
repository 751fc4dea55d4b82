/**
 * Every error and warning cfglint reports on ../shared/corpus/repos/, checked by hand against the
 * files: `"<rule> <file in the tree>:<line>": why it is true`. A tree that is not listed must lint
 * with no error or warning. Add an entry only after reading the files; a false finding is fixed in
 * cfglint instead.
 */
export const JUDGED: Record<string, Record<string, string>> = {
  'UF-CSU__club-portal-backend': {
    'gunicorn-unknown-setting app/gunicorn.conf.py:18':
      '`preload = True`: gunicorn\'s setting is preload_app (--preload is only the flag); gunicorn ignores the unknown name, so the app is not preloaded as the comment on that line intends',
  },
  'haiwen__seafile-docker': {
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
  'huginn__huginn': {
    'nginx-deprecated-directive deployment/nginx/huginn-ssl:47':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-deprecated-directive doc/deployment/nginx/production.conf:26':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
    'nginx-deprecated-directive doc/deployment/nginx/production.conf:36':
      '`ssl on;` with no nginx version in the tree: nginx warns that the directive is deprecated (since 1.15.0) on every release up to 1.24.x and refuses to start from 1.25.1 (unknown directive "ssl"); `listen 443 ssl` replaces it',
  },
  'mailcow__mailcow-dockerized': {
    'nginx-deprecated-directive data/conf/nginx/templates/nginx.conf.j2:179':
      '`listen 9082 ssl http2;` while docker-compose.yml runs ghcr.io/mailcow/nginx:1.30.4-1 (nginx 1.30.4): from 1.25.1 nginx logs "the listen ... http2 directive is deprecated, use the http2 directive instead" at every start; `http2 on;` exists on that release',
  },
  'junkor-1011__fastapi_nginx_template': {
    'upstream-keepalive-timeout web/conf.d/app.conf:1':
      'nginx:alpine (docker-compose.yml) tracks mainline: from 1.29.7 upstream backend keeps idle connections by default, 60s, while uvicorn (app/Dockerfile CMD, no --timeout-keep-alive) closes them after 5s; the finding holds only for >= 1.29.7 and says so',
  },
  'ryuichiroshibuya__ansible': {
    'uwsgi-unknown-option roles/django/templates/uwsgi.sh:3':
      '`--grunt` is not an option of uWSGI 2.0 (absent from `uwsgi --dump-options` of 2.0.21 and from the 2.0 core table); the role installs uWSGI with pip, which gives 2.0, and uWSGI stops at the unknown option',
  },
};
