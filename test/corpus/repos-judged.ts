/**
 * Every error and warning cfglint reports on ../shared/corpus/repos/, checked by hand against the
 * files: `"<rule> <file in the tree>:<line>": why it is true`. A tree that is not listed must lint
 * with no error or warning. Add an entry only after reading the files; a false finding is fixed in
 * cfglint instead.
 */
export const JUDGED: Record<string, Record<string, string>> = {
  'NginxProxyManager__nginx-proxy-manager': {
    'nginx-h2c-smuggling backend/templates/_location.conf:20':
      'with "websocket upgrade" on, each custom location passes `Upgrade $http_upgrade` and `Connection $http_connection`: a client sending Upgrade: h2c with HTTP2-Settings gets a tunnel to any h2c-capable backend, past the access list of _access.conf',
  },
  'RocHack__etc': {
    'nginx-alias-traversal nginx/sites-available/default:184':
      '`location /assets { alias /usr/local/src/subway/assets/; autoindex on; }`: /assets../ maps to /usr/local/src/subway/, the whole source checkout of the IRC client, listed by autoindex',
  },
  'UF-CSU__club-portal-backend': {
    'gunicorn-unknown-setting app/gunicorn.conf.py:18':
      '`preload = True`: gunicorn\'s setting is preload_app (--preload is only the flag); gunicorn ignores the unknown name, so the app is not preloaded as the comment on that line intends',
  },
  'boschkundendienst__guacamole-docker-compose': {
    'nginx-h2c-smuggling nginx/templates/guacamole.conf.template:25':
      'location / passes `Upgrade $http_upgrade` and `Connection $http_connection` to guacamole:8080 (Tomcat): with Tomcat\'s h2c upgrade enabled, Upgrade: h2c turns the connection into a tunnel that skips nginx',
  },
  'huginn__huginn': {
    'nginx-host-spoofing doc/deployment/nginx/production.conf:61':
      'the 443 server www.your-domain.com is the second server on port 443 (your-domain.com comes first, no default_server), so it is reached only by that name, yet the @app location sends the raw $http_host: `GET https://www.your-domain.com/` with `Host: evil.example` reaches it and the Rails app builds links to evil.example',
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
  },
  'mailcow__mailcow-dockerized': {
    'nginx-http-splitting data/conf/nginx/templates/nginx.conf.j2:75':
      '`return 301 https://$host$uri$is_args$args;` in the mta-sts server: $uri is the decoded path, so /%0d%0aSet-Cookie:%20a=b ends the Location header and sets a cookie (the classic $uri-in-redirect splitting)',
  },
  'nightblure__django-site-docker': {
    'nginx-alias-traversal nginx-conf.d:22':
      '`location /media { alias /app/media/; }`: /media../ maps to /app/, the nginx image\'s WORKDIR (Dockerfile_nginx); today it holds only static/ and media/, so nothing secret is served yet, but any file placed in /app is',
  },
  'ryuichiroshibuya__ansible': {
    'uwsgi-unknown-option roles/django/templates/uwsgi.sh:3':
      '`--grunt` is not an option of uWSGI 2.0 (absent from `uwsgi --dump-options` of 2.0.21 and from the 2.0 core table); the role installs uWSGI with pip, which gives 2.0, and uWSGI stops at the unknown option',
  },
};
