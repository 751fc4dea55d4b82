import { rule } from '../../checks/nginx-unknown-directive';
import { testRule } from '../harness';

const main = (http: string) => `events {}\nhttp {\n${http}}\n`;

testRule(rule, {
  accept: [
    {
      name: 'directives of the core and proxy modules',
      tree: { 'nginx.conf': main('    proxy_read_timeout 30s;\n    server { listen 80; location / { proxy_pass http://127.0.0.1:8000; } }\n') },
    },
    { name: 'an undocumented directive nginx still accepts', tree: { 'nginx.conf': main('    open_file_cache_events on;\n') } },
    {
      name: 'map entries are data, not directives',
      tree: {
        'nginx.conf': main('    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        "" close;\n        proxy_read_timout x;\n    }\n'),
      },
    },
    { name: 'types entries are data', tree: { 'nginx.conf': main('    types {\n        text/html html;\n        application/x-custom cst;\n    }\n') } },
    {
      name: 'a third-party module declared in nginx.modules',
      tree: { 'conf.d/app.conf': 'server {\n    listen 80;\n    more_set_headers "Server: x";\n    brotli on;\n}\n' },
      config: { nginx: { modules: ['headers-more', 'brotli'] } },
    },
    {
      name: 'a module loaded with load_module in the tree',
      tree: { 'nginx.conf': 'load_module modules/ngx_http_headers_more_filter_module.so;\nevents {}\nhttp {\n    more_clear_headers Server;\n}\n' },
    },
    {
      // Sefaria's helm template (ngx_http_opentracing_module.cpp's command table: opentracing_load_tracer in http and server only).
      name: 'nginx-opentracing loaded with load_module: its directives in http and location',
      tree: {
        'nginx.conf':
          'load_module /etc/nginx/modules/ngx_http_opentracing_module.so;\nevents {}\nhttp {\n    opentracing_load_tracer /usr/local/lib/libjaegertracing_plugin.so /etc/nginx/jaeger.json;\n    server {\n        listen 80;\n        location / {\n            opentracing on;\n            opentracing_tag app web;\n            opentracing_propagate_context;\n            proxy_pass http://127.0.0.1:8000;\n        }\n    }\n}\n',
      },
    },
    {
      name: "a module cfglint does not know is loaded: a known module's directive may be its own, under another file name",
      tree: { 'nginx.conf': 'load_module modules/ngx_http_our_compression_module.so;\nevents {}\nhttp {\n    brotli on;\n}\n' },
    },
    {
      name: 'an OpenResty tree: Lua directives bring the bundle (headers-more, set-misc)',
      tree: {
        'conf.d/app.conf':
          'server {\n    location / {\n        set_escape_uri $x $arg_x;\n        more_set_headers "A: b";\n        content_by_lua_block { ngx.say("}") }\n    }\n}\n',
      },
    },
    {
      name: 'a directive declared in nginx.extraDirectives',
      tree: { 'conf.d/app.conf': 'server {\n    my_waf_enable on;\n}\n' },
      config: { nginx: { extraDirectives: { my_waf_enable: ['server', 'location'] } } },
    },
    {
      name: "Debian's modules-enabled include, not in the tree: brotli may be loaded there",
      tree: { 'nginx.conf': 'include /etc/nginx/modules-enabled/*.conf;\nevents {}\nhttp {\n    brotli on;\n}\n' },
    },
    {
      name: 'a relative main-context include that matches nothing in the tree',
      tree: { 'nginx.conf': 'include modules.d/*.conf;\nevents {}\nhttp {\n    more_set_headers "Server: x";\n}\n' },
    },
    {
      // linuxserver/docker-swag installs set-misc this way and uses set_escape_uri in its samples.
      name: "modules the image installs as Alpine or Debian packages (their load_module lines are the image's)",
      tree: {
        Dockerfile:
          'FROM alpine:3.20\nRUN apk add --no-cache \\\n    nginx \\\n    nginx-mod-http-set-misc \\\n    nginx-mod-devel-kit\nCOPY site.conf /etc/nginx/http.d/\n',
        'site.conf': 'server {\n    listen 80;\n    upstream_list backends a b;\n    location / {\n        set_escape_uri $x $arg_x;\n    }\n}\n',
        'debian/Dockerfile': 'FROM debian:12\nRUN apt-get update && apt-get install -y nginx libnginx-mod-http-headers-more-filter\n',
        'debian/app.conf': 'server {\n    listen 80;\n    more_set_headers "Server: x";\n}\n',
      },
    },
    {
      // nginxinc/NGINX-Demos: an NGINX Plus load balancer, with an nginx:1.27.4 image elsewhere in the repository.
      name: 'a config with NGINX Plus directives is not judged by nginx releases (sticky was in Plus before nginx 1.29.6)',
      nginxVersion: '1.27.4',
      tree: {
        'gce/lb.conf':
          'upstream app {\n    zone app 64k;\n    server 10.0.0.1:80;\n    sticky cookie srv expires=300;\n}\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://app;\n        health_check;\n    }\n}\n',
      },
    },
    { name: 'http2 on nginx 1.25.1 and later', nginxVersion: '1.26.2', tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    http2 on;\n}\n' } },
    // Removed after a deprecation: nginx-deprecated-directive reports it, with the replacement.
    {
      name: 'the ssl directive on nginx 1.26 is left to nginx-deprecated-directive',
      nginxVersion: '1.26.0',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443;\n    ssl on;\n}\n' },
    },
    { name: 'http2 when the version is unknown', tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    http2 on;\n}\n' } },
  ],
  reject: [
    {
      name: 'the modules-enabled files are in the tree and load no brotli',
      tree: {
        'nginx.conf': 'include modules-enabled/*.conf;\nevents {}\nhttp {\n    brotli on;\n}\n',
        'modules-enabled/50-mod-stream.conf': 'load_module modules/ngx_stream_module.so;\n',
      },
      findings: [{ messageId: 'thirdParty', severity: 'warning', primary: { file: 'nginx.conf', line: 4, column: 5 }, messageIncludes: ['"brotli"'] }],
    },
    {
      name: 'an include the tree lacks inside http cannot load a module',
      tree: { 'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/extra/*.conf;\n    brotli on;\n}\n' },
      findings: [{ messageId: 'thirdParty', severity: 'warning', primary: { file: 'nginx.conf', line: 4, column: 5 }, messageIncludes: ['"brotli"'] }],
    },
    {
      name: 'opentracing directives without the module loaded: a warning that names it',
      tree: { 'conf.d/app.conf': 'server {\n    listen 80;\n    opentracing on;\n    opentracing_propagate_context;\n}\n' },
      findings: [
        {
          messageId: 'thirdParty',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 3, column: 5 },
          messageIncludes: ['"opentracing"', 'as do 1 more directive'],
        },
      ],
    },
    {
      name: 'a directive cfglint does not know beside a module it does not know: an info that names the load_module',
      tree: {
        'nginx.conf':
          'load_module modules/ngx_http_auth_spnego_module.so;\nevents {}\nhttp {\n    server {\n        location / {\n            auth_gss on;\n            proxy_read_timout 30s;\n        }\n    }\n}\n',
      },
      findings: [
        {
          messageId: 'besideUnknownModule',
          severity: 'info',
          primary: { file: 'nginx.conf', line: 6, column: 13 },
          messageIncludes: ['"auth_gss"', 'modules/ngx_http_auth_spnego_module.so'],
        },
        {
          messageId: 'besideUnknownModule',
          severity: 'info',
          primary: { file: 'nginx.conf', line: 7, column: 13 },
          helpIncludes: ['did you mean "proxy_read_timeout"?'],
        },
      ],
    },
    {
      name: "nginx's own dynamic modules (stream, njs) add no unknown directives: a misspelt one is still an error",
      tree: {
        'nginx.conf':
          'load_module modules/ngx_stream_module.so;\nload_module modules/ngx_http_js_module-debug.so;\nevents {}\nhttp {\n    js_import main.js;\n    proxy_read_timout 30s;\n}\n',
      },
      findings: [{ messageId: 'unknown', severity: 'error', primary: { file: 'nginx.conf', line: 6, column: 5 } }],
    },
    {
      name: 'with modules-enabled outside the tree, a misspelt directive is still reported',
      tree: { 'nginx.conf': 'include /etc/nginx/modules-enabled/*.conf;\nevents {}\nhttp {\n    proxy_read_timout 30s;\n}\n' },
      findings: [{ messageId: 'unknown', severity: 'error', primary: { file: 'nginx.conf', line: 4, column: 5 } }],
    },
    {
      name: 'a module package installed only in a build stage is not in the image; a module of a package the image does not install is not enabled',
      tree: {
        Dockerfile:
          'FROM alpine:3.20 AS build\nRUN apk add nginx-mod-http-set-misc\nFROM alpine:3.20\n# RUN apk add nginx-mod-http-headers-more\nRUN apk add nginx nginx-mod-http-echo\n',
        'site.conf': 'server {\n    listen 80;\n    set_escape_uri $x $arg_x;\n    more_set_headers "Server: x";\n    echo_sleep 1;\n}\n',
      },
      findings: [
        { messageId: 'thirdParty', severity: 'warning', primary: { file: 'site.conf', line: 3, column: 5 }, messageIncludes: ['"set-misc"'] },
        { messageId: 'thirdParty', severity: 'warning', primary: { file: 'site.conf', line: 4, column: 5 }, messageIncludes: ['"headers-more"'] },
      ],
    },
    {
      name: 'sticky in an nginx config before 1.29.6; NGINX Plus directives in another file of the tree do not change that one',
      nginxVersion: '1.27.4',
      tree: {
        'oss/lb.conf': 'upstream app {\n    zone app 64k;\n    server 10.0.0.1:80;\n    sticky cookie srv expires=300;\n}\n',
        'plus/status.conf': 'server {\n    listen 8080;\n    location /api {\n        api write=on;\n    }\n}\n',
      },
      findings: [{ messageId: 'notYet', severity: 'error', primary: { file: 'oss/lb.conf', line: 4, column: 5 }, messageIncludes: ['"sticky"', '1.29.6'] }],
    },
    {
      name: 'a misspelt directive, with the nearest name',
      tree: { 'nginx.conf': main('    server {\n        location / {\n            proxy_read_timout 30s;\n        }\n    }\n') },
      findings: [
        {
          messageId: 'unknown',
          primary: { file: 'nginx.conf', line: 5, column: 13, endLine: 5, endColumn: 30 },
          messageIncludes: ['Unknown directive "proxy_read_timout"'],
          helpIncludes: ['did you mean "proxy_read_timeout"?', 'unknown directive "proxy_read_timout"'],
        },
      ],
    },
    {
      name: 'two mistakes, one in an included file',
      tree: {
        'nginx.conf': 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n',
        'conf.d/app.conf': 'server {\n  listen 80;\n  server_nam example.com;\n  location / { proxy_passs http://app; }\n}\n',
      },
      findings: [
        { messageId: 'unknown', primary: { file: 'conf.d/app.conf', line: 3, column: 3 }, helpIncludes: ['did you mean "server_name"?'] },
        { messageId: 'unknown', primary: { file: 'conf.d/app.conf', line: 4, column: 16, endColumn: 27 }, helpIncludes: ['did you mean "proxy_pass"?'] },
      ],
    },
    {
      name: 'a name far from every known one gets no suggestion',
      tree: { 'conf.d/app.conf': 'server {\n    frobnicate_everything yes;\n}\n' },
      findings: [
        {
          messageId: 'unknown',
          primary: { file: 'conf.d/app.conf', line: 2, column: 5 },
          message: 'Unknown directive "frobnicate_everything"',
          help: 'nginx refuses to start (unknown directive "frobnicate_everything")',
        },
      ],
    },
    {
      name: 'a third-party directive whose module is not declared is a warning',
      tree: { 'conf.d/app.conf': 'server {\n    listen 80;\n    more_set_headers "Server: x";\n}\n' },
      findings: [
        {
          messageId: 'thirdParty',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 3, column: 5 },
          messageIncludes: ['"headers-more"'],
          helpIncludes: ['nginx.modules'],
        },
      ],
    },
    {
      name: 'several directives of one undeclared module in a file: one warning that counts the others',
      tree: {
        'conf.d/app.conf':
          'server {\n    listen 80;\n    more_set_headers "Server: x";\n    more_clear_headers X-Powered-By;\n    more_set_input_headers "X: y";\n}\n',
      },
      findings: [
        {
          messageId: 'thirdParty',
          severity: 'warning',
          primary: { file: 'conf.d/app.conf', line: 3, column: 5 },
          messageIncludes: ['"headers-more"', 'as do 2 more directives in this file'],
        },
      ],
    },
    {
      name: 'http2 on nginx 1.22: it appeared in 1.25.1',
      nginxVersion: '1.22.1',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    http2 on;\n}\n' },
      findings: [
        { messageId: 'notYet', primary: { file: 'conf.d/app.conf', line: 3, column: 5 }, messageIncludes: ['appeared in nginx 1.25.1', 'nginx 1.22.1'] },
      ],
    },
    {
      name: 'a spdy directive on nginx 1.20: removed in 1.19.7',
      nginxVersion: '1.20.2',
      tree: { 'conf.d/app.conf': 'server {\n    listen 443 ssl;\n    spdy_chunk_size 8k;\n}\n' },
      findings: [{ messageId: 'removed', primary: { file: 'conf.d/app.conf', line: 3, column: 5 }, messageIncludes: ['removed in nginx 1.19.7'] }],
    },
    {
      name: 'inside an if in a location',
      tree: { 'conf.d/app.conf': 'server {\n    location / {\n        if ($arg_x) {\n            retrun 404;\n        }\n    }\n}\n' },
      findings: [{ messageId: 'unknown', primary: { file: 'conf.d/app.conf', line: 4, column: 13 }, helpIncludes: ['did you mean "return"?'] }],
    },
  ],
});
