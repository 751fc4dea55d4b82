/**
 * nginx texts several tests share. Line numbers matter to the tests that assert positions.
 */

/**
 * An upstream with connections kept alive (HTTP/1.1, Connection "") to 127.0.0.1:8000: nginx keeps
 * an idle one 60 s by default, a race with any backend that closes sooner. `keepalive 16;` is line 3.
 */
export const NGINX_KEEPALIVE_UPSTREAM = [
  'upstream app {',
  '    server 127.0.0.1:8000;',
  '    keepalive 16;',
  '}',
  'server {',
  '    listen 80;',
  '    location / {',
  '        proxy_http_version 1.1;',
  '        proxy_set_header Connection "";',
  '        proxy_pass http://app;',
  '    }',
  '}',
  '',
].join('\n');
