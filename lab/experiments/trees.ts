/** Pieces the experiments' deploy trees share: a runnable nginx.conf, uwsgi_params, a uWSGI ini, the app. */

/** The http{} lines every lab nginx needs to run from a temp dir (no /var paths). */
export const NGINX_HTTP_BASICS = [
  'access_log off;',
  'client_body_temp_path tmp/client_body;',
  'proxy_temp_path tmp/proxy;',
  'fastcgi_temp_path tmp/fastcgi;',
  'uwsgi_temp_path tmp/uwsgi;',
  'scgi_temp_path tmp/scgi;',
].join('\n    ');

/** A WSGI app for gunicorn and uWSGI: `/slow?s=N` sleeps N seconds; POST bodies are read. */
export const WSGI_APP = `import time

def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    if environ.get("PATH_INFO") == "/slow":
        time.sleep(float(environ.get("QUERY_STRING", "s=1").split("=")[1]))
    body = b"ok\\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

application = app
`;

export interface NginxConfParts {
  /** Main-context lines (user, worker_rlimit_nofile). */
  main?: string;
  workerConnections?: number;
  /** http-context lines before the server (upstream blocks). */
  http?: string;
  /** server-context lines after `listen` (locations). */
  server: string;
  listenPort: number;
}

export function nginxConf(parts: NginxConfParts): string {
  return `${parts.main ? `${parts.main}\n` : ''}worker_processes 1;
events { worker_connections ${parts.workerConnections ?? 512}; }
http {
    ${NGINX_HTTP_BASICS}
${indent(parts.http ?? '', 4)}
    server {
        listen 127.0.0.1:${parts.listenPort};
${indent(parts.server, 8)}
    }
}
`;
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : ' '.repeat(spaces) + line))
    .join('\n');
}

/** The request variables uWSGI needs, written for the lab (nginx's own uwsgi_params sends the same). */
export const UWSGI_PARAMS =
  [
    'QUERY_STRING $query_string',
    'REQUEST_METHOD $request_method',
    'CONTENT_TYPE $content_type',
    'CONTENT_LENGTH $content_length',
    'REQUEST_URI $request_uri',
    'PATH_INFO $document_uri',
    'DOCUMENT_ROOT $document_root',
    'SERVER_PROTOCOL $server_protocol',
    'REMOTE_ADDR $remote_addr',
    'REMOTE_PORT $remote_port',
    'SERVER_PORT $server_port',
    'SERVER_NAME $server_name',
  ]
    .map((pair) => `uwsgi_param ${pair};`)
    .join('\n') + '\n';

/** A uWSGI ini running the tree's app.py with Debian's python3 plugin. */
export function uwsgiIni(lines: string[]): string {
  return ['[uwsgi]', 'plugins = python3', 'wsgi-file = app.py', 'master = true', 'processes = 1', ...lines, ''].join('\n');
}

/** A server.xml with one HTTP connector and nothing else to start (no shutdown port, no AJP). */
export function tomcatServerXml(connectorAttributes: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector ${connectorAttributes} />
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false" />
    </Engine>
  </Service>
</Server>
`;
}

/** A runnable nginx.conf around an example's `conf.d/*.conf` (examples hold the sites only). */
export function nginxConfIncludingConfD(): string {
  return `worker_processes 1;
events { worker_connections 512; }
http {
    ${NGINX_HTTP_BASICS}
    include conf.d/*.conf;
}
`;
}
